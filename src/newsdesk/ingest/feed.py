"""RSS/Atom feeds (feedparser): one article per entry."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any
from xml.sax import SAXException

import feedparser

from ..records import ProcessingError, RawDoc
from .jsonl import looks_like_html
from .sources import STAGE, short

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# feedparser runs regular expressions over metadata text that backtrack quadratically on long
# values (its author e-mail pattern: 15 s for a 50,000-character dc:creator). Text of a metadata
# element longer than this is dropped before feedparser sees the feed (one error says how many);
# no real author, date, title or id comes near it. Content elements are not touched.
MAX_FEED_FIELD_BYTES = 4_096
_META_OPEN = re.compile(
    rb"<(?:[A-Za-z_][\w.-]{0,40}:)?(?:author|creator|contributor|name|email|managingeditor|webmaster|publisher"
    rb"|pubdate|published|updated|date|issued|modified|created|lastbuilddate|expirationdate|title|subtitle"
    rb"|category|guid|id|uri)(?:\s[^<>]{0,2000})?>",
    re.IGNORECASE,
)
_CDATA = b"<![CDATA["


def _cap_fields(data: bytes) -> tuple[bytes, int]:
    """The feed with every over-long metadata text run (or CDATA section) removed; how many.

    A scan for the opening tags and the text right after each, not a parse: it works the same
    on the malformed feeds feedparser's loose parser accepts, and is linear in the input.
    """
    pieces: list[bytes] = []
    last = 0
    cut = 0
    for m in _META_OPEN.finditer(data):
        start = m.end()
        if start < last:  # inside a run already removed
            continue
        if data.startswith(_CDATA, start):
            end = data.find(b"]]>", start + len(_CDATA))
            end = len(data) if end < 0 else end + 3
        else:
            end = data.find(b"<", start)
            end = len(data) if end < 0 else end
        if end - start > MAX_FEED_FIELD_BYTES:
            pieces.append(data[last:start])
            last = end
            cut += 1
    if not cut:
        return data, 0
    pieces.append(data[last:])
    return b"".join(pieces), cut


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
    """Entries of a feed; a feed that cannot be parsed into entries is refused.

    Warnings feedparser (or the parsers under it) emits are reported as errors, cut short.
    """
    data, n_cut = _cap_fields(data)
    if n_cut:
        yield ProcessingError(
            path,
            STAGE,
            f"{n_cut} metadata field(s) (author, date, title, id ...) longer than "
            f"{MAX_FEED_FIELD_BYTES:,} bytes; dropped before parsing",
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parsed = feedparser.parse(data)
    for w in caught:
        yield ProcessingError(path, STAGE, short(f"feedparser: {w.category.__name__}: {w.message}"))
    if not parsed.entries:
        why = f": {parsed.get('bozo_exception')}" if parsed.get("bozo") else ""
        yield ProcessingError(path, STAGE, short(f"broken or empty feed, no entries{why}"))
        return
    feed_title = (parsed.feed.get("title") or "").strip() or None
    encoding = parsed.get("encoding") or "utf-8"
    for i, entry in enumerate(parsed.entries, 1):
        locator = entry.get("id") or entry.get("link") or f"entry {i}"
        content, is_html = _entry_content(entry)
        if not content.strip():
            yield ProcessingError(path, STAGE, short(f"entry {i}: no content or summary"), record=locator)
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
            path,
            STAGE,
            short(f"malformed feed after {len(parsed.entries)} entries: {parsed['bozo_exception']}"),
            record=f"entry {len(parsed.entries) + 1}",
        )
