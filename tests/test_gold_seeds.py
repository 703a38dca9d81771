"""The gold-annotated seed corpus: complete, valid by the scheme, anchored exactly to the ingested seeds."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from corpus.scheme import default_labelset, default_registry, validate_records
from tests.gold_data import GOLD_DIR, gold_records, seed_documents

SOURCE_IDS = sorted(seed_documents())


def test_one_gold_file_per_seed_and_no_other() -> None:
    assert len(SOURCE_IDS) == 5
    assert sorted(p.stem for p in GOLD_DIR.glob("*.jsonl")) == SOURCE_IDS


@pytest.mark.parametrize("source_id", SOURCE_IDS)
def test_gold_validates_as_complete_records(source_id: str) -> None:
    document = seed_documents()[source_id]
    records = gold_records(source_id)
    problems = validate_records(
        records, {document["doc_id"]: document}, where=f"{source_id}.jsonl line", complete=True
    )
    assert problems == []


@pytest.mark.parametrize("source_id", SOURCE_IDS)
def test_gold_records_are_anchored_and_well_formed(source_id: str) -> None:
    document = seed_documents()[source_id]
    text = document["text"]
    records = gold_records(source_id)
    ids = [record["id"] for record in records]
    assert len(ids) == len(set(ids))
    for record in records:
        assert record["doc_id"] == document["doc_id"]
        assert record["text_sha256"] == document["text_sha256"]
        assert text[record["start"] : record["end"]] == record["span_text"]
        assert record["span_text"] == record["span_text"].strip(), record
        assert record["annotator"] == "gold" and record["layer"] == "gold"
        assert record["id"].startswith(f"g{source_id[:3]}-")
        assert "suggested_by" not in record


def test_gold_covers_all_four_labels_in_every_seed() -> None:
    labels = set(default_labelset().names)
    for source_id in SOURCE_IDS:
        counts = Counter(record["label"] for record in gold_records(source_id))
        print(source_id, dict(sorted(counts.items())))
        assert set(counts) == labels, source_id


def test_every_claim_has_a_speaker_that_is_an_actor_of_the_same_document() -> None:
    for source_id in SOURCE_IDS:
        records = gold_records(source_id)
        actors = {record["id"] for record in records if record["label"] == "actor"}
        for record in records:
            if record["label"] == "claim":
                speaker = record["attributes"]["speaker"]
                assert speaker == "author" or speaker in actors, record


def test_numbers_have_kind_and_dates_are_resolved_when_the_publication_date_is_known() -> None:
    for source_id in SOURCE_IDS:
        published = seed_documents()[source_id]["published"]
        for record in gold_records(source_id):
            if record["label"] != "number":
                continue
            attributes = record["attributes"]
            assert attributes["kind"], record
            if attributes["kind"] == "date":
                assert "value" not in attributes
                if published:
                    assert "date" in attributes, record
            else:
                assert "date" not in attributes


def test_same_label_spans_do_not_overlap() -> None:
    for source_id in SOURCE_IDS:
        by_label: dict[str, list[tuple[int, int]]] = {}
        for record in gold_records(source_id):
            by_label.setdefault(record["label"], []).append((record["start"], record["end"]))
        for label, spans in by_label.items():
            spans.sort()
            for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
                assert end <= start, (source_id, label, spans)


def test_actor_entity_ids_are_in_the_registry_and_match_the_type() -> None:
    registry = default_registry()
    for source_id in SOURCE_IDS:
        for record in gold_records(source_id):
            if record["label"] == "actor":
                for entity_id in record["attributes"].get("entity_id", []):
                    assert entity_id in registry
                    assert registry.get(entity_id)["type"] == record["attributes"]["type"], record


def test_hard_cases_are_annotated_as_the_guidelines_say() -> None:
    def find(source_id: str, label: str, span_text: str) -> list[dict]:
        return [r for r in gold_records(source_id) if r["label"] == label and r["span_text"] == span_text]

    (leaders_28,) = find("000_46119d9713d60ee1", "number", "28 other world leaders")
    assert leaders_28["attributes"] == {"value": 28, "unit": "leaders", "bound": "exact", "kind": "count"}
    (countries_26,) = find("002_12ea12832b4987f9", "number", "26 other countries")
    assert countries_26["attributes"] == {"value": 26, "unit": "countries", "bound": "exact", "kind": "count"}
    (kremlin,) = [r for r in find("000_46119d9713d60ee1", "actor", "The Kremlin")]
    assert kremlin["attributes"]["metonymy"] is True and kremlin["attributes"]["entity_id"] == ["kremlin"]
    beijing = find("000_46119d9713d60ee1", "actor", "Beijing")
    assert beijing and all(r["attributes"]["entity_id"] == ["china"] for r in beijing)
    assert all(r["attributes"]["metonymy"] for r in beijing)
    (analysts,) = find("004_852e370b7402b906", "actor", "analysts")
    (axis,) = [
        r for r in gold_records("004_852e370b7402b906") if r["label"] == "claim" and "Axis" in r["span_text"]
    ]
    assert axis["attributes"]["speaker"] == analysts["id"]


def test_gold_files_are_one_json_object_per_line() -> None:
    for path in GOLD_DIR.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert isinstance(json.loads(line), dict)
