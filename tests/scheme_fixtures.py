"""Helpers for building documents and annotation records in tests (scheme area).

Plain functions, not fixtures: import them. ``make_record`` finds a span by its text, so tests never hard-code
offsets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corpus.scheme import SCHEMA_VERSION
from corpus.text import sha256_text

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def make_document(text: str, source_id: str = "doc") -> dict[str, Any]:
    """A document record (docs/contracts.md) whose cleaned text is ``text``."""
    sha = sha256_text(text)
    return {
        "doc_id": sha[:16],
        "source_id": source_id,
        "text": text,
        "text_sha256": sha,
        "raw_text": text,
        "removed": [],
        "title": None,
        "source": None,
        "published": None,
        "url": None,
        "story_id": None,
        "language": "en",
        "metadata": {},
    }


def seed_document(prefix: str) -> dict[str, Any]:
    """The seed whose file name starts with ``prefix`` (e.g. "000"), as a document record."""
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return make_document(path.read_text(encoding="utf-8"), source_id=path.stem)


def make_record(
    document: dict[str, Any],
    span: str,
    label: str,
    attributes: dict[str, Any] | None = None,
    *,
    occurrence: int = 0,
    after: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A valid-looking record for the ``occurrence``-th match of ``span`` (optionally after the text ``after``)."""
    text = document["text"]
    start = text.index(after) if after else 0
    start = text.index(span, start)
    for _ in range(occurrence):
        start = text.index(span, start + 1)
    record = {
        "doc_id": document["doc_id"],
        "text_sha256": document["text_sha256"],
        "start": start,
        "end": start + len(span),
        "span_text": span,
        "label": label,
        "attributes": attributes or {},
        "annotator": "alice",
        "created_at": "2025-05-08T09:30:00Z",
        "schema_version": SCHEMA_VERSION,
    }
    record.update(fields)
    return record
