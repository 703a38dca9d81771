"""Progress bars of long commands (``import``, ``suggest``): on stderr, with count, rate and time left.

Imported by the commands that use them (rich's Progress is not needed by ``newsspan --help``). On a terminal the
bar redraws in place and disappears when done; when stderr is not a terminal (a pipe, a log, a test) rich draws
nothing, so output stays clean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from corpus.cli_support import err_console


def _columns(unit: str) -> list[Any]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Items per second (rich's own speed columns are for bytes)."""

        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} {unit}/s" if speed else f"- {unit}/s", style="progress.data.speed")

    return [
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TextColumn("elapsed"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    ]


@contextmanager
def progress_bar(
    description: str, unit: str, total: int | None = None
) -> Iterator[Callable[[int, int | None], None]]:
    """A bar on stderr; yields ``update(done, total)`` to call as work goes (``total`` may change or be None)."""
    from rich.progress import Progress

    with Progress(*_columns(unit), console=err_console, transient=True) as progress:
        task = progress.add_task(description, total=total)

        def update(done: int, new_total: int | None = None) -> None:
            progress.update(task, completed=done, total=new_total if new_total is not None else total)

        yield update
