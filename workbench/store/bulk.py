"""Writing many rows at once (imports, suggestions): one executemany per table, each JSON value encoded once.

On PostgreSQL this is SQLAlchemy's executemany, which psycopg 3 receives as multi-row ``INSERT ... VALUES``
statements (SQLAlchemy's "insertmanyvalues", 1,000 rows a statement): one round trip per thousand rows. On
SQLite, SQLAlchemy's per-row bind processing costs more than SQLite's own work, so the INSERT that SQLAlchemy
compiles for the table is handed to the driver's ``executemany`` with the rows as tuples. The values written are
the same either way: JSON columns hold ``json.dumps`` of the value (``null`` for None, as SQLAlchemy's ``JSON``
type writes it), booleans 0/1.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Table, insert
from sqlalchemy.exc import SQLAlchemyError

BULK_CACHE_KIB = 262_144  # SQLite page cache while a bulk write runs: 256 MB


@contextmanager
def bulk_cache(connection: Connection, kib: int = BULK_CACHE_KIB) -> Iterator[None]:
    """A larger SQLite page cache for the connection while a bulk write runs, then the old size again.

    A million-span import updates eight B-trees per span (rows, ids, positions, events): with SQLite's default
    2 MB cache their pages are read back from the OS over and over (measured: 36 s of system time of 169 s;
    with 256 MB, 11 s of 122 s, peak RSS 374 MB). Pages are allocated only as they are used, so a small import
    costs nothing more. PostgreSQL manages its own buffers: nothing to do there."""
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        try:
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")
            connection.exec_driver_sql("PRAGMA shrink_memory")
        except SQLAlchemyError:  # the transaction failed: the connection is discarded or reset anyway
            pass


def insert_many(connection: Connection, *batches: tuple[Table, Sequence[dict[str, Any]]]) -> None:
    """Insert each batch's rows (dicts with the same keys) into its table, in order. A JSON value shared by
    several rows or tables (a record and its event's ``after``) is encoded once."""
    if connection.dialect.name != "sqlite":
        for table, rows in batches:
            if rows:
                connection.execute(insert(table), list(rows))
        return
    dumps: Callable[[Any], str] = getattr(connection.dialect, "_json_serializer", None) or json.dumps
    encoded: dict[int, str] = {}  # id(value) -> its JSON; the values live until the batches are written

    def encode(value: Any) -> str:
        key = id(value)
        text = encoded.get(key)
        if text is None:
            text = encoded[key] = dumps(value)
        return text

    for table, rows in batches:
        if not rows:
            continue
        compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(rows[0]))
        order = list(compiled.positiontup or [])
        json_columns = {column.name for column in table.columns if isinstance(column.type, JSON)}
        json_positions = [position for position, name in enumerate(order) if name in json_columns]
        values = itemgetter(*order)
        params = []
        for row in rows:
            one = list(values(row)) if len(order) > 1 else [values(row)]
            for position in json_positions:
                one[position] = encode(one[position])
            params.append(tuple(one))
        connection.exec_driver_sql(str(compiled), params)
