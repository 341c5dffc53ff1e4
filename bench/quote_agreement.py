"""How well PolNeAR's own annotators agree with each other, scored like newsdesk: a human ceiling.

    .venv/bin/python bench/quote_agreement.py [--repo PATH]

PolNeAR had 20 of its 1,008 articles (16 train, 2 dev, 2 test) annotated by five or six
annotators each. The bench's JSONL keeps only the first annotator listed, and that
annotation is the gold that `bench/extract_quotes.py` scores against. This script reads
every other annotator's brat file from a copy of github.com/networkdynamics/PolNeAR
(a work tree or a bare git directory; `--repo`, or $POLNEAR_REPO). It then scores each
annotator as if it were a system, with `extract_quotes.score_spans`: content P/R/F1 at
exact and >= 50% overlap, and source span accuracy. Two scores come out:

* against the first annotator, the gold newsdesk is measured on;
* over every ordered pair of annotators.

newsdesk is scored on the same articles against the same gold. Train articles are in
sample for newsdesk (its reading model is fitted on train); the dev + test rows are not.

The annotator files are not part of ../shared/bench. Without the repository, the script
says so and writes nothing. Writes bench/results/quote_agreement.json.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import extract_quotes as bench  # noqa: E402

TOOLS = HERE.parent.parent / "shared" / "bench" / "tools" / "convert_polnear.py"
DEFAULT_REPO = Path("/work/.mirror/networkdynamics+PolNeAR/repo")


@functools.cache
def _converter() -> Any:
    """The bench data's own brat reader (stdlib only), so both sides parse annotations alike."""
    spec = importlib.util.spec_from_file_location("convert_polnear", TOOLS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(repo: Path, rel: str) -> str | None:
    """A file of the repository, from a work tree or (bare clone) from its HEAD commit."""
    if (repo / rel).is_file():
        return (repo / rel).read_text(encoding="utf-8")
    proc = subprocess.run(
        ["git", f"--git-dir={repo}", "show", f"HEAD:{rel}"], capture_output=True, text=True, check=False
    )
    return proc.stdout if proc.returncode == 0 else None


def annotations(repo: Path, doc: dict[str, Any], annotator: str) -> list[dict[str, Any]] | None:
    """One annotator's attributions of `doc`, in the bench's JSONL form, or None if absent."""
    convert = _converter()
    raw = _read(repo, f"data/{doc['split']}/attributions/{doc['doc_id']}_{annotator}.ann")
    if raw is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".ann", encoding="utf-8", delete=False) as f:
        f.write(raw)
    try:
        tbs, events = convert.parse_ann(f.name, doc["text"], Counter())
    finally:
        os.unlink(f.name)
    out = []
    for ident, trigger, roles in events:
        got: dict[str, list[tuple[int, int]]] = {"Source": [], "Cue": [], "Content": []}
        for role, tid in roles:
            m = convert.ROLE_RE.match(role)
            if m and tid in tbs:
                got[m.group(1)].extend(tbs[tid][1])
        content = convert.span_obj(got["Content"], doc["text"])
        if content is None:
            continue  # as the converter does: an attribution without content is dropped
        out.append(
            {
                "id": ident,
                "no_source": trigger == "Attribution-no-source",
                "content": content,
                "source": convert.span_obj(got["Source"], doc["text"]),
                "cue": convert.span_obj(got["Cue"], doc["text"]),
            }
        )
    return out


def as_predictions(text: str, atts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An annotator's attributions in the shape `score_spans` expects of a system's quotes."""
    return [
        {
            "fragments": [[f["start"], f["end"]] for f in a["content"]["fragments"]],
            "direct": bench.gold_direct(text, a),
            "speaker": a["source"]["text"] if a["source"] else None,
            "speaker_span": [a["source"]["start"], a["source"]["end"]] if a["source"] else None,
        }
        for a in atts
    ]


def _row(scores: dict[str, Any]) -> dict[str, Any]:
    a = scores["all"]
    return {
        "gold": a["gold"],
        "pred": a["pred"],
        "overlap": a["overlap"],
        "exact": a["exact"],
        "direct_f1": scores["direct"]["overlap"]["f1"],
        "indirect_f1": scores["indirect"]["overlap"]["f1"],
        "source_span_acc": scores["source"]["span_acc"],
    }


def run(quick: bool = False, repo: Path | None = None) -> dict[str, Any]:
    """The agreement tables (`quick` changes nothing: 20 articles take seconds); bench/extract.py runs it."""
    repo = repo or Path(os.environ.get("POLNEAR_REPO", DEFAULT_REPO))
    if not bench.DATA.is_dir() or not (repo.is_dir() and _read(repo, "data/metadata.tsv")):
        print(f"PolNeAR data or repository absent (bench data {bench.DATA}, repository {repo})")
        return {"skipped": "data absent"}
    docs = [d for s in ("train", "dev", "test") for d in bench.load_split(s) if len(d["annotators"]) > 1]
    per_doc = []
    for doc in docs:
        by = {a: annotations(repo, doc, a) for a in doc["annotators"]}
        per_doc.append((doc, {a: v for a, v in by.items() if v is not None}))
    parsed = bench.parse_cached([d["text"] for d in docs])
    ours, _ = bench.predict(parsed)
    result: dict[str, Any] = {"docs": {}, "rows": {}}
    for part, keep in (("all", ("train", "dev", "test")), ("dev+test", ("dev", "test"))):
        sel = [i for i, (d, _) in enumerate(per_doc) if d["split"] in keep]
        result["docs"][part] = len(sel)
        gold_docs, vs_first, pair_gold, pair_pred = [], [], [], []
        each: dict[str, tuple[list[Any], list[Any]]] = {}  # annotator -> (gold docs, its predictions)
        for i in sel:
            doc, by = per_doc[i]
            first = doc["annotator"]
            for other, atts in by.items():
                if other != first:
                    gold_docs.append(doc)
                    vs_first.append(as_predictions(doc["text"], atts))
                    mine = each.setdefault(other, ([], []))
                    mine[0].append(doc)
                    mine[1].append(vs_first[-1])
            for ref, other in itertools.permutations(by, 2):
                pair_gold.append({**doc, "attributions": by[ref]})
                pair_pred.append(as_predictions(doc["text"], by[other]))
        result["rows"][part] = {
            "annotators vs first": _row(bench.score_spans(gold_docs, vs_first)),
            "annotator pairs": _row(bench.score_spans(pair_gold, pair_pred)),
            "newsdesk vs first": _row(
                bench.score_spans([per_doc[i][0] for i in sel], [ours[i] for i in sel])
            ),
        }
        # How far one annotator is from another: the spread of single annotators against the first.
        result.setdefault("per_annotator", {})[part] = {
            a: bench.score_spans(g, p)["all"]["overlap"]["f1"] for a, (g, p) in sorted(each.items())
        }
    _print(result)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "quote_agreement.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out / 'quote_agreement.json'}")
    return result


def _print(result: dict[str, Any]) -> None:
    print("PolNeAR multi-annotated articles: content P/R/F1 (>= 50% overlap), exact F1, source span acc")
    print(
        f"{'articles':<16} {'scored':<22} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6} {'exact':>6} "
        f"{'direct':>6} {'indir.':>6} {'src':>6}"
    )
    for part, rows in result["rows"].items():
        label = f"{part} ({result['docs'][part]})"
        for name, r in rows.items():
            o = r["overlap"]
            print(
                f"{label:<16} {name:<22} {r['gold']:>5} {r['pred']:>5} "
                f"{o['p']:>6} {o['r']:>6} {o['f1']:>6} {r['exact']['f1']:>6} {r['direct_f1']:>6} {r['indirect_f1']:>6} "
                f"{r['source_span_acc']!s:>6}"
            )
    for part, f1s in result["per_annotator"].items():
        print(
            f"{part}: each annotator against the first, content F1: "
            + ", ".join(f"{a} {f}" for a, f in f1s.items())
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repo", type=Path, default=None, help=f"default: $POLNEAR_REPO or {DEFAULT_REPO}")
    run(repo=parser.parse_args().repo)


if __name__ == "__main__":
    main()
