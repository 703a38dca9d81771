"""The session cookie: HttpOnly, SameSite=Strict, set and cleared by two small HTTP routes of the server.

A Streamlit page runs over a WebSocket and cannot set an HTTP cookie, and a cookie written by JavaScript cannot
be HttpOnly. So ``workbench/server.py`` serves the app as an ``st.App`` with two routes beside Streamlit's own:

- ``POST <base>/_newsspan/session`` with a one-time ``code``: the store exchanges it for the session's token
  (``Store.redeem_handoff``) and the response sets the cookie ``newsspan_session`` (HttpOnly, SameSite=Strict,
  Path=<base>/, Max-Age of the session, Secure when served over HTTPS).
- ``POST <base>/_newsspan/logout``: ends the cookie's session in the store and deletes the cookie.

After a log-in the page asks the browser to call the first route with :func:`send` (a tiny component whose
script makes one same-origin ``fetch``); after a log-out, the second. The code is random, used once and valid
for two minutes, so a forged request cannot plant a session; the token itself is never in the page. A reload
opens a new WebSocket whose request carries the cookie, which the app reads with ``st.context.cookies``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import streamlit as st

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from workbench.store import Store

__all__ = ["COOKIE", "installed", "routes", "send"]

COOKIE = "newsspan_session"
_PREFIX = "_newsspan"
_installed = False

# One POST per request id and page load. It reports nothing back (no script rerun): whether the cookie was
# set, the store knows (the one-time code is redeemed), and the page asks it (``Session.cookie_pending``).
_JS = """
export default function (component) {
  const { data } = component;
  if (!data || !data.request) return;
  const sent = (window.__newsspanCookieRequests = window.__newsspanCookieRequests || new Set());
  if (sent.has(data.request)) return;
  sent.add(data.request);
  fetch(data.url, {
    method: "POST",
    credentials: "same-origin",
    cache: "no-store",
    body: new URLSearchParams(data.fields || {}),
  }).then(
    (response) => { if (!response.ok) console.warn(`newsspan: ${data.url} answered ${response.status}`); },
    () => console.warn(`newsspan: ${data.url} could not be reached`),
  );
}
"""


def _base() -> str:
    """``server.baseUrlPath`` as ``/path`` (empty for the root)."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def installed() -> bool:
    """Whether this server has the cookie routes (started through ``workbench/server.py``)."""
    return _installed


# The routes (run by the server, outside any script) -----------------------------------------------------


@functools.cache
def _store() -> Store:
    from workbench.store import open_store

    return open_store()


def _same_origin(request: Request) -> bool:
    """A browser's cross-site POST carries an ``Origin`` naming another host: refuse it."""
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


async def _start(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    if not _same_origin(request):
        return Response(status_code=403)
    form = await request.form()
    code = form.get("code")
    token = await run_in_threadpool(_store().redeem_handoff, code if isinstance(code, str) else "")
    if token is None:
        return Response(status_code=403, headers={"Cache-Control": "no-store"})
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(_store().session_lifetime.total_seconds()),
        path=_base() + "/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


async def _end(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    if not _same_origin(request):
        return Response(status_code=403)
    token = request.cookies.get(COOKIE)
    if token:
        await run_in_threadpool(_store().end_session_by_token, token)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(COOKIE, path=_base() + "/", httponly=True, samesite="strict")
    return response


def routes() -> list[Route]:
    """The two cookie routes, for ``st.App(routes=...)``."""
    from starlette.routing import Route

    global _installed
    _installed = True
    base = _base()
    return [
        Route(f"{base}/{_PREFIX}/session", _start, methods=["POST"]),
        Route(f"{base}/{_PREFIX}/logout", _end, methods=["POST"]),
    ]


# The browser side (run by a page script) ---------------------------------------------------------------


@functools.cache
def _component() -> Callable[..., Any]:
    return st.components.v2.component("newsspan_session_cookie", js=_JS)


def send(kind: str, request_id: str, fields: dict[str, str] | None = None) -> bool:
    """Have the browser POST to the ``session`` or ``logout`` route, once for ``request_id`` however often this
    is drawn; False when this server has no such route (the app was started without ``workbench/server.py``)."""
    if not _installed:
        return False
    url = f"{_base()}/{_PREFIX}/{kind}"
    _component()(
        key=f"session-cookie-{kind}", data={"request": request_id, "url": url, "fields": fields or {}}
    )
    return True
