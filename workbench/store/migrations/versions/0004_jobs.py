"""Background jobs: what an admin started from the Jobs page (suggestions, releases), with progress and result.

* ``jobs``: one row per job: its kind and parameters, who started it and which app process runs it, its state
  (``running``, ``done``, ``failed``, ``interrupted``), progress (``done`` of ``total``, a message), and the
  summary or the user-facing error when it ended. A unique partial index allows one running job per kind.
* ``assignment_counts``: how many assignments each user has per status, kept by triggers on ``assignments``
  (insert, delete, a change of status or user) whichever code writes them, the PostgreSQL save function
  included; filled from the assignments already stored. The queue reads its status counts here instead of
  counting the user's assignments, so they cost the same for 5 or 100,000 documents.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


# One statement per trigger body: SQLite's triggers run them in order; PostgreSQL's trigger function below.
_SQLITE_BUMP = """
    INSERT INTO assignment_counts (user_id, status, n) VALUES ({row}.user_id, {row}.status, {delta})
    ON CONFLICT (user_id, status) DO UPDATE SET n = n + {delta};"""
SQLITE_TRIGGERS = (
    "CREATE TRIGGER assignment_counts_insert AFTER INSERT ON assignments BEGIN"
    + _SQLITE_BUMP.format(row="NEW", delta=1)
    + " END",
    "CREATE TRIGGER assignment_counts_delete AFTER DELETE ON assignments BEGIN"
    + _SQLITE_BUMP.format(row="OLD", delta=-1)
    + " END",
    "CREATE TRIGGER assignment_counts_update AFTER UPDATE OF status, user_id ON assignments"
    " WHEN OLD.status IS NOT NEW.status OR OLD.user_id IS NOT NEW.user_id BEGIN"
    + _SQLITE_BUMP.format(row="OLD", delta=-1)
    + _SQLITE_BUMP.format(row="NEW", delta=1)
    + " END",
)
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION newsspan_assignment_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO assignment_counts (user_id, status, n) VALUES (OLD.user_id, OLD.status, -1)
        ON CONFLICT (user_id, status) DO UPDATE SET n = assignment_counts.n - 1;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO assignment_counts (user_id, status, n) VALUES (NEW.user_id, NEW.status, 1)
        ON CONFLICT (user_id, status) DO UPDATE SET n = assignment_counts.n + 1;
    END IF;
    RETURN NULL;
END $$
"""
PG_TRIGGERS = (
    "CREATE TRIGGER assignment_counts_insert_delete AFTER INSERT OR DELETE ON assignments"
    " FOR EACH ROW EXECUTE FUNCTION newsspan_assignment_counts()",
    "CREATE TRIGGER assignment_counts_update AFTER UPDATE OF status, user_id ON assignments FOR EACH ROW"
    " WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.user_id IS DISTINCT FROM NEW.user_id)"
    " EXECUTE FUNCTION newsspan_assignment_counts()",
)


def _assignment_counts() -> None:
    op.create_table(
        "assignment_counts",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("status", sa.String(16), primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO assignment_counts (user_id, status, n)"
        " SELECT user_id, status, count(*) FROM assignments GROUP BY user_id, status"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("params", JSONType, nullable=False),
        sa.Column("started_by", sa.String(128), nullable=False),
        sa.Column("runner", sa.String(256), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("total", sa.Integer),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("result", JSONType),
        sa.Column("error", sa.Text),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
    )
    op.create_index("ix_jobs_started", "jobs", ["started_at"])
    op.create_index(
        "ux_jobs_running_kind",
        "jobs",
        ["kind"],
        unique=True,
        sqlite_where=sa.text("state = 'running'"),
        postgresql_where=sa.text("state = 'running'"),
    )
    _assignment_counts()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER assignment_counts_update ON assignments")
        op.execute("DROP TRIGGER assignment_counts_insert_delete ON assignments")
        op.execute("DROP FUNCTION newsspan_assignment_counts()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER assignment_counts_{name}")
    op.drop_table("assignment_counts")
    op.drop_index("ux_jobs_running_kind", table_name="jobs")
    op.drop_index("ix_jobs_started", table_name="jobs")
    op.drop_table("jobs")
