"""Active ordering in the store: each document's model uncertainty and the project's setting to order queues by it;
and the setting to retrain the span model after every N newly done documents.

The rules, for every caller: only admins write uncertainties (the ``model`` recommender, run by an admin's
``newsspan suggest`` or job) and change the setting; everyone may read whether it is on (each queue page does).
Ordering itself is in ``workbench.store.queue``: least-certain documents first, ties by doc_id, documents
without a score last.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import require_admin
from workbench.store.base import StoreBase, User, now

ORDER_BY_UNCERTAINTY = "queue_order_uncertainty"
RETRAIN_EVERY = "retrain_every_done"  # retrain the span model after this many newly done documents (0: never)
SETTINGS: dict[str, Any] = {ORDER_BY_UNCERTAINTY: False, RETRAIN_EVERY: 0}  # every setting with its default
CHUNK = 500  # doc_ids per statement (SQLite's bound-parameter limit is far above)


def read_setting(connection: Connection, key: str) -> Any:
    """A setting's value on an open connection (its default when never set)."""
    value = connection.execute(
        select(t.project_settings.c.value).where(t.project_settings.c.key == key)
    ).scalar()
    return SETTINGS[key] if value is None else value


class LearningMixin(StoreBase):
    def set_uncertainty(self, user: User, model_id: str, scores: Mapping[str, float | None]) -> int:
        """Store each document's uncertainty under ``model_id`` (None: the model had nothing to say, which
        drops an older score); returns how many documents now have a score from this call."""
        require_admin(user, "store model scores")
        stamp = now()
        doc_ids = list(scores)
        rows = [
            {"doc_id": doc_id, "model_id": model_id, "uncertainty": float(value), "scored_at": stamp}
            for doc_id, value in scores.items()
            if value is not None
        ]
        s = t.document_scores
        with self._write() as connection:
            for start in range(0, len(doc_ids), CHUNK):
                connection.execute(delete(s).where(s.c.doc_id.in_(doc_ids[start : start + CHUNK])))
            if rows:
                connection.execute(insert(s), rows)
        return len(rows)

    def uncertainty(self, user: User, doc_ids: list[str]) -> dict[str, float]:
        """The stored uncertainty of those of ``doc_ids`` that have one (admins and reviewers)."""
        if not user.is_reviewer:
            require_admin(user, "read model scores")
        s = t.document_scores.c
        out: dict[str, float] = {}
        with self._read() as connection:
            for start in range(0, len(doc_ids), CHUNK):
                rows = connection.execute(
                    select(s.doc_id, s.uncertainty).where(s.doc_id.in_(doc_ids[start : start + CHUNK]))
                )
                out.update({doc_id: float(value) for doc_id, value in rows})
        return out

    def orders_by_uncertainty(self, _user: User) -> bool:
        """Whether the project orders queues by model uncertainty (anyone may ask)."""
        with self._read() as connection:
            return bool(read_setting(connection, ORDER_BY_UNCERTAINTY))

    def set_order_by_uncertainty(self, user: User, on: bool) -> None:
        """Turn ordering queues by model uncertainty on or off for the whole project (admins only)."""
        require_admin(user, "change how queues are ordered")
        self._write_setting(user, ORDER_BY_UNCERTAINTY, bool(on))

    def retrain_every(self, _user: User) -> int:
        """After how many newly done documents the span model is retrained in the background (0: never)."""
        with self._read() as connection:
            return int(read_setting(connection, RETRAIN_EVERY))

    def set_retrain_every(self, user: User, every: int) -> None:
        """Retrain the span model after every ``every`` newly done documents (0 turns it off; admins only)."""
        require_admin(user, "change when the span model is retrained")
        if isinstance(every, bool) or not isinstance(every, int) or every < 0:
            raise NewsspanError(
                f"retrain after {every!r} done documents: not a whole number of 0 or more",
                hint="e.g. 50, or 0 (off)",
            )
        self._write_setting(user, RETRAIN_EVERY, every)

    def done_count(self, _user: User) -> int:
        """How many (document, annotator) assignments are done: what "N new done documents" counts."""
        with self._read() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(t.assignments).where(t.assignments.c.status == "done")
                ).scalar_one()
            )

    def _write_setting(self, user: User, key: str, value: Any) -> None:
        p = t.project_settings
        with self._write() as connection:
            connection.execute(delete(p).where(p.c.key == key))
            connection.execute(insert(p).values(key=key, value=value, updated_at=now(), updated_by=user.name))


def _uncertainty_key() -> Any:
    """An assignment's document uncertainty, -1 when it has none (so those come last in descending order)."""
    s, a = t.document_scores.c, t.assignments.c
    score = select(s.uncertainty).where(s.doc_id == a.doc_id).correlate(t.assignments).scalar_subquery()
    return func.coalesce(score, -1.0)


def uncertainty_order() -> list[Any]:
    """The queue order when the project orders by uncertainty: least certain first, ties and unscored by doc_id."""
    return [_uncertainty_key().desc(), t.assignments.c.doc_id]


def ordered_by_uncertainty(connection: Connection) -> bool:
    return bool(read_setting(connection, ORDER_BY_UNCERTAINTY))


def next_by_uncertainty(connection: Connection, user: User, after: str | None) -> str | None:
    """The first not-done document of ``user``'s queue in uncertainty order, after ``after`` if given (wrapping
    round); the same one-row indexed lookups as the position order."""
    a = t.assignments.c
    key = _uncertainty_key()
    open_rows = select(a.doc_id).where(a.user_id == user.id, a.status != "done")
    if after is not None:
        mine = connection.execute(select(key).where(a.user_id == user.id, a.doc_id == after)).first()
        if mine is not None:
            later = or_(key < mine[0], and_(key == mine[0], a.doc_id > after))
            found = connection.execute(
                open_rows.where(later).order_by(*uncertainty_order()).limit(1)
            ).scalar()
            if found is not None:
                return str(found)
    found = connection.execute(open_rows.order_by(*uncertainty_order()).limit(1)).scalar()
    return None if found is None else str(found)
