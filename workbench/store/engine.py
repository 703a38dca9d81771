"""The store's database engine: one per process, SQLite (WAL + busy timeout) by default, PostgreSQL for teams.

The URL comes from ``NEWSSPAN_DB_URL``; without it the store is an SQLite file under the project's data folder.
SQLite connections get WAL and a 30 s busy timeout in a connect event, so concurrent writers wait for each other
instead of failing with "database is locked". Write transactions on SQLite start with ``BEGIN IMMEDIATE`` (see
``writer``): a deferred transaction that reads and then writes can fail at once with SQLITE_BUSY when another
writer committed in between, which the busy timeout does not cover.

PostgreSQL connections are pinged only after sitting idle (``_ping_when_idle``), and ``autocommit`` gives the
statements that are a transaction by themselves (the one-round-trip save) a connection without BEGIN/COMMIT.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

from corpus import paths

BUSY_TIMEOUT_MS = 30_000
IDLE_PING_S = 10.0
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
        engine = create_engine(url, pool_size=10, max_overflow=30, pool_timeout=60)
        _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled PostgreSQL connection before use only when it sat idle for ``IDLE_PING_S`` (a server
    restart or a firewall may have dropped it meanwhile). SQLAlchemy's ``pool_pre_ping`` pings on every
    checkout: one round trip more per save, which the store's one-round-trip save would not survive."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):  # noqa: ANN001
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):  # noqa: ANN001
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure: the pool drops this connection and opens another
            raise DisconnectionError(str(error)) from error
        if not alive:
            raise DisconnectionError("the connection did not answer a ping")


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


def autocommit(engine: Engine) -> Engine:
    """The same engine (same pool) whose statements each commit on their own: no BEGIN and COMMIT round trips
    around a statement that is one transaction anyway (the store's PostgreSQL save and delete functions)."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def writer(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions take the write lock at BEGIN on SQLite."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(sqlite_begin="IMMEDIATE")
    return engine
