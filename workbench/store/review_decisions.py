"""Review decisions: a reviewer accepts an annotator's span into gold (as ``gold.<id>``) or rejects it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.engine import Row

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import require_write
from workbench.store.base import User, now
from workbench.store.errors import ConflictError
from workbench.store.rows import row_record
from workbench.store.saving import SavingMixin


class ReviewDecisionsMixin(SavingMixin):
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
