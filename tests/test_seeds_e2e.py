"""The five real crawler exports in ../shared/seeds, end to end (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.options import Options
from newsdesk.pipeline import analyze_paths
from newsdesk.records import Report


@pytest.fixture(scope="module")
def report(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Report:
    db = tmp_path_factory.mktemp("seeds") / "s.db"
    return analyze_paths([seeds_dir], Options(db_url=f"sqlite:///{db}"))


def _by_prefix(report: Report) -> dict[str, object]:
    return {Path(a.article.path).name[:3]: a for a in report.articles}


def test_published_dates(report: Report) -> None:
    arts = _by_prefix(report)
    assert arts["000"].article.published == "2025-08-28"
    assert arts["003"].article.published == "2025-08-26"
    for key in ("001", "002", "004"):
        assert arts[key].article.published is None
        assert arts[key].article.published_source == "absent"


def test_one_story_without_the_old_article(report: Report) -> None:
    arts = _by_prefix(report)
    story = arts["000"].story_id
    assert story is not None
    assert all(arts[k].story_id == story for k in ("001", "002", "003"))
    assert arts["004"].story_id != story


def test_troops_figure_corroborated(report: Report) -> None:
    arts = _by_prefix(report)
    story = next(s for s in report.stories if s.id == arts["000"].story_id)
    troops = [
        f
        for f in story.facts
        if f.kind == "quantity" and f.value is not None and abs(float(f.value) - 28_500) < 1
    ]
    assert troops, "no 28,500 fact"
    best = max(troops, key=lambda f: len({m.article_id for m in f.mentions}))
    assert best.status == "corroborated"
    assert len({m.article_id for m in best.mentions}) >= 3
    texts = {a.article.id: a.article.text for a in report.articles}
    for m in best.mentions:
        assert texts[m.article_id][m.start : m.end] == m.text
