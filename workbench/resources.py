"""Process-wide resources of the Streamlit app: one store (one engine per process), the scheme files."""

from __future__ import annotations

import streamlit as st

from corpus.scheme import ActorRegistry, LabelSet, default_labelset, default_registry
from workbench.jobs import JobRunner
from workbench.store import Store, open_store


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The store, opened (and its schema upgraded) once per server process."""
    return open_store()


@st.cache_resource(show_spinner=False)
def job_runner() -> JobRunner:
    """This app process's background-job runner: made once, at the first page run of the process (app.py), so
    jobs a stopped process left running are marked interrupted before anyone looks at them."""
    return JobRunner.start_process(store())


def labelset() -> LabelSet:
    """The project's label set (cached by the scheme module, reloaded when the file changes)."""
    return default_labelset()


def registry() -> ActorRegistry:
    return default_registry()


def label_bar(labels: LabelSet) -> list[dict]:
    """The label bar of the span component, straight from the label set."""
    return [{"name": label.name, "color": label.color, "hotkeys": label.hotkeys} for label in labels.labels]
