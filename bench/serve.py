"""`newsdesk serve` under load, on loopback: read latency while articles are ingested.

The store is pre-filled with examples/corpus and generated variants of its
articles (names and long words changed, dates shifted, so they are new
articles and new stories, not copies). The server runs as `newsdesk serve` in
its own process on 127.0.0.1; this process drives it with an open-loop
asyncio + httpx load at fixed rates (requests start on schedule whether or not
earlier ones finished, so a slow server shows as latency, not as a lower rate).
During every phase a second loop keeps the ingest worker busy: it posts one new
article at a time and measures the time from `POST /articles` until the
article is listed in its story's dossier (`GET /stories/{id}`).

    .venv/bin/python bench/serve.py                      # about a minute
    .venv/bin/python bench/serve.py --seconds 20 --rate 100 --rate 200 --rate 500

Bounded: each phase runs `--seconds` at each `--rate`, the load stops at the
phase's end (requests still in flight are awaited, at most 10 s), and ingest
posts at most `--live` articles. Prints a table and writes bench/results/serve.json
(serve_heavy.json with --heavy: the variants pile into a few stories of 40-80 articles).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
RESULTS = ROOT / "bench" / "results"
TOKEN = "bench-token"
TARGETS = {"story page": 50.0, "story json": 50.0, "search": None}
QUERIES = [
    "levee",
    "Quennell",
    "tariffs",
    "evacuated",
    '"trade framework"',
    "glassworks",
    "shelters",
    "Halvik",
]
KEEP = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October"}
KEEP |= {"November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
KEEP |= {"The", "This", "That", "They", "There", "When", "After", "Before", "Most", "Some", "Many", "While"}
SUFFIXES = ["ara", "ek", "ovo", "ia", "enn", "ul", "isk", "ar", "ov", "et", "ane", "orr"]


def vary(text: str, k: int, heavy: bool = False) -> str:
    """A variant of an article: words of four letters or more get a suffix and figures change, so it
    shares few shingles, names or numbers with the original (a new story, not a copy); months,
    days and years stay. `heavy`: only names and long words change and figures stay, so variants
    are partial copies that pile into the corpus's stories (a few stories of 40-80 articles)."""
    suffix = SUFFIXES[k % len(SUFFIXES)] + ("" if k < len(SUFFIXES) else str(k))

    def word(m: re.Match[str]) -> str:
        return m.group(0) if m.group(0) in KEEP else m.group(0) + suffix

    def number(m: re.Match[str]) -> str:
        n = int(m.group(0))
        return m.group(0) if 1900 <= n <= 2100 else str(n * (k + 2) + k)

    if heavy:
        return re.sub(r"\b(?:[A-Z][a-z]{3,}|[a-z]{8,})\b", word, text)
    text = re.sub(r"\b[A-Za-z][a-z]{3,}\b", word, text)
    return re.sub(r"(?<![\d,.])\d{1,4}(?![\d,.])", number, text)


def variants(articles: list[Any], first: int, count: int, heavy: bool = False) -> list[dict[str, Any]]:
    """JSONL records: `count` variants of every corpus article, numbered from `first`."""
    out = []
    for k in range(first, first + count):
        for a in articles:
            published = date.fromisoformat(a.published) + timedelta(days=45 * k) if a.published else None
            out.append(
                {
                    "title": vary(a.title or "", k, heavy) or None,
                    "text": vary(a.text[a.body_span[0] : a.body_span[1]] or a.text, k, heavy),
                    "published": published.isoformat() if published else None,
                    "source": vary(a.source, k, heavy) if a.source else f"Outlet {k}",
                    "url": f"https://bench.example/{k}/{a.id}",
                }
            )
    return out


def prefill(db: str, tmp: Path, copies: int, heavy: bool) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Fill the store (corpus + `copies` variants); return records held back for live ingest."""
    from newsdesk.options import Options
    from newsdesk.pipeline import ingest_paths, report_for
    from newsdesk.store import Store

    options = Options(db_url=db)
    t0 = time.perf_counter()
    with Store(db) as store:
        state = ingest_paths([CORPUS], options, store)
        report_for(store, list(state.articles), options, state)
        originals = sorted(state.articles.values(), key=lambda a: a.id)
        path = tmp / "variants.jsonl"
        path.write_text(
            "".join(json.dumps(r) + "\n" for r in variants(originals, 1, copies, heavy)), encoding="utf-8"
        )
        more = ingest_paths([path], options, store)
        report_for(store, list(more.articles), options, more)
        sizes = sorted((s.articles for s in store.list_stories()), reverse=True)
        info = {
            "articles": len(store.article_ids()),
            "stories": len(sizes),
            "largest_stories": sizes[:3],
            "heavy": heavy,
            "seconds": round(time.perf_counter() - t0, 1),
        }
    return variants(originals, copies + 1, 40, heavy), info


@dataclass
class Phase:
    target: str
    rate: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)  # Server-Timing: the server's own time
    errors: int = 0
    sent: int = 0

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies)
        srv = sorted(self.server)
        return {
            "target": self.target,
            "rate": self.rate,
            "seconds": self.seconds,
            "sent": self.sent,
            "ok": len(lat),
            "errors": self.errors,
            "achieved_rate": round(len(lat) / self.seconds, 1),
            "p50_ms": round(percentile(lat, 50), 1) if lat else None,
            "p99_ms": round(percentile(lat, 99), 1) if lat else None,
            "max_ms": round(lat[-1], 1) if lat else None,
            "server_p50_ms": round(percentile(srv, 50), 1) if srv else None,
            "server_p99_ms": round(percentile(srv, 99), 1) if srv else None,
        }


def percentile(values: list[float], p: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if p < 100 else values[-1]


async def load(client: httpx.AsyncClient, phase: Phase, paths: list[str]) -> None:
    """Open loop: request i starts at t0 + i / rate, whatever happened to the others."""
    tasks: set[asyncio.Task[None]] = set()

    async def one(path: str) -> None:
        t = time.perf_counter()
        try:
            response = await client.get(path)
            await response.aread()
            if response.status_code == 200:
                phase.latencies.append((time.perf_counter() - t) * 1000)
                timing = re.search(r"dur=([\d.]+)", response.headers.get("server-timing", ""))
                if timing:
                    phase.server.append(float(timing.group(1)))
            else:
                phase.errors += 1
        except httpx.HTTPError:
            phase.errors += 1

    t0 = time.perf_counter()
    n = int(phase.rate * phase.seconds)
    for i in range(n):
        delay = t0 + i / phase.rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(paths[i % len(paths)]))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        phase.sent += 1
    if tasks:
        await asyncio.wait(tasks, timeout=10)


async def ingest_loop(
    client: httpx.AsyncClient, records: list[dict[str, Any]], stop: asyncio.Event, out: list[dict[str, Any]]
) -> None:
    """Post one article at a time; record POST -> listed in its story's dossier."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for record in records:
        if stop.is_set():
            return
        t0 = time.perf_counter()
        response = await client.post("/articles", json=[record], headers=headers)
        if response.status_code != 202:
            out.append({"error": response.status_code})
            continue
        job_id = response.json()["id"]
        while True:
            job = (await client.get(f"/jobs/{job_id}")).json()
            if job["status"] in ("done", "failed"):
                break
            await asyncio.sleep(0.01)
        if job["status"] != "done" or not job["article_ids"] or not job["story_ids"]:
            out.append({"error": job.get("message") or job["status"]})
            continue
        article_id, story_id = job["article_ids"][0], job["story_ids"][0]
        while article_id not in (await client.get(f"/stories/{story_id}")).json().get("article_ids", []):
            await asyncio.sleep(0.01)
        out.append(
            {
                "visible_ms": round((time.perf_counter() - t0) * 1000, 1),
                "job_ms": job["counts"].get("milliseconds"),
            }
        )


async def run(
    base: str, args: argparse.Namespace, live: list[dict[str, Any]]
) -> tuple[list[Phase], list[dict[str, Any]]]:
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        stories = (await client.get("/stories", params={"limit": 200})).json()["stories"]
        ids = [s["id"] for s in stories]
        paths = {
            "story page": [f"/story/{i}" for i in ids],
            "story json": [f"/stories/{i}" for i in ids],
            "search": [f"/search?q={q}" for q in QUERIES],
        }
        warm: list[dict[str, Any]] = []  # the first job pays for loading the model: not measured
        await ingest_loop(client, live[:1], asyncio.Event(), warm)
        for p in paths["story page"] + paths["story json"]:  # every page once: the cache is warm
            await client.get(p)
        stop = asyncio.Event()
        ingested: list[dict[str, Any]] = []
        feeder = asyncio.create_task(ingest_loop(client, live[1 : args.live + 1], stop, ingested))
        phases = []
        for rate in args.rate:
            for target, targets in paths.items():
                phase = Phase(target, rate, args.seconds)
                await load(client, phase, targets)
                phases.append(phase)
        stop.set()
        await asyncio.wait_for(feeder, timeout=60)
    return phases, ingested


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each load phase (default 6)")
    parser.add_argument(
        "--rate", type=int, action="append", help="requests/s (repeatable; default 100 and 200)"
    )
    parser.add_argument(
        "--copies", type=int, default=8, help="variants of the corpus in the store (default 8)"
    )
    parser.add_argument("--live", type=int, default=200, help="most articles posted during the load")
    parser.add_argument(
        "--heavy",
        action="store_true",
        help="variants pile into a few large stories (the worst case for pages)",
    )
    args = parser.parse_args()
    args.rate = args.rate or [100, 200]

    load_before = list(os.getloadavg())  # the machine is shared: other work shows in the numbers
    with tempfile.TemporaryDirectory(prefix="newsdesk-serve-bench-") as tmp:
        db = f"sqlite:///{Path(tmp) / 'bench.db'}"
        print(f"pre-filling the store ({args.copies} variants of examples/corpus) ...", flush=True)
        live, store_info = prefill(db, Path(tmp), args.copies, args.heavy)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "NEWSDESK_TOKEN": TOKEN}
        server = subprocess.Popen(
            [sys.executable, "-m", "newsdesk", "serve", "--db", db, "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(
                        f"the server did not start:\n{server.stderr.read().decode()[-3000:] if server.stderr else ''}"
                    )
                time.sleep(0.1)
            print(
                f"server up on {base}; load phases of {args.seconds:g} s at {args.rate} requests/s",
                flush=True,
            )
            phases, ingested = asyncio.run(run(base, args, live))
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()

    visible = sorted(r["visible_ms"] for r in ingested if "visible_ms" in r)
    jobs = sorted(r["job_ms"] for r in ingested if r.get("job_ms") is not None)
    results = {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_before": load_before,
            "load_average_after": list(os.getloadavg()),
        },
        "store": store_info,
        "phases": [p.summary() for p in phases],
        "ingest": {
            "articles": len(visible),
            "errors": sum(1 for r in ingested if "error" in r),
            "visible_p50_ms": round(percentile(visible, 50), 1) if visible else None,
            "visible_p95_ms": round(percentile(visible, 95), 1) if len(visible) > 1 else None,
            "visible_max_ms": visible[-1] if visible else None,
            "job_p50_ms": round(percentile(jobs, 50), 1) if jobs else None,
            "target_ms": 2000,
        },
        "targets": {"story page p99 at 200 requests/s": "< 50 ms", "POST to visible in dossier": "< 2000 ms"},
    }
    print(
        f"\nnewsdesk serve on loopback: store of {store_info['articles']} articles, {store_info['stories']} stories "
        f"(largest {store_info['largest_stories']}); "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; ingest running throughout; "
        f"load average {load_before[0]:.2f} before"
    )
    print("latency seen by the load generator (on the same cores), and the server's own time (Server-Timing)")
    print(
        f"{'target':<12}{'rate/s':>8}{'done/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'srv p50':>9}{'srv p99':>9}{'errors':>8}  goal"
    )
    for p in results["phases"]:
        goal = f"p99 < {TARGETS[p['target']]:.0f} ms" if TARGETS[p["target"]] else ""
        print(
            f"{p['target']:<12}{p['rate']:>8}{p['achieved_rate']:>8}{p['p50_ms']!s:>9}{p['p99_ms']!s:>9}"
            f"{p['max_ms']!s:>9}{p['server_p50_ms']!s:>9}{p['server_p99_ms']!s:>9}{p['errors']:>8}  {goal}"
        )
    ing = results["ingest"]
    print(
        f"\nPOST /articles -> article in its story's dossier: p50 {ing['visible_p50_ms']} ms, "
        f"p95 {ing['visible_p95_ms']} ms, max {ing['visible_max_ms']} ms over {ing['articles']} articles "
        f"({ing['errors']} errors; worker job p50 {ing['job_p50_ms']} ms); goal < 2000 ms"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("serve_heavy.json" if args.heavy else "serve.json")
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
