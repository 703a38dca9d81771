"""Annotations: the store's whole annotation API, composed from one module per job.

* ``annotation_reads`` -- documents, current spans, one span and its history (``AnnotationReadsMixin``).
* ``saving`` -- save, update and delete with optimistic concurrency and validation (``SavingMixin``).
* ``undo`` -- reverse a user's latest change (``UndoMixin``).
* ``review_decisions`` -- a reviewer's accept (into gold) or reject (``ReviewDecisionsMixin``).
* ``suggestions`` -- machine suggestions and users' decisions on them (``SuggestionsMixin``).
* ``rows`` -- how rows are returned (``row_record``, ``document_dict``) and ``new_id``.

The other mixins of ``Store`` build on ``AnnotationsMixin``; import the helpers from here or from ``rows``.
"""

from __future__ import annotations

from workbench.store.review_decisions import ReviewDecisionsMixin
from workbench.store.rows import document_dict, new_id, references, row_record
from workbench.store.suggestions import SuggestionsMixin
from workbench.store.undo import UndoMixin

__all__ = ["AnnotationsMixin", "document_dict", "new_id", "references", "row_record"]


class AnnotationsMixin(UndoMixin, ReviewDecisionsMixin, SuggestionsMixin):
    """Reads, saves, undo, review decisions and suggestions of annotations, over one engine."""
