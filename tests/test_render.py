"""report.json follows the schema; report.html is self-contained and escapes hostile text."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema
import pytest

try:  # tests/ as a package (tests/__init__.py) or as a plain folder on sys.path
    from ._report_fixture import HOSTILE, build_report
except ImportError:
    from _report_fixture import HOSTILE, build_report
from newsdesk.records import Report, Span
from newsdesk.render.html import evidence_context, format_value, render_html, script_json, write_html
from newsdesk.render.json import report_schema, report_to_dict, validate_report, write_report


@pytest.fixture(params=[False, True], ids=["plain", "hostile"])
def report(request: pytest.FixtureRequest) -> Report:
    return build_report(hostile=request.param)[0]


# --------------------------------------------------------------------------- JSON


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(report_schema())


def test_report_dict_validates(report: Report) -> None:
    data = report_to_dict(report)
    validate_report(data)
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert data["schema_version"] == 1
    assert [s["id"] for s in data["stories"]] == ["s-ferry", "s-orchard"]


def test_report_dict_has_the_contract_fields() -> None:
    data = report_to_dict(build_report()[0])
    article = data["articles"][2]
    assert {
        "id", "path", "url", "title", "title_source", "source", "authors", "published", "published_source",
        "published_reason", "language", "word_count", "body_span", "duplicate_of", "overlap", "story_id",
        "flags", "segments",
    } <= set(article)  # fmt: skip
    assert article["duplicate_of"] == "a-ferry-gazette"
    assert article["overlap"] == 1.0
    assert article["published"] is None and article["published_source"] == "absent"
    assert article["flags"][0] == {
        "code": "missing_date",
        "severity": "warning",
        "message": "No publication date in the input",
        "evidence": [],
    }
    story = data["stories"][0]
    assert {"id", "title", "article_ids", "first_seen", "last_seen", "facts", "conflicts", "timeline", "quotes",
            "summary", "coverage"} <= set(story)  # fmt: skip
    assert {f["status"] for f in story["facts"]} == {"conflicting", "corroborated", "single_source"}
    assert {f["kind"] for f in story["facts"]} == {"quote", "quantity", "event", "statement"}
    side = story["conflicts"][0]["sides"][0]
    assert side["value"] == 4000
    assert set(side["evidence"][0]) == {"article_id", "start", "end", "text"}
    assert story["coverage"][0] == {
        "fact_id": "f-commuters",
        "article_ids": ["a-ferry-courier", "a-ferry-gazette", "a-ferry-copy"],
    }
    assert data["errors"][0] == {
        "path": "corpus/broken.warc.gz",
        "stage": "ingest",
        "message": "truncated gzip stream",
        "record": None,
    }


def _spans(data: Any) -> list[tuple[str, int, int, str]]:
    """Every (article_id, start, end, text) the report points at."""
    found: list[tuple[str, int, int, str]] = []
    if isinstance(data, dict):
        if {"article_id", "start", "end", "text"} <= set(data):
            found.append((data["article_id"], data["start"], data["end"], data["text"]))
        elif {"article_id", "span", "text"} <= set(data):
            found.append((data["article_id"], *data["span"], data["text"]))
        for value in data.values():
            found += _spans(value)
    elif isinstance(data, list):
        for value in data:
            found += _spans(value)
    return found


def test_every_span_indexes_its_article(report: Report) -> None:
    data = report_to_dict(report)
    texts = {a.article.id: a.article.text for a in report.articles}
    spans = _spans(data)
    assert len(spans) > 30
    for article_id, start, end, text in spans:
        assert texts[article_id][start:end] == text


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("stories", 0, "facts", 0, "status"), "disputed"),
        (("stories", 0, "facts", 0, "kind"), "rumour"),
        (("articles", 0, "flags", 0, "severity"), "fatal"),
        (("articles", 0, "body_span"), [1]),
        (("articles", 0, "body_span"), [1, 2, 3]),
        (("articles", 0, "body_span"), ["1", 2]),
        (("articles", 0, "body_span"), [-1, 2]),
        (("stories", 0, "facts", 0, "mentions", 0, "span"), [1.5, 2]),
        (("articles", 0, "published"), "11 May 2026"),
        (("articles", 0, "published_source"), "guess"),
        (("articles", 0, "word_count"), "57"),
        (("stories", 0, "conflicts", 0, "sides"), []),
        (("schema_version",), 2),
        (("generated_at",), "yesterday"),
    ],
)
def test_schema_rejects_bad_values(path: tuple[Any, ...], value: Any) -> None:
    data = copy.deepcopy(report_to_dict(build_report()[0]))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        validate_report(data)


@pytest.mark.parametrize(
    "path",
    [
        ("articles", 0, "id"),
        ("articles", 0, "flags"),
        ("stories", 0, "facts", 0, "status"),
        ("stories", 0, "facts", 0, "mentions"),
        ("stories", 0, "conflicts", 0, "sides"),
        ("errors", 0, "stage"),
        ("stats",),
    ],
)
def test_schema_requires_fields(path: tuple[Any, ...]) -> None:
    data = copy.deepcopy(report_to_dict(build_report()[0]))
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    with pytest.raises(jsonschema.ValidationError):
        validate_report(data)


def test_schema_rejects_unknown_fields() -> None:
    data = report_to_dict(build_report()[0])
    data["stories"][0]["facts"][0]["confidence"] = 0.9
    with pytest.raises(jsonschema.ValidationError, match="confidence"):
        validate_report(data)


def test_write_report_round_trips(tmp_path: Path) -> None:
    report = build_report(hostile=True)[0]
    path = write_report(report, tmp_path / "out" / "report.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    validate_report(data)
    assert data == report_to_dict(report)


def test_empty_report_validates() -> None:
    empty = Report(generated_at="2026-05-12T08:00:00Z", options={}, articles=(), stories=())
    validate_report(report_to_dict(empty))
    html = render_html(empty)
    assert "No story in this report." in html


def test_values_of_any_shape_become_strict_json() -> None:
    report = build_report()[0]
    story = report.stories[0]
    fact = replace(story.facts[0], value=(4000, float("nan"), {"low": 1}))
    patched = replace(report, stories=(replace(story, facts=(fact, *story.facts[1:])), *report.stories[1:]))
    data = report_to_dict(patched)
    assert data["stories"][0]["facts"][0]["value"] == [4000, None, {"low": 1}]
    validate_report(data)
    fact = replace(story.facts[0], value={"ids": {"b", "a"}, 3: Fraction(1, 2), "obj": Path("x")})
    patched = replace(report, stories=(replace(story, facts=(fact, *story.facts[1:])), *report.stories[1:]))
    data = report_to_dict(patched)
    assert data["stories"][0]["facts"][0]["value"] == {"ids": ["a", "b"], "3": 0.5, "obj": "x"}
    json.dumps(data, allow_nan=False)


# --------------------------------------------------------------------------- HTML


def _texts_json(html: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="nd-texts">(.*?)</script>', html, re.S)
    assert m is not None
    return json.loads(m.group(1))


def test_html_escapes_hostile_text() -> None:
    report, articles = build_report(hostile=True)
    html = render_html(report)
    # Our own two script elements only: no article text opened or closed one.
    assert html.count("<script") == 2
    assert html.count("</script>") == 2
    assert HOSTILE not in html
    assert "<img" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    texts = _texts_json(html)
    assert {k: v["text"] for k, v in texts.items()} == {k: a.text for k, a in articles.items()}
    assert texts["a-ferry-courier"]["title"] == articles["a-ferry-courier"].title


def test_script_json_cannot_break_out() -> None:
    text = script_json({"t": "</script><!-- <script> & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(str(text)) == {"t": "</script><!-- <script> & \u2028"}


def test_html_is_self_contained(tmp_path: Path) -> None:
    path = write_html(build_report()[0], tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    assert re.search(r"""src\s*=\s*["']?(?:https?:)?//""", html, re.I) is None  # nothing loads from elsewhere
    for link in re.finditer(r"""<(\w+)[^>]*\bhref\s*=\s*["']?(?:https?:)?//[^>]*>""", html, re.I):
        # a link to an article's original: followed only on a click, and without a referrer
        assert link.group(1).lower() == "a" and 'rel="noopener noreferrer nofollow"' in link.group(0)
    assert re.search(r"<link[^>]+stylesheet", html, re.I) is None
    assert "@import" not in html
    assert "Content-Security-Policy" in html


def test_html_puts_conflicts_first_and_shows_everything() -> None:
    html = render_html(build_report()[0])
    story = html[html.index('id="story-1"') : html.index('id="story-2"')]
    order = [
        story.index(f"<h3>{name}") for name in ("Conflicts", "Facts", "Timeline", "Quote board", "Coverage")
    ]
    assert order == sorted(order)
    assert "<mark>about 4,000 commuters</mark>" in story
    assert "<mark>on Tuesday</mark>" in story
    assert 'data-status="conflicting"' in story and 'data-kind="quote"' in story
    assert "Tomas Brevik" in story
    for text in ("missing date", "stale content", "not an independent source", "truncated gzip stream"):
        assert text in html
    assert '<span class="src">from the crawl header</span>' in html and "no date header, no metadata" in html


def test_evidence_sentence_frames_the_figure() -> None:
    """A side's evidence (figure + its sentence) is one quote with only the figure marked."""
    html = render_html(build_report()[0])
    side = html[html.index('<div class="side">') : html.index('<div class="versus"')]
    assert side.count("<blockquote") == 1
    assert side.count("<mark>") == 1
    assert "<mark>about 4,000 commuters</mark> without a crossing, union leader Tomas Brevik said." in side


def test_format_value() -> None:
    assert format_value(4000) == "4,000"
    assert format_value(3.0, "%") == "3%"
    assert format_value(18000.0, "tonnes") == "18,000 tonnes"
    assert format_value(2.5) == "2.5"
    assert format_value((1, 2)) == "1–2"
    assert format_value(None, "USD") == ""
    assert format_value("2026-05-11") == "2026-05-11"
    assert format_value(2_400_000_000, "usd") == "2.4 billion USD"
    assert format_value(61.2e12, "KRW") == "61.2 trillion KRW"
    assert format_value(1_234_567) == "1,234,567"
    assert format_value(15_000_000.0) == "15 million"


def test_evidence_context_cuts_at_sentences() -> None:
    text = "First one. The strike went on for 12 days, he said. Last one."
    start = text.index("12 days")
    ctx = evidence_context(text, start, start + 7)
    assert ctx == {"before": "The strike went on for ", "mark": "12 days", "after": ", he said."}
    long = "word " * 100 + "the 12 days" + " more" * 100
    ctx = evidence_context(long, long.index("12"), long.index("12") + 7)
    assert ctx["before"].startswith("…") and ctx["after"].endswith("…")
    assert len(ctx["before"]) < 240 and len(ctx["after"]) < 240


def test_sparse_report_renders() -> None:
    """Missing pieces (no facts, no text, a mention of an article outside the report) still render."""
    from newsdesk.records import Article, ArticleReport, Fact, Mention, Story

    bare = Article("a-bare", "in.jsonl", "jsonl", "", None, "absent", None, "absent", locator="line 3")
    ghost = Fact(
        "f-ghost", "statement", "said elsewhere", "single_source", 1, (Mention("a-gone", 0, 4, "said"),)
    )
    story = Story("s-1", "Sparse", ("a-bare", "a-gone"), None, None, facts=(ghost,))
    report = Report(
        generated_at="2026-05-12T08:00:00Z",
        options={},
        articles=(
            ArticleReport(bare, None, "s-1"),
            ArticleReport(replace(bare, id="a-lost"), None, "s-unknown"),
        ),
        stories=(story, Story("s-2", "Empty", (), None, None)),
    )
    validate_report(report_to_dict(report))
    html = render_html(report)
    assert 'class="ref missing"' in html
    assert "in.jsonl (line 3)" in html  # no outlet or site: the file and the record in it
    assert "No checkable fact was found in this story." in html


@pytest.mark.parametrize("span", [(5, 2), (-3, 4), (50, 80), (0, 0), (1000, 1001), (3, 10_000)])
def test_bad_offsets_do_not_break_the_page(span: tuple[int, int]) -> None:
    """Offsets outside the text (a bug upstream) show less, never crash the report."""
    report = build_report()[0]
    entry = report.articles[0]
    flag = replace(entry.flags[0], evidence=(Span(entry.article.id, span[0], span[1], "x"),))
    patched = replace(report, articles=(replace(entry, flags=(flag,)), *report.articles[1:]))
    html = render_html(patched)
    assert html.count("<script") == 2
