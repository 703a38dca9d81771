"""UTF-16 <-> code point offsets and whitespace snapping (corpus/offsets.py)."""

from __future__ import annotations

import pytest

from corpus.offsets import (
    OffsetError,
    codepoints_to_utf16,
    snap_span,
    utf16_length,
    utf16_to_codepoints,
)

FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # 👩‍👩‍👧: 5 code points, 8 UTF-16 units
FLAG = "\U0001f1fa\U0001f1e6"  # 🇺🇦: two regional indicators, 4 UTF-16 units

SAMPLES = [
    "",
    "plain ascii",
    "Breaking 🚀 news",
    f"the council {FAMILY} voted",
    f"{FLAG} Kyiv {FLAG}",
    "北京 和 東京 — 𠀋 rare CJK",
    "café vs cafe\u0301 (combining)",
    "😀start and end😀",
    "𝒳",
]


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _js_offset(text: str, cp: int) -> int:
    """What a browser reports for code point position ``cp``: UTF-16 units of the prefix."""
    return _utf16_units(text[:cp])


@pytest.mark.parametrize("text", SAMPLES)
def test_every_position_round_trips(text: str) -> None:
    cps = list(range(len(text) + 1))
    u16 = codepoints_to_utf16(text, cps)
    assert u16 == [_js_offset(text, cp) for cp in cps]
    assert utf16_to_codepoints(text, u16) == cps
    assert utf16_length(text) == _utf16_units(text)


def test_emoji_before_a_phrase_shifts_by_one_per_astral_char() -> None:
    text = f"Breaking 🚀 news: the council {FAMILY} voted 7–2 on Tuesday."
    phrase = "voted 7–2"
    cp_start = text.index(phrase)
    u16_start = _js_offset(text, cp_start)
    assert u16_start - cp_start == 4  # 🚀 plus the three people of the family
    start, end = utf16_to_codepoints(text, [u16_start, u16_start + len(phrase)])
    assert text[start:end] == phrase


def test_zwj_sequence_flags_and_combining_marks() -> None:
    text = f"a{FAMILY}b{FLAG}c" + "e\u0301"
    assert codepoints_to_utf16(text, [1, 6, 7, 9, 10]) == [1, 9, 10, 14, 15]
    assert utf16_to_codepoints(text, [0, 1, 9, 10, 14, 15, 16, 17]) == [0, 1, 6, 7, 9, 10, 11, 12]
    start, end = utf16_to_codepoints(text, [1, 9])
    assert text[start:end] == FAMILY
    start, end = utf16_to_codepoints(text, [10, 14])
    assert text[start:end] == FLAG


def test_cjk_in_the_bmp_is_one_unit_and_astral_cjk_two() -> None:
    text = "北京𠀋東"
    assert codepoints_to_utf16(text, [0, 1, 2, 3, 4]) == [0, 1, 2, 4, 5]


def test_astral_characters_at_start_and_end() -> None:
    text = "😀mid😀"
    assert codepoints_to_utf16(text, [0, 1, 4, 5]) == [0, 2, 5, 7]
    assert utf16_to_codepoints(text, [0, 2, 5, 7]) == [0, 1, 4, 5]
    start, end = utf16_to_codepoints(text, [0, 7])
    assert text[start:end] == text


@pytest.mark.parametrize("bad", [1, 4, 6])
def test_offsets_inside_a_surrogate_pair_are_refused(bad: int) -> None:
    text = "😀a😀😀"  # pairs at units 0-1, 3-4, 5-6: offsets 1, 4, 6 split one
    with pytest.raises(OffsetError, match="surrogate"):
        utf16_to_codepoints(text, [bad])


@pytest.mark.parametrize("bad", [-1, 8, 100])
def test_out_of_range_utf16_offsets_are_refused(bad: int) -> None:
    with pytest.raises(OffsetError, match="outside"):
        utf16_to_codepoints("ab😀cd", [bad])  # 7 units


@pytest.mark.parametrize("bad", [-1, 6])
def test_out_of_range_code_point_offsets_are_refused(bad: int) -> None:
    with pytest.raises(OffsetError, match="outside"):
        codepoints_to_utf16("ab😀cd", [bad])


@pytest.mark.parametrize("bad", [None, "3", 2.0, True])
def test_non_integer_offsets_are_refused(bad: object) -> None:
    with pytest.raises(OffsetError, match="not an integer"):
        utf16_to_codepoints("abc", [bad])  # type: ignore[list-item]
    with pytest.raises(OffsetError, match="not an integer"):
        codepoints_to_utf16("abc", [bad])  # type: ignore[list-item]


def test_offset_error_is_a_value_error() -> None:
    assert issubclass(OffsetError, ValueError)


def test_many_offsets_in_one_pass_on_a_long_text() -> None:
    text = ("news 🚀 " * 3000) + "end"
    cps = list(range(0, len(text) + 1, 7))
    u16 = codepoints_to_utf16(text, cps)
    assert u16 == [_js_offset(text, cp) for cp in cps]
    assert utf16_to_codepoints(text, u16) == cps


# --- snapping --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("the  mayor said", 3, 10, (5, 10)),  # leading spaces
        ("the mayor \n said", 4, 11, (4, 9)),  # trailing space and newline
        ("a\t\u00a0word\u2009 b", 1, 8, (3, 7)),  # tab, no-break space, thin space
        ("x\u200bword\u200by", 1, 7, (2, 6)),  # zero-width spaces at the edges
        ("word", 0, 4, (0, 4)),  # nothing to trim
        ("😀 word 😀", 1, 7, (2, 6)),  # code points around astral characters
        ("  ", 0, 2, None),  # only whitespace
        ("abc", 1, 1, None),  # empty
    ],
)
def test_snap_span(text: str, start: int, end: int, expected: tuple[int, int] | None) -> None:
    assert snap_span(text, start, end) == expected


def test_snap_keeps_inner_whitespace() -> None:
    text = "  New  York  "
    assert snap_span(text, 0, len(text)) == (2, 11)


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (2, 1), (0, 4), (True, 2)])
def test_snap_refuses_bad_ranges(start: int, end: int) -> None:
    with pytest.raises(OffsetError):
        snap_span("abc", start, end)
