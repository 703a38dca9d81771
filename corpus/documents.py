"""From an article as read to a document record (see docs/contracts.md): cleaning, ids, metadata."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from corpus.clean import apply_removals, find_boilerplate
from corpus.extract import extract_metadata
from corpus.readers import Article
from corpus.text import doc_id_for, sha256_text

DOCUMENT_FIELDS = (
    "doc_id", "source_id", "text", "text_sha256", "raw_text", "removed", "source_edits",
    "title", "source", "published", "url", "story_id", "language", "metadata",
)  # fmt: skip


TITLE_CHARS = 100
# A sentence ends at . ! ? or … (with closing quotes or brackets) before a space and a capital, digit or opening
# quote, unless the word before is an initial or a short abbreviation ("U.S.", "Mr.", "Dr.").
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\b[A-Z][a-z])[.!?…]+[\"'”’)\]]*(?=\s+[A-Z0-9“\"‘'(])")


def display_title(document: Mapping[str, Any], limit: int = TITLE_CHARS) -> str:
    """What a document is called wherever it is listed: its ``title`` when it has one, else the first sentence of
    the first non-blank line of its ``text`` (cut at a word, with an ellipsis, beyond ``limit`` characters), else
    its ``source_id``, else its ``doc_id``. The one definition, used by the store's queue and the pages."""
    title = " ".join(str(document.get("title") or "").split())
    if not title:
        text = str(document.get("text") or "")
        first = next((line for line in text.splitlines() if line.strip()), "")
        first = " ".join(first.split())
        end = _SENTENCE_END.search(first)
        title = first[: end.end()] if end else first
    if not title:
        return str(document.get("source_id") or document.get("doc_id") or "")
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:-–—") + "…"


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
        "source_edits": list(article.source_edits),  # source -> raw_text (BOM, CRs): corpus.provenance
        "title": fields.get("title"),
        "source": fields.get("source"),
        "published": _iso_date(fields.get("published"), metadata),
        "url": fields.get("url"),
        "story_id": fields.get("story_id"),
        "language": fields.get("language"),
        "metadata": metadata,
    }
