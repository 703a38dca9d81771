"""``newsspan suggest --recommender propagation``: what the team labelled is proposed across the release; a new
label propagates on the next run, while documents already current are skipped."""

from __future__ import annotations

import os
import subprocess
import sys

from typer.testing import CliRunner

from tests.store_fixtures import ACTOR, PASSWORD, REPO_ROOT, span
from workbench.cli import app

runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (args, result.output, result.exception)
    return result.output


def test_propagation_proposes_the_teams_labels_across_the_release(project, store_url, monkeypatch) -> None:
    monkeypatch.setenv("NEWSSPAN_DB_URL", store_url)
    run("ingest", *[str(path) for path in sorted((REPO_ROOT / "seeds").glob("*.txt"))])
    run("release", "build", "0.1.0")

    from corpus.release import open_release
    from workbench.store import CLI_USER, open_store

    store = open_store(store_url)
    store.load_release(CLI_USER)
    documents = sorted(open_release().documents(), key=lambda d: d["source_id"])
    doc_ids = [d["doc_id"] for d in documents]
    ana = store.create_user(CLI_USER, "ana", "annotator", PASSWORD)
    store.assign(CLI_USER, overlap=1, annotators=["ana"])
    first = documents[0]
    store.save_annotation(ana, span(first, "Moscow", "actor", ACTOR))
    store.set_document_status(ana, first["doc_id"], "done")

    out = run("suggest", "--recommender", "propagation")
    assert "propagation" in out and "numbers" not in out
    stored = store.records(CLI_USER, layer="suggestion", doc_ids=doc_ids)
    assert {r["suggested_by"] for r in stored} == {"propagation"}
    assert {(r["span_text"], r["label"]) for r in stored} == {("Moscow", "actor")}
    expected = sum(len(store_occurrences(d["text"], "Moscow")) for d in documents) - 1  # not the labelled one
    assert len(stored) == expected
    assert all(r["attributes"] == ACTOR and r["suggestion"] == {"labelled": 1, "rejected": 0} for r in stored)

    # nothing new: every document is skipped
    again = run("suggest", "--recommender", "propagation")
    assert "5 of 5 documents were already suggested" in again
    assert len(store.records(CLI_USER, layer="suggestion", doc_ids=doc_ids)) == expected

    # a new label changes the lexicon: the next run proposes it everywhere
    store.set_document_status(ana, first["doc_id"], "in_progress")
    store.save_annotation(ana, span(first, "Beijing", "actor", ACTOR))
    store.set_document_status(ana, first["doc_id"], "done")
    run("suggest", "--recommender", "propagation")
    texts = {r["span_text"] for r in store.records(CLI_USER, layer="suggestion", doc_ids=doc_ids)}
    assert texts == {"Moscow", "Beijing"}

    # all recommenders (the default) add the rules' suggestions beside
    run("suggest")
    assert {r["suggested_by"] for r in store.records(CLI_USER, layer="suggestion", doc_ids=doc_ids)} == {
        "propagation",
        "numbers",
        "actors",
    }


def test_an_unknown_recommender_is_one_clear_error(project, store_url) -> None:
    env = {**os.environ, "NEWSSPAN_DB_URL": store_url}
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "suggest", "--recommender", "oracle"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: --recommender: unknown recommender 'oracle' — use one of: rules, propagation, model"
    ]


def store_occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    from corpus.suggest.propagation import occurrences

    return occurrences(text, phrase)
