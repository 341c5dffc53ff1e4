"""Learn which cue readings are PolNeAR attributions, from the train split only.

    .venv/bin/python bench/train_quote_cues.py        # writes src/newsdesk/data/quote_cues.json

For every token the hand-written rules in `newsdesk.nlp.quotes` leave alone, each
reading that `learned_candidates` proposes (lemma, coarse POS and the dependent
holding the content: "call|V|prep_for", "cite|V|dobj") is counted, and so is how
often its content span matches, at >= 50% token overlap both ways, a gold
attribution that the rules did not already find. The table keeps the counts
(lemmas and numbers only, no PolNeAR text); the extractor accepts a reading when
it was seen `min_count` times with at least `min_precision` of them right (0.45: on dev,
0.40 gains .002 F1 for .013 precision, 0.50 loses .004 F1).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import extract_quotes as bench  # noqa: E402

OUT = HERE.parent / "src" / "newsdesk" / "data" / "quote_cues.json"
MIN_COUNT = 5
MIN_PRECISION = 0.45
MIN_POOL = 50  # pooled rare readings needed to judge a construction
KEEP_PRECISION = 0.25  # readings below this are left out of the file altogether


def _word_set(text: str, fragments) -> set[int]:
    return {s for a, b in fragments for s, _ in bench.words(text, a, b)}


def count(split: str = "train") -> dict[str, list[int]]:
    from newsdesk.nlp import quotes

    quotes._cue_table = lambda: (
        {},
        frozenset(),
        frozenset(),
        frozenset(),
    )  # the rules alone: count what they leave for the table
    docs = bench.load_split(split)
    parsed = bench.parse_cached([d["text"] for d in docs])
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for gold, doc in zip(docs, parsed, strict=True):
        text = gold["text"]
        found = [_word_set(text, q.fragments or ((q.start, q.end),)) for q in quotes.extract_quotes(doc)]
        open_gold = []
        for att in gold["attributions"]:
            gw = _word_set(text, [(f["start"], f["end"]) for f in att["content"]["fragments"]])
            if gw and not any(bench._match(gw, pw) for pw in found):
                open_gold.append(gw)
        raws = quotes.find_quote_marks(text)
        ctok = quotes._char_to_token(doc)
        quoted, _ = quotes.quoted_tokens(doc, raws, ctok)
        for tok in doc:
            if quoted[tok.i] or quotes._rule_statement(tok, quoted) is not None:
                continue
            for key, toks in quotes.learned_candidates(tok, quoted):
                pw = _word_set(text, quotes._runs(toks))
                tally = counts[key]
                tally[0] += 1
                tally[1] += any(bench._match(gw, pw) for gw in open_gold)
    return counts


def main() -> None:
    counts = count()
    # Lemmas seen fewer than MIN_COUNT times pool by construction ("*|N|prep_about"); where a pool is
    # accepted, every judged reading of that construction is written down, rejections included, so
    # that only the truly rare lemmas fall back to it.
    pools: dict[str, list[int]] = {}
    for key, (n, hits) in counts.items():
        if n < MIN_COUNT:
            pool = pools.setdefault("*|" + key.split("|", 1)[1], [0, 0])
            pool[0] += n
            pool[1] += hits
    open_pools = {k for k, (n, h) in pools.items() if n >= MIN_POOL and h >= MIN_PRECISION * n}
    kept = {
        k: v
        for k, v in sorted(counts.items())
        if (v[1] >= 2 and v[1] >= KEEP_PRECISION * v[0])
        or (v[0] >= MIN_COUNT and "*|" + k.split("|", 1)[1] in open_pools)
    }
    kept.update({k: pools[k] for k in sorted(open_pools)})
    table = {
        "about": "PolNeAR train counts per cue reading: [seen, content matched]; bench/train_quote_cues.py",
        "min_count": MIN_COUNT,
        "min_precision": MIN_PRECISION,
        "cues": kept,
    }
    lines = ",\n".join(f"{json.dumps(k)}: [{n}, {h}]" for k, (n, h) in kept.items())
    head = json.dumps({k: v for k, v in table.items() if k != "cues"})[:-1]
    OUT.write_text(f'{head}, "cues": {{\n{lines}\n}}}}\n', encoding="utf-8")
    accepted = sum(1 for n, h in kept.values() if n >= MIN_COUNT and h >= MIN_PRECISION * n)
    print(f"{len(counts)} readings seen, {len(kept)} kept, {accepted} accepted; wrote {OUT}")


if __name__ == "__main__":
    main()
