"""Ingest readers and bad-input refusals (all inputs are invented and built in tmp_path)."""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk.ingest import iter_sources
from newsdesk.options import IngestOptions
from newsdesk.records import ProcessingError, RawDoc

OPTS = IngestOptions()

STORY = (
    "Workers at the invented Tamsin Bay lighthouse museum reopened the tower on Saturday after a two-year "
    "repair, curator Lena Okafor said. About 1,200 visitors climbed the stairs on the first day."
)
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Tamsin Bay Lighthouse Reopens | Coastline Gazette</title>
<meta property="og:site_name" content="Coastline Gazette">
<meta name="author" content="Mira Halvorsen">
<meta property="article:published_time" content="2026-04-18T09:30:00+02:00">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Tamsin Bay Lighthouse Reopens</h1>
<p>Workers at the invented Tamsin Bay lighthouse museum reopened the tower on Saturday after a two-year
repair, curator Lena Okafor said.</p>
<p>About 1,200 visitors climbed the stairs on the first day, and the museum shop sold out of postcards
before noon, staff said.</p>
<p>The repair cost 2.4 million euros, most of it paid by the regional heritage fund.</p>
</article><footer>Contact us</footer></body></html>"""


def _collect(
    paths: list[Path | str], options: IngestOptions = OPTS
) -> tuple[list[RawDoc], list[ProcessingError]]:
    docs: list[RawDoc] = []
    errors: list[ProcessingError] = []
    for item in iter_sources(paths, options):
        (errors if isinstance(item, ProcessingError) else docs).append(item)  # type: ignore[arg-type]
    return docs, errors


def _warc(path: Path, pages: list[tuple[str, str]], gz: bool = True) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newsdesk-tests"}))
        for url, html in pages:
            body = html.encode("utf-8")
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            rec = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
            writer.write_record(rec)
        meta = writer.create_warc_record("https://example.org/", "metadata", payload=io.BytesIO(b"k: v\n"))
        writer.write_record(meta)


# --------------------------------------------------------------------------- discovery


def test_discovery_is_sorted_recursive_and_skips_hidden_and_outputs(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text(STORY)
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / ".hidden.txt").write_text(STORY)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(STORY)
    (tmp_path / "report.json").write_text("{}")
    (tmp_path / "report.html").write_text("<html></html>")
    (tmp_path / "store.db").write_bytes(b"SQLite format 3\x00")
    docs, errors = _collect([tmp_path])
    assert errors == []
    assert [Path(d.path).relative_to(tmp_path).as_posix() for d in docs] == ["a.txt", "b/z.txt"]


def test_glob_and_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(STORY)
    (tmp_path / "two.txt").write_text(STORY)
    docs, errors = _collect([str(tmp_path / "*.txt"), tmp_path / "missing.txt", str(tmp_path / "*.nothing")])
    assert [Path(d.path).name for d in docs] == ["one.txt", "two.txt"]
    assert {e.message for e in errors} == {"no such file or folder", "glob pattern matched no files"}
    assert all(e.stage == "ingest" for e in errors)


def test_symlinks_in_folders_follow_the_option(tmp_path: Path) -> None:
    """Links are followed only with the option, and then only inside the paths given."""
    src = tmp_path / "elsewhere"
    src.mkdir()
    (src / "linked.txt").write_text(STORY)
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "own.txt").write_text(STORY)
    (corpus / "sub" / "deep.txt").write_text(STORY)
    (corpus / "inside.txt").symlink_to(corpus / "sub" / "deep.txt")
    (corpus / "link.txt").symlink_to(src / "linked.txt")
    (corpus / "loop").symlink_to(corpus)  # a loop must not hang discovery
    docs, errors = _collect([corpus])
    assert sorted(Path(d.path).name for d in docs) == ["deep.txt", "own.txt"] and errors == []
    docs, errors = _collect([corpus], IngestOptions(follow_symlinks=True))
    assert sorted(Path(d.path).name for d in docs) == ["deep.txt", "inside.txt", "own.txt"]
    [err] = errors  # the link out of the corpus is refused, by name
    assert err.path == str(corpus / "link.txt") and err.stage == "ingest" and "outside" in err.message
    # A link into another path given on the command line is inside the roots.
    docs, errors = _collect([corpus, src], IngestOptions(follow_symlinks=True))
    assert sorted(Path(d.path).name for d in docs) == [
        "deep.txt",
        "inside.txt",
        "link.txt",
        "linked.txt",
        "own.txt",
    ]
    assert errors == []


def test_a_single_path_string_is_one_path(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(STORY)
    docs = [d for d in iter_sources(str(tmp_path), OPTS) if isinstance(d, RawDoc)]  # type: ignore[arg-type]
    assert len(docs) == 1


def test_same_file_twice_is_read_once(tmp_path: Path) -> None:
    f = tmp_path / "one.txt"
    f.write_text(STORY)
    docs, _ = _collect([f, tmp_path])
    assert len(docs) == 1


# --------------------------------------------------------------------------- text and decoding


def test_text_reader_utf8(tmp_path: Path) -> None:
    f = tmp_path / "story"  # no extension: crawler text export
    f.write_text(" date 2026-04-18\nLighthouse Reopens\n\n" + STORY, encoding="utf-8")
    [doc], _ = _collect([f])
    assert doc.fmt == "txt" and doc.encoding == "utf-8" and not doc.content_is_html
    assert doc.content.startswith(" date 2026-04-18")


def test_latin1_file_keeps_accents(tmp_path: Path) -> None:
    text = "Café Owners in Sétif Protest\n\nThe owners of thirty cafés in Sétif marched on Tuesday, the président of their association said.\n"
    f = tmp_path / "latin.txt"
    f.write_bytes(text.encode("latin-1"))
    [doc], errors = _collect([f])
    assert errors == []
    assert doc.content == text
    assert doc.encoding in ("latin-1", "cp1252")


def test_cp1252_quotes_and_utf8_bom(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(
        "He said \u201cno\u201d to the plan, the mayor\u2019s office added.".encode("cp1252")
    )
    (tmp_path / "b.txt").write_bytes("A caf\u00e9 in the square reopened on Friday.".encode("utf-8-sig"))
    docs, errors = _collect([tmp_path])
    assert errors == []
    assert docs[0].content == "He said \u201cno\u201d to the plan, the mayor\u2019s office added."
    assert docs[1].content == "A caf\u00e9 in the square reopened on Friday." and docs[1].encoding == "utf-8"


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n\t\n", "empty"),
        ("binary.txt", b"\x00\x01\x02\xff\xfe" * 400, "binary"),
        ("image.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8, "binary"),
    ],
)
def test_bad_files_refused_without_stopping(tmp_path: Path, name: str, data: bytes, needle: str) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "zz_good.txt").write_text(STORY)
    docs, errors = _collect([tmp_path])
    assert [Path(d.path).name for d in docs] == ["zz_good.txt"]
    [err] = errors
    assert err.stage == "ingest" and Path(err.path).name == name and needle in err.message


def test_huge_file_refused_by_max_bytes(tmp_path: Path) -> None:
    """A 50 MB text file is refused at ingest (max_bytes, default 20 MB) before it is read."""
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(50_000_000)  # sparse: cheap to create, never read
    (tmp_path / "ok.txt").write_text(STORY)
    docs, errors = _collect([tmp_path])
    assert [Path(d.path).name for d in docs] == ["ok.txt"]
    [err] = errors
    assert err.path.endswith("huge.txt") and "max_bytes" in err.message and "50,000,000" in err.message


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_refused(tmp_path: Path) -> None:
    f = tmp_path / "locked.txt"
    f.write_text(STORY)
    f.chmod(0)
    try:
        docs, errors = _collect([f])
    finally:
        f.chmod(0o644)
    assert docs == []
    assert errors[0].stage == "ingest" and "unreadable" in errors[0].message


def test_read_error_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same refusal as a permission error, provoked in a way that also works as root."""
    locked = tmp_path / "locked.txt"
    locked.write_text(STORY)
    (tmp_path / "ok.txt").write_text(STORY)
    real = Path.open

    def open_(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", open_)
    docs, errors = _collect([tmp_path])
    assert [Path(d.path).name for d in docs] == ["ok.txt"]
    assert [(Path(e.path).name, e.message) for e in errors] == [
        ("locked.txt", "unreadable: Permission denied")
    ]


# --------------------------------------------------------------------------- html


def test_html_reader(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_text(PAGE, encoding="utf-8")
    [doc], _ = _collect([f])
    assert doc.fmt == "html" and doc.content_is_html and "<article>" in doc.content


def test_html_declared_charset(tmp_path: Path) -> None:
    page = PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"').replace("Okafor", "Okaf\u00f6r")
    f = tmp_path / "page.htm"
    f.write_bytes(page.encode("latin-1"))
    [doc], _ = _collect([f])
    assert "Okaf\u00f6r" in doc.content and doc.encoding == "iso-8859-1"


def test_content_sniffing_without_extension(tmp_path: Path) -> None:
    (tmp_path / "page").write_text(PAGE)
    (tmp_path / "records").write_text(json.dumps({"title": "T", "text": STORY}) + "\n")
    docs, _ = _collect([tmp_path])
    assert [d.fmt for d in docs] == ["html", "jsonl"]


# --------------------------------------------------------------------------- jsonl


def test_jsonl_fields_and_malformed_line(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "url": "https://example.org/1",
                "title": "Lighthouse reopens",
                "published": "18 April 2026",
                "source": "Coastline Gazette",
                "authors": "Mira Halvorsen and Jon Petit",
                "text": STORY,
                "lang_hint": "en",
                "section": "Local",
            }
        ),
        '{"url": "https://example.org/2", "title": ',
        "",
        json.dumps({"url": "https://example.org/3", "content": STORY, "authors": ["A. Writer"]}),
        json.dumps({"url": "https://example.org/4", "body": "<p>" + STORY + "</p><p>More text.</p>"}),
        json.dumps({"url": "https://example.org/5"}),
        json.dumps(["not", "an", "object"]),
    ]
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, errors = _collect([f])
    assert [d.url for d in docs] == [
        "https://example.org/1",
        "https://example.org/3",
        "https://example.org/4",
    ]
    first = docs[0]
    assert first.locator == "line 1" and first.fmt == "jsonl"
    assert first.title == "Lighthouse reopens" and first.published == "18 April 2026"
    assert first.source == "Coastline Gazette"
    assert first.authors == ("Mira Halvorsen", "Jon Petit")
    assert first.extra == (("lang_hint", "en"), ("section", "Local"))
    assert docs[1].authors == ("A. Writer",) and docs[1].content == STORY
    assert docs[2].content_is_html
    msgs = [e.message for e in errors]
    assert msgs[0].startswith("line 2: ") and "Expecting value" in msgs[0]
    assert msgs[1].startswith("line 6: no text")
    assert msgs[2] == "line 7: not a JSON object"
    assert all(e.stage == "ingest" and e.path == str(f) for e in errors)


def test_json_array_file(tmp_path: Path) -> None:
    f = tmp_path / "items.json"
    f.write_text(json.dumps([{"title": "A", "text": STORY}, {"title": "B", "text": STORY}]))
    docs, errors = _collect([f])
    assert [d.title for d in docs] == ["A", "B"] and errors == []


def test_pretty_printed_json_object(tmp_path: Path) -> None:
    f = tmp_path / "one.json"
    f.write_text(json.dumps({"title": "A", "text": STORY, "published": "2026-04-18"}, indent=2))
    [doc], errors = _collect([f])
    assert errors == [] and doc.locator == "document" and doc.published == "2026-04-18"


def test_utf16_without_bom(tmp_path: Path) -> None:
    text = "Caf\u00e9 owners in the invented town of S\u00e9tif marched on Tuesday against new rent rules."
    f = tmp_path / "wide.txt"
    f.write_bytes((text * 3).encode("utf-16-le"))
    [doc], errors = _collect([f])
    assert errors == [] and doc.content == text * 3


def test_reader_bug_is_reported_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsdesk.ingest as ingest

    def broken(path: str, data: bytes) -> Iterator[RawDoc]:
        raise RuntimeError("boom")
        yield  # pragma: no cover

    monkeypatch.setattr(ingest, "_reader", lambda fmt: broken)
    (tmp_path / "a.txt").write_text(STORY)
    docs, errors = _collect([tmp_path])
    assert docs == [] and errors[0].message == "txt reader failed: RuntimeError: boom"


# --------------------------------------------------------------------------- warc


def test_warc_reader(tmp_path: Path) -> None:
    f = tmp_path / "crawl.warc.gz"
    _warc(
        f,
        [
            ("https://example.org/lighthouse", PAGE),
            ("https://example.org/second", PAGE.replace("1,200", "1,300")),
        ],
    )
    docs, errors = _collect([f])
    assert errors == []
    assert [d.url for d in docs] == ["https://example.org/lighthouse", "https://example.org/second"]
    doc = docs[0]
    assert doc.fmt == "warc" and doc.content_is_html and doc.locator and doc.locator.startswith("<urn:uuid:")
    assert doc.published is None  # the WARC-Date is the crawl date
    assert dict(doc.extra)["warc_date"]


def test_uncompressed_warc(tmp_path: Path) -> None:
    f = tmp_path / "crawl.warc"
    _warc(f, [("https://example.org/lighthouse", PAGE)], gz=False)
    docs, errors = _collect([f])
    assert len(docs) == 1 and errors == []


def test_truncated_warc_keeps_records_read(tmp_path: Path) -> None:
    full = tmp_path / "full.warc.gz"
    pages = [(f"https://example.org/{i}", PAGE.replace("1,200", f"1,2{i}0")) for i in range(3)]
    _warc(full, pages)
    with full.open("rb") as fh:
        it = ArchiveIterator(fh)
        offsets = [it.get_record_offset() for _ in it]
    data = full.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: (offsets[3] + offsets[4]) // 2])  # halfway through the third page
    docs, errors = _collect([cut])
    assert 1 <= len(docs) < 3
    [err] = errors
    assert err.stage == "ingest" and "malformed WARC" in err.message


def test_gzip_that_is_not_warc(tmp_path: Path) -> None:
    f = tmp_path / "notes.warc.gz"
    f.write_bytes(gzip.compress(b"just some text, not an archive\n" * 10))
    docs, errors = _collect([f])
    assert docs == [] and errors and "malformed WARC" in errors[0].message


def test_warc_record_with_garbled_block_is_named_not_a_traceback(tmp_path: Path) -> None:
    f = tmp_path / "garbled.warc"
    f.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort")
    docs, errors = _collect([f])
    assert docs == []
    [err] = errors
    assert err.path == str(f) and err.stage == "ingest"
    assert err.message.startswith("malformed WARC after 0 HTML record(s): ")
    assert "Traceback" not in err.message


def test_gzipped_jsonl_and_bad_gzip(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl.gz").write_bytes(
        gzip.compress(json.dumps({"title": "A", "text": STORY}).encode() + b"\n")
    )
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress(STORY.encode())[:-12])
    (tmp_path / "c.gz").write_bytes(gzip.compress(b"x" * 5000))
    docs, errors = _collect([tmp_path], IngestOptions(max_bytes=4000))
    assert [(d.fmt, d.title) for d in docs] == [("jsonl", "A")]
    assert [Path(e.path).name for e in errors] == ["b.txt.gz", "c.gz"]
    assert "truncated gzip" in errors[0].message and "max_bytes" in errors[1].message


def test_arc_suffix_goes_to_the_archive_reader(tmp_path: Path) -> None:
    f = tmp_path / "old.arc.gz"
    _warc(f, [("https://example.org/lighthouse", PAGE)])
    docs, errors = _collect([f])
    assert [d.fmt for d in docs] == ["warc"] and errors == []


# --------------------------------------------------------------------------- feeds

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Coastline Gazette</title><link>https://example.org/</link><description>News</description>
<item><title>Lighthouse reopens</title><link>https://example.org/lighthouse</link>
<guid>https://example.org/lighthouse</guid><pubDate>Sat, 18 Apr 2026 09:30:00 +0200</pubDate>
<dc:creator>Mira Halvorsen</dc:creator><description>Short teaser.</description>
<content:encoded><![CDATA[<p>Workers at the invented Tamsin Bay lighthouse museum reopened the tower on Saturday.</p>
<p>About 1,200 visitors climbed the stairs on the first day.</p>]]></content:encoded></item>
<item><title>Harbour fees rise</title><link>https://example.org/fees</link>
<description>The invented harbour board of Tamsin Bay raised mooring fees by 4 percent on Friday.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Post</title><id>urn:x</id><updated>2026-04-19T00:00:00Z</updated>
<entry><title>Orchard opens</title><id>urn:entry:1</id><link href="https://example.org/orchard"/>
<published>2026-04-19T07:00:00Z</published><author><name>Ada Marsh</name></author>
<content type="html">&lt;p&gt;The invented Linden Valley orchard opened its gates to pickers on Sunday morning.&lt;/p&gt;</content>
</entry></feed>"""


def test_rss_reader(tmp_path: Path) -> None:
    f = tmp_path / "feed.rss"
    f.write_text(RSS)
    docs, errors = _collect([f])
    assert errors == []
    first, second = docs
    assert (
        first.fmt == "feed"
        and first.title == "Lighthouse reopens"
        and first.url == "https://example.org/lighthouse"
    )
    assert first.published == "Sat, 18 Apr 2026 09:30:00 +0200" and first.authors == ("Mira Halvorsen",)
    assert first.content_is_html and "1,200 visitors" in first.content and first.source == "Coastline Gazette"
    assert not second.content_is_html and second.content.startswith("The invented harbour")
    assert second.published is None


def test_atom_reader_by_content_sniffing(tmp_path: Path) -> None:
    f = tmp_path / "valley.xml"
    f.write_text(ATOM)
    [doc], errors = _collect([f])
    assert errors == []
    assert doc.title == "Orchard opens" and doc.locator == "urn:entry:1" and doc.authors == ("Ada Marsh",)
    assert doc.published == "2026-04-19T07:00:00Z" and doc.content_is_html


def test_broken_feed_refused(tmp_path: Path) -> None:
    f = tmp_path / "broken.rss"
    f.write_text('<?xml version="1.0"?><rss><channel><title>X</title><item><title>half')
    docs, errors = _collect([f])
    assert docs == []
    assert errors and all(e.stage == "ingest" for e in errors)
    assert "malformed feed" in errors[-1].message
