"""Dated events from invented news sentences."""

from __future__ import annotations

import pytest

from newsdesk.nlp.events import extract_events
from newsdesk.nlp.timex import extract_timexes

DCT = "2025-08-28"


def _events(nlp, text: str, dct: str | None = DCT):
    doc = nlp(text)
    return extract_events(doc, extract_timexes(doc.text, dct, doc=doc))


def test_summit_on_monday(nlp) -> None:
    text = "Halvik held his first summit with Quennell at the Customs House on Monday."
    (ev,) = _events(nlp, text)
    assert ev.trigger == "summit"
    assert text[ev.trigger_span[0] : ev.trigger_span[1]] == "summit"
    assert "Quennell" in ev.participants
    assert any("Customs House" in p for p in ev.participants)
    assert ev.date == "2025-08-25"
    assert text[ev.timex_span[0] : ev.timex_span[1]] == "Monday"
    assert (ev.start, ev.end) == (0, len(text)) and ev.text == text


def test_event_noun_attached_to_date(nlp) -> None:
    (ev,) = _events(nlp, "The vote in the regional assembly on August 20 was delayed by a power cut.")
    assert ev.trigger == "vote"
    assert ev.date == "2025-08-20"


def test_verb_trigger(nlp) -> None:
    (ev,) = _events(nlp, "Rebels attacked a convoy near the border on Tuesday.")
    assert ev.trigger == "attack"
    assert ev.date == "2025-08-26"


def test_offsets_in_second_sentence(nlp) -> None:
    text = "Markets were calm. The central bank raised rates on Wednesday, Reuters reported."
    (ev,) = _events(nlp, text)
    assert text[ev.start : ev.end] == ev.text
    assert ev.text.startswith("The central bank")
    assert ev.date == "2025-08-27"


def test_unresolved_or_vague_dates_make_no_event(nlp) -> None:
    assert _events(nlp, "Halvik held a summit with Quennell on Monday.", dct=None) == ()
    assert _events(nlp, "The company recently held talks with the union.") == ()
    assert _events(nlp, "The strike lasted three years.") == ()


def test_possessive_participant_is_normalized(nlp) -> None:
    events = _events(
        nlp, "Halvik's talks with Quennell in Port Aldane on Monday ended without a joint statement."
    )
    assert events, events
    assert all(not p.endswith("'s") for ev in events for p in ev.participants)


def test_year_without_publication_date_still_dates_an_event(nlp) -> None:
    (ev,) = _events(nlp, "The armistice was signed in 1953 after three years of war.", dct=None)
    assert ev.date == "1953"


def test_time_of_day_anchor_gives_a_calendar_date(nlp) -> None:
    (ev,) = _events(nlp, "Rebels shelled the airport on Tuesday night.")
    assert ev.date == "2025-08-26"


def test_infinitive_after_present_verb_is_future(nlp) -> None:
    (ev,) = _events(nlp, "Forecasters expect the river to crest again on Thursday.", dct="2026-03-04")
    assert ev.date == "2026-03-05"


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("Cyclone Mira made landfall near Darrow on Tuesday night.", "landfall"),
        ("Mira came ashore near Darrow on Tuesday night.", "ashore"),
        ("Dock workers in Halby went on strike on Monday.", "strike"),
        ("The stoppage began on Monday at the Halby docks.", "stoppage"),
        ("The crews have been on strike since Monday.", "strike"),
    ],
)
def test_light_verbs_and_phase_verbs_give_their_event(nlp, text: str, trigger: str) -> None:
    events = _events(nlp, text)
    assert events and events[0].trigger == trigger, events


@pytest.mark.parametrize(
    ("text", "trigger", "words"),
    [
        (
            "Fans were still trying to explain how Saturday's final slipped away from them.",
            "final",
            "Saturday",
        ),
        (
            "Nobody could stop Harbor City from losing Sunday's Regional Shield final to Westmoor.",
            "final",
            "Sunday",
        ),
        ("Tuesday's summit ended without a joint statement.", "summit", "Tuesday"),
    ],
)
def test_a_possessive_date_dates_the_event_it_possesses(nlp, text: str, trigger: str, words: str) -> None:
    found = [e for e in _events(nlp, text) if e.trigger == trigger]
    assert found and text[found[0].timex_span[0] : found[0].timex_span[1]].startswith(words), _events(
        nlp, text
    )


def test_a_possessive_date_of_a_thing_that_is_no_event_keeps_the_verb(nlp) -> None:
    (event,) = _events(nlp, "Monday's newspaper reported the closure of the mill.")
    assert event.trigger != "newspaper"


def test_an_event_told_in_a_relative_clause_takes_its_people_from_that_clause(nlp) -> None:
    text = "Coach Dario Okafor, who signed a two-year deal on Friday, watched Lena Brandt score the winner."
    (ev,) = [e for e in _events(nlp, text) if e.trigger == "deal"]
    assert "Dario Okafor" in ev.participants and "Lena Brandt" not in ev.participants, ev
