"""Batch import at scale (workbench.store.imports): documents checked together and written in batches, the file
read twice as a stream, all or nothing across batches, errors in file order, progress, one event per record.

Every test runs on SQLite and PostgreSQL (the ``store`` fixture). Batches are made small (``BATCH_RECORDS``) so
a few records cross several of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from corpus.formats.items import Item
from tests.store_fixtures import PASSWORD, span
from workbench.store import CLI_USER, ImportFailed
from workbench.store import imports as imports_module
from workbench.store import tables as t

ACTOR = {"type": "PER", "mention": "name"}


@pytest.fixture
def loaded(store, seed_documents, monkeypatch):
    monkeypatch.setattr(imports_module, "BATCH_RECORDS", 3)
    store.load_documents(CLI_USER, seed_documents, release="0.1.0")
    ana = store.create_user(CLI_USER, "ana", "annotator", PASSWORD)
    store.assign(CLI_USER, overlap=1)
    return store, ana


def records_of(document: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    """An actor, a claim whose speaker is that actor, and a number: three records of one document."""
    actor = {**span(document, "Xi", "actor", ACTOR), "id": f"{prefix}-xi"}
    sentence = document["text"].index(".") + 1
    claim = {
        "doc_id": document["doc_id"],
        "start": 0,
        "end": sentence,
        "label": "claim",
        "id": f"{prefix}-claim",
        "attributes": {"speaker": f"{prefix}-xi", "attribution": "indirect", "kind": "factual"},
    }
    number = {**span(document, "Putin", "actor", ACTOR), "id": f"{prefix}-putin"}
    return [actor, claim, number]


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_many_batches_import_every_record_with_one_event_each(loaded, seed_documents, tmp_path) -> None:
    store, ana = loaded
    records = [r for n, document in enumerate(seed_documents) for r in records_of(document, f"d{n}")]
    calls: list[tuple[int, int | None]] = []
    report = store.import_file(
        CLI_USER,
        write(tmp_path / "all.jsonl", records),
        annotator="ana",
        on_progress=lambda *a: calls.append(a),
    )
    assert (report.imported, report.unchanged, report.errors) == (15, 0, [])
    stored = store.export_records(CLI_USER)
    assert len(stored) == 15 and {r["annotator"] for r in stored} == {"ana"}
    claims = [r for r in stored if r["label"] == "claim"]
    assert all(r["attributes"]["speaker"] in {s["id"] for s in stored} for r in claims)
    with store.engine.connect() as connection:
        events = connection.execute(select(t.events).where(t.events.c.source == "import:all.jsonl")).all()
        statuses = {row.status for row in connection.execute(select(t.assignments.c.status))}
    assert len(events) == 15 and {e.kind for e in events} == {"create"} and {e.version for e in events} == {1}
    assert {e.annotation_id for e in events} == {r["id"] for r in stored}
    assert statuses == {"in_progress"}
    assert calls[-1] == (15, 15)
    # the same file again: every record is already there
    again = store.import_file(CLI_USER, tmp_path / "all.jsonl", annotator="ana")
    assert (again.imported, again.unchanged) == (0, 15)


def test_a_document_spread_over_the_file_is_checked_as_one(loaded, seed_documents, tmp_path) -> None:
    """The claim comes first and its speaker last, with other documents in between: the claim still links."""
    store, _ = loaded
    first = records_of(seed_documents[0], "a")
    others = [r for n, document in enumerate(seed_documents[1:3]) for r in records_of(document, f"b{n}")]
    path = write(tmp_path / "spread.jsonl", [first[1], *others, first[2], first[0]])
    report = store.import_file(CLI_USER, path, annotator="ana")
    assert report.imported == 9 and report.errors == []


def test_a_bad_record_in_a_late_batch_imports_nothing_and_errors_keep_file_order(
    loaded, seed_documents, tmp_path
) -> None:
    store, _ = loaded
    records = [r for n, document in enumerate(seed_documents) for r in records_of(document, f"d{n}")]
    records[13] = {**records[13], "label": "person"}  # last document: a bad label
    records[1] = {
        **records[1],
        "attributes": {**records[1]["attributes"], "kind": "rumour"},
    }  # first document
    path = write(tmp_path / "bad.jsonl", records)
    with pytest.raises(ImportFailed) as failure:
        store.import_file(CLI_USER, path, annotator="ana")
    errors = failure.value.errors
    assert [e.split(":")[1] for e in errors] == ["2", "14"], errors
    assert "rumour" in errors[0] and "person" in errors[1]
    assert store.export_records(CLI_USER) == []
    with store.engine.connect() as connection:
        assert connection.execute(select(t.events).where(t.events.c.kind == "create")).all() == []

    report = store.import_file(CLI_USER, path, annotator="ana", partial=True)
    assert report.imported == 13 and len(report.errors) == 2
    assert {r["id"] for r in store.export_records(CLI_USER)} == {r["id"] for r in records} - {
        "d0-claim",
        "d4-claim",
    }


def test_a_speaker_that_failed_takes_its_claim_out_in_a_partial_import(
    loaded, seed_documents, tmp_path
) -> None:
    store, _ = loaded
    records = records_of(seed_documents[0], "a")
    records[0] = {**records[0], "attributes": {"type": "PERSON", "mention": "name"}}
    report = store.import_file(
        CLI_USER, write(tmp_path / "speaker.jsonl", records), annotator="ana", partial=True
    )
    assert report.imported == 1
    assert [e.split(":")[1] for e in report.errors] == ["1", "2"]
    assert "attributes.speaker" in report.errors[1]


def test_ids_used_by_another_document_are_renamed_and_links_follow(loaded, seed_documents, tmp_path) -> None:
    store, _ = loaded
    records = [r for document in seed_documents[:3] for r in records_of(document, "same")]  # same ids thrice
    report = store.import_file(CLI_USER, write(tmp_path / "ids.jsonl", records), annotator="ana")
    assert report.imported == 9 and report.errors == []
    stored = store.export_records(CLI_USER)
    assert len({r["id"] for r in stored}) == 9
    by_id = {r["id"]: r for r in stored}
    for claim in (r for r in stored if r["label"] == "claim"):
        speaker = by_id[claim["attributes"]["speaker"]]
        assert speaker["doc_id"] == claim["doc_id"] and speaker["span_text"] == "Xi"


def test_items_are_read_twice_as_a_stream(loaded, seed_documents) -> None:
    """``import_items`` takes a function giving the items afresh; it reads them once to count, once to write,
    and never asks for a list."""
    store, _ = loaded
    records = [r for n, document in enumerate(seed_documents) for r in records_of(document, f"d{n}")]
    readings = []

    def items():
        readings.append(0)
        for number, record in enumerate(records, start=1):
            readings[-1] += 1
            yield Item(f"memory:{number}", dict(record))

    report = store.import_items(CLI_USER, items, annotator="ana")
    assert report.imported == 15 and readings == [15, 15]


def test_unknown_documents_and_unreadable_lines_are_reported_in_place(
    loaded, seed_documents, tmp_path
) -> None:
    store, _ = loaded
    records = records_of(seed_documents[0], "a")
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps(records[0]), "{broken", json.dumps({**records[2], "doc_id": "ffffffffffffffff"})]
    path.write_text("\n".join([*lines, json.dumps(records[1])]) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        store.import_file(CLI_USER, path, annotator="ana")
    assert [e.split(":")[1] for e in failure.value.errors] == ["2", "3"]
    assert "unknown document 'ffffffffffffffff'" in failure.value.errors[1]
