"""Human words for the codes the records carry: TIMEX3 values, statuses, kinds, sources.

The report, the terminal and the service show these; report.json keeps the codes.
"""

from __future__ import annotations

import re

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
_PARTS = {"MO": "morning", "AF": "afternoon", "EV": "evening", "NI": "night", "DT": "daytime"}
_HALVES = {"1": "first half", "2": "second half"}
_QUARTERS = {"1": "first quarter", "2": "second quarter", "3": "third quarter", "4": "fourth quarter"}
_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day", "H": "hour"}
_REFS = {"PRESENT_REF": "now", "PAST_REF": "in the past", "FUTURE_REF": "in the future"}
_DAY = re.compile(r"^(\d{4}|XXXX)-(\d\d|XX)-(\d\d|XX)(?:T(\w\w))?")
_MONTH = re.compile(r"^(\d{4}|XXXX)-(\d\d)$")
_WEEK = re.compile(r"^(\d{4})-W(\d\d)(-WE)?$")
_SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")
_QUARTER = re.compile(r"^(\d{4})-([QH])(\d)$")
_DURATION = re.compile(r"^P(\d+(?:\.\d+)?)([YMWDH])$")
_DECADE = re.compile(r"^(\d{3})X?$")

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
    """'2025-08-25' -> '25 Aug 2025'; 'XXXX-08-25' -> '25 Aug, year not stated'; '2025-WI' ->
    'winter 2025'; 'P7Y' -> '7 years'. An unknown code is returned as it is."""
    if not value:
        return "no date"
    if value in _REFS:
        return _REFS[value]
    m = _DAY.match(value)
    if m and m.group(2) != "XX":
        year, month, day, part = m.groups()
        text = f"{int(day)} {_MONTHS[int(month) - 1]}" if day != "XX" else _MONTHS[int(month) - 1]
        text += ", year not stated" if year == "XXXX" else f" {year}"
        return text + (f", {_PARTS[part]}" if part in _PARTS else "")
    if m := _MONTH.match(value):
        year, month = m.groups()
        return _MONTHS[int(month) - 1] + (", year not stated" if year == "XXXX" else f" {year}")
    if m := _WEEK.match(value):
        return ("the weekend of " if m.group(3) else "") + f"week {int(m.group(2))} of {m.group(1)}"
    if m := _SEASON.match(value):
        return f"{_SEASONS[m.group(2)]} {m.group(1)}"
    if m := _QUARTER.match(value):
        part = (_QUARTERS if m.group(2) == "Q" else _HALVES).get(m.group(3))
        return f"{part} of {m.group(1)}" if part else value
    if m := _DURATION.match(value):
        n = float(m.group(1))
        unit = _UNITS[m.group(2)]
        count = f"{n:g}"
        return f"{count} {unit}" + ("" if n == 1 else "s")
    if re.fullmatch(r"\d{4}", value):
        return value
    if m := _DECADE.match(value):
        return f"the {m.group(1)}0s"
    return value


def human_status(status: str) -> str:
    return STATUS.get(status, status.replace("_", " "))


def human_kind(kind: str) -> str:
    return KIND.get(kind, kind.replace("_", " "))


def human_source(source: str | None) -> str:
    return SOURCE.get(source or "", (source or "unknown").replace("-", " "))
