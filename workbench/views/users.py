"""Users (admins): every account with its role, state and last log-in; add one, set a password, change a role,
disable or enable. Each button is one store call, and the store holds the rules: the password policy, never
leaving the store without an active admin, ending a user's sessions when they are disabled or their password is
set (an open browser of theirs is logged out at its next interaction)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from corpus.errors import NewsspanError
from workbench import auth
from workbench.resources import store
from workbench.store.tables import ROLES
from workbench.text import escape_markdown

_FLASH = "users_flash"


def _act(action: Callable[[], object], done: str) -> None:
    """Run one store call; on success remember ``done`` and rerun (the table shows the change)."""
    try:
        action()
    except NewsspanError as error:
        st.error(escape_markdown(error.message))
    else:
        st.session_state[_FLASH] = done
        st.rerun()


def _table(rows: list[dict]) -> None:
    st.dataframe(
        [
            {
                "name": row["name"],
                "role": row["role"],
                "active": "yes" if row["active"] else "no",
                "demo": "demo" if row["demo"] else "",
                "last log-in (UTC)": (row["last_login_at"] or "never")[:16].replace("T", " "),
                "created (UTC)": row["created_at"][:16].replace("T", " "),
            }
            for row in rows
        ],
        hide_index=True,
    )


def _add_form(user) -> None:
    with st.form("add-user", clear_on_submit=True):
        st.subheader("Add a user")
        name = st.text_input("User name")
        role = st.selectbox("Role", ROLES, key="add-role")
        password = st.text_input("Password (at least 12 characters, not a common one)", type="password")
        if st.form_submit_button("Add user", type="primary"):
            _act(
                lambda: store().create_user(user, name.strip(), role, password),
                f"Added {role} {name.strip()}.",
            )


def _manage_forms(user, names: list[str]) -> None:
    with st.form("set-password", clear_on_submit=True):
        st.subheader("Set a password")
        name = st.selectbox("User", names, key="password-user")
        password = st.text_input("New password", type="password")
        if st.form_submit_button("Set password"):
            _act(
                lambda: store().set_password(user, name, password), f"Password of {name} set; sessions ended."
            )
    with st.form("set-role"):
        st.subheader("Change a role")
        name = st.selectbox("User", names, key="role-user")
        role = st.selectbox("New role", ROLES, key="role-role")
        if st.form_submit_button("Change role"):
            _act(lambda: store().set_role(user, name, role), f"{name} is now {role}.")
    with st.form("set-active"):
        st.subheader("Disable or enable")
        name = st.selectbox("User", names, key="active-user")
        disable, enable = st.columns(2)
        if disable.form_submit_button("Disable"):
            _act(lambda: store().set_active(user, name, False), f"{name} disabled; sessions ended.")
        if enable.form_submit_button("Enable"):
            _act(lambda: store().set_active(user, name, True), f"{name} enabled.")


def main() -> None:
    user = auth.current_user()
    if user is None:  # app.py shows only the log-in form then; a page never runs without a user
        st.stop()
    st.header("Users")
    if flash := st.session_state.pop(_FLASH, None):
        st.success(escape_markdown(flash))
    rows = store().list_users(user)
    _table(rows)
    left, right = st.columns(2, gap="large")
    with left:
        _add_form(user)
    with right:
        _manage_forms(user, [row["name"] for row in rows])


main()
