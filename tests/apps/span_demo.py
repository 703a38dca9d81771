"""A tiny standalone app around the span selector, for the browser tests and bench/ui_latency.py.

Environment:
- ``SPAN_DEMO_TEXT_FILE``: UTF-8 file with the text (default: a short article with emoji and a script line).
- ``SPAN_DEMO_SPANS_FILE``: JSON list of starting spans ``{id, start, end, label}`` (code points).
- ``SPAN_DEMO_SUGGESTIONS_FILE``: JSON list of suggestions, same shape.
- ``SPAN_DEMO_LABELS_FILE``: JSON list of labels ``{name, color, hotkeys}``; else ``schema/labelset.json``
  when it exists and reads; else the list below (test app only).
- ``SPAN_DEMO_MODE``: ``callback`` (default, events through ``on_event``) or ``return`` (returned event
  plus ``st.rerun()``).

Shows the stored spans as JSON in ``data-testid="stored-spans"``, the last event in ``last-event`` and a
plain ``st.button`` (``ping``) with its count in ``ping-count``, the benchmark's baseline.
"""

from __future__ import annotations

import html
import json
import os
import sys
from pathlib import Path

import streamlit as st

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from workbench.span_component import span_selector  # noqa: E402

DEFAULT_TEXT = (
    "Breaking 🚀 news: the council 👩‍👩‍👧 voted 7–2 on Tuesday.\n"
    '<script>window.__pwned = 1; document.title = "pwned"</script>\n'
    '<img src=x onerror="window.__pwned = 2">\n'
    "**Markdown** stays _literal_ and the mayor said the budget would grow by 4 %.\n"
)

# Used only when neither SPAN_DEMO_LABELS_FILE nor schema/labelset.json gives labels.
FALLBACK_LABELS = [
    {"name": "ACTOR", "color": "#1f77b4", "hotkeys": ["1", "a"]},
    {"name": "CLAIM", "color": "#d62728", "hotkeys": ["2", "c"]},
    {"name": "NUMBER", "color": "#2ca02c", "hotkeys": ["3", "n"]},
    {"name": "FACT", "color": "#9467bd", "hotkeys": ["4", "f"]},
]


def _read_json(var: str) -> object | None:
    path = os.environ.get(var)
    return json.loads(Path(path).read_text(encoding="utf-8")) if path else None


def _labels() -> list[dict]:
    given = _read_json("SPAN_DEMO_LABELS_FILE")
    if given is not None:
        return list(given)
    labelset = REPO_ROOT / "schema" / "labelset.json"
    try:
        raw = json.loads(labelset.read_text(encoding="utf-8"))
        items = raw.get("labels", raw) if isinstance(raw, dict) else raw
        labels = []
        for item in items:
            keys = item.get("hotkeys", item.get("hotkey", []))
            labels.append(
                {
                    "name": item["name"],
                    "color": item.get("color", "#888888"),
                    "hotkeys": [keys] if isinstance(keys, str) else list(keys),
                }
            )
        if labels:
            return labels
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass
    return FALLBACK_LABELS


def _init() -> None:
    ss = st.session_state
    if "spans" in ss:
        return
    text_file = os.environ.get("SPAN_DEMO_TEXT_FILE")
    ss.text = Path(text_file).read_text(encoding="utf-8") if text_file else DEFAULT_TEXT
    ss.spans = list(_read_json("SPAN_DEMO_SPANS_FILE") or [])
    ss.suggestions = list(_read_json("SPAN_DEMO_SUGGESTIONS_FILE") or [])
    ss.labels = _labels()
    ss.history = []
    ss.selected = None
    ss.events = []
    ss.next_id = 1
    ss.pings = 0
    ss.done = False


def _handle(event: dict) -> None:
    ss = st.session_state
    ss.events.append(event)
    action = event["action"]
    if action == "create":
        ss.history.append(list(ss.spans))
        span = dict(event, id=f"n{ss.next_id}", span_text=ss.text[event["start"] : event["end"]])
        del span["action"]
        ss.next_id += 1
        ss.spans = [*ss.spans, span]
        ss.selected = span["id"]
    elif action == "select":
        ss.selected = event["id"]
    elif action == "delete":
        ss.history.append(list(ss.spans))
        ss.spans = [s for s in ss.spans if s["id"] != event["id"]]
        ss.selected = None
    elif action == "undo":
        if ss.history:
            ss.spans = ss.history.pop()
    elif action == "done":
        ss.done = True
    elif action in ("accept", "reject"):
        sugg = next(s for s in ss.suggestions if s["id"] == event["id"])
        ss.suggestions = [s for s in ss.suggestions if s["id"] != event["id"]]
        if action == "accept":
            ss.history.append(list(ss.spans))
            ss.spans = [*ss.spans, dict(sugg, span_text=ss.text[sugg["start"] : sugg["end"]])]


def _ping() -> None:
    st.session_state.pings += 1


def _testid(testid: str, value: object) -> None:
    st.html(f'<pre data-testid="{testid}">{html.escape(json.dumps(value, ensure_ascii=False))}</pre>')


_init()
ss = st.session_state
st.title("Span selector demo")
mode = os.environ.get("SPAN_DEMO_MODE", "callback")
kwargs = dict(key="demo", selected_id=ss.selected, suggestions=ss.suggestions)
if mode == "callback":
    span_selector(ss.text, ss.spans, ss.labels, on_event=_handle, **kwargs)
else:
    event = span_selector(ss.text, ss.spans, ss.labels, **kwargs)
    if event is not None:
        _handle(event)
        st.rerun()

st.button("ping", key="ping", on_click=_ping)
_testid("ping-count", ss.pings)
_testid("last-event", ss.events[-1] if ss.events else None)
_testid("done", ss.done)
_testid("stored-spans", ss.spans)
