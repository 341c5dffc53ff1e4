"""Plain-text crawler exports: the whole file is one article; clean parses its header."""

from __future__ import annotations

from collections.abc import Iterator

from ..records import ProcessingError, RawDoc
from .sources import decode


def read_text(path: str, data: bytes) -> Iterator[RawDoc | ProcessingError]:
    """One RawDoc for a text file (decoding errors propagate as ValueError)."""
    decoded = decode(data)
    yield RawDoc(path=path, fmt="txt", content=decoded.text, encoding=decoded.encoding)
