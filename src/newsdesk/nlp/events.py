"""Dated events: sentences whose main happening is anchored by a resolved DATE expression.

One event per (sentence, anchoring timex). The trigger is the event noun when
the verb is light ("held a summit" -> summit) or when the timex attaches to an
event noun ("the vote on Monday"), else the lemma of the verb that governs the
time expression. Only DATE timexes with a concrete value (not None, not a
`*_REF`) anchor an event: a timeline needs a date, not "recently".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..records import Event, TimeRef
from .doctext import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["extract_events"]

_PARTICIPANT_LABELS = {"PERSON", "ORG", "GPE", "FAC"}
_POSSESSIVE = ("'s", "\u2019s", "'", "\u2019")
_LIGHT_VERBS = {"hold", "have", "take", "make", "give", "stage", "host", "conduct", "attend", "carry",
                "launch", "begin", "start", "open", "end", "close", "wrap", "cast", "call", "schedule",
                "plan", "set", "be", "do", "get", "mark", "see", "join", "convene", "sign", "win", "lose",
                "go", "come", "continue", "resume"}  # fmt: skip
# Verbs of phase whose subject is the event: "the walkout began on Tuesday".
_PHASE_VERBS = {"begin", "start", "end", "continue", "resume", "finish", "close", "open"}
_EVENT_NOUNS = {
    "summit", "meeting", "visit", "talks", "talk", "attack", "strike", "vote", "election", "referendum",
    "conference", "ceremony", "rally", "protest", "speech", "trip", "tour", "negotiation", "session",
    "hearing", "trial", "verdict", "announcement", "agreement", "deal", "treaty", "accord", "launch",
    "test", "drill", "exercise", "invasion", "bombing", "explosion", "shooting", "crash", "earthquake",
    "storm", "fire", "raid", "ceasefire", "truce", "war", "battle", "march", "parade", "funeral",
    "inauguration", "interview", "briefing", "debate", "call", "dinner", "lunch", "forum", "meet",
    "match", "game", "final", "release", "arrest", "resignation", "appointment", "merger", "acquisition",
    "sale", "auction", "outage", "collapse", "flood", "eruption", "launching", "signing", "opening",
    "closing", "walkout", "shutdown", "lockdown", "audit", "inspection", "investigation", "probe",
    "landfall", "ashore", "stoppage", "extension", "contract",
}  # fmt: skip
_DAY_PREFIX = re.compile(r"(?:\d{4}|XXXX)-\d\d-\d\d")
_SKIP_VALUES = ("PRESENT_REF", "PAST_REF", "FUTURE_REF")
_REPORTING = {"say", "tell", "report", "announce", "add", "note", "state", "claim", "confirm", "write"}


def _anchors(timex: TimeRef) -> bool:
    return timex.type in ("DATE", "TIME") and bool(timex.value) and timex.value not in _SKIP_VALUES


def _event_noun(verb: Token) -> Token | None:
    """The event a light verb carries ("held a summit", "made landfall", "came ashore", "went on
    strike", "the walkout began"), or None."""
    lemma = verb.lemma_.lower()
    for child in verb.children:
        dep = child.dep_
        if dep == "nsubj" and lemma not in _PHASE_VERBS:
            continue
        if dep == "prep" and lemma in _LIGHT_VERBS:
            child = next((c for c in child.children if c.dep_ == "pobj"), child)
            dep = "pobj"
        if (
            dep in ("dobj", "attr", "nsubjpass", "oprd", "advmod", "acomp", "pobj", "nsubj")
            and child.lemma_.lower() in _EVENT_NOUNS
        ):
            return child
    return None


def _trigger(sent: Span, tx_tokens: Span) -> Token | None:
    """The event word the time expression attaches to, walking up the dependency tree."""
    tok = tx_tokens.root
    if tok.dep_ == "poss" and tok.head not in tx_tokens:
        # "Saturday's final", "Sunday's Velmark Cup final": the possessed phrase is the event, whatever
        # part of speech the tagger gave its head word ("final" is often tagged an adjective).
        head = tok.head
        for cand in (head, *(c for c in head.children if c.dep_ in ("amod", "compound") and c.i > tok.i)):
            if cand.lemma_.lower() in _EVENT_NOUNS:
                return cand
    for _ in range(10):
        head = tok.head
        if head is tok:
            break
        tok = head
        if tok in tx_tokens:
            continue
        if tok.pos_ in ("NOUN", "PROPN") and tok.lemma_.lower() in _EVENT_NOUNS:
            return tok
        if tok.pos_ == "VERB" or (tok.pos_ == "AUX" and tok.dep_ == "ROOT"):
            noun = _event_noun(tok)
            if noun is not None and tok.lemma_.lower() in _LIGHT_VERBS:
                return noun
            if tok.lemma_.lower() in _REPORTING and tok.dep_ == "ROOT":
                # "X said on Monday" dates the statement; an event noun in the sentence is still better
                noun = next((t for t in sent if t.lemma_.lower() in _EVENT_NOUNS and t.pos_ == "NOUN"), None)
                return noun or tok
            return tok
    root = sent.root
    noun = _event_noun(root)
    return noun or root


def _clause_bounds(trig: Token, sent: Span) -> tuple[int, int]:
    """Where an event's participants are named: the sentence, or for an event told in a relative
    clause ("Strand, who signed a deal on Friday, had levelled after Volny's free kick") that
    clause and the phrase it describes. The rest of the sentence tells another happening."""
    tok = trig
    for _ in range(8):
        if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
            head = tok.head
            lo = min(head.left_edge.i, tok.left_edge.i)
            return lo, max(tok.right_edge.i, head.i) + 1
        if tok.head is tok or tok.dep_ in ("ROOT", "ccomp", "conj"):
            break
        tok = tok.head
    return sent.start, sent.end


def _strip_possessive(name: str) -> str:
    """ "Lee's" and "Lee" are one participant; the result is still a prefix of the surface text."""
    for suffix in _POSSESSIVE:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _calendar_date(timex: TimeRef) -> str | None:
    """The date part of the anchor: "Monday morning" and "Monday" date the same event."""
    value = timex.value
    if value and timex.type == "TIME" and _DAY_PREFIX.match(value):
        return value[:10]
    return value


def extract_events(doc: Doc, timexes: Sequence[TimeRef]) -> tuple[Event, ...]:
    """Events anchored by resolved DATE/TIME expressions, one per sentence and timex."""
    events: list[Event] = []
    # `doc.ents` rebuilds every entity span on each access: read once (the text is kept by doc_text)
    text = doc_text(doc)
    ents: list | None = None
    for timex in timexes:
        if not _anchors(timex):
            continue
        tx = doc.char_span(timex.start, timex.end, alignment_mode="expand")
        if tx is None or len(tx) == 0:
            continue
        sent = tx[0].sent
        trig = _trigger(sent, tx)
        if trig is None:
            continue
        participants: list[str] = []
        if ents is None:
            ents = list(doc.ents)
        lo, hi = _clause_bounds(trig, sent)
        for ent in ents:
            if ent.start < lo or ent.end > hi:
                continue
            if ent.label_ not in _PARTICIPANT_LABELS or (
                ent.start_char < timex.end and timex.start < ent.end_char
            ):
                continue  # other kinds, or the date itself mis-tagged as an entity
            name = _strip_possessive(ent.text.strip())
            if name and name not in participants:
                participants.append(name)
        start, end = sent.start_char, sent.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        events.append(
            Event(
                start=start,
                end=end,
                trigger=trig.lemma_.lower() if trig.lemma_ else trig.lower_,
                trigger_span=(trig.idx, trig.idx + len(trig.text)),
                participants=tuple(participants),
                date=_calendar_date(timex),
                timex_span=(timex.start, timex.end),
                text=text[start:end],
            )
        )
    return tuple(events)
