"""The store's database engine: one per process, SQLite (WAL + busy timeout) by default, PostgreSQL for teams.

The URL comes from ``NEWSSPAN_DB_URL``; without it the store is an SQLite file under the project's data folder.
SQLite connections get WAL and a 30 s busy timeout in a connect event, so concurrent writers wait for each other
instead of failing with "database is locked". Write transactions on SQLite start with ``BEGIN IMMEDIATE`` (see
``writer``): a deferred transaction that reads and then writes can fail at once with SQLITE_BUSY when another
writer committed in between, which the busy timeout does not cover.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from corpus import paths

BUSY_TIMEOUT_MS = 30_000
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def database_url() -> str:
    """``NEWSSPAN_DB_URL``, else ``sqlite:///<project>/data/newsspan.sqlite``."""
    url = os.environ.get("NEWSSPAN_DB_URL")
    if url:
        return url
    return f"sqlite:///{paths.data_dir() / 'newsspan.sqlite'}"


def _normalize(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg 3 (the driver we ship), not psycopg2."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # The driver must not open transactions on its own: we emit BEGIN ourselves (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str | None = None) -> Engine:
    """A new engine for ``url`` (default ``database_url()``). Prefer ``get_engine``: one engine per process."""
    url = _normalize(url or database_url())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, pool_size=10, max_overflow=30, pool_timeout=60)
        _setup_sqlite(engine)
    else:
        engine = create_engine(url, pool_size=10, max_overflow=30, pool_timeout=60, pool_pre_ping=True)
    return engine


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default ``database_url()``), made on first use."""
    key = _normalize(url or database_url())
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = make_engine(key)
        return engine


def dispose_engine(url: str | None = None) -> None:
    """Close and forget the process-wide engine for ``url`` (tests, shutdown)."""
    key = _normalize(url or database_url())
    with _lock:
        engine = _engines.pop(key, None)
    if engine is not None:
        engine.dispose()


def writer(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions take the write lock at BEGIN on SQLite."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(sqlite_begin="IMMEDIATE")
    return engine
