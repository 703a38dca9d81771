"""The span selector: a Streamlit Components v2 widget for marking character spans in a text.

``span_selector(text, spans, labels, key=...)`` draws the text with its spans (and optional suggestions),
a label bar, and returns the one event the user triggered in this run, already converted to Python code
point offsets and checked for shape, or ``None``. The caller (the store) validates again before saving.

Events (``action`` first):

- ``{"action": "create", "start": int, "end": int, "label": str}``: the selection, snapped to exclude
  surrounding whitespace, labelled by hotkey or label button.
- ``{"action": "select", "id": str | None}``: a span or suggestion was clicked (``None``: clicked off).
- ``{"action": "delete", "id": str}``: Delete/Backspace on the selected span.
- ``{"action": "undo"}`` (Ctrl/Cmd+Z), ``{"action": "done"}`` (Enter).
- ``{"action": "accept" | "reject", "id": str}``: the selected suggestion, keys ``y`` / ``x``.

The browser works in UTF-16 code units; every conversion goes through :mod:`corpus.offsets`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

from corpus.offsets import OffsetError, codepoints_to_utf16, snap_span, utf16_to_codepoints

__all__ = ["ACCEPT_KEY", "COMPONENT_NAME", "REJECT_KEY", "parse_event", "render_payload", "span_selector"]

_LOG = logging.getLogger(__name__)
_HERE = Path(__file__).resolve().parent

COMPONENT_NAME = "newsspan_span_selector"
ACCEPT_KEY = "y"
REJECT_KEY = "x"
_ACTIONS = frozenset({"create", "select", "delete", "undo", "done", "accept", "reject"})
_READ_ONLY_ACTIONS = frozenset({"select", "done"})


@cache
def _component() -> Callable[..., Any]:
    """Declare the component once per process, from the files next to this module (inline, no build)."""
    return st.components.v2.component(
        COMPONENT_NAME,
        css=(_HERE / "component.css").read_text(encoding="utf-8"),
        js=(_HERE / "component.js").read_text(encoding="utf-8"),
        isolate_styles=True,
    )


@dataclass(frozen=True)
class _View:
    """What the browser was shown, to check and convert the events it sends back."""

    text: str
    rev: str
    span_ids: frozenset[str]
    suggestion_ids: frozenset[str]
    label_names: frozenset[str]
    read_only: bool


def _rev(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _items(text: str, items: Iterable[Mapping[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Spans or suggestions for the browser, with UTF-16 offsets ``s``/``e`` beside code point ones."""
    good: list[Mapping[str, Any]] = []
    for item in items:
        start, end = item.get("start"), item.get("end")
        ok = (
            isinstance(start, int)
            and isinstance(end, int)
            and not isinstance(start, bool)
            and not isinstance(end, bool)
            and 0 <= start < end <= len(text)
            and item.get("id") is not None
        )
        if ok:
            good.append(item)
        else:
            _LOG.warning("span selector: %s %r does not fit the text; not drawn", kind, item.get("id"))
    flat = codepoints_to_utf16(text, [o for item in good for o in (item["start"], item["end"])])
    return [
        {
            "id": str(item["id"]),
            "start": item["start"],
            "end": item["end"],
            "s": flat[2 * i],
            "e": flat[2 * i + 1],
            "label": str(item.get("label", "")),
        }
        for i, item in enumerate(good)
    ]


def render_payload(
    text: str,
    spans: Sequence[Mapping[str, Any]],
    labels: Sequence[Mapping[str, Any]],
    *,
    selected_id: str | None = None,
    suggestions: Iterable[Mapping[str, Any]] = (),
    read_only: bool = False,
) -> tuple[dict[str, Any], _View]:
    """The ``data`` sent to the browser, and the view used to check what comes back."""
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    label_list = [
        {
            "name": str(lab["name"]),
            "color": str(lab.get("color") or "#888888"),
            "hotkeys": [str(h) for h in (lab.get("hotkeys") or [])],
        }
        for lab in labels
    ]
    span_items = _items(text, spans, "span")
    sugg_items = _items(text, suggestions, "suggestion")
    rev = _rev(text)
    data = {
        "text": text,
        "rev": rev,
        "spans": span_items,
        "suggestions": sugg_items,
        "labels": label_list,
        "selected_id": None if selected_id is None else str(selected_id),
        "read_only": bool(read_only),
        "keys": {"accept": ACCEPT_KEY, "reject": REJECT_KEY},
    }
    view = _View(
        text=text,
        rev=rev,
        span_ids=frozenset(s["id"] for s in span_items),
        suggestion_ids=frozenset(s["id"] for s in sugg_items),
        label_names=frozenset(lab["name"] for lab in label_list),
        read_only=bool(read_only),
    )
    return data, view


def _refuse(raw: object, why: str) -> None:
    _LOG.warning("span selector: refused event %r: %s", raw, why)


def parse_event(raw: object, view: _View) -> dict[str, Any] | None:
    """Check an event from the browser against what it was shown; return it in code points, or None."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        return _refuse(raw, "not an object")
    action = raw.get("action")
    if action not in _ACTIONS:
        return _refuse(raw, "unknown action")
    if raw.get("rev") != view.rev:
        return _refuse(raw, "sent for another text")
    if view.read_only and action not in _READ_ONLY_ACTIONS:
        return _refuse(raw, "the view is read-only")
    if action in ("undo", "done"):
        return {"action": action}
    if action == "create":
        return _parse_create(raw, view)
    return _parse_id_event(raw, view, action)


def _parse_create(raw: dict[str, Any], view: _View) -> dict[str, Any] | None:
    """A new span: a known label over a selection given in UTF-16 units, snapped to non-space text."""
    label = raw.get("label")
    if not isinstance(label, str) or label not in view.label_names:
        return _refuse(raw, "unknown label")
    try:
        start, end = utf16_to_codepoints(view.text, [raw.get("start16"), raw.get("end16")])
        snapped = snap_span(view.text, start, end)
    except OffsetError as exc:
        return _refuse(raw, str(exc))
    if snapped is None:
        return _refuse(raw, "only whitespace selected")
    return {"action": "create", "start": snapped[0], "end": snapped[1], "label": label}


def _parse_id_event(raw: dict[str, Any], view: _View, action: str) -> dict[str, Any] | None:
    """select / delete / accept / reject: the id must be one the browser was shown."""
    ident = raw.get("id")
    if action == "select":
        if ident is None or (isinstance(ident, str) and ident in view.span_ids | view.suggestion_ids):
            return {"action": "select", "id": ident}
        return _refuse(raw, "unknown id")
    known = view.span_ids if action == "delete" else view.suggestion_ids
    if not isinstance(ident, str) or ident not in known:
        return _refuse(raw, "unknown id")
    return {"action": action, "id": ident}


def span_selector(
    text: str,
    spans: Sequence[Mapping[str, Any]],
    labels: Sequence[Mapping[str, Any]],
    *,
    key: str,
    selected_id: str | None = None,
    suggestions: Iterable[Mapping[str, Any]] = (),
    read_only: bool = False,
    on_event: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any] | None:
    """Draw ``text`` with ``spans`` and a label bar; return the event the user triggered, or None.

    ``spans`` and ``suggestions`` are ``{id, start, end, label, ...}`` in Python code points; ``labels``
    are ``{name, color, hotkeys}``. ``key`` must be stable across reruns.

    With ``on_event``, the event is handed to that callback *before* the script reruns (one script run
    per user action, so the new span is drawn by that same run) and the function returns None. Without it,
    the event is returned and the caller must ``st.rerun()`` after changing the spans to see them drawn.
    """
    data, view = render_payload(
        text, spans, labels, selected_id=selected_id, suggestions=suggestions, read_only=read_only
    )

    def _on_change() -> None:
        if on_event is None:
            return
        state = st.session_state.get(key)
        raw = state.get("event") if isinstance(state, Mapping) else None
        event = parse_event(raw, view)
        if event is not None:
            on_event(event)

    result = _component()(key=key, data=data, on_event_change=_on_change)
    if on_event is not None:
        return None
    return parse_event(result.get("event"), view)
