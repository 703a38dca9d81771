"""The typed columns of the ``gold`` and ``annotations`` configs, derived from the label set."""

from __future__ import annotations

from typing import Any

from datasets import Features, List, Value

from corpus.features import span_core_feature
from corpus.scheme import LabelSet, default_labelset

DOCUMENT_FIELDS = ("doc_id", "source_id", "title", "source", "published", "url", "story_id", "language")


def release_span_feature(labelset: LabelSet | None = None) -> dict[str, Any]:
    """A span inside a gold/annotations row; ``links.target`` is an index into the same row's ``spans``."""
    span = span_core_feature(labelset or default_labelset())
    span.update(
        {
            "annotator": Value("string"),
            "draft": Value("bool"),
            "links": List({"role": Value("string"), "target": Value("int32")}),
        }
    )
    return span


def annotated_features(labelset: LabelSet | None = None, *, per_annotator: bool = False) -> Features:
    """Features of the ``gold`` config (``per_annotator=False``) or the ``annotations`` config."""
    columns: dict[str, Any] = {name: Value("string") for name in DOCUMENT_FIELDS}
    if per_annotator:
        columns["annotator"] = Value("string")
    columns.update(
        {
            "text": Value("string"),
            "text_sha256": Value("string"),
            "spans": List(release_span_feature(labelset)),
        }
    )
    return Features(columns)
