"""Stage orchestration: sources -> articles -> copies -> annotations -> stories -> report.

Every stage is a pure function or an explicitly passed-in backend; this module
only wires them, isolates failures per record (one bad article never sinks a
batch), and makes re-runs cheap: articles and extractions are cached in the
store by content hash, and the dedup index and story clusterer keep their
state there, so a warm re-run of the same input re-annotates nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import NewsdeskError
from .executors import Executor, died_error, ordered_results
from .options import IngestOptions, Options
from .parallel import ordered_map, worker_count
from .records import (
    Article,
    ArticleReport,
    ClusterEvent,
    DuplicateInfo,
    Extraction,
    Flag,
    ProcessingError,
    RawDoc,
    Report,
    Story,
    content_id,
    to_dict,
)

if TYPE_CHECKING:
    from .cluster import StoryClusterer
    from .dedup import DedupIndex
    from .embed import Embedder
    from .store import BlobStore, StageStore, Store
    from .store.codec import LazyRecords

ProgressFn = Callable[[str, int, int], None]
"""progress(stage, done, total): called as work advances (total 0 when unknown)."""

DEDUP_BLOB = "dedup-index"
DEDUP_SEGMENTS = "dedup-index/segment/"  # appended after DEDUP_BLOB, in name order
DEDUP_SAMPLING = "dedup-index/sampling"  # the print sampling rate the dedup rows were built with
CLUSTER_BLOB = "story-clusterer"  # the whole clusterer, as releases before parts kept it (migrated on use)
CLUSTER_PARTS = "story-clusterer/"  # core, stories/<chunk>, log/<segment>: see `StoryClusterer.to_parts`
# Appended log segments are merged size-tiered: when the last CLUSTER_SEGMENTS_RUN segments
# share a level they become one segment of the next level. A save then reads and writes at most
# that many small segments per level, never the whole history, and a store of N saves keeps
# about RUN x log_RUN(N) segments.
CLUSTER_SEGMENTS_RUN = 16
STORY_EVENTS_BLOB = "story-events"  # merges and splits, oldest first, for the report (before segments)
STORY_EVENTS_SEGMENTS = "story-events/segment/"  # each run's merges and splits, appended
TOPICS_BLOB = "story-topics"  # story id -> topic id, whole
TOPICS_SEGMENTS = "story-topics/"  # the topics that changed since, appended (None: story merged away)
DOSSIER_BLOB = "dossier-signatures"
FAILURES_BLOB = "annotation-failures"
FLAGS_BLOB = "article-flags"  # the last run's warnings and the signature of their inputs
DOSSIER_VERSION = "3"  # bump when reconcile/dossier output changes for the same input
STORE_BATCH = 200
INGEST_BATCH = 5_000  # raw records read, cleaned, stored, deduplicated, annotated and placed at a time
WORKER_CHUNK = 256  # articles a worker gets at a time for shingles and feature vectors
CLEAN_CHUNK = 32  # raw records a worker cleans at a time (raw HTML pages can be large)
CLEAN_MIN_RECORDS = 64  # fewer records to clean than this are cleaned here, even with an executor
PARALLEL_MIN_ARTICLES = 2000  # below this, starting worker processes for dedup/cluster costs more


def _lazy_extractions() -> LazyRecords[Extraction]:
    from .store.codec import LazyRecords  # the store package (SQLAlchemy) loads only when used

    return LazyRecords(Extraction)


@dataclass
class RunState:
    """What one run gathered; turned into a Report at the end."""

    articles: dict[str, Article] = field(default_factory=dict)  # this run's articles, input order
    new_ids: set[str] = field(default_factory=set)
    errors: list[ProcessingError] = field(default_factory=list)
    # loaded or made this run; stored ones are decoded when first read
    extractions: LazyRecords[Extraction] = field(default_factory=lambda: _lazy_extractions())
    duplicates: dict[str, DuplicateInfo] | None = None  # the copies among the last batch's new articles
    source_keys: dict[str, str] = field(
        default_factory=dict
    )  # raw-record hash -> article id, cleaned this run
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    # What story assignment did this run, so a caller reads the stories it changed by index
    # instead of comparing the whole assignment map before and after (the service's jobs):
    placed: dict[str, str] = field(default_factory=dict)  # article -> its story now, for each placed or moved
    left: dict[str, str] = field(default_factory=dict)  # article -> the story a merge or split took it from
    changes: list[ClusterEvent] = field(default_factory=list)  # this run's merges and splits, in order


@dataclass(frozen=True, slots=True)
class Placement:
    """What one `assign_stories` call did: the story of each article it placed or a merge or
    split moved, and those merges and splits."""

    stories: dict[str, str]
    changes: tuple[ClusterEvent, ...] = ()


def publication_order(article: Article) -> tuple[str, str, str]:
    """Articles are fed to the incremental stages oldest first; undated ones last."""
    return (article.published or "9999-99-99", article.path, article.locator or "")


@contextlib.contextmanager
def _timed(state: RunState, stage: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        state.timings[stage] = state.timings.get(stage, 0.0) + time.perf_counter() - t0


def _noop(stage: str, done: int, total: int) -> None:
    return None


# --------------------------------------------------------------------------- stages


def read_articles(
    paths: Sequence[str | Path],
    options: Options,
    state: RunState,
    progress: ProgressFn = _noop,
    store: Store | None = None,
    executor: Executor | None = None,
) -> None:
    """Ingest and clean; every failure becomes a ProcessingError naming path and stage.

    With a store, a raw record seen before (same content hash, same cleaner
    version) is not cleaned again: its article comes from the store.
    """
    from .ingest import iter_sources

    raws: list[RawDoc] = []
    for item in iter_sources(paths, options.ingest):
        if isinstance(item, ProcessingError):
            state.errors.append(item)
        else:
            raws.append(item)
    clean_records(raws, options, state, progress, store, executor)


def clean_records(
    raws: Sequence[RawDoc],
    options: Options,
    state: RunState,
    progress: ProgressFn = _noop,
    store: Store | None = None,
    executor: Executor | None = None,
) -> None:
    """Clean raw records into `state.articles` (known ones come from the store, not cleaned again).

    With an executor and at least CLEAN_MIN_RECORDS records to clean, the workers clean them
    (in input order, the same articles): trafilatura takes 12 ms for a 43 KB news page, which
    would cap a cluster near 80 HTML pages/s in this one process."""
    from .clean import CLEAN_VERSION

    state.counts["documents_read"] = state.counts.get("documents_read", 0) + len(raws)
    keys = [raw_key(raw, CLEAN_VERSION, options) for raw in raws]
    known = store.get_sources(keys) if store is not None else {}
    stored = store.get_articles(set(known.values())) if known else {}
    found = [stored.get(known.get(key, "")) for key in keys]
    todo = [raw for raw, article in zip(raws, found, strict=True) if article is None]
    workers = 1 if executor is not None and len(todo) >= CLEAN_MIN_RECORDS else 0
    cleaned = _from_workers(
        partial(clean_many, options=options.ingest), todo, workers, executor, CLEAN_CHUNK, _died_cleaning
    )
    for n, (raw, key, known_article) in enumerate(zip(raws, keys, found, strict=True), 1):
        article: Article | ProcessingError | None = known_article
        if article is not None:
            article = replace(article, path=raw.path, locator=raw.locator)  # where it was found this time
        else:
            article = next(cleaned)
            if article is None:  # no workers: cleaned here
                (article,) = clean_many([raw], options.ingest)
            if isinstance(article, ProcessingError):
                state.errors.append(article)
                continue
            state.source_keys[key] = article.id
        state.articles.setdefault(article.id, article)
        progress("read", n, len(raws))


def clean_many(raws: Sequence[RawDoc], options: IngestOptions) -> list[Article | ProcessingError]:
    """Each record cleaned, or the error that names its path and stage (a worker's chunk)."""
    from .clean import clean

    out: list[Article | ProcessingError] = []
    for raw in raws:
        try:
            out.append(clean(raw, options))
        except NewsdeskError as exc:
            out.append(exc.to_record())
        except Exception as exc:  # a reader or cleaner bug must not sink the batch
            out.append(_unexpected(raw, "clean", exc))
    return out


def raw_key(raw: RawDoc, clean_version: str, options: Options) -> str:
    """Content hash of a raw record and of what shapes its cleaning (not its path)."""
    return content_id(
        clean_version,
        options.ingest.model_dump_json(),
        raw.fmt,
        raw.content,
        raw.content_is_html,
        raw.url,
        raw.title,
        raw.published,
        raw.source,
        raw.authors,
        raw.extra,
        length=32,
    )


def _died_cleaning(raw: RawDoc) -> ProcessingError:
    """A record whose cleaning killed the worker process twice (a crash in lxml, out of memory):
    an error, never a retry in this process, which it would take down too."""
    return died_error(raw.path, "clean", raw.locator)


def _unexpected(raw: RawDoc, stage: str, exc: Exception) -> ProcessingError:
    return ProcessingError(
        path=raw.path, stage=stage, message=f"{type(exc).__name__}: {exc}", record=raw.locator
    )


def store_articles(store: Store, state: RunState) -> None:
    """Persist articles in one batch; ids already stored are not new (idempotent ingestion)."""
    state.new_ids.update(store.put_articles(state.articles.values()))
    state.counts["articles_new"] = len(state.new_ids)


def annotate_missing(
    store: Store,
    articles: Sequence[Article],
    options: Options,
    state: RunState,
    progress: ProgressFn = _noop,
    executor: Executor | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> LazyRecords[Extraction]:
    """Extractions for `articles`, from the cache where present, annotating only the rest.

    `meanwhile` runs in this process once the articles are handed to the executor's workers
    (with no executor, before annotating): work that needs no extraction overlaps theirs."""
    from .nlp.pipeline import ANNOTATOR_VERSION, annotate

    cached = store.get_extractions([a.id for a in articles], ANNOTATOR_VERSION)
    blob = store.load_blob(FAILURES_BLOB)
    failures: dict[str, dict[str, str]] = json.loads(blob) if blob else {}
    todo = []
    for a in articles:
        if a.id in cached:
            partial = failures.get(f"{a.id}:{ANNOTATOR_VERSION}:partial")  # said again, no decoding
            if partial:
                state.errors.extend(
                    ProcessingError(a.path, "annotate", m, record=a.id)
                    for m in partial["message"].split("\n")
                )
            continue
        known = failures.get(f"{a.id}:{ANNOTATOR_VERSION}")
        if known:  # same input, same annotator: the same failure, reported without retrying
            state.errors.append(ProcessingError(a.path, "annotate", known["message"], record=a.id))
        else:
            todo.append(a)
    state.counts["annotated"] = len(todo)
    state.counts["annotation_cache_hits"] = len(cached)
    results = annotate(todo, options.nlp, executor, eager=meanwhile is not None) if todo else iter(())
    if meanwhile is not None:
        meanwhile()
    if not todo:
        return cached
    batch: list[Extraction] = []
    for done, (article, result) in enumerate(zip(todo, results, strict=True), 1):
        if isinstance(result, ProcessingError):
            state.errors.append(result)
            failures[f"{article.id}:{ANNOTATOR_VERSION}"] = {"message": result.message}
        else:
            batch.append(result)
            cached[article.id] = result
            partial = _partial(article, result)
            if partial:
                state.errors.extend(partial)
                failures[f"{article.id}:{ANNOTATOR_VERSION}:partial"] = {
                    "message": "\n".join(e.message for e in partial)
                }
        if len(batch) >= STORE_BATCH:
            store.put_extractions(batch)  # committed per batch: what was annotated stays stored
            batch = []
        progress("annotate", done, len(todo))
    store.save_blob(FAILURES_BLOB, json.dumps(failures, sort_keys=True).encode())
    store.put_extractions(batch)
    return cached


def _partial(article: Article, extraction: Extraction) -> list[ProcessingError]:
    """An extractor that failed on the article, its other annotations kept: said, not silent."""
    return [
        ProcessingError(
            article.path, "annotate", f"{p} (the article's other annotations are kept)", record=article.id
        )
        for p in extraction.problems
    ]


def dedup_in_order(
    index: DedupIndex, ordered: Sequence[Article], options: Options, executor: Executor | None = None
) -> list[DuplicateInfo]:
    """Feed articles (oldest first) to a dedup index; the pure part runs in workers for big batches."""
    return _add_prepared(index, ordered, _prepared(ordered, options, executor))


def _add_prepared(
    index: DedupIndex, ordered: Sequence[Article], prepared: Sequence[Any]
) -> list[DuplicateInfo]:
    """Add each article with its prepared shingles, in order; the copies found."""
    return [info for a, p in zip(ordered, prepared, strict=True) if (info := index.add(a, p)) is not None]


def _prepared(ordered: Sequence[Article], options: Options, executor: Executor | None) -> list[Any]:
    """Shingles and band keys of each article: from workers for big batches, else here, batched."""
    from .dedup import prepare_many

    workers = worker_count(options.workers, len(ordered), PARALLEL_MIN_ARTICLES)
    fn = partial(prepare_many, options=options.dedup)
    return list(_from_workers(fn, ordered, workers, executor)) if workers else fn(ordered)


def cluster_in_order(
    clusterer: StoryClusterer,
    ordered: Sequence[Article],
    extractions: Mapping[str, Extraction],
    duplicates: Mapping[str, DuplicateInfo],
    options: Options,
    executor: Executor | None = None,
    embedder: Embedder | None = None,
) -> None:
    """Assign articles (oldest first) to stories; feature vectors come from workers for big batches.

    `embedder` gives sentence vectors when `cluster.embedding_weight` > 0 (default: the shipped
    MiniLM)."""
    from .cluster import features_many

    originals = [a for a in ordered if a.id not in duplicates]
    workers = worker_count(options.workers, len(originals), PARALLEL_MIN_ARTICLES)
    shipped = [(a, _for_features(extractions.get(a.id))) for a in originals] if workers else originals
    features = _from_workers(partial(features_many, options=options.cluster), shipped, workers, executor)
    if options.cluster.embedding_weight > 0 and embedder is None:  # opt-in: pays on headlines
        from .embed import MiniLMEmbedder

        embedder = MiniLMEmbedder()
    for start in range(0, len(ordered), STORE_BATCH):  # embeddings, when asked for, a batch at a time
        chunk = ordered[start : start + STORE_BATCH]
        vectors: Mapping[str, tuple[float, ...]] = {}
        if options.cluster.embedding_weight > 0 and embedder is not None:
            vectors = embedder.embed_articles([a for a in chunk if a.id not in duplicates])
        for article in chunk:
            dup = duplicates.get(article.id)
            clusterer.assign(
                article,
                extractions.get(article.id),
                dup.duplicate_of if dup else None,
                vectors.get(article.id),
                None if dup else next(features),
            )


def _from_workers(
    fn: Callable[[Sequence[Any]], list[Any]],
    items: Sequence[Any],
    workers: int,
    executor: Executor | None = None,
    chunk: int = WORKER_CHUNK,
    died: Callable[[Any], Any] = lambda item: None,
) -> Iterator[Any]:
    """`fn`'s results from worker processes (the run's executor, else our own), in order; None for
    each item when there are no workers (then the stage computes them itself, with its own caches).
    An item that kills its worker process (run alone, twice) gets `died(item)` (None by default:
    the stage computes it itself)."""
    if not workers:
        return itertools.repeat(None, len(items))
    if executor is not None:
        chunks = (items[i : i + chunk] for i in range(0, len(items), chunk))
        return ordered_results(
            executor, fn, chunks, ahead=8, isolate=lambda c: [([item], [died(item)]) for item in c]
        )
    return ordered_map(fn, items, workers)


def find_copies(
    store: StageStore, articles: Sequence[Article], options: Options, executor: Executor | None = None
) -> dict[str, DuplicateInfo]:
    """Feed new articles to the stored copy detector, oldest first; return the copies among them.

    The detector's index is rows (`dedup_docs`, `dedup_keys`): a batch reads the postings of its
    own keys and the documents they name (`load_partial_index`), adds its articles and appends
    their rows, so its cost follows its own size, not the store's.
    """
    if articles:
        with store.lock():  # read, change and write the index as one step against other writers
            _move_dedup_blob(store, options)
            options = _stored_sampling(store, options)
            ordered = sorted(articles, key=publication_order)
            prepared = _prepared(ordered, options, executor)
            index = load_partial_index(store, ordered, prepared, options)
            store.put_duplicates(_add_prepared(index, ordered, prepared))
            store.dedup_append(index.rows(store.dedup_next_doc()))
    return store.get_duplicates([a.id for a in articles])  # found now, or by an earlier run


def load_partial_index(
    store: StageStore, ordered: Sequence[Article], prepared: Sequence[Any], options: Options
) -> DedupIndex:
    """The part of the stored index a batch can meet: the postings of its band keys and prints,
    the documents they name, the first document of each of its exact texts (`DedupIndex.partial`)."""
    import numpy as np

    from .dedup import DedupIndex

    seen = store.dedup_seen([a.id for a in ordered])
    probe = DedupIndex(options.dedup)
    bands, prints, texts = probe.batch_keys(
        [p for a, p in zip(ordered, prepared, strict=True) if a.id not in seen]
    )
    cap = options.dedup.max_posting
    band_rows, band_capped = store.dedup_postings(0, bands, cap)
    print_rows, print_capped = store.dedup_postings(1, prints, cap)
    exact, covered = store.dedup_texts(texts)
    wanted = set(exact.values()) | set(np.unique(np.concatenate([band_rows.docs, print_rows.docs])).tolist())
    docs = [(d, aid, np.frombuffer(h, dtype=np.uint32)) for d, aid, h in store.dedup_docs(sorted(wanted))]
    return DedupIndex.partial(
        options.dedup,
        docs,
        band_rows,
        print_rows,
        (band_capped, print_capped),
        exact,
        seen,
        covered,
    )


def _stored_sampling(store: BlobStore, options: Options) -> Options:
    """The rows keep the print sampling they were built with (`dedup.fingerprint_mod`): a store
    made with another rate goes on sampling as it was built, so its postings stay comparable."""
    blob = store.load_blob(DEDUP_SAMPLING)
    if blob is None:
        store.save_blob(
            DEDUP_SAMPLING, json.dumps({"fingerprint_mod": options.dedup.fingerprint_mod}).encode()
        )
        return options
    mod = int(json.loads(blob)["fingerprint_mod"])
    if mod == options.dedup.fingerprint_mod:
        return options
    return options.model_copy(update={"dedup": options.dedup.model_copy(update={"fingerprint_mod": mod})})


def _move_dedup_blob(store: StageStore, options: Options) -> None:
    """A store from a release that kept the index as a blob (a snapshot and segments): its rows,
    with the same document numbers, then the blob dropped (done again if a crash came between)."""
    if store.load_blob(DEDUP_BLOB) is None and not store.load_blobs(DEDUP_SEGMENTS):
        return
    index, _blob, segments = load_dedup_index(store, options)
    sampling = {"fingerprint_mod": index.options.fingerprint_mod}  # the blob's own, kept by its rows
    store.save_blob(DEDUP_SAMPLING, json.dumps(sampling).encode())
    store.dedup_append(index.all_rows())
    store.delete_blobs([DEDUP_BLOB, *(name for name, _ in segments)])


def load_dedup_index(
    store: BlobStore, options: Options
) -> tuple[DedupIndex, bytes | None, list[tuple[str, bytes]]]:
    """The index as releases before rows kept it: its last snapshot with every segment replayed."""
    from .dedup import DedupIndex

    blob = store.load_blob(DEDUP_BLOB)
    index = DedupIndex.from_bytes(blob, options.dedup) if blob else DedupIndex(options.dedup)
    segments = store.load_blobs(DEDUP_SEGMENTS)
    for _name, data in segments:
        index.apply_segment(data)
    return index, blob, segments


def assign_stories(
    store: StageStore,
    articles: Sequence[Article],
    extractions: Mapping[str, Extraction],
    duplicates: Mapping[str, DuplicateInfo],
    options: Options,
    executor: Executor | None = None,
    embedder: Embedder | None = None,
) -> Placement:
    """Online story assignment of new articles; returns the story of each of them and of each
    article a merge or split moved (the rest of the store's map is unchanged: `story_assignments`),
    and the merges and splits."""

    with store.lock() if articles else contextlib.nullcontext():  # one read-change-write of the state
        clusterer, segments, migrated = load_clusterer(store, options)
        logged = len(clusterer.log)
        cluster_in_order(
            clusterer,
            sorted(articles, key=publication_order),
            extractions,
            duplicates,
            options,
            executor,
            embedder,
        )
        changes = [e for e in clusterer.log[logged:] if e.kind in ("merge", "split")]
        if articles:
            # Topics first: grouping them updates the state, which must be saved as it is after it.
            # The whole map once per clusterer read from the store, then only what changed.
            topics: Mapping[str, str | None] = (
                clusterer.topic_changes()
                if clusterer.topics_saved
                else {sid: tid for tid, sids in clusterer.topics().items() for sid in sids}
            )
            _save_clusterer(store, clusterer, segments, migrated, topics, options)
            if changes:  # appended as one more segment: the history is never rewritten
                name = _next_segment(STORY_EVENTS_SEGMENTS, store.blob_names(STORY_EVENTS_SEGMENTS))
                store.save_blob(name, json.dumps([to_dict(e) for e in changes]).encode())
        # Only the rows that changed: the new articles and those a merge or split moved (an
        # ingest of 100 articles into a large store reads and writes about 100, not all of them).
        moved = {a.id for a in articles} | {aid for e in changes for aid in e.article_ids}
        assignments = {aid: sid for aid in sorted(moved) if (sid := clusterer.story_of(aid)) is not None}
        if articles:
            store.set_stories(assignments)
    return Placement(assignments, tuple(changes))


def record_placement(run: RunState, placement: Placement, fresh: set[str]) -> None:
    """Add one batch's placement to the run's record; `fresh`: the batch's articles, which had no
    story before it. An article moved by a merge or split that the run had not placed before
    left the story it was in before the run (its first move's origin)."""
    for e in placement.changes:
        origin = e.other_story_id if e.kind == "merge" else e.story_id
        for aid in e.article_ids:
            if aid not in fresh and aid not in run.placed and origin is not None:
                run.left.setdefault(aid, origin)
    run.placed.update(placement.stories)
    run.changes.extend(placement.changes)


def load_clusterer(store: BlobStore, options: Options) -> tuple[StoryClusterer, list[str], bool]:
    """The stored clusterer, its appended segment names, and whether it came from the single blob
    of an older release (then the first save writes it whole, in parts, and drops the blob)."""
    from .cluster import StoryClusterer

    core = store.load_blob(f"{CLUSTER_PARTS}core")
    if core is None:
        blob = store.load_blob(CLUSTER_BLOB)
        if blob is None:
            return StoryClusterer(options.cluster), [], True
        return StoryClusterer.from_bytes(blob, options.cluster), [], True
    key = _loaded_key(store, options)
    held = _LOADED.pop(key, None) if key is not None else None  # taken: a failed assign leaves none
    if held is not None and held[0] == hashlib.blake2b(core, digest_size=16).digest():
        return held[2], held[1], False  # what this process saved last, and nobody saved since
    chunks = [data for _n, data in store.load_blobs(f"{CLUSTER_PARTS}stories/")]
    segments = store.load_blobs(f"{CLUSTER_PARTS}log/")
    clusterer = StoryClusterer.from_parts(
        core, chunks, [d for _n, d in segments], options.cluster, history=False
    )
    return clusterer, [n for n, _d in segments], False


# The clusterer this process saved last, per store and options: a long-running process (the
# service's ingest worker, `watch`) goes on from it instead of reading every chunk again. It is
# used only while the stored core is the one it wrote (each save writes a new generation).
_LOADED: dict[tuple[str, str], tuple[bytes, list[str], StoryClusterer]] = {}


def _loaded_key(store: BlobStore, options: Options) -> tuple[str, str] | None:
    url = _store_url(store)
    return None if url is None else (url, options.cluster.model_dump_json())


def forget_loaded_state() -> None:
    """Drop what this process keeps of its stores (the clusterer it saved, the stores it searched
    for leftovers): the next ingest reads the store as a new process would."""
    _LOADED.clear()
    _RESUMED.clear()


def _save_clusterer(
    store: BlobStore,
    clusterer: StoryClusterer,
    segments: list[str],
    whole: bool,
    topics: Mapping[str, str | None],
    options: Options,
) -> None:
    """The core, the changed story chunks and one more log segment, in one transaction (the last
    segments merged when a level fills: `_compact_segments`). A store migrated from the single
    blob is written whole once, its old segments dropped."""
    write, append = clusterer.to_parts(full=whole, history=whole)
    blobs = {f"{CLUSTER_PARTS}{name}": data for name, data in write.items()}
    drop: list[str] = [*segments, CLUSTER_BLOB] if whole else []
    _topic_parts(store, not clusterer.topics_saved, topics, blobs, drop)
    names = [] if whole else list(segments)
    if "log" in append:
        names.append(_next_segment(f"{CLUSTER_PARTS}log/", names))
        blobs[names[-1]] = append["log"]
    names = _compact_segments(store, names, blobs, drop)
    store.write_blobs(blobs, drop)
    clusterer.mark_saved()
    clusterer.topics_saved = True
    key = _loaded_key(store, options)
    if key is not None:
        _LOADED[key] = (hashlib.blake2b(write["core"], digest_size=16).digest(), names, clusterer)


def load_topics(store: BlobStore) -> dict[str, str]:
    """story id -> topic id: the whole map last written, then the changes appended since."""
    blob = store.load_blob(TOPICS_BLOB)
    topics: dict[str, str] = json.loads(blob) if blob else {}
    for _name, data in store.load_blobs(TOPICS_SEGMENTS):
        for sid, tid in json.loads(data).items():
            if tid is None:
                topics.pop(sid, None)
            else:
                topics[sid] = tid
    return topics


def _topic_parts(
    store: BlobStore,
    whole: bool,
    topics: Mapping[str, str | None],
    blobs: dict[str, bytes],
    drop: list[str],
) -> None:
    """The topics to store: the whole map (the segments dropped), or the entries that changed
    since the last save as one more segment (None: the story merged away)."""
    if not whole and not topics:
        return
    names = store.blob_names(TOPICS_SEGMENTS)
    if whole:
        blobs[TOPICS_BLOB] = json.dumps(topics, sort_keys=True).encode()
        drop.extend(names)
        return
    names.append(_next_segment(TOPICS_SEGMENTS, names))
    blobs[names[-1]] = json.dumps(topics, sort_keys=True).encode()
    _compact_segments(store, names, blobs, drop, _merge_topic_segments)


def _merge_topic_segments(segments: Sequence[bytes]) -> bytes:
    merged: dict[str, str | None] = {}
    for data in segments:
        merged.update(json.loads(data))
    return json.dumps(merged, sort_keys=True).encode()


def _segment_number(name: str) -> int:
    return int(name.rsplit("/", 1)[1].split(".")[0])


def _next_segment(prefix: str, names: Sequence[str]) -> str:
    """The name of the segment to append after `names` (in order) under `prefix`."""
    return f"{prefix}{_segment_number(names[-1]) + 1 if names else 1:010d}"


def _segment_level(name: str) -> int:
    """A segment's level: 0 as appended, L + 1 when it merged CLUSTER_SEGMENTS_RUN of level L
    (`log/<first number>.<level>`: names still sort in the order the segments were written)."""
    tail = name.rsplit("/", 1)[1]
    return int(tail.split(".")[1]) if "." in tail else 0


def _compact_segments(
    store: BlobStore,
    names: list[str],
    blobs: dict[str, bytes],
    drop: list[str],
    merge: Callable[[Sequence[bytes]], bytes] | None = None,
) -> list[str]:
    """Merge the trailing segments while CLUSTER_SEGMENTS_RUN of them share a level, into `blobs`
    (to write) and `drop`; the segment names after it. `merge` joins segments in order
    (default: the clusterer's log segments)."""
    from .cluster import merge_segments

    run = CLUSTER_SEGMENTS_RUN
    while len(names) >= run and len({_segment_level(n) for n in names[-run:]}) == 1:
        tail = names[-run:]
        parts = [blobs.pop(n) if n in blobs else store.load_blob(n) for n in tail]
        prefix = tail[0].rsplit("/", 1)[0]
        merged = f"{prefix}/{_segment_number(tail[0]):010d}.{_segment_level(tail[0]) + 1}"
        blobs[merged] = (merge or merge_segments)([p for p in parts if p is not None])
        drop.extend(tail)
        names = [*names[:-run], merged]
    return names


def _for_features(extraction: Extraction | None) -> Extraction | None:
    """The part of an extraction that story features read (less to ship to a worker process)."""
    if extraction is None:
        return None
    return Extraction(
        extraction.article_id, extraction.version, entities=extraction.entities, timexes=extraction.timexes
    )


def load_story_events(store: Store) -> list[ClusterEvent]:
    """Every story merge and split recorded in the store, oldest first."""
    blob = store.load_blob(STORY_EVENTS_BLOB)  # the whole history, as releases before segments kept it
    events = json.loads(blob) if blob else []
    for _name, data in store.load_blobs(STORY_EVENTS_SEGMENTS):
        events += json.loads(data)
    return [ClusterEvent(**{**e, "article_ids": tuple(e["article_ids"])}) for e in events]


def story_signature(
    members: Sequence[Article],
    extractions: Mapping[str, Extraction],
    duplicates: Mapping[str, DuplicateInfo],
    options: Options,
) -> str:
    """Everything a dossier depends on: same signature, same dossier (so it can be reused).

    Every extraction of a run is of the current `ANNOTATOR_VERSION` (stored ones are read by
    it), so the signature names that version for the members that have one, without reading them.
    """
    from .nlp.pipeline import ANNOTATOR_VERSION

    return content_id(
        __version__,
        DOSSIER_VERSION,
        tuple(a.id for a in members),
        tuple(ANNOTATOR_VERSION if a.id in extractions else None for a in members),
        tuple(duplicates.get(a.id) for a in members),
        options.reconcile.model_dump_json(),
        length=32,
    )


def build_stories(
    store: Store,
    story_members: Mapping[str, Sequence[Article]],
    extractions: Mapping[str, Extraction],
    duplicates: Mapping[str, DuplicateInfo],
    options: Options,
    state: RunState,
) -> list[Story]:
    """One dossier per story, reused from the store when its inputs are unchanged.

    A failing story is reported as an error; the others go on.
    """
    from .dossier import build_story

    blob = store.load_blob(DOSSIER_BLOB)
    signatures: dict[str, str] = json.loads(blob) if blob else {}
    wanted = {sid: story_signature(m, extractions, duplicates, options) for sid, m in story_members.items()}
    reusable = [sid for sid, sig in wanted.items() if signatures.get(sid) == sig]
    stored = {s.id: s for s in store.get_stories()} if reusable else {}
    stories: list[Story] = []
    for story_id, members in story_members.items():
        if story_id in stored and signatures.get(story_id) == wanted[story_id]:
            stories.append(stored[story_id])
            continue
        try:
            stories.append(build_story(story_id, members, extractions, duplicates, options))
            signatures[story_id] = wanted[story_id]
        except Exception as exc:
            signatures.pop(story_id, None)
            state.errors.append(
                ProcessingError(
                    path=members[0].path if members else "",
                    stage="dossier",
                    message=f"{type(exc).__name__}: {exc}",
                    record=story_id,
                )
            )
    fresh = [s for s in stories if s.id not in stored]
    state.counts["dossiers_reused"] = len(stories) - len(fresh)
    store.save_stories(fresh)
    store.save_blob(DOSSIER_BLOB, json.dumps(signatures, sort_keys=True).encode())
    stories.sort(key=lambda s: (-len(s.article_ids), s.first_seen or "", s.id))
    return stories


def flags_signature(
    articles: Sequence[Article],
    extractions: Mapping[str, Extraction],
    duplicates: Mapping[str, DuplicateInfo],
    story_of: Mapping[str, str | None],
    options: Options,
) -> str:
    """Everything `flag_articles` reads: the articles (ids hash text and metadata; the segments a
    cleaner found are named too, as a new cleaner may find others in the same text), which have
    an extraction (all of `ANNOTATOR_VERSION`), their copies, their stories, the options."""
    from .flags import FLAGS_VERSION
    from .nlp.pipeline import ANNOTATOR_VERSION

    return content_id(
        __version__,
        FLAGS_VERSION,
        ANNOTATOR_VERSION,
        tuple(
            (a.id, a.body_segments, a.segments, a.id in extractions, duplicates.get(a.id), story_of.get(a.id))
            for a in articles
        ),
        options.model_dump_json(),
        length=32,
    )


def flag_all(
    store: Store,
    articles: Sequence[Article],
    extractions: Mapping[str, Extraction],
    duplicates: Mapping[str, DuplicateInfo],
    story_of: Mapping[str, str | None],
    options: Options,
    state: RunState,
) -> dict[str, tuple[Flag, ...]]:
    """Every article's warnings, reused from the store when the last report had exactly the same
    inputs (a warm re-run then reads none of the extractions). A failure is reported, not raised.

    The warnings are stored a row an article (`Store.put_flags`), the signature of the last
    report's inputs in a small blob: a report writes its own articles' rows, not everyone's."""
    from .flags import flag_articles

    signature = flags_signature(articles, extractions, duplicates, story_of, options)
    blob = store.load_blob(FLAGS_BLOB)
    if blob and json.loads(blob).get("signature") == signature:
        return store.get_flags(a.id for a in articles)
    try:
        flags = flag_articles(articles, extractions, duplicates, story_of, options)
    except Exception as exc:
        state.errors.append(ProcessingError(path="", stage="flags", message=f"{type(exc).__name__}: {exc}"))
        return {}
    # Every article of the report gets its row, empty ones too: an earlier report's warning that
    # no longer holds is cleared. `last_flags` (show, the service) reads any article's.
    store.put_flags({**{a.id: () for a in articles}, **flags})
    store.save_blob(FLAGS_BLOB, json.dumps({"signature": signature}).encode())
    return flags


def last_flags(store: Store, article_ids: Iterable[str] | None = None) -> dict[str, tuple[Flag, ...]]:
    """The warnings the last report covering them gave these articles (None: every article); an
    article no report has covered has none."""
    return store.get_flags(article_ids)


# --------------------------------------------------------------------------- entry points


def ingest_paths(
    paths: Sequence[str | Path],
    options: Options,
    store: Store,
    progress: ProgressFn = _noop,
    executor: Executor | None = None,
    keep: bool = True,
    embedder: Embedder | None = None,
) -> RunState:
    """Add articles to the store: read, clean, dedup, annotate, assign stories. No report.

    Records are taken from the readers INGEST_BATCH at a time and each batch goes through
    every stage before the next is read, so memory stays bounded by the batch whatever the
    input's size (with `keep=False` the run keeps only counts and errors, not its articles).
    Inputs smaller than a batch are one batch: the same result as reading them whole.
    """
    from .ingest import iter_sources

    state = RunState()
    if executor is not None:  # the workers load the model while this process reads and cleans
        from .executors import worker_slots
        from .nlp.pipeline import warm_workers

        _warming = warm_workers(executor, options.nlp, worker_slots(executor))  # held: Dask drops
        # a future nobody holds
    batch: list[RawDoc] = []
    read_errors: list[ProcessingError] = []
    first = True
    url = _store_url(store)
    resume = url is None or url not in _RESUMED  # look for a killed run's leftovers

    def run(raws: list[RawDoc], errors: list[ProcessingError], first: bool) -> None:
        _ingest_batch(
            raws, errors, options, store, state, progress, executor, first and resume, keep, embedder
        )

    try:
        for item in iter_sources(paths, options.ingest):
            if isinstance(item, ProcessingError):
                read_errors.append(item)
                continue
            batch.append(item)
            if len(batch) >= INGEST_BATCH:
                run(batch, read_errors, first)
                batch, read_errors, first = [], [], False
        if batch or read_errors or first:
            run(batch, read_errors, first)
    except BaseException:
        if url is not None:
            _RESUMED.discard(url)  # this run may leave articles unplaced: the next one looks again
        raise
    if url is not None:
        _RESUMED.add(url)
    return state


# Stores this process has already searched for a killed run's leftovers (articles stored but
# never placed in a story). The search reads every article, so a long-running process (the
# service's worker, `watch`) does it on its first ingest and again only after one of its own
# failed; another process's leftovers are finished by the next process that starts.
_RESUMED: set[str] = set()


def _store_url(store: BlobStore) -> str | None:
    """The store's URL, when it names a store another process could open (not in memory)."""
    url = getattr(store, "url", None)
    if not isinstance(url, str) or ":memory:" in url or url.endswith("://"):
        return None
    return url


def _ingest_batch(
    raws: Sequence[RawDoc],
    read_errors: list[ProcessingError],
    options: Options,
    store: Store,
    total: RunState,
    progress: ProgressFn,
    executor: Executor | None,
    resume: bool,
    keep: bool,
    embedder: Embedder | None = None,
) -> None:
    """One batch through every stage; what it found is added to `total`."""
    state = RunState(errors=list(read_errors), timings=total.timings)
    with _timed(state, "read"):
        clean_records(raws, options, state, progress, store, executor)
    with _timed(state, "store"):
        store_articles(store, state)
        store.put_sources(state.source_keys)
    store.put_errors(state.errors)
    run_articles = list(state.articles.values())
    new_articles = [state.articles[i] for i in state.articles if i in state.new_ids]
    # Articles stored by a run that was killed before it placed them in stories: finish them now.
    # Dedup and story assignment are idempotent for articles they have seen, so a half-done step
    # is simply done again.
    placed = {a.id for a in new_articles}
    left = [i for i in store.unassigned_article_ids(len(placed)) if i not in placed] if resume else []
    if left:
        resumed = [state.articles.get(i) or a for i, a in store.get_articles(left).items()]
        new_articles += resumed
        run_articles += [a for a in resumed if a.id not in state.articles]
        state.counts["resumed"] = len(resumed)
    duplicates: dict[str, DuplicateInfo] = {}

    def dedup() -> None:
        # With an executor, this runs while its workers annotate: the shingles are made here, not
        # queued behind the annotation chunks. Its seconds then lie inside annotate's.
        with _timed(state, "dedup"):
            here = options.model_copy(update={"workers": -1}) if executor is not None else options
            duplicates.update(find_copies(store, new_articles, here))

    with _timed(state, "annotate"):
        n_errors = len(state.errors)
        extractions = annotate_missing(
            store, run_articles, options, state, progress, executor, meanwhile=dedup
        )
        state.extractions.update(extractions)
        store.put_errors(state.errors[n_errors:])
    state.duplicates = duplicates
    with _timed(state, "cluster"):
        placement = assign_stories(store, new_articles, extractions, duplicates, options, executor, embedder)
    if keep:  # a run that keeps its articles keeps what it did with them
        record_placement(total, placement, {a.id for a in new_articles})
    state.counts["articles"] = len(run_articles)
    # add the batch to the run
    total.errors.extend(state.errors)
    total.new_ids.update(state.new_ids)
    total.source_keys.update(state.source_keys)
    for key, value in state.counts.items():
        total.counts[key] = total.counts.get(key, 0) + value
    total.duplicates = state.duplicates
    if keep:
        total.articles.update(state.articles)
        total.extractions.update(state.extractions)


def report_for(
    store: Store,
    article_ids: Iterable[str] | None,
    options: Options,
    state: RunState | None = None,
    progress: ProgressFn = _noop,
) -> Report:
    """Build the report for the stories of `article_ids` (None: every stored article)."""
    from .nlp.pipeline import ANNOTATOR_VERSION

    state = state or RunState()
    if article_ids is None:  # every stored article
        assignments = store.story_assignments()
        wanted = [a.id for a in store.all_articles()]
    else:  # these articles' stories only: index look-ups, not the whole map
        wanted = list(article_ids)
        assignments = store.stories_of(wanted)
        assignments.update(store.story_members(set(assignments.values())))
    story_ids = {assignments[a] for a in wanted if a in assignments}
    member_ids = list(dict.fromkeys([*wanted, *(a for a, s in assignments.items() if s in story_ids)]))
    articles = {**store.get_articles(member_ids), **state.articles}  # this run: where each was found now
    ordered = [articles[i] for i in member_ids if i in articles]
    with _timed(state, "load"):
        missing = [a.id for a in ordered if a.id not in state.extractions]
        extractions = _lazy_extractions()
        extractions.update(state.extractions)
        extractions.update(store.get_extractions(missing, ANNOTATOR_VERSION))
        duplicates = store.get_duplicates(member_ids)  # the report's own copies, not the store's
        from .dedup import orient_copies

        duplicates = orient_copies(duplicates, articles, options.dedup)
    members: dict[str, list[Article]] = {}
    for article in sorted(ordered, key=publication_order):
        sid = assignments.get(article.id)
        if sid is not None:
            members.setdefault(sid, []).append(article)
    with _timed(state, "dossier"):
        stories = build_stories(store, members, extractions, duplicates, options, state)
    story_of = {a.id: assignments.get(a.id) for a in ordered}
    topic_of = load_topics(store)
    with _timed(state, "flags"):
        flags = flag_all(store, ordered, extractions, duplicates, story_of, options, state)
    reports = tuple(
        ArticleReport(
            article=a,
            duplicate=duplicates.get(a.id),
            story_id=story_of.get(a.id),
            flags=flags.get(a.id, ()),
            topic_id=topic_of.get(story_of.get(a.id) or ""),
        )
        for a in ordered
    )
    stats = {
        "articles": len(reports),
        "stories": len(stories),
        "facts": sum(len(s.facts) for s in stories),
        "conflicts": sum(len(s.conflicts) for s in stories),
        "copies": sum(1 for r in reports if r.duplicate is not None),
        "errors": len(state.errors),
        **{f"count_{k}": v for k, v in state.counts.items()},
        **{f"seconds_{k}": round(v, 3) for k, v in state.timings.items()},
    }
    shown = {s.id for s in stories}
    events = tuple(e for e in load_story_events(store) if e.story_id in shown or e.other_story_id in shown)
    return Report(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        options=options.public(),
        articles=reports,
        stories=tuple(stories),
        errors=tuple(state.errors),
        stats=stats,
        story_events=events,
    )


def analyze_paths(
    paths: Sequence[str | Path],
    options: Options | None = None,
    store: Store | None = None,
    progress: ProgressFn = _noop,
    executor: Executor | None = None,
    embedder: Embedder | None = None,
) -> Report:
    """The main job: articles at `paths` -> a Report over their stories.

    `store` is the backend (SQLite by default, from `options.db_url`); pass one
    in to share it, or let this function open and close its own. `executor` runs
    the pure per-article work (`executors.open_executor`: local processes or Dask);
    None: this machine's processes as the options say.
    """
    options = options or Options()
    own = store is None
    if store is None:
        from .store import Store

        store = Store(options.db_url)
    try:
        t0 = time.perf_counter()
        state = ingest_paths(paths, options, store, progress, executor, embedder=embedder)
        report = report_for(store, list(state.articles), options, state, progress)
        return replace(report, stats={**report.stats, "seconds_total": round(time.perf_counter() - t0, 3)})
    finally:
        if own:
            store.close()


def extract_paths(
    paths: Sequence[str | Path],
    options: Options | None = None,
    progress: ProgressFn = _noop,
    executor: Executor | None = None,
) -> tuple[list[tuple[Article, Extraction]], list[ProcessingError]]:
    """Per-article annotations without any cross-article stage and without a store."""
    from .nlp.pipeline import annotate

    options = options or Options()
    state = RunState()
    read_articles(paths, options, state, progress, executor=executor)
    articles = list(state.articles.values())
    results: list[tuple[Article, Extraction]] = []
    for done, (article, result) in enumerate(
        zip(articles, annotate(articles, options.nlp, executor), strict=True), 1
    ):
        if isinstance(result, ProcessingError):
            state.errors.append(result)
        else:
            results.append((article, result))
        progress("annotate", done, len(articles))
    return results, state.errors
