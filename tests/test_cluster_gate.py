"""CI gate: story clustering and copy detection on a fixed slice of ECB+ (seconds, not minutes).

Four test-split topics (eight sub-topics, 75 documents) in one fixed shuffled
order. Minimum scores sit a little under what bench/cluster.py measures on
this slice, so a regression fails here before anyone runs the full benchmark.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

from newsdesk.cluster import StoryClusterer
from newsdesk.dedup import find_duplicates
from newsdesk.options import ClusterOptions, DedupOptions
from newsdesk.records import Article

TOPICS = ("36", "38", "41", "45")
MIN_SUBTOPIC_F1 = 0.90  # measured 0.948
MIN_TOPIC_PRECISION = 0.99  # measured 1.000: two topics never share a story
MIN_TOPIC_F1 = 0.95  # measured 1.000: the topics grouped over the stories are the four topics


def _article(doc_id: str, text: str, published: str | None = None) -> Article:
    segments, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            segments.append((pos, pos + len(line)))
        pos += len(line) + 1
    return Article(
        id=doc_id,
        path=doc_id,
        fmt="jsonl",
        text=text,
        title=None,
        title_source="absent",
        published=published,
        published_source="jsonl" if published else "absent",
        body_span=(0, len(text)),
        body_segments=tuple(segments),
    )


def _docs(bench_data: Path) -> list[dict]:
    docs = []
    with (bench_data / "ecbplus" / "docs.jsonl").open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["topic"] in TOPICS:
                if d["doc_id"].endswith("ecbplus"):  # its first line is the URL, which names the story
                    d["text"] = d["text"].split("\n", 1)[1] if "\n" in d["text"] else ""
                docs.append(d)
    random.Random(13).shuffle(docs)
    return docs


def _bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    pc: dict[str, set[str]] = defaultdict(set)
    gc: dict[str, set[str]] = defaultdict(set)
    for k in pred:
        pc[pred[k]].add(k)
        gc[gold[k]].add(k)
    p = sum(len(pc[pred[k]] & gc[gold[k]]) / len(pc[pred[k]]) for k in pred) / len(pred)
    r = sum(len(pc[pred[k]] & gc[gold[k]]) / len(gc[gold[k]]) for k in pred) / len(pred)
    return p, r, 2 * p * r / (p + r)


def test_ecbplus_subtopic_gate(bench_data: Path) -> None:
    docs = _docs(bench_data)
    clusterer = StoryClusterer(ClusterOptions())
    for d in docs:
        clusterer.assign(_article(d["doc_id"], d["text"]))
    pred = {aid: sid for sid, members in clusterer.stories().items() for aid in members}
    assert len(pred) == len(docs)
    p, r, f1 = _bcubed(pred, {d["doc_id"]: d["subtopic"] for d in docs})
    assert f1 >= MIN_SUBTOPIC_F1, (p, r, f1)
    topic_p = _bcubed(pred, {d["doc_id"]: d["topic"] for d in docs})[0]
    assert topic_p >= MIN_TOPIC_PRECISION
    topics = {d["doc_id"]: clusterer.topic_of(d["doc_id"]) or "" for d in docs}
    topic_f1 = _bcubed(topics, {d["doc_id"]: d["topic"] for d in docs})[2]
    assert topic_f1 >= MIN_TOPIC_F1, topic_f1


def test_ecbplus_copies_gate(bench_data: Path) -> None:
    """Copies of these documents are found; the documents themselves (same sub-topics) are not copies."""
    docs = [d for d in _docs(bench_data) if d["text"].count("\n") >= 4][:12]
    originals = [_article(d["doc_id"], d["text"], "2024-01-01") for d in docs]
    copies = []
    for i, d in enumerate(docs):
        lines = d["text"].split("\n")
        variant = [lines, lines[:-1], lines[1:] + lines[:1]][i % 3]  # exact, trimmed, reordered
        copies.append(_article(f"copy-{d['doc_id']}", "\n".join(variant), "2024-01-02"))
    found = find_duplicates(originals + copies, DedupOptions())
    for copy, original in zip(copies, originals, strict=True):
        assert found[copy.id].duplicate_of == original.id
    # ECB+ holds real wire rewrites: only copies of an original, or originals copying one another, may appear.
    known = {o.id for o in originals}
    assert all(info.duplicate_of in known for info in found.values())
