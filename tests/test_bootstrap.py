"""`make run`'s set-up step: the seed release in the store, demo accounts and assignments, idempotent; no demo
accounts for any other project."""

import subprocess
import sys

from corpus.document_release import build_documents_release
from corpus.ingest import ingest_paths
from tests.project_fixtures import SEEDS
from workbench.bootstrap import SAMPLE_ACCOUNTS, SAMPLE_PASSWORD
from workbench.store import CLI_USER, open_store


def _bootstrap(project):
    return subprocess.run(
        [sys.executable, "-m", "workbench.bootstrap"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bootstrap_loads_the_release_creates_accounts_and_assigns_once(project):
    ingest_paths([SEEDS])
    build_documents_release("0.1.0")
    first = _bootstrap(project)
    assert first.returncode == 0, first.stderr
    assert "5 documents added" in first.stdout and SAMPLE_PASSWORD in first.stdout
    store = open_store(f"sqlite:///{project}/data/newsspan.sqlite")
    assert {u["name"] for u in store.list_users(CLI_USER)} == {name for name, _ in SAMPLE_ACCOUNTS}
    # marked as demo accounts: they must choose their own password when the workbench listens beyond loopback
    assert all(u["demo"] for u in store.list_users(CLI_USER))
    ana = store.authenticate("ana", SAMPLE_PASSWORD)
    assert ana is not None and len(store.queue(ana)) == 5
    second = _bootstrap(project)
    assert second.returncode == 0 and "5 unchanged" in second.stdout and SAMPLE_PASSWORD not in second.stdout
    assert "0 spans imported" in second.stdout
    assert len(store.queue(ana)) == 5
    gold_lines = [
        line for path in (SEEDS / "gold").glob("*.jsonl") for line in path.read_text().splitlines() if line
    ]
    gold = [g for d in store.review_documents(CLI_USER, every_stage=True) for g in
            store.annotations(CLI_USER, d["doc_id"], layer="gold")]  # fmt: skip
    assert len(gold) == len(gold_lines) > 0
    assert {g["label"] for g in gold} == {"actor", "claim", "number", "framing"}


def test_bootstrap_creates_no_demo_accounts_for_another_project(project):
    articles = project / "articles"
    articles.mkdir()
    (articles / "own.txt").write_text(
        "Our own newsroom article\n\nThe council met on Monday.\n", encoding="utf-8"
    )
    ingest_paths([articles, SEEDS])
    build_documents_release("0.1.0")
    result = _bootstrap(project)
    assert result.returncode == 0, result.stderr
    assert "no accounts yet" in result.stdout and SAMPLE_PASSWORD not in result.stdout
    assert open_store(f"sqlite:///{project}/data/newsspan.sqlite").list_users(CLI_USER) == []
