"""Review candidates, "already in gold" and "compared with gold": one definition for the Review page, ``gold
auto`` and the annotators' read-only view of what the reviewer changed.

* A span is **in gold** when the gold layer has a span with the same ``start``, ``end`` and ``label``, whatever
  its attributes: the reviewer has settled that position.
* A **review candidate** is every (start, end, label) position annotators marked -- including positions in gold
  and spans already decided -- so nothing an annotator did is hidden from the reviewer. Its records are grouped
  by attribute variant (:func:`corpus.agreement.span_votes`, link attributes compared by the span they point
  at), the largest first. Each candidate says whether it is in gold (and which variant, if any, matches the
  gold span), whether it is still **open** (not in gold and some record undecided: what ``gold auto`` may fill
  in and ``y`` accepts), and which attributes and links its annotators -- and gold -- disagree on.
* **Compared with gold**: an annotator's spans beside the gold spans of a finished document, each kept,
  changed (attributes, links or boundaries) or removed, and the gold spans the annotator did not mark.

The Review page draws the candidates that need the reviewer (``pending``: open ones, and those in gold that an
undecided annotator marked otherwise) and lists the rest; ``gold auto`` writes the open variants enough
annotators share. Both read them from :func:`review_candidates`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from corpus.agreement import attribute_key, span_votes
from corpus.scheme import LabelSet, default_labelset

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


def links_key(record: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]) -> str:
    """A record's ``links`` as a canonical string, each target by its (start, end, label) when ``by_id`` has it
    (so two annotators' links to the same span compare equal)."""
    links = []
    for link in record.get("links") or []:
        target = by_id.get(link.get("target"))
        where = [target["start"], target["end"], target["label"]] if target else link.get("target")
        links.append([link.get("role"), where])
    return json.dumps(sorted(links, key=repr), ensure_ascii=False)


def _disputed(keys: Iterable[str]) -> list[str]:
    """Attribute names whose values differ between attribute keys (:func:`corpus.agreement.attribute_key`)."""
    values = [json.loads(key) for key in set(keys)]
    names = sorted({name for value in values for name in value})
    return [name for name in names if len({json.dumps(v.get(name), sort_keys=True) for v in values}) > 1]


class _Keys:
    """Attribute and link keys of one document's records, each resolving links among its own layer."""

    def __init__(
        self, records: Sequence[Mapping[str, Any]], gold: Sequence[Mapping[str, Any]], labelset: LabelSet
    ):
        self.link_names = {label.name: set(label.links()) for label in labelset.labels}
        self.own: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
        for record in records:
            self.own[record["annotator"]][record["id"]] = record
        self.gold_by_id = {record["id"]: record for record in gold}

    def attributes(self, record: Mapping[str, Any], gold: bool = False) -> str:
        by_id = self.gold_by_id if gold else self.own[record["annotator"]]
        return attribute_key(record, by_id, self.link_names.get(record["label"], set()))

    def links(self, record: Mapping[str, Any], gold: bool = False) -> str:
        return links_key(record, self.gold_by_id if gold else self.own[record["annotator"]])


def review_candidates(
    records: Sequence[Mapping[str, Any]],
    gold: Iterable[Mapping[str, Any]],
    *,
    labelset: LabelSet | None = None,
) -> list[dict[str, Any]]:
    """The candidates of ONE document: ``records`` are its annotators' current spans (with the store's
    ``review``), ``gold`` its gold spans. Each candidate is a :func:`~corpus.agreement.span_votes` group over
    all of them, sorted by start, end, label, plus:

    ``id`` and ``lead`` (the record ``y`` accepts: the first undecided record of the largest variant),
    ``total`` (the document's annotators with spans), ``gold`` (the gold record at this position, or None),
    ``in_gold``, ``open`` (not in gold, and some record undecided), ``pending`` (needs the reviewer: open, or
    in gold with an undecided record whose variant differs from gold), ``status`` (``open``, ``in gold`` or
    ``rejected``), ``disagreements`` (attribute names whose values differ between the variants, or between a
    variant and gold), ``link_disagreements`` (those of them that are links, and ``links`` when the records'
    ``links`` differ). Each variant also has ``open_ids`` and ``open_annotators`` (its undecided records) and
    ``matches_gold``."""
    labelset = labelset or default_labelset()
    gold = list(gold)
    annotators = sorted({record["annotator"] for record in records})
    gold_at = {span_position(record): record for record in gold}
    by_id = {record["id"]: record for record in records}
    keys = _Keys(records, gold, labelset)
    out = []
    for group in span_votes(records, annotators=annotators, labelset=labelset, link_targets=records):
        at_gold = gold_at.get(span_position(group))
        gold_key = keys.attributes(at_gold, gold=True) if at_gold else None
        variants = []
        for variant in group["variants"]:
            open_ids = [i for i in variant["ids"] if undecided(by_id[i])]
            variants.append(
                {
                    **variant,
                    "open_ids": open_ids,
                    "open_annotators": sorted({by_id[i]["annotator"] for i in open_ids}),
                    "matches_gold": variant["key"] == gold_key,
                }
            )
        members = [by_id[i] for i in group["ids"]]
        lead_id = next((v["open_ids"][0] for v in variants if v["open_ids"]), variants[0]["ids"][0])
        is_open = at_gold is None and any(v["open_ids"] for v in variants)
        disputed = _disputed([v["key"] for v in variants] + ([gold_key] if gold_key else []))
        link_names = keys.link_names.get(group["label"], set())
        links = {keys.links(record) for record in members} | (
            {keys.links(at_gold, True)} if at_gold else set()
        )
        out.append(
            {
                **group,
                "variants": variants,
                "id": lead_id,
                "lead": by_id[lead_id],
                "total": len(annotators),
                "gold": at_gold,
                "in_gold": at_gold is not None,
                "open": is_open,
                "pending": is_open
                or (at_gold is not None and any(v["open_ids"] and not v["matches_gold"] for v in variants)),
                "status": "in gold" if at_gold else ("open" if is_open else "rejected"),
                "disagreements": disputed + (["links"] if len(links) > 1 else []),
                "link_disagreements": [name for name in disputed if name in link_names]
                + (["links"] if len(links) > 1 else []),
            }
        )
    return out


def open_candidates(candidates: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The candidates still to decide (not in gold, some record undecided): what ``gold auto`` may fill in."""
    return [candidate for candidate in candidates if candidate["open"]]


def gold_target(record: Mapping[str, Any], gold: Iterable[Mapping[str, Any]]) -> str | None:
    """The id of the gold span at a record's (start, end, label), if gold has one: where a link to that record
    points once it is in gold."""
    position = span_position(record)
    return next((g["id"] for g in gold if span_position(g) == position), None)


def compare_with_gold(
    own: Sequence[Mapping[str, Any]],
    gold: Sequence[Mapping[str, Any]],
    *,
    labelset: LabelSet | None = None,
) -> list[dict[str, Any]]:
    """An annotator's spans (``own``) beside the gold spans of the same document, in text order: one row per
    span, ``{"status", "own", "gold", "changes"}`` where status is ``kept`` (same position and attributes),
    ``changed`` (same position, other attributes or links: ``changes`` names them), ``moved`` (the same label
    overlapping, other boundaries), ``removed`` (gold has nothing like it) or ``added`` (gold has a span the
    annotator did not mark)."""
    labelset = labelset or default_labelset()
    keys = _Keys(own, gold, labelset)
    gold_at = {span_position(record): record for record in gold}
    used: set[str] = set()
    rows: list[dict[str, Any]] = []
    for record in own:
        match = gold_at.get(span_position(record))
        if match is not None:
            used.add(match["id"])
            changes = _disputed([keys.attributes(record), keys.attributes(match, gold=True)])
            if keys.links(record) != keys.links(match, gold=True):
                changes.append("links")
            rows.append(
                {"status": "changed" if changes else "kept", "own": record, "gold": match, "changes": changes}
            )
            continue
        rows.append({"status": "removed", "own": record, "gold": None, "changes": []})
    for row in rows:
        if row["status"] == "removed":
            record = row["own"]
            near = next(
                (
                    g
                    for g in gold
                    if g["id"] not in used
                    and g["label"] == record["label"]
                    and g["start"] < record["end"]
                    and record["start"] < g["end"]
                ),
                None,
            )
            if near is not None:
                used.add(near["id"])
                row.update(status="moved", gold=near, changes=["boundaries"])
    rows += [{"status": "added", "own": None, "gold": g, "changes": []} for g in gold if g["id"] not in used]
    return sorted(rows, key=lambda row: span_position(row["own"] or row["gold"]))
