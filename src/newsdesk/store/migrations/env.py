"""Alembic environment: always run with the connection `Store` passes in (no ini file, no URL)."""

from __future__ import annotations

from alembic import context

from newsdesk.store.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
