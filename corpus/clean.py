"""Conservative removal of web boilerplate, with provenance.

Only whole lines are removed (a reader poll, an image-gallery caption, a donation banner, a share widget), never
part of a sentence. Every removed range is recorded as ``(start, end, reason)`` in raw-text code points, so any
offset in the cleaned text maps back to the raw text with :func:`to_raw_offset` (and forth with
:func:`to_clean_offset`). The step before, source file -> raw text, is :mod:`corpus.provenance`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Whole-line patterns; each must match the entire line (after stripping) to remove it.
_LINE_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("reader poll", re.compile(r"(?i)how did you feel after reading this (news|article|story)\??")),
    ("reader poll", re.compile(r"(?i)(was this (article|story) helpful|rate this (article|story))\??")),
    ("image caption", re.compile(r"(?i)open image in gallery\b.*")),
    (
        "share widget",
        re.compile(r"(?i)((share|tweet|like|email|print|copy link|comments?)\s*[|·•]?\s*){1,8}"),
    ),
    (
        "share widget",
        re.compile(r"(?i)(share (this|on) (article|story|facebook|twitter|x|whatsapp|linkedin).*)"),
    ),
    ("subscription banner", re.compile(r"(?i)(subscribe|sign up) (now|today|to our newsletter).{0,80}")),
]

# A donation/subscription banner is a line carrying at least two of these fund-raising phrases.
_BANNER_MARKERS = re.compile(
    r"(?i)\b(your support (helps|makes)|support now|your donation|donate now|paywalls?|"
    r"subscribe now|become a (member|subscriber)|read more\s*$)"
)


@dataclass(frozen=True, slots=True)
class Removal:
    """A removed range of the raw text, in code points, with the rule that removed it."""

    start: int
    end: int
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "reason": self.reason}


def _line_reason(line: str) -> str | None:
    stripped = line.strip()
    if not stripped:
        return None
    for reason, pattern in _LINE_RULES:
        if pattern.fullmatch(stripped):
            return reason
    if len(_BANNER_MARKERS.findall(stripped)) >= 2:
        return "donation banner"
    return None


def find_boilerplate(raw: str) -> list[Removal]:
    """Ranges of ``raw`` to remove: boilerplate lines (with one following blank line) and outer whitespace."""
    removals: list[Removal] = []
    pos = 0
    lines = raw.split("\n")
    skip_blank_after = False
    for index, line in enumerate(lines):
        line_end = pos + len(line) + (1 if index < len(lines) - 1 else 0)
        reason = _line_reason(line)
        if reason:
            removals.append(Removal(pos, line_end, reason))
            skip_blank_after = True
        elif skip_blank_after and not line.strip() and line_end > pos:
            removals.append(Removal(pos, line_end, "blank line after boilerplate"))
            skip_blank_after = False
        else:
            skip_blank_after = False
        pos = line_end
    return _with_outer_whitespace(raw, _merge(removals))


def _with_outer_whitespace(raw: str, removals: list[Removal]) -> list[Removal]:
    """Also remove whitespace left at the very start and end of the text once boilerplate is gone."""
    kept = [(a, b) for a, b in _complement(len(raw), removals)]
    extra: list[Removal] = []
    # Leading whitespace of the first kept character run.
    for a, b in kept:
        segment = raw[a:b]
        lead = len(segment) - len(segment.lstrip())
        if lead:
            extra.append(Removal(a, a + lead, "leading whitespace"))
        if segment.strip():
            break
    for a, b in reversed(kept):
        segment = raw[a:b]
        trail = len(segment) - len(segment.rstrip())
        if trail and segment.strip():
            extra.append(Removal(b - trail, b, "trailing whitespace"))
            break
        if trail:
            extra.append(Removal(a, b, "trailing whitespace"))
        if segment.strip():
            break
    return _merge(removals + extra)


def _merge(removals: list[Removal]) -> list[Removal]:
    """Sort and merge overlapping ranges; a merged range keeps the reason of its first part."""
    merged: list[Removal] = []
    for removal in sorted(removals, key=lambda r: (r.start, r.end)):
        if removal.end <= removal.start:
            continue
        if merged and removal.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Removal(last.start, max(last.end, removal.end), last.reason)
        else:
            merged.append(removal)
    return merged


def _complement(length: int, removals: list[Removal]) -> list[tuple[int, int]]:
    kept, pos = [], 0
    for removal in removals:
        if removal.start > pos:
            kept.append((pos, removal.start))
        pos = max(pos, removal.end)
    if pos < length:
        kept.append((pos, length))
    return kept


def apply_removals(raw: str, removals: list[Removal]) -> str:
    """The cleaned text: ``raw`` with every removed range cut out."""
    return "".join(raw[a:b] for a, b in _complement(len(raw), removals))


def to_clean_offset(raw_offset: int, removals: list[Removal]) -> int:
    """Map an offset in the raw text to the cleaned text (``removals`` sorted and non-overlapping). An offset
    inside a removed range maps to where the cut is; callers that must refuse that check the ranges first
    (``corpus.provenance.to_stored``)."""
    shift = 0
    for removal in removals:
        if removal.end <= raw_offset:
            shift += removal.end - removal.start
        elif removal.start < raw_offset:
            return removal.start - shift
        else:
            break
    return raw_offset - shift


def to_raw_offset(clean_offset: int, removals: list[Removal], *, end: bool = False) -> int:
    """Map an offset in the cleaned text to the raw text (``removals`` sorted and non-overlapping).

    A span's start maps past any cut just before it, its end (``end=True``) stays before a cut just after it, so
    ``raw[to_raw_offset(s):to_raw_offset(e, end=True)] == text[s:e]`` for any span that does not cross a cut.
    """
    shift = 0
    for removal in removals:
        position = clean_offset + shift
        if removal.start < position or (removal.start == position and not end):
            shift += removal.end - removal.start
        else:
            break
    return clean_offset + shift
