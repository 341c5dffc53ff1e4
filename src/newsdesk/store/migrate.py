"""Schema migrations (Alembic), run by `Store` when it opens a database.

A new database is created by running every migration; a store made by a release
before migrations (tables, no `alembic_version`) is stamped at the baseline (0001, the
schema `create_all` made then) and upgraded, so its data is kept. The caller holds the
schema lock (a PostgreSQL advisory lock, SQLite's write lock) on `conn`.
"""

from __future__ import annotations

import functools
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

BASELINE = "0001"


def _config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("newsdesk.store") / "migrations"))
    cfg.attributes["connection"] = conn
    return cfg


@functools.cache
def head() -> str:
    """The newest revision this release knows."""
    script = ScriptDirectory.from_config(_config(None))  # type: ignore[arg-type]
    return script.get_current_head() or BASELINE


def current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(conn: Connection) -> None:
    """Bring the schema on `conn` to the newest revision, keeping every row."""
    if current(conn) == head():
        return
    cfg = _config(conn)
    if current(conn) is None and inspect(conn).has_table("articles"):
        command.stamp(cfg, BASELINE)  # made by create_all before migrations existed
    command.upgrade(cfg, "head")
