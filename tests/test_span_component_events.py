"""The span selector's Python side: what it sends to the browser and how it checks what comes back
(workbench/span_component/protocol.py). The browser side is tested in Chromium (test_span_component_browser.py)."""

from __future__ import annotations

import json

import pytest

from corpus.errors import NewsspanError
from corpus.scheme import default_labelset
from workbench.span_component import Sync, label_specs, parse_event, render_payload
from workbench.span_component.protocol import handle_batch

TEXT = "Breaking 🚀 news: the council 👩‍👩‍👧 voted 7–2."
LABELS = [
    {"name": "A", "color": "#123456", "hotkeys": ["1", "a"]},
    {"name": "B", "color": "#654321", "hotkeys": []},
]
SPANS = [{"id": "s1", "start": 11, "end": 15, "label": "A", "version": 3, "attributes": {"x": 1}}]  # "news"
SUGGESTIONS = [{"id": "g1", "start": 35, "end": 40, "label": "B", "suggested_by": "numbers"}]  # "voted"


def _u16(cp: int) -> int:
    return len(TEXT[:cp].encode("utf-16-le")) // 2


@pytest.fixture
def sent():
    return render_payload(TEXT, SPANS, LABELS, suggestions=SUGGESTIONS, key="k")


def test_payload_is_the_text_and_labels_and_the_view_has_utf16_and_code_point_offsets(sent) -> None:
    data, view = sent
    assert TEXT[11:15] == "news" and TEXT[35:40] == "voted"
    assert data["text"] == TEXT and len(data["rev"]) == 16 and data["ckey"] == "k"
    assert "spans" not in data  # the spans travel through the sync channel, as deltas
    assert data["labels"] == [
        {"name": "A", "color": "#123456", "hotkeys": ["1", "a"]},
        {"name": "B", "color": "#654321", "hotkeys": []},
    ]
    span, sugg = view.items["s1"], view.items["g1"]
    assert (span["start"], span["end"], span["s"], span["e"]) == (11, 15, 12, 16)
    assert span["version"] == 3 and span["attributes"] == {"x": 1} and span["kind"] == "span"
    assert (sugg["s"], sugg["e"]) == (_u16(35), _u16(40)) == (39, 44)
    assert sugg["kind"] == "suggestion" and sugg["by"] == "numbers"


def test_label_specs_carry_the_attribute_editor_and_the_links_of_the_label_set() -> None:
    specs = {label["name"]: label for label in label_specs(default_labelset())}
    claim = {a["name"]: a for a in specs["claim"]["attributes"]}
    assert claim["speaker"] == {
        "name": "speaker",
        "title": "Speaker",
        "required": True,
        "description": claim["speaker"]["description"],
        "kind": "link",
        "target": "actor",
        "literals": ["author"],
    }
    assert claim["attribution"]["kind"] == "enum" and claim["attribution"]["options"][0] == "direct quote"
    assert claim["check_worthy"]["kind"] == "boolean" and claim["cue"]["kind"] == "text"
    actor = {a["name"]: a for a in specs["actor"]["attributes"]}
    assert actor["entity_id"]["kind"] == "entity"
    number = {a["name"]: a for a in specs["number"]["attributes"]}
    assert number["value"]["kind"] == "number"
    assert specs["claim"]["required"] == ["speaker", "attribution", "kind"]


def test_spans_that_do_not_fit_the_text_are_not_drawn(caplog) -> None:
    bad = [{"id": "x", "start": 5, "end": 500, "label": "A"}, {"id": "y", "start": 3, "end": 3, "label": "A"}]
    _, view = render_payload(TEXT, [*SPANS, *bad], LABELS)
    assert list(view.items) == ["s1"]
    assert "does not fit" in caplog.text


def _ev(sent, **fields):
    data, view = sent
    return parse_event({"rev": data["rev"], "op": "o1", **fields}, view)


def test_create_is_converted_to_code_points_and_snapped(sent) -> None:
    # The browser selected " voted 7–2." with the space before it: UTF-16 offsets, 4 astral chars before.
    start16, end16 = _u16(34), _u16(len(TEXT))
    event = _ev(sent, action="create", start16=start16, end16=end16, label="A", temp="t:x-1")
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
        {"action": "create", "start16": 0, "end16": 8, "label": "A", "attributes": ["x"]},  # not an object
        {"action": "delete", "id": "g1"},  # a suggestion is not a span
        {"action": "delete", "id": "nope"},
        {"action": "update", "id": "s1", "attributes": "x"},
        {"action": "update", "id": "t:never-saved", "attributes": {}},  # a temporary id the server never saw
        {"action": "update", "id": "s1", "attributes": {"k": "v" * 30_000}},  # too large
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
        # The version the browser saw goes to the store as the expected one; without one, the version shown.
        ({"action": "delete", "id": "s1", "version": 2}, {"action": "delete", "id": "s1", "version": 2}),
        ({"action": "delete", "id": "s1"}, {"action": "delete", "id": "s1", "version": 3}),
        (
            {
                "action": "update",
                "id": "s1",
                "version": 3,
                "attributes": {"kind": "x"},
                "start": 0,
                "label": "B",
            },
            {
                "action": "update",
                "id": "s1",
                "version": 3,
                "start": 11,
                "end": 15,
                "label": "A",
                "attributes": {"kind": "x"},
            },
        ),  # fmt: skip
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


# --- batches: temporary ids, chained versions, idempotence, refusals --------------------------------------


class FakeStore:
    """Records the page events and answers like the store: ids, versions, a ConflictError on a stale version."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.versions = {"s1": 3}
        self.n = 0

    def __call__(self, event: dict):
        self.events.append(event)
        action = event["action"]
        if action == "create":
            self.n += 1
            ident = f"new{self.n}"
            self.versions[ident] = 1
            return {"id": ident, "version": 1, **{k: event[k] for k in ("start", "end", "label")}}
        if action == "update":
            if event["version"] != self.versions[event["id"]]:
                raise NewsspanError(
                    f"changed (version {self.versions[event['id']]}, you had {event['version']})"
                )
            self.versions[event["id"]] += 1
            return {"id": event["id"], "version": self.versions[event["id"]]}
        if action == "undo":
            return None
        return {"id": event.get("id")}


def _batch(sent, *ops, have=None, seen=()):
    data, _ = sent
    return {"action": "ops", "rev": data["rev"], "have": have, "seen": list(seen), "ops": list(ops)}


def test_a_batch_resolves_temporary_ids_and_chains_versions(sent) -> None:
    _, view = sent
    sync, store = Sync(), FakeStore()
    ops = [
        {
            "op": "a-1",
            "action": "create",
            "start16": _u16(17),
            "end16": _u16(28),
            "label": "A",
            "temp": "t:a-1",
        },
        {"op": "a-2", "action": "update", "id": "t:a-1", "after": "a-1", "attributes": {"k": 1}},
        {"op": "a-3", "action": "update", "id": "t:a-1", "after": "a-2", "attributes": {"k": 2}},
        {"op": "a-4", "action": "update", "id": "s1", "version": 3, "attributes": {"speaker": "t:a-1"}},
        {"op": "a-5", "action": "undo"},
    ]
    assert handle_batch(_batch(sent, *ops), view, sync, store) == 5
    assert [e["action"] for e in store.events] == ["create", "update", "update", "update", "undo"]
    assert TEXT[store.events[0]["start"] : store.events[0]["end"]] == "the council"
    assert store.events[1]["id"] == store.events[2]["id"] == "new1"
    assert (store.events[1]["version"], store.events[2]["version"]) == (1, 2)  # each after the one before
    assert store.events[3]["attributes"] == {"speaker": "new1"}  # a link to the span drawn, by its real id
    acks = {a["op"]: a for a in sync.channel_data("k", view.items)["acks"]}
    assert acks["a-1"] == {"op": "a-1", "ok": True, "id": "new1", "version": 1}
    assert acks["a-3"]["version"] == 3 and acks["a-5"] == {
        "op": "a-5",
        "ok": True,
        "note": "Nothing to undo.",
    }


def test_a_refused_change_is_acked_with_its_message_and_what_builds_on_it_is_refused_too(sent) -> None:
    _, view = sent
    sync, store = Sync(), FakeStore()
    ops = [
        {"op": "b-1", "action": "update", "id": "s1", "version": 2, "attributes": {}},  # a stale version
        {"op": "b-2", "action": "update", "id": "s1", "after": "b-1", "attributes": {"k": 1}},
        {"op": "b-3", "action": "delete", "id": "gone"},
    ]
    handle_batch(_batch(sent, *ops), view, sync, store)
    acks = {a["op"]: a for a in sync.channel_data("k", view.items)["acks"]}
    assert acks["b-1"] == {"op": "b-1", "ok": False, "error": "changed (version 3, you had 2)"}
    assert acks["b-2"]["ok"] is False and "earlier change" in acks["b-2"]["error"]
    assert acks["b-3"]["ok"] is False and "no longer there" in acks["b-3"]["error"]
    assert len(store.events) == 1  # only the first reached the store


def test_a_batch_sent_twice_is_applied_once_and_its_acks_are_sent_again(sent) -> None:
    _, view = sent
    sync, store = Sync(), FakeStore()
    op = {"op": "c-1", "action": "create", "start16": 0, "end16": 8, "label": "A", "temp": "t:c-1"}
    handle_batch(_batch(sent, op), view, sync, store)
    handle_batch(_batch(sent, op, seen=["c-1"]), view, sync, store)
    assert len(store.events) == 1
    assert [a["op"] for a in sync.channel_data("k", view.items)["acks"]] == ["c-1"]
    handle_batch(_batch(sent, seen=["c-1"]), view, sync, store)  # the browser read it: not sent again
    assert sync.channel_data("k", view.items)["acks"] == []


def test_an_error_with_a_first_id_selects_that_span(sent) -> None:
    class Incomplete(NewsspanError):
        first_id = "s1"

    def refuse(event):
        raise Incomplete("1 span still misses required attributes")

    _, view = sent
    sync = Sync()
    handle_batch(_batch(sent, {"op": "d-1", "action": "done"}), view, sync, refuse)
    (ack,) = sync.channel_data("k", view.items)["acks"]
    assert ack == {
        "op": "d-1",
        "ok": False,
        "error": "1 span still misses required attributes",
        "select": "s1",
    }


def test_the_channel_sends_all_spans_first_then_only_what_changed_since_the_browsers_revision(sent) -> None:
    _, view = sent
    sync = Sync()
    first = sync.channel_data("k", view.items)
    assert first["full"] is True and [i["id"] for i in first["items"]] == ["s1", "g1"]
    assert sync.channel_data("k", view.items)["rev"] == first["rev"]  # nothing changed: the same revision
    sync.browser_has(first["rev"])
    changed = {**view.items, "s1": {**view.items["s1"], "version": 4}}
    changed.pop("g1")
    changed["n1"] = {"id": "n1", "kind": "span", "start": 0, "end": 8, "s": 0, "e": 8, "label": "A"}
    delta = sync.channel_data("k", changed)
    assert delta["base"] == first["rev"] and "full" not in delta
    assert [i["id"] for i in delta["items"]] == ["s1", "n1"] and delta["rm"] == ["g1"]
    sync.browser_has("not a revision")  # ignored: the last known one stays the base
    assert sync.channel_data("k", changed)["base"] == first["rev"]
    sync.browser_has(None)  # the browser lost its copy: everything again
    assert sync.channel_data("k", changed)["full"] is True


def test_what_travels_per_change_is_small_whatever_the_size_of_the_text() -> None:
    text = "word " * 4000
    spans = [
        {"id": f"s{i}", "start": 5 * i, "end": 5 * i + 4, "label": "A", "version": 1} for i in range(300)
    ]
    _, view = render_payload(text, spans, LABELS)
    sync = Sync()
    first = sync.channel_data("k", view.items)
    sync.browser_has(first["rev"])
    spans.append({"id": "s300", "start": 1500 * 5, "end": 1500 * 5 + 4, "label": "A", "version": 1})
    _, view = render_payload(text, spans, LABELS)
    delta = sync.channel_data("k", view.items)
    assert len(json.dumps(first)) > 20_000 and len(json.dumps(delta)) < 300


def test_selection_asked_by_the_page_is_sent_once_per_change() -> None:
    sync = Sync()
    assert sync.select(None) == {"id": None, "seq": 0}
    assert sync.select("s1") == {"id": "s1", "seq": 1}
    assert sync.select("s1") == {"id": "s1", "seq": 1}


def test_a_ping_is_answered_without_the_page(sent) -> None:
    """The benchmark's baseline: a round trip that changes nothing, even in a read-only view."""
    data, view = render_payload(TEXT, SPANS, LABELS, read_only=True)
    sync, store = Sync(), FakeStore()
    batch = {"action": "ops", "rev": data["rev"], "ops": [{"op": "p-1", "action": "ping"}]}
    handle_batch(batch, view, sync, store)
    assert store.events == [] and sync.channel_data("k", view.items)["acks"] == [{"op": "p-1", "ok": True}]
