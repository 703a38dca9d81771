"""Training data: what the team has labelled (:mod:`corpus.labelled`) as spaCy ``Doc``s with token-aligned spans.

A span is kept only when its character offsets fall exactly on token boundaries of the pipeline's tokenizer
(``Doc.char_span(..., alignment_mode="strict")``): offsets are never shifted to fit. Spans that do not align
are counted per label and reported (``Alignment``), so a tokenizer that cuts badly shows in the numbers.

While training, spancat scores the n-grams of its suggester plus, under ``CANDIDATES_KEY`` of each training
``Doc``, the labelled spans and their near misses (each boundary moved by ``NEAR_MISS`` tokens): span_finder is
not used to propose training candidates because, until it has learnt, it proposes nearly every (start, end)
pair (measured: an epoch over 4 seed documents went from 0.8 s to 35 s). The near misses teach spancat the
boundaries of long spans, which span_finder proposes at prediction time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corpus.labelled import LabelledDocument

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.training import Example

SPANS_KEY = "sc"  # where spancat reads gold spans and writes its predictions
CANDIDATES_KEY = "span_candidates"  # where span_finder learns and writes its candidate spans
NEAR_MISS = (-3, -1, 1, 3)  # token shifts of a labelled span's start or end: training candidates


@dataclass
class Alignment:
    """What became of the labelled spans: ``used`` and ``misaligned`` per label, examples of misaligned ones,
    and spans of labels outside the label set (``unknown``)."""

    documents: int = 0
    used: Counter[str] = field(default_factory=Counter)
    misaligned: Counter[str] = field(default_factory=Counter)
    unknown: Counter[str] = field(default_factory=Counter)
    examples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def spans(self) -> int:
        return sum(self.used.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "spans": self.spans,
            "used": dict(self.used),
            "misaligned": dict(self.misaligned),
            "unknown": dict(self.unknown),
            "misaligned_examples": self.examples[:10],
        }


def to_doc(nlp: Language, item: LabelledDocument, labels: Sequence[str], report: Alignment) -> Doc:
    """The document's text tokenized, with its aligned spans of ``labels`` under ``SPANS_KEY`` (and unlabelled
    under ``CANDIDATES_KEY``, what span_finder learns from)."""
    text = item.document["text"]
    doc = nlp.make_doc(text)
    wanted = set(labels)
    spans = []
    for record in item.records:
        label = record["label"]
        if label not in wanted:
            report.unknown[label] += 1
            continue
        span = doc.char_span(record["start"], record["end"], label=label, alignment_mode="strict")
        if span is None:
            report.misaligned[label] += 1
            report.examples.append(
                {
                    "doc_id": item.document["doc_id"],
                    "start": record["start"],
                    "end": record["end"],
                    "label": label,
                }
            )
            continue
        report.used[label] += 1
        spans.append(span)
    doc.spans[SPANS_KEY] = spans
    doc.spans[CANDIDATES_KEY] = [doc[span.start : span.end] for span in spans]
    report.documents += 1
    return doc


def examples(
    nlp: Language, items: Iterable[LabelledDocument], labels: Sequence[str]
) -> tuple[list[Example], Alignment]:
    """Training examples (predicted = the bare tokens, reference = the aligned spans) and the alignment report."""
    from spacy.training import Example

    report = Alignment()
    out = []
    for item in items:
        reference = to_doc(nlp, item, labels, report)
        predicted = nlp.make_doc(reference.text)
        predicted.spans[CANDIDATES_KEY] = [predicted[s:e] for s, e in near_misses(reference)]
        out.append(Example(predicted, reference))
    return out, report


def near_misses(doc: Doc) -> list[tuple[int, int]]:
    """The labelled spans' token ranges and, for each, the ranges with one boundary moved by ``NEAR_MISS``."""
    found = set()
    for span in doc.spans[SPANS_KEY]:
        found.add((span.start, span.end))
        for shift in NEAR_MISS:
            for start, end in ((span.start + shift, span.end), (span.start, span.end + shift)):
                if 0 <= start < end <= len(doc):
                    found.add((start, end))
    return sorted(found)
