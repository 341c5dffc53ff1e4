"""CI gate: cross-source conflicts on the outside-written set (`../shared/bench/conflicts`).

Runs the whole analyze path on the set and scores it with the set's own `check.py`
through `bench/conflicts_outside.py`. Minimums sit a little under what the bench
measures (2026-12-06: P 1.00, R .91, 314/328 checks; per kind R date 1.00, number .86,
quote vs narrative .83, speaker 1.00), so a change that loses conflicts or reports false
ones fails here. Skipped where the shared set is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from _bench import load_bench

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT.parent / "shared" / "bench" / "conflicts"
MINIMUMS = {"precision": 0.95, "recall": 0.85, "checks_passed": 306}
KIND_RECALL = {"date": 0.92, "number": 0.78, "speaker": 0.83, "quote_vs_narrative": 0.66}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not (SET / "check.py").exists():
        pytest.skip("the outside-written conflicts set is not here")
    bench = load_bench(ROOT, "conflicts_outside")
    return bench.run(SET, tmp_path_factory.mktemp("conflicts"))


def test_overall_scores_hold(result: dict) -> None:
    got = {k: result[k] for k in MINIMUMS}
    assert all(got[k] >= v for k, v in MINIMUMS.items()), (got, result["false_positives"])


def test_each_kind_keeps_its_recall(result: dict) -> None:
    recall = {k: row["recall"] for k, row in result["by_kind"].items() if row["planted"]}
    assert all(recall.get(k, 0) >= v for k, v in KIND_RECALL.items()), (recall, result["missed"])
