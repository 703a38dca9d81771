"""``newsspan suggest`` end to end: suggestions for a release land in the store's suggestion layer, once."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.store_fixtures import REPO_ROOT
from workbench.cli import app

runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (args, result.output, result.exception)
    return result.output


def test_suggest_saves_suggestions_once(project, store_url, monkeypatch) -> None:
    monkeypatch.setenv("NEWSSPAN_DB_URL", store_url)
    run("ingest", *[str(path) for path in sorted((REPO_ROOT / "seeds").glob("*.txt"))])
    run("release", "build", "0.1.0")
    first = run("suggest")
    assert "v0.1.0" in first

    from corpus.release import open_release
    from workbench.store import CLI_USER, open_store

    store = open_store(store_url)
    doc_ids = [document["doc_id"] for document in open_release().documents()]
    stored = store.records(CLI_USER, layer="suggestion", doc_ids=doc_ids)
    assert {record["suggested_by"] for record in stored} == {"numbers", "actors"}
    assert {record["label"] for record in stored} == {"number", "actor"}
    assert len(stored) > 100
    run("suggest", "--release", "0.1.0")
    assert len(store.records(CLI_USER, layer="suggestion", doc_ids=doc_ids)) == len(stored)


def test_suggest_for_a_missing_release_is_one_clear_error(project, store_url, monkeypatch) -> None:
    monkeypatch.setenv("NEWSSPAN_DB_URL", store_url)
    result = runner.invoke(app, ["suggest", "--release", "9.9.9"])
    assert result.exit_code != 0 and "Traceback" not in result.output
