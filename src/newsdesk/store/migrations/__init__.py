"""Alembic migrations of the store schema (applied by `Store` on open; see `migrate.py`)."""
