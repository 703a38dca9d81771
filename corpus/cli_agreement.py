"""``newsspan agreement``, ``newsspan gold auto`` and ``newsspan export-release``: from annotations to gold.

The command line acts as an admin on the annotation store (``NEWSSPAN_DB_URL`` or the project's SQLite file).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from corpus.cli_support import console

gold_app = typer.Typer(help="The gold layer: adjudicated spans.", no_args_is_help=True)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def agreement_table(result: dict[str, Any]) -> Table:
    """Per label and overall: spans, strict/partial P R F1, alpha (the rich table of ``newsspan agreement``)."""
    unit = "chars" if result["unit"] == "char" else "tokens"
    table = Table(
        "label",
        "spans",
        "strict P",
        "strict R",
        "strict F1",
        "partial F1",
        f"alpha ({unit})",
        title=f"Agreement over {result['documents']} documents, {len(result['annotators'])} annotators",
    )
    for label, figures in result["per_label"].items():
        table.add_row(
            label,
            str(figures["spans"]),
            _fmt(figures["strict"]["precision"]),
            _fmt(figures["strict"]["recall"]),
            _fmt(figures["strict"]["f1"]),
            _fmt(figures["partial"]["f1"]),
            _fmt(figures["alpha"]),
        )
    overall = result["overall"]
    table.add_row(
        "[bold]all[/]",
        str(sum(f["spans"] for f in result["per_label"].values())),
        _fmt(overall["strict"]["precision"]),
        _fmt(overall["strict"]["recall"]),
        _fmt(overall["strict"]["f1"]),
        _fmt(overall["partial"]["f1"]),
        _fmt(overall["alpha"]),
    )
    return table


def pairs_table(result: dict[str, Any]) -> Table:
    table = Table("annotator A", "annotator B", "documents", "strict F1", "partial F1", title="Pairs")
    for pair in result["pairs"]:
        table.add_row(
            pair["a"],
            pair["b"],
            str(pair["documents"]),
            _fmt(pair["strict"]["f1"]),
            _fmt(pair["partial"]["f1"]),
        )
    average = result["average"]
    table.add_row("[bold]average[/]", "", "", _fmt(average["strict"]["f1"]), _fmt(average["partial"]["f1"]))
    return table


def kappa_table(result: dict[str, Any]) -> Table:
    table = Table("label", "attribute", "matched pairs", "observed", "Cohen's kappa", title="Attributes")
    for label, attributes in result["attributes"].items():
        for name, value in attributes.items():
            if value["n"]:
                table.add_row(label, name, str(value["n"]), _fmt(value["observed"]), _fmt(value["kappa"]))
    return table


def store_agreement(store: Any, labels: list[str] | None = None, unit: str = "char") -> dict[str, Any]:
    """``compute_agreement`` over the store's annotation layer (annotators who marked a document done without
    any span count as annotators of it). What the workbench's Agreement view shows."""
    from corpus.agreement import compute_agreement
    from workbench.store import CLI_USER

    records = store.records(CLI_USER, "annotation")
    annotators: dict[str, set[str]] = {}
    for row in store.progress(CLI_USER):
        if row["status"] == "done":
            annotators.setdefault(row["doc_id"], set()).add(row["annotator"])
    doc_ids = {record["doc_id"] for record in records} | set(annotators)
    texts = {doc_id: store.document(CLI_USER, doc_id)["text"] for doc_id in sorted(doc_ids)}
    return compute_agreement(records, texts=texts, annotators=annotators, labels=labels or None, unit=unit)


def agreement(
    label: Annotated[
        list[str] | None, typer.Option("--label", help="Only this label (repeat for several).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    unit: Annotated[
        str, typer.Option("--unit", help="Units of Krippendorff's alpha: char or token.")
    ] = "char",
) -> None:
    """Inter-annotator agreement over documents with two or more annotators: span P/R/F1 (strict and partial),
    Krippendorff's alpha per label, Cohen's kappa on the attributes of matched spans."""
    from corpus.errors import NewsspanError
    from workbench.store import open_store

    if unit not in ("char", "token"):
        raise NewsspanError(f"unknown unit {unit!r}", hint="use --unit char or --unit token")
    result = store_agreement(open_store(), label, unit)
    if as_json:
        typer.echo(json.dumps(result, indent=1, ensure_ascii=False))
        return
    if not result["documents"]:
        console.print("no document has two or more annotators yet: nothing to compare")
        return
    console.print(agreement_table(result))
    console.print(pairs_table(result))
    if any(v["n"] for attributes in result["attributes"].values() for v in attributes.values()):
        console.print(kappa_table(result))


@gold_app.command("auto")
def gold_auto(
    min_agree: Annotated[int, typer.Option("--min-agree", help="Annotators who must agree exactly.")] = 2,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Only this document (repeatable).")] = None,
) -> None:
    """Pre-fill gold with spans on which at least K annotators agree exactly (offsets, label, attributes), on
    documents in review. The rest is left for the reviewer; every write is in the store's history."""
    from workbench.store import CLI_USER, open_store

    report = open_store().auto_gold(CLI_USER, min_agree, doc_ids=doc or None)
    console.print(
        f"gold auto (min agree {min_agree}): {len(report.created)} spans added to gold "
        f"on {report.documents} documents in review"
    )
    for reason, count in report.reasons().most_common():
        console.print(f"  left for review: {count} ({reason})")
    for stage, count in report.documents_not_in_stage.items():
        console.print(f"  {count} documents skipped: stage {stage}, not review")


def export_release_command(
    version: Annotated[str, typer.Argument(help="An annotated release, e.g. 0.2.0.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write into.")] = Path("exports"),
    config: Annotated[str, typer.Option("--config", help="gold or annotations.")] = "gold",
) -> None:
    """Write spans.jsonl (one span a line) and token-level IOB2 files per label and split for a release."""
    from corpus.errors import NewsspanError
    from corpus.export_formats import export_release
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
    app.command("agreement")(agreement)
    app.add_typer(gold_app, name="gold")
    app.command("export-release")(export_release_command)
