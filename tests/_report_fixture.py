"""A realistic synthetic Report: two stories, every fact kind and status, conflicts, flags, errors.

All prose is invented for this project. Offsets are computed from the texts,
so every span indexes its article's text exactly (tests check that too).
`hostile=True` plants markup in texts and titles to test escaping.
"""

from __future__ import annotations

from newsdesk.records import (
    Article,
    ArticleReport,
    Conflict,
    ConflictSide,
    DuplicateInfo,
    Entity,
    Event,
    Extraction,
    Fact,
    Flag,
    Mention,
    ProcessingError,
    Quantity,
    Quote,
    QuoteBoardEntry,
    Report,
    Segment,
    Span,
    Story,
    SummarySentence,
    TimelineEntry,
    TimeRef,
)

HOSTILE = "<script>alert(1)</script>"

FERRY_A = """ date 2026-05-11
Port Calder Ferry Strike Enters Third Day

Ferry workers in Port Calder extended their strike on Monday, leaving about 4,000 commuters without a crossing, union leader Tomas Brevik said.
"We will stay out until the company puts a real offer on the table," Brevik told reporters outside the terminal.
The Calder Ferry Company said it had offered a 3% raise, which the union rejected.
Mira Holt writes about transport for the Calder Courier.
"""

FERRY_B = """ date 2026-05-12
Calder commuters stranded as ferry walkout continues

The ferry strike in Port Calder continued on Tuesday, and 6,500 commuters were left without a crossing.
"We will stay out until the company puts a real offer on the table," he said.
The Calder Ferry Company offered a 3% raise last week.
"""

FERRY_COPY = """Calder commuters stranded as ferry walkout continues

The ferry strike in Port Calder continued on Tuesday, and 6,500 commuters were left without a crossing.
"We will stay out until the company puts a real offer on the table," he said.
The Calder Ferry Company offered a 3% raise last week.
"""

ORCHARD_A = """ date 2026-05-10
Valley Orchards Report Record Apple Harvest

Growers in the Linden Valley picked 18,000 tonnes of apples this season, the growers' cooperative said on Sunday.
Cooperative chair Ada Marsh said the warm spring had helped the blossoms set early.
"It was the kindest spring in thirty years," Marsh said.
"""

ORCHARD_OLD = """Valley Orchards Report Record Apple Harvest

Growers in the Linden Valley picked 18,000 tonnes of apples this season, the cooperative said.
Ada Marsh said prices at the gate would stay flat through the winter.
"""


def find(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the nth occurrence of `needle` in `text` (fails loudly when absent)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def sentence_of(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The line around `span` (the fixture writes one sentence per line)."""
    start = text.rfind("\n", 0, span[0]) + 1
    end = text.find("\n", span[1])
    return start, end if end >= 0 else len(text)


def _article(
    aid: str,
    path: str,
    text: str,
    *,
    title_line: str | None,
    published: str | None,
    published_source: str,
    source: str | None,
    fmt: str = "txt",
    authors: tuple[str, ...] = (),
    bio: str | None = None,
    reason: str | None = None,
    url: str | None = None,
) -> Article:
    segments: list[Segment] = []
    body_start = 0
    if text.startswith(" date "):
        end = text.index("\n") + 1
        segments.append(Segment(0, end - 1, "header"))
        body_start = end
    title = None
    if title_line is not None:
        s, e = find(text, title_line)
        segments.append(Segment(s, e, "title"))
        title = title_line
        body_start = e + 2
    body_end = len(text.rstrip("\n"))
    if bio is not None:
        s, e = find(text, bio)
        segments.append(Segment(s, e, "boilerplate:author_bio"))
        body_end = s - 1
    return Article(
        id=aid,
        path=path,
        fmt=fmt,  # type: ignore[arg-type]
        text=text,
        title=title,
        title_source="first-line" if title else "absent",
        published=published,
        published_source=published_source,  # type: ignore[arg-type]
        published_reason=reason,
        url=url,
        source=source,
        source_origin="jsonl" if fmt == "jsonl" else ("url" if url else None),
        authors=authors,
        body_span=(body_start, body_end),
        segments=tuple(segments),
        body_segments=((body_start, body_end),),
        word_count=len(text[body_start:body_end].split()),
        extra=(("section", "Local"), ("rank", 3)),
    )


def ev(article: Article, needle: str, nth: int = 0) -> Span:
    s, e = find(article.text, needle, nth)
    return Span(article.id, s, e, needle)


def sentence_span(article: Article, needle: str) -> Span:
    s, e = sentence_of(article.text, find(article.text, needle))
    return Span(article.id, s, e, article.text[s:e])


def mention(article: Article, needle: str, value: object = None, nth: int = 0) -> Mention:
    s, e = find(article.text, needle, nth)
    return Mention(article.id, s, e, needle, sentence=sentence_of(article.text, (s, e)), value=value)


def build_report(hostile: bool = False) -> tuple[Report, dict[str, Article]]:
    """The fixture report and its articles by id; with `hostile`, text and titles carry markup."""
    ferry_a_text = FERRY_A
    ferry_a_title = "Port Calder Ferry Strike Enters Third Day"
    if hostile:
        ferry_a_title = f"Ferry {HOSTILE} strike </script><b>bold</b>"
        ferry_a_text = FERRY_A.replace("Port Calder Ferry Strike Enters Third Day", ferry_a_title).replace(
            "outside the terminal.", f"outside the terminal. </script>{HOSTILE} & <!-- x -->"
        )

    tag = f' "><img src=x onerror=alert(2)>{HOSTILE}'
    fa = _article(
        "a-ferry-courier",
        "corpus/ferry-courier.txt",
        ferry_a_text,
        title_line=ferry_a_title,
        published="2026-05-11",
        published_source="header",
        source="Calder Courier",
        authors=("Mira Holt",),
        bio="Mira Holt writes about transport for the Calder Courier.",
        url="https://courier.example/ferry-strike",
    )
    fb = _article(
        "a-ferry-gazette",
        "corpus/ferry-gazette.jsonl",
        FERRY_B,
        title_line="Calder commuters stranded as ferry walkout continues",
        published="2026-05-12",
        published_source="header",
        source="Harbour Gazette",
        fmt="jsonl",
    )
    fc = _article(
        "a-ferry-copy",
        "corpus/ferry-copy.txt",
        FERRY_COPY,
        title_line="Calder commuters stranded as ferry walkout continues",
        published=None,
        published_source="absent",
        source=None,
        reason="no date header, no metadata",
    )
    oa = _article(
        "a-orchard-news",
        "corpus/orchard.html",
        ORCHARD_A,
        title_line="Valley Orchards Report Record Apple Harvest",
        published="2026-05-10",
        published_source="header",
        source="Valley News",
        fmt="html",
    )
    ob = _article(
        "a-orchard-old",
        "corpus/orchard-old.txt",
        ORCHARD_OLD,
        title_line="Valley Orchards Report Record Apple Harvest",
        published="2023-10-02",
        published_source="html-meta",
        source="Linden Post",
        reason="article:published_time meta tag",
    )
    articles = {a.id: a for a in (fa, fb, fc, oa, ob)}

    # ------------------------------------------------------------------ ferry story
    f_commuters = Fact(
        id="f-commuters",
        kind="quantity",
        text="commuters without a crossing",
        status="conflicting",
        independent_sources=2,
        mentions=(
            mention(fa, "about 4,000 commuters", value=4000),
            mention(fb, "6,500 commuters", value=6500),
            mention(fc, "6,500 commuters", value=6500),
        ),
        value=None,
        unit="commuters",
        subject="commuters without a crossing",
    )
    f_day = Fact(
        id="f-strike-day",
        kind="event",
        text="strike extended / continued",
        status="conflicting",
        independent_sources=2,
        mentions=(
            mention(fa, "on Monday", value="2026-05-11"),
            mention(fb, "on Tuesday", value="2026-05-12"),
        ),
        date=None,
        note="dates differ by one day",
    )
    f_raise = Fact(
        id="f-raise",
        kind="quantity",
        text="the company offered a 3% raise",
        status="corroborated",
        independent_sources=2,
        mentions=(mention(fa, "a 3% raise", value=3.0), mention(fb, "a 3% raise", value=3.0)),
        value=3.0,
        unit="%",
        subject="raise",
    )
    quote_text = "We will stay out until the company puts a real offer on the table"
    f_quote = Fact(
        id="f-quote-brevik",
        kind="quote",
        text=quote_text,
        status="corroborated",
        independent_sources=2,
        mentions=(mention(fa, quote_text), mention(fb, quote_text), mention(fc, quote_text)),
        speaker="Tomas Brevik",
    )
    f_rejected = Fact(
        id="f-union-rejected",
        kind="statement",
        text="the union rejected the offer" + (f" {HOSTILE}" if hostile else ""),
        status="single_source",
        independent_sources=1,
        mentions=(mention(fa, "which the union rejected"),),
        subject="union",
    )
    c_number = Conflict(
        id="c-commuters",
        kind="number",
        description="How many commuters were left without a crossing: 4,000 vs 6,500"
        + (tag if hostile else ""),
        sides=(
            # As reconcile gives it: the figure, and the sentence that states it.
            ConflictSide(
                value=4000,
                article_ids=(fa.id,),
                evidence=(ev(fa, "about 4,000 commuters"), sentence_span(fa, "about 4,000 commuters")),
            ),
            ConflictSide(
                value=6500,
                article_ids=(fb.id, fc.id),
                evidence=(ev(fb, "6,500 commuters"), ev(fc, "6,500 commuters")),
            ),
        ),
        fact_ids=("f-commuters",),
    )
    c_date = Conflict(
        id="c-strike-day",
        kind="date",
        description="Which day the strike was extended: Monday (2026-05-11) vs Tuesday (2026-05-12)",
        sides=(
            ConflictSide(value="2026-05-11", article_ids=(fa.id,), evidence=(ev(fa, "on Monday"),)),
            ConflictSide(value="2026-05-12", article_ids=(fb.id,), evidence=(ev(fb, "on Tuesday"),)),
        ),
        fact_ids=("f-strike-day",),
    )
    s1, e1 = sentence_of(fa.text, find(fa.text, "Ferry workers in Port Calder"))
    s2, e2 = sentence_of(fb.text, find(fb.text, "The Calder Ferry Company offered"))
    ferry = Story(
        id="s-ferry",
        title="Port Calder ferry strike" + (tag if hostile else ""),
        article_ids=(fa.id, fb.id, fc.id),
        first_seen="2026-05-11",
        last_seen="2026-05-12",
        facts=(f_commuters, f_day, f_raise, f_quote, f_rejected),
        conflicts=(c_number, c_date),
        timeline=(
            TimelineEntry("2026-05-11", "Ferry workers extend their strike", ("f-strike-day",)),
            TimelineEntry(
                "2026-05-12", "Strike continues, per the Harbour Gazette", ("f-strike-day",), "update"
            ),
        ),
        quotes=(
            QuoteBoardEntry(
                "Tomas Brevik",
                quote_text,
                (fa.id, fb.id, fc.id),
                (mention(fa, quote_text), mention(fb, quote_text), mention(fc, quote_text)),
            ),
        ),
        summary=(
            SummarySentence(fa.text[s1:e1], fa.id, (s1, e1), ("f-commuters", "f-strike-day")),
            SummarySentence(fb.text[s2:e2], fb.id, (s2, e2), ("f-raise",)),
        ),
        coverage=(
            ("f-commuters", (fa.id, fb.id, fc.id)),
            ("f-strike-day", (fa.id, fb.id)),
            ("f-raise", (fa.id, fb.id)),
            ("f-quote-brevik", (fa.id, fb.id, fc.id)),
            ("f-union-rejected", (fa.id,)),
        ),
    )

    # ------------------------------------------------------------------ orchard story
    o_tonnes = Fact(
        id="f-tonnes",
        kind="quantity",
        text="18,000 tonnes of apples",
        status="single_source",
        independent_sources=1,
        mentions=(mention(oa, "18,000 tonnes of apples", value=18000.0),),
        value=18000.0,
        unit="tonnes",
        subject="apples",
    )
    o_quote = Fact(
        id="f-quote-marsh",
        kind="quote",
        text="It was the kindest spring in thirty years",
        status="single_source",
        independent_sources=1,
        mentions=(mention(oa, "It was the kindest spring in thirty years"),),
        speaker="Ada Marsh",
    )
    o_prices = Fact(
        id="f-prices",
        kind="statement",
        text="prices at the gate would stay flat",
        status="single_source",
        independent_sources=1,
        mentions=(mention(ob, "prices at the gate would stay flat"),),
        speaker="Ada Marsh",
    )
    s3, e3 = sentence_of(oa.text, find(oa.text, "Growers in the Linden Valley"))
    orchard = Story(
        id="s-orchard",
        title="Linden Valley apple harvest",
        article_ids=(oa.id, ob.id),
        first_seen="2023-10-02",
        last_seen="2026-05-10",
        facts=(o_tonnes, o_quote, o_prices),
        conflicts=(),
        timeline=(
            TimelineEntry("2026-05-10", "Cooperative reports the harvest", ("f-tonnes",), "publication"),
        ),
        quotes=(
            QuoteBoardEntry(
                "Ada Marsh",
                "It was the kindest spring in thirty years",
                (oa.id,),
                (mention(oa, "It was the kindest spring in thirty years"),),
            ),
            QuoteBoardEntry(
                "Ada Marsh",
                "prices at the gate would stay flat through the winter",
                (ob.id,),
                (mention(ob, "prices at the gate would stay flat through the winter"),),
            ),
        ),
        summary=(SummarySentence(oa.text[s3:e3], oa.id, (s3, e3), ("f-tonnes",)),),
        coverage=(("f-tonnes", (oa.id,)), ("f-quote-marsh", (oa.id,)), ("f-prices", (ob.id,))),
    )

    # ------------------------------------------------------------------ articles
    dup = DuplicateInfo(fc.id, fb.id, 1.0, "exact", shared_spans=((0, len(fc.text) - 1),))
    reports = (
        ArticleReport(
            fa,
            None,
            "s-ferry",
            (
                Flag(
                    "boilerplate",
                    "info",
                    "Author bio at the end of the body" + (tag if hostile else ""),
                    (ev(fa, "Mira Holt writes about transport for the Calder Courier."),),
                ),
            ),
        ),
        ArticleReport(
            fb,
            None,
            "s-ferry",
            (
                Flag(
                    "unresolved_speaker",
                    "warning",
                    "Quote attributed to 'he' with no named antecedent",
                    (ev(fb, "he said"),),
                ),
            ),
        ),
        ArticleReport(
            fc,
            dup,
            "s-ferry",
            (
                Flag("missing_date", "warning", "No publication date in the input"),
                Flag(
                    "syndicated_copy",
                    "info",
                    "Same text as the Harbour Gazette article",
                    (ev(fc, "The ferry strike in Port Calder continued on Tuesday"),),
                ),
            ),
        ),
        ArticleReport(oa, None, "s-orchard", ()),
        ArticleReport(
            ob,
            None,
            "s-orchard",
            (
                Flag(
                    "stale_content",
                    "error",
                    "Published 2023-10-02, more than two years before the rest of the story",
                    (ev(ob, "this season"),),
                ),
            ),
        ),
    )
    errors = (
        ProcessingError("corpus/broken.warc.gz", "ingest", "truncated gzip stream", None),
        ProcessingError(
            "corpus/feed.xml",
            "clean",
            f"article shorter than 40 characters {HOSTILE if hostile else ''}",
            "entry 3",
        ),
    )
    return Report(
        generated_at="2026-05-12T08:00:00+00:00",
        options={"db_url": "sqlite:///newsdesk.db", "dedup": {"threshold": 0.5}},
        articles=reports,
        stories=(ferry, orchard),
        errors=errors,
        stats={"articles": 5, "stories": 2, "facts": 8, "conflicts": 2, "copies": 1, "errors": 2},
    ), articles


def fixture_report(hostile: bool = False) -> Report:
    return build_report(hostile)[0]


def fixture_articles() -> dict[str, Article]:
    return build_report()[1]


def fixture_extraction(article: Article) -> Extraction:
    """An extraction with one record of every annotation type, on real offsets of `article`."""
    text = article.text
    body = text[article.body_span[0] : article.body_span[1]]
    first = body.split()[0]
    s = text.index(first, article.body_span[0])
    span = (s, s + len(first))
    return Extraction(
        article_id=article.id,
        version="test-1",
        sentences=((article.body_span[0], article.body_span[1]),),
        entities=(Entity(span[0], span[1], first, "ORG"),),
        timexes=(
            TimeRef(span[0], span[1], first, "DATE", "2026-05-11", reason="relative to DCT", mod="APPROX"),
        ),
        quantities=(
            Quantity(
                span[0],
                span[1],
                first,
                4000.0,
                3500.0,
                None,
                "commuters",
                "thousand",
                "about",
                "commuters",
                span,
            ),
            Quantity(span[0], span[1], first, None, None, None, None, equivalent_of=0, sentence=span),
        ),
        quotes=(
            Quote(span[0], span[1], first, True, None, span, None, "said", span, "unresolved_speaker", span),
            Quote(span[0], span[1], first, False, "Tomas Brevik"),
        ),
        events=(Event(span[0], span[1], "strike", span, ("union", "company"), None, span, first),),
        keyterms=("strike", "ferry"),
    )
