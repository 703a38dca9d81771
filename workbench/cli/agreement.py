"""``newsspan agreement``: inter-annotator agreement over the annotation store, as tables or JSON.

The figures follow the one rule of ``corpus.agreement_inputs`` (documents in review or final, texts, annotators
who marked them done, no suggestions), so they equal the Agreement page's and a release card's.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corpus.agreement_inputs import format_figure as _fmt
from corpus.cli_support import console, styled
from corpus.errors import NewsspanError
from workbench.cli.context import admin_store

if TYPE_CHECKING:
    from rich.table import Table


def agreement_table(result: dict[str, Any]) -> Table:
    """Per label and overall: spans, strict/partial P R F1, alpha (the rich table of ``newsspan agreement``)."""
    from rich.table import Table

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
        styled(("all", "bold")),
        str(sum(f["spans"] for f in result["per_label"].values())),
        _fmt(overall["strict"]["precision"]),
        _fmt(overall["strict"]["recall"]),
        _fmt(overall["strict"]["f1"]),
        _fmt(overall["partial"]["f1"]),
        _fmt(overall["alpha"]),
    )
    return table


def pairs_table(result: dict[str, Any]) -> Table:
    """Strict and partial F1 of every pair of annotators, and their average."""
    from rich.table import Table

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
    table.add_row(
        styled(("average", "bold")), "", "", _fmt(average["strict"]["f1"]), _fmt(average["partial"]["f1"])
    )
    return table


def kappa_table(result: dict[str, Any]) -> Table:
    """Cohen's kappa per label and attribute over the matched span pairs."""
    from rich.table import Table

    table = Table("label", "attribute", "matched pairs", "observed", "Cohen's kappa", title="Attributes")
    for label, attributes in result["attributes"].items():
        for name, value in attributes.items():
            if value["n"]:
                table.add_row(label, name, str(value["n"]), _fmt(value["observed"]), _fmt(value["kappa"]))
    return table


def agreement(
    label: Annotated[
        list[str] | None, typer.Option("--label", help="Only this label (repeat for several).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    unit: Annotated[
        str, typer.Option("--unit", help="Units of Krippendorff's alpha: char or token.")
    ] = "char",
) -> None:
    """Inter-annotator agreement over documents in review or final with two or more annotators: span P/R/F1
    (strict and partial), Krippendorff's alpha per label, Cohen's kappa on the attributes of matched spans."""
    from corpus.agreement_inputs import agreement_figures

    if unit not in ("char", "token"):
        raise NewsspanError(f"unknown unit {unit!r}", hint="use --unit char or --unit token")
    store, admin = admin_store()
    result = agreement_figures(store.agreement_inputs(admin), labels=label, unit=unit)
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


def register(app: typer.Typer) -> None:
    app.command("agreement")(agreement)
