"""The span selector in real headless Chromium, through the demo app tests/apps/span_demo.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import browser_helpers
from tests.browser_fixtures import StreamlitServer, shadow_js
from tests.browser_helpers import scroll_positions, selector_state, wait_idle, wait_until

pytestmark = pytest.mark.browser

DEMO = Path(__file__).parent / "apps" / "span_demo.py"

TEXT = (
    "Breaking 🚀 news: the council 👩‍👩‍👧 voted 7–2 on Tuesday 🇺🇦.\n"
    "<script>window.__pwned = 1; document.title = 'pwned'</script>\n"
    '<img src=x onerror="window.__pwned = 2">\n'
    "**Markdown** stays _literal_. The mayor of New York City said the budget would grow by 4 %.\n"
)
LABELS = [
    {"name": "ACTOR", "color": "#1f77b4", "hotkeys": ["1", "a"]},
    {"name": "CLAIM", "color": "#d62728", "hotkeys": ["2", "c"]},
    {"name": "NUMBER", "color": "#2ca02c", "hotkeys": ["3", "n"]},
    {"name": "FACT", "color": "#9467bd", "hotkeys": ["4", "f"]},
]


def _span(ident: str, phrase: str, label: str) -> dict:
    start = TEXT.index(phrase)
    return {"id": ident, "start": start, "end": start + len(phrase), "label": label, "span_text": phrase}


OUTER = _span("outer", "The mayor of New York City", "ACTOR")
INNER = _span("inner", "New York", "FACT")
CROSS = _span("cross", "York City said the budget", "CLAIM")
SUGGESTION = _span("sugg", "4 %", "NUMBER")


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("span-demo")


@pytest.fixture(scope="module")
def demo_url(chromium_path: str, demo_folder: Path) -> Iterator[str]:
    """One demo server for the module; every test opens its own page, so its own session and state. While
    ``hold`` exists every save waits; while ``refuse`` exists every save is refused with its content."""
    folder = demo_folder
    (folder / "text.txt").write_text(TEXT, encoding="utf-8")
    (folder / "spans.json").write_text(json.dumps([OUTER, INNER, CROSS]), encoding="utf-8")
    (folder / "suggestions.json").write_text(json.dumps([SUGGESTION]), encoding="utf-8")
    (folder / "labels.json").write_text(json.dumps(LABELS), encoding="utf-8")
    env = {
        "SPAN_DEMO_TEXT_FILE": str(folder / "text.txt"),
        "SPAN_DEMO_SPANS_FILE": str(folder / "spans.json"),
        "SPAN_DEMO_SUGGESTIONS_FILE": str(folder / "suggestions.json"),
        "SPAN_DEMO_LABELS_FILE": str(folder / "labels.json"),
        "SPAN_DEMO_HOLD_FILE": str(folder / "hold"),
        "SPAN_DEMO_REFUSE_FILE": str(folder / "refuse"),
    }
    server = StreamlitServer(DEMO, env=env, log_dir=folder)
    try:
        yield server.wait_healthy()
    finally:
        server.stop()
        print(server.logs())


@pytest.fixture
def demo(page, demo_url: str, demo_folder: Path):
    for name in ("hold", "refuse"):
        (demo_folder / name).unlink(missing_ok=True)
    page.goto(demo_url)
    page.get_by_test_id("span-text").wait_for(state="visible")
    page.get_by_test_id("stored-spans").wait_for(state="attached")
    wait_idle(page)
    yield page
    for name in ("hold", "refuse"):
        (demo_folder / name).unlink(missing_ok=True)


# --- helpers ---------------------------------------------------------------------------------------------


def phrase_box(page, phrase: str, occurrence: int = 0) -> dict:
    return browser_helpers.phrase_box(page, TEXT, phrase, occurrence)


def select_by_js(page, phrase: str) -> None:
    browser_helpers.select_by_js(page, TEXT, phrase)


def drag_select(page, phrase: str) -> None:
    browser_helpers.drag_select(page, TEXT, phrase)


def click_phrase(page, phrase: str) -> None:
    browser_helpers.click_phrase(page, TEXT, phrase)


def _read(page, testid: str):
    return json.loads(page.get_by_test_id(testid).inner_text())


def stored_spans(page) -> list[dict]:
    return _read(page, "stored-spans")


def last_event(page) -> dict | None:
    return _read(page, "last-event")


def new_span(page, before: int = 3) -> dict:
    spans = wait_until(lambda: (s := stored_spans(page)) and len(s) > before and s)
    assert len(spans) == before + 1
    return spans[-1]


# --- tests -----------------------------------------------------------------------------------------------


def test_article_text_is_literal_and_inert(demo) -> None:
    box = demo.get_by_test_id("span-text")
    shown = box.inner_text()
    assert "<script>window.__pwned = 1; document.title = 'pwned'</script>" in shown
    assert '<img src=x onerror="window.__pwned = 2">' in shown
    assert "**Markdown** stays _literal_." in shown
    assert demo.evaluate("window.__pwned") is None
    assert demo.title() != "pwned"
    assert box.locator("script, img, strong, em").count() == 0
    # The whole text round-trips exactly (all the article's characters are text nodes).
    assert demo.evaluate(f"({shadow_js})('[data-testid=\"span-text\"]').textContent") == TEXT


def test_mouse_drag_after_emoji_and_hotkey_store_exact_code_points(demo) -> None:
    drag_select(demo, "voted 7–2")
    assert demo.evaluate("document.getSelection().toString()") == "voted 7–2"
    demo.keyboard.press("1")
    span = new_span(demo)
    start = TEXT.index("voted 7–2")
    assert (span["start"], span["end"], span["label"]) == (start, start + len("voted 7–2"), "ACTOR")
    assert span["span_text"] == "voted 7–2"
    drawn = demo.locator(f'[data-testid="span"][data-span-id="{span["id"]}"]')
    drawn.first.wait_for()
    assert drawn.first.get_attribute("data-start") == str(start)
    assert drawn.first.get_attribute("data-end") == str(start + len("voted 7–2"))
    assert drawn.first.get_attribute("data-label") == "ACTOR"
    assert drawn.first.inner_text() == "voted 7–2"


def test_label_button_and_whitespace_snapping_with_a_flag_at_the_end(demo) -> None:
    select_by_js(demo, " Tuesday 🇺🇦.")
    demo.get_by_test_id("label-button-FACT").click()
    span = new_span(demo)
    assert span["span_text"] == "Tuesday 🇺🇦."
    assert TEXT[span["start"] : span["end"]] == "Tuesday 🇺🇦."
    assert span["label"] == "FACT"


def test_double_click_selects_a_word(demo) -> None:
    box = phrase_box(demo, "council")
    demo.mouse.dblclick(box["cx"], box["y0"])
    assert demo.evaluate("document.getSelection().toString()").strip() == "council"
    demo.keyboard.press("n")
    span = new_span(demo)
    assert (span["span_text"], span["label"]) == ("council", "NUMBER")


def test_shift_arrow_extends_over_an_emoji(demo) -> None:
    drag_select(demo, "Breaking")
    demo.keyboard.press("Shift+ArrowRight")
    demo.keyboard.press("Shift+ArrowRight")
    assert demo.evaluate("document.getSelection().toString()") == "Breaking 🚀"
    demo.keyboard.press("c")
    span = new_span(demo)
    assert (span["start"], span["end"], span["span_text"]) == (0, 10, "Breaking 🚀")


def test_nested_and_overlapping_spans_are_drawn_and_clickable(demo) -> None:
    for sp in (OUTER, INNER, CROSS):
        nodes = demo.locator(f'[data-testid="span"][data-span-id="{sp["id"]}"]')
        assert nodes.count() >= 1
        assert nodes.first.get_attribute("data-start") == str(sp["start"])
        assert nodes.first.get_attribute("data-end") == str(sp["end"])
        assert nodes.first.get_attribute("data-label") == sp["label"]
        assert "".join(nodes.all_inner_texts()) == sp["span_text"]
    layers = {
        sp["id"]: demo.locator(f'[data-span-id="{sp["id"]}"]').first.get_attribute("data-layer")
        for sp in (OUTER, INNER, CROSS)
    }
    assert len(set(layers.values())) == 3, layers  # each drawn on its own underline layer
    # The crossing span starts inside both others, so it is drawn as three fragments ("York", " City",
    # " said the budget"), each clickable and carrying the span's own offsets.
    assert demo.locator('[data-span-id="cross"]').all_inner_texts() == ["York", " City", " said the budget"]

    click_phrase(demo, "New")
    wait_until(lambda: last_event(demo) == {"action": "select", "id": "inner"})
    click_phrase(demo, "mayor")
    wait_until(lambda: last_event(demo) == {"action": "select", "id": "outer"})
    click_phrase(demo, "budget")
    wait_until(lambda: last_event(demo) == {"action": "select", "id": "cross"})
    # Clicking the selected span again reaches the span around it.
    click_phrase(demo, "New")
    wait_until(lambda: last_event(demo) == {"action": "select", "id": "inner"})
    click_phrase(demo, "New")
    wait_until(lambda: last_event(demo) == {"action": "select", "id": "outer"})
    assert "nsp-selected" in (demo.locator('[data-span-id="outer"]').first.get_attribute("class") or "")


def test_delete_removes_the_selected_span(demo) -> None:
    click_phrase(demo, "budget")
    wait_until(lambda: last_event(demo) == {"action": "select", "id": "cross"})
    demo.keyboard.press("Delete")
    wait_until(lambda: [s["id"] for s in stored_spans(demo)] == ["outer", "inner"])
    wait_until(lambda: demo.locator('[data-span-id="cross"]').count() == 0)
    assert demo.locator('[data-span-id="outer"]').count() == 1


def test_ctrl_z_sends_undo(demo) -> None:
    drag_select(demo, "news")
    demo.keyboard.press("a")
    span = new_span(demo)
    demo.keyboard.press("Control+z")
    wait_until(lambda: last_event(demo) == {"action": "undo"})
    wait_until(lambda: len(stored_spans(demo)) == 3)
    wait_until(lambda: demo.locator(f'[data-span-id="{span["id"]}"]').count() == 0)


def test_enter_sends_done(demo) -> None:
    click_phrase(demo, "Breaking")
    demo.keyboard.press("Enter")
    wait_until(lambda: last_event(demo) == {"action": "done"})
    assert _read(demo, "done") is True


def test_suggestions_are_dashed_and_accepted_with_a_key(demo) -> None:
    sugg = demo.locator('[data-testid="suggestion"][data-suggestion-id="sugg"]')
    assert sugg.inner_text() == "4 %"
    assert sugg.evaluate("(n) => getComputedStyle(n).borderBottomStyle") == "dashed"
    sugg.click()
    wait_until(lambda: last_event(demo) == {"action": "select", "id": "sugg"})
    demo.keyboard.press("y")
    wait_until(lambda: last_event(demo) == {"action": "accept", "id": "sugg"})
    spans = wait_until(lambda: (s := stored_spans(demo)) and len(s) == 4 and s)
    assert spans[-1]["span_text"] == "4 %"
    wait_until(lambda: demo.locator('[data-span-id="sugg"]').count() == 1)
    assert demo.locator('[data-testid="suggestion"]').count() == 0


def test_whitespace_only_selection_creates_nothing(demo) -> None:
    s, _ = browser_helpers.utf16_range(TEXT, "Breaking")
    demo.evaluate(browser_helpers.RANGE_JS, [s + len("Breaking"), s + len("Breaking") + 1, True])  # the space
    demo.keyboard.press("1")
    demo.get_by_role("button", name="ping").click()  # a later rerun shows that no span was stored
    wait_until(lambda: _read(demo, "ping-count") == 1)
    assert len(stored_spans(demo)) == 3


# --- drawn at once, saved after, rolled back when refused ------------------------------------------------


def pending_spans(page):
    return page.locator('[data-testid="span"][data-pending="true"]')


def test_a_new_span_is_drawn_before_the_save_returns(demo, demo_folder: Path) -> None:
    (demo_folder / "hold").write_text("")  # the server's save waits until the file goes
    drag_select(demo, "voted 7–2")
    demo.keyboard.press("1")
    start = TEXT.index("voted 7–2")
    drawn = pending_spans(demo).and_(demo.locator(f'[data-start="{start}"][data-end="{start + 9}"]'))
    drawn.wait_for()
    assert drawn.inner_text() == "voted 7–2"
    assert selector_state(demo)["pending"] == "1"
    assert "Saving" in demo.get_by_test_id("save-status").inner_text()
    assert len(stored_spans(demo)) == 3  # the server has not saved it: it is held
    (demo_folder / "hold").unlink()
    wait_idle(demo)
    span = new_span(demo)
    assert (span["start"], span["end"], span["label"]) == (start, start + 9, "ACTOR")
    demo.locator(f'[data-testid="span"][data-span-id="{span["id"]}"]').first.wait_for()
    assert pending_spans(demo).count() == 0
    assert demo.get_by_test_id("save-status").inner_text() == "All changes saved"


def test_a_refused_new_span_is_shown_refused_and_rolled_back(demo, demo_folder: Path) -> None:
    (demo_folder / "refuse").write_text("annotation n1 was changed by ben (version 2, you had 1)")
    drag_select(demo, "council")
    demo.keyboard.press("3")
    ghost = demo.get_by_test_id("failed-span")
    ghost.wait_for()
    assert ghost.inner_text() == "council"
    assert "version 2, you had 1" in demo.get_by_test_id("span-error").inner_text()
    assert "Not saved" in demo.get_by_test_id("save-status").inner_text()
    wait_idle(demo)
    assert pending_spans(demo).count() == 0
    assert demo.locator('[data-testid="span"]').filter(has_text="council").count() == 0
    assert len(stored_spans(demo)) == 3
    demo.keyboard.press("Escape")
    wait_until(lambda: demo.get_by_test_id("failed-span").count() == 0)


def test_a_delete_goes_at_once_and_comes_back_marked_when_refused(demo, demo_folder: Path) -> None:
    click_phrase(demo, "budget")
    wait_until(lambda: last_event(demo) == {"action": "select", "id": "cross"})
    wait_idle(demo)
    (demo_folder / "hold").write_text("")
    (demo_folder / "refuse").write_text("someone else changed it")
    demo.keyboard.press("Delete")
    wait_until(lambda: demo.locator('[data-span-id="cross"]').count() == 0)  # gone before the server answers
    (demo_folder / "hold").unlink()
    back = demo.locator('[data-testid="span"][data-span-id="cross"].nsp-failed')
    wait_until(lambda: back.count() == 3)  # all three fragments are back, marked
    assert "someone else changed it" in demo.get_by_test_id("span-error").inner_text()
    assert [s["id"] for s in stored_spans(demo)] == ["outer", "inner", "cross"]


def test_undo_is_drawn_at_once(demo, demo_folder: Path) -> None:
    drag_select(demo, "news")
    demo.keyboard.press("a")
    span = new_span(demo)
    wait_idle(demo)
    (demo_folder / "hold").write_text("")
    demo.keyboard.press("Control+z")
    wait_until(lambda: demo.locator(f'[data-span-id="{span["id"]}"]').count() == 0)
    assert len(stored_spans(demo)) == 4  # the server has not undone it yet
    (demo_folder / "hold").unlink()
    wait_idle(demo)
    wait_until(lambda: len(stored_spans(demo)) == 3)


def test_tab_and_shift_tab_move_between_spans_in_text_order(demo) -> None:
    demo.get_by_test_id("span-selector").focus()
    order = []
    for _ in range(4):
        demo.keyboard.press("Tab")
        order.append(selector_state(demo)["selected"])
    assert order == ["outer", "inner", "cross", "sugg"]
    demo.keyboard.press("Shift+Tab")
    assert selector_state(demo)["selected"] == "cross"
    wait_until(lambda: last_event(demo) == {"action": "select", "id": "cross"})
    assert demo.get_by_test_id("span-panel").get_attribute("data-for") == "cross"


def test_a_new_span_sends_only_what_changed_not_the_text(demo_url: str, page) -> None:
    """The text and the component's script travel once, when the document opens; a new span then costs a
    few hundred bytes (the span, its ack), whatever the size of the text."""
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(_bytes(payload))))
    page.goto(demo_url)
    wait_idle(page)
    marker = b"<img src=x onerror="  # a piece of the text found nowhere else
    assert any(marker in frame for frame in frames)  # the text came once
    frames.clear()
    drag_select(page, "voted 7–2")
    page.keyboard.press("1")
    new_span(page)
    wait_idle(page)
    received = b"".join(frames)
    assert marker not in received
    assert b"spanSelector" not in received  # nor the component's script
    assert len(received) < 6000, len(received)


def _bytes(payload: str | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else payload.encode()


# --- attributes and links from the label set -------------------------------------------------------------

FILLER = "".join(
    f"Paragraph {i}: filler about the weather, the markets and the roads today.\n" for i in range(45)
)
LONG = (
    FILLER
    + "The Kremlin said that the strikes hit only military sites, officials added on Tuesday.\n"
    + FILLER
)
KREMLIN = {
    "id": "kremlin",
    "start": LONG.index("The Kremlin"),
    "end": LONG.index("The Kremlin") + 11,
    "label": "actor",
}
_CLAIM_TEXT = "the strikes hit only military sites"
CLAIM = {"id": "claim1", "start": LONG.index(_CLAIM_TEXT), "end": LONG.index(_CLAIM_TEXT) + len(_CLAIM_TEXT),
         "label": "claim"}  # fmt: skip


@pytest.fixture(scope="module")
def scheme_demo_url(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo with the project's label set (attribute specs, the claim's speaker link) and a long text."""
    folder = tmp_path_factory.mktemp("span-demo-scheme")
    (folder / "text.txt").write_text(LONG, encoding="utf-8")
    (folder / "spans.json").write_text(json.dumps([KREMLIN, CLAIM]), encoding="utf-8")
    env = {
        "SPAN_DEMO_TEXT_FILE": str(folder / "text.txt"),
        "SPAN_DEMO_SPANS_FILE": str(folder / "spans.json"),
        "SPAN_DEMO_LABELSET": "1",
    }
    server = StreamlitServer(DEMO, env=env, log_dir=folder)
    try:
        yield server.wait_healthy()
    finally:
        server.stop()
        print(server.logs())


@pytest.fixture
def scheme_demo(page, scheme_demo_url: str):
    page.goto(scheme_demo_url)
    wait_idle(page)
    claim = page.locator('[data-testid="span"][data-span-id="claim1"]')
    claim.scroll_into_view_if_needed()
    return page


def stored(page, ident: str) -> dict:
    return next(s for s in stored_spans(page) if s["id"] == ident)


def test_attributes_are_edited_by_keyboard_beside_the_span_without_scrolling(scheme_demo) -> None:
    page = scheme_demo
    scrolled = scroll_positions(page)
    assert scrolled[1] > 500  # the claim is far down the page: a jump would show
    browser_helpers.click_phrase(page, LONG, "military")
    wait_until(lambda: selector_state(page)["selected"] == "claim1")
    panel = page.get_by_test_id("span-panel")
    assert "Still to fill in: Speaker, Attribution, Kind" in panel.inner_text()
    page.keyboard.press("e")
    wait_until(lambda: selector_state(page)["mode"] == "edit")
    rows = panel.get_by_test_id("attr-row")
    assert rows.evaluate_all("rs => rs.map((r) => r.dataset.attr)") == [
        "speaker", "attribution", "kind", "check_worthy", "cue",
    ]  # fmt: skip
    page.keyboard.press("1")  # the speaker: its first literal, "author"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("1")  # attribution: direct quote
    page.keyboard.press("Tab")
    page.keyboard.press("2")  # kind: opinion
    page.keyboard.press("Tab")
    page.keyboard.press("1")  # check-worthy: yes
    page.keyboard.press("Tab")
    page.keyboard.type("said")  # cue: typed into the field's input
    assert (
        panel.locator('[data-testid="attr-row"][data-attr="kind"] [data-testid="attr-value"]').inner_text()
        == "opinion"
    )
    page.keyboard.press("Enter")
    wait_until(lambda: selector_state(page)["mode"] == "select")
    wait_idle(page)
    assert stored(page, "claim1")["attributes"] == {
        "speaker": "author", "attribution": "direct quote", "kind": "opinion", "check_worthy": True, "cue": "said",
    }  # fmt: skip
    assert stored(page, "claim1")["version"] == 2
    assert "Still to fill in" not in panel.inner_text()
    assert scroll_positions(page) == scrolled  # the page never moved
    # Esc throws an edit away; the span keeps what was saved.
    page.keyboard.press("e")
    page.keyboard.press("Tab")
    page.keyboard.press("3")
    page.keyboard.press("Escape")
    wait_until(lambda: selector_state(page)["mode"] == "select")
    assert stored(page, "claim1")["attributes"]["attribution"] == "direct quote"
    assert scroll_positions(page) == scrolled


def test_a_claim_is_linked_to_its_speaker_by_key_and_click_and_the_link_is_drawn(scheme_demo) -> None:
    page = scheme_demo
    browser_helpers.click_phrase(page, LONG, "military")
    wait_until(lambda: selector_state(page)["selected"] == "claim1")
    page.keyboard.press("l")
    wait_until(lambda: selector_state(page)["mode"] == "link")
    assert "click a actor span" in page.get_by_test_id("save-status").inner_text()
    browser_helpers.click_phrase(page, LONG, "Kremlin")
    link = page.locator('[data-testid="link"][data-from="claim1"][data-to="kremlin"]')
    link.wait_for(state="attached")  # drawn at once
    wait_idle(page)
    assert stored(page, "claim1")["attributes"] == {"speaker": "kremlin"}
    value = page.get_by_test_id("span-panel").locator('[data-attr="speaker"] [data-testid="attr-value"]')
    assert value.inner_text() == "→ “The Kremlin”"  # the speaker's text, not its id
    # Hovering either end brings the link and both its ends forward.
    browser_helpers.click_phrase(page, LONG, "Paragraph 3:")  # select nothing
    page.locator('[data-span-id="kremlin"]').first.hover()
    wait_until(lambda: "nsp-link-hot" in (link.get_attribute("class") or ""))
    assert "nsp-link-end" in (page.locator('[data-span-id="claim1"]').first.get_attribute("class") or "")
    # The same by keyboard alone: l, Tab to the actor, Enter; and Esc leaves link mode without a change.
    browser_helpers.click_phrase(page, LONG, "military")
    page.keyboard.press("l")
    page.keyboard.press("Escape")
    wait_until(lambda: selector_state(page)["mode"] == "select")
    page.keyboard.press("e")  # the editor opens on the first attribute still missing: attribution
    page.keyboard.press("ArrowUp")
    page.keyboard.press("1")  # speaker: author
    page.keyboard.press("Enter")
    wait_idle(page)
    assert stored(page, "claim1")["attributes"]["speaker"] == "author"
    wait_until(lambda: link.count() == 0)
    page.keyboard.press("l")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    wait_idle(page)
    assert stored(page, "claim1")["attributes"]["speaker"] == "kremlin"
    link.wait_for(state="attached")
