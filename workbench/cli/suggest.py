"""``newsspan suggest``: compute suggestions for every document of a release and save them into the store.

Suggestions are kept apart from human work (the store's ``suggestion`` layer, with ``suggested_by``); the
workbench shows them as dashed outlines to accept or reject. The rule (recommenders, batches, skipping
documents already suggested, ``--redo``) is :func:`workbench.suggest_run.run_suggestions`, which the admin's
background jobs call too. A bar on stderr shows documents done, rate and time left.
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
    recommender: Annotated[
        list[str] | None,
        typer.Option(
            "--recommender",
            help="Run only this recommender (repeatable): rules (numbers and actors), propagation (what the "
            "team labelled, wherever else it occurs). Default: all.",
        ),
    ] = None,
) -> None:
    """Propose spans for every document of a release (number and actor rules, the team's labels propagated)
    and store them as suggestions."""
    from rich.table import Table

    from workbench.cli.progress import progress_bar
    from workbench.suggest_run import recommenders_named, run_suggestions

    names = recommenders_named(recommender)  # an unknown name fails before the store is opened
    store, admin = admin_store()
    with progress_bar(f"suggesting {release or 'latest'}", "docs", None) as update:
        run = run_suggestions(store, admin, release=release, redo=redo, progress=update, recommenders=names)
    table = Table(title=f"Suggestions for v{run.version} ({run.total} documents)")
    for column in ("recommender", "suggested by", "added", "already stored", "documents up to date"):
        table.add_column(column, justify="left" if column in ("recommender", "suggested by") else "right")
    for name, suggested_by in run.recommenders.items():
        for by in suggested_by:
            table.add_row(name, by, str(run.added[by]), str(run.kept[by]), str(run.skipped_by[name]))
    console.print(table)
    if run.skipped:
        console.print(
            f"{run.skipped} of {run.total} documents were already suggested by these recommenders as they are "
            "now: skipped (--redo suggests them again)"
        )


def register(app: typer.Typer) -> None:
    """Add the ``suggest`` command to the newsspan CLI."""
    app.command("suggest")(suggest_command)
