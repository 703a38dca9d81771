"""The span selector in real headless Chromium, through the demo app tests/apps/span_demo.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import browser_helpers
from tests.browser_fixtures import StreamlitServer, shadow_js
from tests.browser_helpers import wait_until

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
def demo_url(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One demo server for the module; every test opens its own page, so its own session and state."""
    folder = tmp_path_factory.mktemp("span-demo")
    (folder / "text.txt").write_text(TEXT, encoding="utf-8")
    (folder / "spans.json").write_text(json.dumps([OUTER, INNER, CROSS]), encoding="utf-8")
    (folder / "suggestions.json").write_text(json.dumps([SUGGESTION]), encoding="utf-8")
    (folder / "labels.json").write_text(json.dumps(LABELS), encoding="utf-8")
    env = {
        "SPAN_DEMO_TEXT_FILE": str(folder / "text.txt"),
        "SPAN_DEMO_SPANS_FILE": str(folder / "spans.json"),
        "SPAN_DEMO_SUGGESTIONS_FILE": str(folder / "suggestions.json"),
        "SPAN_DEMO_LABELS_FILE": str(folder / "labels.json"),
    }
    server = StreamlitServer(DEMO, env=env, log_dir=folder)
    try:
        yield server.wait_healthy()
    finally:
        server.stop()
        print(server.logs())


@pytest.fixture
def demo(page, demo_url: str):
    page.goto(demo_url)
    page.get_by_test_id("span-text").wait_for(state="visible")
    page.get_by_test_id("stored-spans").wait_for(state="attached")
    return page


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


def test_returned_events_with_rerun_through_the_app_factory(streamlit_app, page, tmp_path: Path) -> None:
    """The other way to use the component (returned event + st.rerun), on a server from the factory."""
    (tmp_path / "text.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "labels.json").write_text(json.dumps(LABELS), encoding="utf-8")
    url = streamlit_app(
        DEMO,
        env={
            "SPAN_DEMO_MODE": "return",
            "SPAN_DEMO_TEXT_FILE": str(tmp_path / "text.txt"),
            "SPAN_DEMO_LABELS_FILE": str(tmp_path / "labels.json"),
        },
    )
    page.goto(url)
    page.get_by_test_id("span-text").wait_for()
    drag_select(page, "the council 👩‍👩‍👧 voted")
    page.keyboard.press("2")
    span = new_span(page, before=0)
    assert span["span_text"] == "the council 👩‍👩‍👧 voted"
    assert TEXT[span["start"] : span["end"]] == span["span_text"]
    page.locator(f'[data-span-id="{span["id"]}"]').first.wait_for()
