"""Article warnings on invented articles: every flag carries spans of the article's text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsdesk.flags import flag_articles
from newsdesk.options import Options
from newsdesk.records import Article, DuplicateInfo, Entity, Extraction, Flag, Quote, Segment, TimeRef

OPTIONS = Options()


def build(
    aid: str,
    header: str | None,
    title: str | None,
    paragraphs: list[str],
    extra: list[tuple[str, str]] = (),  # type: ignore[assignment]
    published: str | None = "2026-03-10",
    source: str | None = "Harbor Post",
) -> Article:
    """Assemble text from parts and record segments the way clean does."""
    text, segments, body = "", [], []
    if header is not None:
        segments.append(Segment(0, len(header), "header"))
        text = header + "\n"
    if title is not None:
        segments.append(Segment(len(text), len(text) + len(title), "title"))
        text += title + "\n\n"
    for p in paragraphs:
        body.append((len(text), len(text) + len(p)))
        text += p + "\n\n"
    for kind, p in extra:
        segments.append(Segment(len(text), len(text) + len(p), kind))
        text += p + "\n\n"
    return Article(
        id=aid,
        path=f"{aid}.txt",
        fmt="txt",
        text=text,
        title=title,
        title_source="first-line" if title else "absent",
        published=published,
        published_source="header" if header and published else ("absent" if not published else "jsonl"),
        source=source,
        body_span=(body[0][0], body[-1][1]) if body else (0, len(text)),
        segments=tuple(segments),
        body_segments=tuple(body),
    )


def at(article: Article, sub: str, n: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(n + 1):
        start = article.text.index(sub, start + 1)
    return start, start + len(sub)


def timex(article: Article, sub: str, value: str) -> TimeRef:
    s, e = at(article, sub)
    return TimeRef(s, e, sub, "DATE", value)


def ext(article: Article, **kw) -> Extraction:
    sents = tuple((m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?][\"”]?", article.text))
    return Extraction(article_id=article.id, version="test", sentences=sents, **kw)


def flags_for(articles, extractions=None, duplicates=None, story_of=None) -> dict[str, tuple[Flag, ...]]:
    extractions = extractions or {a.id: ext(a) for a in articles}
    story_of = story_of if story_of is not None else {a.id: "s1" for a in articles}
    out = flag_articles(articles, extractions, duplicates or {}, story_of, OPTIONS)
    by_id = {a.id: a for a in articles}
    for aid, flags in out.items():
        for f in flags:
            assert f.evidence, f
            for sp in f.evidence:
                assert sp.article_id == aid
                assert by_id[aid].text[sp.start : sp.end] == sp.text
    return out


def codes(flags: tuple[Flag, ...]) -> set[str]:
    return {f.code for f in flags}


BODY = [
    "Ferry workers in Port Calder extended their strike on Monday, union leader Tomas Brevik said.",
    "The Calder Ferry Company said it had offered a 3% raise, which the union rejected.",
]


def test_clean_article_has_no_flags() -> None:
    a = build("a1", " date 2026-03-10", "Port Calder ferry strike extended by union", BODY)
    assert flags_for([a])["a1"] == ()


def test_missing_date_points_at_the_header_region() -> None:
    a = build("a1", None, "Port Calder ferry strike extended", BODY, published=None)
    (flag,) = [f for f in flags_for([a])["a1"] if f.code == "missing_date"]
    assert flag.evidence[0].start == 0 and "Port Calder" in flag.evidence[0].text


def test_date_mismatch_relative_vs_explicit_in_one_sentence() -> None:
    a = build(
        "a1",
        " date 2026-03-10",
        "Council votes on the harbor budget",
        ["Yesterday, on March 3, the council voted to expand the harbor budget, officials said."],
    )
    x = ext(a, timexes=(timex(a, "Yesterday", "2026-03-09"), timex(a, "on March 3", "2026-03-03")))
    (flag,) = [f for f in flags_for([a], {"a1": x})["a1"] if f.code == "date_mismatch"]
    assert {"Yesterday", "on March 3"} <= {s.text for s in flag.evidence}


def test_date_mismatch_past_event_after_publication() -> None:
    a = build(
        "a1",
        " date 2026-03-10",
        "Council budget vote",
        ["The council voted on March 20 to expand the harbor budget, officials said."],
    )
    x = ext(a, timexes=(timex(a, "on March 20", "2026-03-20"),))
    assert "date_mismatch" in codes(flags_for([a], {"a1": x})["a1"])


def test_future_plans_are_not_a_date_mismatch() -> None:
    a = build(
        "a1",
        " date 2026-03-10",
        "Council budget vote",
        ["The council said it will vote on March 20 on the harbor budget."],
    )
    x = ext(a, timexes=(timex(a, "on March 20", "2026-03-20"),))
    assert "date_mismatch" not in codes(flags_for([a], {"a1": x})["a1"])


def test_stale_content_from_old_dated_references() -> None:
    a = build(
        "a1",
        " date 2026-03-10",
        "Harbor tunnel opens",
        ["The tunnel opened on June 4, 2019, and tolls were cut on July 1, 2019, the authority said."],
    )
    x = ext(a, timexes=(timex(a, "June 4, 2019", "2019-06-04"), timex(a, "July 1, 2019", "2019-07-01")))
    (flag,) = [f for f in flags_for([a], {"a1": x})["a1"] if f.code == "stale_content"]
    assert {s.text for s in flag.evidence} == {"June 4, 2019", "July 1, 2019"}


def test_stale_content_copy_of_older_article() -> None:
    old = build("a0", " date 2023-01-05", "Harbor tunnel opens", BODY, published="2023-01-05")
    new = build("a1", " date 2026-03-10", "Tunnel news", BODY, published="2026-03-10")
    span = new.body_segments[0]
    dups = {"a1": DuplicateInfo("a1", "a0", 0.97, "near", (span,))}
    flags = flags_for([old, new], duplicates=dups)["a1"]
    assert {"stale_content", "syndicated_copy"} <= codes(flags)


def test_headline_mismatch_ignores_captions() -> None:
    a = build(
        "a1",
        " date 2026-03-10",
        "Volcano eruption forces airport closure in Merrow",
        BODY,
        extra=[("caption", "Volcano eruption near the Merrow airport closure")],
    )
    (flag,) = [f for f in flags_for([a])["a1"] if f.code == "headline_mismatch"]
    assert "Volcano" in {s.text for s in flag.evidence}


def test_boilerplate_lists_every_removed_segment() -> None:
    a = build(
        "a1",
        " date 2026-03-10",
        "Port Calder ferry strike extended by union",
        BODY,
        extra=[
            ("boilerplate:author-bio", "Jane Roe has covered ports for ten years."),
            ("boilerplate:related", "Latest News"),
        ],
    )
    (flag,) = [f for f in flags_for([a])["a1"] if f.code == "boilerplate"]
    assert [s.text for s in flag.evidence] == ["Jane Roe has covered ports for ten years.", "Latest News"]


def test_duplicate_paragraph_from_identical_body_paragraphs() -> None:
    a = build("a1", " date 2026-03-10", "Port Calder ferry strike extended by union", [*BODY, BODY[0]])
    (flag,) = [f for f in flags_for([a])["a1"] if f.code == "duplicate_paragraph"]
    assert len(flag.evidence) == 2


def test_unresolved_speaker() -> None:
    a = build(
        "a1",
        " date 2026-03-10",
        "Port Calder ferry strike extended by union",
        [*BODY, '"We are not going back," he said.'],
    )
    s, e = at(a, "We are not going back,")
    hs = at(a, "he said")[0]
    x = ext(a, quotes=(Quote(s, e, "We are not going back,", True, None, speaker_span=(hs, hs + 2)),))
    (flag,) = [f for f in flags_for([a], {"a1": x})["a1"] if f.code == "unresolved_speaker"]
    assert {"We are not going back,", "he"} == {sp.text for sp in flag.evidence}


def _with_entities(article: Article, names: list[str]) -> Extraction:
    ents = []
    for n in names:
        s = article.text.index(n, article.body_segments[0][0])
        e = s + len(n)
        ents.append(Entity(s, e, n, "PERSON" if " " in n else "GPE"))
    return ext(article, entities=tuple(ents))


def test_off_story_shares_entities_with_a_story() -> None:
    text = ["Tomas Brevik met Ines Varga in Port Calder about the Calder Ferry Company strike."]
    a1 = build("a1", " date 2026-03-10", "Strike talks in Port Calder", text)
    a2 = build("a2", " date 2026-03-10", "Strike talks in Port Calder", text, source="Valley News")
    a3 = build("a3", " date 2026-03-11", "Apple harvest", text, source="Orchard Daily")
    names = ["Tomas Brevik", "Ines Varga", "Port Calder"]
    extractions = {a.id: _with_entities(a, names) for a in (a1, a2, a3)}
    flags = flags_for([a1, a2, a3], extractions, story_of={"a1": "s1", "a2": "s1", "a3": None})
    (flag,) = [f for f in flags["a3"] if f.code == "off_story"]
    assert {s.text for s in flag.evidence} == set(names)
    assert "off_story" not in codes(flags["a1"])


@pytest.mark.slow
def test_seed_004_has_flags(seeds_dir: Path) -> None:
    ingest = pytest.importorskip("newsdesk.ingest")
    clean = pytest.importorskip("newsdesk.clean")
    if not hasattr(ingest, "iter_sources"):
        pytest.skip("ingest not wired yet")
    from newsdesk.nlp.pipeline import annotate

    paths = [str(p) for p in sorted(seeds_dir.glob("004_*.txt"))]
    articles = [
        clean.clean(r, OPTIONS.ingest)
        for r in ingest.iter_sources(paths, OPTIONS.ingest)
        if hasattr(r, "content")
    ]
    extractions = {x.article_id: x for x in annotate(articles, OPTIONS.nlp) if isinstance(x, Extraction)}
    flags = flags_for(articles, extractions, story_of={a.id: None for a in articles})
    for a in articles:  # the undated 2019 article: no date to trust, and its repeated photo caption
        assert {"missing_date", "duplicate_paragraph"} <= codes(flags[a.id])
        assert all(f.evidence for f in flags[a.id])


def test_figurative_headline_anchored_by_a_body_entity_is_not_flagged() -> None:
    a = build(
        "a1",
        " date 2026-03-10",
        "Mud Line on the Kitchen Door: Port Calder Counts the Cost",
        BODY,
    )
    s = a.text.index("Port Calder", a.body_segments[0][0])
    x = ext(a, entities=(Entity(s, s + len("Port Calder"), "Port Calder", "GPE"),))
    assert "headline_mismatch" not in codes(flags_for([a], {"a1": x})["a1"])


def test_recycled_headline_about_other_entities_is_flagged() -> None:
    a = build(
        "a1", " date 2026-03-10", "Governor Orders Inquiry Into Dam Operator After Deadly Collapse", BODY
    )
    s = a.text.index("Port Calder", a.body_segments[0][0])
    x = ext(a, entities=(Entity(s, s + len("Port Calder"), "Port Calder", "GPE"),))
    (flag,) = [f for f in flags_for([a], {"a1": x})["a1"] if f.code == "headline_mismatch"]
    assert {"Governor", "Inquiry", "Dam"} <= {sp.text for sp in flag.evidence}


def test_unnamed_group_sources_are_not_unresolved() -> None:
    a = build(
        "a1",
        " date 2026-03-10",
        "Port Calder ferry strike extended by union",
        [*BODY, "Officials said talks would resume."],
    )
    s, e = at(a, "talks would resume")
    os_, oe = at(a, "Officials")
    q = Quote(
        s,
        e,
        "talks would resume",
        False,
        None,
        speaker_span=(os_, oe),
        reason="unresolved_speaker: unnamed source 'Officials'",
    )
    assert "unresolved_speaker" not in codes(flags_for([a], {"a1": ext(a, quotes=(q,))})["a1"])


def test_relative_and_explicit_dates_of_different_days_are_not_a_mismatch() -> None:
    a = build(
        "a1",
        " date 2026-03-10",
        "Council debates the harbor budget",
        ["Yesterday the council debated the budget it had approved on March 3, officials said."],
    )
    x = ext(a, timexes=(timex(a, "Yesterday", "2026-03-09"), timex(a, "on March 3", "2026-03-03")))
    assert "date_mismatch" not in codes(flags_for([a], {"a1": x})["a1"])


def test_duplicate_paragraph_segment_from_the_cleaner() -> None:
    a = build(
        "a1",
        " date 2026-03-10",
        "Port Calder ferry strike extended by union",
        BODY,
        extra=[
            ("caption", "Ferry workers picket the Port Calder terminal"),
            ("duplicate-paragraph", "Ferry workers picket the Port Calder terminal"),
        ],
    )
    (flag,) = [f for f in flags_for([a])["a1"] if f.code == "duplicate_paragraph"]
    assert [s.text for s in flag.evidence] == ["Ferry workers picket the Port Calder terminal"] * 2


def test_syndicated_copy_points_at_shared_text() -> None:
    a0 = build("a0", " date 2026-03-10", "Port Calder ferry strike extended by union", BODY)
    a1 = build("a1", " date 2026-03-10", "Port Calder ferry strike extended by union", BODY, source="Wire")
    shared = a1.body_segments
    dups = {"a1": DuplicateInfo("a1", "a0", 0.98, "near", shared)}
    flags = flags_for([a0, a1], duplicates=dups)
    (flag,) = [f for f in flags["a1"] if f.code == "syndicated_copy"]
    assert [s.text for s in flag.evidence] == BODY
    assert "a0" in flag.message
    assert "stale_content" not in codes(flags["a1"])  # same day: a copy, not a recycled article
    assert flags["a0"] == ()


@pytest.mark.parametrize(
    "sentence",
    [
        "The new bridge is due to open in 2019, the council said.",
        "Officials said the plant will close by 2018 and its staff would move to Merrow.",
        "The ministry plans to finish the ring road in 2020.",
        "Dredging of the harbour mouth is expected to start before 2017.",
    ],
)
def test_stale_content_when_the_body_looks_forward_to_a_year_already_past(sentence: str) -> None:
    a = build("a1", " date 2026-03-10", "Harbor news", [BODY[0], sentence])
    (flag,) = [f for f in flags_for([a])["a1"] if f.code == "stale_content"]
    assert "written before" in flag.message and len(flag.evidence) == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "The bridge was due to open in 2019 but is still unfinished.",
        "The plant will close by 2028, the company said.",
        "The ring road opened in 2020 after years of delays.",
        "Officials were expected to finish the survey in 2021; they never did.",
    ],
)
def test_looking_back_or_ahead_of_the_date_is_not_stale(sentence: str) -> None:
    a = build("a1", " date 2026-03-10", "Harbor news", [BODY[0], sentence])
    assert "stale_content" not in codes(flags_for([a])["a1"])
