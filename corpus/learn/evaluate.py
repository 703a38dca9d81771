"""``learn --evaluate``: cross-validation by document, per-label strict and partial P/R/F1, and a learning curve,
for every recommender in the same run.

The documents (each doc_id once: gold where there is gold, else the first done annotator's spans, the order of
:func:`corpus.labelled.labelled_documents`) are shuffled with a fixed seed and dealt into ``folds`` parts. For
each part, every recommender learns from the other parts (every labelled version of their documents) and
suggests for the held-out documents; the held-out spans are the reference. For the learning curve each fold's
training part is cut to the first 25/50/75/100% of its documents (same shuffled order), so F1 is measured as
the number of training documents grows; the table is the 100% point.

The figures are :func:`corpus.agreement.compute_agreement`'s, the code behind ``newsspan agreement``: the
reference is annotator A (recall = matched / reference spans), the suggestions annotator B (precision = matched
/ suggested spans), pooled over all folds (micro average).

Recommenders are named callables (:class:`Recommender`): ``rules`` (:func:`corpus.suggest.suggest`, which learns
nothing: suggested once per document) and ``model`` (the span model, trained per fold and fraction). Add one by
appending to the list :func:`default_recommenders` returns (propagation is the next entry).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from corpus.agreement import compute_agreement
from corpus.errors import NewsspanError
from corpus.labelled import LabelledDocument
from corpus.learn.pipeline import Settings
from corpus.scheme import LabelSet

Suggester = Callable[[Sequence[dict[str, Any]]], list[list[dict[str, Any]]]]
"""Suggestion records for each of a batch of documents."""

Trainer = Callable[[Sequence[LabelledDocument], LabelSet], Suggester]
"""Learns from labelled documents (a rule recommender ignores them) and returns its suggester."""

REFERENCE = "a-reference"  # annotator A of compute_agreement: the held-out spans
SUGGESTED = "b-suggested"  # annotator B: a recommender's suggestions
FRACTIONS = (0.25, 0.5, 0.75, 1.0)
DEFAULT_FOLDS = 5


@dataclass(frozen=True)
class Recommender:
    """A named recommender for evaluation: ``train`` gives its suggester; ``learns`` False means the training
    documents do not change what it suggests (so it is run once per held-out part, not once per fraction)."""

    name: str
    train: Trainer
    learns: bool = True


def rules_recommender() -> Recommender:
    """The rule suggestions (numbers, registry actors) of :func:`corpus.suggest.suggest`."""
    from corpus.suggest import suggest

    def train(_labelled: Sequence[LabelledDocument], labelset: LabelSet) -> Suggester:
        return lambda documents: [suggest(dict(document), labelset=labelset) for document in documents]

    return Recommender("rules", train, learns=False)


def model_recommender(settings: Settings | None = None) -> Recommender:
    """The span model (:mod:`corpus.learn.model`), trained from scratch on each training part."""
    from corpus.learn.model import train_model

    def train(labelled: Sequence[LabelledDocument], labelset: LabelSet) -> Suggester:
        model = train_model(labelled, labelset=labelset, settings=settings)
        return lambda documents: [prediction.records for prediction in model.predict(documents)]

    return Recommender("model", train)


def propagation_recommender() -> Recommender:
    """Propagation (:mod:`corpus.suggest.propagation`): its lexicon is built from each training part (no
    rejections: held-out evaluation has none)."""
    from corpus.suggest.propagation import build_lexicon, propagate

    def train(labelled: Sequence[LabelledDocument], labelset: LabelSet) -> Suggester:
        lexicon = build_lexicon(labelled, (), labelset)
        return lambda documents: [propagate(dict(document), lexicon, labelset) for document in documents]

    return Recommender("propagation", train)


def default_recommenders(settings: Settings | None = None) -> list[Recommender]:
    """The recommenders compared by ``learn --evaluate``, in table order: the rules, propagation alone and the
    span model, in the same run on the same folds."""
    return [rules_recommender(), propagation_recommender(), model_recommender(settings)]


def score(
    reference: Sequence[LabelledDocument],
    suggested: dict[str, list[dict[str, Any]]],
    labelset: LabelSet,
) -> dict[str, Any]:
    """compute_agreement of the reference spans (A) and the suggestions (B) over the reference documents."""
    return compute_agreement(
        agreement_records(reference, suggested),
        annotators={item.document["doc_id"]: [REFERENCE, SUGGESTED] for item in reference},
        labelset=labelset,
        labels=labelset.names,
    )


def agreement_records(
    reference: Sequence[LabelledDocument], suggested: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The records compute_agreement compares: reference spans as annotator A, suggestions as annotator B."""
    out = []
    for item in reference:
        doc_id = item.document["doc_id"]
        for name, records in ((REFERENCE, item.records), (SUGGESTED, suggested.get(doc_id, []))):
            out += [
                {
                    "doc_id": doc_id,
                    "start": r["start"],
                    "end": r["end"],
                    "label": r["label"],
                    "annotator": name,
                }
                for r in records
            ]
    return out


@dataclass
class Evaluation:
    """The report (JSON-ready) and, per recommender, the suggestions made for the held-out documents at 100%
    (doc_id -> records) with the reference documents, so a caller can check the figures."""

    report: dict[str, Any]
    reference: list[LabelledDocument]
    suggested: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)


def _reference(labelled: Sequence[LabelledDocument]) -> list[LabelledDocument]:
    seen: dict[str, LabelledDocument] = {}
    for item in labelled:
        seen.setdefault(item.document["doc_id"], item)
    return list(seen.values())


def _folds(doc_ids: list[str], folds: int, seed: int) -> list[list[str]]:
    order = sorted(doc_ids)
    random.Random(seed).shuffle(order)
    return [order[index::folds] for index in range(folds)]


class _Run:
    """Accumulates suggestions per (recommender, fraction) over the folds."""

    def __init__(self, labelled: Sequence[LabelledDocument], labelset: LabelSet, fractions: Sequence[float]):
        self.labelled = labelled
        self.labelset = labelset
        self.fractions = list(fractions)
        self.suggested: dict[tuple[str, float], dict[str, list[dict[str, Any]]]] = {}
        self.training_documents: dict[float, list[int]] = {fraction: [] for fraction in self.fractions}

    def fold(self, recommenders: Sequence[Recommender], train_ids: list[str], test: list[LabelledDocument]):
        documents = [dict(item.document) for item in test]
        for recommender in recommenders:
            made: list[list[dict[str, Any]]] | None = None
            for fraction in self.fractions:
                cut = train_ids[: max(1, math.ceil(fraction * len(train_ids)))]
                if recommender.learns or made is None:
                    wanted = set(cut)
                    training = [item for item in self.labelled if item.document["doc_id"] in wanted]
                    made = recommender.train(training, self.labelset)(documents)
                into = self.suggested.setdefault((recommender.name, fraction), {})
                for document, records in zip(documents, made, strict=True):
                    into[document["doc_id"]] = records
        for fraction in self.fractions:
            self.training_documents[fraction].append(max(1, math.ceil(fraction * len(train_ids))))


def _figures(result: dict[str, Any]) -> dict[str, Any]:
    keep = ("precision", "recall", "f1", "matches", "spans_a", "spans_b")
    return {
        "per_label": {
            label: {kind: {k: figures[kind][k] for k in keep} for kind in ("strict", "partial")}
            for label, figures in result["per_label"].items()
        },
        "overall": {kind: {k: result["overall"][kind][k] for k in keep} for kind in ("strict", "partial")},
    }


def evaluate(
    labelled: Sequence[LabelledDocument],
    *,
    labelset: LabelSet,
    folds: int = DEFAULT_FOLDS,
    fractions: Sequence[float] = FRACTIONS,
    recommenders: Sequence[Recommender] | None = None,
    settings: Settings | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Evaluation:
    """Cross-validate ``recommenders`` (default :func:`default_recommenders`) by document (see the module)."""
    started = time.perf_counter()
    reference = _reference(labelled)
    if len(reference) < 2:
        raise NewsspanError(
            f"{len(reference)} labelled document(s): cross-validation needs at least 2",
            hint="label and mark more documents done, or review them into gold",
        )
    if folds < 2:
        raise NewsspanError(f"--folds {folds}: at least 2 folds are needed", hint="use --folds 2 or more")
    folds = min(folds, len(reference))
    recommenders = list(recommenders) if recommenders is not None else default_recommenders(settings)
    run = _Run(labelled, labelset, sorted(set(fractions)))
    by_id = {item.document["doc_id"]: item for item in reference}
    parts = _folds(list(by_id), folds, seed)
    for index, test_ids in enumerate(parts):
        train_ids = [doc_id for other in parts if other is not test_ids for doc_id in other]
        random.Random(seed + index).shuffle(train_ids)
        if progress is not None:
            progress(
                f"fold {index + 1}/{folds}: {len(train_ids)} training, {len(test_ids)} held-out documents"
            )
        run.fold(recommenders, train_ids, [by_id[doc_id] for doc_id in test_ids])
    report: dict[str, Any] = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "documents": len(reference),
        "reference_spans": sum(len(item.records) for item in reference),
        "folds": folds,
        "seed": seed,
        "fractions": run.fractions,
        "labels": labelset.names,
        "recommenders": {},
        "curve": [],
    }
    top = run.fractions[-1]
    for recommender in recommenders:
        for fraction in run.fractions:
            result = _figures(score(reference, run.suggested[(recommender.name, fraction)], labelset))
            if fraction == top:
                report["recommenders"][recommender.name] = result
            counts = run.training_documents[fraction]
            report["curve"].append(
                {
                    "recommender": recommender.name,
                    "fraction": fraction,
                    "training_documents": sum(counts) / len(counts),
                    "strict_f1": result["overall"]["strict"]["f1"],
                    "partial_f1": result["overall"]["partial"]["f1"],
                    "per_label_strict_f1": {k: v["strict"]["f1"] for k, v in result["per_label"].items()},
                }
            )
    report["seconds"] = round(time.perf_counter() - started, 2)
    suggested = {r.name: run.suggested[(r.name, top)] for r in recommenders}
    return Evaluation(report, reference, suggested)
