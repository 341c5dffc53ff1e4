"""Time expressions (placeholder until the extractor lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..records import TimeRef

if TYPE_CHECKING:
    from spacy.tokens import Doc


def extract_timexes(text: str, dct: str | None, doc: Doc | None = None) -> tuple[TimeRef, ...]:
    return ()
