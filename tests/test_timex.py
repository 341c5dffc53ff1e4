"""Time expressions on invented news sentences, normalized against a publication date."""

from __future__ import annotations

import pytest

from newsdesk.nlp.timex import NO_DCT, extract_timexes

DCT = "2025-08-28"  # a Thursday

# (sentence, DCT, expression text, type, value, mod)
CASES = [
    (
        "The ministers met in Geneva on Monday to discuss the grain corridor.",
        DCT,
        "Monday",
        "DATE",
        "2025-08-25",
        None,
    ),
    (
        "The court ruled on Tuesday that the ban was lawful.",
        "2025-08-26",
        "Tuesday",
        "DATE",
        "2025-08-26",
        None,
    ),
    ("The union will strike on Monday unless talks resume.", DCT, "Monday", "DATE", "2025-09-01", None),
    ("Negotiators said they would return next Monday.", DCT, "next Monday", "DATE", "2025-09-01", None),
    ("The port reopened last Friday after the storm.", DCT, "last Friday", "DATE", "2025-08-22", None),
    (
        "Rescue crews worked through Sunday night in the rain.",
        DCT,
        "Sunday night",
        "TIME",
        "2025-08-24TNI",
        None,
    ),
    ("The accord was signed on August 25 in the capital.", DCT, "August 25", "DATE", "2025-08-25", None),
    (
        "The accord was signed on Aug. 25, 2024, in the capital.",
        DCT,
        "Aug. 25, 2024",
        "DATE",
        "2024-08-25",
        None,
    ),
    (
        "Voting ends on 25 August 2025, the commission said.",
        DCT,
        "25 August 2025",
        "DATE",
        "2025-08-25",
        None,
    ),
    ("The plant opened in March 2019 with 400 workers.", DCT, "March 2019", "DATE", "2019-03", None),
    ("The council approved the budget in July.", DCT, "July", "DATE", "2025-07", None),
    ("The council approved the budget in December.", DCT, "December", "DATE", "2024-12", None),
    ("The talks are set to resume in October.", DCT, "October", "DATE", "2025-10", None),
    ("The strike ended in 2023 after nine weeks.", DCT, "2023", "DATE", "2023", None),
    ("The city grew fastest in the 1990s.", DCT, "the 1990s", "DATE", "199", None),
    ("The bridge was built in the 20th century.", DCT, "the 20th century", "DATE", "19", None),
    ("Growers expect a dry summer 2026 in the valley.", DCT, "summer 2026", "DATE", "2026-SU", None),
    ("Exports fell last winter as demand dried up.", DCT, "last winter", "DATE", "2024-WI", None),
    ("Profit rose in the third quarter of 2025.", DCT, "the third quarter of 2025", "DATE", "2025-Q3", None),
    ("The mayor said today that the road will reopen.", DCT, "today", "DATE", "2025-08-28", None),
    ("The ferry sank yesterday off the coast.", DCT, "yesterday", "DATE", "2025-08-27", None),
    ("The verdict is expected tomorrow.", DCT, "tomorrow", "DATE", "2025-08-29", None),
    ("Prices have risen 4% this year, the bank said.", DCT, "this year", "DATE", "2025", None),
    ("Sales fell last week in most regions.", DCT, "last week", "DATE", "2025-W34", None),
    ("The tax takes effect next month.", DCT, "next month", "DATE", "2025-09", None),
    ("The board will decide later this month.", DCT, "later this month", "DATE", "2025-08", None),
    (
        "The talks would resume in early October, a spokesman said.",
        DCT,
        "early October",
        "DATE",
        "2025-10",
        "START",
    ),
    ("The plant is to close by the end of this year.", DCT, "the end of this year", "DATE", "2025", "END"),
    ("The dam was finished two years ago.", DCT, "two years ago", "DATE", "2023", None),
    ("The drought has lasted three years.", DCT, "three years", "DURATION", "P3Y", None),
    ("The town has not seen such a flood in a decade.", DCT, "a decade", "DURATION", "P10Y", None),
    ("The suspects were held for 48 hours.", DCT, "48 hours", "DURATION", "PT48H", None),
    ("The road closed for almost seven years.", DCT, "almost seven years", "DURATION", "P7Y", "LESS_THAN"),
    ("Inspectors visit the site every week.", DCT, "every week", "SET", "P1W", None),
    ("The festival is held annually in the old town.", DCT, "annually", "SET", "P1Y", None),
    ("The mine is now closed to visitors.", DCT, "now", "DATE", "PRESENT_REF", None),
    ("The agency is currently reviewing the bids.", DCT, "currently", "DATE", "PRESENT_REF", None),
    ("The company recently moved its headquarters.", DCT, "recently", "DATE", "PAST_REF", None),
    ("Officials said more cuts may come in the future.", DCT, "the future", "DATE", "FUTURE_REF", None),
    (
        "Flights resumed at 10:30 a.m. on Friday.",
        DCT,
        "10:30 a.m. on Friday",
        "TIME",
        "2025-08-22T10:30",
        None,
    ),
    ("The index closed at 2,032 on Wednesday.", DCT, "Wednesday", "DATE", "2025-08-27", None),
    ("Quarterly results are due on 2025-10-30.", DCT, "2025-10-30", "DATE", "2025-10-30", None),
    ("Shops closed early on Christmas Eve last year.", DCT, "Christmas Eve", "DATE", "2024-12-24", None),
    (
        "Turnout fell at the 1998 vote and again the following year.",
        DCT,
        "the following year",
        "DATE",
        "1999",
        None,
    ),
    (
        "The mill closed on March 3, 2021, and reopened the next day.",
        DCT,
        "the next day",
        "DATE",
        "2021-03-04",
        None,
    ),
    (
        "Debt should peak by the end of the year, the ministry said.",
        DCT,
        "the end of the year",
        "DATE",
        "2025",
        "END",
    ),
    (
        "Profit fell in the third quarter, the company said.",
        DCT,
        "the third quarter",
        "DATE",
        "2025-Q3",
        None,
    ),
    ("Earnings rose 3% in the second quarter.", "2025-10-20", "the second quarter", "DATE", "2025-Q2", None),
    (
        # The quarter reported on is the third; "the current quarter" is the publication date's.
        "Profit rose in the third quarter and should rise in the current quarter.",
        "2025-10-20",
        "the current quarter",
        "DATE",
        "2025-Q4",
        None,
    ),
    ("Wednesday's ruling was appealed.", DCT, "Wednesday", "DATE", "2025-08-27", None),
    ("The vote was postponed until Tuesday.", DCT, "Tuesday", "DATE", "2025-09-02", None),
    ("The fund returned 2 1/2 years of gains.", DCT, "2 1/2 years", "DURATION", "P2Y6M", None),
    ("The theatre has been a ruin since the 1970s.", DCT, "the 1970s", "DATE", "197", None),
    ("The ferry runs every day in summer.", DCT, "every day", "SET", "P1D", None),
    (
        "The strike will begin at 5 p.m. EST Sept. 9.",
        DCT,
        "5 p.m. EST Sept. 9",
        "TIME",
        "2025-09-09T17:00",
        None,
    ),
]


@pytest.mark.parametrize(("sentence", "dct", "expr", "typ", "value", "mod"), CASES)
def test_normalizes_without_parse(
    sentence: str, dct: str, expr: str, typ: str, value: str, mod: str | None
) -> None:
    found = {t.text: t for t in extract_timexes(sentence, dct)}
    assert expr in found, found
    t = found[expr]
    assert (t.type, t.value, t.mod) == (typ, value, mod)
    assert sentence[t.start : t.end] == t.text


@pytest.mark.parametrize(("sentence", "dct", "expr", "typ", "value", "mod"), CASES)
def test_normalizes_with_parse(
    nlp, sentence: str, dct: str, expr: str, typ: str, value: str, mod: str | None
) -> None:
    doc = nlp(sentence)
    found = {t.text: t for t in extract_timexes(doc.text, dct, doc=doc)}
    assert expr in found, found
    assert (found[expr].type, found[expr].value, found[expr].mod) == (typ, value, mod)


PARSE_TENSE_CASES = [
    # an infinitive under a simple past tells of the past; under a plan or a present verb, of the future
    (
        "The ministry said the utility agreed to sell its stake in the port to a local buyer in October.",
        "2025-10",
    ),
    ("The utility plans to sell its stake in the port to a local buyer in October.", "2026-10"),
    ("Engineers expect the river to crest on Thursday.", "2026-03-12"),
]


@pytest.mark.parametrize(("sentence", "value"), PARSE_TENSE_CASES)
def test_tense_of_an_infinitive_from_its_governing_verb(nlp, sentence: str, value: str) -> None:
    doc = nlp(sentence)
    (t,) = extract_timexes(doc.text, "2026-03-10", doc=doc)
    assert t.value == value, (t.text, t.value, t.reason)


@pytest.mark.parametrize(
    ("sentence", "expr", "value"),
    [
        ("The treaty was signed on August 25 in the capital.", "August 25", "XXXX-08-25"),
        ("Prices have risen sharply this year.", "this year", None),
        ("The ministers met on Monday.", "Monday", None),
        ("The dam was finished two years ago.", "two years ago", None),
        ("The budget was approved in July.", "July", "XXXX-07"),
    ],
)
def test_no_publication_date_is_never_guessed(sentence: str, expr: str, value: str | None) -> None:
    found = {t.text: t for t in extract_timexes(sentence, None)}
    assert found[expr].value == value
    assert found[expr].reason == NO_DCT


def test_durations_need_no_publication_date() -> None:
    (t,) = extract_timexes("The strike lasted three years.", None)
    assert t.value == "P3Y"


@pytest.mark.parametrize(
    "sentence",
    [
        "May the best team win, the coach told reporters.",
        "The fund said shares may fall further.",
        "Protesters march to the parliament in protest.",
        "Thousands march through the capital.",
        "The index rose 2.32% to 2025.5 points.",
        "The company cut 1500 jobs and sold 2000 cars.",
        "The bill passed by 218 votes to 214.",
        "Thousands joined the March for Life in the capital.",
        "The minister spoke on the programme This Week about the future of the alliance.",
        "Protesters said the fall of the regime was near.",
        "The party daily Pravda printed the speech.",
        "A 35-year-old man was arrested.",
        # "former" qualifies a title, it dates nothing (TimeML leaves it untagged; TBAQ scores drop with it)
        "The former minister denied the claims.",
    ],
)
def test_false_friends_are_not_tagged(sentence: str) -> None:
    texts = [t.text for t in extract_timexes(sentence, DCT)]
    assert texts == [], texts


def test_may_modal_not_tagged_with_parse(nlp) -> None:
    doc = nlp("May the best team win, the coach told reporters.")
    assert not [t for t in extract_timexes(doc.text, DCT, doc=doc) if t.text == "May"]


def test_month_may_is_tagged() -> None:
    (t,) = extract_timexes("The election was held in May.", DCT)
    assert (t.text, t.value) == ("May", "2025-05")


def test_offsets_index_blanked_text() -> None:
    text = " " * 20 + "\n" + "The vote took place on Monday."
    (t,) = extract_timexes(text, DCT)
    assert text[t.start : t.end] == "Monday"


def test_bad_dct_behaves_like_none() -> None:
    (t,) = extract_timexes("The vote took place on Monday.", "not a date")
    assert t.value is None and t.reason == NO_DCT


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n  ",
        "Feb. 30, 2025 and 13/45/2024",
        "On 31 February the 99th day",
        "2025-13-45",
        "May May May",
    ],
)
def test_odd_input_never_raises_and_offsets_hold(text: str) -> None:
    for t in extract_timexes(text, DCT):
        assert text[t.start : t.end] == t.text


def test_bench_rows_are_offset_exact(bench_data) -> None:
    import json

    path = bench_data / "timex" / "tbaq_train.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines()[:20]:
        doc = json.loads(line)
        for t in extract_timexes(doc["text"], doc["dct"]):
            assert doc["text"][t.start : t.end] == t.text
            assert t.value is None or t.value.strip() == t.value


def test_a_quarter_of_a_written_year_in_an_undated_article_keeps_the_article() -> None:
    """'the second quarter of 2015' stores its year in another group; with no publication date the
    reason must not need one."""
    (t,) = [
        t for t in extract_timexes("Sales fell in the second quarter of 2015.", None) if "quarter" in t.text
    ]
    assert t.value == "2015-Q2"


def test_an_expression_ends_at_a_paragraph_break() -> None:
    """A dateline's clock time and the weekday opening the next paragraph are two expressions."""
    from newsdesk.nlp.timex import extract_timexes

    found = extract_timexes("Posted at 9:40 p.m.\nFriday was the first dry day.", "2024-03-05")
    assert [t.text for t in found] == ["9:40 p.m.", "Friday"]
    found = extract_timexes("Posted at 9:40 p.m. Friday, the council said.", "2024-03-05")
    assert [t.text for t in found] == ["9:40 p.m. Friday"]
