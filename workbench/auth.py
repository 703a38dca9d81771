"""Log-in: local accounts of the store (argon2), optionally OpenID Connect through ``st.login``.

No page shows data before a user is logged in. With OIDC configured in ``.streamlit/secrets.toml`` (an
``[auth]`` section, see docs/oidc.md), the identity provider's ``email`` (else ``name``) must match a store
account name: the store still decides the role.
"""

from __future__ import annotations

import streamlit as st

from workbench.resources import store
from workbench.store import User

_SESSION_KEY = "newsspan_user"


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def current_user() -> User | None:
    """The logged-in user of this browser session, if any."""
    user = st.session_state.get(_SESSION_KEY)
    if user is None and _oidc_configured() and getattr(st.user, "is_logged_in", False):
        identity = st.user.get("email") or st.user.get("name")
        account = store().user(str(identity)) if identity else None
        if account is not None:
            st.session_state[_SESSION_KEY] = account
            user = account
    return user


def login_page() -> None:
    """The only thing shown before log-in."""
    st.title("newsspan")
    st.caption("Span annotation for news. Log in with your newsspan account.")
    with st.form("login", clear_on_submit=False):
        name = st.text_input("User name", key="login_name")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        user = store().authenticate(name.strip(), password)
        if user is None:
            st.error("Unknown user name or wrong password.")
        else:
            st.session_state[_SESSION_KEY] = user
            st.rerun()
    if _oidc_configured():
        st.divider()
        st.button("Log in with single sign-on", on_click=st.login)
        if getattr(st.user, "is_logged_in", False):
            st.warning("Your single sign-on identity has no newsspan account; ask an admin to add it.")


def logout() -> None:
    st.session_state.pop(_SESSION_KEY, None)
    if _oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()
