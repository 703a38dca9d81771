"""Exporting annotation records: the store's queries; the file formats are :mod:`corpus.formats`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corpus.errors import NewsspanError
from corpus.formats.annotation_files import EXPORT_FORMATS, render_records
from workbench.store.annotations import AnnotationsMixin
from workbench.store.base import User, scheme_record


class ExportsMixin(AnnotationsMixin):
    def export_records(self, user: User, layer: str = "annotation") -> list[dict[str, Any]]:
        """Every current record of a layer in the scheme's format (admins)."""
        return [scheme_record(record) for record in self.records(user, layer)]

    def export_file(self, user: User, path: Path | str, fmt: str, layer: str = "annotation") -> int:
        """Write JSONL or Label Studio JSON; returns the number of records written."""
        records = self.export_records(user, layer)
        if fmt not in EXPORT_FORMATS:
            raise NewsspanError(f"cannot export as {fmt!r}", hint="use jsonl or labelstudio")
        documents: dict[str, dict[str, Any]] = {}
        if fmt == "labelstudio":
            doc_ids = sorted({record["doc_id"] for record in records})
            documents = {doc_id: self.document(user, doc_id) for doc_id in doc_ids}
        text = render_records(records, fmt, documents)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return len(records)
