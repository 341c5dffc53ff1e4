"""End-to-end throughput: `newsdesk analyze` over the 982 ECB+ documents, cold and warm.

Cold: a fresh store, so every article is read, cleaned, deduplicated,
annotated (spaCy + extractors), clustered, reconciled and rendered.
Warm: the same input again on the same store: articles and extractions come
from the content-hash cache, so only reading, hashing, dossiers and rendering
run. Each run is its own process so that its peak RSS is its own.

    .venv/bin/python bench/e2e.py            # full: 982 documents
    .venv/bin/python bench/e2e.py --limit 100  # quick

Prints a table (ours vs. the issue's targets) and writes bench/results/e2e.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "bench" / "ecbplus" / "docs.jsonl"
RESULTS = ROOT / "bench" / "results"


def make_input(limit: int | None, dest: Path) -> int:
    """ECB+ documents as newsdesk JSONL (the URL line of ecbplus documents dropped)."""
    n = 0
    with ECB.open(encoding="utf-8") as src, dest.open("w", encoding="utf-8") as out:
        for line in src:
            doc = json.loads(line)
            text = doc["text"]
            if doc.get("url"):
                text = text.split("\n", 1)[1] if "\n" in text else ""
            out.write(json.dumps({"url": doc.get("url"), "text": text, "doc_id": doc["doc_id"]}) + "\n")
            n += 1
            if limit and n >= limit:
                break
    return n


def one_run(input_path: str, db: str, outdir: str, n_process: int) -> dict[str, object]:
    """Runs inside a child process: the whole job, as the CLI does it."""
    from newsdesk.options import NlpOptions, Options
    from newsdesk.pipeline import analyze_paths
    from newsdesk.render.html import write_html
    from newsdesk.render.json import report_to_dict, write_report
    from newsdesk.store import Store

    options = Options(db_url=f"sqlite:///{db}", nlp=NlpOptions(n_process=n_process))
    t0 = time.perf_counter()
    with Store(options.db_url) as store:
        report = analyze_paths([input_path], options, store=store)
        Path(outdir).mkdir(parents=True, exist_ok=True)
        data = report_to_dict(report)  # as the CLI does: one conversion for both files
        write_report(report, Path(outdir) / "report.json", data)
        write_html(report, Path(outdir) / "report.html", store=store, data=data)
    seconds = time.perf_counter() - t0
    rss_kib = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return {
        "seconds": round(seconds, 2),
        "articles": len(report.articles),
        "stories": len(report.stories),
        "errors": len(report.errors),
        "peak_rss_mib": round(rss_kib / 1024, 1),  # max of this process and any worker
        "stages": {k: v for k, v in report.stats.items() if k.startswith("seconds_")},
        "annotated": report.stats.get("count_annotated"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument(
        "--n-process", type=int, default=0, help="annotation workers (0 = one per core, the default)"
    )
    parser.add_argument("--child", nargs=4, metavar=("INPUT", "DB", "OUT", "NPROC"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        inp, db, outdir, nproc = args.child
        print(json.dumps(one_run(inp, db, outdir, int(nproc))))
        return
    if not ECB.exists():
        sys.exit(f"missing {ECB}: the shared benchmark data is not next to the repo")

    with tempfile.TemporaryDirectory(prefix="newsdesk-e2e-") as tmp:
        inp = Path(tmp) / "ecbplus.jsonl"
        n = make_input(args.limit, inp)
        db = Path(tmp) / "bench.db"
        runs = {}
        for label in ("cold", "warm"):
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(inp),
                    str(db),
                    str(Path(tmp) / label),
                    str(args.n_process),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                sys.exit(f"{label} run failed:\n{proc.stderr[-4000:]}")
            runs[label] = json.loads(proc.stdout.strip().splitlines()[-1])
            runs[label]["articles_per_s"] = round(n / runs[label]["seconds"], 1)

    cold, warm = runs["cold"], runs["warm"]
    speedup = round(cold["seconds"] / max(warm["seconds"], 1e-9), 1)
    rows = [
        ("cold (fresh store)", cold, ">= 10 articles/s"),
        ("warm (same input, cached)", warm, f">= 20x faster than cold (got {speedup}x)"),
    ]
    print(
        f"\nnewsdesk end-to-end on ECB+ ({n} documents), {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"{'run':<28}{'seconds':>9}{'articles/s':>12}{'peak RSS MiB':>14}{'stories':>9}{'errors':>8}  target"
    )
    for label, r, target in rows:
        print(
            f"{label:<28}{r['seconds']:>9}{r['articles_per_s']:>12}{r['peak_rss_mib']:>14}"
            f"{r['stories']:>9}{r['errors']:>8}  {target}"
        )
    print("\ncold stages (s):", ", ".join(f"{k[8:]}={v}" for k, v in cold["stages"].items()))
    print("warm stages (s):", ", ".join(f"{k[8:]}={v}" for k, v in warm["stages"].items()))
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {
        "documents": n,
        "cores": os.cpu_count(),
        "n_process": args.n_process,
        "cold": cold,
        "warm": warm,
        "warm_speedup": speedup,
        "targets": {"cold_articles_per_s": 10, "warm_speedup": 20},
        "pass": cold["articles_per_s"] >= 10 and speedup >= 20,
    }
    (RESULTS / "e2e.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {RESULTS / 'e2e.json'}")


if __name__ == "__main__":
    main()
