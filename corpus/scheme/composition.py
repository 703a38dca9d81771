"""Composing the JSON Schema of an annotation record from a label set.

``annotation.schema.json`` gives the record's shape; a label set adds which labels exist and, per label, the
attributes it takes. Pure functions of a label set: loading and defaults live in
:mod:`corpus.scheme.labelset`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corpus.scheme.files import ANNOTATION_SCHEMA, schema_file

if TYPE_CHECKING:
    from corpus.scheme.labelset import Label, LabelSet


def attributes_schema(attributes: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """The schema of a record's ``attributes`` under one label: its properties, required ones, no others."""
    return {"type": "object", "properties": attributes, "required": required, "additionalProperties": False}


def compose_record_schema(labelset: LabelSet) -> dict[str, Any]:
    """The full JSON Schema of an annotation record under ``labelset``.

    ``annotation.schema.json`` by ``$ref``, the label restricted to the set's names, and one ``if``/``then``
    per label giving ``attributes`` that label's properties, required list and no other keys.
    """
    base = schema_file(ANNOTATION_SCHEMA)
    rules: list[dict[str, Any]] = [
        {"$ref": base["$id"]},
        {"properties": {"label": {"enum": labelset.names}}},
    ]
    for label in labelset.labels:
        rules.append(
            {
                "if": {"properties": {"label": {"const": label.name}}, "required": ["label"]},
                "then": {"properties": {"attributes": attributes_schema(label.attributes, label.required)}},
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:newsspan:annotation-record:{labelset.path.stem}:{labelset.version}",
        "title": f"{base['title']} ({labelset.title} {labelset.version})",
        "allOf": rules,
    }


def label_record_schema(label: Label, *, complete: bool = True) -> dict[str, Any]:
    """The record schema for records of one label, flattened (no ``$ref``, no ``if``: about twice as fast).

    ``complete=False`` drops the label's required attributes: a draft span is saved the moment it is tagged.
    """
    base = schema_file(ANNOTATION_SCHEMA)
    flat = {key: value for key, value in base.items() if key not in ("$id", "$schema")}
    flat["properties"] = {
        **base["properties"],
        "label": {"const": label.name},
        "attributes": attributes_schema(label.attributes, label.required if complete else []),
    }
    return flat
