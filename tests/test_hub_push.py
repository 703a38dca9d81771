"""`newsspan release push`: upload + immutable tag on a fake Hub; download by tag, load the same rows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from huggingface_hub import HfApi, snapshot_download

from corpus.errors import NewsspanError
from corpus.hub import download_release, push_release
from corpus.paths import releases_dir
from tests.fakehub import FakeHub
from tests.project_fixtures import REPO_ROOT, SEEDS

# huggingface_hub's LFS upload passes a file object as data=, which httpx2 deprecates: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>' to upload raw bytes:DeprecationWarning")

REPO = "newsspan-org/corpus"
CARD = """---
configs:
- config_name: documents
  data_files:
  - split: train
    path: data/documents/train-*.parquet
---
# test release
"""


def hand_built_release(version: str, shards: list[list[dict]]) -> Path:
    """A minimal release folder written with pyarrow: Parquet shards of the documents config and a card."""
    folder = releases_dir() / f"v{version}"
    (folder / "data" / "documents").mkdir(parents=True)
    for index, rows in enumerate(shards):
        name = f"train-{index:05d}-of-{len(shards):05d}.parquet"
        pq.write_table(pa.Table.from_pylist(rows), folder / "data" / "documents" / name, compression="zstd")
    (folder / "README.md").write_text(CARD)
    return folder


def seed_release(version: str = "0.1.0") -> Path:
    """The real builder on the five seed articles."""
    from corpus.document_release import build_documents_release
    from corpus.ingest import ingest_paths

    ingest_paths([SEEDS])
    return build_documents_release(version)


def load_rows(folder: Path, cache: Path) -> list[dict]:
    import datasets

    dataset = datasets.load_dataset(str(folder), "documents", split="train", cache_dir=str(cache))
    return sorted(dataset.to_list(), key=lambda row: row["doc_id"])


def tags(repo_id: str = REPO) -> dict[str, str]:
    return {ref.name: ref.target_commit for ref in HfApi().list_repo_refs(repo_id, repo_type="dataset").tags}


def test_push_tags_the_release_and_the_tag_downloads_the_same_rows(project, fake_hub: FakeHub, tmp_path):
    folder = seed_release("0.1.0")

    commit = push_release("0.1.0", REPO)

    assert tags() == {"v0.1.0": commit}
    assert fake_hub.repo(REPO).private is False
    pushed = fake_hub.files_at(REPO, "v0.1.0")
    for path in ("README.md", "MANIFEST.json", "data/documents/train-00000-of-00001.parquet"):
        assert pushed[path] == (folder / path).read_bytes(), path
    assert any(
        path.startswith("/fake-lfs/upload/") for _, path in fake_hub.requests
    )  # Parquet went through LFS

    downloaded = Path(
        snapshot_download(REPO, repo_type="dataset", revision="v0.1.0", local_dir=tmp_path / "dl")
    )
    rows = load_rows(downloaded, tmp_path / "cache")
    assert len(rows) == 5
    assert rows == load_rows(folder, tmp_path / "cache")


def test_pushing_the_same_version_again_is_refused(project, fake_hub: FakeHub):
    seed_release("0.1.0")
    commit = push_release("0.1.0", REPO)
    commits_before = len(fake_hub.repo(REPO).commits)

    with pytest.raises(NewsspanError, match=r"tag v0\.1\.0 already exists .* immutable") as caught:
        push_release("0.1.0", REPO)

    assert "new version" in caught.value.message
    assert tags() == {"v0.1.0": commit}
    assert len(fake_hub.repo(REPO).commits) == commits_before  # nothing uploaded


def test_a_tag_keeps_its_snapshot_after_later_releases(project, fake_hub: FakeHub, tmp_path):
    first = [[{"doc_id": "a", "text": "one"}], [{"doc_id": "b", "text": "two"}]]  # two shards
    hand_built_release("1.0.0", first)
    hand_built_release("1.1.0", [[{"doc_id": "c", "text": "three"}]])  # one shard, other file names

    commit_1 = push_release("1.0.0", REPO)
    commit_2 = push_release("1.1.0", REPO)

    assert commit_1 != commit_2 and tags() == {"v1.0.0": commit_1, "v1.1.0": commit_2}
    old = download_release(REPO, "1.0.0", tmp_path / "old")
    new = download_release(REPO, "1.1.0", tmp_path / "new")
    assert [r["doc_id"] for r in load_rows(old, tmp_path / "cache")] == ["a", "b"]
    assert [r["doc_id"] for r in load_rows(new, tmp_path / "cache")] == ["c"]  # older shards were deleted
    assert sorted(p.name for p in (new / "data/documents").iterdir()) == ["train-00000-of-00001.parquet"]


def test_pushing_a_missing_release_says_what_where_and_what_to_do(project, fake_hub: FakeHub):
    with pytest.raises(NewsspanError) as caught:
        push_release("9.9.9", REPO)

    message = caught.value.message
    assert "v9.9.9 does not exist" in message and str(releases_dir() / "v9.9.9") in message
    assert "newsspan release build 9.9.9" in message
    assert fake_hub.requests == []  # refused before talking to the Hub


def test_a_release_that_fails_verification_is_not_pushed(project, fake_hub: FakeHub):
    folder = seed_release("0.1.0")
    card = folder / "README.md"
    card.write_bytes(card.read_bytes() + b" ")

    with pytest.raises(NewsspanError, match=r"does not match its MANIFEST\.json"):
        push_release("0.1.0", REPO)
    assert fake_hub.requests == []


def test_private_repo_and_private_refusal(project, fake_hub: FakeHub):
    hand_built_release("0.1.0", [[{"doc_id": "a", "text": "one"}]])
    hand_built_release("0.2.0", [[{"doc_id": "b", "text": "two"}]])

    push_release("0.1.0", "newsspan-org/private-one", private=True)
    assert fake_hub.repo("newsspan-org/private-one").private is True

    push_release("0.1.0", REPO)  # public
    with pytest.raises(NewsspanError, match="already exists and is public"):
        push_release("0.2.0", REPO, private=True)
    assert set(tags()) == {"v0.1.0"}


def test_hub_failures_become_one_line_errors(project, fake_hub: FakeHub, monkeypatch, tmp_path):
    hand_built_release("0.1.0", [[{"doc_id": "a", "text": "one"}]])

    with pytest.raises(NewsspanError, match=r"rejected the credentials \(HTTP 401\)") as caught:
        push_release("0.1.0", REPO, token="wrong")
    assert "\n" not in caught.value.message and "HF_TOKEN" in caught.value.message

    HfApi().create_repo(REPO, repo_type="dataset")
    with pytest.raises(NewsspanError, match=r"cannot download v0\.1\.0 .* does not exist on"):
        download_release(REPO, "0.1.0", tmp_path / "nothing")

    with pytest.raises(NewsspanError, match="not a Hub dataset repo id"):
        push_release("0.1.0", "no-namespace")

    closed = FakeHub(tmp_path / "closed")
    dead_url = closed.url
    closed.server.server_close()  # a port nobody listens on
    monkeypatch.setenv("HF_ENDPOINT", dead_url)
    with pytest.raises(NewsspanError, match="unreachable") as caught:
        push_release("0.1.0", REPO)
    assert dead_url in caught.value.message and "\n" not in caught.value.message


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )


def test_cli_push_of_a_missing_release_prints_one_line_and_exits_1(project, fake_hub: FakeHub):
    result = run_cli("release", "push", "0.4.0", "--repo-id", REPO)

    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:") and "v0.4.0 does not exist" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_push_uploads_and_tags(project, fake_hub: FakeHub):
    hand_built_release("0.3.0", [[{"doc_id": "a", "text": "one"}]])

    result = run_cli("release", "push", "0.3.0", "--repo-id", REPO, "--private")

    assert result.returncode == 0, result.stderr
    assert "pushed v0.3.0" in result.stdout and REPO in result.stdout
    assert set(tags()) == {"v0.3.0"} and fake_hub.repo(REPO).private is True


def test_the_tag_message_is_the_release_fingerprint(project, fake_hub: FakeHub, monkeypatch):
    import hashlib

    folder = seed_release("0.1.0")
    fingerprint = hashlib.sha256((folder / "MANIFEST.json").read_bytes()).hexdigest()
    messages: list[str | None] = []
    real = HfApi.create_tag

    def spy(self, *args, **kwargs):
        messages.append(kwargs.get("tag_message"))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(HfApi, "create_tag", spy)
    push_release("0.1.0", REPO)
    assert messages == [f"newsspan release v0.1.0 fingerprint sha256:{fingerprint}"]
    pushed = fake_hub.files_at(REPO, "v0.1.0")
    assert f"Release fingerprint: `sha256:{fingerprint}`".encode() in pushed["README.md"]


def test_a_release_with_a_symlinked_file_is_not_pushed(project, fake_hub: FakeHub, tmp_path):
    folder = seed_release("0.1.0")
    card = folder / "README.md"
    copy = tmp_path / "README.md"
    copy.write_bytes(card.read_bytes())
    card.unlink()
    card.symlink_to(copy)
    with pytest.raises(NewsspanError, match="README.md: is a symbolic link; refused, not followed"):
        push_release("0.1.0", REPO)
