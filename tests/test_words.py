"""Codes become words people read: dates, statuses, kinds."""

from __future__ import annotations

import pytest

from newsdesk.render.words import (
    how_words,
    human_date,
    human_kind,
    human_status,
    readings_view,
    share_words,
    ties_words,
)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("2025-08-25", "25 Aug 2025"),
        ("XXXX-08-25", "25 Aug, year not stated"),
        ("XXXX-12", "December, year not stated"),
        ("2025-WI", "winter 2025"),
        ("2026-W12", "the week of 16 Mar 2026"),
        ("2021-Q2", "the second quarter of 2021"),
        ("2021-H1", "the first half of 2021"),
        ("P7Y", "7 years"),
        ("P1D", "1 day"),
        ("199", "the 1990s"),
        ("PRESENT_REF", "now"),
        (None, "no date"),
        ("not-a-code", "not-a-code"),
    ],
)
def test_dates_in_words(code: str | None, words: str) -> None:
    assert human_date(code) == words


def test_statuses_and_kinds_in_words() -> None:
    assert human_status("single_source") == "one source"
    assert human_kind("quote_vs_narrative") == "quote against the text"


@pytest.mark.parametrize(
    ("how", "words"),
    [
        (
            "relative to publication date 2026-03-11 (past tense)",
            "counted from the publication date (11 Mar 2026), told in the past tense",
        ),
        (
            "year relative to publication date 2026-03-11",
            "no year given: the year was taken from the publication date (11 Mar 2026)",
        ),
        (
            "the week relative to publication date 2026-03-11",
            "the week of the publication date (11 Mar 2026)",
        ),
        (
            "relative to the text (future tense)",
            "counted from another date in the text, told in the future tense",
        ),
        ("explicit date", "written out in full"),
        ("a reason nobody wrote a sentence for", "a reason nobody wrote a sentence for"),
        (None, ""),
    ],
)
def test_how_a_value_was_read_in_words(how: str | None, words: str) -> None:
    assert how_words(how) == words


def test_shares_and_ties_in_words() -> None:
    assert share_words(3, 4) == "3 of 4 articles"
    assert share_words(1, 1) == "1 article"
    assert (
        ties_words((("Port Aldane", 9), ("Nadia Korvel", 5)), 9)
        == "Port Aldane (all 9); Nadia Korvel (5 of 9)"
    )


def test_readings_group_words_and_keep_article_text_as_text() -> None:
    from newsdesk.records import Reading

    why = "relative to publication date 2026-03-11 (past tense)"
    rows = readings_view(
        (
            Reading("a1", "<b>Tuesday</b>", why),
            Reading("a2", "<b>Tuesday</b>", why),
            Reading("a3", "40 m", None),
        ),
        {"a1": "One", "a2": "One", "a3": "Two"}.get,
    )
    assert rows == [
        {
            "text": "<b>Tuesday</b>",  # the templates escape it; words never turn it into markup
            "how": "counted from the publication date (11 Mar 2026), told in the past tense",
            "article_ids": ["a1", "a2"],
            "outlets": ["One"],
        }
    ]


@pytest.mark.parametrize(
    ("value", "last_seen", "words"),
    [
        ("XXXX-08-25", "2025-08-26", "25 Aug 2025, year taken from the other articles"),
        ("XXXX-12-30", "2026-01-05", "30 Dec 2025, year taken from the other articles"),  # the year before
        ("XXXX-12", "2026-01-05", "December 2025, year taken from the other articles"),
        ("2025-08-25", "2025-08-26", "25 Aug 2025"),  # a stated year stays as stated
        ("XXXX-08-25", None, "25 Aug, year not stated"),  # no dated article to take it from
        ("XXXX-02-30", "2025-08-26", "30 Feb, year not stated"),  # no such day in any year we could take
    ],
)
def test_a_story_lends_its_year_to_a_date_that_states_none(
    value: str, last_seen: str | None, words: str
) -> None:
    from newsdesk.render.words import story_date_words

    assert story_date_words(value, last_seen) == words
