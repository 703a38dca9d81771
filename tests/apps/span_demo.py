"""A tiny standalone app around the span selector, for the browser tests and bench/ui_latency.py.

Spans live in session state with a version each, and the handler behaves like the store: a change must name
the version it saw (else it is refused), undo reverses the last change.

Environment:
- ``SPAN_DEMO_TEXT_FILE``: UTF-8 file with the text (default: a short article with emoji and a script line).
- ``SPAN_DEMO_SPANS_FILE``: JSON list of starting spans ``{id, start, end, label[, attributes]}`` (code points).
- ``SPAN_DEMO_SUGGESTIONS_FILE``: JSON list of suggestions, same shape.
- ``SPAN_DEMO_LABELS_FILE``: JSON list of labels ``{name, color, hotkeys[, attributes, required]}``; or
  ``SPAN_DEMO_LABELSET=1``: the project's label set with its attributes and links (``label_specs``); else
  the short list below.
- ``SPAN_DEMO_HOLD_FILE``: while this file exists, every save waits (a slow server, for tests).
- ``SPAN_DEMO_REFUSE_FILE``: while this file exists, every save is refused with its content as the message.
- ``SPAN_DEMO_QUIET=1``: do not print the stored spans (the benchmark's many spans).

Shows the stored spans as JSON in ``data-testid="stored-spans"``, the last event in ``last-event`` and a
plain ``st.button`` (``ping``) with its count in ``ping-count``, the benchmark's baseline.
"""

from __future__ import annotations

import copy
import html
import json
import os
import sys
import time
from pathlib import Path

import streamlit as st

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from corpus.errors import NewsspanError  # noqa: E402
from workbench.span_component import label_specs, span_selector  # noqa: E402

DEFAULT_TEXT = (
    "Breaking 🚀 news: the council 👩‍👩‍👧 voted 7–2 on Tuesday.\n"
    '<script>window.__pwned = 1; document.title = "pwned"</script>\n'
    '<img src=x onerror="window.__pwned = 2">\n'
    "**Markdown** stays _literal_ and the mayor said the budget would grow by 4 %.\n"
)

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
    if os.environ.get("SPAN_DEMO_LABELSET") == "1":
        from corpus.scheme import default_labelset

        return label_specs(default_labelset())
    return FALLBACK_LABELS


def _init() -> None:
    ss = st.session_state
    if "spans" in ss:
        return
    text_file = os.environ.get("SPAN_DEMO_TEXT_FILE")
    ss.text = Path(text_file).read_text(encoding="utf-8") if text_file else DEFAULT_TEXT
    ss.spans = [{"version": 1, "attributes": {}, **s} for s in list(_read_json("SPAN_DEMO_SPANS_FILE") or [])]
    ss.suggestions = list(_read_json("SPAN_DEMO_SUGGESTIONS_FILE") or [])
    ss.labels = _labels()
    ss.history = []
    ss.selected = None
    ss.events = []
    ss.next_id = 1
    ss.pings = 0
    ss.done = False


def _slow_or_refused() -> None:
    hold = os.environ.get("SPAN_DEMO_HOLD_FILE")
    deadline = time.monotonic() + 60
    while hold and Path(hold).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    refuse = os.environ.get("SPAN_DEMO_REFUSE_FILE")
    if refuse and Path(refuse).exists():
        raise NewsspanError(Path(refuse).read_text(encoding="utf-8").strip() or "refused")


def _current(ident: str, version: int | None) -> dict:
    ss = st.session_state
    span = next((s for s in ss.spans if s["id"] == ident), None)
    if span is None:
        raise NewsspanError(f"span {ident} is gone")
    if version != span["version"]:
        raise NewsspanError(f"span {ident} was changed (version {span['version']}, you had {version})")
    return span


def _with_text(span: dict) -> dict:
    ss = st.session_state
    return {**span, "span_text": ss.text[span["start"] : span["end"]]}


def _create(event: dict) -> dict:
    ss = st.session_state
    span = _with_text(
        {
            "id": f"n{ss.next_id}",
            "start": event["start"],
            "end": event["end"],
            "label": event["label"],
            "attributes": event.get("attributes", {}),
            "version": 1,
        }
    )
    ss.next_id += 1
    ss.spans = [*ss.spans, span]
    return span


def _update(event: dict) -> dict:
    ss = st.session_state
    span = _current(event["id"], event["version"])
    new = {**span, "attributes": event["attributes"], "version": span["version"] + 1}
    ss.spans = [new if s["id"] == span["id"] else s for s in ss.spans]
    return new


def _delete(event: dict) -> dict:
    ss = st.session_state
    span = _current(event["id"], event["version"])
    linked = [s["id"] for s in ss.spans if span["id"] in (s.get("attributes") or {}).values()]
    if linked:
        raise NewsspanError(f"{', '.join(linked)} links to it")
    ss.spans = [s for s in ss.spans if s["id"] != span["id"]]
    return {**span, "deleted": True}


def _undo(_event: dict) -> dict | None:
    ss = st.session_state
    if not ss.history:
        return None
    before, touched = ss.history.pop()
    ss.spans = before
    now = next((s for s in before if s["id"] == touched), None)
    return now or {"id": touched, "deleted": True}


def _decide(event: dict) -> dict | None:
    ss = st.session_state
    sugg = next(s for s in ss.suggestions if s["id"] == event["id"])
    ss.suggestions = [s for s in ss.suggestions if s["id"] != event["id"]]
    if event["action"] == "reject":
        return None
    span = _with_text({"attributes": {}, **sugg, "version": 1})
    ss.spans = [*ss.spans, span]
    return span


_MUTATIONS = {"create": _create, "update": _update, "delete": _delete, "accept": _decide, "reject": _decide}


def _handle(event: dict) -> dict | None:
    ss = st.session_state
    ss.events.append(event)
    action = event["action"]
    if action == "select":
        ss.selected = event["id"]
        return None
    if action == "done":
        ss.done = True
        return None
    _slow_or_refused()
    if action == "undo":
        return _undo(event)
    before = copy.deepcopy(ss.spans)
    result = _MUTATIONS[action](event)
    if action != "reject":
        ss.history.append((before, (result or {}).get("id")))
    return result


def _ping() -> None:
    st.session_state.pings += 1


def _testid(testid: str, value: object) -> None:
    st.html(f'<pre data-testid="{testid}">{html.escape(json.dumps(value, ensure_ascii=False))}</pre>')


_init()
ss = st.session_state
st.title("Span selector demo")
span_selector(
    ss.text,
    ss.spans,
    ss.labels,
    key="demo",
    selected_id=ss.selected,
    suggestions=ss.suggestions,
    on_event=_handle,
)
st.button("ping", key="ping", on_click=_ping)
_testid("ping-count", ss.pings)
_testid("last-event", ss.events[-1] if ss.events else None)
_testid("done", ss.done)
_testid("stored-spans", len(ss.spans) if os.environ.get("SPAN_DEMO_QUIET") == "1" else ss.spans)
