"""A store made before migrations existed opens under this release with its data kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from newsdesk.records import Flag
from newsdesk.store import Store, codec, migrate
from newsdesk.store.models import Base

try:
    from .test_store import article
except ImportError:
    from test_store import article


def _check_upgrade(url: str) -> None:
    engine = create_engine(url)
    later = {"dedup_docs", "dedup_keys", "article_flags"}  # made by migrations 0003 and 0004
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
        # Warnings as releases before 0004 kept them: two blobs of every article's, the pipeline's
        # with the signature of its last report's inputs (it wins where both have an article).
        old, newer = (codec.to_data(Flag("missing_date", "warning", m)) for m in ("served", "reported"))
        blobs = {
            "article-flags": {"signature": "sig-1", "flags": {"a-old": [newer], "a-gone": [newer]}},
            "serve-article-flags": {"a-old": [old]},
        }
        for name, data in blobs.items():
            conn.execute(
                text("INSERT INTO blobs (name, data) VALUES (:n, :d)"),
                {"n": name, "d": json.dumps(data).encode()},
            )
    engine.dispose()
    with Store(url) as store:
        with store.engine.connect() as conn:
            assert migrate.current(conn) == migrate.head()
            assert "ix_stories_last_seen" in {i["name"] for i in inspect(conn).get_indexes("stories")}
            assert later <= set(inspect(conn).get_table_names())
            assert conn.execute(text("SELECT text FROM articles WHERE id = 'a-old'")).scalar() == "old text"
        # the warnings are rows now, of stored articles only; the signature stays, the copy goes
        assert store.get_flags() == {"a-old": (Flag("missing_date", "warning", "reported"),)}
        assert json.loads(store.load_blob("article-flags") or b"") == {"signature": "sig-1"}
        assert store.load_blob("serve-article-flags") is None
        assert store.search_articles(["old"]) == ["a-old"]  # the articles already stored are indexed
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
