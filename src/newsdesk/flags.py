"""Article-level warnings: each one is a fact about one article, backed by spans.

A flag is only raised with evidence an editor can check: the header region
for a missing date, the two time expressions that contradict each other, the
headline words the body never mentions, the removed boilerplate segments. A
check that cannot point at text stays silent.
"""

from __future__ import annotations

import functools
import re
import sys
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from .options import Options
from .reconcile import subject_tokens
from .records import Article, DuplicateInfo, Extraction, Flag, Span, TimeRef
from .textfeatures import future_years_before

__all__ = ["FLAGS_VERSION", "flag_articles"]

# Bump when any flag changes for the same input (stored flags of an unchanged report are reused).
FLAGS_VERSION = "2"

_CODE_ORDER = (
    "missing_date",
    "date_mismatch",
    "stale_content",
    "headline_mismatch",
    "syndicated_copy",
    "off_story",
    "duplicate_paragraph",
    "boilerplate",
    "unresolved_speaker",
)
_RELATIVE = re.compile(
    r"\b(yesterday|today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"last (?:week|month|year)|this (?:week|month|year)|ago)\b",
    re.I,
)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_EXPLICIT_DAY = re.compile(
    rf"\b{_MONTHS}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTHS}|\d{{4}}-\d{{2}}-\d{{2}}", re.I
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_PAST_CUES = re.compile(r"\b(said|met|held|was|were|announced|took place|signed|told|killed|died)\b", re.I)
_FUTURE_CUES = re.compile(
    r"\b(will|shall|would|expected to|scheduled|set to|plans? to|planned to|next|due to|upcoming)\b", re.I
)
_APPOSITION = re.compile(r"^[\s,(]*(?:on\s+)?$", re.I)
OFF_STORY_SINGLETON_SHARE = 0.5
_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"}


# --------------------------------------------------------------------------- helpers


def _span(article: Article, start: int, end: int) -> Span | None:
    start, end = max(0, start), min(len(article.text), end)
    while start < end and article.text[start].isspace():
        start += 1
    while end > start and article.text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return Span(article.id, start, end, article.text[start:end])


def _spans(article: Article, ranges: Iterable[tuple[int, int]]) -> tuple[Span, ...]:
    out = [s for r in ranges if (s := _span(article, *r)) is not None]
    return tuple(sorted(set(out), key=lambda s: (s.start, s.end)))


def _day(value: str | None) -> date | None:
    if not value or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _month_start(value: str | None) -> date | None:
    """First day of a day- or month-precision value (a year alone is too vague to date an article)."""
    if not value:
        return None
    m = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$", value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return None


def _header_ranges(article: Article) -> list[tuple[int, int]]:
    ranges = [(s.start, s.end) for s in article.segments if s.kind in {"header", "title"}]
    if ranges:
        return ranges
    end = article.text.find("\n")
    end = len(article.text) if end < 0 else end
    return [(0, min(end, 80))]


def _title_range(article: Article) -> tuple[int, int] | None:
    for seg in article.segments:
        if seg.kind == "title":
            return seg.start, seg.end
    if article.title:
        idx = article.text.find(article.title, 0, 1000)
        if idx >= 0:
            return idx, idx + len(article.title)
    return None


def _body_text(article: Article) -> str:
    if article.body_segments:
        return "\n".join(article.text[s:e] for s, e in article.body_segments)
    s, e = article.body_span
    return article.text[s:e] if e > s else article.text


def _in_body(article: Article, start: int) -> bool:
    """Whether an offset lies in a body paragraph (the cleaner keeps them in text order)."""
    segments = article.body_segments
    if not segments:
        return True
    i = bisect_right(segments, (start, sys.maxsize)) - 1
    return i >= 0 and start < segments[i][1]


def _body_timexes(article: Article, ext: Extraction | None) -> list[TimeRef]:
    if ext is None:
        return []
    return [t for t in ext.timexes if t.type == "DATE" and _in_body(article, t.start)]


def _apposed(text: str, a: TimeRef, b: TimeRef) -> bool:
    """'Yesterday, March 3,' / 'on Monday (March 3)': two names for one day, side by side."""
    first, second = (a, b) if a.start < b.start else (b, a)
    return 0 <= second.start - first.end <= 8 and bool(_APPOSITION.match(text[first.end : second.start]))


def _sentence(ext: Extraction, pos: int) -> tuple[int, int] | None:
    for s, e in ext.sentences:
        if s <= pos < e:
            return s, e
    return None


# --------------------------------------------------------------------------- checks


def _missing_date(article: Article) -> Flag | None:
    if article.published:
        return None
    evidence = _spans(article, _header_ranges(article))
    if not evidence:
        return None
    reason = f" ({article.published_reason})" if article.published_reason else ""
    return Flag("missing_date", "warning", f"no publication date found{reason}", evidence)


def _date_mismatch(article: Article, ext: Extraction | None) -> Flag | None:
    """The header date against what the body itself says about when things happened."""
    pub = _day(article.published)
    if pub is None or ext is None:
        return None
    timexes = _body_timexes(article, ext)
    evidence: list[tuple[int, int]] = []
    reasons: list[str] = []
    by_sentence: dict[tuple[int, int], list[TimeRef]] = defaultdict(list)
    for t in timexes:
        sent = _sentence(ext, t.start)
        if sent:
            by_sentence[sent].append(t)
    for _sent, refs in sorted(by_sentence.items()):
        relative = [t for t in refs if _RELATIVE.search(t.text) and _day(t.value)]
        explicit = [t for t in refs if _EXPLICIT_DAY.search(t.text) and _day(t.value)]
        for r in relative:
            for x in explicit:
                if r is x or r.value == x.value or not _apposed(article.text, r, x):
                    continue
                evidence += [(r.start, r.end), (x.start, x.end)]
                reasons.append(f"'{r.text}' resolves to {r.value}, but the body names the day as '{x.text}'")
    for t in timexes:
        d = _day(t.value)
        if d is None or d <= pub + timedelta(days=1) or not _EXPLICIT_DAY.search(t.text):
            continue
        sent = _sentence(ext, t.start)
        if (
            sent
            and _PAST_CUES.search(article.text[sent[0] : sent[1]])
            and not _FUTURE_CUES.search(article.text[sent[0] : sent[1]])
        ):
            evidence.append((t.start, t.end))
            reasons.append(f"'{t.text}' ({t.value}) is reported as past but falls after publication")
    if not evidence:
        return None
    evidence = _header_ranges(article)[:1] + evidence if article.published_source == "header" else evidence
    message = f"published {article.published}: " + "; ".join(dict.fromkeys(reasons))
    return Flag("date_mismatch", "warning", message, _spans(article, evidence))


def _stale_content(
    article: Article,
    ext: Extraction | None,
    duplicates: Mapping[str, DuplicateInfo],
    by_id: Mapping[str, Article],
    story_last: str | None,
    stale_days: int,
) -> Flag | None:
    """Old dated references only, or a copy of a much older article: likely recycled."""
    dup = duplicates.get(article.id)
    pub = _day(article.published)
    if dup is not None and pub is not None:
        original = by_id.get(dup.duplicate_of)
        orig_day = _day(original.published) if original else None
        if orig_day is not None and (pub - orig_day).days > stale_days:
            ranges = list(dup.shared_spans[:5]) or [article.body_span]
            evidence = _spans(article, ranges)
            if evidence:
                return Flag(
                    "stale_content",
                    "warning",
                    f"copies an article published {original.published}, "  # type: ignore[union-attr]
                    f"{(pub - orig_day).days} days earlier",
                    evidence,
                )
    looks_forward = future_years_before(article)
    if looks_forward and pub is not None:
        year = min(y for y, _s, _e in looks_forward)
        phrases = "; ".join(f"'{article.text[s:e]}'" for _y, s, e in looks_forward[:3])
        return Flag(
            "stale_content",
            "warning",
            f"the body looks forward to {year} as still to come ({phrases}), but the article is dated "
            f"{article.published}: it was written before {year}",
            _spans(article, ((s, e) for _y, s, e in looks_forward)),
        )
    reference = max(filter(None, [pub, _day(story_last)]), default=None)
    if reference is None or ext is None:
        return None
    explicit = [
        t for t in _body_timexes(article, ext) if _YEAR.search(t.text) and _month_start(t.value) is not None
    ]
    if len(explicit) < 2:
        return None
    newest = max(_month_start(t.value) for t in explicit)  # type: ignore[type-var]
    if (reference - newest).days <= stale_days:  # type: ignore[operator]
        return None
    return Flag(
        "stale_content",
        "warning",
        f"every body date that names its year is {newest.isoformat()} or earlier, "  # type: ignore[union-attr]
        f"more than {stale_days} days before {reference.isoformat()}",
        _spans(article, ((t.start, t.end) for t in explicit)),
    )


_HEADLINE_WORD = re.compile(r"[A-Za-z][A-Za-z'’.\-]*")


def _words(text: str) -> list[tuple[str, int, int]]:
    """Words with their offsets, closing quotes left out; the letters of '1st' or '4x4' are not words."""
    out = []
    for m in _HEADLINE_WORD.finditer(text):
        if m.start() and text[m.start() - 1].isdigit():
            continue
        word = m.group(0).rstrip("'’")
        out.append((word, m.start(), m.start() + len(word)))
    return out


def _stem(token: str) -> str:
    """A crude stem, for support only ('checks', 'checked', 'checking' -> 'check')."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(token) - len(suffix) >= 4 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def _supported(token: str, tokens: set[str], prefixes: set[str], stems: set[str]) -> bool:
    return (
        token in tokens
        or (len(token) >= 5 and token[:5] in prefixes)
        or (len(token) >= 4 and _stem(token) in stems)
    )


_HEADLINE_STOPWORDS = """after before into amid over as say said new how why what when where who will would could
inside take turn count make get set updated update am pm gmt edt est bst utc
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december
i me my we us our you your he him she it they them not no nor but if so than then there here now
do does did done can may might must shall should just still again also only very too yet up down out
off one"""  # lemma forms (subject_tokens strips plurals)
_HEADLINE_STOP = frozenset(_HEADLINE_STOPWORDS.split())
# A headline of fewer content words that the body does not support may be an idiom ("Curtain
# Falls on a Golden Era"); a longer one needs this share of them unsupported; a headline that
# names only people and places the body never mentions is flagged below this share supported.
HEADLINE_MIN_WORDS = 5
HEADLINE_UNSUPPORTED_SHARE = 0.75
HEADLINE_NAMED_SUPPORT = 0.6
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n])[\s\"'“”‘’(\[]*$")
_POSSESSIVE = re.compile(r"[’']s$")
_NAME_ENDINGS = frozenset(
    {"", "a", "y", "ia", "ce", "ain", "n", "an", "ian", "ean", "ese", "ish", "i", "ic", "k"}
)
_INITIALISM_SKIP = frozenset({"of", "the", "and", "for", "de", "&"})
_CAPITALIZED_RUN = re.compile(
    r"[A-Z][A-Za-z'’]*(?:(?:\s+|\s*-\s*)(?:(?:of|the|and|for|de|&)\s+)*[A-Z][A-Za-z'’]*)+"
)


def _name_variant(a: str, b: str) -> bool:
    """Two forms of one place name: 'iran'/'iranian', 'greece'/'greek', 'britain'/'british'."""
    if a == b:
        return True
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n >= 4 and a[n:] in _NAME_ENDINGS and b[n:] in _NAME_ENDINGS


def _initialisms(text: str) -> set[str]:
    """Initials of every run of two to five capitalized words ('Los Angeles' -> 'la', 'Texas
    Department of Criminal Justice' -> 'tdcj', 'Hewlett-Packard' -> 'hp'): a headline acronym
    is supported by the name it stands for."""
    out: set[str] = set()
    for m in _CAPITALIZED_RUN.finditer(text):
        words = re.split(r"\s+|\s*-\s*", m.group(0))
        initials = "".join(w[0].lower() for w in words if w and w.lower() not in _INITIALISM_SKIP)
        out |= {initials[i : i + n] for n in range(2, 6) for i in range(len(initials) - n + 1)}
    return out


class _BodyWords:
    """What the body (captions excluded) says, read once per headline check.

    `tokens` (with their 5-letter prefixes and stems): every content word; `lower`: the words it
    writes in lower case (common words); `names`: the words of its entities and the words it
    capitalizes mid-sentence; `salient`: the words of its lede (first two sentences), the words
    it repeats and its entity words, i.e. what the article is about; `people`: each person it
    names, as (name words, how often the most used of them appears).
    """

    def __init__(self, article: Article, ext: Extraction | None) -> None:
        body = _body_text(article)
        counts: Counter[str] = Counter()
        lower: set[str] = set()
        capital: set[str] = set()
        lede: set[str] = set()
        sentences = 0
        for m in _HEADLINE_WORD.finditer(body):
            toks = subject_tokens(m.group(0))
            starts = (
                m.start() > 0 and _SENTENCE_START.search(body, max(0, m.start() - 4), m.start()) is not None
            )
            sentences += starts
            if not toks:
                continue
            counts.update(toks)
            if sentences < 2:
                lede |= toks
            if m.group(0).islower():
                lower |= toks
            elif m.group(0)[0].isupper() and not starts:
                capital |= toks
        self.tokens = set(counts)
        self.prefixes = {t[:5] for t in self.tokens if len(t) >= 5}
        self.stems = {_stem(t) for t in self.tokens if len(t) >= 4}
        self.lower = lower
        self.initialisms = _initialisms(body)
        self.entities: dict[str, set[str]] = defaultdict(set)  # label -> entity words
        mentions: Counter[str] = Counter()
        person_words: Counter[str] = Counter()
        person_names: set[str] = set()
        for ent in ext.entities if ext is not None else ():
            if ent.label in _ENTITY_LABELS and _in_body(article, ent.start):
                words = subject_tokens(ent.text)
                self.entities[ent.label] |= words
                mentions[ent.text.strip()] += 1
                if ent.label == "PERSON":
                    person_words.update(words)
                    person_names.add(ent.text.strip())
        # the body's names, most mentioned first, one form each ('Ines Marlow', not also 'Marlow')
        self.entity_names: list[str] = []
        shown: list[frozenset[str]] = []
        for name, _n in mentions.most_common():
            words = subject_tokens(name)
            if words and not any(words <= w or w <= words for w in shown):
                self.entity_names.append(name)
                shown.append(words)
        self.entity_tokens: set[str] = set().union(*self.entities.values())
        self.names = self.entity_tokens | capital
        # 'Police' of 'Harbor Police' is no name where the body also says 'police'
        self.proper = self.names - lower
        self.places = set().union(*(v for k, v in self.entities.items() if k != "PERSON"))
        self.people = [
            (words, max(person_words[w] for w in words)) for n in person_names if (words := subject_tokens(n))
        ]
        self.salient = lede | {t for t, n in counts.items() if n >= 2} | self.entity_tokens
        self.salient_prefixes = {t[:5] for t in self.salient if len(t) >= 5}
        self.salient_stems = {_stem(t) for t in self.salient if len(t) >= 4}

    def supports(self, toks: frozenset[str], name: bool = False, acronym: bool = False) -> bool:
        """Every token is in the body: as a word, a stem, an initialism or by its hyphen parts,
        and a name also as a variant ('Iran'/'Iranian') or a short form ('Jags', 'Indy')."""
        return bool(toks) and all(self._supports(t, name, acronym) for t in toks)

    def _supports(self, token: str, name: bool, acronym: bool) -> bool:
        if token in self.tokens or token in self.initialisms:
            return True
        if not name and _supported(token, self.tokens, self.prefixes, self.stems):
            return True  # a name is not matched by its first letters ('County' is not 'country')
        parts = [p for p in token.split("-") if p]
        if len(parts) > 1 and all(self._supports(p, name, acronym) for p in parts):
            return True
        if not name:
            return False
        if any(_name_variant(token, t) for t in self.names):
            return True
        return (
            not acronym
            and 3 <= len(token) <= 4
            and any(len(t) > len(token) + 1 and t.startswith(token[:3]) for t in self.places)
        )

    def salient_support(self, toks: frozenset[str]) -> bool:
        return bool(toks) and all(
            _supported(t, self.salient, self.salient_prefixes, self.salient_stems) for t in toks
        )

    def top_person(self) -> tuple[frozenset[str], int]:
        return max(self.people, key=lambda p: p[1], default=(frozenset(), 0))


def _headline_style(words: Sequence[tuple[str, int, int]]) -> str:
    """'caps', 'title' or 'sentence' case, from the words longer than three letters after the first."""
    letters = [w for w, _s, _e in words if len(w.strip(".'’-")) > 1]
    if letters and sum(1 for w in letters if w.isupper()) >= 0.7 * len(letters):
        return "caps"
    rest = [w for w, _s, _e in words[1:] if len(w) > 3]
    if rest and sum(1 for w in rest if w[0].isupper()) >= 0.7 * len(rest):
        return "title"
    return "sentence"


def _name_like(title: str, words: Sequence[tuple[str, int, int]], style: str) -> list[bool | None]:
    """Per headline word: a name (True), a common word (False) or unknown from the case (None).

    In a mixed-case headline an acronym standing alone is a name ('NYPD', not 'HOLY COW' or
    'found GUILTY'), and so is a word with an inner capital ('SeaMicro'). In sentence case a
    capitalized word is a name unless it opens the headline (or follows its colon or a quote),
    where it is one when the next word is ('Lindsay Lohan checks ...') and unknown otherwise.
    In title case and all capitals the case says nothing.
    """

    def shouted(i: int) -> bool:
        core = words[i][0].strip(".'’-")
        return len(core) >= 2 and core.isupper()

    def acronym(i: int) -> bool:
        near = (j for j in (i - 1, i + 1) if 0 <= j < len(words))
        alone = not any(
            shouted(j)
            and len(title[min(words[i][2], words[j][2]) : max(words[i][1], words[j][1])].strip()) <= 1
            for j in near
        )
        return shouted(i) and alone and max(len(p) for p in words[i][0].strip(".'’-").split("-")) <= 5

    out: list[bool | None] = []
    for i, (word, s, _e) in enumerate(words):
        core = word.strip(".'’-")
        if style != "caps" and (acronym(i) or (not core.isupper() and sum(map(str.isupper, core)) >= 2)):
            out.append(True)
        elif not word[0].isupper():
            out.append(False)
        elif style != "sentence" or shouted(i):
            out.append(None)
        elif i > 0 and not re.search(r"[:;\"“‘'(]\s*$|[-–—]\s+$", title[:s]):
            out.append(True)
        else:
            out.append(None)  # the first word: decided by the next one
    if style == "sentence":
        for i in range(len(words) - 1):
            if (
                out[i] is None
                and not shouted(i)
                and out[i + 1] is True
                and words[i + 1][1] - words[i][2] <= 1
            ):
                out[i] = True
    return out


def _name_runs(
    title: str, words: Sequence[tuple[str, int, int]], name_like: Sequence[bool | None]
) -> list[list[int]]:
    """Names in a row are one name ('Hugh Jackman'); an acronym ('RB') or a possessive
    ("Bush's") ends one."""
    runs: list[list[int]] = []
    for i in (i for i, n in enumerate(name_like) if n):
        before = words[i - 1][0] if i else ""
        joined = (
            runs
            and runs[-1][-1] == i - 1
            and before.isupper() == words[i][0].isupper()
            and not _POSSESSIVE.search(before)
            and not title[words[i - 1][2] : words[i][1]].strip()
        )
        if joined:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _headline_mismatch(article: Article, ext: Extraction | None) -> Flag | None:
    """A headline written for another article: it names people, places or things the body never does.

    Three checks, strongest first:
    - renamed: the headline names 'Storm Vala' where the body's own name is 'Storm Alvar';
    - strangers: names in the headline (read from its capitalization) that the body never
      mentions, when the headline names nothing the body names and fewer than 60% of its words
      are in the body, or when the person the body is about is absent from it (a headline about
      'Reggie Bush' over a story about 'Pierre Thomas' of the same team);
    - unsupported words: three quarters of the content words of a longer headline are missing
      from the body, and the headline shares no name and no word the article is about (its
      lede, a word it repeats, an entity word) with the body.
    Feature and tabloid headlines are figurative ("Mud Line on the Kitchen Door", "KING OF THE
    ROAD!"), but keep a name or a word the article is about, or are too short to judge: they
    are not flagged. A flag is a warning an editor checks, so each check errs on the side of
    silence: a headline that only may be another article's is not flagged.
    """
    rng = _title_range(article)
    if rng is None:
        return None
    title = article.text[rng[0] : rng[1]]
    words = _words(title)
    toks = [subject_tokens(word) - _HEADLINE_STOP for word, _s, _e in words]
    content = [i for i, t in enumerate(toks) if t]
    if len(content) < 3:  # too short to judge: skip reading the body
        return None
    body = _BodyWords(article, ext)
    renamed = _renamed(article, title, rng[0], body)
    if renamed is not None:
        return renamed
    name_like = _name_like(title, words, _headline_style(words))
    supported = [
        body.supports(t, name=bool(name_like[i]), acronym=words[i][0].isupper()) for i, t in enumerate(toks)
    ]
    named = any(
        (t & body.proper and name_like[i] is not False)
        or (name_like[i] and supported[i] and not t <= body.lower)
        for i, t in enumerate(toks)
    )
    # a name is the body's if one of its own words is ('Hugh Jackman' where the body says
    # 'Jackman'); a title or a kind the body writes in lower case ('Mayor', 'County') is not one
    strangers = [
        r
        for r in _name_runs(title, words, name_like)
        if not any(supported[i] and not toks[i] <= body.lower for i in r if toks[i])
    ]
    stranger_words = [i for r in strangers for i in r if toks[i] and not toks[i] <= body.lower]
    if stranger_words and body.entity_tokens:
        support = sum(1 for i in content if supported[i]) / len(content)
        head_tokens = set().union(*toks)
        person, mentions = body.top_person()
        replaced = (
            mentions >= 2
            and not person & head_tokens
            and any(_person_like(words, toks, r, body) for r in strangers)
        )
        if (not named and support < HEADLINE_NAMED_SUPPORT) or replaced:
            shown = ", ".join(
                " ".join(words[i][0] for i in r if toks[i]) for r in strangers if any(toks[i] for i in r)
            )
            return Flag(
                "headline_mismatch",
                "warning",
                f"the headline names {shown}, which the body never mentions (the body names "
                f"{', '.join(body.entity_names[:3])}): the headline belongs to another article",
                _spans(article, ((rng[0] + words[i][1], rng[0] + words[i][2]) for i in stranger_words)),
            )
    unsupported = [i for i in content if not supported[i]]
    anchored = named or any(supported[i] and body.salient_support(toks[i]) for i in content)
    if (
        anchored
        or len(content) < HEADLINE_MIN_WORDS
        or len(unsupported) < HEADLINE_UNSUPPORTED_SHARE * len(content)
    ):
        return None
    evidence = _spans(article, ((rng[0] + words[i][1], rng[0] + words[i][2]) for i in unsupported))
    return Flag(
        "headline_mismatch",
        "warning",
        f"{len(unsupported)} of {len(content)} headline words never appear in the body, and the headline "
        f"names none of the body's people or places: {', '.join(s.text for s in evidence)}",
        evidence,
    )


def _person_like(
    words: Sequence[tuple[str, int, int]], toks: Sequence[frozenset[str]], run: list[int], body: _BodyWords
) -> bool:
    """A name of words (no acronym, no abbreviation) that the body never writes in lower case."""
    names = [_POSSESSIVE.sub("", words[i][0]) for i in run]
    return all(n.isalpha() and not n.isupper() for n in names) and not any(toks[i] & body.lower for i in run)


_NAME_PAIR = re.compile(r"\b([A-Z][a-z]+|[A-Z]{2,})\s+([A-Z][a-z]+|[A-Z]{2,})\b")


def _renamed(article: Article, title: str, offset: int, body: _BodyWords) -> Flag | None:
    """The headline names 'Storm Vala' where the body's own name is 'Storm Alvar'.

    A two-word name in the headline whose second word the body never uses, while the body
    names the same first word with another name it repeats: the headline was written for
    another article (or pasted onto a recycled one). The first word must be a kind of thing
    (the body also writes it in lower case: 'the storm'), not a name of its own ('Tamsin
    River' is no rival of 'Tamsin Floodwater'), and the second a name (the body never writes
    it in lower case). In title case the pair must end the phrase ('Ship Interdicts Three
    ...' is no name). Read from the capitalization of names, not from a list of kinds.
    """
    text = _body_text(article)
    body_names: dict[str, Counter[str]] = defaultdict(Counter)
    written: dict[tuple[str, str], str] = {}
    for m in _NAME_PAIR.finditer(text):
        before = text[max(0, m.start() - 2) : m.start()]
        if m.start() and not re.search(r"[.!?\n]\s*$", before):  # mid-sentence: capitals mean a name
            key = (m.group(1).lower(), m.group(2).lower())
            if key[1] not in body.lower:
                body_names[key[0]][key[1]] += 1
                written.setdefault(key, m.group(0))
    title_lower = title.lower()
    mixed = _headline_style(_words(title)) == "sentence"
    for m in _NAME_PAIR.finditer(title):
        kind, name = m.group(1).lower(), m.group(2).lower()
        if name in body.tokens or name in _HEADLINE_STOP or kind not in body_names or kind not in body.lower:
            continue
        if subject_tokens(name) & body.lower:
            continue
        after = title[m.end() :].lstrip()
        if not mixed and after[:1].isalpha() and not after[:1].islower():
            continue
        others = [n for n, _c in body_names[kind].most_common() if n not in title_lower]
        other = others[0] if others else None
        if other is None or text.lower().count(other) < 2:
            continue
        shown = written[(kind, other)]
        return Flag(
            "headline_mismatch",
            "warning",
            f"the headline names '{m.group(0)}', the body '{shown}' and never '{m.group(2)}': "
            "the headline belongs to another article",
            _spans(article, [(offset + m.start(), offset + m.end())]),
        )
    return None


def _boilerplate(article: Article) -> Flag | None:
    segs = [s for s in article.segments if s.kind.startswith("boilerplate")]
    evidence = _spans(article, ((s.start, s.end) for s in segs))
    if not evidence:
        return None
    kinds = sorted({s.kind.split(":", 1)[1] if ":" in s.kind else s.kind for s in segs})
    return Flag(
        "boilerplate",
        "info",
        f"{len(evidence)} boilerplate segment(s) removed from the body: {', '.join(kinds)}",
        evidence,
    )


def _duplicate_paragraph(article: Article) -> Flag | None:
    ranges = [(s.start, s.end) for s in article.segments if s.kind == "duplicate-paragraph"]
    paragraphs = list(article.body_segments) + [
        (s.start, s.end) for s in article.segments if s.kind in {"caption", "duplicate-paragraph"}
    ]
    seen: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for s, e in paragraphs:
        key = " ".join(article.text[s:e].split()).lower()
        if len(key) >= 20:
            seen[key].append((s, e))
    for copies in seen.values():
        if len(set(copies)) > 1:
            ranges += copies
    evidence = _spans(article, ranges)
    if not evidence:
        return None
    return Flag("duplicate_paragraph", "info", f"{len(evidence)} repeated paragraph(s)", evidence)


def _syndicated(article: Article, dup: DuplicateInfo | None) -> Flag | None:
    if dup is None:
        return None
    ranges = list(dup.shared_spans) or [article.body_span if article.body_span[1] else (0, len(article.text))]
    evidence = _spans(article, ranges)
    if not evidence:
        return None
    return Flag(
        "syndicated_copy",
        "info",
        f"{dup.kind} copy of {dup.duplicate_of} ({dup.overlap:.0%} of its text is shared)"
        + (f"; {dup.reason}" if dup.reason else "")
        + ("; the two are copies of each other" if dup.direction == "unknown" and not dup.reason else "")
        + "; it does not count as an independent source",
        evidence,
    )


def _unresolved_kind(reason: str | None) -> str:
    text = (reason or "").lower()
    for key in ("pronoun", "unnamed source", "description", "no attribution cue"):
        if key in text:
            return key
    return "unresolved"


def _unresolved_speaker(article: Article, ext: Extraction | None) -> Flag | None:
    """Quotes nobody can be held to: a pronoun or description with no named antecedent, no cue.

    Quotes the extractor attributes to an unnamed group ("officials said") are left out:
    that source is anonymous by the reporter's choice, not unresolved by us.
    """
    if ext is None:
        return None
    quotes = [q for q in ext.quotes if q.speaker is None and _unresolved_kind(q.reason) != "unnamed source"]
    ranges = []
    for q in quotes:
        ranges.append((q.start, q.end))
        if q.speaker_span:
            ranges.append(q.speaker_span)
    evidence = _spans(article, ranges)
    if not evidence:
        return None
    kinds: dict[str, int] = defaultdict(int)
    for q in quotes:
        kinds[_unresolved_kind(q.reason)] += 1
    serious = any(q.direct and _unresolved_kind(q.reason) in {"pronoun", "description"} for q in quotes)
    detail = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return Flag(
        "unresolved_speaker",
        "warning" if serious else "info",
        f"{len(quotes)} quote(s) without a resolved speaker ({detail})",
        evidence,
    )


@functools.lru_cache(maxsize=1 << 15)
def _entity_key(text: str) -> str:
    """A name as compared across articles (memoized: a story repeats its names)."""
    text = re.sub(r"[’']s$", "", text.strip()).lower()
    text = re.sub(r"^the\s+", "", text)
    return " ".join(text.replace(".", "").split())


def _entities(article: Article, ext: Extraction | None) -> dict[str, tuple[int, int]]:
    """Entity key -> first body mention."""
    out: dict[str, tuple[int, int]] = {}
    if ext is None:
        return out
    for ent in sorted(ext.entities, key=lambda e: e.start):
        if ent.label in _ENTITY_LABELS and _in_body(article, ent.start):
            key = _entity_key(ent.text)
            if len(key) > 1:
                out.setdefault(key, (ent.start, ent.end))
    return out


def _off_story(
    article: Article,
    ents: Mapping[str, tuple[int, int]],
    story_entities: Mapping[str, set[str]],
    min_shared: int,
    min_share: float = 0.0,
) -> Flag | None:
    """Shares several names with a story it is not in. An article alone in its own story must
    share at least half its names: related coverage of another event is not off-story."""
    best: tuple[int, str, list[str]] | None = None
    for story_id in sorted(story_entities):
        shared = sorted(set(ents) & story_entities[story_id])
        enough = len(shared) >= min_shared and len(shared) >= min_share * len(ents)
        if enough and (best is None or len(shared) > best[0]):
            best = (len(shared), story_id, shared)
    if best is None:
        return None
    evidence = _spans(article, (ents[k] for k in best[2]))
    if not evidence:
        return None
    return Flag(
        "off_story",
        "info",
        f"not assigned to story {best[1]} although it shares {best[0]} named entities with it: "
        + ", ".join(s.text for s in evidence),
        evidence,
    )


# --------------------------------------------------------------------------- entry point


def flag_articles(
    articles: Sequence[Article],
    extractions: Mapping[str, Extraction],
    duplicates: Mapping[str, DuplicateInfo],
    story_of: Mapping[str, str | None],
    options: Options,
) -> dict[str, tuple[Flag, ...]]:
    """Warnings per article id (every article gets an entry, possibly empty)."""
    opts = options.reconcile
    by_id = {a.id: a for a in articles}
    members: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        sid = story_of.get(a.id)
        if sid is not None:
            members[sid].append(a)
    story_last = {
        sid: max((a.published for a in arts if a.published), default=None) for sid, arts in members.items()
    }
    entities = {a.id: _entities(a, extractions.get(a.id)) for a in articles}
    story_entities: dict[str, set[str]] = {}
    for sid, arts in members.items():
        if len(arts) < 2:
            continue
        counts: dict[str, int] = defaultdict(int)
        for a in arts:
            for key in entities[a.id]:
                counts[key] += 1
        story_entities[sid] = {k for k, n in counts.items() if n >= 2}

    out: dict[str, tuple[Flag, ...]] = {}
    for article in sorted(articles, key=lambda a: a.id):
        ext = extractions.get(article.id)
        sid = story_of.get(article.id)
        candidates = [
            _missing_date(article),
            _date_mismatch(article, ext),
            _stale_content(
                article, ext, duplicates, by_id, story_last.get(sid) if sid else None, opts.stale_days
            ),
            _headline_mismatch(article, ext),
            _syndicated(article, duplicates.get(article.id)),
            _duplicate_paragraph(article),
            _boilerplate(article),
            _unresolved_speaker(article, ext),
        ]
        if sid is None or len(members.get(sid, ())) < 2:
            others = {k: v for k, v in story_entities.items() if k != sid}
            share = 0.0 if sid is None else OFF_STORY_SINGLETON_SHARE
            candidates.append(
                _off_story(article, entities[article.id], others, opts.off_story_min_entities, share)
            )
        flags = [f for f in candidates if f is not None and f.evidence]
        flags.sort(key=lambda f: _CODE_ORDER.index(f.code))
        out[article.id] = tuple(flags)
    return out
