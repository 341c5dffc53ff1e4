"""Human words for the codes the pipeline records: dates, statuses, kinds, warnings, outlets.

The store keeps TIMEX3 values ("XXXX-08-25", "2026-W12", "2025-WI") and codes
("single_source", "headline_mismatch") because they can be compared and
checked; a reader of the web app gets "25 Aug, year not stated", "the week of
16 Mar 2026", "winter 2025", "one source". Every function here is pure and
never raises on a value it does not know: it falls back to the value itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from ..render.words import conflict_sides_words as conflict_sides_words
from ..render.words import (  # the date words are shared with the static report and `show`
    date_words,
    day,
    human_status,
)
from ..render.words import outlet as outlet
from ..render.words import readings_view as readings_view  # re-exported: the views speak through this module
from ..render.words import share_words as share_words
from ..render.words import story_date_words as story_date_words
from ..render.words import ties_words as ties_words
from ..render.words import unit_words as unit_words
from ..render.words import value_words as value_words

KIND_WORDS = {"quote": "quote", "quantity": "figure", "event": "event", "statement": "statement"}
CONFLICT_WORDS = {
    "date": "Dates differ",
    "number": "Figures differ",
    "speaker": "Who said it",
    "quote_vs_narrative": "Quote against the report",
    "statement": "Said and denied",
}
TIMELINE_WORDS = {"event": "event", "update": "update", "publication": "published"}
SEVERITY_WORDS = {"info": "note", "warning": "warning", "error": "problem"}
FLAG_WORDS = {
    "missing_date": "No publication date",
    "date_mismatch": "Date contradicts the text",
    "stale_content": "Old content",
    "headline_mismatch": "Headline not supported by the text",
    "boilerplate": "Boilerplate removed",
    "duplicate_paragraph": "Repeated paragraph",
    "syndicated_copy": "Copy of another article",
    "unresolved_speaker": "Quote without a speaker",
    "off_story": "Close to another story",
}

# TIMEX values inside generated sentences (conflict descriptions, notes, warnings), never article text.
_IN_TEXT = re.compile(
    r"(?<![\w-])(?:\d{4}|XXXX)-(?:\d{2}-\d{2}(?:T\d{2}:\d{2})?|W\d{2}(?:-WE)?|SP|SU|FA|WI|Q[1-4]|H[12])(?![\w-])"
)
_ARTICLE_ID = re.compile(r"\ba[0-9a-f]{16}\b")
_STORY_ID = re.compile(r"\bs[0-9a-f]{16}\b")


def in_words(text: str | None, names: Callable[[str], str | None] | None = None) -> str:
    """A generated sentence with its TIMEX values in words and its record ids named.

    `names` maps an article or story id to its label (outlet, title); an id it does not
    know stays as it is. Only for text the pipeline wrote, never for article text.
    """
    if not text:
        return ""
    out = _IN_TEXT.sub(lambda m: date_words(m.group(0)), text)
    if names is not None:

        def name(m: re.Match[str]) -> str:
            return names(m.group(0)) or m.group(0)

        out = _STORY_ID.sub(name, _ARTICLE_ID.sub(name, out))
    return out


def description_words(text: str | None, names: Callable[[str], str | None] | None = None) -> str:
    """A conflict's description as a sentence: 'both: length of breach: 65 m vs 40 m' ->
    'Length of breach: 65 m vs 40 m'."""
    out = in_words(text, names).removeprefix("both: ")
    return out[:1].upper() + out[1:]


def status_words(status: str) -> str:
    return human_status(status)


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " "))


def conflict_words(kind: str) -> str:
    return CONFLICT_WORDS.get(kind, kind.replace("_", " ").capitalize())


def flag_words(code: str) -> str:
    return FLAG_WORDS.get(code, code.replace("_", " ").capitalize())


def severity_words(severity: str) -> str:
    return SEVERITY_WORDS.get(severity, severity)


def timeline_words(kind: str) -> str:
    return TIMELINE_WORDS.get(kind, kind)


def reason_words(reason: str | None) -> str:
    """Why two sides were compared, as a sentence: 'both: length of breach' -> 'Both sides describe ...'."""
    if not reason:
        return ""
    if reason.startswith("both: "):
        return f"Both sides describe {in_words(reason[6:])}."
    return f"Compared because: {in_words(reason)}."


def count(n: int, one: str, many: str | None = None) -> str:
    """'1 article', '3 articles', '2 copies'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def filters() -> Mapping[str, Callable[..., str]]:
    """The Jinja filters of the web app's templates."""
    return {
        "day": day,
        "date_words": date_words,
        "in_words": in_words,
        "status_words": status_words,
        "kind_words": kind_words,
        "conflict_words": conflict_words,
        "flag_words": flag_words,
        "severity_words": severity_words,
        "timeline_words": timeline_words,
        "reason_words": reason_words,
        "description_words": description_words,
    }
