"""Active ordering: each document's model uncertainty, and project settings.

* ``document_scores``: how unsure the span model was about each document (``uncertainty``, 0 sure .. 1 undecided),
  which model said so and when; written when the ``model`` recommender suggests. The queue orders by it when
  the project asks to.
* ``project_settings``: one row per setting (``key``, JSON ``value``), changed by admins only, e.g.
  ``queue_order_uncertainty``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "document_scores",
        sa.Column("doc_id", sa.String(16), sa.ForeignKey("documents.doc_id"), primary_key=True),
        sa.Column("model_id", sa.String(64), nullable=False),
        sa.Column("uncertainty", sa.Float, nullable=False),
        sa.Column("scored_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "project_settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", JSONType, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("project_settings")
    op.drop_table("document_scores")
