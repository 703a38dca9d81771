"""The bad-input sweep: every kind of bad input at every entry point gets a clear message (what, where, what to
do), never a traceback, and nothing already stored changes.

Entry points are driven as a user drives them: the ``newsspan`` CLI in a subprocess, the store API the workbench
calls, and the span component's event parser that sits between the browser and the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.project_fixtures import SEEDS
from workbench.span_component import parse_event, render_payload
from workbench.store import CLI_USER, AccessDenied, ConflictError, ValidationFailed, open_store

PASSWORD = "correct horse battery"
ACTOR = {"type": "PER", "entity_id": ["xi_jinping"], "mention": "name"}


def newsspan(*args: str, cwd: Path, stdin: str | None = None, env: dict | None = None):
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args],
        cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def tree_digest(*folders: Path) -> dict[str, str]:
    """sha256 of every file under the folders (the SQLite WAL/SHM side files excluded)."""
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm", ".sqlite"))
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A project with the seeds ingested, release 0.1.0 built, loaded into the store, one annotator with a span."""
    home = tmp_path_factory.mktemp("bad-input")
    env = {"NEWSSPAN_HOME": str(home)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSSPAN_HOME", str(home))
        for step in (("ingest", str(SEEDS)), ("release", "build", "0.1.0"), ("store", "load-release")):
            assert newsspan(*step, cwd=home, env=env).returncode == 0
        assert newsspan("user", "add", "ana", "--role", "annotator", cwd=home, env=env,
                        stdin=f"{PASSWORD}\n{PASSWORD}\n").returncode == 0  # fmt: skip
        assert newsspan("user", "add", "ben", "--role", "annotator", cwd=home, env=env,
                        stdin=f"{PASSWORD}\n{PASSWORD}\n").returncode == 0  # fmt: skip
        assert newsspan("assign", "--overlap", "2", cwd=home, env=env).returncode == 0
        store = open_store(f"sqlite:///{home}/data/newsspan.sqlite")
        documents = {d["source_id"]: d for d in (json.loads(line) for line in
                     (home / "data/corpus/documents.jsonl").read_text().splitlines())}  # fmt: skip
        doc = documents["000_46119d9713d60ee1"]
        ana = store.user("ana")
        start = doc["text"].index("Xi Jinping")
        span = store.save_annotation(
            ana,
            {
                "doc_id": doc["doc_id"],
                "start": start,
                "end": start + 10,
                "label": "actor",
                "attributes": ACTOR,
            },
        )
    return {"home": home, "env": env, "store": store, "doc": doc, "span": span, "documents": documents}


@pytest.fixture
def unchanged(world):
    """Asserts, after the test, that the corpus, the releases and every stored annotation are as before."""
    home, store = world["home"], world["store"]
    before = (tree_digest(home / "data" / "corpus", home / "releases"), store.records(CLI_USER))
    yield
    after = (tree_digest(home / "data" / "corpus", home / "releases"), store.records(CLI_USER))
    assert after == before


# --- ingest ---------------------------------------------------------------------------------------------

INGEST_CASES = {
    "invalid UTF-8": (
        "latin1.txt",
        "Caf\xe9 au lait".encode("latin-1"),
        "latin1.txt:1: invalid UTF-8 at byte 3",
    ),
    "binary": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "contains a NUL byte"),
    "empty": ("empty.txt", b"", "the article is empty or whitespace only"),
    "NUL bytes": ("nul.txt", b"Putin said\x00 hello", "nul.txt:1: contains a NUL byte at byte 10"),
    "50 MB article": ("huge.txt", b"word " * 10_485_760, "over the 1,048,576-byte limit"),
}


@pytest.mark.parametrize("case", list(INGEST_CASES))
def test_ingest_refuses_bad_files_clearly_and_changes_nothing(world, unchanged, tmp_path, case):
    name, content, expected = INGEST_CASES[case]
    (tmp_path / name).write_bytes(content)
    result = newsspan("ingest", str(tmp_path / name), cwd=world["home"], env=world["env"])
    assert result.returncode == 1
    assert expected in result.stderr
    assert " — " in result.stderr  # and what to do


def _one_line(stderr: str, expected: str) -> None:
    (line,) = [line for line in stderr.splitlines() if expected in line]
    assert " — " in line, line  # and what to do


SPECIAL_INGEST_CASES = {
    "symlink to /etc/passwd": (lambda d: (d / "passwd.txt").symlink_to("/etc/passwd") or d / "passwd.txt",
                               "passwd.txt: is a symbolic link (to /etc/passwd); not followed"),
    "FIFO": (lambda d: os.mkfifo(d / "feed.jsonl") or d / "feed.jsonl", "feed.jsonl: is a named pipe (FIFO)"),
    "JSONL nested 100,000 levels": (
        lambda d: (d / "deep.jsonl").write_text('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n") and d / "deep.jsonl",
        "deep.jsonl:1: the line is nested too deeply to read",
    ),
    "JSONL title that is a list": (
        lambda d: (d / "typed.jsonl").write_text('{"text": "Putin spoke.", "title": ["a"]}\n') and d / "typed.jsonl",
        "typed.jsonl:1: 'title' must be a string (or null), got a list",
    ),
    "CSV unterminated quote": (
        lambda d: (d / "feed.csv").write_text('id,title,text\nc1,"Open,Putin spoke.\n') and d / "feed.csv",
        "feed.csv:2: malformed CSV (unexpected end of data)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(SPECIAL_INGEST_CASES))
def test_ingest_refuses_links_special_files_and_bad_lines_in_one_line(world, unchanged, tmp_path, case):
    make, expected = SPECIAL_INGEST_CASES[case]
    result = newsspan("ingest", str(make(tmp_path)), cwd=world["home"], env=world["env"])
    assert result.returncode == 1
    _one_line(result.stderr, expected)


def test_ingest_duplicate_is_reported_and_stored_once(world, unchanged):
    result = newsspan("ingest", str(SEEDS / "000_46119d9713d60ee1.txt"), cwd=world["home"], env=world["env"])
    assert result.returncode == 0 and "duplicate" in result.stdout and "stored once" in result.stdout


def test_crlf_emoji_zwj_and_right_to_left_text_are_kept_exactly(world, tmp_path):
    text = "قال الرئيس بوتين 👩‍👩‍👧 إن\r\nהנשיא שי ג'ינפינג 🇨🇳 said: “yes”.\r\n"
    path = tmp_path / "mixed.txt"
    path.write_bytes(text.encode("utf-8"))
    result = newsspan("ingest", str(path), cwd=world["home"], env=world["env"])
    assert result.returncode == 0, result.stderr
    stored = [
        json.loads(line) for line in (world["home"] / "data/corpus/documents.jsonl").read_text().splitlines()
    ]
    document = next(d for d in stored if d["source_id"] == "mixed")
    assert document["text"] == text.replace("\r\n", "\n").strip()
    assert document["raw_text"] == text.replace("\r\n", "\n")


# --- import ---------------------------------------------------------------------------------------------


def _record(world, **changes):
    doc = world["doc"]
    start = doc["text"].index("Vladimir Putin")
    record = {"doc_id": doc["doc_id"], "start": start, "end": start + 14, "span_text": "Vladimir Putin",
              "label": "actor", "attributes": {"type": "PER", "mention": "name"}}  # fmt: skip
    record.update(changes)
    return {key: value for key, value in record.items() if value is not None}


IMPORT_CASES = {
    "offset out of range": ({"start": 10, "end": 10**6, "span_text": None}, "beyond the end of the text"),
    "span_text mismatch": ({"span_text": "Vladimir Pution"}, "does not match text["),
    "unknown label": ({"label": "person"}, "person"),
    "unknown attribute": ({"attributes": {"type": "PER", "mention": "name", "age": 72}}, "age"),
    "unknown entity": (
        {"attributes": {"type": "PER", "mention": "name", "entity_id": ["v_putin"]}},
        "v_putin",
    ),
    "unknown document": ({"doc_id": "0000000000000000"}, "0000000000000000"),
    "wrong schema version": ({"schema_version": "9.9.9"}, "9.9.9"),
}


@pytest.mark.parametrize("case", list(IMPORT_CASES))
def test_import_refuses_bad_records_with_file_and_line_and_imports_nothing(world, unchanged, tmp_path, case):
    changes, expected = IMPORT_CASES[case]
    path = tmp_path / "records.jsonl"
    good = _record(world)
    path.write_text(json.dumps(good) + "\n" + json.dumps(_record(world, **changes)) + "\n")
    result = newsspan("import", str(path), "--annotator", "ana", cwd=world["home"], env=world["env"])
    assert result.returncode == 1
    assert f"{path}:2" in result.stderr and expected in result.stderr
    assert "nothing imported" in result.stderr and "--partial" in result.stderr


def test_malformed_json_lines_are_refused_with_their_line(world, unchanged, tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(_record(world)) + '\n{"doc_id": \n[1, 2]\n')
    result = newsspan("import", str(path), "--annotator", "ana", cwd=world["home"], env=world["env"])
    assert result.returncode == 1 and f"{path}:2" in result.stderr and f"{path}:3" in result.stderr


def test_label_studio_file_with_a_different_text_is_refused(world, unchanged, tmp_path):
    doc = world["doc"]
    task = {
        "data": {"text": doc["text"].replace("Moscow", "Mosc0w"), "doc_id": doc["doc_id"]},
        "annotations": [{"result": [{"type": "labels", "value": {"start": 0, "end": 7, "text": "Chinese",
                                                                  "labels": ["actor"]}}]}],
    }  # fmt: skip
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task]))
    result = newsspan("import", str(path), "--annotator", "ana", cwd=world["home"], env=world["env"])
    assert result.returncode == 1 and "text" in result.stderr and str(path) in result.stderr


# --- the workbench: forged component messages -------------------------------------------------------------


def test_forged_component_events_are_refused_before_the_store(world):
    doc = world["doc"]
    labels = [{"name": "actor", "color": "#000", "hotkeys": ["1"]}]
    _, view = render_payload(doc["text"], [world["span"]], labels)
    base = {"action": "create", "label": "actor", "rev": view.rev}
    assert parse_event({**base, "start16": -5, "end16": 3}, view) is None
    assert parse_event({**base, "start16": 0, "end16": len(doc["text"]) * 3}, view) is None
    assert parse_event({**base, "start16": 0, "end16": 5, "label": "weapon"}, view) is None
    assert parse_event({"action": "delete", "id": "somebody-elses-id", "rev": view.rev}, view) is None
    assert (
        parse_event({"action": "create", "start16": 0, "end16": 5, "label": "actor", "rev": "other"}, view)
        is None
    )


def test_forged_saves_reaching_the_store_are_refused_and_change_nothing(world, unchanged):
    store, doc, span = world["store"], world["doc"], world["span"]
    ana, ben = store.user("ana"), store.user("ben")
    with pytest.raises(ValidationFailed, match="start"):
        store.save_annotation(
            ana, {"doc_id": doc["doc_id"], "start": -3, "end": 4, "label": "actor", "attributes": {}}
        )
    with pytest.raises(ValidationFailed, match="beyond the end of the text"):
        store.save_annotation(
            ana,
            {
                "doc_id": doc["doc_id"],
                "start": 0,
                "end": len(doc["text"]) + 9,
                "label": "actor",
                "attributes": {},
            },
        )
    with pytest.raises(AccessDenied):
        store.save_annotation(ben, {**span, "attributes": {**ACTOR, "mention": "nominal"}}, span["version"])
    with pytest.raises(AccessDenied):
        store.delete_annotation(ben, span["id"], span["version"])
    with pytest.raises(ConflictError, match="version"):
        store.save_annotation(
            ana, {**span, "attributes": {**ACTOR, "mention": "nominal"}}, span["version"] - 1
        )


# --- releases -------------------------------------------------------------------------------------------


def test_building_an_existing_version_is_refused(world, unchanged):
    result = newsspan("release", "build", "0.1.0", cwd=world["home"], env=world["env"])
    assert result.returncode == 1
    assert "already exists and releases are immutable" in result.stderr and "new version" in result.stderr


def test_a_tampered_file_fails_verification(world, tmp_path):
    copy = tmp_path / "releases"
    subprocess.run(["cp", "-r", str(world["home"] / "releases"), str(copy)], check=True)
    card = copy / "v0.1.0" / "README.md"
    card.write_text(card.read_text() + "\ntampered\n")
    result = newsspan(
        "release", "verify", "0.1.0", cwd=world["home"], env={**world["env"], "NEWSSPAN_RELEASES": str(copy)}
    )
    assert (
        result.returncode == 1 and "README.md: sha256" in result.stderr and "do not use it" in result.stderr
    )


def test_missing_latest_falls_back_to_the_newest_release(world, tmp_path):
    copy = tmp_path / "releases"
    subprocess.run(["cp", "-r", str(world["home"] / "releases"), str(copy)], check=True)
    (copy / "LATEST").unlink()
    result = newsspan(
        "release", "list", cwd=world["home"], env={**world["env"], "NEWSSPAN_RELEASES": str(copy)}
    )
    assert result.returncode == 0 and "0.1.0" in result.stdout
    empty = tmp_path / "none"
    result = newsspan("schema", "validate", str(tmp_path / "x.jsonl"), cwd=world["home"],
                      env={**world["env"], "NEWSSPAN_RELEASES": str(empty)})  # fmt: skip
    assert result.returncode == 1


def _release_copy(world, tmp_path) -> tuple[Path, dict]:
    copy = tmp_path / "releases"
    subprocess.run(["cp", "-r", str(world["home"] / "releases"), str(copy)], check=True)
    return copy, {**world["env"], "NEWSSPAN_RELEASES": str(copy)}


def test_a_forged_data_file_passes_verify_but_not_verify_with_the_fingerprint(world, tmp_path):
    copy, env = _release_copy(world, tmp_path)
    manifest_path = copy / "v0.1.0" / "MANIFEST.json"
    given = hashlib.sha256(manifest_path.read_bytes()).hexdigest()
    parquet = copy / "v0.1.0" / "data/documents/train-00000-of-00001.parquet"
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(parquet)
    texts = [text.replace("Putin", "Pucin") for text in table.column("text").to_pylist()]
    table = table.set_column(table.schema.get_field_index("text"), "text", pa.array(texts))
    pq.write_table(table, parquet, compression="zstd")  # the same rows, one word changed in each
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["files"]:
        if entry["path"].endswith(".parquet"):
            entry["sha256"] = hashlib.sha256(parquet.read_bytes()).hexdigest()
            entry["bytes"] = parquet.stat().st_size
    manifest_path.write_text(json.dumps(manifest, indent=2))
    forged = hashlib.sha256(manifest_path.read_bytes()).hexdigest()
    card = copy / "v0.1.0" / "README.md"
    card.write_text(card.read_text().replace(given, forged))
    assert newsspan("release", "verify", "0.1.0", cwd=world["home"], env=env).returncode == 0
    result = newsspan(
        "release", "verify", "0.1.0", "--fingerprint", f"sha256:{given}", cwd=world["home"], env=env
    )
    assert result.returncode == 1 and "not the release you were given" in result.stderr


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        ("symlink", "README.md: is a symbolic link; refused, not followed"),
        ("traversal", "../../../../etc/hostname: points outside the release; refused, not read"),
        ("broken manifest", "MANIFEST.json is not valid JSON"),
        ("incomplete manifest", "MANIFEST.json is incomplete: 'files' is missing, empty or not a list"),
    ],
)
def test_tampered_releases_fail_verify_in_one_line_per_problem(world, tmp_path, tamper, expected):
    copy, env = _release_copy(world, tmp_path)
    folder = copy / "v0.1.0"
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    if tamper == "symlink":
        (tmp_path / "card.md").write_bytes((folder / "README.md").read_bytes())
        (folder / "README.md").unlink()
        (folder / "README.md").symlink_to(tmp_path / "card.md")
    elif tamper == "traversal":
        manifest["files"].append(
            {"path": "../../../../etc/hostname", "sha256": "0" * 64, "bytes": 1, "rows": None}
        )
        (folder / "MANIFEST.json").write_text(json.dumps(manifest))
    elif tamper == "broken manifest":
        (folder / "MANIFEST.json").write_text('{"version": "0.1.0", "files": [')
    else:
        (folder / "MANIFEST.json").write_text(json.dumps({"version": "0.1.0", "configs": {}}))
    result = newsspan("release", "verify", "0.1.0", cwd=world["home"], env=env)
    assert result.returncode == 1
    (line,) = [line for line in result.stderr.splitlines() if expected in line]
    if tamper.endswith("manifest"):
        assert line.startswith("error:") and " — " in line and len(result.stderr.strip().splitlines()) == 1


def test_a_huge_version_is_refused_and_latest_stays(world, unchanged):
    result = newsspan("release", "build", "99999999999999999999.0.0", cwd=world["home"], env=world["env"])
    assert result.returncode == 1 and "out of range: each part has at most 9 digits" in result.stderr
    assert (world["home"] / "releases" / "LATEST").read_text().strip() == "0.1.0"


@pytest.mark.parametrize(("latest", "expected"), [("garbage", "does not name a valid version"),
                                                  ("0.9.0", "names v0.9.0, which is not a published release")])  # fmt: skip
def test_garbage_or_dangling_latest_falls_back_with_a_warning(world, tmp_path, latest, expected):
    copy, env = _release_copy(world, tmp_path)
    (copy / "LATEST").write_text(latest)
    for command in (("release", "list"), ("store", "load-release")):
        result = newsspan(*command, cwd=world["home"], env=env)
        assert result.returncode == 0, result.stderr
        assert "0.1.0" in result.stdout
        (line,) = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
        assert expected in line and "using the newest release, v0.1.0" in line


def test_kill_9_during_a_build_leaves_no_release(world, unchanged):
    env = {**os.environ, **world["env"], "NEWSSPAN_TEST_PAUSE_BEFORE_PUBLISH": "60"}
    child = subprocess.Popen([sys.executable, "-m", "workbench.cli", "release", "build", "0.9.0"], cwd=world["home"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    root = world["home"] / "releases"
    deadline = time.monotonic() + 60
    while not list(root.glob(".building-v0.9.0-*/MANIFEST.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not (root / "v0.9.0").exists() and (root / "LATEST").read_text().strip() == "0.1.0"
    for leftover in root.glob(".building-*"):  # the next build would clean it; keep the digest comparable
        subprocess.run(["rm", "-rf", str(leftover)], check=True)


# --- the CLI ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("ingest", "no/such/file.txt"), "no such file or directory"),
        (("release", "build", "1.0"), "not a semantic version"),
        (("release", "verify", "v2"), "not a semantic version"),
        (("release", "verify", "4.0.0"), "has no MANIFEST.json"),
        (("import", "missing.jsonl", "--annotator", "ana"), "missing.jsonl"),
        (("schema", "validate", "missing.jsonl"), "missing.jsonl"),
        (("release", "push", "0.1.0"), "--repo-id"),
    ],
)
def test_cli_mistakes_get_one_clear_line(world, unchanged, args, expected):
    result = newsspan(*args, cwd=world["home"], env=world["env"])
    assert result.returncode != 0
    assert expected in result.stderr + result.stdout
