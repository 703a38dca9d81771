"""``newsspan suggest``: compute suggestions for every document of a release and save them into the store.

Suggestions are kept apart from human work (the store's ``suggestion`` layer, with ``suggested_by``); the
workbench shows them as dashed outlines to accept or reject. Running the command again adds only suggestions
that are not stored yet (same document, offsets, label and suggester), so it is safe to repeat after the
registry or the suggesters change. Documents of the release that the store has not loaded yet are loaded first.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

import typer
from rich.table import Table

from corpus.cli_support import console, err_console
from corpus.release import open_release
from corpus.suggest import SUGGESTERS, suggest


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    return record["doc_id"], record["start"], record["end"], record["label"], record.get("suggested_by")


def suggest_command(
    release: Annotated[
        str | None, typer.Option("--release", help="Release version (default: the latest release).")
    ] = None,
) -> None:
    """Propose number and actor spans for every document of a release and store them as suggestions."""
    from workbench.store import CLI_USER, open_store

    opened = open_release(release)
    documents = opened.documents()
    store = open_store()
    stored_ids = {record["doc_id"] for record in _stored_documents(store, documents)}
    missing = [document for document in documents if document["doc_id"] not in stored_ids]
    if missing:
        store.load_documents(CLI_USER, missing, release=opened.version)
    doc_ids = [document["doc_id"] for document in documents]
    existing = {_key(record) for record in store.records(CLI_USER, layer="suggestion", doc_ids=doc_ids)}
    added: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    with err_console.status(f"suggesting for {len(documents)} documents of v{opened.version}"):
        for document in documents:
            by_suggester: dict[str, list[dict[str, Any]]] = {}
            for record in suggest(document):
                if _key(record) in existing:
                    kept[record["suggested_by"]] += 1
                    continue
                by_suggester.setdefault(record["suggested_by"], []).append(record)
            for suggested_by, records in by_suggester.items():
                store.save_suggestions(CLI_USER, records, suggested_by)
                added[suggested_by] += len(records)
    table = Table(title=f"Suggestions for v{opened.version} ({len(documents)} documents)")
    table.add_column("suggester")
    table.add_column("label")
    table.add_column("added", justify="right")
    table.add_column("already stored", justify="right")
    for suggester, label in SUGGESTERS.items():
        table.add_row(suggester, label, str(added[suggester]), str(kept[suggester]))
    console.print(table)


def _stored_documents(store: Any, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Documents of ``documents`` that the store already holds (by doc_id)."""
    from workbench.store import CLI_USER
    from workbench.store.errors import NotFound

    out = []
    for document in documents:
        try:
            store.document(CLI_USER, document["doc_id"])
        except NotFound:
            continue
        out.append(document)
    return out


def register(app: typer.Typer) -> None:
    """Add the ``suggest`` command to the newsspan CLI."""
    app.command("suggest")(suggest_command)
