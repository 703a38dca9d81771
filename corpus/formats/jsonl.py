"""Annotation records as JSON Lines, the scheme's own record format: one record a line, in and out.

A record may name its document by ``source_id`` instead of ``doc_id`` (hand-written files); the reader moves it
to the item so the store can look the document up.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from corpus.formats.items import Item, bad_item
from corpus.jsonl import iter_jsonl


def read_records(path: Path) -> list[Item]:
    """One item per non-blank line; a line that is not a JSON object becomes an item with its problem."""
    items = []
    for line in iter_jsonl(path):
        record = line.value
        if record is None:
            items.append(bad_item(line.where, line.reason or "bad line"))
            continue
        source_id = record.pop("source_id", None) if "doc_id" not in record else None
        items.append(Item(line.where, record, source_id=source_id))
    return items


def write_records(records: Iterable[dict[str, Any]]) -> str:
    """The records as JSONL text (UTF-8 characters kept as they are)."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
