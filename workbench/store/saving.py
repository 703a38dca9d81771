"""Saving annotations: create, update and delete with optimistic concurrency, every change in the event log.

Every write runs in one transaction that (1) checks access, (2) checks the version the caller read, (3) runs
the scheme's validator against the document and the other records of the same layer and annotator, and only
then (4) writes the current row and (5) appends the event. A failure at any step writes nothing. The ``_``
helpers are the steps; undo, review decisions, suggestions, imports and gold pre-fill reuse them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.engine import Row

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import require_write
from workbench.store.annotation_reads import AnnotationReadsMixin
from workbench.store.base import User, now, scheme_record
from workbench.store.errors import AccessDenied, ConflictError, ValidationFailed
from workbench.store.rows import document_dict, new_id, references
from workbench.store.validation import Validator


class SavingMixin(AnnotationReadsMixin):
    validate: Validator

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
