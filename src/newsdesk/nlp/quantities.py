"""Quantity extraction (placeholder until the extractor lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..records import Quantity

if TYPE_CHECKING:
    from spacy.tokens import Doc


def extract_quantities(doc: Doc) -> tuple[Quantity, ...]:
    return ()
