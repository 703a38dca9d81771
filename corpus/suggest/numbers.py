"""Number suggestions: amounts, counts, percentages, dates and durations with normalized attributes.

Who decides what:

* **Regular expressions** (this module) find the candidates and decide the span, the ``kind``, the ``bound``
  (from cues such as "more than", "over", "at least", "less than", "nearly", "about"), the scale ("billion"),
  the ``currency`` ("$", "U.S. dollars", "yuan"...) and the ``unit`` (the plural noun that follows the number).
* **number-parser** decides the value of numbers written in words: cardinals ("two", "Eighty", "twenty-six",
  "three hundred") with ``parse_number`` and ordinals ("eleventh", "second") with ``parse_ordinal``.
* **dateparser** decides calendar dates written with a month ("Sept. 3", "May 7, 2025", "8 May 2025",
  "December 2024", "2025-09-02"), with the document's publication date as ``RELATIVE_BASE`` so that a date
  without a year takes the publication year. A date without a year in a document without a publication date
  gets no ``date`` attribute (its year is unknown), as in the guidelines.
* **Weekdays** ("Wednesday") are resolved here, not by dateparser (which always looks back): a weekday means the
  nearest such day to the publication date, within three days either way ("the parade on Wednesday" in an
  article of Tuesday 2025-09-02 is 2025-09-03; "on Sunday" is 2025-08-31). Without a publication date the
  weekday is proposed with ``kind: date`` and no ``date``.

Following schema/guidelines.md, numerals inside mentions of actors already named ("the two leaders", "these two
leaders", "all three leaders"), the partitive "one of", and deictic words ("this year", "today") are not
proposed; "80 years ago" is proposed as the duration "80 years"; vague multiples ("hundreds of", "dozens of")
get ``bound: about`` and no ``value``. Suggestions are proposals: the annotator accepts or rejects each one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

__all__ = ["NumberSpan", "find_numbers"]

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "bn": 10**9, "mn": 10**6}
CURRENCY_WORDS = {
    "u.s. dollars": "USD", "us dollars": "USD", "dollars": "USD", "yuan": "CNY", "renminbi": "CNY",
    "rubles": "RUB", "roubles": "RUB", "euros": "EUR", "pounds": "GBP", "yen": "JPY",
}  # fmt: skip
CURRENCY_SIGNS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY"}
TIME_UNITS = {"seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades", "centuries"}
BOUNDS = {
    "more than": "more than", "over": "more than", "at least": "more than", "upwards of": "more than",
    "less than": "less than", "fewer than": "less than", "under": "less than", "up to": "less than",
    "nearly": "about", "almost": "about", "about": "about", "around": "about", "some": "about",
    "roughly": "about", "approximately": "about", "an estimated": "about",
}  # fmt: skip
# Determiners that make a numeral part of a referring mention ("the two leaders"): not a quantity.
REFERRING = {"the", "these", "those", "our", "their", "its", "his", "her", "all", "both", "my", "your"}
STOP_WORDS = {
    "and", "or", "of", "to", "in", "on", "at", "for", "by", "with", "from", "as", "than", "that", "which", "who",
    "the", "a", "an", "is", "are", "was", "were", "be", "been", "have", "has", "had", "ago", "later", "since",
    "before", "after", "more", "each", "per", "into", "over", "under", "about", "this", "it",
}  # fmt: skip
ORDINAL_UNITS = {"anniversary": "years", "anniversaries": "years", "birthday": "years"}

CARDINAL_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
]
ORDINAL_WORDS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
    "hundredth",
]

_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sept(?:ember|\.)?|Sep\.?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89][0-9]{2}|20[0-9]{2})"
_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_CARD = r"(?:" + "|".join(sorted(CARDINAL_WORDS, key=len, reverse=True)) + r")"
_CARD_RUN = _CARD + r"(?:[- ](?:and[ ])?" + _CARD + r")*"
_SCALE = r"(?:thousand|million|billion|trillion|bn|mn)"
_BOUND = r"(?:" + "|".join(sorted(map(re.escape, BOUNDS), key=len, reverse=True)) + r")"

_DATE_PATTERNS = [
    # 2025-09-02
    ("iso", re.compile(r"(?<![\w-])(?P<y>" + _YEAR + r")-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12][0-9]|3[01])(?![\w-])")),
    # (Thursday, ) May 7(, 2025) / Sept. 3
    ("mdy", re.compile(r"(?<!\w)(?:" + _WEEKDAY + r",?\s+)?(?P<mon>" + _MONTH + r")\s+(?P<d>" + _DAY + r")(?!\w)"
                       r"(?:,?\s+(?P<y>" + _YEAR + r")(?!\w))?")),
    # (Thursday, ) 8 May( 2025)
    ("dmy", re.compile(r"(?<!\w)(?:" + _WEEKDAY + r",?\s+)?(?P<d>" + _DAY + r")\s+(?P<mon>" + _MONTH + r")(?![\w])"
                       r"(?:,?\s+(?P<y>" + _YEAR + r")(?!\w))?")),
    # December 2024
    ("my", re.compile(r"(?<!\w)(?P<mon>" + _MONTH + r")\s+(?P<y>" + _YEAR + r")(?!\w)")),
    # Wednesday
    ("weekday", re.compile(r"(?<!\w)(?P<wd>" + _WEEKDAY + r")(?!\w)")),
]  # fmt: skip

_AMOUNT = re.compile(
    r"(?<![\w.])(?:(?P<bound>" + _BOUND + r")\s+)?"
    r"(?:(?P<sign>US\$|\$|€|£|¥)\s?)?"
    r"(?P<num>" + _NUM + r"|(?P<words>" + _CARD_RUN + r"))(?!\w)"
    r"(?:\s*(?P<pct>%|percent\b|per cent\b))?"
    r"(?:\s+(?P<scale>" + _SCALE + r")\b)?",
    re.IGNORECASE,
)
_ORDINAL = re.compile(
    r"(?<!\w)(?P<ord>[0-9]+(?:st|nd|rd|th)|" + "|".join(ORDINAL_WORDS) + r")\s+"
    r"(?P<rest>(?:consecutive\s+|straight\s+)?(?P<noun>[a-z]+))",
    re.IGNORECASE,
)
_VAGUE = re.compile(r"(?<!\w)(?P<vague>dozens|hundreds|thousands|millions)\s+of\s+", re.IGNORECASE)
_EVERY = re.compile(
    r"(?<!\w)(?P<bound>nearly|almost|about)\s+every\s+(?P<unit>year|month|week|day)(?!\w)", re.IGNORECASE
)
_RANGE_END = re.compile(r"\s*(?:to|-|–|through|until)\s*(?P<d>[12][0-9]|3[01]|0?[1-9])(?![\w,.][0-9]|\w)")
# Words after an ordinal that make it part of a title, not a measure ("first deputy chair").
TITLE_NOUNS = {"deputy", "lady", "secretary", "vice", "minister", "officer", "lieutenant", "class"}
_TIMES = re.compile(r"(?<!\w)(?:(?P<bound>" + _BOUND + r")\s+)?(?P<mult>twice|thrice)(?!\w)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w.’'-]*")


@dataclass
class NumberSpan:
    """One proposed number: offsets into the text and the label's attributes."""

    start: int
    end: int
    attributes: dict[str, Any] = field(default_factory=dict)


@cache
def _number_parser() -> Any:
    import number_parser

    return number_parser


@lru_cache(maxsize=4096)
def _word_value(words: str) -> float | None:
    """number-parser decides the value of a cardinal written in words (English: telling it so skips its
    language guess, which builds the tables of all five of its languages on every call)."""
    return _number_parser().parse_number(words.replace("-", " "), language="en")


@lru_cache(maxsize=4096)
def _ordinal_value(word: str) -> int | None:
    digits = re.match(r"[0-9]+", word)
    if digits:
        return int(digits.group())
    return _number_parser().parse_ordinal(word.lower(), language="en")


def _clean_value(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _plural(noun: str) -> str:
    noun = noun.lower()
    if noun.endswith("s"):
        return noun
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _unit_after(text: str, pos: int, max_words: int = 3) -> tuple[int, str] | None:
    """The plural noun that a number counts, within ``max_words`` words after ``pos``: (end, unit) or None.

    "28 other world leaders" -> leaders; "14 Ukrainian drones" -> drones; "80 years ago" -> years.
    """
    cursor = pos
    for _ in range(max_words):
        match = re.match(r"[ \t]+", text[cursor:])
        if not match:
            return None
        cursor += match.end()
        word = _WORD.match(text, cursor)
        if not word:
            return None
        token = word.group().rstrip(".’'")
        lower = token.lower()
        if lower in STOP_WORDS or lower in SCALES:
            return None
        end = cursor + len(token)
        if lower.endswith("s") and len(lower) > 3 and not lower.endswith(("ss", "us", "is")):
            return end, lower
        if lower in ("people", "men", "women", "children", "police", "staff", "times", "yen"):
            return end, lower
        cursor = end
    return None


def _previous_word(text: str, pos: int) -> str:
    match = re.search(r"([^\W\d_]+)\W*$", text[max(0, pos - 30) : pos])
    return match.group(1).lower() if match else ""


def _sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t\"“‘'(")
    return not before or before[-1] in ".!?:\n…"


def _after_name(text: str, pos: int) -> bool:
    """A number right after a capitalized word that is neither a month nor the first word of a sentence."""
    match = re.search(r"([A-Z][\w.]*)[ \t]+$", text[max(0, pos - 40) : pos])
    if not match or re.fullmatch(_MONTH, match.group(1)) or match.group(1) in ("In", "Since", "By", "Until"):
        return False
    return not _sentence_start(text, pos - len(match.group(0)))


_CALENDAR = re.compile(
    r"(?:(?P<d1>[0-9]{1,2})(?:st|nd|rd|th)?\s+)?(?P<mon>" + _MONTH + r")"
    r"(?:\s+(?P<d2>[0-9]{1,2})(?:st|nd|rd|th)?)?(?:,?\s+(?P<y>[0-9]{4}))?"
)


def _calendar_iso(
    span: str, published: date | None, has_year: bool, has_day: bool
) -> tuple[bool, str | None]:
    """The date of a span our date patterns matched ("May 7, 2025", "8 May", "Sept. 3", "December 2024"),
    computed as dateparser computes it with the settings of :func:`_dateparser_iso` (the year of the
    publication date when the text gives none; None for a day the month does not have), as (True, date); (False,
    None) when the span has another shape, for dateparser to decide. dateparser takes ~3 ms a date; this, microseconds
    (tests/test_suggest_dates.py checks that the two agree)."""
    match = _CALENDAR.fullmatch(span)
    month = MONTHS.get(match.group("mon")[:3].lower()) if match else None
    if match is None or month is None or (match.group("d1") and match.group("d2")):
        return False, None
    day_text = match.group("d1") or match.group("d2")
    if bool(day_text) != has_day or bool(match.group("y")) != has_year:
        return False, None
    year = int(match.group("y")) if match.group("y") else published.year if published else None
    if year is None:
        return True, None
    try:
        found = date(year, month, int(day_text) if day_text else 1)
    except ValueError:
        return False, None  # a day the month lacks (dateparser moves "29 Feb" to a leap year): its call
    return True, found.isoformat() if has_day else found.strftime("%Y-%m")


def _dateparser_iso(span: str, published: date | None, has_year: bool, has_day: bool) -> str | None:
    """dateparser decides the calendar date; precision follows what the text gives. The shapes our patterns
    match are computed directly (:func:`_calendar_iso`); anything else goes to dateparser."""
    if not has_year and published is None:
        return None
    decided, iso = _calendar_iso(span, published, has_year, has_day)
    return iso if decided else _dateparser(span, published, has_day)


@lru_cache(maxsize=8192)  # the same dates recur across a corpus ("May 7" published on the same day)
def _dateparser(span: str, published: date | None, has_day: bool) -> str | None:
    import dateparser

    base = datetime.combine(published, datetime.min.time()) if published else datetime(2000, 1, 1)
    parsed = dateparser.parse(
        span,
        languages=["en"],
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "current_period",
            "PREFER_DAY_OF_MONTH": "first",
        },
    )
    if parsed is None:
        return None
    return parsed.date().isoformat() if has_day else parsed.strftime("%Y-%m")


def _weekday_iso(name: str, published: date | None) -> str | None:
    if published is None:
        return None
    delta = (WEEKDAYS.index(name) - published.weekday()) % 7
    if delta > 3:
        delta -= 7
    return (published + timedelta(days=delta)).isoformat()


def _dates(text: str, published: date | None) -> list[NumberSpan]:
    out: list[NumberSpan] = []
    for name, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            attributes: dict[str, Any] = {"bound": "exact", "kind": "date"}
            if name == "weekday":
                iso = _weekday_iso(match.group("wd"), published)
            elif name == "iso":
                iso = match.group()
            else:
                groups = match.groupdict()
                core = text[match.start("mon") if name != "dmy" else match.start("d") : match.end()]
                iso = _dateparser_iso(core, published, bool(groups.get("y")), bool(groups.get("d")))
            if iso:
                attributes["date"] = iso
            out.append(NumberSpan(match.start(), match.end(), attributes))
            if name == "mdy" and not match.group("y"):
                out.extend(_range_end(text, match, published))
    return out


def _range_end(text: str, match: re.Match[str], published: date | None) -> list[NumberSpan]:
    """The end of a day range ("from May 7 to 10") is a date of its own, in the same month."""
    end = _RANGE_END.match(text, match.end())
    if not end:
        return []
    attributes: dict[str, Any] = {"bound": "exact", "kind": "date"}
    iso = _dateparser_iso(f"{match.group('mon')} {end.group('d')}", published, False, True)
    if iso:
        attributes["date"] = iso
    return [NumberSpan(end.start("d"), end.end("d"), attributes)]


def _years(text: str) -> list[NumberSpan]:
    """Bare years ("in 2024", "since 2013", "a 2023 analysis"): four digits 1800-2099, no separators."""
    out = []
    for match in re.finditer(r"(?<![\w.,$-])(" + _YEAR + r")(?!\w|%|[,.-][0-9])", text):
        out.append(
            NumberSpan(match.start(), match.end(), {"bound": "exact", "date": match.group(), "kind": "date"})
        )
    return out


def _word_amount(text: str, match: re.Match[str], bound_cue: str) -> float | None:
    """The value of a spelled-out amount ("two", "forty"), or None where the word is not a quantity."""
    words = match.group("words")
    if words.lower() in ("one", "zero"):
        return None  # "one of", "no one": too ambiguous to propose
    if _previous_word(text, match.start()) in REFERRING and not bound_cue:
        return None  # "the two leaders": a mention, not a quantity
    if words[:1].isupper() and not _sentence_start(text, match.start()):
        return None  # "World War Two": part of a name
    if re.match(r"-[^\W\d_]", text[match.end("num") : match.end("num") + 2]):
        return None  # "two-way", "one-sided": an adjective, not a quantity
    return _word_value(words)


def _digit_amount(text: str, match: re.Match[str], bound_cue: str) -> float | None:
    """The value of an amount in digits, or None for years, codes and parts of names."""
    num = match.group("num")
    if re.fullmatch(_YEAR, num) and not (match.group("sign") or match.group("pct") or match.group("scale")):
        return None  # a year: see _years
    value = float(num.replace(",", ""))
    if re.match(r"[-–]\d", text[match.end("num") : match.end("num") + 2]):
        return None  # part of a name or code such as "Vnukovo-2"
    before = text[max(0, match.start() - 1) : match.start()]
    if before in "-" and before:
        return None
    if not (bound_cue or match.group("sign")) and _after_name(text, match.start()):
        return None  # "Power of Siberia 2", "Airbus A320": part of a name
    return value


def _amount_kind(text: str, match: re.Match[str], attributes: dict[str, Any]) -> tuple[str, int]:
    """The kind of amount (money, percent, duration, count) and where its span ends; fills in currency or
    unit in ``attributes``."""
    end = match.end()
    sign = match.group("sign")
    if sign:
        attributes["currency"] = CURRENCY_SIGNS.get(sign.upper() if sign != "€" else sign, "USD")
        return "money", end
    if match.group("pct"):
        attributes["unit"] = "percent"
        return "percent", end
    rest = text[end:]
    for words_, code in sorted(CURRENCY_WORDS.items(), key=lambda item: -len(item[0])):
        currency = re.match(r"\s+" + re.escape(words_) + r"(?!\w)", rest, re.IGNORECASE)
        if currency:
            attributes["currency"] = code
            return "money", end + currency.end()
    more = re.match(r"\s+more\b", rest)
    if more:
        return "count", end + more.end()
    unit = _unit_after(text, end)
    if unit:
        attributes["unit"] = unit[1]
        return ("duration" if unit[1] in TIME_UNITS else "count"), unit[0]
    return "count", end


def _amounts(text: str) -> list[NumberSpan]:
    out: list[NumberSpan] = []
    for match in _AMOUNT.finditer(text):
        bound_cue = (match.group("bound") or "").lower()
        start = match.start() if not bound_cue else match.start("bound")
        if match.group("words"):
            value = _word_amount(text, match, bound_cue)
        else:
            value = _digit_amount(text, match, bound_cue)
        if value is None:
            continue
        scale = (match.group("scale") or "").lower()
        if scale:
            value *= SCALES[scale]
        attributes: dict[str, Any] = {"value": _clean_value(value)}
        kind, end = _amount_kind(text, match, attributes)
        if bound_cue == "over" and kind == "count" and "unit" not in attributes:
            continue  # "over 3" without a unit is more likely a score or a range than a bound
        attributes["bound"] = BOUNDS.get(bound_cue, "exact")
        attributes["kind"] = kind
        out.append(NumberSpan(start, end, attributes))
    return out


def _ordinals(text: str) -> list[NumberSpan]:
    out: list[NumberSpan] = []
    for match in _ORDINAL.finditer(text):
        noun = match.group("noun")
        if noun[:1].isupper() or noun.lower() in STOP_WORDS or noun.lower() in TITLE_NOUNS:
            continue  # "Second World War", "the first of": names and partitives
        value = _ordinal_value(match.group("ord"))
        if value is None:
            continue
        unit = ORDINAL_UNITS.get(noun.lower(), _plural(noun))
        attributes = {"value": value, "unit": unit, "bound": "exact", "kind": "other"}
        out.append(NumberSpan(match.start(), match.end("noun"), attributes))
    return out


def _vague(text: str) -> list[NumberSpan]:
    out: list[NumberSpan] = []
    for match in _VAGUE.finditer(text):
        unit = _unit_after(text, match.end() - 1)
        if unit is None:
            continue
        attributes = {"unit": unit[1], "bound": "about", "kind": "count"}
        out.append(NumberSpan(match.start(), unit[0], attributes))
    return out


def _multipliers(text: str) -> list[NumberSpan]:
    out = []
    for match in _EVERY.finditer(text):
        unit = _plural(match.group("unit"))
        out.append(NumberSpan(match.start(), match.end(), {"unit": unit, "bound": "about", "kind": "other"}))
    for match in _TIMES.finditer(text):
        value = 2 if match.group("mult").lower() == "twice" else 3
        bound = BOUNDS.get((match.group("bound") or "").lower(), "exact")
        out.append(NumberSpan(match.start(), match.end(), {"value": value, "bound": bound, "kind": "other"}))
    return out


def _published(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def find_numbers(text: str, published: str | date | None = None) -> list[NumberSpan]:
    """Every number proposed in ``text``, sorted by offset, without overlaps (longest candidate wins; dates
    before ordinals before amounts when two candidates are equally long)."""
    when = _published(published)
    candidates: list[tuple[int, NumberSpan]] = []
    for priority, found in enumerate(
        (_dates(text, when), _vague(text), _ordinals(text), _multipliers(text), _amounts(text), _years(text))
    ):
        candidates.extend((priority, span) for span in found)
    candidates.sort(key=lambda item: (-(item[1].end - item[1].start), item[0], item[1].start))
    taken: list[NumberSpan] = []
    for _, span in candidates:
        if all(span.end <= other.start or other.end <= span.start for other in taken):
            taken.append(span)
    return sorted(taken, key=lambda span: span.start)
