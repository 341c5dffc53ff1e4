"""A whole dossier built from three invented articles with hand-made extractions."""

from __future__ import annotations

import re

from rich.console import Console

from newsdesk.dossier import build_story, terminal
from newsdesk.options import Options
from newsdesk.records import Article, Event, Extraction, Quantity, Quote, Segment

A1 = (
    "Mayor Ines Varga met Governor Paul Oduya at city hall on Monday. "
    "The city will spend 61,000 euros on new ferry berths, the mayor said. "
    "About 4,000 commuters use the ferry every day. "
    '"We will stay out until the company puts a real offer on the table," Tomas Brevik said. '
    "Officials said 12 people were hurt in the crush at the terminal.\n\n"
    "Jane Roe has covered the harbor for ten years and lives in Port Calder with 4,000 books."
)
A2 = (
    "Governor Oduya held talks with Mayor Varga at city hall on Tuesday. "
    "The city will spend 61,000 euros on ferry berths, officials confirmed. "
    "Some 4,000 commuters use the ferry each day, the company said. "
    '"We will stay out until the company puts a real offer on the table," union leader Tomas Brevik said.'
)
A3 = (
    "The harbor crush left 14 people hurt at the terminal, officials said on Wednesday. "
    "About 4,000 commuters rely on the ferry daily, and the city will spend 61,000 euros on berths. "
    '"Nobody leaves this terminal tonight," he said.'
)


def at(text: str, sub: str) -> tuple[int, int]:
    s = text.index(sub)
    return s, s + len(sub)


def art(aid: str, text: str, published: str, source: str, title: str, bio: str | None = None) -> Article:
    body_end = text.index(bio) - 2 if bio else len(text)
    segments = (Segment(text.index(bio), len(text), "boilerplate:author-bio"),) if bio else ()
    return Article(
        id=aid,
        path=f"{aid}.txt",
        fmt="txt",
        text=text,
        title=title,
        title_source="jsonl",
        published=published,
        published_source="jsonl",
        source=source,
        body_span=(0, body_end),
        segments=segments,
        body_segments=((0, body_end),),
    )


def sentences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?][\"”]?", text))


def q(text: str, sub: str, value: float, unit: str, subject: str, low=None, high=None) -> Quantity:
    s, e = at(text, sub)
    return Quantity(s, e, sub, value, low, high, unit, subject=subject)


def ev(text: str, trig: str, who: tuple[str, ...], date: str, timex: str) -> Event:
    s = 0
    e = text.index(".") + 1
    ts, te = at(text, timex)
    tr = at(text, trig)
    return Event(s, e, trig, tr, who, date, (ts, te), text[s:e])


def quote(text: str, words: str, speaker: str | None) -> Quote:
    s, e = at(text, words)
    return Quote(s, e, words, True, speaker)


WORDS = "We will stay out until the company puts a real offer on the table,"


def _extractions() -> dict[str, Extraction]:
    x1 = Extraction(
        "a1",
        "t",
        sentences(A1),
        quantities=(
            q(A1, "61,000 euros", 61000, "EUR", "ferry berths"),
            q(A1, "About 4,000 commuters", 4000, "commuter", "commuters", 3600, 4400),
            q(A1, "12 people", 12, "people", "people hurt"),
        ),
        quotes=(quote(A1, WORDS, "Tomas Brevik"),),
        events=(ev(A1, "met", ("Ines Varga", "Paul Oduya"), "2026-03-02", "on Monday"),),
    )
    x2 = Extraction(
        "a2",
        "t",
        sentences(A2),
        quantities=(
            q(A2, "61,000 euros", 61000, "EUR", "ferry berths"),
            q(A2, "4,000 commuters", 4000, "commuter", "commuters"),
        ),
        quotes=(quote(A2, WORDS, "Tomas Brevik"),),
        events=(ev(A2, "talks", ("Oduya", "Varga"), "2026-03-03", "on Tuesday"),),
    )
    x3 = Extraction(
        "a3",
        "t",
        sentences(A3),
        quantities=(
            q(A3, "14 people", 14, "people", "people hurt"),
            q(A3, "About 4,000 commuters", 4000, "commuter", "commuters", 3600, 4400),
            q(A3, "61,000 euros", 61000, "EUR", "berths"),
        ),
        quotes=(quote(A3, "Nobody leaves this terminal tonight,", None),),
    )
    return {"a1": x1, "a2": x2, "a3": x3}


def story():
    a1 = art(
        "a1", A1, "2026-03-04", "Harbor Post", "Varga and Oduya meet on ferry berths", bio="Jane Roe has"
    )
    a2 = art("a2", A2, "2026-03-04", "Valley News", "Oduya and Varga agree on ferry berths")
    a3 = art("a3", A3, "2026-03-05", "Calder Times", "Terminal crush injures 14")
    articles = [a3, a1, a2]
    return build_story("s1", articles, _extractions(), {}, Options()), {a.id: a for a in articles}


def test_dossier_layout() -> None:
    s, articles = story()
    assert s.article_ids == ("a1", "a2", "a3")
    assert (s.first_seen, s.last_seen) == ("2026-03-04", "2026-03-05")
    assert s.title in {a.title for a in articles.values()}
    assert [c.kind for c in s.conflicts] == ["date"]
    statuses = [f.status for f in s.facts]
    assert statuses == sorted(statuses, key=["conflicting", "corroborated", "single_source"].index)
    assert {f.id for f in s.facts} == {fid for fid, _ in s.coverage}
    commuters = next(f for f in s.facts if f.unit == "commuter")
    assert commuters.status == "corroborated" and commuters.independent_sources == 3
    assert dict(s.coverage)[commuters.id] == ("a1", "a2", "a3")

    kinds = {t.kind for t in s.timeline}
    assert kinds == {"event", "update", "publication"}
    assert [t.date for t in s.timeline] == sorted(t.date for t in s.timeline)
    update = next(t for t in s.timeline if t.kind == "update")
    assert update.date == "2026-03-05" and "12 -> 14" in update.text

    speakers = [e.speaker for e in s.quotes]
    assert speakers == ["Tomas Brevik", None]
    assert s.quotes[0].article_ids == ("a1", "a2")
    # The board shows the words without the comma the span keeps inside the marks.
    assert s.quotes[0].text == WORDS.rstrip(",")


def test_summary_is_cited_real_sentences_without_boilerplate() -> None:
    s, articles = story()
    assert 3 <= len(s.summary) <= 5
    for sent in s.summary:
        a = articles[sent.article_id]
        assert a.text[sent.span[0] : sent.span[1]] == sent.text
        assert "Jane Roe" not in sent.text
        assert "12 people" not in sent.text  # superseded by the next day's 14
        assert "on Monday" not in sent.text and "on Tuesday" not in sent.text  # disputed, not summarized
        assert sent.fact_ids


def test_terminal_shows_conflicts_first() -> None:
    s, articles = story()
    console = Console(record=True, width=140, color_system=None)
    console.print(terminal(s, articles))
    out = console.export_text()
    assert out.index("conflict") < out.index("Facts") < out.index("Timeline") < out.index("Quotes")
    assert "on Monday" in out and "on Tuesday" in out


def test_build_story_is_deterministic_and_order_independent() -> None:
    first, articles = story()
    assert first == story()[0]
    again = build_story("s1", list(reversed(list(articles.values()))), _extractions(), {}, Options())
    assert again == first


def test_story_says_which_names_its_articles_share() -> None:
    """Why these articles are one story: names at least half of them use, each counted once per article."""
    from dataclasses import replace

    from newsdesk.records import Entity

    s, articles = story()
    ents = {
        "a1": (
            Entity(0, 5, "Ines Varga", "PERSON"),
            Entity(6, 9, "the Calder Port", "FAC"),
            Entity(0, 5, "Varga", "PERSON"),
        ),
        "a2": (Entity(0, 5, "Ines  Varga", "PERSON"), Entity(6, 9, "Calder Port", "FAC")),
        "a3": (
            Entity(0, 5, "Calder Port", "FAC"),
            Entity(6, 9, "TERMINAL - Police", "ORG"),
            Entity(0, 1, "Tomas Brevik", "PERSON"),
        ),
    }
    extractions = {aid: replace(x, entities=ents[aid]) for aid, x in _extractions().items()}
    built = build_story("s1", list(articles.values()), extractions, {}, Options())
    terms = dict(built.shared_terms)
    assert terms["Calder Port"] == 3  # "the" is not part of the name
    assert terms["Ines Varga"] == 2  # spacing does not make another name
    assert "Varga" not in terms  # a part of a shared name adds nothing
    assert "Tomas Brevik" not in terms  # one article is not a tie
    assert not any(" - " in t for t in terms)  # a dateline fused into a name is no name
    assert s.shared_terms == story()[0].shared_terms  # deterministic


def test_a_full_name_is_kept_over_its_part_at_the_same_count() -> None:
    from dataclasses import replace

    from newsdesk.dossier import _shared_terms
    from newsdesk.records import Entity

    _, articles = story()
    ents = (Entity(0, 3, "Ahn", "PERSON"), Entity(4, 20, "Ahn Soo Min", "PERSON"))
    extractions = {aid: replace(x, entities=ents) for aid, x in _extractions().items()}
    assert _shared_terms(list(articles.values()), extractions) == (("Ahn Soo Min", 3),)
