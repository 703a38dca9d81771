"""Annotation records as JSON Lines, the scheme's own record format: one record a line, in and out.

A record may name its document by ``source_id`` instead of ``doc_id`` (hand-written files); the reader moves it
to the item so the store can look the document up.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from corpus.formats.items import Item, bad_item
from corpus.jsonl import iter_jsonl


def iter_records(path: Path) -> Iterator[Item]:
    """One item per non-blank line, read as it goes (a million-record import stays out of memory); a line that
    is not a JSON object becomes an item with its problem."""
    for line in iter_jsonl(path):
        record = line.value
        if record is None:
            yield bad_item(line.where, line.reason or "bad line")
            continue
        source_id = record.pop("source_id", None) if "doc_id" not in record else None
        yield Item(line.where, record, source_id=source_id)


def read_records(path: Path) -> list[Item]:
    """Every item of :func:`iter_records`, as a list."""
    return list(iter_records(path))


def write_records(records: Iterable[dict[str, Any]]) -> str:
    """The records as JSONL text (UTF-8 characters kept as they are)."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
