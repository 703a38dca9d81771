"""Undo: reverse a user's latest change on a document, one step at a time, as an event of its own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from workbench.store import tables as t
from workbench.store.access import require_write
from workbench.store.base import User
from workbench.store.errors import ConflictError
from workbench.store.saving import SavingMixin

UNDOABLE = ("create", "update", "delete", "restore")


class UndoMixin(SavingMixin):
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
