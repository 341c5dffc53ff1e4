"""Quote and speaker extraction (placeholder until the extractor lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..records import Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc


def extract_quotes(doc: Doc) -> tuple[Quote, ...]:
    return ()
