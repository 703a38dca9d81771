"""Text identity: the only normalization newsspan applies, and the hashes that name a document.

Documented normalization (nothing else touches the characters, so offsets never move silently):
- a ``.txt`` file's leading UTF-8 byte-order mark is dropped when decoding;
- line endings ``\\r\\n`` and lone ``\\r`` become ``\\n``.
Both are recorded per document (``source_edits``, :mod:`corpus.provenance`), so offsets counted in the original
file map to the stored text. No Unicode normalization (NFC/NFKC) is applied: a composed and a decomposed "é" stay
different texts.
"""

from __future__ import annotations

import hashlib


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR line endings into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sha256_text(text: str) -> str:
    """sha256 hex digest of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def doc_id_for(raw_text: str) -> str:
    """A document's stable id: the first 16 hex chars of the sha256 of its normalized raw text.

    It is computed from the raw text (not the cleaned text) so that improving the cleaning rules keeps the id and
    only changes ``text_sha256``; the store then re-anchors spans instead of losing them.
    """
    return sha256_text(raw_text)[:16]
