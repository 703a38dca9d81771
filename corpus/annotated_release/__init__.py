"""The annotated release: documents, gold spans and every annotator's spans as Parquet splits.

``newsspan release build VERSION --annotations`` writes, with the guarantees of :func:`corpus.release.build_release`
(atomic, immutable, manifest with checksums, card, LATEST), three configs:

* ``documents``: the corpus, as in a plain release (one ``train`` split; the ``split`` column says where each
  document goes in the annotated configs).
* ``gold``: one row per document that has gold spans (or was finalized without any): the document fields, its
  ``text`` and ``spans``, a list of ``{id, start, end, span_text, label (ClassLabel), attributes (typed struct),
  annotator, draft, links}``. Only the ``gold`` layer goes here; a gold span missing required attributes refuses
  the build (the store never saves one).
* ``annotations``: one row per document and annotator (``annotator`` column), with that annotator's spans.
  Annotators who marked a document done without any span get a row with an empty list. Draft spans (required
  attributes still missing) are **kept and marked** ``draft = true``, so agreement studies see exactly what the
  annotators saw; filter them out with ``not span["draft"]``.

Suggestions never enter a release. ``links`` turn references to other spans into the index of the target span in
the same row's ``spans`` list: a claim's ``speaker`` becomes ``{"role": "speaker", "target": 3}`` (the attribute
keeps the span id, or the literal ``"author"``, which has no link). Spans are sorted by start, end, label.

Splits ``train``/``validation``/``test`` come from a salted hash of ``story_id`` (else ``doc_id``), see
:mod:`corpus.splits`: deterministic, one story in one split, and a document never moves when the corpus grows.
Empty splits are left out of the card. Every span is checked at build time: ``text[start:end] == span_text``, or
the build stops with a message naming the document and span, and nothing is published.

The annotations come through :class:`AnnotationSource` (the store implements it); the library never opens the
store. One module per job:

* :mod:`~corpus.annotated_release.source`: ``AnnotatedDocument`` and the ``AnnotationSource`` interface;
* :mod:`~corpus.annotated_release.features`: the typed columns;
* :mod:`~corpus.annotated_release.encoder`: records to span rows, checked against the text;
* :mod:`~corpus.annotated_release.rows`: the rows of each config and split, streamed;
* :mod:`~corpus.annotated_release.counts`: what the card counts while rows are written;
* :mod:`~corpus.annotated_release.ratios`: split ratios from the command line;
* :mod:`~corpus.annotated_release.card`: the README.md;
* :mod:`~corpus.annotated_release.build`: the build itself.
"""

from __future__ import annotations

from corpus.annotated_release.build import build_annotated_release, build_annotated_release_from
from corpus.annotated_release.card import annotated_card
from corpus.annotated_release.counts import ReleaseCounts, SplitCounts
from corpus.annotated_release.encoder import SpanEncoder
from corpus.annotated_release.features import DOCUMENT_FIELDS, annotated_features, release_span_feature
from corpus.annotated_release.ratios import SPLITS, parse_ratios
from corpus.annotated_release.rows import ANNOTATIONS_CONFIG, GOLD_CONFIG, annotated_configs
from corpus.annotated_release.source import AnnotatedDocument, AnnotationSource

__all__ = [
    "ANNOTATIONS_CONFIG",
    "DOCUMENT_FIELDS",
    "GOLD_CONFIG",
    "SPLITS",
    "AnnotatedDocument",
    "AnnotationSource",
    "ReleaseCounts",
    "SpanEncoder",
    "SplitCounts",
    "annotated_card",
    "annotated_configs",
    "annotated_features",
    "build_annotated_release",
    "build_annotated_release_from",
    "parse_ratios",
    "release_span_feature",
]
