"""Size and work limits: single-article files are bounded; JSONL and web archives are streamed record
by record; gzip is counted unpacked; over-long fields never reach a parser (issue 21, defects 2, 4)."""

from __future__ import annotations

import gzip
import io
import itertools
import json
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk.clean import clean, normalize_date
from newsdesk.errors import NewsdeskError
from newsdesk.ingest import iter_sources
from newsdesk.ingest.sources import MAX_DATE_CHARS, MAX_TITLE_CHARS
from newsdesk.options import IngestOptions
from newsdesk.records import ProcessingError, RawDoc

OPTS = IngestOptions()
STORY = (
    "Harbour engineers in the invented town of Gullhaven installed a new tide gauge on the north pier "
    "on Wednesday, the port authority said. The gauge reports the water level every six minutes."
)

PAGE = (
    "<html><head><title>Tide gauge {i} installed at Gullhaven pier</title></head><body><article>"
    "<h1>Tide gauge {i} installed at Gullhaven pier</h1>"
    "<p>Harbour engineers installed tide gauge number {i} on the north pier on Wednesday, the port authority said.</p>"
    "<p>The gauge reports the water level every six minutes to the coastal warning office.</p>"
    "</article></body></html>"
)


def _write_page(out: io.BufferedIOBase | io.BytesIO, i: int) -> None:
    writer = WARCWriter(out, gzip=True)
    body = PAGE.format(i=i).encode()
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    rec = writer.create_warc_record(
        f"https://gullhaven.example/gauge-{i}", "response", payload=io.BytesIO(body), http_headers=headers
    )
    writer.write_record(rec)


def _warc(path: Path, n: int) -> None:
    with path.open("wb") as out:
        for i in range(n):
            _write_page(out, i)


def test_warc_larger_than_max_bytes_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    _warc(path, 40)
    options = IngestOptions(max_bytes=path.stat().st_size // 4)
    items = list(iter_sources([path], options))
    docs = [x for x in items if isinstance(x, RawDoc)]
    assert len(docs) == 40
    assert not [x for x in items if isinstance(x, ProcessingError)]


def test_text_file_over_max_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("The council met and adjourned. " * 200, encoding="utf-8")
    items = list(iter_sources([path], IngestOptions(max_bytes=1000)))
    assert len(items) == 1 and isinstance(items[0], ProcessingError)
    assert items[0].stage == "ingest" and "max_bytes" in items[0].message


# --------------------------------------------------------------------------- issue 21, defect 2
# Small compressed inputs must not take gigabytes, and JSONL is read line by line. The bombs are
# generated here, small: what is checked is that memory stays near the limits set in the test,
# not near what the input unpacks to (tracemalloc counts every Python allocation).

HTML_LINE = b"<p>The harbour board met again and adjourned without a vote on the mooring fees.</p>\n"


def _gzip_stream(parts: Iterator[bytes]) -> bytes:
    """One gzip member of the concatenated parts, built without holding them all."""
    comp = zlib.compressobj(6, zlib.DEFLATED, 31)
    out = [comp.compress(p) for p in parts]
    out.append(comp.flush())
    return b"".join(out)


def _repeat(chunk: bytes, total: int) -> Iterator[bytes]:
    block = chunk * max(1, (1 << 20) // len(chunk))
    left = total
    while left > 0:
        yield block[:left]
        left -= len(block)


def _warc_record_head(length: int, http: bytes) -> bytes:
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:bomb>\r\n"
        b"WARC-Target-URI: https://gullhaven.example/bomb\r\nWARC-Date: 2026-04-18T09:30:00Z\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        + f"Content-Length: {length}\r\n\r\n".encode()
        + http
    )


def _peak(fn: Callable[[], list[RawDoc | ProcessingError]]) -> tuple[list[RawDoc | ProcessingError], int]:
    tracemalloc.start()
    try:
        items = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return items, peak


def test_gzip_warc_with_one_huge_record_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    """A .warc.gz whose one HTML record unpacks to far more than max_bytes (defect 2)."""
    size = 64 << 20  # unpacks to 64 MiB; the test's max_bytes is 1 MB
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    member = _gzip_stream(
        itertools.chain([_warc_record_head(len(http) + size, http)], _repeat(HTML_LINE, size), [b"\r\n\r\n"])
    )
    good = io.BytesIO()
    _write_page(good, 1)
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(member + good.getvalue())  # a good record after the bomb
    opts = IngestOptions(max_bytes=1_000_000, max_container_bytes=200_000_000)
    items, peak = _peak(lambda: list(iter_sources([path], opts)))
    docs = [x for x in items if isinstance(x, RawDoc)]
    errors = [x for x in items if isinstance(x, ProcessingError)]
    assert [d.url for d in docs] == ["https://gullhaven.example/gauge-1"]  # the record after it is read
    [err] = errors
    assert (
        err.record == "<urn:uuid:bomb>" and "max_bytes=1,000,000" in err.message and "skipped" in err.message
    )
    assert peak < 20_000_000


def test_gzip_warc_is_cut_at_the_unpacked_bound(tmp_path: Path) -> None:
    """Past max_container_bytes (and 100x the compressed size) a .warc.gz is cut, with an error."""
    size = 64 << 20
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    good = io.BytesIO()
    _write_page(good, 0)
    member = _gzip_stream(itertools.chain([_warc_record_head(len(http) + size, http)], _repeat(b"\0", size)))
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(good.getvalue() + member)
    opts = IngestOptions(max_bytes=1_000_000, max_container_bytes=8_000_000)
    items, peak = _peak(lambda: list(iter_sources([path], opts)))
    docs = [x for x in items if isinstance(x, RawDoc)]
    errors = [x for x in items if isinstance(x, ProcessingError)]
    assert len(docs) == 1  # what was read before the bomb is kept
    assert (
        errors and "malformed WARC after 1 HTML record(s): archive unpacks to more than" in errors[-1].message
    )
    assert peak < 20_000_000


def test_content_encoding_gzip_payload_is_bounded(tmp_path: Path) -> None:
    """A plain .warc whose record carries a small gzip payload unpacking to 64 MiB (defect 2)."""
    body = _gzip_stream(_repeat(HTML_LINE, 64 << 20))
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
    )
    path = tmp_path / "encoded.warc"
    path.write_bytes(_warc_record_head(len(http) + len(body), http) + body + b"\r\n\r\n")
    items, peak = _peak(lambda: list(iter_sources([path], IngestOptions(max_bytes=1_000_000))))
    [err] = items
    assert isinstance(err, ProcessingError) and err.record == "<urn:uuid:bomb>"
    assert "payload unpacks to more than max_bytes=1,000,000" in err.message
    assert peak < 20_000_000


@pytest.mark.parametrize(("fill", "n_errors"), [(b" ", 1), (b"x", 2)])
def test_gzipped_jsonl_bomb_stops_at_the_container_limit(tmp_path: Path, fill: bytes, n_errors: int) -> None:
    """A .jsonl.gz: good lines, then one endless line; counted unpacked, the lines before kept."""
    good = b"".join(json.dumps({"title": f"T{i}", "text": STORY}).encode() + b"\n" for i in range(3))
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(_gzip_stream(itertools.chain([good], _repeat(fill, 64 << 20))))
    opts = IngestOptions(max_bytes=1_000_000, max_container_bytes=10_000_000)
    items, peak = _peak(lambda: list(iter_sources([path], opts)))
    docs = [x for x in items if isinstance(x, RawDoc)]
    errors = [x for x in items if isinstance(x, ProcessingError)]
    assert [d.title for d in docs] == ["T0", "T1", "T2"]
    assert len(errors) == n_errors  # a line of spaces is blank; a line of "x" is also too long
    if n_errors == 2:
        assert errors[0].record == "line 4" and "longer than max_bytes=1,000,000" in errors[0].message
    assert "unpacks to more than max_container_bytes=10,000,000" in errors[-1].message
    assert "stopped in line 4 " in errors[-1].message
    assert peak < 20_000_000


def test_jsonl_is_streamed_line_by_line(tmp_path: Path) -> None:
    """The first record comes out before the rest of a large file is read; memory stays per line."""
    path = tmp_path / "big.jsonl"
    line = json.dumps({"title": "Gauge", "text": STORY + " " + "More harbour news. " * 200}).encode() + b"\n"
    with path.open("wb") as fh:
        for _ in range((30 << 20) // len(line)):  # 30 MB, larger than the test's max_bytes
            fh.write(line)
    opts = IngestOptions(max_bytes=1_000_000)
    first = next(iter(iter_sources([path], opts)))
    assert isinstance(first, RawDoc) and first.locator == "line 1"

    def count() -> list[RawDoc | ProcessingError]:
        n = 0
        for item in iter_sources([path], opts):
            assert isinstance(item, RawDoc)
            n += 1
        return [first] * n

    items, peak = _peak(count)
    assert len(items) == (30 << 20) // len(line)
    assert peak < 10_000_000


def test_one_over_long_jsonl_line_is_skipped_not_held(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    ok = json.dumps({"title": "A", "text": STORY}).encode() + b"\n"
    path.write_bytes(ok + b'{"text": "' + b"x" * 5_000_000 + b'"}\n' + ok)
    items, peak = _peak(lambda: list(iter_sources([path], IngestOptions(max_bytes=100_000))))
    assert [type(x).__name__ for x in items] == ["RawDoc", "ProcessingError", "RawDoc"]
    assert items[1].record == "line 2" and "longer than max_bytes=100,000" in items[1].message  # type: ignore[union-attr]
    assert [x.locator for x in items if isinstance(x, RawDoc)] == ["line 1", "line 3"]
    assert peak < 2_000_000


# --------------------------------------------------------------------------- issue 21, defect 4
# Unbounded work on short fields: the field never reaches the parser. No timing is asserted:
# the parsers are replaced by ones that fail the test if they see an over-long value.


def _no_long_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    import dateparser

    real = dateparser.parse

    def parse(value: str, *args: object, **kwargs: object) -> object:
        assert len(value) <= MAX_DATE_CHARS, f"dateparser saw {len(value):,} characters"
        return real(value, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dateparser, "parse", parse)


def test_long_published_never_reaches_dateparser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_long_dates(monkeypatch)
    path = tmp_path / "dates.jsonl"
    long_date = "18 April 2026 " * 3599 + "18 April 2026"  # 50,399 characters
    path.write_text(
        json.dumps({"title": "Long", "published": long_date, "text": STORY})
        + "\n"
        + json.dumps({"title": "Fine", "published": "18 April 2026", "text": STORY})
        + "\n"
    )
    items = list(iter_sources([path], OPTS))
    docs = [x for x in items if isinstance(x, RawDoc)]
    [err] = [x for x in items if isinstance(x, ProcessingError)]
    assert (
        err.record == "line 1"
        and "published is 50,399 characters" in err.message
        and "ignored" in err.message
    )
    assert [d.published for d in docs] == [None, "18 April 2026"]
    assert [clean(d, OPTS).published for d in docs] == [None, "2026-04-18"]
    # clean bounds the date itself too, whoever built the record
    article = clean(RawDoc(path="x.jsonl", fmt="jsonl", content=STORY, published=long_date), OPTS)
    assert article.published is None and len(article.published_reason or "") < 300
    assert normalize_date("x" * (MAX_DATE_CHARS + 1)) is None


def test_megabyte_rss_pubdate_never_reaches_dateparser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also a 1 MB dc:creator: feedparser's own author e-mail pattern backtracks on it (seconds per
    50 kB), so long metadata text is dropped before feedparser parses the feed."""
    import feedparser

    _no_long_dates(monkeypatch)
    real = feedparser.parse

    def parse(data: bytes, *args: object, **kwargs: object) -> object:
        assert len(data) < 10_000, "feedparser saw the long fields"
        return real(data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(feedparser, "parse", parse)
    path = tmp_path / "feed.rss"
    pub = "Sat, 18 Apr 2026 " * 60_000  # ~1 MB
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Gazette</title><item><title>Gauge</title><link>https://gullhaven.example/g</link>"
        f"<pubDate>{pub}</pubDate><dc:creator>{'x' * 1_000_000}</dc:creator>"
        f"<description>{STORY}</description></item></channel></rss>"
    )
    items = list(iter_sources([path], OPTS))
    [doc] = [x for x in items if isinstance(x, RawDoc)]
    [err] = [x for x in items if isinstance(x, ProcessingError)]
    assert err.message.startswith("2 metadata field(s)") and "dropped before parsing" in err.message
    assert doc.published is None and doc.authors == () and doc.title == "Gauge"
    assert clean(doc, OPTS).published is None


def test_page_of_many_tags_is_refused_before_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsdesk.ingest.html as html

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the extractor saw the page")

    monkeypatch.setattr(html, "extract_html", never)
    page = (
        "<html><head><title>Many</title></head><body>"
        + "<p>w</p>" * (html.MAX_HTML_TAGS + 1)
        + "</body></html>"
    )
    raw = RawDoc(path="many.html", fmt="html", content=page, content_is_html=True)
    with pytest.raises(NewsdeskError) as info:
        clean(raw, OPTS)
    assert info.value.stage == "clean" and "tags, more than" in str(info.value)


def test_over_long_title_and_authors_are_dropped_with_an_error(tmp_path: Path) -> None:
    path = tmp_path / "fields.jsonl"
    record = {"title": "T" * (MAX_TITLE_CHARS + 1), "authors": ["A" * 300, "Jane Roe"], "text": STORY}
    path.write_text(json.dumps(record) + "\n")
    items = list(iter_sources([path], OPTS))
    [doc] = [x for x in items if isinstance(x, RawDoc)]
    errors = [x for x in items if isinstance(x, ProcessingError)]
    assert doc.title is None and doc.authors == ("Jane Roe",)
    assert len(errors) == 2 and all(e.record == "line 1" and "ignored" in e.message for e in errors)


def test_truncated_jsonl_gzip_keeps_the_lines_before(tmp_path: Path) -> None:
    data = b"".join(json.dumps({"title": f"T{i}", "text": STORY}).encode() + b"\n" for i in range(2000))
    packed = gzip.compress(data, mtime=0)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    items = list(iter_sources([path], OPTS))
    docs = [x for x in items if isinstance(x, RawDoc)]
    [err] = [x for x in items if isinstance(x, ProcessingError)]
    assert len(docs) > 100 and [d.locator for d in docs[:2]] == ["line 1", "line 2"]
    assert items[-1] is err and "truncated gzip after line" in err.message


def test_newline_bomb_is_skipped_and_counted(tmp_path: Path) -> None:
    """32 MiB of blank lines in a small gzip, then a record: found, with its true line number."""
    record = json.dumps({"title": "After", "text": STORY}).encode() + b"\n"
    path = tmp_path / "blank.jsonl.gz"
    path.write_bytes(_gzip_stream(itertools.chain(_repeat(b"\n", 32 << 20), [b"  \r\n", record])))
    items = list(iter_sources([path], OPTS))
    assert [(type(x).__name__, getattr(x, "locator", None)) for x in items] == [
        ("RawDoc", f"line {(32 << 20) + 2}")
    ]


def test_a_file_of_bad_lines_is_given_up_after_max_bad_lines(tmp_path: Path) -> None:
    from newsdesk.ingest.jsonl import MAX_BAD_LINES

    good = json.dumps({"title": "Good", "text": STORY}).encode() + b"\n"
    path = tmp_path / "junk.jsonl"
    path.write_bytes(good + b"x\n" * (MAX_BAD_LINES + 50) + good)
    items = list(iter_sources([path], OPTS))
    assert isinstance(items[0], RawDoc) and items[0].locator == "line 1"
    errors = [x for x in items if isinstance(x, ProcessingError)]
    assert len(errors) == MAX_BAD_LINES + 1 and len(items) == MAX_BAD_LINES + 2
    assert errors[0].record == "line 2" and f"line {MAX_BAD_LINES + 2:,}" in errors[-1].message


def test_long_meta_content_never_reaches_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    """trafilatura's author patterns backtrack on long meta values: 22,000 characters took 3.7 s."""
    import newsdesk.ingest.html as html

    real = html.trafilatura.bare_extraction
    long_value = "(" * 50_000

    def bare_extraction(filecontent: str, *args: object, **kwargs: object) -> object:
        assert long_value[: html.MAX_META_CHARS + 1] not in filecontent, "trafilatura saw the long meta"
        return real(filecontent, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(html.trafilatura, "bare_extraction", bare_extraction)
    page = (
        f"<html><head><title>Gauge</title><meta name='author' content='{long_value}'>"
        f'<meta name="description" content="Tide gauge"></head><body><article><p>{STORY}</p></article></body></html>'
    )
    article = clean(RawDoc(path="meta.html", fmt="html", content=page, content_is_html=True), OPTS)
    assert "tide gauge" in article.text and article.authors == ()
