"""Retraining in the background after every N newly done documents (``workbench.learning.retrain_if_due``)."""

from __future__ import annotations

import json

import pytest

from corpus.learn import latest_model_id
from corpus.learn.model import models_dir
from tests.store_fixtures import ACTOR, Team, span
from workbench.jobs import JobRunner
from workbench.learning import retrain_if_due
from workbench.store import AccessDenied


def test_only_admins_set_it_and_it_must_be_a_whole_number(team: Team) -> None:
    store = team.store
    assert store.retrain_every(team.ana) == 0  # off unless an admin turns it on
    with pytest.raises(AccessDenied):
        store.set_retrain_every(team.ana, 1)
    for bad in (-1, 1.5, True, "3"):
        with pytest.raises(Exception, match="not a whole number"):
            store.set_retrain_every(team.admin, bad)
    store.set_retrain_every(team.admin, 2)
    assert store.retrain_every(team.ana) == 2


def test_a_model_is_trained_once_n_documents_are_done_and_not_again_before(project, team: Team) -> None:
    store, ana, ben = team.store, team.ana, team.ben
    runner = JobRunner.start_process(store)
    first, second = team.doc(1), team.doc(2)
    for user, document in ((ana, first), (ben, first), (ana, second)):
        store.save_annotation(user, span(document, "Xi Jinping", "actor", ACTOR))
    store.set_document_status(ana, first["doc_id"], "done")
    assert retrain_if_due(store, runner) is None  # off
    store.set_retrain_every(team.admin, 2)
    assert retrain_if_due(store, runner) is None  # one done document, two wanted
    store.set_document_status(ben, first["doc_id"], "done")
    job_id = retrain_if_due(store, runner)
    assert job_id is not None
    job = runner.wait(job_id, timeout=600)
    assert job["state"] == "done" and job["kind"] == "learn", job
    model = latest_model_id()
    meta = json.loads((models_dir() / model / "meta.json").read_text())
    assert meta["trained_from"]["done_assignments"] == 2 and job["result"]["model"] == model
    store.set_document_status(ana, second["doc_id"], "done")
    assert retrain_if_due(store, runner) is None  # one more since the model: not yet due
