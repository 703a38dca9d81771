"""Background jobs, on SQLite and PostgreSQL: only admins start and follow them, one running job per kind, a job
ends once (done with its summary, failed with a sentence, never a traceback), jobs of a stopped app process are
marked interrupted when an app process starts, and the ``suggest`` and ``release`` kinds run the real work."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from corpus.errors import NewsspanError
from corpus.release import open_release
from tests.store_fixtures import ACTOR, Team, span
from workbench.jobs import KINDS, JobRunner, job_params, runner_is_dead, this_runner
from workbench.store import CLI_USER, AccessDenied, ConflictError, NotFound

HOST = socket.gethostname()


def dead_pid() -> int:
    """The pid of a process that has ended (a real one, so the number is not anyone's now)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_only_admins_start_update_finish_or_read_jobs(team: Team) -> None:
    store = team.store
    job_id = store.start_job(team.admin, "suggest", {"release": None}, runner="h:1:t")
    for user in (team.ana, team.rita):
        with pytest.raises(AccessDenied, match=r"may not start background jobs"):
            store.start_job(user, "release", {}, runner="h:1:t")
        with pytest.raises(AccessDenied):
            store.job_progress(user, job_id, 1, 2)
        with pytest.raises(AccessDenied):
            store.finish_job(user, job_id, result={})
        with pytest.raises(AccessDenied):
            store.recent_jobs(user)
        with pytest.raises(AccessDenied):
            store.job(user, job_id)
        with pytest.raises(AccessDenied):
            store.interrupt_jobs(user, lambda runner: True)
        with pytest.raises(AccessDenied):
            JobRunner(store).start(user, "suggest", {})
    assert store.job(team.admin, job_id)["state"] == "running"


def test_a_job_runs_once_per_kind_reports_progress_and_ends_once(team: Team) -> None:
    store, admin = team.store, team.admin
    first = store.start_job(admin, "suggest", {"release": "0.1.0", "redo": False}, runner="h:1:t")
    with pytest.raises(
        ConflictError, match=rf"a suggest job is already running \(job {first}, started by adam"
    ):
        store.start_job(CLI_USER, "suggest", {}, runner="h:2:u")
    other = store.start_job(admin, "release", {"version": "0.2.0"}, runner="h:1:t")  # another kind may run
    store.job_progress(admin, first, 40, 100, "documents")
    job = store.job(admin, first)
    assert (job["state"], job["done"], job["total"], job["message"]) == ("running", 40, 100, "documents")
    assert job["params"] == {"release": "0.1.0", "redo": False} and job["started_by"] == "adam"
    done = store.finish_job(admin, first, result={"documents": 100, "suggestions added": 7})
    assert done["state"] == "done" and done["result"] == {"documents": 100, "suggestions added": 7}
    assert done["finished_at"] and done["error"] is None
    with pytest.raises(ConflictError, match=rf"job {first} has already ended \(done\)"):
        store.finish_job(admin, first, error="too late")
    store.job_progress(admin, first, 99, 100)  # an ended job's progress no longer moves
    assert store.job(admin, first)["done"] == 40
    failed = store.finish_job(admin, other, error="release v0.2.0 already exists")
    assert (failed["state"], failed["error"], failed["result"]) == (
        "failed",
        "release v0.2.0 already exists",
        None,
    )
    again = store.start_job(admin, "suggest", {}, runner="h:1:t")  # the kind is free again
    assert [job["id"] for job in store.recent_jobs(admin)] == [again, other, first]
    assert [job["id"] for job in store.recent_jobs(admin, limit=1)] == [again]
    with pytest.raises(NotFound, match="no job 999"):
        store.job(admin, 999)


def test_jobs_of_a_stopped_app_process_are_interrupted_when_one_starts(team: Team) -> None:
    store, admin = team.store, team.admin
    stopped = store.start_job(admin, "suggest", {}, runner=f"{HOST}:{dead_pid()}:old")
    same_pid_earlier = store.start_job(admin, "release", {}, runner=f"{HOST}:{os.getpid()}:earlier")
    elsewhere = store.start_job(admin, "learn", {}, runner="another-host:1:tok")
    assert runner_is_dead(f"{HOST}:{dead_pid()}:x") and not runner_is_dead(this_runner())
    assert not runner_is_dead(f"{HOST}:{os.getppid()}:x")  # a live process
    JobRunner.start_process(store)  # an app process starts
    states = {job["id"]: job for job in store.recent_jobs(admin)}
    assert states[stopped]["state"] == states[same_pid_earlier]["state"] == "interrupted"
    assert "stopped before it ended" in states[stopped]["error"] and states[stopped]["finished_at"]
    assert states[elsewhere]["state"] == "running"  # another host's process may still be at work
    mine = store.start_job(admin, "suggest", {}, runner=this_runner())
    JobRunner.start_process(store)  # a second runner of this (live) process leaves its jobs alone
    assert store.job(admin, mine)["state"] == "running"


def test_form_values_become_parameters() -> None:
    with pytest.raises(NewsspanError, match="New release version: required"):
        job_params(KINDS["release"], {"version": "  "})
    assert job_params(KINDS["suggest"], {"release": "  ", "redo": 1}) == {"release": None, "redo": True}
    assert job_params(KINDS["release"], {"version": " 0.2.0 "}) == {
        "version": "0.2.0",
        "ratios": "0.8,0.1,0.1",
    }


def test_a_suggest_job_stores_suggestions_with_progress_and_its_counts(project, store, monkeypatch) -> None:
    from corpus.document_release import build_documents_release
    from corpus.ingest import ingest_paths
    from tests.project_fixtures import SEEDS

    ingest_paths([SEEDS])
    build_documents_release("0.1.0")
    admin = store.create_user(CLI_USER, "adam", "admin", "correct horse battery")
    runner = JobRunner.start_process(store)
    job = runner.wait(runner.start(admin, "suggest", {"release": None, "redo": False}), timeout=300)
    assert job["state"] == "done", job
    result = job["result"]
    assert result["release"] == "0.1.0" and result["documents"] == 5 and result["skipped"] == 0
    stored = store.records(
        admin, layer="suggestion", doc_ids=[d["doc_id"] for d in open_release().documents()]
    )
    assert result["suggestions added"] == len(stored) > 100
    assert {"numbers", "actors"} <= set(result["added per suggester"])
    assert (job["done"], job["total"], job["message"]) == (5, 5, "documents")  # the last progress is written
    again = runner.wait(runner.start(admin, "suggest", {}), timeout=300)
    assert again["result"]["skipped"] == 5 and again["result"]["suggestions added"] == 0


def test_a_release_job_builds_the_annotated_release_or_fails_with_a_sentence(project, team: Team) -> None:
    store, admin = team.store, team.admin
    document = team.doc(1)
    store.save_annotation(team.ana, span(document, "Xi Jinping", "actor", ACTOR))
    runner = JobRunner.start_process(store)
    job = runner.wait(runner.start(admin, "release", {"version": "0.2.0", "ratios": None}), timeout=300)
    assert job["state"] == "done", job
    assert job["result"]["version"] == "0.2.0" and job["result"]["fingerprint"].startswith("sha256:")
    assert set(job["result"]["configs"]) == {"documents", "gold", "annotations"}
    assert open_release("0.2.0").fingerprint == job["result"]["fingerprint"].removeprefix("sha256:")
    assert job["done"] > 0 and job["total"] is None and job["message"] == "rows written"
    failed = runner.wait(runner.start(admin, "release", {"version": "0.2.0"}), timeout=300)
    assert failed["state"] == "failed" and "0.2.0" in failed["error"] and "Traceback" not in failed["error"]
    bad = runner.wait(runner.start(admin, "release", {"version": "0.3.0", "ratios": "1,2"}), timeout=300)
    assert bad["state"] == "failed" and bad["error"].startswith("cannot read split ratios '1,2'")
    with pytest.raises(Exception, match="unknown job kind 'nope'"):
        runner.start(admin, "nope", {})


def test_a_learn_job_trains_the_span_model_from_gold_or_says_what_is_wrong(
    project, store, monkeypatch
) -> None:
    from corpus.learn import latest_model_id
    from tests.gold_data import GOLD_DIR, seed_documents

    admin = store.create_user(CLI_USER, "adam", "admin", "correct horse battery")
    runner = JobRunner.start_process(store)
    empty = runner.wait(runner.start(admin, "learn", {"epochs": "1"}), timeout=300)
    assert empty["state"] == "failed" and "nothing labelled yet" in empty["error"]
    documents = list(seed_documents().values())[:2]
    store.load_documents(CLI_USER, documents, release="0.1.0")
    for document in documents:
        path = GOLD_DIR / f"{document['source_id']}.jsonl"
        store.import_file(CLI_USER, path, annotator="gold", layer="gold")
    bad = runner.wait(runner.start(admin, "learn", {"epochs": "many"}), timeout=300)
    assert bad["state"] == "failed" and bad["error"].startswith("epochs must be a whole number")
    job = runner.wait(runner.start(admin, "learn", {"epochs": "1"}), timeout=600)
    assert job["state"] == "done", job
    assert job["result"]["model"] == latest_model_id() and job["result"]["documents"] == 2
    assert job["result"]["spans"] > 100
