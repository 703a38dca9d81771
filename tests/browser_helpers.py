"""Helpers for driving the workbench in Chromium: log in, read a metric, find a phrase's box, select it by mouse
or by JS."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.browser_fixtures import shadow_js

# A Range over the text box's text nodes for UTF-16 offsets [s, e) of the whole text: select it, or return
# the boxes of its first and last line (for a real mouse drag).
RANGE_JS = (
    """
([s, e, select]) => {
  const find = """
    + shadow_js
    + """;
  const box = find('[data-testid="span-text"]');
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let total = 0;
  while (walker.nextNode()) { nodes.push([walker.currentNode, total]); total += walker.currentNode.data.length; }
  const at = (off) => {
    for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i][1] <= off) return [nodes[i][0], off - nodes[i][1]];
  };
  const [a, ao] = at(s);
  const [b, bo] = at(e);
  if (select) {
    document.getSelection().setBaseAndExtent(a, ao, b, bo);
    return null;
  }
  const range = document.createRange();
  range.setStart(a, ao);
  range.setEnd(b, bo);
  // Off screen, a mouse cannot reach it: bring it to the middle first (as a user would scroll to it).
  const box0 = range.getBoundingClientRect();
  if (box0.top < 60 || box0.bottom > window.innerHeight - 20) {
    const main = find('[data-testid="stMain"]') || document.scrollingElement;
    main.scrollTop += box0.top - window.innerHeight / 2;
  }
  const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
  const first = rects[0];
  const last = rects[rects.length - 1];
  return {x0: first.left, y0: first.top + first.height / 2, x1: last.right, y1: last.top + last.height / 2,
          cx: (first.left + first.right) / 2};
}
"""
)


def utf16_range(text: str, phrase: str, occurrence: int = 0) -> tuple[int, int]:
    """UTF-16 offsets of a phrase (what the browser counts), computed independently of the app."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    before = len(text[:start].encode("utf-16-le")) // 2
    return before, before + len(phrase.encode("utf-16-le")) // 2


def phrase_box(page, text: str, phrase: str, occurrence: int = 0) -> dict:
    s, e = utf16_range(text, phrase, occurrence)
    return page.evaluate(RANGE_JS, [s, e, False])


def select_by_js(page, text: str, phrase: str, occurrence: int = 0) -> None:
    s, e = utf16_range(text, phrase, occurrence)
    page.evaluate(RANGE_JS, [s, e, True])


def drag_select(page, text: str, phrase: str, occurrence: int = 0) -> None:
    """Select a phrase with a real mouse drag (press, move in steps, release)."""
    box = phrase_box(page, text, phrase, occurrence)
    page.mouse.move(box["x0"] + 1, box["y0"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, box["y1"], steps=4)
    page.mouse.move(box["x1"] - 1, box["y1"], steps=4)
    page.mouse.up()


def click_phrase(page, text: str, phrase: str, occurrence: int = 0) -> None:
    box = phrase_box(page, text, phrase, occurrence)
    page.mouse.click(box["cx"], box["y0"])


def wait_until(check: Callable[[], object], timeout: float = 15.0) -> object:
    """Poll ``check`` until it returns something truthy (exceptions count as not yet)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except Exception:  # the element may be re-rendered in between
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met in {timeout} s")
        time.sleep(0.05)


def log_in(page, url: str, name: str, password: str) -> None:
    """Open the workbench and log in through its form."""
    page.goto(url)
    page.get_by_label("User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def metric_value(page, label: str) -> str:
    """The value a Streamlit ``st.metric`` with this label shows, once it is on the page."""
    metric = page.get_by_test_id("stMetric").filter(has_text=label)
    metric.wait_for()
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


# --- the span selector's own readiness signals -------------------------------------------------------------


def selector_state(page) -> dict:
    """The span selector's readiness attributes: ``ready``, ``rev`` (server revision drawn), ``pending``
    (changes drawn but not yet confirmed by the server), ``mode`` (select, edit, link), ``selected``."""
    root = page.get_by_test_id("span-selector")
    values = root.evaluate(
        "(r) => ({ready: r.dataset.ready, rev: r.dataset.rev, pending: r.dataset.pending,"
        " mode: r.dataset.mode, selected: r.dataset.selected})"
    )
    return values


def wait_idle(page, timeout: float = 15.0) -> dict:
    """Wait until the span selector has drawn the server's spans and every change it drew is confirmed (saved
    or refused and rolled back): the moment to act again without racing a rerun."""
    return wait_until(
        lambda: (s := selector_state(page))["ready"] == "true" and s["pending"] == "0" and s, timeout
    )


SCROLL_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return [window.scrollY, main ? main.scrollTop : 0, document.scrollingElement.scrollTop];
}"""


def scroll_positions(page) -> list[float]:
    """Where the page is scrolled: the window, Streamlit's main section (what scrolls in Streamlit), the document."""
    return page.evaluate(SCROLL_JS)
