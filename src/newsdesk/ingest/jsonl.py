"""JSON Lines: one article per line; a bad line is reported and the good ones are kept."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..records import ProcessingError, RawDoc
from .sources import STAGE, decode, split_authors

_TEXT_FIELDS = ("text", "content", "body")
# Field names other datasets use for the same things (benchmark files, scrapers); the
# first present one is read, the others stay in `extra`.
_ALIASES: dict[str, tuple[str, ...]] = {
    "url": ("url", "link"),
    "title": ("title", "headline"),
    "published": (
        "published",
        "publication_date",
        "published_at",
        "date_published",
        "datePublished",
        "pubDate",
        "date",
        "dct",
    ),
    "source": ("source", "publisher", "outlet", "site_name", "sitename"),
    "authors": ("authors", "author", "byline"),
}
_HTML_HINT = re.compile(r"<(p|div|br|article|body|html|span|h[1-6])\b[^>]*>", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """Markup rather than prose: a few block tags, not a stray '<'."""
    return len(_HTML_HINT.findall(text[:20000])) >= 2


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def record_to_raw(path: str, locator: str, obj: Mapping[str, Any], encoding: str) -> RawDoc | ProcessingError:
    """A RawDoc from one JSON object; fields it does not read go to `extra` in their order."""
    field = next((f for f in _TEXT_FIELDS if isinstance(obj.get(f), str) and obj[f].strip()), None)
    if field is None:
        return ProcessingError(path, STAGE, f"{locator}: no text, content or body field", record=locator)
    content = obj[field]
    used = {field}
    meta: dict[str, Any] = {}
    for name, keys in _ALIASES.items():
        key = next((k for k in keys if obj.get(k) not in (None, "", [])), None)
        if key is not None:
            meta[name] = obj[key]
            used.add(key)
    extra = tuple((k, v) for k, v in obj.items() if k not in used)
    return RawDoc(
        path=path,
        fmt="jsonl",
        content=content,
        locator=locator,
        content_is_html=looks_like_html(content),
        encoding=encoding,
        url=_opt_str(meta.get("url")),
        title=_opt_str(meta.get("title")),
        published=_opt_str(meta.get("published")),
        source=_opt_str(meta.get("source")),
        authors=split_authors(meta.get("authors")),
        extra=extra,
    )


def _parses(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def read_jsonl(path: str, data: bytes) -> Iterator[RawDoc | ProcessingError]:
    """Each line a JSON object; a whole-file JSON array of objects is accepted too."""
    decoded = decode(data)
    text = decoded.text
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            yield ProcessingError(path, STAGE, f"invalid JSON array: {exc}")
            return
        for i, obj in enumerate(items, 1):
            loc = f"item {i}"
            if isinstance(obj, dict):
                yield record_to_raw(path, loc, obj, decoded.encoding)
            else:
                yield ProcessingError(path, STAGE, f"{loc}: not a JSON object", record=loc)
        return
    lines = text.splitlines()
    if text.lstrip().startswith("{") and not _parses(lines[0]):
        try:
            whole = json.loads(text)  # one pretty-printed JSON object
        except json.JSONDecodeError:
            whole = None
        if isinstance(whole, dict):
            yield record_to_raw(path, "document", whole, decoded.encoding)
            return
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        loc = f"line {n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ProcessingError(path, STAGE, f"{loc}: {exc}", record=loc)
            continue
        if not isinstance(obj, dict):
            yield ProcessingError(path, STAGE, f"{loc}: not a JSON object", record=loc)
            continue
        yield record_to_raw(path, loc, obj, decoded.encoding)
