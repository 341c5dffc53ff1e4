"""Scale: executors end to end, dedup + assignment as the store grows, bytes written per ingest,
and the time from one new article to its updated dossier.

The corpus is ECB+ (`../shared/bench/ecbplus/docs.jsonl`) with perturbations: each copy
of a document gets a new id, a shifted date and a changed sentence order, so the copies
are near-duplicates and stories, not exact repeats. Each measurement runs in its own
process so its peak RSS is its own.

    .venv/bin/python bench/scale.py                # small: 300 articles end to end, a store grown to 2k and 10k
    .venv/bin/python bench/scale.py --e2e 1000 --stores 10000 100000 1000000   # the issue's sizes

The store part grows one store in the pipeline's batches (`INGEST_BATCH`) and, at each size,
adds 100 articles in this process and 100 more as a new process would (nothing held).

Prints a table and writes bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "bench" / "ecbplus" / "docs.jsonl"
RESULTS = ROOT / "bench" / "results"
DEMO = ROOT / "examples" / "corpus"


START = dt.date(2024, 1, 1)
PER_DAY = 2_000  # articles a day: a national desk's feed


def make_corpus(n: int, dest: Path, seed: int = 7) -> int:
    """n JSONL articles: ECB+ documents, then perturbed copies of them (new dates, sentences moved)."""
    docs = []
    with ECB.open(encoding="utf-8") as src:
        for line in src:
            doc = json.loads(line)
            text = doc["text"].split("\n", 1)[1] if doc.get("url") and "\n" in doc["text"] else doc["text"]
            docs.append(text)
    rng = random.Random(seed)
    with dest.open("w", encoding="utf-8") as out:
        for i in range(n):
            lines = docs[i % len(docs)].split("\n")
            if i >= len(docs):  # a perturbed copy: another day, two sentences swapped
                a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[a], lines[b] = lines[b], lines[a]
            day = START + dt.timedelta(days=i // PER_DAY)  # a stream: dates only move forward
            out.write(json.dumps({"text": "\n".join(lines), "published": day.isoformat(), "doc": i}) + "\n")
    return n


def _child(code: str, *args: str) -> dict:
    """Run `code` in a fresh process (it prints one JSON line); add its peak RSS."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=3600
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


_E2E = """
import json, resource, sys, time
from newsdesk.executors import open_executor
from newsdesk.options import Options
from newsdesk.pipeline import ingest_paths
from newsdesk.store import Store
path, db, spec = sys.argv[1:4]
options = Options(db_url=f"sqlite:///{db}")
def cpu(who):
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime
t0, c0 = time.perf_counter(), cpu(resource.RUSAGE_SELF)
with Store(options.db_url) as store, open_executor(spec) as ex:
    state = ingest_paths([path], options, store, executor=ex)
secs = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
# CPU seconds: the coordinator's, and its worker processes' (reaped when the executor closed;
# a Dask worker's are counted through its nanny)
# and the workers' system time: page faults and mappings show there (their allocator settings)
print(json.dumps({"articles": len(state.articles), "seconds": secs, "rss_mb": rss, "worker_rss_mb": kids,
                  "coordinator_cpu_s": cpu(resource.RUSAGE_SELF) - c0, "workers_cpu_s": cpu(resource.RUSAGE_CHILDREN),
                  "workers_sys_s": resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime,
                  "stages_s": state.timings}))
"""

_STORE = """
import json, resource, sys, time
from newsdesk.options import Options
import pathlib
from newsdesk.nlp.pipeline import load_nlp
from newsdesk.pipeline import INGEST_BATCH, find_copies, assign_stories, forget_loaded_state, ingest_paths, report_for
LEVEE = ("Crews in Northgate began repairing the breached levee on Thursday, the county engineer said. "
         "The river has fallen below flood stage and residents of the lower town were allowed home. "
         "Engineers said the repair of the 65-metre breach would take about three weeks. ") * 2
load_nlp()
def _warm():  # the first ingest in a process imports and compiles what later ones reuse
    import tempfile
    from newsdesk.store import Store as _S
    with tempfile.TemporaryDirectory() as d, _S("sqlite://") as s:
        f = pathlib.Path(d) / "warm.txt"
        f.write_text(" date 2025-05-01\\nWarm\\n\\n" + LEVEE, "utf-8")
        o = Options(db_url="sqlite://", workers=-1)
        report_for(s, list(ingest_paths([str(f)], o, s).articles), o)
_warm()
from newsdesk.store import Store
from newsdesk.ingest import iter_sources
from newsdesk.clean import clean
from newsdesk.records import ProcessingError
from sqlalchemy import text
def dedup_rows(store):
    with store.engine.connect() as conn:
        docs, hashes = conn.execute(text("SELECT COUNT(*), COALESCE(SUM(LENGTH(hashes)), 0) FROM dedup_docs")).one()
        keys = conn.execute(text("SELECT COUNT(*) FROM dedup_keys")).scalar()
    return int(docs), int(hashes), int(keys)
def rss_now():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20
path, db, sizes, n_new, service_code = sys.argv[1], sys.argv[2], [int(x) for x in sys.argv[3].split(",")], int(sys.argv[4]), sys.argv[5]
import subprocess
options = Options(db_url=f"sqlite:///{db}", workers=-1)
options = options.model_copy(update={"ingest": options.ingest.model_copy(update={"max_container_bytes": 10**12})})
articles = (clean(r, options.ingest) for r in iter_sources([path], options.ingest) if not isinstance(r, ProcessingError))
def take(n):
    out = []
    for a in articles:
        out.append(a)
        if len(out) >= n:
            break
    return out
# The pure part of dedup (shingles, MinHash) is timed apart: under an executor the pipeline has
# the workers compute it, and the coordinator does the rest.
import newsdesk.pipeline as _pipeline
_pure = [0.0]
_prepared = _pipeline._prepared
def _timed_prepared(*args, **kwargs):
    t0 = time.perf_counter()
    try:
        return _prepared(*args, **kwargs)
    finally:
        _pure[0] += time.perf_counter() - t0
_pipeline._prepared = _timed_prepared
def ingest(store, batch):
    store.put_articles(batch)  # stored first, as the pipeline does; not timed
    _pure[0] = 0.0
    t0 = time.perf_counter()
    dups = find_copies(store, batch, options)
    assign_stories(store, batch, {}, dups, options)
    return time.perf_counter() - t0
out = []
stored, total_s = 0, 0.0
with Store(options.db_url) as store:
    for size in sizes:
        last_rate = last_coordinator = None
        while stored < size:  # bulk, in the pipeline's batches, held in this process
            batch = take(min(INGEST_BATCH, size - stored))
            if not batch:
                raise SystemExit(f"corpus ran out at {stored}")
            secs = ingest(store, batch)
            stored, total_s = stored + len(batch), total_s + secs
            last_rate = len(batch) / secs
            last_coordinator = len(batch) / (secs - _pure[0])
        new = take(n_new)
        before = dict(store.load_blobs(""))
        rows_before = dedup_rows(store)
        t_new = ingest(store, new)
        after = dict(store.load_blobs(""))
        rows_after = dedup_rows(store)
        written = {n: len(d) for n, d in after.items() if before.get(n) != d}
        # the copy detector's rows: documents (id, number, shingle hashes) and postings (kind, key, doc)
        docs, hashes, keys = (a - b for a, b in zip(rows_after, rows_before))
        written["dedup rows"] = hashes + docs * 48 + keys * 20
        state = sum(len(d) for n, d in after.items() if n.startswith(("dedup-index", "story-clusterer")))
        state += rows_after[1] + rows_after[0] * 48 + rows_after[2] * 20
        # The same again for the next articles as a new process would do it: nothing held in memory.
        more = take(n_new)
        forget_loaded_state()
        t_fresh = ingest(store, more)
        stored += len(new) + len(more)
        # One new article on a story of its own, annotated, placed, and its dossier built, as
        # the service does on a POST: first as the first ingest of a process (it searches for a
        # killed run's leftovers), then warm (the model loaded, the clusterer held, no search).
        one_s = []
        for turn in ("first", "warm"):
            one = pathlib.Path(db).with_name(f"one-{size}-{turn}.txt")
            body = LEVEE + f"Crew {size} was sent on the {turn} call."
            one.write_text(" date 2025-06-01\\nLevee repairs begin in Northgate\\n\\n" + body, "utf-8")
            t0 = time.perf_counter()
            run = ingest_paths([str(one)], options, store)
            report = report_for(store, list(run.articles), options, run)
            one_s.append(time.perf_counter() - t0)
            assert run.new_ids and report.stories, run.errors
        # The same through the service: its read model built on this store, then one-article jobs
        # (the store half and the read-model refresh), in a process of its own, as `serve` runs.
        service = subprocess.run([sys.executable, "-c", service_code, db, str(size)], capture_output=True, text=True)
        if service.returncode != 0:
            raise SystemExit(service.stderr[-2000:])
        out.append({
            "service": json.loads(service.stdout.strip().splitlines()[-1]),
            "stored": size, "added": len(new), "bulk_per_s": stored / (total_s + t_new + t_fresh),
            "last_batch_per_s": last_rate, "last_batch_coordinator_per_s": last_coordinator, "new_ms_per_article": 1000 * t_new / max(1, len(new)),
            "new_ms_per_article_fresh_process": 1000 * t_fresh / max(1, len(more)),
            "state_bytes": state, "written_bytes": written,
            "one_article_first_s": one_s[0], "one_article_s": one_s[1], "rss_mb": rss_now(), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        })
        print(json.dumps(out[-1]), file=sys.stderr, flush=True)
print(json.dumps(out))
"""

_SERVICE = """
import json, pathlib, resource, sys, tempfile, time
from newsdesk.nlp.pipeline import load_nlp
from newsdesk.options import Options
from newsdesk.serve.catalog import Catalog
from newsdesk.serve.worker import ingest_job, publish_job
from newsdesk.store import Store
db, size = sys.argv[1:3]
options = Options(db_url=f"sqlite:///{db}", workers=-1)
load_nlp()
body = ("Crews in Northgate began repairing the breached levee on Thursday, the county engineer said. "
        "The river has fallen below flood stage and residents of the lower town were allowed home. ") * 2
with Store(options.db_url) as store, tempfile.TemporaryDirectory() as tmp:
    t0 = time.perf_counter()
    catalog = Catalog(store)
    catalog.ensure()
    start = time.perf_counter() - t0
    jobs = []
    for turn in range(3):
        folder = pathlib.Path(tmp) / str(turn)
        folder.mkdir()
        (folder / "one.txt").write_text(f" date 2025-06-0{turn + 2}\\nLevee crews at work\\n\\n{body}Shift {size}-{turn}.", "utf-8")
        t0 = time.perf_counter()
        done = ingest_job(store, options, folder)
        publish_job(catalog, done)
        jobs.append(time.perf_counter() - t0)
        assert done.new_ids and catalog.story_of(done.new_ids[0]), done.errors
# Resident memory now: a peak would include the store process's, inherited through its fork.
with open("/proc/self/statm") as f:
    rss = int(f.read().split()[1]) * 4096 / 2**20
print(json.dumps({"catalog_start_s": start, "job_s": jobs, "rss_mb": rss}))
"""

_LATENCY = """
import json, shutil, sys, time, tempfile, pathlib
from newsdesk.options import Options
from newsdesk.pipeline import ingest_paths, report_for
from newsdesk.store import Store
corpus, db = sys.argv[1:3]
options = Options(db_url=f"sqlite:///{db}")
with Store(options.db_url) as store:
    ingest_paths([corpus], options, store)
    report_for(store, None, options)
    tmp = pathlib.Path(tempfile.mkdtemp())
    one = tmp / "one.txt"
    body = ("Crews in Northgate began repairing the breached levee on Thursday, the county engineer said. "
            "The river has fallen below flood stage and residents of the lower town were allowed home. "
            "Engineers said the repair of the 65-metre breach would take about three weeks. ")
    one.write_text(" date 2026-03-05\\nLevee repairs begin in Northgate\\n\\n" + body * 2, "utf-8")
    t0 = time.perf_counter()
    state = ingest_paths([str(one)], options, store)
    report = report_for(store, list(state.articles), options, state)
    secs = time.perf_counter() - t0
assert state.new_ids, state.errors
print(json.dumps({"seconds": secs, "stories": len(report.stories), "new": len(state.new_ids)}))
"""


_STORIES = """
import json, random, sys, time
from newsdesk.cluster import StoryClusterer
from newsdesk.options import ClusterOptions
from newsdesk.records import Article
n = int(sys.argv[1])
rng = random.Random(5)
syllables = ["ka", "lo", "mir", "tan", "vel", "du", "sor", "pen", "ri", "gaz", "om", "bru"]
def article(aid, text, day):
    return Article(id=aid, path=aid, fmt="txt", text=text, title=None, title_source="absent",
                   published=day, published_source="header", body_span=(0, len(text)),
                   body_segments=((0, len(text)),), word_count=len(text.split()))
def stories(first, count):  # two reports a story in invented words, 500 stories a day
    for s in range(first, first + count):
        words = ["".join(rng.choice(syllables) for _ in range(3)) + str(s) for _ in range(12)]
        day = f"2026-{1 + (s // 500 // 28) % 12:02d}-{1 + (s // 500) % 28:02d}"
        for k in range(2):
            body = " ".join(rng.sample(words, 10)).capitalize() + ". " + " ".join(rng.sample(words, 9)) + "."
            yield article(f"m{s}-{k}", body, day)
c = StoryClusterer(ClusterOptions())
t0 = time.perf_counter()
for a in stories(0, n):
    c.assign(a)
bulk = 2 * n / (time.perf_counter() - t0)
c.to_parts(full=True); c.mark_saved(); c.topics()  # the first save and grouping (imports) apart
for a in stories(n, 50):
    c.assign(a)
t0 = time.perf_counter(); write, append = c.to_parts(); t1 = time.perf_counter()
c.topic_changes(); t2 = time.perf_counter()  # what a save groups and stores of the topics
print(json.dumps({"stories": len(c.stories()), "assign_per_s": bulk, "save_ms": 1000 * (t1 - t0),
                  "written_bytes": sum(map(len, write.values())) + sum(map(len, append.values())),
                  "topics_ms": 1000 * (t2 - t1), "live": len(c._live)}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--e2e", type=int, default=300, help="articles for the end-to-end executor runs")
    ap.add_argument(
        "--stores", type=int, nargs="+", default=[2000, 10000], help="store sizes for dedup + assignment"
    )
    ap.add_argument("--add", type=int, default=100, help="articles added to each store")
    ap.add_argument("--executors", nargs="+", default=["local:1", "local:2", "dask-local:2"])
    ap.add_argument("--out", default="scale.json", help="file name under bench/results")
    ap.add_argument(
        "--stories",
        type=int,
        nargs="*",
        default=[],
        help="also: a clusterer with this many small stories (two reports each), the cost of one save",
    )
    args = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out: dict = {"e2e": {}, "stores": [], "latency": None}
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        e2e_input = tmpd / "e2e.jsonl"
        make_corpus(args.e2e, e2e_input)
        for spec in args.executors if args.e2e else []:
            out["e2e"][spec] = _child(
                _E2E, str(e2e_input), str(tmpd / f"e2e-{spec.replace(':', '-')}.db"), spec
            )
        if args.stores and args.stores != [0]:
            sizes = sorted(args.stores)
            path = tmpd / "store.jsonl"
            make_corpus(sizes[-1] + 2 * args.add * len(sizes), path)
            out["stores"] = _child(
                _STORE, str(path), str(tmpd / "store.db"), ",".join(map(str, sizes)), str(args.add), _SERVICE
            )
            path.unlink()
        out["latency"] = _child(_LATENCY, str(DEMO), str(tmpd / "lat.db"))
        out["many_stories"] = [_child(_STORIES, str(n)) for n in args.stories]
    print(
        f"{'executor':<14} {'articles':>8} {'art/s':>8} {'coord RSS MB':>13} {'workers RSS MB':>15} "
        f"{'CPU s: coord / workers':>23} {'workers sys s':>14}  stages s"
    )
    for spec, r in out["e2e"].items():
        stages = " ".join(f"{k} {v:.1f}" for k, v in r["stages_s"].items())
        print(
            f"{spec:<14} {r['articles']:>8} {r['articles'] / r['seconds']:>8.1f} {r['rss_mb']:>13.0f} "
            f"{r['worker_rss_mb']:>15.0f} {r['coordinator_cpu_s']:>11.1f} / {r['workers_cpu_s']:<9.1f} "
            f"{r['workers_sys_s']:>14.1f}  {stages}"
        )
    print(
        f"\n{'stored':>9} {'bulk art/s':>11} {'last batch':>11} {'its coordinator part':>21} {'ms/article added':>17} {'new process':>12} "
        f"{'state MB':>9} {'written MB: index / clusterer':>30} {'RSS MB':>7} {'1 article to dossier: first / warm':>35}"
    )
    for r in out["stores"]:
        w = r["written_bytes"]
        index = sum(v for k, v in w.items() if k.startswith(("dedup-index", "dedup rows"))) / 1e6
        rest = sum(v for k, v in w.items() if not k.startswith(("dedup-index", "dedup rows"))) / 1e6
        print(
            f"{r['stored']:>9} {r['bulk_per_s']:>11.0f} {r['last_batch_per_s'] or 0:>11.0f} "
            f"{r.get('last_batch_coordinator_per_s') or 0:>21.0f} "
            f"{r['new_ms_per_article']:>17.2f} {r['new_ms_per_article_fresh_process']:>12.2f} "
            f"{r['state_bytes'] / 1e6:>9.1f} {f'{index:.2f} / {rest:.2f}':>30} {r['peak_rss_mb']:>7.0f} "
            f"{r.get('one_article_first_s', 0):>26.2f} / {r['one_article_s']:.2f} s"
        )
    print(
        f"\n{'stored':>9} {'service: read model start':>25} {'RSS MB':>7} {'one-article job: first / next':>30}"
    )
    for r in out["stores"]:
        v = r["service"]
        jobs = " / ".join(f"{s:.2f}" for s in v["job_s"])
        print(f"{r['stored']:>9} {v['catalog_start_s']:>23.1f} s {v['rss_mb']:>7.0f} {jobs:>28} s")
    print(f"\none new article to its updated dossier (warm demo store): {out['latency']['seconds']:.2f} s")
    if out["many_stories"]:
        print(
            f"\n{'stories':>8} {'live':>6} {'assign/s':>9} {'save of 100 new':>16} {'written KB':>11} {'topics':>9}"
        )
    for r in out["many_stories"]:
        print(
            f"{r['stories']:>8} {r['live']:>6} {r['assign_per_s']:>9.0f} {r['save_ms']:>13.0f} ms "
            f"{r['written_bytes'] / 1e3:>11.0f} {r['topics_ms']:>6.0f} ms"
        )
    print(
        "targets: >= 60 articles/s end to end with 2 local workers; >= 2,000 articles/s dedup + assignment, "
        "flat from 10k to 1M; < 1 s from one new article to its dossier"
    )
    (RESULTS / args.out).write_text(json.dumps(out, indent=2))
    print(f"wrote {RESULTS / args.out}; command: .venv/bin/python bench/scale.py {' '.join(sys.argv[1:])}")


if __name__ == "__main__":
    main()
