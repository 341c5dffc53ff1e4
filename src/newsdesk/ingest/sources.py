"""Discovery, size/binary checks and decoding of input files.

Readers get decoded text (or raw bytes for WARC/feeds) and never see a file
that is hidden, one of our own outputs, empty, binary or too large: those are
refused here, each as a ProcessingError naming the file, and the batch goes on.
"""

from __future__ import annotations

import codecs
import glob
import gzip
import io
import os
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from ..records import Fmt, ProcessingError

STAGE = "ingest"

_GLOB_CHARS = re.compile(r"[*?\[]")
_OWN_OUTPUTS = {"report.json", "report.html"}
_OWN_SUFFIXES = (".db", ".db-journal", ".db-wal", ".db-shm", ".sqlite", ".sqlite3")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Single-byte code pages charset-normalizer often confuses on short Latin text;
# English-language news in a legacy encoding is overwhelmingly Windows-1252/Latin-1.
_LATIN_FAMILY = re.compile(r"^(cp125\d|iso8859_\d+|latin_1|mac_\w+|cp850|cp437|windows_125\d)$")
_ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_EXT_FORMAT: dict[str, Fmt] = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".warc": "warc",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text of a file and the encoding that produced it."""

    text: str
    encoding: str


def split_authors(value: object) -> tuple[str, ...]:
    """Author names from a list or a 'Jane Doe; John Roe' / 'Jane Doe and John Roe' string."""
    if isinstance(value, str):
        return tuple(a.strip() for a in re.split(r"\s*(?:[;|&]|\band\b)\s*", value) if a.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(a).strip() for a in value if str(a).strip())
    return ()


def skip_name(path: Path) -> bool:
    """Hidden files and our own outputs are never inputs."""
    name = path.name
    return name.startswith(".") or name in _OWN_OUTPUTS or name.lower().endswith(_OWN_SUFFIXES)


def _walk(folder: Path, follow_symlinks: bool) -> tuple[list[Path], list[ProcessingError]]:
    """Files under a folder, sorted; unreadable sub-folders are reported, symlink loops cut."""
    found: list[Path] = []
    errors: list[ProcessingError] = []
    visited: set[str] = set()

    def on_error(exc: OSError) -> None:
        errors.append(
            ProcessingError(str(exc.filename or folder), STAGE, f"unreadable folder: {exc.strerror or exc}")
        )

    for dirpath, dirnames, filenames in os.walk(folder, followlinks=follow_symlinks, onerror=on_error):
        real = os.path.realpath(dirpath)
        if real in visited:
            dirnames[:] = []
            continue
        visited.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            p = Path(dirpath) / name
            if skip_name(p) or (p.is_symlink() and not follow_symlinks):
                continue
            found.append(p)
    return sorted(found), errors


def expand_paths(
    paths: Sequence[str | Path], follow_symlinks: bool = False
) -> Iterator[Path | ProcessingError]:
    """Files, folders (recursive) and glob patterns, in a deterministic sorted order."""
    seen: set[Path] = set()
    for arg in paths:
        p = Path(arg)
        errors: list[ProcessingError] = []
        if p.is_dir():
            files, errors = _walk(p, follow_symlinks)
        elif p.exists() or p.is_symlink():
            files = [p]
        elif _GLOB_CHARS.search(str(arg)):
            files = []
            for m in sorted(Path(m) for m in glob.glob(str(arg), recursive=True)):
                if m.is_dir():
                    sub, sub_errors = _walk(m, follow_symlinks)
                    files.extend(sub)
                    errors.extend(sub_errors)
                elif not skip_name(m):
                    files.append(m)
            if not files and not errors:
                yield ProcessingError(str(arg), STAGE, "glob pattern matched no files")
                continue
        else:
            yield ProcessingError(str(arg), STAGE, "no such file or folder")
            continue
        yield from errors
        for f in files:
            key = f.absolute()
            if key not in seen:
                seen.add(key)
                yield f


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing unreadable, empty and oversized files (OSError/ValueError)."""
    if not path.is_file():
        raise ValueError("not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(f"file is {size:,} bytes, larger than max_bytes={max_bytes:,}; not read")
    data = path.read_bytes()
    if not data.strip():
        raise ValueError("empty file")
    return data


def decode(data: bytes) -> Decoded:
    """BOM, then strict UTF-8, then charset-normalizer; ValueError for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), enc.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise ValueError(f"undecodable despite {enc} byte-order mark: {exc.reason}") from exc
    if b"\x00" in data[:65536]:
        return _decode_wide(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:1_000_000]).best()
    if best is None:
        raise ValueError("binary or undecodable file (no text encoding fits)")
    enc = best.encoding
    if _LATIN_FAMILY.match(enc):
        try:
            text = data.decode("cp1252")
            western = "latin-1" if not re.search(rb"[\x80-\x9f]", data) else "cp1252"
            return Decoded(text, western)
        except UnicodeDecodeError:
            pass
    text = data.decode(enc, errors="strict")
    if _control_ratio(text) > 0.05:
        raise ValueError("binary file (control characters), not text")
    return Decoded(text, enc)


def _decode_wide(data: bytes) -> Decoded:
    """UTF-16 text without a byte-order mark (NULs all on one byte parity); else binary."""
    head = data[:65536]
    nul_at = [i for i, b in enumerate(head) if b == 0]
    one_parity = max(sum(i % 2 for i in nul_at), sum(1 - i % 2 for i in nul_at)) >= 0.95 * len(nul_at)
    if len(nul_at) >= 0.3 * len(head) and one_parity and len(data) % 2 == 0:
        enc = "utf-16-le" if nul_at[0] % 2 else "utf-16-be"
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            text = ""
        if text and _control_ratio(text) < 0.01 and any(c.isspace() for c in text[:2000]):
            return Decoded(text, enc)
    raise ValueError("binary file (NUL bytes), not text")


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    return bad / max(1, len(sample))


def payload(path: Path, data: bytes, max_bytes: int) -> tuple[Fmt, bytes]:
    """The format and the bytes its reader gets; gzipped JSONL/text/HTML/feeds are unpacked
    (bounded by max_bytes), gzipped WARC/ARC is left to warcio."""
    if data.startswith(b"\x1f\x8b") and not path.name.lower().endswith(_ARCHIVE_SUFFIXES):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                inner = gz.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"corrupt or truncated gzip: {exc}") from exc
        if len(inner) > max_bytes:
            raise ValueError(f"unpacks to more than max_bytes={max_bytes:,}; not read")
        if not inner.startswith(b"WARC/"):
            if not inner.strip():
                raise ValueError("empty file (after gunzip)")
            inner_path = path.with_suffix("") if path.suffix.lower() == ".gz" else path
            return sniff_format(inner_path, inner[:8192]), inner
    return sniff_format(path, data[:8192]), data


def sniff_format(path: Path, head: bytes) -> Fmt:
    """Format from the extension, corrected or completed by the first bytes."""
    name = path.name.lower()
    if name.endswith(_ARCHIVE_SUFFIXES) or head.startswith(b"WARC/") or head.startswith(b"\x1f\x8b"):
        return "warc"
    by_ext = _EXT_FORMAT.get(path.suffix.lower())
    sample = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    looks_feed = (
        sample.startswith(b"<?xml") or sample.startswith(b"<rss") or sample.startswith(b"<feed")
    ) and (b"<rss" in sample or b"<feed" in sample or b"<rdf:rdf" in sample)
    looks_html = sample.startswith((b"<!doctype html", b"<html")) or (
        sample.startswith(b"<?xml") and b"<html" in sample
    )
    if by_ext in ("html", "jsonl", "warc"):
        return by_ext
    if by_ext == "feed":
        return "html" if looks_html and not looks_feed else "feed"
    if looks_feed:
        return "feed"
    if looks_html:
        return "html"
    if by_ext is None and sample.startswith(b"{"):
        return "jsonl"
    return "txt"
