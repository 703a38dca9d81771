"""Agreement: span F1 (strict and partial), Krippendorff's alpha and attribute kappa, as `newsspan agreement`.

The figures follow the one rule of ``corpus.agreement_inputs``: documents in review or final, with their texts,
every annotator's spans (no suggestions) and the annotators who marked them done. The store gathers the same
inputs for a reviewer as for an admin, so this page shows exactly what ``newsspan agreement`` prints and what a
release card records, whoever looks.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from corpus.agreement_inputs import agreement_figures
from corpus.agreement_inputs import format_figure as _fmt
from workbench import auth
from workbench.resources import store


def main() -> None:
    user = auth.current_user()
    if user is None:  # app.py shows only the log-in form then; a page never runs without a user
        st.stop()
    st.header("Agreement")
    figures = agreement_figures(store().agreement_inputs(user))
    if figures["documents"] == 0:
        st.info("Agreement needs documents in review that two or more annotators annotated.")
        return
    overall = figures["overall"]
    cols = st.columns(4)
    cols[0].metric("Documents", figures["documents"])
    cols[1].metric("Strict F1", _fmt(overall["strict"]["f1"]))
    cols[2].metric("Partial F1", _fmt(overall["partial"]["f1"]))
    cols[3].metric("Krippendorff's α", _fmt(overall["alpha"]))
    rows = []
    for label, values in figures["per_label"].items():
        for measure, value in (
            ("strict F1", values["strict"]["f1"]),
            ("partial F1", values["partial"]["f1"]),
            ("alpha", values["alpha"]),
        ):
            if value is not None:
                rows.append({"label": label, "measure": measure, "value": value})
    if rows:
        chart = (
            alt.Chart(pd.DataFrame(rows))
            .mark_bar()
            .encode(
                x=alt.X("value:Q", scale=alt.Scale(domain=[min(0, min(r["value"] for r in rows)), 1])),
                y=alt.Y("measure:N", title=None),
                color="measure:N",
                row=alt.Row("label:N", title=None),
            )
        )
        st.subheader("Per label")
        st.altair_chart(chart)
    st.subheader("Annotator pairs")
    st.dataframe(
        [
            {
                "pair": f"{pair['a']} / {pair['b']}",
                "documents": pair["documents"],
                "strict F1": _fmt(pair["strict"]["f1"]),
                "partial F1": _fmt(pair["partial"]["f1"]),
            }
            for pair in figures["pairs"]
        ],
        hide_index=True,
    )
    kappas = [
        {"label": label, "attribute": name, "kappa": _fmt(v["kappa"]), "matched pairs": v["n"]}
        for label, attributes in figures["attributes"].items()
        for name, v in attributes.items()
    ]
    if kappas:
        st.subheader("Attributes of matched spans (Cohen's κ)")
        st.dataframe(kappas, hide_index=True)


main()
