"""``newsspan suggest``: compute suggestions for every document of a release and save them into the store.

Suggestions are kept apart from human work (the store's ``suggestion`` layer, with ``suggested_by``); the
workbench shows them as dashed outlines to accept or reject. The rule (batches, skipping documents
already suggested, ``--redo``) is :func:`workbench.suggest_run.run_suggestions`, which the admin's background
jobs call too. A bar on stderr shows documents done, rate and time left.
"""

from __future__ import annotations

from typing import Annotated

import typer

from corpus.cli_support import console
from workbench.cli.context import admin_store


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

    from corpus.suggest import SUGGESTERS
    from workbench.cli.progress import progress_bar
    from workbench.suggest_run import run_suggestions

    store, admin = admin_store()
    with progress_bar(f"suggesting {release or 'latest'}", "docs", None) as update:
        run = run_suggestions(store, admin, release=release, redo=redo, progress=update)
    total, skipped, added, kept = run.total, run.skipped, run.added, run.kept
    table = Table(title=f"Suggestions for v{run.version} ({total} documents)")
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
