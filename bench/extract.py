"""All extraction benchmarks in one run: time expressions, quotes (and PolNeAR's own annotator
agreement, where a copy of its repository is at hand), quantities, and speed.

    .venv/bin/python bench/extract.py          # full
    .venv/bin/python bench/extract.py --quick  # small subsets

Each part lives in its own script (extract_timex.py, extract_quotes.py, quote_agreement.py,
extract_quantities.py, extract_speed.py) with a `run(quick) -> dict` function
that prints its own table (ours vs. the published anchors); this script runs
them in turn and writes the combined results to bench/results/extract.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = ("extract_timex", "extract_quotes", "quote_agreement", "extract_quantities", "extract_speed")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small subsets")
    parser.add_argument("--only", choices=PARTS, action="append", help="run only these parts")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    results: dict[str, object] = {}
    for name in args.only or PARTS:
        print(f"\n=== {name} ===", flush=True)
        try:
            results[name] = importlib.import_module(name).run(quick=args.quick)
        except Exception:
            traceback.print_exc()
            results[name] = {"error": traceback.format_exc(limit=3)}
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "extract.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nwrote {out / 'extract.json'}")


if __name__ == "__main__":
    main()
