"""WARC archives: one article per HTML response record (warcio).

The WARC-Date is when the page was crawled, not when it was published, so it
is kept only in `extra` as `warc_date`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from ..records import ProcessingError, RawDoc
from .html import decode_html
from .sources import STAGE

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


class TruncatedRecord(ValueError):
    """A record whose block is shorter than its declared Content-Length."""


def _check_complete(record: ArcWarcRecord) -> None:
    """Read what is left of the record; warcio returns short reads silently on truncation."""
    while record.raw_stream.read(65536):
        pass
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        rec_id = record.rec_headers.get_header("WARC-Record-ID")
        raise TruncatedRecord(f"record {rec_id} is truncated ({missing} bytes missing)")


def read_warc(path: str, data: bytes | BinaryIO) -> Iterator[RawDoc | ProcessingError]:
    """HTML response/resource records; records read before a malformation are kept.

    `data` may be the bytes or an open binary stream (large archives are streamed).
    """
    n_ok = 0
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        for record in ArchiveIterator(stream):
            if record.rec_type not in ("response", "resource"):
                _check_complete(record)
                continue
            headers = record.http_headers
            ctype = (headers.get_header("Content-Type") if headers else None) or (
                record.rec_headers.get_header("Content-Type") or ""
            )
            if not ctype.lower().startswith(_HTML_TYPES) or (
                headers is not None and headers.get_statuscode() not in (None, "200")
            ):
                _check_complete(record)
                continue
            rec_id = record.rec_headers.get_header("WARC-Record-ID")
            payload = record.content_stream().read()
            _check_complete(record)
            if not payload.strip():
                yield ProcessingError(path, STAGE, f"record {rec_id}: empty payload", record=rec_id)
                continue
            m = _CHARSET.search(ctype)
            try:
                decoded = decode_html(payload, m.group(1) if m else None)
            except ValueError as exc:
                yield ProcessingError(path, STAGE, f"record {rec_id}: {exc}", record=rec_id)
                continue
            extra: tuple[tuple[str, object], ...] = ()
            warc_date = record.rec_headers.get_header("WARC-Date")
            if warc_date:
                extra = (("warc_date", warc_date),)
            n_ok += 1
            yield RawDoc(
                path=path,
                fmt="warc",
                content=decoded.text,
                locator=rec_id,
                content_is_html=True,
                encoding=decoded.encoding,
                url=record.rec_headers.get_header("WARC-Target-URI"),
                extra=extra,
            )
    except Exception as exc:  # warcio raises assorted errors on truncated/garbled archives
        if isinstance(exc, (ValueError, OSError, EOFError)):  # ArchiveLoadFailed, TruncatedRecord, gzip
            why = str(exc) or type(exc).__name__
        else:  # an internal error of warcio's parser: say so rather than show a bare traceback line
            why = f"record headers or HTTP block could not be parsed ({type(exc).__name__} in warcio: {exc})"
        yield ProcessingError(path, STAGE, f"malformed WARC after {n_ok} HTML record(s): {why}")
