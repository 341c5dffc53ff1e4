"""Streaming sources: poll RSS/Atom feeds and folders, and ingest only what is new.

`poll_once` is one pass: every feed that is due is fetched with a conditional GET
(ETag / Last-Modified, so an unchanged feed costs a 304 and nothing else), its entries
are told apart by guid and URL against the ones seen before, and the new ones go
through the normal ingest (as a JSON Lines file, so every reader limit and error path
applies). A folder is scanned for files not seen before (path, size, mtime). A feed
that fails is retried later and later (exponential backoff up to `max_backoff`); its
error is reported and the other sources go on. The state of every source is kept in
the store, so a restarted watcher goes on where it stopped.
"""

from __future__ import annotations

import json
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .options import Options
from .records import ProcessingError, RawDoc

STATE_BLOB = "watch-state"
STAGE = "watch"
SEEN_PER_FEED = 5_000  # entry keys kept per feed: far more than any feed lists at once
USER_AGENT = "newsdesk-watch (+https://example.invalid/newsdesk)"


@dataclass(frozen=True, slots=True)
class FeedState:
    url: str
    etag: str | None = None
    modified: str | None = None
    seen: tuple[str, ...] = ()  # guid or URL of every entry already ingested, newest last
    failures: int = 0
    next_poll: float = 0.0


@dataclass(slots=True)
class PollResult:
    fetched: int = 0
    not_modified: int = 0
    new_entries: int = 0
    new_files: int = 0
    articles_new: int = 0
    errors: list[ProcessingError] = field(default_factory=list)


Fetch = Callable[[str, dict[str, str], float, int], tuple[int, bytes, dict[str, str]]]


def http_fetch(
    url: str, headers: dict[str, str], timeout: float, limit: int
) -> tuple[int, bytes, dict[str, str]]:
    """(status, body, response headers) of a GET; 304 and HTTP errors are statuses, not exceptions."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(limit + 1)
            if len(body) > limit:
                raise ValueError(f"feed is over {limit} bytes")
            return response.status, body, dict(response.headers.items())
    except urllib.error.HTTPError as exc:
        return exc.code, b"", dict(exc.headers.items()) if exc.headers else {}


def _entry_key(raw: RawDoc) -> str:
    return raw.locator or raw.url or raw.title or raw.content[:200]


def _record(raw: RawDoc) -> dict[str, Any]:
    return {
        "url": raw.url,
        "title": raw.title,
        "published": raw.published,
        "source": raw.source,
        "authors": list(raw.authors),
        "text": raw.content,
        "guid": raw.locator,
    }


def _load(store: Any) -> dict[str, Any]:
    blob = store.load_blob(STATE_BLOB)
    return json.loads(blob) if blob else {"feeds": {}, "files": {}}


def poll_once(
    store: Any,
    feeds: Sequence[str],
    folders: Sequence[str | Path],
    options: Options,
    *,
    interval: float = 300.0,
    max_backoff: float = 6 * 3600.0,
    now: Callable[[], float] = time.time,
    fetch: Fetch = http_fetch,
    executor: Any = None,
) -> PollResult:
    """One pass over every source that is due; new entries and files are ingested together."""
    from .ingest.feed import read_feed
    from .pipeline import ingest_paths

    result = PollResult()
    saved = _load(store)
    states = {u: FeedState(**{**s, "seen": tuple(s.get("seen", ()))}) for u, s in saved["feeds"].items()}
    records: list[dict[str, Any]] = []
    for url in feeds:
        state = states.get(url, FeedState(url))
        t = now()
        if t < state.next_poll:
            continue
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.modified:
            headers["If-Modified-Since"] = state.modified
        try:
            status, body, got = fetch(url, headers, 30.0, options.ingest.max_bytes)
            if status == 304:
                result.not_modified += 1
                states[url] = replace(state, failures=0, next_poll=t + interval)
                continue
            if status != 200:
                raise OSError(f"HTTP {status}")
        except (OSError, ValueError) as exc:  # unreachable, refused, too big: later, and later again
            failures = state.failures + 1
            wait = min(interval * 2 ** (failures - 1), max_backoff)
            states[url] = replace(state, failures=failures, next_poll=t + wait)
            result.errors.append(
                ProcessingError(url, STAGE, f"fetch failed ({exc}); retry in {int(wait)} s", record=url)
            )
            continue
        result.fetched += 1
        seen = set(state.seen)
        fresh: list[str] = []
        for item in read_feed(url, body):
            if isinstance(item, ProcessingError):
                result.errors.append(item)
                continue
            key = _entry_key(item)
            if key in seen or (item.url and item.url in seen):
                continue
            seen.add(key)
            fresh.append(key)
            records.append(_record(item))
        lower = {k.lower(): v for k, v in got.items()}
        states[url] = replace(
            state,
            etag=lower.get("etag", state.etag),
            modified=lower.get("last-modified", state.modified),
            seen=(*state.seen, *fresh)[-SEEN_PER_FEED:],
            failures=0,
            next_poll=t + interval,
        )
    result.new_entries = len(records)
    files_seen: dict[str, list[float]] = saved["files"]
    new_files: list[str] = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            try:
                if not path.is_file() or path.name.startswith("."):
                    continue
                stat = path.stat()
            except OSError as exc:
                result.errors.append(ProcessingError(str(path), STAGE, f"unreadable: {exc}"))
                continue
            mark = [stat.st_size, stat.st_mtime]
            if files_seen.get(str(path)) != mark:
                new_files.append(str(path))
                files_seen[str(path)] = mark
    result.new_files = len(new_files)
    if records or new_files:
        with tempfile.TemporaryDirectory(prefix="newsdesk-watch-") as tmp:
            paths = list(new_files)
            if records:
                batch = Path(tmp) / "feeds.jsonl"
                batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
                paths.append(str(batch))
            state = ingest_paths(paths, options, store, executor=executor)
            result.articles_new = len(state.new_ids)
            result.errors.extend(state.errors)
    saved["feeds"] = {
        u: {**{k: getattr(s, k) for k in FeedState.__slots__}, "seen": list(s.seen)}
        for u, s in states.items()
    }
    saved["files"] = files_seen
    store.save_blob(STATE_BLOB, json.dumps(saved).encode())
    return result


def watch(
    store: Any,
    feeds: Sequence[str],
    folders: Sequence[str | Path],
    options: Options,
    *,
    interval: float = 300.0,
    passes: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_pass: Callable[[PollResult], None] | None = None,
    executor: Any = None,
) -> None:
    """Poll until stopped (or `passes` passes): feeds when due, folders every pass."""
    done = 0
    while passes is None or done < passes:
        result = poll_once(store, feeds, folders, options, interval=interval, executor=executor)
        if on_pass is not None:
            on_pass(result)
        done += 1
        if passes is None or done < passes:
            sleep(min(interval, 60.0) if folders else interval)
