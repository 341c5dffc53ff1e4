"""Reconciliation benchmark: planted conflicts, updates, copies and agreements.

Generates the invented corpus (bench/gen_reconcile.py, fixed seed), runs the
real stages on it (ingest -> clean -> dedup -> annotate -> reconcile/dossier,
grouping articles by their planted story so that clustering errors do not
blur the score), and scores:

- conflicts: a predicted conflict matches a planted one when the kind agrees
  and its sides name every planted article; precision over all predicted
  conflicts (distractor figures and dates included), recall over planted ones;
- updates: a planted rising figure must become a fact note, not a conflict;
- statuses: planted agreements must be `corroborated`, syndicated copies
  `single_source` (the copy does not count as a second source).

    .venv/bin/python bench/reconcile.py [--seed 7] [--keep DIR]

Prints a table and writes bench/results/reconcile.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))

TARGET_PRECISION, TARGET_RECALL = 0.95, 0.85


def run_stages(corpus: Path):
    """Articles, extractions, copies and one Story per planted story id."""
    from newsdesk.clean import clean
    from newsdesk.dedup import DedupIndex
    from newsdesk.dossier import build_story
    from newsdesk.ingest import iter_sources
    from newsdesk.nlp.pipeline import annotate
    from newsdesk.options import Options
    from newsdesk.pipeline import publication_order
    from newsdesk.records import Extraction, ProcessingError

    options = Options()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    articles = []
    for raw in iter_sources([str(corpus)], options.ingest):
        if not isinstance(raw, ProcessingError):
            articles.append(clean(raw, options.ingest))
    timings["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = DedupIndex(options.dedup)
    duplicates = {}
    for article in sorted(articles, key=publication_order):
        info = index.add(article)
        if info is not None:
            duplicates[article.id] = info
    timings["dedup"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    extractions = {x.article_id: x for x in annotate(articles, options.nlp) if isinstance(x, Extraction)}
    timings["annotate"] = time.perf_counter() - t0
    bench_id = {a.id: dict(a.extra).get("bench_article") for a in articles}
    members = defaultdict(list)
    for a in articles:
        members[dict(a.extra).get("bench_story")].append(a)
    t0 = time.perf_counter()
    stories = {sid: build_story(sid, arts, extractions, duplicates, options) for sid, arts in members.items()}
    timings["reconcile+dossier"] = time.perf_counter() - t0
    return stories, bench_id, duplicates, timings


@dataclass(frozen=True)
class _View:
    """One planted story's share of a report story (clustering may merge or split stories)."""

    facts: tuple
    conflicts: tuple


def run_pipeline(corpus: Path, db_dir: Path):
    """The whole `newsdesk analyze` path (with story clustering), viewed per planted story."""
    from newsdesk.options import Options
    from newsdesk.pipeline import analyze_paths

    t0 = time.perf_counter()
    report = analyze_paths([str(corpus)], Options(db_url=f"sqlite:///{db_dir / 'bench.db'}"))
    timings = {"analyze": time.perf_counter() - t0}
    bench_id = {r.article.id: dict(r.article.extra).get("bench_article") for r in report.articles}
    story_of = {aid: (b or "").rsplit("-", 1)[0] for aid, b in bench_id.items()}
    facts: dict[str, list] = defaultdict(list)
    conflicts: dict[str, list] = defaultdict(list)
    for story in report.stories:
        for f in story.facts:
            for planted in sorted({story_of.get(m.article_id) for m in f.mentions}):
                facts[planted].append(f)
        for c in story.conflicts:
            planted = sorted({story_of.get(a) for side in c.sides for a in side.article_ids})
            for p in planted:
                conflicts[p].append(c)
    views = {p: _View(tuple(facts[p]), tuple(conflicts[p])) for p in set(facts) | set(conflicts)}
    duplicates = {r.article.id: r.duplicate for r in report.articles if r.duplicate is not None}
    stats = {"report_stories": len(report.stories), "errors": len(report.errors)}
    return views, bench_id, duplicates, timings, stats


def _norm(text: str) -> str:
    return " ".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


def score(truth: list[dict], stories, bench_id) -> dict:
    planted_by_kind = Counter()
    found_by_kind = Counter()
    predicted_by_kind = Counter()
    correct_pred_by_kind = Counter()
    extracted_by_kind = Counter()
    found_extracted_by_kind = Counter()
    misses: list[str] = []
    false_alarms: list[str] = []
    status_rows = []
    updates = {"planted": 0, "found": 0}
    for t in truth:
        story = stories.get(t["story"])
        conflicts = story.conflicts if story else ()
        planted = (t["conflict_kind"], set(t["conflict_articles"])) if t["conflict_kind"] else None
        if planted:
            planted_by_kind[planted[0]] += 1
        matched = False
        for c in conflicts:
            arts = {bench_id.get(a) for s in c.sides for a in s.article_ids}
            predicted_by_kind[c.kind] += 1
            values_ok = c.kind != "number" or {s.value for s in c.sides} == set(t["values"])
            if planted and c.kind == planted[0] and planted[1] <= arts and values_ok and not matched:
                matched = True
                correct_pred_by_kind[c.kind] += 1
            else:
                false_alarms.append(f"{t['story']} ({t['case']}): {c.kind}: {c.description}")
        if planted:
            seen = _extracted(story, planted[0], planted[1], bench_id, t)
            extracted_by_kind[planted[0]] += seen
            if matched:
                found_by_kind[planted[0]] += 1
                found_extracted_by_kind[planted[0]] += seen
            else:
                misses.append(f"{t['story']} ({t['case']})" + ("" if seen else " [extractors missed a side]"))
        if t["update"]:
            updates["planted"] += 1
            noted = story is not None and any(f.note and f.note.startswith("update:") for f in story.facts)
            if noted and not any(c.kind == "number" for c in conflicts):
                updates["found"] += 1
            else:
                tag = "" if _extracted(story, "number", set(), bench_id, t) else " [extractors missed a side]"
                misses.append(f"{t['story']} (update){tag}")
        if t["expect_status"]:
            got = _status_of(story, t)
            status_rows.append((t["expect_status"], got))
            if got != t["expect_status"]:
                tag = "" if _extracted(story, "number", set(), bench_id, t) else " [extractors missed a side]"
                misses.append(f"{t['story']} ({t['case']}): status {got}, expected {t['expect_status']}{tag}")
    rows = {}
    for kind in sorted(set(planted_by_kind) | set(predicted_by_kind)):
        pred, ok = predicted_by_kind[kind], correct_pred_by_kind[kind]
        rows[kind] = {
            "planted": planted_by_kind[kind],
            "predicted": pred,
            "found": found_by_kind[kind],
            "precision": round(ok / pred, 3) if pred else None,
            "recall": round(found_by_kind[kind] / planted_by_kind[kind], 3)
            if planted_by_kind[kind]
            else None,
            "extracted": extracted_by_kind[kind],
            "recall_when_extracted": round(found_extracted_by_kind[kind] / extracted_by_kind[kind], 3)
            if extracted_by_kind[kind]
            else None,
        }
    total_pred = sum(predicted_by_kind.values())
    total_ok = sum(correct_pred_by_kind.values())
    total_planted = sum(planted_by_kind.values())
    total_found = sum(found_by_kind.values())
    statuses = {}
    for label in ("corroborated", "single_source"):
        tp = sum(1 for e, g in status_rows if e == label and g == label)
        pred = sum(1 for _, g in status_rows if g == label)
        exp = sum(1 for e, _ in status_rows if e == label)
        statuses[label] = {
            "expected": exp,
            "predicted": pred,
            "correct": tp,
            "precision": round(tp / pred, 3) if pred else None,
            "recall": round(tp / exp, 3) if exp else None,
        }
    return {
        "conflicts": {
            "by_kind": rows,
            "precision": round(total_ok / total_pred, 3) if total_pred else None,
            "recall": round(total_found / total_planted, 3) if total_planted else None,
            "planted": total_planted,
            "predicted": total_pred,
            "recall_when_extracted": round(
                sum(found_extracted_by_kind.values()) / sum(extracted_by_kind.values()), 3
            )
            if sum(extracted_by_kind.values())
            else None,
        },
        "updates": {
            **updates,
            "recall": round(updates["found"] / updates["planted"], 3) if updates["planted"] else None,
        },
        "statuses": statuses,
        "misses": misses[:60],
        "false_alarms": false_alarms[:60],
    }


_CLAIM_KIND = {
    "number": ("quantity",),
    "date": ("event",),
    "speaker": ("quote",),
    "quote_vs_narrative": ("quote",),
    "statement": ("statement",),
}


def _extracted(story, kind: str, articles: set[str], bench_id, t: dict) -> bool:
    """Did the extractors give reconcile something to work with in every planted article?"""
    if story is None:
        return False
    if t.get("values"):
        got = {
            (bench_id.get(m.article_id), m.value)
            for f in story.facts
            if f.kind == "quantity"
            for m in f.mentions
        }
        return all((f"{t['story']}-{i}", v) in got for i, v in enumerate(t["values"], 1))
    have = {
        bench_id.get(m.article_id) for f in story.facts if f.kind in _CLAIM_KIND[kind] for m in f.mentions
    }
    return articles <= have


def _status_of(story, t: dict) -> str:
    """Status of the fact that carries the planted figure or quote ('missing' when none does)."""
    if story is None:
        return "missing"
    candidates = []
    for f in story.facts:
        if t["value"] is not None and f.kind == "quantity":
            if any(m.value == t["value"] for m in f.mentions) or f.value == t["value"]:
                candidates.append(f)
        elif t["quote"] and f.kind == "quote" and _norm(t["quote"]) in _norm(f.text):
            candidates.append(f)
    if not candidates:
        return "missing"
    best = max(candidates, key=lambda f: (len(f.mentions), f.independent_sources))
    return best.status


def print_table(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="reconcile benchmark (invented corpus, planted cases)")
    for col in ("measure", "planted", "predicted", "found", "precision", "recall", "R|extracted", "target"):
        table.add_column(col)
    conf = result["conflicts"]
    for kind, row in conf["by_kind"].items():
        table.add_row(
            f"conflict: {kind}",
            str(row["planted"]),
            str(row["predicted"]),
            str(row["found"]),
            _pct(row["precision"]),
            _pct(row["recall"]),
            _pct(row["recall_when_extracted"]),
            "",
        )
    table.add_row(
        "[bold]conflicts, all kinds[/bold]",
        str(conf["planted"]),
        str(conf["predicted"]),
        "",
        _pct(conf["precision"]),
        _pct(conf["recall"]),
        _pct(conf["recall_when_extracted"]),
        f"P>={TARGET_PRECISION:.2f} R>={TARGET_RECALL:.2f}",
    )
    up = result["updates"]
    table.add_row(
        "updates (note, no conflict)",
        str(up["planted"]),
        "",
        str(up["found"]),
        "",
        _pct(up["recall"]),
        "",
        "",
    )
    for label, row in result["statuses"].items():
        table.add_row(
            f"status: {label}",
            str(row["expected"]),
            str(row["predicted"]),
            str(row["correct"]),
            _pct(row["precision"]),
            _pct(row["recall"]),
            "",
            "",
        )
    Console(width=140).print(table)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def main() -> None:
    import gen_reconcile

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the corpus here instead of a temporary folder")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--no-outside", action="store_true", help="skip the outside-written conflicts set")
    parser.add_argument(
        "--pipeline",
        action="store_true",
        help="score the full analyze path (story clustering included) instead of the planted grouping",
    )
    args = parser.parse_args()
    extra: dict = {}
    with tempfile.TemporaryDirectory(prefix="newsdesk-reconcile-") as tmp:
        out = args.keep or Path(tmp)
        corpus, truth_path = gen_reconcile.write(out, args.seed)
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        n_articles = sum(1 for _ in corpus.open(encoding="utf-8"))
        t0 = time.perf_counter()
        if args.pipeline:
            stories, bench_id, duplicates, timings, extra = run_pipeline(corpus, Path(tmp))
        else:
            stories, bench_id, duplicates, timings = run_stages(corpus)
        seconds = time.perf_counter() - t0
    result = score(truth, stories, bench_id)
    result.update(
        {
            "command": "python bench/reconcile.py"
            + (f" --seed {args.seed}" if args.seed != 7 else "")
            + (" --pipeline" if args.pipeline else ""),
            "mode": "pipeline (analyze_paths, clustered stories)"
            if args.pipeline
            else "stages, planted grouping",
            **extra,
            "seed": args.seed,
            "cases": len(truth),
            "cases_by_kind": dict(Counter(t["case"] for t in truth)),
            "articles": n_articles,
            "copies_detected": len(duplicates),
            "seconds": round(seconds, 2),
            "timings": {k: round(v, 3) for k, v in timings.items()},
            "targets": {"precision": TARGET_PRECISION, "recall": TARGET_RECALL},
        }
    )
    print_table(result)
    if args.show_misses:
        for line in result["misses"]:
            print("miss:", line)
        for line in result["false_alarms"]:
            print("false alarm:", line)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "reconcile_pipeline.json" if args.pipeline else "reconcile.json"
    (RESULTS / name).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(
        f"{len(truth)} planted cases over {n_articles} articles in {seconds:.1f}s; wrote bench/results/{name}"
    )
    import conflicts_outside  # the measure: text nobody here wrote, scored by the set's own check.py

    if not args.no_outside and (conflicts_outside.DEFAULT_SET / "check.py").exists():
        outside = conflicts_outside.run()
        conflicts_outside.print_table(outside)
        (RESULTS / "conflicts_outside.json").write_text(
            json.dumps(outside, indent=1) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
