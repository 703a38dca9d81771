"""Documents: load a release into the store without losing annotations.

A document whose text is unchanged keeps its spans as they are. When the text changed (same ``doc_id``, new
``text_sha256``: the cleaning rules changed), every span is re-anchored: its old position is mapped to the new
text through the lines the two texts share, and the span moves when its ``span_text`` occurs exactly once within
``REANCHOR_WINDOW`` code points of that position. Otherwise it keeps its record (old offsets, old
``text_sha256``) and is flagged ``anchor = needs_review`` for a person to fix. Nothing is ever dropped; both
outcomes are events in the log. Every text a document ever had stays in ``document_texts``.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from corpus.documents import display_title
from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import require_admin
from workbench.store.annotations import AnnotationsMixin
from workbench.store.base import User, now
from workbench.store.rows import document_dict, row_record

REANCHOR_WINDOW = 200
_BIG_KEYS = ("text", "raw_text")


@dataclass
class LoadReport:
    release: str | None
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    reanchored: list[str] = field(default_factory=list)  # annotation ids
    flagged: list[str] = field(default_factory=list)  # annotation ids needing review


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(index + 1 for index, char in enumerate(text) if char == "\n")
    return starts


def position_map(old: str, new: str) -> Callable[[int], int]:
    """A function from an offset in ``old`` to the expected offset in ``new``, through shared lines."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    old_starts, new_starts = _line_starts(old), _line_starts(new)
    blocks = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_matching_blocks()
    line_map: dict[int, int] = {}
    for block in blocks:
        for k in range(block.size):
            line_map[block.a + k] = block.b + k

    def expected(position: int) -> int:
        line = bisect_right(old_starts, position) - 1
        column = position - old_starts[line]
        if line in line_map:
            return new_starts[line_map[line]] + column
        # The line itself changed: take the nearest shared line before it and keep the distance.
        for previous in range(line - 1, -1, -1):
            if previous in line_map:
                return new_starts[line_map[previous]] + (position - old_starts[previous])
        return position

    return expected


def reanchor(new_text: str, span_text: str, expected: int, window: int = REANCHOR_WINDOW) -> int | None:
    """The new start of ``span_text`` when it occurs exactly once within ``window`` of ``expected``."""
    if not span_text:
        return None
    found: list[int] = []
    position = new_text.find(span_text, max(0, expected - window))
    while position != -1 and position <= expected + window:
        found.append(position)
        if len(found) > 1:
            return None
        position = new_text.find(span_text, position + 1)
    return found[0] if found else None


LOAD_CHUNK = 500


def _chunks(documents: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parse(document: dict[str, Any], release: str | None) -> tuple[str, str, str, dict[str, Any]]:
    """doc_id, text, text_sha256 and the record to store (without the texts) of a document record."""
    try:
        doc_id, text, sha = document["doc_id"], document["text"], document["text_sha256"]
    except KeyError as missing:
        raise NewsspanError(
            f"a document record has no {missing.args[0]}", where=f"release {release}"
        ) from None
    return doc_id, text, sha, {key: value for key, value in document.items() if key not in _BIG_KEYS}


def listing_columns(record: dict[str, Any], text: str) -> dict[str, str | None]:
    """The columns the queue searches, sorts and filters on, copied from a document record: the display title
    (``corpus.documents.display_title``), ``source_id`` and ``story_id``."""

    def short(value: Any, size: int) -> str | None:
        return str(value)[:size] if value not in (None, "") else None

    return {
        "title": display_title({**record, "text": text})[:512],
        "source_id": short(record.get("source_id"), 256),
        "story_id": short(record.get("story_id"), 256),
    }


class DocumentsMixin(AnnotationsMixin):
    def load_documents(
        self, user: User, documents: Iterable[dict[str, Any]], *, release: str | None = None
    ) -> LoadReport:
        """Add or update documents (admins), re-anchoring or flagging the spans of documents whose text changed.

        Documents go in chunks of ``LOAD_CHUNK``, each with a few statements (one read of those already
        stored, bulk inserts and updates), all in one transaction."""
        require_admin(user, "load documents")
        report = LoadReport(release=release)
        with self._write() as connection:
            for chunk in _chunks(documents, LOAD_CHUNK):
                self._load_chunk(connection, user, chunk, release, report)
        return report

    def load_release(self, user: User, version: str | None = None) -> LoadReport:
        """Load a release's documents (default the latest) with ``load_documents``."""
        require_admin(user, "load releases")
        from corpus.release import open_release

        release = open_release(version)
        return self.load_documents(user, release.documents(), release=release.version)

    def _load_chunk(
        self,
        connection: Connection,
        user: User,
        chunk: list[dict[str, Any]],
        release: str | None,
        report: LoadReport,
    ) -> None:
        stamp = now()
        parsed = {
            doc_id: (text, sha, record) for doc_id, text, sha, record in (_parse(d, release) for d in chunk)
        }
        ids = list(parsed)
        stored = dict(
            connection.execute(
                select(t.documents.c.doc_id, t.documents.c.text_sha256).where(t.documents.c.doc_id.in_(ids))
            ).all()
        )
        known_texts: set[tuple[str, str]] = set(
            tuple(row)
            for row in connection.execute(
                select(t.document_texts.c.doc_id, t.document_texts.c.text_sha256).where(
                    t.document_texts.c.doc_id.in_(ids)
                )
            ).all()
        )
        search_id = self._next_search_id(connection)
        added, kept, moved, texts = [], [], [], []
        for doc_id, (text, sha, record) in parsed.items():
            values = dict(
                record=record, release_version=release, loaded_at=stamp, **listing_columns(record, text)
            )
            if doc_id not in stored:
                added.append(dict(doc_id=doc_id, text_sha256=sha, text=text, search_id=search_id, **values))
                search_id += 1
                report.added.append(doc_id)
            elif stored[doc_id] == sha:
                kept.append(dict(key=doc_id, **values))
                report.unchanged.append(doc_id)
            else:  # the text index is updated only when the text changes
                moved.append(dict(key=doc_id, text_sha256=sha, text=text, **values))
                report.changed.append(doc_id)
            if (doc_id, sha) not in known_texts:
                texts.append(
                    dict(doc_id=doc_id, text_sha256=sha, text=text, release_version=release, loaded_at=stamp)
                )
        if added:
            connection.execute(insert(t.documents), added)
        for rows in (kept, moved):
            if rows:
                columns: dict[str, Any] = {name: bindparam(name) for name in rows[0] if name != "key"}
                statement = (
                    update(t.documents).where(t.documents.c.doc_id == bindparam("key")).values(columns)
                )
                connection.execute(statement, rows)
        if texts:
            connection.execute(insert(t.document_texts), texts)
        for values in moved:
            new_row = connection.execute(
                select(t.documents).where(t.documents.c.doc_id == values["key"])
            ).one()
            self._reanchor_document(connection, user, new_row, release, report)

    @staticmethod
    def _next_search_id(connection: Connection) -> int:
        """The next free key of the text index (documents are loaded by admins, one load at a time)."""
        return (
            int(connection.execute(select(func.coalesce(func.max(t.documents.c.search_id), 0))).scalar_one())
            + 1
        )

    def _reanchor_document(
        self, connection: Connection, user: User, document: Any, release: str | None, report: LoadReport
    ) -> None:
        texts = {
            row.text_sha256: row.text
            for row in connection.execute(
                select(t.document_texts).where(t.document_texts.c.doc_id == document.doc_id)
            )
        }
        maps: dict[str, Callable[[int], int]] = {}
        rows = connection.execute(
            select(t.annotations).where(
                t.annotations.c.doc_id == document.doc_id, t.annotations.c.deleted.is_(False)
            )
        ).all()
        source = f"release:{release}" if release else "load"
        for row in rows:
            old_sha = row.record.get("text_sha256")
            if old_sha == document.text_sha256:
                continue
            old_text = texts.get(old_sha)
            new_start = None
            if old_text is not None:
                if old_sha not in maps:
                    maps[old_sha] = position_map(old_text, document.text)
                new_start = reanchor(document.text, row.record["span_text"], maps[old_sha](row.start))
            moved = None
            if new_start is not None:
                moved = {
                    **row.record,
                    "start": new_start,
                    "end": new_start + len(row.record["span_text"]),
                    "text_sha256": document.text_sha256,
                }
                others = [
                    other.record
                    for other in self._current(connection, document.doc_id, row.layer, row.annotator)
                    if other.id != row.id
                ]
                if self.validate(moved, document_dict(document), others, layer=row.layer):
                    moved = None
            if moved is not None:
                self._write_row(
                    connection,
                    user,
                    moved,
                    row,
                    layer=row.layer,
                    kind="reanchor",
                    source=source,
                    anchor="reanchored",
                )
                report.reanchored.append(row.id)
            else:
                self._flag(connection, user, row, source)
                report.flagged.append(row.id)

    def _flag(self, connection: Connection, user: User, row: Any, source: str) -> None:
        stamp = now()
        connection.execute(
            update(t.annotations)
            .where(t.annotations.c.id == row.id)
            .values(anchor="needs_review", version=row.version + 1, updated_at=stamp, updated_by=user.name)
        )
        self._event(
            connection,
            actor=user.name,
            kind="flag",
            doc_id=row.doc_id,
            annotation_id=row.id,
            layer=row.layer,
            version=row.version + 1,
            before=row.record,
            after=row.record,
            source=source,
            at=stamp,
        )

    def flagged(self, user: User) -> list[dict[str, Any]]:
        """Annotations whose document text changed and that could not be re-anchored (admins)."""
        require_admin(user, "list flagged annotations")
        with self._read() as connection:
            rows = connection.execute(
                select(t.annotations)
                .where(t.annotations.c.anchor == "needs_review", t.annotations.c.deleted.is_(False))
                .order_by(t.annotations.c.doc_id, t.annotations.c.start)
            ).all()
        return [row_record(row) for row in rows]
