"""Accounts and sessions: demo accounts, password and log-in times, browser sessions, log-in throttling.

* ``users`` gets ``demo`` (a sample account of ``make run``), ``password_changed_at`` and ``last_login_at``.
* ``sessions``: one row per browser session; only the sha256 of the cookie's token and of the one-time handoff
  code are stored.
* ``login_throttle``: failed log-ins per account name and per client, and until when attempts are refused.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("users", sa.Column("password_changed_at", sa.String(32)))
    op.add_column("users", sa.Column("last_login_at", sa.String(32)))
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("token_hash", sa.String(64)),
        sa.Column("handoff_hash", sa.String(64)),
        sa.Column("handoff_expires_at", sa.String(32)),
        sa.Column("client", sa.String(128), nullable=False, server_default=""),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
        sa.Column("last_seen_at", sa.String(32), nullable=False),
        sa.Column("ended_at", sa.String(32)),
        sa.Column("ended_reason", sa.String(16)),
    )
    op.create_index("ux_sessions_token", "sessions", ["token_hash"], unique=True)
    op.create_index("ux_sessions_handoff", "sessions", ["handoff_hash"], unique=True)
    op.create_index("ix_sessions_user", "sessions", ["user_id"])
    op.create_table(
        "login_throttle",
        sa.Column("scope", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(256), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", sa.String(32), nullable=False),
        sa.Column("blocked_until", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    op.drop_index("ix_sessions_user", table_name="sessions")
    op.drop_index("ux_sessions_handoff", table_name="sessions")
    op.drop_index("ux_sessions_token", table_name="sessions")
    op.drop_table("sessions")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_login_at")
        batch.drop_column("password_changed_at")
        batch.drop_column("demo")
