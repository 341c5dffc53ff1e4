"""Quotes and reported speech with resolved speakers.

Direct quotes are found from the quote marks (straight, curly and single
quotes, apostrophes excluded), so multi-sentence and multi-paragraph quotes
survive a parser that splits them. The attribution (cue verb and speaker) is
read from the spaCy parse of the text around the marks: `"X," he said, "Y."`
becomes one quote with two content fragments. Indirect speech comes from
speech verbs with a clausal complement and from "according to X".

Speakers are resolved, never guessed: a name is expanded to the fullest form
of that person in the article; "he"/"she" goes to the nearest preceding named
person (subjects first, gender when the article shows it); a description ("the
US president", "the spokesperson") goes to the nearest preceding person whose
title or apposition carries that noun. Anything else stays `None` with an
`unresolved_speaker: ...` reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..records import Quote
from .speakers import canonical_name, canonicalize, is_title, name_key

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Verbs that introduce a direct quote ("...," he said) and reported speech (he said that ...).
_SPEECH_TEXT = """
say tell add state claim announce explain note argue insist write report warn ask reply respond declare
confirm deny suggest acknowledge admit accuse tweet post predict promise vow pledge urge continue recall
complain testify conclude contend assert maintain reveal emphasize emphasise stress remark observe comment
joke quip concede boast allege estimate indicate caution counter retort reiterate repeat mention describe
shout scream yell whisper muse wonder recount proclaim affirm agree disagree charge demand exclaim hint
plead protest question read speak lament brag concur threaten
"""
_BELIEF_TEXT = "believe think show find fear hope know expect feel learn suspect worry understand"
SPEECH_VERBS = frozenset(_SPEECH_TEXT.split())
# Verbs whose clausal complement is reported content (beliefs and findings count, demands do not).
_NOT_REPORTING = "demand agree disagree charge question read speak continue post repeat describe plead protest"
REPORT_VERBS = (SPEECH_VERBS - frozenset(_NOT_REPORTING.split())) | frozenset(_BELIEF_TEXT.split())
_PERSON_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
_OTHER_PRONOUNS = {"they", "them", "it", "we", "i", "you", "who", "which", "that", "this"}
_FEMALE_TITLES = {"ms.", "ms", "mrs.", "mrs", "miss", "madam", "madame", "lady", "queen", "first lady"}
_MALE_TITLES = {"mr.", "mr", "sir", "lord", "king"}
_SYNONYMS = {
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson",
    "advisor": "adviser",
    "chairwoman": "chairman",
    "chair": "chairman",
    "congresswoman": "congressman",
    "lawmaker": "congressman",
    "u.s.": "us",
    "u.s": "us",
    "american": "us",
    "america": "us",
    "united": "us",
    "states": "us",
    "presidential": "president",
}
# Non-person sources that a proper-noun modifier names ("the Clinton campaign", "a CNN poll").
_SOURCE_NOUNS = frozenset(
    [
        "poll",
        "survey",
        "study",
        "report",
        "campaign",
        "ad",
        "advertisement",
        "commercial",
        "spot",
        "complaint",
        "lawsuit",
        "statement",
        "release",
        "memo",
        "letter",
        "email",
        "transcript",
        "analysis",
        "document",
        "filing",
        "website",
        "editorial",
        "newspaper",
        "network",
        "committee",
        "department",
        "agency",
        "office",
        "administration",
        "team",
        "government",
        "ministry",
        "council",
        "board",
        "court",
        "commission",
        "foundation",
    ]
)
_DOUBLE_OPEN = {"“", "„", "«"}
_DOUBLE_CLOSE = {"”", "»"}
_DOUBLE_ANY = {'"', "“", "”", "„", "«", "»"}
_SINGLE_ANY = {"'", "‘", "’"}
_OPEN_BEFORE = set(" \t\n([{—–―-/:")  # what may precede an opening mark
_CLOSE_AFTER = set(" \t\n)]}—–―-,.;:!?/")  # what may follow a closing mark
_SENT_END = {".", "!", "?"}
_MAX_FRAME = 14  # tokens of attribution frame between a quote and its cue
_MIN_QUOTE_WORDS = 4  # shorter quoted strings count only when a cue stands right next to them
_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True, slots=True)
class _RawQuote:
    """Quote marks found in the text: content fragments (without the marks) and mark positions."""

    fragments: tuple[tuple[int, int], ...]
    open_at: int  # position of the first opening mark
    close_at: int  # position of the last closing mark (or end of paragraph when unclosed)
    para: int  # paragraph index of the last fragment


@dataclass(frozen=True, slots=True)
class _Person:
    """A named person mention and what the article says about them."""

    start: int
    end: int
    first: int  # index of the mention's first token
    tok: int  # index of the mention's last token
    key: str  # name_key of the mention
    titles: frozenset[str]  # normalized title/apposition words ("president", "spokesperson", "us")
    subject: bool
    in_quote: bool
    gender: str | None  # "f"/"m" only where a title says so (Ms., Mr.)


@dataclass(frozen=True, slots=True)
class _Resolution:
    speaker: str | None
    speaker_span: tuple[int, int] | None
    antecedent_span: tuple[int, int] | None
    reason: str | None


# --------------------------------------------------------------------------- quote marks


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-blank lines: blanked non-body regions never join a paragraph."""
    out = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            out.append((pos + lead, pos + lead + len(stripped)))
        pos += len(line) + 1
    return out


def _can_open(text: str, i: int, width: int = 1) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + width] if i + width < len(text) else " "
    opens = before.isspace() or before in _OPEN_BEFORE or before in _DOUBLE_ANY or before in _SINGLE_ANY
    return opens and not after.isspace()


def _can_close(text: str, i: int, width: int = 1) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + width] if i + width < len(text) else " "
    closes = after.isspace() or after in _CLOSE_AFTER or after in _DOUBLE_ANY or after in _SINGLE_ANY
    return not before.isspace() and closes


def _double_marks(text: str, start: int, end: int) -> list[tuple[int, int, bool, bool]]:
    """(position, width, can_open, can_close) of each double quote mark in a paragraph.

    Two apostrophes ('') are a double quote mark, as some newspaper archives write them.
    """
    marks = []
    i = start
    while i < end:
        c = text[i]
        if c == "'" and text[i + 1 : i + 2] == "'":
            marks.append((i, 2, _can_open(text, i, 2), _can_close(text, i, 2) or not _can_open(text, i, 2)))
            i += 2
            continue
        if c in _DOUBLE_OPEN:
            marks.append((i, 1, True, not _can_open(text, i) and _can_close(text, i)))
        elif c in _DOUBLE_CLOSE:
            marks.append((i, 1, not _can_close(text, i) and _can_open(text, i), True))
        elif c in _DOUBLE_ANY:
            marks.append((i, 1, _can_open(text, i), _can_close(text, i) or not _can_open(text, i)))
        i += 1
    return marks


def _pair_double(
    text: str, start: int, end: int
) -> tuple[list[tuple[int, int, int]], tuple[int, int] | None]:
    """(open, open width, close) mark triples in a paragraph, and a trailing unclosed (open, width)."""
    pairs: list[tuple[int, int, int]] = []
    opened: tuple[int, int] | None = None
    for pos, width, can_open, can_close in _double_marks(text, start, end):
        if opened is None:
            if can_open:
                opened = (pos, width)
        elif can_close:
            pairs.append((opened[0], opened[1], pos))
            opened = None
    return pairs, opened


def _is_apostrophe(text: str, i: int) -> bool:
    """An apostrophe inside or at the end of a word (don't, Clintons', '90s), not a quote mark."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return True
    elision = text[i + 1 : i + 3].isdigit() or text[i + 1 : i + 4].lower() in {"em ", "til"}
    return before.isspace() and elision


def _pair_single(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Single-quoted spans outside double quotes (headline style 'X'), apostrophes skipped."""
    pairs: list[tuple[int, int]] = []
    i = start
    inside = lambda p: any(a <= p <= b for a, b in taken)  # noqa: E731 - tiny local predicate
    while i < end:
        c = text[i]
        if c in ("'", "‘") and not inside(i) and not _is_apostrophe(text, i) and _can_open(text, i):
            j = i + 1
            close = None
            while j < end:
                d = text[j]
                if d in ("'", "’") and not _is_apostrophe(text, j) and _can_close(text, j):
                    # "the Clintons' house": a plural possessive followed by a lowercase word is not a close.
                    nxt = text[j + 1 : j + 3]
                    if text[j - 1] == "s" and nxt[:1] == " " and nxt[1:2].islower():
                        j += 1
                        continue
                    close = j
                    break
                j += 1
            if close is not None:
                pairs.append((i, close))
                i = close + 1
                continue
        i += 1
    return pairs


def _content(text: str, a: int, b: int) -> tuple[int, int] | None:
    """Strip whitespace from a content range; None when nothing is left."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if a < b else None


def find_quote_marks(text: str) -> list[_RawQuote]:
    """Every quoted string, with paragraph continuation for quotes left open at a paragraph end."""
    paras = _paragraphs(text)
    raw: list[_RawQuote] = []
    carry: list[tuple[int, int]] = []  # fragments of a quote still open from earlier paragraphs
    carry_open = -1
    for pi, (ps, pe) in enumerate(paras):
        pairs, opened = _pair_double(text, ps, pe)
        if carry:
            first = pairs[0][0] if pairs else opened[0] if opened else None
            if first != ps:
                raw.append(_RawQuote(tuple(carry), carry_open, carry[-1][1], pi - 1))
                carry = []
        for k, (a, width, b) in enumerate(pairs):
            frag = _content(text, a + width, b)
            if frag is None:
                continue
            if carry and k == 0:
                raw.append(_RawQuote((*carry, frag), carry_open, b, pi))
                carry = []
            else:
                raw.append(_RawQuote((frag,), a, b, pi))
        if opened is not None:
            frag = _content(text, opened[0] + opened[1], pe)
            if frag is not None:
                if carry and not pairs:
                    carry.append(frag)
                else:
                    if carry:
                        raw.append(_RawQuote(tuple(carry), carry_open, carry[-1][1], pi - 1))
                    carry, carry_open = [frag], opened[0]
        elif carry and not pairs:
            raw.append(_RawQuote(tuple(carry), carry_open, carry[-1][1], pi - 1))
            carry = []
        taken = [(a, b + 1) for a, _, b in pairs] + ([(opened[0], pe)] if opened is not None else [])
        for a, b in _pair_single(text, ps, pe, taken):
            frag = _content(text, a + 1, b)
            if frag is not None:
                raw.append(_RawQuote((frag,), a, b, pi))
    if carry:
        raw.append(_RawQuote(tuple(carry), carry_open, carry[-1][1], len(paras) - 1))
    raw.sort(key=lambda r: r.open_at)
    return raw


# --------------------------------------------------------------------------- token helpers


def _char_to_token(doc: Doc) -> list[int]:
    """Token index for every character (the preceding token for whitespace)."""
    index = [0] * (len(doc.text) + 1)
    for tok in doc:
        end = tok.idx + len(tok.text_with_ws)
        for c in range(tok.idx, min(end, len(index))):
            index[c] = tok.i
    if len(doc):
        for c in range(doc[-1].idx + len(doc[-1].text_with_ws), len(index)):
            index[c] = len(doc) - 1
    return index


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _is_cue(tok: Token, verbs: frozenset[str] = SPEECH_VERBS) -> bool:
    return tok.lemma_.lower() in verbs and tok.pos_ in ("VERB", "AUX")


def _subject(verb: Token) -> Token | None:
    """The grammatical subject of a cue verb, climbing conjunctions and participles ("..., adding")."""
    cur: Token | None = verb
    for _ in range(3):
        if cur is None:
            return None
        for child in cur.children:
            if child.dep_ == "nsubj":
                return child
            if child.dep_ == "nsubjpass":
                # "... was written by Springsteen": the agent speaks, not the passive subject.
                agent = next((a for a in cur.children if a.dep_ == "agent"), None)
                pobj = next((o for o in agent.children if o.dep_ == "pobj"), None) if agent else None
                return pobj
        if cur.dep_ in ("conj", "advcl", "xcomp", "dep") and cur.head is not cur:
            cur = cur.head
        else:
            return None
    return None


def _mention(tok: Token) -> Span:
    """The noun phrase a speaker token heads, without relative clauses or appositions."""
    doc = tok.doc
    if tok.ent_type_ and tok.ent_iob_:
        ent = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
        if ent is not None:
            start = ent.start
            for left in reversed(list(tok.lefts)):
                if left.i < start and left.dep_ in ("compound", "amod", "det", "poss", "nmod", "case"):
                    start = min(start, left.left_edge.i)
            return doc[start : max(ent.end, tok.i + 1)]
    start = tok.i
    for left in tok.lefts:
        if left.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "quantmod", "case", "npadvmod"):
            start = min(start, left.left_edge.i)
    end = tok.i + 1
    for right in tok.rights:
        if right.dep_ in ("compound", "flat") and right.i == end:
            end = right.i + 1
    while start < tok.i and doc[start].is_punct:
        start += 1
    return doc[start:end]


# --------------------------------------------------------------------------- people in the article


def _norm_word(word: str) -> str:
    w = word.lower().strip(",")
    return _SYNONYMS.get(w, w)


def _title_words(ent: Span) -> frozenset[str]:
    """Words that describe a named person: pre-name titles and appositions."""
    doc = ent.doc
    words: set[str] = set()
    i = ent.start - 1
    while i >= 0 and i >= ent.start - 6:
        t = doc[i]
        if t.pos_ in ("PROPN", "NOUN", "ADJ") or t.text in ("U.S.", "US") or t.tag_ == "NNP":
            if t.ent_type_ == "PERSON":
                break
            words.add(_norm_word(t.lemma_ if t.pos_ == "NOUN" else t.text))
            words.add(_norm_word(t.text))
            i -= 1
            continue
        if t.text == "-" or (t.dep_ == "punct" and t.text in ("-", "–")):
            i -= 1
            continue
        break
    root = ent.root
    appos = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        appos.append(root.head)
    for a in appos:
        for t in a.subtree:
            if t.i >= ent.start and t.i < ent.end:
                continue
            if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.i - a.left_edge.i < 8:
                words.add(_norm_word(t.lemma_ if t.pos_ == "NOUN" else t.text))
                words.add(_norm_word(t.text))
    return frozenset(w for w in words if w)


_NAMEISH = {"PERSON", "ORG", "PRODUCT", "GPE", "NORP", "FAC", "WORK_OF_ART", "LOC", "EVENT"}


def _name_spans(doc: Doc) -> list[tuple[Span, bool]]:
    """Entity spans and untagged proper-noun runs, with whether NER called them PERSON."""
    out: list[tuple[Span, bool]] = []
    in_ent = [False] * len(doc)
    for ent in doc.ents:
        for i in range(ent.start, ent.end):
            in_ent[i] = True
        if ent.label_ in _NAMEISH:
            out.append((ent, ent.label_ == "PERSON"))
    i = 0
    while i < len(doc):
        if doc[i].pos_ == "PROPN" and not in_ent[i] and not is_title(doc[i].text):
            j = i
            while j + 1 < len(doc) and doc[j + 1].pos_ == "PROPN" and not in_ent[j + 1]:
                j += 1
            out.append((doc[i : j + 1], False))
            i = j + 1
        else:
            i += 1
    return out


def _people(doc: Doc, quoted: Sequence[bool]) -> list[_Person]:
    """Named people: PERSON entities, plus names that a title introduces or that shorten a PERSON name."""
    spans = []
    for span, is_person in _name_spans(doc):
        toks = [t for t in span if not t.is_punct and t.tag_ != "POS"]
        if not toks:
            continue
        key = name_key(doc[toks[0].i : toks[-1].i + 1].text)
        if key and any(ch.isalpha() for ch in key):
            spans.append((doc[toks[0].i : toks[-1].i + 1], key, is_person))
    person_keys = [k.split() for _, k, p in spans if p]
    people = []
    for span, key, is_person in spans:
        if not is_person:
            titled = span.start > 0 and is_title(doc[span.start - 1].text)
            part = any(k == key.split() or _contains(k, key.split()) for k in person_keys)
            if not (titled or part):
                continue
        root = span.root
        subject = root.dep_ in ("nsubj", "nsubjpass") or (
            root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass")
        )
        prev = doc[span.start - 1].text.lower() if span.start else ""
        gender = "f" if prev in _FEMALE_TITLES else "m" if prev in _MALE_TITLES else None
        people.append(
            _Person(
                start=span.start_char,
                end=span.end_char,
                first=span.start,
                tok=span.end - 1,
                key=key,
                titles=_title_words(span),
                subject=subject,
                in_quote=quoted[span.start],
                gender=gender,
            )
        )
    people.sort(key=lambda p: p.start)
    return people


class _Resolver:
    """Speaker resolution against the people the article names."""

    def __init__(self, doc: Doc, quoted: Sequence[bool]) -> None:
        self.doc = doc
        self.people = _people(doc, quoted)
        self.at_token = {i: p for p in self.people for i in range(p.first, p.tok + 1)}
        forms = [doc.text[p.start : p.end] for p in self.people]
        mapping = canonicalize(forms)
        self.display = {p.key: mapping[f] for p, f in zip(self.people, forms, strict=True)}
        self.gender: dict[str, str] = {}
        for p in self.people:
            if p.gender:
                self.gender.setdefault(self.display[p.key], p.gender)

    def _antecedent(self, display: str, before: int) -> _Person | None:
        """The mention that gives a person's fullest name: the nearest full mention before, else the first after."""
        full = name_key(display)
        same = [p for p in self.people if self.display.get(p.key) == display]
        best = [p for p in same if p.key == full] or same
        preceding = [p for p in best if p.start < before]
        if preceding:
            return max(preceding, key=lambda p: p.start)
        return min(best, key=lambda p: p.start) if best else None

    def _knows(self, key: str) -> bool:
        """A name form of someone the article names."""
        short = key.split()
        return bool(short) and any(p.key == key or _contains(p.key.split(), short) for p in self.people)

    def _named(self, key: str, text: str, before: int) -> tuple[str, _Person | None]:
        """Fullest form of a name; an ambiguous short form takes the nearest preceding full name."""
        display = self.display.get(key)
        short = key.split()
        owners = [p for p in self.people if _contains(p.key.split(), short)]
        if display is None or (name_key(display) == key and len({self.display[p.key] for p in owners}) > 1):
            if not owners:
                return canonical_name(text), None
            preceding = [p for p in owners if p.start < before]
            pick = max(preceding, key=lambda p: p.start) if preceding else min(owners, key=lambda p: p.start)
            display = self.display[pick.key]
        return display, self._antecedent(display, before)

    def resolve(self, tok: Token) -> _Resolution:
        doc = self.doc
        mention = _mention(tok)
        span = (mention.start_char, mention.end_char)
        low = tok.lower_
        if low in ("who", "that") and tok.head.dep_ == "relcl" and tok.head.head is not tok:
            # "Clinton, who said ...": the relative pronoun stands for the noun it modifies.
            res = self.resolve(tok.head.head)
            return _Resolution(res.speaker, span, res.antecedent_span or res.speaker_span, res.reason)
        named_appos = next(
            (c for c in tok.children if c.dep_ == "appos" and (c.i in self.at_token or c.pos_ == "PROPN")),
            None,
        )
        if named_appos is not None and tok.pos_ == "NOUN":
            # "The state's campaign chairman, Phil Lovas, said": the apposition names the speaker.
            res = self.resolve(named_appos)
            ante = res.antecedent_span or res.speaker_span
            return _Resolution(res.speaker, span, ante, res.reason)
        if tok.pos_ == "PRON" or low in _PERSON_PRONOUNS or low in _OTHER_PRONOUNS:
            if low not in _PERSON_PRONOUNS:
                return _Resolution(None, span, None, f"unresolved_speaker: pronoun {tok.text!r} not resolved")
            return self._pronoun(tok, _PERSON_PRONOUNS[low], span)
        person = self.at_token.get(tok.i)
        ent = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
        tok_is_name = tok.pos_ == "PROPN"
        if person is None and tok.text[:1].isupper() and self._knows(name_key(mention.text)):
            ent, tok_is_name = None, True  # a known person's name the tagger or NER got wrong
        if person is not None or (ent is None and tok_is_name):
            if person is not None:
                key, text = person.key, doc.text[person.start : person.end]
            else:
                text = mention.text
                key = name_key(text)
            display, ante = self._named(key, text, mention.start_char)
            ante_span = (ante.start, ante.end) if ante is not None else None
            if key == name_key(display) or (ante_span is not None and span[0] <= ante_span[0] < span[1]):
                ante_span = None  # the mention itself carries the full name
            return _Resolution(display, span, ante_span, None)
        if ent is not None and ent.label_ in _NAMEISH:
            name = ent.text
            if name.lower().startswith("the "):
                name = name[4:]
            return _Resolution(canonical_name(name), span, None, None)
        if tok.pos_ == "NOUN" and not tok.tag_.endswith("S"):
            res = self._description(tok, mention, span)
            if res.speaker is None and tok.lemma_.lower() in _SOURCE_NOUNS:
                named = _named_source(mention, tok)
                if named is not None:
                    return _Resolution(named, span, None, None)
            return res
        return _Resolution(None, span, None, f"unresolved_speaker: unnamed source {mention.text!r}")

    def _pronoun(self, tok: Token, gender: str, span: tuple[int, int]) -> _Resolution:
        doc = self.doc
        # Up to six sentences back: subjects first, then any named mention, newest first.
        sents = []
        s = tok.sent
        for _ in range(6):
            sents.append(s)
            if s.start == 0:
                break
            s = doc[s.start - 1].sent
        for sent in sents:
            cands = [
                p
                for p in self.people
                if sent.start <= p.tok < sent.end
                and p.tok < tok.i
                and not p.in_quote
                and self.gender.get(self.display[p.key], gender) == gender
            ]
            if cands:
                best = max(cands, key=lambda p: (p.subject, p.start))
                display, _ = self._named(best.key, doc.text[best.start : best.end], best.start + 1)
                return _Resolution(display, span, (best.start, best.end), None)
        return _Resolution(
            None, span, None, f"unresolved_speaker: pronoun {tok.text!r} with no named antecedent"
        )

    def _description(self, tok: Token, mention: Span, span: tuple[int, int]) -> _Resolution:
        head = _norm_word(tok.lemma_)
        mods = {
            _norm_word(t.text)
            for t in mention
            if t.i != tok.i and t.pos_ in ("ADJ", "PROPN", "NOUN") and t.dep_ in ("amod", "compound", "nmod")
        }
        cands = [p for p in self.people if head in p.titles and p.start < span[0]]
        if not cands:
            return _Resolution(
                None, span, None, f"unresolved_speaker: description {mention.text!r} with no named antecedent"
            )
        best = max(cands, key=lambda p: (len(mods & p.titles), p.start))
        display, _ = self._named(best.key, self.doc.text[best.start : best.end], best.start + 1)
        return _Resolution(display, span, (best.start, best.end), None)


def _named_source(mention: Span, head: Token) -> str | None:
    """A document or body named by a proper-noun modifier ("a Quinnipiac University poll")."""
    mods = [
        t for t in mention if t.i < head.i and (t.pos_ == "PROPN" or t.ent_type_ in ("ORG", "PERSON", "GPE"))
    ]
    if not mods:
        return None
    start = mods[0].i
    return mention.doc[start : head.i + 1].text


def _contains(full: list[str], short: list[str]) -> bool:
    if len(short) >= len(full):
        return False
    it = iter(full)
    return all(t in it for t in short) and (short[-1] == full[-1] or short[0] == full[0])


# --------------------------------------------------------------------------- attribution


@dataclass(frozen=True, slots=True)
class _Cue:
    verb: Token
    speaker: Token | None


def _frame_tokens(
    doc: Doc, start_tok: int, step: int, quoted: Sequence[bool], para: tuple[int, int]
) -> list[Token]:
    """Tokens outside quotes walking from a quote mark until a sentence end, another quote or the paragraph edge."""
    out: list[Token] = []
    i = start_tok
    while 0 <= i < len(doc) and len(out) < _MAX_FRAME:
        t = doc[i]
        if t.idx < para[0] or t.idx >= para[1] or quoted[i]:
            break
        if step > 0 and t.text in _SENT_END:
            break
        if step < 0 and t.text in _SENT_END:
            break
        if not t.is_space:
            out.append(t)
        i += step
    return out


def _speaker_near(verb: Token, frame: Sequence[Token]) -> Token | None:
    """Subject of the cue, or the nominal next to it in the frame (parsers miss inverted cues)."""
    subj = _subject(verb)
    if subj is not None and subj in frame:
        return subj
    ids = {t.i for t in frame}

    def nominal(t: Token) -> bool:
        return t.pos_ in ("PROPN", "PRON", "NOUN") and t.ent_type_ not in ("DATE", "TIME", "CARDINAL")

    for t in frame:
        if t.dep_ in ("nsubj", "nsubjpass") and t.head.i == verb.i:
            return t
    after = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if after is not None and after.i in ids and nominal(after):
        # "..., said Trump": the phrase head, following compounds.
        while after.dep_ in ("compound", "flat") and after.head.i in ids:
            after = after.head
        return after
    # '"...," Flynn, a surrogate, said': the first nominal of the frame before the cue.
    before = [t for t in frame if t.i < verb.i and nominal(t)]
    if before:
        t = before[0]
        while t.dep_ in ("compound", "flat") and t.head.i in ids and t.head.i < verb.i:
            t = t.head
        return t
    return subj


def _cue_after(
    doc: Doc, raw: _RawQuote, ctok: list[int], quoted: Sequence[bool], para: tuple[int, int]
) -> tuple[_Cue, list[Token]] | None:
    close_tok = ctok[raw.close_at]
    frame = _frame_tokens(doc, close_tok + 1, 1, quoted, para)
    for t in frame[:8]:
        if _is_cue(t):
            return _Cue(t, _speaker_near(t, frame)), frame
    return None


def _cue_before(
    doc: Doc, raw: _RawQuote, ctok: list[int], quoted: Sequence[bool], para: tuple[int, int]
) -> tuple[_Cue, list[Token]] | None:
    open_tok = ctok[raw.open_at]
    frame = _frame_tokens(doc, open_tok - 1, -1, quoted, para)
    frame.reverse()
    for t in reversed(frame):
        if _is_cue(t):
            between = [x for x in frame if x.i > t.i and not x.is_punct]
            # Only the cue's own complements may stand between it and the quote ("told reporters on
            # Monday:"); a verb or a subject there means the quote sits inside a reported clause.
            if len(between) > 6 or any(
                x.pos_ in ("VERB", "AUX") or x.dep_ in ("nsubj", "nsubjpass", "attr", "acomp")
                for x in between
            ):
                return None
            return _Cue(t, _speaker_near(t, frame)), frame
    return None


def _cue_syntax(doc: Doc, raw: _RawQuote, ctok: list[int], quoted: Sequence[bool]) -> _Cue | None:
    """A cue verb that governs the quote ("Trump called the plan "a disaster for everyone"")."""
    a, b = ctok[raw.fragments[0][0]], ctok[raw.fragments[-1][1] - 1]
    for t in doc[a : b + 1]:
        head = t
        for _ in range(4):
            if head.head is head:
                break
            head = head.head
            if not quoted[head.i]:
                if _is_cue(head, REPORT_VERBS):
                    return _Cue(head, _subject(head))
                if head.pos_ in ("VERB", "AUX"):
                    break
    return None


def _sentence_span(doc: Doc, start: int, end: int, ctok: list[int]) -> tuple[int, int]:
    first = doc[ctok[start]].sent
    last = doc[ctok[max(start, end - 1)]].sent
    return (first.start_char, last.end_char)


def _quote_text(text: str, fragments: Iterable[tuple[int, int]]) -> str:
    parts = []
    for a, b in fragments:
        piece = " ".join(text[a:b].split()).rstrip(",")
        if piece:
            parts.append(piece)
    return " ".join(parts)


_MARKS = "\"“”'‘’"


def _cue_span(verb: Token | None) -> tuple[int, int] | None:
    """The cue's characters, without a quote mark the tokenizer glued to it ("”―")."""
    if verb is None:
        return None
    lead = len(verb.text) - len(verb.text.lstrip(_MARKS))
    return (verb.idx + lead, verb.idx + len(verb.text))


def _resolved_quote(
    doc: Doc,
    resolver: _Resolver,
    fragments: tuple[tuple[int, int], ...],
    direct: bool,
    cue: _Cue | None,
    ctok: list[int],
    cue_text: str | None = None,
) -> Quote:
    text = doc.text
    start, end = fragments[0][0], fragments[-1][1]
    if cue is None:
        res = _Resolution(None, None, None, "unresolved_speaker: no attribution cue")
    elif cue.speaker is None:
        res = _Resolution(None, None, None, f"unresolved_speaker: cue {cue.verb.text!r} has no subject")
    else:
        res = resolver.resolve(cue.speaker)
    verb = cue.verb if cue is not None else None
    return Quote(
        start=start,
        end=end,
        text=_quote_text(text, fragments),
        direct=direct,
        speaker=res.speaker,
        speaker_span=res.speaker_span,
        antecedent_span=res.antecedent_span,
        cue=cue_text or (verb.text.lstrip(_MARKS) if verb is not None else None),
        cue_span=_cue_span(verb),
        reason=res.reason,
        sentence=_sentence_span(doc, start, end, ctok),
        fragments=fragments,
    )


_DASHES = {"―", "—", "–", "--"}


def _cue_dash(
    doc: Doc, raw: _RawQuote, ctok: list[int], quoted: Sequence[bool], para: tuple[int, int]
) -> _Cue | None:
    """A dash and a name closing the quote ("..." ― Jane Doe), as reader-comment roundups write them."""
    text = doc.text
    pos = raw.close_at + 1
    while pos < para[1] and text[pos].isspace():
        pos += 1
    if pos >= para[1] or text[pos] not in "―—–":
        return None
    dash = ctok[pos]
    names = []
    for t in doc[dash + 1 :]:
        if t.idx >= para[1] or t.text in _SENT_END or "\n" in t.text:
            break
        if not t.is_space:
            names.append(t)
    words = [t for t in names if not t.is_punct]
    if not words or len(words) > 5 or not all(t.text[:1].isupper() for t in words):
        return None
    return _Cue(doc[dash], words[-1])


_LABEL = re.compile(r"([A-Z][A-Z.'’\- ]{1,30}[A-Z.]):\s")


def _transcript_quote(doc: Doc, resolver: _Resolver, start: int, end: int, ctok: list[int]) -> Quote | None:
    """A transcript turn ("WALLACE: Let's start ..."): the capitalized label names the speaker."""
    text = doc.text
    m = _LABEL.match(text, start)
    if m is None or m.end() >= end:
        return None
    content = _content(text, m.end(), end)
    if content is None or _words(text[content[0] : content[1]]) < 2:
        return None
    label = m.group(1)
    display, ante = resolver._named(name_key(label), label, start)
    if display == canonical_name(label) and label.isupper():
        display = label.title()
    colon = m.end(1)
    return Quote(
        start=content[0],
        end=content[1],
        text=_quote_text(text, (content,)),
        direct=True,
        speaker=display,
        speaker_span=(m.start(1), m.end(1)),
        antecedent_span=(ante.start, ante.end) if ante is not None and ante.start != m.start(1) else None,
        cue=":",
        cue_span=(colon, colon + 1),
        sentence=_sentence_span(doc, content[0], content[1], ctok),
        fragments=(content,),
    )


def _find_cue(
    doc: Doc, raw: _RawQuote, ctok: list[int], quoted: Sequence[bool], paras: Sequence[tuple[int, int]]
) -> _Cue | None:
    """The cue right next to a quote: after it for `"X," he said`, before it for `He said: "X"`."""
    text = doc.text
    para = paras[raw.para] if raw.para < len(paras) else (0, len(text))
    open_para = next((p for p in paras if p[0] <= raw.open_at < p[1]), para)
    content = _quote_text(text, raw.fragments)
    ends_open = (
        content.rstrip()[-1:] in (",", "—", "-", "–")
        or text[raw.close_at + 1 : raw.close_at + 3].lstrip()[:1] == ","
    )
    after = _cue_after(doc, raw, ctok, quoted, para)
    before = _cue_before(doc, raw, ctok, quoted, open_para)
    found = (after or before) if ends_open else (before or after)
    if found is not None:
        return found[0]
    return _cue_dash(doc, raw, ctok, quoted, para)


def _title_like(doc: Doc, fragments: Sequence[tuple[int, int]], ctok: list[int]) -> bool:
    """Quoted titles of works and slogans: every content word capitalized, and short."""
    toks = [t for a, b in fragments for t in doc[ctok[a] : ctok[b - 1] + 1] if t.is_alpha and not t.is_stop]
    return 0 < len(toks) <= 8 and all(t.text[:1].isupper() for t in toks)


def _continues(doc: Doc, ctok: list[int], prev_close: int, nxt: _RawQuote, cue: _Cue) -> bool:
    """The next quote of a paragraph carries on the same statement: only the cue frame lies between."""
    between = doc.text[prev_close + 1 : nxt.open_at]
    if not _words(between):
        return True
    toks = doc[ctok[prev_close] + 1 : ctok[nxt.open_at]]
    if sum(t.text in _SENT_END for t in toks) > 1 or _words(between) > 40:
        return False
    return prev_close < cue.verb.idx < nxt.open_at


def _direct_quotes(
    doc: Doc, resolver: _Resolver, raws: list[_RawQuote], ctok: list[int], quoted: Sequence[bool]
) -> list[tuple[Quote, bool]]:
    """Direct quotes, each with whether its cue stands right next to it (a "strong" attribution)."""
    text = doc.text
    paras = _paragraphs(text)
    cues = [_find_cue(doc, raw, ctok, quoted, paras) for raw in raws]
    out: list[tuple[Quote, bool]] = []
    used: set[int] = set()
    prev: tuple[_Cue, int] | None = None  # the last cue and its paragraph
    for qi, raw in enumerate(raws):
        if qi in used:
            continue
        first = raw.fragments[0]
        turn = _transcript_quote(doc, resolver, first[0], first[1], ctok)
        if turn is not None:
            fragments = ((turn.start, turn.end), *raw.fragments[1:])
            turn = replace(turn, end=fragments[-1][1], fragments=fragments, text=_quote_text(text, fragments))
            out.append((turn, True))
            continue
        cue = cues[qi]
        strong = cue is not None
        fragments = raw.fragments
        n_words = _words(_quote_text(text, fragments))
        if n_words <= 5 and _title_like(doc, fragments, ctok):
            continue  # a quoted title ("American Skin"), whatever verb follows it
        if cue is not None:
            # Split quotes: "X," he said, "Y." / "X," he said. "Y." -- later pieces without a cue of their own.
            last = raw
            for j in range(qi + 1, len(raws)):
                nxt = raws[j]
                if nxt.para != raw.para or nxt.open_at <= last.close_at:
                    break
                own = cues[j]
                if own is not None and own.verb.i != cue.verb.i:
                    break
                if not _continues(doc, ctok, last.close_at, nxt, cue):
                    break
                fragments = fragments + nxt.fragments
                used.add(j)
                last = nxt
        if cue is None and n_words >= _MIN_QUOTE_WORDS and not _title_like(doc, fragments, ctok):
            cue = _cue_syntax(doc, raw, ctok, quoted)
        elif cue is None and _title_like(doc, fragments, ctok):
            continue  # a quoted title ("Suffering and Delight"), not speech
        if cue is None and n_words < _MIN_QUOTE_WORDS:
            continue  # scare quotes: a few quoted words with no cue next to them
        para = paras[raw.para] if raw.para < len(paras) else (0, len(text))
        if (
            cue is None
            and prev is not None
            and raw.para - prev[1] <= 1
            and _frame_words(text, para, raws) == 0
        ):
            # A paragraph that is all quote, right after an attributed one, continues that speaker.
            quote = _resolved_quote(doc, resolver, fragments, True, prev[0], ctok)
            out.append((_with_reason(quote, "speaker_from_previous_quote"), True))
            prev = (prev[0], raw.para)
            continue
        out.append((_resolved_quote(doc, resolver, fragments, True, cue, ctok), strong))
        if cue is not None:
            prev = (cue, raw.para)
    return out


def _with_reason(quote: Quote, reason: str) -> Quote:
    return replace(quote, reason=reason, cue=None, cue_span=None)


def _frame_words(text: str, para: tuple[int, int], raws: Sequence[_RawQuote]) -> int:
    """Words in a paragraph outside its quote marks."""
    chars = list(text[para[0] : para[1]])
    for r in raws:
        a, b = max(r.open_at, para[0]), min(r.close_at + 1, para[1])
        for i in range(a, b):
            chars[i - para[0]] = " "
    return _words("".join(chars))


def _runs(toks: Sequence[Token]) -> tuple[tuple[int, int], ...]:
    """Character fragments of a token set: one per contiguous run, edge punctuation trimmed."""
    runs: list[list[Token]] = []
    for t in sorted(toks, key=lambda t: t.i):
        if runs and t.i == runs[-1][-1].i + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    out = []
    for run in runs:
        while run and ((run[0].is_punct and not run[0].is_quote) or run[0].is_space):
            run = run[1:]
        while run and ((run[-1].is_punct and not run[-1].is_quote) or run[-1].is_space):
            run = run[:-1]
        if run:
            out.append((run[0].idx, run[-1].idx + len(run[-1].text)))
    return tuple(out)


def _reported_tokens(tok: Token) -> list[Token] | None:
    """The reported clause of a speech verb: its clausal complement, or the clause it interrupts."""
    comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
    if comp is not None:
        return list(comp.subtree)
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
    if (
        has_subject
        and tok.dep_ in ("parataxis", "advcl", "ccomp")
        and tok.head.pos_ in ("VERB", "AUX")
    ):
        # "Prices will rise, he said." / "Prices, he said, will rise."
        own = {t.i for t in tok.subtree}
        sent = tok.sent
        return [t for t in tok.head.subtree if t.i not in own and sent.start <= t.i < sent.end]
    return None


def _indirect_quotes(doc: Doc, resolver: _Resolver, ctok: list[int], quoted: Sequence[bool]) -> list[Quote]:
    out: list[Quote] = []
    for tok in doc:
        if quoted[tok.i]:
            continue
        if tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children):
            q = _according(doc, resolver, tok, ctok, quoted)
            if q is not None:
                out.append(q)
            continue
        if not _is_cue(tok, REPORT_VERBS):
            continue
        toks = _reported_tokens(tok)
        if not toks:
            continue
        words = [t for t in toks if not t.is_punct and not t.is_space]
        if len(words) < 3 or sum(quoted[t.i] for t in words) > 0.8 * len(words):
            continue
        fragments = _runs(toks)
        if not fragments:
            continue
        cue = _Cue(tok, _subject(tok))
        quote = _resolved_quote(doc, resolver, fragments, False, cue, ctok)
        # The span keeps the complementizer ("that ..."), as annotated corpora do; the text drops it.
        first = doc[ctok[fragments[0][0]]]
        if first.dep_ == "mark" and first.lower_ in ("that", "whether", "if"):
            rest = _quote_text(doc.text, ((first.idx + len(first.text), fragments[0][1]), *fragments[1:]))
            quote = replace(quote, text=rest.strip())
        out.append(quote)
    return out


def _according(
    doc: Doc, resolver: _Resolver, tok: Token, ctok: list[int], quoted: Sequence[bool]
) -> Quote | None:
    """ "X happened, according to Y": content is the sentence without the attribution phrase."""
    to = next(c for c in tok.children if c.lower_ == "to")
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    sent = tok.sent
    phrase = set(range(tok.i, max(t.i for t in tok.subtree) + 1))
    toks = [t for t in sent if t.i not in phrase and not t.is_space]
    while toks and (toks[0].is_punct and toks[0].text not in ('"', "“")):
        toks = toks[1:]
    while toks and toks[-1].is_punct and toks[-1].text not in ('"', "”"):
        toks = toks[:-1]
    if len(toks) < 3:
        return None
    # Content is what lies on one side of the phrase (the larger side).
    left = [t for t in toks if t.i < tok.i]
    right = [t for t in toks if t.i > tok.i]
    side = left if len(left) >= len(right) else right
    while side and side[-1].is_punct:
        side = side[:-1]
    while side and side[0].is_punct:
        side = side[1:]
    if len(side) < 3:
        return None
    a, b = side[0].idx, side[-1].idx + len(side[-1].text)
    cue = _Cue(tok, pobj)
    quote = _resolved_quote(doc, resolver, ((a, b),), False, cue, ctok, cue_text="according to")
    return replace(quote, cue_span=(tok.idx, to.idx + len(to.text)))


def _inside(inner: Quote, outer: Quote, share: float) -> bool:
    """At least `share` of `inner`'s span lies within `outer`'s span (and `outer` is the larger)."""
    overlap = min(inner.end, outer.end) - max(inner.start, outer.start)
    size = inner.end - inner.start
    return overlap > 0 and overlap >= share * size and (outer.end - outer.start) > size


def extract_quotes(doc: Doc) -> tuple[Quote, ...]:
    """Direct and indirect quotes of an article, in text order, with resolved speakers."""
    text = doc.text
    if not text.strip() or not len(doc):
        return ()
    raws = find_quote_marks(text)
    ctok = _char_to_token(doc)
    quoted = [False] * len(doc)
    for raw in raws:
        for a, b in raw.fragments:
            for i in range(ctok[a], ctok[max(a, b - 1)] + 1):
                quoted[i] = True
        quoted[ctok[raw.open_at]] = True
        if raw.close_at < len(text) and text[raw.close_at] in _DOUBLE_ANY | _SINGLE_ANY:
            quoted[ctok[raw.close_at]] = True
    resolver = _Resolver(doc, quoted)
    direct = _direct_quotes(doc, resolver, raws, ctok, quoted)
    for start, end in _paragraphs(text):
        if not quoted[ctok[start]]:
            turn = _transcript_quote(doc, resolver, start, end, ctok)
            if turn is not None:
                direct.append((turn, True))
    indirect = _indirect_quotes(doc, resolver, ctok, quoted)
    # A clause that holds a quote attributed right next to it is that quote, not a second statement.
    strong = [q for q, is_strong in direct if is_strong]
    indirect = [i for i in indirect if not any(_inside(q, i, 0.5) for q in strong)]
    # A weakly attributed quote inside a reported clause is part of that statement
    # ("Trump said the deal was "a disaster for everyone"").
    kept_direct = [q for q, is_strong in direct if is_strong or not any(_inside(q, i, 1.0) for i in indirect)]
    return tuple(sorted([*kept_direct, *indirect], key=lambda q: (q.start, q.end)))
