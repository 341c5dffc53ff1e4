"""Reconciliation on text nobody here wrote: `../shared/bench/conflicts/` (37 articles, outside gold).

Runs the whole `newsdesk analyze` path on the set's corpus, scores the report with the
set's own `check.py` (its last line: checks passed, conflict precision and recall), and
adds per-kind precision and recall computed with the same matching rules (`covers`:
sides carry every gold value; numbers within 0.5%, dates as YYYY-MM-DD, speakers by
surname). A reported conflict that matches no gold conflict of its kind counts against
that kind's precision.

    .venv/bin/python bench/conflicts_outside.py [--set DIR] [--keep DIR]

Prints a table and writes bench/results/conflicts_outside.json. The set is the measure
to tune on; the generated corpus of `bench/reconcile.py` is for tests.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DEFAULT_SET = ROOT.parent / "shared" / "bench" / "conflicts"
TARGETS = {"precision": 0.95, "recall": 0.85, "kind_recall": 0.75, "checks": 0.90}
_LAST = re.compile(r"conflicts: (\d+)/(\d+) checks; conflict P ([\d.]+) R ([\d.]+)")


def _checker(set_dir: Path):
    spec = importlib.util.spec_from_file_location("conflicts_check", set_dir / "check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def analyze(set_dir: Path, out: Path) -> Path:
    """`newsdesk analyze` on the set's corpus into `out`; the path of report.json."""
    from newsdesk.options import Options
    from newsdesk.pipeline import analyze_paths
    from newsdesk.render.html import write_html
    from newsdesk.render.json import write_report

    report = analyze_paths([str(set_dir / "corpus")], Options(db_url=f"sqlite:///{out / 'bench.db'}"))
    path = write_report(report, out / "report.json")
    write_html(report, out / "report.html")
    return path


def score(report_path: Path, set_dir: Path) -> dict:
    """The set's own score (check.py) plus precision and recall per conflict kind."""
    check = _checker(set_dir)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        check.main(str(report_path), str(set_dir / "gold.json"))
    lines = buf.getvalue().splitlines()
    m = _LAST.search(lines[-1]) if lines else None
    if m is None:
        raise RuntimeError(f"check.py printed no score line: {lines[-3:]}")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    gold = json.loads((set_dir / "gold.json").read_text(encoding="utf-8"))
    reported = [c for s in report.get("stories", []) for c in s.get("conflicts", [])]
    found: Counter[str] = Counter()
    planted = Counter(gc["kind"] for gc in gold["conflicts"])
    for gc in gold["conflicts"]:
        values = [side["value"] for side in gc["sides"]]
        if any(check.covers(c, values) for c in reported):
            found[gc["kind"]] += 1
    predicted: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for c in reported:
        kind = c.get("kind", "?")
        predicted[kind] += 1
        if any(
            gc["kind"] == kind and check.covers(c, [side["value"] for side in gc["sides"]])
            for gc in gold["conflicts"]
        ):
            correct[kind] += 1
    kinds = {}
    for kind in sorted(set(planted) | set(predicted)):
        kinds[kind] = {
            "planted": planted[kind],
            "found": found[kind],
            "recall": round(found[kind] / planted[kind], 3) if planted[kind] else None,
            "predicted": predicted[kind],
            "precision": round(correct[kind] / predicted[kind], 3) if predicted[kind] else None,
        }
    passed, total = int(m.group(1)), int(m.group(2))
    return {
        "checks_passed": passed,
        "checks": total,
        "checks_share": round(passed / total, 3),
        "precision": float(m.group(3)),
        "recall": float(m.group(4)),
        "by_kind": kinds,
        "failed_checks": [line for line in lines if line.startswith("FAIL")],
        "missed": [line.strip() for line in lines if line.strip().startswith("missed")],
        "false_positives": [line.strip() for line in lines if line.strip().startswith("FP")],
    }


def run(set_dir: Path = DEFAULT_SET, keep: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="newsdesk-conflicts-") as tmp:
        out = keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        report_path = analyze(set_dir, out)
        seconds = time.perf_counter() - t0
        result = score(report_path, set_dir)
    result.update({"seconds": round(seconds, 1), "targets": TARGETS, "set": str(set_dir)})
    return result


def print_table(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="conflicts on the outside-written set (../shared/bench/conflicts, its own check.py)")
    for col in ("kind", "planted", "found", "recall", "reported", "precision", "target"):
        table.add_column(col)
    for kind, row in result["by_kind"].items():
        table.add_row(
            kind,
            str(row["planted"]),
            str(row["found"]),
            _pct(row["recall"]),
            str(row["predicted"]),
            _pct(row["precision"]),
            f"R>={TARGETS['kind_recall']:.2f}",
        )
    table.add_row(
        "[bold]all conflicts[/bold]",
        str(sum(r["planted"] for r in result["by_kind"].values())),
        str(sum(r["found"] for r in result["by_kind"].values())),
        _pct(result["recall"]),
        str(sum(r["predicted"] for r in result["by_kind"].values())),
        _pct(result["precision"]),
        f"P>={TARGETS['precision']:.2f} R>={TARGETS['recall']:.2f}",
    )
    table.add_row(
        "checks (check.py)",
        str(result["checks"]),
        str(result["checks_passed"]),
        _pct(result["checks_share"]),
        "",
        "",
        f">={TARGETS['checks']:.2f}",
    )
    Console(width=140).print(table)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--set", type=Path, default=DEFAULT_SET, help="a folder with corpus/, gold.json, check.py"
    )
    parser.add_argument("--keep", type=Path, help="write report.json, report.html and the store here")
    parser.add_argument(
        "--show", action="store_true", help="print the failed checks, misses and false positives"
    )
    args = parser.parse_args()
    if not (args.set / "check.py").exists():
        print(f"no conflicts set at {args.set}: nothing to score", file=sys.stderr)
        sys.exit(0)
    result = run(args.set, args.keep)
    print_table(result)
    if args.show:
        for line in result["failed_checks"] + result["false_positives"] + result["missed"]:
            print(line)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "conflicts_outside.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"scored in {result['seconds']}s; wrote bench/results/conflicts_outside.json")


if __name__ == "__main__":
    main()
