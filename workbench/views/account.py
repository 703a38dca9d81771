"""Account: who you are, and a new password of your own (the store's policy applies; your other sessions end)."""

from __future__ import annotations

import streamlit as st

from workbench import auth
from workbench.text import escape_markdown


def main() -> None:
    user = auth.current_user()
    if user is None:  # app.py shows only the log-in form then; a page never runs without a user
        st.stop()
    st.header("Account")
    st.markdown(f"Logged in as **{escape_markdown(user.name)}** ({user.role}).")
    st.subheader("Change your password")
    auth.password_form(forced=False)


main()
