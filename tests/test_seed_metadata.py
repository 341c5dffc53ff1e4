"""Metadata and boilerplate typing on the five crawler-export seeds (read from ../shared/seeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.clean import clean
from newsdesk.ingest import iter_sources
from newsdesk.options import IngestOptions
from newsdesk.records import Article, RawDoc


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, Article]:
    opts = IngestOptions()
    out: dict[str, Article] = {}
    for raw in iter_sources([seeds_dir], opts):
        assert isinstance(raw, RawDoc), raw
        out[Path(raw.path).name[:3]] = clean(raw, opts)
    assert sorted(out) == ["000", "001", "002", "003", "004"]
    return out


def _outside_body(a: Article, start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e in a.body_segments)


def _kinds(a: Article, prefix: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, a.text[s.start : s.end]) for s in a.segments if s.kind.startswith(prefix)]


def test_published_dates(seeds: dict[str, Article]) -> None:
    assert seeds["000"].published == "2025-08-28" and seeds["000"].published_source == "header"
    assert seeds["003"].published == "2025-08-26" and seeds["003"].published_source == "header"
    for key in ("001", "002", "004"):
        a = seeds[key]
        assert a.published is None and a.published_source == "absent" and a.published_reason


def test_crawl_status_is_not_a_date(seeds: dict[str, Article]) -> None:
    a = seeds["000"]
    assert dict(a.extra)["crawl_status"].isdigit()
    [(start, end, text)] = _kinds(a, "header")
    assert text.startswith("date 2025-08-28") and _outside_body(a, start, end)


def test_sources_and_authors(seeds: dict[str, Article]) -> None:
    a3 = seeds["003"]
    assert a3.source in ("Libertarian Institute", "The Libertarian Institute")
    assert a3.authors == ("Kyle Anzalone",)
    assert seeds["000"].source == "MENAFN" and seeds["000"].source_origin == "dateline"
    assert seeds["001"].authors == ()  # a bio paragraph is not a byline
    assert seeds["002"].authors == () and seeds["004"].authors == ()


def test_titles(seeds: dict[str, Article]) -> None:
    for key in ("000", "001", "004"):
        a = seeds[key]
        first_line = a.text.split("\n")[1 if key == "000" else 0].strip()
        assert a.title == first_line and a.title_source == "first-line"
        [(start, end, _)] = _kinds(a, "title")
        assert _outside_body(a, start, end)
    assert seeds["002"].title is None and seeds["002"].title_source == "absent"
    assert seeds["003"].title is None and seeds["003"].title_source == "absent"


def test_author_bio_is_boilerplate(seeds: dict[str, Article]) -> None:
    a = seeds["001"]
    bio = _kinds(a, "boilerplate:author-bio")
    assert bio and bio[0][2] == "Author"
    assert any(len(text.split()) > 50 for _, _, text in bio)  # the bio paragraph itself
    assert all(_outside_body(a, s, e) for s, e, _ in bio)
    assert a.body_span[1] <= bio[0][0]


def test_originally_appeared_is_boilerplate(seeds: dict[str, Article]) -> None:
    a = seeds["003"]
    [(s, e, text)] = _kinds(a, "boilerplate:originally-appeared")
    assert "originally appeared" in text and _outside_body(a, s, e)
    [(bs, be, tag)] = _kinds(a, "byline")
    assert tag.startswith("(") and _outside_body(a, bs, be)


def test_latest_news_and_captions(seeds: dict[str, Article]) -> None:
    a = seeds["004"]
    [(s, e, text)] = _kinds(a, "boilerplate:latest-news")
    assert text == "Latest News" and _outside_body(a, s, e)
    captions = _kinds(a, "caption")
    dups = _kinds(a, "duplicate-paragraph")
    assert len(captions) == 1 and len(dups) >= 1
    assert dups[0][2] == captions[0][2]
    assert all(_outside_body(a, s, e) for s, e, _ in captions + dups)


def test_body_segments_are_clean_and_ordered(seeds: dict[str, Article]) -> None:
    for a in seeds.values():
        assert a.body_segments and a.body_span == (a.body_segments[0][0], a.body_segments[-1][1])
        assert list(a.body_segments) == sorted(a.body_segments)
        assert a.word_count > 200 and a.language == "en"
        for s in a.segments:
            assert _outside_body(a, s.start, s.end), (a.path, s)
