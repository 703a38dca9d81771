"""``newsspan release``: build, verify and list immutable dataset releases."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from corpus.cli_support import console, err_console
from corpus.corpus_file import read_documents
from corpus.document_release import build_documents_release
from corpus.release import latest_version, list_versions, open_release, verify_release
from corpus.semver import parse_version

release_app = typer.Typer(
    help="Build, verify, list and push versioned dataset releases.", no_args_is_help=True
)


@release_app.command("build")
def build(
    version: Annotated[str, typer.Argument(help="Semantic version of the new release, e.g. 0.1.0.")],
    annotations: Annotated[
        bool,
        typer.Option(
            "--annotations",
            help="Also release the annotation store's gold spans and every annotator's spans (configs gold, "
            "annotations), split train/validation/test by story.",
        ),
    ] = False,
    ratios: Annotated[
        str, typer.Option("--ratios", help="train,validation,test split ratios (with --annotations).")
    ] = "0.8,0.1,0.1",
) -> None:
    """Build releases/vVERSION from the corpus (atomic; an existing version is never overwritten)."""
    version = parse_version(version)
    if annotations:
        from corpus.annotated_release import build_annotated_release, parse_ratios

        with err_console.status(f"building v{version} with annotations"):
            path = build_annotated_release(version, ratios=parse_ratios(ratios))
        manifest = open_release(version).manifest
        configs = ", ".join(
            f"{name} ({', '.join(f'{split} {rows}' for split, rows in splits.items()) or 'empty'})"
            for name, splits in manifest["configs"].items()
        )
        console.print(f"built [bold]v{version}[/] at {path}: {configs}")
        return
    total = sum(1 for _ in read_documents())
    with Progress(
        TextColumn("building v" + version),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("rows", total=total or None)
        path = build_documents_release(version, on_rows=lambda n: progress.advance(task, n))
    release = open_release(version)
    console.print(f"built [bold]v{version}[/] at {path} ({release.manifest['documents']} documents)")


@release_app.command("verify")
def verify(version: Annotated[str, typer.Argument(help="The release to check, e.g. 0.1.0.")]) -> None:
    """Re-hash every file of a release against its MANIFEST.json."""
    problems = verify_release(version)
    if problems:
        for problem in problems:
            err_console.print(f"[red]mismatch[/] v{parse_version(version)}/{problem}", highlight=False)
        err_console.print(
            f"[bold red]error:[/] release v{parse_version(version)} fails verification "
            "— do not use it; rebuild it under a new version from the corpus"
        )
        raise typer.Exit(1)
    files = len(open_release(version).manifest["files"])
    console.print(f"v{parse_version(version)}: all {files} files match the manifest")


@release_app.command("list")
def list_releases() -> None:
    """List published releases; LATEST is marked."""
    latest = latest_version()
    table = Table("version", "documents", "created", "latest")
    for version in list_versions():
        manifest = open_release(version).manifest
        table.add_row(
            version,
            str(manifest.get("documents", "")),
            manifest["created_at"],
            "*" if version == latest else "",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(release_app, name="release")
