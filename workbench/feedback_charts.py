"""Feedback on suggestions on the Progress page: accepted, rejected and still open suggestions per label and
recommender, with the accept rate, as a table and a bar chart (``Store.suggestion_feedback``, one aggregate
query: admins and reviewers see everyone's decisions, annotators their own)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.progress_charts import stacked_bars
from workbench.resources import store

DECISIONS = ["accepted", "rejected", "open"]


def feedback_table(rows) -> pd.DataFrame:
    """One row per label and recommender; the rate is a percentage of decided suggestions (empty before any)."""
    return pd.DataFrame(
        [
            {
                "label": row.label,
                "recommender": row.recommender,
                "accepted": row.accepted,
                "rejected": row.rejected,
                "open": row.open,
                "accept rate %": None if row.rate is None else round(100 * row.rate),
            }
            for row in rows
        ]
    )


def show_feedback(user, *, key: str) -> None:
    """The section, or nothing when there are no suggestions at all."""
    rows = store().suggestion_feedback(user)
    if not rows:
        return
    st.subheader("Suggestions: accepted and rejected")
    st.caption("Per label and recommender" + ("" if user.is_reviewer else ", your own decisions"))
    decisions = pd.DataFrame(
        [
            {
                "suggestions": f"{row.label} · {row.recommender}",
                "decision": decision,
                "count": getattr(row, decision),
            }
            for row in rows
            for decision in DECISIONS
        ]
    )
    stacked_bars(
        decisions,
        value="count",
        row="suggestions",
        part="decision",
        domain=DECISIONS,
        colors=["#2e7d32", "#c62828", "#9e9e9e"],
        key=f"{key}-chart",
    )
    st.dataframe(feedback_table(rows), hide_index=True, width="stretch", key=f"{key}-table")
