"""Suggesting for a whole release: the one rule behind ``newsspan suggest`` and the admin's background jobs.

The release's documents are read a batch at a time (a corpus never sits in memory whole); documents the store
has not loaded yet are loaded first; each batch's suggestions are written in one transaction
(``Store.store_suggestions``). A document already suggested under the current suggesters, registry and label
set, on its current text, is skipped, so running again is quick and adds nothing; after the registry or the
suggesters change, the documents are suggested again and only suggestions not stored yet (same document,
offsets, label and suggester) are added. ``redo`` suggests every document again.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.errors import NewsspanError

if TYPE_CHECKING:
    from corpus.release import Release
    from workbench.store import Store
    from workbench.store.base import User

BATCH_DOCUMENTS = 100  # documents read, suggested and written together

Progress = Callable[[int, int], None]
"""Called with (documents done, documents in all) after every document."""


@dataclass
class SuggestRun:
    """What a run did: the release, documents seen and skipped, suggestions added and already stored, per
    suggester."""

    version: str
    total: int = 0
    skipped: int = 0
    added: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)


def _document_files(release: Release) -> list[Path]:
    files = sorted((release.path / "data" / "documents").glob("*.parquet"))
    if not files:
        raise NewsspanError(f"release v{release.version} has no config 'documents'", where=str(release.path))
    return files


def release_documents(release: Release, batch_size: int = BATCH_DOCUMENTS) -> Iterator[list[dict[str, Any]]]:
    """The release's document records (as ``Release.documents`` gives them), ``batch_size`` at a time."""
    import pyarrow.parquet as pq

    for file in _document_files(release):
        for batch in pq.ParquetFile(file).iter_batches(batch_size=batch_size):
            rows = batch.to_pylist()
            for row in rows:
                row["metadata"] = json.loads(row.pop("metadata_json", None) or "{}")
            yield rows


def count_documents(release: Release) -> int:
    """How many documents the release holds (read from the Parquet footers, not the rows)."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(file).metadata.num_rows for file in _document_files(release))


def run_suggestions(
    store: Store,
    user: User,
    *,
    release: str | None = None,
    redo: bool = False,
    progress: Progress | None = None,
) -> SuggestRun:
    """Suggest for every document of ``release`` (default: the latest) and store the suggestions (admins)."""
    from corpus.release import open_release
    from corpus.scheme import default_labelset, default_registry
    from corpus.suggest import fingerprint, suggest

    opened = open_release(release)
    run = SuggestRun(version=opened.version, total=count_documents(opened))
    registry, labelset = default_registry(), default_labelset()
    current = fingerprint(registry=registry, labelset=labelset)
    done = 0
    for batch in release_documents(opened):
        stored = store.stored_documents(user, [document["doc_id"] for document in batch])
        missing = [document for document in batch if document["doc_id"] not in stored]
        if missing:
            store.load_documents(user, missing, release=opened.version)
        already = set() if redo else store.suggested_documents(user, batch, current)
        suggested = []
        for document in batch:
            done += 1
            if document["doc_id"] in already:
                run.skipped += 1
            else:
                suggested.append((document, suggest(document, registry=registry, labelset=labelset)))
            if progress is not None:
                progress(done, run.total)
        report = store.store_suggestions(user, suggested, current)
        run.added.update(report.added)
        run.kept.update(report.kept)
    return run
