"""Progress per annotator as metrics, charts and a table, from ``Store.progress_summary`` (a few aggregate
queries: nothing here reads documents one by one). Used by the Progress page and the admin's Assignments page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from corpus.scheme import LabelSet
from workbench.store.assignments import AnnotatorProgress

STATUSES = ["not_started", "in_progress", "done"]


def stacked_bars(
    frame: pd.DataFrame,
    *,
    value: str,
    row: str,
    part: str,
    key: str,
    domain: Sequence[str] | None = None,
    colors: Sequence[str] | None = None,
) -> None:
    """A horizontal stacked bar chart: one bar per ``row``, ``value`` summed, split and coloured by ``part``
    (in the order of ``domain``, with ``colors`` when given). The one chart shape of the Progress pages."""
    scale = (
        alt.Scale(domain=list(domain), range=list(colors)) if domain and colors else alt.Scale(domain=domain)
    )
    st.altair_chart(
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"sum({value}):Q", title=value),
            y=alt.Y(f"{row}:N", title=None),
            color=alt.Color(f"{part}:N", scale=scale, title=part),
        ),
        width="stretch",
        key=key,
    )


def _idle(stamp: str | None) -> str:
    """How long ago a store timestamp was, roughly ("3 h", "2 d"), or "never"."""
    if not stamp:
        return "never"
    then = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    seconds = (dt.datetime.now(dt.UTC) - then).total_seconds()
    for size, unit in ((86_400, "d"), (3_600, "h"), (60, "min")):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return "just now"


def progress_table(rows: Sequence[AnnotatorProgress]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "annotator": row.annotator,
                "role": row.role,
                "assigned": row.assigned,
                "not started": row.statuses.get("not_started", 0),
                "in progress": row.statuses.get("in_progress", 0),
                "done": row.statuses.get("done", 0),
                "done %": round(100 * row.statuses.get("done", 0) / row.assigned) if row.assigned else 0,
                "spans": row.spans,
                "last change": _idle(row.last_activity),
            }
            for row in rows
        ]
    )


def show_progress(rows: Sequence[AnnotatorProgress], labels: LabelSet, *, key: str) -> None:
    """Metrics over everyone shown, documents per annotator and status, spans per annotator and label, and
    the per-annotator table (who is stuck: many in progress, a long time since the last change)."""
    assigned = sum(row.assigned for row in rows)
    done = sum(row.statuses.get("done", 0) for row in rows)
    left, middle, right = st.columns(3)
    left.metric("Assignments done", f"{done} / {assigned}")
    middle.metric("In progress", sum(row.statuses.get("in_progress", 0) for row in rows))
    right.metric("Spans", sum(row.spans for row in rows))
    statuses = pd.DataFrame(
        [
            {"annotator": row.annotator, "status": status, "documents": row.statuses.get(status, 0)}
            for row in rows
            for status in STATUSES
        ]
    )
    st.subheader("Documents per annotator")
    stacked_bars(
        statuses, value="documents", row="annotator", part="status", domain=STATUSES, key=f"{key}-statuses"
    )
    spans = pd.DataFrame(
        [
            {"annotator": row.annotator, "label": label, "spans": n}
            for row in rows
            for label, n in row.labels.items()
        ]
    )
    if not spans.empty:
        st.subheader("Spans per annotator and label")
        stacked_bars(
            spans,
            value="spans",
            row="annotator",
            part="label",
            domain=labels.names,
            colors=[label.color for label in labels.labels],
            key=f"{key}-labels",
        )
    st.subheader("Per annotator")
    st.dataframe(progress_table(rows), hide_index=True, width="stretch", key=f"{key}-table")
