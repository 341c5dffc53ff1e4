"""The bundled demo corpus (examples/corpus) and the features planted in it.

Part (a) checks the corpus itself with the standard library only, so it runs
everywhere. Part (b) runs the real pipeline once for the module and checks
each planted feature documented in examples/README.md. Articles are found by
file name and title, never by id (ids are content hashes).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
SEEDS = ROOT.parent / "shared" / "seeds"
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}encoded"
DATE_HEADER = re.compile(r"^ date (\d{4}-\d{2}-\d{2})(?: (\d{3}))?(?: (.*))?$")

# Text that belongs to boilerplate (bios, syndication lines, link lists, page chrome):
# none of it may surface in a fact, a quote, the timeline or the summary.
BOILERPLATE_MARKERS = (
    "houseboat",
    "data journalism",
    "eleven provinces",
    "two-stroke",
    "vintage motorcycles",
    "refrigerated trucking",
    "originally appeared",
    "Latest News",
    "cycling club",
    "fireworks barge",
    "cookie",
    "Subscribe from",
    "Most read",
)


# =========================================================================== (a) structure


def _files(suffix: str) -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.suffix == suffix)


def _jsonl_records() -> list[dict[str, Any]]:
    records = []
    for path in _files(".jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
    return records


def _feed_items() -> list[ET.Element]:
    items = []
    for path in _files(".xml"):
        root = ET.parse(path).getroot()
        assert root.tag == "rss" and root.get("version") == "2.0", path.name
        items.extend(root.iter("item"))
    return items


class _HtmlProbe(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []
        self.meta: dict[str, str] = {}
        self.tags: set[str] = set()
        self._in_title = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._in_title = tag == "title"
        a = dict(attrs)
        key = a.get("property") or a.get("name")
        if tag == "meta" and key and a.get("content"):
            self.meta[key] = a["content"] or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.titles.append(data)
        self.text.append(data)


def _html_probe(path: Path) -> _HtmlProbe:
    probe = _HtmlProbe()
    probe.feed(path.read_text(encoding="utf-8"))
    probe.close()
    return probe


def _all_texts() -> dict[str, str]:
    """Every article's raw text, keyed by a readable name."""
    texts: dict[str, str] = {}
    for path in _files(".txt"):
        texts[path.name] = path.read_text(encoding="utf-8")
    for path in _files(".html"):
        texts[path.name] = " ".join(_html_probe(path).text)
    for i, rec in enumerate(_jsonl_records(), 1):
        texts[f"jsonl:{i}"] = f"{rec['title']}\n{rec['text']}"
    for item in _feed_items():
        texts[f"feed:{item.findtext('guid')}"] = f"{item.findtext('title')}\n{item.findtext(CONTENT_NS)}"
    return texts


def test_corpus_has_every_format() -> None:
    assert len(_files(".txt")) >= 8
    assert 2 <= len(_files(".html")) <= 3
    assert len(_files(".jsonl")) == 1
    assert len(_files(".xml")) == 1


def test_txt_headers_follow_the_crawler_conventions() -> None:
    headers = {}
    for path in _files(".txt"):
        text = path.read_text(encoding="utf-8")
        assert text.strip(), path.name
        first = text.splitlines()[0]
        m = DATE_HEADER.match(first)
        if first.lstrip().startswith("date "):
            assert m, f"{path.name}: malformed date header {first!r}"
        headers[path.name] = m
    with_header = [n for n, m in headers.items() if m]
    assert len(with_header) >= 5
    assert any(m and m.group(2) == "200" for m in headers.values()), "no crawl status after the date"
    assert any(m and m.group(3) for m in headers.values()), "no date line running on into the body"
    assert len(headers) - len(with_header) >= 2, "need txt files without a date header"


def test_jsonl_records_are_complete() -> None:
    records = _jsonl_records()
    assert 3 <= len(records) <= 4
    for rec in records:
        assert {"url", "title", "published", "source", "authors", "text"} <= set(rec)
        assert isinstance(rec["authors"], list)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", rec["published"])
    assert all("section" in rec for rec in records), "the unknown field is missing"


def test_feed_is_rss_with_encoded_content() -> None:
    items = _feed_items()
    assert len(items) == 2
    for item in items:
        assert item.findtext("title") and item.findtext("pubDate") and item.findtext("guid")
        body = item.findtext(CONTENT_NS) or ""
        assert "<p>" in body


@pytest.mark.parametrize("path", _files(".html"), ids=lambda p: p.name)
def test_html_pages_have_title_metadata_and_chrome(path: Path) -> None:
    probe = _html_probe(path)
    assert "".join(probe.titles).strip()
    for key in ("og:title", "og:site_name", "article:published_time", "author"):
        assert probe.meta.get(key), f"{path.name}: no {key}"
    assert {"nav", "header", "footer", "aside"} <= probe.tags
    assert "cookie" in " ".join(probe.text).lower()


def test_article_count_lengths_and_stories() -> None:
    texts = _all_texts()
    assert 14 <= len(texts) <= 24
    for name, text in texts.items():
        n = len(text.split())
        if name.startswith("feed:"):
            assert 80 <= n <= 450, (name, n)
        else:
            assert 80 <= n <= 500, (name, n)  # 80-450 words of body (short wire items too), plus page chrome
    levee = [n for n, t in texts.items() if any(k in t for k in ("Kestrel Ford", "Millbank", "Tamsin"))]
    summit = [n for n, t in texts.items() if any(k in t for k in ("Port Aldane", "Halvik", "Quennell"))]
    assert len(levee) >= 9 and len(summit) >= 7
    assert not set(levee) & set(summit)
    off = [n for n in texts if n not in levee and n not in summit]
    assert off == ["off_meridian_glassworks.html"]


def test_no_text_shared_with_the_seeds() -> None:
    """The corpus is written for the project: no 10-word run of third-party seed text."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", text.lower())

    grams = set()
    for path in SEEDS.iterdir():
        w = words(path.read_text(encoding="utf-8", errors="replace"))
        grams.update(tuple(w[i : i + 10]) for i in range(len(w) - 9))
    for name, text in _all_texts().items():
        w = words(text)
        shared = [" ".join(w[i : i + 10]) for i in range(len(w) - 9) if tuple(w[i : i + 10]) in grams]
        assert not shared, (name, shared[:1])


# =========================================================================== (b) end to end


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Any:
    pipeline = pytest.importorskip("newsdesk.pipeline")
    if not hasattr(pipeline, "analyze_paths"):
        pytest.skip("newsdesk.pipeline.analyze_paths does not exist yet")
    from newsdesk.options import Options

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    return pipeline.analyze_paths([CORPUS], Options(db_url=f"sqlite:///{db}"), store=None)


def _find(report: Any, name: str, title: str | None = None) -> Any:
    hits = [
        a
        for a in report.articles
        if Path(a.article.path).name == name and (title is None or title in (a.article.title or ""))
    ]
    assert len(hits) == 1, f"{name} {title!r}: {len(hits)} matches"
    return hits[0]


def _story(report: Any, ar: Any) -> Any:
    assert ar.story_id is not None, f"{ar.article.path} has no story"
    return next(s for s in report.stories if s.id == ar.story_id)


def _codes(ar: Any) -> set[str]:
    return {f.code for f in ar.flags}


def _num(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _body(ar: Any) -> str:
    art = ar.article
    if art.body_segments:
        return "\n".join(art.text[s:e] for s, e in art.body_segments)
    return art.text[art.body_span[0] : art.body_span[1]]


def _side(conflict: Any, value: Any) -> Any:
    for side in conflict.sides:
        if side.value == value or (_num(value) is not None and _num(side.value) == _num(value)):
            return side
    return None


# Convenience accessors for the articles the features live in.
def _a01(r: Any) -> Any:
    return _find(r, "a01_northgate_levee_breach.txt")


def _b01(r: Any) -> Any:
    return _find(r, "b01_crescent_times_summit.txt")


def test_every_article_read_without_errors(report: Any) -> None:
    assert report.errors == ()
    assert len(report.articles) == 22


def test_metadata_from_every_reader(report: Any) -> None:
    copy = _find(report, "a02_evening_post_levee_copy.txt")
    assert copy.article.published == "2026-03-04"  # the crawl status 200 is not part of the date
    assert copy.article.published_source == "header"

    runon = _find(report, "a04_harbor_ledger_day_two.txt")
    assert runon.article.published == "2026-03-05"
    assert runon.article.source == "Harbor Ledger"
    assert "Mara Ionescu" in runon.article.authors
    assert runon.article.title_source == "absent"
    assert _body(runon).lstrip().startswith("The death toll")

    page = _find(report, "a03_harbor_ledger_levee.html")
    assert page.article.title == "Kestrel Ford levee breach: 1,200 evacuated as Tamsin floods town"
    assert page.article.published == "2026-03-04"
    assert page.article.published_source == "html-meta"
    assert page.article.source == "Harbor Ledger"
    body = _body(page)
    assert "65-meter breach" in body
    for chrome in ("We use cookies", "Rail timetable changes", "All rights reserved", "Accept all"):
        assert chrome not in body

    rec = _find(report, "wire_archive.jsonl", "Millbank toll rises")
    assert rec.article.published == "2026-03-05"
    assert rec.article.published_source == "jsonl"
    assert rec.article.source == "Tamsin Valley Herald"
    assert dict(rec.article.extra).get("section") == "Region"

    item = _find(report, "aldmoor_radio_feed.xml", "toll reaches five")
    assert item.article.published == "2026-03-05"
    assert item.article.published_source == "feed"

    assert _find(report, "b06_freight_column_no_headline.txt").article.title_source == "absent"


def test_two_stories_and_the_off_story_article(report: Any) -> None:
    levee = {
        _find(report, n, t).story_id
        for n, t in [
            ("a01_northgate_levee_breach.txt", None),
            ("a02_evening_post_levee_copy.txt", None),
            ("a03_harbor_ledger_levee.html", None),
            ("a04_harbor_ledger_day_two.txt", None),
            ("a05_riverbend_courier_shelters.txt", None),
            ("a07_valley_voice_mud_line.txt", None),
            ("wire_archive.jsonl", "Millbank toll rises"),
            ("aldmoor_radio_feed.xml", "toll reaches five"),
        ]
    }
    summit = {
        _find(report, n, t).story_id
        for n, t in [
            ("b01_crescent_times_summit.txt", None),
            ("b02_sarnessa_observer_summit.html", None),
            ("b04_port_aldane_chronicle_summit.txt", None),
            ("b06_freight_column_no_headline.txt", None),
            ("wire_archive.jsonl", "Halvik and Quennell sign"),
            ("wire_archive.jsonl", "Shipping and grain shares"),
            ("aldmoor_radio_feed.xml", "Port Aldane summit"),
        ]
    }
    assert len(levee) == 1 and None not in levee
    assert len(summit) == 1 and None not in summit
    assert levee != summit
    off = _find(report, "off_meridian_glassworks.html")
    assert off.story_id not in levee | summit
    if off.story_id is not None:
        assert _story(report, off).article_ids == (off.article.id,)


def test_syndicated_copy(report: Any) -> None:
    original, copy = _a01(report), _find(report, "a02_evening_post_levee_copy.txt")
    assert copy.duplicate is not None
    assert copy.duplicate.duplicate_of == original.article.id
    assert original.duplicate is None
    assert "syndicated_copy" in _codes(copy)
    assert "syndicated_copy" not in _codes(original)
    assert copy.story_id == original.story_id


def test_date_conflict_monday_vs_tuesday(report: Any) -> None:
    tuesday, monday = _b01(report), _find(report, "b04_port_aldane_chronicle_summit.txt")
    story = _story(report, tuesday)
    dates = [c for c in story.conflicts if c.kind == "date"]
    assert dates, "no date conflict in the summit story"
    hit = [c for c in dates if _side(c, "2026-03-10") and _side(c, "2026-03-09")]
    assert hit, [(c.description, [s.value for s in c.sides]) for c in dates]
    conflict = hit[0]
    assert tuesday.article.id in _side(conflict, "2026-03-10").article_ids
    assert monday.article.id in _side(conflict, "2026-03-09").article_ids
    for side in conflict.sides:
        assert side.evidence
    # Each side says which words gave its date and how: a weekday counted back from the publication day.
    (read,) = [r for r in _side(conflict, "2026-03-09").readings if r.article_id == monday.article.id]
    assert read.text == "Monday" and "publication date 2026-03-11" in (read.how or "")


def test_number_conflict_on_the_fund(report: Any) -> None:
    low, high = _b01(report), _find(report, "b02_sarnessa_observer_summit.html")
    story = _story(report, low)
    numbers = [c for c in story.conflicts if c.kind == "number"]
    hit = [c for c in numbers if _side(c, 2.4e9) and _side(c, 3.1e9)]
    assert hit, [(c.description, [s.value for s in c.sides]) for c in numbers]
    assert low.article.id in _side(hit[0], 2.4e9).article_ids
    assert high.article.id in _side(hit[0], 3.1e9).article_ids
    texts = {a.article.id: a.article.text for a in report.articles}
    for side in hit[0].sides:
        for span in side.evidence:
            assert texts[span.article_id][span.start : span.end] == span.text


def test_number_conflict_on_the_breach_width(report: Any) -> None:
    story = _story(report, _a01(report))
    assert any(c.kind == "number" and _side(c, 40) and _side(c, 65) for c in story.conflicts)


def test_corroborated_evacuation_figure(report: Any) -> None:
    story = _story(report, _a01(report))
    facts = [f for f in story.facts if f.kind == "quantity" and _num(f.value) == 1200]
    assert facts, "no 1,200 fact"
    best = max(facts, key=lambda f: len({m.article_id for m in f.mentions}))
    assert best.status == "corroborated"
    assert len({m.article_id for m in best.mentions}) >= 3
    assert best.independent_sources >= 3  # the syndicated copy does not count twice
    independent = {
        _a01(report).article.id,
        _find(report, "a03_harbor_ledger_levee.html").article.id,
        _find(report, "wire_archive.jsonl", "Millbank toll rises").article.id,
    }
    assert independent <= {m.article_id for m in best.mentions}
    texts = {a.article.id: a.article.text for a in report.articles}
    for m in best.mentions:
        assert texts[m.article_id][m.start : m.end] == m.text


def test_rising_toll_is_an_update_not_a_conflict(report: Any) -> None:
    story = _story(report, _a01(report))
    for c in story.conflicts:
        values = {_num(s.value) for s in c.sides}
        assert not {3.0, 5.0} <= values, f"the toll update was reported as a conflict: {c.description}"
    fives = [f for f in story.facts if f.kind == "quantity" and _num(f.value) == 5]
    assert any("update" in (f.note or "") for f in fives), [f.note for f in fives]


def _quote(story: Any, words: str) -> Any:
    hits = [f for f in story.facts if f.kind == "quote" and words in f.text]
    assert hits, f"no quote fact with {words!r}"
    return hits[0]


def test_pronoun_and_description_speakers_resolved(report: Any) -> None:
    story = _story(report, _a01(report))
    assert _quote(story, "faster than I could move the flour sacks").speaker == "Dana Whitlock"
    assert "Brandt" in (_quote(story, "a dry bed and a hot meal").speaker or "")


def test_indirect_statement_by_the_mayor(report: Any) -> None:
    day_two = _find(report, "a04_harbor_ledger_day_two.txt")
    story = _story(report, day_two)
    hits = [
        f
        for f in story.facts
        if f.kind == "statement"
        and "Brandt" in (f.speaker or "")
        and any(m.article_id == day_two.article.id and "rebuild the levee" in m.text for m in f.mentions)
    ]
    assert hits, [(f.speaker, f.text) for f in story.facts if f.kind == "statement"]


def test_same_quote_in_two_outlets_is_corroborated(report: Any) -> None:
    story = _story(report, _b01(report))
    fact = _quote(story, "tonight we laid the first stone")
    assert fact.status == "corroborated"
    assert "Quennell" in (fact.speaker or "")
    assert {
        _b01(report).article.id,
        _find(report, "wire_archive.jsonl", "Halvik and Quennell sign").article.id,
    } <= {m.article_id for m in fact.mentions}


def test_one_quote_two_speakers(report: Any) -> None:
    story = _story(report, _b01(report))
    hits = [c for c in story.conflicts if c.kind == "speaker"]
    assert hits
    speakers = " | ".join(str(s.value) for c in hits for s in c.sides)
    assert "Halvik" in speakers and "Osterby" in speakers


def test_quote_contradicts_narrative(report: Any) -> None:
    story = _story(report, _b01(report))
    hits = [c for c in story.conflicts if c.kind == "quote_vs_narrative" and _side(c, 3) and _side(c, 4)]
    assert hits, [(c.kind, c.description) for c in story.conflicts]
    assert _b01(report).article.id in _side(hits[0], 3).article_ids


def test_she_is_the_minister_not_her_counterpart(report: Any) -> None:
    story = _story(report, _b01(report))
    assert _quote(story, "We have met three times").speaker == "Nadia Korvel"


def test_recycled_article_and_unsupported_headline(report: Any) -> None:
    recycled = _find(report, "a08_recycled_inquiry_headline.txt")
    old = _find(report, "wire_archive.jsonl", "Sandbag Lines Hold")
    assert old.article.published == "2019-03-18"
    assert recycled.duplicate is not None and recycled.duplicate.duplicate_of == old.article.id
    assert {"stale_content", "headline_mismatch"} <= _codes(recycled)
    assert "stale_content" not in _codes(old)
    for ar in (_a01(report), _b01(report)):
        assert not {"stale_content", "headline_mismatch"} & _codes(ar)


def test_missing_date_flags(report: Any) -> None:
    for name in ("a05_riverbend_courier_shelters.txt", "b06_freight_column_no_headline.txt"):
        ar = _find(report, name)
        assert ar.article.published is None
        assert ar.article.published_source == "absent"
        assert "missing_date" in _codes(ar)
    for ar in report.articles:
        if ar.article.published is not None:
            assert "missing_date" not in _codes(ar), ar.article.path


def test_boilerplate_flags(report: Any) -> None:
    for name in (
        "a02_evening_post_levee_copy.txt",  # "This article originally appeared at ..."
        "a04_harbor_ledger_day_two.txt",  # "About the author" + bio
        "a05_riverbend_courier_shelters.txt",  # repeated caption + "Latest News"
        "b04_port_aldane_chronicle_summit.txt",  # "Related" tail
        "b06_freight_column_no_headline.txt",  # "Author" + bio
    ):
        assert "boilerplate" in _codes(_find(report, name)), name
    for name, marker in (
        ("a04_harbor_ledger_day_two.txt", "houseboat"),
        ("b06_freight_column_no_headline.txt", "two-stroke"),
    ):
        art = _find(report, name).article
        pos = art.text.find(marker)
        assert pos >= 0
        assert any(s.start <= pos < s.end and s.kind.startswith("boilerplate") for s in art.segments), (
            f"{name}: the bio is not a boilerplate segment"
        )
        assert not any(s <= pos < e for s, e in art.body_segments)


def test_unresolved_pronoun_speaker(report: Any) -> None:
    ar = _find(report, "a07_valley_voice_mud_line.txt")
    flags = [f for f in ar.flags if f.code == "unresolved_speaker"]
    assert flags
    assert any("did not knock" in e.text for f in flags for e in f.evidence)
    story = _story(report, ar)
    assert _quote(story, "did not knock").speaker is None
    resolved = _a01(report)
    for f in resolved.flags:
        if f.code == "unresolved_speaker":
            assert not any("flour sacks" in e.text for e in f.evidence)


def test_no_boilerplate_in_any_claim(report: Any) -> None:
    def texts(story: Any) -> list[str]:
        out = [story.title]
        for f in story.facts:
            out += [f.text, str(f.subject or ""), str(f.speaker or "")]
            out += [m.text for m in f.mentions]
        out += [q.text for q in story.quotes]
        out += [t.text for t in story.timeline]
        out += [s.text for s in story.summary]
        return out

    for story in report.stories:
        for text in texts(story):
            for marker in BOILERPLATE_MARKERS:
                assert marker.lower() not in text.lower(), (story.title, marker, text)


def test_date_mismatch_between_header_and_body(report: Any) -> None:
    ar = _find(report, "a09_millbank_gazette_returning.txt")
    flag = next(f for f in ar.flags if f.code == "date_mismatch")
    assert any(e.text == "yesterday" for e in flag.evidence)
    assert any("March 4" in e.text for e in flag.evidence)


def test_off_story_article_shares_names_but_not_the_event(report: Any) -> None:
    library = _find(report, "off_kestrel_library_opening.txt")
    assert library.story_id != _a01(report).story_id
    assert "off_story" in _codes(library)


def test_statement_conflict_same_speaker_affirms_and_denies(report: Any) -> None:
    b07 = _find(report, "b07_veshk_ledger_grain.txt")
    b08 = _find(report, "b08_sarnessa_farm_weekly.txt")
    story = _story(report, b07)
    hits = [c for c in story.conflicts if c.kind == "statement"]
    assert hits, [(c.kind, c.description) for c in story.conflicts]
    ids = {a for side in hits[0].sides for a in side.article_ids}
    assert {b07.article.id, b08.article.id} <= ids
    assert "Amara Quennell" in hits[0].description


def test_dateline_is_not_a_speaker(report: Any) -> None:
    b07 = _find(report, "b07_veshk_ledger_grain.txt")
    assert b07.article.source == "Veshk Ledger"
    assert any(s.kind == "dateline" for s in b07.article.segments)
