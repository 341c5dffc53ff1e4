"""Persistent store: SQLite by default, PostgreSQL by URL (extra `[postgres]`)."""

from __future__ import annotations

from .codec import from_data, from_json, to_data, to_json
from .protocols import BlobStore, StageStore
from .repository import DEFAULT_URL, Store, StorySummary, make_engine

__all__ = [
    "DEFAULT_URL",
    "BlobStore",
    "StageStore",
    "Store",
    "StorySummary",
    "from_data",
    "from_json",
    "make_engine",
    "to_data",
    "to_json",
]
