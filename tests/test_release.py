"""Releases: atomic, immutable, verifiable, and read offline by datasets, pandas, polars and duckdb."""

import json
import os
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from corpus.document_release import build_documents_release
from corpus.errors import NewsspanError
from corpus.ingest import ingest_paths
from corpus.paths import releases_dir
from corpus.release import latest_version, open_release, verify_release
from tests.project_fixtures import SEEDS


@pytest.fixture
def seeded(project):
    ingest_paths([SEEDS])
    return project


@pytest.fixture
def seed_release(seeded):
    build_documents_release("0.1.0")
    return open_release("0.1.0")


def test_release_folder_has_parquet_card_manifest_and_latest(seed_release):
    path = seed_release.path
    assert (path / "data/documents/train-00000-of-00001.parquet").is_file()
    card = (path / "README.md").read_text()
    assert card.startswith("---\n") and "configs:" in card and "dataset_info:" in card
    manifest = seed_release.manifest
    assert manifest["version"] == "0.1.0" and manifest["documents"] == 5
    assert "schema_version" in manifest
    entry = next(f for f in manifest["files"] if f["path"].endswith(".parquet"))
    assert entry["rows"] == 5 and len(entry["sha256"]) == 64
    assert (releases_dir() / "LATEST").read_text().strip() == "0.1.0"
    metadata = pq.read_schema(path / entry["path"]).metadata
    assert b"huggingface" in metadata
    assert pq.ParquetFile(path / entry["path"]).metadata.row_group(0).column(0).compression == "ZSTD"


def test_load_dataset_offline_returns_documented_features(seed_release, monkeypatch):
    import datasets

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    cache = seed_release.path.parent.parent / "hf-cache"  # datasets reads HF_DATASETS_CACHE only at import
    dataset = datasets.load_dataset(str(seed_release.path), "documents", split="train", cache_dir=str(cache))
    assert dataset.num_rows == 5
    for name in (
        "doc_id",
        "text",
        "title",
        "source",
        "published",
        "url",
        "story_id",
        "raw_text",
        "removed",
        "text_sha256",
        "source_id",
        "split",
    ):
        assert name in dataset.features, name
    rows = {row["source_id"]: row for row in dataset}
    seed_004 = rows["004_852e370b7402b906"]
    assert seed_004["published"] == "2025-09-02"
    for removed in seed_004["removed"]:
        assert seed_004["raw_text"][removed["start"] : removed["end"]].strip() or removed["reason"]
    assert seed_004["raw_text"][: seed_004["removed"][0]["end"]].lstrip().startswith("date 2025-09-02")
    assert {row["doc_id"] for row in dataset} == {d["doc_id"] for d in seed_release.documents()}


def test_pandas_polars_duckdb_read_the_same_rows(seed_release):
    files = str(seed_release.path / "data/documents/*.parquet")
    expected = sorted((d["doc_id"], d["text"]) for d in seed_release.documents())
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_parquet(seed_release.path / "data/documents", dtype_backend="pyarrow")
    assert sorted(zip(frame["doc_id"], frame["text"], strict=True)) == expected
    assert list(frame["removed"].iloc[0]) == list(
        next(d for d in seed_release.documents() if d["doc_id"] == frame["doc_id"].iloc[0])["removed"]
    )
    polars = pytest.importorskip("polars")
    pl_frame = polars.read_parquet(files)
    assert sorted(zip(pl_frame["doc_id"], pl_frame["text"], strict=True)) == expected
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(f"select doc_id, text from read_parquet('{files}') order by doc_id").fetchall()
    assert rows == sorted(expected)


def test_an_existing_version_is_refused(seed_release):
    before = (seed_release.path / "MANIFEST.json").read_bytes()
    with pytest.raises(NewsspanError, match="already exists and releases are immutable"):
        build_documents_release("0.1.0")
    assert (seed_release.path / "MANIFEST.json").read_bytes() == before


def test_bad_version_and_empty_corpus_are_clear_errors(project):
    with pytest.raises(NewsspanError, match="not a semantic version"):
        build_documents_release("1.0")
    with pytest.raises(NewsspanError, match="the corpus is empty"):
        build_documents_release("0.1.0")


def test_verify_catches_a_flipped_byte(seed_release):
    assert verify_release("0.1.0") == []
    parquet = seed_release.path / "data/documents/train-00000-of-00001.parquet"
    data = bytearray(parquet.read_bytes())
    data[len(data) // 2] ^= 0x01
    parquet.write_bytes(bytes(data))
    (problem,) = verify_release("0.1.0")
    assert problem.startswith("data/documents/train-00000-of-00001.parquet: sha256")


def test_latest_names_the_most_recently_built_version_and_manifest_lists_superseded(seeded):
    build_documents_release("0.2.0")
    build_documents_release("0.1.5")  # a patch of an older line, built last
    assert latest_version() == "0.1.5"
    assert open_release("0.1.5").manifest["supersedes"] == []
    build_documents_release("0.3.0")
    assert open_release("0.3.0").manifest["supersedes"] == ["0.1.5", "0.2.0"]
    assert open_release().version == "0.3.0"


def test_sigkill_during_build_leaves_no_release_and_latest_untouched(seed_release, seeded):
    env = {**os.environ, "NEWSSPAN_TEST_PAUSE_BEFORE_PUBLISH": "60"}
    child = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", "release", "build", "0.2.0"],
        cwd=seeded, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    root = releases_dir()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        building = list(root.glob(".building-v0.2.0-*"))
        if building and (building[0] / "MANIFEST.json").exists():
            break
        time.sleep(0.05)
    else:
        child.kill()
        pytest.fail("the build never reached its data files")
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not (root / "v0.2.0").exists()
    assert (root / "LATEST").read_text().strip() == "0.1.0"
    assert latest_version() == "0.1.0"
    # The next build cleans the leftover and publishes normally.
    build_documents_release("0.2.0")
    assert not list(root.glob(".building-*"))
    assert verify_release("0.2.0") == []
    assert json.loads((root / "v0.2.0/MANIFEST.json").read_text())["supersedes"] == ["0.1.0"]


# --- integrity: the fingerprint, and a tamper test per case (issue #13) ---------------------------------------

PARQUET = "data/documents/train-00000-of-00001.parquet"


def _fingerprint(release) -> str:
    import hashlib

    return hashlib.sha256((release.path / "MANIFEST.json").read_bytes()).hexdigest()


def _rewrite_manifest(release, change) -> None:
    path = release.path / "MANIFEST.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest, indent=2))


def test_the_fingerprint_is_the_manifest_hash_and_the_card_states_it(seed_release):
    fingerprint = _fingerprint(seed_release)
    assert seed_release.fingerprint == fingerprint
    card = (seed_release.path / "README.md").read_text()
    assert f"Release fingerprint: `sha256:{fingerprint}`" in card
    assert verify_release("0.1.0", fingerprint=fingerprint) == []
    assert verify_release("0.1.0", fingerprint=f"  SHA256:{fingerprint.upper()} ") == []
    (problem,) = verify_release("0.1.0", fingerprint="0" * 64)
    assert (
        problem.startswith("MANIFEST.json: the release fingerprint is")
        and "not the release you were given" in problem
    )
    with pytest.raises(NewsspanError, match="is not a release fingerprint"):
        verify_release("0.1.0", fingerprint="abc")


def test_a_card_stating_another_fingerprint_fails(seed_release):
    card = seed_release.path / "README.md"
    text = card.read_text()
    card.write_text(text.replace(_fingerprint(seed_release), "1" * 64))
    (problem,) = verify_release("0.1.0")
    assert problem.startswith("README.md: the card states fingerprint sha256:1111")


def test_tamper_data_file_with_manifest_updated_is_caught_only_by_the_fingerprint(seed_release):
    """The attack: change a Parquet file and write its new sha256 and size into the manifest. The files then
    agree with the manifest beside them; only the fingerprint the user was given tells."""
    import hashlib

    import pyarrow as pa

    given = _fingerprint(seed_release)
    path = seed_release.path / PARQUET
    table = pq.read_table(path)
    texts = table.column("text").to_pylist()
    texts[0] = texts[0].replace("Xi", "Ji", 1)
    table = table.set_column(table.schema.get_field_index("text"), "text", pa.array(texts))
    pq.write_table(table, path, compression="zstd")

    def forge(manifest):
        entry = next(f for f in manifest["files"] if f["path"] == PARQUET)
        entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        entry["bytes"] = path.stat().st_size

    _rewrite_manifest(seed_release, forge)
    assert "README.md: the card states fingerprint" in verify_release("0.1.0")[0]  # a careless forger
    card = seed_release.path / "README.md"  # a careful one also writes the new fingerprint into the card
    card.write_text(card.read_text().replace(given, _fingerprint(seed_release)))
    assert verify_release("0.1.0") == []  # without a fingerprint from elsewhere this cannot be detected
    (problem,) = verify_release("0.1.0", fingerprint=given)
    assert "not the release you were given" in problem


def test_tamper_rows_dropped_with_sha_updated_is_caught_by_the_row_counts(seed_release):
    import hashlib

    path = seed_release.path / PARQUET
    pq.write_table(pq.read_table(path).slice(0, 4), path, compression="zstd")

    def forge(manifest):
        entry = next(f for f in manifest["files"] if f["path"] == PARQUET)
        entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        entry["bytes"] = path.stat().st_size

    _rewrite_manifest(seed_release, forge)
    problems = verify_release("0.1.0")
    assert f"{PARQUET}: holds 4 rows, but the manifest says 5" in problems
    assert "MANIFEST.json: configs say documents/train has 5 rows, its files hold 4" in problems


def test_tamper_symlinked_file_is_refused_not_followed(seed_release, tmp_path):
    path = seed_release.path / PARQUET
    copy = tmp_path / "copy.parquet"
    copy.write_bytes(path.read_bytes())  # the same bytes: only the link gives it away
    path.unlink()
    path.symlink_to(copy)
    (problem,) = verify_release("0.1.0")
    assert problem == f"{PARQUET}: is a symbolic link; refused, not followed"
    # a linked folder is refused too, and an extra link is named
    data = seed_release.path / "data"
    data.rename(tmp_path / "data")
    data.symlink_to(tmp_path / "data")
    problems = verify_release("0.1.0")
    assert f"{PARQUET}: a folder on its path is a symbolic link; refused, not followed" in problems
    assert "data: not listed in the manifest (a symbolic link)" in problems


def test_tamper_traversal_and_absolute_entries_are_refused_unread(seed_release, monkeypatch):
    import corpus.release_integrity as integrity

    opened = []
    real = integrity._hash_file
    monkeypatch.setattr(integrity, "_hash_file", lambda path, **kw: opened.append(path) or real(path, **kw))
    entry = {"path": "../../../../etc/hostname", "rows": None, "sha256": "0" * 64, "bytes": 1}
    _rewrite_manifest(seed_release, lambda m: m["files"].extend([entry, {**entry, "path": "/etc/hostname"}]))
    problems = verify_release("0.1.0")
    assert "../../../../etc/hostname: points outside the release; refused, not read" in problems
    assert "/etc/hostname: is an absolute path, outside the release; refused, not read" in problems
    assert all(seed_release.path in path.parents for path in opened)


def test_tamper_extra_missing_and_special_files_are_each_named(seed_release):
    (seed_release.path / "data/documents/extra.parquet").write_bytes(b"x")
    os.mkfifo(seed_release.path / "data/pipe")
    (seed_release.path / "README.md").unlink()
    problems = verify_release("0.1.0")  # returns at once: the FIFO is never opened
    assert "README.md: missing" in problems
    assert "data/documents/extra.parquet: not listed in the manifest" in problems
    assert "data/pipe: not listed in the manifest (a named pipe (FIFO))" in problems


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"version": "0.1.0", "files": [', "MANIFEST.json is not valid JSON (Expecting value at line 1"),
        ("[1, 2]", "MANIFEST.json is incomplete: it is a JSON list, not an object"),
        ('{"version": "0.1.0", "configs": {}}', "MANIFEST.json is incomplete: 'files' is missing"),
        (
            '{"version": "0.1.0", "configs": {}, "files": [{"path": "README.md"}]}',
            "MANIFEST.json is incomplete: files[0] (README.md) has no sha256",
        ),
        ("[" * 100_000, "MANIFEST.json is"),
        (b"\xff\xfe", "MANIFEST.json is not UTF-8"),
    ],
)
def test_tamper_broken_manifest_is_one_clear_error(seed_release, content, expected):
    path = seed_release.path / "MANIFEST.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(NewsspanError) as caught:
        verify_release("0.1.0")
    assert expected in caught.value.message and "\n" not in caught.value.message
    with pytest.raises(NewsspanError, match="MANIFEST.json"):
        _ = open_release("0.1.0").manifest


def test_a_manifest_naming_another_version_fails(seed_release):
    _rewrite_manifest(seed_release, lambda m: m.update(version="0.9.0"))
    assert "MANIFEST.json: names version '0.9.0', not 0.1.0" in verify_release("0.1.0")


@pytest.mark.parametrize("version", ["99999999999999999999.0.0", "1.0.1234567890", "v0.0.99999999999"])
def test_tamper_huge_version_is_refused_and_latest_stays(seed_release, version):
    with pytest.raises(NewsspanError, match="out of range: each part has at most 9 digits"):
        build_documents_release(version)
    assert (releases_dir() / "LATEST").read_text().strip() == "0.1.0"
    assert not list(releases_dir().glob("v9*")) and not list(releases_dir().glob("v1.*"))


def test_a_huge_version_folder_left_by_an_old_build_never_takes_over(seed_release):
    import shutil

    shutil.copytree(seed_release.path, releases_dir() / "v99999999999999999999.0.0")
    (releases_dir() / "LATEST").unlink()
    assert latest_version() == "0.1.0"
    build_documents_release("0.2.0")
    assert latest_version() == "0.2.0"
    assert (releases_dir() / "LATEST").read_text().strip() == "0.2.0"


@pytest.mark.parametrize(
    ("latest", "warning"),
    [
        (None, "LATEST is missing"),
        ("0.9.0", "LATEST names v0.9.0, which is not a published release"),
        ("garbage\x1b[2J", "LATEST does not name a valid version ('garbage\\x1b[2J')"),
        ("99999999999999999999.0.0", "does not name a valid version"),
        ("9" * 10_000, "does not name a valid version"),
    ],
)
def test_tamper_missing_or_garbage_latest_falls_back_with_a_warning(seed_release, caplog, latest, warning):
    pointer = releases_dir() / "LATEST"
    if latest is None:
        pointer.unlink()
    else:
        pointer.write_text(latest)
    with caplog.at_level("WARNING", logger="newsspan.release"):
        assert latest_version() == "0.1.0"
        assert open_release().version == "0.1.0"
    assert warning in caplog.text and "using the newest release, v0.1.0" in caplog.text
    assert all(record.getMessage().count("\n") == 0 for record in caplog.records)


def test_a_card_disagreeing_with_the_manifest_rows_is_named(seed_release):
    """A forger who rewrites the card consistently (its hash in the manifest, the new fingerprint in it) but
    leaves its row counts wrong is caught by the cross-check."""
    import hashlib

    from corpus.release_integrity import FINGERPRINT_LABEL, PLACEHOLDER

    card = seed_release.path / "README.md"
    old = _fingerprint(seed_release)
    text = card.read_text().replace("num_examples: 5", "num_examples: 6")
    blank = text.replace(FINGERPRINT_LABEL + old, FINGERPRINT_LABEL + PLACEHOLDER)

    def forge(manifest):
        entry = next(f for f in manifest["files"] if f["path"] == "README.md")
        entry["sha256"] = hashlib.sha256(blank.encode()).hexdigest()

    _rewrite_manifest(seed_release, forge)
    card.write_text(
        blank.replace(FINGERPRINT_LABEL + PLACEHOLDER, FINGERPRINT_LABEL + _fingerprint(seed_release))
    )
    assert verify_release("0.1.0") == [
        "README.md: the card says documents/train has 6 rows, the manifest says 5"
    ]


def test_release_list_shows_a_damaged_release_and_goes_on(seed_release, seeded):
    build_documents_release("0.2.0")
    (seed_release.path / "MANIFEST.json").write_text("{")
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "release", "list"],
        cwd=seeded, capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "damaged: MANIFEST.json is not valid JSON" in result.stdout
    assert "0.2.0" in result.stdout and "sha256:" in result.stdout


def test_a_data_file_dropped_with_its_manifest_entry_is_caught_by_the_configs(seed_release):
    given = _fingerprint(seed_release)
    (seed_release.path / PARQUET).unlink()
    _rewrite_manifest(seed_release, lambda m: m.update(files=[f for f in m["files"] if f["path"] != PARQUET]))
    card = seed_release.path / "README.md"
    card.write_text(card.read_text().replace(given, _fingerprint(seed_release)))
    assert verify_release("0.1.0") == [
        "MANIFEST.json: configs say documents/train has 5 rows, its files hold 0"
    ]
