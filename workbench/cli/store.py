"""``newsspan user|assign|import|export|store|progress``: the annotation store from the command line."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from corpus.cli_support import command_group, console, err_console
from corpus.errors import NewsspanError
from workbench.cli.context import admin_store

user_app = command_group(help="Accounts of the annotation store.", no_args_is_help=True)
store_app = command_group(help="The annotation store's documents.", no_args_is_help=True)


def read_password(confirm: bool = True) -> str:
    """From the terminal (typed twice, not echoed) or the first line of stdin when it is not a terminal."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Repeat password: ") != password:
        raise NewsspanError("the two passwords differ", hint="run the command again")
    return password


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ @ -).")],
    role: Annotated[str, typer.Option("--role", help="annotator, reviewer or admin.")] = "annotator",
) -> None:
    """Add an account; the password is asked for (or read from stdin), never given as an argument."""
    store, admin = admin_store()
    user = store.create_user(admin, name, role, read_password())
    console.print(f"added {user.role} [bold]{user.name}[/]")


@user_app.command("list")
def user_list() -> None:
    """List accounts with their role."""
    from rich.table import Table

    store, admin = admin_store()
    table = Table("name", "role", "active", "created")
    for row in store.list_users(admin):
        table.add_row(row["name"], row["role"], "yes" if row["active"] else "no", row["created_at"])
    console.print(table)


def assign(
    overlap: Annotated[int, typer.Option("--overlap", help="Annotators per document.")] = 1,
    release: Annotated[
        str | None, typer.Option("--release", help="Release version (default: latest).")
    ] = None,
) -> None:
    """Assign every document of a release to N annotators, balanced and deterministic (loads the release)."""
    from corpus.release import open_release

    store, admin = admin_store()
    opened = open_release(release)
    report = store.load_documents(admin, opened.documents(), release=opened.version)
    doc_ids = sorted(report.added + report.unchanged + report.changed)
    result = store.assign(admin, overlap, doc_ids=doc_ids)
    console.print(
        f"v{opened.version}: {result.documents} documents, {len(result.created)} new assignments "
        f"(overlap {overlap}); per annotator: "
        + ", ".join(f"{name} {count}" for name, count in result.load.items())
    )


def import_annotations(
    file: Annotated[Path, typer.Argument(help="JSONL, Label Studio JSON, brat .ann file or folder.")],
    annotator: Annotated[str, typer.Option("--annotator", help="Whose records these are.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="jsonl, labelstudio or brat (default: by suffix).")
    ] = None,
    partial: Annotated[
        bool, typer.Option("--partial", help="Import the good records of a file with bad ones.")
    ] = False,
    layer: Annotated[str, typer.Option("--layer", help="annotation, or gold (adjudicated).")] = "annotation",
) -> None:
    """Import annotation records; every record is checked, errors are listed per record with file and line."""
    from workbench.store.errors import ImportFailed

    store, admin = admin_store()
    try:
        report = store.import_file(admin, file, annotator=annotator, fmt=fmt, partial=partial, layer=layer)
    except ImportFailed as failure:
        for error in failure.errors:
            err_console.print(f"[red]bad record[/] {error}", highlight=False, soft_wrap=True)
        err_console.print(
            f"[bold red]error:[/] {len(failure.errors)} bad record(s) in {file}; nothing imported "
            "— fix them, or pass --partial to import the good ones",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    for error in report.errors:
        err_console.print(f"[yellow]skipped[/] {error}", highlight=False, soft_wrap=True)
    console.print(
        f"imported {report.imported} record(s) for {annotator}"
        + (f", {report.unchanged} already there" if report.unchanged else "")
        + (f", skipped {len(report.errors)} bad record(s)" if report.errors else "")
    )


def export_annotations(
    out: Annotated[Path, typer.Argument(help="Output file.")],
    fmt: Annotated[str, typer.Option("--format", help="jsonl or labelstudio.")] = "jsonl",
    layer: Annotated[str, typer.Option("--layer", help="annotation or gold.")] = "annotation",
) -> None:
    """Export the current records of a layer as JSONL (the scheme's format) or Label Studio JSON."""
    store, admin = admin_store()
    count = store.export_file(admin, out, fmt, layer)
    console.print(f"wrote {count} record(s) to {out}")


@store_app.command("load-release")
def load_release(
    version: Annotated[str | None, typer.Argument(help="Release version (default: latest).")] = None,
) -> None:
    """Load a release's documents; spans of changed texts are re-anchored or flagged, never dropped."""
    store, admin = admin_store()
    report = store.load_release(admin, version)
    console.print(
        f"v{report.release}: {len(report.added)} added, {len(report.unchanged)} unchanged, "
        f"{len(report.changed)} with new text ({len(report.reanchored)} spans re-anchored, "
        f"{len(report.flagged)} flagged for review)"
    )


def progress(
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
) -> None:
    """Progress per annotator and per document: not started / in progress / done."""
    from rich.table import Table

    from workbench.store import summarize_progress

    store, _ = admin_store()
    rows = store.progress()
    summary = summarize_progress(rows)
    if as_json:
        print(json.dumps({"assignments": rows, **summary}, indent=1, default=dict))
        return
    for title, groups in (("annotator", summary["annotators"]), ("document", summary["documents"])):
        table = Table(title, "not started", "in progress", "done")
        for key, counts in groups.items():
            table.add_row(key, *(str(counts[s]) for s in ("not_started", "in_progress", "done")))
        console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(store_app, name="store")
    app.command("assign")(assign)
    app.command("import")(import_annotations)
    app.command("export")(export_annotations)
    app.command("progress")(progress)
