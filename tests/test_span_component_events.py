"""The span selector's Python side: what it sends to the browser and how it checks what comes back."""

from __future__ import annotations

import pytest

from workbench.span_component import parse_event, render_payload

TEXT = "Breaking 🚀 news: the council 👩‍👩‍👧 voted 7–2."
LABELS = [
    {"name": "A", "color": "#123456", "hotkeys": ["1", "a"]},
    {"name": "B", "color": "#654321", "hotkeys": []},
]
SPANS = [{"id": "s1", "start": 11, "end": 15, "label": "A"}]  # "news"
SUGGESTIONS = [{"id": "g1", "start": 35, "end": 40, "label": "B"}]  # "voted"


def _u16(cp: int) -> int:
    return len(TEXT[:cp].encode("utf-16-le")) // 2


@pytest.fixture
def sent():
    return render_payload(TEXT, SPANS, LABELS, suggestions=SUGGESTIONS, selected_id="s1")


def test_payload_carries_utf16_and_code_point_offsets(sent) -> None:
    data, _ = sent
    assert TEXT[11:15] == "news" and TEXT[35:40] == "voted"
    span = data["spans"][0]
    assert (span["start"], span["end"], span["s"], span["e"]) == (11, 15, 12, 16)
    sugg = data["suggestions"][0]
    assert (sugg["s"], sugg["e"]) == (_u16(35), _u16(40)) == (39, 44)
    assert data["labels"] == [
        {"name": "A", "color": "#123456", "hotkeys": ["1", "a"]},
        {"name": "B", "color": "#654321", "hotkeys": []},
    ]
    assert data["selected_id"] == "s1" and data["read_only"] is False
    assert data["text"] == TEXT and len(data["rev"]) == 16


def test_spans_that_do_not_fit_the_text_are_not_drawn(caplog) -> None:
    bad = [{"id": "x", "start": 5, "end": 500, "label": "A"}, {"id": "y", "start": 3, "end": 3, "label": "A"}]
    data, _ = render_payload(TEXT, [*SPANS, *bad], LABELS)
    assert [s["id"] for s in data["spans"]] == ["s1"]
    assert "does not fit" in caplog.text


def _ev(sent, **fields):
    data, view = sent
    return parse_event({"rev": data["rev"], "seq": 1, **fields}, view)


def test_create_is_converted_to_code_points_and_snapped(sent) -> None:
    # The browser selected " voted 7–2." with the space before it: UTF-16 offsets, 4 astral chars before.
    start16, end16 = _u16(34), _u16(len(TEXT))
    event = _ev(sent, action="create", start16=start16, end16=end16, label="A")
    assert event == {"action": "create", "start": 35, "end": len(TEXT), "label": "A"}
    assert TEXT[event["start"] : event["end"]] == "voted 7–2."


@pytest.mark.parametrize(
    "fields",
    [
        {"action": "create", "start16": 0, "end16": 9, "label": "NOPE"},  # unknown label
        {"action": "create", "start16": 0, "end16": 999, "label": "A"},  # past the end
        {"action": "create", "start16": 10, "end16": 12, "label": "A"},  # inside the rocket's surrogate pair
        {"action": "create", "start16": 8, "end16": 9, "label": "A"},  # only a space
        {"action": "create", "start16": "0", "end16": 9, "label": "A"},  # not an int
        {"action": "create", "start16": 5, "end16": 2, "label": "A"},  # backwards
        {"action": "delete", "id": "g1"},  # a suggestion is not a span
        {"action": "delete", "id": "nope"},
        {"action": "accept", "id": "s1"},  # a span is not a suggestion
        {"action": "select", "id": 3},
        {"action": "drop_table"},
    ],
)
def test_bad_events_are_refused(sent, fields) -> None:
    assert _ev(sent, **fields) is None


def test_events_for_another_text_are_refused(sent) -> None:
    _, view = sent
    assert parse_event({"action": "undo", "rev": "0" * 16}, view) is None
    assert parse_event({"action": "undo"}, view) is None
    assert parse_event(["undo"], view) is None
    assert parse_event(None, view) is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"action": "select", "id": "s1"}, {"action": "select", "id": "s1"}),
        ({"action": "select", "id": "g1"}, {"action": "select", "id": "g1"}),
        ({"action": "select", "id": None}, {"action": "select", "id": None}),
        ({"action": "delete", "id": "s1"}, {"action": "delete", "id": "s1"}),
        ({"action": "accept", "id": "g1"}, {"action": "accept", "id": "g1"}),
        ({"action": "reject", "id": "g1"}, {"action": "reject", "id": "g1"}),
        ({"action": "undo", "extra": 1}, {"action": "undo"}),
        ({"action": "done"}, {"action": "done"}),
    ],
)
def test_good_events_keep_only_their_shape(sent, fields, expected) -> None:
    assert _ev(sent, **fields) == expected


def test_read_only_allows_only_select_and_done() -> None:
    data, view = render_payload(TEXT, SPANS, LABELS, suggestions=SUGGESTIONS, read_only=True)
    rev = data["rev"]
    assert parse_event({"action": "select", "id": "s1", "rev": rev}, view) == {"action": "select", "id": "s1"}
    assert parse_event({"action": "done", "rev": rev}, view) == {"action": "done"}
    for bad in ({"action": "delete", "id": "s1"}, {"action": "undo"}, {"action": "accept", "id": "g1"}):
        assert parse_event({**bad, "rev": rev}, view) is None
    create = {"action": "create", "start16": 0, "end16": 8, "label": "A", "rev": rev}
    assert parse_event(create, view) is None
