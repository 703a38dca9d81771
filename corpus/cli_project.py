"""``newsspan init``: start a project, optionally with another label set than the news default."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from corpus.cli_support import console
from corpus.errors import NewsspanError
from corpus.paths import data_dir, project_home, project_labelset_file


def _install(source: Path, target: Path, force: bool) -> None:
    """Copy a label set file into the project, refusing to replace a different one without ``force``."""
    if target.exists() and not force and target.read_bytes() != source.read_bytes():
        raise NewsspanError(
            "this project already has its own label set",
            where=str(target),
            hint="pass --force to replace it (spans with labels it lacks will no longer validate)",
        )
    shutil.copyfile(source, target)


def _labelset_from(file: Path, fmt: str | None, target: Path, force: bool) -> None:
    """Build a label set from the labels ``file`` uses, check it, and install it."""
    import json
    import tempfile

    from corpus.formats.annotation_files import labels_in_file
    from corpus.scheme import load_labelset
    from corpus.scheme.labelset_build import labelset_from_labels

    counts = labels_in_file(file, fmt)
    if not counts:
        raise NewsspanError(f"no labelled spans in {file}", hint="check the file and its --format")
    data = labelset_from_labels(counts, source=file.name)
    with tempfile.TemporaryDirectory() as folder:
        built = Path(folder) / "labelset.json"
        built.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        try:
            loaded = load_labelset(built)
        except NewsspanError as error:
            place = (error.where or "").partition(": ")[2]  # the JSON path, e.g. labels[3].name
            raise NewsspanError(
                f"the labels of {file} do not make a label set: {place + ': ' if place else ''}{error.what}",
                hint="rename them on import with --label-map, or write the label set by hand",
            ) from None
        _install(built, target, force)
    keys = ", ".join(f"{label.name} ({'/'.join(label.hotkeys) or 'no key'})" for label in loaded.labels)
    console.print(
        f"project {project_home()}: label set of {len(loaded.names)} labels from {file}: {keys}",
        highlight=False,
        soft_wrap=True,
    )


def init(
    labelset: Annotated[
        Path | None,
        typer.Option(help="A label set file (validated against schema/labelset.meta.schema.json)."),
    ] = None,
    labelset_from: Annotated[
        Path | None,
        typer.Option(
            "--labelset-from",
            help="Build the label set from the labels an annotation file uses (JSONL, Label Studio JSON, "
            "brat .ann file or folder), keeping their names; hotkeys are assigned.",
        ),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="Format of --labelset-from: jsonl, labelstudio or brat.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace the project's existing label set.")] = False,
) -> None:
    """Create the project folders; with --labelset (or --labelset-from), the project uses that label set
    everywhere."""
    from corpus.scheme import load_labelset

    if labelset is not None and labelset_from is not None:
        raise NewsspanError("give --labelset or --labelset-from, not both")
    data_dir().mkdir(parents=True, exist_ok=True)
    target = project_labelset_file()
    if labelset_from is not None:
        _labelset_from(labelset_from, fmt, target, force)
    elif labelset is not None:
        loaded = load_labelset(labelset)  # refuses an invalid file with its path and the JSON path
        _install(labelset, target, force)
        console.print(
            f"project {project_home()}: label set '{loaded.title}' ({', '.join(loaded.names)})",
            highlight=False,
            soft_wrap=True,
        )
    else:
        console.print(f"project {project_home()}: default news label set", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
