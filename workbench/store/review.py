"""What reviewers read: the documents in review (with their annotators and gold counts), what agreement is
computed over, and -- for annotators too, once a document is final -- their spans compared with gold."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select

from corpus.agreement_inputs import AgreementInputs
from corpus.errors import NewsspanError
from corpus.review import compare_with_gold
from workbench.store import tables as t
from workbench.store.access import REVIEW_STAGES, is_assigned
from workbench.store.annotations import AnnotationsMixin
from workbench.store.base import User
from workbench.store.errors import AccessDenied
from workbench.store.rows import document_dict, row_record


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

    def compared_with_gold(self, user: User, doc_id: str, annotator: str | None = None) -> dict[str, Any]:
        """What the reviewer made of an annotator's spans on a final document, read-only: the document, and the
        rows of ``corpus.review.compare_with_gold`` (each span kept, changed, moved, removed, or added by the
        reviewer). Annotators see their own (``annotator`` is theirs), on documents assigned to them; reviewers
        and admins anyone's. Gold becomes visible to annotators only here, once the document is final."""
        annotator = annotator or user.name
        with self._read() as connection:
            document = self._document_row(connection, doc_id)
            if not user.is_reviewer and (annotator != user.name or not is_assigned(connection, user, doc_id)):
                raise AccessDenied(f"{user.name} may only compare their own spans on their own documents")
            if document.stage != "final":
                raise NewsspanError(
                    f"document {doc_id} is not final yet (stage {document.stage})",
                    hint="the comparison with gold opens once a reviewer has finished the document",
                )
            own = [row_record(row) for row in self._current(connection, doc_id, "annotation", annotator)]
            gold = [row_record(row) for row in self._current(connection, doc_id, "gold")]
        return {
            "document": {**document_dict(document), "stage": document.stage},
            "annotator": annotator,
            "rows": compare_with_gold(own, gold),
        }

    def agreement_inputs(self, user) -> AgreementInputs:
        """What agreement is computed over (the rule of ``corpus.agreement_inputs``): the documents in review
        or final, their texts, every annotator's current spans there (suggestions never) and who marked each
        done. Reviewers and admins get the same inputs, so the Agreement page shows what ``newsspan agreement``
        prints and a release card records."""
        self._require_reviewer(user)
        in_review = t.documents.c.stage.in_(REVIEW_STAGES)
        spans = (
            select(t.annotations)
            .join(t.documents, t.documents.c.doc_id == t.annotations.c.doc_id)
            .where(
                in_review,
                t.annotations.c.layer == "annotation",
                t.annotations.c.deleted.is_(False),
                t.annotations.c.suggested_by.is_(None),
            )
            .order_by(t.annotations.c.doc_id, t.annotations.c.annotator, t.annotations.c.start)
        )
        done = (
            select(t.assignments.c.doc_id, t.users.c.name)
            .join(t.users, t.users.c.id == t.assignments.c.user_id)
            .join(t.documents, t.documents.c.doc_id == t.assignments.c.doc_id)
            .where(in_review, t.assignments.c.status == "done")
            .order_by(t.assignments.c.doc_id, t.users.c.name)
        )
        annotators: dict[str, list[str]] = defaultdict(list)
        with self._read() as connection:
            texts = dict(
                connection.execute(select(t.documents.c.doc_id, t.documents.c.text).where(in_review)).all()
            )
            records = [row_record(row) for row in connection.execute(spans)]
            for doc_id, name in connection.execute(done):
                annotators[doc_id].append(name)
        return AgreementInputs(records=records, texts=texts, annotators=dict(annotators))
