"""Claim frames (nlp/frames.py) and frame alignment in reconcile, on sentences written for these tests."""

from __future__ import annotations

import pytest

from newsdesk.nlp.frames import add_frames
from newsdesk.nlp.quantities import extract_quantities
from newsdesk.options import Options
from newsdesk.reconcile import reconcile
from newsdesk.records import Extraction
from test_reconcile import art


def frames(nlp, text: str) -> dict[str, object]:
    doc = nlp(text)
    return {q.text: q.frame for q in add_frames(doc, extract_quantities(doc))}


@pytest.mark.parametrize(
    ("text", "figure", "attribute", "holder"),
    [
        ("The pump failed at a depth of 210 metres, engineers said.", "210 metres", "depth", ()),
        (
            "A 30-metre stretch of the harbour wall fell into the sea.",
            "30-metre",
            "length",
            ("harbour", "wall"),
        ),
        ("The dyke was 55 metres wide by noon.", "55 metres", "length", ("dyke",)),
        ("The council approved a 6 percent rise in bus fares.", "6 percent", "rise", ("bus", "fare")),
        ("Ticket sales rose 8 percent last month.", "8 percent", "rise", ("ticket", "sale")),
        ("Brightwater Party holds 40 of the 120 seats.", "40", "seat", ("brightwater", "party")),
    ],
)
def test_measured_attribute_and_holder(nlp, text: str, figure: str, attribute: str, holder: tuple) -> None:
    frame = frames(nlp, text)[figure]
    assert frame is not None and frame.attribute == attribute
    assert set(holder) <= set(frame.holder), frame


@pytest.mark.parametrize(
    ("text", "figure", "name"),
    [
        ("Ingrid Holm, 46, was released on bail.", "46", "holm"),
        ("The driver, Paul Ekberg, aged 38, was unhurt.", "38", "ekberg"),
        ("Tomas Vik, the 61-year-old harbour master, resigned.", "61-year-old", "vik"),
        ("A 29-year-old nurse, Lena Dahl, raised the alarm.", "29-year-old", "nurse"),
    ],
)
def test_ages_belong_to_their_person(nlp, text: str, figure: str, name: str) -> None:
    frame = frames(nlp, text)[figure]
    assert frame is not None and frame.attribute == "age" and name in frame.holder, frame


def test_ordinal_minute_belongs_to_the_player(nlp) -> None:
    got = frames(nlp, "Winger Jonas Blom scored in the 57th minute to level the match.")
    frame = got["57th minute"]
    assert frame is not None and frame.ordinal and frame.attribute == "minute" and "blom" in frame.holder


def test_change_words_mark_a_running_figure(nlp) -> None:
    got = frames(nlp, "The number of injured rose to 14 on Friday, up from nine.")
    assert any(f is not None and f.change for f in got.values()), got


# --------------------------------------------------------------------------- alignment through the pipeline


def _reconcile(nlp, items: list[tuple[str, str, str]]):
    from newsdesk.nlp.pipeline import doc_extraction

    articles = [art(f"a{i}", text, day, f"Outlet {i}") for i, (text, day, _) in enumerate(items)]
    extractions: dict[str, Extraction] = {a.id: doc_extraction(nlp(a.text), a) for a in articles}
    return reconcile(articles, extractions, {}, Options().reconcile)


def test_ages_of_one_person_conflict_across_days_with_the_reason(nlp) -> None:
    _, conflicts = _reconcile(
        nlp,
        [
            ("Harbour pilot Ingrid Holm, 46, steered the tanker clear.", "2026-02-03", ""),
            ("The pilot, Ingrid Holm, 49, said the tide was turning.", "2026-02-05", ""),
        ],
    )
    (c,) = [c for c in conflicts if c.kind == "number"]
    assert {s.value for s in c.sides} == {46, 49}
    assert "age" in c.description and "holm" in c.description
    assert c.reason is not None and c.reason.startswith("both: age of holm")


def test_ages_of_two_people_do_not_conflict(nlp) -> None:
    _, conflicts = _reconcile(
        nlp,
        [
            ("Harbour pilot Ingrid Holm, 46, steered the tanker clear.", "2026-02-03", ""),
            ("Deckhand Marco Lind, 23, was treated for cold.", "2026-02-03", ""),
        ],
    )
    assert not [c for c in conflicts if c.kind == "number"]


def test_a_toll_that_rises_over_days_is_an_update(nlp) -> None:
    facts, conflicts = _reconcile(
        nlp,
        [
            ("Four people died when the ferry capsized near Ostvik.", "2026-02-03", ""),
            ("Seven people have now died after the ferry capsized near Ostvik.", "2026-02-05", ""),
        ],
    )
    assert not [c for c in conflicts if c.kind == "number"]
    assert any(f.note and "update" in f.note for f in facts)


def test_killed_and_rescued_counts_do_not_conflict(nlp) -> None:
    _, conflicts = _reconcile(
        nlp,
        [
            ("Three crew members were killed in the blaze.", "2026-02-03", ""),
            ("Eleven crew members were rescued from the blaze.", "2026-02-03", ""),
        ],
    )
    assert not [c for c in conflicts if c.kind == "number"]


def test_one_event_told_with_two_verbs_conflicts_on_its_date(nlp) -> None:
    _, conflicts = _reconcile(
        nlp,
        [
            ("The council approved the harbour plan on Monday.", "2026-02-04", ""),
            ("The council passed the harbour plan on Tuesday after a long debate.", "2026-02-05", ""),
        ],
    )
    dates = [c for c in conflicts if c.kind == "date"]
    assert dates and {s.value for s in dates[0].sides} == {"2026-02-02", "2026-02-03"}


def test_a_date_the_earlier_outlet_could_not_know_is_no_conflict(nlp) -> None:
    _, conflicts = _reconcile(
        nlp,
        [
            ("Divers recovered two bodies on Monday.", "2026-02-02", ""),
            ("Divers recovered three more bodies on Wednesday.", "2026-02-05", ""),
        ],
    )
    assert not [c for c in conflicts if c.kind == "date"]


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("United won in front of 38,900 at Riverside Park.", "38,900"),
        ("A crowd of 12,400 watched the derby at Kellow Road.", "12,400"),
    ],
)
def test_attendance_is_a_crowd_whoever_scored(nlp, text: str, figure: str) -> None:
    frame = frames(nlp, text)[figure]
    assert frame is not None and frame.attribute == "crowd"
    assert "united" not in frame.holder, frame


def test_a_number_read_into_a_name_still_counts_its_noun(nlp) -> None:
    # "Three Harbour Party councillors": the tagger may take the number into the party's name
    frame = frames(nlp, "Three Harbour Party councillors voted against the plan.")["Three"]
    assert frame is not None and frame.attribute == "councillor" and frame.predicate == "vote", frame


def test_the_counted_group_acts_in_its_relative_clause(nlp) -> None:
    text = "The plan survived a revolt by five councillors who voted with the opposition."
    frame = frames(nlp, text)["five"]
    assert frame is not None and frame.predicate == "vote", frame


def test_the_of_phrase_that_brings_the_figure_is_not_its_holder(nlp) -> None:
    text = "The front came ashore at dawn, bringing gusts of up to 140 km/h and flooding parts of the quay."
    frame = frames(nlp, text)["up to 140 km/h"]
    assert frame is not None and frame.attribute == "gust" and "part" not in frame.holder, frame


def test_bringing_a_figure_is_not_a_change_unless_it_sets_a_level(nlp) -> None:
    assert not frames(nlp, "The gale brought gusts of 120 km/h to the islands.")["120 km/h"].change
    assert frames(nlp, "The plan brings the deficit down to 3 percent of output.")["3 percent"].change


def test_the_storm_is_the_one_named_storm_of_the_text(nlp) -> None:
    text = "Storm Idris hit the coast on Monday. The storm brought gusts of 150 km/h at the lighthouse."
    frame = frames(nlp, text)["150 km/h"]
    assert frame is not None and {"idris"} <= set(frame.holder) and frame.named, frame


def test_gusts_of_one_named_storm_conflict_across_outlets(nlp) -> None:
    _, conflicts = _reconcile(
        nlp,
        [
            ("Storm Idris hit the coast on Monday, bringing gusts of 150 km/h.", "2026-02-03", ""),
            ("Storm Idris came ashore on Monday. The storm brought gusts of 128 km/h.", "2026-02-04", ""),
        ],
    )
    (c,) = [c for c in conflicts if c.kind == "number"]
    assert {s.value for s in c.sides} == {150, 128} and "gust" in (c.reason or "")


@pytest.mark.parametrize(
    ("text", "yes", "no"),
    [
        ("The council passed the plan by 31 votes to 24 on Monday.", "31", "24"),
        ("It passed with 40 votes in favour and 12 against, the clerk said.", "40", "12"),
        ("The motion was carried 12-4 in a show of hands vote.", "12", "4"),
        ("Lawmakers voted 212-198 to reject the bill.", "198", "212"),
    ],
)
def test_vote_tallies_give_each_side_its_own_figure(nlp, text: str, yes: str, no: str) -> None:
    got = frames(nlp, text)
    assert got[yes].attribute == "votes for" and got[no].attribute == "votes against", got


def test_a_year_range_is_no_tally(nlp) -> None:
    got = frames(nlp, "Ten deputies voted against the plan in 2020-21.")
    assert not any(f is not None and f.attribute and f.attribute.startswith("votes") for f in got.values())


def test_the_votes_against_conflict_when_the_votes_for_agree(nlp) -> None:
    _, conflicts = _reconcile(
        nlp,
        [
            ("The council approved the harbour plan by 31 votes to 24 on Monday.", "2026-02-03", ""),
            ("The plan passed on Monday with 31 votes in favour and 26 against.", "2026-02-03", ""),
        ],
    )
    (c,) = [c for c in conflicts if c.kind == "number"]
    assert {s.value for s in c.sides} == {24, 26} and "votes against" in (c.reason or "")


def dframes(nlp, text: str, published: str = "2026-03-03") -> dict[str, object]:
    from newsdesk.nlp.timex import extract_timexes

    doc = nlp(text)
    timexes = extract_timexes(text, published, doc=doc)
    return {q.text: q.frame for q in add_frames(doc, extract_quantities(doc), timexes)}


@pytest.mark.parametrize(
    ("text", "figure", "attribute", "holder"),
    [
        ("A court on Monday sentenced Ola Brenn to five years in prison.", "five years", "sentence", "brenn"),
        ("Brenn was jailed for four years on Tuesday.", "four years", "sentence", "brenn"),
        ("Judge Moe handed Ola Brenn a six-year sentence.", "six-year", "sentence", None),
        ("Prosecutors had asked for eight years.", "eight years", "claim", "prosecutor"),
        ("Brenn has three weeks to lodge an appeal.", "three weeks", "appeal", "brenn"),
        ("The inquiry lasted nine weeks.", "nine weeks", "inquiry", None),
        ("It came after a nine-week inquiry into the accounts.", "nine-week", "inquiry", None),
    ],
)
def test_durations_that_measure_an_act(
    nlp, text: str, figure: str, attribute: str, holder: str | None
) -> None:
    frame = dframes(nlp, text)[figure]
    assert frame is not None and frame.attribute == attribute, frame
    assert holder is None or holder in frame.holder, frame


@pytest.mark.parametrize(
    "text",
    [
        "The firm will invest heavily over the next five years.",
        "The strike ended after two weeks of talks.",
        "Two years ago the harbour was closed.",
        "Prices rose in the past three months.",
    ],
)
def test_durations_that_only_frame_a_time_are_not_figures(nlp, text: str) -> None:
    assert not any(f is not None and f.attribute for f in dframes(nlp, text).values())


def test_two_prison_terms_for_one_person_conflict_but_not_two_people(nlp) -> None:
    from newsdesk.nlp.pipeline import doc_extraction

    items = [
        (
            "A court sentenced Ola Brenn to five years in prison on Monday. His aide Per Lunde got two years.",
            "2026-02-02",
        ),
        ("Brenn was jailed for four years on Monday.", "2026-02-03"),
    ]
    articles = [art(f"a{i}", text, day, f"Outlet {i}") for i, (text, day) in enumerate(items)]
    extractions = {a.id: doc_extraction(nlp(a.text), a) for a in articles}
    _, conflicts = reconcile(articles, extractions, {}, Options().reconcile)
    (c,) = [c for c in conflicts if c.kind == "number"]
    assert {s.value for s in c.sides} == {5, 4} and "sentence" in (c.reason or "")


# --------------------------------------------------------------------------- events that happen once


def test_a_sentencing_told_on_two_days_conflicts_even_when_one_report_came_first(nlp) -> None:
    _, conflicts = _reconcile(
        nlp,
        [
            ("A Halby court on Tuesday sentenced Ola Brenn to five years for fraud.", "2026-02-03", ""),
            ("Ola Brenn was jailed yesterday for five years.", "2026-02-05", ""),  # yesterday = Wednesday
        ],
    )
    (c,) = [c for c in conflicts if c.kind == "date"]
    assert {s.value for s in c.sides} == {"2026-02-03", "2026-02-04"}


def test_rescues_on_two_days_are_two_rescues(nlp) -> None:
    _, conflicts = _reconcile(
        nlp,
        [
            ("Rescuers pulled two miners from the Halby pit on Tuesday.", "2026-02-03", ""),
            ("Rescuers pulled three more miners from the Halby pit on Wednesday.", "2026-02-05", ""),
        ],
    )
    assert not [c for c in conflicts if c.kind == "date"]


def test_a_landfall_told_with_two_verbs_on_two_days_conflicts(nlp) -> None:
    _, conflicts = _reconcile(
        nlp,
        [
            ("Cyclone Mira made landfall near Darrow late on Monday.", "2026-02-03", ""),
            ("Mira came ashore near Darrow in the early hours of Tuesday.", "2026-02-05", ""),
        ],
    )
    (c,) = [c for c in conflicts if c.kind == "date"]
    assert {s.value for s in c.sides} == {"2026-02-02", "2026-02-03"}


def test_one_sentence_of_two_longer_quotes_given_to_two_people_is_a_speaker_conflict(nlp) -> None:
    line = "We had forty minutes to save the season and we used every one of them"
    _, conflicts = _reconcile(
        nlp,
        [
            (f'Rovers won the cup. "{line}," coach Ivo Lang said. "Nobody believed us."', "2026-02-03", ""),
            (
                f'Rovers won the cup. "{line}," captain Tor Eid said. "The lads were superb."',
                "2026-02-04",
                "",
            ),
        ],
    )
    (c,) = [c for c in conflicts if c.kind == "speaker"]
    assert {s.value for s in c.sides} == {"Ivo Lang", "Tor Eid"}


def test_his_ordinal_belongs_to_the_named_subject(nlp) -> None:
    text = "Eid, playing in his fifth Cup final after defeats in 2012 and 2016, was booed all game."
    frame = frames(nlp, text)["fifth Cup final"]
    assert frame is not None and frame.ordinal and "eid" in frame.holder, frame


def test_a_quoted_count_of_us_meets_the_narrative_count_of_people_in_the_same_place(nlp) -> None:
    _, conflicts = _reconcile(
        nlp,
        [
            ("All five men who had sheltered in the pump room were rescued on Friday.", "2026-02-03", ""),
            (
                '"There were six of us in that pump room when the water came," Ola Strand said.',
                "2026-02-04",
                "",
            ),
        ],
    )
    (c,) = [c for c in conflicts if c.kind == "quote_vs_narrative"]
    assert {s.value for s in c.sides} == {5, 6} and "Ola Strand" in (c.reason or "")


def test_a_framed_figure_among_others_in_its_sentence_still_meets_a_quote(nlp) -> None:
    _, conflicts = _reconcile(
        nlp,
        [
            (
                "The plan forecasts a deficit of 3.1 percent of output next year, down from 4.0 percent.",
                "2026-02-03",
                "",
            ),
            (
                '"This plan brings the deficit down to 2.6 percent of output," minister Eva Rud said.',
                "2026-02-03",
                "",
            ),
        ],
    )
    (c,) = [c for c in conflicts if c.kind == "quote_vs_narrative"]
    assert {s.value for s in c.sides} == {3.1, 2.6}


def test_a_statement_keeps_its_own_verb_so_it_reads_as_the_article_says(nlp) -> None:
    facts, _ = _reconcile(
        nlp,
        [
            ("Mayor Ines Varga ruled out talks with the union on Monday.", "2026-02-03", ""),
            ("Varga denied that the budget would raise fares.", "2026-02-03", ""),
            ("Mayor Ines Varga said the budget would balance.", "2026-02-03", ""),
        ],
    )
    texts = {f.text for f in facts if f.kind == "statement"}
    assert any(t.startswith("ruled out talks with the union") for t in texts), texts
    assert any(t.startswith("denied") and "budget would raise fares" in t for t in texts), texts
    assert not any(t.startswith("said") for t in texts), texts


@pytest.mark.parametrize(
    ("first", "second", "together"),
    [
        (  # one count of people under two nouns, in the same act
            "About 1,250 people were evacuated from the river district overnight.",
            "Of the 1,250 residents evacuated on Saturday, most returned home by Tuesday.",
            True,
        ),
        (
            "The bakery chain sent 320 workers home when the ovens failed.",
            "Lindqvist Bakeries had sent 320 employees home by noon, the union said.",
            True,
        ),
        (  # the same figure, but two acts: two facts
            "The bakery chain sent 320 workers home when the ovens failed.",
            "Some 320 customers were turned away from the bakery counters.",
            False,
        ),
    ],
)
def test_counts_of_people_meet_across_nouns_only_in_the_same_act(
    nlp, first: str, second: str, together: bool
) -> None:
    facts, conflicts = _reconcile(nlp, [(first, "2026-02-03", ""), (second, "2026-02-04", "")])
    assert not [c for c in conflicts if c.kind == "number"]
    shared = [f for f in facts if f.kind == "quantity" and len({m.article_id for m in f.mentions}) == 2]
    assert bool(shared) is together, [(f.text, f.status) for f in facts]


def test_a_group_named_in_a_prepositional_phrase_acts_in_its_participle(nlp) -> None:
    frame = frames(nlp, "Of the 640 passengers stranded at the port, most found hotel rooms.")["640"]
    assert frame is not None and frame.predicate == "strand", frame


def test_the_number_of_a_thing_counts_that_thing(nlp) -> None:
    facts, _ = _reconcile(
        nlp,
        [
            (
                "The utility said the number of homes without heating had reached 12,400 by Tuesday.",
                "2026-02-03",
                "",
            ),
            ("Some 12,400 homes were without heating on Tuesday, the utility said.", "2026-02-04", ""),
        ],
    )
    (homes,) = [f for f in facts if f.kind == "quantity" and f.value == 12400]
    assert homes.status == "corroborated", [(f.text, f.unit, f.status) for f in facts]


def test_one_signing_on_two_days_told_of_a_name_and_of_a_role_conflicts(nlp) -> None:
    """'Okafor, who signed ... on Friday' and 'The striker, who signed ... on Thursday': the clause
    names nobody else, so the class, the story and the publication dates decide."""
    _, conflicts = _reconcile(
        nlp,
        [
            (
                "Dario Okafor, who signed a new two-year deal on Friday, scored twice as Eastmoor won the cup.",
                "2026-05-17",
                "",
            ),
            (
                "The striker, who signed a two-year contract extension on Thursday, praised the Eastmoor fans.",
                "2026-05-18",
                "",
            ),
        ],
    )
    dates = [c for c in conflicts if c.kind == "date"]
    assert len(dates) == 1 and {s.value for s in dates[0].sides} == {"2026-05-15", "2026-05-14"}, conflicts
