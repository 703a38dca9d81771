"""``datasets.Features`` derived from the label set, so a release's card and Parquet metadata agree with
``schema/``.

* ``annotation_features(labelset)``: one annotation record per row (``label`` a ``ClassLabel`` in the label
  set's order, ``attributes`` a struct holding the union of all labels' attributes, every field nullable: a
  label's row has None for the attributes of other labels).
* ``span_feature(labelset)``: the same span as a struct inside a document row (no ``doc_id`` /
  ``text_sha256``).
* ``document_features(labelset, spans=False)``: the document record of docs/contracts.md as Parquet stores it
  (``metadata`` as the JSON string ``metadata_json``, ``removed`` and ``source_edits`` as lists of structs),
  optionally with ``spans``. ``source_edits`` came later: a document without it gets an empty list.

A label set whose labels have no attributes at all (e.g. schema/examples/propaganda.labelset.json) has no
``attributes`` column: Parquet cannot store a struct without fields.

Attribute types: string -> ``string``, integer -> ``int64``, number -> ``float64``, boolean -> ``bool``, array
-> ``List`` of the item type. Enumerations stay strings (one struct serves every label, and a value stays
readable without the label set). Write rows with :func:`annotation_row` / :func:`document_row`, the Arrow
schema with :func:`arrow_schema` (features in the ``huggingface`` metadata key) and the card's
``dataset_info`` with :func:`card_dataset_info`; ``datasets`` reads ClassLabel from either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pyarrow as pa
from datasets import ClassLabel, Features, List, Value
from datasets.info import DatasetInfo, DatasetInfosDict

from corpus.errors import NewsspanError
from corpus.scheme import LabelSet, default_labelset

_SCALARS = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}


def _labelset(labelset: LabelSet | None) -> LabelSet:
    return labelset or default_labelset()


def _value_type(spec: Mapping[str, Any]) -> Any:
    if spec["type"] == "array":
        return List(Value(_SCALARS[spec["items"]["type"]]))
    return Value(_SCALARS[spec["type"]])


def label_feature(labelset: LabelSet | None = None) -> ClassLabel:
    """``ClassLabel`` whose names are the label set's names, in file order."""
    return ClassLabel(names=_labelset(labelset).names)


def attributes_feature(labelset: LabelSet | None = None) -> dict[str, Any] | None:
    """The struct of all labels' attributes (name -> feature), or None when no label has attributes."""
    specs = _labelset(labelset).attribute_specs()
    if not specs:
        return None
    return {name: _value_type(spec) for name, spec in specs.items()}


def _link_feature() -> List:
    return List({"role": Value("string"), "target": Value("string")})


def span_core_feature(labelset: LabelSet | None = None) -> dict[str, Any]:
    """The fields every span struct shares: id, offsets, text, label and (when the set has any) attributes."""
    labelset = _labelset(labelset)
    span: dict[str, Any] = {
        "id": Value("string"),
        "start": Value("int64"),
        "end": Value("int64"),
        "span_text": Value("string"),
        "label": label_feature(labelset),
    }
    attributes = attributes_feature(labelset)
    if attributes is not None:
        span["attributes"] = attributes
    return span


def span_feature(labelset: LabelSet | None = None) -> dict[str, Any]:
    """One span inside a document row: offsets, text, label, attributes, annotator, id, links."""
    span = span_core_feature(labelset)
    span.update(
        {
            "annotator": Value("string"),
            "layer": Value("string"),
            "created_at": Value("string"),
            "links": _link_feature(),
        }
    )
    return span


def annotation_features(labelset: LabelSet | None = None) -> Features:
    """Features of one annotation record per row (the JSONL record format, flattened for Parquet)."""
    labelset = _labelset(labelset)
    span = span_feature(labelset)
    columns: dict[str, Any] = {
        "id": span.pop("id"),
        "doc_id": Value("string"),
        "text_sha256": Value("string"),
        **span,
        "schema_version": Value("string"),
    }
    return Features(columns)


def document_features(labelset: LabelSet | None = None, *, spans: bool = False) -> Features:
    """Features of a document record as releases store it; with ``spans=True`` a ``spans`` list is added."""
    columns: dict[str, Any] = {
        "doc_id": Value("string"),
        "source_id": Value("string"),
        "title": Value("string"),
        "source": Value("string"),
        "published": Value("string"),
        "url": Value("string"),
        "story_id": Value("string"),
        "language": Value("string"),
        "split": Value("string"),
        "text": Value("string"),
        "text_sha256": Value("string"),
        "raw_text": Value("string"),
        "removed": List({"start": Value("int64"), "end": Value("int64"), "reason": Value("string")}),
        "source_edits": List(
            {
                "start": Value("int64"),
                "end": Value("int64"),
                "original": Value("string"),
                "replacement": Value("string"),
                "reason": Value("string"),
            }
        ),
        "metadata_json": Value("string"),
    }
    if spans:
        columns["spans"] = List(span_feature(labelset))
    return Features(columns)


def _attributes_row(attributes: Mapping[str, Any] | None, names: list[str]) -> dict[str, Any]:
    attributes = attributes or {}
    return {name: attributes.get(name) for name in names}


def span_row(record: Mapping[str, Any], labelset: LabelSet | None = None) -> dict[str, Any]:
    """A record as a value of :func:`span_feature` (label as its ClassLabel index)."""
    labelset = _labelset(labelset)
    if record.get("label") not in labelset:
        raise NewsspanError(
            f"label {record.get('label')!r} is not in the label set {labelset.title!r}",
            hint="validate the records with corpus.scheme.validate_records first",
        )
    row: dict[str, Any] = {
        "id": record.get("id"),
        "start": record["start"],
        "end": record["end"],
        "span_text": record["span_text"],
        "label": labelset.names.index(record["label"]),
    }
    names = list(labelset.attribute_specs())
    if names:
        row["attributes"] = _attributes_row(record.get("attributes"), names)
    row.update(
        {
            "annotator": record.get("annotator"),
            "layer": record.get("layer"),
            "created_at": record.get("created_at"),
            "links": [dict(link) for link in record.get("links", [])],
        }
    )
    return row


def annotation_row(record: Mapping[str, Any], labelset: LabelSet | None = None) -> dict[str, Any]:
    """A validated annotation record as a row of :func:`annotation_features` (ready for pyarrow)."""
    span = span_row(record, labelset)
    return {
        "id": span.pop("id"),
        "doc_id": record["doc_id"],
        "text_sha256": record["text_sha256"],
        **span,
        "schema_version": record.get("schema_version"),
    }


def document_row(document: Mapping[str, Any], spans: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A document record as a row of :func:`document_features` (``metadata`` -> ``metadata_json``).

    ``spans`` are rows made with :func:`span_row`, when the features were made with ``spans=True``.
    """
    row = {name: document.get(name) for name in document_features() if name != "metadata_json"}
    row["removed"] = [dict(item) for item in document.get("removed") or []]
    row["source_edits"] = [dict(item) for item in document.get("source_edits") or []]
    if "metadata_json" in document:
        row["metadata_json"] = document["metadata_json"]
    else:
        row["metadata_json"] = json.dumps(document.get("metadata") or {}, ensure_ascii=False, sort_keys=True)
    if spans is not None:
        row["spans"] = spans
    return row


def arrow_schema(features: Features) -> pa.Schema:
    """The Arrow schema of ``features`` with the features stored under the ``huggingface`` metadata key."""
    return features.arrow_schema


def card_dataset_info(features_by_config: Mapping[str, Features]) -> dict[str, Any]:
    """The README card's ``dataset_info`` value (a dict for one config, a list for several).

    Put it in the card's YAML header beside ``configs``: ``datasets`` takes feature types from it first.
    """
    from huggingface_hub import DatasetCardData

    card = DatasetCardData()
    infos = {
        name: DatasetInfo(features=features, config_name=name)
        for name, features in features_by_config.items()
    }
    DatasetInfosDict(infos).to_dataset_card_data(card)
    return card.to_dict()["dataset_info"]
