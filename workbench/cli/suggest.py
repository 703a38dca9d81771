"""``newsspan suggest``: compute suggestions for every document of a release and save them into the store.

Suggestions are kept apart from human work (the store's ``suggestion`` layer, with ``suggested_by``); the
workbench shows them as dashed outlines to accept or reject. The release's documents are read a batch at a time
(a corpus never sits in memory whole); documents the store has not loaded yet are loaded first; each batch's
suggestions are written in one transaction (``Store.store_suggestions``). A document already suggested under the
current suggesters, registry and label set, on its current text, is skipped, so running the command again is
quick and adds nothing; after the registry or the suggesters change, the documents are suggested again and only
suggestions not stored yet (same document, offsets, label and suggester) are added. ``--redo`` suggests every
document again. A bar on stderr shows documents done, rate and time left.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corpus.cli_support import console
from corpus.errors import NewsspanError
from workbench.cli.context import admin_store

if TYPE_CHECKING:
    from corpus.release import Release

BATCH_DOCUMENTS = 100  # documents read, suggested and written together


def _document_files(release: Release) -> list[Path]:
    files = sorted((release.path / "data" / "documents").glob("*.parquet"))
    if not files:
        raise NewsspanError(f"release v{release.version} has no config 'documents'", where=str(release.path))
    return files


def _documents(release: Release, batch_size: int) -> Iterator[list[dict[str, Any]]]:
    """The release's document records (as ``Release.documents`` gives them), ``batch_size`` at a time."""
    import pyarrow.parquet as pq

    for file in _document_files(release):
        for batch in pq.ParquetFile(file).iter_batches(batch_size=batch_size):
            rows = batch.to_pylist()
            for row in rows:
                row["metadata"] = json.loads(row.pop("metadata_json", None) or "{}")
            yield rows


def _count(release: Release) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(file).metadata.num_rows for file in _document_files(release))


def suggest_command(
    release: Annotated[
        str | None, typer.Option("--release", help="Release version (default: the latest release).")
    ] = None,
    redo: Annotated[
        bool,
        typer.Option("--redo", help="Suggest again for documents already suggested (adds only new ones)."),
    ] = False,
) -> None:
    """Propose number and actor spans for every document of a release and store them as suggestions."""
    from rich.table import Table

    from corpus.release import open_release
    from corpus.scheme import default_labelset, default_registry
    from corpus.suggest import SUGGESTERS, fingerprint, suggest
    from workbench.cli.progress import progress_bar

    opened = open_release(release)
    total = _count(opened)
    store, admin = admin_store()
    registry, labelset = default_registry(), default_labelset()
    current = fingerprint(registry=registry, labelset=labelset)
    added: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    skipped = done = 0
    with progress_bar(f"suggesting v{opened.version}", "docs", total) as update:
        for batch in _documents(opened, BATCH_DOCUMENTS):
            stored = store.stored_documents(admin, [document["doc_id"] for document in batch])
            missing = [document for document in batch if document["doc_id"] not in stored]
            if missing:
                store.load_documents(admin, missing, release=opened.version)
            already = set() if redo else store.suggested_documents(admin, batch, current)
            suggested = []
            for document in batch:
                done += 1
                if document["doc_id"] in already:
                    skipped += 1
                else:
                    suggested.append((document, suggest(document, registry=registry, labelset=labelset)))
                update(done, total)
            report = store.store_suggestions(admin, suggested, current)
            added.update(report.added)
            kept.update(report.kept)
    table = Table(title=f"Suggestions for v{opened.version} ({total} documents)")
    table.add_column("suggester")
    table.add_column("label")
    table.add_column("added", justify="right")
    table.add_column("already stored", justify="right")
    for suggester, label in SUGGESTERS.items():
        table.add_row(suggester, label, str(added[suggester]), str(kept[suggester]))
    console.print(table)
    if skipped:
        console.print(
            f"{skipped} of {total} documents were already suggested with these suggesters and registry: "
            "skipped (--redo suggests them again)"
        )


def register(app: typer.Typer) -> None:
    """Add the ``suggest`` command to the newsspan CLI."""
    app.command("suggest")(suggest_command)
