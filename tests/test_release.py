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


def test_latest_names_the_newest_version_and_manifest_lists_superseded(seeded):
    build_documents_release("0.2.0")
    build_documents_release("0.1.5")
    assert latest_version() == "0.2.0"
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
