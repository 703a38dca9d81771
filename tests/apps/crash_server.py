"""``crash.py`` served as the workbench serves ``app.py``: with ``workbench.error_report.on_script_error``."""

import streamlit as st

from workbench import error_report

app = st.App("crash.py", on_script_error=error_report.on_script_error)
