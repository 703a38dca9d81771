"""``newsspan schema ...``: validate annotation records against documents, show the label set."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corpus.cli_support import command_group, console, styled
from corpus.errors import NewsspanError

if TYPE_CHECKING:
    from corpus.scheme import LabelSet

schema_app = command_group(
    help="The annotation scheme: label set, record schema, validation.", no_args_is_help=True
)

LabelsetOption = Annotated[
    Path | None, typer.Option("--labelset", help="Label set file (default: schema/labelset.json).")
]


def _read_jsonl(path: Path) -> tuple[list[Any], list[int], list[str]]:
    """Records of a JSONL file with their line numbers, and one message per malformed line."""
    from corpus.scheme import display_path

    shown = display_path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise NewsspanError("file not found", where=shown, hint="check the path") from None
    except (OSError, UnicodeDecodeError) as error:
        raise NewsspanError(f"cannot read the file: {error}", where=shown) from None
    records: list[Any] = []
    numbers: list[int] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
            numbers.append(number)
        except json.JSONDecodeError as error:
            problems.append(f"{shown} line {number}: not valid JSON ({error.msg} at column {error.colno})")
    return records, numbers, problems


def _read_parquet(path: Path, shown: str) -> list[Any]:
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path).to_pylist()
    except FileNotFoundError:
        raise NewsspanError("file not found", where=shown, hint="check the path") from None
    except Exception as error:  # pyarrow raises several types for a bad file
        raise NewsspanError(f"cannot read Parquet: {error}", where=shown) from None


def _read_json_list(path: Path, shown: str) -> list[Any]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NewsspanError("file not found", where=shown, hint="check the path") from None
    except json.JSONDecodeError as error:
        raise NewsspanError(f"not valid JSON: {error.msg}", where=f"{shown}:{error.lineno}") from None
    if not isinstance(rows, list):
        raise NewsspanError("expected a JSON list of document records", where=shown)
    return rows


def _read_document_file(path: Path) -> tuple[list[Any], str]:
    """Document records of a .parquet, .json (a list) or JSONL file, and how to name the file."""
    from corpus.scheme import display_path

    shown = display_path(path)
    if path.suffix == ".parquet":
        return _read_parquet(path, shown), shown
    if path.suffix == ".json":
        return _read_json_list(path, shown), shown
    rows, _, problems = _read_jsonl(path)
    if problems:
        raise NewsspanError(problems[0], hint="fix the documents file")
    return rows, shown


def _release_documents(release: str | None) -> tuple[list[Any], str]:
    try:
        from corpus.release import open_release
    except ImportError:
        raise NewsspanError(
            "no documents to check against", hint="pass --documents FILE (JSONL of document records)"
        ) from None
    opened = open_release(release)
    return opened.documents(), f"release v{opened.version}"


def _load_documents(documents: Path | None, release: str | None) -> tuple[dict[str, dict[str, Any]], str]:
    """doc_id -> document, from a JSONL/JSON/Parquet file of document records or from a release."""
    if documents is not None:
        rows, source = _read_document_file(documents)
    else:
        rows, source = _release_documents(release)
    table: dict[str, dict[str, Any]] = {}
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("doc_id"), str) or "text" not in row:
            raise NewsspanError(f"document {position} has no doc_id or text", where=source)
        table[row["doc_id"]] = row
    return table, source


@schema_app.command("validate")
def validate_command(
    file: Annotated[Path, typer.Argument(help="JSONL file of annotation records, one a line.")],
    documents: Annotated[
        Path | None,
        typer.Option(
            "--documents", help="Document records (.jsonl, .json list or .parquet); default: a release."
        ),
    ] = None,
    release: Annotated[
        str | None,
        typer.Option("--release", help="Release version to take documents from (default: LATEST)."),
    ] = None,
    labelset: LabelsetOption = None,
    registry: Annotated[
        Path | None, typer.Option("--registry", help="Actor registry (default: schema/actors.json).")
    ] = None,
    max_errors: Annotated[int, typer.Option("--max-errors", help="Problems to print (0 = all).")] = 50,
) -> None:
    """Validate annotation records (JSON Schema, offsets, text hashes, links, entity ids); print a summary.

    Problems are reported as "FILE line N (id X): path: what is wrong". Exits 1 when any record has a problem.
    """
    from corpus.scheme import SCHEMA_VERSION, check_records, display_path, load_labelset, load_registry

    chosen = load_labelset(labelset)
    actors = load_registry(registry)
    records, numbers, problems = _read_jsonl(file)
    docs, source = _load_documents(documents, release)
    shown = display_path(file)
    per_record = check_records(records, docs, labelset=chosen, registry=actors)
    for record, number, found in zip(records, numbers, per_record, strict=True):
        ident = (
            f" (id {record['id']})" if isinstance(record, dict) and isinstance(record.get("id"), str) else ""
        )
        problems.extend(f"{shown} line {number}{ident}: {problem}" for problem in found)
    _print_summary(records, per_record, chosen, shown, source)
    shown_problems = problems if max_errors <= 0 else problems[:max_errors]
    for problem in shown_problems:
        console.print(styled(("✗", "red"), f" {problem}"), highlight=False, soft_wrap=True)
    if len(shown_problems) < len(problems):
        console.print(f"… and {len(problems) - len(shown_problems)} more (use --max-errors 0 to see all)")
    if problems:
        raise typer.Exit(1)
    console.print(styled(("✓", "green"), f" {len(records)} records valid (schema_version {SCHEMA_VERSION})"))


def _print_summary(
    records: list[Any], per_record: list[list[str]], labelset: LabelSet, shown: str, source: str
) -> None:
    totals: Counter[str] = Counter()
    invalid: Counter[str] = Counter()
    for record, found in zip(records, per_record, strict=True):
        label = record.get("label") if isinstance(record, dict) else None
        key = label if isinstance(label, str) and label in labelset else "(unknown label)"
        totals[key] += 1
        if found:
            invalid[key] += 1
    from rich.table import Table

    table = Table(title=f"{shown}: {len(records)} records against {source}", title_justify="left")
    table.add_column("label")
    table.add_column("records", justify="right")
    table.add_column("valid", justify="right")
    table.add_column("with problems", justify="right")
    for name in [*labelset.names, "(unknown label)"]:
        if name in totals or name in labelset:
            table.add_row(name, str(totals[name]), str(totals[name] - invalid[name]), str(invalid[name]))
    table.add_row(
        styled(("total", "bold")),
        str(sum(totals.values())),
        str(sum(totals.values()) - sum(invalid.values())),
        str(sum(invalid.values())),
    )
    console.print(table)


def _attribute_summary(name: str, spec: dict[str, Any], required: list[str]) -> str:
    kind = spec["type"]
    if kind == "array":
        kind = f"list of {spec['items']['type']}"
    if "enum" in spec:
        values = spec["enum"]
        kind = " | ".join(map(str, values)) if len(values) <= 6 else f"one of {len(values)} values"
    if "x-link" in spec:
        literals = spec["x-link"].get("literals", [])
        kind = f"→ {spec['x-link']['label']} span" + "".join(f" | {value}" for value in literals)
    if spec.get("x-registry"):
        kind = f"{kind} (registry ids)"
    return f"{name}{'*' if name in required else ''}: {kind}"


@schema_app.command("show")
def show_command(
    labelset: LabelsetOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the composed JSON Schema of a record instead.")
    ] = False,
) -> None:
    """Print the label set as a table (keys, colour, description, attributes; * = required)."""
    from corpus.scheme import SCHEMA_VERSION, display_path, load_labelset, record_schema

    chosen = load_labelset(labelset)
    if as_json:
        print(json.dumps(record_schema(chosen), indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(
        title=f"{chosen.title} v{chosen.version} ({display_path(chosen.path)})",
        title_justify="left",
        show_lines=True,
    )
    table.add_column("keys")
    table.add_column("label")
    table.add_column("colour")
    table.add_column("description", ratio=2)
    table.add_column("attributes (* required)", ratio=2)
    for label in chosen.labels:
        attributes = "\n".join(
            _attribute_summary(name, spec, label.required) for name, spec in label.attributes.items()
        )
        table.add_row(
            " ".join(label.hotkeys),
            styled((label.name, "bold")),
            styled(("■", label.color), f" {label.color}"),
            label.description,
            attributes or "—",
        )
    console.print(table)
    console.print(f"record schema_version {SCHEMA_VERSION}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``schema`` command group to the newsspan CLI."""
    app.add_typer(schema_app, name="schema")
