"""Quantity extraction on invented news sentences: every pattern, and what must be left alone."""

from __future__ import annotations

import math

import pytest

from newsdesk.nlp.quantities import extract_quantities, words_to_number
from newsdesk.records import Quantity

pytestmark = pytest.mark.slow


def _one(nlp, sentence: str, text: str) -> Quantity:
    found = extract_quantities(nlp(sentence))
    matches = [q for q in found if q.text == text]
    assert matches, f"{text!r} not found in {[q.text for q in found]}"
    return matches[0]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-6)


# sentence, quantity text, value, low, high, unit
# fmt: off
CASES = [
    ("The garrison holds 28,500 U.S. troops stationed near the border.", "28,500", 28500, 28500, 28500, "troop"),
    ("The carrier plans to buy more than 100 aircraft from Airbus.", "more than 100", 100, 100, None, "aircraft"),
    ("The envoys have met three times since spring.", "three", 3, 3, 3, "time"),
    ("The ministers met twice before the vote.", "twice", 2, 2, 2, "time"),
    ("Thrice the ferry failed its inspection.", "Thrice", 3, 3, 3, "time"),
    ("A dozen fishing boats left the harbor at dawn.", "A dozen", 12, 12, 12, "boat"),
    ("Hundreds of volunteers cleared the riverbank.", "Hundreds", None, 200, 999, "volunteer"),
    ("Officials counted twenty-eight thousand ballots by hand.", "twenty-eight thousand", 28000, 28000, 28000, "ballot"),
    ("About 4,000 people marched through the old town.", "About 4,000", 4000, 3600, 4400, "person"),
    ("Nearly 900 workers walked off the job.", "Nearly 900", 900, 810, 900, "worker"),
    ("At least 12 climbers were rescued from the ridge.", "At least 12", 12, 12, None, "climber"),
    ("Up to 300 families could lose their homes.", "Up to 300", 300, None, 300, "family"),
    ("Between 10 and 12 wagons left the rails.", "Between 10 and 12", 11, 10, 12, "wagon"),
    ("Inspectors found 10-12 cracked beams in the hall.", "10-12", 11, 10, 12, "beam"),
    ("The city will spend $5 billion a year on its trams.", "$5 billion a year", 5e9, 5e9, 5e9, "USD"),
    ("The regional bank raised €907 million from bond sales.", "€907 million", 9.07e8, 9.07e8, 9.07e8, "EUR"),
    ("The new bridge will cost under $1 billion, planners said.", "under $1 billion", 1e9, None, 1e9, "USD"),
    ("The studio sold the catalogue for £40m last week.", "£40m", 4e7, 4e7, 4e7, "GBP"),
    ("Exports to the bloc reached 3.4 billion yen in the quarter.", "3.4 billion yen", 3.4e9, 3.4e9, 3.4e9, "JPY"),
    ("The island spends 5% of GDP on its coast guard.", "5%", 5, 5, 5, "%"),
    ("Consumer prices rose 2.32% in the year to June.", "2.32%", 2.32, 2.32, 2.32, "%"),
    ("Turnout fell 15 percent compared with the last poll.", "15 percent", 15, 15, 15, "%"),
    ("The central bank lifted its rate by half a percentage point.", "half a percentage point", 0.5, 0.5, 0.5, "percentage point"),
    ("Half a million pilgrims are expected at the shrine.", "Half a million", 5e5, 5e5, 5e5, "pilgrim"),
    ("Rates rose by 0.25 percentage points on Thursday.", "0.25 percentage points", 0.25, 0.25, 0.25, "percentage point"),
    ("One in five nurses said they planned to leave.", "One in five", 20, 20, 20, "%"),
    ("The pipeline runs 40 miles under the bay.", "40 miles", 40, 40, 40, "mi"),
    ("The ship was carrying 3,000 tonnes of grain.", "3,000 tonnes", 3000, 3000, 3000, "t"),
    ("Rescuers searched a 12-kilometer stretch of the river.", "12-kilometer", 12, 12, 12, "km"),
    ("Temperatures hit 41 degrees Celsius in the valley.", "41 degrees Celsius", 41, 41, 41, "°C"),
    ("The parcel weighed 15 kg when it left the depot.", "15 kg", 15, 15, 15, "kg"),
    ("A magnitude 5.8 earthquake shook the valley at dawn.", "magnitude 5.8", 5.8, 5.8, 5.8, "magnitude"),
    ("Gusts reached 150 kilometers per hour on the ridge.", "150 kilometers per hour", 150, 150, 150, "km/h"),
    ("Overnight the pass fell to minus 12 degrees.", "minus 12 degrees", -12, -12, -12, "°"),
    ("Bus fares rose from 10 to 12 percent of a day's wage.", "10", 10, 10, 10, "%"),
    ("A hundred and twenty delegates left the hall.", "A hundred and twenty", 120, 120, 120, "delegate"),
    ("Imports of steel grew by a fifth last year.", "a fifth", 20, 20, 20, "%"),
    ("Half of the surveyed farms had no insurance.", "Half", 50, 50, 50, "%"),
    ("Two in three commuters now travel by train.", "Two in three", 200 / 3, 200 / 3, 200 / 3, "%"),
    ("Dozens of stalls were flattened by the storm.", "Dozens", None, 24, 99, "stall"),
    ("The levy will raise $2-3 billion over a decade.", "$2-3 billion", 2.5e9, 2e9, 3e9, "USD"),
    ("The agency projects growth of between 2% and 3% in the spring.", "between 2% and 3%", 2.5, 2, 3, "%"),
    ("The fund holds assets of A$12 billion.", "A$12 billion", 1.2e10, 1.2e10, 1.2e10, "AUD"),
    ("The lender booked a loss of 2.1 billion Swiss francs.", "2.1 billion Swiss francs", 2.1e9, 2.1e9, 2.1e9, "CHF"),
    ("The firm paid 300 million yuan in back taxes.", "300 million yuan", 3e8, 3e8, 3e8, "CNY"),
    ("With at least 12 dead, the search was called off.", "at least 12", 12, 12, None, "dead"),
    ("Diesel rose 4 cents overnight.", "4 cents", 0.04, 0.04, 0.04, "USD"),
    ("Petrol now costs $3.57 a gallon in the county.", "$3.57 a gallon", 3.57, 3.57, 3.57, "USD"),
    ("The hearing ended at 6:15 and 40 people left.", "40", 40, 40, 40, "person"),
    ("The utility raised EUR5bn in green bonds.", "EUR5bn", 5e9, 5e9, 5e9, "EUR"),
    ("Support for the plan fell 4pp in a month.", "4pp", 4, 4, 4, "percentage point"),
    ("Solar output rose threefold in five years.", "threefold", 3, 3, 3, "time"),
    ("Claims grew 2.5-fold after the storm.", "2.5-fold", 2.5, 2.5, 2.5, "time"),
    ("The state allotted Rs 500 crore to the metro line.", "Rs 500 crore", 5e9, 5e9, 5e9, "INR"),
    ("Output reached 1.2m barrels a day in March.", "1.2m barrels a day", 1.2e6, 1.2e6, 1.2e6, "barrel"),
]
# fmt: on


@pytest.mark.parametrize(("sentence", "text", "value", "low", "high", "unit"), CASES)
def test_patterns(nlp, sentence, text, value, low, high, unit) -> None:
    q = _one(nlp, sentence, text)
    assert _close(q.value, value), q
    assert _close(q.low, low), q
    assert _close(q.high, high), q
    assert q.unit == unit, q


def test_offsets_index_text(nlp) -> None:
    sentence = "After talks, the agency said   about 2,400 homes lost power for 6 hours."
    doc = nlp(sentence)
    for q in extract_quantities(doc):
        assert doc.text[q.start : q.end] == q.text
        assert q.sentence is not None
        assert q.sentence[0] <= q.start < q.end <= q.sentence[1]


def test_measure_conversion_links_equivalent(nlp) -> None:
    found = extract_quantities(nlp("The lake covers 300 hectares, or about 740 acres, in the wet season."))
    assert [q.unit for q in found] == ["ha", "acre"]
    assert found[1].equivalent_of == 0 and found[1].qualifier == "about"


def test_over_after_a_figure_is_not_a_bound(nlp) -> None:
    found = extract_quantities(nlp("The rights cost 2.4 billion pounds over three seasons."))
    assert [q.text for q in found] == ["2.4 billion pounds"]
    assert found[0].unit == "GBP" and found[0].low == found[0].high == 2.4e9


def test_conversion_links_equivalent(nlp) -> None:
    sentence = "The ministry's research budget stands at 61.2 trillion won ($44 billion) this year."
    found = extract_quantities(nlp(sentence))
    assert [q.unit for q in found] == ["KRW", "USD"]
    won, usd = found
    assert _close(won.value, 6.12e13) and won.scale == "trillion"
    assert _close(usd.value, 4.4e10) and usd.equivalent_of == 0
    assert won.subject == "ministry's research budget"


@pytest.mark.parametrize(
    ("sentence", "text", "subject"),
    [
        (
            "The garrison holds 28,500 U.S. troops stationed near the border.",
            "28,500",
            "U.S. troops stationed near the border",
        ),
        ("The carrier plans to buy more than 100 aircraft from Airbus.", "more than 100", "aircraft"),
        (
            "Lisbon's transport budget stands at 3.1 billion euros this year.",
            "3.1 billion euros",
            "Lisbon's transport budget",
        ),
        (
            "The group pledged approximately $150 billion in investments in the region.",
            "approximately $150 billion",
            "investments in the region",
        ),
        ("Consumer prices rose 2.32% in the year to June.", "2.32%", "Consumer prices"),
        ("Solar output rose threefold in five years.", "threefold", "Solar output"),
        ("Nearly one-third of the staff left.", "Nearly one-third", "staff"),
        ("The drought cut the barley harvest to 3 million tonnes.", "3 million tonnes", "barley harvest"),
        ("The ferry line, worth 90 million euros, was sold.", "90 million euros", "ferry line"),
    ],
)
def test_subjects(nlp, sentence, text, subject) -> None:
    q = _one(nlp, sentence, text)
    assert q.subject == subject
    assert q.subject_span is not None
    assert sentence[q.subject_span[0] : q.subject_span[1]] == subject


@pytest.mark.parametrize(
    "sentence",
    [
        "Veterans of the 1950-1953 war met again in 2018.",
        "The convoy turned onto Route 9 near the dam.",
        "Members invoked Article 5 of the charter.",
        "The G7 summit opened under heavy rain.",
        "Clinics reported new COVID-19 cases on the coast.",
        "The F-35 program was discussed behind closed doors.",
        "The runner finished 3rd in the final heat.",
        "The hearing is set for March 5 at 10:30 a.m. local time.",
        "Readers can call 555-123-4567 for details.",
        "The talks lasted three days and ended without a deal.",
        "She said it was one of the hardest decisions of her career.",
        "The 2019 strike closed the port for a month.",
        "The ruling was issued on 12/03/2021 by the district court.",
        "The council leader, 52, resigned on Monday.",
        "He was 75.",
        "The office reopens at nine.",
        "The library is open from 9 to 5 on Saturdays.",
        "The charity moved to 12 Harbour Street last spring.",
        "The visitors won the match 3-1 in extra time.",
        "The full report is at https://example.org/report/2024/55 online.",
        "The iPhone 15 went on sale in the autumn.",
        "The 5G rollout was delayed again.",
        "The hotline, 1-800-555-0199, was swamped.",
        "Gates 4 through 9 were closed during the storm.",
        "A 45-year-old cyclist was taken to hospital.",
        "The top 10 clubs all voted against the plan.",
        "Regulator widens probe into lender (2)",
        "The home side improved to 19 - 6 on the season.",
        "The bakery at 48 N. Maple Ave. closed for good.",
        "The fight was moved to Jul. 9 in the capital.",
        "Read more at www.example.org/news/2024/88 for details.",
    ],
)
def test_exclusions(nlp, sentence) -> None:
    assert extract_quantities(nlp(sentence)) == (), sentence


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("twenty-eight thousand", 28000),
        ("a hundred and five", 105),
        ("three million", 3e6),
        ("ninety-nine", 99),
    ],
)
def test_words_to_number(words, value) -> None:
    assert words_to_number(words) == value


def test_blanked_header_does_not_leak_into_subject(nlp) -> None:
    text = "                         \n" + "The port now employs 2,300 dock workers."
    doc = nlp(text)
    (q,) = extract_quantities(doc)
    assert q.text == "2,300" and q.unit == "worker"
    assert q.subject == "dock workers"
    assert doc.text[q.subject_span[0] : q.subject_span[1]] == "dock workers"


def test_empty_and_blanked(nlp) -> None:
    assert extract_quantities(nlp("")) == ()
    assert extract_quantities(nlp("          \n     ")) == ()


@pytest.mark.parametrize(
    ("sentence", "text", "unit"),
    [
        # the second clause leaves out the unit of the first
        (
            "The losing side collects 3 million euros in bonuses, while the champions take 7 million.",
            "7 million",
            "EUR",
        ),
        ("They sold 3 million tickets in May and 4 million in June.", "4 million", "ticket"),
    ],
)
def test_units_left_out_by_a_second_clause(nlp, sentence: str, text: str, unit: str) -> None:
    assert _one(nlp, sentence, text).unit == unit


def test_an_elided_unit_is_not_taken_across_sentences_or_scales(nlp) -> None:
    found = extract_quantities(nlp("Revenue reached 5 million euros. The firm now has 2 million on hold."))
    assert next(q for q in found if q.text == "2 million").unit is None
    found = extract_quantities(nlp("Revenue was 5 million euros while staff numbered 2 thousand."))
    assert next(q for q in found if q.text.startswith("2 thousand")).unit != "EUR"


@pytest.mark.parametrize(
    ("text", "figure", "unit"),
    [
        ("There were 52 divers in the water. Nineteen of them came up early.", "Nineteen", "diver"),
        ("Police questioned 40 fans after the match. Six of them were charged.", "Six", "fan"),
        ("The board met three times in May. Two of them were closed sessions.", "Two", None),  # no group
        ("Six of them were charged, police said.", "Six", None),  # nothing counted before
    ],
)
def test_a_count_of_them_counts_the_group_just_named(nlp, text: str, figure: str, unit: str | None) -> None:
    (q,) = [q for q in extract_quantities(nlp(text)) if q.text == figure]
    assert q.unit == unit
