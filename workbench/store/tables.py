"""The store's tables (SQLAlchemy Core). Migrations in ``migrations/versions`` create exactly these.

- ``documents``: the current version of each document (``doc_id``), with its text and record; ``stage`` is
  ``annotation`` until every assignee marked it done, then ``review`` (reviewers see everyone's spans), then
  ``final`` once adjudicated.
- ``document_texts``: every text a document ever had, keyed by ``doc_id`` + ``text_sha256`` (re-anchoring and
  flagged spans refer to the old text).
- ``users``: name, role (annotator / reviewer / admin), argon2 password hash, ``active`` (a disabled user
  cannot log in and their sessions end), ``demo`` (a sample account of ``make run``), when the password was
  last changed and when the user last logged in.
- ``sessions``: browser sessions (migration 0002). Only the sha256 of the cookie's random token is kept, and of
  the one-time code that hands it to the browser; each session expires and ends on log-out or when its user is
  disabled.
- ``login_throttle``: failed log-ins per account name and per client, with the time until which further
  attempts are refused (the growing delay).
- ``assignments``: which annotator works on which document, with status (not_started / in_progress / done).
- ``annotations``: the current state of every span. ``layer`` is ``annotation`` (an annotator's own work),
  ``gold`` (adjudicated by reviewers) or ``suggestion`` (machine proposals, with ``suggested_by``). Deleted
  spans stay with ``deleted`` set so an undo restores them under the same id. ``version`` grows by one on every
  change (optimistic concurrency). ``anchor`` is ``ok``, ``reanchored`` or ``needs_review`` (text changed and
  the span could not be found again unambiguously). ``review`` is null, ``accepted`` or ``rejected``.
- ``events``: the append-only log. Every create, update, delete, restore, accept, reject, re-anchor, flag and
  status change, with who, when and the record before and after. Database triggers refuse UPDATE and DELETE.

Objects outside this metadata (migration 0003): the queue's text search, an FTS5 table ``documents_fts`` kept
in step by triggers on SQLite and a GIN index ``ix_documents_text_search`` on PostgreSQL; and, on PostgreSQL,
the one-round-trip save and delete functions ``newsspan_save_annotation`` / ``newsspan_delete_annotation``.
"""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

JSONType = JSON().with_variant(JSONB(), "postgresql")
EventId = BigInteger().with_variant(Integer(), "sqlite")  # INTEGER PRIMARY KEY = rowid on SQLite

ROLES = ("annotator", "reviewer", "admin")
LAYERS = ("annotation", "gold", "suggestion")
STAGES = ("annotation", "review", "final")
STATUSES = ("not_started", "in_progress", "done")
# Search objects the migrations make beside these tables (the schema check in tests/test_store.py skips them).
SEARCH_OBJECTS = ("documents_fts", "ix_documents_text_search")

documents = Table(
    "documents",
    metadata,
    Column("doc_id", String(16), primary_key=True),
    Column("text_sha256", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("record", JSONType, nullable=False),  # the document record without text/raw_text
    Column("release_version", String(32)),
    Column("stage", String(16), nullable=False, server_default="annotation"),
    Column("loaded_at", String(32), nullable=False),
    # Copied from the record when a document is loaded, for the queue's search, sort and filters:
    # ``title`` is ``corpus.documents.display_title`` (the record's title, else the text's first sentence).
    Column("title", String(512)),
    Column("source_id", String(256)),
    Column("story_id", String(256)),
    # A stable integer per document: the rowid of its entry in the SQLite full-text index (see below).
    Column("search_id", Integer),
    Index("ix_documents_story", "story_id"),
    Index("ux_documents_search_id", "search_id", unique=True),
)

document_texts = Table(
    "document_texts",
    metadata,
    Column("doc_id", String(16), ForeignKey("documents.doc_id"), primary_key=True),
    Column("text_sha256", String(64), primary_key=True),
    Column("text", Text, nullable=False),
    Column("release_version", String(32)),
    Column("loaded_at", String(32), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("created_at", String(32), nullable=False),
    Column("demo", Boolean, nullable=False, server_default=false()),
    Column("password_changed_at", String(32)),
    Column("last_login_at", String(32)),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("token_hash", String(64)),  # sha256 of the cookie's token; null until the browser has the cookie
    Column("handoff_hash", String(64)),  # sha256 of the one-time code that puts the token in the cookie
    Column("handoff_expires_at", String(32)),
    Column("client", String(128), nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("last_seen_at", String(32), nullable=False),
    Column("ended_at", String(32)),
    Column("ended_reason", String(16)),  # logout, disabled, password, role
    Index("ux_sessions_token", "token_hash", unique=True),
    Index("ux_sessions_handoff", "handoff_hash", unique=True),
    Index("ix_sessions_user", "user_id"),
)

login_throttle = Table(
    "login_throttle",
    metadata,
    Column("scope", String(16), primary_key=True),  # account or client
    Column("key", String(256), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", String(32), nullable=False),
    Column("blocked_until", String(32), nullable=False),
)

assignments = Table(
    "assignments",
    metadata,
    Column("doc_id", String(16), ForeignKey("documents.doc_id"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("status", String(16), nullable=False, server_default="not_started"),
    Column("assigned_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Index("ix_assignments_user", "user_id", "position"),
    Index("ix_assignments_user_status", "user_id", "status", "position"),
)

# How many assignments each user has per status: kept by database triggers on ``assignments`` (migration 0004),
# so the queue's status counts cost the same for any queue size. Never written by Python code.
assignment_counts = Table(
    "assignment_counts",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("status", String(16), primary_key=True),
    Column("n", Integer, nullable=False),
)

annotations = Table(
    "annotations",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("doc_id", String(16), ForeignKey("documents.doc_id"), nullable=False),
    Column("layer", String(16), nullable=False),
    Column("annotator", String(128), nullable=False),
    Column("suggested_by", String(128)),
    Column("label", String(64), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("record", JSONType, nullable=False),  # the full annotation record (scheme format)
    Column("version", Integer, nullable=False),
    Column("deleted", Boolean, nullable=False, server_default=false()),
    Column("anchor", String(16), nullable=False, server_default="ok"),
    Column("review", String(16)),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("updated_by", String(128), nullable=False),
    Index("ix_annotations_doc_layer_annotator", "doc_id", "layer", "annotator"),
    # One annotator (or gold) marks a (start, end, label) once: the last guard behind the store's own check
    # (``workbench.store.validation.duplicate_problem``), for concurrent saves on PostgreSQL.
    Index(
        "ux_annotations_position",
        "doc_id",
        "layer",
        "annotator",
        "start",
        "end",
        "label",
        unique=True,
        sqlite_where=text("deleted = 0 AND layer <> 'suggestion'"),
        postgresql_where=text("NOT deleted AND layer <> 'suggestion'"),
    ),
)

events = Table(
    "events",
    metadata,
    Column("id", EventId, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("doc_id", String(16), nullable=False),
    Column("annotation_id", String(128)),
    Column("layer", String(16)),
    Column("version", Integer),  # the annotation's version after the event
    Column("before", JSONType),
    Column("after", JSONType),
    Column("undoes", EventId),  # the event this one reverses (undo)
    Column("source", String(256)),  # e.g. "import:file.jsonl", "release:0.2.0"
    Index("ix_events_annotation", "annotation_id", "id"),
    Index("ix_events_doc_actor", "doc_id", "actor", "id"),
    Index("ix_events_actor", "actor", "id"),  # each user's latest change (progress per annotator)
    Index("ix_events_undoes", "undoes"),
)

# Background jobs (migration 0004): what an admin started on the Jobs page, which app process runs it
# (``runner``: host, pid and a token of that process), its ``state`` (running, done, failed, interrupted), its
# progress and its summary (``result``) or user-facing ``error``. One running job per kind.
JOB_STATES = ("running", "done", "failed", "interrupted")
jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("params", JSONType, nullable=False),
    Column("started_by", String(128), nullable=False),
    Column("runner", String(256), nullable=False),
    Column("state", String(16), nullable=False),
    Column("done", Integer, nullable=False, server_default="0"),
    Column("total", Integer),
    Column("message", Text, nullable=False, server_default=""),
    Column("result", JSONType),
    Column("error", Text),
    Column("started_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Index("ix_jobs_started", "started_at"),
    Index(
        "ux_jobs_running_kind",
        "kind",
        unique=True,
        sqlite_where=text("state = 'running'"),
        postgresql_where=text("state = 'running'"),
    ),
)

# Active ordering (migration 0005): how unsure the span model was about each document (0 sure .. 1 undecided),
# written by the ``model`` recommender, and the project's settings (admins change them), e.g. whether queues
# are ordered by that uncertainty.
document_scores = Table(
    "document_scores",
    metadata,
    Column("doc_id", String(16), ForeignKey("documents.doc_id"), primary_key=True),
    Column("model_id", String(64), nullable=False),
    Column("uncertainty", Float, nullable=False),
    Column("scored_at", String(32), nullable=False),
)

project_settings = Table(
    "project_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", JSONType, nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("updated_by", String(128), nullable=False),
)
