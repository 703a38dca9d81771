"""The suggesters' own calendar arithmetic (corpus.suggest.numbers._calendar_iso) gives the dates dateparser
gives for every shape the date patterns match, so skipping dateparser for them (~3 ms a date) changes nothing."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from corpus.suggest import numbers
from corpus.suggest.numbers import _calendar_iso, _dateparser, find_numbers

MONTHS = ["January", "Jan", "Jan.", "February", "Feb.", "March", "Mar", "April", "Apr.", "May", "June", "Jun",
          "July", "Jul", "August", "Aug.", "September", "Sept.", "Sept", "Sep.", "Sep", "October", "Oct.",
          "November", "Nov", "December", "Dec."]  # fmt: skip
DAYS = ["1", "01", "2nd", "9", "28", "29th", "30", "31"]
PUBLISHED = [date(2024, 2, 10), date(2025, 12, 31)]


def spans() -> list[tuple[str, bool, bool]]:
    """(span, has_year, has_day) in every shape the patterns pass to the date parser."""
    out = []
    for month, day in itertools.product(MONTHS, DAYS):
        out += [(f"{month} {day}", False, True), (f"{month} {day}, 2023", True, True)]
        out += [(f"{day} {month}", False, True), (f"{day} {month} 2024", True, True)]
    out += [(f"{month} 2019", True, False) for month in MONTHS]
    return out


@pytest.mark.parametrize("published", PUBLISHED, ids=str)
def test_calendar_dates_are_dateparser_s(published: date) -> None:
    checked = 0
    for span, has_year, has_day in spans()[::3] + spans()[-len(MONTHS) :]:
        decided, iso = _calendar_iso(span, published, has_year, has_day)
        if decided:
            assert iso == _dateparser(span, published, has_day), (span, published)
            checked += 1
        else:  # only days a month may lack (29 February, 31 April) are left to dateparser
            assert int(re.search(r"[0-9]+", span).group()) >= 29, span
    assert checked > 200


def test_other_shapes_go_to_dateparser() -> None:
    assert _calendar_iso("the Ides of March", date(2024, 1, 1), False, False) == (False, None)
    assert _calendar_iso("Mayday 7", date(2024, 1, 1), False, True) == (False, None)
    assert _calendar_iso("May 7", date(2024, 1, 1), True, True) == (False, None)  # says a year, has none
    assert _calendar_iso("Feb 30", date(2024, 1, 1), False, True) == (False, None)


TEXT = (
    "On Thursday, May 7, talks began; by 8 May 2025 and from Sept. 3 to 10 it was over. In December 2024, "
    "on Feb. 29 and 31 June, the Jan 5th deadline passed."
)


def test_find_numbers_gives_the_dates_it_gave_with_dateparser_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = [(span.start, span.end, span.attributes) for span in find_numbers(TEXT, "2025-05-08")]
    monkeypatch.setattr(numbers, "_calendar_iso", lambda *args: (False, None))
    slow = [(span.start, span.end, span.attributes) for span in find_numbers(TEXT, "2025-05-08")]
    assert fast == slow
    assert [a.get("date") for _, _, a in fast if a["kind"] == "date"][:4] == [
        "2025-05-07",
        "2025-05-08",
        "2025-09-03",
        "2025-09-10",
    ]
