"""``newsspan gold auto``: pre-fill gold with the review candidates enough annotators agree on."""

from __future__ import annotations

from typing import Annotated

import typer

from corpus.cli_support import command_group, console
from workbench.cli.context import admin_store

gold_app = command_group(help="The gold layer: adjudicated spans.", no_args_is_help=True)


@gold_app.command("auto")
def gold_auto(
    min_agree: Annotated[int, typer.Option("--min-agree", help="Annotators who must agree exactly.")] = 2,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Only this document (repeatable).")] = None,
) -> None:
    """Pre-fill gold with spans on which at least K annotators agree exactly (offsets, label, attributes), on
    documents in review. The rest is left for the reviewer; every write is in the store's history."""
    store, admin = admin_store()
    report = store.auto_gold(admin, min_agree, doc_ids=doc or None)
    console.print(
        f"gold auto (min agree {min_agree}): {len(report.created)} spans added to gold "
        f"on {report.documents} documents in review"
    )
    for reason, count in report.reasons().most_common():
        console.print(f"  left for review: {count} ({reason})")
    for stage, count in report.documents_not_in_stage.items():
        console.print(f"  {count} documents skipped: stage {stage}, not review")


def register(app: typer.Typer) -> None:
    app.add_typer(gold_app, name="gold")
