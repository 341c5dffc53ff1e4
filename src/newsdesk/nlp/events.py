"""Dated events (placeholder until the extractor lands)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..records import Event, TimeRef

if TYPE_CHECKING:
    from spacy.tokens import Doc


def extract_events(doc: Doc, timexes: Sequence[TimeRef]) -> tuple[Event, ...]:
    return ()
