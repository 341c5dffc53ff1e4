"""Fuzzed input for every reader (hypothesis, issue 21): nothing raises, nothing is silent.

For each reader a few hundred generated files, derandomized so CI runs the same examples every
time: valid documents with hostile fields (control characters, line and paragraph separators,
lone surrogates, huge numbers, deep nesting, long values), truncations, byte flips, gzip
wrapping and plain junk. Each file must give at least one article or one error; every error
names the file and its stage; messages are short; fields are within their limits; and clean()
either makes an article or raises NewsdeskError (never another exception). `bench/fuzz.py`
runs the same checks on >= 10,000 inputs per reader with a hang watchdog and peak memory.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk.clean import clean
from newsdesk.errors import NewsdeskError
from newsdesk.ingest import iter_sources
from newsdesk.ingest.sources import (
    MAX_AUTHOR_CHARS,
    MAX_AUTHORS,
    MAX_DATE_CHARS,
    MAX_SOURCE_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
)
from newsdesk.options import IngestOptions
from newsdesk.records import ProcessingError, RawDoc

# Small limits so that the size paths are reached by small examples, too.
OPTS = IngestOptions(max_bytes=200_000, max_container_bytes=400_000, max_article_chars=100_000)
EXAMPLES = 300
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
BODY = (
    "Harbour engineers in the invented town of Gullhaven installed a new tide gauge on the north pier on "
    "Wednesday, the port authority said. The gauge reports the water level every six minutes."
)

# Text that hurts: controls, separators (U+2028/2029/0085), BOM, NUL, a lone surrogate, markup.
_NASTY = st.sampled_from(
    [
        *("\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff"),
        *("\ufffe", "\ud800", "<", "&", "]]>", "\r", "\n", '"', "\\", "[b]", "\u00e9", "\u6f22"),
    ]
)
_TEXT = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(_NASTY, st.text(max_size=8)), max_size=20).map("".join),
    st.builds(
        lambda c, n: c * n,
        st.sampled_from(["x", "1", " ", "<p>", "[", "Sat, 18 Apr 2026 "]),
        st.integers(0, 3000),
    ),
)


def _mutate(data: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    """Byte-level damage: (kind, position, value) -> flip, insert, delete or truncate."""
    buf = bytearray(data)
    for kind, pos, value in ops:
        if not buf:
            break
        at = pos % len(buf)
        if kind == 0:
            buf[at] = value
        elif kind == 1:
            buf[at:at] = bytes([value]) * (1 + value % 7)
        elif kind == 2:
            del buf[at : at + 1 + value % 64]
        else:
            del buf[at:]
    return bytes(buf)


_OPS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.integers(0, 255)), max_size=4)


def _finish(data: bytes, ops: list[tuple[int, int, int]], packed: bool) -> bytes:
    data = _mutate(data, ops)
    return gzip.compress(data, mtime=0) if packed else data


# --------------------------------------------------------------------------- generators per reader


@st.composite
def jsonl_files(draw: st.DrawFn) -> tuple[str, bytes]:
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | _TEXT,
        lambda kids: st.lists(kids, max_size=3) | st.dictionaries(_TEXT, kids, max_size=3),
        max_leaves=8,
    )
    lines: list[bytes] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 5))
        if kind <= 2:
            record = {
                "title": draw(_TEXT),
                "published": draw(_TEXT),
                "authors": draw(st.one_of(_TEXT, st.lists(_TEXT, max_size=3))),
                draw(st.sampled_from(["text", "content", "body"])): draw(st.one_of(_TEXT, st.just(BODY))),
                "extra": draw(json_values),
            }
            lines.append(
                json.dumps(record, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
            )
        elif kind == 3:
            depth = draw(st.integers(1, 3000))
            lines.append(b'{"text": "x", "deep": ' + b"[" * depth + b"]" * depth + b"}")
        elif kind == 4:
            lines.append(b'{"text": "x", "n": ' + b"9" * draw(st.integers(1, 6000)) + b"}")
        else:
            lines.append(draw(st.binary(max_size=60)))
    sep = draw(st.sampled_from([b"\n", b"\r\n", b"\n\n"]))
    data = sep.join(lines)
    if draw(st.integers(0, 5)) == 0:  # a whole-file JSON array instead
        data = json.dumps(
            [{"title": "A", "text": BODY}, draw(json_values)] * draw(st.integers(0, 3))
        ).encode()
    return "input.jsonl", _finish(data, draw(_OPS), draw(st.booleans()))


@st.composite
def txt_files(draw: st.DrawFn) -> tuple[str, bytes]:
    text = draw(st.one_of(_TEXT, st.just(" date 2026-04-18\nTide gauge\n\n" + BODY)))
    enc = draw(st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1252", "latin-1"]))
    data = text.encode(enc, "replace") if draw(st.booleans()) else draw(st.binary(max_size=400))
    return draw(st.sampled_from(["input.txt", "input"])), _finish(data, draw(_OPS), draw(st.booleans()))


@st.composite
def html_files(draw: st.DrawFn) -> tuple[str, bytes]:
    title, para, date = draw(_TEXT), draw(_TEXT), draw(_TEXT)
    fragment = draw(st.booleans())
    body = f"<p>{BODY}</p><script>x</script>{para}<p>{para} {BODY}</p>" + "<p>w</p>" * draw(
        st.integers(0, 2000)
    )
    page = (
        body
        if fragment
        else f'<html><head><title>{title}</title><meta property="article:published_time" content="{date}">'
        f"</head><body><article>{body}</article></body></html>"
    )
    data = page.encode("utf-8", "surrogatepass")
    return "input.html", _finish(data, draw(_OPS), draw(st.booleans()))


def _warc_bytes(pages: list[tuple[str, bytes, str]], packed: bool) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=packed)
    for url, body, ctype in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
        )
    return out.getvalue()


@st.composite
def warc_files(draw: st.DrawFn) -> tuple[str, bytes]:
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(["input.warc", "input.warc.gz"])), draw(st.binary(max_size=300))
    pages = []
    for i in range(draw(st.integers(0, 3))):
        text = draw(_TEXT)
        body = f"<html><head><title>{text}</title></head><body><p>{BODY} {text}</p></body></html>"
        ctype = draw(st.sampled_from(["text/html; charset=utf-8", "text/html; charset=x-bogus", "image/png"]))
        pages.append((f"https://example.org/{i}", body.encode("utf-8", "surrogatepass"), ctype))
    packed = draw(st.booleans())
    data = _mutate(_warc_bytes(pages, packed), draw(_OPS))
    return ("input.warc.gz" if packed else "input.warc"), data


@st.composite
def feed_files(draw: st.DrawFn) -> tuple[str, bytes]:
    items = []
    for _ in range(draw(st.integers(0, 3))):
        title, date, desc = draw(_TEXT), draw(_TEXT), draw(_TEXT)
        raw = draw(st.booleans())  # unescaped: malformed XML on purpose
        f = (lambda s: s) if raw else escape
        items.append(
            f"<item><title>{f(title)}</title><link>https://example.org/{len(items)}</link>"
            f"<pubDate>{f(date)}</pubDate><description>{f(desc)} {BODY}</description></item>"
        )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>{"".join(items)}</channel></rss>'
    data = feed.encode("utf-8", "surrogatepass")
    return "input.rss", _finish(data, draw(_OPS), draw(st.booleans()))


# --------------------------------------------------------------------------- the properties


def _check(folder: Path, name: str, data: bytes) -> None:
    path = folder / name
    for old in folder.iterdir():
        old.unlink()
    path.write_bytes(data)
    items = list(iter_sources([path], OPTS))  # must not raise
    assert items, "an input gave neither an article nor an error"
    for item in items:
        assert isinstance(item, (RawDoc, ProcessingError))
        assert item.path == str(path)
        if isinstance(item, ProcessingError):
            assert item.stage == "ingest" and item.message and len(item.message) < 1000
            continue
        assert item.published is None or len(item.published) <= MAX_DATE_CHARS
        assert item.title is None or len(item.title) <= MAX_TITLE_CHARS
        assert item.url is None or len(item.url) <= MAX_URL_CHARS
        assert item.source is None or len(item.source) <= MAX_SOURCE_CHARS
        assert len(item.authors) <= MAX_AUTHORS and all(len(a) <= MAX_AUTHOR_CHARS for a in item.authors)
        for value in (item.content, item.title or "", item.published or "", item.locator or ""):
            value.encode("utf-8")  # no lone surrogates
        try:
            clean(item, OPTS)
        except NewsdeskError as exc:
            assert exc.stage == "clean"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _fuzz(strategy: st.SearchStrategy[tuple[str, bytes]]) -> Callable[[Path], None]:
    @FUZZ
    @given(case=strategy)
    def run(folder: Path, case: tuple[str, bytes]) -> None:
        _check(folder, *case)

    return run


def test_fuzz_jsonl(folder: Path) -> None:
    _fuzz(jsonl_files())(folder)


def test_fuzz_txt(folder: Path) -> None:
    _fuzz(txt_files())(folder)


def test_fuzz_html(folder: Path) -> None:
    _fuzz(html_files())(folder)


def test_fuzz_warc(folder: Path) -> None:
    _fuzz(warc_files())(folder)


def test_fuzz_feed(folder: Path) -> None:
    _fuzz(feed_files())(folder)
