"""`newsdesk watch`: feeds polled with conditional GET from a real HTTP server on loopback,
entries told apart by guid and URL, backoff on a failing feed, folders scanned for new files."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from _articles import HARBOR_1
from newsdesk.options import Options
from newsdesk.store import Store
from newsdesk.watch import poll_once

ITEM = """<item><title>{title}</title><link>https://city.example/{guid}</link><guid>{guid}</guid>
<pubDate>Tue, 12 May 2026 09:00:00 GMT</pubDate><description>{text}</description></item>"""
TEXTS = {
    "tram-1": (
        "Tram line opens",
        "The new tram line between the harbour and the university opened on Tuesday, "
        "the city transport office said. About 12,000 passengers used it on the first day.",
    ),
    "park-2": (
        "Park reopens after floods",
        "The riverside park reopened on Tuesday after three weeks of "
        "repairs to paths and bridges damaged by the spring floods, the parks department said.",
    ),
    "port-3": (
        "Port sets cargo record",
        "The port handled a record 2.1 million tonnes of cargo in April, "
        "its operator said on Tuesday, citing new grain and timber contracts with inland mills.",
    ),
}


class Feed:
    """The feed the server serves, with an ETag that changes with it."""

    def __init__(self) -> None:
        self.guids = ["tram-1", "park-2"]
        self.requests: list[dict[str, str]] = []
        self.fail = False

    @property
    def etag(self) -> str:
        return '"' + "-".join(self.guids) + '"'

    def body(self) -> bytes:
        items = "".join(ITEM.format(guid=g, title=TEXTS[g][0], text=TEXTS[g][1]) for g in self.guids)
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>City Post</title>'
            f"<link>https://city.example/</link>{items}</channel></rss>"
        ).encode()


@pytest.fixture()
def server() -> Iterator[tuple[str, Feed]]:
    feed = Feed()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            feed.requests.append(dict(self.headers.items()))
            if feed.fail:
                self.send_response(503)
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == feed.etag:
                self.send_response(304)
                self.end_headers()
                return
            body = feed.body()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", feed.etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml", feed
    finally:
        httpd.shutdown()
        httpd.server_close()


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def test_feed_polls_are_conditional_and_new_entries_are_ingested_once(tmp_path: Path, server) -> None:
    url, feed = server
    clock = Clock()
    options = Options(db_url=f"sqlite:///{tmp_path / 's.db'}")
    with Store(options.db_url) as store:
        first = poll_once(store, [url], [], options, interval=60, now=clock)
        assert (first.fetched, first.new_entries, first.articles_new) == (1, 2, 2)
        assert not poll_once(store, [url], [], options, interval=60, now=clock).fetched  # not due yet
        clock.t += 61
        unchanged = poll_once(store, [url], [], options, interval=60, now=clock)
        assert unchanged.not_modified == 1 and unchanged.new_entries == 0
        assert feed.requests[-1].get("If-None-Match") == '"tram-1-park-2"'
        feed.guids.append("port-3")
        clock.t += 61
        grown = poll_once(store, [url], [], options, interval=60, now=clock)
        assert (grown.new_entries, grown.articles_new) == (1, 1)  # the two known entries are not read again
        assert len(store.article_ids()) == 3 and not store.unassigned_article_ids()


def test_a_failing_feed_backs_off_and_recovers(tmp_path: Path, server) -> None:
    url, feed = server
    clock = Clock()
    options = Options(db_url=f"sqlite:///{tmp_path / 's.db'}")
    feed.fail = True
    with Store(options.db_url) as store:
        failed = poll_once(store, [url], [], options, interval=60, now=clock)
        assert failed.errors and "HTTP 503" in failed.errors[0].message and failed.errors[0].path == url
        clock.t += 61
        again = poll_once(store, [url], [], options, interval=60, now=clock)
        assert "retry in 120 s" in again.errors[0].message  # doubled
        clock.t += 61
        assert not poll_once(store, [url], [], options, interval=60, now=clock).errors  # waiting, not polling
        feed.fail = False
        clock.t += 120
        back = poll_once(store, [url], [], options, interval=60, now=clock)
        assert back.articles_new == 2 and not back.errors


def test_a_folder_is_scanned_for_new_files_only(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    options = Options(db_url=f"sqlite:///{tmp_path / 's.db'}")
    with Store(options.db_url) as store:
        assert poll_once(store, [], [inbox], options).new_files == 0
        (inbox / "harbor.txt").write_text(HARBOR_1, encoding="utf-8")
        first = poll_once(store, [], [inbox], options)
        assert (first.new_files, first.articles_new) == (1, 1)
        assert poll_once(store, [], [inbox], options).new_files == 0
