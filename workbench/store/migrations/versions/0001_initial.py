"""The initial store: documents, texts, users, assignments, annotations and the append-only event log.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
EventId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("doc_id", sa.String(16), primary_key=True),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("record", JSONType, nullable=False),
        sa.Column("release_version", sa.String(32)),
        sa.Column("stage", sa.String(16), nullable=False, server_default="annotation"),
        sa.Column("loaded_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "document_texts",
        sa.Column("doc_id", sa.String(16), sa.ForeignKey("documents.doc_id"), primary_key=True),
        sa.Column("text_sha256", sa.String(64), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("release_version", sa.String(32)),
        sa.Column("loaded_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "assignments",
        sa.Column("doc_id", sa.String(16), sa.ForeignKey("documents.doc_id"), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="not_started"),
        sa.Column("assigned_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_assignments_user", "assignments", ["user_id", "position"])
    op.create_table(
        "annotations",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("doc_id", sa.String(16), sa.ForeignKey("documents.doc_id"), nullable=False),
        sa.Column("layer", sa.String(16), nullable=False),
        sa.Column("annotator", sa.String(128), nullable=False),
        sa.Column("suggested_by", sa.String(128)),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("record", JSONType, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("anchor", sa.String(16), nullable=False, server_default="ok"),
        sa.Column("review", sa.String(16)),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
    )
    op.create_index("ix_annotations_doc_layer_annotator", "annotations", ["doc_id", "layer", "annotator"])
    op.create_table(
        "events",
        sa.Column("id", EventId, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("doc_id", sa.String(16), nullable=False),
        sa.Column("annotation_id", sa.String(128)),
        sa.Column("layer", sa.String(16)),
        sa.Column("version", sa.Integer),
        sa.Column("before", JSONType),
        sa.Column("after", JSONType),
        sa.Column("undoes", EventId),
        sa.Column("source", sa.String(256)),
    )
    op.create_index("ix_events_annotation", "events", ["annotation_id", "id"])
    op.create_index("ix_events_doc_actor", "events", ["doc_id", "actor", "id"])
    op.create_index("ix_events_undoes", "events", ["undoes"])
    # The event log is append-only: the database itself refuses UPDATE and DELETE on it.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION newsspan_events_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'the event log is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION newsspan_events_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events "
                "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP FUNCTION IF EXISTS newsspan_events_append_only()")
    for name in ("events", "annotations", "assignments", "users", "document_texts", "documents"):
        op.drop_table(name)
