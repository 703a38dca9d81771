"""Annotation rows as callers see them, and what links records: pure helpers shared by the store's mixins."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.engine import Row


def new_id() -> str:
    """A fresh annotation id (the store's ids are global; the scheme only needs them unique per document)."""
    return uuid.uuid4().hex


def row_record(row: Row) -> dict[str, Any]:
    """The stored record plus the store's bookkeeping (``version``, ``anchor``, ``review``, ...)."""
    record = dict(row.record)
    record.update(
        version=row.version,
        anchor=row.anchor,
        review=row.review,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )
    if row.deleted:
        record["deleted"] = True
    return record


def document_dict(row: Row) -> dict[str, Any]:
    """A document row as the scheme's document record (what the validator checks a record against)."""
    return {**row.record, "doc_id": row.doc_id, "text": row.text, "text_sha256": row.text_sha256}


def references(record: dict[str, Any], annotation_id: str) -> bool:
    """Whether ``record`` points at ``annotation_id`` (a link target or a link attribute such as speaker)."""
    if any(link.get("target") == annotation_id for link in record.get("links") or ()):
        return True
    for value in (record.get("attributes") or {}).values():
        if value == annotation_id or (isinstance(value, list) and annotation_id in value):
            return True
    return False


def new_row(record: dict[str, Any], *, layer: str, actor: str, stamp: str) -> dict[str, Any]:
    """The ``annotations`` row of a record written for the first time (bulk imports and suggestions)."""
    return dict(
        id=record["id"],
        doc_id=record["doc_id"],
        layer=layer,
        annotator=record["annotator"],
        suggested_by=record.get("suggested_by"),
        label=record["label"],
        start=record["start"],
        end=record["end"],
        record=record,
        version=1,
        deleted=False,
        anchor="ok",
        review=None,
        created_at=stamp,
        updated_at=stamp,
        updated_by=actor,
    )


def create_event(
    record: dict[str, Any], *, layer: str, actor: str, stamp: str, source: str | None = None
) -> dict[str, Any]:
    """The ``create`` event that goes with :func:`new_row`, in the same batch."""
    return dict(
        at=stamp,
        actor=actor,
        kind="create",
        doc_id=record["doc_id"],
        annotation_id=record["id"],
        layer=layer,
        version=1,
        before=None,
        after=record,
        undoes=None,
        source=source,
    )
