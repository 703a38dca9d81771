"""The attribute form of a span, built from its label's attributes in the label set.

Each attribute's JSON Schema (and its ``x-widget`` hint) picks the widget: enums as select boxes, booleans as
toggles, numbers as number inputs, the actor ``entity_id`` as a searchable multiselect over the registry, a
link such as the claim ``speaker`` as a choice among the document's spans of the linked label. Nothing here
names a label or an attribute.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from corpus.scheme import ActorRegistry, Label
from workbench.text import escape_markdown

_UNSET = "—"


def _span_choice_label(span: dict[str, Any]) -> str:
    return f"“{span['span_text'][:40]}” @{span['start']}"


def attribute_inputs(
    label: Label,
    attributes: dict[str, Any],
    *,
    spans: list[dict[str, Any]],
    registry: ActorRegistry,
    key: str,
) -> dict[str, Any]:
    """Draw one input per attribute of ``label``; return the attributes as entered (unset ones left out)."""
    values: dict[str, Any] = {}
    for name, spec in label.attributes.items():
        # Label-set text in a widget label or tooltip is Markdown to Streamlit: escaped (options are plain text).
        title = escape_markdown(spec.get("title", name)) + (" \\*" if name in label.required else "")
        help_text = escape_markdown(spec["description"]) if spec.get("description") else None
        current = attributes.get(name)
        widget_key = f"{key}-{name}"
        widget = spec.get("x-widget")
        if "enum" in spec:
            options = [_UNSET, *spec["enum"]]
            chosen = st.selectbox(
                title, options, index=options.index(current) if current in options else 0,
                help=help_text, key=widget_key,
            )  # fmt: skip
            if chosen != _UNSET:
                values[name] = chosen
        elif spec.get("type") == "boolean":
            values[name] = st.toggle(title, value=bool(current), help=help_text, key=widget_key)
        elif spec.get("type") in ("number", "integer"):
            number = st.number_input(title, value=current, help=help_text, key=widget_key, format="%g")
            if number is not None:
                values[name] = int(number) if spec.get("type") == "integer" else number
        elif widget == "entity" or "x-registry" in spec:
            ids = sorted(registry.entities)
            chosen = st.multiselect(
                title, ids, default=[i for i in (current or []) if i in registry.entities],
                format_func=lambda i: f"{registry.get(i).get('name', i)} ({i})", help=help_text, key=widget_key,
            )  # fmt: skip
            if chosen:
                values[name] = chosen
        elif "x-link" in spec:
            link = spec["x-link"]
            targets = {s["id"]: s for s in spans if s["label"] == link.get("label")}
            options = [_UNSET, *link.get("literals", []), *targets]
            chosen = st.selectbox(
                title, options, index=options.index(current) if current in options else 0,
                format_func=lambda o, targets=targets: _span_choice_label(targets[o]) if o in targets else o,
                help=help_text, key=widget_key,
            )  # fmt: skip
            if chosen != _UNSET:
                values[name] = chosen
        else:
            text = st.text_input(title, value=current or "", help=help_text, key=widget_key)
            if text.strip():
                values[name] = text.strip()
    return values
