"""Review candidates and "already in gold": one definition for the Review page and ``gold auto``.

* A span is **in gold** when the gold layer has a span with the same ``start``, ``end`` and ``label``, whatever
  its attributes: the reviewer has settled that position (accepted one variant, or fixed the attributes).
* A **review candidate** is a (start, end, label) position that annotators marked, that no reviewer has decided
  on yet (its records have no ``review``: neither accepted nor rejected), and that is not in gold. Its records
  are grouped by attribute variant (:func:`corpus.agreement.span_votes`), the largest variant first; the
  candidate is led by that variant's first record (what the Review page's ``y`` accepts).

``gold auto`` writes the variants of candidates that enough annotators share; the Review page draws the
candidates as dashed outlines. Both read them from :func:`review_candidates`, so a span the page offers is one
``gold auto`` may fill in, and a span in gold is offered by neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from corpus.agreement import span_votes
from corpus.scheme import LabelSet

SpanPosition = tuple[int, int, str]


def span_position(span: Mapping[str, Any]) -> SpanPosition:
    """Where a span is: (start, end, label)."""
    return span["start"], span["end"], span["label"]


def gold_positions(gold: Iterable[Mapping[str, Any]]) -> set[SpanPosition]:
    """The positions the gold records take (see :func:`in_gold`)."""
    return {span_position(record) for record in gold}


def in_gold(span: Mapping[str, Any], positions: set[SpanPosition]) -> bool:
    """Whether gold already has a span at this span's start, end and label (``positions`` from
    :func:`gold_positions`)."""
    return span_position(span) in positions


def undecided(record: Mapping[str, Any]) -> bool:
    """A record no reviewer has accepted or rejected yet."""
    return not record.get("review")


def review_candidates(
    records: Sequence[Mapping[str, Any]],
    gold: Iterable[Mapping[str, Any]],
    *,
    labelset: LabelSet | None = None,
) -> list[dict[str, Any]]:
    """The candidates of ONE document: ``records`` are its annotators' current spans (with the store's
    ``review``), ``gold`` its gold spans. Each candidate is a :func:`~corpus.agreement.span_votes` group plus
    ``id`` and ``lead`` (the leading record) and ``total`` (the document's annotators with spans); sorted by
    start, end, label."""
    open_records = [record for record in records if undecided(record)]
    annotators = sorted({record["annotator"] for record in records})
    positions = gold_positions(gold)
    by_id = {record["id"]: record for record in open_records}
    out = []
    for group in span_votes(open_records, annotators=annotators, labelset=labelset, link_targets=records):
        if in_gold(group, positions):
            continue
        lead = by_id[group["variants"][0]["ids"][0]]
        out.append({**group, "id": lead["id"], "lead": lead, "total": len(annotators)})
    return out
