"""WARC archives: one article per HTML response record (warcio), streamed record by record.

The WARC-Date is when the page was crawled, not when it was published, so it
is kept only in `extra` as `warc_date`.

Bounds: a gzip archive is unpacked here, as a stream (warcio then reads plain WARC), so
every unpacked byte is counted; a record's payload is read up to `max_record_bytes`, also
after its HTTP Content-Encoding is undone; a larger record is skipped (read through, never
held); the headers of one record may take `MAX_HEADER_BYTES`. Warnings warcio writes to
stderr or logs are captured and reported as errors, cut short. Every archive yields at least
one article or one error.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import logging
import re
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from warcio.archiveiterator import ARCIterator, WARCIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from ..records import ProcessingError, RawDoc
from .html import decode_html
from .sources import STAGE, short

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)
_CHUNK = 1 << 16
_DEFAULT_LIMIT = 20_000_000  # IngestOptions.max_bytes; iter_sources passes the options' values

# WARC and HTTP headers of one record (and the blank lines before it) may take this many
# bytes: warcio reads a header line whole, so a 3 GB "line" would otherwise be held in memory.
MAX_HEADER_BYTES = 1 << 20
# A gzip archive may unpack to max_unpacked_bytes (max_container_bytes), or to this many times
# the compressed bytes read so far when that is more: real archives unpack 3-10x, a gzip bomb
# 1000x. Past the bound the archive is cut with an error; the records read before are kept.
MAX_GZIP_RATIO = 100


class TruncatedRecord(ValueError):
    """A record whose block is shorter than its declared Content-Length."""


class _LimitExceeded(Exception):
    """A bound of the archive was passed; not a ValueError, so warcio never swallows it."""


class _Meter:
    """The (unpacked) archive as warcio reads it: every byte counted, each bound checked."""

    def __init__(self, inner: BinaryIO, raw: BinaryIO | None, floor: int | None) -> None:
        self.inner = inner
        self.raw = raw  # the compressed file, when unpacking, for the ratio bound
        self.floor = floor
        self.count = 0
        self.header_left: int | None = None

    def tell(self) -> int:
        return self.count

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = _CHUNK  # never an unbounded read
        # read1: one unpacking step, so what precedes a corrupt or truncated gzip tail is delivered
        # before its error (GzipFile.read would drop it with the error)
        data = self.inner.read1(size) if self.raw is not None else self.inner.read(size)  # type: ignore[attr-defined]
        self.count += len(data)
        if self.header_left is not None:
            self.header_left -= len(data)
            if self.header_left < 0:
                raise _LimitExceeded(f"record headers longer than {MAX_HEADER_BYTES:,} bytes")
        if self.raw is not None and self.floor is not None:
            bound = max(self.floor, MAX_GZIP_RATIO * self.raw.tell())
            if self.count > bound:
                raise _LimitExceeded(
                    f"archive unpacks to more than {bound:,} bytes (max_container_bytes, or "
                    f"{MAX_GZIP_RATIO}x the compressed bytes read)"
                )
        return data


class _Capture(io.TextIOBase):
    """What a library writes to stderr or logs while we call it, kept short."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> int:
        if self.size < 4096:
            self.parts.append(text[: 4096 - self.size])
        self.size += len(text)
        return len(text)

    def text(self) -> str:
        return "".join(self.parts)


class _Handler(logging.Handler):
    def __init__(self, sink: _Capture) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.sink.write(record.getMessage()[:4096] + "\n")


@contextlib.contextmanager
def _captured(sink: _Capture) -> Iterator[None]:
    """Library stderr, warcio's log records and Python warnings go to `sink`.

    Only around calls into warcio, never across a yield: the consumer's own output is untouched.
    """
    logger = logging.getLogger("warcio")
    handler = _Handler(sink)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    with contextlib.redirect_stderr(sink), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.propagate = propagate
            for w in caught:
                sink.write(f"{w.category.__name__}: {w.message}\n")


@dataclass
class _State:
    path: str
    n_records: int = 0
    n_ok: int = 0
    n_errors: int = 0
    last: str | None = None  # the current record's id, or "record N" while reading its headers
    pending: list[ProcessingError] = field(default_factory=list)

    def error(self, message: str, record: str | None) -> ProcessingError:
        self.n_errors += 1
        return ProcessingError(self.path, STAGE, message, record=record)

    def warned(self, sink: _Capture) -> Iterator[ProcessingError]:
        text = sink.text()
        if text.strip():
            where = f"{_named(self.last)}: " if self.last else ""
            yield self.error(short(f"{where}warcio: {text}"), self.last)
        sink.parts.clear()
        sink.size = 0


def _named(record: str) -> str:
    return record if record.startswith("record ") else f"record {record}"


def _drain(record: ArcWarcRecord) -> None:
    """Read what is left of the record; warcio returns short reads silently on truncation."""
    while record.raw_stream.read(_CHUNK):
        pass
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        rec_id = record.rec_headers.get_header("WARC-Record-ID")
        raise TruncatedRecord(f"record {rec_id} is truncated ({missing} bytes missing)")


def _open(data: bytes | BinaryIO, floor: int | None) -> _Meter:
    """A metered stream of the plain archive: a gzip one is unpacked here, as a stream."""
    raw = io.BytesIO(data) if isinstance(data, bytes) else data
    magic = raw.read(2)
    raw.seek(0)
    if magic != b"\x1f\x8b":
        return _Meter(raw, None, None)
    return _Meter(gzip.GzipFile(fileobj=raw, mode="rb"), raw, floor)  # type: ignore[arg-type]


def read_warc(
    path: str,
    data: bytes | BinaryIO,
    *,
    max_record_bytes: int = _DEFAULT_LIMIT,
    max_unpacked_bytes: int | None = 2_000_000_000,
) -> Iterator[RawDoc | ProcessingError]:
    """HTML response/resource records; records read before a malformation are kept.

    `data` may be the bytes or an open, seekable binary stream (large archives are streamed).
    """
    state = _State(path)
    sink = _Capture()
    meter = _open(data, max_unpacked_bytes)
    fatal: str | None = None
    try:
        with _captured(sink):
            head = meter.read(16)
            if head.startswith(b"\x1f\x8b"):
                raise ValueError("gzip inside gzip, not a WARC archive")
            meter.inner.seek(0)  # a GzipFile rewinds and unpacks again from the start
            meter.count = 0
            # An ARC file opens with its "filedesc://" record; anything else must be WARC, or
            # warcio takes lines of junk for ARC headers and reports nothing.
            kind = ARCIterator if head.startswith(b"filedesc:") else WARCIterator
            records = iter(kind(meter))
    except Exception as exc:
        records = iter(())
        fatal = _why(exc)
    yield from state.warned(sink)
    while fatal is None:
        record: ArcWarcRecord | None = None
        state.last = f"record {state.n_records + 1}"
        try:
            with _captured(sink):
                meter.header_left = MAX_HEADER_BYTES
                try:
                    record = next(records, None)
                finally:
                    meter.header_left = None
        except Exception as exc:
            fatal = _why(exc)
        yield from state.warned(sink)
        if record is None:
            state.last = None if fatal is None else state.last
            break
        state.n_records += 1
        state.last = record.rec_headers.get_header("WARC-Record-ID") or f"record {state.n_records}"
        result: RawDoc | ProcessingError | None = None
        try:
            with _captured(sink):
                result = _take(state, record, max_record_bytes)
        except Exception as exc:
            fatal = _why(exc)
        yield from state.warned(sink)
        if result is not None:
            yield result
        if fatal is None:
            try:  # what is left of the record (all of a skipped one), within the archive's bounds
                with _captured(sink):
                    _drain(record)
            except Exception as exc:
                fatal = _why(exc)
            yield from state.warned(sink)
    if fatal is not None:
        yield state.error(
            short(f"malformed WARC after {state.n_ok} HTML record(s): {fatal}", 600),
            state.last,
        )
    elif state.n_ok == 0 and state.n_errors == 0:
        if state.n_records == 0:
            yield state.error("no WARC records (empty, or not a WARC archive)", None)
        else:
            yield state.error(f"no HTML response or resource records among {state.n_records} record(s)", None)


def _why(exc: BaseException) -> str:
    if isinstance(exc, (ValueError, OSError, EOFError, zlib.error, ArchiveLoadFailed, _LimitExceeded)):
        # ArchiveLoadFailed, TruncatedRecord, gzip errors, our bounds
        return str(exc) or type(exc).__name__
    # an internal error of warcio's parser: say so rather than show a bare traceback line
    return f"record headers or HTTP block could not be parsed ({type(exc).__name__} in warcio: {exc})"


def _take(state: _State, record: ArcWarcRecord, max_bytes: int) -> RawDoc | ProcessingError | None:
    """The article of one record, an error for it, or None when it is not an HTML page.

    Raises (ending the archive) only when the archive itself cannot be read on.
    """
    rec_id = state.last
    name = _named(rec_id or "?")
    if record.rec_type not in ("response", "resource"):
        _drain(record)
        return None
    headers = record.http_headers
    ctype = (headers.get_header("Content-Type") if headers else None) or (
        record.rec_headers.get_header("Content-Type") or ""
    )
    if not ctype.lower().startswith(_HTML_TYPES) or (
        headers is not None and headers.get_statuscode() not in (None, "200")
    ):
        _drain(record)
        return None
    declared = record.length or 0
    if declared > max_bytes + MAX_HEADER_BYTES:  # read through by the caller, after this error
        return state.error(
            f"{name}: {declared:,} bytes, larger than max_bytes={max_bytes:,}; skipped", rec_id
        )
    try:
        payload = record.content_stream().read(max_bytes + 1)  # Content-Encoding undone, bounded
    except (_LimitExceeded, OSError):
        raise
    except Exception as exc:  # a broken chunked or compressed payload: this record only
        _drain(record)
        return state.error(short(f"{name}: payload could not be read: {_why(exc)}"), rec_id)
    _drain(record)
    if len(payload) > max_bytes:
        return state.error(f"{name}: payload unpacks to more than max_bytes={max_bytes:,}; skipped", rec_id)
    if not payload.strip():
        return state.error(f"{name}: empty payload", rec_id)
    m = _CHARSET.search(ctype)
    try:
        decoded = decode_html(payload, m.group(1) if m else None)
    except ValueError as exc:
        return state.error(short(f"{name}: {exc}"), rec_id)
    extra: tuple[tuple[str, object], ...] = ()
    warc_date = record.rec_headers.get_header("WARC-Date")
    if warc_date:
        extra = (("warc_date", warc_date),)
    state.n_ok += 1
    return RawDoc(
        path=state.path,
        fmt="warc",
        content=decoded.text,
        locator=rec_id,
        content_is_html=True,
        encoding=decoded.encoding,
        url=record.rec_headers.get_header("WARC-Target-URI"),
        extra=extra,
    )
