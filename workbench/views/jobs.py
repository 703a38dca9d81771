"""Jobs (admins): start suggestions and releases in the background and follow them.

Each kind of ``workbench.jobs.KINDS`` gets a form built from its fields; starting one is one call to the
process's ``JobRunner`` (the store refuses a second running job of a kind). The list of recent jobs redraws
itself every second while one runs (``st.fragment(run_every=...)``), with a progress bar for running jobs and
each job's summary or error as plain text.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from corpus.errors import NewsspanError
from workbench import auth
from workbench.jobs import KINDS, JobKind, job_params
from workbench.resources import job_runner, store
from workbench.store.access import may_open
from workbench.text import escape_markdown

REFRESH_S = 1.0
_FLASH = "jobs_flash"


def _form(user, kind: JobKind) -> None:
    with st.form(f"job-{kind.name}", border=True):
        st.markdown(f"**{escape_markdown(kind.title)}**")
        values: dict[str, Any] = {}
        for field in kind.fields:
            key = f"job-{kind.name}-{field.name}"
            if field.type == "bool":
                values[field.name] = st.checkbox(field.label, value=bool(field.default), key=key)
            else:
                values[field.name] = st.text_input(
                    field.label, value=field.default or "", key=key, help=field.help
                )
        if st.form_submit_button(f"Start {kind.name}", type="primary"):
            try:  # a missing required field, a non-admin, or a job of this kind still running: one message
                job_id = job_runner().start(user, kind.name, job_params(kind, values))
            except NewsspanError as error:
                st.error(escape_markdown(error.message))
            else:
                st.session_state[_FLASH] = f"Started job {job_id} ({kind.title})."
                st.rerun()


def _minute(stamp: str | None) -> str:
    return stamp[:19].replace("T", " ") if stamp else ""


def _outcome(job: dict[str, Any]) -> str:
    if job["state"] == "done":
        return json.dumps(job["result"], indent=2, ensure_ascii=False)
    return f"error: {job['error'] or job['state']}"


def _job(job: dict[str, Any]) -> None:
    title = KINDS[job["kind"]].title if job["kind"] in KINDS else job["kind"]
    with st.container(border=True, key=f"job-{job['id']}"):
        st.text(
            f"#{job['id']} {title} · {job['state']} · started by {job['started_by']} at "
            f"{_minute(job['started_at'])} UTC"
            + (f", ended {_minute(job['finished_at'])}" if job["finished_at"] else "")
        )
        params = {key: value for key, value in (job["params"] or {}).items() if value not in (None, "")}
        if params:
            st.text("parameters: " + json.dumps(params, ensure_ascii=False))
        if job["state"] == "running":
            done, total = job["done"], job["total"]
            fraction = min(done / total, 1.0) if total else 0.0
            count = f"{done} of {total}" if total else (f"{done}" if done else "starting…")
            st.progress(fraction, text=escape_markdown(f"{count} {job['message']}".strip()))
        else:
            st.text(_outcome(job))


def _recent() -> None:
    """The recent jobs; reruns by itself every second while one of them runs."""
    current = auth.still_logged_in()
    if current is None or not may_open(current, "jobs"):
        st.text("Log in again as an admin to follow the jobs.")
        return
    jobs = store().recent_jobs(current)
    running = any(job["state"] == "running" for job in jobs)
    if st.session_state.get("jobs_running") and not running:
        st.session_state["jobs_running"] = False
        st.rerun(scope="app")  # stop the timer: nothing is running any more
    st.session_state["jobs_running"] = running
    if not jobs:
        st.text("No jobs yet.")
    for job in jobs:
        _job(job)


user = auth.current_user()
if user is None:
    st.stop()

st.header("Jobs")
st.caption("Long tasks run on the server in the background; you may leave this page and come back.")
job_runner()  # marks jobs of stopped app processes interrupted, before anything is started
if flash := st.session_state.pop(_FLASH, None):
    st.success(escape_markdown(flash))
for column, kind in zip(st.columns(len(KINDS)), KINDS.values(), strict=True):
    with column:
        _form(user, kind)
st.subheader("Recent jobs")
any_running = any(job["state"] == "running" for job in store().recent_jobs(user))
st.fragment(run_every=REFRESH_S if any_running else None)(_recent)()
