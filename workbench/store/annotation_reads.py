"""Reading annotations: a document, its current spans per layer and annotator, one span and its history.

Every public read checks access first (``workbench.store.access``); the ``_`` helpers are the queries the
writing mixins reuse inside their own transactions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.engine import Row

from workbench.store import tables as t
from workbench.store.access import require_read_annotations, require_read_document
from workbench.store.base import StoreBase, User
from workbench.store.errors import AccessDenied, NotFound
from workbench.store.rows import document_dict, row_record


class AnnotationReadsMixin(StoreBase):
    def _document_row(self, connection: Connection, doc_id: str) -> Row:
        row = connection.execute(select(t.documents).where(t.documents.c.doc_id == doc_id)).first()
        if row is None:
            raise NotFound(
                f"unknown document {doc_id!r}", hint="load the release that has it (store load-release)"
            )
        return row

    def _annotation_row(self, connection: Connection, annotation_id: str, *, lock: bool = False) -> Row:
        query = select(t.annotations).where(t.annotations.c.id == annotation_id)
        if lock:
            query = query.with_for_update()
        row = connection.execute(query).first()
        if row is None:
            raise NotFound(f"unknown annotation {annotation_id!r}")
        return row

    @staticmethod
    def _current(connection: Connection, doc_id: str, layer: str, annotator: str | None = None) -> list[Row]:
        query = select(t.annotations).where(
            t.annotations.c.doc_id == doc_id,
            t.annotations.c.layer == layer,
            t.annotations.c.deleted.is_(False),
        )
        if annotator is not None:
            query = query.where(t.annotations.c.annotator == annotator)
        return list(connection.execute(query.order_by(t.annotations.c.start, t.annotations.c.end)))

    def document(self, user: User, doc_id: str) -> dict[str, Any]:
        """The document record (with ``text``) and its ``stage``, if ``user`` may read it."""
        with self._read() as connection:
            row = self._document_row(connection, doc_id)
            require_read_document(connection, user, row)
        return {**document_dict(row), "stage": row.stage, "release_version": row.release_version}

    def annotations(
        self, user: User, doc_id: str, layer: str = "annotation", annotator: str | None = None
    ) -> list[dict[str, Any]]:
        """Current records of a document's layer, by start offset. In the ``annotation`` layer an annotator
        gets their own; a reviewer gets everyone's once the document is in review (``annotator`` filters)."""
        if layer == "annotation" and annotator is None and not user.is_admin:
            with self._read() as connection:
                document = self._document_row(connection, doc_id)
                everyone = user.is_reviewer and document.stage in ("review", "final")
            annotator = None if everyone else user.name
        with self._read() as connection:
            document = self._document_row(connection, doc_id)
            require_read_annotations(connection, user, document, layer, annotator)
            rows = self._current(connection, doc_id, layer, annotator)
        return [row_record(row) for row in rows]

    def annotation(self, user: User, annotation_id: str) -> dict[str, Any]:
        with self._read() as connection:
            row = self._annotation_row(connection, annotation_id)
            require_read_annotations(
                connection, user, self._document_row(connection, row.doc_id), row.layer, row.annotator
            )
        return row_record(row)

    def history(self, user: User, annotation_id: str) -> list[dict[str, Any]]:
        """Every event of one annotation, oldest first: id, at, actor, kind, version, before, after, undoes."""
        with self._read() as connection:
            row = self._annotation_row(connection, annotation_id)
            require_read_annotations(
                connection, user, self._document_row(connection, row.doc_id), row.layer, row.annotator
            )
            events = connection.execute(
                select(t.events).where(t.events.c.annotation_id == annotation_id).order_by(t.events.c.id)
            ).all()
        return [dict(event._mapping) for event in events]

    def records(
        self, user: User, layer: str = "annotation", doc_ids: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Every current record of a layer (admins; exports), by document, annotator and offset."""
        if not user.is_admin:
            raise AccessDenied(
                f"{user.name} ({user.role}) may not read every annotation", hint="ask an admin"
            )
        query = select(t.annotations).where(
            t.annotations.c.layer == layer, t.annotations.c.deleted.is_(False)
        )
        if doc_ids is not None:
            query = query.where(t.annotations.c.doc_id.in_(list(doc_ids)))
        query = query.order_by(
            t.annotations.c.doc_id, t.annotations.c.annotator, t.annotations.c.start, t.annotations.c.end
        )
        with self._read() as connection:
            return [row_record(row) for row in connection.execute(query)]
