"""Queues of any size: an annotator's assigned documents and the reviewers' documents in review, a page at a time.

Every read here costs the same whatever the size of the queue, except the total of a filtered queue and filters
that must look at every row they keep (a title substring, a span count):

- paging is ``LIMIT``/``OFFSET`` over an index in queue order (``ix_assignments_user``), or over one sort of the
  filtered rows for the other orders; every order ends in ``doc_id``, so it is stable and pages never overlap;
- search looks for the query in the display title and the source id (substring, any case) and for its words
  in the text through the text index (FTS5 on SQLite, ``to_tsvector`` GIN on PostgreSQL; every word, as a
  word prefix), never by reading texts;
- span counts come from correlated counts over ``ix_annotations_doc_layer_annotator``, for the rows of one
  page only, in one query;
- "next open document" is one indexed lookup;
- the counts per status (and the whole queue's total, their sum) are read from ``assignment_counts``, which
  database triggers keep in step with ``assignments`` (migration 0004).

The display title is ``corpus.documents.display_title``, stored in ``documents.title`` when a document loads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select, text

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import REVIEW_STAGES
from workbench.store.base import StoreBase, User
from workbench.store.errors import AccessDenied
from workbench.store.learning import next_by_uncertainty, ordered_by_uncertainty, uncertainty_order

SORTS = ("queue", "title", "status", "spans")
STATUS_FILTERS = ("open", *t.STATUSES)
PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
_WORD = re.compile(r"[^\W_]+")  # letters and digits: what both text indexes call words


@dataclass(frozen=True)
class QueueQuery:
    """What part of a queue to show, in what order.

    ``search``: words of the title, source id or text; ``status``: ``open`` (not done), ``not_started``,
    ``in_progress`` or ``done`` (review queues: ``review`` or ``final``); ``stage``: the document's stage
    (``annotation``, ``review``, ``final``: an annotator's reviewed documents); ``story``: a ``story_id``;
    ``label`` with ``min_spans`` / ``max_spans``: how many of the user's spans (of that label, or of any label)
    a document has; ``sort``: ``queue`` (assignment order), ``title``, ``status`` (in progress, not started,
    done) or ``spans`` (most first)."""

    search: str = ""
    status: str | None = None
    stage: str | None = None
    story: str | None = None
    label: str | None = None
    min_spans: int | None = None
    max_spans: int | None = None
    sort: str = "queue"

    def check(self, statuses: Sequence[str]) -> None:
        if self.sort not in SORTS:
            raise NewsspanError(f"unknown sort {self.sort!r}", hint=f"use one of: {', '.join(SORTS)}")
        if self.status is not None and self.status not in statuses:
            raise NewsspanError(f"unknown status {self.status!r}", hint=f"use one of: {', '.join(statuses)}")
        for bound in (self.min_spans, self.max_spans):
            if bound is not None and bound < 0:
                raise NewsspanError("span counts cannot be negative")


@dataclass
class QueuePage:
    """One page of a queue: ``items`` (doc_id, title, source_id, story_id, status, stage, position, spans,
    labels), ``total`` rows matching the query, the page's ``offset`` and ``limit``, and ``counts`` per status
    over the whole queue (unfiltered)."""

    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def page(self) -> int:
        return self.offset // self.limit if self.limit else 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit)) if self.limit else 1


def _fts_query(words: list[str]) -> str:
    """Every word as a prefix, for FTS5 (words are letters and digits, quoted: nothing in them is syntax)."""
    return " ".join(f'"{word}"*' for word in words)


def _ts_query(words: list[str]) -> str:
    return " & ".join(f"'{word}':*" for word in words)


def _search(dialect: str, search: str) -> ColumnElement[bool] | None:
    """Documents whose display title or source id contains ``search``, or whose text has all its words."""
    search = search.strip()[:200]
    if not search:
        return None
    d = t.documents.c
    found: list[ColumnElement[bool]] = [
        d.title.icontains(search, autoescape=True),
        d.source_id.icontains(search, autoescape=True),
        d.doc_id.startswith(search.lower(), autoescape=True),
    ]
    words = _WORD.findall(search.lower())[:12]
    if words and dialect == "sqlite":
        matches = text("SELECT rowid FROM documents_fts WHERE documents_fts MATCH :fts").bindparams(
            fts=_fts_query(words)
        )
        found.append(d.search_id.in_(matches))
    elif words:
        matches = text(
            "SELECT doc_id FROM documents WHERE to_tsvector('simple', text) @@ to_tsquery('simple', :tsq)"
        ).bindparams(tsq=_ts_query(words))
        found.append(d.doc_id.in_(matches))
    return or_(*found)


def _span_count(annotator: Any, label: str | None) -> Any:
    """The annotator's current spans on the assignment's document (of ``label``, or of any label)."""
    a = t.annotations.c
    conditions = [
        a.doc_id == t.assignments.c.doc_id,
        a.layer == "annotation",
        a.annotator == annotator,
        a.deleted.is_(False),
    ]
    if label:
        conditions.append(a.label == label)
    return select(func.count()).where(*conditions).scalar_subquery()


def _count_filters(query: QueueQuery, annotator: Any) -> list[ColumnElement[bool]]:
    if query.min_spans is None and query.max_spans is None:
        return []
    count = _span_count(annotator, query.label)
    conditions = []
    if query.min_spans is not None:
        conditions.append(count >= query.min_spans)
    if query.max_spans is not None:
        conditions.append(count <= query.max_spans)
    return conditions


def _status_filter(column: Any, status: str | None) -> list[ColumnElement[bool]]:
    if status is None:
        return []
    if status == "open":
        return [column != "done"]
    return [column == status]


STATUS_ORDER = {"in_progress": 0, "not_started": 1, "done": 2}


class QueueMixin(StoreBase):
    def queue_page(
        self, user: User, query: QueueQuery | None = None, *, offset: int = 0, limit: int = PAGE_SIZE
    ) -> QueuePage:
        """One page of ``user``'s assigned documents (see ``QueueQuery``); costs the same for 5 or 100,000."""
        query = query or QueueQuery()
        query.check(STATUS_FILTERS)
        offset, limit = max(0, offset), max(1, min(limit, MAX_PAGE_SIZE))
        a, d = t.assignments.c, t.documents.c
        annotator = literal(user.name)
        documents = self._document_conditions(query)
        conditions = [a.user_id == user.id, *_status_filter(a.status, query.status), *documents]
        conditions += _count_filters(query, annotator)
        spans = _span_count(annotator, None)
        orders: dict[str, list[Any]] = {
            "queue": [a.position, a.doc_id],
            "title": [func.lower(d.title), a.doc_id],
            "status": [case(STATUS_ORDER, value=a.status, else_=3), a.position, a.doc_id],
            "spans": [spans.desc(), a.position, a.doc_id],
        }
        order = orders[query.sort]
        rows_query = (
            select(
                a.doc_id,
                a.status,
                a.position,
                d.stage,
                d.title,
                d.source_id,
                d.story_id,
                spans.label("spans"),
            )
            .select_from(t.assignments)
            .join(t.documents, d.doc_id == a.doc_id)
            .where(*conditions)
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        )
        with self._read() as connection:
            if query.sort == "queue" and ordered_by_uncertainty(connection):  # the project's setting
                rows_query = rows_query.order_by(None).order_by(*uncertainty_order())
            rows = connection.execute(rows_query).all()
            kept = t.assignment_counts.c  # kept by triggers (migration 0004): no count over the queue
            counts: dict[str, int] = dict(
                connection.execute(select(kept.status, kept.n).where(kept.user_id == user.id)).all()
            )
            if len(conditions) == 1:  # the whole queue: its total is the sum of the counts per status
                total = sum(counts.values())
            else:
                total = self._total(connection, conditions, bool(documents))
            labels = self._label_counts(connection, [row.doc_id for row in rows], [user.name])
        items = [
            {
                **row._mapping,
                "title": row.title or row.source_id or row.doc_id,
                "labels": labels.get(row.doc_id, {}),
            }
            for row in rows
        ]
        return QueuePage(
            items, total, offset, limit, {status: counts.get(status, 0) for status in t.STATUSES}
        )

    def queue_offset(self, user: User, doc_id: str, query: QueueQuery | None = None) -> int | None:
        """Where ``doc_id`` is in ``user``'s queue under ``query`` (its 0-based row), or None when the query
        does not list it: so a page can open on the page of the current document."""
        query = query or QueueQuery()
        query.check(STATUS_FILTERS)
        with self._read() as connection:
            by_position = query.sort == "queue" and not ordered_by_uncertainty(connection)
        if not by_position:
            return self._offset_by_scan(user, doc_id, query)
        a = t.assignments.c
        annotator = literal(user.name)
        documents = self._document_conditions(query)
        conditions = [a.user_id == user.id, *_status_filter(a.status, query.status), *documents]
        conditions += _count_filters(query, annotator)
        with self._read() as connection:
            mine = connection.execute(
                select(a.position)
                .select_from(t.assignments)
                .join(t.documents, t.documents.c.doc_id == a.doc_id)
                .where(*conditions, a.doc_id == doc_id)
            ).first()
            if mine is None:
                return None
            before = or_(a.position < mine.position, and_(a.position == mine.position, a.doc_id < doc_id))
            return self._total(connection, [*conditions, before], bool(documents))

    def _offset_by_scan(self, user: User, doc_id: str, query: QueueQuery) -> int | None:
        """The other orders: walk the matching doc_ids (one column) until ``doc_id``."""
        offset = 0
        while True:
            page = self.queue_page(user, query, offset=offset, limit=MAX_PAGE_SIZE)
            for index, item in enumerate(page.items):
                if item["doc_id"] == doc_id:
                    return offset + index
            if len(page.items) < MAX_PAGE_SIZE:
                return None
            offset += MAX_PAGE_SIZE

    def in_queue(self, user: User, doc_id: str | None) -> bool:
        """Whether ``doc_id`` is assigned to ``user`` (one indexed lookup)."""
        if not doc_id:
            return False
        a = t.assignments.c
        with self._read() as connection:
            found = connection.execute(
                select(a.doc_id).where(a.user_id == user.id, a.doc_id == doc_id)
            ).first()
        return found is not None

    def next_open_document(self, user: User, after: str | None = None) -> str | None:
        """The first document of ``user``'s queue (in queue order) that is not done, after ``after`` if given
        (wrapping round to the start); None when everything is done."""
        a = t.assignments.c
        open_rows = select(a.doc_id).where(a.user_id == user.id, a.status != "done")
        with self._read() as connection:
            if ordered_by_uncertainty(connection):  # the project's setting: least certain first
                return next_by_uncertainty(connection, user, after)
            if after is not None:
                position = connection.execute(
                    select(a.position).where(a.user_id == user.id, a.doc_id == after)
                ).scalar()
                if position is not None:
                    later = or_(a.position > position, and_(a.position == position, a.doc_id > after))
                    found = connection.execute(
                        open_rows.where(later).order_by(a.position, a.doc_id).limit(1)
                    ).scalar()
                    if found is not None:
                        return str(found)
            found = connection.execute(open_rows.order_by(a.position, a.doc_id).limit(1)).scalar()
        return None if found is None else str(found)

    def review_page(
        self, user: User, query: QueueQuery | None = None, *, offset: int = 0, limit: int = PAGE_SIZE
    ) -> QueuePage:
        """One page of the documents in review or final (reviewers and admins): doc_id, title, source_id,
        story_id, stage, annotators and gold span counts. ``status`` filters by stage (``review`` or
        ``final``); sorts: ``queue`` (stage, then doc_id) or ``title``."""
        if not user.is_reviewer:
            raise AccessDenied(f"{user.name} ({user.role}) may not review", hint="reviewers and admins do")
        query = query or QueueQuery()
        query.check(REVIEW_STAGES)
        offset, limit = max(0, offset), max(1, min(limit, MAX_PAGE_SIZE))
        d = t.documents.c
        conditions = [
            d.stage.in_([query.status] if query.status else REVIEW_STAGES),
            *self._document_conditions(query),
        ]
        order = [func.lower(d.title), d.doc_id] if query.sort == "title" else [d.stage, d.doc_id]
        with self._read() as connection:
            rows = connection.execute(
                select(d.doc_id, d.title, d.source_id, d.story_id, d.stage)
                .where(*conditions)
                .order_by(*order)
                .offset(offset)
                .limit(limit)
            ).all()
            total = connection.execute(select(func.count()).select_from(t.documents).where(*conditions))
            total_rows = int(total.scalar_one())
            counts: dict[str, int] = dict(
                connection.execute(
                    select(d.stage, func.count()).where(d.stage.in_(REVIEW_STAGES)).group_by(d.stage)
                ).all()
            )
            page_ids = [row.doc_id for row in rows]
            layers = self._layer_counts(connection, page_ids)
        items = [
            {
                **row._mapping,
                "title": row.title or row.source_id or row.doc_id,
                "annotators": len(layers[row.doc_id]["annotators"]),
                "gold": layers[row.doc_id]["gold"],
            }
            for row in rows
        ]
        return QueuePage(
            items, total_rows, offset, limit, {stage: counts.get(stage, 0) for stage in REVIEW_STAGES}
        )

    def review_offset(self, user: User, doc_id: str, query: QueueQuery | None = None) -> int | None:
        """Where ``doc_id`` is in the review list under ``query`` (its 0-based row), or None when not listed."""
        query = query or QueueQuery()
        if query.sort == "title":
            offset = 0
            while True:  # the title order: walk the list a page at a time
                page = self.review_page(user, query, offset=offset, limit=MAX_PAGE_SIZE)
                ids = [item["doc_id"] for item in page.items]
                if doc_id in ids:
                    return offset + ids.index(doc_id)
                if len(ids) < MAX_PAGE_SIZE:
                    return None
                offset += MAX_PAGE_SIZE
        if not user.is_reviewer:
            raise AccessDenied(f"{user.name} ({user.role}) may not review", hint="reviewers and admins do")
        d = t.documents.c
        conditions = [
            d.stage.in_([query.status] if query.status else REVIEW_STAGES),
            *self._document_conditions(query),
        ]
        with self._read() as connection:
            mine = connection.execute(select(d.stage).where(*conditions, d.doc_id == doc_id)).first()
            if mine is None:
                return None
            before = or_(d.stage < mine.stage, and_(d.stage == mine.stage, d.doc_id < doc_id))
            count = select(func.count()).select_from(t.documents).where(*conditions, before)
            return int(connection.execute(count).scalar_one())

    def _document_conditions(self, query: QueueQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        found = _search(self.engine.dialect.name, query.search)
        if found is not None:
            conditions.append(found)
        if query.story:
            conditions.append(t.documents.c.story_id == query.story)
        if query.stage:
            conditions.append(t.documents.c.stage == query.stage)
        return conditions

    @staticmethod
    def _total(connection: Any, conditions: list[ColumnElement[bool]], join_documents: bool) -> int:
        """Assignments matching ``conditions`` (joined with their documents when a condition needs them)."""
        counted: Select[Any] = select(func.count()).select_from(t.assignments)
        if join_documents:
            counted = counted.join(t.documents, t.documents.c.doc_id == t.assignments.c.doc_id)
        return int(connection.execute(counted.where(*conditions)).scalar_one())

    @staticmethod
    def _label_counts(
        connection: Any, doc_ids: list[str], annotators: list[str]
    ) -> dict[str, dict[str, int]]:
        """Current spans per document and label, of ``annotators``, for a page of documents (one query)."""
        if not doc_ids:
            return {}
        a = t.annotations.c
        rows = connection.execute(
            select(a.doc_id, a.label, func.count())
            .where(
                a.doc_id.in_(doc_ids),
                a.layer == "annotation",
                a.annotator.in_(annotators),
                a.deleted.is_(False),
            )
            .group_by(a.doc_id, a.label)
        ).all()
        out: dict[str, dict[str, int]] = defaultdict(dict)
        for doc_id, label, count in rows:
            out[doc_id][label] = count
        return dict(out)

    @staticmethod
    def _layer_counts(connection: Any, doc_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Annotators with spans and gold spans per document, for a page of documents (one query)."""
        out: dict[str, dict[str, Any]] = {doc_id: {"annotators": set(), "gold": 0} for doc_id in doc_ids}
        if not doc_ids:
            return out
        a = t.annotations.c
        rows = connection.execute(
            select(a.doc_id, a.layer, a.annotator, func.count())
            .where(a.doc_id.in_(doc_ids), a.layer.in_(("annotation", "gold")), a.deleted.is_(False))
            .group_by(a.doc_id, a.layer, a.annotator)
        ).all()
        for doc_id, layer, annotator, count in rows:
            if layer == "gold":
                out[doc_id]["gold"] += count
            else:
                out[doc_id]["annotators"].add(annotator)
        return out
