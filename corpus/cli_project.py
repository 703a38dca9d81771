"""``newsspan init``: start a project, optionally with another label set than the news default."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from corpus.cli_support import console
from corpus.errors import NewsspanError
from corpus.paths import data_dir, project_home, project_labelset_file


def init(
    labelset: Annotated[
        Path | None,
        typer.Option(help="A label set file (validated against schema/labelset.meta.schema.json)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace the project's existing label set.")] = False,
) -> None:
    """Create the project folders; with --labelset, the project uses that label set everywhere."""
    from corpus.scheme import load_labelset

    data_dir().mkdir(parents=True, exist_ok=True)
    target = project_labelset_file()
    if labelset is not None:
        loaded = load_labelset(labelset)  # refuses an invalid file with its path and the JSON path
        if target.exists() and not force and target.read_bytes() != labelset.read_bytes():
            raise NewsspanError(
                "this project already has its own label set",
                where=str(target),
                hint="pass --force to replace it (spans with labels it lacks will no longer validate)",
            )
        shutil.copyfile(labelset, target)
        console.print(f"project {project_home()}: label set '{loaded.title}' ({', '.join(loaded.names)})")
    else:
        console.print(f"project {project_home()}: default news label set")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
