"""Serve the workbench: ``streamlit run workbench/server.py`` (what ``make run`` does).

``workbench/app.py`` is the Streamlit script (log-in, navigation, pages). This launcher wraps it in an ``st.App``
to add what a script alone cannot do: the two routes that set and clear the HttpOnly session cookie
(``workbench.session_cookie``) and the handler that turns unexpected errors into one line in the browser and a
traceback in the server's log (``workbench.error_report``). ``streamlit run workbench/app.py`` still works, but
then a reload logs the user out.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from workbench import error_report, session_cookie

app = st.App(
    Path(__file__).resolve().with_name("app.py"),
    routes=session_cookie.routes(),
    on_script_error=error_report.on_script_error,
)
