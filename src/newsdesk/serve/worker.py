"""The ingest worker: one thread, a bounded queue, one job at a time.

`POST /articles` only writes the body to a folder and queues a job, so no
request waits on reading, annotation or clustering. For each job the thread
has `ingest_job` run in a process of its own (spawned once, the language model
kept loaded), because NLP in a thread of the serving process would hold its
GIL and stall every read: `pipeline.ingest_paths` on the folder (every reader
limit and error path of `newsdesk ingest` applies), then `pipeline.report_for`
on the new articles and on any article a merge or split moved, so those
stories' dossiers are rebuilt and saved. Back in the thread, `publish_job`
refreshes the read model for exactly what changed, compares the stories
before and after and publishes `story` events (created, updated, merged,
split) and `conflict` events (new). When idle, the thread polls the store for
another writer's changes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import queue
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.engine import make_url

from ..options import Options
from ..pipeline import ingest_paths, report_for
from ..records import ClusterEvent, Conflict, Flag, ProcessingError, Story, to_dict
from ..render.json import conflict_to_dict, error_to_dict
from .catalog import Catalog
from .events import EventHub

if TYPE_CHECKING:
    from ..store import Store

log = logging.getLogger("newsdesk.serve")

JobStatus = Literal["queued", "running", "done", "failed"]
KEEP_JOBS = 1000
POLL_SECONDS = 5.0
INGEST_NICE = 10  # CPU priority of the ingest process: below the server's, so reads stay fast


class QueueFull(Exception):
    """The ingest queue holds as many jobs as it may; the client should retry later."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class Job:
    """One POST /articles: its files, and once run, what came of them."""

    id: str
    label: str
    folder: Path
    names: Mapping[str, str]  # file in the job folder -> the name the client gave it
    status: JobStatus = "queued"
    submitted: str = field(default_factory=_now)
    started: str | None = None
    finished: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)
    errors: tuple[ProcessingError, ...] = ()
    article_ids: tuple[str, ...] = ()
    story_ids: tuple[str, ...] = ()
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "label": self.label,
            "submitted": self.submitted,
            "started": self.started,
            "finished": self.finished,
            "counts": dict(self.counts),
            "errors": [error_to_dict(e) for e in self.errors],
            "article_ids": list(self.article_ids),
            "story_ids": list(self.story_ids),
            "message": self.message,
            "links": {"self": f"/jobs/{self.id}", "stories": [f"/stories/{s}" for s in self.story_ids]},
        }


def shown_path(path: str, job: Job) -> str:
    """An error's path as the client knows it: the uploaded file's name, not the worker's folder."""
    folder = str(job.folder)
    if path.startswith(folder):
        rest = path[len(folder) :].lstrip("/")
        first, _, tail = rest.partition("/")
        name = job.names.get(first, first)
        return f"{name}/{tail}" if tail else name
    return path


class IngestWorker:
    """Runs ingest jobs one at a time in a thread; reads go on meanwhile."""

    def __init__(
        self,
        store: Store,
        options: Options,
        catalog: Catalog,
        hub: EventHub,
        *,
        queue_size: int = 16,
        warm: bool = True,
        poll_seconds: float = POLL_SECONDS,
        isolate: bool = True,
    ) -> None:
        self.store = store
        self.options = options
        self.catalog = catalog
        self.hub = hub
        self.warm = warm
        self.poll_seconds = poll_seconds
        self._queue: queue.Queue[str | None] = queue.Queue(queue_size)
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._pool: ProcessPoolExecutor | None = None
        # Ingest runs in a process of its own, so the NLP never holds the GIL of the process that
        # answers requests; a store only this process can open (in-memory SQLite) is ingested here.
        database = make_url(store.url).database
        self.isolate = isolate and not (store.url.startswith("sqlite") and database in (None, "", ":memory:"))
        self.running: str | None = None

    # ------------------------------------------------------------------ control

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="newsdesk-ingest", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the running job, drop the queued ones (their folders too) and end the thread."""
        self._stopping.set()
        while True:
            try:
                job_id = self._queue.get_nowait()
            except queue.Empty:
                break
            if job_id is not None:
                self._finish(job_id, status="failed", message="the server stopped before this job ran")
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(self, folder: Path, label: str, names: Mapping[str, str]) -> Job:
        """Queue a job for the files in `folder` (the worker deletes it when done); QueueFull when full."""
        job = Job(id=uuid.uuid4().hex[:16], label=label, folder=folder, names=dict(names))
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP_JOBS:
                self._jobs.popitem(last=False)
        try:
            self._queue.put_nowait(job.id)
        except queue.Full as exc:
            with self._lock:
                self._jobs.pop(job.id, None)
            raise QueueFull(f"the ingest queue is full ({self._queue.maxsize} jobs waiting)") from exc
        self.hub.publish("job", job.to_dict())
        return job

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    # ------------------------------------------------------------------ the thread

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_child_start,
                initargs=(self.store.url, self.options, self.warm),
            )
        return self._pool

    def _ingest(self, job: Job) -> Ingested:
        if not self.isolate:
            return ingest_job(self.store, self.options, job.folder)
        try:
            return self._executor().submit(_child_job, str(job.folder)).result()
        except BrokenProcessPool:  # the ingest process died (killed, out of memory): next job gets a new one
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            raise

    def _loop(self) -> None:
        try:
            self.catalog.ensure()
            if self.warm:  # start the ingest process and load the model now, not in the first job
                if self.isolate:
                    self._executor().submit(_child_ping).result()
                else:
                    from ..nlp.pipeline import load_nlp

                    load_nlp(self.options.nlp.model, self.options.nlp.gemm)
        except Exception:
            log.exception("newsdesk serve: start-up of the ingest worker failed")
        while not self._stopping.is_set():
            try:
                job_id = self._queue.get(timeout=self.poll_seconds)
            except queue.Empty:
                self._poll()
                continue
            if job_id is None:
                break
            self._run(job_id)

    def _poll(self) -> None:
        try:
            self.catalog.poll()
        except Exception:
            log.exception("newsdesk serve: reading the store's changes failed")

    def _update(self, job_id: str, **changes: Any) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            job = replace(job, **changes)
            self._jobs[job_id] = job
            return job

    def _finish(self, job_id: str, **changes: Any) -> None:
        job = self._update(job_id, finished=_now(), **changes)
        if job is not None:
            shutil.rmtree(job.folder, ignore_errors=True)
            self.hub.publish("job", job.to_dict())

    def _run(self, job_id: str) -> None:
        job = self._update(job_id, status="running", started=_now())
        if job is None:
            return
        self.running = job_id
        self.hub.publish("job", job.to_dict())
        try:
            done = self._ingest(job)
            events = publish_job(self.catalog, done)
        except Exception as exc:  # a bug, a store failure, a dead ingest process: the server goes on
            log.exception("newsdesk serve: job %s failed", job_id)
            self._finish(job_id, status="failed", message=f"[ingest] {type(exc).__name__}: {exc}")
            return
        finally:
            self.running = None
        for kind, data in events:
            self.hub.publish(kind, data)
        nothing = not done.article_ids and bool(done.errors)
        self._finish(
            job_id,
            status="failed" if nothing else "done",
            counts=done.counts,
            errors=tuple(replace(e, path=shown_path(e.path, job)) for e in done.errors),
            article_ids=done.article_ids,
            story_ids=tuple(dict.fromkeys(s.id for s in done.stories)),
            message="no article could be read" if nothing else None,
        )


@dataclass(frozen=True, slots=True)
class Ingested:
    """What the ingest half of a job did to the store (sent back from the ingest process)."""

    counts: Mapping[str, int]
    errors: tuple[ProcessingError, ...]
    article_ids: tuple[str, ...]
    new_ids: tuple[str, ...]
    stories: tuple[Story, ...]  # rebuilt dossiers
    old: Mapping[str, Story]  # the dossiers of the touched stories before the job
    changes: tuple[ClusterEvent, ...]  # merges and splits
    moved: Mapping[str, str]  # article -> its story now, for every article new to a story
    flags: Mapping[str, tuple[Flag, ...]]


def ingest_job(store: Store, options: Options, folder: Path) -> Ingested:
    """The store half of a job: ingest the folder, rebuild the dossiers it changed, merge the warnings.

    Runs in the ingest process (or the worker thread), never in the one that answers requests.
    """
    t0 = time.perf_counter()
    state = ingest_paths([folder], options, store)
    # What the run placed and moved, from its own record: reading the whole assignment map
    # before and after, and every story event, took seconds a job on a large store.
    moved = {a: s for a, s in state.placed.items() if state.left.get(a) != s}
    touched = set(moved.values()) | {state.left[a] for a in moved if a in state.left}
    old = {sid: story for sid in touched if (story := store.get_story(sid)) is not None}
    # One article of each story a moved article left, if it lives on (a split's source).
    members = {sid: a for a, sid in store.story_members(touched - set(moved.values())).items()}
    wanted = list(dict.fromkeys([*state.articles, *moved, *members.values()]))
    report = report_for(store, wanted, options, state) if wanted else None
    flags = {a.article.id: a.flags for a in report.articles} if report is not None else {}
    changes = tuple(state.changes)
    errors = tuple(dict.fromkeys(state.errors + list(report.errors if report is not None else ())))
    stories = report.stories if report is not None else ()
    counts = {
        "documents": state.counts.get("documents_read", 0),
        "articles": len(state.articles),
        "new": len(state.new_ids),
        "stories": len(stories),
        "errors": len(errors),
        "milliseconds": round((time.perf_counter() - t0) * 1000),
    }
    return Ingested(
        counts=counts,
        errors=errors,
        article_ids=tuple(state.articles),
        new_ids=tuple(state.new_ids),
        stories=tuple(stories),
        old=old,
        changes=changes,
        moved=moved,
        flags=flags,
    )


def publish_job(catalog: Catalog, done: Ingested) -> list[tuple[str, dict[str, Any]]]:
    """The reading half: refresh the read model for what changed and say so as events."""
    catalog.add_flags(done.flags)
    # The stories as the service showed them before (its read model, not the whole store's list
    # read again per job): the events say what changed for its readers.
    before = catalog.summaries()
    gone = {e.other_story_id for e in done.changes if e.kind == "merge" and e.other_story_id}
    touched = set(done.old) | set(done.moved.values())
    catalog.refresh(
        stories={s.id for s in done.stories} | gone | touched, articles=done.new_ids, placed=done.moved
    )
    events = story_events(before, done.stories, done.old, done.changes, done.moved, catalog)
    catalog.rewarm()
    return events


# The ingest process: one store and one loaded model, kept between jobs.
_child: dict[str, Any] = {}


def _child_start(url: str, options: Options, warm: bool) -> None:
    from ..store import Store

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with contextlib.suppress(OSError):  # background work yields the CPU to the process answering reads
        os.nice(INGEST_NICE)
    _child["store"] = Store(url)
    _child["options"] = options
    if warm:
        from ..nlp.pipeline import load_nlp

        load_nlp(options.nlp.model, options.nlp.gemm)


def _child_ping() -> int:
    return os.getpid()


def _child_job(folder: str) -> Ingested:
    return ingest_job(_child["store"], _child["options"], Path(folder))


def conflict_keys(c: Conflict) -> set[tuple[str, str]]:
    """What makes a conflict the same one after a rebuild: its id hashes the articles on each side
    and its facts, which change when another article joins, so its description and its values
    count too (a conflict is new only when none of them was known)."""
    values = json.dumps(
        sorted(json.dumps(to_dict(side.value), sort_keys=True, default=str) for side in c.sides)
    )
    return {("id", c.id), ("description", f"{c.kind}:{c.description}"), ("values", f"{c.kind}:{values}")}


def story_events(
    before: Mapping[str, Any],
    stories: Sequence[Story],
    old: Mapping[str, Story],
    changes: Sequence[ClusterEvent],
    moved: Mapping[str, str],
    catalog: Catalog,
) -> list[tuple[str, dict[str, Any]]]:
    """`story` and `conflict` events for one job, from the stories before and after it."""
    events: list[tuple[str, dict[str, Any]]] = []

    def card(sid: str) -> dict[str, Any] | None:
        c = catalog.story_card(sid)
        return c.to_dict() if c is not None else None

    split_off = {e.other_story_id: e for e in changes if e.kind == "split"}
    reported: set[str] = set()
    for e in changes:
        kept = card(e.story_id)
        if e.kind == "merge" and kept is not None:
            absorbed = before.get(e.other_story_id or "")
            events.append(
                (
                    "story",
                    {
                        "kind": "merged",
                        "story": kept,
                        "absorbed": e.other_story_id,
                        "absorbed_title": getattr(absorbed, "title", None),
                        "article_ids": list(e.article_ids),
                    },
                )
            )
            reported.add(e.story_id)
    joined = set(moved.values())
    for story in stories:
        data = card(story.id)
        if data is None:
            continue
        if story.id in split_off:
            e = split_off[story.id]
            events.append(("story", {"kind": "split", "story": data, "from": e.story_id}))
        elif story.id not in before:
            events.append(("story", {"kind": "created", "story": data}))
        elif story.id not in reported and (
            story.id in joined or before[story.id] != catalog_summary(catalog, story.id)
        ):
            events.append(("story", {"kind": "updated", "story": data}))
    for story in stories:
        before_here = [
            *_conflicts(old, story.id),
            *(c for e in changes if e.story_id == story.id for c in _conflicts(old, e.other_story_id)),
        ]
        if story.id in split_off:  # a split-off story's conflicts were known in the story it left
            before_here += _conflicts(old, split_off[story.id].story_id)
        known = set().union(*(conflict_keys(c) for c in before_here))
        for c in story.conflicts:
            if not conflict_keys(c) & known:
                events.append(
                    (
                        "conflict",
                        {
                            "kind": "new",
                            "story_id": story.id,
                            "story_title": story.title,
                            "conflict": conflict_to_dict(c),
                        },
                    )
                )
    return events


def _conflicts(old: Mapping[str, Story], story_id: str | None) -> tuple[Conflict, ...]:
    story = old.get(story_id or "")
    return story.conflicts if story is not None else ()


def catalog_summary(catalog: Catalog, story_id: str) -> Any:
    c = catalog.story_card(story_id)
    return c.summary if c is not None else None
