"""The newsspan workbench: log in, then the pages your role allows. Served by ``workbench/server.py``
(``make run``), which adds the session cookie's routes and the error handler.

Every page is declared here with ``st.navigation`` (pages live in ``workbench/views/``, a folder Streamlit does
not discover by itself), so any page URL resolves — and shows the log-in form and nothing else until someone is
logged in, or "not allowed" when the user's role may not open it (``workbench.store.access.AREAS``).
"""

from __future__ import annotations

import streamlit as st

from workbench import auth
from workbench.resources import job_runner
from workbench.store.access import AREAS, may_open
from workbench.text import escape_markdown

# area (workbench.store.access.AREAS), script, title, icon — in the order of the sidebar.
PAGES = (
    ("annotate", "views/annotate.py", "Annotate", "✍️"),
    ("review", "views/review.py", "Review", "⚖️"),
    ("agreement", "views/agreement.py", "Agreement", "🤝"),
    ("gold", "views/gold.py", "Gold corpus", "🏅"),
    ("compared", "views/compared.py", "Reviewed", "🔍"),
    ("progress", "views/progress.py", "Progress", "📊"),
    ("assignments", "views/assignments.py", "Assignments", "🗂️"),
    ("users", "views/users.py", "Users", "👥"),
    ("jobs", "views/jobs.py", "Jobs", "⚙️"),
    ("account", "views/account.py", "Account", "🔑"),
)
ROLE_NAMES = {"annotator": "annotators", "reviewer": "reviewers", "admin": "admins"}

st.set_page_config(page_title="newsspan", page_icon="🗞️", layout="wide")

user = auth.gate()
job_runner()  # once per server process: marks jobs a stopped process left running as interrupted
allowed = [page for page in PAGES if user is not None and may_open(user, page[0])]
pages = {area: st.Page(script, title=title, icon=icon, url_path=area) for area, script, title, icon in PAGES}


def home() -> None:
    """``/``: the first page the user's role allows."""
    st.switch_page(pages[allowed[0][0]])


current = st.navigation([st.Page(home, title="newsspan", default=True), *pages.values()], position="hidden")
area = next((name for name, page in pages.items() if page is current), None)

if user is None:
    if auth.must_change_password():
        auth.password_form(forced=True)
        st.button("Log out", on_click=auth.logout, key="logout")
    else:
        auth.login_page()
    auth.deliver_cookie()  # draws nothing visible
    st.stop()

with st.sidebar:
    st.markdown(f"**{escape_markdown(user.name)}** · {user.role}")
    for name, *_ in allowed:
        st.page_link(pages[name])
    st.button("Log out", on_click=auth.logout, key="logout")
    auth.deliver_cookie()  # draws nothing visible

if area is not None and not may_open(user, area):
    who = " and ".join(ROLE_NAMES[role] for role in AREAS[area])
    st.error(
        f"Not allowed: the {pages[area].title} page is for {who}. "
        f"You are logged in as {escape_markdown(user.name)} ({user.role})."
    )
    st.stop()
current.run()
