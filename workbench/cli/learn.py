"""``newsspan learn``: train the span model on what the team has labelled, or (``--evaluate``) cross-validate it
beside the rule suggestions and print per-label P/R/F1 and the learning curve.

Thin: one call each to :func:`workbench.learning.train_from_store` / :func:`workbench.learning.evaluate_from_store`
(which a background job calls too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from corpus.agreement_inputs import format_figure as _fmt
from corpus.cli_support import console, err_console
from workbench.cli.context import admin_store

if TYPE_CHECKING:
    from rich.table import Table


def side_by_side(report: dict[str, Any]) -> Table:
    """Per label: strict P/R/F1 and partial F1 of every recommender, side by side."""
    from rich.table import Table

    names = list(report["recommenders"])
    table = Table(
        title=f"Held-out spans, {report['folds']}-fold cross-validation over {report['documents']} documents"
    )
    table.add_column("label")
    table.add_column("spans", justify="right")
    for name in names:
        for figure in ("P", "R", "F1", "partial F1"):
            table.add_column(f"{name} {figure}", justify="right")
    rows = [*report["labels"], "all"]
    for label in rows:
        cells = []
        spans = ""
        for name in names:
            result = report["recommenders"][name]
            figures = result["overall"] if label == "all" else result["per_label"][label]
            strict = figures["strict"]
            spans = str(strict["spans_a"])
            cells += [_fmt(strict["precision"]), _fmt(strict["recall"]), _fmt(strict["f1"])]
            cells.append(_fmt(figures["partial"]["f1"]))
        table.add_row(label, spans, *cells)
    return table


def curve_table(report: dict[str, Any]) -> Table:
    """The learning curve: strict and partial F1 per recommender as the training documents grow."""
    from rich.table import Table

    table = Table("recommender", "training share", "training documents", "strict F1", "partial F1")
    table.title = "Learning curve (mean training documents per fold)"
    for point in report["curve"]:
        table.add_row(
            point["recommender"],
            f"{point['fraction']:.0%}",
            f"{point['training_documents']:.1f}",
            _fmt(point["strict_f1"]),
            _fmt(point["partial_f1"]),
        )
    return table


def learn_command(
    evaluate: Annotated[
        bool,
        typer.Option("--evaluate", help="Cross-validate by document instead of training: per-label P/R/F1."),
    ] = False,
    folds: Annotated[
        int, typer.Option("--folds", min=2, help="Parts of the documents for --evaluate (default 5).")
    ] = 5,
    epochs: Annotated[
        int | None,
        typer.Option(
            "--epochs", min=1, help="Training epochs (default: the pipeline config's; fewer is faster)."
        ),
    ] = None,
    retrain_every: Annotated[
        int | None,
        typer.Option(
            "--retrain-every",
            min=0,
            help="Set the project to retrain in the background after every N newly done documents (0: off), "
            "then stop.",
        ),
    ] = None,
) -> None:
    """Train the span model on the team's gold and done annotations, and save it under models/."""
    from corpus.learn import Settings
    from workbench.learning import evaluate_from_store, train_from_store

    store, admin = admin_store()
    if retrain_every is not None:
        store.set_retrain_every(admin, retrain_every)
        console.print(
            f"the span model is retrained in the background after every {retrain_every} newly done documents"
            if retrain_every
            else "background retraining is off"
        )
        return
    settings = Settings(max_epochs=epochs)
    if evaluate:
        evaluation, path = evaluate_from_store(
            store, admin, folds=folds, settings=settings, progress=lambda line: err_console.print(line)
        )
        console.print(side_by_side(evaluation.report))
        console.print(curve_table(evaluation.report))
        console.print(f"report written to {path} ({evaluation.report['seconds']:.1f} s)")
        return
    report = train_from_store(store, admin, settings=settings)
    console.print(f"model {report.model_id} saved to {report.folder}")
    console.print(f"trained on {report.documents} documents, {report.spans} spans in {report.seconds:.1f} s")
    misaligned = sum(report.misaligned.values())
    if misaligned:
        detail = ", ".join(f"{label} {count}" for label, count in sorted(report.misaligned.items()))
        console.print(
            f"{misaligned} spans left out: their offsets do not fall on token boundaries ({detail})"
        )
    unknown = sum(report.unknown.values())
    if unknown:
        console.print(f"{unknown} spans left out: their labels are not in the project's label set")


def register(app: typer.Typer) -> None:
    """Add the ``learn`` command to the newsspan CLI."""
    app.command("learn")(learn_command)
