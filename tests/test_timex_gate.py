"""CI accuracy gate: TempEval-3 platinum value F1 on a fixed subset must not regress.

Regex mode (no spaCy model) keeps the gate fast. The floor sits a little under
the measured score (see bench/extract_timex.py for the full benchmark).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N_DOCS = 8
MIN_VALUE_F1 = 0.74  # measured 0.768 (59 gold timexes), 2026-11-25
MIN_RELAXED_F1 = 0.85  # measured 0.875


def test_platinum_subset_gate(bench_data: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from extract_timex import score
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from newsdesk.nlp.timex import extract_timexes

    path = bench_data / "timex" / "te3_platinum.jsonl"
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:N_DOCS]]
    preds = [[(t.start, t.end, t.value) for t in extract_timexes(d["text"], d["dct"])] for d in docs]
    s = score(docs, preds)
    assert s["value"]["f1"] >= MIN_VALUE_F1, s
    assert s["relaxed"]["f1"] >= MIN_RELAXED_F1, s
