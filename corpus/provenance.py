"""Source offsets: every change ingest makes to an article, and offsets mapped between the three bases.

A document's offsets can be counted over three texts (docs/architecture.md, "Offsets"):

========  =============================================================================  ===========================
basis     the code points of                                                             made by
========  =============================================================================  ===========================
source    the article as its input gave it: a ``.txt`` file decoded as UTF-8 with         the input file
          nothing removed (a BOM is one code point, CRLF two), or a JSONL/CSV row's
          ``text`` value as written
raw       ``raw_text``: the source with a ``.txt`` file's leading BOM dropped and         ``source_edits`` (source
          line endings made ``\\n``; ``doc_id`` is its hash                                code points)
stored    ``text``: the raw text without the lines cleaning removed; every span,         ``removed`` (raw code
          the store, releases and exports count here                                     points)
========  =============================================================================  ===========================

``source_edits`` lists each change from source to raw as ``{start, end, original, replacement, reason}``
(``source[start:end] == original`` became ``replacement``): the BOM (``"\\ufeff"`` -> ``""``), the ``\\r`` of each
CRLF (``"\\r"`` -> ``""``) and each lone CR (``"\\r"`` -> ``"\\n"``). ``removed`` lists the ranges cleaning cut
from the raw text. Together they map any offset both ways without the texts themselves:

* :func:`to_stored` maps a span counted in the source to the stored text and refuses (``OffsetMappingError``)
  one that touches text cleaning removed or is made only of characters ingest dropped. A dropped ``\\r`` or
  BOM inside a span is fine: the span keeps its characters, less those.
* :func:`to_source` maps a stored span to the source and refuses one that crosses a cut (it has no
  contiguous source range). ``to_stored(to_source(span)) == span`` for every span ``to_source`` accepts.
* :func:`items_to_stored` applies :func:`to_stored` to the records of an annotation file before they reach the
  store (``newsspan import --offsets source``), one ``file:line`` problem per refused record;
  :func:`records_to_source` does the reverse for ``newsspan export --offsets source``.

A document ingested before ``source_edits`` existed has none: its source is taken to be its raw text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from corpus.clean import Removal, to_clean_offset, to_raw_offset
from corpus.errors import NewsspanError
from corpus.text import doc_id_for

if TYPE_CHECKING:  # ingest uses this module without the annotation formats (and the scheme they load)
    from corpus.formats.items import Item

REASON_BOM = "byte-order mark"
REASON_CRLF = "CRLF line ending"
REASON_CR = "CR line ending"
_CARRIAGE_RETURN = re.compile("\r\n?")
BASES = ("stored", "source")


class OffsetMappingError(NewsspanError):
    """A span that has no place in the other basis (it touches removed text, or lies outside the text)."""


@dataclass(frozen=True, slots=True)
class SourceEdit:
    """``source[start:end]`` (``original``, in source code points) became ``replacement`` in the raw text."""

    start: int
    end: int
    original: str
    replacement: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "original": self.original,
            "replacement": self.replacement,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> SourceEdit:
        return cls(
            int(value["start"]),
            int(value["end"]),
            str(value.get("original") or ""),
            str(value.get("replacement") or ""),
            str(value.get("reason") or ""),
        )


# --- source -> raw ------------------------------------------------------------------------------------------


def normalize_source(source: str, *, drop_bom: bool) -> tuple[str, list[SourceEdit]]:
    """The raw text of an article and the edits that made it: a leading BOM dropped (``drop_bom``: a ``.txt``
    file, where the BOM is the file's, not the article's) and every CRLF or lone CR made ``\\n``."""
    edits: list[SourceEdit] = []
    if drop_bom and source.startswith("\ufeff"):
        edits.append(SourceEdit(0, 1, "\ufeff", "", REASON_BOM))
    for match in _CARRIAGE_RETURN.finditer(source):
        at = match.start()
        if match.group() == "\r\n":
            edits.append(SourceEdit(at, at + 1, "\r", "", REASON_CRLF))
        else:
            edits.append(SourceEdit(at, at + 1, "\r", "\n", REASON_CR))
    return apply_edits(source, edits), edits


def apply_edits(source: str, edits: Sequence[SourceEdit]) -> str:
    """The raw text: ``source`` with every edit applied (``edits`` sorted, non-overlapping)."""
    parts: list[str] = []
    position = 0
    for edit in edits:
        parts += (source[position : edit.start], edit.replacement)
        position = edit.end
    parts.append(source[position:])
    return "".join(parts)


def source_to_raw(offset: int, edits: Sequence[SourceEdit]) -> int:
    """A source offset in the raw text. An offset inside an edit longer than one code point maps to its start
    (no edit ingest makes is longer than one)."""
    delta = 0
    for edit in edits:
        if offset <= edit.start:
            break
        if offset < edit.end:
            return edit.start - delta
        delta += (edit.end - edit.start) - len(edit.replacement)
    return offset - delta


def raw_to_source(offset: int, edits: Sequence[SourceEdit], *, end: bool = False) -> int:
    """A raw offset in the source. Where characters were dropped at that point, a span's start maps past them
    and its end (``end=True``) before them, so neither takes in a dropped character from outside the span."""
    delta = 0
    for edit in edits:
        raw_start = edit.start - delta
        if offset < raw_start or (offset == raw_start and (end or edit.replacement)):
            break
        if offset < raw_start + len(edit.replacement):
            break  # inside a same-length replacement (CR -> LF): the position carries over
        delta += (edit.end - edit.start) - len(edit.replacement)
    return offset + delta


# --- a document's provenance ----------------------------------------------------------------------------


def document_edits(document: Mapping[str, Any]) -> list[SourceEdit]:
    return [SourceEdit.from_dict(edit) for edit in document.get("source_edits") or []]


def document_removals(document: Mapping[str, Any]) -> list[Removal]:
    return [
        Removal(int(item["start"]), int(item["end"]), str(item.get("reason") or ""))
        for item in document.get("removed") or []
    ]


def source_length(document: Mapping[str, Any]) -> int:
    """How many code points the document's source has (computed from the stored text and the provenance)."""
    raw = len(document["text"]) + sum(r.end - r.start for r in document_removals(document))
    return raw + sum((e.end - e.start) - len(e.replacement) for e in document_edits(document))


def _check_range(start: int, end: int, length: int, basis: str) -> None:
    if not 0 <= start <= end <= length:
        raise OffsetMappingError(
            f"{basis} offsets {start}..{end} are not a span of the {basis} text (0..{length})",
            hint="start and end must satisfy 0 <= start <= end <= length",
        )


def _source_range(removal: Removal, edits: Sequence[SourceEdit]) -> str:
    """Where a removed range lies in the source (with the dropped characters around its end)."""
    return f"{raw_to_source(removal.start, edits)}..{raw_to_source(removal.end, edits)}"


def to_stored(document: Mapping[str, Any], start: int, end: int) -> tuple[int, int]:
    """A span counted in the document's source, counted in its stored text (OffsetMappingError when it touches
    text cleaning removed or holds only characters ingest dropped)."""
    edits, removals = document_edits(document), document_removals(document)
    _check_range(start, end, source_length(document), "source")
    raw_start, raw_end = source_to_raw(start, edits), source_to_raw(end, edits)
    if start < end and raw_start == raw_end:
        raise OffsetMappingError(
            f"source span {start}..{end} holds only characters ingest dropped (a byte-order mark or the \\r "
            "of a line ending)",
            hint="drop the span, or start it at the text",
        )
    for removal in removals:
        touches = removal.start < raw_end and raw_start < removal.end
        if touches or removal.start < raw_start < removal.end:
            raise OffsetMappingError(
                f"source span {start}..{end} falls in text that cleaning removed "
                f"({removal.reason}, source {_source_range(removal, edits)})",
                hint="that text is not in the stored document; re-ingest with --no-clean to annotate it",
            )
    return to_clean_offset(raw_start, removals), to_clean_offset(raw_end, removals)


def to_source(document: Mapping[str, Any], start: int, end: int) -> tuple[int, int]:
    """A span of the stored text, counted in the document's source (OffsetMappingError when it crosses text
    cleaning removed: its source range would take that text in)."""
    edits, removals = document_edits(document), document_removals(document)
    _check_range(start, end, len(document["text"]), "stored")
    raw_start = to_raw_offset(start, removals)
    raw_end = to_raw_offset(end, removals, end=True) if end > start else raw_start
    for removal in removals:
        if raw_start < removal.start and removal.end <= raw_end:
            raise OffsetMappingError(
                f"stored span {start}..{end} crosses text that cleaning removed ({removal.reason}, source "
                f"{_source_range(removal, edits)}), so it has no contiguous range in the source",
                hint="export it with stored offsets, or split the span at the cut",
            )
    source_start = raw_to_source(raw_start, edits)
    source_end = raw_to_source(raw_end, edits, end=True) if end > start else source_start
    return source_start, source_end


def _edits_within(edits: Sequence[SourceEdit], start: int, end: int) -> list[SourceEdit]:
    return [edit for edit in edits if start <= edit.start and edit.end <= end]


def stored_span_text(document: Mapping[str, Any], start: int, end: int, span_text: str) -> str:
    """A span's text as given in the source (``source[start:end]``) as the stored text has it: the dropped
    BOM and CRs inside it applied. A text that does not fit the span is returned unchanged (the validator
    then reports it against the stored text)."""
    inside = _edits_within(document_edits(document), start, end)
    if len(span_text) != end - start or any(
        span_text[edit.start - start : edit.end - start] != edit.original for edit in inside
    ):
        return span_text
    return apply_edits(
        span_text, [replace(edit, start=edit.start - start, end=edit.end - start) for edit in inside]
    )


def source_span_text(document: Mapping[str, Any], start: int, end: int, span_text: str) -> str:
    """A stored span's text as the source has it, given the span's source offsets (from :func:`to_source`)."""
    parts: list[str] = []
    source_position, raw_position = start, 0
    for edit in _edits_within(document_edits(document), start, end):
        kept = edit.start - source_position
        parts += (span_text[raw_position : raw_position + kept], edit.original)
        raw_position += kept + len(edit.replacement)
        source_position = edit.end
    parts.append(span_text[raw_position:])
    return "".join(parts)


def source_text_fits(document: Mapping[str, Any], text: str) -> bool:
    """Whether ``text`` is the document's source: its edits' characters are where they say, and applying them
    gives the raw text ``doc_id`` was made from."""
    edits = document_edits(document)
    if any(text[edit.start : edit.end] != edit.original for edit in edits):
        return False
    return doc_id_for(apply_edits(text, edits)) == document.get("doc_id")


# --- records ----------------------------------------------------------------------------------------------


def _offsets(record: Mapping[str, Any]) -> tuple[int, int] | None:
    start, end = record.get("start"), record.get("end")
    if type(start) is int and type(end) is int:
        return start, end
    return None  # not integers: left for the validator to report


def record_to_stored(record: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    """A record whose ``start``/``end`` (and ``span_text``) are counted in the source, counted in the stored
    text (OffsetMappingError when the span cannot be mapped)."""
    offsets = _offsets(record)
    if offsets is None:
        return dict(record)
    start, end = to_stored(document, *offsets)
    mapped = {**record, "start": start, "end": end}
    if isinstance(record.get("span_text"), str):
        mapped["span_text"] = stored_span_text(document, *offsets, record["span_text"])
    return mapped


def record_to_source(record: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    """A stored record with ``start``/``end`` and ``span_text`` counted in the document's source."""
    start, end = to_source(document, record["start"], record["end"])
    mapped = {**record, "start": start, "end": end}
    if isinstance(record.get("span_text"), str):
        mapped["span_text"] = source_span_text(document, start, end, record["span_text"])
    return mapped


def records_to_source(
    records: Iterable[Mapping[str, Any]], documents: Mapping[str, Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Stored records counted in their documents' sources, and one ``doc_id/id: sentence`` per record that
    cannot be (``documents`` by doc_id)."""
    mapped: list[dict[str, Any]] = []
    problems: list[str] = []
    for record in records:
        try:
            mapped.append(record_to_source(record, documents[record["doc_id"]]))
        except OffsetMappingError as error:
            problems.append(f"{record['doc_id']}/{record.get('id')}: {error.message}")
    return mapped, problems


def task_text_doc_ids(text: str) -> list[str]:
    """The doc_ids a source text would have when ingested (as a ``.txt`` file, or as a JSONL/CSV value)."""
    return list(dict.fromkeys(doc_id_for(normalize_source(text, drop_bom=drop)[0]) for drop in (True, False)))


FindDocument = Callable[[str], Mapping[str, Any] | None]


def _item_document(
    item: Item, find: FindDocument, doc_id_of_source: Callable[[str], str | None]
) -> Mapping[str, Any] | None:
    record = item.record or {}
    if isinstance(record.get("doc_id"), str):
        return find(record["doc_id"])
    if item.source_id:
        doc_id = doc_id_of_source(item.source_id)
        return find(doc_id) if doc_id else None
    for doc_id in task_text_doc_ids(item.task_text) if item.task_text else []:
        if (document := find(doc_id)) is not None:
            return document
    return None


def item_to_stored(
    item: Item, find: FindDocument, doc_id_of_source: Callable[[str], str | None] = lambda _: None
) -> Item:
    """An annotation-file item whose offsets are counted in its document's source, counted in the stored text;
    a refused span becomes a bad item (its ``file:line`` and why)."""
    from corpus.formats.items import bad_item

    if item.record is None:
        return item
    document = _item_document(item, find, doc_id_of_source)
    if document is None:
        named = (item.record or {}).get("doc_id") or item.source_id or "(named by its text)"
        return bad_item(
            item.where,
            f"unknown document {named!r}: source offsets need the document's provenance "
            "(load its release into the store first)",
        )
    if item.task_text is not None and not source_text_fits(document, item.task_text):
        return bad_item(
            item.where,
            f"the file's text is not the source text of document {document['doc_id']} "
            "(another version of the article, or its line endings or BOM were changed)",
        )
    try:
        record = record_to_stored(item.record, document)
    except OffsetMappingError as error:
        return bad_item(item.where, error.message)
    task_text = document["text"] if item.task_text is not None else None
    return replace(item, record={**record, "doc_id": document["doc_id"]}, task_text=task_text, source_id=None)


def items_to_stored(
    items: Iterable[Item], find: FindDocument, doc_id_of_source: Callable[[str], str | None] = lambda _: None
) -> list[Item]:
    """:func:`item_to_stored` for every item of a file (``newsspan import --offsets source``)."""
    return [item_to_stored(item, find, doc_id_of_source) for item in items]
