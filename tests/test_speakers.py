"""Speaker name canonicalization: one key per person across the articles of a story."""

from __future__ import annotations

import pytest

from newsdesk.nlp.speakers import canonical_name, canonicalize, name_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("President Donald Trump", "Donald Trump"),
        ("U.S. President Donald J. Trump", "Donald Trump"),
        ("Donald Trump's", "Donald Trump"),
        ("Sen. Maria Okafor", "Maria Okafor"),
        ("Defense Secretary Paul Lindqvist", "Paul Lindqvist"),
        ("Dr. Anna Berg", "Anna Berg"),
        ("Mr. Hale", "Hale"),
        ("South Korean presidential spokesperson Kang Yoo-jung", "Kang Yoo-jung"),
        ("  Kim   Jong Un ", "Kim Jong Un"),
        ("J.D. Vance", "J.D. Vance"),
        ("Republican Sen. Maria Okafor", "Maria Okafor"),
        ("U.S. Republican Sen. Maria Okafor", "Maria Okafor"),
        ("The Associated Press", "Associated Press"),
        # A place adjective that is part of a name stays: no title follows it.
        ("Korean Air", "Korean Air"),
        ("Chinese Foreign Ministry", "Chinese Foreign Ministry"),
        ("American Red Cross", "American Red Cross"),
        ("Russian Foreign Minister Sergei Lavrov", "Sergei Lavrov"),
        ("Miss Universe Alicia Machado", "Alicia Machado"),
        ("Universe Alicia Machado", "Alicia Machado"),
    ],
)
def test_canonical_name_strips_titles(raw: str, expected: str) -> None:
    assert canonical_name(raw) == expected


def test_name_key_ignores_hyphens_and_case() -> None:
    assert name_key("Kim Jong-un") == name_key("kim jong un") == name_key("KIM Jong Un")


def test_trump_forms_join() -> None:
    forms = ["Donald Trump", "Trump", "President Trump", "President Donald Trump", "Donald J. Trump"]
    mapping = canonicalize(forms)
    assert set(mapping.values()) == {"Donald Trump"}


def test_kim_forms_join_but_sister_stays_distinct() -> None:
    mapping = canonicalize(["Kim Jong Un", "Kim Jong-un", "Kim Yo-jong", "Kim"])
    assert mapping["Kim Jong Un"] == mapping["Kim Jong-un"]
    assert mapping["Kim Yo-jong"] != mapping["Kim Jong Un"]
    # "Kim" could be either: an ambiguous short form is never merged.
    assert mapping["Kim"] == "Kim"


def test_surname_joins_only_when_unambiguous() -> None:
    mapping = canonicalize(["Hillary Clinton", "Bill Clinton", "Clinton", "Moon Jae-in", "Moon"])
    assert mapping["Clinton"] == "Clinton"
    assert mapping["Moon"] == "Moon Jae-in"


def test_canonicalize_is_order_independent() -> None:
    forms = ["Trump", "Donald Trump", "Sen. Maria Okafor", "Okafor"]
    assert canonicalize(forms) == canonicalize(list(reversed(forms)))


def test_canonicalize_empty() -> None:
    assert canonicalize([]) == {}
