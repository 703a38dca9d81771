"""``newsspan suggest``: compute suggestions for every document of a release and save them into the store.

Suggestions are kept apart from human work (the store's ``suggestion`` layer, with ``suggested_by``); the
workbench shows them as dashed outlines to accept or reject. Running the command again adds only suggestions
that are not stored yet (same document, offsets, label and suggester), so it is safe to repeat after the
registry or the suggesters change. Documents of the release that the store has not loaded yet are loaded first.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corpus.cli_support import console, err_console
from workbench.cli.context import admin_store

if TYPE_CHECKING:
    from workbench.store import Store, User


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    return record["doc_id"], record["start"], record["end"], record["label"], record.get("suggested_by")


def _stored_ids(store: Store, admin: User, documents: list[dict[str, Any]]) -> set[str]:
    """doc_ids of ``documents`` that the store already holds."""
    from workbench.store.errors import NotFound

    out = set()
    for document in documents:
        try:
            store.document(admin, document["doc_id"])
        except NotFound:
            continue
        out.add(document["doc_id"])
    return out


def _save_new(
    store: Store, admin: User, documents: list[dict[str, Any]], existing: set[tuple[Any, ...]]
) -> tuple[Counter[str], Counter[str]]:
    """Suggest for each document and save what is not stored yet: (added, already stored) per suggester."""
    from corpus.suggest import suggest

    added: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for document in documents:
        by_suggester: dict[str, list[dict[str, Any]]] = {}
        for record in suggest(document):
            if _key(record) in existing:
                kept[record["suggested_by"]] += 1
                continue
            by_suggester.setdefault(record["suggested_by"], []).append(record)
        for suggested_by, records in by_suggester.items():
            store.save_suggestions(admin, records, suggested_by)
            added[suggested_by] += len(records)
    return added, kept


def suggest_command(
    release: Annotated[
        str | None, typer.Option("--release", help="Release version (default: the latest release).")
    ] = None,
) -> None:
    """Propose number and actor spans for every document of a release and store them as suggestions."""
    from rich.table import Table

    from corpus.release import open_release
    from corpus.suggest import SUGGESTERS

    opened = open_release(release)
    documents = opened.documents()
    store, admin = admin_store()
    stored = _stored_ids(store, admin, documents)
    missing = [document for document in documents if document["doc_id"] not in stored]
    if missing:
        store.load_documents(admin, missing, release=opened.version)
    doc_ids = [document["doc_id"] for document in documents]
    existing = {_key(record) for record in store.records(admin, layer="suggestion", doc_ids=doc_ids)}
    with err_console.status(f"suggesting for {len(documents)} documents of v{opened.version}"):
        added, kept = _save_new(store, admin, documents, existing)
    table = Table(title=f"Suggestions for v{opened.version} ({len(documents)} documents)")
    table.add_column("suggester")
    table.add_column("label")
    table.add_column("added", justify="right")
    table.add_column("already stored", justify="right")
    for suggester, label in SUGGESTERS.items():
        table.add_row(suggester, label, str(added[suggester]), str(kept[suggester]))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``suggest`` command to the newsspan CLI."""
    app.command("suggest")(suggest_command)
