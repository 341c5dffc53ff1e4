"""headline_mismatch: a headline written for another article, told from the article's own.

Unit cases are invented sentences (our own prose) with the entities the parser would give, one
or two per pattern the detector reads. The gate runs `bench/headline.py` on the ECB+ test topics
(`../shared/bench/ecbplus`, skipped where absent); its minimums sit a little under what the
bench measured (2026-12-06, test topics: same topic P 1.00 R .48 F1 .65, other topic P 1.00
R .94 F1 .97, no false flag on 129 own or 18 figurative headlines).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from _bench import load_bench
from newsdesk.flags import flag_articles
from newsdesk.options import Options
from newsdesk.records import Article, Entity, Extraction, Flag, Segment

ROOT = Path(__file__).resolve().parents[1]
ECBPLUS = ROOT.parent / "shared" / "bench" / "ecbplus" / "docs.jsonl"


def article(title: str, paragraphs: list[str]) -> Article:
    text, body = title + "\n\n", []
    for p in paragraphs:
        body.append((len(text), len(text) + len(p)))
        text += p + "\n\n"
    return Article(
        id="a1",
        path="a1.txt",
        fmt="txt",
        text=text,
        title=title,
        title_source="first-line",
        published="2026-03-10",
        published_source="header",
        body_span=(body[0][0], body[-1][1]),
        segments=(Segment(0, len(title), "title"),),
        body_segments=tuple(body),
    )


def headline_flag(title: str, paragraphs: list[str], entities: dict[str, str]) -> Flag | None:
    """The headline_mismatch flag, with `entities` (text -> label) marked at every body mention."""
    a = article(title, paragraphs)
    start = a.body_segments[0][0]
    ents = tuple(
        Entity(start + m.start(), start + m.end(), name, label)
        for name, label in entities.items()
        for m in re.finditer(rf"\b{re.escape(name)}\b", a.text[start:])
    )
    x = Extraction(article_id="a1", version="test", entities=ents)
    flags = flag_articles([a], {"a1": x}, {}, {"a1": None}, Options())["a1"]
    found = [f for f in flags if f.code == "headline_mismatch"]
    for f in found:
        assert f.evidence and all(
            a.text[s.start : s.end] == s.text and s.end <= len(title) for s in f.evidence
        )
    return found[0] if found else None


RELAY = [
    "Ines Marlow won the coastal relay in Brennick on Sunday, finishing four minutes ahead of the field.",
    "Marlow, who trains on the cliff paths above the harbour, said the wind had made the last leg hard.",
    "Organisers in Brennick said 300 runners took part, a record for the race.",
]
RELAY_NAMES = {"Ines Marlow": "PERSON", "Marlow": "PERSON", "Brennick": "GPE"}


# --------------------------------------------------------------------------- names the body never mentions


def test_sentence_case_names_of_other_people_and_places() -> None:
    flag = headline_flag("Tobias Frey wins the coastal relay in Oldhaven", RELAY, RELAY_NAMES)
    assert flag is not None
    assert {"Tobias", "Frey", "Oldhaven"} <= {s.text for s in flag.evidence}
    assert "never mentions" in flag.message and "Marlow" in flag.message


def test_own_sentence_case_headline_is_not_flagged() -> None:
    assert headline_flag("Ines Marlow wins the coastal relay in Brennick", RELAY, RELAY_NAMES) is None


def test_first_name_alone_is_anchored_by_the_surname() -> None:
    # the body says 'Marlow'; 'Ines' is the same person, not a stranger
    assert (
        headline_flag("Record field as Ines Marlow takes the relay", RELAY[1:], {"Marlow": "PERSON"}) is None
    )


def test_team_mate_replaced_while_the_team_is_named() -> None:
    body = [
        "The Brennick Gulls placed running back Ivo Dahl on injured reserve on Tuesday.",
        "Dahl hurt his knee in the second half of Sunday's loss, coach Anna Lind said.",
        "The Gulls have two games left and Dahl will miss both of them.",
    ]
    names = {
        "Brennick Gulls": "ORG",
        "Gulls": "ORG",
        "Ivo Dahl": "PERSON",
        "Dahl": "PERSON",
        "Anna Lind": "PERSON",
    }
    flag = headline_flag("Gulls put running back Nils Berg on injured reserve", body, names)
    assert flag is not None and {"Nils", "Berg"} <= {s.text for s in flag.evidence}
    assert headline_flag("Gulls put running back Ivo Dahl on injured reserve", body, names) is None


def test_a_title_the_body_writes_in_lower_case_is_not_a_name() -> None:
    body = [
        "The mayor of Ostby, Lars Vik, opened the new footbridge over the river on Friday.",
        "Vik said the bridge would cut the walk to the station by ten minutes.",
    ]
    names = {"Ostby": "GPE", "Lars Vik": "PERSON", "Vik": "PERSON"}
    flag = headline_flag("Mayor Greta Holm opens footbridge in Tarnby", body, names)
    assert flag is not None and {"Greta", "Holm", "Tarnby"} <= {s.text for s in flag.evidence}
    assert "Mayor" not in {s.text for s in flag.evidence}


# --------------------------------------------------------------------------- other forms of the body's names


def test_acronym_of_a_body_name_is_supported() -> None:
    body = [
        "Talks between the Calder Ferry Company and the crew union broke down on Monday in Port Calder.",
        "The company said its offer of a 3% raise stood.",
    ]
    names = {"Calder Ferry Company": "ORG", "Port Calder": "GPE"}
    assert headline_flag("CFC talks with ferry crews break down", body, names) is None


def test_demonym_and_short_form_of_a_body_name_are_supported() -> None:
    body = [
        "Fishing crews in Veloria blocked the harbour on Thursday over a cut in the cod quota.",
        "The crews from Indianapolis and Veloria met the minister in the afternoon.",
    ]
    names = {"Veloria": "GPE", "Indianapolis": "GPE"}
    assert headline_flag("Velorian crews block harbour over cod quota", body, names) is None
    assert headline_flag("Indy and Veloria crews meet minister over cod quota", body, names) is None


def test_shouted_words_are_not_acronyms() -> None:
    body = [
        "A jury in Harwell found the driver who killed a cyclist on Ridge Road guilty on Wednesday.",
        "The court heard he had been driving at twice the speed limit.",
    ]
    names = {"Harwell": "GPE", "Ridge Road": "FAC"}
    assert headline_flag("Driver found GUILTY of killing cyclist on Ridge Road", body, names) is None


# --------------------------------------------------------------------------- renamed and unsupported words


def test_renamed_storm_is_flagged_and_a_river_is_not_a_storm() -> None:
    body = [
        "Storm Brede brought down power lines along the coast overnight, and the storm is expected "
        "to weaken by the evening.",
        "Crews said Storm Brede had cut power to 12,000 homes.",
    ]
    flag = headline_flag("Storm Orla leaves thousands without power", body, {"Storm Brede": "EVENT"})
    assert flag is not None and "Storm Orla" in flag.message and "Storm Brede" in flag.message
    river = [
        "The Merrow River burst its banks on Tuesday and water reached the market square.",
        "Residents said the Merrow River had not flooded the square since 1990.",
    ]
    assert (
        headline_flag("Merrow Floodwater Reaches the Market Square", river, {"Merrow River": "LOC"}) is None
    )


def test_longer_headline_about_nothing_in_the_body_is_flagged() -> None:
    flag = headline_flag("Senate Approves Pension Reform After Marathon Overnight Debate", RELAY, RELAY_NAMES)
    assert flag is not None and {"Senate", "Pension", "Debate"} <= {s.text for s in flag.evidence}


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (
            "Sour Grapes at the Village Show",
            [
                "Judges at the Hollin flower show disqualified a prize marrow on Saturday after a "
                "rival grower said it had been bought at a shop.",
                "The grower denied it and said she would enter again next year.",
            ],
        ),
        (
            "All at Sea Over Harbour Parking Plan",
            [
                "Traders in Brennick say a plan to charge for parking on the harbour front will "
                "drive away visitors.",
                "The council will decide on the parking plan next month.",
            ],
        ),
        (
            "Third Time Lucky for Relay Queen",
            RELAY,
        ),
    ],
)
def test_figurative_headlines_are_not_flagged(title: str, body: list[str]) -> None:
    assert headline_flag(title, body, {"Hollin": "GPE", **RELAY_NAMES}) is None


# --------------------------------------------------------------------------- gate on ECB+


@pytest.mark.slow
def test_ecbplus_gate() -> None:
    if not ECBPLUS.exists():
        pytest.skip("../shared/bench/ecbplus is not here")
    scores = load_bench(ROOT, "headline").run(ECBPLUS, "test")["scores"]
    assert scores["own_fp"]["fp_rate"] <= 0.01, scores["own_fp"]
    assert scores["figurative_fp"]["flagged"] == 0, scores["figurative_fp"]
    assert scores["same_topic"]["f1"] >= 0.6 and scores["same_topic"]["precision"] >= 0.98, scores[
        "same_topic"
    ]
    assert scores["other_topic"]["f1"] >= 0.93, scores["other_topic"]
    assert scores["all"]["precision"] >= 0.98, scores["all"]
