"""The annotation store: accounts, assignments, annotations with an append-only history.

``open_store()`` gives the process-wide ``Store`` (schema upgraded on open). Every method takes the acting
``User`` and checks access; errors are ``NewsspanError`` subclasses (see ``workbench.store.errors``).
"""

from __future__ import annotations

from sqlalchemy import Engine

from workbench.store.assignments import AssignmentsMixin, AssignReport, summarize_progress
from workbench.store.base import CLI_USER, User, scheme_record
from workbench.store.completeness import IncompleteSpans
from workbench.store.documents import DocumentsMixin, LoadReport
from workbench.store.engine import database_url, get_engine
from workbench.store.errors import (
    AccessDenied,
    ConflictError,
    ImportFailed,
    LoginRefused,
    NotFound,
    ValidationFailed,
    WeakPassword,
)
from workbench.store.exports import ExportsMixin
from workbench.store.feedback import FeedbackMixin
from workbench.store.gold import GoldMixin, GoldReport
from workbench.store.imports import ImportReport, ImportsMixin
from workbench.store.jobs import JobsMixin
from workbench.store.learning import LearningMixin
from workbench.store.migrate import upgrade
from workbench.store.review import ReviewMixin
from workbench.store.sessions import Session, SessionsMixin
from workbench.store.validation import Validator

__all__ = [
    "CLI_USER",
    "AccessDenied",
    "AssignReport",
    "ConflictError",
    "GoldReport",
    "ImportFailed",
    "ImportReport",
    "IncompleteSpans",
    "LoadReport",
    "LoginRefused",
    "NotFound",
    "Session",
    "Store",
    "User",
    "ValidationFailed",
    "WeakPassword",
    "database_url",
    "open_store",
    "scheme_record",
    "summarize_progress",
]


class Store(
    SessionsMixin,
    AssignmentsMixin,
    DocumentsMixin,
    ImportsMixin,
    ExportsMixin,
    GoldMixin,
    ReviewMixin,
    JobsMixin,
    FeedbackMixin,
    LearningMixin,
):
    """The store's whole Python API over one engine. Build it with ``open_store`` (or ``Store(engine)`` on an
    engine whose schema is already upgraded)."""

    def __init__(self, engine: Engine, *, validator: Validator | None = None) -> None:
        super().__init__(engine)
        self.validate = validator or Validator()


def open_store(url: str | None = None) -> Store:
    """The store at ``url`` (default ``NEWSSPAN_DB_URL`` or the project's SQLite file), upgraded to the newest
    schema. Uses the process-wide engine, so call it freely (the app caches it with ``st.cache_resource``)."""
    engine = get_engine(url)
    upgrade(engine)
    return Store(engine)
