"""Discovery, decoding and field limits of input files.

Readers never see a file that is hidden or one of our own outputs; unreadable
entries and symbolic links leading outside the given paths are refused here,
each as a ProcessingError naming the path, and the batch goes on.
"""

from __future__ import annotations

import codecs
import errno
import glob
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from charset_normalizer import from_bytes

from ..records import Fmt, ProcessingError, RawDoc

STAGE = "ingest"

# Field-length limits, applied by iter_sources to every record before any parser sees a field
# (dateparser costs about 0.5 ms a character: a 50,000-character `published` took 40 s). A
# field over its limit is dropped from the record with an ingest error naming it; the article
# itself is kept. Real values are far shorter: dates < 60, headlines < 300 characters.
MAX_DATE_CHARS = 100
MAX_TITLE_CHARS = 1_000
MAX_AUTHOR_CHARS = 200  # one name
MAX_AUTHORS = 100
MAX_URL_CHARS = 8_192
MAX_SOURCE_CHARS = 500
# Error messages quote input (a JSON error's context, warcio's warnings): at most this much.
MAX_MESSAGE_CHARS = 300
_SURROGATES = re.compile("[\ud800-\udfff]")
_AUTHOR_SEP = re.compile(r"[;|&]|\band\b")
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
    if isinstance(value, str):  # (no \s* around the separator: that backtracks quadratically on long spaces)
        return tuple(a.strip() for a in _AUTHOR_SEP.split(value) if a.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(a).strip() for a in value if str(a).strip())
    return ()


def skip_name(path: Path) -> bool:
    """Hidden files and our own outputs are never inputs."""
    name = path.name
    return name.startswith(".") or name in _OWN_OUTPUTS or name.lower().endswith(_OWN_SUFFIXES)


def _inside(real: str, roots: Sequence[str]) -> bool:
    """Whether a resolved path lies in (or is) one of the resolved roots."""
    for root in roots:
        base = root if root.endswith(os.sep) else root + os.sep
        if real == root or real.startswith(base):
            return True
    return False


def _unreadable(path: str, exc: OSError, what: str = "unreadable") -> ProcessingError:
    return ProcessingError(path, STAGE, f"{what}: {exc.strerror or exc}")


def _walk(
    folder: Path, follow_symlinks: bool, roots: Sequence[str] = ()
) -> tuple[list[Path], list[ProcessingError]]:
    """Files under a folder, sorted; unreadable entries and links that leave the roots are errors.

    Never raises: a folder or entry that cannot be listed or stat'ed becomes a ProcessingError
    and the walk goes on. With `follow_symlinks`, a link is followed only when its target lies
    inside one of `roots` (the resolved paths given on the command line); symlink loops are cut.
    """
    found: list[Path] = []
    errors: list[ProcessingError] = []
    roots = tuple(roots) or (os.path.realpath(folder),)
    visited: set[str] = set()
    stack = [str(folder)]
    while stack:
        current = stack.pop()
        real = os.path.realpath(current)
        if real in visited:
            continue
        visited.add(real)
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            errors.append(_unreadable(current, exc, "unreadable folder"))
            continue
        subfolders: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):  # hidden files and folders
                continue
            try:
                if entry.is_symlink():
                    if not follow_symlinks:
                        continue
                    target = os.path.realpath(entry.path)
                    if not _inside(target, roots):
                        errors.append(
                            ProcessingError(
                                entry.path,
                                STAGE,
                                f"symbolic link to {target} leads outside the given paths; not followed",
                            )
                        )
                        continue
                is_dir = entry.is_dir()  # follows a link (only one allowed above)
            except OSError as exc:
                errors.append(_unreadable(entry.path, exc))
                continue
            if is_dir:
                subfolders.append(entry.path)
            elif not skip_name(Path(entry.path)):
                found.append(Path(entry.path))
        stack.extend(reversed(subfolders))
    return sorted(found), errors


def _exists(p: Path) -> tuple[bool, bool]:
    """(is a folder, exists or is a dangling link); OSError (e.g. EACCES) propagates."""
    try:
        st = os.stat(p)
    except FileNotFoundError:
        return False, os.path.lexists(p)
    except OSError as exc:
        if exc.errno in (errno.ENOTDIR, errno.ELOOP, errno.ENAMETOOLONG):
            return False, os.path.lexists(p)
        raise
    return stat.S_ISDIR(st.st_mode), True


def expand_paths(
    paths: Sequence[str | Path], follow_symlinks: bool = False
) -> Iterator[Path | ProcessingError]:
    """Files, folders (recursive) and glob patterns, in a deterministic sorted order.

    Never raises for a bad path: unreadable paths and entries are ProcessingErrors. Links met
    while walking a folder are followed (with `follow_symlinks`) only inside the given paths.
    """
    # Each argument's matches first: links may lead anywhere inside any of them.
    expanded: list[tuple[str, list[Path] | None]] = []
    for arg in paths:
        p = Path(arg)
        if not os.path.lexists(p) and _GLOB_CHARS.search(str(arg)):
            expanded.append((str(arg), sorted(Path(m) for m in glob.glob(str(arg), recursive=True))))
        else:
            expanded.append((str(arg), None))
    roots = sorted(
        {
            os.path.realpath(p)
            for arg, matches in expanded
            for p in (matches if matches is not None else [arg])
        }
    )
    seen: set[Path] = set()
    for arg, matches in expanded:
        errors: list[ProcessingError] = []
        files: list[Path] = []
        try:
            if matches is None:
                p = Path(arg)
                is_dir, exists = _exists(p)
                if is_dir:
                    files, errors = _walk(p, follow_symlinks, roots)
                elif exists:
                    files = [p]
                else:
                    yield ProcessingError(arg, STAGE, "no such file or folder")
                    continue
            else:
                for m in matches:
                    try:
                        is_dir, _ = _exists(m)
                    except OSError as exc:
                        errors.append(_unreadable(str(m), exc))
                        continue
                    if is_dir:
                        sub, sub_errors = _walk(m, follow_symlinks, roots)
                        files.extend(sub)
                        errors.extend(sub_errors)
                    elif not skip_name(m):
                        files.append(m)
                if not files and not errors:
                    yield ProcessingError(arg, STAGE, "glob pattern matched no files")
                    continue
        except OSError as exc:
            yield _unreadable(arg, exc)
            continue
        yield from errors
        for f in files:
            key = f.absolute()
            if key not in seen:
                seen.add(key)
                yield f


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


def short(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """A message quoting input, cut to `limit` characters (whitespace runs squashed)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def fix_surrogates(text: str) -> str:
    """Lone surrogates (from JSON escapes such as "\\ud800") as U+FFFD: they cannot be encoded."""
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def bound_fields(doc: RawDoc) -> tuple[RawDoc, list[ProcessingError]]:
    """The record with over-long metadata fields dropped (one error each) and lone surrogates
    replaced; runs before clean, so dateparser and the title/byline logic see bounded fields."""
    errors: list[ProcessingError] = []
    if doc.locator is not None and (len(doc.locator) > MAX_URL_CHARS or _SURROGATES.search(doc.locator)):
        doc = replace(doc, locator=fix_surrogates(doc.locator[:MAX_URL_CHARS]))  # a feed entry id
    where = f"{short(doc.locator, 200)}: " if doc.locator else ""

    def refuse(field: str, n: int, limit: int) -> None:
        errors.append(
            ProcessingError(
                doc.path,
                STAGE,
                f"{where}{field} is {n:,} characters, longer than {limit:,}; field ignored",
                record=doc.locator,
            )
        )

    changes: dict[str, object] = {}
    for field, limit in (
        ("published", MAX_DATE_CHARS),
        ("title", MAX_TITLE_CHARS),
        ("url", MAX_URL_CHARS),
        ("source", MAX_SOURCE_CHARS),
    ):
        value = getattr(doc, field)
        if value is None:
            continue
        if len(value) > limit:
            refuse(field, len(value), limit)
            changes[field] = None
        elif _SURROGATES.search(value):
            changes[field] = fix_surrogates(value)
    if doc.authors:
        authors = []
        for name in doc.authors:
            if len(name) > MAX_AUTHOR_CHARS:
                refuse("an author name", len(name), MAX_AUTHOR_CHARS)
            else:
                authors.append(fix_surrogates(name))
        if len(authors) > MAX_AUTHORS:
            errors.append(
                ProcessingError(
                    doc.path,
                    STAGE,
                    f"{where}{len(authors):,} authors, more than {MAX_AUTHORS}; the first {MAX_AUTHORS} kept",
                    record=doc.locator,
                )
            )
            authors = authors[:MAX_AUTHORS]
        if tuple(authors) != doc.authors:
            changes["authors"] = tuple(authors)
    if _SURROGATES.search(doc.content):
        changes["content"] = fix_surrogates(doc.content)
    if changes:
        doc = replace(doc, **changes)  # type: ignore[arg-type]
    return doc, errors
