"""What reviewers read: the documents in review (with their annotators and gold counts) and their spans."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from workbench.store import tables as t
from workbench.store.access import REVIEW_STAGES
from workbench.store.annotations import AnnotationsMixin, row_record
from workbench.store.errors import AccessDenied


class ReviewMixin(AnnotationsMixin):
    def _require_reviewer(self, user) -> None:
        if not user.is_reviewer:
            raise AccessDenied(f"{user.name} ({user.role}) may not review", hint="reviewers and admins do")

    def review_documents(self, user, *, every_stage: bool = False) -> list[dict[str, Any]]:
        """Documents in review or final (admins: ``every_stage`` for all), one query: doc_id, title, source_id,
        stage, annotators, gold spans."""
        self._require_reviewer(user)
        if every_stage and not user.is_admin:
            raise AccessDenied(f"{user.name} ({user.role}) may only list documents in review")
        live = t.annotations.c.deleted.is_(False)
        annotators = (
            select(func.count(func.distinct(t.annotations.c.annotator)))
            .where(
                t.annotations.c.doc_id == t.documents.c.doc_id, t.annotations.c.layer == "annotation", live
            )
            .scalar_subquery()
        )
        gold = (
            select(func.count())
            .where(t.annotations.c.doc_id == t.documents.c.doc_id, t.annotations.c.layer == "gold", live)
            .scalar_subquery()
        )
        query = select(
            t.documents.c.doc_id, t.documents.c.record, t.documents.c.stage, annotators, gold
        ).order_by(t.documents.c.stage, t.documents.c.doc_id)
        if not every_stage:
            query = query.where(t.documents.c.stage.in_(REVIEW_STAGES))
        with self._read() as connection:
            rows = connection.execute(query).all()
        return [
            {
                "doc_id": doc_id,
                "title": record.get("title"),
                "source_id": record.get("source_id"),
                "stage": stage,
                "annotators": n_annotators,
                "gold": n_gold,
            }
            for doc_id, record, stage, n_annotators, n_gold in rows
        ]

    def review_records(self, user) -> list[dict[str, Any]]:
        """Every annotator's current spans on the documents in review or final (for agreement figures)."""
        self._require_reviewer(user)
        query = (
            select(t.annotations)
            .join(t.documents, t.documents.c.doc_id == t.annotations.c.doc_id)
            .where(
                t.documents.c.stage.in_(REVIEW_STAGES),
                t.annotations.c.layer == "annotation",
                t.annotations.c.deleted.is_(False),
            )
            .order_by(t.annotations.c.doc_id, t.annotations.c.start, t.annotations.c.end)
        )
        with self._read() as connection:
            return [row_record(row) for row in connection.execute(query)]
