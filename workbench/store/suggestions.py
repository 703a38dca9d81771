"""Machine suggestions: stored apart from human work (the ``suggestion`` layer), accepted into a user's own
layer or rejected (hidden for that user), each decision an event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, func, select

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import require_read_annotations, require_read_document
from workbench.store.base import User, scheme_record
from workbench.store.errors import ConflictError, NotFound
from workbench.store.rows import row_record
from workbench.store.saving import SavingMixin


class SuggestionsMixin(SavingMixin):
    def save_suggestions(
        self, user: User, records: Iterable[dict[str, Any]], suggested_by: str
    ) -> list[dict[str, Any]]:
        """Store machine suggestions (admins) apart from human work, in the ``suggestion`` layer."""
        with self._write() as connection:
            return [
                self._save(
                    connection, user, {**record, "suggested_by": suggested_by}, None, "suggestion", None
                )
                for record in records
            ]

    def suggestions(self, user: User, doc_id: str) -> list[dict[str, Any]]:
        """Suggestions on a document that ``user`` has neither accepted nor rejected yet."""
        decided = select(t.events.c.annotation_id).where(
            t.events.c.actor == user.name,
            t.events.c.layer == "suggestion",
            t.events.c.kind.in_(("accept", "reject")),
            t.events.c.doc_id == doc_id,
        )
        with self._read() as connection:
            document = self._document_row(connection, doc_id)
            require_read_annotations(connection, user, document, "suggestion", None)
            rows = connection.execute(
                select(t.annotations)
                .where(
                    t.annotations.c.doc_id == doc_id,
                    t.annotations.c.layer == "suggestion",
                    t.annotations.c.deleted.is_(False),
                    t.annotations.c.id.not_in(decided),
                )
                .order_by(t.annotations.c.start, t.annotations.c.end)
            ).all()
        return [row_record(row) for row in rows]

    def decide_suggestion(self, user: User, suggestion_id: str, decision: str) -> dict[str, Any] | None:
        """``accept`` copies the suggestion into the user's own layer (returned); ``reject`` hides it for them."""
        if decision not in ("accept", "reject"):
            raise NewsspanError(f"unknown decision {decision!r}", hint="use accept or reject")
        with self._write() as connection:
            row = self._annotation_row(connection, suggestion_id)
            if row.layer != "suggestion" or row.deleted:
                raise NotFound(f"{suggestion_id!r} is not a current suggestion")
            document = self._document_row(connection, row.doc_id)
            require_read_document(connection, user, document)
            already = connection.execute(
                select(func.count())
                .select_from(t.events)
                .where(
                    and_(
                        t.events.c.annotation_id == row.id,
                        t.events.c.actor == user.name,
                        t.events.c.kind.in_(("accept", "reject")),
                    )
                )
            ).scalar_one()
            if already:
                raise ConflictError(f"you already decided on suggestion {row.id}")
            saved = None
            if decision == "accept":
                own = {
                    key: value
                    for key, value in row.record.items()
                    if key not in ("id", "annotator", "layer", "suggested_by", "created_at")
                }
                saved = self._save(connection, user, own, None, "annotation", f"suggestion:{row.id}")
            self._event(
                connection,
                actor=user.name,
                kind=decision,
                doc_id=row.doc_id,
                annotation_id=row.id,
                layer="suggestion",
                version=row.version,
                before=row.record,
                after=saved and scheme_record(saved),
            )
            return saved
