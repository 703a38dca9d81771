"""``newsspan release``: build, verify and list immutable dataset releases.

``release build --annotations`` releases the annotations of an :class:`~corpus.annotated_release.AnnotationSource`
that the application hands to :func:`register` (the command line passes the annotation store's adapter); the
library itself never opens the store. Heavy libraries (``datasets``, pyarrow) are imported by the commands that
use them, so ``newsspan --help`` starts fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from corpus.cli_support import command_group, console, err_console
from corpus.errors import NewsspanError
from corpus.semver import parse_version

if TYPE_CHECKING:
    from corpus.annotated_release import AnnotationSource

OpenAnnotationSource = Callable[[], "AnnotationSource"]


def _build_annotated(version: str, ratios: str, open_source: OpenAnnotationSource | None) -> None:
    from corpus.annotated_release import build_annotated_release, parse_ratios
    from corpus.release import open_release

    if open_source is None:
        raise NewsspanError("this command line has no annotation store to release annotations from")
    parsed = parse_ratios(ratios)
    with err_console.status(f"building v{version} with annotations"):
        path = build_annotated_release(version, open_source(), ratios=parsed)
    manifest = open_release(version).manifest
    configs = ", ".join(
        f"{name} ({', '.join(f'{split} {rows}' for split, rows in splits.items()) or 'empty'})"
        for name, splits in manifest["configs"].items()
    )
    console.print(f"built [bold]v{version}[/] at {path}: {configs}")


def _build_documents(version: str) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from corpus.corpus_file import read_documents
    from corpus.document_release import build_documents_release
    from corpus.release import open_release

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


def build_command(open_source: OpenAnnotationSource | None = None) -> Callable[..., None]:
    """The ``release build`` command; ``open_source`` gives the annotations for ``--annotations``."""

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
            _build_annotated(version, ratios, open_source)
        else:
            _build_documents(version)

    return build


def verify(version: Annotated[str, typer.Argument(help="The release to check, e.g. 0.1.0.")]) -> None:
    """Re-hash every file of a release against its MANIFEST.json."""
    from corpus.release import open_release, verify_release

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


def list_releases() -> None:
    """List published releases; LATEST is marked."""
    from rich.table import Table

    from corpus.release import latest_version, list_versions, open_release

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


def register(app: typer.Typer, open_source: OpenAnnotationSource | None = None) -> typer.Typer:
    """Add the ``release`` group (build, verify, list); returns it, for ``release push`` (corpus.cli_hub)."""
    release_app = command_group(
        help="Build, verify, list and push versioned dataset releases.", no_args_is_help=True
    )
    release_app.command("build")(build_command(open_source))
    release_app.command("verify")(verify)
    release_app.command("list")(list_releases)
    app.add_typer(release_app, name="release")
    return release_app
