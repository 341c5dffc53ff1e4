"""The first-character guard must never change what a pattern matches."""

from __future__ import annotations

import re

import pytest

from newsdesk.nlp.regexguard import first_chars, guarded
from newsdesk.nlp.timex import _RULES

TEXT = (
    "Early Monday, about 28 years ago, the USS Kearsarge sailed; last week in mid-2019 "
    "(2.5 hours) K\u212a ſome ΣΑΒΒΑΤΟ 3rd of May, 1999. The quake hit 12 days later on 5/6/2020, "
    "that same day. Ninety-nine percent! over the next few months \u0663\u0664 years"
)


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"\b(?:early|late)?\s*May", re.I, r"[el\sM]"),
        (r"(?:a|b)?", 0, None),  # can match nothing: any position may match
        (r"[^a]x", 0, None),  # a negated class: any character
        (r"\d+\s*%", 0, r"[\d]"),
        (r"(?i:ab)c", 0, None),  # case-insensitive group in a case-sensitive pattern: no guard
        (r"(?-i:Monday)|x", re.I, "[Mx]"),
    ],
)
def test_first_chars(pattern: str, flags: int, expected: str | None) -> None:
    assert first_chars(pattern, flags) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        r"\b(?:early|late)?\s*may\b",
        r"(?<![\w.])\d+(?:\.\d+)?\s*(?:hours|days|years)",
        r"(?:\bthe\s+)?(?:same|next)\s+day",
        r"k\w+",  # the Kelvin sign folds to k under IGNORECASE
        r"s\w+",  # so does the long s
        r"σαββατο",
    ],
)
def test_guard_keeps_matches(pattern: str) -> None:
    plain = re.compile(pattern, re.IGNORECASE)
    fast = guarded(pattern, re.IGNORECASE)
    assert fast.pattern != plain.pattern or first_chars(pattern, re.IGNORECASE) is None
    assert [m.span() for m in fast.finditer(TEXT)] == [m.span() for m in plain.finditer(TEXT)]


def test_timex_rules_are_guarded_and_exact() -> None:
    for pattern, _handler in _RULES:
        assert pattern.pattern.startswith("(?=["), pattern.pattern[:60]
        rest = pattern.pattern.split("])", 1)[1]
        assert pattern.pattern == f"(?={first_chars(rest, re.IGNORECASE)}){rest}"
        plain = re.compile(rest, re.IGNORECASE)
        assert [m.span() for m in pattern.finditer(TEXT)] == [m.span() for m in plain.finditer(TEXT)]
