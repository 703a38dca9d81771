"""The newsspan workbench: log in, then the pages your role allows (``streamlit run workbench/app.py``)."""

from __future__ import annotations

import streamlit as st

from workbench import auth

st.set_page_config(page_title="newsspan", page_icon="🗞️", layout="wide")

user = auth.current_user()
if user is None:
    auth.login_page()
    st.stop()

with st.sidebar:
    st.markdown(f"**{user.name}** · {user.role}")
    st.button("Log out", on_click=auth.logout, key="logout")

# Roles decide the pages: annotators annotate; reviewers review and measure agreement; admins see everything.
pages = []
if user.role in ("annotator", "admin"):
    pages.append(st.Page("pages/annotate.py", title="Annotate", icon="✍️", default=True))
if user.is_reviewer:
    pages.append(st.Page("pages/review.py", title="Review", icon="⚖️", default=not pages))
    pages.append(st.Page("pages/agreement.py", title="Agreement", icon="🤝"))
if user.is_admin:
    pages.append(st.Page("pages/gold.py", title="Gold corpus", icon="🏅"))
pages.append(st.Page("pages/progress.py", title="Progress", icon="📊"))
st.navigation(pages).run()
