"""The HTML render cache: same content -> same page (with its own timestamp); new content -> new page."""

from __future__ import annotations

from dataclasses import replace

from _report_fixture import build_report
from newsdesk.render.html import HTML_CACHE_BLOB, render_html, render_html_cached


class MemoryBlobs:
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.saves = 0

    def load_blob(self, name: str) -> bytes | None:
        return self.blobs.get(name)

    def save_blob(self, name: str, data: bytes) -> None:
        self.saves += 1
        self.blobs[name] = data


def test_hit_reuses_page_with_new_timestamp() -> None:
    report, _ = build_report()
    cache = MemoryBlobs()
    first = render_html_cached(report, cache)
    assert first == render_html(report)
    later = replace(report, generated_at="2031-01-02T03:04:05+00:00", stats={"seconds_total": 9.9})
    second = render_html_cached(later, cache)
    assert cache.saves == 1  # served from the cache
    assert "2031-01-02T03:04:05+00:00" in second
    assert second == render_html(later)
    assert "ndgen-" not in second


def test_changed_content_renders_again() -> None:
    report, _ = build_report()
    cache = MemoryBlobs()
    render_html_cached(report, cache)
    changed = replace(report, stories=report.stories[:1])
    page = render_html_cached(changed, cache)
    assert cache.saves == 2
    assert page == render_html(changed)
    assert HTML_CACHE_BLOB in cache.blobs


def test_timestamp_is_escaped() -> None:
    report = replace(build_report()[0], generated_at="<script>x</script>")
    page = render_html_cached(report, MemoryBlobs())
    assert "<script>x</script>" not in page
