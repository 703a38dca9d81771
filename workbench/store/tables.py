"""The store's tables (SQLAlchemy Core). Migrations in ``migrations/versions`` create exactly these.

- ``documents``: the current version of each document (``doc_id``), with its text and record; ``stage`` is
  ``annotation`` until every assignee marked it done, then ``review`` (reviewers see everyone's spans), then
  ``final`` once adjudicated.
- ``document_texts``: every text a document ever had, keyed by ``doc_id`` + ``text_sha256`` (re-anchoring and
  flagged spans refer to the old text).
- ``users``: name, role (annotator / reviewer / admin), argon2 password hash.
- ``assignments``: which annotator works on which document, with status (not_started / in_progress / done).
- ``annotations``: the current state of every span. ``layer`` is ``annotation`` (an annotator's own work),
  ``gold`` (adjudicated by reviewers) or ``suggestion`` (machine proposals, with ``suggested_by``). Deleted
  spans stay with ``deleted`` set so an undo restores them under the same id. ``version`` grows by one on every
  change (optimistic concurrency). ``anchor`` is ``ok``, ``reanchored`` or ``needs_review`` (text changed and
  the span could not be found again unambiguously). ``review`` is null, ``accepted`` or ``rejected``.
- ``events``: the append-only log. Every create, update, delete, restore, accept, reject, re-anchor, flag and
  status change, with who, when and the record before and after. Database triggers refuse UPDATE and DELETE.
"""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
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
    Index("ix_events_undoes", "undoes"),
)
