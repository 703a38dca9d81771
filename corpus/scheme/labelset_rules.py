"""The rules of a label set that its meta-schema cannot express.

Label names without a space at either end, unique names and hotkeys, required attributes that exist, link targets that are labels of the set, one type
per attribute name across labels (it is one dataset column), enum values of the attribute's type, examples
that follow their label. A broken rule raises NewsspanError with the file and the JSON path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from jsonschema import Draft202012Validator

from corpus.errors import NewsspanError
from corpus.scheme.composition import attributes_schema
from corpus.scheme.files import validator_for
from corpus.scheme.locations import display_path, json_path

TypeKey = tuple[str, str | None]


def _type_key(spec: dict[str, Any]) -> TypeKey:
    items = spec.get("items") or {}
    return spec["type"], items.get("type")


def _type_text(key: TypeKey) -> str:
    return f"{key[0]}{'/' + key[1] if key[1] else ''}"


class _Rules:
    """One pass over a parsed label set, remembering names, hotkeys and attribute types seen so far."""

    def __init__(self, data: dict[str, Any], path: Path) -> None:
        self.data = data
        self.shown = display_path(path)
        self.names = {label["name"] for label in data["labels"]}
        self.seen_names: dict[str, int] = {}
        self.seen_keys: dict[str, str] = {}
        self.types: dict[str, tuple[TypeKey, str]] = {}

    def fail(self, parts: list[Any], what: str) -> NoReturn:
        raise NewsspanError(
            what, where=f"{self.shown}: {json_path(parts)}", hint="see schema/labelset.meta.schema.json"
        )

    def check(self) -> None:
        for i, label in enumerate(self.data["labels"]):
            self.name(i, label["name"])
            self.hotkeys(i, label)
            self.required(i, label)
            for attr, spec in label.get("attributes", {}).items():
                self.attribute(["labels", i, "attributes", attr], label["name"], attr, spec)
            self.examples(i, label)

    def name(self, i: int, name: str) -> None:
        if name != name.strip():
            self.fail(["labels", i, "name"], f"label name {name!r} starts or ends with a space")
        if name in self.seen_names:
            self.fail(
                ["labels", i, "name"],
                f"label {name!r} is defined twice (also labels[{self.seen_names[name]}])",
            )
        self.seen_names[name] = i

    def hotkeys(self, i: int, label: dict[str, Any]) -> None:
        for j, key in enumerate(label.get("hotkeys", [])):
            if key in self.seen_keys:
                self.fail(
                    ["labels", i, "hotkeys", j],
                    f"hotkey {key!r} is already used by label {self.seen_keys[key]!r}",
                )
            self.seen_keys[key] = label["name"]

    def required(self, i: int, label: dict[str, Any]) -> None:
        attributes = label.get("attributes", {})
        for j, required in enumerate(label.get("required", [])):
            if required not in attributes:
                self.fail(
                    ["labels", i, "required", j],
                    f"required attribute {required!r} is not an attribute of {label['name']!r}",
                )

    def attribute(self, where: list[Any], label: str, attr: str, spec: dict[str, Any]) -> None:
        self.link(where, spec)
        key = _type_key(spec)
        if attr in self.types and self.types[attr][0] != key:
            other_type, other_label = self.types[attr]
            self.fail(
                [*where, "type"],
                f"type {_type_text(key)} conflicts with {_type_text(other_type)} of {attr!r} in label "
                f"{other_label!r} (attributes with the same name share one column in the dataset)",
            )
        self.types.setdefault(attr, (key, label))
        for k, value in enumerate(spec.get("enum", [])):
            if list(Draft202012Validator({"type": spec["type"]}).iter_errors(value)):
                self.fail([*where, "enum", k], f"{value!r} is not of the attribute's type {spec['type']}")

    def link(self, where: list[Any], spec: dict[str, Any]) -> None:
        link = spec.get("x-link")
        if not link:
            return
        if link["label"] not in self.names:
            self.fail(
                [*where, "x-link", "label"], f"links to {link['label']!r}, which is not a label of this set"
            )
        if spec["type"] != "string":
            self.fail(
                [*where, "type"], "a link attribute (x-link) must be a string (the target annotation's id)"
            )

    def examples(self, i: int, label: dict[str, Any]) -> None:
        validator = validator_for(attributes_schema(label.get("attributes", {}), label.get("required", [])))
        for j, example in enumerate(label.get("examples", [])):
            if "attributes" not in example:
                continue
            errors = list(validator.iter_errors(example["attributes"]))
            if errors:
                self.fail(
                    ["labels", i, "examples", j, "attributes", *errors[0].absolute_path],
                    f"example does not follow the label's attributes: {errors[0].message}",
                )


def check_labelset_rules(data: dict[str, Any], path: Path) -> None:
    """Check the rules above on a label set that passed its meta-schema; the first broken one raises."""
    _Rules(data, path).check()
