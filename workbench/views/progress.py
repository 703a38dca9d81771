"""Progress: documents done / in progress per annotator, and spans per annotator and label, as charts."""

from __future__ import annotations

import streamlit as st

from workbench import auth
from workbench.feedback_charts import show_feedback
from workbench.learning_charts import show_learning_curve
from workbench.progress_charts import show_progress
from workbench.resources import labelset, store


def main() -> None:
    user = auth.current_user()
    if user is None:  # app.py shows only the log-in form then; a page never runs without a user
        st.stop()
    rows = store().progress_summary(user)  # aggregated in the store: the same cost for 5 or 100,000 documents
    st.header("Progress")
    if not rows:
        st.info("Nothing is assigned yet.")
        return
    show_progress(rows, labelset(), key="progress")
    show_feedback(user, key="feedback")  # accept rates per label and recommender
    show_learning_curve(key="learning")  # the newest `newsspan learn --evaluate`


main()
