"""One extractor failing on an article costs that extractor only, and the run says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from _articles import write_corpus
from newsdesk import pipeline
from newsdesk.nlp import quotes
from newsdesk.options import Options
from newsdesk.store import Store


def _boom(*args, **kwargs):
    raise RuntimeError("a bug in the quote rules")


def test_a_failing_extractor_keeps_the_other_annotations_and_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quotes, "extract_quotes", _boom)
    corpus = write_corpus(tmp_path / "corpus")
    options = Options(db_url=f"sqlite:///{tmp_path / 's.db'}")
    store = Store(options.db_url)
    try:
        state = pipeline.ingest_paths([corpus], options, store)
    finally:
        store.close()
    assert len(state.extractions) == 3
    for ext in state.extractions.values():
        assert ext.timexes and ext.entities and not ext.quotes
        assert ext.problems and ext.problems[0].startswith("quotes: RuntimeError")
    errors = [e for e in state.errors if e.stage == "annotate"]
    assert len(errors) == 3 and all("other annotations are kept" in e.message for e in errors)
    assert all(e.record for e in errors)


def test_the_partial_failure_is_reported_again_on_a_warm_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quotes, "extract_quotes", _boom)
    corpus = write_corpus(tmp_path / "corpus")
    options = Options(db_url=f"sqlite:///{tmp_path / 's.db'}")
    with Store(options.db_url) as store:
        pipeline.ingest_paths([corpus], options, store)
        again = pipeline.ingest_paths([corpus], options, store)
    assert again.counts["annotated"] == 0
    assert len([e for e in again.errors if e.stage == "annotate"]) == 3


def test_an_article_past_the_nlp_limits_keeps_what_was_read_and_says_so(tmp_path: Path) -> None:
    from newsdesk.options import NlpOptions

    corpus = tmp_path / "c"
    corpus.mkdir()
    sentence = (
        "Ferry workers in Port Calder extended their strike on Monday, union leader Tomas Brevik said. "
    )
    (corpus / "long.txt").write_text(
        " date 2026-05-11\nFerry strike goes on\n\n" + sentence * 40, encoding="utf-8"
    )
    options = Options(db_url=f"sqlite:///{tmp_path / 's.db'}", nlp=NlpOptions(max_chars=1_000))
    with Store(options.db_url) as store:
        state = pipeline.ingest_paths([corpus], options, store)
    (ext,) = state.extractions.values()
    assert ext.timexes and max(t.end for t in ext.timexes) <= 1_000
    assert any("nlp.max_chars" in e.message for e in state.errors)

    budget = Options(db_url=f"sqlite:///{tmp_path / 't.db'}", nlp=NlpOptions(time_budget=1e-9))
    with Store(budget.db_url) as store:
        state = pipeline.ingest_paths([corpus], budget, store)
    assert any("time budget" in e.message and "nlp.time_budget" in e.message for e in state.errors)
