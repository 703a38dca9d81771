"""Review decisions: a reviewer accepts an annotator's span into gold or rejects it, and reopens a final document.

Accepting copies the span into gold as ``gold.<id>``, its links pointing at the gold spans at their targets'
positions. When gold already has a span at the same (start, end, label), accepting merges into it instead: the
gold span takes the accepted variant's attributes and links (an ``update`` event), or, when it has them
already, nothing changes in gold; either way there is never a second gold span at one position.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.engine import Row

from corpus.errors import NewsspanError
from corpus.review import gold_target
from corpus.scheme import default_labelset
from workbench.store import tables as t
from workbench.store.access import require_read_document, require_write
from workbench.store.base import User, now, scheme_record
from workbench.store.errors import AccessDenied, ConflictError
from workbench.store.rows import row_record
from workbench.store.saving import SavingMixin

DOCUMENT_EVENTS = ("status", "stage", "reopen", "reassign")


class ReviewDecisionsMixin(SavingMixin):
    def review(self, user: User, annotation_id: str, decision: str, expected_version: int) -> dict[str, Any]:
        """A reviewer's ``accept`` (the span is copied into gold as ``gold.<id>``, or merged into the gold span
        at its position) or ``reject`` of an annotator's span, on a document in review. Both are events;
        returns the gold record on accept, the reviewed annotation on reject."""
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
            gold = self._as_gold(connection, row)
            same = next(
                (
                    g
                    for g in self._current(connection, row.doc_id, "gold")
                    if (g.start, g.end, g.label) == (row.start, row.end, row.label)
                ),
                None,
            )
            if same is not None:
                return self._merge_into_gold(connection, user, row, gold, same, document)
            gold["id"] = f"gold.{row.id}"[:128]
            gold["created_at"] = stamp
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

    def _as_gold(self, connection: Connection, row: Row) -> dict[str, Any]:
        """An annotator's span as a gold record: its links (a claim's speaker, ``links``) point at the gold spans
        at their targets' positions (or at their ``gold.<id>`` copies)."""
        gold = [g.record for g in self._current(connection, row.doc_id, "gold")]
        gold_ids = {record["id"] for record in gold}
        own = {r.id: r.record for r in self._current(connection, row.doc_id, "annotation", row.annotator)}

        def target(value: Any) -> Any:
            if not isinstance(value, str) or value not in own:
                return value
            found = gold_target(own[value], gold)
            return found or (f"gold.{value}" if f"gold.{value}" in gold_ids else value)

        record = {key: value for key, value in row.record.items() if key not in ("annotator", "layer")}
        link_names = (
            set(default_labelset().get(row.label).links()) if row.label in default_labelset() else set()
        )
        record["attributes"] = {
            key: target(value) if key in link_names else value
            for key, value in (record.get("attributes") or {}).items()
        }
        if record.get("links"):
            record["links"] = [{**link, "target": target(link.get("target"))} for link in record["links"]]
        return record

    def _merge_into_gold(
        self, connection: Connection, user: User, row: Row, accepted: dict[str, Any], same: Row, document: Row
    ) -> dict[str, Any]:
        """Accepting a span at a position gold already holds: the gold span takes the accepted attributes and
        links (nothing is written when it has them already)."""
        merged = {**same.record, "attributes": accepted.get("attributes") or {}}
        merged.pop("links", None)
        if accepted.get("links"):
            merged["links"] = accepted["links"]
        if scheme_record(merged) == scheme_record(same.record):
            return row_record(same)
        record = self._prepare(user, merged, document, "gold")
        self._validate_or_raise(connection, record, document, "gold", "gold")
        return self._write_row(
            connection, user, record, same, layer="gold", kind="update", source=f"accept:{row.id}"
        )

    def reopen(self, user: User, doc_id: str, reason: str | None = None) -> str:
        """Move a final document back to review so gold can change again (reviewers and admins); the reopening
        is an event of its own (kind ``reopen``, with the reason). Returns the new stage."""
        if not user.is_reviewer:
            raise AccessDenied(f"{user.name} ({user.role}) may not reopen documents", hint="reviewers do")
        with self._write() as connection:
            document = self._document_row(connection, doc_id)
            if document.stage != "final":
                raise NewsspanError(
                    f"document {doc_id} is not final (stage {document.stage}); only final documents are reopened"
                )
            connection.execute(
                update(t.documents).where(t.documents.c.doc_id == doc_id).values(stage="review")
            )
            self._event(
                connection, actor=user.name, kind="reopen", doc_id=doc_id, source=(reason or "")[:256] or None
            )
        return "review"

    def document_history(self, user: User, doc_id: str) -> list[dict[str, Any]]:
        """The document's own events (status, stage, reopen, reassign), oldest first (who, when, what), for
        whoever may read the document."""
        with self._read() as connection:
            require_read_document(connection, user, self._document_row(connection, doc_id))
            rows = connection.execute(
                select(t.events.c.id, t.events.c.at, t.events.c.actor, t.events.c.kind, t.events.c.source)
                .where(t.events.c.doc_id == doc_id, t.events.c.kind.in_(DOCUMENT_EVENTS))
                .order_by(t.events.c.id)
            ).all()
        return [dict(row._mapping) for row in rows]
