"""JSON Lines: one article per line; a bad line is reported and the good ones are kept.

The file is read as a stream of lines split on b"\\n" only (never on U+2028, U+2029 or
U+0085, which are valid inside JSON strings), each line at most `max_line_bytes`: a longer
line is skipped without being held in memory. Every line yields an article or an error
naming its line number; an error never ends the file. A whole-file JSON array or one
pretty-printed object is parsed whole, so only up to `max_document_bytes`.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..records import ProcessingError, RawDoc
from .sources import STAGE, decode, fix_surrogates, short, split_authors

# Nesting deeper than this is refused per line: no article needs it, and json.loads hits
# Python's recursion limit near 1,000 levels (a RecursionError), as would anything that later
# walks or serializes the value.
MAX_JSON_DEPTH = 64
_DEFAULT_LIMIT = 20_000_000  # IngestOptions.max_bytes; iter_sources passes the options' values
_GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_BLANK = b" \t\r\n"
_NONBLANK = re.compile(rb"[^ \t\r\n]")
_BLOCK = 1 << 20
# A file with more bad lines than this is junk, not a corpus with a few damaged records: the
# rest of it is not read (one error says from which line), so that a small gzip of gigabytes of
# bad lines cannot cost an hour of JSON errors. Blank lines are not bad and cost nothing.
MAX_BAD_LINES = 10_000

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
_HTML_HINT = re.compile(r"<(p|div|br|article|body|html|span|h[1-6])\b[^<>]{0,2000}>", re.IGNORECASE)


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


class _Stop(Exception):
    """The file's stream ends here (size limit or corrupt gzip); the reason is the message."""


@dataclass
class _LineDecoder:
    """UTF-8 per line; a line that is not UTF-8 is sniffed, and its encoding tried first next time."""

    fallback: str | None = None

    def __call__(self, line: bytes) -> tuple[str, str]:
        try:
            return line.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        if self.fallback:
            try:
                return line.decode(self.fallback), self.fallback
            except (UnicodeDecodeError, LookupError):
                pass
        decoded = decode(line)  # ValueError for binary data
        self.fallback = decoded.encoding
        return decoded.text, decoded.encoding


def _depth(obj: Any) -> int:
    """Nesting depth of a JSON value, without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        value, d = stack.pop()
        if isinstance(value, dict):
            deepest = max(deepest, d)
            stack.extend((v, d + 1) for v in value.values())
        elif isinstance(value, list):
            deepest = max(deepest, d)
            stack.extend((v, d + 1) for v in value)
    return deepest


def _fix(value: Any) -> Any:
    """Lone surrogates (JSON escapes like "\\ud800") replaced everywhere in a parsed value."""
    if isinstance(value, str):
        return fix_surrogates(value)
    if isinstance(value, dict):
        return {fix_surrogates(k): _fix(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fix(v) for v in value]
    return value


def _parse(text: str) -> Any:
    """json.loads, bounded: ValueError (with a short reason) for bad, too deep or huge-number JSON."""
    try:
        obj = json.loads(text)
    except RecursionError:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as exc:  # JSONDecodeError; "Exceeds the limit (4300 digits) for integer string"
        raise ValueError(short(str(exc))) from None
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and _depth(obj) > MAX_JSON_DEPTH:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    if "\\u" in text:  # only an escape can carry a lone surrogate into a str
        obj = _fix(obj)
    return obj


def _record(path: str, loc: str, text: str, encoding: str) -> RawDoc | ProcessingError:
    try:
        obj = _parse(text)
    except ValueError as exc:
        return ProcessingError(path, STAGE, f"{loc}: {exc}", record=loc)
    if not isinstance(obj, dict):
        return ProcessingError(path, STAGE, f"{loc}: not a JSON object", record=loc)
    return record_to_raw(path, loc, obj, encoding)


def _read(stream: BinaryIO, size: int) -> bytes:
    try:
        return stream.read(size)
    except _GZIP_ERRORS as exc:
        raise _Stop(f"corrupt or truncated gzip: {exc}") from exc


def _whole(path: str, stream: BinaryIO, limit: int, what: str) -> tuple[str, str] | ProcessingError:
    """The whole file decoded, when it is at most `limit` bytes."""
    blob = _read(stream, limit + 1)
    if len(blob) > limit:
        return ProcessingError(
            path, STAGE, f"{what} is parsed whole, and this one is larger than max_bytes={limit:,}; not read"
        )
    decoded = decode(blob)  # ValueError for binary data: reported by iter_sources
    return decoded.text, decoded.encoding


def read_jsonl(
    path: str,
    data: bytes | BinaryIO,
    *,
    max_line_bytes: int = _DEFAULT_LIMIT,
    max_total_bytes: int | None = None,
    max_document_bytes: int = _DEFAULT_LIMIT,
) -> Iterator[RawDoc | ProcessingError]:
    """Each line a JSON object; a whole-file JSON array of objects, or one (pretty-printed)
    JSON object, is accepted too. `data` is the bytes or a binary stream (plain or gzip).

    Stops with an error (keeping what was read) once more than `max_total_bytes` were read:
    the bound on a gzip that unpacks to more than the file limit.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    yielded = False
    try:
        for item in _read_jsonl(path, stream, max_line_bytes, max_total_bytes, max_document_bytes):
            yielded = True
            yield item
    except _Stop as stop:
        yielded = True
        yield ProcessingError(path, STAGE, str(stop))
    if not yielded:
        yield ProcessingError(path, STAGE, "empty file (no JSON lines)")


def _read_jsonl(
    path: str, stream: BinaryIO, max_line: int, max_total: int | None, max_document: int
) -> Iterator[RawDoc | ProcessingError]:
    head = _read(stream, 65536)
    stream.seek(0)
    if head.startswith(_WIDE_BOMS) or head.count(0) >= 0.3 * len(head) > 0:
        # UTF-16/32 cannot be split on b"\n": such (rare) files are decoded whole.
        whole = _whole(path, stream, max_document, "UTF-16/32 JSON")
        if isinstance(whole, ProcessingError):
            yield whole
            return
        text, encoding = whole
        for n, line in enumerate(text.split("\n"), 1):
            if line.strip(" \t\r"):
                yield _record(path, f"line {n}", line, encoding)
        return
    start = head.removeprefix(codecs.BOM_UTF8).lstrip(_BLANK)
    if start.startswith(b"["):
        whole = _whole(path, stream, max_document, "a JSON array")
        if isinstance(whole, ProcessingError):
            yield whole
            return
        text, encoding = whole
        try:
            items = _parse(text)
        except ValueError as exc:
            yield ProcessingError(path, STAGE, f"invalid JSON array: {exc}")
            return
        if not isinstance(items, list):
            yield ProcessingError(path, STAGE, "not a JSON array of objects")
            return
        for i, obj in enumerate(items, 1):
            loc = f"item {i}"
            if isinstance(obj, dict):
                yield record_to_raw(path, loc, obj, encoding)
            else:
                yield ProcessingError(path, STAGE, f"{loc}: not a JSON object", record=loc)
        return
    if start.startswith(b"{"):
        document = _pretty_object(path, stream, start, max_line, max_document)
        stream.seek(0)
        if document is not None:
            yield document
            return
    yield from _lines(path, stream, max_line, max_total)


def _pretty_object(
    path: str, stream: BinaryIO, start: bytes, max_line: int, max_document: int
) -> RawDoc | None:
    """One JSON object spread over several lines (its first line alone does not parse)."""
    first = start.split(b"\n", 1)[0]
    if b"\n" in start or len(start) < 65536:
        try:
            json.loads(first)
            return None  # an ordinary JSON Lines file
        except (ValueError, RecursionError):
            pass
    try:
        blob = _read(stream, max_document + 1)
    except _Stop:  # a truncated gzip: the line reader keeps what comes before the damage
        return None
    if len(blob) > max_document:
        return None  # too large to be one article: read it line by line
    try:
        decoded = decode(blob)
        obj = _parse(decoded.text)
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    doc = record_to_raw(path, "document", obj, decoded.encoding)
    return doc if isinstance(doc, RawDoc) else None


class _LineReader:
    """Lines of a binary stream, split on b"\\n" only and read in blocks.

    Yields (line number, line) for each line that is not blank; line is None for a line longer
    than `max_line`, which is skipped without being held. Runs of blank lines are skipped at C
    speed (a gzip of 2 GB of newlines must not cost a Python step per line). More than
    `max_total` bytes read end the stream with _Stop.
    """

    def __init__(self, stream: BinaryIO, max_line: int, max_total: int | None) -> None:
        self.stream = stream
        self.max_line = max_line
        self.max_total = max_total
        self.buf = b""
        self.pos = 0
        self.eof = False
        self.total = 0
        self.n = 0  # lines consumed
        self.current = 1  # the line being read, for messages

    def _fill(self) -> bool:
        """One more block after what is left of the buffer; False at the end of the stream."""
        if self.eof:
            return False
        try:  # read1: what precedes a corrupt or truncated gzip tail comes before its error
            block = self.stream.read1(_BLOCK)  # type: ignore[attr-defined]
        except _GZIP_ERRORS as exc:
            raise _Stop(f"corrupt or truncated gzip after line {self.n:,}: {exc}") from exc
        if not block:
            self.eof = True
            return False
        self.total += len(block)
        if self.max_total is not None and self.total > self.max_total:
            raise _Stop(
                f"unpacks to more than max_container_bytes={self.max_total:,}; stopped in line "
                f"{self.current:,} (the lines before it are kept)"
            )
        self.buf = self.buf[self.pos :] + block
        self.pos = 0
        return True

    def _skip_blank(self) -> bool:
        """Past blank lines to the start of a line that is not blank; False at the end."""
        while True:
            self.current = self.n + 1
            m = _NONBLANK.search(self.buf, self.pos)
            stop = m.start() if m else len(self.buf)
            last_nl = self.buf.rfind(b"\n", self.pos, stop)
            if last_nl >= 0:
                self.n += self.buf.count(b"\n", self.pos, last_nl + 1)
                self.pos = last_nl + 1
            if m is not None:
                return True
            if len(self.buf) - self.pos > self.max_line:  # a very long run of spaces: still blank
                self.pos = len(self.buf)
            if not self._fill():
                return False

    def __iter__(self) -> Iterator[tuple[int, bytes | None]]:
        while self._skip_blank():
            self.current = self.n + 1
            nl = self.buf.find(b"\n", self.pos)
            while nl < 0 and len(self.buf) - self.pos <= self.max_line and self._fill():
                nl = self.buf.find(b"\n", self.pos)
            end = len(self.buf) if nl < 0 else nl
            self.n += 1
            if end - self.pos > self.max_line:
                yield self.n, None  # reported before the skip, which may hit the size limit
                self._skip_line(nl)
                continue
            line = self.buf[self.pos : end]
            self.pos = end + 1 if nl >= 0 else end
            yield self.n, line

    def _skip_line(self, nl: int) -> None:
        """Past the end of the current (too long) line, reading blocks without keeping them."""
        while nl < 0:
            self.buf, self.pos = b"", 0
            if not self._fill():
                return
            nl = self.buf.find(b"\n")
        self.pos = nl + 1


def _lines(
    path: str, stream: BinaryIO, max_line: int, max_total: int | None
) -> Iterator[RawDoc | ProcessingError]:
    """Line by line, each line an article or an error; stops (with an error) past max_total
    bytes or MAX_BAD_LINES bad lines."""
    decoder = _LineDecoder()
    bad = 0
    for n, line in _LineReader(stream, max_line, max_total):
        loc = f"line {n}"
        if line is None:
            item: RawDoc | ProcessingError = ProcessingError(
                path, STAGE, f"{loc}: longer than max_bytes={max_line:,} bytes; skipped", record=loc
            )
        else:
            if n == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
                if not line.strip(_BLANK):
                    continue
            try:
                text, encoding = decoder(line)
            except ValueError as exc:
                item = ProcessingError(path, STAGE, short(f"{loc}: {exc}"), record=loc)
            else:
                item = _record(path, loc, text, encoding)
        if isinstance(item, ProcessingError):
            bad += 1
            if bad > MAX_BAD_LINES:
                raise _Stop(
                    f"more than {MAX_BAD_LINES:,} bad lines: not read on from line {n:,} "
                    f"(the lines before it are kept)"
                )
        yield item
