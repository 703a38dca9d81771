"""Annotate: the annotator's queue, the document with its spans, the label bar, attributes and links.

The span component draws every change at once and sends it here (``_handle``); attributes are edited in the
component's panel beside the selected span (``e``, number keys, Enter), links drawn with ``l`` and a click;
Shift+A labels every other occurrence of the selected span's text (each an ordinary create). A
refused change comes back as an error on its span, rolled back. Messages are toasts: nothing above the text
moves it while the annotator selects.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from corpus.documents import display_title
from corpus.errors import NewsspanError
from corpus.scheme import guidelines_section
from corpus.suggest.propagation import other_occurrences
from workbench import auth
from workbench.learning import retrain_if_due
from workbench.queue_list import document_list
from workbench.resources import job_runner, labelset, registry, store
from workbench.span_component import label_specs, span_selector
from workbench.store.queue import SORTS
from workbench.text import escape_markdown

_DOC = "annotate_doc"
_SELECTED = "annotate_selected"
_FLASH = "annotate_flash"
_FULL_RERUN = "annotate_full_rerun"


def _flash(kind: str, message: str) -> None:
    st.session_state[_FLASH] = (kind, message)


def _handle(event: dict[str, Any], *, user, document: dict[str, Any]) -> Any:
    """Apply one span-component change to the store and return what the store saved (the component drew the
    change already and needs the saved id and version). A ``NewsspanError`` is shown on the span, rolled back.
    Runs as a widget callback, before ``gate()``: the session is checked again first."""
    if auth.still_logged_in() is None:
        raise NewsspanError("your session has ended: log in again (this change was not saved)")
    s = store()
    doc_id = document["doc_id"]
    action = event["action"]
    if action == "create":
        record = {k: event[k] for k in ("start", "end", "label")}
        return s.save_annotation(
            user, {**record, "doc_id": doc_id, "attributes": event.get("attributes", {})}
        )
    if action == "update":
        record = {k: event[k] for k in ("id", "start", "end", "label", "attributes")}
        return s.save_annotation(user, {**record, "doc_id": doc_id}, expected_version=event["version"])
    if action == "delete":
        return s.delete_annotation(user, event["id"], event["version"])
    if action == "undo":
        return s.undo_last(user, doc_id)
    if action in ("accept", "reject"):
        st.session_state[_FULL_RERUN] = True  # the side column's suggestion buttons change too
        return s.decide_suggestion(user, event["id"], action)
    if action == "done":
        _mark_done(user, document)
        st.session_state[_FULL_RERUN] = True  # the next document, the queue
    return None


def _mark_done(user, document: dict[str, Any]) -> None:
    """Mark the document done; the store refuses while spans miss required attributes (``IncompleteSpans``:
    the component shows its message and selects the first such span, its panel saying what is missing)."""
    store().set_document_status(user, document["doc_id"], "done")
    retrain_if_due(store(), job_runner())  # the project may retrain the span model every N done documents
    following = store().next_open_document(user, after=document["doc_id"])
    st.session_state[_DOC] = following or document["doc_id"]
    st.session_state[_SELECTED] = None
    _flash("success", "Document marked done." + ("" if following else " Your queue is finished."))


def _open(doc_id: str) -> None:
    st.session_state[_DOC] = doc_id
    st.session_state[_SELECTED] = None


def _queue_sidebar(user) -> str | None:
    """The queue, a page at a time (``workbench.queue_list``: search, filters, sort, paging in the store); the
    current document stays in the session. Nothing here grows with the size of the queue."""
    s = store()
    current = st.session_state.get(_DOC)
    if not s.in_queue(user, current):  # first visit, or reassigned away meanwhile
        first = s.queue_page(user, limit=1).items
        current = s.next_open_document(user) or (first[0]["doc_id"] if first else None)
        if current is None:
            return None
        _open(current)
    with st.sidebar:
        st.caption("Your queue")
        progress = st.empty()
        page = document_list(
            key="queue",
            current=current,
            fetch=lambda query, offset, limit: s.queue_page(user, query, offset=offset, limit=limit),
            locate=lambda doc_id, query: s.queue_offset(user, doc_id, query),
            on_open=_open,
            statuses={"All": None, "Open": "open", "Not started": "not_started", "In progress": "in_progress",
                      "Done": "done"},
            sorts=SORTS,
            labels=labelset().names,
        )  # fmt: skip
        done, total = page.counts.get("done", 0), sum(page.counts.values())
        progress.progress(done / total if total else 0.0, text=f"{done} of {total} documents done")
        following = s.next_open_document(user, after=current)
        st.button(
            "Next open document",
            key="queue-next-open",
            disabled=following in (None, current),
            on_click=_open,
            args=(following,),
        )
    return st.session_state[_DOC]


def _suggestion_panel(user, selected: dict[str, Any] | None, suggestions: list[dict[str, Any]]) -> None:
    """The selected suggestion (accept with y, reject with x) and accept-all per label."""
    if selected is not None:
        by, label = escape_markdown(selected.get("suggested_by")), escape_markdown(selected["label"])
        st.markdown(f"Suggestion by {by}: **{label}**")
        st.caption(escape_markdown(f"“{selected['span_text'][:200]}” · {selected.get('attributes') or {}}"))
        accept, reject = st.columns(2)
        if accept.button("Accept (y)", type="primary", key=f"accept-{selected['id']}"):
            _apply_decisions(user, [selected["id"]], "accept")
        if reject.button("Reject (x)", key=f"reject-{selected['id']}"):
            _apply_decisions(user, [selected["id"]], "reject")
    by_label: dict[str, list[str]] = {}
    for suggestion in suggestions:
        by_label.setdefault(suggestion["label"], []).append(suggestion["id"])
    for label, ids in by_label.items():
        if st.button(
            f"Accept all {len(ids)} {escape_markdown(label)} suggestions", key=f"accept-all-{label}"
        ):
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


@st.fragment
def _document_view(user, doc_id: str) -> None:
    """The document with its spans. A change made in the span component reruns only this fragment, not the
    queue or the side column: the round trip that confirms a save is this fragment's run (a change that touches
    the rest of the page, marking done or deciding a suggestion, asks for the whole page after it)."""
    if auth.still_logged_in() is None:  # a fragment's run does not pass app.py's gate: check here
        st.rerun(scope="app")
    s = store()
    document = s.document(user, doc_id)
    spans = s.annotations(user, doc_id)
    st.subheader(escape_markdown(display_title(document)))
    meta = " · ".join(str(document[k]) for k in ("source", "published") if document.get(k))
    st.caption(
        escape_markdown(
            f"{meta + ' · ' if meta else ''}{len(spans)} spans · select text, then press a label key"
        )
    )
    # Where each span's text occurs again without that label (propagation's matching rule): Shift+A labels them.
    others = other_occurrences(document["text"], spans)
    span_selector(
        document["text"],
        [{**span, "others": others.get(span["id"], [])} for span in spans],
        label_specs(labelset()),
        key=f"spans-{doc_id}",
        suggestions=s.suggestions(user, doc_id),
        on_event=lambda event: _handle(event, user=user, document=document),
        notify_select=False,  # the panel beside the span is the component's own: no rerun per click
        entities=[(i, e.get("name", i)) for i, e in registry().entities.items()],
    )
    if st.session_state.pop(_FULL_RERUN, False):
        st.rerun(scope="app")


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
    if flash := st.session_state.pop(_FLASH, None):
        st.toast(escape_markdown(flash[1]))  # floats: never moves the text
    suggestions = store().suggestions(user, doc_id)
    text_column, side_column = st.columns([4, 1], gap="medium")  # the attribute panel is beside the text
    with text_column:
        _document_view(user, doc_id)
    with side_column:
        if suggestions:
            _suggestion_panel(user, None, suggestions)
        st.caption(
            "Select text and press a label key. Click a span or Tab to it: e edits its attributes beside it "
            "(number keys choose, Enter saves), l links a claim to its speaker, Shift+A labels all other "
            "occurrences of its text, Delete removes it, Ctrl+Z undoes, Enter marks the document done."
        )
        with st.expander("Guidelines"):
            # One element, the same on every run: Streamlit sends it once and then by reference.
            st.markdown("\n\n".join(guidelines_section(name) for name in labelset().names))


main()
