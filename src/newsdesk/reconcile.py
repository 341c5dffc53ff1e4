"""Cross-source reconciliation: align claims across one story's articles.

Claims (quantities, dated events, direct quotes, indirect statements) are
grouped into facts; each fact gets a status from how many *independent*
sources report it, and disagreements between aligned claims become conflicts
with both sides and their evidence spans. Alignment is deliberately
asymmetric: agreeing is cheap (an equal, distinctive figure is the same figure
however it is worded), disagreeing needs strong evidence (same unit, same
measured subject, similar sentence context), because a false conflict costs an
editor more time than a missed corroboration.

Everything here is a pure function of its inputs; the order of articles in the
input does not change the output.
"""

from __future__ import annotations

import functools
import json
import math
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from urllib.parse import urlsplit

from rapidfuzz import fuzz

from .options import ReconcileOptions
from .records import (
    Article,
    Conflict,
    ConflictSide,
    DuplicateInfo,
    Event,
    Extraction,
    Fact,
    Frame,
    Mention,
    Quantity,
    Quote,
    Reading,
    Span,
    content_id,
)

__all__ = [
    "canonical_speakers",
    "date_compatible",
    "independence_keys",
    "reconcile",
    "subject_tokens",
]

_STOPWORDS = """
a an the of in on at for to from by with and or its it their his her our your this that these those
some about around approximately nearly almost roughly more than less fewer at least up over under
some per each all any other such as be is are was were been being has have had which who whom whose
new prior previous current total
"""
_STOP = frozenset(_STOPWORDS.split())
# Note: "new"/"prior"/... are dropped so that "new pledges" and "pledges" are one subject.
_CURRENCIES = frozenset({"usd", "eur", "gbp", "jpy", "krw", "cny", "chf", "inr", "rub", "cad", "aud"})
_UNIT_SYNONYMS = {
    "summit": "meeting",
    "meeting": "meeting",
    "meet": "meeting",
    "talk": "meeting",
    "percent": "%",
    "per cent": "%",
    "percentage": "%",
    "dead": "death",
    "people dead": "death",
    "fatality": "death",
    "soldier": "troop",
    "death": "death",
}
_TRIGGER_CLASSES = {
    "meet": "meet",
    "met": "meet",
    "held": "meet",
    "meeting": "meet",
    "summit": "meet",
    "talk": "meet",
    "talks": "meet",
    "hold": "meet",
    "host": "meet",
    "visit": "visit",
    "sign": "sign",
    "signing": "sign",
    "announce": "announce",
    "announcement": "announce",
}
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})
_FREQUENCY_VERBS = {"met": "meeting", "meet": "meeting", "meeting": "meeting", "summit": "meeting"}
CONTEXT_WORDS = 8
_GENERIC_UNITS = frozenset({"time", "point", "year", "day", "person", "people"})
# A speaker named like an institution ("ABC Entertainment Group") speaks through people: the
# spokesperson another outlet names is no rival speaker. (spaCy's ORG label is too noisy for this.)
_INSTITUTION = re.compile(
    r"\b(?:Group|Ministry|Department|Office|Agency|Company|Corporation|Corp|Inc|Ltd|Council|Committee|"
    r"Authority|Association|Union|University|Party|Police|Government|Administration|Commission|Board|"
    r"Institute|Foundation|Bank|Court|Army|Navy|Service|Bureau)\b"
)
_SCORE = re.compile(r"^\d{1,3}\s*[-–]\s*\d{1,3}$")  # "9-14": a record or a score, not a range
_INCREMENT = frozenset({"more", "extra", "additional", "further"})
_INCREMENT_BEFORE = frozenset({"another", "additional", "further", "extra"})
_OWNER_GAP = re.compile(r"^(?:[’']s)?\s{0,2}$")
SPEAKER_CONFLICT_MIN_WORDS = 6
EXCERPT_SIMILARITY = 95.0
# Figures about people are often several different counts in one story (dead, hurt, evacuated):
# two counts whose sentences name different outcomes measure different things.
_OUTCOME_WORDS = {
    "death": "die died dead death killed kill fatality perished toll",
    "injury": "injured hurt wounded injury hospitalized",
    "missing": "missing unaccounted",
    "displaced": "evacuated displaced homeless evacuation fled shelter",
    "rescued": "rescued saved",
    "arrested": "arrested detained",
}
_OUTCOME_OF = {w: k for k, words in _OUTCOME_WORDS.items() for w in words.split()}
OPEN_BOUND_REACH = 1.5  # "at least 12" is the same figure as 14, not as 140
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.'’\-]*")
_DAY = re.compile(r"^([0-9X]{4})-([0-9X]{2})-([0-9X]{2})$")


# --------------------------------------------------------------------------- normalization


@functools.lru_cache(maxsize=1 << 16)
def _lemma(word: str) -> str:
    """Cheap plural stripping: enough to make 'troops'/'troop' and 'pledges'/'pledge' meet.

    Memoized: headline checks lemmatize every body word, and words repeat.
    """
    w = word.lower().replace(".", "").replace("'", "").replace("’", "")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("sses", "ches", "shes", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def subject_tokens(text: str | None) -> frozenset[str]:
    """Content-word lemmas of a measured subject ('28,500 U.S. troops' -> {us, troop})."""
    if not text:
        return frozenset()
    out = set()
    for raw in _WORD.findall(text):
        tok = _lemma(raw.strip("-"))
        if tok and tok not in _STOP and not tok.replace(",", "").replace(".", "").isdigit():
            out.add(tok)
    return frozenset(out)


def _unit_key(unit: str | None) -> str | None:
    if not unit:
        return None
    u = unit.strip().lower()
    if u in _CURRENCIES or u == "%":
        return u
    u = " ".join(_lemma(w) for w in u.split())
    return _UNIT_SYNONYMS.get(u, u)


def _is_counted(unit_key: str | None) -> bool:
    return bool(unit_key) and unit_key not in _CURRENCIES and unit_key != "%"


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _norm_quote(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[\"“”«»]", " ", text)
    text = re.sub(r"[^\w\s']", " ", text)
    return " ".join(text.split())


def _fmt_number(value: float | None) -> str:
    if value is None:
        return "?"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4g}"


def _amount(n: _Num) -> str:
    """'3 meetings', 'USD 2.4 billion', '15%', '40 m' for descriptions."""
    number = _fmt_number(n.value)
    if not n.unit:
        return number
    if n.unit in _CURRENCIES:
        for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
            if abs(n.value) >= scale:
                return f"{n.unit.upper()} {n.value / scale:,.4g} {word}"
        return f"{n.unit.upper()} {number}"
    if n.unit == "%":
        return f"{number}%"
    unit = n.unit
    if n.value != 1 and len(unit) > 2 and unit.isalpha() and not unit.endswith("s"):
        unit = unit[:-1] + "ies" if unit.endswith("y") and unit[-2:-1] not in "aeiou" else unit + "s"
    return f"{number} {unit}"


def _plain_value(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


# --------------------------------------------------------------------------- speakers


def _fallback_canonicalize(names: Iterable[str]) -> dict[str, str]:
    """Map each name form to the fullest unambiguous form containing its words."""
    forms = sorted({n.strip() for n in names if n and n.strip()})
    tokens = {n: frozenset(_lemma(w) for w in _WORD.findall(n)) for n in forms}
    out: dict[str, str] = {}
    for name in forms:
        supersets = [m for m in forms if tokens[name] and tokens[name] <= tokens[m]]
        maximal = [m for m in supersets if not any(tokens[m] < tokens[o] for o in supersets)]
        out[name] = sorted(maximal, key=lambda m: (-len(m), m))[0] if len(maximal) == 1 else name
    return out


def canonical_speakers(names: Iterable[str]) -> dict[str, str]:
    """Name form -> one key per person, across a story's articles.

    Uses `nlp.speakers.canonicalize` when that module is present, else a local
    token-subset rule ('Trump' and 'Donald Trump' are one person; 'Kim' stays
    apart when both 'Kim Jong Un' and 'Kim Yo-jong' are named).
    """
    names = list(names)
    try:
        from .nlp import speakers  # type: ignore[attr-defined]

        mapping = speakers.canonicalize(names)
        if mapping:
            return {n: mapping.get(n, n) for n in names}
    except (ImportError, AttributeError):
        pass
    return _fallback_canonicalize(names)


# --------------------------------------------------------------------------- independence


def _outlet(article: Article) -> str | None:
    """The outlet: its declared name, else the URL's host (www. dropped)."""
    if article.source and article.source.strip():
        return " ".join(article.source.lower().split())
    if article.url:
        host = urlsplit(article.url).hostname or ""
        host = host.removeprefix("www.")
        return host or None
    return None


def independence_keys(articles: Sequence[Article], duplicates: Mapping[str, DuplicateInfo]) -> dict[str, str]:
    """article id -> origin key: a copy shares its original's key, one outlet's articles share one key."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for article in articles:
        find(article.id)
        dup = duplicates.get(article.id)
        seen: set[str] = set()
        while dup is not None and dup.duplicate_of not in seen:
            seen.add(dup.duplicate_of)
            union(article.id, dup.duplicate_of)
            dup = duplicates.get(dup.duplicate_of)
        outlet = _outlet(article)
        if outlet:
            union(article.id, "source:" + outlet)
    return {a.id: find(a.id) for a in articles}


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True, slots=True)
class _Claim:
    """One article's statement of something checkable, with its evidence."""

    article_id: str
    order: int  # article position in the story (publication order)
    start: int
    end: int
    text: str
    sentence: tuple[int, int] | None
    published: str | None


@dataclass(frozen=True, slots=True)
class _Num:
    claim: _Claim
    value: float
    low: float
    high: float
    exact: bool
    unit: str | None
    subject: str | None
    tokens: frozenset[str]
    context: frozenset[str]
    conversion: bool
    sentence_words: frozenset[str] = frozenset()  # lowercased words of the stating sentence
    speaker: str | None = None  # for a figure inside a direct quote: who says it
    owner: str | None = None  # the person the figure belongs to ("Iguodala 14.9 points", "Brand's 15.9")
    increment: bool = False  # "two more times", "two extra life sentences": a part, not the total
    parallel: bool = False  # its sentence gives other values of the same unit (a list of figures)
    frame: Frame | None = None  # what it measures, of whom, in which act (`nlp.frames`)


@dataclass(frozen=True, slots=True)
class _Ev:
    claim: _Claim
    trigger: str
    participants: frozenset[str]
    date: str
    timex: tuple[int, int]
    names: tuple[str, ...] = ()  # participants as the article names them (canonical forms), for display
    actors: frozenset[str] = frozenset()  # participants that are not places or nationalities
    classes: frozenset[str] = frozenset()  # event classes of the trigger (`data/event_classes.json`)
    reading: Reading | None = None  # the time words its date was read from, and how


@dataclass(frozen=True, slots=True)
class _Qt:
    claim: _Claim
    norm: str
    speaker: str | None  # canonical key
    speaker_name: str | None
    direct: bool
    speaker_evidence: tuple[int, int] | None
    person: bool = True  # the speaker is a person (not "ABC Entertainment Group")
    predicate: str | None = None  # a statement's own verb when it is more than "said": "ruled out", "denied"
    parts: tuple[
        tuple[str, str], ...
    ] = ()  # (text, normalized) of each fragment a cue splits off ('"...," she said. "..."')


def _sentence_of(ext: Extraction, start: int, end: int) -> tuple[int, int] | None:
    starts = [s for s, _ in ext.sentences]
    i = bisect_right(starts, start) - 1
    if 0 <= i < len(ext.sentences) and ext.sentences[i][1] >= end:
        return ext.sentences[i]
    return None


def _clip(article: Article, span: tuple[int, int] | None, anchor: int) -> tuple[int, int] | None:
    """Clip a sentence span to the body paragraph holding `anchor`, trimmed of whitespace.

    The parser sees non-body regions blanked, so a sentence may start in a blanked
    header or headline; evidence must show body text only.
    """
    if span is None:
        return None
    start, end = span
    for seg_start, seg_end in article.body_segments:
        if seg_start <= anchor < seg_end:
            start, end = max(start, seg_start), min(end, seg_end)
            break
    text = article.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _claim(
    article: Article, order: int, ext: Extraction, start: int, end: int, sentence=None
) -> _Claim | None:
    if not (0 <= start < end <= len(article.text)):
        return None
    sentence = _clip(article, sentence if sentence is not None else _sentence_of(ext, start, end), start)
    if sentence is not None and not (sentence[0] <= start and end <= sentence[1]):
        sentence = None
    return _Claim(
        article_id=article.id,
        order=order,
        start=start,
        end=end,
        text=article.text[start:end],
        sentence=sentence,
        published=article.published,
    )


def _context(article: Article, claim: _Claim) -> frozenset[str]:
    """Content words near the figure (same sentence, a few words either side)."""
    if claim.sentence is None:
        return frozenset()
    s, e = claim.sentence
    left = _WORD.findall(article.text[s : claim.start])[-CONTEXT_WORDS:]
    right = _WORD.findall(article.text[claim.end : e])[:CONTEXT_WORDS]
    return subject_tokens(" ".join(left + right))


def _outcomes(context: frozenset[str]) -> frozenset[str]:
    return frozenset(_OUTCOME_OF[w] for w in context if w in _OUTCOME_OF)


# "the number of homes that lost power rose to 338,000": the figure counts what the of-phrase names.
_COUNTING_SUBJECT = re.compile(
    r"^(?:the\s+)?(?:number|total|count|tally)\s+of\s+(?:the\s+)?([a-z][a-z-]+)\b", re.I
)


def _frequency_unit(article: Article, q: Quantity, sentence: tuple[int, int] | None) -> str | None:
    """'met Kim three times' measures meetings: give 'times' the noun of its verb; a bare count of
    'the number of homes' counts homes."""
    unit = _unit_key(q.unit)
    if unit is None and q.subject and (m := _COUNTING_SUBJECT.match(q.subject)):
        return _unit_key(m.group(1))
    if unit not in {"time", "times"}:
        return unit
    s, e = sentence if sentence else (max(0, q.start - 80), q.end)
    for word in _WORD.findall(article.text[s:e].lower()):
        if word in _FREQUENCY_VERBS:
            return _FREQUENCY_VERBS[word]
    return "time"


def _direct_quotes(ext: Extraction) -> list[Quote]:
    return [q for q in ext.quotes if q.direct]


def _collect(
    articles: Sequence[Article], extractions: Mapping[str, Extraction]
) -> tuple[list[_Num], list[_Num], list[_Ev], list[_Qt]]:
    narrative: list[_Num] = []
    quoted: list[_Num] = []
    events: list[_Ev] = []
    quotes: list[_Qt] = []
    names = [q.speaker for a in articles for q in extractions.get(a.id, _EMPTY).quotes if q.speaker]
    names += [
        p
        for a in articles
        for ev in extractions.get(a.id, _EMPTY).events
        for p in _split_names(ev.participants)
    ]
    canon = canonical_speakers(names)
    labels: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        for e in extractions.get(a.id, _EMPTY).entities:
            for key in (_participant_key(e.text), _participant_key(canon.get(e.text, e.text))):
                labels[key].add(e.label)
    # a place somewhere in the story and never a person: spaCy labels "Brackley" GPE here, ORG there
    places = {k for k, found in labels.items() if found & _PLACE_LABELS and "PERSON" not in found}
    for order, article in enumerate(articles):
        ext = extractions.get(article.id)
        if ext is None:
            continue
        direct = _direct_quotes(ext)
        for q in ext.quantities:
            if q.value is None or not math.isfinite(q.value):
                continue
            claim = _claim(article, order, ext, q.start, q.end, q.sentence)
            if claim is None:
                continue
            num = replace(
                _num(article, claim, q), owner=_owner(article, ext, q), increment=_increment(article, q)
            )
            holder = next((d for d in direct if d.start <= q.start and q.end <= d.end), None)
            if holder is None:
                narrative.append(num)
            else:
                quoted.append(replace(num, speaker=holder.speaker))
        _mark_parallel(narrative, article.id)
        for ev in ext.events:
            if not ev.date or _dates_the_report(article.text, ev):
                continue
            clipped = _clip(article, (ev.start, ev.end), ev.trigger_span[0])
            if clipped is None:
                continue
            claim = _claim(article, order, ext, clipped[0], clipped[1], clipped)
            if claim is None:
                continue
            trig = ev.trigger.lower().strip()
            keys = [k for p in _split_names(ev.participants) if (k := _participant_key(canon.get(p, p)))]
            events.append(
                _Ev(
                    claim=claim,
                    trigger=_TRIGGER_CLASSES.get(trig, _lemma(trig)),
                    participants=frozenset(keys),
                    actors=frozenset(k for k in keys if k not in places),
                    classes=event_classes(trig),
                    date=ev.date,
                    timex=ev.timex_span,
                    names=tuple(dict.fromkeys(canon.get(p, p) for p in _split_names(ev.participants))),
                    reading=_date_reading(article, ext, ev.timex_span),
                )
            )
        for qt in ext.quotes:
            start, end, is_direct = qt.start, qt.end, qt.direct
            if not is_direct and (inner := _inner_quote(article.text, start, end)) is not None:
                start, end, is_direct = inner[0], inner[1], True
            claim = _claim(article, order, ext, start, end, qt.sentence)
            if claim is None:
                continue
            norm = _norm_quote(claim.text)
            if not norm:
                continue
            quotes.append(
                _Qt(
                    claim=claim,
                    norm=norm,
                    speaker=canon.get(qt.speaker, qt.speaker) if qt.speaker else None,
                    speaker_name=qt.speaker,
                    direct=is_direct,
                    speaker_evidence=qt.antecedent_span or qt.speaker_span,
                    person=not qt.speaker or not _INSTITUTION.search(qt.speaker),
                    predicate=_predicate_of(article.text, qt, start) if not is_direct else None,
                    parts=tuple(
                        (article.text[s:e], n)
                        for s, e in (qt.fragments if is_direct and len(qt.fragments) > 1 else ())
                        if len((n := _norm_quote(article.text[s:e])).split()) >= SPEAKER_CONFLICT_MIN_WORDS
                    ),
                )
            )
    return narrative, quoted, events, quotes


_EMPTY = Extraction(article_id="", version="")
_QUOTED = re.compile(r"[\"“]([^\"“”]{12,})[\"”]")


def _inner_quote(text: str, start: int, end: int) -> tuple[int, int] | None:
    """An 'indirect' statement that is mostly a quotation in marks is a direct quote."""
    m = _QUOTED.search(text, start, end)
    if m is None or len(m.group(1).split()) < 4:
        return None
    leading = not text[start : m.start()].strip()  # '“...,” said X, speaking in Y.'
    if not leading and (m.end(1) - m.start(1)) < 0.6 * (end - start):
        return None
    s, e = m.start(1), m.end(1)
    while e > s and text[e - 1] in " ,.;:":
        e -= 1
    return (s, e) if e > s else None


_SCALED = re.compile(r"(\d[\d,]*)(?:\.(\d+))?\s*(?:thousand|million|billion|trillion|bn|mn|[mbk])\b", re.I)


def _rounding(q: Quantity) -> float:
    """Half a unit of the last stated digit of a scaled figure: '$2.4 billion' is 2.35-2.45 billion.

    Outlets round scaled figures silently ("$2.45 billion" -> "$2.4 billion"); plain
    counts ("12 dead") are taken as stated.
    """
    if not q.scale or q.value is None:
        return 0.0
    m = _SCALED.search(q.text)
    if m is None:
        return 0.0
    stated = float(m.group(1).replace(",", "") + ("." + m.group(2) if m.group(2) else ""))
    if stated <= 0:
        return 0.0
    decimals = len(m.group(2) or "")
    return 0.5 * 10.0**-decimals * (q.value / stated)


def _mark_parallel(nums: list[_Num], article_id: str) -> None:
    """Flag figures whose sentence lists other values of the same unit."""
    mine = [i for i, n in enumerate(nums) if n.claim.article_id == article_id]
    for i in mine:
        n = nums[i]
        if n.claim.sentence is None:
            continue
        others = (
            nums[j]
            for j in mine
            if j != i and nums[j].unit == n.unit and nums[j].claim.sentence == n.claim.sentence
        )
        if any(o.value != n.value and not o.conversion for o in others):
            nums[i] = replace(n, parallel=True)


def _owner(article: Article, ext: Extraction, q: Quantity) -> str | None:
    """A PERSON named right before the figure, possessive or not ("Brand's 15.9 points")."""
    for ent in ext.entities:
        near = ent.label == "PERSON" and 0 <= q.start - ent.end <= 4
        key = _participant_key(ent.text)
        if near and key and _OWNER_GAP.match(article.text[ent.end : q.start]):
            return key.split()[-1]
    return None


def _increment(article: Article, q: Quantity) -> bool:
    """'another 300', 'two more times', 'two extra life sentences': an addition, not a total."""
    before = [w.lower() for w in _WORD.findall(article.text[max(0, q.start - 12) : q.start])][-1:]
    after = [w.lower() for w in _WORD.findall(article.text[q.end : q.end + 24])][:2]
    return bool(set(before) & _INCREMENT_BEFORE or set(after) & _INCREMENT)


def _count_rounding(value: float) -> float:
    """A round count may be rounded: 28,500 covers +-50, but never more than 1% of itself."""
    if not float(value).is_integer() or value == 0:
        return 0.0
    n, step = int(abs(value)), 1
    while n % (step * 10) == 0 and step < 10**12:
        step *= 10
    return min(step / 2, abs(value) * 0.01) if step > 1 else 0.0


def _num(article: Article, claim: _Claim, q: Quantity) -> _Num:
    value = float(q.value)  # type: ignore[arg-type]
    exact = q.low is None and q.high is None
    low = value if exact else (q.low if q.low is not None else -math.inf)
    high = value if exact else (q.high if q.high is not None else math.inf)
    if exact:
        half = _rounding(q) or _count_rounding(value)
        low, high = value - half, value + half
    unit = _frequency_unit(article, q, claim.sentence)
    tokens = subject_tokens(q.subject)
    if _is_counted(unit):
        tokens = tokens | {unit}  # type: ignore[operator]
    return _Num(
        claim=claim,
        value=value,
        low=float(low),
        high=float(high),
        exact=exact,
        unit=unit,
        subject=q.subject,
        tokens=frozenset(tokens),
        context=_context(article, claim),
        conversion=q.equivalent_of is not None,
        frame=q.frame,
        sentence_words=frozenset(
            w.lower() for w in _WORD.findall(article.text[claim.sentence[0] : claim.sentence[1]])
        )
        if claim.sentence
        else frozenset(),
    )


# --------------------------------------------------------------------------- alignment rules


def numbers_agree(a: _Num, b: _Num, options: ReconcileOptions) -> bool:
    """Bounds intersect ('about 28,500' agrees with 28,500; 'at least 12' with 14).

    Exact whole counts carry their own rounding (28,500 covers 28,450-28,550, 50,413
    only itself); other figures get `relative_tolerance`, half on each side.
    """

    def tol(n: _Num) -> float:
        return 0.0 if n.exact and float(n.value).is_integer() else options.relative_tolerance / 2

    ta, tb = tol(a), tol(b)
    lo_a, hi_a = a.low - ta * abs(a.low), a.high + ta * abs(a.high)
    lo_b, hi_b = b.low - tb * abs(b.low), b.high + tb * abs(b.high)
    return not (hi_a < lo_b or hi_b < lo_a)


def _capped(n: _Num) -> _Num:
    if n.exact or (math.isfinite(n.low) and math.isfinite(n.high)) or n.value <= 0:
        return n
    low = n.low if math.isfinite(n.low) else n.value / OPEN_BOUND_REACH
    high = n.high if math.isfinite(n.high) else n.value * OPEN_BOUND_REACH
    return replace(n, low=low, high=high)


@functools.cache
def _people_nouns() -> frozenset[str]:
    raw = json.loads(resources.files("newsdesk").joinpath("data/people_nouns.json").read_text("utf-8"))
    return frozenset(raw["nouns"])


def _counts_people(unit: str | None) -> bool:
    return bool(unit) and _unit_key(unit) in _people_nouns()


def _same_act(a: _Num, b: _Num) -> bool:
    """Both figures belong to one act, named by the same verb ('sent 400 workers home', 'had sent
    400 employees home')."""
    pa = a.frame.predicate if a.frame else None
    pb = b.frame.predicate if b.frame else None
    return bool(pa) and pa == pb and pa not in _LIGHT_PREDICATES


def _people_alike(a: _Num, b: _Num) -> bool:
    """One count of people under two nouns: the same figure, in the same act."""
    return (
        a.unit != b.unit
        and a.value == b.value
        and _counts_people(a.unit)
        and _counts_people(b.unit)
        and _same_act(a, b)
    )


def _same_subject(a: _Num, b: _Num, options: ReconcileOptions) -> bool:
    if _people_alike(a, b):
        return True
    if a.unit != b.unit or _jaccard(a.tokens, b.tokens) < options.subject_similarity:
        return False
    oa, ob = _outcomes(a.context | a.tokens), _outcomes(b.context | b.tokens)
    return not (oa and ob and not oa & ob)


def _distinctive_equal(a: _Num, b: _Num, options: ReconcileOptions) -> bool:
    if a.unit != b.unit or a.value != b.value:
        return False
    oa, ob = _outcomes(a.context | a.tokens), _outcomes(b.context | b.tokens)
    if oa and ob and not oa & ob:
        return False
    return abs(a.value) >= options.distinctive_value or not float(a.value).is_integer()


def _can_join(seed: _Num, x: _Num, options: ReconcileOptions) -> bool:
    """Agreeing bounds, but an open bound ('more than 7,200') only reaches figures of its size."""
    if not numbers_agree(_capped(seed), _capped(x), options):
        return False
    return _same_subject(seed, x, options) or _distinctive_equal(seed, x, options)


# Attributes that say nothing about what is measured: a figure framed only by them aligns with nothing.
_VAGUE_ATTRIBUTES = frozenset(
    [
        "be",
        "have",
        "get",
        "say",
        "do",
        "make",
        "take",
        "go",
        "come",
        "thousand",
        "hundred",
        "dozen",
        "million",
        "billion",
        "amount",
        "share",
        "time",
        "other",
        "one",
        "number",
        "figure",
        "total",
    ]
)
# Counted nouns for people: "six men" and "seven of us" count people; a miner is a person too.
_PEOPLE_NOUNS = frozenset(
    ["person", "people", "man", "men", "woman", "women", "us", "them", "member", "individual"]
)
_LIGHT_PREDICATES = frozenset({"be", "have", "include", "say"})
_PRONOUN_HOLDERS = frozenset(
    [
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "he",
        "him",
        "his",
        "she",
        "her",
        "they",
        "them",
        "their",
        "it",
        "its",
    ]
)


_FIRST_PERSON = frozenset({"i", "me", "my", "we", "us", "our"})  # inside a quote: the speaker


def _attribute(n: _Num) -> str | None:
    f = n.frame
    if f is None or not f.attribute:
        return None
    attr = _lemma(f.attribute)
    attr = _FREQUENCY_VERBS.get(attr, attr)  # "two meetings" / "met three times"
    return "person" if attr in _PEOPLE_NOUNS else attr


def _holder(n: _Num) -> frozenset[str]:
    """The holder's words; a first-person holder inside a quote is its speaker."""
    f = n.frame
    if f is None:
        return frozenset()
    words = {w for w in f.holder if w not in _PRONOUN_HOLDERS}
    if n.speaker and f.holder and f.holder[0] in _FIRST_PERSON:
        words |= {w.lower() for w in _WORD.findall(n.speaker)}
    return frozenset(_lemma(w) for w in words)


def _predicate(n: _Num) -> str | None:
    f = n.frame
    if f is None or not f.predicate:
        return None
    return _lemma(f.predicate.split()[0])


def _holders_match(ha: frozenset[str], hb: frozenset[str]) -> bool:
    """One holder names the other ('Strand' / 'Emil Strand'), or they share most words."""
    return bool(ha and hb) and (ha <= hb or hb <= ha or _jaccard(ha, hb) >= 0.5)


def _figures_aligned(a: _Num, b: _Num, loose: bool = False) -> str | None:
    """Why two figures state the same thing (same attribute, compatible holder and act), or None.

    `loose` is for a quoted figure against the narrative: the speaker words the act and the
    holder his own way ("we have 1,500 soldiers" / "800 soldiers were deployed"), so only named
    holders and the attribute are compared.
    """
    attr_a, attr_b = _attribute(a), _attribute(b)
    if not attr_a or attr_a != attr_b or attr_a in _VAGUE_ATTRIBUTES:
        return None
    fa, fb = a.frame, b.frame
    assert fa is not None and fb is not None
    if fa.ordinal != fb.ordinal:
        return None
    ha, hb = _holder(a), _holder(b)
    shared = _holders_match(ha, hb)
    if ha and hb and not shared and (not loose or (fa.named and fb.named)):
        return None  # the age of two people, the seats of two parties, two storms' tolls
    pa, pb = _predicate(a), _predicate(b)
    same_act = pa is not None and pa == pb
    specific = attr_a in _specific_attributes(a, b)
    if attr_a == "age" or fa.ordinal:
        if not shared:
            return None  # an age or the minute of a goal belongs to someone named on both sides
    elif not loose:
        acts_differ = pa and pb and pa != pb and not {pa, pb} & _LIGHT_PREDICATES
        if acts_differ and not (specific and shared):
            return None  # killed vs rescued miners; offered vs demanded percent
        if attr_a == "person" and not (same_act and (shared or not (ha or hb))):
            return None  # people counts differ by role: only the same act of the same group aligns
        if not shared and not same_act and not specific:
            return None
    elif not (same_act or shared or specific):
        return None  # a bare count of the same noun ("30 million krells") says nothing of what it measures
    elif attr_a == "person" and not _where(a) & _where(b):
        return None  # "seven of us" and "six men" must share where they were
    whose = " ".join(sorted(ha & hb or ha or hb)) if shared else ""
    act = f", {pa}" if same_act and pa not in _LIGHT_PREDICATES else ""
    return f"both: {attr_a}" + (f" of {whose}" if whose else "") + act


def _where(n: _Num) -> frozenset[str]:
    """The words around a count of people, less the people words themselves ('us', 'men', 'miners')."""
    return frozenset(w for w in n.context | n.tokens if w not in _PEOPLE_NOUNS and w not in _PRONOUN_HOLDERS)


def _specific_attributes(a: _Num, b: _Num) -> frozenset[str]:
    """A measured property named as such ('depth', 'crowd', 'deficit'), not only a counted noun."""
    out = set()
    for n in (a, b):
        f = n.frame
        if f is not None and f.attribute and (not n.unit or _lemma(f.attribute) != _lemma(n.unit)):
            out.add(_lemma(f.attribute))
    return frozenset(out)


# Counts that run while a story unfolds: a different figure on a later day is an update.
_RUNNING = frozenset(_OUTCOME_OF) | frozenset({"body", "victim", "toll", "casualty"})


def _running(n: _Num) -> bool:
    attr = _attribute(n) or ""
    return attr in _RUNNING or bool(_outcomes(n.context | n.tokens))


def _listed(n: _Num) -> bool:
    """One of several same-unit figures in a sentence with nothing to say whose or what it is
    (a frame that names its own attribute, such as one side of a vote, is not a list item)."""
    if not n.parallel or (n.frame and n.frame.holder):
        return False
    attribute = _attribute(n)
    return not (attribute and n.unit and attribute != _lemma(n.unit) and attribute.startswith(_lemma(n.unit)))


def _can_conflict(a: _Num, b: _Num, options: ReconcileOptions) -> bool:
    """Strict: same unit and subject, similar sentence context, disjoint bounds, no conversions."""
    if a.claim.article_id == b.claim.article_id or a.conversion or b.conversion:
        return False
    if a.parallel or b.parallel or _SCORE.match(a.claim.text) or _SCORE.match(b.claim.text):
        return False  # a list of figures ("Miller 15.5 points, Iguodala 14.9") or a 9-14 record
    if not a.unit or not _same_subject(a, b, options) or numbers_agree(a, b, options):
        return False
    if (a.owner and b.owner and a.owner != b.owner) or a.increment != b.increment:
        return False  # Iguodala's 14.9 points vs Dalembert's 5.8; "two extra" vs "three" life sentences
    named = (a.tokens - {a.unit}) & (b.tokens - {b.unit})  # a subject beyond the unit: "breach", "fund"
    if named and a.unit not in _GENERIC_UNITS:
        return True  # "a 65-meter breach" / "the breach was 40 meters wide"
    ca, cb = a.context - a.tokens - b.tokens, b.context - a.tokens - b.tokens  # the subject is compared above
    if not ca or not cb:
        return False  # nothing to show the two figures measure the same thing
    if a.unit in _GENERIC_UNITS:
        # "three times" / "14 people" say little alone: the subject or the outcome must match too
        outcome = _outcomes(a.context | a.tokens) & _outcomes(b.context | b.tokens)
        if not named and not outcome:
            return False
    return _jaccard(ca, cb) >= options.context_similarity


def _figure_verdict(a: _Num, b: _Num, options: ReconcileOptions) -> tuple[str, str] | None:
    """('conflict' | 'update', why aligned) for two disjoint figures of one frame, else None."""
    if a.claim.article_id == b.claim.article_id or a.conversion or b.conversion:
        return None
    if _listed(a) or _listed(b) or _SCORE.match(a.claim.text) or _SCORE.match(b.claim.text):
        return None  # a list of figures ("Miller 15.5 points, Iguodala 14.9") or a 9-14 record
    if a.unit != b.unit or numbers_agree(_capped(a), _capped(b), options):
        return None
    if (a.owner and b.owner and a.owner != b.owner) or a.increment != b.increment:
        return None
    if (
        a.frame is None or b.frame is None
    ):  # hand-made extractions, or a parse the frame reader could not walk
        if not _can_conflict(a, b, options):
            return None
        published_apart = a.claim.published and b.claim.published and a.claim.published != b.claim.published
        return ("update" if published_apart else "conflict"), a.subject or a.unit or "figure"
    why = _figures_aligned(a, b)
    if why is None:
        return None
    pa, pb = a.claim.published, b.claim.published
    later = b if (pb or "") > (pa or "") else a
    if pa and pb and pa != pb and ((later.frame and later.frame.change) or _running(a) or _running(b)):
        return "update", why
    return "conflict", why


def _quote_narrative_aligned(qn: _Num, nn: _Num, options: ReconcileOptions) -> str | None:
    """A figure inside a quote against the narrative's figure for the same thing ("we had two
    summits", said Trump / "Trump met Kim three times"; "seven of us in that chamber" / "six men
    sheltered in the chamber")."""
    people = _attribute(qn) == _attribute(nn) == "person"  # "seven of us" / "six men": one count of people
    if (
        (qn.unit != nn.unit and not people)
        or numbers_agree(_capped(qn), _capped(nn), options)
        or qn.conversion
        or nn.conversion
    ):
        return None
    if qn.increment != nn.increment:
        return None
    if (qn.parallel or nn.parallel) and not (
        _specific_attributes(qn, nn) and not (_listed(qn) or _listed(nn))
    ):
        return None  # one of several figures of a sentence, and no frame that says which
    who = f"{qn.speaker}'s quote" if qn.speaker else "a quote"
    if qn.frame is not None and nn.frame is not None:
        why = _figures_aligned(qn, nn, loose=True)
        return f"{why} ({who} and the narrative)" if why else None
    if _quote_narrative_by_subject(qn, nn, options):
        return f"both: {nn.subject or nn.unit} ({who} and the narrative count the same thing)"
    return None


def _quote_narrative_by_subject(qn: _Num, nn: _Num, options: ReconcileOptions) -> bool:
    """A quoted figure against a narrative one about the same thing and, when the quote's
    speaker is known, a narrative sentence that names the speaker ("we had two summits",
    said Trump / "Trump met Kim three times")."""
    if qn.unit != nn.unit or not qn.unit or numbers_agree(qn, nn, options):
        return False
    if qn.speaker:
        names = {w.lower() for w in _WORD.findall(qn.speaker) if len(w) > 2}
        if not names & nn.sentence_words:
            return False
    if _jaccard(qn.tokens, nn.tokens) >= options.subject_similarity:
        return True
    extra_q, extra_n = qn.tokens - {qn.unit}, nn.tokens - {nn.unit}
    return _is_counted(qn.unit) and (not extra_q or not extra_n)


def _parse_day(value: str) -> tuple[str, str, str] | None:
    m = _DAY.match(value[:10])
    return (m.group(1), m.group(2), m.group(3)) if m else None


def date_compatible(a: str, b: str) -> bool:
    """TIMEX3 values agree where both are specified: XXXX-08-25 ~ 2025-08-25, 2025-08 ~ 2025-08-26."""
    if a == b:
        return True
    if _DAY.match(a[:10]) and _DAY.match(b[:10]):
        a, b = a[:10], b[:10]  # the time of day (T14:00, TNI) is not compared
    n = min(len(a), len(b))
    return all(ca == cb or "X" in (ca, cb) for ca, cb in zip(a[:n], b[:n], strict=True))


def _same_grain(a: str, b: str) -> bool:
    """'later this year' (2025) is not the same report as 'on Tuesday' (2025-08-26)."""
    return bool(_DAY.match(a[:10])) == bool(_DAY.match(b[:10]))


def _day_distance(a: str, b: str) -> int | None:
    """Days between two day-precision values (a missing year borrows the other's)."""
    pa, pb = _parse_day(a), _parse_day(b)
    if pa is None or pb is None or "X" in pa[1] + pa[2] + pb[1] + pb[2]:
        return None
    ya = pa[0] if "X" not in pa[0] else pb[0]
    yb = pb[0] if "X" not in pb[0] else pa[0]
    if "X" in ya or "X" in yb:
        ya = yb = "2000"
    try:
        da = date(int(ya), int(pa[1]), int(pa[2]))
        db = date(int(yb), int(pb[1]), int(pb[2]))
    except ValueError:
        return None
    return abs((da - db).days)


def _specificity(value: str) -> int:
    return sum(ch.isdigit() for ch in value)


_REPORTING = re.compile(
    r"\b(?:said|says|told|announced|confirmed|reported|added|stated|wrote)\b[^,;.]{0,24}$", re.IGNORECASE
)


def _dates_the_report(text: str, ev: Event) -> bool:
    """'..., the office said on Thursday': the date is when it was said, not when it happened."""
    start = max(ev.start, ev.timex_span[0] - 60)
    before = text[start : ev.timex_span[0]]
    trigger_before_cue = ev.trigger_span[0] < ev.timex_span[0]
    return (
        bool(_REPORTING.search(before)) and trigger_before_cue and ev.trigger.lower() not in _REPORT_TRIGGERS
    )


_REPORT_TRIGGERS = frozenset({"say", "said", "tell", "told", "announce", "announced", "confirm", "report"})


def _split_names(names: Iterable[str]) -> list[str]:
    """'Stroud and Ulver' names two participants."""
    out: list[str] = []
    for name in names:
        out += [p.strip() for p in re.split(r",|\s+and\s+|\s*&\s*", name or "") if p.strip()]
    return out


def _participant_key(name: str) -> str:
    """'the White House' ~ 'White House', 'Lee’s' ~ 'Lee', 'U.S.' ~ 'US'."""
    key = re.sub(r"[’']s$", "", name.strip())
    key = re.sub(r"^the\s+", "", key, flags=re.IGNORECASE)
    return " ".join(key.replace(".", "").lower().split())


@functools.cache
def _class_table() -> dict[str, frozenset[str]]:
    data = json.loads(resources.files("newsdesk").joinpath("data/event_classes.json").read_text("utf-8"))
    table: dict[str, set[str]] = defaultdict(set)
    for name, words in data.items():
        if not name.startswith("_"):
            for word in words:
                table[word].add(name)
    return {w: frozenset(c) for w, c in table.items()}


@functools.cache
def _once_classes() -> frozenset[str]:
    data = json.loads(resources.files("newsdesk").joinpath("data/event_classes.json").read_text("utf-8"))
    return frozenset(data.get("_once", ()))


def event_classes(trigger: str) -> frozenset[str]:
    """The kinds of happening a trigger reports ('jail' and 'sentence' are one), or the lemma itself."""
    word = trigger.lower().strip()
    return _class_table().get(word) or _class_table().get(_lemma(word)) or frozenset({_lemma(word)})


def _same_event(a: _Ev, b: _Ev) -> bool:
    """One happening told twice: the same class of event, and no side names other actors.

    A side that names nobody ("The tunnel collapsed on Wednesday") leaves the class, the story and
    publication time to decide.
    """
    if not a.classes & b.classes or a.classes & _REPORT_CLASSES:
        return False
    pa, pb = _who_takes_part(a, b)
    if not pa or not pb:
        return True
    sa, sb = _surnames(pa), _surnames(pb)  # "Donald Trump" in one outlet is "Trump" in the next
    if a.classes & b.classes & _once_classes():
        return bool(sa & sb)  # it happens once to them: one shared person or body is enough
    return _same_people(sa, sb)


def _surnames(keys: frozenset[str]) -> frozenset[str]:
    return frozenset(k.split()[-1] for k in keys if k.split())


_REPORT_CLASSES = frozenset({"say", "tell", "add", "note", "write", "report", "state"})


def _could_know(a: _Ev, b: _Ev) -> bool:
    """Both dates lie before both articles were published: each outlet could have told the other's.

    An article of Wednesday cannot contradict a Thursday date: the Thursday report may be of a
    second happening (bodies recovered on both days), so only dates both outlets could have seen count.
    Events that happen once to the same people (`_once` in data/event_classes.json: a sentencing, a
    landfall, the start of a strike) have no second happening: each article need only tell its date
    as past.
    """
    dates = [d for d in (_day(a.date), _day(b.date)) if d is not None]
    pubs = [p for p in (_day(a.claim.published), _day(b.claim.published)) if p is not None]
    if len(dates) != 2 or len(pubs) != 2:
        return False
    if a.classes & b.classes & _once_classes():
        # a sentencing or a landfall happens once: a later date is not a second one, only each
        # article must tell it as past
        return dates[0] <= pubs[0] and dates[1] <= pubs[1]
    return max(dates) <= min(pubs)


def _day(value: str | None) -> date | None:
    if not value or not _DAY.match(value[:10]) or "X" in value[:10]:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _window(a: _Ev, b: _Ev, days: int) -> float:
    """Two dates this far apart may still be one event: a week, or more for events long past."""
    da, pa = _day(a.date), _day(a.claim.published)
    age = (pa - da).days if da and pa else 0
    return max(days, 0.02 * age)


def _events_aligned(a: _Ev, b: _Ev) -> bool:
    """Same kind of event with the same people: two shared participants, or one side inside the other.

    People and organizations decide; places and nationalities only when a side names no actor
    (an extractor that misses "Governor Okafor" still leaves "Brisco" to match).
    """
    if a.trigger != b.trigger:
        return False
    pa, pb = _who_takes_part(a, b)
    return (not pa and not pb) or _same_people(pa, pb)


def _who_takes_part(a: _Ev, b: _Ev) -> tuple[frozenset[str], frozenset[str]]:
    """People and organizations when both sides name some, else every participant (places too)."""
    return (a.actors, b.actors) if a.actors and b.actors else (a.participants, b.participants)


def _same_people(pa: frozenset[str], pb: frozenset[str]) -> bool:
    """Two shared participants, one side inside the other, or most of them shared."""
    shared = pa & pb
    return bool(shared) and (len(shared) >= 2 or pa <= pb or pb <= pa or _jaccard(pa, pb) >= 0.5)


def _quotes_same(a: _Qt, b: _Qt, options: ReconcileOptions) -> bool:
    """The same words: near-equal overall, or one is an excerpt of the other.

    An excerpt must match almost exactly: two quotes that share a long opening
    but end differently are different quotes.
    """
    if (a.parts or b.parts) and _same_part(a, b):
        return True
    if not _same_names(a.claim.text, b.claim.text):
        return False  # "we will rebuild Merrow" and "we will rebuild Thornby" are two statements
    if fuzz.ratio(a.norm, b.norm) >= options.quote_similarity:
        return True
    short = min(len(a.norm), len(b.norm))
    excerpt = max(options.quote_similarity, EXCERPT_SIMILARITY)
    return short >= 25 and fuzz.partial_ratio(a.norm, b.norm) >= excerpt


def _same_part(a: _Qt, b: _Qt) -> bool:
    """One sentence of a longer quote repeated word for word: '"X," she said. "Y."' and '"X," he
    told K3. "Z."' (the cue between the fragments names the speaker, and may name another)."""
    parts_a = a.parts or ((a.claim.text, a.norm),)
    parts_b = b.parts or ((b.claim.text, b.norm),)
    return any(
        len(na) >= 25 and fuzz.ratio(na, nb) >= EXCERPT_SIMILARITY and _same_names(ta, tb)
        for ta, na in parts_a
        for tb, nb in parts_b
    )


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)*")


def _names_in(text: str) -> set[str]:
    """Capitalized words inside the text, sentence-initial ones and 'I' aside."""
    text = text.strip().lstrip("\"“‘'")
    return {m.group(0).lower() for m in _NAME.finditer(text) if m.start() > 0}


def _same_names(a: str, b: str) -> bool:
    """Names in the shorter quote all appear in the longer (an excerpt may drop some)."""
    na, nb = _names_in(a), _names_in(b)
    small, large = (na, nb) if len(a) <= len(b) else (nb, na)
    return small <= large and (len(a) != len(b) or na == nb)


def _statements_same(a: _Qt, b: _Qt, options: ReconcileOptions) -> bool:
    if a.speaker != b.speaker:
        return False
    return fuzz.token_set_ratio(a.norm, b.norm) >= options.statement_similarity


# --------------------------------------------------------------------------- grouping


def _greedy(items: list, can_join, distance=None, bucket=None) -> list[list]:
    """Seed-based clustering: each item joins the nearest group whose seed accepts it.

    `bucket` (e.g. the unit) limits the candidates to groups that could accept at all,
    which keeps large stories near-linear.
    """
    groups: list[list] = []
    by_bucket: dict[object, list[list]] = defaultdict(list)
    for item in items:
        key = bucket(item) if bucket is not None else None
        accepting = [g for g in by_bucket[key] if can_join(g[0], item)]
        if not accepting:
            group = [item]
            groups.append(group)
            by_bucket[key].append(group)
            continue
        if distance is not None:
            accepting.sort(key=lambda g: distance(g[0], item))
        accepting[0].append(item)
    return groups


def _unit_of(n: _Num) -> str | None:
    """The grouping key: counts of people meet across nouns (`_people_alike` decides), others by unit."""
    return "person" if _counts_people(n.unit) else n.unit


def _num_distance(a: _Num, b: _Num) -> float:
    if a.value > 0 and b.value > 0:
        return abs(math.log(a.value / b.value))
    return abs(a.value - b.value)


def _mentions(claims: Iterable[tuple[_Claim, object]]) -> tuple[Mention, ...]:
    seen: dict[tuple[str, int, int], Mention] = {}
    for claim, value in claims:
        key = (claim.article_id, claim.start, claim.end)
        if key not in seen:
            seen[key] = Mention(claim.article_id, claim.start, claim.end, claim.text, claim.sentence, value)
    return tuple(sorted(seen.values(), key=lambda m: (m.article_id, m.start, m.end)))


def _sources(mentions: Iterable[Mention], keys: Mapping[str, str]) -> int:
    return len({keys.get(m.article_id, m.article_id) for m in mentions})


def _span(claim: _Claim) -> Span:
    return Span(claim.article_id, claim.start, claim.end, claim.text)


def _evidence(claims: Iterable[_Claim], by_id: Mapping[str, Article]) -> list[Span]:
    """The figure itself and the sentence that states it."""
    out: list[Span] = []
    for c in claims:
        out.append(_span(c))
        if c.sentence is not None and c.sentence != (c.start, c.end):
            s, e = c.sentence
            art = by_id[c.article_id]
            if 0 <= s < e <= len(art.text) and art.text[s:e].strip():
                out.append(_article_span(art, s, e))
    return out


def _article_span(article: Article, start: int, end: int) -> Span:
    return Span(article.id, start, end, article.text[start:end])


@dataclass
class _Draft:
    """A fact under construction (status is settled once conflicts are known)."""

    kind: str
    text: str
    mentions: tuple[Mention, ...]
    value: object = None
    unit: str | None = None
    subject: str | None = None
    date: str | None = None
    speaker: str | None = None
    note: str | None = None
    conflicting: bool = False
    order: tuple = ()

    @property
    def id(self) -> str:
        keys = tuple((m.article_id, m.start, m.end) for m in self.mentions)
        return content_id(self.kind, self.value, self.unit, self.date, self.speaker, keys, prefix="f")


def _order(claims: Iterable[_Claim]) -> tuple[int, int]:
    return min((c.order, c.start) for c in claims)


# --------------------------------------------------------------------------- entry point


def reconcile(
    articles: Sequence[Article],
    extractions: Mapping[str, Extraction],
    duplicates: Mapping[str, DuplicateInfo],
    options: ReconcileOptions,
) -> tuple[tuple[Fact, ...], tuple[Conflict, ...]]:
    """Facts (with status and independent-source counts) and conflicts for one story."""
    ordered = sorted({a.id: a for a in articles}.values(), key=lambda a: (a.published or "9999", a.id))
    by_id = {a.id: a for a in ordered}
    keys = independence_keys(ordered, duplicates)
    narrative, quoted, events, quotes = _collect(ordered, extractions)

    drafts: list[_Draft] = []
    conflicts: list[tuple[str, str, list[tuple[object, list[_Claim], list[Span]]], list[_Draft]]] = []

    # ---- quantities
    def precision(n: _Num) -> tuple:
        width = n.high - n.low
        return (not n.exact, width if math.isfinite(width) else math.inf, n.claim.order, n.claim.start)

    num_groups = _greedy(
        sorted(narrative, key=precision), lambda s, x: _can_join(s, x, options), _num_distance, _unit_of
    )
    num_drafts: list[_Draft] = []
    for group in num_groups:
        seed = group[0]
        text = seed.claim.text
        if seed.subject and seed.subject.lower() not in text.lower():
            text = f"{text} ({seed.subject})"
        num_drafts.append(
            _Draft(
                kind="quantity",
                text=text,
                mentions=_mentions((n.claim, _plain_value(n.value)) for n in group),
                value=_plain_value(seed.value),
                unit=seed.unit,
                subject=seed.subject,
                order=_order(n.claim for n in group),
            )
        )
    drafts.extend(num_drafts)
    _number_conflicts(num_groups, num_drafts, by_id, options, conflicts)

    # ---- quotes inside direct quotes vs narrative figures
    quoted_links: list[tuple[int, list[_Claim]]] = []  # conflict index -> the quoted figures
    q_groups = _greedy(
        sorted(quoted, key=precision), lambda s, x: _can_join(s, x, options), _num_distance, _unit_of
    )
    for qg in q_groups:
        for ng, nd in zip(num_groups, num_drafts, strict=True):
            whys = [w for q in qg for n in ng if (w := _quote_narrative_aligned(q, n, options))]
            if not whys:
                continue
            nd.conflicting = True
            quoted_links.append((len(conflicts), [q.claim for q in qg]))
            conflicts.append(
                (
                    "quote_vs_narrative",
                    f"a quote says {_amount(qg[0])} but the narrative says {_amount(ng[0])}",
                    [
                        (
                            _plain_value(qg[0].value),
                            [q.claim for q in qg],
                            _evidence((q.claim for q in qg), by_id),
                            [_num_reading(q) for q in qg],
                        ),
                        (
                            _plain_value(ng[0].value),
                            [n.claim for n in ng],
                            _evidence((n.claim for n in ng), by_id),
                            [_num_reading(n) for n in ng],
                        ),
                    ],
                    [nd],
                    whys[0],
                )
            )

    # ---- dated events
    def ev_rank(e: _Ev) -> tuple:
        return (-_specificity(e.date), e.claim.order, e.claim.start)

    ev_groups = _greedy(
        sorted(events, key=ev_rank),
        lambda s, x: (
            _events_aligned(s, x) and _same_grain(s.date, x.date) and date_compatible(s.date, x.date)
        ),
        bucket=lambda e: e.trigger,
    )
    ev_drafts = []
    for group in ev_groups:
        seed = group[0]
        ev_drafts.append(
            _Draft(
                kind="event",
                text=seed.claim.text.strip(),
                mentions=_mentions((e.claim, e.date) for e in group),
                value=seed.trigger,
                date=seed.date,
                subject=", ".join(seed.names) or None,
                order=_order(e.claim for e in group),
            )
        )
    drafts.extend(ev_drafts)
    _date_conflicts(ev_groups, ev_drafts, by_id, options, conflicts)

    # ---- direct quotes and indirect statements
    direct = sorted(
        (q for q in quotes if q.direct), key=lambda q: (-len(q.norm), q.claim.order, q.claim.start)
    )
    qt_groups = _greedy(direct, lambda s, x: _quotes_same(s, x, options))
    quote_drafts = []
    for group in qt_groups:
        draft = _quote_draft("quote", group)
        quote_drafts.append(draft)
        _speaker_conflict(group, draft, by_id, conflicts)
    drafts.extend(quote_drafts)
    for index, claims in quoted_links:  # the quote fact that holds the figure is part of the conflict
        holders = [
            d
            for d in quote_drafts
            if any(
                m.article_id == c.article_id and m.start <= c.start and c.end <= m.end
                for m in d.mentions
                for c in claims
            )
        ]
        conflicts[index][3].extend(holders)
    indirect = sorted(
        (q for q in quotes if not q.direct and q.speaker),
        key=lambda q: (-len(q.norm), q.claim.order, q.claim.start),
    )
    for group in _greedy(indirect, lambda s, x: _statements_same(s, x, options), bucket=lambda q: q.speaker):
        drafts.extend(_statement_drafts(group, by_id, options, conflicts))

    return _finish(drafts, conflicts, keys)


# Reporting verbs that add nothing to what was said; any other cue ("ruled out", "denied",
# "refused", "warned") is part of the statement and stays in front of it.
_NEUTRAL_TEXT = """say says said tell tells told add adds added state states stated note notes noted explain
    explains explained write writes wrote report reports reported announce announces announced according"""
_NEUTRAL_CUES = frozenset(_NEUTRAL_TEXT.split())


def _predicate_of(text: str, qt: Quote, start: int) -> str | None:
    """The words from an indirect statement's cue to its content ("ruled out", "denied that"),
    unless the cue only reports ("said"): without them the content reads as the opposite."""
    if not qt.cue_span or not qt.cue or qt.cue.lower() in _NEUTRAL_CUES:
        return None
    cue_start = qt.cue_span[0]
    if not 0 <= cue_start < start or start - cue_start > 40:
        return None
    words = text[cue_start:start].split()
    if words and words[-1].lower() in ("that", "to", ","):
        words = words[:-1]
    return " ".join(words) or None


def _quote_draft(kind: str, group: list[_Qt]) -> _Draft:
    names = [q.speaker_name for q in group if q.speaker_name]
    counts: dict[str, int] = defaultdict(int)
    for q in group:
        if q.speaker:
            counts[q.speaker] += 1
    speaker = sorted(counts, key=lambda s: (-counts[s], -len(s), s))[0] if counts else None
    if speaker is None and names:
        speaker = sorted(names, key=lambda s: (-len(s), s))[0]
    return _Draft(
        kind=kind,
        # The span keeps the comma inside the marks ('"...," she said'); the fact states the words.
        text=(f"{group[0].predicate} " if kind == "statement" and group[0].predicate else "")
        + group[0].claim.text.rstrip().rstrip(",;:"),
        mentions=_mentions((q.claim, q.speaker) for q in group),
        speaker=speaker,
        order=_order(q.claim for q in group),
    )


def _number_conflicts(groups, drafts, by_id, options, conflicts) -> None:
    """Disjoint figures on one subject: a conflict on the same day, an update across days."""
    articles_in = [{n.claim.article_id for n in g} for g in groups]
    edges: dict[tuple[int, int], str] = {}
    reasons: dict[tuple[int, int], str] = {}
    for i in range(len(groups)):
        for j in range(i + 1, len(groups)):
            if groups[i][0].unit != groups[j][0].unit:
                continue
            kind = None
            for a in groups[i]:
                for b in groups[j]:
                    if b.claim.article_id in articles_in[i] or a.claim.article_id in articles_in[j]:
                        continue
                    verdict = _figure_verdict(a, b, options)
                    if verdict is None:
                        continue
                    if verdict[0] == "conflict":
                        kind, reasons[(i, j)] = "number", verdict[1]
                    elif kind is None:
                        kind, reasons[(i, j)] = "update", verdict[1]
            if kind:
                edges[(i, j)] = kind
    for (i, j), kind in sorted(edges.items()):
        gi, gj = groups[i], groups[j]
        if kind == "update":
            first, later = (gi, gj) if _latest(gi) <= _latest(gj) else (gj, gi)
            d_later = drafts[j] if later is gj else drafts[i]
            note = (
                f"update: {_fmt_number(first[0].value)} -> {_fmt_number(later[0].value)} "
                f"between {_earliest(first)} and {_earliest(later)}"
            )
            d_later.note = note if d_later.note is None else f"{d_later.note}; {note}"
            d_first = drafts[i] if d_later is drafts[j] else drafts[j]
            old_note = f"superseded: {note.removeprefix('update: ')}"
            if d_first.note is None:
                d_first.note = old_note
            elif not d_first.note.startswith("update:"):
                d_first.note = f"{d_first.note}; {old_note}"
            continue
        drafts[i].conflicting = drafts[j].conflicting = True
        conflicts.append(
            (
                "number",
                f"{reasons[(i, j)]}: {_amount(gi[0])} vs {_amount(gj[0])}",
                [
                    (
                        _plain_value(g[0].value),
                        [n.claim for n in g],
                        _evidence((n.claim for n in g), by_id),
                        [_num_reading(n) for n in g],
                    )
                    for g in (gi, gj)
                ],
                [drafts[i], drafts[j]],
                reasons[(i, j)],
            )
        )


def _latest(group: list[_Num]) -> str:
    return max(n.claim.published or "" for n in group)


def _earliest(group: list[_Num]) -> str:
    return min((n.claim.published for n in group if n.claim.published), default="?")


_EVENT_NOUN = {"meet": "meeting", "sign": "signing", "announce": "announcement"}


def _who(event: _Ev, limit: int = 3) -> str:
    """The people (places only when nobody is named), at most `limit` names."""
    actors = [n for n in event.names if _participant_key(n) in event.actors]
    names = actors or list(event.names)
    shown = names[:limit]
    return ", ".join(shown) + (", …" if len(names) > limit else "") if shown else "event"


def _event_evidence(group: list[_Ev], by_id: Mapping[str, Article]) -> list[Span]:
    """The date expression and the sentence that states the event."""
    evidence = []
    for e in group:
        art = by_id[e.claim.article_id]
        ts, te = e.timex
        if 0 <= ts < te <= len(art.text):
            evidence.append(_article_span(art, ts, te))
        evidence.append(_span(e.claim))
    return evidence


def _date_conflicts(groups, drafts, by_id, options, conflicts) -> None:
    """One event, two incompatible day-precision dates, close enough to be the same event."""
    articles_in = [{e.claim.article_id for e in g} for g in groups]
    told: dict[tuple[str, frozenset], int] = {}
    for i in range(len(groups)):
        for j in range(i + 1, len(groups)):
            if not groups[i][0].classes & groups[j][0].classes:
                continue
            hit = False
            for a in groups[i]:
                for b in groups[j]:
                    if a.claim.article_id == b.claim.article_id:
                        continue
                    if b.claim.article_id in articles_in[i] or a.claim.article_id in articles_in[j]:
                        continue
                    if not _same_event(a, b) or date_compatible(a.date, b.date) or not _could_know(a, b):
                        continue
                    dist = _day_distance(a.date, b.date)
                    if dist is not None and 0 < dist <= _window(a, b, options.date_window_days):
                        hit = True
            if not hit:
                continue
            drafts[i].conflicting = drafts[j].conflicting = True
            shared_class = min(groups[i][0].classes & groups[j][0].classes)
            key = (shared_class, frozenset({drafts[i].date, drafts[j].date}))
            if key not in told:  # one side already in a conflict over the same two dates: the same one
                pair = key[1]
                key = next(
                    (
                        k
                        for k, at in told.items()
                        if k[1] == pair and any(d is drafts[i] or d is drafts[j] for d in conflicts[at][3])
                    ),
                    key,
                )
            if key in told:  # the same disagreement, worded with another verb ("caved in", "collapsed")
                _, _, sides, fact_drafts, _ = conflicts[told[key]]
                for g, d in ((groups[i], drafts[i]), (groups[j], drafts[j])):
                    side = next(sd for sd in sides if sd[0] == d.date)
                    side[1].extend(e.claim for e in g)
                    side[2].extend(_event_evidence(g, by_id))
                    side[3].extend(e.reading for e in g if e.reading)
                fact_drafts.extend((drafts[i], drafts[j]))
                continue
            told[key] = len(conflicts)
            sides = []
            for g, d in ((groups[i], drafts[i]), (groups[j], drafts[j])):
                sides.append(
                    (
                        d.date,
                        [e.claim for e in g],
                        _event_evidence(g, by_id),
                        [e.reading for e in g if e.reading],
                    )
                )
            conflicts.append(
                (
                    "date",
                    f"when did the {_EVENT_NOUN.get(groups[i][0].trigger, groups[i][0].trigger)} "
                    f"({_who(groups[i][0])}) take place: {drafts[i].date} or {drafts[j].date}?",
                    sides,
                    [drafts[i], drafts[j]],
                    _date_reason(groups[i][0], groups[j][0], shared_class),
                )
            )


def _num_reading(n: _Num) -> Reading:
    """The figure's own words, and whether it was read as a range, a bound or a conversion."""
    how = []
    if n.low != n.high:
        if math.isfinite(n.low) and math.isfinite(n.high):
            how.append(f"read as a range: {_fmt_number(n.low)} to {_fmt_number(n.high)}")
        elif math.isfinite(n.low):
            how.append(f"read as at least {_fmt_number(n.low)}")
        elif math.isfinite(n.high):
            how.append(f"read as at most {_fmt_number(n.high)}")
    if n.conversion:
        how.append("converted to a common unit")
    return Reading(n.claim.article_id, n.claim.text, "; ".join(how) or None)


def _date_reading(article: Article, ext: Extraction, span: tuple[int, int]) -> Reading | None:
    """The time words an event's date came from and the timex rule's own account of the step."""
    start, end = span
    if not 0 <= start < end <= len(article.text):
        return None
    how = next((t.reason for t in ext.timexes if t.start == start and t.end == end), None)
    return Reading(article.id, article.text[start:end], how)


def _date_reason(a: _Ev, b: _Ev, event_class: str) -> str:
    """Why two dated mentions are one event: its class, who takes part, and that both could know."""
    who = _who(a)
    part = f" of {who}" if who != "event" else ""
    told = (
        f"'{a.trigger}'" if a.trigger == b.trigger else f"'{a.trigger}' and '{b.trigger}' (one kind of event)"
    )
    return f"both: one {event_class}{part}, told as {told}; each date is before both articles were published"


_NEGATION = re.compile(r"\b(?:not|never|no|cannot|nobody|nothing|neither|nor)\b|n't\b|n’t\b", re.IGNORECASE)


def _negated(q: _Qt) -> bool:
    return bool(_NEGATION.search(q.claim.text))


def _statement_drafts(group: list[_Qt], by_id, options: ReconcileOptions, conflicts) -> list[_Draft]:
    """One speaker, the same content, opposite polarity in different articles: a statement conflict."""
    positive = [q for q in group if not _negated(q)]
    negative = [q for q in group if _negated(q)]
    if not positive or not negative:
        return [_quote_draft("statement", group)]
    pos_articles = {q.claim.article_id for q in positive}
    neg_articles = {q.claim.article_id for q in negative}
    stripped = [_NEGATION.sub(" ", side[0].norm) for side in (positive, negative)]
    if (
        pos_articles == neg_articles
        or pos_articles & neg_articles
        or fuzz.token_sort_ratio(*stripped) < options.statement_similarity
    ):
        return [_quote_draft("statement", group)]
    drafts = [_quote_draft("statement", positive), _quote_draft("statement", negative)]
    for d in drafts:
        d.conflicting = True
    sides = []
    for side, label in ((positive, "affirms"), (negative, "denies")):
        evidence = [_span(q.claim) for q in side]
        sides.append((label, [q.claim for q in side], evidence))
    conflicts.append(
        (
            "statement",
            f"{drafts[0].speaker or 'the same speaker'} is reported both affirming and denying: "
            f"{' '.join(positive[0].claim.text.split())[:120]}",
            sides,
            drafts,
            f"both: the same words from {drafts[0].speaker or 'one speaker'}; one side affirms, the other denies",
        )
    )
    return drafts


def _speaker_conflict(group: list[_Qt], draft: _Draft, by_id, conflicts) -> None:
    """The same words attributed to different people by different articles."""
    by_speaker: dict[str, list[_Qt]] = defaultdict(list)
    for q in group:
        if q.speaker and q.person:
            by_speaker[q.speaker].append(q)
    if len(by_speaker) < 2 or len(group[0].norm.split()) < SPEAKER_CONFLICT_MIN_WORDS:
        return  # two people may both say "thank you very much"
    arts = {s: {q.claim.article_id for q in qs} for s, qs in by_speaker.items()}
    speakers = sorted(by_speaker)
    if all(arts[a] == arts[b] for a in speakers for b in speakers):
        return  # one article naming two speakers for one quote is an extraction problem, not a dispute
    draft.conflicting = True
    sides = []
    for s in speakers:
        evidence = []
        for q in by_speaker[s]:
            evidence.append(_span(q.claim))
            if q.speaker_evidence:
                art = by_id[q.claim.article_id]
                ss, se = q.speaker_evidence
                if 0 <= ss < se <= len(art.text):
                    evidence.append(_article_span(art, ss, se))
        sides.append((s, [q.claim for q in by_speaker[s]], evidence))
    conflicts.append(
        (
            "speaker",
            f"the same quote is attributed to {' and to '.join(speakers)}",
            sides,
            [draft],
            f"both: the same quoted words in {len({c.article_id for _s, cl, _e in sides for c in cl})} articles",
        )
    )


def _finish(drafts: list[_Draft], raw_conflicts, keys: Mapping[str, str]):
    kind_rank = {"event": 0, "quantity": 1, "quote": 2, "statement": 3}
    drafts = sorted(drafts, key=lambda d: (kind_rank[d.kind], d.order, d.id))
    facts = []
    for d in drafts:
        n = _sources(d.mentions, keys)
        status = "conflicting" if d.conflicting else ("corroborated" if n >= 2 else "single_source")
        facts.append(
            Fact(
                id=d.id,
                kind=d.kind,  # type: ignore[arg-type]
                text=d.text,
                status=status,  # type: ignore[arg-type]
                independent_sources=n,
                mentions=d.mentions,
                value=d.value,
                unit=d.unit,
                subject=d.subject,
                date=d.date,
                speaker=d.speaker,
                note=d.note,
            )
        )
    conflicts = []
    for kind, description, sides, fact_drafts, reason in raw_conflicts:
        out_sides = []
        for value, claims, evidence, *more in sides:
            ids = tuple(sorted({c.article_id for c in claims}))
            uniq = tuple(sorted(set(evidence), key=lambda s: (s.article_id, s.start, s.end)))
            readings = tuple(dict.fromkeys(more[0])) if more else ()
            out_sides.append(ConflictSide(value=value, article_ids=ids, evidence=uniq, readings=readings))
        fact_ids = tuple(sorted({d.id for d in fact_drafts}))
        cid = content_id(kind, fact_ids, tuple((s.value, s.article_ids) for s in out_sides), prefix="c")
        conflicts.append(
            Conflict(
                id=cid,
                kind=kind,
                description=description,
                sides=tuple(out_sides),
                fact_ids=fact_ids,
                reason=reason,
            )
        )
    conflicts.sort(
        key=lambda c: (c.kind, c.sides[0].evidence[0].article_id if c.sides[0].evidence else "", c.id)
    )
    return tuple(facts), tuple(conflicts)
