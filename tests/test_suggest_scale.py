"""Suggestions at corpus scale: ``Store.store_suggestions`` writes many documents' suggestions in one transaction
and remembers which documents are done; ``newsspan suggest`` skips those, and suggests again when what the
suggestions depend on (the registry, the suggesters, the text) changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from corpus.scheme import default_labelset, default_registry
from corpus.suggest import fingerprint, suggest
from tests.store_fixtures import REPO_ROOT
from workbench.cli import app
from workbench.store import CLI_USER, ValidationFailed
from workbench.store import tables as t

runner = CliRunner()


def test_store_suggestions_writes_once_and_remembers_the_documents(store, seed_documents) -> None:
    store.load_documents(CLI_USER, seed_documents, release="0.1.0")
    current = fingerprint()
    suggested = [(document, suggest(document)) for document in seed_documents]
    total = sum(len(records) for _, records in suggested)
    report = store.store_suggestions(CLI_USER, suggested, current)
    assert sum(report.added.values()) == total and not report.kept
    stored = store.records(CLI_USER, layer="suggestion")
    assert len(stored) == total and {r["suggested_by"] for r in stored} == {"numbers", "actors"}
    assert all(r["annotator"] == r["suggested_by"] for r in stored)
    assert store.suggested_documents(CLI_USER, seed_documents, current) == {
        d["doc_id"] for d in seed_documents
    }
    assert store.suggested_documents(CLI_USER, seed_documents, "another") == set()
    changed = [{**seed_documents[0], "text_sha256": "0" * 64}]
    assert store.suggested_documents(CLI_USER, changed, current) == set()
    # again: nothing new, every suggestion counted as already stored
    again = store.store_suggestions(CLI_USER, suggested, current)
    assert not again.added and sum(again.kept.values()) == total
    with store.engine.connect() as connection:
        creates = connection.execute(
            select(t.events).where(t.events.c.kind == "create", t.events.c.layer == "suggestion")
        ).all()
    assert len(creates) == total
    # a suggestion the validator refuses writes nothing of its batch
    bad = [(seed_documents[0], [{**suggested[0][1][0], "start": 0, "end": 10**6}])]
    with pytest.raises(ValidationFailed, match="beyond the end"):
        store.store_suggestions(CLI_USER, bad, "other")
    assert len(store.records(CLI_USER, layer="suggestion")) == total


def test_the_fingerprint_follows_the_registry_and_labels() -> None:
    registry, labelset = default_registry(), default_labelset()
    assert fingerprint(registry=registry, labelset=labelset) == fingerprint()
    fewer = type(registry)(entities=dict(list(registry.entities.items())[1:]), path=registry.path)
    assert fingerprint(registry=fewer, labelset=labelset) != fingerprint()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def test_suggest_skips_documents_already_done_and_redo_does_them_again(
    project, store_url, monkeypatch
) -> None:
    monkeypatch.setenv("NEWSSPAN_DB_URL", store_url)
    run("ingest", *[str(path) for path in sorted((REPO_ROOT / "seeds").glob("*.txt"))])
    run("release", "build", "0.1.0")
    first = run("suggest")
    assert "skipped" not in first
    second = run("suggest")
    assert "5 of 5 documents were already suggested" in second
    redo = run("suggest", "--redo")
    assert "skipped" not in redo
    from workbench.store import open_store

    store = open_store(store_url)
    total = len(store.records(CLI_USER, layer="suggestion"))
    # new suggester rules change the fingerprint: every document is suggested again, nothing new is added
    import corpus.suggest as suggesters

    monkeypatch.setattr(suggesters, "SUGGESTERS_VERSION", "test-changed")
    third = run("suggest")
    assert "skipped" not in third
    assert len(store.records(CLI_USER, layer="suggestion")) == total
