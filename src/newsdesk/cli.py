"""The `newsdesk` command line: thin wrappers that parse, call one library function, and print."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .options import Options
from .pipeline import ProgressFn

app = typer.Typer(
    name="newsdesk",
    help=(
        "Read many news articles about the same events and report what they agree on, "
        "where they contradict each other, and which copies are not independent sources."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
out = Console()
err = Console(stderr=True)

DEFAULT_DB = os.environ.get("NEWSDESK_DB", "sqlite:///newsdesk.db")
DbOpt = Annotated[
    str,
    typer.Option(
        "--db",
        help="Store URL: sqlite:///path.db (default, env NEWSDESK_DB) or postgresql+psycopg://user@host/db",
    ),
]
ExecutorOpt = Annotated[
    str,
    typer.Option(
        "--executor",
        help="Where annotation and the pure per-article work run: local (default), local:N (N processes), "
        "dask-local:N (a Dask LocalCluster) or dask://HOST:PORT (an existing scheduler; extra [dask]).",
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print a machine-readable JSON summary instead of tables.")
]
OutputOpt = Annotated[Path, typer.Option("-o", "--output", help="Folder for report.json and report.html.")]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Change one option, SECTION.NAME=VALUE (repeatable), e.g. --set cluster.threshold=0.1; "
        "the sections and names are those of newsdesk.options (ingest, dedup, cluster, nlp, reconcile).",
        show_default=False,
    ),
]
PathsArg = Annotated[
    list[str], typer.Argument(help="Files, folders (read recursively) or glob patterns.", show_default=False)
]


def _options(db: str, sets: Iterable[str] | None = None) -> Options:
    """The options: defaults, the store URL and each --set SECTION.NAME=VALUE (exit 2 on a bad one)."""
    from pydantic import ValidationError

    data: dict[str, Any] = {"db_url": _db_url(db)}
    for item in sets or ():
        key, sep, value = item.partition("=")
        section, dot, name = key.strip().partition(".")
        if not sep or not dot or not name:
            err.print(
                f"error: --set {item!r}: expected SECTION.NAME=VALUE, e.g. cluster.threshold=0.1",
                markup=False,
            )
            raise typer.Exit(2)
        data.setdefault(section, {})[name] = value.strip()
    try:
        return Options.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            where = ".".join(map(str, e["loc"]))
            if e["type"] == "extra_forbidden":
                problems.append(f"{where}: no such option ({_valid_names(e['loc'])})")
            else:
                problems.append(f"{where}: {e['msg']}")
        err.print(f"error: --set: {'; '.join(problems)}", markup=False)
        raise typer.Exit(2) from exc


def _valid_names(loc: tuple) -> str:
    """The names --set accepts where a wrong one was given: the sections, or one section's options."""
    fields = Options.model_fields
    if len(loc) == 1:
        return "sections: " + ", ".join(n for n, f in fields.items() if hasattr(f.annotation, "model_fields"))
    section = fields.get(str(loc[0]))
    names = getattr(section.annotation, "model_fields", {}) if section is not None else {}
    return f"{loc[0]} options: " + ", ".join(names)


def _db_url(db: str) -> str:
    """Accept a bare file path as a SQLite database."""
    return db if "://" in db else f"sqlite:///{db}"


def _open_store(db: str, *, must_exist: bool = False) -> Any:
    """The store backend, or a one-line error (exit 2) when it cannot be opened.

    `must_exist`: commands that only read (stories, show, report) refuse a SQLite file that
    is not there, instead of creating an empty store and listing nothing.
    """
    from .store import Store

    url = _db_url(db)
    if must_exist and url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        err.print(
            f"error: no store at {url.removeprefix('sqlite:///')} (run `newsdesk analyze FOLDER` or "
            "`newsdesk ingest FOLDER` first, or pass --db / set NEWSDESK_DB)",
            markup=False,
        )
        raise typer.Exit(2)
    try:
        return Store(_db_url(db))
    except ImportError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from exc
    except Exception as exc:
        err.print(f"error: [store] cannot open {db}: {type(exc).__name__}: {exc}", markup=False)
        raise typer.Exit(2) from exc


@contextmanager
def _stdin_as_file(paths: list[str], limit: int) -> Iterator[list[str]]:
    """`-` among the paths: standard input copied, in blocks, to a temporary .jsonl file that the
    JSONL reader then streams like any other (memory stays bounded whatever the input's size)."""
    if "-" not in paths:
        yield paths
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="newsdesk-stdin-") as tmp:
        target = Path(tmp) / "stdin.jsonl"
        with target.open("wb") as f:
            copied = 0
            while block := sys.stdin.buffer.read(1 << 20):
                copied += len(block)
                if copied > limit:
                    err.print(f"error: standard input is over {limit} bytes (ingest.max_container_bytes)")
                    raise typer.Exit(2)
                f.write(block)
        yield [str(target) if p == "-" else p for p in paths]


@contextmanager
def _executor(spec: str) -> Iterator[Any]:
    """The executor a --executor spec names (exit 2 with the reason when it cannot be started)."""
    from .executors import open_executor, parse_spec

    try:
        parse_spec(spec)
    except ValueError as exc:
        err.print(f"error: --executor: {exc}", markup=False)
        raise typer.Exit(2) from exc
    try:
        context = open_executor(spec)
        pool = context.__enter__()
    except Exception as exc:  # a scheduler that does not answer, a missing extra
        err.print(f"error: --executor {spec}: {type(exc).__name__}: {exc}", markup=False)
        raise typer.Exit(2) from exc
    try:
        yield pool
    finally:
        context.__exit__(None, None, None)


@contextmanager
def _progress(enabled: bool) -> Iterator[ProgressFn]:
    """A rich progress bar on a terminal; silent otherwise (logs and --json stay clean)."""
    if not enabled or not err.is_terminal:
        yield lambda stage, done, total: None
        return
    with Progress(
        TextColumn("{task.description:>9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield update


def _version(value: bool) -> None:
    if value:
        out.print(f"newsdesk {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """newsdesk: cross-source news analysis."""


def _summary(report: Any) -> dict[str, Any]:
    stories = [
        {
            "id": s.id,
            "title": s.title,
            "articles": len(s.article_ids),
            "facts": len(s.facts),
            "corroborated": sum(1 for f in s.facts if f.status == "corroborated"),
            "conflicts": len(s.conflicts),
        }
        for s in report.stories
    ]
    return {
        "articles": len(report.articles),
        "stories": stories,
        "copies": sum(1 for a in report.articles if a.duplicate is not None),
        "flags": sum(len(a.flags) for a in report.articles),
        "errors": [{"path": e.path, "stage": e.stage, "message": e.message} for e in report.errors],
        "stats": dict(report.stats),
    }


_ID_WIDTH = 17  # "s" + 16 hex digits, never cut: users paste it into `newsdesk show`


def _cut_title(title: str | None, fixed: Iterable[int]) -> str:
    """The title cut with an ellipsis to what the fixed columns leave of the terminal."""
    room = max(10, out.width - sum(w + 3 for w in fixed) - 4)
    title = title or "-"
    cut = title if len(title) <= room else title[: room - 1] + "…"
    return escape(cut)  # article text: "[/b]" or "[link=...]" in a title is text, not markup


def _date_range(first: str | None, last: str | None) -> str:
    """'2025-08-26 → 08-28': the year and month are not repeated when they do not change."""
    if not first or not last:
        return first or last or "-"
    if first == last:
        return first
    same = 8 if first[:8] == last[:8] else 5 if first[:5] == last[:5] else 0
    return f"{first} → {last[same:]}"


def _print_summary(summary: dict[str, Any]) -> None:
    table = Table(title="Stories", show_lines=False)
    numeric = ("articles", "facts", "corroborated", "conflicts")
    table.add_column("story", no_wrap=True)
    for col in numeric:
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("id", style="dim", no_wrap=True)
    fixed = [len(c) for c in numeric] + [_ID_WIDTH]
    for s in summary["stories"]:
        table.add_row(
            _cut_title(s["title"], fixed),
            str(s["articles"]),
            str(s["facts"]),
            str(s["corroborated"]),
            str(s["conflicts"]),
            s["id"],
        )
    out.print(table)
    resumed = summary["stats"].get("count_resumed", 0)
    out.print(
        f"{summary['articles']} articles, {len(summary['stories'])} stories, "
        f"{summary['copies']} copies, {summary['flags']} warnings, {len(summary['errors'])} errors"
        + (f"; finished {resumed} article(s) an earlier run left unfinished" if resumed else "")
    )


def _report_errors(errors: list[dict[str, Any]], as_json: bool) -> None:
    if errors and not as_json:
        err.print(f"[yellow]warning:[/] {len(errors)} input(s) could not be used:")
        for e in errors[:20]:
            err.print(f"  [{e['stage']}] {e['path']}: {e['message']}", markup=False, highlight=False)
        if len(errors) > 20:
            err.print(f"  ... and {len(errors) - 20} more (see report.json 'errors')")


def _write_and_print(report: Any, output: Path, as_json: bool, store: Any) -> None:
    """Write report.json and report.html, then print the summary (tables or --json)."""
    from .render.html import write_html
    from .render.json import report_to_dict, write_report

    output.mkdir(parents=True, exist_ok=True)
    data = report_to_dict(report)  # one conversion serves report.json and the HTML cache key
    write_report(report, output / "report.json", data)
    write_html(report, output / "report.html", store=store, data=data)
    summary = _summary(report)
    summary["report_json"] = str(output / "report.json")
    summary["report_html"] = str(output / "report.html")
    if as_json:
        out.print_json(json.dumps(summary))
    else:
        _print_summary(summary)
        out.print(
            f"report: [bold]{escape(str(output / 'report.html'))}[/] (data: {escape(str(output / 'report.json'))})"
        )
    _report_errors(summary["errors"], as_json)


@app.command()
def analyze(
    paths: PathsArg,
    output: OutputOpt = Path("out"),
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    sets: SetOpt = None,
    executor: ExecutorOpt = "local",
) -> None:
    """Analyze articles: write OUTPUT/report.json and OUTPUT/report.html.

    Exits 0 when at least one article was read (bad inputs are listed as errors),
    1 when nothing at all could be read.
    """
    from .pipeline import analyze_paths

    options = _options(db, sets)
    with _open_store(db) as store, _executor(executor) as pool:
        with _progress(not as_json) as progress:
            report = analyze_paths(paths, options, store=store, progress=progress, executor=pool)
        _write_and_print(report, output, as_json, store)
    if not report.articles:
        err.print("error: no article could be read")
        raise typer.Exit(1)


@app.command()
def ingest(
    paths: PathsArg,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    sets: SetOpt = None,
    executor: ExecutorOpt = "local",
) -> None:
    """Add articles to the store (dedup, annotate, assign to stories) without writing a report.

    PATH `-` reads JSON Lines from standard input (one article a line, as in a .jsonl file)."""
    from .pipeline import ingest_paths

    options = _options(db, sets)
    with (
        _stdin_as_file(paths, options.ingest.max_container_bytes) as paths,
        _open_store(db) as store,
        _executor(executor) as pool,
        _progress(not as_json) as progress,
    ):
        state = ingest_paths(paths, options, store, progress, pool, keep=False)  # memory bounded by a batch
    summary = {
        "articles": state.counts.get("articles", 0),
        "new": len(state.new_ids),
        "resumed": state.counts.get("resumed", 0),
        "errors": [{"path": e.path, "stage": e.stage, "message": e.message} for e in state.errors],
    }
    if as_json:
        out.print_json(json.dumps(summary))
    else:
        resumed = (
            f", {summary['resumed']} left unfinished by an earlier run finished" if summary["resumed"] else ""
        )
        out.print(f"{summary['articles']} articles read, {summary['new']} new in the store{resumed}")
    _report_errors(summary["errors"], as_json)
    if not state.counts.get("articles"):
        raise typer.Exit(1)


@app.command()
def report(
    output: OutputOpt = Path("out"),
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    sets: SetOpt = None,
) -> None:
    """Write a report over every article in the store."""
    from .pipeline import report_for

    options = _options(db, sets)
    with _open_store(db, must_exist=True) as store:
        rep = report_for(store, None, options)
        _write_and_print(rep, output, as_json, store)


@app.command()
def extract(
    paths: PathsArg,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="One JSON object per line (default: a JSON array).")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file instead of stdout.")
    ] = None,
    sets: SetOpt = None,
    executor: ExecutorOpt = "local",
) -> None:
    """Per-article extractions (timexes, quantities, quotes, entities) before any cross-article reasoning."""
    from .pipeline import extract_paths
    from .render.extractions import extraction_to_dict

    options = _options(DEFAULT_DB, sets)
    with _executor(executor) as pool, _progress(output is not None) as progress:
        results, errors = extract_paths(paths, options, progress, pool)
    records = [extraction_to_dict(a, x) for a, x in results]
    text = (
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        if jsonl
        else json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    )
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    _report_errors([{"path": e.path, "stage": e.stage, "message": e.message} for e in errors], False)
    if not results:
        raise typer.Exit(1)


@app.command()
def stories(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """List the stories in the store."""
    with _open_store(db, must_exist=True) as store:
        rows = store.list_stories()
    if as_json:
        out.print_json(json.dumps([r._asdict() for r in rows]))
        return
    table = Table(title="Stories")
    dates = [_date_range(r.first_seen, r.last_seen) for r in rows]
    table.add_column("id", no_wrap=True)
    table.add_column("articles", justify="right", no_wrap=True)
    table.add_column("conflicts", justify="right", no_wrap=True)
    table.add_column("dates", no_wrap=True)
    table.add_column("title", no_wrap=True)
    fixed = [_ID_WIDTH, len("articles"), len("conflicts"), max(map(len, dates), default=5)]
    for r, span in zip(rows, dates, strict=True):
        table.add_row(r.id, str(r.articles), str(r.conflicts), span, _cut_title(r.title, fixed))
    out.print(table)


@app.command()
def show(
    story_id: str,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    pager_off: Annotated[bool, typer.Option("--no-pager", help="Print straight to the terminal.")] = False,
) -> None:
    """Show one story's dossier: conflicts first, then facts, timeline, quotes, article warnings, summary.

    STORY_ID may be the start of an id (as a narrow `newsdesk stories` shows it)."""
    from .dossier import terminal
    from .pipeline import last_flags
    from .records import to_dict

    with _open_store(db, must_exist=True) as store:
        story = store.get_story(story_id)
        if story is None:  # a prefix of an id, as a narrow terminal shows it
            matches = [r.id for r in store.list_stories() if r.id.startswith(story_id.strip())]
            if len(matches) == 1:
                story = store.get_story(matches[0])
            elif len(matches) > 1:
                err.print(
                    f"error: {story_id!r} is the start of {len(matches)} story ids: {', '.join(matches[:5])}"
                )
                raise typer.Exit(2)
        if story is None:
            err.print(f"error: no story {story_id!r} in {db} (see `newsdesk stories`)", markup=False)
            raise typer.Exit(2)
        articles = store.get_articles(list(story.article_ids))
        flags = last_flags(store, story.article_ids)
    if as_json:
        out.print_json(json.dumps(to_dict(story)))
    elif out.is_terminal and not pager_off:
        with out.pager(styles=True):
            out.print(terminal(story, articles, flags))
    else:
        out.print(terminal(story, articles, flags))


@app.command()
def watch(
    feed: Annotated[
        list[str] | None, typer.Option("--feed", help="An RSS/Atom feed URL (repeatable).")
    ] = None,
    folder: Annotated[
        list[Path] | None, typer.Option("--folder", help="A folder to watch for new files (repeatable).")
    ] = None,
    interval: Annotated[float, typer.Option(help="Seconds between polls of one feed.")] = 300.0,
    once: Annotated[bool, typer.Option("--once", help="One pass over every source, then exit.")] = False,
    db: DbOpt = DEFAULT_DB,
    sets: SetOpt = None,
    executor: ExecutorOpt = "local",
) -> None:
    """Follow feeds and folders: ingest new entries and files as they appear (conditional GET,
    entries told apart by guid and URL, backoff on failing feeds, state kept in the store)."""
    from .watch import PollResult
    from .watch import watch as follow

    if not feed and not folder:
        err.print("error: give at least one --feed URL or --folder DIR")
        raise typer.Exit(2)
    options = _options(db, sets)

    def said(result: PollResult) -> None:
        out.print(
            f"{time.strftime('%H:%M:%S')} feeds fetched {result.fetched}, unchanged {result.not_modified}; "
            f"{result.new_entries} new entries, {result.new_files} new files, {result.articles_new} new articles",
            markup=False,
        )
        _report_errors(
            [{"path": e.path, "stage": e.stage, "message": e.message} for e in result.errors], False
        )

    with _open_store(db) as store, _executor(executor) as pool:
        try:
            follow(
                store,
                feed or [],
                folder or [],
                options,
                interval=interval,
                passes=1 if once else None,
                on_pass=said,
                executor=pool,
            )
        except KeyboardInterrupt:
            err.print("stopped")


@app.command("export-text")
def export_text(article_id: str, db: DbOpt = DEFAULT_DB) -> None:
    """Print an article's normalized text: the text every span in report.json indexes."""
    with _open_store(db, must_exist=True) as store:
        text = store.article_text(article_id)
    if text is None:
        err.print(f"error: no article {article_id!r} in {db}")
        raise typer.Exit(2)
    sys.stdout.write(text)


@app.command()
def serve(
    db: DbOpt = DEFAULT_DB,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 127.0.0.1 is this machine only.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file", help="File holding the bearer token for writes (default: $NEWSDESK_TOKEN)."
        ),
    ] = None,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="Accept writes without a token (local use only, 127.0.0.1).")
    ] = False,
    private: Annotated[
        bool, typer.Option("--private", help="Reads need the token too (API and pages).")
    ] = False,
    sets: SetOpt = None,
) -> None:
    """Run the live service: HTTP API, background ingest, live events and the web app in one process.

    Writes (POST /articles) need `Authorization: Bearer TOKEN`; without a token they are refused
    (503) unless --no-auth is given. Reads are open unless --private.
    """
    try:
        import uvicorn

        from .serve import create_app
    except ImportError as exc:
        err.print(
            f"error: newsdesk serve needs the [web] extra: pip install 'newsdesk[web]' ({exc})", markup=False
        )
        raise typer.Exit(2) from exc
    token = os.environ.get("NEWSDESK_TOKEN", "").strip() or None
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            err.print(f"error: cannot read --token-file {token_file}: {exc.strerror or exc}", markup=False)
            raise typer.Exit(2) from exc
        if token is None:
            err.print(f"error: --token-file {token_file} is empty", markup=False)
            raise typer.Exit(2)
    if no_auth and host not in ("127.0.0.1", "localhost", "::1"):
        err.print("error: --no-auth is for local use: listen on 127.0.0.1, or give a token", markup=False)
        raise typer.Exit(2)
    if private and token is None:
        err.print("error: --private needs a token (NEWSDESK_TOKEN or --token-file)", markup=False)
        raise typer.Exit(2)
    options = _options(db, sets)
    with _open_store(db) as store:
        service = create_app(store, options, token=token, open_reads=not private, no_auth=no_auth)
        writes = (
            "open to anyone (--no-auth)"
            if no_auth
            else ("need the token" if token else "disabled (no token)")
        )
        err.print(
            f"newsdesk serve: http://{host}:{port}/ · store {store!r} · writes {writes} · "
            f"reads {'need the token' if private else 'open'}",
            markup=False,
        )
        # Reads and the worker thread's refreshes share one GIL: hand it over every 1 ms, not 5, so a
        # read never waits long behind a page being re-rendered after a job.
        sys.setswitchinterval(0.001)
        uvicorn.run(service, host=host, port=port, timeout_graceful_shutdown=3, proxy_headers=False)


if __name__ == "__main__":  # pragma: no cover
    app()
