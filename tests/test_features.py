"""datasets.Features derived from the label set, and a Parquet round trip through load_dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from datasets import ClassLabel, List, Value, load_dataset

from corpus.errors import NewsspanError
from corpus.features import (
    annotation_features,
    annotation_row,
    arrow_schema,
    attributes_feature,
    card_dataset_info,
    document_features,
    document_row,
    span_row,
)
from corpus.scheme import load_labelset, validate_records
from corpus.scheme.files import schema_path
from tests.scheme_fixtures import make_record, seed_document

PROPAGANDA = schema_path("examples/propaganda.labelset.json")


def test_annotation_features_follow_the_labelset() -> None:
    labelset = load_labelset()
    features = annotation_features(labelset)
    assert isinstance(features["label"], ClassLabel)
    assert features["label"].names == ["actor", "claim", "number", "framing"]
    attributes = features["attributes"]
    assert attributes["entity_id"] == List(Value("string"))
    assert attributes["value"] == Value("float64")
    assert attributes["check_worthy"] == Value("bool")
    assert attributes["frame"] == Value("string")
    assert attributes["speaker"] == Value("string")
    # The union of every label's attributes, each name once ("kind" is shared by claim and number).
    expected = {name for label in labelset.labels for name in label.attributes}
    assert set(attributes) == expected
    for column in (
        "doc_id",
        "text_sha256",
        "start",
        "end",
        "span_text",
        "annotator",
        "schema_version",
        "links",
    ):
        assert column in features


def test_propaganda_features_have_14_classes_and_no_attributes() -> None:
    labelset = load_labelset(PROPAGANDA)
    features = annotation_features(labelset)
    assert features["label"].num_classes == 14
    assert "attributes" not in features and attributes_feature(labelset) is None


def test_document_features_store_metadata_as_json_and_removed_as_structs() -> None:
    features = document_features()
    assert features["metadata_json"] == Value("string") and "metadata" not in features
    assert features["removed"] == List(
        {"start": Value("int64"), "end": Value("int64"), "reason": Value("string")}
    )
    with_spans = document_features(spans=True)
    assert with_spans["spans"].feature["label"].names == load_labelset().names


def test_rows_refuse_a_label_outside_the_set() -> None:
    record = {"label": "person", "start": 0, "end": 1, "span_text": "X", "attributes": {}}
    with pytest.raises(NewsspanError, match="'person' is not in the label set"):
        span_row(record)


def _write_dataset(folder: Path, configs: dict[str, tuple[Any, list[dict[str, Any]]]]) -> None:
    """Parquet files (features in the schema metadata) plus a README card with configs and dataset_info."""
    yaml_configs = []
    for name, (features, rows) in configs.items():
        target = folder / "data" / name / "train-00000-of-00001.parquet"
        target.parent.mkdir(parents=True)
        table = pa.Table.from_pylist(rows, schema=arrow_schema(features))
        pq.write_table(table, target, compression="zstd")
        yaml_configs.append(
            {"config_name": name, "data_files": [{"split": "train", "path": f"data/{name}/*.parquet"}]}
        )
    info = card_dataset_info({name: features for name, (features, _) in configs.items()})
    header = yaml.safe_dump(
        {"configs": yaml_configs, "dataset_info": info}, sort_keys=False, allow_unicode=True
    )
    (folder / "README.md").write_text(f"---\n{header}---\n# test dataset\n", encoding="utf-8")


def test_parquet_round_trip_through_load_dataset_decodes_labels_by_name(
    project: Path, tmp_path: Path
) -> None:
    labelset = load_labelset()
    document = seed_document("001")
    actor = make_record(
        document,
        "Chinese President Xi Jinping",
        "actor",
        {"type": "PER", "entity_id": ["xi_jinping"], "mention": "name"},
        id="a1",
    )
    records = [
        actor,
        make_record(
            document,
            "Heroes never perish; their noble spirit lives forever",
            "claim",
            {
                "speaker": "a1",
                "attribution": "direct quote",
                "kind": "opinion",
                "check_worthy": False,
                "cue": "wrote",
            },
        ),
        make_record(
            document,
            "244.8 billion U.S. dollars",
            "number",
            {"value": 244800000000, "currency": "USD", "bound": "exact", "kind": "money"},
        ),
        make_record(
            document,
            "Hundreds of cultural events have been held in succession",
            "framing",
            {"frame": "Cultural identity", "voice": "outlet"},
        ),
    ]
    assert validate_records(records, {document["doc_id"]: document}) == []

    folder = tmp_path / "release"
    features = annotation_features(labelset)
    doc_features = document_features(labelset, spans=True)
    spans = [span_row(record, labelset) for record in records]
    _write_dataset(
        folder,
        {
            "annotations": (features, [annotation_row(record, labelset) for record in records]),
            "gold": (doc_features, [document_row(document, spans=spans)]),
        },
    )
    # The Parquet file alone carries the features too.
    metadata = pq.read_schema(folder / "data" / "annotations" / "train-00000-of-00001.parquet").metadata
    assert b"ClassLabel" in metadata[b"huggingface"]

    dataset = load_dataset(str(folder), "annotations", split="train")
    assert dataset.features == features
    label = dataset.features["label"]
    assert [label.int2str(row["label"]) for row in dataset] == ["actor", "claim", "number", "framing"]
    rows = list(dataset)
    assert rows[0]["attributes"]["entity_id"] == ["xi_jinping"]
    assert rows[0]["attributes"]["frame"] is None  # another label's attribute is null
    assert rows[1]["attributes"]["speaker"] == "a1" and rows[1]["attributes"]["check_worthy"] is False
    assert rows[2]["attributes"]["value"] == 244800000000
    for row in rows:
        assert document["text"][row["start"] : row["end"]] == row["span_text"]

    gold = load_dataset(str(folder), "gold", split="train")
    span_label = gold.features["spans"].feature["label"]
    assert [span_label.int2str(span["label"]) for span in gold[0]["spans"]] == [
        "actor",
        "claim",
        "number",
        "framing",
    ]
    assert gold[0]["metadata_json"] == "{}" and gold[0]["text"] == document["text"]


def test_propaganda_round_trip(project: Path, tmp_path: Path) -> None:
    labelset = load_labelset(PROPAGANDA)
    document = seed_document("000")
    record = make_record(document, "war-strained economy", "loaded_language")
    folder = tmp_path / "propaganda"
    features = annotation_features(labelset)
    _write_dataset(folder, {"annotations": (features, [annotation_row(record, labelset)])})
    dataset = load_dataset(str(folder), "annotations", split="train")
    assert dataset.features["label"].int2str(dataset[0]["label"]) == "loaded_language"
