"""Human words for the codes the records carry: TIMEX3 values, statuses, kinds, sources.

The static report, `newsdesk show` and the service (`serve/words.py` builds on these)
show them; report.json keeps the codes ("XXXX-08-25", "2026-W12", "single_source").
Every function is pure and never raises on a value it does not know: it returns the value.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..records import Article, ArticleHead, Conflict, Reading, Story

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
PARTS_OF_DAY = {
    "MO": "morning",
    "MI": "midday",
    "AF": "afternoon",
    "EV": "evening",
    "NI": "night",
    "DT": "daytime",
}
ORDINALS = ("first", "second", "third", "fourth")
REFS = {"PRESENT_REF": "now", "PAST_REF": "in the past", "FUTURE_REF": "in the future"}
CURRENCIES = {"usd", "eur", "gbp", "jpy", "cny", "krw", "chf", "cad", "aud", "inr", "rub", "brl"}


_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day", "H": "hour"}
_DURATION = re.compile(r"^P(\d+(?:\.\d+)?)([YMWDH])$")
_DAY = re.compile(r"^(\d{4}|XXXX)-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}|MO|MI|AF|EV|NI|DT))?")
_MONTH = re.compile(r"^(\d{4}|XXXX)-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(-WE)?$")
_SEASON = re.compile(r"^(\d{4}|XXXX)-(SP|SU|FA|WI)$")
_PART = re.compile(r"^(\d{4})-([QH])(\d)$")
_YEARISH = re.compile(r"^\d{2,4}$")


def day(value: str | None) -> str:
    """'2025-08-25' -> '25 Aug 2025' (a first/last-seen or publication date); '' for none."""
    if not value:
        return ""
    return date_words(value[:10]) if _DAY.match(value) else value


def date_words(value: str | None) -> str:
    """A TIMEX3 value in words: '2025-08-25' -> '25 Aug 2025', 'XXXX-08-25' -> '25 Aug, year not stated'."""
    if not value:
        return "date not known"
    if value in REFS:
        return REFS[value]
    try:
        return _date_words(value)
    except (ValueError, IndexError):
        return value


def _date_words(value: str) -> str:
    if m := _DAY.match(value):
        year, month, mday, time = m.groups()
        text = f"{int(mday)} {MONTHS[int(month) - 1]}"
        text += ", year not stated" if year == "XXXX" else f" {year}"
        if time in PARTS_OF_DAY:
            return f"{PARTS_OF_DAY[time]} of {text}"
        return f"{text}, {time}" if time else text
    if m := _MONTH.match(value):
        year, month = m.groups()
        name = MONTH_NAMES[int(month) - 1]
        return f"{name}, year not stated" if year == "XXXX" else f"{name} {year}"
    if m := _WEEK.match(value):
        year, week, weekend = m.groups()
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
        if weekend:
            saturday = monday + dt.timedelta(days=5)
            return f"the weekend of {saturday.day} {MONTHS[saturday.month - 1]} {saturday.year}"
        return f"the week of {monday.day} {MONTHS[monday.month - 1]} {monday.year}"
    if m := _SEASON.match(value):
        year, season = m.groups()
        return f"{SEASONS[season]}, year not stated" if year == "XXXX" else f"{SEASONS[season]} {year}"
    if m := _PART.match(value):
        year, part, n = m.groups()
        what = "quarter" if part == "Q" else "half"
        return f"the {ORDINALS[int(n) - 1]} {what} of {year}"
    if m := _DURATION.match(value):
        n = float(m.group(1))
        return f"{n:g} {_UNITS[m.group(2)]}" + ("" if n == 1 else "s")
    if _YEARISH.match(value):
        if len(value) == 4:
            return value
        if len(value) == 3:
            return f"the {value}0s"
        return f"the {value}00s"
    return value


STATUS = {"corroborated": "corroborated", "single_source": "one source", "conflicting": "conflicting"}
KIND = {
    "event": "dated event",
    "quantity": "figure",
    "quote": "quote",
    "statement": "statement",
    "date": "date",
    "number": "figure",
    "speaker": "who said it",
    "quote_vs_narrative": "quote against the text",
}
SOURCE = {
    "header": "the crawl header",
    "html-meta": "the page's metadata",
    "jsonl": "the record",
    "feed": "the feed entry",
    "warc": "the archive record",
    "absent": "nowhere",
    "first-line": "the first line",
    "dateline": "the dateline",
    "originally-appeared": "an 'originally appeared' line",
}


def human_date(value: str | None) -> str:
    """A TIMEX3 value in words ('no date' for none): see `date_words`."""
    return date_words(value) if value else "no date"


def human_status(status: str) -> str:
    return STATUS.get(status, status.replace("_", " "))


def human_kind(kind: str) -> str:
    return KIND.get(kind, kind.replace("_", " "))


def human_source(source: str | None) -> str:
    return SOURCE.get(source or "", (source or "unknown").replace("-", " "))


def host(url: str | None) -> str | None:
    """The web site of a URL without "www." ('bbc.co.uk'); None for none or a malformed one."""
    if not url:
        return None
    try:
        name = urlsplit(url).hostname or ""
    except ValueError:  # "http://[::1": urlsplit refuses it
        return None
    return name.removeprefix("www.") or None


def web_link(url: str | None) -> str | None:
    """A URL safe to link to from a page: http(s) only (never javascript: or data:)."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


# How a value was read (`Reading.how`, the timex rules' own reasons) in words. Patterns, then the
# sentence they become; {date} is the publication date in words, {tense} the tense clause.
HOW = (
    (
        re.compile(r"^year relative to publication date (\S+)(?: \((\w+) tense\))?$"),
        "no year given: the year was taken from the publication date ({date}){tense}",
    ),
    (
        re.compile(r"^relative to publication date (\S+)(?: \((\w+) tense\))?$"),
        "counted from the publication date ({date}){tense}",
    ),
    (
        re.compile(r"^the (\w+) relative to publication date (\S+)$"),
        "the {unit} of the publication date ({date})",
    ),
    (
        re.compile(r"^relative to the text(?: \((\w+) tense\))?$"),
        "counted from another date in the text{tense}",
    ),
    (re.compile(r"^explicit (date|month|year|season|decade|century)$"), "written out in full"),
)
TENSE = {"past": ", told in the past tense", "future": ", told in the future tense", "present": ""}


def how_words(how: str | None) -> str:
    """'relative to publication date 2026-03-11 (past tense)' -> 'counted from the publication date
    (11 Mar 2026), told in the past tense'; a reason it does not know is returned as it is."""
    if not how:
        return ""
    for pattern, template in HOW:
        if m := pattern.match(how):
            groups = list(m.groups())
            dates = [g for g in groups if g and _DAY.match(g)]
            tenses = [g for g in groups if g in TENSE]
            units = [g for g in groups if g and g.isalpha() and g not in TENSE]
            return template.format(
                date=date_words(dates[0]) if dates else "",
                tense=TENSE.get(tenses[0], "") if tenses else "",
                unit=units[0] if units else "",
            )
    return how


def share_words(n: int, total: int) -> str:
    """'3 of 4 articles' (how many of those that state a value give this one)."""
    return f"{n} of {total} articles" if total > n else ("1 article" if n == 1 else f"all {n} articles")


def readings_view(readings: Sequence[Reading], label: Callable[[str], str]) -> list[dict[str, Any]]:
    """A side's readings grouped by what was read and how: words, the outlets (`label(article_id)`)
    and the step in words. Article text stays text: the templates escape it."""
    groups: dict[tuple[str, str | None], list[str]] = {}
    for r in readings:
        if r.how:  # a figure read as written needs no account: its evidence shows the words
            groups.setdefault((" ".join(r.text.split()), r.how), []).append(r.article_id)
    return [
        {
            "text": text,
            "how": how_words(how),
            "article_ids": ids,
            "outlets": list(dict.fromkeys(label(a) for a in ids)),
        }
        for (text, how), ids in groups.items()
    ]


def ties_words(terms: Sequence[tuple[str, int]], n_articles: int) -> str:
    """Why a story's articles belong together: 'Ilse Brandt (all 9 articles), Millbank (7 of 9)'."""
    parts = [f"{t} ({'all ' + str(n) if n >= n_articles else f'{n} of {n_articles}'})" for t, n in terms]
    return "; ".join(parts)


# --------------------------------------------------------------------------- values


def format_value(value: Any, unit: str | None = None) -> str:
    """A fact or conflict value for people: 4000 -> '4,000', 3.0 -> '3', ranges as 'a-b'."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, float) and not math.isfinite(value):
        text = str(value)
    elif isinstance(value, (int, float)):
        text = _number(value)
    elif isinstance(value, (list, tuple)):
        text = "–".join(format_value(v) for v in value)
    elif isinstance(value, Mapping):
        text = ", ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    else:
        text = str(value)
    if unit and text:
        if unit == "%":
            return f"{text}%"
        return f"{text} {unit.upper() if unit.lower() in CURRENCIES else unit}"
    return text


def _number(value: float) -> str:
    """4000 -> '4,000'; 2400000000 -> '2.4 billion' (how articles write large round numbers)."""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        scaled = value / size
        if abs(scaled) >= 1 and round(scaled, 3) == scaled:
            return f"{scaled:,.3f}".rstrip("0").rstrip(".") + f" {word}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}"


def unit_words(value: Any, unit: str | None) -> str:
    """A figure with its unit, plural where the unit is a counted word: '3 people', '65 m', '2.4 billion USD'."""
    if unit and unit.isalpha() and unit.islower() and len(unit) >= 4 and unit not in CURRENCIES:
        number = format_value(value)
        if value == 1 or not number:
            return format_value(value, unit)
        return f"{number} {_plural(unit)}"
    return format_value(value, unit)


def _plural(word: str) -> str:
    if word == "person":
        return "people"
    if word.endswith(("s", "x", "ch", "sh")):
        return word if word.endswith("s") else word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def value_words(value: Any, kind: str, unit: str | None = None) -> str:
    """A conflict side's or fact's value for people: dates in words, figures with units."""
    if kind == "date" and isinstance(value, str):
        return date_words(value)
    if value is None:
        return "not stated"
    if isinstance(value, str):
        return value
    return unit_words(value, unit)


def outlet(article: Article | ArticleHead | None, fallback: str = "unknown article") -> str:
    """Who published an article: the outlet, else the web site, else the file it came from (never an id)."""
    if article is None:
        return fallback
    if article.source:
        return article.source
    site = host(article.url)
    if site:
        return site
    name = _file_name(article.path) or fallback
    return f"{name} ({article.locator})" if article.locator else name


@functools.lru_cache(maxsize=4096)
def _file_name(path: str) -> str:
    """The file's name (cached: a JSONL or WARC file names every record it holds)."""
    return Path(path).name


def story_date_words(value: str | None, last_seen: str | None) -> str:
    """A date in a story's words; a day or month whose year no article states takes the year of
    the story's dated articles and says so: 'XXXX-08-25' -> '25 Aug 2025, year taken from the other
    articles'. The year is the last publication's, or the one before when the day would lie more
    than a month after it. report.json keeps 'XXXX-08-25': this is wording, not data."""
    if not value or not value.startswith("XXXX-") or not last_seen or not _DAY.match(last_seen):
        return date_words(value)
    try:
        last = dt.date.fromisoformat(last_seen[:10])
        month = int(value[5:7])
        day_of = int(value[8:10]) if len(value) >= 10 and value[7] == "-" else 1
        year = last.year
        if dt.date(year, month, day_of) > last + dt.timedelta(days=31):
            year -= 1
        dt.date(year, month, day_of)
    except ValueError:
        return date_words(value)
    return f"{date_words(f'{year:04d}{value[4:]}')}, year taken from the other articles"


def conflict_sides_words(story: Story, conflict: Conflict) -> list[tuple[str, str]]:
    """Each side of a conflict as (value, share) in words, for every view of it: a date takes the
    story's year where it states none, a figure the unit of the facts in conflict, and the share
    counts the articles that give any value ('3 of 4 articles')."""
    wanted = set(conflict.fact_ids)
    unit = next((f.unit for f in story.facts if f.id in wanted and f.unit), None)
    total = len({a for side in conflict.sides for a in side.article_ids})
    return [
        (
            story_date_words(side.value, story.last_seen)
            if conflict.kind == "date" and isinstance(side.value, str)
            else value_words(side.value, conflict.kind, unit),
            share_words(len(side.article_ids), total),
        )
        for side in conflict.sides
    ]
