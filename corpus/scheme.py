"""The annotation scheme: label sets, the actor registry, and validation of annotation records.

The files in ``schema/`` are the single source of truth. This module loads them and validates records with
JSON Schema (draft 2020-12) plus the checks JSON Schema cannot express, returning plain sentences, never
raising for a bad record.

* ``load_labelset()`` reads a label set (default ``schema/labelset.json``, or ``$NEWSSPAN_LABELSET``) and
  checks it against ``schema/labelset.meta.schema.json`` and a few rules in code (unique names and hotkeys,
  required attributes that exist, link targets that are labels of the set, one type per attribute name).
* ``record_schema(labelset)`` composes the record schema: ``annotation.schema.json`` (the record's shape) plus
  ``label`` in the label names plus one ``if``/``then`` per label for its attributes.
* ``validate_records()`` / ``validate_record()`` add the code checks: offsets against the document text,
  ``span_text``, ``text_sha256``, link targets (``x-link`` attributes such as ``claim.speaker``, and
  ``links``), registry ids (``x-registry`` attributes such as ``actor.entity_id``), and ``schema_version``
  (migrated by ``migrate_record()``).

Links: a claim's ``attributes.speaker`` is either the literal ``"author"`` or the ``id`` of an actor
annotation of the same document in the same layer (same ``annotator`` and ``layer``). An actor's
``attributes.entity_id`` is a list of registry ids (several for a plural mention such as "the two leaders").

Offsets are Python code points into the document's ``text`` (UTF-16 conversion belongs to the workbench).
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from corpus import paths
from corpus.errors import NewsspanError
from corpus.scheme_files import (
    ACTORS_SCHEMA,
    ANNOTATION_SCHEMA,
    DOCUMENT_SCHEMA,
    LABELSET_META_SCHEMA,
    check_file,
    display_path,
    json_path,
    read_json,
    schema_file,
    validator_for,
)
from corpus.scheme_messages import describe, rank, short

__all__ = [
    "SCHEMA_VERSION",
    "MIGRATIONS",
    "ActorRegistry",
    "check_records",
    "Label",
    "LabelSet",
    "default_labelset",
    "default_labelset_path",
    "default_registry",
    "document_schema",
    "guidelines_section",
    "load_labelset",
    "load_registry",
    "migrate_record",
    "record_schema",
    "validate_document",
    "validate_record",
    "validate_records",
]

SCHEMA_VERSION = "1.0.0"
"""Version of the annotation record schema (``schema/annotation.schema.json``) this code writes and reads."""


# --- label sets ------------------------------------------------------------------------------------------


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
        """The compiled validator of :func:`record_schema` for this label set (built once)."""
        if self._validator is None:
            self._validator = validator_for(record_schema(self))
        return self._validator

    def label_validator(self, name: str, *, complete: bool = True) -> Draft202012Validator:
        """A validator equivalent to :meth:`validator` for records of label ``name`` (no ``$ref``, no ``if``:
        about twice as fast). The store and bulk validation use it for records whose label is known.

        ``complete=False`` accepts a draft: the label's required attributes may still be missing (a span is
        saved the moment it is tagged, its attributes filled in afterwards); what is there is still checked."""
        key = name if complete else f"{name}\x00draft"
        if key not in self._label_validators:
            label = self.get(name)
            base = schema_file(ANNOTATION_SCHEMA)
            flat = {key: value for key, value in base.items() if key not in ("$id", "$schema")}
            flat["properties"] = {
                **base["properties"],
                "label": {"const": name},
                "attributes": _attributes_schema(label.attributes, label.required if complete else []),
            }
            self._label_validators[key] = validator_for(flat)
        return self._label_validators[key]


def default_labelset_path() -> Path:
    """The project's label set: ``$NEWSSPAN_LABELSET`` when set, else the project's own ``labelset.json``
    (written by ``newsspan init --labelset FILE``), else the news label set shipped in schema/labelset.json."""
    env = os.environ.get("NEWSSPAN_LABELSET")
    if env:
        return Path(env)
    project = paths.project_labelset_file()
    return project if project.is_file() else paths.SCHEMA_DIR / "labelset.json"


def _type_key(spec: dict[str, Any]) -> tuple[str, str | None]:
    items = spec.get("items") or {}
    return spec["type"], items.get("type")


def _check_labelset_rules(data: dict[str, Any], path: Path) -> None:
    """Rules the meta-schema cannot express; raises NewsspanError with file and JSON path."""
    shown = display_path(path)
    seen_names: dict[str, int] = {}
    seen_keys: dict[str, str] = {}
    types: dict[str, tuple[tuple[str, str | None], str]] = {}
    names = {label["name"] for label in data["labels"]}

    def fail(parts: list[Any], what: str) -> None:
        raise NewsspanError(
            what, where=f"{shown}: {json_path(parts)}", hint="see schema/labelset.meta.schema.json"
        )

    for i, label in enumerate(data["labels"]):
        name = label["name"]
        if name in seen_names:
            fail(["labels", i, "name"], f"label {name!r} is defined twice (also labels[{seen_names[name]}])")
        seen_names[name] = i
        for j, key in enumerate(label.get("hotkeys", [])):
            if key in seen_keys:
                fail(
                    ["labels", i, "hotkeys", j], f"hotkey {key!r} is already used by label {seen_keys[key]!r}"
                )
            seen_keys[key] = name
        attributes = label.get("attributes", {})
        for j, required in enumerate(label.get("required", [])):
            if required not in attributes:
                fail(
                    ["labels", i, "required", j],
                    f"required attribute {required!r} is not an attribute of {name!r}",
                )
        for attr, spec in attributes.items():
            where = ["labels", i, "attributes", attr]
            link = spec.get("x-link")
            if link and link["label"] not in names:
                fail(
                    [*where, "x-link", "label"],
                    f"links to {link['label']!r}, which is not a label of this set",
                )
            if link and spec["type"] != "string":
                fail(
                    [*where, "type"],
                    "a link attribute (x-link) must be a string (the target annotation's id)",
                )
            key = _type_key(spec)
            if attr in types and types[attr][0] != key:
                other_type, other_label = types[attr]
                fail(
                    [*where, "type"],
                    f"type {key[0]}{'/' + key[1] if key[1] else ''} conflicts with "
                    f"{other_type[0]}{'/' + other_type[1] if other_type[1] else ''} of {attr!r} in label "
                    f"{other_label!r} (attributes with the same name share one column in the dataset)",
                )
            types.setdefault(attr, (key, name))
            for k, value in enumerate(spec.get("enum", [])):
                problems = list(Draft202012Validator({"type": spec["type"]}).iter_errors(value))
                if problems:
                    fail([*where, "enum", k], f"{value!r} is not of the attribute's type {spec['type']}")
        attribute_schema = _attributes_schema(attributes, label.get("required", []))
        for j, example in enumerate(label.get("examples", [])):
            if "attributes" in example:
                errors = list(validator_for(attribute_schema).iter_errors(example["attributes"]))
                if errors:
                    fail(
                        ["labels", i, "examples", j, "attributes", *errors[0].absolute_path],
                        f"example does not follow the label's attributes: {errors[0].message}",
                    )


def load_labelset(path: Path | str | None = None) -> LabelSet:
    """Read and validate a label set (default: :func:`default_labelset_path`).

    A file that breaks the meta-schema or the rules above raises NewsspanError naming the file and JSON path.
    """
    path = Path(path) if path is not None else default_labelset_path()
    data = read_json(path, what="label set")
    check_file(data, LABELSET_META_SCHEMA, path=path, what="label set")
    _check_labelset_rules(data, path)
    labels = [
        Label(
            name=item["name"],
            description=item["description"],
            color=item["color"],
            hotkeys=list(item.get("hotkeys", [])),
            examples=list(item.get("examples", [])),
            attributes=dict(item.get("attributes", {})),
            required=list(item.get("required", [])),
            title=item.get("title", item["name"]),
        )
        for item in data["labels"]
    ]
    return LabelSet(
        version=data["version"],
        labels=labels,
        path=path,
        id=data["$id"],
        title=data["title"],
        description=data["description"],
        raw=data,
    )


_DEFAULTS: dict[tuple[str, str], tuple[int, Any]] = {}


def _cached(kind: str, path: Path, loader: Callable[[Path], Any]) -> Any:
    """Load a default file once per modification time (so an edited file is read again)."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return loader(path)
    key = (kind, str(path.resolve()))
    hit = _DEFAULTS.get(key)
    if hit is None or hit[0] != mtime:
        hit = (mtime, loader(path))
        _DEFAULTS[key] = hit
    return hit[1]


def default_labelset() -> LabelSet:
    """The default label set, loaded once per modification time of the file (do not mutate it)."""
    return _cached("labelset", default_labelset_path(), load_labelset)


def guidelines_section(label: str, path: Path | str | None = None) -> str:
    """The guidelines of one label: from the heading ``## <label>`` to the next ``## `` heading.

    Default file ``docs/guidelines.md``; an empty string when the file or the section does not exist.
    """
    path = Path(path) if path is not None else paths.DOCS_DIR / "guidelines.md"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    out: list[str] = []
    inside = False
    for line in lines:
        if line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip() == label
        if inside:
            out.append(line)
    return "\n".join(out).strip()


# --- actor registry --------------------------------------------------------------------------------------


@dataclass
class ActorRegistry:
    """Entities that actor annotations refer to by id (``attributes.entity_id``)."""

    entities: dict[str, dict[str, Any]]
    path: Path
    version: str = ""

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.entities

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, entity_id: str) -> dict[str, Any] | None:
        """The entity dict (``id``, ``type``, ``name``, ``aliases``, ``metonyms``...), or None."""
        return self.entities.get(entity_id)

    def aliases(self, *, metonyms: bool = False) -> dict[str, list[str]]:
        """Surface form -> entity ids (name, aliases, and metonyms when asked); a form may name several."""
        out: dict[str, list[str]] = {}
        for entity in self.entities.values():
            forms = [entity["name"], *entity.get("aliases", [])]
            if metonyms:
                forms += entity.get("metonyms", [])
            for form in dict.fromkeys(forms):
                out.setdefault(form, []).append(entity["id"])
        return out

    def metonyms(self) -> dict[str, list[str]]:
        """Metonymic form ("Beijing", "the Kremlin") -> the ids it stands for."""
        out: dict[str, list[str]] = {}
        for entity in self.entities.values():
            for form in entity.get("metonyms", []):
                out.setdefault(form, []).append(entity["id"])
        return out

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Entities whose id, name, alias or metonym matches ``query`` (case-insensitive), best first.

        Exact matches rank first, then prefix matches, then substring matches, then close spellings.
        """
        needle = query.strip().casefold()
        if not needle:
            return []
        scored: list[tuple[int, str, dict[str, Any]]] = []
        for entity in self.entities.values():
            forms = [entity["id"], entity["name"], *entity.get("aliases", []), *entity.get("metonyms", [])]
            folded = [form.casefold() for form in forms]
            if needle in folded:
                score = 0
            elif any(form.startswith(needle) for form in folded):
                score = 1
            elif any(needle in form for form in folded):
                score = 2
            elif difflib.get_close_matches(needle, folded, n=1, cutoff=0.75):
                score = 3
            else:
                continue
            scored.append((score, entity["name"].casefold(), entity))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [entity for _, _, entity in scored[:limit]]


def load_registry(path: Path | str | None = None) -> ActorRegistry:
    """Read and validate an actor registry (default ``schema/actors.json``)."""
    path = Path(path) if path is not None else paths.SCHEMA_DIR / "actors.json"
    data = read_json(path, what="actor registry")
    check_file(data, ACTORS_SCHEMA, path=path, what="actor registry")
    entities: dict[str, dict[str, Any]] = {}
    for i, entity in enumerate(data["entities"]):
        if entity["id"] in entities:
            raise NewsspanError(
                f"entity id {entity['id']!r} is defined twice",
                where=f"{display_path(path)}: entities[{i}].id",
                hint="ids must be unique",
            )
        entities[entity["id"]] = entity
    return ActorRegistry(entities=entities, path=path, version=data["version"])


def default_registry() -> ActorRegistry:
    """schema/actors.json, loaded once per modification time of the file (do not mutate it)."""
    return _cached("registry", paths.SCHEMA_DIR / "actors.json", load_registry)


# --- record schema ---------------------------------------------------------------------------------------


def _attributes_schema(attributes: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": attributes, "required": required, "additionalProperties": False}


def record_schema(labelset: LabelSet | None = None) -> dict[str, Any]:
    """The full JSON Schema of an annotation record under ``labelset``.

    ``annotation.schema.json`` by ``$ref``, the label restricted to the set's names, and one ``if``/``then``
    per label giving ``attributes`` that label's properties, required list and no other keys.
    """
    labelset = labelset or default_labelset()
    base = schema_file(ANNOTATION_SCHEMA)
    rules: list[dict[str, Any]] = [
        {"$ref": base["$id"]},
        {"properties": {"label": {"enum": labelset.names}}},
    ]
    for label in labelset.labels:
        rules.append(
            {
                "if": {"properties": {"label": {"const": label.name}}, "required": ["label"]},
                "then": {"properties": {"attributes": _attributes_schema(label.attributes, label.required)}},
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:newsspan:annotation-record:{labelset.path.stem}:{labelset.version}",
        "title": f"{base['title']} ({labelset.title} {labelset.version})",
        "allOf": rules,
    }


def document_schema() -> dict[str, Any]:
    """The JSON Schema of a document record (``schema/document.schema.json``)."""
    return schema_file(DOCUMENT_SCHEMA)


def validate_document(document: Mapping[str, Any]) -> list[str]:
    """Problems of one document record, as sentences (JSON Schema plus text_sha256 against text)."""
    problems = [
        f"{json_path(error.absolute_path) or 'document'}: {error.message}"
        for error in validator_for(document_schema()).iter_errors(document)
    ]
    text = document.get("text")
    sha = document.get("text_sha256")
    if isinstance(text, str) and isinstance(sha, str) and _sha256(text) != sha:
        problems.append("text_sha256: does not match the sha256 of text")
    return problems


# --- migrations ------------------------------------------------------------------------------------------


def _from_0_9_0(record: dict[str, Any]) -> dict[str, Any]:
    """0.9.0 -> 1.0.0: the span's copy of the text was called ``text`` (it collided with the document's text
    when a team unnested spans in polars); it is ``span_text`` now."""
    record = dict(record)
    if "text" in record and "span_text" not in record:
        record["span_text"] = record.pop("text")
    return record


MIGRATIONS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "0.9.0": ("1.0.0", _from_0_9_0),
}
"""Older record version -> (the version it migrates to, the function). Chained until SCHEMA_VERSION."""


def migrate_record(record: dict[str, Any]) -> dict[str, Any]:
    """A record in the current SCHEMA_VERSION: the record itself when current, else a migrated copy.

    A missing or unknown version raises NewsspanError naming the record's version and the supported one.
    """
    version = record.get("schema_version")
    if version == SCHEMA_VERSION:
        return record
    if version is None:
        raise NewsspanError(
            "schema_version: missing", hint=f"records of this newsspan have schema_version {SCHEMA_VERSION!r}"
        )
    start = version
    seen: set[str] = set()
    while version != SCHEMA_VERSION:
        step = MIGRATIONS.get(version) if isinstance(version, str) else None
        if step is None or version in seen:
            known = ", ".join(repr(v) for v in MIGRATIONS)
            raise NewsspanError(
                f"schema_version: {short(start)} cannot be read: this newsspan reads records of version "
                f"{SCHEMA_VERSION!r} and migrates {known}",
                hint="upgrade newsspan if the record comes from a newer version, or convert the record",
            )
        seen.add(version)
        version, migrate = step
        record = migrate(record)
        record["schema_version"] = version
    return record


# --- validation ------------------------------------------------------------------------------------------


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _layer_key(record: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    """Records that can link to each other: same document, same annotator, same layer."""
    return record.get("doc_id"), record.get("annotator"), record.get("layer")


def _index(records: Iterable[Any]) -> dict[str, list[dict[str, Any]]]:
    index: dict[str, list[dict[str, Any]]] = {}
    for other in records:
        if isinstance(other, dict) and isinstance(other.get("id"), str):
            index.setdefault(other["id"], []).append(other)
    return index


def _schema_messages(
    record: dict[str, Any], labelset: LabelSet, complete: bool = True
) -> tuple[list[str], set[str]]:
    """Messages of the composed JSON Schema, one per path, and the top-level fields that failed."""
    best: dict[str, tuple[int, str]] = {}
    bad_fields: set[str] = set()
    label = record.get("label")
    validator = (
        labelset.label_validator(label, complete=complete) if label in labelset else labelset.validator()
    )
    for error in validator.iter_errors(record):
        path, message = describe(error, record, labelset)
        if error.absolute_path:
            bad_fields.add(str(error.absolute_path[0]))
        else:
            bad_fields.add(path.split(".")[0].split("[")[0])
        if path not in best or rank(error) < best[path][0]:
            best[path] = (rank(error), message)
    return [f"{path}: {message}" for path, (_, message) in best.items()], bad_fields


def _code_checks(
    record: dict[str, Any],
    document: Mapping[str, Any],
    text_sha256: str,
    index: Mapping[str, list[dict[str, Any]]],
    labelset: LabelSet,
    registry: ActorRegistry,
    bad_fields: set[str],
) -> list[str]:
    problems: list[str] = []
    text = document.get("text")
    if not isinstance(text, str):
        return [f"doc_id: document {record.get('doc_id')!r} has no text"]

    sha = record.get("text_sha256")
    sha_ok = not isinstance(sha, str) or "text_sha256" in bad_fields or sha == text_sha256
    if not sha_ok:
        problems.append(
            f"text_sha256: the span was made on another version of document {record.get('doc_id')!r} "
            f"(record {sha[:12]}…, document {text_sha256[:12]}…): its offsets no longer apply; re-anchor it"
        )

    start, end = record.get("start"), record.get("end")
    if sha_ok and _is_int(start) and _is_int(end):
        if start < 0:
            pass  # reported by the schema (minimum 0)
        elif end <= start:
            problems.append(f"end: {end} is not after start {start} (a span needs start < end)")
        elif end > len(text):
            problems.append(
                f"end: span {start}-{end} goes beyond the end of the text ({len(text)} code points)"
            )
        elif isinstance(record.get("span_text"), str) and text[start:end] != record["span_text"]:
            problems.append(
                f"span_text: {short(record['span_text'])} does not match text[{start}:{end}] "
                f"{short(text[start:end])}"
            )

    label_name = record.get("label")
    attributes = record.get("attributes")
    if label_name in labelset and isinstance(attributes, dict):
        label = labelset.get(label_name)
        for attr, link in label.links().items():
            value = attributes.get(attr)
            if not isinstance(value, str) or value in link.get("literals", []):
                continue
            problems.extend(_link_problem(f"attributes.{attr}", value, link, record, index))
        for attr in label.registry_attributes():
            value = attributes.get(attr)
            values = value if isinstance(value, list) else [value]
            for position, entity_id in enumerate(values):
                if not isinstance(entity_id, str) or entity_id in registry:
                    continue
                where = f"attributes.{attr}[{position}]" if isinstance(value, list) else f"attributes.{attr}"
                close = registry.search(entity_id, limit=1)
                hint = f"; did you mean {close[0]['id']!r}?" if close else ""
                problems.append(
                    f"{where}: {entity_id!r} is not an entity of the actor registry "
                    f"({display_path(registry.path)}){hint}"
                )

    links = record.get("links")
    if isinstance(links, list):
        for position, link in enumerate(links):
            if isinstance(link, dict) and isinstance(link.get("target"), str):
                problems.extend(
                    _link_problem(f"links[{position}].target", link["target"], None, record, index)
                )

    own_id = record.get("id")
    if isinstance(own_id, str) and any(other is not record for other in index.get(own_id, [])):
        problems.append(f"id: {own_id!r} is used by another annotation of the same document and annotator")
    return problems


def _link_problem(
    where: str,
    target: str,
    link: Mapping[str, Any] | None,
    record: dict[str, Any],
    index: Mapping[str, list[dict[str, Any]]],
) -> list[str]:
    literals = list(link.get("literals", [])) if link else []
    if link:
        article = "an" if link["label"][:1] in "aeiou" else "a"
        expected = f"the id of {article} {link['label']} annotation"
    else:
        expected = "the id of an annotation"
    if literals:
        expected += " or " + " or ".join(repr(value) for value in literals)
    targets = [other for other in index.get(target, []) if other is not record]
    if not targets:
        if target == record.get("id"):
            return [f"{where}: {target!r} points to the annotation itself (expected {expected})"]
        return [
            f"{where}: {target!r} is not the id of an annotation in this document by the same annotator "
            f"(dangling link; expected {expected})"
        ]
    if link and all(other.get("label") != link["label"] for other in targets):
        found = targets[0].get("label")
        return [f"{where}: {target!r} is a {found} annotation, not {link['label']} (expected {expected})"]
    return []


def _check_one(
    record: Any,
    documents_lookup: Callable[[Any], Mapping[str, Any] | None],
    index_for: Callable[[dict[str, Any]], Mapping[str, list[dict[str, Any]]]],
    labelset: LabelSet,
    registry: ActorRegistry,
    sha_for: Callable[[Mapping[str, Any]], str],
    complete: bool = True,
) -> tuple[list[str], dict[str, Any] | None]:
    if not isinstance(record, dict):
        return [f"record: expected a JSON object, got {type(record).__name__}"], None
    try:
        record = migrate_record(record)
    except NewsspanError as error:
        return [error.message], None
    problems, bad_fields = _schema_messages(record, labelset, complete)
    document = documents_lookup(record.get("doc_id"))
    if document is None:
        if "doc_id" not in bad_fields:
            problems.append(f"doc_id: {short(record.get('doc_id'))} is not a known document")
        return problems, record
    problems.extend(
        _code_checks(record, document, sha_for(document), index_for(record), labelset, registry, bad_fields)
    )
    return problems, record


def _document_sha(document: Mapping[str, Any]) -> str:
    sha = document.get("text_sha256")
    if isinstance(sha, str):
        return sha
    text = document.get("text")
    return _sha256(text) if isinstance(text, str) else ""


def validate_record(
    record: dict[str, Any],
    document: Mapping[str, Any],
    *,
    others: Sequence[dict[str, Any]] = (),
    labelset: LabelSet | None = None,
    registry: ActorRegistry | None = None,
    complete: bool = True,
) -> list[str]:
    """Problems of one record against its document, as sentences without a prefix (empty list = valid).

    ``others`` are the other records of the same document and annotator layer, for link targets and id
    uniqueness; records of other documents, annotators or layers in it are ignored, and so is ``record``
    itself (pass the record's previous version out of ``others`` when saving an edit). Never raises for a bad
    record.
    """
    labelset = labelset or default_labelset()
    registry = registry or default_registry()
    own_doc = document.get("doc_id")

    def lookup(doc_id: Any) -> Mapping[str, Any] | None:
        return document if own_doc is None or doc_id == own_doc else None

    def index_for(current: dict[str, Any]) -> Mapping[str, list[dict[str, Any]]]:
        key = _layer_key(current)
        return _index(o for o in others if isinstance(o, dict) and _layer_key(o) == key and o is not record)

    problems, _ = _check_one(record, lookup, index_for, labelset, registry, _document_sha, complete)
    return problems


def check_records(
    records: Iterable[Any],
    documents: Mapping[str, Mapping[str, Any]],
    *,
    labelset: LabelSet | None = None,
    registry: ActorRegistry | None = None,
    complete: bool = True,
) -> list[list[str]]:
    """Problems per record, in the order of ``records`` (an empty list for a valid record), without prefixes.

    The engine of :func:`validate_records`, for callers that count or group problems per record.
    """
    labelset = labelset or default_labelset()
    registry = registry or default_registry()
    migrated: list[Any] = []
    for record in records:
        try:
            migrated.append(migrate_record(record) if isinstance(record, dict) else record)
        except NewsspanError:
            migrated.append(record)  # reported (with its message) by _check_one
    groups: dict[tuple[Any, Any, Any], list[dict[str, Any]]] = {}
    for record in migrated:
        if isinstance(record, dict):
            groups.setdefault(_layer_key(record), []).append(record)
    indexes: dict[tuple[Any, Any, Any], dict[str, list[dict[str, Any]]]] = {}

    def index_for(current: dict[str, Any]) -> Mapping[str, list[dict[str, Any]]]:
        key = _layer_key(current)
        if key not in indexes:
            indexes[key] = _index(groups.get(key, []))
        return indexes[key]

    shas: dict[int, str] = {}

    def sha_for(document: Mapping[str, Any]) -> str:
        key = id(document)
        if key not in shas:
            shas[key] = _document_sha(document)
        return shas[key]

    def lookup(doc_id: Any) -> Mapping[str, Any] | None:
        return documents.get(doc_id) if isinstance(doc_id, str) else None

    # The migrated form is checked, so links and ids see the same objects as the index.
    return [
        _check_one(record, lookup, index_for, labelset, registry, sha_for, complete)[0] for record in migrated
    ]


def validate_records(
    records: Iterable[dict[str, Any]],
    documents: Mapping[str, Mapping[str, Any]],
    *,
    labelset: LabelSet | None = None,
    registry: ActorRegistry | None = None,
    where: str = "annotation",
    numbers: Sequence[int | str] | None = None,
    complete: bool = True,
) -> list[str]:
    """Problems of many records, each as ``"<where> <n>: <path>: <what>"`` (empty list = all valid).

    ``<n>`` is the record's 1-based position in ``records`` (or ``numbers[i]`` when given, e.g. JSONL line
    numbers), followed by ``(id X)`` when the record has an ``id`` — positions always exist and are unique,
    ids help to find the record in the workbench. ``documents`` maps ``doc_id`` to document records. Links are
    resolved among the records of the same document, annotator and layer in ``records``. Never raises for a
    bad record.
    """
    records = list(records)
    per_record = check_records(records, documents, labelset=labelset, registry=registry, complete=complete)
    out: list[str] = []
    for position, (record, problems) in enumerate(zip(records, per_record, strict=True), start=1):
        number = numbers[position - 1] if numbers is not None else position
        prefix = f"{where} {number}"
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            prefix += f" (id {record['id']})"
        out.extend(f"{prefix}: {problem}" for problem in problems)
    return out


def missing_attributes(record: Mapping[str, Any], labelset: LabelSet | None = None) -> list[str]:
    """The label's required attributes that a (draft) record does not set yet, in the label set's order."""
    labelset = labelset or default_labelset()
    label = record.get("label")
    if label not in labelset:
        return []
    attributes = record.get("attributes") or {}
    return [name for name in labelset.get(label).required if attributes.get(name) in (None, "", [])]
