"""Quotes and reported speech with resolved speakers.

Direct quotes are found from the quote marks (straight, curly, single and
doubled-apostrophe quotes; apostrophes excluded), so multi-sentence and
multi-paragraph quotes survive a parser that splits them. The attribution (cue
and speaker) is read from the spaCy parse around the marks: a cue after the
quote (`"X," he said`), before it (`He said: "X"`), a colon-introduced
statement, a dash signature (`"X" ― Jane Doe`) or a transcript label
(`WALLACE: ...`). `"X," he said, "Y."` becomes one quote with two content
`fragments` (the span covers X to Y, the gap holds the cue). Indirect speech
comes from speech and belief verbs with a clausal complement, promises and
appeals with an infinitive ("vowed to ..."), and "according to X"; its span
keeps the complementizer ("that ...") as annotated corpora do, its text drops it.
Beyond those rules, a logistic-regression reading model trained on PolNeAR train
(data/quote_readings.json: weights of lemma, relation and shape features, no text)
scores each other reading of a verb, noun or predicative adjective as a cue ("called
for X", "accused X of Y", "his claim that X", "is critical of X"); a reading counts when
the model gives it probability 0.4 or when it was right at least 45% of the times train
had it (data/quote_cues.json, counts only), and the widest reading that counts is kept. A short
quote inside its own cue's reported clause ('said the toll was "fair"') is part of
that statement, not a quote of its own.

Speakers are resolved, never guessed: a name is expanded to the fullest form of
that person in the article; "he"/"she" goes to the nearest preceding named
person (subjects first; gender from titles, common first names or the article's
own pronouns); a description ("the US president", "the spokesperson") goes to
the nearest preceding person whose title or apposition has that role and no
conflicting modifier. Anything else stays `None` with an `unresolved_speaker:`
reason. Two conventions infer a speaker and say so in `reason`: a cue-less
paragraph of quote right after an attributed one (`speaker_from_previous_quote`)
and a quote led in by a sentence with a named subject (`speaker_from_lead_in`).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
from spacy.attrs import IDX, POS
from spacy.symbols import PROPN
from spacy.tokens import Span

from ..records import Quote
from .doctext import doc_text
from .paragraphs import PieceMemo, doc_pieces
from .speakers import canonical_name, canonicalize, is_title, name_key

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Verbs that introduce a direct quote ("...," he said) and reported speech (he said that ...).
_SPEECH_TEXT = """
say tell add state claim announce explain note argue insist write report warn ask reply respond declare
confirm deny suggest acknowledge admit accuse tweet post predict promise vow pledge urge continue recall
complain testify conclude contend assert maintain reveal emphasize emphasise stress remark observe comment
joke quip concede boast allege estimate indicate caution counter retort reiterate repeat mention describe
shout scream yell whisper muse wonder recount proclaim affirm agree disagree charge demand exclaim hint
plead protest question read speak lament brag concur threaten echo answer interject fume retaliate crack
snap scoff rail gush chime sigh laugh mutter grumble marvel chant sing cry thunder chide scold tease implore
beg cheer recommend bark beam boom growl snarl gasp holler bellow roar assure opine exhort react
"""
_BELIEF_TEXT = """believe think show find fear hope hop know expect feel learn suspect worry understand point
agree realize recognize assume discover disclose wish"""
SPEECH_VERBS = frozenset(_SPEECH_TEXT.split())
# Verbs whose clausal complement is reported content (beliefs and findings count, demands do not).
# Speech acts whose content is an infinitive ("vowed to ...", "urged X to ...").
_XCOMP_TEXT = "vow pledge promise urge warn ask tell threaten call plead demand"
_XCOMP_VERBS = frozenset(_XCOMP_TEXT.split())
_NOT_REPORTING = (
    "demand disagree charge question read speak continue post repeat describe plead protest crack snap sigh laugh"
    " chant sing cry cheer answer interject fume retaliate scoff rail gush chime mutter grumble marvel thunder"
    " chide scold tease implore beg recommend bark beam boom growl snarl gasp holler bellow roar exhort react"
)
REPORT_VERBS = (SPEECH_VERBS - frozenset(_NOT_REPORTING.split())) | frozenset(_BELIEF_TEXT.split())
_PERSON_PRONOUNS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
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
    "gop": "republican",
    "democrat": "democratic",
    "u.s": "us",
    "american": "us",
    "america": "us",
    "united": "us",
    "states": "us",
    "presidential": "president",
    # Abbreviated titles before a name ("Gov. Mike Pence") stand for the role a description names.
    **{
        abbr + dot: role
        for abbr, role in (
            ("gov", "governor"),
            ("sen", "senator"),
            ("rep", "congressman"),
            ("gen", "general"),
            ("adm", "admiral"),
            ("col", "colonel"),
            ("capt", "captain"),
            ("lt", "lieutenant"),
            ("sgt", "sergeant"),
            ("atty", "attorney"),
            ("supt", "superintendent"),
            ("det", "detective"),
            ("prof", "professor"),
            ("amb", "ambassador"),
            ("cmdr", "commander"),
        )
        for dot in ("", ".")
    },
    "representative": "congressman",
}
# Non-person sources that a proper-noun modifier names ("the Clinton campaign", "a CNN poll").
_SOURCE_TEXT = """
poll survey study report campaign ad advertisement commercial spot complaint lawsuit statement
release memo letter email transcript analysis document filing website editorial newspaper network
post tweet blog column essay message video magazine
committee department agency office administration team government ministry council board court
commission foundation association institute institution chamber union federation cooperative company
firm bank authority service police organization organisation society club party coalition alliance
"""
_SOURCE_NOUNS = frozenset(_SOURCE_TEXT.split())
_DOUBLE_OPEN = {"“", "„", "«"}
_DOUBLE_CLOSE = {"”", "»"}
_DOUBLE_ANY = {'"', "“", "”", "„", "«", "»"}
_SINGLE_ANY = {"'", "‘", "’"}
_OPEN_BEFORE = set(" \t\n([{—–―-/:")  # what may precede an opening mark
_CLOSE_AFTER = set(" \t\n)]}—–―-,.;:!?/")  # what may follow a closing mark
_SENT_END = {".", "!", "?"}
_LISTENER_VERBS = frozenset({"tell", "ask", "inform", "urge", "warn", "remind", "assure", "promise"})
_MAX_FRAME = 30  # tokens of attribution frame between a quote and its cue
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
    roles: frozenset[str]  # role nouns a description can match ("president", "spokesperson")
    titles: frozenset[str]  # every normalized title/apposition word ("president", "spokesperson", "us")
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
    depth = 0  # curly quotes nested in a curly quote ("... what he calls “hell” ...")
    for pos, width, can_open, can_close in _double_marks(text, start, end):
        straight_open = opened is not None and text[opened[0]] in "\"'"
        if opened is None:
            if can_open:
                opened = (pos, width)
        elif text[pos] == "“" and (straight_open or text[opened[0]] == "“") and can_open and not can_close:
            depth += 1  # a quote inside the quote ("... what he calls “hell” ...")
        elif can_close and depth and text[pos] in '”"':
            depth -= 1
        elif can_close:
            pairs.append((opened[0], opened[1], pos))
            opened = None
            depth = 0
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
    """Token index for every character (the preceding token for whitespace), and one past the end.

    A doc's tokens with their trailing whitespace tile its text, so each token owns the characters
    from its start to the next token's start (numpy: a per-character Python loop cost 2 ms an article).
    """
    if not len(doc):
        return [0]
    starts = doc.to_array(IDX).astype(np.int64)
    end = int(starts[-1]) + len(doc[-1].text_with_ws)
    owned = np.diff(np.append(starts, end))
    return [*np.repeat(np.arange(len(doc)), owned).tolist(), len(doc) - 1]


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _is_cue(tok: Token, verbs: frozenset[str] = SPEECH_VERBS) -> bool:
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    lemma = tok.lemma_.lower()
    if lemma in verbs:
        return True
    if lemma == "go":
        return any(c.dep_ == "prt" and c.lower_ == "on" for c in tok.children)  # "he went on"
    if lemma in ("shoot", "fire", "hit", "push", "write") and verbs is SPEECH_VERBS:
        return any(
            c.dep_ in ("prt", "advmod") and c.lower_ == "back" for c in tok.children
        )  # '"...," she shot back'
    if lemma == "put" and verbs is SPEECH_VERBS:
        return any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children)  # '"...," as she put it'
    return False


def _subject(verb: Token) -> Token | None:
    """The grammatical subject of a cue verb, climbing conjunctions and participles ("..., adding");
    for a cue noun, its owner ("Trump's claim that ...") or agent ("a decision by the court")."""
    if verb.pos_ == "ADJ":
        # "Ruiz is critical of ...": the subject of the copula the adjective completes.
        return _subject(verb.head) if verb.dep_ == "acomp" and verb.head is not verb else None
    if verb.pos_ == "NOUN":
        for child in verb.children:
            if child.dep_ == "poss":
                return child
            if child.dep_ == "prep" and child.lower_ in ("by", "from") and child.i < verb.i + 3:
                return next((o for o in child.children if o.dep_ == "pobj"), None)
        if verb.dep_ == "dobj" and verb.head.pos_ in ("VERB", "AUX"):
            return _subject(verb.head)  # "Ruiz voiced doubts about ...": who holds the doubts
        prep = verb.head
        if verb.dep_ == "pobj" and prep.lower_ in ("in", "with") and prep.head.pos_ in ("VERB", "AUX"):
            return _subject(prep.head)  # "Ruiz persisted in arguments that ...", "closed with a warning"
        return None
    if verb.tag_ == "VBG" and verb.dep_ == "acl" and verb.head.pos_ in ("PROPN", "NOUN"):
        # "a statement saying that ...", "a man shouting ...": the noun it modifies.
        return verb.head
    prev = verb.doc[verb.i - 1] if verb.i else None
    if (
        verb.tag_ == "VBG"
        and prev is not None
        and prev.pos_ == "PROPN"
        and prev.dep_ == "pobj"
        and prev.head.lower_ == "of"
    ):
        return prev  # "footage of Hillary Clinton asking, '...'": the parser hangs the gerund elsewhere
    cur: Token | None = verb
    prev_dep = ""
    for _ in range(3):
        if cur is None:
            return None
        subjects = [c for c in cur.children if c.dep_ == "nsubj"]
        if subjects:
            # "The Latest: Trump urges ...": of two subjects the one next to the verb speaks.
            best = max((c for c in subjects if c.i < cur.i), key=lambda c: c.i, default=subjects[0])
            if _across_lines(best, cur):
                # "The Latest on the race: / 7 p.m. / Donald Trump is questioning ...": the parser ran
                # a heading into the sentence; the name in apposition on the verb's own line speaks.
                return next(
                    (c for c in best.children if c.dep_ == "appos" and not _across_lines(c, cur)), best
                )
            return best
        for child in cur.children:
            if child.dep_ == "nsubjpass":
                if cur is not verb and prev_dep == "conj":
                    # "Silverman was joined on stage by Franken and joked": the conjuncts share the subject.
                    return child
                # "... was written by Springsteen": the agent speaks, not the passive subject.
                agent = next((a for a in cur.children if a.dep_ == "agent"), None)
                pobj = next((o for o in agent.children if o.dep_ == "pobj"), None) if agent else None
                return pobj
        misparsed = next(
            (
                c
                for c in cur.children
                if c.dep_ in ("advmod", "npadvmod", "dep") and c.pos_ == "PROPN" and c.i < cur.i
            ),
            None,
        )
        if misparsed is not None:
            return misparsed  # "Osterby, speaking at ..., promised": the parser made the name an adverb
        if cur.dep_ in ("conj", "advcl", "xcomp", "dep") and cur.head is not cur:
            prev_dep = cur.dep_
            cur = cur.head
        elif cur.dep_ == "pcomp" and cur.head.head is not cur.head:
            cur = cur.head.head  # "pitched himself ... by telling them": the subject of the main verb
        elif cur.tag_ == "VBG" and cur.dep_ == "ROOT" and cur.sent.start > 0:
            # 'Adding, "..."' opens a sentence: the previous sentence's subject goes on speaking.
            prev = cur.doc[cur.sent.start - 1].sent.root
            return next((c for c in prev.children if c.dep_ == "nsubj"), None)
        else:
            return None
    return None


def _entity(tok: Token) -> Span | None:
    """The named entity holding a token, from its IOB tags (`doc.ents` rebuilds every entity per call)."""
    if not tok.ent_type_:
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=tok.ent_type_)


def _mention(tok: Token) -> Span:
    """The noun phrase a speaker token heads, without relative clauses or appositions."""
    doc = tok.doc
    if tok.ent_type_ and tok.ent_iob_:
        ent = _entity(tok)
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
    while start < tok.i and (
        doc[start].is_punct or (doc[start].lower_ in _INVERTED_VERBS and doc[start].pos_ == "VERB")
    ):
        start += 1  # "Continued Stone:": the inverted cue is not part of the name
    return doc[start:end]


# --------------------------------------------------------------------------- people in the article


def _norm_word(word: str) -> str:
    w = word.lower().strip(",")
    return _SYNONYMS.get(w, w)


def _title_words(ent: Span) -> tuple[frozenset[str], frozenset[str]]:
    """What the article calls a named person: role nouns ("president", "spokesperson") and all title words.

    Roles are the title noun right before the name and the head of an apposition; a description
    ("the spokesperson") must match a role, and its modifiers ("the US ...") are scored on the words.
    """
    doc = ent.doc
    words: set[str] = set()
    roles: set[str] = set()
    i = ent.start - 1
    while i >= 0 and i >= ent.start - 6:
        t = doc[i]
        if t.pos_ in ("PROPN", "NOUN", "ADJ") or t.text in ("U.S.", "US") or t.tag_ == "NNP":
            if t.ent_type_ == "PERSON" or t.tag_ == "POS":
                break
            word = _norm_word(t.lemma_ if t.pos_ == "NOUN" else t.text)
            if i == ent.start - 1 or (not roles and t.pos_ == "NOUN"):
                roles.add(word)
            words.update((word, _norm_word(t.text)))
            i -= 1
            continue
        if t.text in ("-", "–"):
            i -= 1
            continue
        break
    root = ent.root
    appos = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        appos.append(root.head)
    for a in appos:
        if a.pos_ == "NOUN":
            roles.add(_norm_word(a.lemma_))
        for t in a.subtree:
            if ent.start <= t.i < ent.end:
                continue
            if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.i - a.left_edge.i < 8:
                words.update((_norm_word(t.lemma_ if t.pos_ == "NOUN" else t.text), _norm_word(t.text)))
    return frozenset(r for r in roles if r), frozenset(w for w in words if w)


# Modifier groups where two different values name different people ("the Democratic nominee").
_EXCLUSIVE = (
    frozenset({"democratic", "republican"}),
    frozenset({"us", "korean", "chinese", "japanese", "russian", "british", "french", "german", "mexican"}),
    frozenset({"north", "south"}),
)


def _conflicts(mods: set[str], words: frozenset[str]) -> bool:
    return any((mods & group) and (words & group) and not (mods & words & group) for group in _EXCLUSIVE)


_NAMEISH = {"PERSON", "ORG", "PRODUCT", "GPE", "NORP", "FAC", "WORK_OF_ART", "LOC", "EVENT"}


_PLATFORMS_TEXT = (
    "twitter facebook instagram youtube tiktok reddit snapchat linkedin google whatsapp telegram"
)
_PLATFORMS = frozenset(_PLATFORMS_TEXT.split())


def _name_spans(doc: Doc) -> list[tuple[Span, bool]]:
    """Entity spans and untagged proper-noun runs, with whether they name a person."""
    out: list[tuple[Span, bool]] = []
    in_ent = [False] * len(doc)
    for ent in doc.ents:
        for i in range(ent.start, ent.end):
            in_ent[i] = True
        if ent.label_ in _NAMEISH:
            # NER calls a platform a person now and then ("his Twitter account"): it never speaks as one.
            person = ent.label_ == "PERSON" and ent.text.lower() not in _PLATFORMS
            out.append((ent, person or (ent.label_ == "ORG" and _aged(ent))))
    # Proper nouns outside entities, from the part-of-speech array: a Token for every word cost more
    # than the rest of this function.
    free = [p == PROPN and not e for p, e in zip(doc.to_array(POS).tolist(), in_ent, strict=True)]
    i = 0
    while i < len(doc):
        if free[i] and not is_title(doc[i].text):
            j = i
            while j + 1 < len(doc) and free[j + 1]:
                j += 1
            run = doc[i : j + 1]
            # A name NER missed counts as a person when it speaks ("Wines believes that ...") or is
            # given an age ("Ines Dahl, 61, ...").
            speaks = run.root.dep_ == "nsubj" and _is_cue(run.root.head, REPORT_VERBS)
            out.append((run, speaks or _aged(run)))
            i = j + 1
        else:
            i += 1
    return out


def _aged(span: Span) -> bool:
    """A name with an age in apposition ("Maja Torvik, 58, ..."): only people are given one."""
    doc = span.doc
    if span.end + 2 >= len(doc) or len(span) < 2:
        return False
    comma, age, close = doc[span.end], doc[span.end + 1], doc[span.end + 2]
    return comma.text == "," and close.text == "," and age.text.isdigit() and 1 <= int(age.text) <= 120


_HEADLINE_VERBS_TEXT = """says tells defends sees warns calls slams vows urges asks claims blasts wants admits denies
    rips praises explains reveals responds accuses attacks mocks thinks knocks backs endorses predicts insists
    argues suggests announces rejects dismisses questions demands touts pledges promises threatens hails seeks
    offers"""
_HEADLINE_VERBS = frozenset(_HEADLINE_VERBS_TEXT.split())


def _name_breaking_verb(tok: Token) -> bool:
    """A verb inside an NER name span: lower-case and tagged a verb, or a headline's capitalized one."""
    if tok.text[:1].isupper():
        return tok.lower_ in _HEADLINE_VERBS
    return tok.pos_ == "VERB"


_INVERTED_TEXT = """said says stated continued added wrote asked replied noted explained concluded countered
    responded tweeted insisted warned"""
_INVERTED_VERBS = frozenset(_INVERTED_TEXT.split())


def _line_start(tok: Token) -> bool:
    """`tok` opens a sentence or a line."""
    return tok.is_sent_start or tok.i == 0 or "\n" in tok.doc[tok.i - 1].text_with_ws


def _people(doc: Doc, quoted: Sequence[bool]) -> list[_Person]:
    """Named people: PERSON entities, plus names that a title introduces or that shorten a PERSON name."""
    spans = []
    for span, is_person in _name_spans(doc):
        toks = [t for t in span if not t.is_punct and t.tag_ != "POS"]
        # "Trump assured Jones", "Ben Carson Defends Trump": NER ran a name on over the verb after it
        # (a headline's verb is capitalized and often tagged a proper noun).
        verb = next((k for k, t in enumerate(toks) if k and _name_breaking_verb(t)), None)
        if verb is not None:
            toks = toks[:verb]
        if len(toks) > 1 and toks[0].lower_ in _INVERTED_VERBS and _line_start(toks[0]):
            toks = toks[1:]  # "Stated Stone:", "Continued Stone:": an inverted cue NER took for a first name
        if not toks:
            continue
        key = name_key(doc[toks[0].i : toks[-1].i + 1].text)
        if (
            key
            and any(ch.isalpha() for ch in key)
            and toks[0].text[:1].isupper()
            and "-" not in toks[0].text[:5]
        ):
            spans.append((doc[toks[0].i : toks[-1].i + 1], key, is_person))
    # Person names by each of their words: a shorter form holds its first word, so only the names
    # with that word can contain it (a scan of every name for every span was quadratic).
    person_keys: dict[str, list[list[str]]] = {}
    for _, k, p in spans:
        if p:
            words = k.split()
            for word in dict.fromkeys(words):
                person_keys.setdefault(word, []).append(words)
    people = []
    for span, key, is_person in spans:
        if not is_person:
            titled = is_title(span[0].text) or (span.start > 0 and is_title(doc[span.start - 1].text))
            short = key.split()
            part = any(k == short or _contains(k, short) for k in person_keys.get(short[0], ()))
            # "Sarnessa's trade minister, Nadia Korvel": a name in apposition to a title noun is a
            # person, whatever label NER gave it.
            appos_title = span.root.dep_ == "appos" and is_title(span.root.head.text)
            if not (titled or part or appos_title):
                continue
        root = span.root
        subject = root.dep_ in ("nsubj", "nsubjpass") or (
            root.dep_ == "appos" and _described_subject(root.head) is not None
        )
        roles, titles = _title_words(span)
        prev = doc[span.start - 1].text.lower() if span.start else ""
        gender = "f" if prev in _FEMALE_TITLES else "m" if prev in _MALE_TITLES else None
        people.append(
            _Person(
                start=span.start_char,
                end=span.end_char,
                first=span.start,
                tok=span.end - 1,
                key=key,
                roles=roles,
                titles=titles,
                subject=subject,
                in_quote=quoted[span.start],
                gender=gender,
            )
        )
    people.sort(key=lambda p: p.start)
    return people


# Common first names, only a hint after titles and the article's own pronouns.
_MALE_TEXT = """donald bernie barack joe mike michael john james robert william bill david richard charles thomas tom
    chris christopher daniel paul mark george steven steve kevin brian jeff tim ted marco mitt rand ben jeb
    newt rudy chuck mitch eric jim scott gary rick ron dick al bob frank peter andrew jared harry lindsey
    tony anthony matt matthew josh joshua jason ryan adam sean patrick kenneth ken larry dennis jerry roger
    karl omar tomas vladimir emmanuel boris justin"""
_FEMALE_TEXT = """hillary michelle nancy elizabeth ivanka melania kellyanne sarah mary patricia jennifer linda barbara
    susan jessica karen lisa donna maria anna laura emily hope huma chelsea debbie claire amy kamala
    condoleezza madeleine janet loretta sonia ruth megyn katy heather kate jane julia rosa elena amara priya
    nikki tulsi marsha dianne kirsten tammy jill carly theresa angela ursula christine samantha rachel
    rebecca stephanie nicole michele betsy elaine kristen"""
_MALE_NAMES = frozenset(_MALE_TEXT.split())
_FEMALE_NAMES = frozenset(_FEMALE_TEXT.split())
_HE = {"he", "him", "his", "himself"}
_SHE = {"she", "her", "hers", "herself"}


def _genders(doc: Doc, people: Sequence[_Person], display: dict[str, str]) -> dict[str, str]:
    """A person's gender where the article shows it: a title (Ms., Mr.), a common first name, else
    the pronouns that follow their subject mentions. Unknown people stay unknown."""
    titled: dict[str, str] = {}
    votes: dict[str, list[int]] = {}
    starts = {p.first for p in people}
    for p in people:
        name = display[p.key]
        if p.gender:
            titled.setdefault(name, p.gender)
        if not p.subject:
            continue
        sent_end = doc[p.tok].sent.end
        for t in doc[p.tok + 1 : sent_end]:
            if t.i in starts:
                break
            low = t.lower_
            if low in _HE or low in _SHE:
                tally = votes.setdefault(name, [0, 0])
                tally[0 if low in _HE else 1] += 1
                break
    # "..., said Per Holm, a forecaster. He said ...": a sentence opened by a pronoun subject speaks of
    # the one person the sentence before named.
    for sent in doc.sents:
        first_tok = next((t for t in sent if not t.is_punct and not t.is_space), None)
        if (
            first_tok is None
            or first_tok.dep_ != "nsubj"
            or first_tok.lower_ not in ("he", "she")
            or sent.start == 0
        ):
            continue
        before = doc[sent.start - 1].sent
        named = {display[p.key] for p in people if before.start <= p.tok < before.end and not p.in_quote}
        if len(named) == 1:
            tally = votes.setdefault(named.pop(), [0, 0])
            tally[0 if first_tok.lower_ == "he" else 1] += 1
    out: dict[str, str] = {}
    for name in set(display.values()):
        first = name.split()[0].lower() if name.split() else ""
        if name in titled:
            out[name] = titled[name]
        elif first in _MALE_NAMES:
            out[name] = "m"
        elif first in _FEMALE_NAMES:
            out[name] = "f"
        elif name in votes and votes[name][0] != votes[name][1]:
            out[name] = "m" if votes[name][0] > votes[name][1] else "f"
    return out


class _Resolver:
    """Speaker resolution against the people the article names."""

    def __init__(self, doc: Doc, text: str, quoted: Sequence[bool]) -> None:
        self.doc = doc
        self.text = text  # Doc.text joins every token on each access: read it once
        self.people = _people(doc, quoted)
        self._words = [(p, p.key.split()) for p in self.people]  # split once, matched per mention
        self.at_token = {i: p for p in self.people for i in range(p.first, p.tok + 1)}
        forms = [text[p.start : p.end] for p in self.people]
        mapping = canonicalize(forms)
        self.display = {p.key: mapping[f] for p, f in zip(self.people, forms, strict=True)}
        self.gender = _genders(doc, self.people, self.display)
        self.quoted = quoted

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
        return bool(short) and any(p.key == key or _contains(words, short) for p, words in self._words)

    def _named(
        self, key: str, text: str, before: int, gender: str | None = None
    ) -> tuple[str, _Person | None]:
        """Fullest form of a name; an ambiguous short form takes the nearest preceding full name of the
        right gender ("For her part, Clinton ..." is Hillary, not the Bill named last)."""
        display = self.display.get(key)
        short = key.split()
        owners = [p for p, words in self._words if _contains(words, short)]
        if display is None or (name_key(display) == key and len({self.display[p.key] for p in owners}) > 1):
            if not owners:
                return canonical_name(text), None
            if gender is not None:  # the pronoun's gender; the short form's own guess misleads ("Trump")
                known = [p for p in owners if self.gender.get(self.display[p.key]) == gender]
                fits = [p for p in owners if self.gender.get(self.display[p.key], gender) == gender]
                owners = known or fits or owners
            preceding = [p for p in owners if p.start < before]
            pick = max(preceding, key=lambda p: p.start) if preceding else min(owners, key=lambda p: p.start)
            display = self.display[pick.key]
        return display, self._antecedent(display, before)

    def resolve(self, tok: Token) -> _Resolution:
        mention = _mention(tok)
        span = (mention.start_char, mention.end_char)
        low = tok.lower_
        if low in ("who", "that", "which") and tok.head.dep_ == "relcl" and tok.head.head is not tok:
            # "Clinton, who said ...": the relative pronoun stands for the noun it modifies.
            res = self.resolve(tok.head.head)
            if res.speaker_span is not None and res.speaker_span[1] <= span[0]:
                # The mention runs from the noun through its pronoun ("the group that", "Ruiz, who").
                span = (res.speaker_span[0], span[1])
            return _Resolution(res.speaker, span, res.antecedent_span or res.speaker_span, res.reason)
        named_appos = next(
            (c for c in tok.children if c.dep_ == "appos" and (c.i in self.at_token or c.pos_ == "PROPN")),
            None,
        ) or next((c for c in _of_appositions(tok) if c.i in self.at_token), None)
        if named_appos is not None and tok.pos_ == "NOUN":
            # "The state's campaign chairman, Phil Lovas, said": the apposition names the speaker.
            res = self.resolve(named_appos)
            ante = res.antecedent_span or res.speaker_span
            if res.speaker_span is not None:
                span = (min(span[0], res.speaker_span[0]), max(span[1], res.speaker_span[1]))
            return _Resolution(res.speaker, span, ante, res.reason)
        if tok.pos_ == "PRON" or low in _PERSON_PRONOUNS or low in _OTHER_PRONOUNS:
            if low in ("they", "them"):
                # A group spoke ("economists ... they warned"): anonymous by the reporter's choice.
                return _Resolution(
                    None, span, None, f"unresolved_speaker: unnamed source: plural {tok.text!r}"
                )
            if (
                low == "it"
                and tok.dep_ == "nsubj"
                and not any(_is_cue(a, REPORT_VERBS) for a in tok.head.ancestors)
            ):
                # (not "Obama said it would tell a story": that "it" is inside what he said)
                body = self._speaking_body(tok)
                if body is not None:
                    res = self.resolve(body)
                    if res.speaker is not None:
                        return _Resolution(res.speaker, span, res.speaker_span, None)
            if low not in _PERSON_PRONOUNS:
                return _Resolution(None, span, None, f"unresolved_speaker: pronoun {tok.text!r} not resolved")
            return self._pronoun(tok, _PERSON_PRONOUNS[low], span)
        person = self.at_token.get(tok.i)
        ent = _entity(tok)
        # A lower-case "proper noun" is the tagger's slip ("said the minister, who added"): a description.
        # A handle ("@nycsouthpaw") names its speaker in any case.
        tok_is_name = tok.pos_ == "PROPN" and (
            tok.text.startswith("@") or next((c for c in tok.text if c.isalpha()), "").isupper()
        )
        common = tok.pos_ == "NOUN" or (tok.pos_ == "PROPN" and not tok_is_name)
        if person is None and tok.text[:1].isupper() and self._knows(name_key(mention.text)):
            ent, tok_is_name = None, True  # a known person's name the tagger or NER got wrong
        if person is not None or (ent is None and tok_is_name):
            if person is not None:
                key, text = person.key, self.text[person.start : person.end]
            else:
                text = mention.text
                key = name_key(text)
            display, ante = self._named(key, text, mention.start_char)
            ante_span = (ante.start, ante.end) if ante is not None else None
            if key == name_key(display) or (ante_span is not None and span[0] <= ante_span[0] < span[1]):
                ante_span = None  # the mention itself carries the full name
            return _Resolution(display, span, ante_span, None)
        if ent is not None and ent.label_ in _NAMEISH:
            # An organization or place keeps its own name ("Korean Air" is not "Air").
            name = re.sub(r"^(?:the|its|their)\s+|['’]s?$", "", " ".join(ent.text.split()), flags=re.I)
            return _Resolution(name or ent.text, span, None, None)
        if tok.lemma_.lower() in _SOURCE_NOUNS:
            # A poll, report or campaign speaks for whoever names it ("a Quinnipiac University poll").
            named = _named_source(mention, tok)
            if named is not None:
                return _Resolution(named, span, None, None)
            behind = self._document_source(tok)
            if behind is not None:
                res = self.resolve(behind)
                return _Resolution(res.speaker, span, res.antecedent_span or res.speaker_span, res.reason)
        elif common and not tok.tag_.endswith("S"):
            return self._description(tok, mention, span)
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
            described = self._described_speaker(sent, tok, gender)
            if described is not None and not any(p.subject for p in cands):
                # "The spokesman for Mayor Brandt spoke to reporters. '...,' he said": the pronoun is
                # the described speaker, not the person the description names.
                subject, inside = described
                mention = _mention(subject)
                res = self._description(subject, mention, span)
                if res.speaker is not None and res.speaker not in inside:
                    return res
                return _Resolution(
                    None, span, None, f"unresolved_speaker: pronoun {tok.text!r} stands for {mention.text!r}"
                )
            speaking = [p for p in cands if p.subject and self._speaks(p)]
            role = self._speaking_role(sent, tok) if not speaking else None
            if role is not None:
                # "The judge said Berg had acted under pressure. '...,' she said": the one who spoke
                # is the judge the article named before, not the subject of what she reported
                res = self._description(role, _mention(role), span)
                if res.speaker is not None and self.gender.get(res.speaker, gender) == gender:
                    return res
            if cands:
                best = max(cands, key=lambda p: (p in speaking, p.subject, p.start))
                display, _ = self._named(best.key, self.text[best.start : best.end], best.start + 1, gender)
                return _Resolution(display, span, (best.start, best.end), None)
        return _Resolution(
            None, span, None, f"unresolved_speaker: pronoun {tok.text!r} with no named antecedent"
        )

    def _speaks(self, person: _Person) -> bool:
        """The person's mention is the subject of a speech verb ("Moe said ...")."""
        head = self.doc[person.tok].head
        return head.lemma_.lower() in SPEECH_VERBS

    def _speaking_role(self, sent: Span, before: Token) -> Token | None:
        """A role noun that is the subject of a speech verb before `before` ("The judge said ...")."""
        for t in sent:
            if t.i >= before.i:
                break
            if (
                t.dep_ == "nsubj"
                and t.pos_ == "NOUN"
                and not self.quoted[t.i]
                and t.i not in self.at_token
                and t.head.lemma_.lower() in SPEECH_VERBS
            ):
                return t
        return None

    def _speaking_body(self, it: Token) -> Token | None:
        """ "The Water Authority said ... It added that ...": the organization that was the subject of
        a speech verb in this sentence or the two before, nearest first; no person, since "it" is none."""
        doc = self.doc
        start = it.sent.start
        for _ in range(2):
            if start == 0:
                break
            start = doc[start - 1].sent.start
        for t in reversed(doc[start : it.i]):
            if (
                t.dep_ == "nsubj"
                and t.tag_ in ("NNP", "NN")  # one body: "it" is no plural ("Armenians")
                and t.head.lemma_.lower() in SPEECH_VERBS
                and not self.quoted[t.i]
                and t.i not in self.at_token
                and not (t.text.isupper() and len(t.text) > 3)  # a dateline ("WASHINGTON —"), not a speaker
                and (t.ent_type_ in ("ORG", "GPE", "NORP") or t.lemma_.lower() in _SOURCE_NOUNS)
            ):
                return t
        return None

    def _document_source(self, doc_noun: Token) -> Token | None:
        """Who stands behind a document the text names without a name in it: its named author ("a post
        from Arianna Huffington", "a letter by Mayor Brandt"), else whoever issued or sent it ("Brandt
        issued a statement saying ...", "sent a series of tweets criticizing ...")."""
        for c in doc_noun.children:
            if c.dep_ == "prep" and c.lower_ in ("from", "by") and c.i == doc_noun.i + 1:
                for o in c.children:
                    if o.dep_ == "pobj" and (o.pos_ == "PROPN" or o.i in self.at_token):
                        return o
        held = doc_noun
        if doc_noun.dep_ == "pobj" and doc_noun.head.lower_ == "of" and doc_noun.head.head.dep_ == "dobj":
            held = doc_noun.head.head  # "a series of tweets": the series is the object
        issuer = _subject(held.head) if held.dep_ == "dobj" and held.head.pos_ == "VERB" else None
        if issuer is None or issuer.i == doc_noun.i or self.quoted[issuer.i]:
            return None
        return issuer

    def _described_speaker(self, sent: Span, tok: Token, gender: str) -> tuple[Token, set[str]] | None:
        """The last subject of a speech verb in `sent` before `tok` that describes someone by another
        named person ("Donald Trump's son told the show", "The spokesman for Mayor Brandt spoke"), with
        the display names of the people its phrase names; None unless its noun can have `gender`.
        A description without a name in it ("The Republican nominee") is usually the person the
        article names, and is left to the named candidates."""
        found = None
        for t in sent:
            if t.i >= tok.i:
                break
            if not (
                t.dep_ == "nsubj"
                and t.tag_ == "NN"
                and not self.quoted[t.i]
                and t.i not in self.at_token
                and t.lemma_.lower() not in _SOURCE_NOUNS
                and t.head.pos_ == "VERB"
                and t.head.lemma_.lower() in SPEECH_VERBS
                and _noun_gender(t.lower_) in (None, gender)
            ):
                continue
            inside = {
                self.display[self.at_token[d.i].key]
                for d in t.subtree
                if d.i in self.at_token and _owned_by(d, t)
            }
            if inside:
                found = (t, inside)
        return found

    def _description(self, tok: Token, mention: Span, span: tuple[int, int]) -> _Resolution:
        if mention[0].lower_ in ("a", "an", "one", "another", "some", "several"):
            # "a source", "one official": someone new, not a person the article named before.
            return _Resolution(None, span, None, f"unresolved_speaker: unnamed source {mention.text!r}")
        head = _norm_word(tok.lemma_)
        mods = {
            _norm_word(t.text)
            for t in mention
            if t.i != tok.i and t.pos_ in ("ADJ", "PROPN", "NOUN") and t.dep_ in ("amod", "compound", "nmod")
        }
        cands = [
            p for p in self.people if head in p.roles and p.start < span[0] and not _conflicts(mods, p.titles)
        ]
        if not cands:
            return _Resolution(
                None, span, None, f"unresolved_speaker: description {mention.text!r} with no named antecedent"
            )
        best = max(cands, key=lambda p: (len(mods & p.titles), p.start))
        display, _ = self._named(best.key, self.text[best.start : best.end], best.start + 1)
        return _Resolution(display, span, (best.start, best.end), None)


def _of_appositions(tok: Token) -> list[Token]:
    """Appositions of the object of `tok`'s "of" ("at", "for") phrase, where the parser attaches the
    name of the noun itself: in "The director of the European Centre, Ina Kirsch, said" it hangs on
    "Centre", in "his best friend at Lehigh, Bruce Turry" on "Lehigh"."""
    out = []
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "at", "for"):
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.pos_ != "PRON":
                    out += [c for c in obj.children if c.dep_ == "appos" and c.i > obj.i]
    return out


def _described_subject(head: Token) -> Token | None:
    """The subject `head` is, or the subject whose "of" phrase `head` is the object of."""
    if head.dep_ in ("nsubj", "nsubjpass"):
        return head
    if head.dep_ == "pobj" and head.head.dep_ == "prep" and head.head.lower_ == "of":
        noun = head.head.head
        if noun.dep_ in ("nsubj", "nsubjpass") and noun.pos_ == "NOUN":
            return noun
    return None


def _owned_by(name: Token, noun: Token) -> bool:
    """`name` qualifies `noun` as someone else ("Trump's son", "the spokesman for Brandt"), not as
    the noun's own name: no apposition or clause on the way ("The director of the centre, Ina
    Kirsch,", "the base chief known as Bob", "One pastor supporting Mr. Cruz, Darran Whiting")."""
    t = name
    while t.i != noun.i:
        if t.dep_ in ("appos", "acl", "relcl") or t.head is t:
            return False
        t = t.head
    return True


_FEMALE_NOUN_ENDS = ("woman", "wife", "mother", "daughter", "sister", "girl", "ess")
_MALE_NOUN_ENDS = ("man", "husband", "father", "son", "brother", "boy")


def _noun_gender(word: str) -> str | None:
    """'spokeswoman' is "f", 'son' "m", 'official' None (either)."""
    if word.endswith(_FEMALE_NOUN_ENDS):
        return "f"
    if word.endswith(_MALE_NOUN_ENDS) and not word.endswith(("person", "human")):
        return "m"
    return None


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
    """`short` is a shorter form of the name `full` that keeps its family name."""
    if not short or len(short) >= len(full):
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
        if t.text in _SENT_END:
            break
        if not t.is_space:
            out.append(t)
        i += step
    return out


def _outside_parentheses(tok: Token) -> Token:
    """'Gov. John Kasich (R-OH), said': a party label in parentheses stands for the name before it."""
    doc = tok.doc
    i = tok.i
    while i > 0 and tok.i - i < 5 and doc[i].text != ")":
        if doc[i].text == "(":
            j = i - 1
            while j > 0 and (doc[j].is_space or doc[j].is_punct):
                j -= 1
            return doc[j]
        i -= 1
    return tok


def _phrase_head(tok: Token, ids: set[int]) -> Token:
    """The head of the name phrase `tok` opens inside the frame: past compounds and owners
    ("Cleveland's Plain Dealer")."""
    while tok.dep_ in ("compound", "flat", "poss") and tok.head.i in ids and tok.head.i > tok.i:
        tok = tok.head
    return tok


def _reported_subject(tok: Token, verb: Token) -> bool:
    """`tok` is the subject of another verb (what `verb` reports), unless a comma sets it off."""
    return tok.dep_ in ("nsubj", "nsubjpass") and tok.head.i != verb.i and not _set_off(tok)


def _across_lines(a: Token, b: Token) -> bool:
    """A line (paragraph) break lies between tokens `a` and `b`."""
    lo, hi = sorted((a.i, b.i))
    return any("\n" in t.text_with_ws for t in a.doc[lo:hi])


def _set_off(name: Token) -> bool:
    """'said Ben Carson, asked about ...': a proper name the parser made the subject of the next
    clause, set off from it by a comma (the subject of a reported clause is not: "said he was")."""
    end = name.i + 1
    return name.pos_ == "PROPN" and end < len(name.doc) and name.doc[end].text == ","


def _speaker_near(
    verb: Token, frame: Sequence[Token], quote_first: bool, quoted: Sequence[bool]
) -> Token | None:
    """Subject of the cue, or the nominal next to it in the frame (parsers miss inverted cues)."""
    found = _speaker_in_frame(verb, frame, quote_first, quoted)
    return _outside_parentheses(found) if found is not None else None


def _speaker_in_frame(
    verb: Token, frame: Sequence[Token], quote_first: bool, quoted: Sequence[bool]
) -> Token | None:
    def nominal(t: Token) -> bool:
        return t.pos_ in ("PROPN", "PRON", "NOUN") and t.ent_type_ not in ("DATE", "TIME", "CARDINAL")

    ids = {t.i for t in frame}
    before = [t for t in frame if t.i < verb.i and nominal(t)]
    outer = _outer_act(verb)
    if outer is None and verb.tag_ == "VBG" and quoted[verb.head.i] and not quoted[verb.sent.root.i]:
        outer = verb.sent.root  # ", telling the crowd, '...'" hung on a verb inside the quote
    subj = _subject(outer if outer is not None else verb)
    nxt = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    # "But, said Solovey, '...'": a name right after the cue, not its object nor the subject of what
    # it reports ("and said House Speaker Paul Ryan should resign"), is an inverted speaker.
    head = _phrase_head(nxt, ids) if nxt is not None and nxt.i in ids else None
    inverted = (
        head is not None
        and nxt is not None
        and nxt.pos_ == "PROPN"
        and head.dep_ not in ("dobj", "pobj")
        and not _reported_subject(head, verb)
    )
    if (
        subj is not None
        and not inverted
        and subj not in frame
        and not _has_subject(verb)
        and subj.i < verb.i
        and subj.sent.start == verb.sent.start
        and not quoted[subj.i]
    ):
        # "Clinton seemed ready to riff on the incident in Iowa, telling the crowd, '...'": the
        # subject the participle or conjunct takes over, even before the frame.
        return subj
    if subj is not None and quote_first and subj.i > verb.i + 1 and before:
        # '"...," Flynn said on Fox's "Fox and Friends"': a subject the parser found past the cue's
        # complements, while a nominal stands between quote and cue, is a misparse.
        subj = None
    if subj is not None and subj in frame:
        return subj
    for t in frame:
        if t.dep_ in ("nsubj", "nsubjpass") and t.head.i == verb.i and (t.i <= verb.i + 1 or not before):
            return t
    after = nxt
    while (
        after is not None
        and (after.pos_ in ("DET", "ADJ", "NUM") or (after.tag_ == "VBN" and after.dep_ == "amod"))
        and after.head.i in ids
        and after.head.i > after.i
    ):
        # '"...," added a New Hampshire Democrat', 'said retired neurosurgeon Ben Carson': the phrase a
        # determiner or modifier opens.
        after = after.head
    listener = verb.lemma_.lower() in _LISTENER_VERBS  # "tells Breitbart News": the listener follows
    if (
        after is not None
        and after.i in ids
        and nominal(after)
        and not listener
        and not _reported_subject(after, verb)
    ):
        # "..., said Trump", "opined Cleveland's Plain Dealer": the phrase head ("... and said he was":
        # the subject of the reported clause is not the speaker).
        return _phrase_head(after, ids)
    # '"...," Flynn, a surrogate, said': the first nominal of a frame that follows the quote;
    # 'Trump boasted, "..."': the nominal nearest the cue in a frame that precedes it.
    if before:
        t = before[0] if quote_first else before[-1]
        if subj is not None and not quoted[subj.i] and t.dep_ in ("pobj", "dobj", "dative", "poss"):
            # '... -- and, when questioned after the debate, asserting, "..."': an object in the frame
            # is not the speaker; the cue's subject before the frame is.
            return subj
        while t.dep_ in ("compound", "flat") and t.head.i in ids and t.head.i < verb.i:
            t = t.head
        return t
    return subj


def _cue_after(
    doc: Doc, raw: _RawQuote, ctok: list[int], quoted: Sequence[bool], para: tuple[int, int]
) -> tuple[_Cue, list[Token]] | None:
    close_tok = ctok[raw.close_at]
    frame = _frame_tokens(doc, close_tok + 1, 1, quoted, para)
    first = next((t for t in frame if not t.is_punct), None)
    if first is not None and first.lower_ == "according":
        # '"...," according to the commission.'
        cue = _according_cue(first)
        return (cue, frame) if cue is not None else None
    words = 0
    for k, t in enumerate(frame):
        # Near the quote (in words: "Mr. Holtz-Eakin" is four tokens), or after a long apposition
        # that a comma closes ("X, director of ..., said").
        if _is_cue(t) and (words < 8 or frame[k - 1].text in (",", ")") or _subject_opens(t, frame)):
            return _Cue(t, _speaker_near(t, frame, True, quoted)), frame
        words += not t.is_punct
    return None


def _according_cue(according: Token) -> _Cue | None:
    """ "according to X": the cue, with X as the speaker."""
    to = next((c for c in according.children if c.lower_ == "to"), None)
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    return _Cue(according, pobj) if pobj is not None else None


def _subject_opens(verb: Token, frame: Sequence[Token]) -> bool:
    """'"...," Nate Silver, the pollster who founded the site tweeted': the cue's subject opens the frame."""
    subj = _subject(verb)
    first = next((t for t in frame if not t.is_punct), None)
    return subj is not None and first is not None and subj.left_edge.i == first.i and subj.i < verb.i


def _cue_before(
    doc: Doc, text: str, raw: _RawQuote, ctok: list[int], quoted: Sequence[bool], para: tuple[int, int]
) -> tuple[_Cue, list[Token]] | None:
    open_tok = ctok[raw.open_at]
    frame = _frame_tokens(doc, open_tok - 1, -1, quoted, para)
    frame.reverse()
    for t in reversed(frame):
        if t.lower_ == "according":
            # 'According to Limbaugh, "..."'
            cue = _according_cue(t)
            return (cue, frame) if cue is not None else None
        if _is_cue(t):
            between = [x for x in frame if x.i > t.i and not x.is_punct]
            # Only the cue's own complements may stand between it and the quote ("told reporters on
            # Monday:"); a verb or a subject there means the quote sits inside a reported clause.
            if len(between) > 6 or any(
                x.pos_ in ("VERB", "AUX") or x.dep_ in ("nsubj", "nsubjpass", "attr", "acomp")
                for x in between
            ):
                return None
            # A few quoted words right after the cue's object are a phrase, not a quote:
            # 'called the plan "a disaster"' (a colon or comma would introduce a real quote).
            last = frame[-1]
            if (
                between
                and last.text not in (":", ",", "that")
                and _words(_quote_text(text, raw.fragments)) < 6
            ):
                return None
            return _outer_cue(_Cue(t, _speaker_near(t, frame, False, quoted)), quoted), frame
    return None


def _cue_syntax(doc: Doc, raw: _RawQuote, ctok: list[int], quoted: Sequence[bool]) -> _Cue | None:
    """A cue verb that governs the quote ('Trump called the plan "a disaster for everyone"'): a
    speech or belief verb, or a verb the learned table reads as a cue ('described her as "..."')."""
    a, b = ctok[raw.fragments[0][0]], ctok[raw.fragments[-1][1] - 1]
    lemmas = _quote_governing_verbs()
    line = _line_bounds(doc_text(doc), raw.open_at, raw.close_at)
    for t in doc[a : b + 1]:
        head = t
        for _ in range(4):
            if head.head is head:
                break
            head = head.head
            if not quoted[head.i]:
                if not line[0] <= head.idx < line[1]:
                    break  # the parse ran on into the next paragraph ('"..." / "...," said Self')
                if _is_cue(head, REPORT_VERBS) or (
                    head.pos_ == "VERB"
                    and f"{head.lemma_.lower()}|V" in lemmas
                    and _subject(head) is not None
                ):
                    return _outer_cue(_Cue(head, _subject(head)), quoted)
                if head.pos_ in ("VERB", "AUX"):
                    break
    return None


def _outer_cue(cue: _Cue, quoted: Sequence[bool]) -> _Cue:
    """'Obama said it would tell a story, one of "..."', 'She said she speaks ... because "..."': a
    cue whose subject is a pronoun inside another speaker's reported clause reports that speaker."""
    verb, subj = cue.verb, cue.speaker
    if subj is not None and subj.pos_ != "PRON":
        return cue
    if subj is not None and subj.tag_ in ("WP", "WDT") and verb.dep_ == "relcl" and not quoted[verb.head.i]:
        # '"...," said Ruiz, who added: "..."': the relative clause's own verb is the cue, and its
        # pronoun stands for the noun it modifies (`_Resolver.resolve`); the outer "said" is not.
        return cue
    outer = verb
    for _ in range(4):
        if outer.head is outer:
            break
        outer = outer.head
        if quoted[outer.i]:
            break
        if _is_cue(outer, REPORT_VERBS):
            outer_subj = _subject(outer)
            same = subj is not None and outer_subj is not None and outer_subj.i == subj.i
            if outer_subj is not None and not quoted[outer_subj.i] and not same:
                return _Cue(outer, outer_subj)
            if not same:
                break
    return cue


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


def _named_after(verb: Token, resolver: _Resolver) -> Token | None:
    """The person named right after an inverted cue ('said Per Gundersen, a forecaster'), where the
    parser took a first name for a preposition and left the cue without a subject."""
    sent_end = verb.sent.end
    for tok in verb.doc[verb.i + 1 : min(sent_end, verb.i + 4)]:
        person = resolver.at_token.get(tok.i)
        if person is not None and not person.in_quote:
            return verb.doc[person.tok]
        if tok.is_punct:
            return None
    return None


def _resolved_quote(
    doc: Doc,
    resolver: _Resolver,
    fragments: tuple[tuple[int, int], ...],
    direct: bool,
    cue: _Cue | None,
    ctok: list[int],
    cue_text: str | None = None,
) -> Quote:
    text = resolver.text
    start, end = fragments[0][0], fragments[-1][1]
    if cue is None:
        res = _Resolution(None, None, None, "unresolved_speaker: no attribution cue")
    elif cue.speaker is None:
        after = _named_after(cue.verb, resolver)
        if after is not None:
            res = resolver.resolve(after)  # '"...," said Per Gundersen': the parser lost the inverted subject
        else:
            res = _Resolution(None, None, None, f"unresolved_speaker: cue {cue.verb.text!r} has no subject")
    else:
        res = resolver.resolve(cue.speaker)
    verb = cue.verb if cue is not None else None
    if cue_text is None and verb is not None and verb.lower_ == "according":
        cue_text = "according to"  # the direct readings ('According to X, "..."', '"...," according to X')
    elif cue_text is None and verb is not None and verb.text[:1] in _DASHES:
        cue_text = verb.text[0]  # a signature dash ("-Michelle Marks"), whatever the tokenizer glued to it
    elif cue_text is None and verb is not None and verb.is_punct and ":" in verb.text:
        cue_text = ":"  # a label's colon ("Rep. Trey Gowdy (R-S.C.):")
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


_DASHES = "―—–-"  # the long dashes first, the hyphen last


def _cue_dash(
    doc: Doc,
    text: str,
    raw: _RawQuote,
    ctok: list[int],
    quoted: Sequence[bool],
    para: tuple[int, int],
    paras: Sequence[tuple[int, int]] = (),
) -> _Cue | None:
    """A dash and a name closing the quote ("..." ― Jane Doe), as reader-comment roundups write them,
    or opening the paragraph after a quote that ends its own ("- Bernie Sanders.", "-Michelle Marks,
    Philadelphia.", as fact checks and letters pages sign them)."""
    pos = raw.close_at + 1
    while pos < para[1] and text[pos].isspace():
        pos += 1
    # A hyphen signs a line of its own ("- Bernie Sanders."); inside a paragraph it joins words.
    dashes = _DASHES[:-1] if pos < para[1] else _DASHES
    if pos >= para[1]:
        nxt = next((p for p in paras if p[0] >= para[1]), None)
        if nxt is None or nxt[0] >= len(text):
            return None
        pos, para = nxt[0], nxt
    if text[pos] not in dashes:
        return None
    dash = ctok[pos]
    names = []
    for t in doc[dash + 1 :]:
        if t.idx >= para[1] or t.text in _SENT_END or t.text == "," or "\n" in t.text:
            break  # "Michelle Marks, Philadelphia": the name, not the place
        if not t.is_space and not (t.idx == pos + 1 and t.text in dashes):
            names.append(t)
    words = [t for t in names if not t.is_punct]
    if not words or len(words) > 5 or not all(t.text[:1].isupper() for t in words):
        return None
    return _Cue(doc[dash], words[-1])


_LABEL = re.compile(r"([A-Z][A-Z.'’\- ]{1,30}[A-Z.]):\s")


def _transcript_quote(doc: Doc, resolver: _Resolver, start: int, end: int, ctok: list[int]) -> Quote | None:
    """A transcript turn ("WALLACE: Let's start ..."): the capitalized label names the speaker."""
    text = resolver.text
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


_LABEL_WORDS_TEXT = "note update photo video watch related read source correction editor disclosure"
_NOT_SPEAKER_LABELS = frozenset(_LABEL_WORDS_TEXT.split())


def _headline_statement(
    doc: Doc, resolver: _Resolver, start: int, end: int, ctok: list[int], quoted: Sequence[bool]
) -> Quote | None:
    """A headline or link line ("Graham: Trump Rhetoric Is Costing the Party Voters"): the short name
    before the colon says what follows it."""
    text = resolver.text
    colon = text.find(":", start, min(end, start + 40))
    if colon <= start or doc[ctok[colon]].text != ":":
        return None
    label = [t for t in doc[ctok[start] : ctok[colon]] if not t.is_space]
    if not 1 <= len(label) <= 4 or any(quoted[t.i] for t in label):
        return None
    if any(t.pos_ not in ("PROPN", "NOUN", "PART", "PUNCT") for t in label) or not all(
        t.text[:1].isupper() for t in label if t.pos_ in ("PROPN", "NOUN")
    ):
        return None  # a capitalized name ("Sanders", "Politifact": headline case fools the tagger)
    if any(t.lower_ in _NOT_SPEAKER_LABELS for t in label) or text[start:colon].isupper():
        return None  # "Editor's note:", "UPDATE:"; an upper-case label is a transcript turn
    content = _content(text, colon + 1, end)
    if content is None or _words(text[content[0] : content[1]]) < 3:
        return None
    inside = {t.i for t in label}
    head = next((t for t in label if t.head.i not in inside or t.head.i == t.i), label[-1])
    return _resolved_quote(doc, resolver, (content,), False, _Cue(doc[ctok[colon]], head), ctok, cue_text=":")


def _find_cue(
    doc: Doc,
    text: str,
    raw: _RawQuote,
    ctok: list[int],
    quoted: Sequence[bool],
    paras: Sequence[tuple[int, int]],
) -> _Cue | None:
    """The cue right next to a quote: after it for `"X," he said`, before it for `He said: "X"`."""
    para = paras[raw.para] if raw.para < len(paras) else (0, len(text))
    open_para = next((p for p in paras if p[0] <= raw.open_at < p[1]), para)
    content = _quote_text(text, raw.fragments)
    ends_open = (
        content.rstrip()[-1:] in (",", "—", "-", "–")
        or text[raw.close_at + 1 : raw.close_at + 3].lstrip()[:1] == ","
    )
    after = _cue_after(doc, raw, ctok, quoted, para)
    if after is not None and content.rstrip()[-1:] == ".":
        # '... "the dangers of cloning." In a later vote, he warned ...': a quote that ends its sentence
        # is attributed after it only by a frame that opens with the cue or its speaker ('" Ruiz said.').
        cue, frame = after
        first = frame[0] if frame else None
        spk = cue.speaker
        if (
            first is not None
            and first.i != cue.verb.i
            and not (spk is not None and spk.left_edge.i <= first.i <= spk.i)
        ):
            after = None
    before = _cue_before(doc, text, raw, ctok, quoted, open_para)
    if after is not None and content.rstrip()[-1:] in ("?", "!") and _frame_opens_with_cue(*after):
        ends_open = True  # '"... for tampering?" asked Dunn': the cue right after a question
    found = (after or before) if ends_open else (before or after)
    if found is not None:
        return found[0]
    colon = _introducing_colon(text, raw, paras, open_para)
    if colon is not None:
        cue = _colon_cue(doc, ctok[colon], quoted)
        if cue is not None:
            return cue
    return _cue_dash(doc, text, raw, ctok, quoted, para, paras)


def _frame_opens_with_cue(cue: _Cue, frame: Sequence[Token]) -> bool:
    """The frame after a quote opens with its cue ('" asked Dunn'), or with its speaker and ends the
    sentence ('" Dunn asked.'; '" Mills then writes back, "..."' introduces the next quote)."""
    first = next((t for t in frame if not t.is_punct and not t.is_space), None)
    if first is None:
        return False
    if first.i == cue.verb.i:
        return True
    spk = cue.speaker
    last = frame[-1]
    ends = last.text in _SENT_END or (last.i + 1 < len(last.doc) and last.doc[last.i + 1].text in _SENT_END)
    opens_next = any(t.is_quote for t in frame)
    return spk is not None and spk.left_edge.i <= first.i <= spk.i and ends and not opens_next


def _introducing_colon(
    text: str, raw: _RawQuote, paras: Sequence[tuple[int, int]], open_para: tuple[int, int]
) -> int | None:
    """The colon that introduces a quote: right before it, or ending the paragraph before it."""
    pos = raw.open_at - 1
    while pos >= open_para[0] and text[pos].isspace():
        pos -= 1
    if pos >= open_para[0]:
        return pos if text[pos] == ":" else None
    k = paras.index(open_para) if open_para in paras else -1
    if k > 0 and text[paras[k - 1][1] - 1] == ":":
        return paras[k - 1][1] - 1
    return None


def _colon_cue(doc: Doc, colon: int, quoted: Sequence[bool]) -> _Cue | None:
    """Who speaks in "X released the following statement:" / "As X observed, ...:": a speech verb
    of the introducing sentence, else its main verb when that has a subject."""
    label = _colon_label(doc, colon)
    if label is not None:
        return label
    sent = doc[colon].sent
    toks = [t for t in doc[sent.start : colon] if not quoted[t.i]]
    cue = next((t for t in reversed(toks) if _is_cue(t)), None)
    if cue is not None:
        return _Cue(cue, _speaker_near(cue, toks, False, quoted))
    # The clause the colon closes: the colon's head (sentence splitting may run on into the quote).
    verb = doc[colon].head
    for _ in range(3):
        if verb.pos_ in ("VERB", "AUX") or verb.head is verb:
            break
        verb = verb.head
    if quoted[verb.i] or verb.i > colon:
        # The parser hung the colon on the quote ("Clinton has since apologized for what happened:
        # "Yes, ..."): the introducing sentence's first verb with a subject.
        verb = next(
            (t for t in toks if t.pos_ == "VERB" and any(c.dep_ == "nsubj" for c in t.children)), verb
        )
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    first = verb
    for _ in range(3):
        if subj is not None or first.dep_ not in ("conj", "dep") or first.head is first:
            break
        # "Trump gestured ..., then leaned in and boomed:": the subject of the first conjunct.
        first = first.head
        subj = next((c for c in first.children if c.dep_ == "nsubj"), None)
    if verb.pos_ in ("VERB", "AUX") and subj is not None and not quoted[verb.i] and verb.i < colon:
        return _Cue(verb, subj)
    return None


def _colon_label(doc: Doc, colon: int) -> _Cue | None:
    """A name that labels the quote after it on its own line, or after a dash: "Stated Stone:",
    "... TOO EARLY - Mark Blumenthal and Jon Cohen:", as digests and transcripts write them. The cue
    is the inverted verb where there is one, else the colon itself."""
    words: list[Token] = []
    i = colon - 1
    if doc[colon].text.startswith(")") or (i >= 0 and doc[i].text == ")"):
        # "Rep. Trey Gowdy (R-S.C.):": the party and state after the name are not part of it.
        j = i
        while j >= 0 and doc[j].text != "(" and "\n" not in doc[j].text:
            j -= 1
        if j >= 0 and doc[j].text == "(":
            i = j - 1
    while i >= 0:
        t = doc[i]
        if t.is_space:
            if "\n" in t.text:
                break
        elif len(t.text) == 1 and t.text in _DASHES:
            break
        else:
            words.insert(0, t)
            if _line_start(t):
                break
        i -= 1
    if not words or len(words) > 6:
        return None
    verb = words[0] if words[0].lower_ in _INVERTED_VERBS and len(words) > 1 else None
    names = words[1:] if verb is not None else words
    # A person's name; after an inverted cue ("Continued Stone:") any proper noun is one.
    named = any(t.ent_type_ == "PERSON" for t in names) or (
        verb is not None and all(t.pos_ == "PROPN" for t in names)
    )
    if not named or not all(t.text[:1].isupper() or t.lower_ in ("and", "&") for t in names):
        return None
    return _Cue(verb if verb is not None else doc[colon], names[-1])


def _spoken(text: str, raw: _RawQuote, cue: _Cue | None) -> bool:
    """'"Absolutely not," Clinton responded', '"Go back to Univision," Trump barked', 'Priebus said,
    "Probably."': a few capitalized words that end like speech and a speech verb with a speaker
    next to them report what was said; a title has no such frame ("His song "Born to Run," ...")."""
    if cue is None or cue.speaker is None or not _is_cue(cue.verb) or cue.verb.lemma_.lower() == "go":
        return False  # '"The Apprentice," who went on to work ...' is a title still
    if cue.speaker.tag_ in ("WP", "WDT"):
        return False
    return text[raw.open_at + 1 : raw.close_at].rstrip()[-1:] in (",", ".", "!", "?")


def _title_like(doc: Doc, fragments: Sequence[tuple[int, int]], ctok: list[int]) -> bool:
    """Quoted titles of works and slogans: every content word capitalized, and short."""
    toks = [t for a, b in fragments for t in doc[ctok[a] : ctok[b - 1] + 1] if t.is_alpha and not t.is_stop]
    return 0 < len(toks) <= 8 and all(t.text[:1].isupper() for t in toks)


def _continues(doc: Doc, text: str, ctok: list[int], prev_close: int, nxt: _RawQuote, cue: _Cue) -> bool:
    """The next quote of a paragraph carries on the same statement: only the cue frame lies between."""
    between = text[prev_close + 1 : nxt.open_at]
    if not _words(between):
        return True
    toks = doc[ctok[prev_close] + 1 : ctok[nxt.open_at]]
    if sum(t.text in _SENT_END for t in toks) > 1 or _words(between) > 40:
        return False
    if (
        text[prev_close - 1 : prev_close + 1].strip("\"“”'‘’")[-1:] in _SENT_END
        and between.rstrip()[-1:] in ",:"
    ):
        return False  # '"X." She adds, "Y."': a finished quote, then a frame that opens the next one
    opening = ctok[nxt.open_at]
    for t in toks:
        if t.head.i == cue.verb.i and t.dep_ in ("ccomp", "xcomp") and t.right_edge.i > opening:
            # 'She says it underscores that Trump is "..."': the quote sits in the cue's reported clause.
            return False
    return prev_close < cue.verb.idx < nxt.open_at


def _second_act(doc: Doc, ctok: list[int], prev_close: int, nxt: _RawQuote, cue: _Cue) -> Token | None:
    """'"X," he said, going on to say "Y."': a second speech act of the same speaker in the frame
    between two quotes opens a statement of its own."""
    for t in doc[ctok[prev_close] + 1 : ctok[nxt.open_at]]:
        if t.i > cue.verb.i and t.pos_ == "VERB" and _is_cue(t, _INDIRECT_VERBS) and not _occasion(t):
            return t
    return None


_OCCASION_VERBS = frozenset({"speak", "talk", "write", "testify"})


def _occasion(tok: Token) -> bool:
    """ "speaking at the town hall", "writing in the Post": where the speaker said it, not a second act."""
    return (
        tok.tag_ == "VBG"
        and tok.lemma_.lower() in _OCCASION_VERBS
        and not any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in tok.children)
    )


def _direct_quotes(
    doc: Doc,
    resolver: _Resolver,
    raws: list[_RawQuote],
    ctok: list[int],
    quoted: Sequence[bool],
    block: Sequence[bool],
) -> list[tuple[Quote, bool]]:
    """Direct quotes, each with whether its cue stands right next to it (a "strong" attribution).

    Cue frames stop at `block` (real quotes), not at quoted nicknames or titles inside a name.
    """
    text = resolver.text
    paras = _paragraphs(text)
    cues = [_find_cue(doc, text, raw, ctok, block, paras) for raw in raws]
    out: list[tuple[Quote, bool]] = []
    used: set[int] = set()
    prev: tuple[_Cue, int] | None = None  # the last cue and its paragraph
    for qi, raw in enumerate(raws):
        if qi in used:
            continue
        first = raw.fragments[0]
        turn = _transcript_quote(doc, resolver, first[0], first[1], ctok)
        if turn is not None:
            # A transcript quoted paragraph by paragraph ('"WALLACE: ...' / '"PENCE: ...'): each labelled
            # paragraph opens a turn of its own; an unlabelled one continues the turn before it.
            turns = [(turn, [(turn.start, turn.end)])]
            for a, b in raw.fragments[1:]:
                nxt = _transcript_quote(doc, resolver, a, b, ctok)
                if nxt is not None:
                    turns.append((nxt, [(nxt.start, nxt.end)]))
                else:
                    turns[-1][1].append((a, b))
            for head, pieces in turns:
                fragments = tuple(pieces)
                whole = replace(
                    head,
                    end=fragments[-1][1],
                    fragments=fragments,
                    text=_quote_text(text, fragments),
                    sentence=_sentence_span(doc, fragments[0][0], fragments[-1][1], ctok),
                )
                out.append((whole, True))
            continue
        cue = cues[qi]
        strong = cue is not None
        fragments = raw.fragments
        n_words = _words(_quote_text(text, fragments))
        if n_words <= 5 and _title_like(doc, fragments, ctok) and not _spoken(text, raw, cue):
            continue  # a quoted title ("American Skin"), whatever verb follows it
        if cue is not None:
            # Split quotes: "X," he said, "Y." / "X," he said. "Y." -- later pieces without a cue of their own.
            last = raw
            for j in range(qi + 1, len(raws)):
                nxt = raws[j]
                if nxt.para != raw.para or nxt.open_at <= last.close_at:
                    break
                own = cues[j]
                if _words(_quote_text(text, nxt.fragments)) < _MIN_QUOTE_WORDS:
                    continue  # a nickname or title inside the cue frame ('Robert "Bobby" Lane said')
                if (
                    own is not None
                    and own.verb.i != cue.verb.i
                    and not (_occasion(own.verb) and own.verb.head.i == cue.verb.i)
                ):
                    break  # the next piece has a cue of its own ('"X," he said, speaking at ...' has not)
                act = _second_act(doc, ctok, last.close_at, nxt, cue)
                if act is not None:
                    if own is None:
                        cues[j] = _Cue(act, cue.speaker)
                    break
                if not _continues(doc, text, ctok, last.close_at, nxt, cue):
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
        lead = _lead_in(doc, text, raw, ctok, quoted, paras) if cue is None else None
        if lead is not None:
            # 'Bolton distanced himself from the movement. "I'm going to support him."'
            quote = _resolved_quote(doc, resolver, fragments, True, lead, ctok)
            if quote.speaker is not None:
                out.append(
                    (_with_reason(quote, "speaker_from_lead_in: subject of the sentence before"), True)
                )
                prev = (lead, raw.para)
                continue
        out.append((_resolved_quote(doc, resolver, fragments, True, cue, ctok), strong))
        if cue is not None:
            prev = (cue, raw.para)
    return out


def _lead_in(
    doc: Doc,
    text: str,
    raw: _RawQuote,
    ctok: list[int],
    quoted: Sequence[bool],
    paras: Sequence[tuple[int, int]],
) -> _Cue | None:
    """The narrative sentence right before an unattributed quote, when a named subject leads it in."""
    open_para = next((p for p in paras if p[0] <= raw.open_at < p[1]), None)
    if open_para is None:
        return None
    pos = raw.open_at - 1
    while pos >= open_para[0] and text[pos].isspace():
        pos -= 1
    if pos < open_para[0]:
        k = paras.index(open_para)
        if k == 0:
            return None
        pos = paras[k - 1][1] - 1
    end = doc[ctok[pos]]
    if end.text not in _SENT_END or quoted[end.i]:
        return None
    sent = end.sent
    if sum(quoted[t.i] for t in sent) > 0.3 * len(sent):
        return None  # the sentence before quotes someone itself
    root = sent.root
    subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
    if root.pos_ not in ("VERB", "AUX") or subj is None:
        return None
    return _Cue(root, subj)


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


_INDIRECT_VERBS = REPORT_VERBS | _XCOMP_VERBS


def _without_coordinated_cues(comp: Token) -> list[Token]:
    """A clause's tokens, less a subjectless speech verb coordinated into it ("said he would act and
    warned against ..."): the parser hung the speaker's second act on the reported clause."""
    cut: set[int] = set()
    for t in comp.subtree:
        if t.i <= comp.i or not _is_cue(t):
            continue
        own_subject = _has_subject(t)
        if (t.dep_ == "conj" and (not own_subject or _reports_itself(t))) or (
            t.dep_ == "advcl" and t.tag_ == "VBG" and not own_subject
        ):
            # "..., saying that ...": the participle is the speaker's next statement, read on its own.
            cut.update(x.i for x in t.subtree)
            cut.update(c.i for c in t.head.children if c.dep_ == "cc" and c.i < t.i and c.i > t.head.i)
    return [t for t in comp.subtree if t.i not in cut]


def _unmarked_report_subject(c: Token, verb: Token) -> Token | None:
    """The subject of `c` when it is a finite adverbial clause of `verb` with no conjunction, whose
    subject opens it ("after the convention he would ...", not "when asked, ..."); else None."""
    if c.dep_ != "advcl" or c.i <= verb.i or any(x.dep_ == "mark" for x in c.children):
        return None
    subject = next((x for x in c.children if x.dep_ in ("nsubj", "nsubjpass")), None)
    finite = c.tag_ in ("VBD", "VBZ", "VBP") or any(x.dep_ == "aux" and x.tag_ == "MD" for x in c.children)
    if subject is None or not finite or subject.left_edge.i <= verb.i or c.left_edge.pos_ == "SCONJ":
        return None
    return subject


def _reports_itself(verb: Token) -> bool:
    """A coordinated speech act with its own quote or clause ('... and, when pressed, the mother
    replied, "..."'): a second attribution the parser hung on the first one's content."""
    return any(c.dep_ in ("ccomp", "parataxis") for c in verb.children)


def _reported_tokens(tok: Token) -> list[Token] | None:
    """The reported clause of a speech verb: its clausal complement, or the clause it interrupts."""
    reports = tok.lemma_.lower() in REPORT_VERBS
    comps = [c for c in tok.children if c.dep_ == "ccomp"] if reports else []
    after = [c for c in comps if c.i > tok.i]
    if len(after) > 1 or (after and len(comps) > 1):
        # "Schiff said it is clear ... and traced ...": a clause the parser split into two complements;
        # with a complement on each side ("X; Y, the panel said Z") the one after the verb is the report.
        return [t for c in after for t in c.subtree]
    comp = comps[0] if comps else None
    if comp is None and reports:
        # "tweeted that ...": a that-clause the parser attached as an adverbial clause.
        comp = next(
            (c for c in tok.children if c.dep_ == "advcl" and c.i > tok.i and c.left_edge.lower_ == "that"),
            None,
        )
    if comp is None and reports:
        # "Trump said after the convention he would not ...": a finite clause with its own subject and
        # no conjunction, parsed as an adverbial clause behind a time phrase, is the report.
        for clause in tok.children:
            subject = _unmarked_report_subject(clause, tok)
            if subject is not None:
                start = subject.left_edge.i
                return [t for t in _without_coordinated_cues(clause) if t.i >= start]
    if comp is not None:
        return _without_coordinated_cues(comp)
    xcomp = next((c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i), None)
    if xcomp is not None and tok.lemma_.lower() in _XCOMP_VERBS:
        # "vowed to cut taxes", "urged Congress to act": the promise or appeal is the statement.
        objs = [
            t
            for c in tok.children
            if c.dep_ in ("dobj", "dative") and tok.i < c.i < xcomp.i
            for t in c.subtree
        ]
        return objs + list(xcomp.subtree)
    has_subject = _has_subject(tok)
    if (
        reports
        and has_subject
        and tok.dep_ in ("parataxis", "advcl", "ccomp")
        and tok.head.pos_ in ("VERB", "AUX")
    ):
        # "Prices will rise, he said." / "Prices, he said, will rise."
        own = {t.i for t in tok.subtree}
        sent = tok.sent
        return [t for t in tok.head.subtree if t.i not in own and sent.start <= t.i < sent.end]
    return None


_REPORTED_KEY = ("newsdesk", "reported")


def _reported_index(tok: Token) -> frozenset[int]:
    """The token numbers of `_reported_tokens(tok)`, computed once per doc and token: every would-be
    cue asks it of each speech verb above it, which made it a fifth of the quote extractor's time."""
    memo = tok.doc.user_data.setdefault(_REPORTED_KEY, {})
    found = memo.get(tok.i)
    if found is None:
        found = memo[tok.i] = frozenset(t.i for t in _reported_tokens(tok) or ())
    return found


def _rule_statement(tok: Token, quoted: Sequence[bool]) -> list[Token] | None:
    """The reported clause of a speech or belief verb by the hand-written rules, or None."""
    if not _is_cue(tok, _INDIRECT_VERBS) or not _speaks(tok) or _bare_participle(tok):
        return None
    toks = _reported_tokens(tok)
    if not toks or (tok.dep_ in ("ccomp", "xcomp") and any(t.i == tok.head.i for t in toks)):
        # "Traders said they expected ...": the content of "expected" would hold "said" itself,
        # an inverted attribution; the outer verb already reports this clause.
        return None
    return toks if _enough_words(toks, quoted) else None


def _bare_participle(tok: Token) -> bool:
    """ "When asked why, Sembler responded: ...": a past participle with no subject, auxiliary or
    agent opens the sentence; what the parser hung on it as its clause is the main clause, not
    content ("When asked by a reporter whether ..." keeps its question)."""
    return (
        tok.tag_ == "VBN"
        and not _has_subject(tok)
        and not any(c.dep_ in ("aux", "auxpass", "agent") for c in tok.children)
        and any(c.dep_ == "ccomp" and _has_subject(c) and c.i > tok.i + 1 for c in tok.children)
        and any(c.lower_ in ("when", "if", "as", "once") and c.i < tok.i for c in tok.children)
    )


def _speaks(tok: Token) -> bool:
    """Not negated ("it did not say over what period") and not an agentless passive ("are declared safe")."""
    return not any(c.dep_ == "neg" for c in tok.children) and not _agentless_passive(tok)


def _enough_words(toks: Sequence[Token], quoted: Sequence[bool]) -> bool:
    n_words, mostly_quoted = _word_count(toks, quoted)
    return n_words >= 3 and not mostly_quoted


def _word_count(toks: Sequence[Token], quoted: Sequence[bool]) -> tuple[int, bool]:
    """Words in `toks`, and whether more than 80% of them are inside quote marks."""
    words = [t for t in toks if not t.is_punct and not t.is_space]
    return len(words), sum(quoted[t.i] for t in words) > 0.8 * len(words)


def _has_subject(tok: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)


def _agentless_passive(tok: Token) -> bool:
    return any(c.dep_ == "auxpass" for c in tok.children) and not any(c.dep_ == "agent" for c in tok.children)


def learned_candidates(
    tok: Token, quoted: Sequence[bool], under_cues: bool = True
) -> list[tuple[str, list[Token]]]:
    """(key, content tokens) for each reading of `tok` as an attribution cue that the reading model
    judges: the lemma with the dependent that would hold the content ("call|V|prep_for").

    Shared by the runtime and `bench/train_quote_cues.py`. The model is trained on the readings
    outside every speech verb's phrase (`under_cues=False`); at run time it also judges those under
    a speech verb but outside its reported clause ("Contrary to his claim that ..., the documents
    revealed"): PolNeAR content F1 train .712 -> .715, dev .723 -> .727, test .713 -> .714, where
    training on those too gave dev .720.
    """
    if quoted[tok.i] or _reading_pos(tok) is None:
        return []
    rights = list(tok.rights)
    if not any(c.dep_ in _CONTENT_DEPS or (c.dep_ == "prep" and c.lower_ in _CONTENT_PREPS) for c in rights):
        return []  # nothing could hold a content (two readings in three): the cheap test first
    if _agentless_passive(tok):
        return []
    negated = any(c.dep_ == "neg" for c in tok.children)
    ancestors = list(tok.ancestors)
    if tok.dep_ == "advcl" and tok.tag_ == "VBG":
        ancestors = ancestors[1:]  # '"...," he said, citing low growth': the speaker's next act, not content
    if any(
        _is_cue(a, _INDIRECT_VERBS) and (not under_cues or tok.i in _reported_index(a)) for a in ancestors
    ):
        return []  # inside a reported clause a second reading would repeat that statement
    pos = _reading_pos(tok)
    lemma = tok.lemma_.lower()
    if not lemma[:1].isalpha():
        return []  # a dash or a number the tagger took for a verb
    if tok.tag_ == "VBN" and tok.dep_ == "acl" and lemma in _NAMING_VERBS:
        return []  # "the base chief known as Bob", "a pact called GSOMIA": a name, not a claim
    out: list[tuple[str, list[Token]]] = []
    dobj = None
    for c in rights:
        dep = c.dep_
        if dep in _CONTENT_DEPS:
            if (dep == "acl" and _is_cue(c, _INDIRECT_VERBS)) or (
                dep == "dobj" and any(g.dep_ == "acl" and _is_cue(g, _INDIRECT_VERBS) for g in c.children)
            ):
                continue  # "(issued) a statement saying that ...": the participle is the cue, read by the rules
            out.append((dep, list(c.subtree)))
            if dep == "dobj":
                dobj = c
            elif dobj is not None and dep in ("oprd", "xcomp", "ccomp"):
                # "called the charges baseless", "urged Congress to act": object and complement.
                out.append(("dobj_" + dep, [*dobj.subtree, *c.subtree]))
        elif dep == "prep" and c.lower_ in _CONTENT_PREPS:
            obj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if obj is not None:
                out.append(("prep_" + c.lower_, list(obj.subtree)))
                if dobj is not None:
                    # "criticized Trump for not paying taxes": the object and what it is blamed for.
                    out.append(("dobj_prep_" + c.lower_, [*dobj.subtree, c, *obj.subtree]))
    # Negated acts ("did not consider him an option") and one- or two-word contents ("endorsed
    # Clinton") are judged as readings of their own: the table learns where they are attributions.
    readings = []
    for k, toks in out:
        n_words, mostly_quoted = _word_count(toks, quoted)
        if mostly_quoted or n_words == 0:
            continue
        shape = ("~neg" if negated else "") + ("~short" if n_words < 3 else "")
        readings.append((f"{lemma}|{pos}|{k}{shape}", toks))
    return readings


def _reading_pos(tok: Token) -> str | None:
    """The part of speech of a would-be cue in a reading's key: a verb, a noun, or a predicative
    adjective ("is critical of X", "was eager to X", "is confident that X")."""
    if tok.pos_ == "VERB":
        return "V"
    if tok.pos_ == "NOUN":
        return "N"
    if tok.pos_ == "ADJ" and tok.dep_ == "acomp":
        return "A"
    return None


_CONTENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "acl", "oprd"})
_NAMING_VERBS = frozenset({"know", "call", "dub", "nickname", "name", "title", "label"})
_CONTENT_PREPS_TEXT = "for to of about on with against that in over into as"
_CONTENT_PREPS = frozenset(_CONTENT_PREPS_TEXT.split())


@functools.cache
def _cue_table() -> tuple[frozenset[str], frozenset[str]]:
    """The readings right at least `min_precision` (0.45) of the `min_count` or more times
    PolNeAR train had them, and every reading seen that often (data/quote_cues.json,
    bench/train_quote_cues.py); "*|N|prep_about" pools the lemmas too rare to judge."""
    raw = json.loads(resources.files("newsdesk").joinpath("data/quote_cues.json").read_text("utf-8"))
    known = {key: (n, hits) for key, (n, hits) in raw["cues"].items() if n >= raw["min_count"]}
    accepted = frozenset(key for key, (n, hits) in known.items() if hits >= raw["min_precision"] * n)
    return accepted, frozenset(known)


def _table_accepts(key: str) -> bool:
    accepted, known = _cue_table()
    return (key if key in known else "*|" + key.split("|", 1)[1]) in accepted


@functools.cache
def _quote_governing_verbs() -> frozenset[str]:
    """Verb lemmas ("describe|V") with a reading the table accepts: beyond the report verbs,
    these may govern a direct quote ('described her as "..."')."""
    return frozenset(
        key.rsplit("|", 1)[0] for key in _cue_table()[0] if not key.startswith("*|") and "|V|" in key
    )


_PRONOUN_SUBJECTS = frozenset({"he", "she", "they", "we", "i", "you", "it"})


_SIZES = ((2, "1"), (3, "2"), (6, "3-5"), (11, "6-10"), (21, "11-20"))
# Lemmas the reading model weighs below this ("have", "win", "lose", "work") are skipped before
# their readings are built: frequent, the count table accepts none of their readings, and on dev
# the model accepted none either.
_NEVER_A_CUE = -1.0


def _size(n_words: int) -> str:
    return next((name for below, name in _SIZES if n_words < below), "21+")


def cue_token_features(tok: Token) -> tuple[list[str], str]:
    """What the reading model knows of a would-be cue token whatever its reading (tag, relation,
    subject), and the kind of its subject ("ent:PERSON", "pron", "none") for `reading_features`."""
    s = _subject(tok)
    if s is None:
        kind = "none"
    elif s.lower_ in _PRONOUN_SUBJECTS:
        kind = "pron"
    elif s.ent_type_:
        kind = "ent:" + s.ent_type_
    elif s.pos_ in ("PROPN", "NOUN"):
        kind = s.pos_.lower()
    else:
        kind = "other:" + s.pos_
    out = ["bias", "t=" + tok.tag_, "d=" + tok.dep_, f"hd={tok.head.pos_}|{tok.dep_}", "s=" + kind]
    out.append(f"root={int(tok.dep_ == 'ROOT')}")
    # "would call for", "has long supported", "could call on": tense, aspect and modality of the act;
    # what else hangs on it, and what it hangs on ("hdl=refuse|xcomp").
    out += ["aux=" + c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")]
    out += ["cd=" + c.dep_ for c in tok.children if c.dep_ != "punct"]
    out += ["adv=" + c.lower_ for c in tok.children if c.dep_ == "advmod"]
    out.append(f"hdl={tok.head.lemma_.lower()}|{tok.dep_}")
    if s is not None and s.pos_ == "NOUN":
        out.append("sn=" + s.lemma_.lower())  # "officials", "report", "poll"
    return out, kind


def reading_features(
    key: str, toks: Sequence[Token], quoted: Sequence[bool], token: tuple[list[str], str]
) -> list[str]:
    """The reading model's features of one cue reading (`learned_candidates`): the reading itself,
    its lemma and construction, how long its content is, whether the content is a clause with its
    own subject, how it opens and its head word, each crossed with the cue token's subject kind
    where that tells. Shared by the runtime and `bench/train_quote_cues.py`."""
    lemma, pos, construction = key.split("|", 2)
    dep = construction.split("~", 1)[0]
    shared, subject = token
    first = min(toks, key=lambda t: t.i)
    opens = first.lower_ if first.dep_ == "mark" or first.tag_ in ("WDT", "WP", "WRB") else first.pos_
    size = _size(_word_count(toks, quoted)[0])
    inside = {t.i for t in toks}
    clause = int(any(t.dep_ in ("nsubj", "nsubjpass") and t.head.i in inside for t in toks))
    head = next((t for t in toks if t.head.i not in inside), first)
    last = max(toks, key=lambda t: t.i)
    after = last.doc[last.i + 1] if last.i + 1 < len(last.doc) else None
    return [
        *shared,
        "k=" + key,
        f"lp={lemma}|{pos}",
        "c=" + construction,
        f"cs={dep}|{subject}",
        f"ls={lemma}|{subject}",
        "f=" + opens,
        "n=" + size,
        f"cn={dep}|{size}",
        f"fin={clause}",
        f"cfin={dep}|{clause}",
        # What the content is ("hl=plan" and "hl=meeting" tell two readings of "call for" apart),
        # and where it stops.
        "ht=" + head.tag_,
        "hl=" + head.lemma_.lower(),
        *["hk=" + c.dep_ for c in head.children],
        "after=" + (after.text if after is not None and after.is_punct else "w"),
    ]


@functools.cache
def _reading_model() -> tuple[dict[str, float], float, float]:
    """Logistic-regression weights over `reading_features`, the intercept and the log-odds a
    reading needs (data/quote_readings.json, trained on PolNeAR train by bench/train_quote_cues.py)."""
    raw = json.loads(resources.files("newsdesk").joinpath("data/quote_readings.json").read_text("utf-8"))
    p = raw["threshold"]
    return raw["weights"], raw["intercept"], math.log(p / (1.0 - p))


def _learned_statement(tok: Token, quoted: Sequence[bool]) -> list[Token] | None:
    """The content of `tok` read as a cue, if the reading model or the count table accepts one of
    its readings."""
    pos = _reading_pos(tok)
    if pos is None:
        return None
    if _reading_model()[0].get(f"lp={tok.lemma_.lower()}|{pos}", 0.0) < _NEVER_A_CUE:
        return None  # "have", "win", "lose", "work": the cheap test first
    candidates = learned_candidates(tok, quoted)
    if not candidates:
        return None
    token = cue_token_features(tok)
    best: list[Token] | None = None  # of the accepted readings the widest ("called X a relic", not "a relic")
    for key, toks in candidates:
        if best is not None and len(toks) <= len(best):
            continue
        if _table_accepts(key) or _model_accepts(key, toks, quoted, token):
            best = toks
    return best


def _model_accepts(
    key: str, toks: Sequence[Token], quoted: Sequence[bool], token: tuple[list[str], str]
) -> bool:
    weights, intercept, cut = _reading_model()
    if "~neg" in key and "k=" + key not in weights:
        return False  # a negated act ("did not call for X") only where train saw that very reading
    return intercept + sum([weights.get(f, 0.0) for f in reading_features(key, toks, quoted, token)]) >= cut


def _expectation(tok: Token, quoted: Sequence[bool]) -> list[Token] | None:
    """ "Trump is expected to speak tonight": an agentless expectation reports its whole clause, from
    an unnamed source."""
    if tok.lemma_.lower() != "expect" or tok.tag_ != "VBN" or quoted[tok.i]:
        return None
    children = {c.dep_ for c in tok.children}
    if "auxpass" not in children or "xcomp" not in children or "agent" in children or "neg" in children:
        return None
    toks = list(tok.subtree)
    return toks if _enough_words(toks, quoted) else None


def _passive_question(tok: Token, quoted: Sequence[bool]) -> list[Token] | None:
    """ "Asked whether he would back the nominee, ...", "She was asked about the emails": what an
    unnamed questioner asked (its "if"/"whether"/wh-clause, "about" object, "to" request or object)
    is reported content whose source the text does not give."""
    if tok.lemma_.lower() != "ask" or tok.tag_ not in ("VBN", "VBD") or quoted[tok.i]:
        return None
    children = list(tok.children)
    if any(c.dep_ in ("agent", "neg") for c in children):
        return None  # "asked by a caller why ...": the rules read a named questioner
    passive = any(c.dep_ == "auxpass" for c in children)
    # A participle opening the sentence is often tagged VBD ("Asked whether ..., Brandt declined").
    participle = tok.dep_ in ("advcl", "acl") and not _has_subject(tok)
    if not (passive or participle) or (tok.tag_ == "VBD" and not participle):
        return None
    for c in tok.rights:
        if c.dep_ in ("ccomp", "xcomp", "dobj") or (
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children)
        ):
            toks = list(c.subtree)
        elif c.dep_ == "prep" and c.lower_ == "about":
            obj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if obj is None:
                continue
            toks = list(obj.subtree)
        else:
            continue
        n_words, mostly_quoted = _word_count(toks, quoted)
        return toks if n_words >= 1 and not mostly_quoted else None
    return None


def _without_leading_conjunction(toks: Sequence[Token]) -> list[Token]:
    """ "But prices will rise, he added": the content starts after the sentence's linking "But"."""
    out = sorted(toks, key=lambda t: t.i)
    while len(out) > 1 and (out[0].pos_ == "CCONJ" or (out[0].is_punct and not out[0].is_quote)):
        out = out[1:]
    while len(out) > 1 and out[-1].pos_ == "CCONJ":
        out = out[:-1]  # "... would fall and [predicted that ...]": the cut act leaves its conjunction
    return out


_ASIDE_MARKS = frozenset({"although", "though", "while", "whereas"})


def _without_trailing_aside(toks: list[Token]) -> list[Token]:
    """ "paying no taxes was smart, although he refused to ...": a concessive clause or a
    non-restrictive relative (", which ...", ", who ...") that closes the reported clause is the
    writer's aside, not what was said (PolNeAR content F1 +.001 train, +.002 dev)."""
    if len(toks) < 4:
        return toks
    first, last = toks[0].i, toks[-1].i
    inside = {t.i for t in toks}
    for t in toks:
        if t.dep_ not in ("relcl", "advcl") or t.head.i not in inside:
            continue
        left = t.left_edge.i
        if t.right_edge.i < last - 1 or left - 1 <= first or left - 1 not in inside:
            continue
        if t.doc[left - 1].text != ",":
            continue
        if t.dep_ == "advcl" and not {c.lower_ for c in t.children if c.dep_ == "mark"} & _ASIDE_MARKS:
            continue
        if t.dep_ == "relcl" and t.doc[left].lower_ not in ("which", "who", "whom", "whose"):
            continue
        return [x for x in toks if x.i < left - 1]
    return toks


# What a token must be for any reading below to start from it: a verb, noun or adjective (the
# rules' and the reading model's cues), a participle or past form ("asked", "expected"), or the
# word opening "according to" or "in a poll". The test skips the other half of the tokens early.
_CUE_POS = frozenset({"VERB", "AUX", "NOUN", "ADJ"})
_CUE_TAGS = frozenset({"VBN", "VBD"})
_CUE_WORDS = frozenset({"according", "in"})


def _may_attribute(tok: Token) -> bool:
    return tok.pos_ in _CUE_POS or tok.tag_ in _CUE_TAGS or tok.lower_ in _CUE_WORDS


# A token that opens an indirect reading: its index, the kind of reading ("according", "poll",
# "statement", "question") and the indices it reads (the poll noun, the reported tokens).
_Opening = tuple[int, str, tuple[int, ...]]
# Each paragraph's openings, by what they depend on: the pipeline, the paragraph (its parse is
# its text's), the one before it (a sentence-opening "Adding, ..." takes the previous sentence's
# subject), which of its tokens are quoted, and the text of the token after it (a reading's
# features look one token past its end). Indices are from the paragraph's first token.
_OPENINGS: PieceMemo[tuple[int, str | None, str, bytes, str], tuple[_Opening, ...]] = PieceMemo()


def _opening(tok: Token, quoted: Sequence[bool]) -> _Opening | None:
    """What `tok` opens as a cue of an indirect reading, read from its own sentence (the speaker
    and the article around it are resolved later)."""
    if quoted[tok.i] or not _may_attribute(tok):
        return None
    if tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children):
        return tok.i, "according", ()
    poll = _in_finding(tok, quoted)
    if poll is not None:
        return tok.i, "poll", (poll.i,)
    toks = _passive_question(tok, quoted)
    kind = "question" if toks is not None else "statement"
    if toks is None:
        toks = _rule_statement(tok, quoted)
    if toks is None:
        toks = _learned_statement(tok, quoted)
    if toks is None:
        toks = _expectation(tok, quoted)
    return None if toks is None else (tok.i, kind, tuple(t.i for t in toks))


def _openings(doc: Doc, quoted: Sequence[bool]) -> Iterator[_Opening]:
    """Every opening in `doc`, in token order; a paragraph read before in the same surroundings
    (`_OPENINGS`) is not read again."""
    noted = doc_pieces(doc)
    if noted is None or not _OPENINGS.on:
        yield from (found for tok in doc if (found := _opening(tok, quoted)) is not None)
        return
    serial, parts = noted
    start, before = 0, None
    for text, n_tokens in parts:
        end = start + n_tokens
        key = (serial, before, text, bytes(quoted[start:end]), doc[end].text if end < len(doc) else "")
        found = _OPENINGS.get(key)
        if found is None:
            opened = [o for tok in doc[start:end] if (o := _opening(tok, quoted)) is not None]
            found = tuple((i - start, kind, tuple(j - start for j in read)) for i, kind, read in opened)
            _OPENINGS.put(key, found)
        for i, kind, read in found:
            yield start + i, kind, tuple(start + j for j in read)
        start, before = end, text


def _indirect_quotes(doc: Doc, resolver: _Resolver, ctok: list[int], quoted: Sequence[bool]) -> list[Quote]:
    out: list[Quote] = []
    for i, kind, read in _openings(doc, quoted):
        tok = doc[i]
        if kind in ("according", "poll"):
            q = _according(doc, resolver, tok, ctok, quoted, doc[read[0]] if read else None)
            if q is not None:
                out.append(q)
            continue
        question = kind == "question"
        toks = [doc[j] for j in read]
        fragments = _runs(
            _without_trailing_aside(
                _without_leading_conjunction(_within_line(tok, _with_stray_conjuncts(tok, toks)))
            )
        )
        if not fragments:
            continue
        cue = _Cue(tok, _subject(tok))
        if tok.dep_ == "conj" and not _has_subject(tok):
            # "Ginsburg said that she ... and predicted that ...", "said the city would build X and
            # warned against Y": a second act the parser coordinated into the reported clause is the
            # outer speaker's.
            outer = _cut_from_report(tok)
            cue = _Cue(tok, _subject(outer) if outer is not None else _outer_cue(cue, quoted).speaker)
        if cue.speaker is not None and _nobody(cue.speaker):
            continue  # "Nobody said the bridge would be free": no one holds the statement
        if (
            cue.speaker is None
            and tok.dep_ == "acl"
            and tok.tag_ == "VBG"
            and tok.head.pos_ in ("NOUN", "PROPN")
        ):
            cue = _Cue(tok, tok.head)  # "a statement saying that ...", "Trump, saying ...": the noun speaks
        if cue.speaker is None and tok.tag_ in ("VBD", "VBZ", "VBP"):
            cue = _Cue(tok, _left_subject(tok))
        if cue.speaker is None and tok.tag_ == "VBG" and tok.dep_ == "pcomp":
            cue = _Cue(tok, _governing_subject(tok))  # "refuses to discuss it, aside from saying ..."
        if cue.speaker is None and tok.tag_ == "VBG" and tok.dep_ == "advcl" and tok.head.pos_ == "VERB":
            cue = _Cue(tok, _subject(tok.head))  # '"...," Hedge said, referring to the two resorts
        if cue.speaker is None and tok.tag_ in ("VBG", "VB"):
            continue  # "without knowing how ...", "too early to tell whether ...": nobody states anything
        quote = _resolved_quote(doc, resolver, fragments, False, cue, ctok)
        if question:
            # The one asked is not the source of the question.
            reason = f"unresolved_speaker: {tok.text!r} names no questioner"
            quote = replace(quote, speaker=None, speaker_span=None, antecedent_span=None, reason=reason)
        if quote.speaker is None and any(
            _is_cue(a, _INDIRECT_VERBS) and tok.i in _reported_index(a) for a in _enclosing(tok)
        ):
            # Inside another speaker's reported clause ("Brandt said the town would ... ask the
            # province to pay"): that attribution already covers it; an unresolved inner one adds noise.
            continue
        # The span keeps the complementizer ("that ..."), as annotated corpora do; the text drops it.
        first = doc[ctok[fragments[0][0]]]
        if first.dep_ == "mark" and first.lower_ in ("that", "whether", "if"):
            rest = _quote_text(
                resolver.text, ((first.idx + len(first.text), fragments[0][1]), *fragments[1:])
            )
            quote = replace(quote, text=rest.strip())
        out.append(quote)
    return out


def _outer_act(verb: Token) -> Token | None:
    """The speech verb whose act `verb` continues, when the parser hung `verb` inside that verb's
    reported clause: a participle ("told Newsmax that Romney '...,' adding, '...'") or a
    conjunct in its own form ("said the move was made by Bratton and said, '...'")."""
    if _has_subject(verb) or not _is_cue(verb, SPEECH_VERBS):
        return None
    if verb.dep_ == "conj":
        return _cut_from_report(verb)
    if verb.dep_ == "advcl" and verb.tag_ == "VBG":
        found = _reporting_ancestor(verb)
        return found[0] if found is not None and found[1] else None
    return None


def _reporting_ancestor(tok: Token) -> tuple[Token, bool] | None:
    """The nearest reporting verb above `tok`, and whether `tok` lies in its clausal complement."""
    for a in tok.ancestors:
        if _is_cue(a, REPORT_VERBS):
            return a, any(c.dep_ == "ccomp" and tok in c.subtree for c in a.children)
    return None


def _cut_from_report(tok: Token) -> Token | None:
    """The speech verb whose reported clause `tok` was coordinated into and cut from
    (`_without_coordinated_cues`), when `tok` has that verb's own form ("said ... and warned"); "said
    the town would rebuild X and would ask Y" stays the town's act, inside what was said."""
    if any(c.dep_ == "aux" for c in tok.children):
        return None
    found = _reporting_ancestor(tok)
    if found is None or found[0].tag_ != tok.tag_ or not found[1]:
        return None
    reported = _reported_tokens(found[0])
    return found[0] if reported is not None and tok not in reported else None


def _nobody(tok: Token) -> bool:
    """ "nobody", "no one", "none of them": a source that says no one holds the statement."""
    low = tok.lower_
    return low in ("nobody", "none", "noone") or (
        low == "one" and tok.i > 0 and tok.doc[tok.i - 1].lower_ == "no"
    )


def _within_line(cue: Token, toks: list[Token]) -> list[Token]:
    """The content on the cue's own line: where the parser ran a sentence on past a paragraph break
    ('... favors a "strongman approach."' / 'Under the new program, ...'), the next paragraph is not
    part of what was said."""
    start, end = _line_bounds(doc_text(cue.doc), cue.idx, cue.idx)
    return [t for t in toks if start <= t.idx < end]


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The characters of the line (paragraph) that holds `start` .. `end`."""
    stop = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if stop < 0 else stop


def _with_stray_conjuncts(cue: Token, toks: list[Token]) -> list[Token]:
    """ "wants to triple X, grow Y and create Z": verbs of the content's own form (base form after
    "to", a participle after a participle) that the parser coordinated with the cue instead; the
    cue's own next act has the cue's form ("said X and added Y") and stays out."""
    inside = {t.i for t in toks}
    joined = _with_second_that_clause(cue, toks, inside)
    if joined is not toks:
        return joined
    roots = [t for t in toks if t.head.i not in inside]
    if len(roots) != 1 or roots[0].head.i != cue.i or roots[0].pos_ not in ("VERB", "AUX"):
        return toks
    form = roots[0].tag_
    if form == cue.tag_:
        return toks
    out = list(toks)
    end = max(inside)
    for k in cue.children:
        if k.dep_ != "conj" or k.i <= end or k.tag_ != form or _has_subject(k) or _is_cue(k, _INDIRECT_VERBS):
            continue
        gap = _bare_gap(cue.doc, end, k)
        if gap is None:
            break
        out += [*gap, *k.subtree]
        end = k.right_edge.i
    return out


def _with_second_that_clause(cue: Token, toks: list[Token], inside: set[int]) -> list[Token]:
    """ "said the U.S. needs X, but that he would not support Y": a "that" clause the parser
    coordinated with the cue itself is a second complement of the same report."""
    if not inside:
        return toks
    end = max(inside)
    for k in cue.children:
        if (
            k.dep_ != "conj"
            or k.i <= end
            or not any(c.dep_ == "mark" and c.lower_ in ("that", "whether") and c.i < k.i for c in k.children)
        ):
            continue
        gap = _bare_gap(cue.doc, end, k)
        return toks if gap is None else [*toks, *gap, *k.subtree]
    return toks


def _bare_gap(doc: Doc, end: int, clause: Token) -> list[Token] | None:
    """The tokens between a content's last token and a clause coordinated after it, when they are only
    punctuation and conjunctions (", and", ", but"); else None."""
    gap = list(doc[end + 1 : clause.left_edge.i])
    return None if any(not (t.is_punct or t.dep_ == "cc") for t in gap) else gap


def _enclosing(tok: Token) -> list[Token]:
    """The ancestors whose reported clause could hold `tok`: not the acts it continues ("announced
    ... and said", "went on to say") and none above a clause with its own subject and conjunction
    ("have urged ..., although they say ..."), which is a second statement, not reported content."""
    cur = tok
    while cur.dep_ in ("conj", "xcomp") and cur.head is not cur:
        cur = cur.head
    if cur.dep_ == "advcl" and any(c.dep_ == "mark" for c in cur.children) and _has_subject(cur):
        return []
    return list(cur.ancestors)


def _governing_subject(tok: Token) -> Token | None:
    """The subject of the verb a prepositional "-ing" phrase hangs on ("X ..., aside from saying")."""
    for a in tok.ancestors:
        if a.pos_ in ("VERB", "AUX"):
            return _subject(a)
    return None


def _left_subject(verb: Token) -> Token | None:
    """The name before a finite cue the parser left without a subject, past one parenthetical
    ("Trump, in Kentucky, said", "Reid, the minority leader, said", "Murphy (a Democrat) says")."""
    doc = verb.doc
    start = verb.sent.start
    j = verb.i - 1
    while j >= start and doc[j].is_space:
        j -= 1
    if j >= start and doc[j].text in (",", ")"):
        opener = "," if doc[j].text == "," else "("
        k = j - 1
        while k >= start and doc[k].text != opener and j - k < 25:
            k -= 1
        if k < start or doc[k].text != opener:
            return None
        j = k - 1
    if j < start:
        return None
    t = doc[j]
    if t.pos_ in ("PROPN", "NOUN") and t.ent_type_ not in ("DATE", "TIME", "CARDINAL", "GPE"):
        return t
    return None


_FINDING_NOUNS = frozenset({"poll", "survey", "study", "polling", "census"})


def _in_finding(tok: Token, quoted: Sequence[bool]) -> Token | None:
    """The poll of "In a CNN poll, Clinton led by 24 points" / "Trump leads in the polls": the object of
    an "in" phrase on the clause's verb, when it names a poll or survey."""
    if tok.lower_ != "in" or tok.dep_ != "prep" or quoted[tok.i]:
        return None
    verb = tok.head
    if verb.pos_ == "NOUN" and verb.dep_ in ("dobj", "attr"):
        verb = verb.head  # "has a decisive lead in the polls"
    if verb.pos_ not in ("VERB", "AUX") or verb.dep_ not in ("ROOT", "conj"):
        return None
    pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    return pobj if pobj is not None and pobj.lemma_.lower() in _FINDING_NOUNS else None


def _according(
    doc: Doc,
    resolver: _Resolver,
    tok: Token,
    ctok: list[int],
    quoted: Sequence[bool],
    pobj: Token | None = None,
) -> Quote | None:
    """ "X happened, according to Y": content is the sentence without the attribution phrase.
    With `pobj` given, `tok` is an "in" phrase naming a poll ("In a CNN poll, ...")."""
    to = tok if pobj is not None else next(c for c in tok.children if c.lower_ == "to")
    if pobj is None:
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    sent = tok.sent
    phrase = set(range(tok.i, max(t.i for t in tok.subtree) + 1))
    toks = [t for t in _within_line(tok, list(sent)) if t.i not in phrase and not t.is_space]
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
    opening = next(
        (k for k in range(len(side) - 1, 0, -1) if side[k].is_quote and side[k - 1].text[-1:] in _SENT_END),
        None,
    )
    if side is left and opening is not None and quoted[side[opening].i]:
        side = side[opening:]  # 'X is against the law in the U.S. "It is illegal ...," according to Y'
    while side and side[-1].is_punct:
        side = side[:-1]
    while side and (side[0].is_punct or side[0].pos_ == "CCONJ"):
        side = side[1:]
    if len(side) < 3:
        return None
    a, b = side[0].idx, side[-1].idx + len(side[-1].text)
    cue = _Cue(tok, pobj)
    cue_text = "according to" if to is not tok else tok.lower_
    quote = _resolved_quote(doc, resolver, ((a, b),), False, cue, ctok, cue_text=cue_text)
    return replace(quote, cue_span=(tok.idx, to.idx + len(to.text)))


def _names_source(quote: Quote, doc: Doc, ctok: list[int]) -> bool:
    """An attribution whose unresolved speaker is still a source: the subject of a speech verb
    ("a city official said") or the object of "according to"."""
    if quote.speaker_span is None or quote.cue_span is None:
        return False
    return quote.cue == "according to" or _is_cue(doc[ctok[quote.cue_span[0]]], REPORT_VERBS)


def _same_cue(a: Quote, b: Quote) -> bool:
    return a.cue_span is not None and b.cue_span is not None and a.cue_span[0] == b.cue_span[0]


def _covered(a: Quote, b: Quote, share: float) -> bool:
    """At least `share` of `a`'s span lies within `b`'s."""
    overlap = min(a.end, b.end) - max(a.start, b.start)
    return overlap > 0 and overlap >= share * (a.end - a.start)


def _inside(inner: Quote, outer: Quote, share: float) -> bool:
    """At least `share` of `inner`'s span lies within `outer`'s span (and `outer` is the larger)."""
    overlap = min(inner.end, outer.end) - max(inner.start, outer.start)
    size = inner.end - inner.start
    return overlap > 0 and overlap >= share * size and (outer.end - outer.start) > size


def _in_fragments(inner: Quote, outer: Quote) -> bool:
    """`inner` lies inside one of `outer`'s pieces: the frame between a split quote's pieces
    ('"X," Hedge said, referring to the resorts. "Y."') is not quoted."""
    pieces = outer.fragments or ((outer.start, outer.end),)
    return any(a <= inner.start and inner.end <= b for a, b in pieces) and _inside(inner, outer, 1.0)


def quoted_tokens(doc: Doc, raws: Sequence[_RawQuote], ctok: list[int]) -> tuple[list[bool], list[bool]]:
    """Per token: inside quote marks, and inside quotes long enough to be speech."""
    text = doc_text(doc)
    quoted = [False] * len(doc)
    block = [False] * len(doc)
    for raw in raws:
        marks = [ctok[raw.open_at]]
        if raw.close_at < len(text) and text[raw.close_at] in _DOUBLE_ANY | _SINGLE_ANY:
            marks.append(ctok[raw.close_at])
        inside = [i for a, b in raw.fragments for i in range(ctok[a], ctok[max(a, b - 1)] + 1)]
        long_quote = _words(_quote_text(text, raw.fragments)) >= _MIN_QUOTE_WORDS
        for i in (*inside, *marks):
            quoted[i] = True
            block[i] = block[i] or long_quote
    return quoted, block


def _partial(quote: Quote, statement: Quote) -> bool:
    """A quote (all but its closing punctuation) inside a statement and well short of it: the clause says more than the marks."""
    return _inside(quote, statement, 0.9) and quote.end - quote.start < _PARTIAL * (
        statement.end - statement.start
    )


_PARTIAL = 0.8
_PHRASE_WORDS = 8  # a quoted phrase this short inside any statement is that statement's wording


def _holds_speaker(statement: Quote, quote: Quote) -> bool:
    """'"...," said Ben Carson, asked about ...': the parser read the quote's own speaker as the start
    of what its cue reports; a statement never contains who made it."""
    sp = quote.speaker_span
    return sp is not None and statement.start <= sp[0] < statement.end


def extract_quotes(doc: Doc) -> tuple[Quote, ...]:
    """Direct and indirect quotes of an article, in text order, with resolved speakers."""
    text = doc_text(doc)
    if not text.strip() or not len(doc):
        return ()
    raws = find_quote_marks(text)
    ctok = _char_to_token(doc)
    quoted, block = quoted_tokens(doc, raws, ctok)
    resolver = _Resolver(doc, text, quoted)
    direct = _direct_quotes(doc, resolver, raws, ctok, quoted, block)
    lines = [(start, end) for start, end in _paragraphs(text) if not quoted[ctok[start]]]
    for start, end in lines:
        turn = _transcript_quote(doc, resolver, start, end, ctok)
        if turn is not None:
            direct.append((turn, True))
    indirect = _indirect_quotes(doc, resolver, ctok, quoted)
    for start, end in lines:
        line = _headline_statement(doc, resolver, start, end, ctok, quoted)
        if line is not None:
            indirect.append(line)
    # A clause that holds a quote attributed right next to it is that quote, not a second statement.
    strong = [q for q, is_strong in direct if is_strong]
    # A short quote inside its own cue's reported clause is part of that statement
    # ('Ruiz said the toll was "a fair price"'): the statement keeps the whole clause.
    absorbed = {
        id(q): [i for i in indirect if _partial(q, i) and (_same_cue(i, q) or _words(q.text) < _PHRASE_WORDS)]
        for q in strong
    }
    rest = [q for q in strong if not absorbed[id(q)]]
    # The same cue read twice ('According to X, "..."') keeps the direct reading; a statement inside
    # a quote (a transcript turn) is the quoted speaker's, already there.
    indirect = [
        i
        for i in indirect
        if not any(
            _inside(q, i, 0.5)
            or _in_fragments(i, q)
            or (_same_cue(i, q) and (_covered(i, q, 0.5) or _holds_speaker(i, q)))
            for q in rest
        )
    ]
    # "Lee said she thinks the toll is fair": the inner reading repeats most of the outer statement;
    # the outer one stays, unless only the inner one knows who speaks (an unresolved source that a speech
    # verb or "according to" names still speaks: "..., according to a city official").
    nested = [
        (i, o)
        for i in indirect
        for o in indirect
        if o is not i and _inside(i, o, 1.0) and _covered(o, i, 0.5)
    ]
    drop = {
        id(o) if i.speaker and not (o.speaker or _names_source(o, doc, ctok)) else id(i) for i, o in nested
    }
    indirect = [i for i in indirect if id(i) not in drop]
    # A quote stays a quote where every statement that would have held it went.
    kept = {id(i) for i in indirect}
    part = {k for k, holders in absorbed.items() if any(id(i) in kept for i in holders)}
    direct = [(q, is_strong) for q, is_strong in direct if id(q) not in part]
    # A weakly attributed quote inside a reported clause is part of that statement
    # ("Trump said the deal was "a disaster for everyone"").
    kept_direct = [q for q, is_strong in direct if is_strong or not any(_inside(q, i, 0.9) for i in indirect)]
    kept_direct = [_from_enclosing_statement(q, indirect) for q in kept_direct]
    return tuple(sorted([*kept_direct, *indirect], key=lambda q: (q.start, q.end)))


def _from_enclosing_statement(quote: Quote, indirect: Sequence[Quote]) -> Quote:
    """A cue-less partial quote in the same sentence as an attributed statement whose cue comes first
    belongs to that speaker ('Lee added that ... and that the US president was "the only person ..."'),
    even where the parse cut the statement's clause short of the quote."""
    if quote.speaker is not None or not (quote.reason or "").endswith("no attribution cue"):
        return quote
    for st in indirect:
        if (
            st.speaker is not None
            and st.sentence is not None
            and st.cue_span is not None
            and st.sentence[0] <= quote.start < st.sentence[1]
            and st.cue_span[1] <= quote.start
        ):
            return replace(
                quote,
                speaker=st.speaker,
                speaker_span=st.speaker_span,
                antecedent_span=st.antecedent_span,
                cue=st.cue,
                cue_span=st.cue_span,
                reason="speaker_from_enclosing_statement",
            )
    return quote
