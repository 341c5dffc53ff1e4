"""Time expressions (TIMEX3 DATE/TIME/DURATION/SET) normalized against the publication date.

Rule-based, in the spirit of HeidelTime: a small set of compiled patterns finds
candidate expressions, the longest non-overlapping ones win, and each is
normalized against the document creation time (DCT, the article's publication
date). Weekdays are resolved by the tense of the clause: past (or no cue) ->
the most recent one on or before the DCT, future ("will", "until", an
infinitive under a present verb) -> the next one on or after it. A month or
day without a year goes to the nearest year, a tense that contradicts a
candidate costing it TENSE_PENALTY_DAYS (reported schedules make pure tense
rules misfire). The tense comes from the spaCy parse when a `Doc` is given and
from a cheap lexical guess otherwise, so the extractor also works on raw text.
A few anaphors follow the text: "the quarter" (the last quarter named), "the
following year" (the last explicit year), "that day" (the last day resolved).

Nothing is guessed without a DCT: relative expressions get `value=None` with
reason "no publication date", and explicit days/months without a year keep an
underspecified year (`XXXX-08-25`). The current date is never consulted.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..records import TimeRef, TimexType
from .doctext import doc_text
from .paragraphs import PieceMemo, pieces
from .regexguard import guarded

if TYPE_CHECKING:
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

__all__ = ["extract_timexes"]

Tense = Literal["past", "future"] | None
NO_DCT = "no publication date"
TENSE_PENALTY_DAYS = 200

# --------------------------------------------------------------------------- vocabulary

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 1,
    "tuesday": 2,
    "wednesday": 3,
    "thursday": 4,
    "friday": 5,
    "saturday": 6,
    "sunday": 7,
}
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
_PARTS_OF_DAY = {"morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI", "overnight": "TNI"}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_SMALL = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a hundred": 100, "one hundred": 100, "dozen": 12, "a dozen": 12, "half a": 0.5,
    "a couple of": 2, "couple of": 2, "a couple": 2, "one and a half": 1.5,
}  # fmt: skip
_VAGUE = {"several", "a few", "few", "many", "some", "recent", "the past few", "a number of", "numerous"}
_UNITS = {
    "second": ("T", "S", 1), "minute": ("T", "M", 1), "hour": ("T", "H", 1), "day": ("", "D", 1),
    "week": ("", "W", 1), "month": ("", "M", 1), "year": ("", "Y", 1), "decade": ("", "Y", 10),
    "century": ("", "Y", 100), "centurie": ("", "Y", 100),
}  # fmt: skip
_DUR_MODS = {
    "about": "APPROX", "around": "APPROX", "roughly": "APPROX", "some": "APPROX", "approximately": "APPROX",
    "nearly": "LESS_THAN", "almost": "LESS_THAN", "less than": "LESS_THAN", "under": "LESS_THAN",
    "more than": "MORE_THAN", "over": "MORE_THAN", "at least": "EQUAL_OR_MORE", "up to": "EQUAL_OR_LESS",
    "no more than": "EQUAL_OR_LESS", "at most": "EQUAL_OR_LESS", "a mere": None, "only": None, "just": None,
}  # fmt: skip
_POS_MODS = {
    "early": "START", "earlier": "START", "the beginning of": "START", "the start of": "START",
    "the first half of": "START", "mid": "MID", "mid-": "MID", "the middle of": "MID", "late": "END",
    "the end of": "END", "the close of": "END", "the second half of": "END",
}  # fmt: skip

# --------------------------------------------------------------------------- regex pieces

_MONTH_RE = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.|Jul\.|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_WEEKDAY_RE = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_SEASON_RE = r"(?:spring|summer|fall|autumn|winter)"
_POD_RE = r"(?:morning|afternoon|evening|night|overnight)"
_YEAR_RE = r"(?:1[6-9]\d\d|20\d\d)"
_DAY_RE = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_WORDNUM = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six"
    r"|seven|eight|nine))?|one and a half|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen|one|two|three|four|five|six|seven|eight|nine|ten|a hundred|one hundred|hundred"
    r"|a dozen|dozen|a couple of|couple of|a couple|half a|an?)"
)
_NUM = rf"(?:\d+(?:\.\d+)?(?:\s+1/2)?|{_WORDNUM})"
_VAGUE_RE = r"(?:several|a few|the past few|few|many|a number of|numerous|recent)"
_UNIT_RE = r"(?:second|minute|hour|day|week|month|year|decade|century|centurie)"
_DMOD_RE = (
    r"(?:about|around|roughly|approximately|nearly|almost|less than|under|more than|over(?!\s+the\b)|at least|up to"
    r"|no more than|at most|a mere|only|just)"
)
_PMOD_RE = r"(?:early|late|mid-?|the beginning of|the start of|the middle of|the end of|the close of)"


def _c(pattern: str) -> re.Pattern[str]:
    return guarded(pattern, re.IGNORECASE)


# --------------------------------------------------------------------------- context


@dataclass
class _Ctx:
    """Per-call state: the text, the DCT, an optional parse and the last quarter seen (anaphora)."""

    text: str
    dct: dt.date | None
    doc: Doc | None
    last_quarter: tuple[int, int] | None = None
    last_year: int | None = None  # the last explicit year mentioned, for "the following year"
    last_day: dt.date | None = None  # the last day-level date resolved, for "that day", "the next day"
    sent_bounds: list[tuple[int, int]] = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)

    def sentence(self, start: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.sent_starts, start) - 1
        if i >= 0 and start < self.sent_bounds[i][1]:
            return self.sent_bounds[i]
        return 0, len(self.text)


@dataclass(frozen=True, slots=True)
class _Res:
    type: TimexType
    value: str | None
    mod: str | None = None
    reason: str | None = None


Handler = Callable[[re.Match[str], _Ctx], "_Res | None"]

_FUTURE_CUES = _c(
    r"\b(?:will|won't|'ll|shall|going to|is due|are due|to be held|scheduled|plans? to|planning"
    r"|expected to|expects?|forecasts?|set to|intends? to|would|next|upcoming|coming)\b"
)
_PAST_CUES = _c(
    r"\b(?:was|were|had|did|said|told|ago|last|earlier|\w+ed|took|came|went|began|met|held|made|gave|won|lost"
    r"|left|fell|rose|saw|became|brought|bought|sold|built|fought|led|ran|struck|spoke|wrote|sent|kept|paid"
    r"|found|thought|knew|got|drew|flew|grew|threw|shot|stood|sat|broke|chose|drove|ate|forgot|hid|rode"
    r"|sang|sank|swam|tore|wore|woke|overtook|withdrew|undertook)\b"
)
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")
_CLAUSE_SPLIT = re.compile(r"[;:]|,\s+(?:but|and|while|which|who|after|before|when)\b|\band\b")


def _lexical_tense(ctx: _Ctx, start: int, end: int) -> Tense:
    """Guess the tense of the clause around [start, end) from cue words (no parse)."""
    s, e = ctx.sentence(start)
    sent = ctx.text[s:e]
    rel_start, rel_end = start - s, end - s
    # the clause holding the expression
    cuts = [0, *[m.end() for m in _CLAUSE_SPLIT.finditer(sent) if m.end() <= rel_start]]
    nexts = [m.start() for m in _CLAUSE_SPLIT.finditer(sent) if m.start() >= rel_end]
    clause = sent[max(cuts) : (min(nexts) if nexts else len(sent))]
    clause_wo = clause.replace(ctx.text[start:end], " ")
    if _FUTURE_CUES.search(clause_wo):
        return "future"
    if _PAST_CUES.search(clause_wo):
        return "past"
    if _FUTURE_CUES.search(sent.replace(ctx.text[start:end], " ")):
        return "future"
    if _PAST_CUES.search(sent):
        return "past"
    return None


_FUTURE_HEADS = {"expect", "plan", "schedule", "set", "due", "aim", "intend", "hope", "prepare", "propose"}


_FUTURE_PREP = _c(
    r"(?:\b(?:until|till|for|as\s+soon\s+as|as\s+early\s+as|no\s+later\s+than)\s+(?:next\s+)?)$"
)


def _parse_tense(ctx: _Ctx, start: int, end: int) -> Tense:
    """Tense of the verb governing the expression, from the spaCy parse."""
    doc = ctx.doc
    assert doc is not None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span.root
    verb = tok
    for _ in range(8):
        if verb.pos_ in ("VERB", "AUX") and verb not in span:
            break
        if verb.head is verb:
            break
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        verb = tok.sent.root
    words = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if words & {"will", "'ll", "shall", "wo", "would"}:
        return "future"
    if verb.tag_ == "MD" and verb.lower_ in ("will", "'ll", "shall", "would"):
        return "future"
    if verb.tag_ == "VBD" or words & {"did", "was", "were", "had", "has", "have"}:
        return "past"
    head = verb.head
    if verb.tag_ == "VB" and head is not verb and head.lemma_ in _FUTURE_HEADS:
        return "future"
    if verb.lemma_ in _FUTURE_HEADS and verb.tag_ in ("VBN", "VBZ", "VBP"):
        return "future"
    if verb.tag_ == "VBN" and not words:
        return "past"  # reduced clause: "the decision, announced Wednesday, ..."
    if verb.tag_ == "VB" and not words - {"to"}:
        gov = next((a for a in verb.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if gov is None or gov.tag_ not in ("VBD", "VBN"):
            return "future"  # an infinitive under a present verb: "expect the river to crest on Thursday"
        if gov.tag_ == "VBD" and gov.lemma_ not in _FUTURE_HEADS:
            return "past"  # under a simple past: "BP agreed to sell its stake in October"
    return _lexical_tense(ctx, start, end)


_PAST_PERFECT = _c(r"\bhad\b")


def _tense(ctx: _Ctx, start: int, end: int) -> Tense:
    """Tense that decides which side of the DCT an underspecified date falls on."""
    s_start, s_end = ctx.sentence(start)
    if _FUTURE_PREP.search(ctx.text, max(0, start - 25), start) and not _PAST_PERFECT.search(
        ctx.text[s_start:s_end]
    ):
        return "future"  # "postponed until Tuesday", "planned for Saturday", "as soon as Monday"
    if ctx.doc is not None:
        try:
            return _parse_tense(ctx, start, end)
        except (IndexError, ValueError):
            return _lexical_tense(ctx, start, end)
    return _lexical_tense(ctx, start, end)


# --------------------------------------------------------------------------- value helpers


_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_AND_A_HALF = re.compile(r"(\d+)\s+1/2")
_NON_DIGIT = re.compile(r"\D")


def _num(word: str) -> float | None:
    """Number from digits or words; None for vague quantifiers (several, a few)."""
    w = " ".join(word.lower().replace("-", " ").split())
    if w in _VAGUE:
        return None
    if _DECIMAL.fullmatch(w):
        return float(w)
    m = _AND_A_HALF.fullmatch(w)
    if m:
        return float(m.group(1)) + 0.5
    if w in _SMALL:
        return float(_SMALL[w])
    parts = w.split()
    if len(parts) == 2 and parts[0] in _SMALL and parts[1] in _SMALL:
        return float(_SMALL[parts[0]] + _SMALL[parts[1]])
    return None


def _fmt_num(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


_SUBUNIT = {
    ("", "Y"): ("", "M", 12),
    ("", "D"): ("T", "H", 24),
    ("T", "H"): ("", "M", 60),
    ("T", "M"): ("", "S", 60),
}


def _duration(n: float | None, unit: str) -> str:
    unit = unit.lower().rstrip("s")
    if unit.endswith("ie"):
        unit = "centurie"
    t, u, mult = _UNITS.get(unit, ("", "Y", 1))
    if n is None:
        return f"P{t}X{'DE' if mult == 10 else 'CE' if mult == 100 else u}"
    n = n * mult
    if n != int(n) and (t, u) in _SUBUNIT:  # "2 1/2 years" -> P2Y6M, "a day and a half" -> P1DT12H
        sep, su, k = _SUBUNIT[(t, u)]
        whole, frac = int(n), round((n - int(n)) * k)
        return f"P{t}{f'{whole}{u}' if whole else ''}{sep}{frac}{su}"
    return f"P{t}{_fmt_num(n)}{u}"


def _month_num(word: str) -> int:
    return _MONTHS[word.lower().rstrip(".")]


def _iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def _quarter(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def _nearest_year(dct: dt.date, span: Callable[[int], tuple[dt.date, dt.date]], tense: Tense) -> int:
    """Year whose instance of a yearly period (a month, a day, a quarter) lies nearest the DCT.

    Pure tense ("past -> before the DCT") misfires on reported schedules ("the trial
    was set for March 12"), pure nearness on distant past events: a tense that
    contradicts a candidate costs it TENSE_PENALTY_DAYS, so tense decides near-ties.
    """
    best_year, best_cost = dct.year, float("inf")
    for year in (dct.year - 1, dct.year, dct.year + 1):
        try:
            start, end = span(year)
        except ValueError:
            continue
        if start <= dct <= end:
            return year
        dist = (start - dct).days if start > dct else (dct - end).days
        if (tense == "past" and start > dct) or (tense == "future" and end < dct):
            dist += TENSE_PENALTY_DAYS
        if dist < best_cost:
            best_year, best_cost = year, dist
    return best_year


def _month_span(month: int, day: int | None) -> Callable[[int], tuple[dt.date, dt.date]]:
    def span(year: int) -> tuple[dt.date, dt.date]:
        if day is not None:
            d = dt.date(year, month, day)
            return d, d
        return dt.date(year, month, 1), dt.date(*_add_months(year, month, 1), 1) - dt.timedelta(days=1)

    return span


def _quarter_span(q: int) -> Callable[[int], tuple[dt.date, dt.date]]:
    def span(year: int) -> tuple[dt.date, dt.date]:
        first = dt.date(year, 3 * q - 2, 1)
        return first, dt.date(*_add_months(year, 3 * q - 2, 3), 1) - dt.timedelta(days=1)

    return span


def _year_for_month(dct: dt.date, month: int, day: int | None, tense: Tense) -> int:
    return _nearest_year(dct, _month_span(month, day), tense)


def _weekday_date(dct: dt.date, weekday: int, tense: Tense, rel: str | None) -> dt.date:
    delta = weekday - dct.isoweekday()
    if rel == "last" or rel == "past":
        back = (dct.isoweekday() - weekday) % 7 or 7
        return dct - dt.timedelta(days=back)
    if rel in ("next", "coming"):
        fwd = (weekday - dct.isoweekday()) % 7 or 7
        return dct + dt.timedelta(days=fwd)
    if rel == "this":
        return dct + dt.timedelta(days=delta)
    if tense == "future":
        fwd = (weekday - dct.isoweekday()) % 7
        return dct + dt.timedelta(days=fwd)
    back = (dct.isoweekday() - weekday) % 7
    return dct - dt.timedelta(days=back)


def _need_dct(ctx: _Ctx, typ: TimexType = "DATE", mod: str | None = None) -> _Res:
    return _Res(typ, None, mod, NO_DCT)


def _rel_reason(ctx: _Ctx, tense: Tense = None) -> str:
    if ctx.dct is None:  # a rule that resolved without the date has no date to name
        return "relative to the text" + (f" ({tense} tense)" if tense else "")
    return f"relative to publication date {ctx.dct.isoformat()}" + (f" ({tense} tense)" if tense else "")


def _pmod(word: str | None) -> str | None:
    if not word:
        return None
    return _POS_MODS.get(" ".join(word.lower().split()).rstrip("-") if word.lower() != "mid-" else "mid")


# --------------------------------------------------------------------------- handlers


def _explicit_date(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    month = _month_num(g["mon"])
    day = int(_NON_DIGIT.sub("", g["day"]))
    if g["mon"].lower() == "may" and not g.get("year") and _modal_may(m, ctx, "mon"):
        return None
    if g.get("year"):
        year = int(g["year"])
        try:
            dt.date(year, month, day)
        except ValueError:
            return None
        ctx.last_year = year
        return _Res("DATE", f"{year:04d}-{month:02d}-{day:02d}", None, "explicit date")
    if ctx.dct is None:
        return _Res("DATE", f"XXXX-{month:02d}-{day:02d}", None, NO_DCT)
    tense = _tense(ctx, m.start(), m.end())
    year = _year_for_month(ctx.dct, month, day, tense)
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return _Res("DATE", f"{year:04d}-{month:02d}-{day:02d}", None, "year " + _rel_reason(ctx, tense))


def _numeric_date(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    if g.get("iy"):
        y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
    else:
        mo, d, y = int(g["um"]), int(g["ud"]), int(g["uy"])
        if y < 100:
            y += 1900 if y > 40 else 2000
    try:
        dt.date(y, mo, d)
    except ValueError:
        return None
    return _Res("DATE", f"{y:04d}-{mo:02d}-{d:02d}", None, "explicit date")


_MAY_MODAL_NEXT = _c(r"\s+(?:be|have|not|also|still|well|never|soon|need|want|take|become|get|seek|face)\b")


_MAY_OPENER = re.compile(r"\s+(?:the|I|you|he|she|it|we|they|God|this|that|his|her|their|our|all)\b")


def _modal_may(m: re.Match[str], ctx: _Ctx, group: str) -> bool:
    """True when a capitalized "May" is the modal verb (sentence-initial "May be...")."""
    s = m.start(group)
    if ctx.doc is not None:
        span = ctx.doc.char_span(s, s + 3)
        if span is not None and len(span) == 1 and span[0].tag_ == "MD":
            return True
    after = ctx.text[m.end(group) : m.end(group) + 20]
    before = ctx.text[max(0, s - 3) : s]
    if (not before.strip() or before.rstrip()[-1:] in ".!?\"'") and _MAY_OPENER.match(after):
        return True
    return bool(_MAY_MODAL_NEXT.match(after))


def _month_verb(m: re.Match[str], ctx: _Ctx, group: str) -> bool:
    """True when "March"/"May" is a verb in the parse or by position."""
    word = m.group(group).lower()
    if word == "may":
        return _modal_may(m, ctx, group)
    if word == "march" and ctx.doc is not None:
        span = ctx.doc.char_span(m.start(group), m.end(group))
        if span is not None and len(span) == 1 and span[0].pos_ == "VERB":
            return True
    return False


def _month_year(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    month = _month_num(g["mon"])
    mod = _pmod(g.get("pmod"))
    ctx.last_year = int(g["year"])
    return _Res("DATE", f"{ctx.last_year:04d}-{month:02d}", mod, "explicit month")


_NAMED_EVENT_AFTER = re.compile(r"\s+(?:for|of|on|against|to)\s+(?:the\s+)?[A-Z]")


def _month_alone(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    if (
        g["mon"].endswith(".") is False
        and _month_verb(m, ctx, "mon")
        and not g.get("pmod")
        and not g.get("rel")
    ):
        return None
    if g["mon"].lower() in ("mar", "jun", "jul", "sep", "dec", "jan", "feb", "apr", "aug", "oct", "nov"):
        return None  # bare abbreviation without a day: too ambiguous
    if not (g.get("pmod") or g.get("rel")) and _NAMED_EVENT_AFTER.match(ctx.text, m.end()):
        return None  # "the March for Life", "the March of the Mothers"
    month = _month_num(g["mon"])
    mod = _pmod(g.get("pmod"))
    rel = (g.get("rel") or "").lower()
    yrel = (g.get("yrel") or "").lower()
    if ctx.dct is None:
        if rel or yrel:
            return _need_dct(ctx, mod=mod)
        return _Res("DATE", f"XXXX-{month:02d}", mod, NO_DCT)
    if yrel:
        year = ctx.dct.year + {"last": -1, "this": 0, "next": 1}[yrel]
        return _Res("DATE", f"{year:04d}-{month:02d}", mod, _rel_reason(ctx))
    if rel in ("last", "past"):
        year = ctx.dct.year if month < ctx.dct.month else ctx.dct.year - 1
        return _Res("DATE", f"{year:04d}-{month:02d}", mod, _rel_reason(ctx))
    if rel in ("next", "coming"):
        year = ctx.dct.year if month > ctx.dct.month else ctx.dct.year + 1
        return _Res("DATE", f"{year:04d}-{month:02d}", mod, _rel_reason(ctx))
    if rel == "this":
        return _Res("DATE", f"{ctx.dct.year:04d}-{month:02d}", mod, _rel_reason(ctx))
    tense = _tense(ctx, m.start(), m.end())
    year = _year_for_month(ctx.dct, month, None, tense)
    return _Res("DATE", f"{year:04d}-{month:02d}", mod, "year " + _rel_reason(ctx, tense))


def _weekday(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    wd = _WEEKDAYS[g["wd"].lower()]
    rel = (g.get("rel") or "").lower() or None
    pod = (g.get("pod") or g.get("pod2") or "").lower()
    pmod = _pmod(g.get("pmod"))
    suffix = _PARTS_OF_DAY[pod] if pod else ""
    typ: TimexType = "TIME" if pod else "DATE"
    if ctx.dct is None:
        return _need_dct(ctx, typ, pmod)
    if rel:
        tense: Tense = None
    elif m.group(0).lower().endswith("'s") or ctx.text[m.end() : m.end() + 2] == "'s":
        tense = "past"  # "Wednesday's ruling": a reported happening
    else:
        tense = _tense(ctx, m.start(), m.end())
    d = _weekday_date(ctx.dct, wd, tense, rel)
    return _Res(typ, d.isoformat() + suffix, pmod, _rel_reason(ctx, tense))


def _clock(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    if g.get("noon"):
        hh, mm = (12, 0) if g["noon"].lower() == "noon" else (0, 0)
    else:
        hh = int(g["hh"] or g["hh2"])
        mm = int(g["mm"] or g["mm2"] or 0)
        ap = (g.get("ap") or "").lower().replace(".", "").replace(" ", "")
        if ap == "pm" and hh < 12:
            hh += 12
        elif ap == "am" and hh == 12:
            hh = 0
        if hh > 23 or mm > 59:
            return None
    if ctx.dct is None:
        return _need_dct(ctx, "TIME")
    day = ctx.dct
    wd = g.get("wd")
    rel_day = (g.get("relday") or "").lower()
    tense: Tense = None
    if wd:
        tense = _tense(ctx, m.start(), m.end())
        day = _weekday_date(ctx.dct, _WEEKDAYS[wd.lower()], tense, None)
    elif g.get("cmon"):
        month, dnum = _month_num(g["cmon"]), int(_NON_DIGIT.sub("", g["cday"]))
        if g.get("cyear"):
            day = dt.date(int(g["cyear"]), month, dnum)
        else:
            tense = _tense(ctx, m.start(), m.end())
            day = dt.date(_year_for_month(ctx.dct, month, dnum, tense), month, dnum)
    elif rel_day == "yesterday":
        day = ctx.dct - dt.timedelta(days=1)
    elif rel_day == "tomorrow":
        day = ctx.dct + dt.timedelta(days=1)
    return _Res("TIME", f"{day.isoformat()}T{hh:02d}:{mm:02d}", None, _rel_reason(ctx, tense))


def _deictic_day(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    word = (g["dday"] or g.get("dday2") or "").lower()
    pod = (g.get("pod") or "").lower()
    pmod = _pmod(g.get("pmod"))
    if word == "tonight":
        pod = "night"
    if word == "last night":
        word, pod = "yesterday", "night"
    if word in ("this",):
        word = "today"
    if word in ("overnight", "midday", "mid-afternoon", "mid afternoon"):
        if ctx.dct is None:
            return _need_dct(ctx, "TIME")
        value = {"overnight": (ctx.dct - dt.timedelta(days=1)).isoformat() + "TNI",
                 "midday": ctx.dct.isoformat() + "T12:00"}.get(word, ctx.dct.isoformat() + "TAF")  # fmt: skip
        return _Res("TIME", value, None, _rel_reason(ctx))
    typ: TimexType = "TIME" if pod and word != "tonight" else "DATE"
    if ctx.dct is None:
        return _need_dct(ctx, typ, pmod)
    offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[word]
    day = ctx.dct + dt.timedelta(days=offset)
    suffix = _PARTS_OF_DAY[pod] if pod and word != "tonight" else ""
    return _Res(typ, day.isoformat() + suffix, pmod, _rel_reason(ctx))


_NUMBER_AFTER = re.compile(r"\s*(?:%|percent|per cent|\.\d|,\d{3}|\d)")
_COUNTED_NOUN_AFTER = _c(
    r"[-\s]*(?:people|troops|soldiers|workers|units|jobs|cases|residents|students|votes|members|employees"
    r"|shares|tons|barrels|cars|homes|pounds|feet|miles|meters|km|kg|deaths|children|men|women|points|yards"
    r"|words|pages|acres|dollars|euros|yuan|won)\b"
)
_LABEL_BEFORE = _c(r"(?:No\.|number|route|flight|room|model)\s*$")


def _year(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    year = int(g["year"])
    after = ctx.text[m.end() : m.end() + 12]
    before = ctx.text[max(0, m.start() - 2) : m.start()]
    if _NUMBER_AFTER.match(after) or before.endswith(("$", "#", "€", "£")):
        return None  # 2025.5 points, 2,032, 2025%, $2025
    if _COUNTED_NOUN_AFTER.match(after) or _LABEL_BEFORE.search(ctx.text, max(0, m.start() - 10), m.start()):
        return None  # "2000 cars", "flight 1549": a count or a label, not a year
    mod = _pmod(g.get("pmod"))
    if g.get("post"):
        mod = "AFTER" if g["post"].lower().startswith("post") else "BEFORE"
    ctx.last_year = year
    return _Res("DATE", f"{year:04d}", mod, "explicit year")


def _decade(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    mod = _pmod(g.get("pmod"))
    if g.get("dec4"):
        return _Res("DATE", g["dec4"][:3], mod, "explicit decade")
    two = g["dec2"]
    century = "19" if int(two) >= 30 else "20"
    return _Res("DATE", century + two[0], mod, "decade, century assumed")


def _century(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    mod = _pmod(g.get("pmod"))
    if g.get("cnum"):
        n = int(_NON_DIGIT.sub("", g["cnum"]))
        return _Res("DATE", f"{n - 1:02d}", mod, "explicit century")
    if ctx.dct is None:
        return _need_dct(ctx, mod=mod)
    rel = g["crel"].lower()
    c = ctx.dct.year // 100 + {
        "this": 0,
        "current": 0,
        "last": -1,
        "past": -1,
        "previous": -1,
        "next": 1,
    }.get(rel, 0)
    return _Res("DATE", f"{c:02d}", mod, _rel_reason(ctx))


_SEASON_CUE_BEFORE = re.compile(
    r"\b(?:in|during|by|until|since|through|early|late|this|last|next)\s+(?:the\s+)?$"
)
_OF_NOT_YEAR = re.compile(r"\s+of\s+(?!\d)")


def _season(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    season = _SEASONS[g["season"].lower()]
    mod = _pmod(g.get("pmod"))
    rel0 = (g.get("rel") or "").lower()
    if season == "FA" and not (g.get("year") or mod or rel0 in ("this", "last", "next", "past", "coming")):
        before = ctx.text[max(0, m.start() - 12) : m.start()].lower()
        after = ctx.text[m.end() : m.end() + 12]
        if not _SEASON_CUE_BEFORE.search(before + ("the " if rel0 == "the" else "")) or _OF_NOT_YEAR.match(
            after
        ):
            return None  # "the fall of the wall", "prices fall"
    if g.get("year"):
        return _Res("DATE", f"{g['year']}-{season}", mod, "explicit season")
    rel = (g.get("rel") or "").lower()
    if ctx.dct is None:
        return _Res("DATE", f"XXXX-{season}" if not rel else None, mod, NO_DCT)
    start = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
    d = ctx.dct
    cur_m = 12 if d.month in (1, 2) else (d.month // 3) * 3
    cur = (d.year - 1 if d.month in (1, 2) else d.year, cur_m)
    y = d.year
    tense = None if rel and rel != "the" else _tense(ctx, m.start(), m.end())
    if rel in ("last", "past", "previous"):
        while (y, start[season]) >= cur:
            y -= 1
    elif rel in ("next", "coming"):
        while (y, start[season]) <= cur:
            y += 1
    elif tense == "past":
        while (y, start[season]) > cur:
            y -= 1
    elif tense == "future":
        while (y, start[season]) < cur:
            y += 1
    return _Res("DATE", f"{y}-{season}", mod, _rel_reason(ctx))


def _quarter_res(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    mod = _pmod(g.get("pmod"))
    q = _ORDINALS[g["qord"].lower()] if g.get("qord") else None
    unit = (g.get("qunit") or "quarter").lower()
    if g.get("year") or g.get("year2"):
        year = int(g.get("year") or g["year2"])
    elif g.get("yrel"):
        if ctx.dct is None:
            return _need_dct(ctx, mod=mod)
        year = ctx.dct.year + {"last": -1, "this": 0, "next": 1, "current": 0}[g["yrel"].lower()]
    else:
        if ctx.dct is None:
            return _need_dct(ctx, mod=mod)
        year = ctx.dct.year
        if q is not None and unit == "quarter":
            year = _nearest_year(ctx.dct, _quarter_span(q), _tense(ctx, m.start(), m.end()))
    if unit == "half":
        return _Res("DATE", f"{year}-H{q}", mod, "half year")
    if q is None:
        return None
    ctx.last_quarter = (year, q)
    return _Res(
        "DATE", f"{year}-Q{q}", mod, "quarter" if g.get("year") or g.get("year2") else _rel_reason(ctx)
    )


def _quarter_anaphor(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    """ "the quarter", "the latest quarter", "the year-earlier period": the quarter under discussion."""
    g = m.groupdict()
    if g.get("qyear"):
        q = _ORDINALS[g["qord"].lower()] if g.get("qord") else (ctx.last_quarter or (0, 0))[1]
        if q:
            return _Res("DATE", f"{g['qyear']}-Q{q}", None, "quarter of an explicit year")
        return _Res("DATE", g["qyear"], None, "explicit year")
    if ctx.dct is None:
        return _need_dct(ctx)
    current = (g.get("rel") or "").lower() in ("this", "current")
    if ctx.last_quarter is not None and not current:
        y, q = ctx.last_quarter
    else:
        # "the current quarter" is the DCT's, whichever quarter the article reported on before.
        y, q = ctx.dct.year, _quarter(ctx.dct)
        if not current:
            q -= 1
            if q == 0:
                y, q = y - 1, 4
    if g.get("ago"):
        y -= 1
    return _Res("DATE", f"{y}-Q{q}", None, "the quarter under discussion")


def _relative_unit(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    rel = g["rel"].lower()
    unit = g["unit"].lower()
    if g["unit"][0].isupper():
        return None  # "This Week", a programme title
    mod = _pmod(g.get("pmod"))
    if g.get("lt"):
        mod = "START" if g["lt"].lower() == "earlier" else None
    if ctx.dct is None:
        return _need_dct(ctx, mod=mod)
    k = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "latest": 0,
         "next": 1, "coming": 1, "following": 1}[rel]  # fmt: skip
    d = ctx.dct
    reason = _rel_reason(ctx)
    anaphoric = m.group(0).lower().startswith("the") and rel in ("following", "next", "previous")
    if unit == "year" and anaphoric and ctx.last_year is not None:
        return _Res("DATE", f"{ctx.last_year + k}", mod, f"relative to {ctx.last_year}, mentioned before")
    if unit in ("fiscal year", "year"):
        return _Res("DATE", f"{d.year + k}", mod or ("APPROX" if unit == "fiscal year" else None), reason)
    if unit == "month":
        y, mo = _add_months(d.year, d.month, k)
        return _Res("DATE", f"{y}-{mo:02d}", mod, reason)
    if unit in ("week", "weekend"):
        w = _iso_week(d + dt.timedelta(weeks=k))
        return _Res("DATE", w + ("-WE" if unit == "weekend" else ""), mod, reason)
    if unit == "quarter":
        y, q = d.year, _quarter(d) + k
        if q == 0:
            y, q = y - 1, 4
        elif q == 5:
            y, q = y + 1, 1
        ctx.last_quarter = (y, q)
        return _Res("DATE", f"{y}-Q{q}", mod, reason)
    if unit == "decade":
        if rel in ("past", "last", "previous"):
            return _Res("DURATION", "P10Y", mod, "duration up to the publication date")
        return _Res("DATE", f"{d.year // 10 + k}", mod, reason)
    if unit in ("day",):
        return _Res("DATE", (d + dt.timedelta(days=k)).isoformat(), mod, reason)
    return None


def _ago(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    n = _num(g["num"]) if g.get("num") else None
    unit = g["unit"].lower().rstrip("s")
    if unit.endswith("ie"):
        unit = "century"
    direction = -1 if g["dir"].lower() in ("ago", "earlier", "before") else 1
    mod = _DUR_MODS.get(" ".join((g.get("dmod") or "").lower().split())) if g.get("dmod") else None
    if mod not in (None, "APPROX"):
        mod = "APPROX"
    if n is None:
        return _Res("DATE", "PAST_REF" if direction < 0 else "FUTURE_REF", None, "vague relative time")
    if g["dir"].lower() in ("earlier", "later", "before") and unit not in ("year", "decade", "century"):
        # "three days later" is anchored on the narrative, not the DCT: keep it a duration
        return _Res("DURATION", _duration(n, unit), mod, "duration relative to an earlier event")
    if ctx.dct is None:
        return _need_dct(ctx, mod=mod)
    d = ctx.dct
    k = int(n) * direction
    reason = _rel_reason(ctx)
    if unit in ("year", "decade", "century"):
        mult = {"year": 1, "decade": 10, "century": 100}[unit]
        if unit == "year" and n == 1 and ctx.last_quarter is not None:
            return _Res("DATE", f"{ctx.last_quarter[0] + direction}-Q{ctx.last_quarter[1]}", mod, reason)
        return _Res("DATE", f"{d.year + k * mult}", mod, reason)
    if unit == "month":
        y, mo = _add_months(d.year, d.month, k)
        return _Res("DATE", f"{y}-{mo:02d}", mod, reason)
    if unit == "week":
        return _Res("DATE", _iso_week(d + dt.timedelta(weeks=k)), mod, reason)
    if unit == "day":
        return _Res("DATE", (d + dt.timedelta(days=k)).isoformat(), mod, reason)
    return _Res("DATE", d.isoformat(), mod, reason)


_RATE_BEFORE = _c(r"(?:\d|million|billion|trillion|percent|times|once|twice)\S*(?:\s+[a-z]+)?\s+$")


_AGE_AFTER = re.compile(r"[-\s]old\b|\s+of\s+age\b")


def _duration_res(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    after = ctx.text[m.end() : m.end() + 6]
    if _AGE_AFTER.match(after):
        return None  # ages are not time expressions
    unit = g["unit"]
    if unit[0].isupper():
        return None  # "60 Minutes", a title
    num = g.get("num") or g.get("vague")
    if (num or "").lower() in ("a", "an") and _RATE_BEFORE.search(
        ctx.text, max(0, m.start() - 30), m.start()
    ):
        return None  # "$1.76 a year", "four flights a week": a rate, not a duration
    n = _num(num) if num else None
    if num is None and not g.get("vague"):
        n = None
    value = _duration(n, unit)
    dmod = " ".join((g.get("dmod") or "").lower().split())
    mod = _DUR_MODS.get(dmod) if dmod else None
    return _Res("DURATION", value, mod, "duration")


def _bare_units(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    return _Res("DURATION", _duration(None, m.group("unit") or m.group("unit2")), None, "vague duration")


_CAPITALIZED_AFTER = re.compile(r"\s+[A-Z][a-z]")


def _set_res(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    word = m.group(0).lower()
    adv = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y",
           "quarterly": "P3M", "hourly": "PT1H", "nightly": "XXXX-XX-XXTNI"}  # fmt: skip
    if word in adv:
        if _CAPITALIZED_AFTER.match(ctx.text, m.end()):
            return None  # "the party daily Granma": a newspaper
        return _Res("SET", adv[word], None, "frequency")
    unit = (g.get("sunit") or "").lower()
    if g.get("snum"):
        n = _num(g["snum"].strip())
        if n is None or unit not in _UNITS:
            return None
        return _Res("SET", _duration(n, unit), None, "frequency")
    if unit in _WEEKDAYS:
        return _Res("SET", f"XXXX-WXX-{_WEEKDAYS[unit]}", None, "frequency")
    if unit in _PARTS_OF_DAY:
        return _Res("SET", f"XXXX-XX-XX{_PARTS_OF_DAY[unit]}", None, "frequency")
    if unit in _SEASONS:
        return _Res("SET", f"XXXX-{_SEASONS[unit]}", None, "frequency")
    base = {"day": "P1D", "week": "P1W", "month": "P1M", "year": "P1Y", "hour": "PT1H", "decade": "P10Y",
            "minute": "PT1M", "season": "P1Y", "quarter": "P3M", "weekend": "XXXX-WXX-WE"}  # fmt: skip
    if unit in base:
        return _Res("SET", base[unit], None, "frequency")
    return None


_TIME_UNIT_NEXT = _c(r"\s+(?:fiscal\s+)?(?:year|month|week|quarter|season|decade|century|period)\b")


_OF_AFTER = re.compile(r"\s+of\b")


def _ref(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    word = " ".join(m.group(0).lower().split())
    if word in ("now", "currently", "current", "at present", "right now", "these days", "nowadays",
                "at the moment", "presently", "today's"):  # fmt: skip
        if word == "current" and _TIME_UNIT_NEXT.match(ctx.text, m.end()):
            return None
        return _Res("DATE", "PRESENT_REF", None, "present reference")
    if "future" in word or "term" in word:
        if _OF_AFTER.match(ctx.text, m.end()):
            return None  # "the future of the alliance": a topic, not a time
        return _Res("DATE", "FUTURE_REF", None, "future reference")
    return _Res("DATE", "PAST_REF", None, "past reference")


_HOLIDAYS = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
             "new year's day": (1, 1), "new year's eve": (12, 31), "halloween": (10, 31),
             "valentine's day": (2, 14), "independence day": (7, 4)}  # fmt: skip


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based; -1 = last) ISO weekday of a month: Thanksgiving, Labor Day ..."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    last = dt.date(*_add_months(year, month, 1), 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)


def _holiday_date(name: str, year: int) -> dt.date | None:
    key = " ".join(name.lower().split())
    if key in _HOLIDAYS:
        return dt.date(year, *_HOLIDAYS[key])
    rules = {"thanksgiving": (11, 4, 4), "labor day": (9, 1, 1), "memorial day": (5, 1, -1)}
    for prefix, (month, weekday, n) in rules.items():
        if key.startswith(prefix):
            return _nth_weekday(year, month, weekday, n)
    if key == "election day":  # US: the Tuesday after the first Monday of November
        return _nth_weekday(year, 11, 1, 1) + dt.timedelta(days=1)
    return None


def _holiday(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    g = m.groupdict()
    if ctx.dct is None:
        return _need_dct(ctx)
    rel = (g.get("rel") or "").lower()
    cands = [
        d for y in (ctx.dct.year - 1, ctx.dct.year, ctx.dct.year + 1) if (d := _holiday_date(g["hol"], y))
    ]
    if not cands:
        return None
    if rel == "last":
        pick = max(d for d in cands if d < ctx.dct)
    elif rel == "next":
        pick = min(d for d in cands if d > ctx.dct)
    else:
        tense = _tense(ctx, m.start(), m.end())
        pool = [d for d in cands if (d <= ctx.dct if tense == "past" else d >= ctx.dct if tense else True)]
        pick = min(pool or cands, key=lambda d: abs((d - ctx.dct).days))
    return _Res("DATE", pick.isoformat(), None, _rel_reason(ctx))


_SPOKEN_TENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"


_WORD_SPLIT = re.compile(r"[\s-]+")


def _spoken_year(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    """Years as read aloud in broadcast transcripts: "nineteen ninety-six", "the year two thousand"."""
    words = _WORD_SPLIT.split(m.group("spoken").lower())
    if words[:2] == ["two", "thousand"]:
        rest = [w for w in words[2:] if w != "and"]
        n = _num(" ".join(rest)) if rest else 0
        return None if n is None else _Res("DATE", f"{2000 + int(n)}", None, "spoken year")
    century = {"nineteen": 1900, "twenty": 2000}[words[0]]
    rest = words[1:]
    if rest and rest[0] == "oh":
        rest = rest[1:]
    if rest == ["hundred"]:
        return _Res("DATE", f"{century}", None, "spoken year")
    n = _num(" ".join(rest))
    if n is None or n >= 100:
        return None
    return _Res("DATE", f"{century + int(n)}", None, "spoken year")


def _decade_word(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    tens = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
            "eighties": 8, "nineties": 9}  # fmt: skip
    if not m.group(0).lower().startswith("the"):
        return None  # "in his forties" is an age
    return _Res("DATE", f"19{tens[m.group('dword').lower()]}", None, "decade, century assumed")


_YEAR_ENDED_AFTER = _c(r"\s+(?:ended|ending|to)\s")
_AWARD_BEFORE = _c(
    r"\b(?:person|player|man|woman|car|album|song|book|coach|team|word|manager|story|event)s?\s+of\s+$"
)


def _the_unit(m: re.Match[str], ctx: _Ctx, unit: str) -> _Res | None:
    """A bare "the year" / "the week" / "the month": the one under discussion, the DCT's by default.

    "the year ended June 30" is a fiscal year: a one-year duration.
    """
    if _AWARD_BEFORE.search(ctx.text, max(0, m.start() - 20), m.start()):
        return None  # "player of the year"
    if unit == "quarter":
        return None  # handled by the quarter anaphor rule
    if unit == "year" and _YEAR_ENDED_AFTER.match(ctx.text, m.end()):
        return _Res("DURATION", "P1Y", None, "fiscal year")
    if ctx.dct is None:
        return _need_dct(ctx)
    d = ctx.dct
    value = {"year": f"{d.year}", "month": f"{d.year}-{d.month:02d}", "week": _iso_week(d)}[unit]
    return _Res("DATE", value, None, "the " + unit + " " + _rel_reason(ctx))


def _edge_of_unit(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    """ "the end of the year", "year-end", "the year's end": the current unit, with its mod."""
    g = m.groupdict()
    text = m.group(0).lower()
    if g.get("edge") == "the" and "'s end" not in text:
        return _the_unit(m, ctx, (g.get("eunit") or "year").lower())
    mod = (
        "END"
        if ("end" in text or "close" in text)
        else "START"
        if ("beginning" in text or "start" in text)
        else "MID"
    )
    unit = (g.get("eunit") or g.get("eunit2") or "year").lower()
    if ctx.dct is None:
        return _need_dct(ctx, mod=mod)
    d = ctx.dct
    value = {"year": f"{d.year}", "month": f"{d.year}-{d.month:02d}", "week": _iso_week(d),
             "quarter": f"{d.year}-Q{_quarter(d)}"}[unit]  # fmt: skip
    return _Res("DATE", value, mod, _rel_reason(ctx))


def _that_day(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    """ "that day", "the next day": a day counted from the last day-level date in the text."""
    g = m.groupdict()
    step = {"next": 1, "following": 1, "after": 1, "previous": -1, "preceding": -1, "before": -1}
    k = step.get((g.get("nd") or g.get("ba") or "").lower(), 0)
    if ctx.last_day is None:
        return _Res("DATE", None, None, "anaphoric: no earlier day in the text")
    day = ctx.last_day + dt.timedelta(days=k)
    return _Res("DATE", day.isoformat(), None, f"relative to {ctx.last_day.isoformat()}, mentioned before")


def _in_the_unit(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    """ "later in the day", "earlier in the year": the DCT's day/week/month/year."""
    unit = m.group("iunit").lower()
    if ctx.dct is None:
        return _need_dct(ctx)
    d = ctx.dct
    value = {
        "day": d.isoformat(),
        "year": f"{d.year}",
        "month": f"{d.year}-{d.month:02d}",
        "week": _iso_week(d),
    }
    return _Res("DATE", value[unit], None, _rel_reason(ctx))


def _that_year(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    if ctx.last_year is None:
        return None
    return _Res("DATE", f"{ctx.last_year}", None, f"the year {ctx.last_year}, mentioned before")


def _weekend(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    if ctx.dct is None:
        return _need_dct(ctx)
    word = m.group(0).lower()
    if word.startswith("last"):
        tense: Tense = "past"
    elif word.startswith("next"):
        tense = "future"
    elif word.startswith("this"):
        tense = None
    else:
        tense = _tense(ctx, m.start(), m.end())
    d = ctx.dct
    if (tense == "past" and d.isoweekday() < 6) or word.startswith("last"):
        d = d - dt.timedelta(days=d.isoweekday())  # the Sunday before
    elif tense == "future" and d.isoweekday() == 7:
        d = d + dt.timedelta(days=6)
    return _Res("DATE", _iso_week(d) + "-WE", None, _rel_reason(ctx, tense))


# --------------------------------------------------------------------------- rules

_RULES: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (
        _c(
            rf"\b(?:{_WEEKDAY_RE},?\s+)?(?P<mon>{_MONTH_RE})\s*(?P<day>{_DAY_RE})(?!\d|\s*%|:\d)(?:,?\s+(?P<year>{_YEAR_RE}))?\b"
            r"(?![-/]\d)"
        ),
        _explicit_date,
    ),
    (
        _c(
            rf"\b(?:{_WEEKDAY_RE},?\s+)?(?:the\s+)?(?P<day>{_DAY_RE})\s+(?:of\s+)?(?P<mon>{_MONTH_RE})(?:,?\s+(?P<year>{_YEAR_RE}))?\b"
        ),
        _explicit_date,
    ),
    (
        _c(
            r"\b(?:(?P<iy>(?:19|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)|(?P<um>[01]?\d)/(?P<ud>[0-3]?\d)/(?P<uy>\d\d(?:\d\d)?))\b"
        ),
        _numeric_date,
    ),
    (
        _c(rf"(?:\b(?P<pmod>{_PMOD_RE})\s*)?\b(?P<mon>{_MONTH_RE}),?\s+(?:of\s+)?(?P<year>{_YEAR_RE})\b"),
        _month_year,
    ),
    (
        _c(
            rf"(?:\b(?P<pmod>{_PMOD_RE})\s*)?(?:\b(?P<rel>this|last|next|past|coming)\s+)?\b(?P<mon>{_MONTH_RE})(?![\w-])"
            r"(?:\s+(?P<yrel>this|last|next)\s+year)?"
        ),
        _month_alone,
    ),
    (
        _c(
            rf"(?:\b(?P<pmod>early|late|mid-?)\s*)?(?:\b(?P<rel>last|next|this|past|coming)\s+)?\b(?P<wd>{_WEEKDAY_RE})"
            rf"(?:\s+(?P<pod>{_POD_RE}))?\b"
        ),
        _weekday,
    ),
    (
        _c(
            rf"\b(?:(?P<noon>noon|midnight)|(?P<hh>[012]?\d)(?::(?P<mm>[0-5]\d))?\s*(?P<ap>[ap]\.\s?m\.?|[ap]m\b)"
            rf"|(?P<hh2>[012]?\d):(?P<mm2>[0-5]\d)\s*(?=GMT|UTC|ET\b|EDT|EST))"
            rf"(?:\s*(?:\(?(?:GMT|UTC|[ECMP][SD]?T)\)?))?"
            rf"(?:,?\s+(?:on\s+)?(?P<wd>{_WEEKDAY_RE})|\s+(?P<relday>yesterday|today|tomorrow)"
            rf"|,?\s+(?:on\s+)?(?P<cmon>{_MONTH_RE})\s*(?P<cday>{_DAY_RE})(?!\d)(?:,?\s+(?P<cyear>{_YEAR_RE}))?)?"
        ),
        _clock,
    ),
    (
        _c(
            rf"(?:\b(?P<pmod>early|late|earlier|later)\s+)?\b(?P<dday>today|tonight|yesterday|tomorrow|last night)\b"
            rf"(?:\s+(?P<pod>{_POD_RE}))?(?!\s+(?:morning|afternoon|evening|night)\b)"
        ),
        _deictic_day,
    ),
    (
        _c(
            r"\b(?P<dday>this)\s+(?P<pod>morning|afternoon|evening)\b|\b(?P<dday2>overnight|midday|mid[- ]afternoon)\b(?!\s+(?:trading|session|flight|stay|train|bus))"
        ),
        _deictic_day,
    ),
    (
        _c(
            rf"(?:\b(?P<pmod>{_PMOD_RE})\s*)?(?:\b(?:fiscal|calendar|(?P<post>post|pre))[\s-]+)?(?<![\d.,$])\b(?P<year>{_YEAR_RE})\b"
            r"(?!-\d\d(?!\d))(?!\s*-\s*(?:year|month|day|week|hour|minute)s?\b)"
        ),
        _year,
    ),
    (
        _c(
            rf"(?:\b(?P<pmod>{_PMOD_RE})\s*)?(?:\bthe\s+)?(?:\b(?P<dec4>1[6-9]\d0|20\d0)'?s|(?<![\w])'(?P<dec2>\d0)s)\b"
        ),
        _decade,
    ),
    (
        _c(
            rf"(?:\b(?P<pmod>{_PMOD_RE})\s*)?(?:\bthe\s+)?\b(?:(?P<cnum>1\dth|2[01](?:st|th))|(?P<crel>this|the last|last|the past|the next|next|the previous|current))\s+century\b"
        ),
        _century,
    ),
    (
        _c(
            rf"(?:\b(?P<pmod>{_PMOD_RE})\s*)?(?:\b(?P<rel>this|last|next|past|coming|the)\s+)?\b(?P<season>{_SEASON_RE})\b"
            rf"(?:\s+(?:of\s+)?(?P<year>{_YEAR_RE}))?"
        ),
        _season,
    ),
    (
        _c(
            rf"(?:\b(?P<pmod>{_PMOD_RE})\s*)?(?:\b(?:(?P<yrel>this|last|next|current)\s+year's|(?P<year>{_YEAR_RE})'s)\s+)?"
            r"(?:\bthe\s+(?=(?:fiscal\s+)?\w+\s))?(?:\bfiscal\s+)?\b(?P<qord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+(?:fiscal\s+)?"
            rf"(?P<qunit>quarter|half)\b(?:\s+of\s+(?:(?P<year2>{_YEAR_RE})|the\s+year))?"
        ),
        _quarter_res,
    ),
    (
        _c(
            r"\b(?:the\s+)?(?P<rel>latest|current|same|this)\s+(?:fiscal\s+)?(?:quarter|period)\b"
            r"|\b(?:the\s+)?(?P<ago>year[- ](?:earlier|ago))(?:\s+(?:quarter|period))?"
            r"|\bthe\s+quarter\b(?!-)"
            rf"|\bthe\s+(?P<qyear>{_YEAR_RE})\s+(?:(?P<qord>first|second|third|fourth)\s+)?(?:fiscal\s+)?(?:quarter|period)\b"
        ),
        _quarter_anaphor,
    ),
    (
        _c(
            rf"(?:\b(?P<pmod>{_PMOD_RE})\s*)?(?:\b(?P<lt>earlier|later)\s+)?(?:\bthe\s+)?\b(?P<rel>this|current|last|past|previous"
            r"|next|coming|following)\s+(?P<unit>fiscal year|year|month|week|weekend|quarter|decade)\b"
            r"(?!s)(?!\s*(?:'s)?\s*(?:and|or)\s+(?:a|an)\b)"
        ),
        _relative_unit,
    ),
    (
        _c(
            rf"\b(?:(?P<dmod>{_DMOD_RE})\s+)?(?:(?P<num>{_NUM})|(?P<vague>{_VAGUE_RE}))\s+(?P<unit>{_UNIT_RE})s?\s+"
            r"(?P<dir>ago|earlier|before|later|from now|hence)\b"
        ),
        _ago,
    ),
    (
        _c(
            rf"\b(?:(?P<dmod>{_DMOD_RE})\s+)?(?:(?:the|its|their|his|her)\s+)?(?:(?:past|last|next|first|coming|following"
            rf"|previous|final|latest|remaining|initial|full)\s+)?(?:(?P<num>{_NUM})|(?P<vague>{_VAGUE_RE}))"
            rf"(?:\s+more|\s+full|\s+straight|\s+consecutive)?[\s-]+(?P<unit>{_UNIT_RE})s?(?:-long)?\b(?!-old|\s+old\b)(?:')?"
        ),
        _duration_res,
    ),
    (
        _c(
            r"\b(?:the\s+)?(?:past|coming|next|last|recent)\s+(?P<unit2>years|months|weeks|decades|days|hours)\b"
            r"|(?:(?<=\bfor )|(?<=\bin )|(?<=\bover )|(?<=\bthe )|(?<=\bwithin )|(?<=\bfor the )|(?<=\bin the ))"
            r"\b(?P<unit>years|months|weeks|decades|days|hours|minutes)\b"
            r"(?=\s*(?:[,.;:]|ago|of\b|to come|now|and\b|later|before|after|earlier|$))"
        ),
        _bare_units,
    ),
    (
        _c(
            r"\b(?:daily|weekly|monthly|annually|yearly|hourly|nightly)\b"
            rf"|\b(?:every|each)\s+(?P<snum>{_NUM}\s+)?(?P<sunit>day|week|month|year|hour|minute|decade|season|quarter|weekend"
            r"|morning|afternoon|evening|night|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
            r"|spring|summer|fall|autumn|winter)s?\b(?!'s|-)"
        ),
        _set_res,
    ),
    (
        _c(
            r"\b(?:right now|now|nowadays|currently|presently|at present|these days|at the moment|current"
            r"|(?:the|in)\s+(?:(?:near|distant|foreseeable|immediate)\s+)?future|the\s+(?:near|short)\s+term|recently|formerly|the\s+past"
            r"|at\s+the\s+time)\b"
        ),
        _ref,
    ),
    (
        _c(
            r"\b(?:(?P<rel>last|next|this)\s+)?(?P<hol>Thanksgiving(?:\s+Day)?|Christmas(?:\s+Day|\s+Eve)?"
            r"|New\s+Year's\s+(?:Day|Eve)|Halloween|Valentine's\s+Day|Independence\s+Day|Labor\s+Day"
            r"|Memorial\s+Day|Election\s+Day)\b"
        ),
        _holiday,
    ),
    (
        _c(
            rf"\b(?:the\s+year\s+)?(?P<spoken>(?:nineteen|twenty)[\s-]+(?:{_SPOKEN_TENS}|hundred|oh[\s-]+\w+)(?:[\s-]+(?:one|two"
            r"|three|four|five|six|seven|eight|nine))?|two\s+thousand(?:\s+and\s+\w+)?)\b"
        ),
        _spoken_year,
    ),
    (
        _c(
            r"\b(?:the\s+)?(?P<dword>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b"
        ),
        _decade_word,
    ),
    (_c(r"\b(?:the|this|last|next)\s+(?P<wk>weekend)\b"), _weekend),
    (_c(r"\b(?:(?P<lt>earlier|later)\s+)?that\s+year\b"), _that_year),
    (_c(r"\b(?:earlier|later)\s+in\s+the\s+(?P<iunit>day|week|month|year)\b"), _in_the_unit),
    (
        _c(
            r"\b(?:(?:earlier|later)\s+)?(?:that(?:\s+same)?|the\s+same)\s+day\b"
            r"|\bthe\s+(?P<nd>next|following|previous|preceding)\s+day\b|\bthe\s+day\s+(?P<ba>before|after)\b(?!\s+\w)"
        ),
        _that_day,
    ),
    (
        _c(
            r"\b(?:around\s+)?(?P<edge>(?:the\s+)?(?:end|beginning|start|middle|close)\s+of\s+the|the)\s+"
            r"(?P<eunit>year|month|week|quarter)(?:'s\s+end)?\b(?=\s*(?:'s\s+end)?)|\b(?P<eunit2>year)[- ]end\b"
        ),
        _edge_of_unit,
    ),
)

# "every week"-style sets and "a year" after a number ("$5 a year") share words with durations:
# rules later in the list lose ties of equal span.


def _sentence_bounds(text: str, doc: Doc | None) -> list[tuple[int, int]]:
    if doc is not None:
        try:
            return [(s.start_char, s.end_char) for s in doc.sents]
        except ValueError:
            pass
    bounds, start = [], 0
    for m in _SENT_SPLIT.finditer(text):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def _parse_dct(dct: str | None) -> dt.date | None:
    if not dct:
        return None
    try:
        return dt.date.fromisoformat(dct[:10])
    except ValueError:
        return None


_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d")


def _safe(handler: Handler, m: re.Match[str], ctx: _Ctx) -> _Res | None:
    """A rule that cannot normalize one odd match (impossible date, overflow, a rule bug) drops that
    match only; the other expressions of the article are kept."""
    try:
        return handler(m, ctx)
    except (ValueError, KeyError, OverflowError, TypeError, IndexError):
        return None
    except Exception as exc:  # a rule bug: logged, never the article's loss
        log.warning(
            "timex rule %s failed on %r: %r", getattr(handler, "__name__", handler), m.group(0)[:80], exc
        )
        return None


# each paragraph's rule matches, by its text: a repeated paragraph is not scanned again
_SCANS: PieceMemo[str, tuple[tuple[int, int], ...]] = PieceMemo()


def _candidates(text: str) -> list[tuple[int, int, int, re.Match[str], Handler]]:
    """Every rule's matches, paragraph by paragraph (`paragraphs.pieces`, the cuts the parse
    uses): an expression does not run on past a paragraph break ("9:40 p.m." ends a dateline;
    the next line's "Friday" is another expression). A paragraph's matches are found in its own
    text (kept in `_SCANS` by that text) and matched again in place, where the handlers read the
    article around them."""
    cands: list[tuple[int, int, int, re.Match[str], Handler]] = []
    start = 0
    for piece in pieces(text):
        end = start + len(piece)
        found = _SCANS.get(piece)
        if found is None:
            found = tuple(
                (prio, m.start()) for prio, (pattern, _) in enumerate(_RULES) for m in pattern.finditer(piece)
            )
            _SCANS.put(piece, found)
        for prio, at in found:
            pattern, handler = _RULES[prio]
            m = pattern.match(text, start + at, end)
            if m is None:  # a lookbehind that the text before the paragraph turns down
                continue
            s, e = m.span()
            while e > s and text[e - 1] in " \t\n,'":
                e -= 1
            if e > s:
                cands.append((s, e, prio, m, handler))
        start = end
    return cands


def extract_timexes(text: str, dct: str | None, doc: Doc | None = None) -> tuple[TimeRef, ...]:
    """All time expressions in `text`, normalized against the publication date `dct` (YYYY-MM-DD).

    `doc`, when given, must be a parse of `text`; it only sharpens tense and
    part-of-speech decisions, offsets always index `text`.
    """
    ctx = _Ctx(text=text, dct=_parse_dct(dct), doc=doc if doc is not None and doc_text(doc) == text else None)
    ctx.sent_bounds = _sentence_bounds(text, ctx.doc)
    ctx.sent_starts = [b[0] for b in ctx.sent_bounds]
    cands = _candidates(text)
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[2]))
    probe = dataclasses.replace(ctx)
    taken: list[tuple[int, int, re.Match[str], Handler]] = []
    for s, e, _prio, m, handler in cands:
        if any(s < te and ts < e for ts, te, _, _ in taken):
            continue
        if _safe(handler, m, probe) is None:  # e.g. "May" the modal: let a shorter reading win
            continue
        taken.append((s, e, m, handler))
    taken.sort(key=lambda t: t[0])
    out: list[TimeRef] = []
    for s, e, m, handler in taken:  # in text order, so anaphora ("the quarter") see what came before
        res = _safe(handler, m, ctx)
        if res is not None and res.value and _DAY_VALUE.match(res.value):
            ctx.last_day = dt.date.fromisoformat(res.value[:10])
        if res is not None:
            out.append(TimeRef(s, e, text[s:e], res.type, res.value, res.reason, res.mod))
    return tuple(out)
