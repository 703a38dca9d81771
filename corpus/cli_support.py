"""Shared CLI plumbing: one console, user errors printed as one line with exit code 1."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from corpus.errors import NewsspanError

console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)


def run_cli(app: typer.Typer) -> None:
    """Run the app; a NewsspanError anywhere below becomes one clear line and exit code 1, not a traceback.

    Typer's standalone mode already turns usage mistakes (a missing argument, an unknown option) into its own
    short message with exit code 2.
    """
    try:
        app()
    except NewsspanError as error:
        err_console.print(f"[bold red]error:[/] {error.message}", highlight=False, soft_wrap=True)
        sys.exit(1)
