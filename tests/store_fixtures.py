"""Fixtures of the annotation store: every store test runs on SQLite and on a real PostgreSQL server.

The ``postgres`` parameter starts one throwaway cluster per test session (installing Debian's ``postgresql``
with apt-get when it is missing), migrates a template database once, and gives each test its own database
copied from the template, dropped afterwards. Only when PostgreSQL cannot be installed are those tests skipped,
with the reason in the summary.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.throwaway_pg import Cluster, PostgresUnavailable
from workbench.store import CLI_USER, Store, User, open_store
from workbench.store.engine import dispose_engine, get_engine
from workbench.store.migrate import upgrade

REPO_ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"
TEMPLATE = "newsspan_template"


@pytest.fixture(scope="session")
def seed_documents() -> list[dict[str, Any]]:
    """The five seed articles as document records (built by the ingest code, cleaned)."""
    from corpus.documents import build_document
    from corpus.readers import Article, read_inputs

    items = [item for item in read_inputs([REPO_ROOT / "seeds"]) if isinstance(item, Article)]
    assert len(items) == 5
    return [build_document(item) for item in items]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    try:
        cluster = Cluster().start()
    except PostgresUnavailable as error:
        warnings.warn(f"PostgreSQL store tests skipped: {error}", stacklevel=1)
        pytest.skip(f"PostgreSQL unavailable: {error}")
    try:
        cluster.create_database(TEMPLATE)
        url = cluster.url(TEMPLATE)
        upgrade(get_engine(url))
        dispose_engine(url)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store database URL on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite'}"
        yield url
        dispose_engine(url)
        return
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    name = cluster.create_database(template=TEMPLATE)
    url = cluster.url(name)
    yield url
    dispose_engine(url)
    cluster.drop_database(name)


@pytest.fixture
def store(store_url: str) -> Store:
    """An empty store (schema upgraded) on SQLite or PostgreSQL."""
    return open_store(store_url)


@dataclass
class Team:
    """A loaded store with the five seeds and one user per role (plus a second annotator)."""

    store: Store
    documents: dict[str, dict[str, Any]]
    admin: User
    ana: User
    ben: User
    rita: User

    def doc(self, index: int) -> dict[str, Any]:
        return list(self.documents.values())[index]


@pytest.fixture
def team(store: Store, seed_documents: list[dict[str, Any]]) -> Team:
    """Seeds loaded; ana and ben (annotators) each assigned every seed; rita reviews, adam administers."""
    store.load_documents(CLI_USER, seed_documents, release="0.1.0")
    admin = store.create_user(CLI_USER, "adam", "admin", PASSWORD)
    ana = store.create_user(admin, "ana", "annotator", PASSWORD)
    ben = store.create_user(admin, "ben", "annotator", PASSWORD)
    rita = store.create_user(admin, "rita", "reviewer", PASSWORD)
    store.assign(admin, overlap=2)
    return Team(store, {doc["doc_id"]: doc for doc in seed_documents}, admin, ana, ben, rita)


def span(document: dict[str, Any], phrase: str, label: str, attributes: dict[str, Any], nth: int = 0) -> dict:
    """A record for the ``nth`` occurrence of ``phrase`` in the document."""
    start = -1
    for _ in range(nth + 1):
        start = document["text"].find(phrase, start + 1)
    assert start >= 0, f"{phrase!r} not in {document['doc_id']}"
    return {
        "doc_id": document["doc_id"],
        "start": start,
        "end": start + len(phrase),
        "label": label,
        "attributes": attributes,
    }


ACTOR = {"type": "PER", "mention": "name"}
