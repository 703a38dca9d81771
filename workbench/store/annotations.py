"""Annotations: save, update, delete and undo with optimistic concurrency, every change in the event log.

Every write runs in one transaction that (1) checks access, (2) checks the version the caller read, (3) runs
the scheme's validator against the document and the other records of the same layer and annotator, and only
then (4) writes the current row and (5) appends the event. A failure at any step writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, exists, func, insert, select, update
from sqlalchemy.engine import Row

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import (
    require_read_annotations,
    require_read_document,
    require_write,
)
from workbench.store.base import StoreBase, User, now, scheme_record
from workbench.store.errors import AccessDenied, ConflictError, NotFound, ValidationFailed
from workbench.store.validation import Validator

UNDOABLE = ("create", "update", "delete", "restore")


def new_id() -> str:
    return uuid.uuid4().hex


def row_record(row: Row) -> dict[str, Any]:
    """The stored record plus the store's bookkeeping (``version``, ``anchor``, ``review``, ...)."""
    record = dict(row.record)
    record.update(
        version=row.version,
        anchor=row.anchor,
        review=row.review,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )
    if row.deleted:
        record["deleted"] = True
    return record


def document_dict(row: Row) -> dict[str, Any]:
    return {**row.record, "doc_id": row.doc_id, "text": row.text, "text_sha256": row.text_sha256}


def references(record: dict[str, Any], annotation_id: str) -> bool:
    """Whether ``record`` points at ``annotation_id`` (a link target or a link attribute such as speaker)."""
    if any(link.get("target") == annotation_id for link in record.get("links") or ()):
        return True
    for value in (record.get("attributes") or {}).values():
        if value == annotation_id or (isinstance(value, list) and annotation_id in value):
            return True
    return False


class AnnotationsMixin(StoreBase):
    validate: Validator

    # -- reading -------------------------------------------------------------------------------------------

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

    # -- writing -------------------------------------------------------------------------------------------

    def _prepare(self, user: User, record: dict[str, Any], document: Row, layer: str) -> dict[str, Any]:
        """The record as it will be stored: store keys removed, defaults filled from the user and document."""
        record = scheme_record(dict(record))
        record.pop("layer", None)
        if layer == "annotation":
            record.setdefault("annotator", user.name)
        elif layer == "gold":
            record["annotator"] = "gold"
            record["layer"] = "gold"
        else:
            record["layer"] = layer
            if not record.get("suggested_by"):
                raise NewsspanError("a suggestion needs suggested_by (the suggester's name)")
            record.setdefault("annotator", record["suggested_by"])
        record.setdefault("doc_id", document.doc_id)
        record.setdefault("text_sha256", document.text_sha256)
        record.setdefault("attributes", {})
        record.setdefault("created_at", now())
        record.setdefault("schema_version", self.validate.schema_version)
        start, end = record.get("start"), record.get("end")
        if "span_text" not in record and isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
            record["span_text"] = document.text[start:end]
        return record

    def _check_version(self, row: Row, expected_version: int | None) -> None:
        if expected_version is None:
            raise ConflictError(
                f"annotation {row.id} already exists (version {row.version})",
                hint="pass the version you read as expected_version to change it",
            )
        if row.deleted:
            raise ConflictError(
                f"annotation {row.id} was deleted by {row.updated_by} at {row.updated_at}",
                hint="reload the document; undo restores it",
            )
        if row.version != expected_version:
            raise ConflictError(
                f"annotation {row.id} was changed by {row.updated_by} at {row.updated_at} "
                f"(version {row.version}, you had {expected_version})",
                hint="reload it and make your change again",
            )

    def _validate_or_raise(
        self, connection: Connection, record: dict[str, Any], document: Row, layer: str, annotator: str
    ) -> None:
        others = [
            row.record
            for row in self._current(connection, document.doc_id, layer, annotator)
            if row.id != record.get("id")
        ]
        errors = self.validate(record, document_dict(document), others, layer=layer)
        if errors:
            raise ValidationFailed(errors, where=f"annotation on document {document.doc_id}")

    def _write_row(
        self,
        connection: Connection,
        user: User,
        record: dict[str, Any],
        existing: Row | None,
        *,
        layer: str,
        kind: str,
        source: str | None = None,
        undoes: int | None = None,
        anchor: str = "ok",
    ) -> dict[str, Any]:
        stamp = now()
        values = dict(
            label=record["label"],
            start=record["start"],
            end=record["end"],
            record=record,
            deleted=False,
            anchor=anchor,
            updated_at=stamp,
            updated_by=user.name,
        )
        if existing is None:
            version = 1
            connection.execute(
                insert(t.annotations).values(
                    id=record["id"],
                    doc_id=record["doc_id"],
                    layer=layer,
                    annotator=record["annotator"],
                    suggested_by=record.get("suggested_by"),
                    version=version,
                    created_at=stamp,
                    **values,
                )
            )
        else:
            version = existing.version + 1
            result = connection.execute(
                update(t.annotations)
                .where(t.annotations.c.id == existing.id, t.annotations.c.version == existing.version)
                .values(version=version, **values)
            )
            if result.rowcount != 1:
                raise ConflictError(f"annotation {existing.id} changed while saving", hint="reload and retry")
        self._event(
            connection,
            actor=user.name,
            kind=kind,
            doc_id=record["doc_id"],
            annotation_id=record["id"],
            layer=layer,
            version=version,
            before=None if existing is None else existing.record,
            after=record,
            undoes=undoes,
            source=source,
            at=stamp,
        )
        if layer == "annotation" and existing is None:
            self._mark_started(connection, record["doc_id"], record["annotator"], stamp)
        saved = dict(record)
        saved.update(version=version, anchor=anchor, review=None, updated_at=stamp, updated_by=user.name)
        return saved

    @staticmethod
    def _mark_started(connection: Connection, doc_id: str, annotator: str, stamp: str) -> None:
        user_id = select(t.users.c.id).where(t.users.c.name == annotator).scalar_subquery()
        connection.execute(
            update(t.assignments)
            .where(
                t.assignments.c.doc_id == doc_id,
                t.assignments.c.user_id == user_id,
                t.assignments.c.status == "not_started",
            )
            .values(status="in_progress", updated_at=stamp)
        )

    def _save(
        self,
        connection: Connection,
        user: User,
        record: dict[str, Any],
        expected_version: int | None,
        layer: str,
        source: str | None,
    ) -> dict[str, Any]:
        doc_id = record.get("doc_id")
        if not isinstance(doc_id, str):
            raise ValidationFailed(["the record has no doc_id"])
        document = self._document_row(connection, doc_id)
        record = self._prepare(user, record, document, layer)
        annotator = record["annotator"]
        require_write(connection, user, document, layer, annotator)
        existing = None
        if record.get("id") is not None:
            if not isinstance(record["id"], str):
                raise ValidationFailed([f"id must be a string, not {record['id']!r}"])
            existing = connection.execute(
                select(t.annotations).where(t.annotations.c.id == record["id"]).with_for_update()
            ).first()
        else:
            record["id"] = new_id()
        if existing is not None:
            if (existing.doc_id, existing.layer, existing.annotator) != (doc_id, layer, annotator):
                raise AccessDenied(f"annotation id {existing.id!r} belongs to another document or annotator")
            self._check_version(existing, expected_version)
            record["created_at"] = existing.record.get("created_at", record["created_at"])
        self._validate_or_raise(connection, record, document, layer, annotator)
        return self._write_row(
            connection,
            user,
            record,
            existing,
            layer=layer,
            kind="create" if existing is None else "update",
            source=source,
        )

    def save_annotation(
        self,
        user: User,
        record: dict[str, Any],
        expected_version: int | None = None,
        *,
        layer: str = "annotation",
        source: str | None = None,
    ) -> dict[str, Any]:
        """Create (no ``id``, or a new one) or update (existing ``id`` with ``expected_version``) one record.

        Missing ``annotator``, ``text_sha256``, ``span_text``, ``created_at``, ``schema_version`` and
        ``attributes`` are filled in. Returns the stored record with ``id`` and ``version``. Raises
        ``AccessDenied``, ``ConflictError`` (stale or missing expected_version), ``ValidationFailed``
        (the validator's sentences) or ``NotFound``; on any error nothing is written.
        """
        with self._write() as connection:
            return self._save(connection, user, record, expected_version, layer, source)

    def delete_annotation(self, user: User, annotation_id: str, expected_version: int) -> dict[str, Any]:
        """Delete one annotation (kept in history; ``undo_last`` restores it). Returns the deleted record."""
        with self._write() as connection:
            row = self._annotation_row(connection, annotation_id, lock=True)
            document = self._document_row(connection, row.doc_id)
            require_write(connection, user, document, row.layer, row.annotator)
            self._check_version(row, expected_version)
            for other in self._current(connection, row.doc_id, row.layer, row.annotator):
                if other.id != row.id and references(other.record, row.id):
                    raise ValidationFailed(
                        [f"{other.record['label']} {other.id} ({other.record['span_text']!r}) links to it"],
                        where=f"annotation {row.id}",
                        hint="change or delete that annotation first",
                    )
            return self._mark_deleted(connection, user, row)

    def _mark_deleted(
        self,
        connection: Connection,
        user: User,
        row: Row,
        *,
        undoes: int | None = None,
        source: str | None = None,
    ) -> dict[str, Any]:
        stamp = now()
        version = row.version + 1
        result = connection.execute(
            update(t.annotations)
            .where(t.annotations.c.id == row.id, t.annotations.c.version == row.version)
            .values(deleted=True, version=version, updated_at=stamp, updated_by=user.name)
        )
        if result.rowcount != 1:
            raise ConflictError(f"annotation {row.id} changed while deleting", hint="reload and retry")
        self._event(
            connection,
            actor=user.name,
            kind="delete",
            doc_id=row.doc_id,
            annotation_id=row.id,
            layer=row.layer,
            version=version,
            before=row.record,
            after=None,
            undoes=undoes,
            source=source,
            at=stamp,
        )
        deleted = dict(row.record)
        deleted.update(version=version, deleted=True, updated_at=stamp, updated_by=user.name)
        return deleted

    def undo_last(self, user: User, doc_id: str, layer: str = "annotation") -> dict[str, Any] | None:
        """Reverse ``user``'s latest change on a document that is not undone yet (repeat to go further back).

        Returns the annotation as it is after the undo (``deleted`` set when the undo removed it), or None
        when there is nothing left to undo. The undo is itself an event (with ``undoes``), checked like a save.
        """
        undone = t.events.alias("undone")
        with self._write() as connection:
            document = self._document_row(connection, doc_id)
            last = connection.execute(
                select(t.events)
                .where(
                    t.events.c.doc_id == doc_id,
                    t.events.c.actor == user.name,
                    t.events.c.layer == layer,
                    t.events.c.kind.in_(UNDOABLE),
                    t.events.c.undoes.is_(None),
                    ~exists().where(undone.c.undoes == t.events.c.id),
                )
                .order_by(t.events.c.id.desc())
                .limit(1)
            ).first()
            if last is None:
                return None
            row = self._annotation_row(connection, last.annotation_id, lock=True)
            require_write(connection, user, document, row.layer, row.annotator)
            later = connection.execute(
                select(t.events.c.id, t.events.c.actor, t.events.c.undoes).where(
                    t.events.c.annotation_id == row.id, t.events.c.id > last.id
                )
            ).all()
            undone_ids = {event.undoes for event in later if event.undoes is not None}
            # Changes after ``last`` are fine only when they are this user's undos and the changes they undid.
            if any(e.actor != user.name or (e.undoes is None and e.id not in undone_ids) for e in later):
                raise ConflictError(
                    f"annotation {row.id} was changed by {row.updated_by} after your change",
                    hint="reload the document; your change can no longer be undone automatically",
                )
            if last.kind in ("create", "restore"):
                return self._mark_deleted(connection, user, row, undoes=last.id, source="undo")
            before = dict(last.before)
            self._validate_or_raise(connection, before, document, row.layer, row.annotator)
            return self._write_row(
                connection,
                user,
                before,
                row,
                layer=row.layer,
                kind="restore" if last.kind == "delete" else "update",
                undoes=last.id,
                source="undo",
            )

    # -- review: accept and reject into gold, suggestions --------------------------------------------------

    def review(self, user: User, annotation_id: str, decision: str, expected_version: int) -> dict[str, Any]:
        """A reviewer's ``accept`` (the span is copied into gold as ``gold.<id>``) or ``reject`` of an
        annotator's span, on a document in review. Both are events; returns the gold record on accept, the
        reviewed annotation on reject."""
        if decision not in ("accept", "reject"):
            raise NewsspanError(f"unknown review decision {decision!r}", hint="use accept or reject")
        with self._write() as connection:
            row = self._annotation_row(connection, annotation_id, lock=True)
            if row.layer != "annotation":
                raise NewsspanError(
                    f"annotation {row.id} is in the {row.layer} layer; review annotator spans"
                )
            document = self._document_row(connection, row.doc_id)
            require_write(connection, user, document, "gold", "gold")
            self._check_version(row, expected_version)
            version, stamp = self._mark_reviewed(connection, user, row, decision)
            reviewed = row_record(row)
            reviewed.update(version=version, review=f"{decision}ed", updated_at=stamp, updated_by=user.name)
            if decision == "reject":
                return reviewed
            gold = {key: value for key, value in row.record.items() if key not in ("annotator", "layer")}
            gold["id"] = f"gold.{row.id}"[:128]
            gold["created_at"] = stamp
            gold["attributes"] = self._gold_links(connection, row.doc_id, gold.get("attributes") or {})
            if gold.get("links"):
                gold["links"] = [{**link, "target": f"gold.{link['target']}"} for link in gold["links"]]
            existing = connection.execute(
                select(t.annotations).where(t.annotations.c.id == gold["id"]).with_for_update()
            ).first()
            if existing is not None and not existing.deleted:
                raise ConflictError(f"annotation {row.id} is already in gold as {gold['id']}")
            record = self._prepare(user, gold, document, "gold")
            self._validate_or_raise(connection, record, document, "gold", "gold")
            return self._write_row(
                connection, user, record, existing, layer="gold", kind="create", source=f"accept:{row.id}"
            )

    def _mark_reviewed(
        self, connection: Connection, user: User, row: Row, decision: str, source: str | None = None
    ) -> tuple[int, str]:
        """Set an annotator span's ``review`` to ``accepted``/``rejected`` (one version up) with its event."""
        stamp = now()
        version = row.version + 1
        connection.execute(
            update(t.annotations)
            .where(t.annotations.c.id == row.id, t.annotations.c.version == row.version)
            .values(review=f"{decision}ed", version=version, updated_at=stamp, updated_by=user.name)
        )
        self._event(
            connection,
            actor=user.name,
            kind=decision,
            doc_id=row.doc_id,
            annotation_id=row.id,
            layer=row.layer,
            version=version,
            before=row.record,
            after=row.record,
            source=source,
            at=stamp,
        )
        return version, stamp

    def _gold_links(self, connection: Connection, doc_id: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """Link attributes (such as a claim's speaker) pointing at an accepted span point at its gold copy."""
        gold_ids = {row.id for row in self._current(connection, doc_id, "gold")}
        return {
            key: f"gold.{value}" if isinstance(value, str) and f"gold.{value}" in gold_ids else value
            for key, value in attributes.items()
        }

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
