"""Importing annotation records: check every item of a file against the store, then write them all or none.

The file formats are :mod:`corpus.formats` (pure readers returning items with ``file:line``); this module is the
store's side. Every import is checked as a whole before anything is written: each record's document is found
(by ``doc_id``, by the document's ``source_id``, or for Label Studio and brat by the text the offsets were made
on), missing ``span_text``, ``text_sha256`` and ``schema_version`` are filled from the document, and the
scheme's validator runs with the file's other records as link targets. Each bad record gives one
``file:line: sentence`` error. Without ``partial`` a file with any bad record imports nothing; with it the good
records are imported (in one transaction either way).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from corpus.errors import NewsspanError
from corpus.formats.annotation_files import read_annotation_file
from corpus.formats.items import Item
from corpus.text import sha256_text
from workbench.store import tables as t
from workbench.store.access import require_admin
from workbench.store.annotations import AnnotationsMixin
from workbench.store.base import User, scheme_record
from workbench.store.errors import ImportFailed
from workbench.store.rows import document_dict, new_id


@dataclass
class ImportReport:
    """What an import did: records written, records already in the store, and the bad records' errors."""

    imported: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


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
    ) -> ImportReport:
        """Import a JSONL, Label Studio or brat file (or brat folder) as ``annotator``'s records (admins).

        Raises ``ImportFailed`` (one ``file:line: sentence`` per bad record) and writes nothing when a record is
        bad, unless ``partial``; then the good ones are imported and the report lists the errors."""
        require_admin(user, "import annotations")
        path = Path(path)
        items = read_annotation_file(path, fmt)
        return self.import_items(
            user, items, annotator=annotator, partial=partial, layer=layer, source=path.name
        )

    def import_items(
        self,
        user: User,
        items: list[Item],
        *,
        annotator: str,
        partial: bool = False,
        layer: str = "annotation",
        source: str = "import",
    ) -> ImportReport:
        """Check ``items`` (from :mod:`corpus.formats`) against the store and write the good ones in one
        transaction; any bad one raises ``ImportFailed`` and writes nothing, unless ``partial``."""
        require_admin(user, "import annotations")
        if layer == "annotation" and self.user(annotator) is None:
            raise NewsspanError(f"unknown annotator {annotator!r}", hint="add them: newsspan user add NAME")
        report = ImportReport()
        with self._write() as connection:
            documents = self._import_documents(connection, items)
            good = self._check_items(connection, items, documents, annotator, layer, report)
            if report.errors and not partial:
                raise ImportFailed(
                    report.errors, hint="fix them, or pass --partial to import the good records"
                )
            for _, record in targets_first(good):
                existing = connection.execute(
                    select(t.annotations).where(t.annotations.c.id == record["id"])
                ).first()
                if existing is not None and not existing.deleted:
                    report.unchanged += 1
                    continue
                self._save(connection, user, record, None, layer, f"import:{source}")
                report.imported += 1
        return report

    def _import_documents(self, connection: Connection, items: list[Item]) -> dict[str, Any]:
        """Documents the items name, by doc_id and by source_id (``source:<id>`` keys) and by text sha."""
        wanted = {item.record.get("doc_id") for item in items if item.record and item.record.get("doc_id")}
        found: dict[str, Any] = {}
        if wanted:
            for row in connection.execute(select(t.documents).where(t.documents.c.doc_id.in_(wanted))):
                found[row.doc_id] = row
        if any(item.record and not item.record.get("doc_id") for item in items):
            sources = {item.source_id for item in items if item.source_id}
            shas = {sha256_text(item.task_text) for item in items if item.task_text}
            for row in connection.execute(select(t.documents)):
                if row.record.get("source_id") in sources:
                    found[f"source:{row.record['source_id']}"] = row
                if row.text_sha256 in shas:
                    found[f"sha:{row.text_sha256}"] = row
        return found

    def _check_items(
        self,
        connection: Connection,
        items: list[Item],
        documents: dict[str, Any],
        annotator: str,
        layer: str,
        report: ImportReport,
    ) -> list[tuple[Item, dict[str, Any]]]:
        prepared: list[tuple[Item, dict[str, Any], Any]] = []
        for item in items:
            problems = self._prepare_item(item, documents, annotator, layer, prepared)
            report.errors.extend(f"{item.where}: {problem}" for problem in problems)
        # existing records of the same documents and annotator are link targets too
        groups: dict[str, list[dict[str, Any]]] = {}
        for _, record, document in prepared:
            if document.doc_id not in groups:
                groups[document.doc_id] = [
                    row.record
                    for row in self._current(connection, document.doc_id, layer, record["annotator"])
                ]
        taken = self._rename_taken_ids(connection, prepared, layer)
        while True:  # drop bad records and check the rest again: a claim may have lost its speaker
            good, errors = self._check_batch(prepared, groups, taken, layer)
            report.errors.extend(errors)
            if not errors:
                return good
            kept = {id(record) for _, record in good}
            prepared = [entry for entry in prepared if id(entry[1]) in kept]

    def _prepare_item(
        self,
        item: Item,
        documents: dict[str, Any],
        annotator: str,
        layer: str,
        prepared: list[tuple[Item, dict[str, Any], Any]],
    ) -> list[str]:
        """Add the item's record, as it will be stored, with its document to ``prepared``; or return why not
        (the store-independent checks: the validator runs on the whole batch afterwards)."""
        if item.record is None:
            return item.problems
        record = dict(item.record)
        document = _find_document(item, documents)
        if document is None:
            named = record.get("doc_id") or item.source_id or "(no doc_id)"
            return [f"unknown document {named!r} (not in the store; load its release first)"]
        if item.task_text is not None and item.task_text != document.text:
            return [
                f"the file's text differs from document {document.doc_id}'s text "
                "(made on another version of the article?)"
            ]
        named = record.get("annotator")
        wanted = "gold" if layer == "gold" else annotator
        if named is not None and named != wanted:
            return [f"the record's annotator is {named!r}, not {wanted!r}"]
        record = self._prepare(
            User(0, annotator, "annotator"), {**record, "doc_id": document.doc_id}, document, layer
        )
        record["id"] = record.get("id") or new_id()
        prepared.append((item, record, document))
        return []

    def _rename_taken_ids(
        self, connection: Connection, prepared: list[tuple[Item, dict[str, Any], Any]], layer: str
    ) -> dict[str, Any]:
        """Ids are unique per document and annotator in the scheme but global in the store: a record whose id
        another document or annotator already uses (in the store or in this file) gets a new id, and the links
        of its own document and annotator follow. Returns the store rows that still share an id."""
        batch_ids = {record["id"] for _, record, _ in prepared}
        rows = connection.execute(select(t.annotations).where(t.annotations.c.id.in_(batch_ids))).all()
        owner = {row.id: (row.doc_id, row.layer, row.annotator) for row in rows}
        renames: dict[tuple[str, str], str] = {}
        for _, record, _ in prepared:
            group = (record["doc_id"], layer, record["annotator"])
            if owner.setdefault(record["id"], group) != group:
                renames[(record["doc_id"], record["id"])] = new_id()
        if renames:
            for _, record, _ in prepared:
                doc_id = record["doc_id"]
                record["id"] = renames.get((doc_id, record["id"]), record["id"])
                record["attributes"] = {
                    key: renames.get((doc_id, value), value) if isinstance(value, str) else value
                    for key, value in record["attributes"].items()
                }
                if record.get("links"):
                    record["links"] = [
                        {**link, "target": renames.get((doc_id, link["target"]), link["target"])}
                        for link in record["links"]
                    ]
        return {row.id: row for row in rows}

    def _check_batch(
        self,
        prepared: list[tuple[Item, dict[str, Any], Any]],
        groups: dict[str, list[dict[str, Any]]],
        taken: dict[str, Any],
        layer: str,
    ) -> tuple[list[tuple[Item, dict[str, Any]]], list[str]]:
        good: list[tuple[Item, dict[str, Any]]] = []
        errors: list[str] = []
        batch_by_doc: dict[str, list[dict[str, Any]]] = {}
        for _, record, _ in prepared:
            batch_by_doc.setdefault(record["doc_id"], []).append(record)
        for item, record, document in prepared:
            problems = []
            existing = taken.get(record["id"])
            if existing is not None and existing.deleted:
                problems.append(f"annotation {record['id']!r} was deleted in the store (undo restores it)")
            elif existing is not None:
                group = (existing.doc_id, existing.layer, existing.annotator)
                if group != (record["doc_id"], layer, record["annotator"]):
                    problems.append(
                        f"id {record['id']!r} is taken by another document or annotator in the store"
                    )
                elif {**scheme_record(existing.record), "created_at": None} != {**record, "created_at": None}:
                    problems.append(f"annotation {record['id']!r} is already in the store with other content")
            if not problems:
                others = [o for o in groups[record["doc_id"]] if o.get("id") != record["id"]]
                others += [o for o in batch_by_doc[record["doc_id"]] if o is not record]
                problems = self.validate(record, document_dict(document), others, layer=layer)
            if problems:
                errors.extend(f"{item.where}: {problem}" for problem in problems)
            else:
                good.append((item, record))
        return good, errors


def _find_document(item: Item, documents: dict[str, Any]) -> Any:
    """The item's document among those ``_import_documents`` found: by doc_id, else by source_id, else (for a
    record naming neither) by the text its offsets were made on."""
    record = item.record or {}
    document = documents.get(record.get("doc_id") or "")
    if document is None and item.source_id:
        document = documents.get(f"source:{item.source_id}")
    if document is None and item.task_text and not record.get("doc_id") and not item.source_id:
        document = documents.get(f"sha:{sha256_text(item.task_text)}")
    return document


def targets_first(good: list[tuple[Item, dict[str, Any]]]) -> list[tuple[Item, dict[str, Any]]]:
    """The records in write order: link targets first, so a claim finds its speaker already saved."""
    targets = {
        value
        for _, record in good
        for value in [
            *(record.get("attributes") or {}).values(),
            *(link["target"] for link in record.get("links") or []),
        ]
        if isinstance(value, str)
    }
    return sorted(good, key=lambda pair: pair[1].get("id") not in targets)
