"""On PostgreSQL a save (and a delete) is ONE statement in the common case: counted in the server's own log
(``log_statement = all``), so BEGIN, COMMIT, pings and reads would all show. Unusual saves fall back to the
ordinary transaction and still give the store's messages."""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest

from tests.store_fixtures import ACTOR, PASSWORD, TEMPLATE, span
from workbench.store import CLI_USER, AccessDenied, ConflictError, ValidationFailed, open_store
from workbench.store.engine import dispose_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def logged(pg_cluster, seed_documents):
    """A store on a database whose every statement the server logs; yields (store, statements_of(fn))."""
    name = pg_cluster.create_database(template=TEMPLATE)
    with psycopg.connect(pg_cluster.url(name).replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f"ALTER DATABASE \"{name}\" SET log_statement = 'all'")
    url = pg_cluster.url(name)
    store = open_store(url)
    store.load_documents(CLI_USER, seed_documents)
    store.create_user(CLI_USER, "ana", "annotator", PASSWORD)
    store.assign(CLI_USER, overlap=1)
    log = pg_cluster.root / "log"

    def statements_of(action) -> tuple[object, list[str]]:  # noqa: ANN001
        marker = uuid.uuid4().hex
        with psycopg.connect(pg_cluster.url(name).replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute(f"SELECT 'start {marker}'")
            result = action()
            connection.execute(f"SELECT 'end {marker}'")
        text = log.read_text(encoding="utf-8", errors="replace")
        end = text.index(f"end {marker}")
        between = text[text.index(f"start {marker}") : text.rfind("\n", 0, end)]
        found = re.findall(r"LOG:  (?:statement|execute [^:]*): (.*)", between)
        return result, [line for line in found if marker not in line]

    yield store, statements_of
    dispose_engine(url)
    pg_cluster.drop_database(name)


def test_a_save_an_edit_and_a_delete_are_one_statement_each(logged, seed_documents) -> None:
    store, statements_of = logged
    ana = store.user("ana")
    doc = seed_documents[0]
    store.save_annotation(ana, span(doc, "Moscow", "actor", ACTOR))  # the document is read and cached once
    saved, sent = statements_of(lambda: store.save_annotation(ana, span(doc, "Xi Jinping", "actor", ACTOR)))
    assert len(sent) == 1 and sent[0].startswith("SELECT newsspan_save_annotation(")
    edited, sent = statements_of(
        lambda: store.save_annotation(ana, {**saved, "attributes": {**ACTOR, "mention": "nominal"}}, 1)
    )
    assert len(sent) == 1 and edited["version"] == 2
    deleted, sent = statements_of(lambda: store.delete_annotation(ana, saved["id"], 2))
    assert len(sent) == 1 and sent[0].startswith("SELECT newsspan_delete_annotation(")
    assert deleted["deleted"] and deleted["version"] == 3
    history = store.history(ana, saved["id"])
    assert [(e["kind"], e["version"], e["actor"]) for e in history] == [
        ("create", 1, "ana"), ("update", 2, "ana"), ("delete", 3, "ana"),
    ]  # fmt: skip
    assert history[1]["before"]["attributes"]["mention"] == "name"
    assert history[1]["after"]["created_at"] == saved["created_at"]
    queue = {item["doc_id"]: item["status"] for item in store.queue(ana)}
    assert queue[doc["doc_id"]] == "in_progress"  # the assignment moved on in the same statement


def test_a_link_costs_one_read_more(logged, seed_documents) -> None:
    store, statements_of = logged
    ana = store.user("ana")
    doc = seed_documents[0]
    speaker = store.save_annotation(ana, span(doc, "The Kremlin", "actor", ACTOR))
    claim = span(doc, "terrorist acts", "claim", {"speaker": speaker["id"]})
    saved, sent = statements_of(lambda: store.save_annotation(ana, claim))
    assert len(sent) == 2 and saved["attributes"]["speaker"] == speaker["id"]


def test_refusals_fall_back_to_the_transaction_and_its_messages(logged, seed_documents) -> None:
    store, _ = logged
    ana = store.user("ana")
    doc = seed_documents[0]
    saved = store.save_annotation(ana, span(doc, "Xi Jinping", "actor", ACTOR))
    with pytest.raises(ConflictError, match="you had 5"):
        store.save_annotation(ana, {**saved, "attributes": ACTOR}, 5)
    with pytest.raises(ValidationFailed, match="duplicate"):
        store.save_annotation(ana, span(doc, "Xi Jinping", "actor", ACTOR))
    with pytest.raises(ValidationFailed, match="dangling link"):
        store.save_annotation(ana, span(doc, "terrorist acts", "claim", {"speaker": "nobody"}))
    ben = store.create_user(CLI_USER, "ben", "annotator", PASSWORD)
    with pytest.raises(AccessDenied, match="not assigned"):
        store.save_annotation(ben, span(doc, "Moscow", "actor", ACTOR))
    with pytest.raises(AccessDenied):
        store.delete_annotation(ben, saved["id"], 1)
    store.load_documents(CLI_USER, [{**doc, "text": doc["text"] + " More.", "text_sha256": "0" * 64}])
    with pytest.raises(ValidationFailed, match="text_sha256"):  # the cached text is stale: checked again
        store.save_annotation(ana, {**span(doc, "Moscow", "actor", ACTOR), "text_sha256": doc["text_sha256"]})
    fresh = store.save_annotation(ana, span(doc, "Moscow", "actor", ACTOR))
    assert fresh["text_sha256"] == "0" * 64
