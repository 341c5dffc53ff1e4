"""Cross-source reconciliation on small invented articles with hand-made extractions."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from newsdesk.options import Options, ReconcileOptions
from newsdesk.reconcile import date_compatible, independence_keys, reconcile, subject_tokens
from newsdesk.records import (
    Article,
    DuplicateInfo,
    Entity,
    Event,
    Extraction,
    Quantity,
    Quote,
    Reading,
    TimeRef,
)

OPTS = ReconcileOptions()


# --------------------------------------------------------------------------- builders


def art(aid: str, text: str, published: str | None = "2026-03-02", source: str | None = None) -> Article:
    return Article(
        id=aid,
        path=f"{aid}.txt",
        fmt="txt",
        text=text,
        title=None,
        title_source="absent",
        published=published,
        published_source="header" if published else "absent",
        source=source,
        body_span=(0, len(text)),
        body_segments=((0, len(text)),),
    )


def at(text: str, sub: str, n: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(n + 1):
        start = text.index(sub, start + 1)
    return start, start + len(sub)


def sentences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?][\"”]?", text))


def qty(text: str, sub: str, value: float, unit: str | None, subject: str | None = None, **kw) -> Quantity:
    s, e = at(text, sub)
    return Quantity(s, e, sub, value, kw.pop("low", None), kw.pop("high", None), unit, subject=subject, **kw)


def quote(
    text: str, sub: str, speaker: str | None, direct: bool = True, speaker_at: str | None = None
) -> Quote:
    s, e = at(text, sub)
    sp = at(text, speaker_at) if speaker_at else None
    return Quote(s, e, sub, direct, speaker, speaker_span=sp)


def event(text: str, sentence: str, trigger: str, who: tuple[str, ...], date: str, timex: str) -> Event:
    s, e = at(text, sentence)
    ts = text.index(timex, s)
    trig = text.lower().index(trigger, s)
    return Event(s, e, trigger, (trig, trig + len(trigger)), who, date, (ts, ts + len(timex)), sentence)


def ext(article: Article, quantities=(), quotes=(), events=()) -> Extraction:
    return Extraction(
        article_id=article.id,
        version="test",
        sentences=sentences(article.text),
        quantities=tuple(quantities),
        quotes=tuple(quotes),
        events=tuple(events),
    )


def run(pairs, duplicates=None, options=OPTS):
    articles = [a for a, _ in pairs]
    return reconcile(articles, {a.id: x for a, x in pairs}, duplicates or {}, options)


def check_spans(articles, facts, conflicts) -> None:
    texts = {a.id: a.text for a in articles}
    for f in facts:
        assert f.mentions
        for m in f.mentions:
            assert texts[m.article_id][m.start : m.end] == m.text
    for c in conflicts:
        assert len(c.sides) >= 2
        for side in c.sides:
            assert side.evidence
            for sp in side.evidence:
                assert texts[sp.article_id][sp.start : sp.end] == sp.text


# --------------------------------------------------------------------------- unit rules


def test_subject_tokens_normalize_plurals_and_abbreviations() -> None:
    assert subject_tokens("U.S. troops") == {"us", "troop"}
    assert subject_tokens("new pledges") == {"pledge"}


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ("2025-08-25", "2025-08-25", True),
        ("XXXX-08-25", "2025-08-25", True),
        ("2025-08", "2025-08-26", True),
        ("2025-08-25", "2025-08-26", False),
        ("2025-W35", "2025-08-25", False),
    ],
)
def test_date_compatible(a: str, b: str, ok: bool) -> None:
    assert date_compatible(a, b) is ok


def test_independence_copy_and_outlet_count_once() -> None:
    a = art("a1", "x", source="Harbor Post")
    b = art("a2", "x", source="harbor post")
    c = art("a3", "x", source="Valley News")
    d = art("a4", "x", source="Wire Copy")
    dups = {"a4": DuplicateInfo("a4", "a3", 0.95, "near")}
    keys = independence_keys([a, b, c, d], dups)
    assert keys["a1"] == keys["a2"]
    assert keys["a3"] == keys["a4"]
    assert keys["a1"] != keys["a3"]


# --------------------------------------------------------------------------- quantities


def test_qualified_figure_agrees_with_exact_figure() -> None:
    t1 = "The island hosts about 28,500 marines, officials said."
    t2 = "Some 28,500 marines are stationed on the island."
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    facts, conflicts = run(
        [
            (a, ext(a, [qty(t1, "about 28,500 marines", 28500, "marine", "marines", low=25650, high=31350)])),
            (b, ext(b, [qty(t2, "28,500 marines", 28500, "marine", "marines")])),
        ]
    )
    assert conflicts == ()
    (fact,) = facts
    assert fact.status == "corroborated" and fact.independent_sources == 2
    assert {m.article_id for m in fact.mentions} == {"a1", "a2"}
    check_spans([a, b], facts, conflicts)


def test_at_least_agrees_with_larger_figure() -> None:
    t1 = "At least 12 fishermen were rescued near the cape on Sunday."
    t2 = "Rescuers pulled 14 fishermen from the water near the cape on Sunday."
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    facts, conflicts = run(
        [
            (a, ext(a, [qty(t1, "At least 12 fishermen", 12, "fisherman", "fishermen", low=12)])),
            (b, ext(b, [qty(t2, "14 fishermen", 14, "fisherman", "fishermen")])),
        ]
    )
    assert conflicts == ()
    assert [f.status for f in facts] == ["corroborated"]


def test_different_subjects_are_not_a_conflict() -> None:
    t1 = "Investors pledged $150 billion in new pledges on top of a $350 billion fund."
    t2 = "The accord created a $350 billion fund for shipyards."
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    facts, conflicts = run(
        [
            (
                a,
                ext(
                    a,
                    [
                        qty(t1, "$150 billion", 150e9, "USD", "new pledges"),
                        qty(t1, "$350 billion", 350e9, "USD", "fund"),
                    ],
                ),
            ),
            (b, ext(b, [qty(t2, "$350 billion", 350e9, "USD", "fund")])),
        ]
    )
    assert conflicts == ()
    by_value = {f.value: f for f in facts}
    assert by_value[350_000_000_000].status == "corroborated"
    assert by_value[150_000_000_000].status == "single_source"


def test_equal_distinctive_figure_corroborates_across_wordings() -> None:
    t1 = "The deal includes a $350 billion fund commitment."
    t2 = "Officials expect an investment of $350 billion in the country."
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    facts, _ = run(
        [
            (a, ext(a, [qty(t1, "$350 billion", 350e9, "USD", "fund commitment")])),
            (b, ext(b, [qty(t2, "$350 billion", 350e9, "USD", "investment")])),
        ]
    )
    assert [f.status for f in facts] == ["corroborated"]


def test_same_subject_disjoint_figures_same_day_is_number_conflict() -> None:
    t1 = "The ferry company said 4,000 commuters were stranded by the strike."
    t2 = "The strike stranded 6,500 commuters, the union said."
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    facts, conflicts = run(
        [
            (a, ext(a, [qty(t1, "4,000 commuters", 4000, "commuter", "commuters")])),
            (b, ext(b, [qty(t2, "6,500 commuters", 6500, "commuter", "commuters")])),
        ]
    )
    (c,) = conflicts
    assert c.kind == "number"
    assert {s.value for s in c.sides} == {4000, 6500}
    assert {aid for s in c.sides for aid in s.article_ids} == {"a1", "a2"}
    assert all(f.status == "conflicting" for f in facts)
    assert set(c.fact_ids) == {f.id for f in facts}
    check_spans([a, b], facts, conflicts)


@pytest.mark.parametrize(
    ("t1", "q1", "t2", "q2"),
    [
        (
            "Officials said 12 people died in the flood.",
            "12 people",
            "Some 200 people were evacuated from the flood zone.",
            "200 people",
        ),
        (
            "The ferry company employs 4,000 workers in the port.",
            "4,000 workers",
            "Union leaders said 6,500 workers went on strike on Monday.",
            "6,500 workers",
        ),
    ],
)
def test_same_unit_different_measure_is_not_a_conflict(t1: str, q1: str, t2: str, q2: str) -> None:
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    u = q1.split()[1]
    _, conflicts = run(
        [
            (a, ext(a, [qty(t1, q1, float(q1.split()[0].replace(",", "")), u, u)])),
            (b, ext(b, [qty(t2, q2, float(q2.split()[0].replace(",", "")), u, u)])),
        ]
    )
    assert conflicts == ()


def test_changing_figure_across_days_is_an_update_not_a_conflict() -> None:
    t1 = "Officials said 12 people were dead after the flood."
    t2 = "The flood left 14 people dead, officials said."
    a = art("a1", t1, published="2026-03-02", source="One")
    b = art("a2", t2, published="2026-03-03", source="Two")
    facts, conflicts = run(
        [
            (a, ext(a, [qty(t1, "12 people", 12, "people", "people dead")])),
            (b, ext(b, [qty(t2, "14 people", 14, "people", "people dead")])),
        ]
    )
    assert conflicts == ()
    later = next(f for f in facts if f.value == 14)
    assert later.note and later.note.startswith("update: 12 -> 14")
    assert next(f for f in facts if f.value == 12).note.startswith("superseded: 12 -> 14")


def test_copy_does_not_corroborate() -> None:
    t = "The port handled 61,000 containers in May, the authority said."
    a, b = art("a1", t, source="One"), art("a2", t, source="Wire")
    dups = {"a2": DuplicateInfo("a2", "a1", 1.0, "exact", ((0, len(t)),))}
    facts, _ = run(
        [
            (a, ext(a, [qty(t, "61,000 containers", 61000, "container", "containers")])),
            (b, ext(b, [qty(t, "61,000 containers", 61000, "container", "containers")])),
        ],
        duplicates=dups,
    )
    (fact,) = facts
    assert fact.status == "single_source" and fact.independent_sources == 1
    assert len(fact.mentions) == 2


def test_same_outlet_counts_once() -> None:
    t1 = "The port handled 61,000 containers in May."
    t2 = "A record 61,000 containers crossed the port in May."
    a, b = art("a1", t1, source="Harbor Post"), art("a2", t2, source="Harbor Post")
    facts, _ = run(
        [
            (a, ext(a, [qty(t1, "61,000 containers", 61000, "container", "containers")])),
            (b, ext(b, [qty(t2, "61,000 containers", 61000, "container", "containers")])),
        ]
    )
    assert facts[0].status == "single_source"


# --------------------------------------------------------------------------- events


SUMMIT_1 = "Mayor Ines Varga met Governor Paul Oduya at the city hall on Monday."
SUMMIT_2 = "Governor Oduya held talks with Mayor Varga at city hall on Tuesday."


def test_date_conflict_between_outlets() -> None:
    a = art("a1", SUMMIT_1, published="2026-03-04", source="One")  # Monday = 2026-03-02
    b = art("a2", SUMMIT_2, published="2026-03-04", source="Two")  # Tuesday = 2026-03-03
    facts, conflicts = run(
        [
            (
                a,
                ext(
                    a,
                    events=[
                        event(
                            SUMMIT_1, SUMMIT_1, "met", ("Ines Varga", "Paul Oduya"), "2026-03-02", "on Monday"
                        )
                    ],
                ),
            ),
            (
                b,
                ext(
                    b,
                    events=[
                        event(SUMMIT_2, SUMMIT_2, "talks", ("Oduya", "Varga"), "2026-03-03", "on Tuesday")
                    ],
                ),
            ),
        ]
    )
    (c,) = conflicts
    assert c.kind == "date"
    assert {s.value for s in c.sides} == {"2026-03-02", "2026-03-03"}
    assert c.reason is not None and c.reason.startswith("both: one meet of")
    texts = {sp.text for s in c.sides for sp in s.evidence}
    assert {"on Monday", "on Tuesday"} <= texts
    check_spans([a, b], facts, conflicts)


def test_partial_date_agrees_with_full_date() -> None:
    t2 = "Governor Oduya met Mayor Varga at city hall on March 2."
    a = art("a1", SUMMIT_1, published="2026-03-04", source="One")
    b = art("a2", t2, published=None, source="Two")
    facts, conflicts = run(
        [
            (
                a,
                ext(
                    a,
                    events=[
                        event(
                            SUMMIT_1, SUMMIT_1, "met", ("Ines Varga", "Paul Oduya"), "2026-03-02", "on Monday"
                        )
                    ],
                ),
            ),
            (b, ext(b, events=[event(t2, t2, "met", ("Oduya", "Varga"), "XXXX-03-02", "on March 2")])),
        ]
    )
    assert conflicts == ()
    (fact,) = facts
    assert fact.kind == "event" and fact.date == "2026-03-02" and fact.status == "corroborated"


def test_distant_dates_are_different_events() -> None:
    t1 = "Varga met Oduya in Lisbon on 2024-05-10."
    t2 = "Varga met Oduya again on 2026-03-02."
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    _, conflicts = run(
        [
            (a, ext(a, events=[event(t1, t1, "met", ("Varga", "Oduya"), "2024-05-10", "on 2024-05-10")])),
            (b, ext(b, events=[event(t2, t2, "met", ("Varga", "Oduya"), "2026-03-02", "on 2026-03-02")])),
        ]
    )
    assert conflicts == ()


# --------------------------------------------------------------------------- quotes


Q1 = 'Brevik said: "We will stay out until the company puts a real offer on the table."'
Q2 = '"We will stay out until the company puts a real offer on the table," union leader Tomas Brevik said.'
Q3 = '"We will stay out until the company puts a real offer on the table," Mayor Varga said.'
WORDS = "We will stay out until the company puts a real offer on the table."


def test_same_quote_in_two_outlets_corroborates() -> None:
    a, b = art("a1", Q1, source="One"), art("a2", Q2, source="Two")
    facts, conflicts = run(
        [
            (a, ext(a, quotes=[quote(Q1, WORDS, "Brevik")])),
            (b, ext(b, quotes=[quote(Q2, WORDS[:-1], "Tomas Brevik")])),
        ]
    )
    assert conflicts == ()
    (fact,) = facts
    assert fact.kind == "quote" and fact.status == "corroborated"
    assert fact.speaker == "Tomas Brevik"


def test_same_words_two_speakers_is_speaker_conflict() -> None:
    a, b = art("a1", Q2, source="One"), art("a2", Q3, source="Two")
    facts, conflicts = run(
        [
            (a, ext(a, quotes=[quote(Q2, WORDS[:-1], "Tomas Brevik", speaker_at="Tomas Brevik")])),
            (b, ext(b, quotes=[quote(Q3, WORDS[:-1], "Ines Varga", speaker_at="Mayor Varga")])),
        ]
    )
    (c,) = conflicts
    assert c.kind == "speaker"
    assert {s.value for s in c.sides} == {"Tomas Brevik", "Ines Varga"}
    assert c.reason == "both: the same quoted words in 2 articles"
    assert facts[0].status == "conflicting"
    check_spans([a, b], facts, conflicts)


def test_statements_merge_by_speaker_and_content() -> None:
    t1 = "Brevik said the workers would not return without a better offer."
    t2 = "Union leader Tomas Brevik said workers would not return without a better offer from the company."
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    facts, _ = run(
        [
            (
                a,
                ext(
                    a,
                    quotes=[
                        quote(t1, "the workers would not return without a better offer", "Brevik", False)
                    ],
                ),
            ),
            (
                b,
                ext(
                    b,
                    quotes=[
                        quote(
                            t2,
                            "workers would not return without a better offer from the company",
                            "Tomas Brevik",
                            False,
                        )
                    ],
                ),
            ),
        ]
    )
    (fact,) = facts
    assert fact.kind == "statement" and fact.status == "corroborated"


def test_quote_vs_narrative() -> None:
    t1 = 'Varga met Oduya three times last year. "We had two meetings, both very good," Varga said.'
    t2 = "The two leaders met three times last year, aides said."
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    qa = quote(t1, "We had two meetings, both very good,", "Varga")
    facts, conflicts = run(
        [
            (
                a,
                ext(
                    a,
                    [
                        qty(t1, "three times", 3, "times", None),
                        qty(t1, "two meetings", 2, "meeting", "meetings"),
                    ],
                    quotes=[qa],
                ),
            ),
            (b, ext(b, [qty(t2, "three times", 3, "times", None)])),
        ]
    )
    (c,) = conflicts
    assert c.kind == "quote_vs_narrative"
    assert {s.value for s in c.sides} == {2, 3}
    kinds = {f.id: f.kind for f in facts}
    assert sorted(kinds[i] for i in c.fact_ids) == ["quantity", "quote"]
    narrative = next(s for s in c.sides if s.value == 3)
    assert set(narrative.article_ids) == {"a1", "a2"}
    check_spans([a, b], facts, conflicts)


def test_output_is_order_independent_and_ids_are_stable() -> None:
    t1 = "The ferry company said 4,000 commuters were stranded by the strike."
    t2 = "The strike stranded 6,500 commuters, the union said."
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    pairs = [
        (a, ext(a, [qty(t1, "4,000 commuters", 4000, "commuter", "commuters")], quotes=[])),
        (b, ext(b, [qty(t2, "6,500 commuters", 6500, "commuter", "commuters")])),
    ]
    assert run(pairs) == run(list(reversed(pairs)))


# --------------------------------------------------------------------------- seeds


def _seed_story(seeds_dir: Path, names: list[str]):
    ingest = pytest.importorskip("newsdesk.ingest")
    clean_mod = pytest.importorskip("newsdesk.clean")
    if not hasattr(ingest, "iter_sources"):
        pytest.skip("ingest not wired yet")
    from newsdesk.nlp.pipeline import annotate

    options = Options()
    paths = [seeds_dir / n for n in names]
    articles = []
    for raw in ingest.iter_sources([str(p) for p in paths], options.ingest):
        if hasattr(raw, "content"):
            articles.append(clean_mod.clean(raw, options.ingest))
    extractions = {x.article_id: x for x in annotate(articles, options.nlp) if isinstance(x, Extraction)}
    if not any(x.quantities for x in extractions.values()) or not any(x.events for x in extractions.values()):
        pytest.skip("extractors are still placeholders")
    return articles, extractions, options


@pytest.mark.slow
def test_seeds(seeds_dir: Path) -> None:
    names = sorted(p.name for p in seeds_dir.glob("00[0-3]_*.txt"))
    articles, extractions, options = _seed_story(seeds_dir, names)
    facts, conflicts = reconcile(articles, extractions, {}, options.reconcile)
    check_spans(articles, facts, conflicts)
    by_id = {a.id: a for a in articles}
    dates = [c for c in conflicts if c.kind == "date"]
    assert any({"2025-08-25", "2025-08-26"} <= {s.value for s in c.sides} for c in dates), conflicts
    date_conflict = next(c for c in dates if {"2025-08-25", "2025-08-26"} <= {s.value for s in c.sides})
    outlets = {aid for s in date_conflict.sides for aid in s.article_ids}
    assert len(outlets) >= 2
    for side in date_conflict.sides:  # each side shows its own outlet's words
        assert side.evidence and {sp.article_id for sp in side.evidence} <= set(side.article_ids)
    fund = [f for f in facts if f.kind == "quantity" and f.value == 350_000_000_000]
    assert any(f.status == "corroborated" and f.independent_sources >= 2 for f in fund), fund
    troops = [f for f in facts if f.kind == "quantity" and f.value == 28_500]
    assert any(f.status == "corroborated" and len({m.article_id for m in f.mentions}) >= 3 for f in troops), (
        troops
    )
    bios = [s for a in articles for s in a.segments if s.kind.startswith("boilerplate")]
    assert bios, "the cleaner should have found the author bio"

    def in_boilerplate(article_id: str, start: int, end: int) -> bool:
        return any(
            a.id == article_id and seg.start < end and start < seg.end
            for a in articles
            for seg in a.segments
            if seg.kind.startswith("boilerplate")
        )

    for f in facts:
        for m in f.mentions:
            assert not in_boilerplate(m.article_id, m.start, m.end), m
            assert "spent two decades" not in by_id[m.article_id].text[m.start : m.end]
    from newsdesk.dossier import build_story

    story = build_story("seed", articles, extractions, {}, options)
    assert 3 <= len(story.summary) <= 5
    for sent in story.summary:
        assert by_id[sent.article_id].text[sent.span[0] : sent.span[1]] == sent.text
        assert not in_boilerplate(sent.article_id, *sent.span)
        assert "spent two decades" not in sent.text


def test_statement_affirmed_and_denied_is_statement_conflict() -> None:
    t1 = "Mayor Ines Varga said the ferry terminal would close in June."
    t2 = "Varga said the ferry terminal would not close in June."
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    facts, conflicts = run(
        [
            (a, ext(a, quotes=[quote(t1, "the ferry terminal would close in June", "Ines Varga", False)])),
            (b, ext(b, quotes=[quote(t2, "the ferry terminal would not close in June", "Varga", False)])),
        ]
    )
    (c,) = conflicts
    assert c.kind == "statement"
    assert {s.value for s in c.sides} == {"affirms", "denies"}
    assert [f.status for f in facts] == ["conflicting", "conflicting"]
    check_spans([a, b], facts, conflicts)


def test_quotation_reported_as_indirect_still_matches_direct_quote() -> None:
    t1 = "\u201cWe will stay out until the company puts a real offer on the table,\u201d said Tomas Brevik, speaking in Calder."
    t2 = "\u201cWe will stay out until the company puts a real offer on the table,\u201d Mayor Ines Varga said."
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    facts, conflicts = run(
        [
            (a, ext(a, quotes=[Quote(0, len(t1) - 1, t1[:-1], False, "Tomas Brevik")])),
            (b, ext(b, quotes=[quote(t2, WORDS[:-1], "Ines Varga")])),
        ]
    )
    assert [c.kind for c in conflicts] == ["speaker"]
    check_spans([a, b], facts, conflicts)


def test_coordinated_participants_are_split() -> None:
    t2 = "Oduya and Varga met at city hall on Tuesday."
    a = art("a1", SUMMIT_1, published="2026-03-04", source="One")
    b = art("a2", t2, published="2026-03-04", source="Two")
    _, conflicts = run(
        [
            (
                a,
                ext(
                    a,
                    events=[
                        event(
                            SUMMIT_1, SUMMIT_1, "met", ("Ines Varga", "Paul Oduya"), "2026-03-02", "on Monday"
                        )
                    ],
                ),
            ),
            (b, ext(b, events=[event(t2, t2, "met", ("Oduya and Varga",), "2026-03-03", "on Tuesday")])),
        ]
    )
    assert [c.kind for c in conflicts] == ["date"]


def test_rounded_scaled_figure_agrees() -> None:
    t1 = "The framework creates a $2.4 billion joint infrastructure fund."
    t2 = "The agreement creates a $2.45 billion joint infrastructure fund."
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    facts, conflicts = run(
        [
            (
                a,
                ext(a, [qty(t1, "$2.4 billion", 2.4e9, "USD", "joint infrastructure fund", scale="billion")]),
            ),
            (
                b,
                ext(
                    b, [qty(t2, "$2.45 billion", 2.45e9, "USD", "joint infrastructure fund", scale="billion")]
                ),
            ),
        ]
    )
    assert conflicts == ()
    assert [f.status for f in facts] == ["corroborated"]


def test_short_stock_phrase_is_not_a_speaker_conflict() -> None:
    t1 = '"Thank you all very much," Mayor Ines Varga said.'
    t2 = '"Thank you all very much," Tomas Brevik said.'
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    _, conflicts = run(
        [
            (a, ext(a, quotes=[quote(t1, "Thank you all very much,", "Ines Varga")])),
            (b, ext(b, quotes=[quote(t2, "Thank you all very much,", "Tomas Brevik")])),
        ]
    )
    assert conflicts == ()


def test_same_host_meeting_different_guests_is_not_a_date_conflict() -> None:
    t1 = "Mayor Ines Varga met Governor Paul Oduya in Merrow on Monday."
    t2 = "Mayor Ines Varga met Minister Dora Kowal in Merrow on Tuesday."
    a, b = (
        art("a1", t1, published="2026-03-04", source="One"),
        art("a2", t2, published="2026-03-04", source="Two"),
    )
    places = (Entity(t1.index("Merrow"), t1.index("Merrow") + 6, "Merrow", "GPE"),)
    x1 = ext(
        a, events=[event(t1, t1, "met", ("Ines Varga", "Paul Oduya", "Merrow"), "2026-03-02", "on Monday")]
    )
    x2 = ext(
        b, events=[event(t2, t2, "met", ("Ines Varga", "Dora Kowal", "Merrow"), "2026-03-03", "on Tuesday")]
    )
    _, conflicts = run([(a, replace(x1, entities=places)), (b, x2)])
    assert conflicts == ()


def test_outlet_falls_back_to_url_host() -> None:
    a = replace(art("a1", "x", source=None), url="https://www.harborpost.example/a/1")
    b = replace(art("a2", "x", source=None), url="https://harborpost.example/b/2")
    c = replace(art("a3", "x", source=None), url="https://valleynews.example/c/3")
    keys = independence_keys([a, b, c], {})
    assert keys["a1"] == keys["a2"] != keys["a3"]


def test_date_of_the_report_is_not_the_date_of_the_event() -> None:
    t1 = "Five people have died since the levee collapsed on Tuesday night, officials said."
    t2 = "Five people died after the collapse of the levee, the emergency office said on Thursday."
    a = art("a1", t1, published="2026-03-05", source="One")
    b = art("a2", t2, published="2026-03-05", source="Two")
    _, conflicts = run(
        [
            (
                a,
                ext(a, events=[event(t1, t1, "collapse", ("Aldmoor",), "2026-03-03TNI", "on Tuesday night")]),
            ),
            (b, ext(b, events=[event(t2, t2, "collapse", ("Aldmoor",), "2026-03-05", "on Thursday")])),
        ]
    )
    assert conflicts == ()


def test_quotes_that_differ_in_a_name_are_different_quotes() -> None:
    t1 = '"We will rebuild every street in Merrow before the winter," Mayor Ines Varga said.'
    t2 = '"We will rebuild every street in Thornby before the winter," Tomas Brevik said.'
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    facts, conflicts = run(
        [
            (
                a,
                ext(
                    a,
                    quotes=[
                        quote(t1, "We will rebuild every street in Merrow before the winter,", "Ines Varga")
                    ],
                ),
            ),
            (
                b,
                ext(
                    b,
                    quotes=[
                        quote(
                            t2, "We will rebuild every street in Thornby before the winter,", "Tomas Brevik"
                        )
                    ],
                ),
            ),
        ]
    )
    assert conflicts == ()
    assert [f.status for f in facts] == ["single_source", "single_source"]


def test_institution_and_its_spokesperson_are_not_rival_speakers() -> None:
    words = "It is an honor to welcome back the festival to the harbor this summer"
    t1 = f'"{words}," the Calder Harbor Authority said.'
    t2 = f'"{words}," authority president Ines Varga said.'
    a, b = art("a1", t1, source="One"), art("a2", t2, source="Two")
    facts, conflicts = run(
        [
            (a, ext(a, quotes=[quote(t1, words, "Calder Harbor Authority")])),
            (b, ext(b, quotes=[quote(t2, words, "Ines Varga")])),
        ]
    )
    assert conflicts == ()
    assert facts[0].status == "corroborated"


def test_date_conflict_sides_say_which_words_gave_each_date_and_how() -> None:
    """A reader checks the step from 'on Monday' to a day: the words, and the rule's own account."""
    a = art("a1", SUMMIT_1, published="2026-03-04", source="One")
    b = art("a2", SUMMIT_2, published="2026-03-04", source="Two")
    why = "relative to publication date 2026-03-04 (past tense)"

    def dated(article: Article, sentence: str, trigger: str, who, date: str, words: str) -> Extraction:
        ev = event(sentence, sentence, trigger, who, date, words)
        s, e = ev.timex_span
        return replace(ext(article, events=[ev]), timexes=(TimeRef(s, e, words, "DATE", date, why),))

    _facts, conflicts = run(
        [
            (a, dated(a, SUMMIT_1, "met", ("Ines Varga", "Paul Oduya"), "2026-03-02", "on Monday")),
            (b, dated(b, SUMMIT_2, "talks", ("Oduya", "Varga"), "2026-03-03", "on Tuesday")),
        ]
    )
    (c,) = conflicts
    readings = {s.value: s.readings for s in c.sides}
    assert readings["2026-03-02"] == (Reading("a1", "on Monday", why),)
    assert readings["2026-03-03"] == (Reading("a2", "on Tuesday", why),)
