"""The store contract (test_store.py) against a real PostgreSQL server started by the fixture."""

from __future__ import annotations

import pytest

from newsdesk.store import Store

try:  # tests/ as a package (tests/__init__.py) or as a plain folder on sys.path
    from .test_store import StoreContract, article
except ImportError:
    from test_store import StoreContract, article

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


class TestPostgresStore(StoreContract):
    @pytest.fixture
    def url(self, postgres_url: str) -> str:
        return postgres_url

    def test_bare_postgresql_url_uses_psycopg(self, postgres_url: str) -> None:
        bare = postgres_url.replace("postgresql+psycopg://", "postgresql://")
        with Store(bare) as store:
            assert store.engine.dialect.driver == "psycopg"
            assert store.put_article(article(1))

    def test_two_stores_share_one_database(self, postgres_url: str) -> None:
        with Store(postgres_url) as one, Store(postgres_url) as two:
            assert one.put_article(article(1))
            assert two.put_article(article(1)) is False
            assert two.get_article("a00001") == article(1)


def test_the_store_lock_serializes_writers_on_postgres(postgres_url: str) -> None:
    """The advisory lock: three processes incrementing one blob lose no update."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    try:
        from .test_concurrent_writers import _COUNTER
    except ImportError:
        from test_concurrent_writers import _COUNTER

    root = Path(__file__).resolve().parents[1]
    Store(postgres_url).close()
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    procs = [
        subprocess.Popen([sys.executable, "-c", _COUNTER, postgres_url, "10"], env=env) for _ in range(3)
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0
    with Store(postgres_url) as store:
        assert store.load_blob("counter") == b"30"
