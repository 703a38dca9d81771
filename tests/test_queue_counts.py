"""The queue's counts per status come from ``assignment_counts``, which triggers keep in step with
``assignments`` (migration 0004), on SQLite and PostgreSQL: after every kind of write (assign, the first save,
done, reopening a status, reassigning, an import, the PostgreSQL one-statement save) they equal a count of the
rows, and the migration fills them from the assignments already stored."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from sqlalchemy import func, select

from tests.store_fixtures import ACTOR, Team, span
from workbench.store import CLI_USER, Store, open_store
from workbench.store import tables as t
from workbench.store.engine import dispose_engine, get_engine
from workbench.store.migrate import _config, upgrade


def counted(store) -> dict[tuple[int, str], int]:
    """The counts as a GROUP BY over the assignments finds them (what the triggers must keep)."""
    a = t.assignments.c
    with store.engine.connect() as connection:
        rows = connection.execute(select(a.user_id, a.status, func.count()).group_by(a.user_id, a.status))
        return {(user_id, status): n for user_id, status, n in rows}


def kept(store) -> dict[tuple[int, str], int]:
    c = t.assignment_counts.c
    with store.engine.connect() as connection:
        rows = connection.execute(select(c.user_id, c.status, c.n))
        return {(user_id, status): n for user_id, status, n in rows if n}


def check(team: Team) -> None:
    assert kept(team.store) == counted(team.store)
    for user in (team.ana, team.ben):
        page = team.store.queue_page(user)
        assert page.counts == {s: counted(team.store).get((user.id, s), 0) for s in t.STATUSES}
        assert page.total == sum(page.counts.values())


def test_status_counts_follow_every_write(team: Team, tmp_path: Path) -> None:
    store, ana, ben = team.store, team.ana, team.ben
    check(team)
    assert store.queue_page(ana).counts == {"not_started": 5, "in_progress": 0, "done": 0}
    first, second = team.doc(0), team.doc(1)
    store.save_annotation(ana, span(first, "Xi Jinping", "actor", ACTOR))  # not started -> in progress
    check(team)
    store.set_document_status(ana, second["doc_id"], "done")
    store.set_document_status(ana, second["doc_id"], "in_progress")
    store.set_document_status(ana, second["doc_id"], "done")
    check(team)
    assert store.queue_page(ana).counts == {"not_started": 3, "in_progress": 1, "done": 1}
    carol = store.create_user(team.admin, "carol", "annotator", "correct horse battery")
    store.reassign(team.admin, "ben", "carol")  # deletes ben's rows, inserts carol's
    check(team)
    assert (
        store.queue_page(carol).counts["not_started"] == 5 and sum(store.queue_page(ben).counts.values()) == 0
    )
    records = tmp_path / "carol.jsonl"
    records.write_text(json.dumps(span(team.doc(2), "Putin", "actor", ACTOR)) + "\n", encoding="utf-8")
    store.import_file(team.admin, records, annotator="carol")
    check(team)


def test_migration_fills_the_counts_from_the_stored_assignments(tmp_path: Path, seed_documents) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = get_engine(url)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0003")
    old = Store(engine)  # the schema of 0003: no counts yet
    old.load_documents(CLI_USER, seed_documents, release="0.1.0")
    ana = old.create_user(CLI_USER, "ana", "annotator", "correct horse battery")
    old.assign(CLI_USER, overlap=1)
    old.set_document_status(ana, seed_documents[0]["doc_id"], "done")
    upgrade(engine)
    store = open_store(url)
    assert kept(store) == counted(store) == {(ana.id, "done"): 1, (ana.id, "not_started"): 4}
    dispose_engine(url)
