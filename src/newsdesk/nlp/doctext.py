"""One `Doc.text` per parsed article.

spaCy rebuilds `Doc.text` by joining every token on each access (about a
millisecond for an article), and the extractors each need it; the first
answer is kept in the doc's `user_data` (a doc's text never changes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

_KEY = ("newsdesk", "text")


def known_text(doc: Doc, text: str) -> Doc:
    """`doc` with `text` noted as its text (the caller built the doc from it)."""
    doc.user_data[_KEY] = text
    return doc


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once per doc."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text
