"""Log-in, sessions and log-out in the browser: thin calls to the store's rules (``workbench.store.sessions``).

``gate()`` runs first on every script run (``workbench/app.py``): it finds the browser's session — kept in this
Streamlit session after a log-in, or found again after a reload through the HttpOnly cookie
(``workbench.session_cookie``) — and re-reads it from the store, so a session that was ended, expired or whose
user was disabled is gone at the next interaction. Pages take the user from ``current_user()``.

Local accounts log in with name and password (throttled by the store, one generic message). With OpenID
Connect configured in ``.streamlit/secrets.toml`` (an ``[auth]`` section, see docs/oidc.md), the identity
provider's ``email`` (else ``name``) must match an active store account; the store still decides the role.
"""

from __future__ import annotations

import ipaddress
import secrets

import streamlit as st

from corpus.errors import NewsspanError
from workbench import session_cookie
from workbench.resources import store
from workbench.store import Session, User
from workbench.text import escape_markdown

_SESSION_ID = "newsspan_session_id"
_USER = "newsspan_user"
_CHANGE_PASSWORD = "newsspan_must_change_password"
_HANDOFF = "newsspan_cookie_handoff"
_COOKIE_PENDING = "newsspan_cookie_pending"
_CLEAR_COOKIE = "newsspan_cookie_clear"
_NOTICE = "newsspan_notice"
ENDED = "Your session has ended (logged out, expired, or the account was disabled). Log in again."


def exposed() -> bool:
    """Whether the server listens beyond loopback (an empty address means every interface)."""
    address = (st.get_option("server.address") or "").strip("[]")
    if address == "localhost":
        return False
    try:
        return not ipaddress.ip_address(address).is_loopback
    except ValueError:
        return True


def client() -> str:
    """The browser's address as the server sees it (``local`` on loopback): the client the store throttles."""
    return st.context.ip_address or "local"


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _find_session() -> Session | None:
    """This browser's live session: the one logged in here, else the cookie's, else single sign-on's."""
    s = store()
    session_id = st.session_state.get(_SESSION_ID)
    if session_id is not None:
        session = s.session(session_id, exposed=exposed())
        if session is None:
            _forget(ENDED)
        return session
    token = st.context.cookies.get(session_cookie.COOKIE)
    session = s.resume_session(token, exposed=exposed()) if token else None
    if session is None and _oidc_configured() and getattr(st.user, "is_logged_in", False):
        identity = st.user.get("email") or st.user.get("name")
        session = s.log_in_identity(str(identity), client=client(), exposed=exposed()) if identity else None
        if session is not None:
            st.session_state[_HANDOFF] = session.handoff
    if session is not None:
        st.session_state[_SESSION_ID] = session.id
    return session


def gate() -> User | None:
    """Find and check this browser's session (once per script run); the user, or None when nobody is logged
    in. A user who must change their password first gets None too, and ``must_change_password()`` says so."""
    session = _find_session()
    user = session.user if session is not None and not session.must_change_password else None
    st.session_state[_USER] = user
    st.session_state[_COOKIE_PENDING] = session is not None and session.cookie_pending
    st.session_state[_CHANGE_PASSWORD] = (
        session if session is not None and session.must_change_password else None
    )
    return user


def current_user() -> User | None:
    """The user ``gate()`` found for this script run."""
    return st.session_state.get(_USER)


def still_logged_in() -> User | None:
    """Re-check the session in the store (for widget callbacks, which run before ``gate()``)."""
    session_id = st.session_state.get(_SESSION_ID)
    session = store().session(session_id, exposed=exposed()) if session_id is not None else None
    return session.user if session is not None and not session.must_change_password else None


def must_change_password() -> bool:
    return st.session_state.get(_CHANGE_PASSWORD) is not None


def _forget(notice: str | None = None) -> None:
    """Drop everything this Streamlit session knew (pages' state too) and have the browser drop its cookie."""
    st.session_state.clear()
    st.session_state[_CLEAR_COOKIE] = secrets.token_hex(8)
    if notice:
        st.session_state[_NOTICE] = notice


def deliver_cookie() -> None:
    """After a log-in: have the browser exchange the one-time code for the HttpOnly session cookie.
    After a log-out: have it delete the cookie. Draws nothing visible, always in the same (empty) container, so
    the elements after it keep their places while a request comes and goes."""
    with st.container(key="newsspan-session-cookie"):
        code = st.session_state.get(_HANDOFF)
        if code and st.session_state.get(_COOKIE_PENDING):  # until the store saw the code redeemed
            session_cookie.send("session", code, {"code": code})
        elif code:
            st.session_state.pop(_HANDOFF, None)
        if request := st.session_state.pop(_CLEAR_COOKIE, None):  # the session already ended in the store
            session_cookie.send("logout", request)


def login_page() -> None:
    """The only thing shown before log-in."""
    st.title("newsspan")
    st.caption("Span annotation for news. Log in with your newsspan account.")
    if notice := st.session_state.get(_NOTICE):  # kept until the next log-in: reruns must not drop it
        st.info(escape_markdown(notice))
    with st.form("login", clear_on_submit=False):
        name = st.text_input("User name", key="login_name")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        try:
            session = store().log_in(name, password, client=client(), exposed=exposed())
        except NewsspanError as refused:
            st.error(escape_markdown(refused.message))
        else:
            st.session_state.clear()
            st.session_state[_SESSION_ID] = session.id
            st.session_state[_HANDOFF] = session.handoff
            st.rerun()
    if _oidc_configured():
        st.divider()
        st.button("Log in with single sign-on", on_click=st.login)
        if getattr(st.user, "is_logged_in", False):
            st.warning("Your single sign-on identity has no active newsspan account; ask an admin to add it.")


def password_form(*, forced: bool) -> None:
    """Change one's own password (the store's policy applies); ``forced``: nothing else until it is done."""
    session = st.session_state.get(_CHANGE_PASSWORD) if forced else None
    if forced:
        st.title("Choose a new password")
        st.info(
            "This is a demo account and the workbench is reachable from the network: choose your own password "
            "before you go on."
        )
    with st.form("change-password", clear_on_submit=True):
        current = st.text_input("Current password", type="password")
        new = st.text_input("New password (at least 12 characters, not a common one)", type="password")
        repeat = st.text_input("New password again", type="password")
        submitted = st.form_submit_button("Change password", type="primary")
    if not submitted:
        return
    if new != repeat:
        st.error("The two new passwords differ.")
        return
    session_id = st.session_state.get(_SESSION_ID)
    session = session or (store().session(session_id, exposed=exposed()) if session_id is not None else None)
    if session is None:
        _forget(ENDED)
        st.rerun()
    try:
        store().change_own_password(session, current, new, client=client())
    except NewsspanError as refused:
        st.error(escape_markdown(refused.message))
    else:
        st.success("Password changed. Your other sessions have ended.")
        if forced:
            st.rerun()


def logout() -> None:
    """Log out: the store ends the session, this Streamlit session forgets it, the browser drops its cookie."""
    session_id = st.session_state.get(_SESSION_ID)
    if session_id is not None:
        store().end_session(session_id)
    _forget("You are logged out.")
    if _oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()
