"""Shared CLI plumbing: one console, user errors printed as one line with exit code 1."""

from __future__ import annotations

import sys

import click
import typer
from rich.console import Console

from corpus.errors import NewsspanError

console = Console()
err_console = Console(stderr=True)


def fail(error: NewsspanError) -> None:
    """Print a user error as one line on stderr and exit 1."""
    err_console.print(f"[bold red]error:[/] {error.message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def run_cli(app: typer.Typer) -> None:
    """Run the app, turning NewsspanError anywhere below into a clear message instead of a traceback."""
    try:
        code = app(standalone_mode=False)  # click returns the exit code of typer.Exit in this mode
        sys.exit(code if isinstance(code, int) else 0)
    except NewsspanError as error:
        err_console.print(f"[bold red]error:[/] {error.message}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:  # usage errors: typer's own one-line message
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        err_console.print("aborted")
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
