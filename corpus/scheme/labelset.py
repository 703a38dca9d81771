"""Label sets: the labels a project annotates with, their attributes, and which label set a project uses.

``load_labelset()`` reads a label set (default ``schema/labelset.json``, or ``$NEWSSPAN_LABELSET``, or the
project's own ``labelset.json``) and checks it against ``labelset.meta.schema.json`` and the rules of
:mod:`corpus.scheme.labelset_rules`. Label names are the dataset's own (1 to 128 characters, no control
characters); a label that gives no ``hotkeys`` gets keys here (:func:`assign_hotkeys`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from corpus import paths
from corpus.errors import NewsspanError
from corpus.scheme.composition import compose_record_schema, label_record_schema
from corpus.scheme.files import (
    LABELSET_META_SCHEMA,
    check_file,
    load_cached,
    read_json,
    schema_path,
    validator_for,
)
from corpus.scheme.labelset_rules import check_labelset_rules
from corpus.scheme.locations import display_path


@dataclass
class Label:
    """One label of a label set; ``attributes`` are JSON Schema properties (with ``x-`` UI hints)."""

    name: str
    description: str
    color: str
    hotkeys: list[str]
    examples: list[dict[str, Any]]
    attributes: dict[str, dict[str, Any]]
    required: list[str]
    title: str

    def links(self) -> dict[str, dict[str, Any]]:
        """Attributes whose value is the id of another annotation: name -> ``x-link`` (label, literals)."""
        return {name: spec["x-link"] for name, spec in self.attributes.items() if "x-link" in spec}

    def registry_attributes(self) -> list[str]:
        """Attributes whose values (or items) must be ids of the actor registry."""
        return [name for name, spec in self.attributes.items() if spec.get("x-registry") == "actors"]


@dataclass
class LabelSet:
    """A validated label set. ``names`` keeps the file's order, which is also the ClassLabel order."""

    version: str
    labels: list[Label]
    path: Path
    id: str = ""
    title: str = ""
    description: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    _validator: Draft202012Validator | None = field(default=None, repr=False, compare=False)
    _label_validators: dict[str, Draft202012Validator] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    def __contains__(self, name: object) -> bool:
        return any(label.name == name for label in self.labels)

    def get(self, name: str) -> Label:
        """The label called ``name``; an unknown name raises NewsspanError listing the labels."""
        for label in self.labels:
            if label.name == name:
                return label
        raise NewsspanError(
            f"unknown label {name!r}", where=display_path(self.path), hint=f"labels: {', '.join(self.names)}"
        )

    def hotkeys(self) -> dict[str, str]:
        """Key -> label name, for every hotkey of every label."""
        return {key: label.name for label in self.labels for key in label.hotkeys}

    def attribute_specs(self) -> dict[str, dict[str, Any]]:
        """The union of all labels' attributes (name -> JSON Schema of the first label that has it).

        Loading guarantees that an attribute name has one type across labels, so this is well defined; it is
        what the dataset features' ``attributes`` struct is made of.
        """
        union: dict[str, dict[str, Any]] = {}
        for label in self.labels:
            for name, spec in label.attributes.items():
                union.setdefault(name, spec)
        return union

    def validator(self) -> Draft202012Validator:
        """The compiled validator of the composed record schema for this label set (built once)."""
        if self._validator is None:
            self._validator = validator_for(compose_record_schema(self))
        return self._validator

    def label_validator(self, name: str, *, complete: bool = True) -> Draft202012Validator:
        """A validator equivalent to :meth:`validator` for records of label ``name`` (no ``$ref``, no ``if``:
        about twice as fast). The store and bulk validation use it for records whose label is known.

        ``complete=False`` accepts a draft: the label's required attributes may still be missing (a span is
        saved the moment it is tagged, its attributes filled in afterwards); what is there is still checked."""
        key = name if complete else f"{name}\x00draft"
        if key not in self._label_validators:
            self._label_validators[key] = validator_for(
                label_record_schema(self.get(name), complete=complete)
            )
        return self._label_validators[key]


# Keys the workbench's span component gives a selected suggestion or span (accept y, reject x, edit e, link l;
# workbench.span_component): never assigned to a label.
RESERVED_HOTKEYS = ("y", "x", "e", "l")
_DIGITS = "1234567890"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def assign_hotkeys(labels: list[dict[str, Any]]) -> list[list[str]]:
    """Every label's hotkeys: its own when the file gives ``hotkeys`` (an empty list means none), else keys
    assigned in file order: the next free digit and the first free letter of its name (any free letter when
    its name has none), never a key another label or the workbench (:data:`RESERVED_HOTKEYS`) uses. Labels
    past the 32 free keys get none and are picked with the label bar."""
    taken = {key for label in labels for key in label.get("hotkeys", [])} | set(RESERVED_HOTKEYS)
    digits = [digit for digit in _DIGITS if digit not in taken]
    assigned: list[list[str]] = []
    for label in labels:
        if "hotkeys" in label:
            assigned.append(list(label["hotkeys"]))
            continue
        keys = [digits.pop(0)] if digits else []
        letters = [c for c in label["name"].lower() if c in _LETTERS] + (list(_LETTERS) if not keys else [])
        letter = next((c for c in letters if c not in taken), None)
        keys += [letter] if letter else []
        taken.update(keys)
        assigned.append(keys)
    return assigned


def _label(item: dict[str, Any], hotkeys: list[str]) -> Label:
    return Label(
        name=item["name"],
        description=item["description"],
        color=item["color"],
        hotkeys=hotkeys,
        examples=list(item.get("examples", [])),
        attributes=dict(item.get("attributes", {})),
        required=list(item.get("required", [])),
        title=item.get("title", item["name"]),
    )


def load_labelset(path: Path | str | None = None) -> LabelSet:
    """Read and validate a label set (default: :func:`default_labelset_path`).

    A file that breaks the meta-schema or the rules raises NewsspanError naming the file and JSON path.
    """
    path = Path(path) if path is not None else default_labelset_path()
    data = read_json(path, what="label set")
    check_file(data, LABELSET_META_SCHEMA, path=path, what="label set")
    check_labelset_rules(data, path)
    return LabelSet(
        version=data["version"],
        labels=[
            _label(item, keys)
            for item, keys in zip(data["labels"], assign_hotkeys(data["labels"]), strict=True)
        ],
        path=path,
        id=data["$id"],
        title=data["title"],
        description=data["description"],
        raw=data,
    )


def default_labelset_path() -> Path:
    """The project's label set: ``$NEWSSPAN_LABELSET`` when set, else the project's own ``labelset.json``
    (written by ``newsspan init --labelset FILE``), else the news label set shipped in schema/labelset.json."""
    env = os.environ.get("NEWSSPAN_LABELSET")
    if env:
        return Path(env)
    project = paths.project_labelset_file()
    return project if project.is_file() else schema_path("labelset.json")


def default_labelset() -> LabelSet:
    """The default label set, loaded once per modification time of the file (do not mutate it)."""
    return load_cached("labelset", default_labelset_path(), load_labelset)
