"""``newsspan export-release``: a release's spans as JSONL and token-level IOB2 files, from its Parquet files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corpus.cli_support import console
from corpus.errors import NewsspanError


def export_release_command(
    version: Annotated[str, typer.Argument(help="An annotated release, e.g. 0.2.0.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write into.")] = Path("exports"),
    config: Annotated[str, typer.Option("--config", help="gold or annotations.")] = "gold",
) -> None:
    """Write spans.jsonl (one span a line) and token-level IOB2 files per label and split for a release."""
    from corpus.formats.release_export import export_release
    from corpus.release import open_release

    if config not in ("gold", "annotations"):
        raise NewsspanError(f"unknown config {config!r}", hint="use gold or annotations")
    release = open_release(version)
    report = export_release(release.path, out / f"v{release.version}" / config, config=config)
    console.print(
        f"v{release.version} {config}: {report['spans']} spans of {report['documents']} rows -> "
        f"{len(report['files'])} files in {out / f'v{release.version}' / config}"
    )
    dropped = {label: n for label, n in report["dropped_overlaps"].items() if n}
    if dropped:
        console.print(
            "  IOB2 keeps the outer span where spans of one label overlap; dropped: "
            + ", ".join(f"{label} {n}" for label, n in dropped.items())
        )


def register(app: typer.Typer) -> None:
    app.command("export-release")(export_release_command)
