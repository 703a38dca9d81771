"""Shared plumbing of the ``Store`` class: the engine, the acting user, timestamps and the event log."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert

from workbench.store import tables as t
from workbench.store.engine import autocommit, writer

# Keys the store adds to a record it returns; they are not part of the scheme's record format.
STORE_KEYS = ("version", "anchor", "review", "deleted", "updated_at", "updated_by")


@dataclass(frozen=True)
class User:
    """An account acting on the store. ``role`` is ``annotator``, ``reviewer`` or ``admin``."""

    id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_reviewer(self) -> bool:
        return self.role in ("reviewer", "admin")


# The command line acts with the rights of whoever can open the database file or server: an admin.
CLI_USER = User(id=0, name="cli", role="admin")


def now() -> str:
    """UTC timestamp, RFC 3339 with microseconds: sortable as text on every backend."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def scheme_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record in the scheme's format: the store's bookkeeping keys removed."""
    return {key: value for key, value in record.items() if key not in STORE_KEYS}


class DocumentCache:
    """Recently used document rows by ``doc_id``, for saves that skip the read (PostgreSQL's one-round-trip
    save). A row is only a guess: the save function checks that the document's ``text_sha256`` is still the
    cached one, and the caller drops the entry when it is not."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._rows: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, doc_id: str) -> Any | None:
        with self._lock:
            row = self._rows.get(doc_id)
            if row is not None:
                self._rows.move_to_end(doc_id)
            return row

    def put(self, row: Any) -> None:
        with self._lock:
            self._rows[row.doc_id] = row
            self._rows.move_to_end(row.doc_id)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)

    def drop(self, doc_id: str) -> None:
        with self._lock:
            self._rows.pop(doc_id, None)


class StoreBase:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = writer(engine)
        # PostgreSQL: saves and deletes are one statement each (see workbench.store.saving), on connections
        # without BEGIN/COMMIT, with the documents they need cached here.
        self._one_statement_saves = engine.dialect.name == "postgresql"
        self._autocommit = autocommit(engine)
        self._documents = DocumentCache()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success, rolled back on error."""
        with self._writer.begin() as connection:
            yield connection

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

    @staticmethod
    def _event(
        connection: Connection,
        *,
        actor: str,
        kind: str,
        doc_id: str,
        annotation_id: str | None = None,
        layer: str | None = None,
        version: int | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        undoes: int | None = None,
        source: str | None = None,
        at: str | None = None,
    ) -> None:
        connection.execute(
            insert(t.events).values(
                at=at or now(),
                actor=actor,
                kind=kind,
                doc_id=doc_id,
                annotation_id=annotation_id,
                layer=layer,
                version=version,
                before=before,
                after=after,
                undoes=undoes,
                source=source,
            )
        )
