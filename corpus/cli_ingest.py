"""``newsspan ingest``: articles in, documents out, with a summary of what was skipped and why."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from corpus.cli_support import console, err_console, styled
from corpus.paths import corpus_file

if TYPE_CHECKING:
    from corpus.ingest import IngestReport


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help=".txt files, directories of them, .jsonl or .csv files.")
    ],
    clean: Annotated[
        bool,
        typer.Option("--clean/--no-clean", help="Remove web boilerplate lines (recorded as provenance)."),
    ] = True,
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks",
            help="Read the files symbolic links point to (refused by default). FIFOs and devices are never read.",
        ),
    ] = False,
) -> None:
    """Ingest news articles into the project's corpus (data/corpus/documents.jsonl)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    from corpus.ingest import ingest_paths

    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("reading articles", total=None)
        report = ingest_paths(
            paths, clean=clean, on_item=lambda where: progress.advance(task), follow_symlinks=follow_symlinks
        )
    _print_report(report)
    if not report.ingested and not report.duplicates:
        raise typer.Exit(1)


def _print_report(report: IngestReport) -> None:
    from rich.table import Table

    for problem in report.problems:
        err_console.print(
            styled(("skipped", "yellow"), f" {problem.message}"), highlight=False, soft_wrap=True
        )
    for where, doc_id in report.duplicates:
        console.print(
            styled(("duplicate", "dim"), f" {where}: same text as document {doc_id}, stored once"),
            highlight=False,
        )
    table = Table(title=f"Ingest into {corpus_file()}", show_lines=False)
    table.add_column("outcome")
    table.add_column("count", justify="right")
    table.add_row("ingested", str(len(report.ingested)))
    table.add_row("duplicates", str(len(report.duplicates)))
    for reason, count in sorted(report.skipped_by_reason().items()):
        table.add_row(f"skipped: {reason}", str(count))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
