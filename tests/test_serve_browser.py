"""The `newsdesk serve` web app in a real browser (Debian chromium via Playwright).

An editor uploads an article through the page and the story list updates
without a reload; a reader opens the story, its conflict, and a mention, and
sees the span highlighted on the article page. Phone (390x844) and desktop
(1400x900) screenshots go to test-artifacts/. No console error, and no request
to any host but the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from _browser import NEEDS_CHROMIUM, launch
from test_serve import AUTH, CORPUS, TOKEN, LiveServer, serve, wait_job

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
WAIT_MS = 180_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    NEEDS_CHROMIUM,
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, httpx.Client]]:
    """A server whose store holds one summit report (b01); the test uploads the second (b02)."""
    server, store = serve(tmp_path_factory.mktemp("serve-browser"), "browser")
    with server, httpx.Client(base_url=server.url, timeout=30) as client:
        name = "b01_crescent_times_summit.txt"
        response = client.post(
            "/articles", files={"file": (name, (CORPUS / name).read_bytes())}, headers=AUTH
        )
        assert wait_job(client, response.json()["id"])["status"] == "done"
        yield server, client
    store.close()


class Tab:
    """A page that records console errors, page errors and every URL it requests."""

    def __init__(self, browser: Any, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def goto(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def no_sideways_scroll(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.page.viewport_size["width"], f"page is {width}px wide"

    def check_clean(self, base: str) -> None:
        assert self.errors == [], self.errors
        foreign = [u for u in self.requests if not u.startswith((base + "/", "data:", "about:"))]
        assert foreign == [], foreign

    def close(self) -> None:
        self.context.close()


def test_upload_live_list_conflict_and_highlighted_mention(
    browser: Any, site: tuple[LiveServer, httpx.Client], artifacts_dir: Path
) -> None:
    server, client = site
    tab = Tab(browser, DESKTOP)
    try:
        tab.goto(server.url + "/")
        page = tab.page
        assert page.locator(".story-card").count() == 1
        assert "1 article" in page.locator(".story-card").first.inner_text()
        page.evaluate("window.__sameDocument = true")

        # An editor uploads the second report of the summit through the page.
        page.locator("details#add > summary").click()
        page.locator("[data-token]").fill(TOKEN)
        page.locator("[data-file]").set_input_files(str(CORPUS / "b02_sarnessa_observer_summit.html"))
        page.locator("form[data-upload] button[type=submit]").click()
        page.locator("[data-jobs] li.done").wait_for(timeout=WAIT_MS)

        # The list updates by itself: the story now has two articles and its conflicts.
        page.wait_for_function(
            """() => { const card = document.querySelector('.story-card');
                       return card && card.textContent.includes('2 articles') && card.querySelector('.pill.hot'); }""",
            timeout=WAIT_MS,
        )
        assert page.evaluate("window.__sameDocument") is True, "the list must update without a reload"
        assert page.locator(".story-card").count() == 1
        card = page.locator(".story-card").first
        assert "Crescent Times" in card.inner_text() and "Sarnessa Observer" in card.inner_text()
        page.screenshot(path=str(artifacts_dir / "serve-list-desktop.png"), full_page=True)

        # Open the story at its conflicts, then one conflict's evidence.
        card.locator(".pill.hot").click()
        page.wait_for_load_state("load")
        assert urlsplit(page.url).path.startswith("/story/")
        conflicts = page.locator("#conflicts .conflict")
        assert conflicts.count() >= 1
        first = conflicts.first
        assert first.locator(".why").inner_text().strip()
        assert first.locator(".side").count() >= 2
        assert first.locator(".side .side-value").first.inner_text().strip()
        page.screenshot(path=str(artifacts_dir / "serve-story-desktop.png"), full_page=True)

        # The fact table filters by status.
        page.locator("[data-status-filter]").select_option("conflicting")
        rows = page.locator(".fact-table tbody tr:not([hidden])")
        assert rows.count() >= 1
        assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.status)")) == {"conflicting"}
        page.locator("[data-status-filter]").select_option("all")

        # Click a mention: the article page opens with that span highlighted and in view.
        mention = first.locator(".evidence a.mention").first
        href = mention.get_attribute("href") or ""
        query = parse_qs(urlsplit(href).query)
        start, end = int(query["start"][0]), int(query["end"][0])
        article_id = urlsplit(href).path.rsplit("/", 1)[-1]
        mention.click()
        page.wait_for_load_state("load")
        mark = page.locator("mark#hl")
        mark.wait_for(state="visible")
        text = client.get(f"/articles/{article_id}").json()["text"]
        marked = page.locator(".article-text mark.focus").evaluate_all("ms => ms.map(m => m.textContent)")
        assert "".join(marked) == text[start:end]
        in_view = page.evaluate(
            "() => { const r = document.getElementById('hl').getBoundingClientRect(); "
            "return r.top >= 0 && r.bottom <= window.innerHeight; }"
        )
        assert in_view
        assert page.locator(".article-head .kicker").inner_text().strip()
        page.screenshot(path=str(artifacts_dir / "serve-article-desktop.png"))
        tab.check_clean(server.url)
    finally:
        tab.close()


def test_phone_layout_and_search(
    browser: Any, site: tuple[LiveServer, httpx.Client], artifacts_dir: Path
) -> None:
    server, client = site
    story_id = client.get("/stories").json()["stories"][0]["id"]
    tab = Tab(browser, PHONE)
    try:
        for path, shot in (
            ("/", "serve-list-phone.png"),
            (f"/story/{story_id}", "serve-story-phone.png"),
            ("/find?q=Quennell", "serve-search-phone.png"),
        ):
            tab.goto(server.url + path)
            tab.no_sideways_scroll()
            tab.page.screenshot(path=str(artifacts_dir / shot), full_page=True)
        # On a phone the fact table is a list of cards, each as wide as the screen allows.
        tab.goto(f"{server.url}/story/{story_id}#facts")
        row = tab.page.locator(".fact-table tbody tr").first
        box = row.bounding_box()
        assert box is not None and box["width"] <= PHONE["width"] and box["width"] > PHONE["width"] * 0.7
        text_box = row.locator(".fact-text").bounding_box()
        assert text_box is not None and text_box["width"] > PHONE["width"] * 0.6  # not a one-letter column
        # Global search from the header.
        tab.goto(server.url + "/")
        tab.page.locator("#global-q").fill("Halvik")
        tab.page.locator("#global-q").press("Enter")
        tab.page.wait_for_load_state("load")
        assert tab.page.locator(".story-card").count() >= 1
        assert tab.page.locator(".snippet mark").first.inner_text().lower() == "halvik"
        tab.no_sideways_scroll()
        tab.check_clean(server.url)
    finally:
        tab.close()
