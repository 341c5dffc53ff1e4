"""Codes become words people read: dates, statuses, kinds."""

from __future__ import annotations

import pytest

from newsdesk.render.words import human_date, human_kind, human_status


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
