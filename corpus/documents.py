"""From an article as read to a document record (see docs/contracts.md): cleaning, ids, metadata."""

from __future__ import annotations

from datetime import date
from typing import Any

from corpus.clean import apply_removals, find_boilerplate
from corpus.extract import extract_metadata
from corpus.readers import Article
from corpus.text import doc_id_for, sha256_text

DOCUMENT_FIELDS = (
    "doc_id", "source_id", "text", "text_sha256", "raw_text", "removed",
    "title", "source", "published", "url", "story_id", "language", "metadata",
)  # fmt: skip


def _iso_date(value: str | None, metadata: dict[str, str]) -> str | None:
    """An ISO date from a ``published`` value; an unparseable value is kept in metadata, not guessed."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        metadata["published_raw"] = value
        return None


def build_document(article: Article, *, clean: bool = True) -> dict[str, Any]:
    """The document record for one article."""
    raw = article.text
    removals = find_boilerplate(raw) if clean else []
    text = apply_removals(raw, removals)
    metadata = dict(article.metadata)
    fields = dict(article.fields)
    if article.from_plain_text:
        found = extract_metadata(raw, text)
        for name, value in found.items():
            fields.setdefault(name, None)
            fields[name] = fields[name] or value
    return {
        "doc_id": doc_id_for(raw),
        "source_id": article.source_id,
        "text": text,
        "text_sha256": sha256_text(text),
        "raw_text": raw,
        "removed": [removal.as_dict() for removal in removals],
        "title": fields.get("title"),
        "source": fields.get("source"),
        "published": _iso_date(fields.get("published"), metadata),
        "url": fields.get("url"),
        "story_id": fields.get("story_id"),
        "language": fields.get("language"),
        "metadata": metadata,
    }
