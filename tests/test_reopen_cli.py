"""``newsspan reopen DOC_ID --reason TEXT`` through the real command: a final document goes back to review with
the reason in its history; anything else is one clear line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.store_fixtures import REPO_ROOT, Team


def newsspan(*args: str, db_url: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NEWSSPAN_DB_URL": db_url},
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def test_reopen_moves_a_final_document_back_to_review_with_its_reason(team: Team, store_url: str) -> None:
    store, doc_id = team.store, team.doc(0)["doc_id"]
    for user in (team.ana, team.ben):
        store.set_document_status(user, doc_id, "done")
    store.set_document_stage(team.rita, doc_id, "final")
    result = newsspan("reopen", doc_id, "--reason", "ben was right after all", db_url=store_url)
    assert result.returncode == 0, result.stderr
    assert f"reopened {doc_id}: stage review" in result.stdout
    assert store.document(team.rita, doc_id)["stage"] == "review"
    last = store.document_history(team.rita, doc_id)[-1]
    assert (last["kind"], last["actor"], last["source"]) == ("reopen", "cli", "ben was right after all")


def test_reopen_refuses_with_one_line(team: Team, store_url: str) -> None:
    doc_id = team.doc(0)["doc_id"]
    not_final = newsspan("reopen", doc_id, "--reason", "why not", db_url=store_url)
    assert not_final.returncode != 0
    assert f"document {doc_id} is not final (stage annotation)" in not_final.stderr
    unknown = newsspan("reopen", "0000000000000000", "--reason", "x", db_url=store_url)
    assert unknown.returncode != 0 and "0000000000000000" in unknown.stderr
    empty = newsspan("reopen", doc_id, "--reason", "  ", db_url=store_url)
    assert empty.returncode != 0 and "--reason is empty" in empty.stderr
    missing = newsspan("reopen", doc_id, db_url=store_url)
    assert missing.returncode != 0 and "--reason" in missing.stderr
    assert [e["kind"] for e in team.store.document_history(team.admin, doc_id)] == []
