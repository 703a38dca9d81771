"""Predictions of a trained span model: suggestion records with a score for every label, and how unsure the
model is about each document (for active ordering).

For every candidate span spancat gives one probability per label (independent sigmoids). A candidate becomes a
suggestion for each label whose probability reaches the threshold; the record carries that probability as
``suggestion.score`` and every label's probability as ``suggestion.label_scores``.

Uncertainty of a document: the mean of the ``UNCERTAIN_K`` lowest margins ``|2p - 1|`` over its candidates'
(candidate, label) probabilities, taken as ``1 - mean`` so 1 is "the model cannot decide" and 0 "sure of every
candidate". The lowest margins, not the mean of all, because most candidates are confident negatives that
would hide the few undecided spans an annotator should look at.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from corpus.scheme import SCHEMA_VERSION

if TYPE_CHECKING:
    from spacy.language import Language

SUGGESTED_BY = "model"
DEFAULT_THRESHOLD = 0.5
UNCERTAIN_K = 10
BATCH_DOCUMENTS = 32


@dataclass
class Prediction:
    """One document's suggestion records and its uncertainty (None when the model had no candidate in it)."""

    doc_id: str
    records: list[dict[str, Any]]
    uncertainty: float | None


def _uncertainty(scores: Any) -> float | None:
    import numpy

    if scores.size == 0:
        return None
    margins = numpy.abs(2.0 * scores.ravel() - 1.0)
    k = min(UNCERTAIN_K, margins.size)
    lowest = numpy.partition(margins, k - 1)[:k]
    return float(1.0 - lowest.mean())


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _records(
    document: dict[str, Any],
    doc: Any,
    spans: Any,
    scores: Any,
    labels: Sequence[str],
    model_id: str,
    threshold: float,
) -> list[dict[str, Any]]:
    """Records for the candidates with a label at or above ``threshold`` (found with numpy first: most of the
    thousands of candidates of a document have none, and building their dicts was a third of the time)."""
    import numpy

    if not len(scores):
        return []
    kept = numpy.flatnonzero(scores.max(axis=1) >= threshold)
    if not len(kept):
        return []
    from spacy.attrs import IDX, LENGTH

    chars = doc.to_array([IDX, LENGTH]).astype("int64")  # each token's first character and length
    starts, ends = chars[:, 0], chars[:, 0] + chars[:, 1]
    text = document["text"]
    stamp = _stamp()
    rounded = numpy.round(scores[kept].astype("float64"), 4).tolist()
    out = []
    for row, values in zip(kept.tolist(), rounded, strict=True):
        start, end = int(starts[spans[row][0]]), int(ends[spans[row][1] - 1])
        label_scores = dict(zip(labels, values, strict=True))
        for label, score in label_scores.items():
            if score < threshold:
                continue
            out.append(
                {
                    "doc_id": document["doc_id"],
                    "text_sha256": document["text_sha256"],
                    "start": start,
                    "end": end,
                    "span_text": text[start:end],
                    "label": label,
                    "attributes": {},
                    "created_at": stamp,
                    "schema_version": SCHEMA_VERSION,
                    "suggested_by": SUGGESTED_BY,
                    "suggestion": {"score": score, "label_scores": label_scores, "model": model_id},
                }
            )
    out.sort(key=lambda record: (record["start"], record["end"], record["label"]))
    return out


def predict(
    nlp: Language,
    documents: Sequence[dict[str, Any]],
    *,
    model_id: str,
    threshold: float = DEFAULT_THRESHOLD,
    batch_size: int = BATCH_DOCUMENTS,
) -> Iterator[Prediction]:
    """A ``Prediction`` per document, in order; runs ``nlp.pipe`` in batches up to span_finder, then scores the
    candidates with spancat once per batch (so every label's probability is kept, not only those above its
    threshold)."""
    from spacy.util import minibatch

    spancat: Any = nlp.get_pipe("spancat")  # a SpanCategorizer (get_pipe is typed as any pipe)
    labels = list(spancat.labels)
    ops = spancat.model.ops
    for batch in minibatch(documents, size=batch_size):
        docs = list(nlp.pipe((d["text"] for d in batch), disable=["spancat"], batch_size=batch_size))
        indices, scores = spancat.predict(docs)
        scores = ops.to_numpy(scores)
        offset = 0
        for index, (document, doc) in enumerate(zip(batch, docs, strict=True)):
            count = int(indices.lengths[index])
            own_spans = ops.to_numpy(indices[index].dataXd) if count else []
            own_scores = scores[offset : offset + count]
            offset += count
            yield Prediction(
                document["doc_id"],
                _records(document, doc, own_spans, own_scores, labels, model_id, threshold),
                _uncertainty(own_scores) if count else None,
            )
