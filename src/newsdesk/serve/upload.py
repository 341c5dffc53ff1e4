"""Request bodies of `POST /articles` to files on disk, within the ingest size limits.

The worker ingests files, so that an upload goes through exactly the readers,
limits and error paths of `newsdesk ingest`: a JSON batch becomes a `.jsonl`
file, an uploaded file keeps its name (so its format is recognized and its
errors name it). Bodies are streamed to disk and counted as they arrive, so
an oversized body is refused (413) without being held in memory; the
multipart parser here is a small streaming one (no extra dependency).

Limits (`IngestOptions`): a JSON array batch and a single-article file up to
`max_bytes` (a JSON array is parsed in memory); a JSONL body and an uploaded
JSONL or WARC file up to `max_container_bytes`.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..options import IngestOptions

CONTAINER_SUFFIXES = (".jsonl", ".ndjson", ".warc", ".warc.gz", ".arc", ".arc.gz")
ACCEPTED = (
    ".txt",
    ".text",
    ".html",
    ".htm",
    ".xhtml",
    ".jsonl",
    ".ndjson",
    ".json",
    ".warc",
    ".warc.gz",
    ".xml",
    ".rss",
    ".atom",
)
MAX_HEADER_BYTES = 16_384
MAX_FIELD_BYTES = 65_536
MAX_FILES = 100
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/ndjson")


class UploadError(Exception):
    """A body the service refuses; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Received:
    """What a request body became: files in the job's folder, and how to name them to people."""

    files: tuple[Path, ...]
    names: tuple[str, ...]  # as the client named them ("batch.jsonl" for a JSON batch)
    articles_hint: int | None = None  # records in a JSON batch


def body_limit(options: IngestOptions) -> int:
    """The most any POST /articles body may carry (multipart overhead included)."""
    return max(options.max_bytes, options.max_container_bytes) + MAX_HEADER_BYTES * 4


def file_limit(name: str, options: IngestOptions) -> int:
    """Per-file limit by kind: containers (JSONL, WARC) may be large; single articles may not."""
    return options.max_container_bytes if name.lower().endswith(CONTAINER_SUFFIXES) else options.max_bytes


def safe_name(name: str | None, taken: set[str]) -> str:
    """A file name that cannot leave the job folder or hide itself, unique in the job, suffix kept."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "upload"
    base = base[-100:]
    stem, n, candidate = base, 1, base
    while candidate in taken:
        n += 1
        dot = stem.find(".")
        candidate = f"{stem[:dot]}-{n}{stem[dot:]}" if dot > 0 else f"{stem}-{n}"
    taken.add(candidate)
    return candidate


async def receive(
    content_type: str,
    content_length: str | None,
    chunks: AsyncIterator[bytes],
    folder: Path,
    options: IngestOptions,
) -> Received:
    """Write a POST /articles body into `folder`; raises UploadError (400, 413, 415, 422)."""
    media = content_type.split(";", 1)[0].strip().lower()
    limit = {
        "application/json": options.max_bytes,
        **dict.fromkeys(JSONL_TYPES, options.max_container_bytes),
    }.get(media, body_limit(options))
    if content_length is not None:
        try:
            declared = int(content_length)
        except ValueError as exc:
            raise UploadError(400, "Content-Length is not a number") from exc
        if declared > limit:
            raise UploadError(413, f"body of {declared:,} bytes is over the limit of {limit:,} bytes")
    if media == "application/json":
        return await _json_batch(chunks, folder, limit)
    if media in JSONL_TYPES:
        path = folder / "batch.jsonl"
        with path.open("wb") as out:
            await _copy(chunks, out, limit, "JSONL body")
        return Received((path,), ("batch.jsonl",))
    if media == "multipart/form-data":
        boundary = _boundary(content_type)
        return await MultipartReader(boundary, folder, options).read(chunks)
    raise UploadError(
        415,
        f"unsupported Content-Type {media or '(none)'}: send application/json (a batch of articles), "
        "application/x-ndjson, or multipart/form-data with a file",
    )


async def _copy(chunks: AsyncIterator[bytes], out: BinaryIO, limit: int, what: str) -> int:
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise UploadError(413, f"{what} is over the limit of {limit:,} bytes")
        out.write(chunk)
    return size


async def _json_batch(chunks: AsyncIterator[bytes], folder: Path, limit: int) -> Received:
    """A JSON array of article objects (or one object, or {"articles": [...]}) -> batch.jsonl."""
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise UploadError(413, f"JSON batch is over the limit of {limit:,} bytes")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UploadError(400, f"body is not valid JSON: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("articles", [data])
    if not isinstance(data, list) or not data:
        raise UploadError(422, "expected a non-empty JSON array of article objects")
    bad = [i for i, item in enumerate(data) if not isinstance(item, dict)]
    if bad:
        raise UploadError(422, f"items {bad[:10]} are not objects (each article is an object with a text)")
    path = folder / "batch.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for item in data:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    return Received((path,), ("batch.jsonl",), len(data))


def _boundary(content_type: str) -> bytes:
    params = _params(content_type)
    boundary = params.get("boundary", "")
    if not boundary or len(boundary) > 200:
        raise UploadError(400, "multipart/form-data without a valid boundary")
    return boundary.encode("latin-1", "replace")


def _params(header: str) -> dict[str, str]:
    """Parameters of a header value: `form-data; name="file"; filename="a b.txt"` (quoted or token)."""
    out: dict[str, str] = {}
    for m in re.finditer(r';\s*([A-Za-z0-9_*.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))', header):
        key = m.group(1).lower()
        value = m.group(2) if m.group(2) is not None else (m.group(3) or "").strip()
        if m.group(2) is not None:
            value = re.sub(r"\\(.)", r"\1", value)
        if key.endswith("*") and "''" in value:  # RFC 5987: UTF-8''name
            from urllib.parse import unquote

            key, value = key[:-1], unquote(value.split("''", 1)[1])
        out.setdefault(key, value)
    return out


class MultipartReader:
    """A streaming multipart/form-data parser: file parts go to disk, within per-file limits."""

    def __init__(self, boundary: bytes, folder: Path, options: IngestOptions) -> None:
        self.delimiter = b"--" + boundary
        self.body_delimiter = b"\r\n" + self.delimiter
        self.folder = folder
        self.options = options
        self.files: list[Path] = []
        self.names: list[str] = []
        self._taken: set[str] = set()
        self._buf = bytearray()
        self._state = "preamble"
        self._out: BinaryIO | None = None
        self._field = 0
        self._size = 0
        self._limit = 0
        self._name = ""

    async def read(self, chunks: AsyncIterator[bytes]) -> Received:
        total = 0
        limit = body_limit(self.options)
        try:
            async for chunk in chunks:
                total += len(chunk)
                if total > limit:
                    raise UploadError(413, f"body is over the limit of {limit:,} bytes")
                self._buf += chunk
                self._step()
            if self._state != "done":
                raise UploadError(400, "multipart body ends before its closing boundary")
        finally:
            if self._out is not None:
                self._out.close()
        if not self.files:
            raise UploadError(400, "no file in the upload (send the file in a part with a filename)")
        return Received(tuple(self.files), tuple(self.names))

    def _step(self) -> None:
        while True:
            if self._state == "preamble":
                at = self._buf.find(self.delimiter)
                if at < 0:
                    if len(self._buf) > MAX_HEADER_BYTES:
                        raise UploadError(400, "multipart body does not start with its boundary")
                    return
                del self._buf[: at + len(self.delimiter)]
                self._state = "after"
            elif self._state == "after":
                if len(self._buf) < 2:
                    return
                mark = bytes(self._buf[:2])
                del self._buf[:2]
                if mark == b"--":
                    self._state = "done"
                    self._buf.clear()
                    return
                if mark != b"\r\n":
                    raise UploadError(400, "malformed multipart boundary line")
                self._state = "headers"
            elif self._state == "headers":
                at = self._buf.find(b"\r\n\r\n")
                if at < 0:
                    if len(self._buf) > MAX_HEADER_BYTES:
                        raise UploadError(400, "multipart part headers are too long")
                    return
                head = bytes(self._buf[:at]).decode("utf-8", "replace")
                del self._buf[: at + 4]
                self._open(head)
                self._state = "body"
            elif self._state == "body":
                at = self._buf.find(self.body_delimiter)
                if at < 0:
                    keep = len(self.body_delimiter) - 1
                    if len(self._buf) > keep:
                        self._write(bytes(self._buf[: len(self._buf) - keep]))
                        del self._buf[: len(self._buf) - keep]
                    return
                self._write(bytes(self._buf[:at]))
                del self._buf[: at + len(self.body_delimiter)]
                self._close()
                self._state = "after"
            else:  # done: an epilogue is ignored
                self._buf.clear()
                return

    def _open(self, head: str) -> None:
        disposition = ""
        for line in head.split("\r\n"):
            key, _, value = line.partition(":")
            if key.strip().lower() == "content-disposition":
                disposition = value.strip()
        params = _params(";" + disposition.partition(";")[2]) if disposition else {}
        filename = params.get("filename")
        self._size = 0
        if filename is None:  # a plain form field: read and ignored, but bounded
            self._out = None
            self._limit = MAX_FIELD_BYTES
            self._name = params.get("name", "field")
            return
        if len(self.files) >= MAX_FILES:
            raise UploadError(413, f"more than {MAX_FILES} files in one upload")
        name = safe_name(filename, self._taken)
        self._name = filename or name
        self._limit = file_limit(name, self.options)
        path = self.folder / name
        self._out = path.open("wb")
        self.files.append(path)
        self.names.append(filename or name)

    def _write(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            what = f"file {self._name!r}" if self._out is not None else f"form field {self._name!r}"
            raise UploadError(413, f"{what} is over the limit of {self._limit:,} bytes")
        if self._out is not None:
            self._out.write(data)

    def _close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
