"""``newsspan schema validate`` and ``newsspan schema show``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from corpus import cli_schema, paths
from corpus.release import open_release
from corpus.scheme import validate_document
from corpus.scheme.files import schema_path
from tests.scheme_fixtures import make_record, seed_document

runner = CliRunner()
NEWSSPAN = Path(sys.executable).parent / "newsspan"


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """newsspan (test)"""

    cli_schema.register(app)
    return app


def _files(tmp_path: Path, *, broken: bool) -> tuple[Path, Path]:
    document = seed_document("000")
    documents = tmp_path / "documents.jsonl"
    documents.write_text(json.dumps(document) + "\n", encoding="utf-8")
    records = [
        make_record(
            document, "Xi", "actor", {"type": "PER", "entity_id": ["xi_jinping"], "mention": "name"}, id="a1"
        ),
        make_record(document, "28 other world leaders", "number", {"value": 28, "kind": "count"}),
    ]
    if broken:
        records[1]["attributes"]["kind"] = "amount"
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    if broken:
        lines.insert(1, "")
        lines.append("{not json")
    annotations = tmp_path / "annotations.jsonl"
    annotations.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return annotations, documents


def test_validate_good_file_prints_summary_and_exits_0(tmp_path: Path) -> None:
    annotations, documents = _files(tmp_path, broken=False)
    result = runner.invoke(_app(), ["schema", "validate", str(annotations), "--documents", str(documents)])
    assert result.exit_code == 0, result.output
    assert "2 records valid" in result.output and "actor" in result.output and "total" in result.output


def test_validate_bad_file_reports_lines_and_exits_1(tmp_path: Path) -> None:
    annotations, documents = _files(tmp_path, broken=True)
    result = runner.invoke(
        _app(), ["schema", "validate", str(annotations), "--documents", str(documents), "--max-errors", "0"]
    )
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "annotations.jsonl line 3: attributes.kind: 'amount' is not one of the 6 kinds" in output
    assert "annotations.jsonl line 4: not valid JSON" in output


def _newsspan(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NEWSSPAN), *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )


def test_validate_against_the_latest_release_through_the_real_cli(project: Path, tmp_path: Path) -> None:
    missing = _newsspan("schema", "validate", str(tmp_path / "none.jsonl"), cwd=project)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and "file not found" in missing.stderr

    annotations, _ = _files(tmp_path, broken=False)
    no_release = _newsspan("schema", "validate", str(annotations), cwd=project)
    assert no_release.returncode == 1 and "no release" in no_release.stderr

    assert _newsspan("ingest", str(paths.SEEDS_DIR), cwd=project).returncode == 0
    assert _newsspan("release", "build", "0.1.0", cwd=project).returncode == 0
    documents = {document["source_id"]: document for document in open_release().documents()}
    assert all(validate_document(document) == [] for document in documents.values())
    document = documents["000_46119d9713d60ee1"]
    record = make_record(
        document, "Xi", "actor", {"type": "PER", "entity_id": ["xi_jinping"], "mention": "name"}
    )
    annotations.write_text(json.dumps(record) + "\n", encoding="utf-8")
    done = _newsspan("schema", "validate", str(annotations), cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "release v0.1.0" in " ".join(done.stdout.split()) and "1 records valid" in done.stdout


def test_validate_missing_file_is_a_user_error(tmp_path: Path) -> None:
    result = runner.invoke(
        _app(), ["schema", "validate", str(tmp_path / "none.jsonl"), "--documents", "x.jsonl"]
    )
    assert "file not found" in str(result.exception)


def test_show_prints_the_labelset_table() -> None:
    result = runner.invoke(_app(), ["schema", "show"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for text in ("actor", "claim", "number", "framing", "#4e79a7", "1 a", "frame*"):
        assert text in result.output
    propaganda = schema_path("examples/propaganda.labelset.json")
    result = runner.invoke(_app(), ["schema", "show", "--labelset", str(propaganda)], env={"COLUMNS": "200"})
    assert "loaded_language" in result.output and "bandwagon_reductio_ad_hitlerum" in result.output


def test_show_json_prints_the_composed_record_schema() -> None:
    result = runner.invoke(_app(), ["schema", "show", "--json"])
    schema = json.loads(result.output)
    assert schema["allOf"][1]["properties"]["label"]["enum"] == ["actor", "claim", "number", "framing"]
