"""Cheap text features shared by dedup and story clustering.

Everything here is pure Python and regex-based so that dedup and clustering
run at hundreds of articles per second without the NLP pipeline; when spaCy
extractions exist, the clusterer prefers their entities and time values.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from .nlp.regexguard import guarded
from .records import Article

WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# These patterns start with a character (lookbehinds come after it) so that the regex engine can
# skip ahead to candidate characters: 3-7x faster than a leading lookbehind or \b, same matches.
YEAR_RE = re.compile(r"((?:1[89]|20)(?<![\d.,/]\d\d)\d\d)(?![\d,]|\.\d)(?!s\b)")
ISO_DATE_RE = re.compile(r"((?:1[89]|20)\d\d)(?<!\w\d\d\d\d)-(0[1-9]|1[0-2])-([0-2]\d|3[01])\b")
NUMBER_RE = re.compile(r"\d(?<![\w.,]\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)")

MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for m in names
}
MONTH_DAY_RE = guarded(  # an alternation of words: behind the generic first-character lookahead
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(1[89]\d\d|20\d\d))?\b"
)

_STOP_TEXT = """a about above after again against all almost also although always am among an and another any anyone
    anything are around as at be became because become been before being below between both but by can
    cannot could did do does doing done down during each either else enough even ever every few for from
    further get gets got had has have having he her here hers herself him himself his how however i if in
    into is it its itself just least less like made make many may me might more most much must my myself
    neither never no nor not now of off often on once one only or other others our ours ourselves out over
    own per perhaps put rather re really s said same say says see seem seemed several she should since so
    some still such t than that the their theirs them themselves then there these they this those though
    through thus to too toward towards under until up upon us very via was we well were what whatever when
    where whether which while who whom whose why will with within without would yet you your yours
    yourself yourselves new told according just also including mr mrs ms dr n't nt ll ve d m o
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow week weeks day days
    year years month months time times last first two three four five six seven eight nine ten
    january february march april june july august september october november december"""
STOPWORDS = frozenset(_STOP_TEXT.split())

# Capitalized words that start sentences or headlines without naming anything.
_CAP_TEXT = """mr mrs ms dr president minister police officials official authorities reports report news update
    breaking watch video photo photos read more click share however meanwhile but the a an this that these
    those it he she they we i in on at for from by with after before while when where as if"""
_CAP_STOP = STOPWORDS | frozenset(_CAP_TEXT.split())


def body_spans(article: Article) -> tuple[tuple[int, int], ...]:
    """The article's body regions: body paragraphs, else the body span, else all text."""
    if article.body_segments:
        return article.body_segments
    start, end = article.body_span
    if end > start:
        return ((start, end),)
    return ((0, len(article.text)),)


def stem(word: str) -> str:
    """A light suffix stripper: plural and verb endings collapse, stems stay readable."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix, keep in (("ies", "y"), ("ing", ""), ("edly", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and not word.endswith(("ches", "shes", "sses", "xes", "zes")):
                return word[:-1]
            return word[: len(word) - len(suffix)] + keep
    return word


def term_counts(
    text: str, spans: Iterable[tuple[int, int]], cache: dict[str, str] | None = None
) -> Counter[str]:
    """Stemmed content words and their counts (no stopwords, bare numbers or one-letter words).

    Words are counted first, so each distinct word is stemmed once; `cache`
    (word -> term, "" for dropped words) carries that work across articles.
    """
    memo = {} if cache is None else cache
    words: Counter[str] = Counter()
    for start, end in spans:
        words.update(WORD_RE.findall(text[start:end].lower()))
    out: Counter[str] = Counter()
    for word, count in words.items():
        term = memo.get(word)
        if term is None:
            if len(word) < 2 or word in STOPWORDS or word.isdigit():
                term = ""
            else:
                term = stem(word.replace("’", "'").removesuffix("'s"))
            if len(memo) < 200_000:
                memo[word] = term
        if term:
            out[term] += count
    return out


CAP_WORD_RE = re.compile(r"[A-Z](?<![\w'’][A-Z])[\w'’&-]*")


def capitalized_tokens(text: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    """Lower-cased capitalized words that are not stopwords: the tokens of names, found fast.

    The clusterer only needs name tokens (it matches "Lohan" with "Lindsay
    Lohan"), so this skips phrase building; a sentence-initial common word
    that slips through costs little because IDF discounts it.
    """
    out = []
    for start, end in spans:
        for word in CAP_WORD_RE.findall(text, start, end):
            if len(word) > 6 and word.isupper():
                continue
            token = word.lower().replace("’", "'").rstrip("'-&").removesuffix("'s")
            if len(token) > 1 and token not in _CAP_STOP and token not in MONTHS:
                out.append(token)
    return out


def years_referred(text: str, spans: Iterable[tuple[int, int]]) -> list[int]:
    """Four-digit years the text mentions (1800-2099), in order."""
    out = []
    for start, end in spans:
        for m in YEAR_RE.finditer(text, start, end):
            out.append(int(m.group(1)))
    return out


def dates_referred(text: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    """Explicit calendar dates: 'YYYY-MM-DD' when the year is written, else '--MM-DD'."""
    out = []
    for start, end in spans:
        for m in MONTH_DAY_RE.finditer(text, start, end):
            month = MONTHS[m.group(1).lower().rstrip(".")]
            day = int(m.group(2))
            if not 1 <= day <= 31:
                continue
            year = m.group(3)
            out.append(f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}")
        for m in ISO_DATE_RE.finditer(text, start, end):
            out.append(m.group())
    return out


def numbers_referred(text: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    """Distinctive figures (not years, not one-digit counts), normalized without separators."""
    out = []
    for start, end in spans:
        for m in NUMBER_RE.finditer(text, start, end):
            raw = m.group().replace(",", "")
            if "." not in raw and (len(raw) < 2 or (len(raw) == 4 and raw[:2] in ("18", "19", "20"))):
                continue
            out.append(raw)
    return out


def day_number(iso: str | None) -> int | None:
    """Days since 0001-01-01 for a YYYY-MM-DD string, None when absent or malformed."""
    if not iso or len(iso) < 10:
        return None
    try:
        return date(int(iso[0:4]), int(iso[5:7]), int(iso[8:10])).toordinal()
    except ValueError:
        return None


def merge_spans(spans: Sequence[tuple[int, int]], gap: int = 1) -> tuple[tuple[int, int], ...]:
    """Union of character spans; spans closer than `gap` characters join."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1] + gap:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((s, e) for s, e in out)


# A year spoken of as still to come: "due to start in 2014", "will reopen by 2016", "plans to finish
# in 2019". The cues are the grammar of the English future, not any corpus's words; "was due to",
# "were expected to" look back from a later time and do not count.
_FUTURE_YEAR = re.compile(
    r"\b(?<!was )(?<!were )(?<!had been )(?:will|shall|due to|expected to|set to|scheduled to|plans? to|is to|are to)"
    r"\b[^.!?\n\"“”]{0,60}?\b(?:in|by|until|before)\s+((?:19|20)\d\d)\b(?!\s*[-–]\d)",
    re.IGNORECASE,
)


def future_years_before(article: Article) -> list[tuple[int, int, int]]:
    """Years the body speaks of as still to come although they are before the publication year.

    (year, start, end of the phrase) in text order. A text that looks forward to
    2014 was written before 2014, whatever date it carries now: recycled content.
    """
    if not article.published or not article.published[:4].isdigit():
        return []
    pub_year = int(article.published[:4])
    text = article.text
    return [
        (int(m.group(1)), m.start(), m.end())
        for start, end in body_spans(article)
        for m in _FUTURE_YEAR.finditer(text, start, end)
        if int(m.group(1)) < pub_year
    ]
