"""Metadata that plain-text news files state reliably: a title line, an outlet, a publication date.

Only patterns that are unambiguous are used; anything not found stays ``None`` rather than guessed.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
# "date 2025-09-02" markers left by scrapers, and lines that are only a date ("• Thursday, 8 May 2025").
_DATE_MARKER = re.compile(r"^\s*(?:date|published|posted)[:\s]+(\d{4}-\d{2}-\d{2})\b", re.IGNORECASE)
_DATE_LINE = re.compile(
    rf"^[\s•·|-]*{_WEEKDAY}(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTHS})\.?,?\s+(?P<y1>\d{{4}})\s*$"
    rf"|^[\s•·|-]*{_WEEKDAY}(?P<m2>{_MONTHS})\.?\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>\d{{4}})\s*$"
    r"|^[\s•·|-]*(?P<iso>\d{4}-\d{2}-\d{2})\s*$",
    re.IGNORECASE,
)
# Wire-service dateline: "MOSCOW, May 8 (Xinhua) --".
_WIRE_DATELINE = re.compile(
    r"^[A-Z][A-Z .'-]+,\s+[A-Z][a-z]+\.?\s+\d{1,2}\s+\((?P<outlet>[A-Z][\w .&-]{1,40})\)\s+(--|—|–)"
)
_SOURCE_LINE = re.compile(r"^\s*(?:source|outlet|publisher)\s*:\s*(?P<outlet>.{2,60}?)\s*$", re.IGNORECASE)
# Outlets name themselves in their own fund-raising banners ("The Independent is trusted by ...").
_BANNER_OUTLET = re.compile(
    r"\b(?P<outlet>The [A-Z][a-z]+(?: [A-Z][a-z]+){0,3}) is (?:trusted by|on the ground|independent)"
)
_TITLE_MAX = 200


def _parse_month(name: str) -> int:
    return datetime.strptime(name[:3].title(), "%b").month


def _date_from_line(line: str) -> str | None:
    marker = _DATE_MARKER.match(line)
    if marker:
        return _valid_iso(marker.group(1))
    match = _DATE_LINE.match(line)
    if not match:
        return None
    if match.group("iso"):
        return _valid_iso(match.group("iso"))
    day, month, year = (
        (match.group("d1"), match.group("m1"), match.group("y1"))
        if match.group("d1")
        else (match.group("d2"), match.group("m2"), match.group("y2"))
    )
    try:
        return date(int(year), _parse_month(month), int(day)).isoformat()
    except ValueError:
        return None


def _valid_iso(value: str) -> str | None:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _looks_like_title(line: str, next_line: str | None) -> bool:
    stripped = line.strip()
    words = stripped.split()
    return (
        len(words) >= 3
        and len(stripped) <= _TITLE_MAX
        and stripped[-1] not in '.!?:;,"”’'
        and not stripped.isupper()
        and (next_line is None or not next_line.strip())
    )


def extract_metadata(raw_text: str, clean_text: str) -> dict[str, str | None]:
    """Find title, source and published date in a plain-text article; ``None`` where not reliably stated."""
    lines = raw_text.split("\n")
    published = None
    for line in lines[:5]:
        published = _date_from_line(line)
        if published:
            break

    source = None
    for line in lines[:15]:
        found = _SOURCE_LINE.match(line) or _WIRE_DATELINE.match(line.strip())
        if found:
            source = found.group("outlet").strip()
            break
    if source is None:
        banner = _BANNER_OUTLET.search("\n".join(lines[:3]))
        source = banner.group("outlet") if banner else None

    title = None
    clean_lines = clean_text.split("\n")
    for index, line in enumerate(clean_lines[:6]):
        if not line.strip() or _date_from_line(line):
            continue
        next_line = clean_lines[index + 1] if index + 1 < len(clean_lines) else None
        if _looks_like_title(line, next_line):
            title = line.strip()
        break
    return {"title": title, "source": source, "published": published}
