"""Shared CLI plumbing: one console, user errors printed as one line with exit code 1.

The consoles interpret no markup: what commands print quotes user text, label names and regular expressions
(``[a-z][a-z0-9_]``, ``[PER]``) that rich would take for style tags and eat. Style a part of a line with
:func:`styled` (``styled(("error:", "bold red"), " ", message)``); strings in tables print as they are.
"""

from __future__ import annotations

import sys
from functools import cached_property
from typing import TYPE_CHECKING, Any

import typer

from corpus.errors import NewsspanError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


class _LazyConsole:
    """A rich Console made on first use: importing rich's console costs ~30 ms that ``newsspan --help`` and
    commands that print nothing should not pay (bench/cli_start.py)."""

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr

    @cached_property
    def _console(self) -> Console:
        from rich.console import Console

        return Console(stderr=self._stderr, emoji=False, markup=False)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._console, name)

    # rich's Progress/Live use the console as a context manager; dunders bypass __getattr__
    def __enter__(self) -> Console:
        return self._console.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._console.__exit__(*exc)


console: Console = _LazyConsole()  # type: ignore[assignment]
err_console: Console = _LazyConsole(stderr=True)  # type: ignore[assignment]


def styled(*parts: str | tuple[str, str]) -> Text:
    """One printable line of literal text, some parts with a style: ``styled(("skipped", "yellow"), " ", msg)``."""
    from rich.text import Text

    return Text.assemble(*parts)


def command_group(**options: Any) -> typer.Typer:
    """A typer app or sub-command group as every newsspan command has it.

    Help is click's plain help, not typer's rich panels: rendering those imports rich's Markdown parser
    (~85 ms, most of ``newsspan --help``; see bench/cli_start.py), and rich markup in help would eat
    bracketed text such as the regular expressions our help and messages quote.
    """
    options.setdefault("no_args_is_help", True)
    return typer.Typer(rich_markup_mode=None, add_completion=False, pretty_exceptions_enable=False, **options)


def run_cli(app: typer.Typer) -> None:
    """Run the app; a NewsspanError anywhere below becomes one clear line and exit code 1, not a traceback.

    Typer's standalone mode already turns usage mistakes (a missing argument, an unknown option) into its own
    short message with exit code 2.
    """
    try:
        app()
    except NewsspanError as error:
        # the message quotes user text and patterns: printed literally, never as console markup
        err_console.print(styled(("error:", "bold red"), " ", error.message), highlight=False, soft_wrap=True)
        sys.exit(1)
