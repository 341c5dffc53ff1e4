"""What the stateful stages need of a store, as typed protocols.

`Store` (SQLAlchemy: SQLite or PostgreSQL) is the implementation; a stage that takes a
`StageStore` works with anything that keeps these promises (a test double, another
database). Each method's contract is the one documented on `Store`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..records import DuplicateInfo

if TYPE_CHECKING:
    from .repository import Postings


@runtime_checkable
class BlobStore(Protocol):
    """Named state of a stage (the clusterer's parts, story events, caches)."""

    def load_blob(self, name: str) -> bytes | None: ...

    def load_blobs(self, prefix: str) -> list[tuple[str, bytes]]: ...

    def blob_names(self, prefix: str) -> list[str]: ...

    def save_blob(self, name: str, data: bytes) -> None: ...

    def write_blobs(self, blobs: Mapping[str, bytes], drop: Iterable[str] = ()) -> None: ...

    def delete_blobs(self, names: Iterable[str]) -> None: ...


@runtime_checkable
class StageStore(BlobStore, Protocol):
    """What copy detection and story assignment read and write: a lock for one read-change-write
    against other writers, the copy detector's rows, copies and story assignments."""

    def lock(self, name: str = "stage-state") -> AbstractContextManager[None]: ...

    def dedup_seen(self, article_ids: Sequence[str]) -> set[str]: ...

    def dedup_texts(self, text_keys: Sequence[str]) -> tuple[dict[str, int], dict[str, str]]: ...

    def dedup_postings(self, kind: int, keys: Sequence[int], cap: int) -> tuple[Postings, set[int]]: ...

    def dedup_docs(self, docs: Sequence[int]) -> list[tuple[int, str, bytes]]: ...

    def dedup_next_doc(self) -> int: ...

    def dedup_append(
        self, parts: Iterable[tuple[Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]]]
    ) -> None: ...

    def put_duplicates(self, infos: Iterable[DuplicateInfo]) -> None: ...

    def get_duplicates(self, article_ids: Iterable[str] | None = None) -> dict[str, DuplicateInfo]: ...

    def set_stories(self, assignments: Mapping[str, str]) -> None: ...


__all__ = ["BlobStore", "StageStore"]
