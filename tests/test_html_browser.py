"""report.html in a real browser (Debian chromium): no errors, filters, reader panel, no network."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _browser import NEEDS_CHROMIUM, launch

try:  # tests/ as a package (tests/__init__.py) or as a plain folder on sys.path
    from ._report_fixture import build_report, find
except ImportError:
    from _report_fixture import build_report, find
from newsdesk.render.html import write_html

pytestmark = [
    pytest.mark.browser,
    NEEDS_CHROMIUM,
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


class Page:
    """A page on the written report that records console errors, page errors and requests."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def report_page(browser: Any, tmp_path: Path) -> Iterator[Page]:
    path = write_html(build_report(hostile=True)[0], tmp_path / "report.html")
    page = Page(browser, path)
    yield page
    page.close()


def test_page_loads_clean_and_offline(report_page: Page) -> None:
    page = report_page.page
    assert page.title().startswith("newsdesk report")
    assert page.locator(".story").count() == 2
    # Hostile titles stay text: no injected script ran, no element was created.
    assert page.locator("h3", has_text="<script>alert(1)</script>").count() == 1
    assert page.locator("b", has_text="bold").count() == 0
    assert page.locator("img").count() == 0
    assert report_page.console_errors == []
    assert report_page.page_errors == []
    assert all(url.startswith(("file://", "data:", "about:")) for url in report_page.requests), (
        report_page.requests
    )


def test_fact_table_headers_fit_their_columns(report_page: Page) -> None:
    """At 1280 px every column title fits its cell ("Sources" ran into "Mentions")."""
    widths = report_page.page.evaluate(
        """() => [...document.querySelector('.fact-table thead tr').children]
                 .map(th => [th.textContent, th.scrollWidth, th.clientWidth])"""
    )
    assert widths and all(scroll <= client for _, scroll, client in widths), widths


def test_conflicts_come_first_with_marked_evidence(report_page: Page) -> None:
    page = report_page.page
    story = page.locator(".story").first
    blocks = story.locator(".block h3").all_inner_texts()
    assert blocks[0].lower() == "conflicts"
    conflict = story.locator(".conflict").first
    assert conflict.locator(".side").count() == 2
    assert conflict.locator(".side mark").first.inner_text() == "about 4,000 commuters"
    assert "Calder Courier" in conflict.locator(".side").first.inner_text()


def test_filters_hide_and_show_fact_rows(report_page: Page) -> None:
    page = report_page.page
    facts = page.locator(".story").first.locator("[data-facts]")
    rows = facts.locator("tbody tr")
    total = rows.count()
    assert total == 5

    def visible() -> int:
        return sum(1 for i in range(total) if rows.nth(i).is_visible())

    facts.locator('[data-status-filter="conflicting"]').click()
    assert visible() == 2
    assert all(
        rows.nth(i).get_attribute("data-status") == "conflicting"
        for i in range(total)
        if rows.nth(i).is_visible()
    )
    facts.locator('[data-status-filter="all"]').click()
    assert visible() == total
    facts.locator("[data-kind-filter]").select_option("quote")
    assert visible() == 1
    facts.locator('[data-status-filter="single_source"]').click()
    assert visible() == 0
    assert facts.locator("[data-shown]").inner_text() == f"0 of {total} shown"
    facts.locator("[data-kind-filter]").select_option("all")
    facts.locator('[data-status-filter="all"]').click()
    assert visible() == total


def test_link_to_a_filtered_out_fact_shows_it(report_page: Page) -> None:
    page = report_page.page
    story = page.locator(".story").first
    story.locator('[data-status-filter="corroborated"]').click()
    row = story.locator("tr#story-1-fact-2")
    assert row.get_attribute("data-status") == "conflicting"
    assert not row.is_visible()
    story.locator('.timeline a[href="#story-1-fact-2"]').first.click()
    assert row.is_visible()
    assert story.locator("[data-shown]").inner_text() == "5 of 5 shown"


def test_clicking_a_mention_opens_the_article_at_the_span(report_page: Page) -> None:
    page = report_page.page
    articles = build_report(hostile=True)[1]
    row = page.locator(".story").first.locator("tbody tr[data-status]").first
    button = row.locator("button.ref").nth(1)
    article_id = button.get_attribute("data-article")
    start, end = int(button.get_attribute("data-start") or -1), int(button.get_attribute("data-end") or -1)
    assert articles[article_id].text[start:end] == "6,500 commuters"
    button.click()
    reader = page.locator("dialog#reader")
    reader.wait_for(state="visible")
    mark = reader.locator(".reader-text mark")
    assert mark.inner_text() == "6,500 commuters"
    assert mark.is_visible()
    assert reader.locator(".reader-text").inner_text() == articles[article_id].text
    in_view = page.evaluate(
        """() => { const m = document.querySelector('#reader .reader-text mark').getBoundingClientRect();
                   const c = document.querySelector('#reader .reader-text').getBoundingClientRect();
                   return m.top >= c.top && m.bottom <= c.bottom; }"""
    )
    assert in_view
    reader.locator("[data-close]").click()
    reader.wait_for(state="hidden")
    assert report_page.page_errors == []


def test_hostile_article_text_is_shown_as_text(report_page: Page) -> None:
    page = report_page.page
    articles = build_report(hostile=True)[1]
    hostile = articles["a-ferry-courier"]
    s, e = find(hostile.text, "</script><script>alert(1)</script>")
    page.locator("#article-a-ferry-courier .article-meta button.ref").click()
    text = page.locator("dialog#reader .reader-text").inner_text()
    assert hostile.text[s:e] in text
    assert text == hostile.text
    assert report_page.page_errors == []


def test_screenshot(browser: Any, tmp_path: Path, artifacts_dir: Path) -> None:
    """A full-page screenshot of the clean fixture report, for people to look at."""
    path = write_html(build_report()[0], tmp_path / "report.html")
    page = Page(browser, path)
    try:
        page.page.screenshot(path=str(artifacts_dir / "report.png"), full_page=True)
        page.page.locator(".story").first.locator("tbody tr").first.locator("button.ref").first.click()
        page.page.locator("dialog#reader").wait_for(state="visible")
        page.page.screenshot(path=str(artifacts_dir / "report-reader.png"))
        shutil.copy(path, artifacts_dir / "report.html")
        assert page.console_errors == [] and page.page_errors == []
    finally:
        page.close()


@pytest.mark.slow
def test_demo_corpus_report(browser: Any, tmp_path: Path, root: Path, artifacts_dir: Path) -> None:
    """The real pipeline's report of the demo corpus: clean in the browser, conflicts clickable."""
    corpus = root / "examples" / "corpus"
    if not corpus.is_dir():
        pytest.skip("examples/corpus is absent")
    from newsdesk.options import Options
    from newsdesk.pipeline import analyze_paths

    report = analyze_paths([corpus], Options(db_url=f"sqlite:///{tmp_path / 'n.db'}"))
    page = Page(browser, write_html(report, tmp_path / "report.html"))
    try:
        assert page.page.locator(".story").count() == len(report.stories)
        refs = page.page.locator(".conflict .evidence button.ref[data-start]")
        if refs.count():
            refs.first.click()
            page.page.locator("dialog#reader .reader-text mark").first.wait_for(state="visible")
            page.page.locator("dialog#reader [data-close]").click()
        page.page.screenshot(path=str(artifacts_dir / "demo-report.png"), full_page=True)
        assert page.console_errors == [] and page.page_errors == []
        assert all(url.startswith(("file://", "data:", "about:")) for url in page.requests)
    finally:
        page.close()
