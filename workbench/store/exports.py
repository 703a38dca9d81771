"""Exporting annotation records: the store's queries; the file formats are :mod:`corpus.formats`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select

from corpus.errors import NewsspanError
from corpus.formats.annotation_files import EXPORT_FORMATS, export_files
from workbench.store import tables as t
from workbench.store.access import require_admin
from workbench.store.annotations import AnnotationsMixin
from workbench.store.base import User, scheme_record
from workbench.store.rows import document_dict


class ExportsMixin(AnnotationsMixin):
    def export_records(self, user: User, layer: str = "annotation") -> list[dict[str, Any]]:
        """Every current record of a layer in the scheme's format (admins), by document, annotator and offset.

        Only the ``record`` column is read: the scheme's record as it was saved (what ``records`` returns
        without the store's bookkeeping, at half the cost for a large export)."""
        require_admin(user, "read every annotation")
        query = (
            select(t.annotations.c.record)
            .where(t.annotations.c.layer == layer, t.annotations.c.deleted.is_(False))
            .order_by(
                t.annotations.c.doc_id, t.annotations.c.annotator, t.annotations.c.start, t.annotations.c.end
            )
        )
        with self._read() as connection:
            return [scheme_record(record) for record in connection.execute(query).scalars()]

    def _export_documents(self) -> dict[str, dict[str, Any]]:
        """Every document of the store, by doc_id (Label Studio and brat exports write each one, with or
        without spans). Only called after ``records`` checked that the user is an admin."""
        with self._read() as connection:
            rows = connection.execute(select(t.documents).order_by(t.documents.c.doc_id))
            return {row.doc_id: document_dict(row) for row in rows}

    def export_file(
        self,
        user: User,
        path: Path | str,
        fmt: str,
        layer: str = "annotation",
        *,
        annotator_emails: Mapping[str, str] | None = None,
    ) -> int:
        """Write JSONL, Label Studio JSON (with ``label_config.xml`` beside it) or a brat folder; returns the
        number of records written. ``annotator_emails`` maps annotators to Label Studio users' e-mails."""
        records = self.export_records(user, layer)
        if fmt not in EXPORT_FORMATS:
            raise NewsspanError(f"cannot export as {fmt!r}", hint=f"use one of: {', '.join(EXPORT_FORMATS)}")
        documents = self._export_documents() if fmt in ("labelstudio", "brat") else {}
        path = Path(path)
        files = export_files(records, fmt, path.name, documents, annotator_emails=annotator_emails)
        for name, text in files.items():
            target = path.parent / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return len(records)
