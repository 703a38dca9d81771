"""Alembic environment for the store. Run programmatically by ``workbench.store.migrate.upgrade(engine)``,
which passes its open connection in ``config.attributes["connection"]``."""

from __future__ import annotations

from alembic import context

from workbench.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the store always passes a connection
    raise RuntimeError("run migrations through workbench.store.migrate.upgrade(engine)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
