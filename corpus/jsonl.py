"""The one JSON Lines reader: every line of a file as a JSON object or as a reason with its ``file:line``.

Articles to ingest, the corpus file and annotation records are all JSONL; they differ only in what a bad line
means (skip the article, stop: the corpus is corrupt, or list the record's error), so the reader never decides
that: it yields each non-blank line as a :class:`JsonLine` holding either the object or what is wrong with it,
and the caller reports or raises. Lines are decoded one by one, so one bad line never hides the others.
``decode_utf8`` is the same check for a whole text file (``.txt``, ``.csv``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import NewsspanError

REENCODE_HINT = "re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)"
ONE_OBJECT_HINT = "one JSON object a line"


class NotUtf8(NewsspanError):
    """Bytes that are not UTF-8 text: a NUL byte (binary content) or an invalid sequence, with its line."""


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_utf8(data: bytes, where: str) -> str:
    """``data`` as text (a leading BOM dropped). Raises ``NotUtf8`` at ``where:line`` for a NUL byte or an
    invalid sequence: a NUL is refused even though it is valid UTF-8, because it means binary content."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise NotUtf8(
            f"contains a NUL byte at byte {nul}; this looks like a binary file, not UTF-8 text",
            where=f"{where}:{_line_of(data, nul)}",
            hint="convert it to UTF-8 plain text",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotUtf8(
            f"invalid UTF-8 at byte {error.start} ({data[error.start : error.start + 1]!r})",
            where=f"{where}:{_line_of(data, error.start)}",
            hint=REENCODE_HINT,
        ) from None


@dataclass(frozen=True, slots=True)
class JsonLine:
    """One non-blank line: ``value`` (a JSON object) when it parsed, else ``reason`` and ``hint``."""

    where: str  # "file:line"
    value: dict[str, Any] | None = None
    reason: str | None = None
    hint: str = ""

    def error(self) -> NewsspanError:
        """The line's problem as an error to raise (for callers that stop at the first bad line)."""
        return NewsspanError(self.reason or "bad line", where=self.where, hint=self.hint or None)


def parse_line(raw: bytes, where: str) -> JsonLine:
    """One line's bytes as a :class:`JsonLine`: UTF-8, then JSON, then a JSON object."""
    try:
        text = decode_utf8(raw, where)
    except NotUtf8 as error:
        return JsonLine(where, reason=error.what, hint=error.hint or "")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return JsonLine(
            where, reason=f"not valid JSON ({error.msg} at column {error.colno})", hint=ONE_OBJECT_HINT
        )
    except RecursionError:  # e.g. 100,000 nested brackets: one bad line, not a crash of the whole file
        return JsonLine(where, reason="the line is nested too deeply to read", hint=ONE_OBJECT_HINT)
    if not isinstance(value, dict):
        return JsonLine(
            where, reason=f"a line must be a JSON object, got {type(value).__name__}", hint=ONE_OBJECT_HINT
        )
    return JsonLine(where, value)


def iter_jsonl(path: Path, *, complete_lines_only: bool = False) -> Iterator[JsonLine]:
    """Every non-blank line of ``path``, in order, read as it goes (big files stay out of memory).

    ``complete_lines_only`` stops at a last line without its newline: what an append killed mid-write leaves,
    for append-only files whose earlier lines are intact."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if complete_lines_only and not raw.endswith(b"\n"):
                return
            if raw.strip():
                yield parse_line(raw, f"{path}:{number}")
