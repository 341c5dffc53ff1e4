"""Immutable records passed between pipeline stages.

Every record is a frozen, slotted dataclass: cheap to create in bulk, hashable,
and impossible to mutate behind a later stage's back. Ids are content hashes
(`content_id`) so that re-ingesting the same input yields the same ids and the
store can skip work it has already done.

Offsets: every `start`/`end` is a code-point offset (Python `str` index, end
exclusive) into `Article.text`, the normalized text that is stored and
exported with `newsdesk export-text`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1

Fmt = Literal["txt", "html", "jsonl", "warc", "feed"]
PublishedSource = Literal["header", "html-meta", "jsonl", "feed", "warc", "absent"]
TitleSource = Literal["first-line", "html-meta", "jsonl", "feed", "absent"]
FactKind = Literal["quote", "quantity", "event", "statement"]
FactStatus = Literal["corroborated", "single_source", "conflicting"]
Severity = Literal["info", "warning", "error"]
TimexType = Literal["DATE", "TIME", "DURATION", "SET"]


def content_id(*parts: object, prefix: str = "", length: int = 16) -> str:
    """Stable id from content: the same parts always give the same id."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return prefix + h.hexdigest()[:length]


def to_dict(record: Any) -> Any:
    """Plain JSON-ready structure for a record (tuples become lists)."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, (list, tuple)):
        return [to_dict(x) for x in record]
    if isinstance(record, Mapping):
        return {str(k): to_dict(v) for k, v in record.items()}
    return record


# --------------------------------------------------------------------------- ingest


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One article as a reader found it, before cleaning.

    `content` is decoded text (HTML markup for `fmt="html"` and for WARC/feed
    records that carry HTML, see `content_is_html`). Metadata fields are what
    the container itself declared (JSONL fields, feed entry, WARC headers);
    `None` where it declared nothing.
    """

    path: str
    fmt: Fmt
    content: str
    locator: str | None = None  # "line 12" (JSONL), WARC-Record-ID, feed entry id
    content_is_html: bool = False
    encoding: str = "utf-8"
    url: str | None = None
    title: str | None = None
    published: str | None = None  # as declared; normalized by clean
    source: str | None = None
    authors: tuple[str, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()  # unknown JSONL fields, kept in order

    @property
    def where(self) -> str:
        return f"{self.path} ({self.locator})" if self.locator else self.path


@dataclass(frozen=True, slots=True)
class ProcessingError:
    """A record or file that a stage could not handle. The batch goes on."""

    path: str
    stage: str
    message: str
    record: str | None = None  # article id or locator, when known


# --------------------------------------------------------------------------- articles


@dataclass(frozen=True, slots=True)
class Segment:
    """A typed region of an article's normalized text."""

    start: int
    end: int
    kind: str  # body | title | header | byline | boilerplate:<what> | caption


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article. `text` is the normalized text every span indexes."""

    id: str
    path: str
    fmt: Fmt
    text: str
    title: str | None
    title_source: TitleSource
    published: str | None  # YYYY-MM-DD
    published_source: PublishedSource
    published_reason: str | None = None  # why null, or how it was derived
    url: str | None = None
    source: str | None = None  # outlet
    source_origin: str | None = None  # where the outlet name came from
    authors: tuple[str, ...] = ()
    language: str = "en"
    locator: str | None = None
    body_span: tuple[int, int] = (0, 0)
    segments: tuple[Segment, ...] = ()  # every non-body region (title, header, boilerplate, captions)
    body_segments: tuple[tuple[int, int], ...] = ()  # body paragraphs; NLP runs on these only
    word_count: int = 0
    extra: tuple[tuple[str, Any], ...] = ()

    @staticmethod
    def make_id(
        text: str, url: str | None, source: str | None, title: str | None, published: str | None
    ) -> str:
        return content_id(text, url, source, title, published, prefix="a")


@dataclass(frozen=True, slots=True)
class ArticleHead:
    """What a list shows of an article (no text): read for every article when the service
    starts, where decoding whole articles cost most of the start."""

    id: str
    path: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    source: str | None = None
    locator: str | None = None


# --------------------------------------------------------------------------- annotations


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, ...


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A time expression normalized against the article's publication date."""

    start: int
    end: int
    text: str
    type: TimexType
    value: str | None  # TIMEX3 value (2025-08-25, 2025-W35, P3Y, XXXX-08-25, PRESENT_REF) or None
    reason: str | None = None  # why value is None or how it was resolved
    mod: str | None = None  # TIMEX3 mod: APPROX, START, MID, END, BEFORE, AFTER ...


@dataclass(frozen=True, slots=True)
class Frame:
    """What a figure measures, of whom, in which act (`nlp.frames`): the key for aligning figures."""

    attribute: str | None  # "depth", "age", "rise", "minute"; for a plain count the counted noun
    holder: tuple[str, ...] = ()  # whose, as lower-case content words ("mikael", "sandberg")
    predicate: str | None = None  # lemma of the act ("kill", "vote", "score")
    change: bool = False  # stated as a change or a latest value ("rose to", "now", "revised")
    ordinal: bool = False  # "the 88th minute", "his third final"
    named: bool = False  # the holder is (or holds) a named entity, not only a common noun


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with what it counts. `low`/`high` carry qualifier bounds."""

    start: int
    end: int
    text: str
    value: float | None
    low: float | None
    high: float | None
    unit: str | None  # "USD", "KRW", "%", "troops", "aircraft", "times" ...
    scale: str | None = None  # "thousand", "million", "billion", "trillion"
    qualifier: str | None = None  # about, more than, at least, up to ...
    subject: str | None = None  # measured noun phrase
    subject_span: tuple[int, int] | None = None
    equivalent_of: int | None = (
        None  # index of the quantity this one converts (61.2 trillion won ($44 billion))
    )
    sentence: tuple[int, int] | None = None
    frame: Frame | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote (`direct=True`) or an indirect statement."""

    start: int
    end: int
    text: str
    direct: bool
    speaker: str | None  # canonical name within the article, None if unresolved
    speaker_span: tuple[int, int] | None = None  # the mention next to the cue ("he", "Trump")
    antecedent_span: tuple[int, int] | None = None  # the named mention a pronoun resolved to
    cue: str | None = None  # said, told, stated ...
    cue_span: tuple[int, int] | None = None
    reason: str | None = None  # e.g. "unresolved_speaker: pronoun with no named antecedent"
    sentence: tuple[int, int] | None = None
    fragments: tuple[
        tuple[int, int], ...
    ] = ()  # content pieces; a split quote has two, the gap holds the cue


@dataclass(frozen=True, slots=True)
class Event:
    """A sentence-level event anchored by a time expression."""

    start: int  # sentence span
    end: int
    trigger: str  # lemma of the event verb/noun ("meet", "summit")
    trigger_span: tuple[int, int]
    participants: tuple[str, ...]
    date: str | None  # normalized TIMEX3 value of the anchoring expression
    timex_span: tuple[int, int]
    text: str = ""


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the annotators found in one article, before cross-article reasoning."""

    article_id: str
    version: str  # annotator version: bump to invalidate the cache
    sentences: tuple[tuple[int, int], ...] = ()
    entities: tuple[Entity, ...] = ()
    timexes: tuple[TimeRef, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    keyterms: tuple[str, ...] = ()  # lemmas of salient nouns, for clustering
    problems: tuple[str, ...] = ()  # extractors that failed on this article; the others' results are kept


# --------------------------------------------------------------------------- cross-article


@dataclass(frozen=True, slots=True)
class Span:
    """Evidence: a span of one article's normalized text."""

    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class DuplicateInfo:
    """An article that copies an earlier one (syndication, re-post, partial copy)."""

    article_id: str
    duplicate_of: str  # the earliest copy
    overlap: float  # share of this article's shingles found in the original
    kind: str  # exact | near | partial
    shared_spans: tuple[tuple[int, int], ...] = ()  # spans of this article found in the original
    # How the original was told from the copy: "dated" (published, or first seen, earlier), "credit"
    # (same day; the wire credit and the re-run's edits tell), "unknown" (same day, nothing tells:
    # the two are copies of each other and `duplicate_of` is only the one seen first).
    direction: str = "dated"
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Flag:
    code: str  # missing_date, date_mismatch, stale_content, headline_mismatch, boilerplate, ...
    severity: Severity
    message: str
    evidence: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    article_id: str
    start: int
    end: int
    text: str
    sentence: tuple[int, int] | None = None  # the evidence sentence around the span
    value: Any = None  # the value as this article states it (for conflicts and updates)


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    kind: FactKind
    text: str
    status: FactStatus
    independent_sources: int
    mentions: tuple[Mention, ...]
    value: Any = None
    unit: str | None = None
    subject: str | None = None
    date: str | None = None
    speaker: str | None = None
    note: str | None = None  # e.g. "update: 12 -> 14 between 2025-08-25 and 2025-08-26"


@dataclass(frozen=True, slots=True)
class Reading:
    """How one article's words became a side's value, so a reader can check the step."""

    article_id: str
    text: str  # the words read: "on Tuesday", "about 1,200"
    how: str | None = None  # the timex reason: "relative to publication date 2025-08-26 (past tense)"


@dataclass(frozen=True, slots=True)
class ConflictSide:
    value: Any
    article_ids: tuple[str, ...]
    evidence: tuple[Span, ...]
    readings: tuple[Reading, ...] = ()  # per article, the words its value was read from


@dataclass(frozen=True, slots=True)
class Conflict:
    id: str
    kind: str  # date | number | speaker | quote_vs_narrative | statement
    description: str
    sides: tuple[ConflictSide, ...]
    fact_ids: tuple[str, ...] = ()
    reason: str | None = None  # why the sides were aligned: "both: age of the driver Rossetti"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: str
    text: str
    fact_ids: tuple[str, ...]
    kind: str = "event"  # event | update | publication


@dataclass(frozen=True, slots=True)
class QuoteBoardEntry:
    speaker: str | None
    text: str
    article_ids: tuple[str, ...]
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class SummarySentence:
    text: str
    article_id: str
    span: tuple[int, int]
    fact_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    title: str
    article_ids: tuple[str, ...]
    first_seen: str | None
    last_seen: str | None
    facts: tuple[Fact, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    quotes: tuple[QuoteBoardEntry, ...] = ()
    summary: tuple[SummarySentence, ...] = ()
    coverage: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (fact_id, article_ids reporting it)
    # Why the articles are one story: the names and terms most of them share, with how many
    # articles use each ("Northgate", 4). Read from the extractions, not from the clusterer's state.
    shared_terms: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ClusterEvent:
    """One recorded story-clustering decision (`StoryClusterer.log`; merges and splits go into the report)."""

    kind: str  # new | assign | copy | merge | split
    story_id: str
    article_id: str | None = None  # new | assign | copy: the article placed
    other_story_id: str | None = None  # merge: the story absorbed into story_id; split: the new story
    score: float | None = None  # merge: centroid similarity; split: average link between the two parts
    article_ids: tuple[str, ...] = ()  # merge | split: the articles that changed story


@dataclass(frozen=True, slots=True)
class ArticleReport:
    """The per-article view in report.json."""

    article: Article
    duplicate: DuplicateInfo | None
    story_id: str | None
    flags: tuple[Flag, ...] = ()
    topic_id: str | None = None  # the kind of event its story reports, shared with similar stories


@dataclass(frozen=True, slots=True)
class Report:
    generated_at: str
    options: Mapping[str, Any]
    articles: tuple[ArticleReport, ...]
    stories: tuple[Story, ...]
    errors: tuple[ProcessingError, ...] = ()
    schema_version: int = SCHEMA_VERSION
    stats: Mapping[str, Any] = field(default_factory=dict)
    story_events: tuple[ClusterEvent, ...] = ()  # merges and splits that shaped the report's stories
