"""Bad input: every good article is analyzed, each bad one is reported (issue 3's folder; issue 21's
defects 3, 6, 7 and 8: bad JSONL lines, unreadable paths and links, silent inputs, control characters)."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _articles import HARBOR_1, ORCHARD
from newsdesk.clean import clean
from newsdesk.cli import app
from newsdesk.ingest import iter_sources
from newsdesk.options import IngestOptions
from newsdesk.records import ProcessingError, RawDoc

LATIN1 = " date 2026-05-12\nCafé Owners in Sétif Protest New Rent Rules\n\nThe owners of thirty cafés marched on Tuesday against rent rules they called unfair, the association's président said.\n"


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    (folder / "good.txt").write_text(HARBOR_1, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe" * 400)
    (folder / "latin1.txt").write_bytes(LATIN1.encode("latin-1"))
    lines = [
        json.dumps(
            {
                "url": "https://example.org/a",
                "title": "Orchard harvest",
                "published": "2026-05-10",
                "text": ORCHARD,
            }
        ),
        '{"url": "https://example.org/broken", "title": ',
        json.dumps(
            {
                "url": "https://example.org/c",
                "title": "Ferry strike",
                "published": "2026-05-11",
                "text": HARBOR_1,
            }
        ),
    ]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (folder / "huge.txt").open("w", encoding="utf-8") as f:
        chunk = "The committee met again and adjourned without a vote. " * 1000
        while f.tell() < 50_000_000:
            f.write(chunk + "\n")
    return folder


@pytest.fixture(scope="module")
def result(bad_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict]:
    out = tmp_path_factory.mktemp("out")
    res = CliRunner().invoke(app, ["analyze", str(bad_folder), "-o", str(out), "--db", str(out / "s.db")])
    data = json.loads((out / "report.json").read_text())
    return res.exit_code, res.output, data


def test_exit_zero_with_warning(result: tuple[int, str, dict]) -> None:
    code, output, _ = result
    assert code == 0
    assert "warning" in output


def test_good_articles_analyzed(result: tuple[int, str, dict]) -> None:
    _, _, data = result
    paths = [a["path"] for a in data["articles"]]
    assert any(p.endswith("good.txt") for p in paths)
    assert any(p.endswith("latin1.txt") for p in paths)
    assert sum(p.endswith("feed.jsonl") for p in paths) == 2
    latin = next(a for a in data["articles"] if a["path"].endswith("latin1.txt"))
    assert latin["title"] == "Café Owners in Sétif Protest New Rent Rules"


@pytest.mark.parametrize("name", ["empty.txt", "binary.txt", "feed.jsonl", "huge.txt"])
def test_bad_inputs_reported(result: tuple[int, str, dict], name: str) -> None:
    _, _, data = result
    errors = [e for e in data["errors"] if e["path"].endswith(name)]
    assert errors, f"no error reported for {name}"
    for e in errors:
        assert e["stage"] and e["message"]


# --------------------------------------------------------------------------- issue 21
# Defects 3, 6, 7 and 8, each written from the description.

OPTS = IngestOptions()


def _items(paths: list[Path], options: IngestOptions = OPTS) -> tuple[list[RawDoc], list[ProcessingError]]:
    docs: list[RawDoc] = []
    errors: list[ProcessingError] = []
    for item in iter_sources(paths, options):
        (errors if isinstance(item, ProcessingError) else docs).append(item)  # type: ignore[arg-type]
    return docs, errors


def test_defect3_a_bad_jsonl_line_skips_that_line_only(tmp_path: Path) -> None:
    separators = "Quay\u2028Tariffs rose by\u2029four percent\u0085on Friday. " + HARBOR_1
    lines = [
        json.dumps({"title": "First", "text": ORCHARD}).encode(),
        b'{"title": "Deep", "text": "x", "n": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"title": "Digits", "text": "x", "n": ' + b"7" * 5000 + b"}",
        b'{"title": "Broken", ',
        json.dumps({"title": "Separators", "text": separators}, ensure_ascii=False).encode(),
        b"",
        json.dumps({"title": "Last", "text": HARBOR_1}).encode(),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    docs, errors = _items([path])
    assert [(d.title, d.locator) for d in docs] == [
        ("First", "line 1"),
        ("Separators", "line 5"),
        ("Last", "line 7"),
    ]
    assert docs[1].content == separators  # U+2028, U+2029 and U+0085 are text inside a line
    assert [e.record for e in errors] == ["line 2", "line 3", "line 4"]
    assert "nested deeper than" in errors[0].message
    assert errors[1].message.startswith("line 3: ") and "digits" in errors[1].message
    assert errors[2].message.startswith("line 4: ")
    assert all(e.path == str(path) and e.stage == "ingest" for e in errors)


def _fake_scandir(monkeypatch: pytest.MonkeyPatch, fail_dir: Path | None, fail_entry: str | None) -> None:
    """os.scandir that refuses one folder, and one entry's type, with EACCES (works as root too)."""
    real = os.scandir

    class Entry:
        def __init__(self, entry: os.DirEntry[str]) -> None:
            self._entry, self.name, self.path = entry, entry.name, entry.path

        def is_symlink(self) -> bool:
            if self.name == fail_entry:
                raise PermissionError(13, "Permission denied", self.path)
            return self._entry.is_symlink()

        def is_dir(self) -> bool:
            return self._entry.is_dir()

    class Listing:
        def __init__(self, path: str) -> None:
            if fail_dir is not None and Path(path) == fail_dir:
                raise PermissionError(13, "Permission denied", path)
            self._it = real(path)

        def __enter__(self) -> Iterator[Entry]:
            return (Entry(e) for e in self._it)

        def __exit__(self, *exc: object) -> None:
            self._it.close()

    monkeypatch.setattr(os, "scandir", Listing)


def test_defect6_unreadable_entries_are_errors_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "locked" / "inside.txt").write_text(HARBOR_1)
    (corpus / "a.txt").write_text(HARBOR_1)
    (corpus / "b.txt").write_text(ORCHARD)
    (corpus / "z.txt").write_text(ORCHARD)
    _fake_scandir(monkeypatch, corpus / "locked", "b.txt")
    docs, errors = _items([corpus])
    assert [Path(d.path).name for d in docs] == ["a.txt", "z.txt"]
    assert sorted((Path(e.path).name, e.message) for e in errors) == [
        ("b.txt", "unreadable: Permission denied"),
        ("locked", "unreadable folder: Permission denied"),
    ]


def test_defect6_unreadable_path_argument_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.txt").write_text(HARBOR_1)
    secret = tmp_path / "secret" / "x.txt"
    real = os.stat

    def stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path).startswith(str(secret.parent)):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", stat)
    docs, errors = _items([secret, tmp_path / "ok.txt"])
    assert [Path(d.path).name for d in docs] == ["ok.txt"]
    assert [(e.path, e.message) for e in errors] == [(str(secret), "unreadable: Permission denied")]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read any folder")
def test_defect6_real_unreadable_folder(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text(HARBOR_1)
    (tmp_path / "ok.txt").write_text(HARBOR_1)
    locked.chmod(0)
    try:
        docs, errors = _items([tmp_path])
    finally:
        locked.chmod(0o755)
    assert [Path(d.path).name for d in docs] == ["ok.txt"]
    assert [Path(e.path).name for e in errors] == ["locked"]


def test_defect6_links_are_followed_only_inside_the_given_paths(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "own.txt").write_text(HARBOR_1)
    (corpus / "root").symlink_to("/")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "up").symlink_to(tmp_path)
    docs, errors = _items([corpus], IngestOptions(follow_symlinks=True))
    assert [Path(d.path).name for d in docs] == ["own.txt"]
    assert sorted(Path(e.path).name for e in errors) == ["passwd.txt", "root", "up"]
    assert all("outside the given paths; not followed" in e.message for e in errors)


def _warc_head(length: int) -> bytes:
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:short>\r\n"
        b"WARC-Target-URI: https://example.org/a\r\nContent-Type: application/http; msgtype=response\r\n"
        + f"Content-Length: {length}\r\n\r\n".encode()
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.warc", b""),
        ("junk.warc", b"hello world this is junk\n" * 5),
        ("noise.warc", bytes(range(256)) * 4),
        ("empty.warc.gz", gzip.compress(b"", mtime=0)),
        ("junk.warc.gz", gzip.compress(b"just some text, not an archive\n" * 10, mtime=0)),
        ("one.jsonl", b"\x1f"),
        ("blank.jsonl", b"\n\n  \n"),
        ("info.warc", _warc_head(4) + b"k: v\r\n\r\n"),
    ],
)
def test_defect7_silent_inputs_now_report(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    docs, errors = _items([path])
    assert docs == [] and errors
    assert all(e.path == str(path) and e.stage == "ingest" and len(e.message) < 700 for e in errors)


def test_defect7_warcio_warnings_are_captured_and_cut(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A record whose Content-Length is short: warcio prints the remainder (any length) to stderr."""
    page = b"<html><body><p>" + HARBOR_1.encode() + b"</p></body></html>"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    junk = b"Z" * 200_000 + b"\r\n"
    path = tmp_path / "short.warc"
    path.write_bytes(_warc_head(len(http) + len(page)) + http + page + junk)
    docs, errors = _items([path])
    assert len(docs) == 1
    warned = [e for e in errors if "warcio" in e.message]
    assert warned and all(len(e.message) < 700 for e in warned)
    out, err = capfd.readouterr()
    assert "ZZZZ" not in err and "ZZZZ" not in out


@pytest.mark.parametrize("control", ["\x01", "\x0b", "\x1b", "\x00"])
def test_defect8_control_character_in_html_fragment_keeps_the_page(tmp_path: Path, control: str) -> None:
    # lxml joins the text after a dropped <script> to its parent's: that join raised on the control
    fragment = (
        f"<p>{HARBOR_1}</p><script>var x = 1;</script>{control}<p>The quay {control}reopens on Monday.</p>"
    )
    path = tmp_path / "frag.jsonl"
    path.write_text(json.dumps({"title": "Quay", "body": fragment}) + "\n")
    [doc], errors = _items([path])
    assert errors == [] and doc.content_is_html
    article = clean(doc, OPTS)
    assert "The quay reopens on Monday." in article.text and "Port Calder" in article.text
    page = RawDoc(
        path="page.html",
        fmt="html",
        content=f"<html><head><title>Quay{control}</title></head><body><article>{fragment}</article></body></html>",
        content_is_html=True,
    )
    assert "The quay reopens on Monday." in clean(page, OPTS).text
