"""The learning curve on the Progress page: F1 of each recommender as the training documents grow, from the
newest ``newsspan learn --evaluate`` report (``models/evaluations/``), with its per-label table."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st


def curve_frame(report: dict[str, Any]) -> pd.DataFrame:
    """One row per (recommender, fraction, kind): mean training documents and F1."""
    rows = []
    for point in report["curve"]:
        for kind in ("strict", "partial"):
            rows.append(
                {
                    "recommender": point["recommender"],
                    "training documents": point["training_documents"],
                    "match": kind,
                    "F1": point[f"{kind}_f1"],
                }
            )
    return pd.DataFrame(rows)


def label_frame(report: dict[str, Any]) -> pd.DataFrame:
    """Per label and recommender: strict precision, recall, F1 and partial F1 (all training documents)."""
    rows = []
    for name, result in report["recommenders"].items():
        for label, figures in result["per_label"].items():
            strict = figures["strict"]
            rows.append(
                {
                    "recommender": name,
                    "label": label,
                    "precision": round(strict["precision"], 3),
                    "recall": round(strict["recall"], 3),
                    "F1": round(strict["f1"], 3),
                    "partial F1": round(figures["partial"]["f1"], 3),
                    "held-out spans": strict["spans_a"],
                    "suggested": strict["spans_b"],
                }
            )
    return pd.DataFrame(rows)


def show_learning_curve(*, key: str) -> None:
    """Draw the newest evaluation, or say how to make one (in a container keyed ``key``)."""
    with st.container(key=key):
        _draw(key)


def _draw(key: str) -> None:
    from corpus.learn.reports import latest_evaluation

    report = latest_evaluation()
    st.subheader("Suggestions: measured quality")
    if report is None:
        st.caption("No evaluation yet: run `newsspan learn --evaluate` to measure the recommenders.")
        return
    st.text(
        f"{report['folds']}-fold cross-validation by document over {report['documents']} labelled documents "
        f"({report['created_at']})"
    )
    chart = (
        alt.Chart(curve_frame(report))
        .mark_line(point=True)
        .encode(
            x=alt.X("training documents:Q"),
            y=alt.Y("F1:Q", scale=alt.Scale(domain=[0, 1])),
            color="recommender:N",
            strokeDash="match:N",
            tooltip=["recommender", "match", "training documents", alt.Tooltip("F1:Q", format=".3f")],
        )
        .properties(height=260)
    )
    st.altair_chart(chart, width="stretch", key=f"{key}-curve")
    st.dataframe(label_frame(report), hide_index=True, key=f"{key}-labels")
