"""Annotate: the annotator's queue, the document with its spans, the label bar and the attribute form."""

from __future__ import annotations

from typing import Any

import streamlit as st

from corpus.errors import NewsspanError
from corpus.scheme import guidelines_section, missing_attributes
from workbench import auth
from workbench.attribute_form import attribute_inputs
from workbench.resources import label_bar, labelset, registry, store
from workbench.span_component import span_selector
from workbench.store import IncompleteSpans

_DOC = "annotate_doc"
_SELECTED = "annotate_selected"
_FLASH = "annotate_flash"
_STATUS_ICON = {"not_started": "○", "in_progress": "◐", "done": "●"}


def _flash(kind: str, message: str) -> None:
    st.session_state[_FLASH] = (kind, message)


def _handle(event: dict[str, Any], *, user, document: dict[str, Any], spans: list[dict[str, Any]]) -> None:
    """Apply one span-component event to the store (runs before the rerun, so the page shows the result)."""
    s = store()
    by_id = {span["id"]: span for span in spans}
    action = event["action"]
    try:
        if action == "create":
            saved = s.save_annotation(
                user,
                {
                    "doc_id": document["doc_id"],
                    "start": event["start"],
                    "end": event["end"],
                    "label": event["label"],
                    "attributes": {},
                },
            )
            st.session_state[_SELECTED] = saved["id"]
        elif action == "select":
            st.session_state[_SELECTED] = event["id"]
        elif action == "delete" and event["id"] in by_id:
            s.delete_annotation(user, event["id"], by_id[event["id"]]["version"])
            st.session_state[_SELECTED] = None
        elif action == "undo":
            undone = s.undo_last(user, document["doc_id"])
            if undone is None:
                _flash("info", "Nothing to undo.")
            else:
                st.session_state[_SELECTED] = None if undone.get("deleted") else undone["id"]
        elif action in ("accept", "reject"):
            decided = s.decide_suggestion(user, event["id"], action)
            st.session_state[_SELECTED] = decided["id"] if decided else None
        elif action == "done":
            _mark_done(user, document)
    except NewsspanError as error:
        _flash("error", error.message)


def _mark_done(user, document: dict[str, Any]) -> None:
    """Mark the document done; the store refuses while spans miss required attributes (its message is shown,
    and the first such span is selected so its attribute form opens)."""
    try:
        store().set_document_status(user, document["doc_id"], "done")
    except IncompleteSpans as error:
        _flash("warning", error.message)
        st.session_state[_SELECTED] = error.first_id
        return
    queue = store().queue(user)
    following = [item["doc_id"] for item in queue if item["status"] != "done"]
    st.session_state[_DOC] = following[0] if following else document["doc_id"]
    st.session_state[_SELECTED] = None
    _flash("success", "Document marked done." + ("" if following else " Your queue is finished."))


def _queue_sidebar(user) -> str | None:
    queue = store().queue(user)
    if not queue:
        return None
    ids = [item["doc_id"] for item in queue]
    if st.session_state.get(_DOC) not in ids:
        open_items = [item["doc_id"] for item in queue if item["status"] != "done"]
        st.session_state[_DOC] = open_items[0] if open_items else ids[0]
    items = {item["doc_id"]: item for item in queue}
    done = sum(item["status"] == "done" for item in queue)
    current = st.session_state[_DOC]
    with st.sidebar:
        st.progress(done / len(queue), text=f"{done} of {len(queue)} documents done")
        # Status and counts are part of the option labels, and Streamlit treats changed labels as a new widget
        # (back to its default): so the default is always the current document, and the key follows it.
        choice = st.radio(
            "Your queue",
            ids,
            index=ids.index(current),
            key=f"queue-{current}",
            format_func=lambda d: (
                f"{_STATUS_ICON.get(items[d]['status'], '?')} "
                f"{(items[d]['title'] or items[d]['source_id'] or d)[:48]}"
                f" · {items[d]['annotations']}"
            ),
        )
    if choice != current:
        st.session_state[_DOC] = choice
        st.session_state[_SELECTED] = None
    return st.session_state[_DOC]


def _attribute_panel(user, document: dict[str, Any], spans: list[dict[str, Any]], selected) -> None:
    labels = labelset()
    label = labels.get(selected["label"])
    st.markdown(
        f"<span style='border-bottom:3px solid {label.color}'>**{label.title or label.name}**</span> "
        f"`{selected['start']}–{selected['end']}`",
        unsafe_allow_html=True,
    )
    st.caption(f"“{selected['span_text'][:200]}”")
    if not label.attributes:
        return
    with st.form(f"attributes-{selected['id']}-{selected['version']}", border=False):
        values = attribute_inputs(
            label,
            selected.get("attributes") or {},
            spans=spans,
            registry=registry(),
            key=f"attr-{selected['id']}",
        )
        submitted = st.form_submit_button("Save attributes", type="primary")
    if submitted:
        try:
            record = {
                key: selected[key] for key in ("id", "doc_id", "start", "end", "label") if key in selected
            }
            store().save_annotation(
                user, {**record, "attributes": values}, expected_version=selected["version"]
            )
        except NewsspanError as error:
            st.error(error.message)
        else:
            _flash("success", "Attributes saved.")
            st.rerun()
    missing = missing_attributes(selected)
    if missing:
        st.caption("Still to fill in: " + ", ".join(missing))


def _suggestion_panel(user, selected: dict[str, Any] | None, suggestions: list[dict[str, Any]]) -> None:
    """The selected suggestion (accept with y, reject with x) and accept-all per label."""
    if selected is not None:
        st.markdown(f"Suggestion by `{selected.get('suggested_by')}`: **{selected['label']}**")
        st.caption(f"“{selected['span_text'][:200]}” · {selected.get('attributes') or {}}")
        accept, reject = st.columns(2)
        if accept.button("Accept (y)", type="primary", key=f"accept-{selected['id']}"):
            _apply_decisions(user, [selected["id"]], "accept")
        if reject.button("Reject (x)", key=f"reject-{selected['id']}"):
            _apply_decisions(user, [selected["id"]], "reject")
    by_label: dict[str, list[str]] = {}
    for suggestion in suggestions:
        by_label.setdefault(suggestion["label"], []).append(suggestion["id"])
    for label, ids in by_label.items():
        if st.button(f"Accept all {len(ids)} {label} suggestions", key=f"accept-all-{label}"):
            _apply_decisions(user, ids, "accept")


def _apply_decisions(user, ids: list[str], decision: str) -> None:
    s = store()
    try:
        for suggestion_id in ids:
            s.decide_suggestion(user, suggestion_id, decision)
    except NewsspanError as error:
        _flash("error", error.message)
    else:
        _flash("success", f"{len(ids)} suggestion(s) {decision}ed.")
    st.session_state[_SELECTED] = None
    st.rerun()


def main() -> None:
    user = auth.current_user()
    if user is None:  # app.py shows only the log-in form then; a page never runs without a user
        st.stop()
    doc_id = _queue_sidebar(user)
    if doc_id is None:
        st.info(
            "No documents are assigned to you yet. An admin assigns them with `newsspan assign --overlap N`."
        )
        return
    s = store()
    document = s.document(user, doc_id)
    spans = s.annotations(user, doc_id)
    suggestions = s.suggestions(user, doc_id)
    selected_id = st.session_state.get(_SELECTED)
    selected = next((span for span in spans if span["id"] == selected_id), None)
    selected_suggestion = next((item for item in suggestions if item["id"] == selected_id), None)

    text_column, side_column = st.columns([3, 1], gap="large")
    with text_column:
        st.subheader(document.get("title") or document.get("source_id") or f"Document {doc_id}")
        meta = " · ".join(str(document[k]) for k in ("source", "published") if document.get(k))
        st.caption(f"{meta + ' · ' if meta else ''}{len(spans)} spans · select text, then press a label key")
        if flash := st.session_state.pop(_FLASH, None):
            getattr(st, flash[0])(flash[1])
        span_selector(
            document["text"],
            spans,
            label_bar(labelset()),
            key=f"spans-{doc_id}",
            selected_id=selected_id if (selected or selected_suggestion) else None,
            suggestions=suggestions,
            on_event=lambda event: _handle(event, user=user, document=document, spans=spans),
        )
    with side_column:
        if selected is not None:
            _attribute_panel(user, document, spans, selected)
        elif selected_suggestion is not None or suggestions:
            _suggestion_panel(user, selected_suggestion, suggestions)
        else:
            st.caption(
                "Click a span to edit its attributes. Delete removes it, Ctrl+Z undoes, Enter marks done."
            )
        guide_label = selected["label"] if selected else labelset().names[0]
        with st.expander(f"Guidelines: {guide_label}", expanded=selected is not None):
            section = guidelines_section(guide_label)
            st.markdown(
                section.split("\n", 1)[1] if section.startswith("## ") else section
            )  # heading = title


main()
