"""Duplicates of (annotator or gold layer, start, end, label) are refused by the store, on SQLite and PostgreSQL,
whichever path writes (save, edit, undo, suggestion, import), and migration 0003 removes those already stored."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from corpus.documents import display_title
from tests.store_fixtures import ACTOR, Team, span
from workbench.store import CLI_USER, ImportFailed, ValidationFailed, open_store
from workbench.store.engine import dispose_engine, get_engine
from workbench.store.migrate import _config, upgrade
from workbench.store.validation import duplicate_problem


def test_the_rule_names_the_span_already_there() -> None:
    record = {"doc_id": "d", "annotator": "ana", "start": 0, "end": 2, "label": "actor", "id": "new"}
    other = {**record, "id": "old", "span_text": "Xi"}
    message = duplicate_problem(record, [other])
    assert message and "annotator ana already has an actor span at 0-2 “Xi” (annotation old)" in message
    assert duplicate_problem(record, [{**other, "annotator": "ben"}]) is None
    assert duplicate_problem(record, [{**other, "label": "number"}]) is None
    assert duplicate_problem(record, [{**other, "id": "new"}]) is None  # itself, when edited
    assert duplicate_problem({**record, "layer": "suggestion"}, [{**other, "layer": "suggestion"}]) is None


def test_a_second_identical_span_is_refused_other_annotators_and_deleted_ones_are_fine(team: Team) -> None:
    store, doc = team.store, team.doc(0)
    first = store.save_annotation(team.ana, span(doc, "Xi Jinping", "actor", ACTOR))
    with pytest.raises(
        ValidationFailed, match="duplicate: annotator ana already has an actor span"
    ) as refused:
        store.save_annotation(team.ana, span(doc, "Xi Jinping", "actor", {"type": "ORG", "mention": "name"}))
    assert first["id"] in refused.value.message
    store.save_annotation(team.ana, span(doc, "Xi Jinping", "number", {}))  # another label: fine
    store.save_annotation(team.ben, span(doc, "Xi Jinping", "actor", ACTOR))  # another annotator: fine
    assert len(store.annotations(team.ana, doc["doc_id"])) == 2
    moved = store.save_annotation(team.ana, span(doc, "Xi", "actor", ACTOR))
    with pytest.raises(ValidationFailed, match="duplicate"):  # an edit onto a taken position
        store.save_annotation(
            team.ana, {**moved, **span(doc, "Xi Jinping", "actor", ACTOR)}, moved["version"]
        )
    store.delete_annotation(team.ana, first["id"], first["version"])
    again = store.save_annotation(team.ana, span(doc, "Xi Jinping", "actor", ACTOR))  # once deleted: fine
    store.delete_annotation(team.ana, again["id"], again["version"])
    store.undo_last(team.ana, doc["doc_id"])  # restores ``again``: nothing stands in the way
    actors = [s["span_text"] for s in store.annotations(team.ana, doc["doc_id"]) if s["label"] == "actor"]
    assert actors.count("Xi Jinping") == 1


def test_undo_that_would_duplicate_is_refused(team: Team) -> None:
    store, doc = team.store, team.doc(0)
    first = store.save_annotation(team.ana, span(doc, "Xi Jinping", "actor", ACTOR))
    store.delete_annotation(team.ana, first["id"], first["version"])
    # meanwhile an admin puts the same span back into ana's layer
    store.save_annotation(CLI_USER, {**span(doc, "Xi Jinping", "actor", ACTOR), "annotator": "ana"})
    with pytest.raises(ValidationFailed, match="duplicate"):
        store.undo_last(team.ana, doc["doc_id"])  # would restore ``first`` beside it
    assert [e["kind"] for e in store.history(team.ana, first["id"])] == ["create", "delete"]


def test_a_suggestion_identical_to_the_annotators_span_is_refused_on_accept(team: Team) -> None:
    store, doc = team.store, team.doc(0)
    store.save_annotation(team.ana, span(doc, "Xi Jinping", "actor", ACTOR))
    (suggestion,) = store.save_suggestions(CLI_USER, [span(doc, "Xi Jinping", "actor", ACTOR)], "bot")
    with pytest.raises(ValidationFailed, match="duplicate"):
        store.decide_suggestion(team.ana, suggestion["id"], "accept")


def test_gold_duplicates_are_refused(team: Team) -> None:
    store, doc = team.store, team.doc(1)
    for user in (team.ana, team.ben):
        store.set_document_status(user, doc["doc_id"], "done")
    store.save_annotation(team.rita, span(doc, "Putin", "actor", ACTOR), layer="gold")
    with pytest.raises(ValidationFailed, match="duplicate: gold already has an actor span"):
        store.save_annotation(team.rita, span(doc, "Putin", "actor", ACTOR), layer="gold")


def test_imports_report_duplicates_per_record(team: Team, tmp_path: Path) -> None:
    store, doc = team.store, team.doc(0)
    store.save_annotation(team.ana, span(doc, "Xi Jinping", "actor", ACTOR))
    lines = [span(doc, "Xi Jinping", "actor", ACTOR), span(doc, "Moscow", "actor", {**ACTOR, "type": "GPE"})]
    path = tmp_path / "ana.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        store.import_file(CLI_USER, path, annotator="ana")
    assert len(failed.value.errors) == 1 and "ana.jsonl:1" in failed.value.errors[0]
    assert "duplicate" in failed.value.errors[0]


def test_concurrent_identical_saves_store_one(team: Team) -> None:
    store, doc = team.store, team.doc(2)
    record = span(doc, "Putin", "actor", ACTOR)
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def save() -> None:
        barrier.wait()
        try:
            store.save_annotation(team.ana, dict(record))
            outcomes.append("saved")
        except ValidationFailed as error:
            outcomes.append("duplicate" if "duplicate" in error.message else error.message)

    threads = [threading.Thread(target=save) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["duplicate"] * 7 + ["saved"]
    assert len(store.annotations(team.ana, doc["doc_id"])) == 1


def test_migration_0003_deletes_stored_duplicates_and_moves_their_links(
    tmp_path: Path, seed_documents
) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = get_engine(url)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0002")
        doc = seed_documents[0]
        connection.execute(
            text(
                "INSERT INTO documents (doc_id, text_sha256, text, record, stage, loaded_at) "
                "VALUES (:doc_id, :sha, :text, :record, 'annotation', '2026-01-01T00:00:00Z')"
            ),
            {"doc_id": doc["doc_id"], "sha": doc["text_sha256"], "text": doc["text"],
             "record": json.dumps({"source_id": doc["source_id"], "title": None})},
        )  # fmt: skip
        start = doc["text"].index("Xi Jinping")
        claim_at = doc["text"].index("terrorist acts")

        def row(id_: str, created: str, **record) -> None:
            full = {"id": id_, "doc_id": doc["doc_id"], "annotator": "ana", "attributes": {}, **record}
            connection.execute(
                text(
                    'INSERT INTO annotations (id, doc_id, layer, annotator, label, start, "end", record, version, '
                    "deleted, anchor, created_at, updated_at, updated_by) VALUES (:id, :doc, 'annotation', 'ana', "
                    ":label, :start, :end, :record, 1, 0, 'ok', :at, :at, 'ana')"
                ),
                {"id": id_, "doc": doc["doc_id"], "label": full["label"], "start": full["start"],
                 "end": full["end"], "record": json.dumps(full), "at": created},
            )  # fmt: skip

        row("old", "2026-01-01T00:00:01Z", label="actor", start=start, end=start + 10, span_text="Xi Jinping")
        row(
            "copy", "2026-01-01T00:00:02Z", label="actor", start=start, end=start + 10, span_text="Xi Jinping"
        )
        row("claim", "2026-01-01T00:00:03Z", label="claim", start=claim_at, end=claim_at + 14,
            span_text="terrorist acts", attributes={"speaker": "copy"})  # fmt: skip
    upgrade(engine)
    store = open_store(url)
    live = {r["id"]: r for r in store.records(CLI_USER)}
    assert set(live) == {"old", "claim"} and live["claim"]["attributes"]["speaker"] == "old"
    assert [(e["kind"], e["actor"]) for e in store.history(CLI_USER, "copy")][-1] == ("delete", "migration")
    assert store.history(CLI_USER, "claim")[-1]["source"].startswith("migration:0003")
    assert store.document(CLI_USER, doc["doc_id"])["doc_id"] == doc["doc_id"]
    with engine.connect() as connection:
        title, source_id = connection.execute(text("SELECT title, source_id FROM documents")).one()
    assert title == display_title(doc) and source_id == doc["source_id"]  # filled in for the queue
    dispose_engine(url)
