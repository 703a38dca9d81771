"""Offsets between JavaScript and Python: UTF-16 code units <-> code points, and whitespace snapping.

Browsers (and so the span component and Label Studio files) count text positions (``Range``, ``Selection``,
``String.length``) in UTF-16 code units; Python ``str`` indexes count code points. They differ by one for
every astral character (code point above U+FFFF: most emoji, some CJK, flags are two of them). Every
conversion in the project goes through the one function pair below, ``utf16_to_codepoints`` and
``codepoints_to_utf16``; both take a batch of offsets so a page with hundreds of spans converts them in one
pass over the text. The module is pure text (no browser, no store), so the library's Label Studio format and
the workbench's span component share it.

Offsets are positions *between* characters (0 .. len). A UTF-16 offset that falls between the two halves
of a surrogate pair does not name a code point position and is refused, as are negative offsets and
offsets past the end.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache

__all__ = [
    "OffsetError",
    "codepoints_to_utf16",
    "snap_span",
    "utf16_length",
    "utf16_to_codepoints",
]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

# Characters trimmed from both ends of a selection: everything str.isspace() accepts, plus the invisible
# format characters a browser selection drags along (zero-width space/joiners at a boundary, BOM).
_EXTRA_TRIM = frozenset("\u200b\u200c\u200d\u2060\ufeff")


class OffsetError(ValueError):
    """An offset that does not name a position in the text (out of range or inside a surrogate pair)."""


class _AstralIndex:
    """Where a text's astral characters sit, in code points and in UTF-16 code units (both sorted)."""

    __slots__ = ("cp_len", "cps", "u16_len", "u16s")

    def __init__(self, text: str) -> None:
        self.cps = [m.start() for m in _ASTRAL.finditer(text)]
        # The i-th astral character starts i code units later in UTF-16 than in code points.
        self.u16s = [cp + i for i, cp in enumerate(self.cps)]
        self.cp_len = len(text)
        self.u16_len = len(text) + len(self.cps)


@lru_cache(maxsize=16)
def _index(text: str) -> _AstralIndex:
    return _AstralIndex(text)


def _check_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise OffsetError(f"offset {value!r} is not an integer")
    return value


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (what JavaScript's ``text.length`` says)."""
    return _index(text).u16_len


def utf16_to_codepoints(text: str, offsets: Iterable[int]) -> list[int]:
    """Convert UTF-16 code unit offsets into ``text`` to Python code point offsets.

    Raises ``OffsetError`` for an offset that is not an int, is negative, lies past the end of the text, or
    falls between the two code units of a surrogate pair.
    """
    idx = _index(text)
    out: list[int] = []
    for raw in offsets:
        off = _check_int(raw)
        if off < 0 or off > idx.u16_len:
            raise OffsetError(f"UTF-16 offset {off} is outside the text (0..{idx.u16_len})")
        before = bisect_left(idx.u16s, off)  # astral characters starting before `off`
        if before and idx.u16s[before - 1] == off - 1:
            raise OffsetError(f"UTF-16 offset {off} splits a surrogate pair")
        out.append(off - before)
    return out


def codepoints_to_utf16(text: str, offsets: Iterable[int]) -> list[int]:
    """Convert Python code point offsets into ``text`` to UTF-16 code unit offsets.

    Raises ``OffsetError`` for an offset that is not an int, is negative or lies past the end of the text.
    """
    idx = _index(text)
    out: list[int] = []
    for raw in offsets:
        off = _check_int(raw)
        if off < 0 or off > idx.cp_len:
            raise OffsetError(f"code point offset {off} is outside the text (0..{idx.cp_len})")
        out.append(off + bisect_left(idx.cps, off))
    return out


def _is_trimmed(ch: str) -> bool:
    return ch.isspace() or ch in _EXTRA_TRIM


def snap_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink the code point range ``[start, end)`` of ``text`` to exclude surrounding whitespace.

    Returns the snapped ``(start, end)``, or ``None`` when nothing but whitespace was selected. Raises
    ``OffsetError`` when the range is not a valid range of ``text``.
    """
    start, end = _check_int(start), _check_int(end)
    if not 0 <= start <= end <= len(text):
        raise OffsetError(f"range {start}..{end} is not a range of a text of length {len(text)}")
    while start < end and _is_trimmed(text[start]):
        start += 1
    while end > start and _is_trimmed(text[end - 1]):
        end -= 1
    if start == end:
        return None
    return start, end
