"""A store made before migrations existed opens under this release with its data kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from newsdesk.store import Store, migrate
from newsdesk.store.models import Base

try:
    from .test_store import article
except ImportError:
    from test_store import article


def _check_upgrade(url: str) -> None:
    engine = create_engine(url)
    later = {"dedup_docs", "dedup_keys"}  # made by migration 0003, not by the create_all of old releases
    tables = [t for t in Base.metadata.sorted_tables if t.name not in later]
    with engine.begin() as conn:
        for table in tables:
            table.create(conn, checkfirst=True)
        conn.execute(text("DROP INDEX IF EXISTS ix_stories_last_seen"))
        conn.execute(
            text(
                "INSERT INTO articles (id, path, title, source, published, text, data) VALUES "
                "('a-old', 'old.txt', 't', NULL, NULL, 'old text', '{}')"
            )
        )
    engine.dispose()
    with Store(url) as store:
        with store.engine.connect() as conn:
            assert migrate.current(conn) == migrate.head()
            assert "ix_stories_last_seen" in {i["name"] for i in inspect(conn).get_indexes("stories")}
            assert later <= set(inspect(conn).get_table_names())
            assert conn.execute(text("SELECT text FROM articles WHERE id = 'a-old'")).scalar() == "old text"
        assert store.put_article(article(1))
    with Store(url) as again:  # opening a current store changes nothing
        assert "a00001" in again.article_ids()


def test_a_sqlite_store_from_before_migrations_is_upgraded_with_its_data(tmp_path: Path) -> None:
    _check_upgrade(f"sqlite:///{tmp_path / 'old.db'}")


def test_a_new_store_is_made_by_the_migrations(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'new.db'}") as store, store.engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
        assert set(Base.metadata.tables) <= set(inspect(conn).get_table_names())


@pytest.mark.postgres
@pytest.mark.slow
def test_a_postgres_store_from_before_migrations_is_upgraded_with_its_data(postgres_url: str) -> None:
    _check_upgrade(postgres_url)
