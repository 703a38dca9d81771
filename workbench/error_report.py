"""Unexpected errors in the workbench: one line in the browser, the whole traceback in the server's log.

``workbench/server.py`` passes :func:`on_script_error` to ``st.App``: an exception no page handled (a bug, a
database gone away) is logged with its traceback and a short reference, and the browser shows one sentence with
that reference and nothing else (no traceback, no server paths). The shipped ``.streamlit/config.toml`` also sets
``client.showErrorDetails = "none"``, so an app started without the launcher shows no details either.
Expected problems (a refused save, a conflict, a weak password) are ``NewsspanError``s that pages show as
messages themselves.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st

_LOG = logging.getLogger("newsspan.workbench")


def on_script_error(error: BaseException) -> bool:
    """Log ``error`` with a reference and show one line with it; True: Streamlit shows nothing more."""
    reference = secrets.token_hex(4)
    _LOG.error("unexpected error, reference %s", reference, exc_info=error)
    st.error(
        f"Something went wrong on the server (reference {reference}). It has been logged; "
        "reload the page, and tell an admin if it happens again."
    )
    return True
