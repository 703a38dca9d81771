"""The rows of an annotated release: ``gold`` and ``annotations`` rows by split, and the ``documents`` rows.

Rows are streamed (the source is called once per config and split, never held in memory all at once) and
counted as they are written, for the card.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from corpus.annotated_release.counts import ReleaseCounts
from corpus.annotated_release.encoder import SpanEncoder
from corpus.annotated_release.features import DOCUMENT_FIELDS, annotated_features
from corpus.annotated_release.source import AnnotatedDocument
from corpus.document_release import DOCUMENTS_CONFIG, release_row
from corpus.features import document_features
from corpus.release import ReleaseConfig
from corpus.scheme import LabelSet, default_labelset
from corpus.splits import DEFAULT_RATIOS, DEFAULT_SALT, assign_split, story_key

GOLD_CONFIG = "gold"
ANNOTATIONS_CONFIG = "annotations"


def document_part(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document columns of a gold/annotations row."""
    row = {name: document.get(name) for name in DOCUMENT_FIELDS}
    row["text"] = document["text"]
    row["text_sha256"] = document.get("text_sha256")
    return row


class _Splitter:
    """The split of each document (salted story hash), computed once per document."""

    def __init__(self, salt: str, ratios: Mapping[str, float]) -> None:
        self.salt, self.ratios = salt, ratios
        self._known: dict[str, str] = {}

    def __call__(self, document: Mapping[str, Any]) -> str:
        doc_id = document["doc_id"]
        found = self._known.get(doc_id)
        if found is None:
            found = assign_split(story_key(document), salt=self.salt, ratios=self.ratios)
            self._known[doc_id] = found
        return found


def annotated_configs(
    source: Callable[[], Iterable[AnnotatedDocument]],
    *,
    labelset: LabelSet | None = None,
    salt: str = DEFAULT_SALT,
    ratios: Mapping[str, float] = DEFAULT_RATIOS,
    counts: ReleaseCounts | None = None,
    annotations: bool = True,
) -> list[ReleaseConfig]:
    """The ``gold`` (and ``annotations``) configs; ``source`` is called once per config and split (rows are
    streamed, never held in memory all at once). ``counts`` is filled as the rows are written."""
    labelset = labelset or default_labelset()
    encoder = SpanEncoder(labelset)
    names = labelset.names
    tally = counts if counts is not None else ReleaseCounts()
    split = _Splitter(salt, ratios)

    def gold_rows(wanted: str) -> Iterator[dict[str, Any]]:
        for item in source():
            if split(item.document) != wanted:
                continue
            gold = item.gold  # read once: a source may compute it on access
            if not (gold or item.final):
                continue
            spans = encoder.spans(item.document, gold, gold=True)
            tally.configs[GOLD_CONFIG][wanted].add(item.document["doc_id"], spans, names)
            yield {**document_part(item.document), "spans": spans}

    def annotation_rows(wanted: str) -> Iterator[dict[str, Any]]:
        for item in source():
            per_annotator = item.annotations
            if split(item.document) != wanted or not per_annotator:
                continue
            base = document_part(item.document)
            for annotator in sorted(per_annotator):
                spans = encoder.spans(item.document, per_annotator[annotator], gold=False)
                tally.annotators.add(annotator)
                tally.configs[ANNOTATIONS_CONFIG][wanted].add(item.document["doc_id"], spans, names)
                yield {**base, "annotator": annotator, "spans": spans}

    configs = [
        ReleaseConfig(
            GOLD_CONFIG,
            annotated_features(labelset),
            {name: gold_rows(name) for name in ratios},
            "adjudicated spans, one row per document",
        )
    ]
    if annotations:
        configs.append(
            ReleaseConfig(
                ANNOTATIONS_CONFIG,
                annotated_features(labelset, per_annotator=True),
                {name: annotation_rows(name) for name in ratios},
                "every annotator's spans, one row per document and annotator",
            )
        )
    return configs


def documents_config(
    documents: Callable[[], Iterable[Mapping[str, Any]]],
    *,
    salt: str,
    ratios: Mapping[str, float],
    counts: ReleaseCounts,
) -> ReleaseConfig:
    """The ``documents`` config (the corpus, one ``train`` split; its ``split`` column follows ``ratios``),
    counting sources and licences for the card."""

    def document_rows() -> Iterator[dict[str, Any]]:
        for document in documents():
            counts.sources[document.get("source") or "unknown"] += 1
            metadata = document.get("metadata") or {}
            licence = metadata.get("license") or metadata.get("licence")
            if licence:
                counts.licenses[str(licence)] += 1
            row = release_row(document, salt=salt)
            if ratios != DEFAULT_RATIOS:
                row["split"] = assign_split(story_key(document), salt=salt, ratios=ratios)
            yield row

    return ReleaseConfig(DOCUMENTS_CONFIG, document_features(), {"train": document_rows()})
