"""The one definition of what inter-annotator agreement is computed over, and the figures computed from it.

Agreement measures finished work: the documents in ``review`` or ``final`` (every assigned annotator marked
them done, or an admin moved them on). Over those documents the inputs are

* every annotator's current spans (never suggestions, gold or deleted records);
* each document's text (the units of Krippendorff's alpha: its characters or tokens);
* the annotators who marked each document done: one who marked it done without any span still counts, and
  disagrees with every span of the others.

The rule is the same for every reader: a reviewer and an admin see the same figures. The annotation store
gathers the inputs (``Store.agreement_inputs``); ``newsspan agreement``, the workbench's Agreement page and the
card of an annotated release all compute :func:`agreement_figures` from them and show the numbers with
:func:`format_figure`, so the three always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corpus.scheme import LabelSet


@dataclass(frozen=True)
class AgreementInputs:
    """Records (the scheme's record format, with ``annotator``), texts by doc_id, and doc_id -> the annotators
    who marked the document done."""

    records: Sequence[Mapping[str, Any]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    annotators: dict[str, list[str]] = field(default_factory=dict)


def agreement_figures(
    inputs: AgreementInputs,
    *,
    labels: Iterable[str] | None = None,
    unit: str = "char",
    labelset: LabelSet | None = None,
) -> dict[str, Any]:
    """:func:`corpus.agreement.compute_agreement` over ``inputs``; ``labels`` (empty: all) narrows the figures."""
    from corpus.agreement import compute_agreement  # the scheme and its JSON Schemas: not for --help

    wanted = list(labels) if labels else None
    return compute_agreement(
        inputs.records,
        texts=inputs.texts,
        annotators=inputs.annotators,
        labels=wanted,
        unit=unit,
        labelset=labelset,
    )


def format_figure(value: float | None, digits: int = 3) -> str:
    """How every reader shows a figure: three decimals, an em dash when it is undefined."""
    return "—" if value is None else f"{value:.{digits}f}"


def agreement_summary(figures: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The overall figures a release manifest records (None when no document had two annotators)."""
    if not figures or not figures.get("documents"):
        return None
    overall = figures["overall"]
    return {
        "documents": figures["documents"],
        "f1_strict": overall["strict"]["f1"],
        "f1_partial": overall["partial"]["f1"],
        "alpha": overall["alpha"],
    }
