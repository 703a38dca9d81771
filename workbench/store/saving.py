"""Saving annotations: create, update and delete with optimistic concurrency, every change in the event log.

Every write runs in one transaction that (1) checks access, (2) checks the version the caller read, (3) runs
the scheme's validator against the document and the other records of the same layer and annotator, and only
then (4) writes the current row and (5) appends the event. A failure at any step writes nothing. The ``_``
helpers are the steps; undo, review decisions, suggestions, imports and gold pre-fill reuse them.

On PostgreSQL a save or delete is one round trip in the common case: the record is prepared and validated in
Python against the document (cached per process; its text never changes under the same ``text_sha256``) and,
when it links to other spans, those spans (one read), then ONE statement calls the server-side function
``newsspan_save_annotation`` (or ``newsspan_delete_annotation``, migration 0003) on a connection without
BEGIN/COMMIT. The function checks what Python cannot see from here -- the document's text is still the cached
one, access (as ``access.require_write``), the version, duplicates, that link targets still exist -- and writes
the row, its event and the assignment's status in that one statement, which is its own transaction. Whenever
it finds anything unusual it writes nothing and says so; the save then runs the ordinary transaction above,
whose checks are the rules and whose errors are the messages. So the function only ever refuses more.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, ColumnElement, Connection, and_, column, insert, or_, select, text, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from corpus.errors import NewsspanError
from corpus.scheme import default_labelset
from workbench.store import tables as t
from workbench.store.access import require_write
from workbench.store.annotation_reads import AnnotationReadsMixin
from workbench.store.base import User, now, scheme_record
from workbench.store.errors import AccessDenied, ConflictError, ValidationFailed
from workbench.store.rows import document_dict, new_id, references
from workbench.store.validation import Validator

SAVE_CALL = text(
    "SELECT newsspan_save_annotation(:id, :doc_id, :layer, :annotator, :suggested_by, :label, :start, :end, "
    "CAST(:record AS jsonb), :expected_version, :text_sha256, :user_id, :user_name, :role, "
    "CAST(:targets AS jsonb), :source, :stamp)"
).columns(column("result", JSON))
DELETE_CALL = text(
    "SELECT newsspan_delete_annotation(:id, :expected_version, :user_id, :user_name, :role, :stamp)"
).columns(column("result", JSON))


def link_ids(record: dict[str, Any]) -> set[str]:
    """The ids a record points at: its link attributes (a claim's ``speaker``; literals such as ``author``
    aside) and its ``links``."""
    labelset = default_labelset()
    label, attributes = record.get("label"), record.get("attributes")
    ids: set[str] = set()
    if isinstance(label, str) and label in labelset and isinstance(attributes, dict):
        for name, link in labelset.get(label).links().items():
            value = attributes.get(name)
            if isinstance(value, str) and value not in link.get("literals", []):
                ids.add(value)
    for link in record.get("links") or []:
        if isinstance(link, dict) and isinstance(link.get("target"), str):
            ids.add(link["target"])
    return ids


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
        others = self._neighbours(connection, record, document.doc_id, layer, annotator)
        errors = self.validate(record, document_dict(document), others, layer=layer)
        if errors:
            raise ValidationFailed(errors, where=f"annotation on document {document.doc_id}")

    @staticmethod
    def _neighbours(
        connection: Connection, record: dict[str, Any], doc_id: str, layer: str, annotator: str
    ) -> list[dict[str, Any]]:
        """The other current records of the layer and annotator that the validator looks at: those ``record``
        links to and those at its (start, end, label) (a duplicate). The rest cannot change its verdict, so a
        save reads a few rows however many spans the document has."""
        c = t.annotations.c
        wanted: list[ColumnElement[bool]] = [c.id.in_(sorted(link_ids(record)))]
        start, end, label = record.get("start"), record.get("end"), record.get("label")
        if isinstance(start, int) and isinstance(end, int) and isinstance(label, str):
            wanted.append(and_(c.start == start, c.end == end, c.label == label))
        rows = connection.execute(
            select(t.annotations).where(
                c.doc_id == doc_id,
                c.layer == layer,
                c.annotator == annotator,
                c.deleted.is_(False),
                c.id != str(record.get("id")),
                or_(*wanted),
            )
        ).all()
        return [row.record for row in rows]

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
        if self._one_statement_saves:
            saved = self._save_in_one_statement(user, record, expected_version, layer, source)
            if saved is not None:
                return saved
        try:
            with self._write() as connection:
                return self._save(connection, user, record, expected_version, layer, source)
        except IntegrityError:
            # A concurrent save (PostgreSQL) took the id or the (start, end, label) between our check and our
            # write: run the checks again, they now see it and say so.
            with self._write() as connection:
                return self._save(connection, user, record, expected_version, layer, source)

    def _cached_document(self, doc_id: str) -> Row | None:
        row = self._documents.get(doc_id)
        if row is None:
            with self._read() as connection:
                row = connection.execute(select(t.documents).where(t.documents.c.doc_id == doc_id)).first()
            if row is not None:
                self._documents.put(row)
        return row

    def _link_targets(
        self, connection: Connection, record: dict[str, Any], layer: str
    ) -> list[dict[str, Any]]:
        """The current records ``record`` links to (its link attributes and ``links``), for validation."""
        ids = link_ids(record)
        if not ids:
            return []
        rows = connection.execute(
            select(t.annotations).where(
                t.annotations.c.id.in_(sorted(ids)),
                t.annotations.c.doc_id == record["doc_id"],
                t.annotations.c.layer == layer,
                t.annotations.c.annotator == record["annotator"],
                t.annotations.c.deleted.is_(False),
            )
        ).all()
        return [row.record for row in rows]

    def _save_in_one_statement(
        self,
        user: User,
        record: dict[str, Any],
        expected_version: int | None,
        layer: str,
        source: str | None,
    ) -> dict[str, Any] | None:
        """The save as one call of ``newsspan_save_annotation`` (PostgreSQL); None when the ordinary
        transaction must decide (anything unusual: a refusal, a conflict, a changed text, an invalid record)."""
        doc_id = record.get("doc_id")
        document = self._cached_document(doc_id) if isinstance(doc_id, str) else None
        if document is None:
            return None
        record = self._prepare(user, record, document, layer)
        record["id"] = record.get("id") or new_id()
        if not isinstance(record["id"], str) or record["text_sha256"] != document.text_sha256:
            return None
        stamp = now()
        with self._autocommit.connect() as connection:
            targets = self._link_targets(connection, record, layer)
            if self.validate(record, document_dict(document), targets, layer=layer):
                return None
            try:
                result = connection.execute(
                    SAVE_CALL,
                    {
                        "id": record["id"],
                        "doc_id": record["doc_id"],
                        "layer": layer,
                        "annotator": record["annotator"],
                        "suggested_by": record.get("suggested_by"),
                        "label": record["label"],
                        "start": record["start"],
                        "end": record["end"],
                        "record": json.dumps(record, ensure_ascii=False),
                        "expected_version": expected_version,
                        "text_sha256": document.text_sha256,
                        "user_id": user.id,
                        "user_name": user.name,
                        "role": user.role,
                        "targets": json.dumps({target["id"]: target["label"] for target in targets}),
                        "source": source,
                        "stamp": stamp,
                    },
                ).scalar_one()
            except IntegrityError:  # a concurrent save took the id or the position first
                return None
        if result["status"] == "document":
            self._documents.drop(record["doc_id"])
        if result["status"] != "ok":
            return None
        if result.get("created_at") is not None:
            record["created_at"] = result["created_at"]
        return {
            **record,
            "version": result["version"],
            "anchor": "ok",
            "review": None,
            "updated_at": stamp,
            "updated_by": user.name,
        }

    def delete_annotation(self, user: User, annotation_id: str, expected_version: int) -> dict[str, Any]:
        """Delete one annotation (kept in history; ``undo_last`` restores it). Returns the deleted record."""
        if self._one_statement_saves:
            deleted = self._delete_in_one_statement(user, annotation_id, expected_version)
            if deleted is not None:
                return deleted
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

    def _delete_in_one_statement(
        self, user: User, annotation_id: str, expected_version: int
    ) -> dict[str, Any] | None:
        """The delete as one call of ``newsspan_delete_annotation`` (PostgreSQL); None when the ordinary
        transaction must decide."""
        stamp = now()
        with self._autocommit.connect() as connection:
            result = connection.execute(
                DELETE_CALL,
                {
                    "id": annotation_id,
                    "expected_version": expected_version,
                    "user_id": user.id,
                    "user_name": user.name,
                    "role": user.role,
                    "stamp": stamp,
                },
            ).scalar_one()
        if result["status"] != "ok":
            return None
        deleted = dict(result["record"])
        deleted.update(version=result["version"], deleted=True, updated_at=stamp, updated_by=user.name)
        return deleted

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
