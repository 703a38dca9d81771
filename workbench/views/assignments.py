"""Assignments (admins): progress per annotator with charts, assigning documents and reassigning them.

Every rule is the store's (``Store.assign`` with a ``Selection``, ``Store.reassign``, ``Store.progress_summary``);
this page only collects the choices. The same operations are the ``newsspan assign`` / ``reassign`` commands.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from corpus.errors import NewsspanError
from workbench import auth
from workbench.progress_charts import show_progress
from workbench.resources import labelset, store
from workbench.store.assignments import Selection
from workbench.text import escape_markdown

_FLASH = "assignments_flash"


def _ids(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def _selection(mode: str, ids: str, stories: str, fraction: float, by_story: bool) -> Selection:
    return Selection(
        doc_ids=_ids(ids) if mode == "Document ids" else None,
        stories=_ids(stories) if mode == "Stories" else None,
        fraction=fraction if fraction < 1 else None,
        by_story=by_story,
    )


def _assign_form(user, names: list[str]) -> None:
    with st.form("assign", border=True):
        st.markdown("**Assign documents**")
        chosen = st.multiselect(
            "Annotators", names, key="assign-annotators", placeholder="every active annotator"
        )
        mode = st.radio(
            "Documents", ["All documents", "Document ids", "Stories"], horizontal=True, key="assign-mode"
        )
        ids = st.text_area("Document ids (for “Document ids”)", key="assign-ids", height=80)
        stories = st.text_input("Story ids (for “Stories”)", key="assign-stories")
        left, middle, right = st.columns(3)
        fraction = left.slider("Fraction of them", 0.01, 1.0, 1.0, 0.01, key="assign-fraction")
        overlap = middle.number_input("Annotators per document", 1, 20, 1, key="assign-overlap")
        by_story = right.checkbox("Keep stories together", key="assign-by-story")
        if st.form_submit_button("Assign", type="primary"):
            try:
                report = store().assign(
                    user,
                    int(overlap),
                    annotators=chosen or None,
                    selection=_selection(mode, ids, stories, fraction, by_story),
                )
            except NewsspanError as error:
                st.error(escape_markdown(error.message))
            else:
                per = ", ".join(f"{name} {count}" for name, count in report.load.items())
                st.session_state[_FLASH] = (
                    f"{report.documents} documents, {len(report.created)} new assignments; per annotator: {per}"
                )
                st.rerun()


def _reassign_form(user, names: list[str]) -> None:
    with st.form("reassign", border=True):
        st.markdown("**Reassign**")
        left, right = st.columns(2)
        source = left.selectbox("From", names, key="reassign-from")
        target = right.selectbox("To", names, index=min(1, len(names) - 1), key="reassign-to")
        ids = st.text_area("Only these document ids (empty: all of theirs)", key="reassign-ids", height=68)
        started = st.checkbox(
            "Also documents in progress (their spans stay with the first)", key="reassign-started"
        )
        if st.form_submit_button("Reassign"):
            try:
                report = store().reassign(user, source, target, _ids(ids) or None, include_started=started)
            except NewsspanError as error:
                st.error(escape_markdown(error.message))
            else:
                st.session_state[_FLASH] = (
                    f"moved {len(report.moved)} document(s) from {source} to {target}"
                    + (f", {len(report.dropped)} they had already" if report.dropped else "")
                    + (f"; {len(report.kept)} stay (started or done)" if report.kept else "")
                )
                st.rerun()


def _order_toggle(user) -> None:
    """The project's queue order (the store refuses anyone but an admin): model uncertainty or assignment."""
    s = store()
    on = s.orders_by_uncertainty(user)
    wanted = st.toggle(
        "Order queues by model uncertainty",
        value=on,
        key="order-by-uncertainty",
        help="Least-certain documents first in every annotator's queue (scores from `newsspan suggest` with a "
        "trained model: `newsspan learn`); documents without a score come last.",
    )
    if wanted != on:
        flash = "queues now ordered " + ("by model uncertainty" if wanted else "in assignment order")
        _change_setting(lambda: s.set_order_by_uncertainty(user, wanted), flash)


def _retrain_every(user) -> None:
    """How often the span model retrains by itself (the store refuses anyone but an admin)."""
    s = store()
    every = s.retrain_every(user)
    wanted = st.number_input(
        "Retrain the span model after every N newly done documents (0: never)",
        min_value=0,
        value=every,
        step=10,
        key="retrain-every",
        help="A background job (see Jobs) trains a new model from the team's gold and done documents.",
    )
    if wanted != every:
        flash = (
            f"retraining after every {int(wanted)} done documents"
            if wanted
            else "background retraining is off"
        )
        _change_setting(lambda: s.set_retrain_every(user, int(wanted)), flash)


def _change_setting(change: Callable[[], None], flash: str) -> None:
    """Apply a project setting: the store's refusal shown as text, else the flash and a rerun."""
    try:
        change()
    except NewsspanError as error:
        st.error(escape_markdown(error.message))
    else:
        st.session_state[_FLASH] = flash
        st.rerun()


def main() -> None:
    user = auth.current_user()
    if user is None:  # app.py shows only the log-in form then; a page never runs without a user
        st.stop()
    s = store()
    st.header("Assignments")
    if flash := st.session_state.pop(_FLASH, None):
        st.success(escape_markdown(flash))
    _order_toggle(user)
    _retrain_every(user)
    names = [row["name"] for row in s.list_users(user) if row["active"]]
    rows = s.progress_summary(user)
    if rows:
        show_progress(rows, labelset(), key="assignments")
    else:
        st.info("Nothing is assigned yet.")
    if not names:
        st.info("Add annotators first (Users page, or: newsspan user add NAME).")
        return
    assign, reassign = st.columns(2, gap="large")
    with assign:
        _assign_form(user, names)
    with reassign:
        _reassign_form(user, names)


main()
