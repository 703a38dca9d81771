"""Inter-annotator agreement over annotation records: a pure function, fast enough for 10,000 documents.

:func:`compute_agreement` takes annotation records (the scheme's record format, as ``Store.records(admin)``
returns them) and measures, over the documents that two or more annotators annotated:

* **span F1, strict**: a span of annotator A matches a span of B with the same ``start``, ``end`` and ``label``
  (multiset intersection: two identical spans of A need two of B).
* **span F1, partial**: same label and overlapping ranges, matched one-to-one, greedily by the largest overlap
  (so one long span cannot match many short ones). Exact matches are partial matches too.
  For a pair (A, B), A (the alphabetically first) is the reference: precision = matches / spans of B,
  recall = matches / spans of A, F1 = 2 * matches / (spans of A + spans of B), which is symmetric. Figures per
  pair are summed over the documents both annotated; ``overall`` sums every pair's counts (micro average);
  ``average`` is the mean of the pairs' figures (macro over pairs).
* **Krippendorff's alpha** per label (nominal, binary): every character (``unit="char"``) or token
  (``unit="token"``: words and punctuation marks, ``\\w+|[^\\w\\s]``) of a document is a unit, and each of the
  document's annotators codes it 1 when it lies inside one of their spans of that label, else 0. The overall
  alpha pools the (unit, label) pairs of every label. The unit count of a document is the length of its text
  (``texts`` or ``lengths``), else the largest span end in it.
* **Cohen's kappa** per label and attribute over the partially matched span pairs (A's value vs B's value,
  every pair of annotators pooled). Link attributes such as a claim's ``speaker`` hold span ids that differ
  between annotators; they are compared by the target span's offsets and label instead. Lists compare as sets,
  an unset attribute is a value of its own. Kappa is None when undefined (both sides always the same value).

Suggestions (``suggested_by`` or layer ``suggestion``), gold records and deleted records are ignored.

:func:`span_votes` groups the spans of one document by (start, end, label) with the annotators that marked
them: the votes behind review candidates (:mod:`corpus.review`), used by the Review page and ``gold auto``.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

from corpus.krippendorff import BinaryCoincidences
from corpus.scheme import LabelSet, default_labelset

TOKEN = re.compile(r"\w+|[^\w\s]")
UNITS = ("char", "token")


def _human(record: Mapping[str, Any]) -> bool:
    """An annotator's own span (not a suggestion, gold or deleted record)."""
    if "suggested_by" in record or "deleted" in record or "layer" in record:
        return not (
            record.get("suggested_by")
            or record.get("deleted")
            or record.get("layer") in ("gold", "suggestion")
        ) and record.get("annotator") not in (None, "gold")
    return record.get("annotator") not in (None, "gold")


def _prf(matches: int, reference: int, other: int) -> dict[str, Any]:
    precision = matches / other if other else (1.0 if not reference else 0.0)
    recall = matches / reference if reference else (1.0 if not other else 0.0)
    total = reference + other
    f1 = 2 * matches / total if total else 1.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "matches": matches,
        "spans_a": reference,
        "spans_b": other,
    }


def _partial_pairs(
    a: list[tuple[int, int, int]], b: list[tuple[int, int, int]]
) -> tuple[list[tuple[int, int]], int]:
    """One-to-one matching of overlapping spans, exact matches first, then greedily by overlap length.

    Returns the matched (index in a, index in b) pairs and how many of them are exact (equal offsets): exact
    candidates are taken first and only pair within their (start, end) group, so that count is the strict
    multiset intersection."""
    if not a or not b:
        return [], 0
    candidates = []
    for i, (sa, ea, _) in enumerate(a):
        for j, (sb, eb, _) in enumerate(b):
            if sb >= ea:
                break  # b is sorted by start
            if eb > sa:
                exact = sa == sb and ea == eb
                candidates.append((not exact, max(sa, sb) - min(ea, eb), i, j))
    if len(candidates) == 1:
        inexact, _, i, j = candidates[0]
        return [(i, j)], 0 if inexact else 1
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    exact_pairs = 0
    for inexact, _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
            exact_pairs += not inexact
    return pairs, exact_pairs


def _union_length(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _alpha_units(coders: list[list[tuple[int, int]]], length: int, into: BinaryCoincidences) -> None:
    """Add the units of one document and label: ``coders`` holds each annotator's intervals."""
    m = len(coders)
    events: list[tuple[int, int]] = []
    for intervals in coders:
        for start, end in _union_length(intervals):
            events.append((start, 1))
            events.append((end, -1))
    if not events:
        into.add(m, 0, length)
        return
    events.sort()
    covered = 0
    depth = 0
    previous = events[0][0]
    for position, step in events:
        if position > previous and depth:
            into.add(m, depth, position - previous)
            covered += position - previous
        depth += step
        previous = position
    into.add(m, 0, max(0, length - covered))


def _canonical(value: Any, links: Mapping[str, tuple[int, int, str]] | None) -> Any:
    if isinstance(value, list):
        return tuple(sorted(_canonical(item, links) for item in value))
    if links is not None and isinstance(value, str) and value in links:
        return ("span", *links[value])
    return value


def _kappa(joint: Counter[tuple[Any, Any]]) -> dict[str, Any]:
    """Cohen's kappa from the joint counts of (A's value, B's value)."""
    n = sum(joint.values())
    if not n:
        return {"kappa": None, "observed": None, "n": 0}
    left: Counter[Any] = Counter()
    right: Counter[Any] = Counter()
    agree = 0
    for (a, b), count in joint.items():
        left[a] += count
        right[b] += count
        if a == b:
            agree += count
    observed = agree / n
    expected = sum(count * right.get(value, 0) for value, count in left.items()) / (n * n)
    kappa = None if expected >= 1.0 else (observed - expected) / (1.0 - expected)
    return {"kappa": kappa, "observed": observed, "n": n}


def _attribute_tuple(
    record: Mapping[str, Any],
    names: list[str],
    link_names: set[str],
    targets: Mapping[str, tuple[int, int, str]],
) -> tuple[Any, ...]:
    given = record.get("attributes") or {}
    return tuple(_canonical(given.get(name), targets if name in link_names else None) for name in names)


def _marginal(
    joint: Counter[tuple[tuple[Any, ...], tuple[Any, ...]]], position: int
) -> Counter[tuple[Any, Any]]:
    out: Counter[tuple[Any, Any]] = Counter()
    for (a, b), count in joint.items():
        out[(a[position], b[position])] += count
    return out


def _tokenize(text: str) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for match in TOKEN.finditer(text):
        starts.append(match.start())
        ends.append(match.end())
    return starts, ends


def _to_tokens(start: int, end: int, starts: list[int], ends: list[int]) -> tuple[int, int]:
    """Token index range [first, last + 1) of the tokens a character range touches (empty if none)."""
    first = bisect.bisect_right(ends, start)
    last = bisect.bisect_left(starts, end)
    return first, max(first, last)


Spans = dict[str, list[tuple[int, int, int]]]  # label -> sorted [(start, end, index into the records)]
Targets = dict[str, tuple[int, int, str]]  # span id -> (start, end, label), for link attributes
AttributeTuple = tuple[Any, ...]


def _by_document(
    records: Iterable[Mapping[str, Any]], annotators: Mapping[str, Iterable[str]] | None
) -> dict[str, dict[str, list[Mapping[str, Any]]]]:
    """doc_id -> annotator -> their own spans; ``annotators`` adds those who marked nothing."""
    by_doc: dict[str, dict[str, list[Mapping[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        if _human(record):
            by_doc[record["doc_id"]][record["annotator"]].append(record)
    for doc_id, names in (annotators or {}).items():
        for name in names:
            by_doc[doc_id].setdefault(name, [])
    return by_doc


def _label_order(
    by_doc: Mapping[str, Mapping[str, list[Mapping[str, Any]]]], labelset: LabelSet, wanted: set[str] | None
) -> list[str]:
    """The labels reported: the label set's order, then unknown labels found, narrowed to ``wanted``."""
    seen = {r["label"] for doc in by_doc.values() for rs in doc.values() for r in rs}
    order = list(labelset.names) + sorted(seen - set(labelset.names))
    if wanted is not None:
        order = [name for name in order if name in wanted] + sorted(wanted - set(order))
    return order


class _UnitSpace:
    """The units of Krippendorff's alpha in one document: its characters, or its tokens."""

    def __init__(
        self,
        doc_id: str,
        per_annotator: Mapping[str, list[Mapping[str, Any]]],
        text: str | None,
        length: int | None,
        unit: str,
    ) -> None:
        self.tokens: tuple[list[int], list[int]] | None = None
        if unit == "token":
            if text is None:
                raise ValueError(f"unit='token' needs the text of document {doc_id}")
            self.tokens = _tokenize(text)
            self.length = len(self.tokens[0])
        elif text is not None:
            self.length = len(text)
        elif length is not None:
            self.length = length
        else:
            self.length = max((r["end"] for rs in per_annotator.values() for r in rs), default=0)

    def intervals(self, spans: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
        """A coder's spans of one label as unit ranges (token ranges for tokens, empty ones dropped)."""
        intervals = [(s, e) for s, e, _ in spans]
        if self.tokens is None:
            return intervals
        starts, ends = self.tokens
        in_tokens = [_to_tokens(s, e, starts, ends) for s, e in intervals]
        return [(s, e) for s, e in in_tokens if e > s]


class _Tally:
    """Counts summed over documents: span matches per pair and label, alpha coincidences, kappa tables."""

    def __init__(self, order: list[str], labelset: LabelSet, wanted: set[str] | None) -> None:
        self.order = order
        self.wanted = wanted
        self.links = {label.name: set(label.links()) for label in labelset.labels if label.name in set(order)}
        for label in order:
            self.links.setdefault(label, set())
        self.label_attributes = {label.name: list(label.attributes) for label in labelset.labels}
        # pair -> label -> [strict matches, partial matches, spans a, spans b]
        self.counts: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(
            lambda: defaultdict(lambda: [0, 0, 0, 0])
        )
        self.pair_documents: Counter[tuple[str, str]] = Counter()
        self.alpha_by_label = {label: BinaryCoincidences() for label in order}
        # label -> Counter of (A's attribute tuple, B's attribute tuple) over matched pairs
        self.kappa_joint: dict[str, Counter[tuple[AttributeTuple, AttributeTuple]]] = defaultdict(Counter)
        self.spans_per_label: Counter[str] = Counter()
        self.documents = 0
        self.everyone: set[str] = set()

    def _spans(self, own: list[Mapping[str, Any]]) -> Spans:
        grouped: Spans = defaultdict(list)
        for index, record in enumerate(own):
            if self.wanted is None or record["label"] in self.wanted:
                grouped[record["label"]].append((record["start"], record["end"], index))
        for label, label_spans in grouped.items():
            label_spans.sort()
            self.spans_per_label[label] += len(label_spans)
        return grouped

    def add_document(self, per_annotator: Mapping[str, list[Mapping[str, Any]]], space: _UnitSpace) -> None:
        """Count one document that two or more annotators annotated."""
        names = sorted(per_annotator)
        self.documents += 1
        self.everyone.update(names)
        spans = {name: self._spans(per_annotator[name]) for name in names}
        targets: dict[str, Targets] = {
            name: {r["id"]: (r["start"], r["end"], r["label"]) for r in rs if r.get("id") is not None}
            for name, rs in per_annotator.items()
        }
        for label in self.order:
            coders = [space.intervals(spans[name].get(label, [])) for name in names]
            _alpha_units(coders, space.length, self.alpha_by_label[label])
        attribute_tuples: dict[tuple[str, int], AttributeTuple] = {}
        for a, b in combinations(names, 2):
            self.pair_documents[(a, b)] += 1
            for label in self.order:
                sa, sb = spans[a].get(label, []), spans[b].get(label, [])
                if sa or sb:
                    matched = self._match(self.counts[(a, b)][label], sa, sb)
                    if matched and self.label_attributes.get(label):
                        for i, j in matched:
                            key_a, key_b = (a, sa[i][2]), (b, sb[j][2])
                            for key in (key_a, key_b):
                                if key not in attribute_tuples:
                                    record = per_annotator[key[0]][key[1]]
                                    attribute_tuples[key] = self._attributes(record, label, targets[key[0]])
                            self.kappa_joint[label][(attribute_tuples[key_a], attribute_tuples[key_b])] += 1

    @staticmethod
    def _match(entry: list[int], sa: list[tuple[int, int, int]], sb: list[tuple[int, int, int]]) -> list:
        matched, exact = _partial_pairs(sa, sb)
        entry[0] += exact
        entry[1] += len(matched)
        entry[2] += len(sa)
        entry[3] += len(sb)
        return matched

    def _attributes(self, record: Mapping[str, Any], label: str, targets: Targets) -> AttributeTuple:
        return _attribute_tuple(record, self.label_attributes[label], self.links[label], targets)

    def _pair(self, a: str, b: str, label_totals: dict[str, list[int]], overall: list[int]) -> dict[str, Any]:
        """One pair's figures, adding its counts to the per-label and overall totals."""
        per_label = self.counts.get((a, b), {})
        totals = [0, 0, 0, 0]
        label_out = {}
        for label in self.order:
            if label not in per_label:
                continue
            s, p, na, nb = per_label[label]
            label_out[label] = {"strict": _prf(s, na, nb), "partial": _prf(p, na, nb)}
            for position, value in enumerate((s, p, na, nb)):
                totals[position] += value
                label_totals[label][position] += value
                overall[position] += value
        return {
            "a": a,
            "b": b,
            "documents": self.pair_documents[(a, b)],
            "strict": _prf(totals[0], totals[2], totals[3]),
            "partial": _prf(totals[1], totals[2], totals[3]),
            "per_label": label_out,
        }

    def result(self, unit: str) -> dict[str, Any]:
        """The figures (see :func:`compute_agreement`)."""
        overall = [0, 0, 0, 0]
        label_totals: dict[str, list[int]] = {label: [0, 0, 0, 0] for label in self.order}
        # Pairs with spans first (their counts in pair order), then pairs that agreed on having no span at all.
        pairs = [self._pair(a, b, label_totals, overall) for a, b in sorted(self.counts)]
        pairs += [
            self._pair(a, b, label_totals, overall)
            for a, b in sorted(self.pair_documents)
            if (a, b) not in self.counts
        ]
        pairs.sort(key=lambda pair: (pair["a"], pair["b"]))
        pooled = BinaryCoincidences()
        for coincidences in self.alpha_by_label.values():
            pooled += coincidences
        return {
            "documents": self.documents,
            "annotators": sorted(self.everyone),
            "labels": self.order,
            "unit": unit,
            "overall": {
                "strict": _prf(overall[0], overall[2], overall[3]),
                "partial": _prf(overall[1], overall[2], overall[3]),
                "alpha": pooled.alpha(),
            },
            "average": {"strict": _mean(pairs, "strict"), "partial": _mean(pairs, "partial")},
            "per_label": {
                label: {
                    "strict": _prf(label_totals[label][0], label_totals[label][2], label_totals[label][3]),
                    "partial": _prf(label_totals[label][1], label_totals[label][2], label_totals[label][3]),
                    "alpha": self.alpha_by_label[label].alpha(),
                    "spans": self.spans_per_label[label],
                }
                for label in self.order
            },
            "pairs": pairs,
            "attributes": {
                label: {
                    attribute: _kappa(_marginal(joint, position))
                    for position, attribute in enumerate(self.label_attributes[label])
                }
                for label, joint in self.kappa_joint.items()
            },
        }


def _mean(pairs: list[dict[str, Any]], kind: str) -> dict[str, float | None]:
    """The mean of the pairs' precision, recall and F1 (macro over pairs)."""
    if not pairs:
        return {"precision": None, "recall": None, "f1": None}
    figures = [pair[kind] for pair in pairs]
    return {
        key: sum(figure[key] for figure in figures) / len(figures) for key in ("precision", "recall", "f1")
    }


def compute_agreement(
    records: Iterable[Mapping[str, Any]],
    *,
    texts: Mapping[str, str] | None = None,
    lengths: Mapping[str, int] | None = None,
    annotators: Mapping[str, Iterable[str]] | None = None,
    labelset: LabelSet | None = None,
    labels: Iterable[str] | None = None,
    unit: str = "char",
) -> dict[str, Any]:
    """Agreement figures of annotation ``records`` (see the module docstring), as a JSON-ready dict::

        {"documents": int, "annotators": [str], "labels": [str], "unit": "char"|"token",
         "overall": {"strict": PRF, "partial": PRF, "alpha": float|None},
         "average": {"strict": {"precision", "recall", "f1"}, "partial": {...}},   # mean over pairs
         "per_label": {label: {"strict": PRF, "partial": PRF, "alpha": float|None, "spans": int}},
         "pairs": [{"a", "b", "documents", "strict": PRF, "partial": PRF,
                    "per_label": {label: {"strict": PRF, "partial": PRF}}}],
         "attributes": {label: {attribute: {"kappa": float|None, "observed": float|None, "n": int}}}}

    PRF is ``{"precision", "recall", "f1", "matches", "spans_a", "spans_b"}``. ``annotators`` (doc_id ->
    names) adds annotators who annotated a document without marking any span (e.g. assignments marked done);
    ``labels`` restricts every figure to those labels; ``texts`` (doc_id -> text) is needed for tokens.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    labelset = labelset or default_labelset()
    wanted = set(labels) if labels is not None else None
    by_doc = _by_document(records, annotators)
    tally = _Tally(_label_order(by_doc, labelset, wanted), labelset, wanted)
    for doc_id, per_annotator in by_doc.items():
        if len(per_annotator) < 2:
            continue
        text = texts.get(doc_id) if texts else None
        length = lengths.get(doc_id) if lengths else None
        tally.add_document(per_annotator, _UnitSpace(doc_id, per_annotator, text, length, unit))
    return tally.result(unit)


def attribute_key(
    record: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]], link_names: set[str]
) -> str:
    """The record's attributes as a canonical string; link attributes (``speaker``) become the target span's
    (start, end, label), so the same choice by two annotators gives the same key. Unset values are dropped."""
    attributes = {}
    for name, value in (record.get("attributes") or {}).items():
        if value is None or value == [] or value == "":
            continue
        if name in link_names and isinstance(value, str) and value in by_id:
            target = by_id[value]
            value = {"span": [target["start"], target["end"], target["label"]]}
        elif isinstance(value, list):
            value = sorted(value, key=repr)
        attributes[name] = value
    return json.dumps(attributes, sort_keys=True, ensure_ascii=False)


def span_votes(
    records: Iterable[Mapping[str, Any]],
    annotators: Iterable[str] | None = None,
    labelset: LabelSet | None = None,
    link_targets: Iterable[Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The spans of ONE document grouped by (start, end, label), for review candidates (:mod:`corpus.review`)::

        [{"start", "end", "label", "annotators": [names], "ids": [record ids], "agreed": bool,
          "variants": [{"attributes": {...}, "annotators": [names], "ids": [ids]}], "overlaps": bool}]

    ``agreed`` is True when every annotator of the document (``annotators``, default: those with records) marked
    it; ``variants`` split the markers by their attribute values (same key as :func:`attribute_key`), the
    largest group first; ``overlaps`` is True when another group of the same label overlaps it (a boundary
    disagreement). Sorted by start, end, label. ``link_targets`` (default: ``records``) are the records a link
    attribute may point at: pass every record of the document when ``records`` is a subset (the undecided
    ones), so a speaker that was already reviewed still compares by its offsets.
    """
    labelset = labelset or default_labelset()
    records = [r for r in records if _human(r)]
    targets = records if link_targets is None else [r for r in link_targets if _human(r)]
    names = sorted(set(annotators) if annotators is not None else {r["annotator"] for r in records})
    links = {label.name: set(label.links()) for label in labelset.labels}
    by_annotator: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
    for target in targets:
        if target.get("id") is not None:
            by_annotator[target["annotator"]][target["id"]] = target
    groups: dict[tuple[int, int, str], dict[str, list[Mapping[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for record in records:
        own = by_annotator.get(record["annotator"], {})
        key = attribute_key(record, own, links.get(record["label"], set()))
        groups[(record["start"], record["end"], record["label"])][key].append(record)
    out = []
    keys = sorted(groups)
    for start, end, label in keys:
        variants = groups[(start, end, label)]
        markers = sorted({r["annotator"] for rs in variants.values() for r in rs})
        out.append(
            {
                "start": start,
                "end": end,
                "label": label,
                "annotators": markers,
                "ids": [r.get("id") for rs in variants.values() for r in rs],
                "agreed": set(names) <= set(markers),
                "variants": sorted(
                    (
                        {
                            "attributes": dict(rs[0].get("attributes") or {}),
                            "key": key,
                            "annotators": sorted({r["annotator"] for r in rs}),
                            "ids": [r.get("id") for r in rs],
                        }
                        for key, rs in variants.items()
                    ),
                    key=lambda variant: (-len(variant["annotators"]), variant["annotators"]),
                ),
                "overlaps": any(
                    other != (start, end, label) and other[2] == label and other[0] < end and start < other[1]
                    for other in keys
                ),
            }
        )
    return out
