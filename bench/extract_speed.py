"""Words per second of the whole extraction stage (spaCy parse + every extractor) on ECB+ texts.

    .venv/bin/python bench/extract_speed.py [--quick] [--gemm numpy|blis]
    .venv/bin/python bench/extract_speed.py --components [--quick]

Runs `newsdesk.nlp.pipeline.annotate` over cleaned ECB+ articles with
n_process 1 and 2 and reports words/s and peak RSS (each setting in its own
process). Target (issue 5): >= 10,000 words/s on 2 cores. `--gemm blis` runs
our rows with thinc's default matrix products (`NlpOptions.gemm`) instead
of numpy's BLAS.

The same-day anchor row is the model's stock spaCy pipeline alone (parse
only, no extractors, one process, `nlp.pipe`): this VM's speed varies by up to
2x from day to day, and the ratio to that row does not.

`--components` prints where one worker's CPU goes instead: ms an article for the tokenizer,
each pipeline component and each extractor, in one process, as a worker runs them (one BLAS
thread, batches of 32, no huge-page advice, the workers' allocator settings); and the end-to-end
ceiling those figures allow on two cores with the coordinator's measured ~3 ms an article.
Writes bench/results/extract_components.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "bench" / "ecbplus" / "docs.jsonl"


def _articles(limit: int):
    from newsdesk.records import Article

    out = []
    with ECB.open(encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            text = doc["text"].split("\n", 1)[1] if doc.get("url") and "\n" in doc["text"] else doc["text"]
            out.append(
                Article(
                    id=doc["doc_id"],
                    path=doc["doc_id"],
                    fmt="jsonl",
                    text=text,
                    title=None,
                    title_source="absent",
                    published=None,
                    published_source="absent",
                    body_segments=((0, len(text)),),
                    body_span=(0, len(text)),
                    word_count=len(text.split()),
                )
            )
            if len(out) >= limit:
                break
    return out


def child(limit: int, n_process: int, gemm: str = "numpy") -> dict[str, float]:
    """One setting; n_process 0 is the anchor: the stock spaCy pipeline, parse only."""
    from newsdesk.nlp.pipeline import annotate, load_nlp
    from newsdesk.options import NlpOptions

    articles = _articles(limit)
    words = sum(a.word_count for a in articles)
    if n_process == 0:
        import spacy

        stock = spacy.load(NlpOptions().model)
        t0 = time.perf_counter()
        n = sum(1 for _ in stock.pipe((a.text for a in articles), batch_size=32))
    else:
        load_nlp(NlpOptions().model, gemm)
        t0 = time.perf_counter()
        options = NlpOptions(n_process=n_process, batch_size=32, gemm=gemm)
        n = sum(1 for _ in annotate(articles, options))
    dt = time.perf_counter() - t0
    return {
        "articles": n,
        "words": words,
        "seconds": round(dt, 2),
        "words_per_s": round(words / dt),
        "peak_rss_mib": round(
            max(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            )
            / 1024,
            1,
        ),
    }


def components(quick: bool = False) -> dict[str, object]:
    """CPU ms an article of each spaCy component and each extractor, as a worker runs them."""
    from threadpoolctl import threadpool_limits

    from newsdesk.nlp import events, frames, quantities, quotes, timex
    from newsdesk.nlp.doctext import doc_text, known_text
    from newsdesk.nlp.paragraphs import LEAD, Parsed, join, pieces, tokenized
    from newsdesk.nlp.pipeline import (
        _keep_freed_memory,
        _limits,
        _small_pages,
        _worker_chunk,
        keyterms,
        load_nlp,
    )
    from newsdesk.options import NlpOptions

    _keep_freed_memory()
    texts = [a.text for a in _articles(120 if quick else 600)]
    nlp = load_nlp()
    list(nlp.pipe(texts[:20]))  # first calls allocate and compile what the rest reuse
    cost: dict[str, float] = {}

    def timed(name: str, fn, *args):
        t0 = time.process_time()
        out = fn(*args)
        cost[name] = cost.get(name, 0.0) + time.process_time() - t0
        return out

    with threadpool_limits(limits=1, user_api="blas"), _small_pages():
        # the paragraphs of 32 articles at a time, as a worker parses a chunk (none kept)
        docs = []
        for start in range(0, len(texts), 32):
            cut = [pieces(t) for t in texts[start : start + 32]]
            parts = [p for c in cut for p in c]
            led, skips = timed("spaCy: tokenizer", tokenized, nlp, parts)
            for name, proc in nlp.pipeline:
                if hasattr(proc, "pipe"):
                    led = timed(
                        f"spaCy: {name}", lambda p, ds: list(p.pipe(ds, batch_size=len(ds))), proc, led
                    )
                else:
                    led = timed(f"spaCy: {name}", lambda p, ds: [p(d) for d in ds], proc, led)

            def joined(cut=cut, parts=parts, led=led, skips=skips):
                parsed = iter(
                    [Parsed.of(d, k, LEAD + p if k else p) for d, k, p in zip(led, skips, parts, strict=True)]
                )
                return [known_text(join(nlp, [next(parsed) for _ in c]), "".join(c)) for c in cut]

            docs += timed("paragraphs: read and join", joined)
        for doc in docs:
            text = doc_text(doc)
            found = timed("extractor: time expressions", timex.extract_timexes, text, "2024-01-01", doc)
            numbers = timed("extractor: quantities", quantities.extract_quantities, doc)
            timed("extractor: frames", frames.add_frames, doc, numbers, found)
            timed("extractor: quotes", quotes.extract_quotes, doc)
            timed("extractor: events", events.extract_events, doc, found)
            timed("extractor: key terms", keyterms, doc, doc.ents)
        # The whole of a worker's chunk function (records in, Extraction records out): the parts
        # above plus what lies between them (entities, sentences, blanking, the time budget).
        articles = _articles(len(texts))
        for start in range(0, len(articles), 32):
            chunk = (articles[start : start + 32], NlpOptions().model, 32, "numpy", _limits(NlpOptions()))
            timed("worker chunk, whole", _worker_chunk, chunk)
    n = len(docs)
    rows = {k: round(1000 * v / n, 2) for k, v in cost.items()}
    whole = rows.pop("worker chunk, whole")
    spacy_ms = sum(v for k, v in rows.items() if k.startswith(("spaCy", "paragraphs")))
    extract_ms = sum(v for k, v in rows.items() if k.startswith("extractor"))
    coordinator_ms = 3.0  # bench/scale.py --e2e: 5.5-5.7 CPU s for 1,847 articles (2026-12-06)
    print(f"{'part':<34}{'ms an article':>14}")
    for k, v in rows.items():
        print(f"{k:<34}{v:>14.2f}")
    print(f"{'spaCy, all':<34}{spacy_ms:>14.2f}")
    print(f"{'extractors, all':<34}{extract_ms:>14.2f}")
    print(f"{'a worker chunk, whole':<34}{whole:>14.2f}")
    ceiling = 2 * 1000 / (whole + coordinator_ms)
    free = 2 * 1000 / (whole - extract_ms + coordinator_ms)
    print(
        f"two cores at most {ceiling:.0f} articles/s end to end ({free:.0f} with the extractors free); "
        f"{sum(len(d) for d in docs) / n:.0f} tokens an article"
    )
    return {
        "articles": n,
        "ms_per_article": rows,
        "spacy_ms": round(spacy_ms, 2),
        "extractors_ms": round(extract_ms, 2),
        "worker_chunk_ms": whole,
        "two_core_ceiling": round(ceiling, 1),
        "two_core_ceiling_extractors_free": round(free, 1),
    }


def run(quick: bool = False, gemm: str = "numpy") -> dict[str, object]:
    limit = 120 if quick else 982
    rows = {}
    for n_process in (0, 1, 2):  # 0 = the stock spaCy anchor; 2 = our worker processes (parse + extractors)
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(limit), str(n_process), "--gemm", gemm],
            capture_output=True,
            text=True,
            check=True,
        )
        name = "stock spaCy parse" if n_process == 0 else f"n_process={n_process}"
        rows[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(
        f"{'setting':<19}{'articles':>9}{'words':>9}{'seconds':>9}{'words/s':>9}{'peak RSS MiB':>14}"
        f"{'x stock':>9}  target"
    )
    anchor = rows["stock spaCy parse"]["words_per_s"]
    for k, r in rows.items():
        target = "anchor: parse only, 1 process" if k.startswith("stock") else ">= 10,000 words/s"
        print(
            f"{k:<19}{r['articles']:>9}{r['words']:>9}{r['seconds']:>9}{r['words_per_s']:>9}"
            f"{r['peak_rss_mib']:>14}{r['words_per_s'] / anchor:>9.2f}  {target}"
        )
    best = max(r["words_per_s"] for k, r in rows.items() if not k.startswith("stock"))
    return {
        "rows": rows,
        "gemm": gemm,
        "best_words_per_s": best,
        "best_over_stock_parse": round(best / anchor, 2),
        "target": 10_000,
        "pass": best >= 10_000,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2, type=int)
    parser.add_argument("--gemm", choices=("numpy", "blis"), default="numpy")
    parser.add_argument("--components", action="store_true", help="one worker's CPU by part")
    args = parser.parse_args()
    if args.components:
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "extract_components.json").write_text(json.dumps(components(args.quick), indent=2) + "\n")
    elif args.child:
        print(json.dumps(child(*args.child, args.gemm)))
    else:
        result = run(args.quick, args.gemm)
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "extract_speed.json").write_text(json.dumps(result, indent=2) + "\n")
