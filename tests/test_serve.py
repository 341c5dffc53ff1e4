"""`newsdesk serve` over HTTP: a real uvicorn server on 127.0.0.1, a temporary SQLite store.

Every HTTP test talks to a live server on loopback (no TestClient): ingest runs in
the server's worker thread, so jobs are awaited by polling `/jobs/{id}` with a
deadline. Articles are the project's own invented ones (tests/_articles.py,
examples/corpus).
"""

from __future__ import annotations

import json
import queue
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import uvicorn
from typer.testing import CliRunner

from _articles import HARBOR_1, HARBOR_2, ORCHARD
from newsdesk.cli import app as cli
from newsdesk.options import IngestOptions, Options
from newsdesk.render.json import report_schema
from newsdesk.serve import ServeOptions, create_app
from newsdesk.store import Store

pytestmark = pytest.mark.slow  # a real server and the spaCy model

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
TOKEN = "test-token-5b1e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JOB_SECONDS = 180.0


class LiveServer:
    """A uvicorn server for `app` in a thread, on a free loopback port (the socket is bound first)."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.sock.close()


def serve(tmp: Path, name: str, **kwargs: Any) -> tuple[LiveServer, Store]:
    """A server over a new SQLite store in `tmp` (the options say where the store is)."""
    url = f"sqlite:///{tmp / f'{name}.db'}"
    store = Store(url)
    options = kwargs.pop("options", None) or Options(db_url=url)
    kwargs.setdefault("token", TOKEN)
    running = ServeOptions(warm=kwargs.pop("warm", True), poll_seconds=0.5)
    return LiveServer(create_app(store, options, serve=running, **kwargs)), store


def wait_job(client: httpx.Client, job_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Poll a job until it is done or failed (a deadline, not a fixed sleep, decides)."""
    deadline = time.monotonic() + JOB_SECONDS
    while True:
        response = client.get(f"/jobs/{job_id}", headers=headers)
        assert response.status_code == 200, response.text
        job = response.json()
        if job["status"] in ("done", "failed"):
            return job
        if time.monotonic() > deadline:
            pytest.fail(f"job {job_id} still {job['status']} after {JOB_SECONDS:.0f} s")
        time.sleep(0.05)


def as_record(text: str, source: str) -> dict[str, Any]:
    """One of tests/_articles' crawler texts as a JSON batch record (the JSONL fields)."""
    header, title, body = text.split("\n", 2)
    return {
        "title": title.strip(),
        "published": header.split()[-1],
        "source": source,
        "url": f"https://{source.lower().replace(' ', '')}.example/{title.split()[0].lower()}",
        "authors": ["Desk Reporter"],
        "text": body.strip(),
    }


def story_validator() -> jsonschema.Draft202012Validator:
    schema = report_schema()
    return jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/story"})


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, httpx.Client]]:
    tmp = tmp_path_factory.mktemp("serve")
    server, store = serve(tmp, "main")
    with server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield server, client
    store.close()


@pytest.fixture(scope="module")
def loaded(live: tuple[LiveServer, httpx.Client]) -> dict[str, Any]:
    """A JSON batch (two reports of the ferry strike) and an upload (two levee articles that conflict)."""
    _, client = live
    batch = [as_record(HARBOR_1, "Calder Courier"), as_record(HARBOR_2, "Harbor Post")]
    response = client.post("/articles", json=batch, headers=AUTH)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/jobs/{response.json()['id']}"
    batch_job = wait_job(client, response.json()["id"])
    files = [
        ("file", (name, (CORPUS / name).read_bytes(), "application/octet-stream"))
        for name in ("a01_northgate_levee_breach.txt", "a03_harbor_ledger_levee.html")
    ]
    response = client.post("/articles", files=files, headers=AUTH)
    assert response.status_code == 202, response.text
    upload_job = wait_job(client, response.json()["id"])
    return {"batch": batch_job, "upload": upload_job}


# ---------------------------------------------------------------------------- writes and jobs


def test_json_batch_and_upload_become_stories(live: tuple[LiveServer, httpx.Client], loaded: dict) -> None:
    _, client = live
    batch, upload = loaded["batch"], loaded["upload"]
    assert batch["status"] == "done", batch
    assert batch["counts"]["articles"] == 2 and batch["counts"]["new"] == 2
    assert batch["errors"] == []
    assert upload["status"] == "done", upload
    assert upload["counts"]["articles"] == 2
    assert batch["story_ids"] and upload["story_ids"]
    listing = client.get("/stories").json()
    assert listing["total"] >= 2
    titles = {s["title"] for s in listing["stories"]}
    assert any("ferry" in t.lower() or "commuters" in t.lower() for t in titles), titles
    ferry = next(s for s in listing["stories"] if s["id"] in batch["story_ids"])
    assert ferry["articles"] == 2
    assert set(ferry["outlets"]) == {"Calder Courier", "Harbor Post"}
    assert ferry["first_seen"] == ferry["last_seen"] == "2026-05-11"


def test_story_follows_the_report_schema(live: tuple[LiveServer, httpx.Client], loaded: dict) -> None:
    _, client = live
    validator = story_validator()
    for story_id in loaded["batch"]["story_ids"] + loaded["upload"]["story_ids"]:
        response = client.get(f"/stories/{story_id}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        story = response.json()
        errors = sorted(validator.iter_errors(story), key=lambda e: e.path)
        assert not errors, errors[0].message
        assert story["id"] == story_id and story["facts"]
    assert client.get("/stories/s-not-there").status_code == 404


def test_article_has_text_spans_flags_story_and_link(
    live: tuple[LiveServer, httpx.Client], loaded: dict
) -> None:
    _, client = live
    story = client.get(f"/stories/{loaded['batch']['story_ids'][0]}").json()
    article_id = story["article_ids"][0]
    article = client.get(f"/articles/{article_id}").json()
    assert article["id"] == article_id
    assert article["story_id"] == story["id"] and article["story"]["title"] == story["title"]
    assert article["source"] in ("Calder Courier", "Harbor Post")
    assert article["links"]["original"].startswith("https://")
    assert isinstance(article["flags"], list)
    assert article["spans"], "the story's facts have mentions in its articles"
    for span in article["spans"]:
        assert article["text"][span["start"] : span["end"]] == span["text"]
        assert span["status"] in ("corroborated", "single_source", "conflicting")
    assert client.get("/articles/a-not-there").status_code == 404


def test_conflicts_newest_first_with_story(live: tuple[LiveServer, httpx.Client], loaded: dict) -> None:
    _, client = live
    data = client.get("/conflicts").json()
    assert data["total"] >= 1, "a01 (40 m breach) and a03 (65 m) disagree"
    levee = [c for c in data["conflicts"] if c["story_id"] in loaded["upload"]["story_ids"]]
    assert levee, data
    conflict = levee[0]
    assert conflict["story_title"]
    assert conflict["conflict"]["reason"]
    assert len(conflict["conflict"]["sides"]) >= 2
    arose = [c["arose"] or "" for c in data["conflicts"]]
    assert arose == sorted(arose, reverse=True)
    only = client.get("/stories", params={"has_conflicts": "true"}).json()
    assert {s["id"] for s in only["stories"]} >= {conflict["story_id"]}
    assert all(s["conflicts"] > 0 for s in only["stories"])


def test_story_filters_and_paging(live: tuple[LiveServer, httpx.Client], loaded: dict) -> None:
    _, client = live
    by_outlet = client.get("/stories", params={"outlet": "calder courier"}).json()
    assert [s["id"] for s in by_outlet["stories"]] == loaded["batch"]["story_ids"][:1]
    assert client.get("/stories", params={"since": "2026-05-01"}).json()["total"] >= 1
    assert client.get("/stories", params={"since": "2030-01-01"}).json()["total"] == 0
    assert client.get("/stories", params={"since": "yesterday"}).status_code == 422
    words = client.get("/stories", params={"q": "ferry brevik"}).json()
    assert [s["id"] for s in words["stories"]] == loaded["batch"]["story_ids"][:1]
    first = client.get("/stories", params={"limit": 1}).json()
    assert len(first["stories"]) == 1 and first["next"] == "/stories?limit=1&offset=1"
    second = client.get(first["next"]).json()
    assert second["stories"][0]["id"] != first["stories"][0]["id"]


def test_search_finds_stories_and_articles(live: tuple[LiveServer, httpx.Client], loaded: dict) -> None:
    _, client = live
    found = client.get("/search", params={"q": "Brevik"}).json()
    assert [s["id"] for s in found["stories"]] == loaded["batch"]["story_ids"][:1]
    assert len(found["articles"]) == 2
    assert found["articles"][0]["snippet"][1].lower() == "brevik"
    phrase = client.get("/search", params={"q": '"east levee"'}).json()
    assert phrase["articles"] and all(
        a["story_id"] in loaded["upload"]["story_ids"] for a in phrase["articles"]
    )
    assert client.get("/search", params={"q": "zyzzyva-nowhere"}).json() == {
        "q": "zyzzyva-nowhere",
        "stories": [],
        "articles": [],
    }
    assert client.get("/search").status_code == 422


def test_events_stream_a_story_event(live: tuple[LiveServer, httpx.Client], loaded: dict) -> None:
    server, client = live
    events: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
    connected = threading.Event()

    def listen() -> None:
        timeout = httpx.Timeout(5, read=JOB_SECONDS)
        with (
            httpx.Client(base_url=server.url, timeout=timeout) as sse,
            sse.stream("GET", "/events") as response,
        ):
            assert response.headers["content-type"].startswith("text/event-stream")
            kind = None
            for line in response.iter_lines():
                if line.startswith(": connected"):
                    connected.set()
                elif line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind:
                    events.put((kind, json.loads(line[6:])))
                    if kind == "story":
                        return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert connected.wait(30), "the event stream did not open"
    response = client.post("/articles", json=[as_record(ORCHARD, "Linden Valley Gazette")], headers=AUTH)
    assert response.status_code == 202
    deadline = time.monotonic() + JOB_SECONDS
    while True:
        kind, data = events.get(timeout=max(0.1, deadline - time.monotonic()))
        if kind == "story":
            break
    assert data["kind"] == "created"
    assert data["story"]["title"].startswith("Valley Orchards")
    assert data["story"]["outlets"] == ["Linden Valley Gazette"]
    thread.join(10)
    assert wait_job(client, response.json()["id"])["status"] == "done"


def test_another_writer_is_picked_up(
    live: tuple[LiveServer, httpx.Client], loaded: dict, tmp_path: Path
) -> None:
    """`newsdesk analyze` on the same store, beside the server: its stories appear without a restart."""
    from newsdesk.pipeline import analyze_paths

    server, client = live
    store_url = server.server.config.app.state.catalog.store.url  # the live server's own store
    name = "off_meridian_glassworks.html"
    (tmp_path / name).write_bytes((CORPUS / name).read_bytes())
    with Store(store_url) as store:
        report = analyze_paths([tmp_path], Options(db_url=store_url), store=store)
    story_id = report.stories[0].id
    deadline = time.monotonic() + 60
    while story_id not in {s["id"] for s in client.get("/stories", params={"limit": 200}).json()["stories"]}:
        assert time.monotonic() < deadline, "the server never saw the other writer's story"
        time.sleep(0.1)
    assert client.get(f"/stories/{story_id}").json()["title"] == report.stories[0].title


# ---------------------------------------------------------------------------- bad input


def test_binary_upload_fails_the_job_not_the_server(
    live: tuple[LiveServer, httpx.Client], loaded: dict
) -> None:
    _, client = live
    garbage = bytes(range(256)) * 40
    response = client.post("/articles", files={"file": ("garbage.bin", garbage)}, headers=AUTH)
    assert response.status_code == 202
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "failed" and job["message"] == "no article could be read"
    assert job["errors"], job
    error = job["errors"][0]
    assert error["path"] == "garbage.bin" and error["stage"] == "ingest", error
    assert client.get("/healthz").json()["status"] == "ok"
    bad_line = '{"title": "x", "text": "too short"}\nnot json at all\n'
    response = client.post(
        "/articles", content=bad_line, headers={**AUTH, "Content-Type": "application/x-ndjson"}
    )
    job = wait_job(client, response.json()["id"])
    assert {e["path"] for e in job["errors"]} == {"batch.jsonl"}
    assert all(e["stage"] in ("ingest", "clean") for e in job["errors"])
    assert client.get("/stories").status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b'{"articles": []}', "application/json", 422),
        (b"[1, 2]", "application/json", 422),
        (b"title,text\n", "text/csv", 415),
        (
            b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n',
            "multipart/form-data; boundary=x",
            400,
        ),
    ],
)
def test_bad_bodies_are_refused(
    live: tuple[LiveServer, httpx.Client], body: bytes, content_type: str, status: int
) -> None:
    _, client = live
    response = client.post("/articles", content=body, headers={**AUTH, "Content-Type": content_type})
    assert response.status_code == status, response.text
    assert response.json()["detail"]


# ---------------------------------------------------------------------------- auth, limits, headers


def test_writes_need_the_token(live: tuple[LiveServer, httpx.Client]) -> None:
    _, client = live
    record = [as_record(ORCHARD, "Nobody")]
    response = client.post("/articles", json=record)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert client.post("/articles", json=record, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/articles", json=record, headers={"Authorization": TOKEN}).status_code == 401


def test_without_a_token_writes_are_refused_with_503(tmp_path: Path) -> None:
    server, store = serve(tmp_path, "closed", token=None, warm=False)
    with server, httpx.Client(base_url=server.url, timeout=10) as client:
        response = client.post("/articles", json=[as_record(ORCHARD, "Nobody")], headers=AUTH)
        assert response.status_code == 503
        assert "NEWSDESK_TOKEN" in response.json()["detail"] and "--no-auth" in response.json()["detail"]
        assert client.get("/stories").status_code == 200  # reads stay open
        assert client.get("/healthz").json()["writes"] == "disabled"
    store.close()


def test_private_reads_need_the_token(tmp_path: Path) -> None:
    server, store = serve(tmp_path, "private", open_reads=False, warm=False)
    with server, httpx.Client(base_url=server.url, timeout=10) as client:
        assert client.get("/stories").status_code == 401
        assert client.get("/stories", headers=AUTH).status_code == 200
        assert client.get("/healthz").json() == {
            "status": "ok",
            "version": client.get("/healthz").json()["version"],
        }
        page = client.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
        assert client.post("/login", data={"token": "wrong", "next": "/"}).status_code == 401
        signed = client.post("/login", data={"token": TOKEN, "next": "//evil.example/"})
        assert signed.status_code == 303 and signed.headers["location"] == "/"
        assert "httponly" in signed.headers["set-cookie"].lower()
        assert client.get("/").status_code == 200  # the cookie reads pages and the API
        assert client.get("/stories").status_code == 200
    store.close()


def test_size_limits_give_413(tmp_path: Path) -> None:
    small = Options(ingest=IngestOptions(max_bytes=2_000, max_container_bytes=6_000))
    server, store = serve(tmp_path, "small", options=small, warm=False)
    with server, httpx.Client(base_url=server.url, timeout=10) as client:
        big = [{"title": "t", "text": "word " * 1_000}]
        response = client.post("/articles", json=big, headers=AUTH)
        assert response.status_code == 413 and "limit" in response.json()["detail"]
        response = client.post("/articles", files={"file": ("long.txt", b"word " * 1_000)}, headers=AUTH)
        assert response.status_code == 413 and "long.txt" in response.json()["detail"]
        response = client.post("/articles", files={"file": ("many.jsonl", b"x" * 5_000)}, headers=AUTH)
        assert response.status_code == 202  # JSONL may be as large as max_container_bytes
        response = client.post("/articles", files={"file": ("huge.jsonl", b"x" * 7_000)}, headers=AUTH)
        assert response.status_code == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it streams
            for _ in range(20):
                yield b"y" * 1_000

        response = client.post(
            "/articles", content=chunks(), headers={**AUTH, "Content-Type": "application/x-ndjson"}
        )
        assert response.status_code == 413
        assert client.get("/healthz").status_code == 200
    store.close()


def test_security_headers_on_every_response(live: tuple[LiveServer, httpx.Client], loaded: dict) -> None:
    _, client = live
    story_id = loaded["batch"]["story_ids"][0]
    for path in (
        "/healthz",
        "/stories",
        f"/stories/{story_id}",
        "/",
        f"/story/{story_id}",
        "/static/app.js",
        "/nope",
        "/openapi.json",
    ):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert not re.search(r"https?:|\*", csp), csp  # no external source may be allowed
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"


def test_openapi_and_docs_need_nothing_external(live: tuple[LiveServer, httpx.Client]) -> None:
    _, client = live
    spec = client.get("/openapi.json").json()
    assert {
        "/articles",
        "/stories",
        "/stories/{story_id}",
        "/articles/{article_id}",
        "/conflicts",
        "/search",
        "/events",
        "/healthz",
        "/jobs/{job_id}",
    } <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/openapi.json" in docs.text
    assert client.get("/redoc").status_code == 404
    for path in ("/docs", "/"):
        html = client.get(path).text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), path


# ---------------------------------------------------------------------------- pages


def test_pages_speak_human_words_and_escape_text(live: tuple[LiveServer, httpx.Client], loaded: dict) -> None:
    _, client = live
    hostile = {
        "title": "Pier <script>alert(1)</script> closes",
        "published": "2026-05-20",
        "source": "Calder <b>Courier</b>",
        "text": "The north pier of Port Calder closed on Tuesday after storm damage, the harbour office said. "
        "Repairs will take three weeks, harbour master Ines Vardy said. <img src=x onerror=alert(1)>",
    }
    job = wait_job(client, client.post("/articles", json=[hostile], headers=AUTH).json()["id"])
    assert job["status"] == "done", job
    article_id = job["article_ids"][0]
    page = client.get(f"/article/{article_id}", params={"start": 4, "end": 14})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert "<img src=x" not in page.text and "<b>Courier</b>" not in page.text
    assert 'id="hl"' in page.text and "20 May 2026" in page.text
    story_id = loaded["upload"]["story_ids"][0]
    response = client.get(f"/story/{story_id}")
    assert response.headers["content-encoding"] == "gzip"  # made once per change, sent compressed
    story = response.text
    assert "Conflicts" in story and "Sources and warnings" in story
    assert "4 Mar 2026" in story and "2026-03-04" not in story.split("<main", 1)[1].split("data-search", 1)[0]
    assert "single_source" not in re.sub(r'(class|data-status|value)="[^"]*"', "", story)
    assert "Why these" in story or "Both sides describe" in story
    assert "One story because the articles name:" in story  # why these articles are one story
    assert "1 of 2 articles" in story  # each side says how many of the articles stating a value give it
    assert client.get(f"/story/{story_id}/all").status_code == 200
    index = client.get("/").text
    assert "first seen" in index and "Add articles" in index
    assert client.get("/find", params={"q": "levee"}).status_code == 200
    assert client.get("/recent-conflicts").status_code == 200
    missing = client.get("/story/s-nowhere", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "No such story" in missing.text


# ---------------------------------------------------------------------------- command line


def test_serve_command_line() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "--token-file" in result.output and "--no-auth" in result.output
    result = runner.invoke(cli, ["serve", "--private"], env={"NEWSDESK_TOKEN": ""})
    assert result.exit_code == 2 and "--private needs a token" in result.output
    result = runner.invoke(cli, ["serve", "--no-auth", "--host", "0.0.0.0"], env={"NEWSDESK_TOKEN": ""})
    assert result.exit_code == 2 and "local use" in result.output
