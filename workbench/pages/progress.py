"""Progress: documents done / in progress per annotator, and spans per annotator and label, as charts."""

from __future__ import annotations

from collections import Counter

import altair as alt
import pandas as pd
import streamlit as st

from workbench import auth
from workbench.resources import labelset, store


def main() -> None:
    user = auth.current_user()
    if user is None:  # app.py shows only the log-in form then; a page never runs without a user
        st.stop()
    s = store()
    rows = s.progress(user)
    st.header("Progress")
    if not rows:
        st.info("Nothing is assigned yet.")
        return
    frame = pd.DataFrame(rows)
    done = int((frame["status"] == "done").sum())
    left, middle, right = st.columns(3)
    left.metric("Assignments done", f"{done} / {len(frame)}")
    middle.metric("In progress", int((frame["status"] == "in_progress").sum()))
    right.metric("Spans", int(frame["annotations"].sum()))

    status_chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("count()", title="documents"),
            y=alt.Y("annotator:N", title=None),
            color=alt.Color(
                "status:N", scale=alt.Scale(domain=["not_started", "in_progress", "done"]), title="status"
            ),
        )
    )
    st.subheader("Documents per annotator")
    st.altair_chart(status_chart, width="stretch")

    labels = labelset()
    counts: Counter[tuple[str, str]] = Counter()
    doc_ids = sorted(set(frame["doc_id"]))
    for doc_id in doc_ids:
        for record in s.annotations(user, doc_id):
            counts[(record["annotator"], record["label"])] += 1
    if counts:
        label_frame = pd.DataFrame(
            [{"annotator": a, "label": label, "spans": n} for (a, label), n in counts.items()]
        )
        label_chart = (
            alt.Chart(label_frame)
            .mark_bar()
            .encode(
                x=alt.X("sum(spans):Q", title="spans"),
                y=alt.Y("annotator:N", title=None),
                color=alt.Color(
                    "label:N",
                    scale=alt.Scale(domain=labels.names, range=[label.color for label in labels.labels]),
                ),
            )
        )
        st.subheader("Spans per annotator and label")
        st.altair_chart(label_chart, width="stretch")
    st.subheader("Assignments")
    st.dataframe(frame, hide_index=True, width="stretch")


main()
