"""Ingest: find input files, refuse bad ones, and read each format into RawDocs."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..options import IngestOptions
from ..records import Fmt, ProcessingError, RawDoc
from .sources import STAGE, expand_paths, payload, read_bytes

# Format -> (module, reader). Modules load on first use: trafilatura, lxml, warcio and feedparser
# took 0.3 s of a warm re-run of JSONL input that needs none of them.
_READERS: dict[Fmt, tuple[str, str]] = {
    "txt": ("text", "read_text"),
    "html": ("html", "read_html"),
    "jsonl": ("jsonl", "read_jsonl"),
    "warc": ("warc", "read_warc"),
    "feed": ("feed", "read_feed"),
}


def _reader(fmt: Fmt) -> Callable[..., Iterator[RawDoc | ProcessingError]]:
    """The reader of a format (WARC's takes a stream, the others a name and bytes)."""
    module, name = _READERS[fmt]
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = ["iter_sources"]


def iter_sources(paths: Sequence[str | Path], options: IngestOptions) -> Iterator[RawDoc | ProcessingError]:
    """Every article found under `paths`, or a ProcessingError per refused file/record.

    Never raises for bad input: one unreadable, binary, empty, oversized or
    malformed file becomes an error record and the rest of the batch goes on.
    """
    if isinstance(paths, (str, Path)):  # one path, not a sequence of characters
        paths = [paths]
    for item in expand_paths(paths, options.follow_symlinks):
        if isinstance(item, ProcessingError):
            yield item
            continue
        name = str(item)
        if _is_warc(item):
            # Web archives are routinely gigabytes: stream them; clean() bounds each record.
            try:
                with item.open("rb") as stream:
                    yield from _reader("warc")(name, stream)
            except OSError as exc:
                yield ProcessingError(name, STAGE, f"unreadable: {exc.strerror or exc}")
            continue
        limit = options.max_container_bytes if _is_container(item) else options.max_bytes
        try:
            data = read_bytes(item, limit)
        except OSError as exc:
            yield ProcessingError(name, STAGE, f"unreadable: {exc.strerror or exc}")
            continue
        except ValueError as exc:
            yield ProcessingError(name, STAGE, str(exc))
            continue
        try:
            fmt, data = payload(item, data, limit)
        except ValueError as exc:
            yield ProcessingError(name, STAGE, str(exc))
            continue
        try:
            yield from _reader(fmt)(name, data)
        except ValueError as exc:
            yield ProcessingError(name, STAGE, f"{fmt}: {exc}")
        except Exception as exc:  # a reader bug on one file must not end the batch
            yield ProcessingError(name, STAGE, f"{fmt} reader failed: {type(exc).__name__}: {exc}")


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(8192)
    except OSError:
        return b""


def _is_warc(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz", ".arc", ".arc.gz")):
        return path.is_file()
    return path.is_file() and _head(path).startswith(b"WARC/")


def _is_container(path: Path) -> bool:
    """Files that hold many articles (JSONL) get the larger container limit."""
    name = path.name.lower().removesuffix(".gz")
    return name.endswith((".jsonl", ".ndjson"))
