"""Clustering scores shared by the clustering and dedup benchmarks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping


def _groups(labels: Mapping[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for item, label in labels.items():
        out[label].add(item)
    return out


def bcubed(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 over the items of `pred` (Bagga & Baldwin 1998)."""
    pc, gc = _groups(pred), _groups({k: gold[k] for k in pred})
    p = r = 0.0
    for item in pred:
        a, b = pc[pred[item]], gc[gold[item]]
        inter = len(a & b)
        p += inter / len(a)
        r += inter / len(b)
    n = len(pred) or 1
    p, r = p / n, r / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pairwise(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """Precision, recall and F1 over the pairs of items put in one cluster."""

    def pairs(groups: dict[str, set[str]]) -> int:
        return sum(len(g) * (len(g) - 1) // 2 for g in groups.values())

    pc = _groups(pred)
    both = 0
    for members in pc.values():
        by_gold: dict[str, int] = defaultdict(int)
        for m in members:
            by_gold[gold[m]] += 1
        both += sum(c * (c - 1) // 2 for c in by_gold.values())
    npred, ngold = pairs(pc), pairs(_groups({k: gold[k] for k in pred}))
    p = both / npred if npred else 1.0
    r = both / ngold if ngold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
