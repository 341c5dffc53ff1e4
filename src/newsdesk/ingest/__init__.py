"""Ingest: find input files, refuse bad ones, and read each format into RawDocs."""

from __future__ import annotations

import gzip
import importlib
import stat
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from ..options import IngestOptions
from ..records import Fmt, ProcessingError, RawDoc
from .sources import STAGE, bound_fields, expand_paths, short, sniff_format

# Format -> (module, reader). Modules load on first use: trafilatura, lxml, warcio and feedparser
# took 0.3 s of a warm re-run of JSONL input that needs none of them.
_READERS: dict[Fmt, tuple[str, str]] = {
    "txt": ("text", "read_text"),
    "html": ("html", "read_html"),
    "jsonl": ("jsonl", "read_jsonl"),
    "warc": ("warc", "read_warc"),
    "feed": ("feed", "read_feed"),
}
_ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
# What a corrupt or truncated gzip stream raises (BadGzipFile is an OSError, not a read error).
_GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)


def _reader(fmt: Fmt) -> Callable[..., Iterator[RawDoc | ProcessingError]]:
    """The reader of a format (JSONL and WARC take a stream, the others a name and bytes)."""
    module, name = _READERS[fmt]
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = ["iter_sources"]


def iter_sources(paths: Sequence[str | Path], options: IngestOptions) -> Iterator[RawDoc | ProcessingError]:
    """Every article found under `paths`, or a ProcessingError per refused file/record.

    Never raises for bad input: one unreadable, binary, empty, oversized or malformed file
    becomes an error record and the rest of the batch goes on. Every file yields at least one
    article or one error; JSONL and WARC are streamed record by record, so memory is bounded
    by the largest record (max_bytes), not by the file.
    """
    if isinstance(paths, (str, Path)):  # one path, not a sequence of characters
        paths = [paths]
    for item in expand_paths(paths, options.follow_symlinks):
        if isinstance(item, ProcessingError):
            yield item
            continue
        try:
            for out in _read_path(item, options):
                if isinstance(out, RawDoc):
                    out, field_errors = bound_fields(out)
                    yield from field_errors
                yield out
        except OSError as exc:
            yield ProcessingError(str(item), STAGE, short(f"unreadable: {exc.strerror or exc}"))
        except Exception as exc:  # a bug in our own dispatch: still one error, never the batch
            yield ProcessingError(str(item), STAGE, short(f"ingest failed: {type(exc).__name__}: {exc}"))


def _guarded(
    name: str, fmt: Fmt, records: Iterator[RawDoc | ProcessingError]
) -> Iterator[RawDoc | ProcessingError]:
    """A reader's records; its exceptions become one error (what it yielded before is kept)."""
    try:
        yield from records
    except OSError:
        raise  # the file itself could not be read: "unreadable" in iter_sources
    except ValueError as exc:
        yield ProcessingError(name, STAGE, short(f"{fmt}: {exc}"))
    except Exception as exc:  # a reader bug on one file must not end the batch
        yield ProcessingError(name, STAGE, short(f"{fmt} reader failed: {type(exc).__name__}: {exc}"))


def _read_path(path: Path, options: IngestOptions) -> Iterator[RawDoc | ProcessingError]:
    """The records of one file. Gzip is unpacked as a stream, never past the size limits."""
    name = str(path)
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
        yield ProcessingError(name, STAGE, "not a regular file")
        return
    with path.open("rb") as fh:
        head = fh.read(8192)
        fh.seek(0)
        if path.name.lower().endswith(_ARCHIVE_SUFFIXES) or head.startswith(b"WARC/"):
            yield from _warc(name, fh, options)
            return
        stream: BinaryIO = fh
        packed = head.startswith(b"\x1f\x8b")
        inner_path = path
        if packed:
            try:
                head = gzip.GzipFile(fileobj=fh, mode="rb").read(8192)
            except _GZIP_ERRORS as exc:
                yield ProcessingError(name, STAGE, short(f"corrupt or truncated gzip: {exc}"))
                return
            fh.seek(0)
            if head.startswith(b"WARC/"):
                yield from _warc(name, fh, options)
                return
            stream = gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[assignment]
            inner_path = path.with_suffix("") if path.suffix.lower() == ".gz" else path
        fmt = sniff_format(inner_path, head)
        if fmt == "warc":  # gzip inside gzip: the WARC reader refuses it with a reason
            yield from _warc(name, fh, options)
            return
        # JSONL holds many articles and is streamed: the container limit; one article a file: max_bytes.
        limit, limit_name = (
            (options.max_container_bytes, "max_container_bytes")
            if fmt == "jsonl"
            else (options.max_bytes, "max_bytes")
        )
        if st.st_size > limit:
            yield ProcessingError(
                name, STAGE, f"file is {st.st_size:,} bytes, larger than {limit_name}={limit:,}; not read"
            )
            return
        if fmt == "jsonl":
            records = _reader("jsonl")(
                name,
                stream,
                max_line_bytes=options.max_bytes,
                max_total_bytes=limit,
                max_document_bytes=options.max_bytes,
            )
            yield from _guarded(name, fmt, records)
            return
        try:
            data = stream.read(limit + 1)
        except _GZIP_ERRORS as exc:
            yield ProcessingError(name, STAGE, short(f"corrupt or truncated gzip: {exc}"))
            return
        if len(data) > limit:  # only a gzip can get here: the plain size was checked above
            yield ProcessingError(name, STAGE, f"unpacks to more than {limit_name}={limit:,}; not read")
            return
        if not data.strip():
            yield ProcessingError(name, STAGE, "empty file (after gunzip)" if packed else "empty file")
            return
        yield from _guarded(name, fmt, _reader(fmt)(name, data))


def _warc(name: str, fh: BinaryIO, options: IngestOptions) -> Iterator[RawDoc | ProcessingError]:
    records = _reader("warc")(
        name, fh, max_record_bytes=options.max_bytes, max_unpacked_bytes=options.max_container_bytes
    )
    yield from _guarded(name, "warc", records)
