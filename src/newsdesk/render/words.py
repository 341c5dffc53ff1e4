"""Human words for the codes the records carry: TIMEX3 values, statuses, kinds, sources.

The static report, `newsdesk show` and the service (`serve/words.py` builds on these)
show them; report.json keeps the codes ("XXXX-08-25", "2026-W12", "single_source").
Every function is pure and never raises on a value it does not know: it returns the value.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

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
