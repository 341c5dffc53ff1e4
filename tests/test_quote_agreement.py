"""bench/quote_agreement.py reads a second annotator's brat file as the bench data reads the first.

A two-annotator article made up here, in a work-tree layout of the PolNeAR repository: the
script must turn each annotator's file into attributions and score one annotator against
the other with the benchmark's own scorer. Skips where ../shared/bench (its brat reader) is
absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from _bench import load_bench

TEXT = 'Mayor Ilse Brandt said the levee would be rebuilt. "We will not wait," she added.\n'


def _ann(content: tuple[int, int], source: tuple[int, int], cue: tuple[int, int]) -> str:
    spans = {"Content": content, "Source": source, "Cue": cue}
    lines = [f"T{i}\t{role} {a} {b}\t{TEXT[a:b]}" for i, (role, (a, b)) in enumerate(spans.items(), 1)]
    lines.append(f"T4\tAttribution {cue[0]} {cue[1]}\t{TEXT[cue[0] : cue[1]]}")
    lines.append("E1\tAttribution:T4 Content:T1 Source:T2 Cue:T3")
    return "\n".join(lines) + "\n"


def test_second_annotator_is_scored_like_a_system(root: Path, bench_data: Path, tmp_path: Path) -> None:
    if not (bench_data / "tools" / "convert_polnear.py").exists():
        pytest.skip("../shared/bench/tools absent")
    agreement = load_bench(root, "quote_agreement")
    folder = tmp_path / "data" / "test" / "attributions"
    folder.mkdir(parents=True)
    (tmp_path / "data" / "metadata.tsv").write_text("compartment\tfilename\tannotators\n", encoding="utf-8")
    said = TEXT.index("said")
    # Annotator a: the statement; annotator b: the same statement with a shorter content.
    (folder / "doc_a.ann").write_text(_ann((said + 5, TEXT.index(".") + 1), (0, said - 1), (said, said + 4)))
    (folder / "doc_b.ann").write_text(_ann((said + 5, TEXT.index("would")), (6, said - 1), (said, said + 4)))
    doc = {"doc_id": "doc", "split": "test", "text": TEXT, "annotators": ["a", "b"], "annotator": "a"}
    a = agreement.annotations(tmp_path, doc, "a")
    b = agreement.annotations(tmp_path, doc, "b")
    assert agreement.annotations(tmp_path, doc, "c") is None
    assert [x["content"]["text"] for x in a] == ["the levee would be rebuilt."]
    assert a[0]["source"]["text"] == "Mayor Ilse Brandt" and b[0]["source"]["text"] == "Ilse Brandt"
    assert not agreement.bench.gold_direct(TEXT, a[0])  # reported speech, not a quote
    scores = agreement.bench.score_spans([{**doc, "attributions": a}], [agreement.as_predictions(TEXT, b)])
    # "the levee" is two of the five words: under half, so no match at 50% overlap both ways.
    assert scores["all"]["overlap"]["f1"] == 0.0
    same = agreement.bench.score_spans([{**doc, "attributions": a}], [agreement.as_predictions(TEXT, a)])
    assert same["all"]["exact"]["f1"] == 1.0 and same["source"]["span_acc"] == 1.0
