"""Importing annotation records: check every item of a file against the store, then write them all or none.

The file formats are :mod:`corpus.formats` (pure readers returning items with ``file:line``); this module is the
store's side. Each record's document is found (by ``doc_id``, by the document's ``source_id``, or for Label
Studio and brat by the text the offsets were made on), missing ``span_text``, ``text_sha256`` and
``schema_version`` are filled from the document, and the scheme's validator runs with the document's other
records (in the file and in the store) as link targets. Each bad record gives one ``file:line: sentence``
error, in the file's order. Without ``partial`` a file with any bad record imports nothing; with it the good
records are imported. Either way the import is one transaction.

At scale (a million spans): the file is read twice, item by item. The first reading counts each document's
items; the second collects a document's items until it has them all, checks the document's records together
(the label set looked up once, the id index built once per document, the record schema compiled to plain
Python checks: see :mod:`corpus.scheme.compiled`), and writes the good records of about ``BATCH_RECORDS`` at a
time: one executemany for the rows and one for their ``create`` events (SQLAlchemy sends them as multi-row
INSERTs on PostgreSQL). Only the documents still incomplete are held in memory, so a file sorted by document
(as every exporter writes them) imports in flat memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from corpus.errors import NewsspanError
from corpus.formats.annotation_files import file_format, iter_annotation_file, read_annotation_file
from corpus.formats.items import Item, ReadOptions
from corpus.text import sha256_text
from workbench.store import tables as t
from workbench.store.access import require_admin
from workbench.store.annotations import AnnotationsMixin
from workbench.store.base import User, now, scheme_record
from workbench.store.bulk import bulk_cache, insert_many
from workbench.store.errors import ImportFailed
from workbench.store.rows import create_event, document_dict, new_id, new_row

BATCH_RECORDS = 2_000  # records checked and written together
LOOKUP_CHUNK = 500  # values per IN (...) list
PROGRESS_EVERY = 5_000  # items between progress calls when no batch is written (a file of bad lines)

ItemSource = Callable[[], Iterable[Item]]
"""The items of a file, afresh on each call (an import reads them twice)."""

Progress = Callable[[int, int | None], None]
"""``on_progress(done, total)``: items read so far; ``total`` is None during the first reading (counting), then
the file's item count during the second (checking and writing)."""


@dataclass
class ImportReport:
    """What an import did: records written, records already in the store, and the bad records' errors."""

    imported: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    # Label Studio: how many spans' offsets were read in which convention (corpus.formats.items.OFFSET_BASES)
    offsets: dict[str, int] = field(default_factory=dict)


class ImportsMixin(AnnotationsMixin):
    user: Callable[[str], User | None]  # AccountsMixin's, composed into Store beside this mixin

    def import_file(
        self,
        user: User,
        path: Path | str,
        *,
        annotator: str,
        fmt: str | None = None,
        partial: bool = False,
        layer: str = "annotation",
        on_progress: Progress | None = None,
        options: ReadOptions | None = None,
    ) -> ImportReport:
        """Import a JSONL, Label Studio or brat file (or brat folder) as ``annotator``'s records (admins).
        ``options`` (:class:`corpus.formats.items.ReadOptions`) rename labels and pick the annotator's
        annotations of a Label Studio file (by default: those of ``annotator`` when the file names them).

        Raises ``ImportFailed`` (one ``file:line: sentence`` per bad record) and writes nothing when a record is
        bad, unless ``partial``; then the good ones are imported and the report lists the errors. JSONL is read
        twice, line by line (memory stays flat); ``on_progress(done, total)`` follows the second reading."""
        require_admin(user, "import annotations")
        path = Path(path)
        fmt = file_format(path, fmt)
        options = options or ReadOptions(annotator=annotator if layer == "annotation" else None)
        read: list[Item] = []
        if fmt == "jsonl":
            items: ItemSource = lambda: iter_annotation_file(path, fmt, options=options)  # noqa: E731
        else:
            read = read_annotation_file(path, fmt, options=options)
            items = lambda: read  # noqa: E731
        report = self.import_items(
            user,
            items,
            annotator=annotator,
            partial=partial,
            layer=layer,
            source=path.name,
            on_progress=on_progress,
        )
        report.offsets = dict(Counter(item.offsets for item in read if item.offsets))
        return report

    def import_items(
        self,
        user: User,
        items: Sequence[Item] | ItemSource,
        *,
        annotator: str,
        partial: bool = False,
        layer: str = "annotation",
        source: str = "import",
        on_progress: Progress | None = None,
    ) -> ImportReport:
        """Check ``items`` (from :mod:`corpus.formats`: a list, or a function giving them afresh for each of the
        two readings) against the store and write the good ones in one transaction; any bad one raises
        ``ImportFailed`` and writes nothing, unless ``partial``."""
        require_admin(user, "import annotations")
        if layer == "annotation" and self.user(annotator) is None:
            raise NewsspanError(f"unknown annotator {annotator!r}", hint="add them: newsspan user add NAME")
        again: ItemSource = items if callable(items) else (lambda: items)
        run = _ImportRun(self, user, annotator=annotator, layer=layer, source=source, partial=partial)
        run.plan(again(), on_progress)  # first reading, outside the transaction: each document's item count
        try:
            with self._write() as connection, bulk_cache(connection):
                run.resolve(connection)
                run.write(connection, again(), on_progress)
                report = run.report()
                if report.errors and not partial:
                    raise ImportFailed(
                        report.errors, hint="fix them, or pass --partial to import the good records"
                    )
        except IntegrityError:  # PostgreSQL: someone saved the same span while the import ran
            raise NewsspanError(
                "the store changed while the file was imported (a span saved meanwhile); nothing was imported",
                hint="run the import again",
            ) from None
        return report


@dataclass
class _Entry:
    """One item of a batch on its way to the store: its place in the file, the record as it will be stored,
    and the problems found before validation (against the row that already has its id)."""

    seq: int
    item: Item
    record: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    existing: Any = None


class _ImportRun:
    """One import: the first reading counts the items of each document; the second collects each document's
    items and, once a document is complete, checks and writes it in batches of about ``BATCH_RECORDS``.

    A document's records are checked together (links and duplicate ids only ever join records of one document
    and annotator), with the store's current records of that document as link targets; a record that fails
    takes out the records linking to it (a claim whose speaker was bad), one round at a time. Errors keep the
    file's order."""

    def __init__(
        self, store: ImportsMixin, user: User, *, annotator: str, layer: str, source: str, partial: bool
    ) -> None:
        self.store = store
        self.user = user
        self.annotator = annotator
        self.layer = layer
        self.source = f"import:{source}"
        self.partial = partial
        self.counts: Counter[tuple[Any, ...]] = Counter()
        self.total = 0
        self.resolved: dict[tuple[Any, ...], str | None] = {}
        self.per_document: Counter[str] = Counter()
        self.errors: list[tuple[int, str]] = []
        self.imported = 0
        self.unchanged = 0
        self.check = store.validate.group_checker(layer)
        self._shas: dict[int, tuple[str, str]] = {}

    # -- the first reading -------------------------------------------------------------------------------

    def key(self, item: Item) -> tuple[Any, ...]:
        """How the item names its document: (doc_id, source_id, sha256 of the text it was made on)."""
        record = item.record or {}
        doc_id = record.get("doc_id")
        doc_id = doc_id if isinstance(doc_id, str) and doc_id else None
        sha = None
        if doc_id is None and not item.source_id and item.task_text:
            cached = self._shas.get(id(item.task_text))
            if cached is None or cached[0] is not item.task_text:
                cached = self._shas[id(item.task_text)] = (item.task_text, sha256_text(item.task_text))
            sha = cached[1]
        return doc_id, item.source_id or None, sha

    def plan(self, items: Iterable[Item], on_progress: Progress | None = None) -> None:
        for item in items:
            self.total += 1
            if item.record is not None:
                self.counts[self.key(item)] += 1
            if on_progress and not self.total % PROGRESS_EVERY:
                on_progress(self.total, None)

    # -- which documents the keys name -------------------------------------------------------------------

    def resolve(self, connection: Connection) -> None:
        """Each key's doc_id in the store (None: unknown), found as ``_find_document`` says."""
        named = sorted({doc_id for doc_id, _, _ in self.counts if doc_id})
        known: set[str] = set()
        for chunk in _chunks(named, LOOKUP_CHUNK):
            known.update(
                connection.execute(
                    select(t.documents.c.doc_id).where(t.documents.c.doc_id.in_(chunk))
                ).scalars()
            )
        by_source: dict[str, str] = {}
        by_sha: dict[str, str] = {}
        if any((doc_id not in known) and (source_id or sha) for doc_id, source_id, sha in self.counts):
            rows = connection.execute(
                select(t.documents.c.doc_id, t.documents.c.text_sha256, t.documents.c.record)
            )
            for row in rows:
                source_id = (row.record or {}).get("source_id")
                if source_id:
                    by_source[str(source_id)] = row.doc_id
                by_sha[row.text_sha256] = row.doc_id
        for key, count in self.counts.items():
            doc_id, source_id, sha = key
            found = doc_id if doc_id in known else None
            if found is None and source_id:
                found = by_source.get(source_id)
            if found is None and sha:
                found = by_sha.get(sha)
            self.resolved[key] = found
            if found is not None:
                self.per_document[found] += count

    # -- the second reading ------------------------------------------------------------------------------

    def write(self, connection: Connection, items: Iterable[Item], on_progress: Progress | None) -> None:
        pending: dict[str, list[tuple[int, Item]]] = {}
        ready: list[tuple[str, list[tuple[int, Item]]]] = []
        ready_records = done = 0
        for seq, item in enumerate(items):
            done += 1
            doc_id = self._document_of(seq, item)
            if doc_id is not None:
                group = pending.setdefault(doc_id, [])
                group.append((seq, item))
                if len(group) == self.per_document[doc_id]:
                    ready.append((doc_id, pending.pop(doc_id)))
                    ready_records += len(group)
            if ready_records >= BATCH_RECORDS:
                self.flush(connection, ready)
                ready, ready_records = [], 0
            elif done % PROGRESS_EVERY:
                continue
            if on_progress:
                on_progress(done, self.total)
        for doc_id, group in pending.items():  # a file that changed between the readings: whatever is left
            ready.append((doc_id, group))
            ready_records += len(group)
            if ready_records >= BATCH_RECORDS:
                self.flush(connection, ready)
                ready, ready_records = [], 0
        if ready:
            self.flush(connection, ready)
        if on_progress:
            on_progress(done, max(done, self.total))

    def _document_of(self, seq: int, item: Item) -> str | None:
        """The item's doc_id, or None with its errors noted (a line that could not be read, an unknown
        document)."""
        if item.record is None:
            self.errors.extend((seq, f"{item.where}: {problem}") for problem in item.problems)
            return None
        doc_id = self.resolved.get(self.key(item))
        if doc_id is None:
            named = item.record.get("doc_id") or item.source_id or "(no doc_id)"
            problem = f"unknown document {named!r} (not in the store; load its release first)"
            self.errors.append((seq, f"{item.where}: {problem}"))
        return doc_id

    def flush(self, connection: Connection, ready: list[tuple[str, list[tuple[int, Item]]]]) -> None:
        """Check the documents of one batch and write their good records (rows and events, executemany)."""
        doc_ids = [doc_id for doc_id, _ in ready]
        documents = {
            row.doc_id: row
            for row in connection.execute(select(t.documents).where(t.documents.c.doc_id.in_(doc_ids)))
        }
        batch: list[tuple[Any, list[_Entry]]] = []
        for doc_id, items in ready:
            document = documents[doc_id]
            entries = [
                entry for seq, item in items if (entry := self._entry(seq, item, document)) is not None
            ]
            batch.append((document, entries))
        entries = [entry for _, group in batch for entry in group]
        self._rename_taken_ids(connection, entries)
        current = self._current(connection, doc_ids, {entry.record["annotator"] for entry in entries})
        good: list[dict[str, Any]] = []
        for document, group in batch:
            good += self._check_document(document, group, current)
        if good and (self.partial or not self.errors):  # a failing import is rolled back: skip its writes
            self._insert(connection, good)

    def _entry(self, seq: int, item: Item, document: Any) -> _Entry | None:
        """The item's record as it will be stored, or None with its error noted (the checks that need no
        validator: the text it was made on, whose record it is)."""
        assert item.record is not None
        problem = None
        if item.task_text is not None and item.task_text != document.text:
            problem = (
                f"the file's text differs from document {document.doc_id}'s text "
                "(made on another version of the article?)"
            )
        named = item.record.get("annotator")
        wanted = "gold" if self.layer == "gold" else self.annotator
        if problem is None and named is not None and named != wanted:
            problem = f"the record's annotator is {named!r}, not {wanted!r}"
        if problem is not None:
            self.errors.append((seq, f"{item.where}: {problem}"))
            return None
        named_document = item.record.get("doc_id") == document.doc_id  # else named by source_id or text
        record = self.store._prepare(  # a copy: the item's record stays as read
            User(0, self.annotator, "annotator"),
            item.record if named_document else {**item.record, "doc_id": document.doc_id},
            document,
            self.layer,
        )
        record["id"] = record.get("id") or new_id()
        return _Entry(seq, item, record)

    def _rename_taken_ids(self, connection: Connection, entries: list[_Entry]) -> None:
        """Ids are unique per document and annotator in the scheme but global in the store: a record whose id
        another document or annotator already uses (in the store, or earlier in this file) gets a new id, and
        the links of its own document and annotator follow. The store row that keeps an id is noted on the
        entry (``existing``) and checked against it."""
        ids = sorted({entry.record["id"] for entry in entries if isinstance(entry.record["id"], str)})
        rows = {
            row.id: row
            for chunk in _chunks(ids, LOOKUP_CHUNK)
            for row in connection.execute(select(t.annotations).where(t.annotations.c.id.in_(chunk)))
        }
        owner = {row.id: (row.doc_id, row.layer, row.annotator) for row in rows.values()}
        renames: dict[tuple[str, str], str] = {}
        for entry in entries:
            record = entry.record
            if not isinstance(record["id"], str):
                continue  # the validator says what is wrong with it
            group = (record["doc_id"], self.layer, record["annotator"])
            if owner.setdefault(record["id"], group) != group:
                renames[(record["doc_id"], record["id"])] = new_id()
        renamed_documents = {doc_id for doc_id, _ in renames}
        for entry in entries:
            if entry.record["doc_id"] in renamed_documents:
                _follow_renames(entry.record, renames)
            entry.existing = rows.get(entry.record["id"]) if isinstance(entry.record["id"], str) else None
            entry.problems = self._existing_problems(entry)

    def _existing_problems(self, entry: _Entry) -> list[str]:
        existing, record = entry.existing, entry.record
        if existing is None:
            return []
        if existing.deleted:
            return [f"annotation {record['id']!r} was deleted in the store (undo restores it)"]
        if (existing.doc_id, existing.layer, existing.annotator) != (
            record["doc_id"],
            self.layer,
            record["annotator"],
        ):
            return [f"id {record['id']!r} is taken by another document or annotator in the store"]
        if {**scheme_record(existing.record), "created_at": None} != {**record, "created_at": None}:
            return [f"annotation {record['id']!r} is already in the store with other content"]
        return []

    def _current(
        self, connection: Connection, doc_ids: list[str], annotators: set[str]
    ) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """The store's current records of the batch's documents in this layer, by (doc_id, annotator)."""
        current: dict[tuple[str, str], list[dict[str, Any]]] = {}
        if not annotators:
            return current
        query = (
            select(t.annotations.c.doc_id, t.annotations.c.annotator, t.annotations.c.record)
            .where(
                t.annotations.c.doc_id.in_(doc_ids),
                t.annotations.c.layer == self.layer,
                t.annotations.c.annotator.in_(sorted(annotators)),
                t.annotations.c.deleted.is_(False),
            )
            .order_by(t.annotations.c.start, t.annotations.c.end)
        )
        for row in connection.execute(query):
            current.setdefault((row.doc_id, row.annotator), []).append(row.record)
        return current

    def _check_document(
        self, document: Any, entries: list[_Entry], current: dict[tuple[str, str], list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """The records of one document that pass, after dropping the bad ones and checking the rest again (a
        claim may have lost its speaker) until none fails."""
        text = document_dict(document)
        ids = {entry.record["id"] for entry in entries if isinstance(entry.record["id"], str)}
        live = entries
        while live:
            annotator = live[0].record["annotator"]
            others = [
                other for other in current.get((document.doc_id, annotator), []) if other.get("id") not in ids
            ]
            found = self.check([entry.record for entry in live], text, others)
            kept = []
            for entry, problems in zip(live, found, strict=True):
                problems = entry.problems or problems
                if problems:
                    self.errors.extend((entry.seq, f"{entry.item.where}: {problem}") for problem in problems)
                else:
                    kept.append(entry)
            if len(kept) == len(live):
                break
            live = kept
        written = []
        for entry in live:
            if entry.existing is not None:
                self.unchanged += 1
            else:
                written.append(entry.record)
        return written

    def _insert(self, connection: Connection, records: list[dict[str, Any]]) -> None:
        """The records' rows and one ``create`` event each, in two executemany statements; assignments of the
        annotators' documents become ``in_progress``."""
        stamp = now()
        actor = self.user.name
        rows, events = [], []
        for record in targets_first(records):
            rows.append(new_row(record, layer=self.layer, actor=actor, stamp=stamp))
            events.append(
                create_event(record, layer=self.layer, actor=actor, stamp=stamp, source=self.source)
            )
        insert_many(connection, (t.annotations, rows), (t.events, events))
        self.imported += len(rows)
        if self.layer == "annotation":
            started: dict[str, set[str]] = {}
            for record in records:
                started.setdefault(record["annotator"], set()).add(record["doc_id"])
            for annotator, doc_ids in started.items():
                user_id = select(t.users.c.id).where(t.users.c.name == annotator).scalar_subquery()
                connection.execute(
                    update(t.assignments)
                    .where(
                        t.assignments.c.doc_id.in_(sorted(doc_ids)),
                        t.assignments.c.user_id == user_id,
                        t.assignments.c.status == "not_started",
                    )
                    .values(status="in_progress", updated_at=stamp)
                )

    def report(self) -> ImportReport:
        self.errors.sort(key=lambda error: error[0])  # stable: a record's own messages keep their order
        return ImportReport(
            imported=self.imported if (self.partial or not self.errors) else 0,
            unchanged=self.unchanged,
            errors=[message for _, message in self.errors],
        )


def _follow_renames(record: dict[str, Any], renames: dict[tuple[str, str], str]) -> None:
    doc_id = record["doc_id"]
    record["id"] = renames.get((doc_id, record["id"]), record["id"])
    record["attributes"] = {
        key: renames.get((doc_id, value), value) if isinstance(value, str) else value
        for key, value in record["attributes"].items()
    }
    if record.get("links"):
        record["links"] = [
            {**link, "target": renames.get((doc_id, link["target"]), link["target"])}
            if isinstance(link, dict) and isinstance(link.get("target"), str)
            else link
            for link in record["links"]
        ]


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def targets_first(good: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records in write order: link targets first, so a claim's event follows its speaker's (undo removes
    the claim before the actor it points at)."""
    targets = {
        value
        for record in good
        for value in [
            *(record.get("attributes") or {}).values(),
            *(link.get("target") for link in record.get("links") or [] if isinstance(link, dict)),
        ]
        if isinstance(value, str)
    }
    return sorted(good, key=lambda record: record.get("id") not in targets)
