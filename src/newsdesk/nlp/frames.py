"""Claim frames: what a figure measures, of whom, in which act.

Two outlets' figures can only contradict each other when they state the same
thing: the depth of the collapse, the age of one named person, the votes cast
against one bill. The quantity extractor finds a figure and its unit noun; this
module reads the dependency parse around it for the rest of the frame:

- `attribute`: the measured property ("depth", "age", "rise", "sentence", "minute") or,
  for a plain count, the counted noun ("miner", "vote");
- `holder`: whose it is (a possessor, the subject of the act, an "of"/"in"/"for" object,
  a name in apposition), as lower-case content words;
- `predicate`: the act the figure belongs to (the lemma of the governing verb, or of the
  event noun it modifies);
- `change`: the figure is stated as a change or the latest value ("rose to", "now", "revised").

It also finds two kinds of figures the quantity scan leaves alone on purpose: ages
("Name, 34,", "aged 34", "a 34-year-old") and ordinal counts ("the 88th minute", "his
third final"), each with its own frame. Everything is read from the parse, entities and
a few closed-class word tables (dimension words, change words), not from any corpus's
vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..records import Frame, Quantity, TimeRef
from .doctext import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["add_frames", "frame_of"]

# A measure word that says which dimension a length is: "640 metres below the surface" is a depth.
_DIMENSION_WORDS = {
    "below": "depth", "beneath": "depth", "under": "depth", "underground": "depth", "deep": "depth",
    "down": "depth", "depth": "depth", "long": "length", "length": "length", "high": "height",
    "tall": "height", "above": "height", "height": "height", "wide": "length", "width": "length",
    "across": "length", "thick": "thickness", "away": "distance", "from": "distance", "distance": "distance",
}  # fmt: skip
_UNIT_DIMENSIONS = {
    "m": "length", "km": "length", "ft": "length", "mi": "length", "cm": "length", "mm": "length",
    "in": "length", "nmi": "length", "km/h": "speed", "mph": "speed", "kn": "speed", "t": "mass",
    "kg": "mass", "lb": "mass", "ha": "area", "km2": "area", "acre": "area", "mi2": "area",
}  # fmt: skip
# Nouns that only carve out a part of what is measured: "a 40-metre section of the sea wall".
_CONTAINER_NOUNS = frozenset(
    [
        "section",
        "stretch",
        "part",
        "piece",
        "portion",
        "length",
        "area",
        "segment",
        "chunk",
        "strip",
        "total",
        "sum",
        "figure",
        "number",
        "amount",
        "level",
        "rate",
        "share",
        "proportion",
    ]
)
# Deverbal pairs, so "lost 310 million" and "losses of 310 million" state one attribute.
_NOMINAL = {"meet": "meeting", "summit": "meeting", "talk": "meeting", "lose": "loss", "grow": "growth", "die": "death", "pay": "payment", "sentence": "sentence",
            "jail": "sentence", "imprison": "sentence", "injure": "injury", "claim": "claim",
            "demand": "claim", "want": "claim", "seek": "claim", "ask": "claim", "increase": "rise",
            "raise": "rise", "rise": "rise", "climb": "rise", "jump": "rise", "boost": "rise",
            "fall": "fall", "drop": "fall", "decline": "fall", "cut": "fall", "spend": "spending",
            "cost": "cost", "produce": "output", "production": "output", "build": "output",
            "make": "output"}  # fmt: skip
# Words that state a figure as a change or as the latest of a running count.
_CHANGE_LEMMAS = frozenset(
    [
        "rise",
        "climb",
        "increase",
        "grow",
        "jump",
        "soar",
        "swell",
        "mount",
        "fall",
        "drop",
        "decline",
        "shrink",
        "revise",
        "update",
        "raise",
        "lower",
        "reach",
        "now",
        "so",
        "far",
        "latest",
        "earlier",
        "previous",
        "revised",
        "previously",
        "risen",
        "toll",
    ]
)
_CHANGE_WITH_PARTICLE = frozenset({"bring", "push", "drive", "send", "take"})
_CHANGE_PHRASES = re.compile(
    r"\b(?:up|down) from\b|\bdown to\b|\bso far\b|\bnow\b|\bstill\b|\bat (?:the|its) (?:peak|height)\b|\brevis\w+|\bearlier (?:estimate|figure|count)\b|"
    r"\bhas (?:risen|climbed|grown|fallen)\b",
    re.IGNORECASE,
)
_ISO_CODE = re.compile(r"[A-Z]{3}")  # a currency code: the quantity extractor's money unit
_HOLDER_PREPS = frozenset({"of", "in", "by", "from", "at", "on"})  # not "for": a purpose
_HOLDER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT"})
_SKIP_HOLDER = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"})
_PERSONAL = frozenset(
    {"i", "me", "my", "we", "us", "our", "he", "him", "his", "she", "her", "they", "them", "their"}
)
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "its",
        "it",
        "their",
        "his",
        "her",
        "our",
        "my",
        "your",
        "some",
        "any",
        "all",
        "each",
        "every",
        "other",
        "which",
        "who",
        "whom",
        "whose",
        "one",
        "ones",
    ]
)
# "a crowd of 41,200", "in front of 44,500", "an attendance of 40,000": one attribute
_AUDIENCE_NOUNS = frozenset({"crowd", "front", "attendance", "audience", "spectator"})
_TIME_NOUNS = frozenset(
    ["second", "minute", "hour", "day", "week", "month", "year", "decade", "century", "night", "season"]
)
_AGE = re.compile(
    r"(?P<ap>\b(?P<name>[A-Z][\w'’.-]+),\s(?P<a1>\d{1,3}),\s)"
    r"|(?P<aged>\baged\s(?P<a2>\d{1,3})\b)"
    r"|(?P<yo>\b(?P<a3>\d{1,3})[-\s]year[-\s]old\b)"
)
_ORDINAL = re.compile(
    r"\b(?P<n>\d{1,3})(?:st|nd|rd|th)\b[-\s](?P<noun>[a-z]+)"
    r"|\b(?P<w>second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)"
    r"\s(?:(?:[A-Z][\w-]*|major|straight|consecutive|successive|career)\s){0,2}(?P<wnoun>[a-z]+)\b",
)
_ORDINAL_WORDS = {
    w: i + 1
    for i, w in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
        ]
    )
}
# Ordinals of time and rank that are never a count of events of their own.
_ORDINAL_SKIP = frozenset(
    [
        "time",
        "place",
        "half",
        "quarter",
        "day",
        "week",
        "month",
        "year",
        "century",
        "floor",
        "round",
        "row",
        "person",
        "one",
        "anniversary",
        "edition",
        "term",
        "consecutive",
        "straight",
    ]
)


def _tokens(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _lemma(tok: Token) -> str:
    return (tok.lemma_ or tok.lower_).lower()


def _words(tokens: Iterable[Token]) -> tuple[str, ...]:
    out = []
    for t in tokens:
        w = _lemma(t)
        if t.is_alpha and w not in _STOP and t.ent_type_ not in _SKIP_HOLDER:
            out.append(w)
    return tuple(dict.fromkeys(out))


def _compound_words(head: Token) -> tuple[str, ...]:
    """A noun with its compounds and names: 'defence spending', 'Rural League'."""
    parts = [t for t in head.lefts if t.dep_ in ("compound", "amod") and t.i >= head.i - 3]
    return _words([*parts, head])


def _name_of(tok: Token) -> tuple[str, ...]:
    """A named entity covering `tok` ('Mikael Sandberg'), else the noun and its compounds."""
    if tok.ent_type_ in _HOLDER_LABELS:
        doc, start, end = tok.doc, tok.i, tok.i + 1
        while start > 0 and doc[start].ent_iob_ == "I":  # spaCy rebuilds doc.ents on every access
            start -= 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        return _words(doc[start:end])
    return _compound_words(tok)


def _appositions(tok: Token) -> list[Token]:
    """Names and descriptions in apposition: 'Lund, the 44-year-old consultant'."""
    out = [c for c in tok.children if c.dep_ == "appos"]
    if tok.dep_ == "appos":
        out.append(tok.head)
    return out


def _relative_antecedent(verb: Token) -> Token | None:
    """'Nyberg, 21, who stole the show', 'Strand, playing in his third final': the noun a relative
    clause or a participle hangs on."""
    if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    return None


def _subject(verb: Token) -> Token | None:
    for _ in range(3):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                if child.lower_ in ("who", "which", "that"):
                    return _relative_antecedent(verb)
                return child
        if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
            verb = verb.head
            continue
        return _relative_antecedent(verb)
    return None


def _holder_of_noun(noun: Token, exclude: set[int]) -> tuple[str, ...]:
    """Whose a measured noun is: its possessor, a name among its compounds, its of/in/for object."""
    for child in noun.children:
        if child.dep_ == "poss" and child.i not in exclude:
            return _person_words(child)
    for child in noun.lefts:
        if child.dep_ == "compound" and child.ent_type_ in _HOLDER_LABELS and child.i not in exclude:
            return _name_of(child)
    for child in noun.rights:
        if child.dep_ == "prep" and child.lower_ in _HOLDER_PREPS:
            if any(c.i in exclude for c in child.children):
                continue  # "gusts of up to 176 km/h and ... parts": this "of" brings the figure itself
            for pobj in child.children:
                if (
                    pobj.dep_ == "pobj"
                    and pobj.i not in exclude
                    and pobj.ent_type_ not in _SKIP_HOLDER
                    and pobj.pos_ in ("NOUN", "PROPN")
                    and _lemma(pobj) not in _TIME_NOUNS
                ):
                    return _name_of(pobj)
    return ()


def _person_words(tok: Token) -> tuple[str, ...]:
    if tok.lower_ in _PERSONAL:
        return (tok.lower_,)  # a pronoun: the reconciler resolves it (a quote's speaker) or drops it
    return _name_of(tok)


def _governing(tok: Token) -> Token | None:
    """The nearest verb above `tok` (through prepositions, nouns and clauses)."""
    cur = tok
    for _ in range(6):
        if cur.head.i == cur.i:
            return cur if cur.pos_ in ("VERB", "AUX") else None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


def _verb_lemma(verb: Token | None) -> str | None:
    if verb is None:
        return None
    lemma = _lemma(verb)
    prt = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
    return f"{lemma} {prt}" if prt else lemma


def _change(sent_text: str, verb: Token | None) -> bool:
    if verb is not None and _lemma(verb) in _CHANGE_LEMMAS:
        return True
    # "brought the deficit down to 2.4%" sets a new level; "the storm brought gusts of 158 km/h" does not
    if (
        verb is not None
        and _lemma(verb) in _CHANGE_WITH_PARTICLE
        and any(
            c.dep_ == "prt" or (c.dep_ == "prep" and c.lower_ == "to" and _numeric_object(c))
            for c in verb.children
        )
    ):
        return True
    return bool(_CHANGE_PHRASES.search(sent_text))


def _numeric_object(prep: Token) -> bool:
    """'to 12', 'to 3 percent': a preposition whose object is a figure."""
    return any(
        c.dep_ == "pobj" and (c.like_num or any(g.like_num for g in c.children)) for c in prep.children
    )


def _unit_token(span: Span, unit: str | None = None) -> Token:
    root = span.root
    if unit and unit.isalpha() and root.like_num:
        # "Four Rural League deputies": a number the tagger read as part of a name counts the noun
        # the quantity extractor found after it
        for tok in span.doc[span.end : min(len(span.doc), span.end + 4)]:
            if _lemma(tok) == unit.lower() and tok.pos_ in ("NOUN", "PROPN"):
                return tok
    if (
        root.pos_ in ("NUM", "X", "SYM")
        and root.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod")
        and root.head.pos_ in ("NOUN", "PROPN")
        and root.head.i - span.end < 4
    ):
        return root.head
    return root


def frame_of(doc: Doc, q: Quantity) -> Frame | None:
    """Read the frame of one extracted quantity from the parse."""
    span = _tokens(doc, q.start, q.end)
    if span is None or len(span) == 0:
        return None
    own = {t.i for t in span}
    own_span = frozenset(own)
    anchor = _unit_token(span, q.unit)
    own.add(anchor.i)
    unit = (q.unit or "").lower()
    measure = unit in _UNIT_DIMENSIONS or unit == "%" or (q.unit is not None and _ISO_CODE.fullmatch(q.unit))
    attribute: str | None = None
    holder: tuple[str, ...] = ()
    noun: Token | None = None
    verb: Token | None = None
    # "crowd of 41,200", "depth of 480 metres", "gusts of up to 176 km/h" (a counted noun stays
    # what is counted: "the savings of 26,000 customers" counts customers)
    bare = anchor.pos_ in ("NUM", "X", "SYM")
    # ("in front of 44,500" is an audience, the way sport reports give the attendance)
    if (
        (measure or bare)
        and anchor.dep_ == "pobj"
        and anchor.head.lower_ == "of"
        and (anchor.head.head.pos_ in ("NOUN", "PROPN") or anchor.head.head.lower_ == "front")
    ):
        noun = anchor.head.head
    # "four of the Rural League's 14 deputies", "seven of us"
    elif bare:
        of = next((c for c in anchor.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if pobj is not None and pobj.pos_ in ("NOUN", "PROPN"):
            noun = pobj
        elif pobj is not None and pobj.lower_ in _PERSONAL:
            verb = _governing(anchor)
            return Frame(
                attribute="person",
                holder=(pobj.lower_,),
                predicate=_verb_lemma(verb),
                change=False,
            )
    # "a 40-metre section", "a 9 percent pay rise", "a seven-year sentence"
    if (
        noun is None
        and anchor.dep_ in ("compound", "amod", "nmod", "npadvmod", "nummod")
        and (anchor.head.pos_ == "NOUN" and anchor.head.i > anchor.i)
    ):
        noun = anchor.head
    if noun is None and anchor.pos_ in ("NOUN", "PROPN") and (not measure or anchor.i not in own_span):
        noun = anchor  # a plain count ("Thirty-seven miners") or what a sum measures ("a $2 billion fund")
    dimension = None
    lengthy = _UNIT_DIMENSIONS.get(unit) == "length"
    if lengthy and anchor.head.pos_ in ("ADV", "ADJ", "ADP") and _lemma(anchor.head) in _DIMENSION_WORDS:
        dimension = _DIMENSION_WORDS[_lemma(anchor.head)]
    if noun is not None:
        head_lemma = _lemma(noun)
        if head_lemma in _CONTAINER_NOUNS and measure:
            attribute = dimension or _UNIT_DIMENSIONS.get(unit, head_lemma)
            holder = _holder_of_noun(noun, own) or holder
        elif lengthy and head_lemma not in _DIMENSION_WORDS and anchor.i < noun.i:
            # "a 65-metre breach" is the breach's length, as "the breach was 40 metres wide"
            attribute, holder = "length", _compound_words(noun) + _holder_of_noun(noun, own)
        elif head_lemma in _AUDIENCE_NOUNS:
            attribute, holder = "crowd", _holder_of_noun(noun, own) or _place_of(anchor, own)
        else:
            attribute = _DIMENSION_WORDS.get(head_lemma, _NOMINAL.get(head_lemma, head_lemma))
            holder = _holder_of_noun(noun, own)
        verb = _governing(noun)
        own_act = next((c for c in noun.children if c.dep_ == "relcl" and c.pos_ in ("VERB", "AUX")), None)
        if own_act is None and noun.dep_ == "pobj":
            # "Of the 3,400 residents evacuated on Friday, most ...": in a prepositional phrase the
            # main verb is not the group's act; the participle that describes the group is.
            own_act = next(
                (c for c in noun.children if c.dep_ == "acl" and c.tag_ in ("VBN", "VBG") and c.i > noun.i),
                None,
            )
        if own_act is not None and not measure and attribute == head_lemma:
            verb = own_act  # "six deputies who voted with the opposition": the counted group's own act
        if head_lemma == "time" and verb is not None:
            attribute = _NOMINAL.get(_lemma(verb), _lemma(verb))  # "met three times": how often they met
        elif noun is anchor and verb is not None and noun.dep_ == "dobj" and _lemma(verb) in _NOMINAL:
            attribute = _NOMINAL[_lemma(verb)]  # "costs 20 million krells": a cost, whatever the currency
    else:
        verb = _governing(anchor)
        attribute = dimension or (_NOMINAL.get(_lemma(verb), _lemma(verb)) if verb is not None else None)
        target = _changed_object(anchor, verb)
        if target is not None:  # "brings the deficit down to 2.4 percent": a level of the deficit
            attribute, holder = _lemma(target), _holder_of_noun(target, own)
        if unit in ("time", "times") and verb is not None:
            attribute = _lemma(verb)  # "met three times": how often they met
        if attribute in (None, "be", "have") and measure:
            attribute = _UNIT_DIMENSIONS.get(unit, "amount" if unit != "%" else "share")
    if verb is not None and attribute != "crowd":  # a crowd is the event's, not the scorer's
        # the subject of the act owns the figure too: "National Concord holds 62 of the 151 seats"
        subj = _subject(verb)
        if subj is not None and subj.i not in own and (noun is None or subj.i != noun.i):
            if subj.pos_ == "PRON":
                holder = holder or _person_words(subj)
            else:
                holder = tuple(dict.fromkeys(_holder_words(subj, own) + holder))
    sent = anchor.sent
    return Frame(
        attribute=attribute,
        holder=holder,
        predicate=_verb_lemma(verb),
        change=_change(doc_text(doc)[sent.start_char : q.end + 40], verb),
        named=_named(sent, holder),
    )


def _place_of(anchor: Token, exclude: set[int]) -> tuple[str, ...]:
    """'44,500 at the National Stadium': the place a figure is given for."""
    for child in anchor.children:
        if child.dep_ == "prep" and child.lower_ in ("at", "in"):
            pobj = next((c for c in child.children if c.dep_ == "pobj" and c.i not in exclude), None)
            if pobj is not None and pobj.pos_ in ("NOUN", "PROPN"):
                return _name_of(pobj)
    return ()


def _changed_object(anchor: Token, verb: Token | None) -> Token | None:
    """The object a verb sets to the figure: "cut the deficit to 2.4%", "raised its estimate to 2 bn"."""
    if verb is None or not (anchor.dep_ == "pobj" and anchor.head.lower_ in ("to", "at")):
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")), None)
    if obj is None and anchor.head.head.pos_ in ("NOUN",):
        return anchor.head.head  # "an increase to 25 percent"
    return obj


def _named(sent: Span, holder: Sequence[str]) -> bool:
    """Whether the holder is (or holds) a named entity, not only a common noun."""
    words = set(holder)
    return bool(words) and any(t.ent_type_ in _HOLDER_LABELS and _lemma(t) in words for t in sent)


def _holder_words(tok: Token, exclude: set[int]) -> tuple[str, ...]:
    """A subject as its name, or its owner when it is a container ('Greyfell shares' -> greyfell, share)."""
    return _holder_of_noun(tok, exclude) + _name_of(tok) if tok.pos_ == "NOUN" else _name_of(tok)


# --------------------------------------------------------------------------- ages and ordinals


def _ages(doc: Doc, text: str) -> list[Quantity]:
    """'Lund, 41,', 'aged 57', 'a 44-year-old consultant': ages with the person they belong to."""
    out = []
    for m in _AGE.finditer(text):
        group = "a1" if m.group("ap") else "a2" if m.group("aged") else "a3"
        start, end = m.span(group)
        value = int(m.group(group))
        if not 1 <= value <= 120:
            continue
        span = _tokens(doc, m.start(), m.end())
        if span is None:
            continue
        holder = _age_holder(doc, span, group, m)
        if not holder:
            continue
        sent = span[0].sent
        out.append(
            Quantity(
                start=start,
                end=m.end() if group == "a3" else end,
                text=text[start : m.end() if group == "a3" else end],
                value=float(value),
                low=None,
                high=None,
                unit="year",
                subject="age",
                sentence=(sent.start_char, sent.end_char),
                frame=Frame(attribute="age", holder=holder, predicate=None, change=False, named=True),
            )
        )
    return out


def _age_holder(doc: Doc, span: Span, group: str, m: re.Match[str]) -> tuple[str, ...]:
    if group == "a1":  # "Mikael Sandberg, 31,": the name before the comma, with its descriptions
        name_end = m.end("name")
        tok = next((t for t in span if t.idx + len(t.text) == name_end), None)
        if tok is None or tok.ent_type_ != "PERSON":
            return ()
        words = list(_name_of(tok))
        for ap in _appositions(tok):
            if ap.pos_ == "NOUN":
                words += _compound_words(ap)
        return tuple(dict.fromkeys(words))
    if group == "a2":  # "Johan Ek, aged 57,"
        prev = [t for t in doc[max(0, span.start - 5) : span.start] if t.ent_type_ == "PERSON"]
        return _name_of(prev[-1]) if prev else ()
    # "a 27-year-old electrician", "Lund, the 44-year-old former consultant", "21-year-old Filip Nyberg"
    noun = span.root
    for _ in range(4):
        if noun.pos_ in ("NOUN", "PROPN") and noun.lower_ not in ("year", "old"):
            break
        noun = noun.head
    else:
        return ()
    if noun.lower_ in ("year", "old") or noun.pos_ not in ("NOUN", "PROPN"):
        return ()
    words = list(_name_of(noun) if noun.ent_type_ == "PERSON" else _compound_words(noun))
    for ap in _appositions(noun):
        if ap.ent_type_ == "PERSON" or ap.pos_ == "PROPN":
            words = list(_name_of(ap)) + words
    following = doc[noun.i + 1 : noun.i + 4]
    name = next((t for t in following if t.ent_type_ == "PERSON"), None)
    if (
        name is not None
        and noun.pos_ == "NOUN"
        and all(t.ent_type_ == "PERSON" or t.is_punct for t in following[: name.i - noun.i])
    ):
        words = list(_name_of(name)) + words  # "the Tornby captain Emil Strand"
    return tuple(dict.fromkeys(w for w in words if w not in ("year", "old")))


def _nearest_person(sent: Span, at: int) -> tuple[str, ...]:
    people = [e for e in sent.ents if e.label_ == "PERSON"]
    if not people:
        return ()
    best = min(people, key=lambda e: min(abs(e.start_char - at), abs(e.end_char - at)))
    return _words(best)


def _ordinals(doc: Doc, text: str, taken: Sequence[tuple[int, int]]) -> list[Quantity]:
    """'in the 88th minute', 'an 88th-minute winner', 'his third Cup final'."""
    out = []
    for m in _ORDINAL.finditer(text):
        noun_word = (m.group("noun") or m.group("wnoun") or "").lower()
        if not noun_word or noun_word in _ORDINAL_SKIP:
            continue
        start, end = m.span("n") if m.group("n") else m.span("w")
        if any(s < end and start < e for s, e in taken):
            continue
        value = int(m.group("n")) if m.group("n") else _ORDINAL_WORDS[m.group("w").lower()]
        span = _tokens(doc, m.start(), m.end())
        if span is None:
            continue
        noun = next((t for t in reversed(span) if t.lower_ == noun_word), span.root)
        if noun.pos_ not in ("NOUN", "PROPN", "ADJ"):  # the small model reads "Cup final" as ADJ
            continue
        holder: tuple[str, ...] = ()
        # the act at that point: "scored in the 88th minute", "an 88th-minute winner"
        event = noun.head if noun.dep_ == "compound" and noun.head.pos_ == "NOUN" else None
        if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ in ("NOUN", "VERB"):
            event = noun.head.head
        attribute = _lemma(noun) if noun_word not in _TIME_NOUNS else noun_word
        if event is not None:
            holder = _holder_of_noun(event, {noun.i}) if event.pos_ == "NOUN" else ()
            if not holder:
                verb = event if event.pos_ == "VERB" else _governing(event)
                subj = _subject(verb) if verb is not None else None
                if subj is not None:
                    holder = _person_words(subj) if subj.pos_ == "PRON" else _name_of(subj)
        else:
            holder = _holder_of_noun(noun, set())
        sent = span[0].sent
        before = doc[span.start - 1] if span.start > 0 else None
        if not holder and before is not None and before.lower_ in ("his", "her", "their"):
            # "Eid, playing in his fifth final, ...": his is the sentence's named subject
            subj = next((t for t in sent if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "PROPN"), None)
            holder = _name_of(subj) if subj is not None else holder
        if not _named(sent, holder):  # the minute of a goal belongs to the player named beside it
            holder = _nearest_person(sent, start) or holder
        out.append(
            Quantity(
                start=start,
                end=m.end(),
                text=text[start : m.end()],
                value=float(value),
                low=None,
                high=None,
                unit=attribute,
                subject=attribute,
                sentence=(sent.start_char, sent.end_char),
                frame=Frame(
                    attribute=attribute,
                    holder=holder,
                    predicate=_lemma(event) if event is not None else None,
                    change=False,
                    ordinal=True,
                    named=_named(sent, holder),
                ),
            )
        )
    return out


# Vote tallies: "by 79 votes to 71", "won 79-71", "79 in favour and 73 against". The first number
# of "N to M" is the yes side unless the act is a rejection ("voted down by 80 to 60").
_TALLY_PAIR = re.compile(
    r"\b(?P<a>\d{1,4})(?:\s+(?:votes?\s+)?to\s+|\s*[-–]\s*)(?P<b>\d{1,4})\b(?![-–/]|\s*(?:%|per|percent))"
)
_TALLY_SIDES = re.compile(
    r"\b(?P<a>\d{1,4})\s+(?:votes?\s+)?(?P<sa>in fav(?:ou)?r|for|against)\b[^.;\d]{0,30}?"
    r"\b(?P<b>\d{1,4})\s+(?:votes?\s+)?(?P<sb>in fav(?:ou)?r|for|against)\b"
)
_VOTE_SENTENCE = re.compile(r"\bvot(?:e|es|ed|ing)\b|\bballot|\bin fav(?:ou)?r\b", re.IGNORECASE)
_REJECTION = re.compile(
    r"\b(?:reject\w*|defeat\w*|voted? down|thr(?:ew|own) out|block\w*|sank|sunk)\b",
    re.IGNORECASE,
)


def _tallies(doc: Doc, text: str) -> list[Quantity]:
    """The two sides of a vote, each a figure: 'votes for' and 'votes against'."""
    out: list[Quantity] = []
    for sent in doc.sents:
        s_text = text[sent.start_char : sent.end_char]
        if not _VOTE_SENTENCE.search(s_text):
            continue
        found: list[tuple[re.Match[str], str, str]] = []
        for m in _TALLY_SIDES.finditer(s_text):
            sides = ["for" if m.group(k) != "against" else "against" for k in ("sa", "sb")]
            if sides[0] != sides[1]:
                found.append((m, sides[0], sides[1]))
        for m in _TALLY_PAIR.finditer(s_text):
            a, b = m.group("a"), m.group("b")
            if any(f.start() <= m.start() < f.end() for f, _a, _b in found) or (
                len(a) == 4 and (len(b) == 2 or 1800 <= int(a) <= 2100)  # "2020-21", "1990-2001"
            ):
                continue
            rejected = bool(_REJECTION.search(s_text))
            found.append((m, "against" if rejected else "for", "for" if rejected else "against"))
        for m, side_a, side_b in found:
            for group, side in (("a", side_a), ("b", side_b)):
                start, end = sent.start_char + m.start(group), sent.start_char + m.end(group)
                out.append(
                    Quantity(
                        start=start,
                        end=end,
                        text=text[start:end],
                        value=float(m.group(group)),
                        low=None,
                        high=None,
                        unit="vote",
                        subject=f"votes {side}",
                        sentence=(sent.start_char, sent.end_char),
                        frame=Frame(attribute=f"votes {side}", holder=(), predicate="vote", change=False),
                    )
                )
    return out


def _named_heads(doc: Doc) -> dict[str, tuple[str, ...]]:
    """Common nouns that are part of exactly one name in the text ('storm' of 'Storm Vala').

    A definite "the storm" in that text is that storm: a cheap nominal coreference that
    only fires when the text names one such thing.
    """
    found: dict[str, set[tuple[str, ...]]] = {}
    for ent in doc.ents:
        if ent.label_ not in _HOLDER_LABELS or len(ent) < 2:
            continue
        words = _words(ent)
        for tok in ent:
            if tok.is_alpha and tok.lower_ not in _STOP and tok.text[:1].isupper():
                lemma = _lemma(tok)
                if lemma == tok.lower_ and len(lemma) > 2:
                    found.setdefault(lemma, set()).add(words)
    return {w: next(iter(names)) for w, names in found.items() if len(names) == 1}


# --------------------------------------------------------------------------- durations

_DURATION_VALUE = re.compile(r"^P(?P<n>\d+(?:\.\d+)?)(?P<u>[YMWD])$")
_DURATION_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day"}
# A span of time that frames when something happens is not a measured duration: "over the next
# five years", "in the past two weeks", "within 30 days", "two years ago".
_TIMEFRAME_PREPS = frozenset(
    {"in", "over", "within", "during", "after", "since", "before", "throughout", "past"}
)
_TIMEFRAME_WORDS = frozenset(
    {"ago", "last", "past", "next", "previous", "coming", "later", "earlier", "first"}
)
_DURATION_VERBS = frozenset({"last", "run", "continue", "stretch", "drag"})
_LIGHT_VERBS = frozenset({"lodge", "file", "make", "launch", "submit", "bring", "mount", "take"})
_LIGHT_ACTS = frozenset({"be", "have", "get", "give", "take", "spend", "make", "do"})


def _durations(doc: Doc, text: str, timexes: Sequence[TimeRef]) -> list[Quantity]:
    """Durations that measure an act: 'jailed for seven years', 'a seven-year sentence',
    'four weeks to lodge an appeal', 'the trial lasted 11 weeks'. A duration that only frames
    a time ("over the next five years") is left to the time expressions."""
    out = []
    for t in timexes:
        m = _DURATION_VALUE.match(t.value or "") if t.type == "DURATION" else None
        span = _tokens(doc, t.start, t.end) if m else None
        if m is None or span is None or len(span) == 0:
            continue
        if any(tok.lower_ in _TIMEFRAME_WORDS for tok in span):
            continue
        unit = _DURATION_UNITS[m.group("u")]
        head = next((tok for tok in reversed(span) if _lemma(tok) == unit), span.root)
        frame = _duration_frame(head)
        if frame is None:
            continue
        sent = head.sent
        out.append(
            Quantity(
                start=t.start,
                end=t.end,
                text=t.text,
                value=float(m.group("n")),
                low=None,
                high=None,
                unit=unit,
                subject=frame.attribute,
                sentence=(sent.start_char, sent.end_char),
                frame=frame,
            )
        )
    return out


def _duration_frame(head: Token) -> Frame | None:
    """The act a duration measures and whose it is, or None for a duration that frames a time."""
    if (
        head.dep_ in ("compound", "amod", "nmod", "npadvmod")
        and head.head.pos_ == "NOUN"
        and head.head.i > head.i
    ):
        noun = head.head  # "a seven-year sentence", "an 11-week trial"
        verb = _governing(noun)
        holder = _holder_of_noun(noun, {head.i})
        attribute = _NOMINAL.get(_lemma(noun), _lemma(noun))
    else:
        if head.dep_ == "pobj" and head.head.lower_ in _TIMEFRAME_PREPS:
            return None
        verb = _governing(head)
        if verb is None:
            return None
        act = verb
        if _lemma(verb) in _LIGHT_ACTS:  # "has four weeks to lodge an appeal": the act is the infinitive
            act = next(
                (c for c in head.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"), None
            ) or next(
                (
                    c
                    for c in verb.children
                    if c.dep_ in ("xcomp", "advcl") and c.pos_ == "VERB" and c.i > head.i
                ),
                None,
            )
            if act is None:
                return None
            obj = next((c for c in act.children if c.dep_ == "dobj" and c.pos_ == "NOUN"), None)
            attribute = _lemma(obj) if obj is not None and _lemma(act) in _LIGHT_VERBS else _lemma(act)
        elif _lemma(verb) in _DURATION_VERBS and (subj := _subject(verb)) is not None and subj.pos_ == "NOUN":
            attribute = _lemma(
                subj
            )  # "the trial lasted 11 weeks" is the trial's length, as "an 11-week trial"
        else:
            attribute = _lemma(verb)
        attribute = _NOMINAL.get(attribute, attribute)
        patient = next((c for c in verb.children if c.dep_ == "dobj" and c.ent_type_ == "PERSON"), None)
        holder = _name_of(patient) if patient is not None else ()
    if verb is not None and not holder:
        subj = _subject(verb)
        if subj is not None:
            holder = _person_words(subj) if subj.pos_ == "PRON" else _name_of(subj)
    return Frame(
        attribute=attribute,
        holder=holder,
        predicate=_verb_lemma(verb),
        change=False,
        named=_named(head.sent, holder),
    )


def add_frames(
    doc: Doc, quantities: Sequence[Quantity], timexes: Sequence[TimeRef] = ()
) -> tuple[Quantity, ...]:
    """The quantities with their frames, plus the ages, vote tallies, ordinal counts and
    act durations of the text."""
    text = doc_text(doc)
    ages = _ages(doc, text)
    tallies = _tallies(doc, text)
    out = []
    names = _named_heads(doc)
    for q in quantities:
        age = next((a for a in ages if a.start < q.end and q.start < a.end), None)
        if age is not None:  # "aged 38" read as a bare count: it is an age, and whose
            out.append(replace(q, unit="year", subject="age", frame=age.frame))
            continue
        tally = next((t for t in tallies if t.start < q.end and q.start < t.end), None)
        if tally is not None:  # "79 votes to 71": one side of a vote
            out.append(replace(q, value=tally.value, unit="vote", subject=tally.subject, frame=tally.frame))
            continue
        try:
            frame = frame_of(doc, q)
        except (IndexError, ValueError):  # a parse the walk did not expect: keep the figure, frameless
            frame = None
        if frame is not None and not frame.named and len(frame.holder) == 1 and frame.holder[0] in names:
            # "the storm" in an article about "Storm Vala": the holder is the one named storm
            frame = replace(frame, holder=names[frame.holder[0]], named=True)
        out.append(replace(q, frame=frame))
    taken = [(q.start, q.end) for q in quantities]
    extra = [
        a
        for a in [*ages, *tallies, *_durations(doc, text, timexes)]
        if not any(s < a.end and a.start < e for s, e in taken)
    ]
    taken += [(q.start, q.end) for q in extra]
    extra += _ordinals(doc, text, taken)
    return tuple(out + extra)  # appended: `equivalent_of` indexes the original order
