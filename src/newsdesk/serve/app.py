"""`create_app`: the HTTP API, the server-sent events and the web app of `newsdesk serve`.

The app is thin: reads come from the in-memory read model (`catalog`) or one
store query, writes only queue a job for the ingest worker (`worker`), and the
JSON it returns is the report.json schema's (`render.json`). Pages are Jinja
templates over `views`, with one hand-written script and one stylesheet served
from the package; nothing is loaded from anywhere else (see `SECURITY_HEADERS`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import parse_qs, quote, urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from jinja2 import Environment, PackageLoader
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..options import Options
from ..records import ArticleReport
from ..render.json import article_to_dict
from ..render.words import web_link
from . import words
from .catalog import Catalog, Packed, StoryCard
from .events import EventHub
from .upload import UploadError, receive
from .views import article_view, card_view, conflict_list_view, fact_spans, story_href, story_view
from .worker import IngestWorker, QueueFull

if TYPE_CHECKING:
    from ..store import Store

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]

COOKIE = "newsdesk_read"
PAGE_SIZE = 50
MAX_FORM_BYTES = 4096
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
)
NO_TOKEN = (
    "writes are disabled: the server has no token (set NEWSDESK_TOKEN or pass --token-file; "
    "for local use only, start it with --no-auth)"
)


class SecurityHeaders:
    """Adds the security headers to every response, and `Server-Timing` (the time this process took
    to start answering), in pure ASGI: streams pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
                # Package files revalidate by ETag; everything else is live data and is not stored.
                static = scope.get("path", "").startswith("/static/")
                headers.setdefault("cache-control", "no-cache" if static else "no-store")
                headers.append("server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.2f}")
            await send(message)

        await self.app(scope, receive, with_headers)


class Access:
    """Who may read and write: a bearer token for writes; reads open, or token-gated when private."""

    def __init__(self, token: str | None, open_reads: bool, no_auth: bool) -> None:
        self.token = token or None
        self.open_reads = open_reads
        self.no_auth = no_auth
        key = (self.token or "").encode()
        self.session = (
            hmac.new(key, b"newsdesk read session", hashlib.sha256).hexdigest() if self.token else None
        )

    def _bearer(self, request: Request) -> str | None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        return value.strip() if scheme.lower() == "bearer" and value.strip() else None

    def _valid(self, given: str | None) -> bool:
        return (
            self.token is not None
            and given is not None
            and hmac.compare_digest(given.encode(), self.token.encode())
        )

    def can_read(self, request: Request) -> bool:
        if self.open_reads or self.no_auth:
            return True
        if self._valid(self._bearer(request)):
            return True
        cookie = request.cookies.get(COOKIE)
        return self.session is not None and cookie is not None and hmac.compare_digest(cookie, self.session)

    def check_read(self, request: Request) -> None:
        if self.can_read(request):
            return
        if self.token is None:
            raise HTTPException(503, "reads are private but the server has no token (set NEWSDESK_TOKEN)")
        raise HTTPException(
            401, "this server is private: send Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"}
        )

    def check_write(self, request: Request) -> None:
        if self.no_auth:
            return
        if self.token is None:
            raise HTTPException(503, NO_TOKEN)
        if not self._valid(self._bearer(request)):
            raise HTTPException(
                401, "writes need Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"}
            )


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body.encode(), status, headers=headers, media_type="application/json")


def _send(request: Request, body: Packed, media_type: str) -> Response:
    """A made-once body, gzipped for clients that accept it."""
    if body.gz is not None and "gzip" in request.headers.get("accept-encoding", ""):
        headers = {"content-encoding": "gzip", "vary": "Accept-Encoding"}
        return Response(body.gz, headers=headers, media_type=media_type)
    return Response(body.raw, headers={"vary": "Accept-Encoding"}, media_type=media_type)


def _page(items: list[Any], offset: int, limit: int) -> list[Any]:
    return items[offset : offset + limit]


def _next(request: Request, total: int, offset: int, limit: int) -> str | None:
    if offset + limit >= total:
        return None
    params = dict(request.query_params)
    params["offset"] = str(offset + limit)
    return f"{request.url.path}?{urlencode(params)}"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How the service runs (what it computes is `Options`)."""

    queue_size: int = 16  # ingest jobs waiting at most; more answer 503 with Retry-After
    warm: bool = True  # start the ingest process and load the language model at start-up
    poll_seconds: float = 5.0  # how often an idle worker looks for another writer's changes
    isolate: bool = True  # ingest in a process of its own (never for an in-memory store)


def create_app(
    store: Store,
    options: Options,
    *,
    token: str | None,
    open_reads: bool = True,
    no_auth: bool = False,
    serve: ServeOptions | None = None,
) -> FastAPI:
    """The service over `store` (the backend is chosen by the caller: SQLite, PostgreSQL).

    `token`: bearer token for writes (and reads when `open_reads` is False). Without one,
    POST answers 503 unless `no_auth` was asked for explicitly (local use). Ingest runs in a
    process of its own (`ServeOptions.isolate`), so NLP never holds the serving process's GIL.
    """
    serve = serve or ServeOptions()
    access = Access(token, open_reads, no_auth)
    catalog = Catalog(store)
    hub = EventHub()
    worker = IngestWorker(
        store,
        options,
        catalog,
        hub,
        queue_size=serve.queue_size,
        warm=serve.warm,
        poll_seconds=serve.poll_seconds,
        isolate=serve.isolate,
    )
    env = Environment(
        loader=PackageLoader("newsdesk.serve", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(words.filters())
    env.globals["version"] = __version__

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        hub.bind(asyncio.get_running_loop())
        worker.start()
        try:
            yield
        finally:
            hub.close()
            await run_in_threadpool(worker.stop)

    app = FastAPI(
        title="newsdesk",
        version=__version__,
        description="Stories, conflicts and articles of a newsdesk store; ingest in the background; live events.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.add_middleware(SecurityHeaders)  # type: ignore[arg-type]
    app.state.catalog = catalog
    app.state.worker = worker
    app.state.hub = hub
    app.state.access = access
    static = resources.files("newsdesk.serve").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    env.globals["writes"] = "open" if no_auth else ("token" if token else "off")

    def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        return Response(
            _render(env, request.url.path, name, **context), status, media_type="text/html; charset=utf-8"
        )

    def page_access(request: Request) -> Response | None:
        """Pages of a private server send people to the sign-in page instead of answering 401."""
        if access.can_read(request):
            return None
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", 303)

    def not_found(request: Request, what: str) -> Response:
        return render(request, "missing.html.j2", 404, what=what)

    # ------------------------------------------------------------------ API: writes

    @app.post(
        "/articles",
        status_code=202,
        tags=["write"],
        summary="Add articles (a JSON batch or a file upload); ingested in the background",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "url": {"type": "string"},
                                    "title": {"type": "string"},
                                    "published": {"type": "string"},
                                    "source": {"type": "string"},
                                    "authors": {"type": "array", "items": {"type": "string"}},
                                    "text": {"type": "string"},
                                },
                                "required": ["text"],
                            },
                        }
                    },
                    "application/x-ndjson": {"schema": {"type": "string"}},
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {"file": {"type": "string", "format": "binary"}},
                        }
                    },
                },
            }
        },
        responses={
            401: {"description": "no or wrong bearer token"},
            413: {"description": "over the ingest size limits"},
            503: {"description": "writes disabled (no token configured) or the queue is full"},
        },
    )
    async def post_articles(request: Request) -> Response:
        """Queue articles for ingest: a JSON array of objects with the JSONL fields (url, title,
        published, source, authors, text), a JSONL body, or a multipart upload of any supported
        file (.txt, .html, .jsonl, .warc(.gz), .xml feed). Answers 202 with the job; poll
        `/jobs/{id}`. Needs `Authorization: Bearer <token>`."""
        access.check_write(request)
        folder = Path(tempfile.mkdtemp(prefix="newsdesk-upload-"))
        try:
            received = await receive(
                request.headers.get("content-type", ""),
                request.headers.get("content-length"),
                request.stream(),
                folder,
                options.ingest,
            )
            names = {p.name: n for p, n in zip(received.files, received.names, strict=True)}
            label = (
                f"batch of {words.count(received.articles_hint, 'article')}"
                if received.articles_hint is not None
                else ", ".join(received.names)
            )
            job = worker.submit(folder, label[:200], names)
        except UploadError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            return _json({"detail": exc.message}, exc.status)
        except QueueFull as exc:
            shutil.rmtree(folder, ignore_errors=True)
            return _json({"detail": str(exc)}, 503, {"Retry-After": "5"})
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return _json(job.to_dict(), 202, {"Location": f"/jobs/{job.id}"})

    @app.get("/jobs/{job_id}", tags=["write"], summary="An ingest job: queued, running, done or failed")
    def get_job(job_id: str, request: Request) -> Response:
        """The job's status, counts (documents, articles, new, stories, errors) and the errors of its
        inputs, each naming path, stage and message."""
        access.check_read(request)
        job = worker.job(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id!r} (jobs are kept in memory until the server restarts)")
        return _json(job.to_dict())

    # ------------------------------------------------------------------ API: reads

    @app.get("/stories", tags=["read"], summary="Stories, most recently updated first; filtered and paged")
    def list_stories(
        request: Request,
        since: Annotated[
            str | None,
            Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="updated since this day (last_seen)"),
        ] = None,
        has_conflicts: Annotated[
            bool | None, Query(description="only stories with (true) or without (false) conflicts")
        ] = None,
        outlet: Annotated[
            str | None, Query(max_length=200, description="an outlet's name or part of it")
        ] = None,
        q: Annotated[
            str | None, Query(max_length=500, description="words in the title, outlets or dossier")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = PAGE_SIZE,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Response:
        access.check_read(request)
        cards = catalog.filter(since=since, has_conflicts=has_conflicts, outlet=outlet, q=q)
        return _json(
            {
                "total": len(cards),
                "offset": offset,
                "limit": limit,
                "stories": [c.to_dict() for c in _page(cards, offset, limit)],
                "next": _next(request, len(cards), offset, limit),
            }
        )

    def get_story_made(story_id: str, request: Request) -> Response:
        hit = catalog.story(story_id)
        if hit is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return _send(request, hit[1], "application/json")

    @app.get("/stories/{story_id}", tags=["read"], summary="One dossier, as a story in report.json")
    async def get_story(story_id: str, request: Request) -> Response:
        """The dossier in the report.json schema's `story` shape: facts, conflicts, timeline,
        quotes, summary, coverage."""
        access.check_read(request)
        made = catalog.peek(story_id, "dossier")  # cached: answered on the event loop
        if made is not None:
            return _send(request, made[1], "application/json")
        return await run_in_threadpool(get_story_made, story_id, request)

    @app.get(
        "/articles/{article_id}", tags=["read"], summary="One article: metadata, text, spans, warnings, story"
    )
    def get_article(article_id: str, request: Request) -> Response:
        """The article as in report.json's `articles`, plus its `text` (every span indexes it), the
        `spans` of its story's facts, its `story`, and `links` (the original URL, the page)."""
        access.check_read(request)
        articles = store.get_articles([article_id])
        article = articles.get(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        story_id = catalog.story_of(article_id) or store.story_assignments().get(article_id)
        hit = catalog.story(story_id) if story_id else None
        story = hit[0] if hit else None
        entry = ArticleReport(
            article=article,
            duplicate=catalog.duplicate(article_id),
            story_id=story_id,
            flags=catalog.flags(article_id),
            topic_id=catalog.topic_of(story_id),
        )
        return _json(
            {
                **article_to_dict(entry),
                "text": article.text,
                "spans": [
                    {"fact_id": f.id, "kind": f.kind, "status": f.status, "start": s, "end": e, "text": t}
                    for f, s, e, t in fact_spans(story, article_id)
                ],
                "story": {"id": story.id, "title": story.title} if story else None,
                "links": {
                    "original": web_link(article.url),
                    "page": f"/article/{article_id}",
                    "story": f"/stories/{story.id}" if story else None,
                },
            }
        )

    @app.get("/conflicts", tags=["read"], summary="Every conflict, newest first, with its story")
    def list_conflicts(
        request: Request,
        limit: Annotated[int, Query(ge=1, le=200)] = PAGE_SIZE,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Response:
        """Newest first by `arose`: the latest publication date among the articles on its sides."""
        from ..render.json import conflict_to_dict

        access.check_read(request)
        cards = catalog.conflicts()
        return _json(
            {
                "total": len(cards),
                "offset": offset,
                "limit": limit,
                "conflicts": [
                    {
                        "story_id": c.story_id,
                        "story_title": c.story_title,
                        "arose": c.arose,
                        "conflict": conflict_to_dict(c.conflict),
                    }
                    for c in _page(cards, offset, limit)
                ],
                "next": _next(request, len(cards), offset, limit),
            }
        )

    @app.get("/search", tags=["read"], summary="Stories and articles whose title or text match")
    def search(
        request: Request,
        q: Annotated[
            str, Query(min_length=1, max_length=500, description='words (all must match; "quoted phrase")')
        ],
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> Response:
        """Every word must occur (case-folded) in the story's title, outlets or dossier texts, or in
        the article's title, source or text; articles come from the store's full-text index, where
        a word also finds words it begins. Title matches rank first."""
        access.check_read(request)
        stories, articles = catalog.search(q, limit)
        return _json(
            {
                "q": q,
                "stories": [{**h.card.to_dict(), "snippet": list(h.snippet)} for h in stories],  # type: ignore[union-attr]
                "articles": [
                    {
                        "id": h.card.id,
                        "title": h.card.title,  # type: ignore[union-attr]
                        "outlet": h.card.outlet,  # type: ignore[union-attr]
                        "published": h.card.published,  # type: ignore[union-attr]
                        "story_id": catalog.story_of(h.card.id),
                        "snippet": list(h.snippet),
                        "links": {"self": f"/articles/{h.card.id}", "page": f"/article/{h.card.id}"},
                    }
                    for h in articles
                ],
            }
        )

    @app.get(
        "/events",
        tags=["read"],
        summary="Server-sent events: story created/updated/merged/split, conflict new, job progress",
        response_class=StreamingResponse,
    )
    async def events(request: Request) -> Response:
        """A text/event-stream. `story` events carry the story as `/stories` lists it and a `kind`
        (created, updated, merged, split); `conflict` events the new conflict and its story; `job`
        events an ingest job's status. Reconnect with Last-Event-ID to replay what was missed."""
        access.check_read(request)
        last = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
        last_id = int(last) if last and last.isdigit() else None
        return StreamingResponse(
            hub.stream(last_id),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
        )

    @app.get("/healthz", tags=["read"], summary="Liveness and a few counts")
    def healthz(request: Request) -> Response:
        data: dict[str, Any] = {"status": "ok", "version": __version__}
        if access.can_read(request):
            data.update(
                {
                    "stories": len(catalog.stories()),
                    "articles": len(catalog.article_cards()),
                    "queued": worker.queued,
                    "running": worker.running is not None,
                    "writes": "open" if no_auth else ("token" if token else "disabled"),
                }
            )
        return _json(data)

    # ------------------------------------------------------------------ pages

    @app.get("/", include_in_schema=False)
    def index(
        request: Request,
        q: str | None = None,
        outlet: str | None = None,
        conflicts: str | None = None,
        since: str | None = None,
        page: int = 1,
    ) -> Response:
        if (redirect := page_access(request)) is not None:
            return redirect
        if since and not (len(since) == 10 and since[4] == "-" and since[7] == "-"):
            since = None
        cards = catalog.filter(since=since, has_conflicts=True if conflicts else None, outlet=outlet, q=q)
        page = max(1, page)
        shown = _page(cards, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        pages = max(1, -(-len(cards) // PAGE_SIZE))
        return render(
            request,
            "index.html.j2",
            prev_href=_page_href(request, page - 1) if page > 1 else None,
            next_href=_page_href(request, page + 1) if page < pages else None,
            stories=[card_view(c) for c in shown],
            total=len(cards),
            page=page,
            pages=pages,
            filters={
                "q": q or "",
                "outlet": outlet or "",
                "conflicts": bool(conflicts),
                "since": since or "",
            },
            outlets=catalog.outlets(),
            all_stories=len(catalog.stories()),
            query=request.url.query,
        )

    def story_page_html(story_id: str, full: bool) -> Packed | None:
        """A story's page, made from the current dossier (decoded once for the page and the API)."""
        hit = catalog.story(story_id, current=True)
        if hit is None:
            return None
        story = hit[0]
        path = f"/story/{story_id}" + ("/all" if full else "")
        return Packed.of(_render(env, path, "story.html.j2", s=story_view(story, catalog, full)))

    catalog.makers["page"] = partial(story_page_html, full=False)
    catalog.makers["page-all"] = partial(story_page_html, full=True)

    def story_html(request: Request, story_id: str, full: bool) -> Response:
        if (redirect := page_access(request)) is not None:
            return redirect
        html = catalog.memo(
            story_id, "page-all" if full else "page", partial(story_page_html, story_id, full)
        )
        if html is None:
            return not_found(request, "story")
        return _send(request, html, "text/html; charset=utf-8")

    async def story_html_fast(request: Request, story_id: str, full: bool) -> Response:
        """A page already made answers on the event loop; one to make goes to a thread (so a
        reader of a cached page never queues behind the thread pool or a render)."""
        if access.can_read(request):
            made = catalog.peek(story_id, "page-all" if full else "page")
            if made is not None:
                return _send(request, made, "text/html; charset=utf-8")
        return await run_in_threadpool(story_html, request, story_id, full)

    @app.get("/story/{story_id}", include_in_schema=False)
    async def story_page(story_id: str, request: Request) -> Response:
        return await story_html_fast(request, story_id, full=False)

    @app.get("/story/{story_id}/all", include_in_schema=False)
    async def story_page_all(story_id: str, request: Request) -> Response:
        """Every fact and the whole timeline of a large story."""
        return await story_html_fast(request, story_id, full=True)

    @app.get("/article/{article_id}", include_in_schema=False)
    def article_page(
        article_id: str, request: Request, start: int | None = None, end: int | None = None
    ) -> Response:
        if (redirect := page_access(request)) is not None:
            return redirect
        article = store.get_articles([article_id]).get(article_id)
        if article is None:
            return not_found(request, "article")
        story_id = catalog.story_of(article_id)
        hit = catalog.story(story_id) if story_id else None
        focus = (start, end) if start is not None and end is not None else None
        return render(
            request, "article.html.j2", a=article_view(article, catalog, hit[0] if hit else None, focus)
        )

    @app.get("/find", include_in_schema=False)
    def find_page(request: Request, q: str = "") -> Response:
        if (redirect := page_access(request)) is not None:
            return redirect
        q = q.strip()[:500]
        stories, articles = catalog.search(q, 30) if q else ([], [])
        return render(
            request,
            "find.html.j2",
            q=q,
            stories=[
                {**card_view(h.card), "snippet": h.snippet} for h in stories if isinstance(h.card, StoryCard)
            ],
            articles=[
                {
                    "href": f"/article/{h.card.id}",
                    "title": getattr(h.card, "title", None) or "(no headline)",
                    "outlet": getattr(h.card, "outlet", ""),
                    "published": words.day(getattr(h.card, "published", None)),
                    "story": _story_title(catalog, catalog.story_of(h.card.id)),
                    "snippet": h.snippet,
                }
                for h in articles
            ],
        )

    @app.get("/recent-conflicts", include_in_schema=False)
    def conflicts_page(request: Request, page: int = 1) -> Response:
        if (redirect := page_access(request)) is not None:
            return redirect
        cards = catalog.conflicts()
        page = max(1, page)
        shown = _page(cards, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        return render(
            request,
            "conflicts.html.j2",
            conflicts=conflict_list_view(shown, catalog),
            total=len(cards),
            page=page,
            pages=max(1, -(-len(cards) // PAGE_SIZE)),
        )

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> Response:
        """The API in short, from the OpenAPI document (no external script or style)."""
        spec = app.openapi()
        routes = []
        for path, methods in spec.get("paths", {}).items():
            for method, op in methods.items():
                params = [
                    (p["name"], p.get("in", ""), p.get("description") or p.get("schema", {}).get("type", ""))
                    for p in op.get("parameters", [])
                ]
                routes.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": op.get("summary", ""),
                        "description": op.get("description", ""),
                        "params": params,
                    }
                )
        return render(request, "docs.html.j2", routes=routes)

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request, next: str = "/") -> Response:
        return render(request, "login.html.j2", next=_local(next), failed=False)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                return _json({"detail": "form too large"}, 413)
        form = parse_qs(body.decode("utf-8", "replace"))
        given = (form.get("token") or [""])[0].strip()
        target = _local((form.get("next") or ["/"])[0])
        if access.session is None or not access._valid(given):
            return render(request, "login.html.j2", 401, next=target, failed=True)
        response = RedirectResponse(target, 303)
        response.set_cookie(
            COOKIE,
            access.session,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    @app.exception_handler(404)
    async def missing(request: Request, exc: Exception) -> Response:
        detail = getattr(exc, "detail", "not found")
        if "text/html" in request.headers.get("accept", "") and not request.url.path.startswith(
            ("/stories", "/articles", "/jobs")
        ):
            return await run_in_threadpool(partial(not_found, request, "page"))
        return _json({"detail": detail}, 404)

    return app


def _render(env: Environment, path: str, name: str, **context: Any) -> bytes:
    """A page; it depends on the request only through its path (so story pages can be cached)."""
    return env.get_template(name).render(path=path, **context).encode()


def _page_href(request: Request, page: int) -> str:
    params = {k: v for k, v in request.query_params.items() if k != "page"}
    return "?" + urlencode({**params, "page": page})


def _local(target: str) -> str:
    """Only same-site paths are redirect targets (no open redirect to another host)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return quote(target, safe="/?=&#%-_.~+")


def _story_title(catalog: Catalog, story_id: str | None) -> dict[str, str] | None:
    card = catalog.story_card(story_id) if story_id else None
    return {"title": card.title, "href": story_href(card.id)} if card is not None else None
