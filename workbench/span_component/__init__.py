"""The span selector: a Streamlit Components v2 widget for marking character spans in a text.

``span_selector(text, spans, labels, key=..., on_event=...)`` draws the text with its spans (and optional
suggestions), a label bar, the links between spans, and a panel beside the selected span where its
attributes are edited by keyboard. Every change is drawn in the browser at once (before the server answers),
then sent; the page's ``on_event`` saves it and its result (or its error: the change is then rolled back and
the error shown on the span) goes back to the browser. The browser keeps what it was sent, so a rerun sends
only the spans that changed (:mod:`workbench.span_component.protocol`).

Events handed to ``on_event`` (``action`` first, offsets in Python code points, ids real):

- ``{"action": "create", "start", "end", "label"[, "attributes"]}``: a selection labelled by hotkey or label
  button, snapped to exclude surrounding whitespace. Return the saved record (with ``id`` and ``version``);
  return None when the page keeps it elsewhere (the drawn span then goes away quietly).
- ``{"action": "update", "id", "version", "start", "end", "label", "attributes"}``: the attribute editor
  (``e``, enums by number keys, Enter saves) or a link drawn with ``l`` and a click. ``version`` is the one
  the browser saw: pass it as the store's expected version. Return the saved record.
- ``{"action": "delete", "id", "version"}``: Delete/Backspace on the selected span.
- ``{"action": "undo"}`` (Ctrl/Cmd+Z): return the record as it is after the undo, or None (nothing to undo).
- ``{"action": "accept" | "reject", "id"}``: the selected suggestion, keys ``y`` / ``x``; return the record.
- ``{"action": "done"}`` (Enter); ``{"action": "select", "id"}`` when ``notify_select`` is set.

Raise a ``NewsspanError`` to refuse: its message is shown on the span (an error with a ``first_id`` selects
that span). Readiness for tests and tools: the component's root (``data-testid="span-selector"``) carries
``data-ready``, ``data-rev`` (the server revision drawn) and ``data-pending`` (changes not yet confirmed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

from corpus.errors import NewsspanError
from workbench.span_component.protocol import (
    ACCEPT_KEY,
    REJECT_KEY,
    Sync,
    View,
    handle_batch,
    label_specs,
    parse_event,
    parse_op,
    render_payload,
)

__all__ = [
    "ACCEPT_KEY",
    "CHANNEL_NAME",
    "COMPONENT_NAME",
    "REJECT_KEY",
    "Sync",
    "View",
    "label_specs",
    "parse_event",
    "parse_op",
    "render_payload",
    "span_selector",
]

_HERE = Path(__file__).resolve().parent

COMPONENT_NAME = "newsspan_span_selector"
CHANNEL_NAME = "newsspan_span_sync"


@cache
def _component() -> Callable[..., Any]:
    """Declare the component once per process, from the files next to this module (inline, no build)."""
    return st.components.v2.component(
        COMPONENT_NAME,
        css=(_HERE / "component.css").read_text(encoding="utf-8"),
        js=(_HERE / "component.js").read_text(encoding="utf-8"),
        isolate_styles=True,
    )


@cache
def _channel() -> Callable[..., Any]:
    """The sync channel: a tiny component whose only job is to hand its data to the span selector of the same
    key. It carries what changes on a rerun, so the selector's own message (script, styles, text) stays the same
    and Streamlit sends it by reference."""
    return st.components.v2.component(
        CHANNEL_NAME,
        js=(_HERE / "channel.js").read_text(encoding="utf-8"),
        isolate_styles=True,
    )


def _sync(key: str) -> Sync:
    name = f"_newsspan_sync-{key}"
    sync = st.session_state.get(name)
    if not isinstance(sync, Sync):
        sync = Sync()
        st.session_state[name] = sync
    return sync


def _refuse_all(event: dict[str, Any]) -> None:
    raise NewsspanError("this view does not save changes")


def span_selector(
    text: str,
    spans: Sequence[Mapping[str, Any]],
    labels: Sequence[Mapping[str, Any]],
    *,
    key: str,
    selected_id: str | None = None,
    suggestions: Iterable[Mapping[str, Any]] = (),
    read_only: bool = False,
    on_event: Callable[[dict[str, Any]], Any] | None = None,
    notify_select: bool = True,
    entities: Sequence[Sequence[str]] = (),
) -> None:
    """Draw ``text`` with ``spans``, a label bar, links and the attribute panel; apply edits via ``on_event``.

    ``spans`` and ``suggestions`` are ``{id, start, end, label}`` in Python code points, with optional
    ``version``, ``attributes``, ``by`` and ``aliases``; ``labels`` are ``{name, color, hotkeys}``, with the
    attribute specs of :func:`label_specs` to edit attributes and draw links. ``key`` must be stable across
    reruns and differ between documents. ``selected_id`` selects a span when it changes (the browser otherwise
    keeps its own selection); ``entities`` are ``(id, name)`` pairs for attributes that name registry entities.

    ``on_event`` runs before the script reruns (one script run per batch of browser changes), so the page
    drawn by that run already shows the result. Returns None.
    """
    data, view = render_payload(
        text,
        spans,
        labels,
        suggestions=suggestions,
        read_only=read_only,
        notify_select=notify_select,
        entities=entities,
        key=key,
    )
    sync = _sync(key)
    handler = on_event or _refuse_all

    def _on_change() -> None:
        state = st.session_state.get(key)
        raw = state.get("event") if isinstance(state, Mapping) else None
        if raw is not None:
            handle_batch(raw, view, sync, handler)

    with st.container(gap=None):
        _component()(key=key, data=data, on_event_change=_on_change)
        _channel()(key=f"{key}-sync", data=sync.channel_data(key, view.items, selected_id))
