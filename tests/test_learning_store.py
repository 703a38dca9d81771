"""Active ordering in the store (SQLite and PostgreSQL): the model's per-document uncertainty, the admin-only
project setting, and queues that put the least certain documents first; and the ``model`` recommender's
suggestions stored like any other."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.labelled import LabelledDocument
from corpus.learn import Settings, save_model, train_model
from corpus.scheme import default_labelset
from tests.gold_data import gold_records, seed_documents
from tests.store_fixtures import Team
from workbench.learning import ModelRecommender
from workbench.store import AccessDenied
from workbench.store.queue import QueueQuery


def order(team: Team) -> list[str]:
    return [item["doc_id"] for item in team.store.queue_page(team.ana).items]


def test_queues_order_by_uncertainty_when_the_admin_turns_it_on(team: Team) -> None:
    store, admin, ana = team.store, team.admin, team.ana
    by_position = order(team)
    d = sorted(team.documents)
    with pytest.raises(AccessDenied):
        store.set_order_by_uncertainty(ana, True)
    with pytest.raises(AccessDenied):
        store.set_uncertainty(ana, "m1", {d[0]: 0.5})
    assert store.set_uncertainty(admin, "m1", {d[0]: 0.2, d[1]: 0.9, d[4]: 0.9, d[2]: None}) == 3
    assert store.uncertainty(admin, d) == {d[0]: 0.2, d[1]: 0.9, d[4]: 0.9}
    assert order(team) == by_position  # off by default
    assert not store.orders_by_uncertainty(ana)

    store.set_order_by_uncertainty(admin, True)
    assert store.orders_by_uncertainty(ana)
    expected = [d[1], d[4], d[0], d[2], d[3]]  # least certain first, ties by doc_id, unscored last by doc_id
    assert order(team) == expected
    assert [i["doc_id"] for i in store.queue_page(ana, limit=2, offset=2).items] == expected[2:4]
    assert [store.queue_offset(ana, doc_id) for doc_id in expected] == [0, 1, 2, 3, 4]
    assert store.next_open_document(ana) == expected[0]
    walked = [store.next_open_document(ana, after=doc_id) for doc_id in expected]
    assert walked == [*expected[1:], expected[0]]  # wraps round
    titles = [i["title"].lower() for i in store.queue_page(ana, QueueQuery(sort="title")).items]
    assert titles == sorted(titles)  # other sorts are unchanged

    store.set_uncertainty(admin, "m2", {d[3]: 0.95})  # a newer score moves a document up
    assert order(team)[0] == d[3]
    store.set_order_by_uncertainty(admin, False)
    assert order(team) == by_position


def test_the_model_recommender_stores_suggestions_and_uncertainty(team: Team, tmp_path: Path) -> None:
    labelled = [
        LabelledDocument(doc, gold_records(sid), "gold") for sid, doc in list(seed_documents().items())[:2]
    ]
    model = train_model(
        labelled, labelset=default_labelset(), settings=Settings(max_epochs=3, width=32, depth=1)
    )
    save_model(model, tmp_path)
    recommender = ModelRecommender(team.store, team.admin, root=tmp_path, threshold=0.3)
    assert recommender.fingerprint() == f"model-{model.id}"
    documents = list(team.documents.values())
    made = recommender.suggest_batch(documents)
    assert len(made) == len(documents)
    report = team.store.store_suggestions(
        team.admin, list(zip(documents, made, strict=True)), recommender.fingerprint()
    )
    stored = team.store.records(team.admin, layer="suggestion", doc_ids=list(team.documents))
    assert len(stored) == sum(len(records) for records in made) == sum(report.added.values()) > 0
    assert all(r["suggested_by"] == "model" and 0.3 <= r["suggestion"]["score"] <= 1 for r in stored)
    assert set(team.store.uncertainty(team.admin, list(team.documents))) == set(team.documents)
    assert ModelRecommender(team.store, team.admin, root=tmp_path / "none").suggest_batch(documents[:1]) == [
        []
    ]
