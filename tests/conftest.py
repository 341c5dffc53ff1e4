"""Shared fixtures. Nothing here touches the network."""

from __future__ import annotations

from pathlib import Path

import pytest

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
