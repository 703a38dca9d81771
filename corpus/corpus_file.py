"""The ingested corpus on disk: ``data/corpus/documents.jsonl``, one document record a line, append-only.

Appends are one write per ingest run followed by fsync; a run killed mid-write can leave at most one unterminated
last line, which readers skip with a warning instead of failing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from corpus.errors import NewsspanError
from corpus.jsonl import iter_jsonl
from corpus.paths import corpus_file


def read_documents(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """Every document of the corpus, in ingest order."""
    path = path or corpus_file()
    if not path.exists():
        return
    # an interrupted append leaves one unterminated last line; everything before it is intact
    for line in iter_jsonl(path, complete_lines_only=True):
        if line.value is None:
            raise NewsspanError(
                f"corpus file is corrupt ({line.reason})",
                where=line.where,
                hint="restore it from a backup or re-ingest the articles into a fresh project",
            )
        yield line.value


def append_documents(documents: Iterable[dict[str, Any]], path: Path | None = None) -> int:
    """Append documents in one write and fsync; returns how many were written."""
    path = path or corpus_file()
    payload = b"".join(
        json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
        for document in documents
    )
    if not payload:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    return payload.count(b"\n")


def source_index(path: Path | None = None) -> dict[str, str]:
    """``source_id`` -> ``doc_id`` of every document of the corpus (a source id given twice: the later one),
    to find the document an annotation file names by its source id."""
    return {
        document["source_id"]: document["doc_id"]
        for document in read_documents(path)
        if isinstance(document.get("source_id"), str)
    }
