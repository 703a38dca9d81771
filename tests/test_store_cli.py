"""The store's commands end to end: users, release load, assignment, import/export, progress."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.store_fixtures import PASSWORD, REPO_ROOT
from tests.test_store_interchange import seed_records
from workbench.cli import app

runner = CliRunner()


def run(*args: str, input: str | None = None, code: int = 0) -> str:
    result = runner.invoke(app, list(args), input=input)
    assert result.exit_code == code, (args, result.output, result.exception)
    return result.output


def test_store_commands(project, store_url, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("NEWSSPAN_DB_URL", store_url)
    run("ingest", str(REPO_ROOT / "seeds"))
    run("release", "build", "0.1.0")
    for name, role in (("ana", "annotator"), ("ben", "annotator"), ("rita", "reviewer")):
        assert f"added {role} {name}" in run("user", "add", name, "--role", role, input=PASSWORD + "\n")
    run("user", "add", "eve", "--role", "boss", input=PASSWORD + "\n", code=1)
    listing = run("user", "list")
    assert "ana" in listing and "rita" in listing and PASSWORD not in listing
    assert "10 new assignments" in run("assign", "--overlap", "2")
    assert "0 new assignments" in run("assign", "--overlap", "2", "--release", "0.1.0")
    assert "5 unchanged" in run("store", "load-release")

    from corpus.release import open_release

    documents = open_release().documents()
    records = [r for d in documents for r in seed_records(d)]
    good = tmp_path / "good.jsonl"
    good.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**records[0], "label": "person"}) + "\n" + json.dumps(records[1]) + "\n")
    assert "imported 25 record(s) for ana" in run("import", str(good), "--annotator", "ana")
    result = runner.invoke(app, ["import", str(bad), "--annotator", "ben"])
    assert (
        result.exit_code == 1 and f"{bad}:1: label" in result.output and "nothing imported" in result.output
    )
    assert "imported 1 record(s)" in run("import", str(bad), "--annotator", "ben", "--partial")

    out = tmp_path / "out.jsonl"
    assert "wrote 26 record(s)" in run("export", "--format", "jsonl", str(out))
    assert len(out.read_text(encoding="utf-8").splitlines()) == 26
    assert "wrote 26" in run("export", "--format", "labelstudio", str(tmp_path / "ls.json"))
    report = json.loads(run("progress", "--json"))
    assert report["annotators"]["ana"] == {"in_progress": 5}
    assert report["annotators"]["ben"] == {"in_progress": 1, "not_started": 4}
