"""Shared fixtures. Nothing here touches the network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from _pg import PostgresServer, running_server, unavailable

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("../shared/seeds is absent")
    return path


@pytest.fixture(scope="session")
def bench_data() -> Path:
    path = SHARED / "bench"
    if not path.is_dir():
        pytest.skip("../shared/bench is absent")
    return path


@pytest.fixture(scope="session")
def nlp():
    """The pinned spaCy model, loaded once per test session."""
    from newsdesk.nlp.pipeline import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for this test session (skips with the reason when it cannot start)."""
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    with running_server() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of a fresh, empty database on the test server."""
    return postgres_server.database()
