"""``newsspan user|assign|import|export|store|progress``: the annotation store from the command line."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from corpus.cli_support import command_group, console, err_console, styled
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
    console.print(styled(f"added {user.role} ", (user.name, "bold")))


@user_app.command("passwd")
def user_passwd(name: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Set an account's password (asked for, or read from stdin); the account's open sessions end."""
    store, admin = admin_store()
    store.set_password(admin, name, read_password())
    console.print(styled("password of ", (name, "bold"), " changed; its sessions ended"))


@user_app.command("role")
def user_role(
    name: Annotated[str, typer.Argument(help="The account.")],
    role: Annotated[str, typer.Argument(help="annotator, reviewer or admin.")],
) -> None:
    """Change an account's role (open sessions get it at their next interaction)."""
    store, admin = admin_store()
    user = store.set_role(admin, name, role)
    console.print(styled((user.name, "bold"), f" is now {user.role}"))


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Disable an account: it cannot log in, and its open sessions end at their next interaction."""
    store, admin = admin_store()
    store.set_active(admin, name, False)
    console.print(styled((name, "bold"), " disabled; its sessions ended"))


@user_app.command("enable")
def user_enable(name: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Enable a disabled account again."""
    store, admin = admin_store()
    store.set_active(admin, name, True)
    console.print(styled((name, "bold"), " enabled"))


def _minute(stamp: str | None) -> str:
    """A store timestamp (UTC) to the minute: ``2026-12-02 09:14``."""
    return stamp[:16].replace("T", " ") if stamp else ""


@user_app.command("list")
def user_list() -> None:
    """List accounts: role, active, demo account or not, last log-in, created."""
    from rich.table import Table

    store, admin = admin_store()
    table = Table("name", "role", "active", "demo", "last log-in (UTC)", "created (UTC)")
    for row in store.list_users(admin):
        table.add_row(
            row["name"],
            row["role"],
            "yes" if row["active"] else "no",
            "demo" if row["demo"] else "",
            _minute(row["last_login_at"]) or "never",
            _minute(row["created_at"]),
        )
    console.print(table)


def assign(
    overlap: Annotated[int, typer.Option("--overlap", help="Annotators per document.")] = 1,
    release: Annotated[
        str | None, typer.Option("--release", help="Release version (default: latest).")
    ] = None,
    annotators: Annotated[
        list[str] | None,
        typer.Option(
            "--annotator", help="Assign to this annotator (repeatable; default: every active annotator)."
        ),
    ] = None,
    doc_ids: Annotated[
        list[str] | None,
        typer.Option("--doc", help="Only this document id (repeatable), or @FILE with one id a line."),
    ] = None,
    stories: Annotated[
        list[str] | None, typer.Option("--story", help="Only the documents of this story_id (repeatable).")
    ] = None,
    fraction: Annotated[
        float | None,
        typer.Option("--fraction", help="Only this fraction of them, e.g. 0.1 (stable, whole stories)."),
    ] = None,
    by_story: Annotated[
        bool, typer.Option("--by-story", help="Keep each story's documents with the same annotators.")
    ] = False,
) -> None:
    """Assign a release's documents (all, or by --doc, --story, --fraction) to N annotators (--overlap), among
    all annotators or those named (--annotator); balanced, deterministic, adding only what is missing. Loads the
    release first."""
    from corpus.release import open_release
    from workbench.store.assignments import Selection

    store, admin = admin_store()
    opened = open_release(release)
    report = store.load_documents(admin, opened.documents(), release=opened.version)
    in_release = sorted(report.added + report.unchanged + report.changed)
    wanted = _doc_ids(doc_ids)
    if wanted is not None:
        outside = sorted(set(wanted) - set(in_release))
        if outside:
            raise NewsspanError(
                f"{len(outside)} document(s) are not in release {opened.version}, e.g. {outside[0]}",
                hint="check the ids, or pass --release",
            )
    selection = Selection(
        doc_ids=wanted if wanted is not None else in_release,
        stories=stories or None,
        fraction=fraction,
        by_story=by_story,
    )
    result = store.assign(admin, overlap, annotators=annotators or None, selection=selection)
    console.print(
        f"v{opened.version}: {result.documents} documents, {len(result.created)} new assignments "
        f"(overlap {overlap}); per annotator: "
        + ", ".join(f"{name} {count}" for name, count in result.load.items()),
        markup=False,
        highlight=False,
    )


def _doc_ids(values: list[str] | None) -> list[str] | None:
    """``--doc`` values: ids, or ``@FILE`` with one id a line."""
    if not values:
        return None
    ids: list[str] = []
    for value in values:
        if value.startswith("@"):
            path = Path(value[1:])
            if not path.is_file():
                raise NewsspanError(f"no such file: {path}", where="--doc")
            ids += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        else:
            ids.append(value)
    return ids


def reassign(
    from_annotator: Annotated[str, typer.Option("--from", help="The annotator whose documents move.")],
    to_annotator: Annotated[str, typer.Option("--to", help="The annotator who gets them.")],
    doc_ids: Annotated[
        list[str] | None,
        typer.Option("--doc", help="Only this document id (repeatable), or @FILE with one id a line."),
    ] = None,
    include_started: Annotated[
        bool,
        typer.Option(
            "--include-started", help="Move documents in progress too (their spans stay the old one's)."
        ),
    ] = False,
) -> None:
    """Move an annotator's documents that are not started (or not done, with --include-started) to another."""
    store, admin = admin_store()
    report = store.reassign(
        admin, from_annotator, to_annotator, _doc_ids(doc_ids), include_started=include_started
    )
    console.print(
        f"moved {len(report.moved)} document(s) from {from_annotator} to {to_annotator}"
        + (f", {len(report.dropped)} they had already" if report.dropped else "")
        + (f"; {len(report.kept)} stay (started or done)" if report.kept else ""),
        markup=False,
        highlight=False,
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
    label_map: Annotated[
        list[str] | None,
        typer.Option(
            "--label-map",
            help="Rename a label of the file: OLD=NEW (repeatable), or a JSON file of {OLD: NEW}.",
        ),
    ] = None,
    from_annotator: Annotated[
        str | None,
        typer.Option(
            "--from-annotator",
            help="Label Studio files that name their annotators (newsspan's exports): take NAME's annotations "
            "(default: those of --annotator); '*' takes every annotation.",
        ),
    ] = None,
    offsets: Annotated[
        str,
        typer.Option(
            "--offsets",
            help="What the file's offsets count: 'stored' (the document's text, the default) or 'source' (the "
            "original article file, BOM and CRLF included, as public corpora count them): source offsets are "
            "mapped to the stored text first; a span in text ingest removed is refused per record.",
        ),
    ] = "stored",
) -> None:
    """Import annotation records; every record is checked, errors are listed per record with file and line.

    From a Label Studio file that names its annotators, only ANNOTATOR's annotations are taken (see
    --from-annotator)."""
    from corpus.formats.items import ReadOptions, parse_pairs
    from workbench.store.errors import ImportFailed

    options = ReadOptions(
        label_map=parse_pairs(label_map or [], "--label-map"),
        annotator=None if from_annotator == "*" or layer != "annotation" else from_annotator or annotator,
    )
    _check_offsets(offsets)
    from workbench.cli.progress import progress_bar

    store, admin = admin_store()
    try:
        with progress_bar(f"importing {file.name}", "records") as update:  # stderr: records, rate, time left
            if offsets == "source":
                items = _source_offset_items(store, admin, file, fmt, options)
                report = store.import_items(
                    admin,
                    items,
                    annotator=annotator,
                    partial=partial,
                    layer=layer,
                    source=file.name,
                    on_progress=update,
                )
            else:
                report = store.import_file(
                    admin,
                    file,
                    annotator=annotator,
                    fmt=fmt,
                    partial=partial,
                    layer=layer,
                    options=options,
                    on_progress=update,
                )
    except ImportFailed as failure:
        for error in failure.errors:
            err_console.print(styled(("bad record", "red"), f" {error}"), highlight=False, soft_wrap=True)
        err_console.print(
            styled(
                ("error:", "bold red"),
                f" {len(failure.errors)} bad record(s) in {file}; nothing imported "
                "— fix them, or pass --partial to import the good ones",
            ),
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    for error in report.errors:
        err_console.print(styled(("skipped", "yellow"), f" {error}"), highlight=False, soft_wrap=True)
    console.print(
        f"imported {report.imported} record(s) for {annotator}"
        + (f", {report.unchanged} already there" if report.unchanged else "")
        + (f", skipped {len(report.errors)} bad record(s)" if report.errors else ""),
        highlight=False,
    )
    if options.skipped:
        others = ", ".join(f"{name} {count}" for name, count in sorted(options.skipped.items()))
        console.print(
            f"left out the annotations of other annotators ({others}); --from-annotator NAME takes them",
            highlight=False,
            soft_wrap=True,
        )
    if report.offsets:
        from corpus.formats.items import OFFSET_BASES

        counts = ", ".join(
            f"{count} in {OFFSET_BASES[basis]}" for basis, count in sorted(report.offsets.items())
        )
        console.print(f"Label Studio offsets read: {counts}", highlight=False, soft_wrap=True)


def _check_offsets(offsets: str) -> None:
    from corpus.provenance import BASES

    if offsets not in BASES:
        raise NewsspanError(f"unknown --offsets {offsets!r}", hint=f"use one of: {', '.join(BASES)}")


def _source_offset_items(
    store: Any, admin: Any, file: Path, fmt: str | None, options: Any
) -> Callable[[], Any]:
    """The file's items (read afresh on each call) with their source offsets mapped to the stored text by
    :func:`corpus.provenance.item_to_stored`, before the store sees them; documents come from the store,
    source ids are looked up in the corpus file."""
    from functools import lru_cache

    from corpus.corpus_file import source_index
    from corpus.formats.annotation_files import iter_annotation_file
    from corpus.provenance import item_to_stored
    from workbench.store.errors import NotFound

    @lru_cache(maxsize=4096)
    def find(doc_id: str) -> dict[str, Any] | None:
        try:
            return store.document(admin, doc_id)
        except NotFound:
            return None

    @lru_cache(maxsize=1)
    def sources() -> dict[str, str]:
        return source_index()

    def items() -> Iterator[Any]:
        for item in iter_annotation_file(file, fmt, options=options):
            yield item_to_stored(item, find, lambda source_id: sources().get(source_id))

    return items


def _export_source_offsets(store: Any, admin: Any, out: Path, fmt: str, layer: str) -> int:
    """JSONL records with offsets and span_text counted in each document's source file; any record that has
    no contiguous source range (it crosses text cleaning removed) is listed and nothing is written."""
    from corpus.formats.jsonl import write_records
    from corpus.provenance import records_to_source

    if fmt != "jsonl":
        raise NewsspanError(
            f"--offsets source is for JSONL exports, not {fmt}",
            hint="Label Studio and brat files carry the stored text, so their offsets are stored offsets",
        )
    records = store.export_records(admin, layer)
    documents = {doc_id: store.document(admin, doc_id) for doc_id in {r["doc_id"] for r in records}}
    mapped, problems = records_to_source(records, documents)
    if problems:
        for problem in problems:
            err_console.print(
                styled(("no source offsets", "red"), f" {problem}"), highlight=False, soft_wrap=True
            )
        raise NewsspanError(
            f"{len(problems)} record(s) have no source offsets; nothing written",
            where=str(out),
            hint="export with stored offsets (the default), or split those spans at the removed text",
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(write_records(mapped), encoding="utf-8")
    return len(mapped)


def export_annotations(
    out: Annotated[Path, typer.Argument(help="Output file (a folder for brat).")],
    fmt: Annotated[str, typer.Option("--format", help="jsonl, labelstudio or brat.")] = "jsonl",
    layer: Annotated[str, typer.Option("--layer", help="annotation or gold.")] = "annotation",
    annotator_emails: Annotated[
        list[str] | None,
        typer.Option(
            "--annotator-emails",
            help="Label Studio: write NAME's annotations as completed by the Label Studio user EMAIL: "
            "NAME=EMAIL (repeatable), or a JSON file of {NAME: EMAIL}. Without it no completed_by is written.",
        ),
    ] = None,
    offsets: Annotated[
        str,
        typer.Option(
            "--offsets",
            help="JSONL: count start/end (and span_text) in the 'stored' text (the default) or in each "
            "document's 'source' file (BOM and CRLF included).",
        ),
    ] = "stored",
) -> None:
    """Export the current records of a layer: JSONL (the scheme's format); Label Studio JSON, one task per
    document with or without spans, with label_config.xml beside it; or a brat folder (annotation.conf,
    visual.conf, one folder of .txt/.ann per annotator)."""
    from corpus.formats.items import parse_pairs

    emails = parse_pairs(annotator_emails or [], "--annotator-emails")
    _check_offsets(offsets)
    store, admin = admin_store()
    if offsets == "source":
        count = _export_source_offsets(store, admin, out, fmt, layer)
    else:
        count = store.export_file(admin, out, fmt, layer, annotator_emails=emails)
    extra = " (and label_config.xml beside it)" if fmt == "labelstudio" else ""
    console.print(f"wrote {count} record(s) to {out}{extra}", highlight=False, soft_wrap=True)


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
    app.command("reassign")(reassign)
    app.command("import")(import_annotations)
    app.command("export")(export_annotations)
    app.command("progress")(progress)
