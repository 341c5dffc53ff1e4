"""RSS/Atom feeds (feedparser): one article per entry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.sax import SAXException

import feedparser

from ..records import ProcessingError, RawDoc
from .jsonl import looks_like_html
from .sources import STAGE

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _entry_content(entry: Any) -> tuple[str, bool]:
    """content:encoded / Atom content first, then the summary; whether it is HTML."""
    for item in entry.get("content") or ():
        value = item.get("value") or ""
        if value.strip():
            return value, item.get("type", "") in _HTML_TYPES or looks_like_html(value)
    summary = entry.get("summary") or ""
    detail = entry.get("summary_detail") or {}
    return summary, (detail.get("type", "") in _HTML_TYPES and ("<" in summary)) or looks_like_html(summary)


def read_feed(path: str, data: bytes) -> Iterator[RawDoc | ProcessingError]:
    """Entries of a feed; a feed that cannot be parsed into entries is refused."""
    parsed = feedparser.parse(data)
    if not parsed.entries:
        why = f": {parsed.get('bozo_exception')}" if parsed.get("bozo") else ""
        yield ProcessingError(path, STAGE, f"broken or empty feed, no entries{why}")
        return
    feed_title = (parsed.feed.get("title") or "").strip() or None
    encoding = parsed.get("encoding") or "utf-8"
    for i, entry in enumerate(parsed.entries, 1):
        locator = entry.get("id") or entry.get("link") or f"entry {i}"
        content, is_html = _entry_content(entry)
        if not content.strip():
            yield ProcessingError(path, STAGE, f"entry {i}: no content or summary", record=locator)
            continue
        authors = tuple(a.get("name", "").strip() for a in entry.get("authors") or () if a.get("name"))
        if not authors and entry.get("author"):
            authors = (entry["author"].strip(),)
        # Plain dict reads: feedparser's .get() aliases a missing `published` to `updated` with a warning.
        dates = {k: v for k, v in entry.items() if k in ("published", "updated") and v}
        published = dates.get("published") or dates.get("updated")
        extra: tuple[tuple[str, Any], ...] = ()
        if "published" in dates and "updated" in dates:
            extra = (("updated", dates["updated"]),)
        yield RawDoc(
            path=path,
            fmt="feed",
            content=content,
            locator=locator,
            content_is_html=bool(is_html),
            encoding=encoding,
            url=entry.get("link"),
            title=(entry.get("title") or "").strip() or None,
            published=published,
            source=feed_title,
            authors=authors,
            extra=extra,
        )
    if isinstance(parsed.get("bozo_exception"), SAXException):
        yield ProcessingError(
            path, STAGE, f"malformed feed after {len(parsed.entries)} entries: {parsed['bozo_exception']}"
        )
