"""Online story clustering.

An article joins the existing story it is most similar to, or founds a new
one. Similarity is a cosine over one sparse vector space that mixes what
separates stories in news:

* key terms (stemmed content words), TF-IDF with sublinear tf and an IDF
  learned incrementally as articles arrive;
* named entities (spaCy entities when an extraction is given, else cheap
  capitalized tokens), weighted up because two reports of the same *kind* of
  event share vocabulary but not the people and places;
* years, explicit dates and figures the text refers to, weighted up for the
  same reason; an article and a story that name different but nearby years
  (`year_gap_max`) are damped, so an article about events years earlier does
  not join a current story just because it shares names;
* publication time: a story goes cold `window_days` after its last article.

Candidate stories come from an inverted index over each story's salient
features; only the most recent postings of a feature are read, and stories
cold for two windows drop their centroids, so assignment time and memory stay
flat as the store grows. Stories whose centroids converge are merged, and the
merge is recorded in `log` (with every new/assign/copy decision).

`cluster_batch` reclusters a whole batch with the same features and scores,
by average link (order-free); it is the mode to use for a closed collection.
"""

from __future__ import annotations

import itertools
import json
import math
import zlib
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .options import ClusterOptions
from .records import Article, ClusterEvent, DuplicateInfo, Extraction, content_id
from .textfeatures import (
    STOPWORDS,
    body_spans,
    capitalized_tokens,
    dates_referred,
    day_number,
    future_years_before,
    numbers_referred,
    term_counts,
    years_referred,
)

_FORMAT = 2
_ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)


@dataclass(slots=True)
class Features:
    """An article's feature vector before IDF: the pure part of `assign` (`article_features`)."""

    tf: dict[str, float]  # feature -> sublinear tf times type weight (no idf)
    years: frozenset[int]  # years referred to, plus the publication year
    day: int | None  # publication day number


@dataclass(slots=True)
class _Story:
    id: str
    members: list[str]
    centroid: dict[str, float]  # sum of members' unit-length tf vectors (no idf)
    years: Counter[int]
    first_day: int | None
    last_day: int | None
    posted: set[str] = field(default_factory=set)  # features under which the story is indexed
    alias_of: int | None = None  # set when merged into another story
    norm: float = 0.0  # cached |centroid * idf|
    norm_docs: int = -1  # corpus size when `norm` was computed; -1 = stale
    # What a split needs of each member while the story is live: article id -> [tf vector trimmed
    # to `member_terms` features, years, day], or the id of the member it is a copy of.
    info: dict[str, list | str] = field(default_factory=dict)
    # Sum of the members' unit sentence embeddings (`embed.py`); None when none had one.
    embedding: Any = None  # numpy float64 array
    # Past `split_max_members` kept vectors no split check comes again: `info` is dropped and no
    # longer kept, so a large live story's state stops growing with its members.
    closed: bool = False


def article_features(
    article: Article,
    extraction: Extraction | None,
    options: ClusterOptions,
    cache: dict[str, str] | None = None,
) -> Features:
    """The sparse feature vector of one article (before IDF)."""
    # The body paragraphs joined once (by a character no pattern crosses), so each pattern scans once.
    text = "\x00".join(article.text[start:end] for start, end in body_spans(article))
    spans = ((0, len(text)),)
    title_span = ((0, len(article.title)),) if article.title else ()
    terms = term_counts(text, spans, cache)
    if article.title:
        terms.update(term_counts(article.title, title_span, cache))
    raw: Counter[str] = Counter({"w:" + t: c for t, c in terms.items()})
    if extraction is not None and extraction.entities:
        for e in extraction.entities:
            if e.label in _ENTITY_LABELS:
                for token in e.text.lower().replace("’", "'").split():
                    token = token.strip(".,'\"()-").removesuffix("'s")
                    if len(token) > 1 and token not in STOPWORDS and not token.isdigit():
                        raw["e:" + token] += 1
    else:
        for token in capitalized_tokens(text, spans):
            raw["e:" + token] += 1
        if article.title:
            for token in capitalized_tokens(article.title, title_span):
                raw["e:" + token] += 1
    years = years_referred(text, spans)
    if extraction is not None:
        years += [
            int(t.value[:4])
            for t in extraction.timexes
            if t.type == "DATE" and t.value and t.value[:4].isdigit()
        ]
    for y in years:
        raw[f"y:{y}"] += 1
    for d in dates_referred(text, spans):
        raw["d:" + d[-5:]] += 1
    for n in numbers_referred(text, spans):
        raw["n:" + n] += 1
    weight = {
        "w": 1.0,
        "e": options.entity_weight,
        "y": options.time_weight,
        "d": options.time_weight,
        "n": options.number_weight,
    }
    tf = {f: (1.0 + math.log(c)) * weight[f[0]] for f, c in raw.items()}
    norm = math.sqrt(sum([v * v for v in tf.values()])) or 1.0
    tf = {f: v / norm for f, v in tf.items()}
    day = day_number(article.published)
    # The publication year counts as a year the article is about when years are compared
    # (not as a term: every article of one year would share it).
    all_years = set(years)
    looks_forward = future_years_before(article)
    if looks_forward:
        # Written before the year it looks forward to: that is its own year, not the date it carries
        # now, nor the years its relative dates ("yesterday", "next year") resolve to from that date.
        all_years = set(years_referred(text, spans)) | {min(y for y, _s, _e in looks_forward) - 1}
    elif day is not None and article.published:
        all_years.add(int(article.published[:4]))
    return Features(tf, frozenset(all_years), day)


_WORKER_TERMS: dict[str, str] = {}  # the stemming cache of `features_many`, kept across its chunks
_WORKER_TERMS_MAX = 200_000  # words; a caller that runs chunks itself (work stealing) may live long


def features_many(
    items: Sequence[tuple[Article, Extraction | None]], options: ClusterOptions
) -> list[Features]:
    """`article_features` over a chunk (the unit `parallel.ordered_map` ships to a worker)."""
    if len(_WORKER_TERMS) > _WORKER_TERMS_MAX:
        _WORKER_TERMS.clear()
    return [article_features(a, x, options, _WORKER_TERMS) for a, x in items]


def year_factor(a: Collection[int], b: Collection[int], options: ClusterOptions) -> float:
    """Damping for two texts anchored in nearby but different years: two instances of one kind of event.

    Years further apart than `year_gap_max` from every year of the other text
    are history (a 1953 armistice in a 2025 report) and prove nothing.
    """
    if not a or not b:
        return 1.0
    gap = min(abs(x - y) for x in a for y in b)
    if 0 < gap <= options.year_gap_max:
        return options.year_mismatch_factor
    return 1.0


class StoryClusterer:
    """Assigns articles, in time order, to stories; incremental and persistable."""

    def __init__(self, options: ClusterOptions) -> None:
        self.options = options
        self.log: list[ClusterEvent] = []
        self._df: Counter[str] = Counter()
        self._df_added: Counter[str] = Counter()  # document frequencies gained since the last save
        self._df_reset = False  # the vocabulary was pruned since the last save: write it whole
        self._n_docs = 0
        self._frozen_idf = False
        self._stories: list[_Story] = []
        self._article_story: dict[str, int] = {}  # article id -> story index (may be an alias)
        self._postings: dict[str, list[int]] = {}  # feature -> story indexes, oldest first
        self._postings_touched: set[str] = set()  # features whose posting changed since the last save
        # Features whose postings may hold stories merged away or evicted since the last compaction
        # (None after a restore: not known, so the next compaction visits every posting).
        self._stale: set[str] | None = set()
        self._terms: dict[str, str] = {}  # word -> stemmed term, a cache
        self._vocab: dict[str, str] = {}  # one shared string object per feature, to save memory
        self._live: list[int] = []  # stories that still have a centroid, oldest first
        self._members_reset: set[int] = set()  # stories whose member list changed other than by appends
        # Stories changed since the last save, with their member count then: a save writes their
        # chunks and members, so its cost follows what changed, not the number of stories.
        self._dirty: dict[int, int] = {}
        self._saved_count = 0  # stories when last saved; those after it are new
        self._saved_log = 0  # decisions when last saved; those after it are appended
        self._rewrite_all = False  # the next save writes every chunk, member list and frequency
        self._earlier_history: list[bytes] = []  # decisions a restore left undecoded (compressed)
        self._topic: dict[int, str] = {}  # story index -> topic id, as last grouped
        self._topics_stale = False  # stories changed since topics were last grouped
        self._max_day: int | None = None
        self._since_evict = 0
        self.generation = 0  # saves so far (`to_parts`), kept in the core
        # Whether the caller stored the whole story -> topic map since this clusterer was made or
        # restored; after that, `topic_changes` gives what to append.
        self.topics_saved = False
        self._topic_dirty: set[int] = set()  # stories whose topic entry changed since the last save

    # ------------------------------------------------------------------ public

    def assign(
        self,
        article: Article,
        extraction: Extraction | None = None,
        duplicate_of: str | None = None,
        embedding: Sequence[float] | None = None,
        features: Features | None = None,
    ) -> str:
        """Put one article into a story and return the story id (a copy joins its original's story).

        `features` is `article_features(article, extraction, options)` when it
        was computed elsewhere (a worker process); the result is the same.

        `embedding` (a unit sentence vector, `embed.py`) is optional: with
        `embedding_weight` > 0, a story that has one scores (1 - weight) x term
        cosine + weight x embedding cosine (headlines share few words).
        """
        known = self._article_story.get(article.id)
        if known is not None:
            return self._stories[self._resolve(known)].id
        if duplicate_of is not None and duplicate_of in self._article_story:
            s = self._resolve(self._article_story[duplicate_of])
            story = self._stories[s]
            self._touch(s)
            story.members.append(article.id)
            if story.centroid and not story.closed:
                story.info[article.id] = duplicate_of  # a copy follows its original in a split
                self._close_if_past(story)
            self._article_story[article.id] = s
            self.log.append(ClusterEvent("copy", story.id, article.id, score=1.0))
            return story.id
        feats = (
            features
            if features is not None
            else article_features(article, extraction, self.options, self._terms)
        )
        vocab = self._vocab
        feats.tf = {vocab.setdefault(f, f): w for f, w in feats.tf.items()}
        if feats.day is not None and (self._max_day is None or feats.day > self._max_day):
            self._max_day = feats.day
        if not self._frozen_idf:
            self._n_docs += 1
            self._df.update(feats.tf.keys())
            self._df_added.update(feats.tf.keys())
        self._since_evict += 1
        self._topics_stale = True
        if self._since_evict >= 1000:
            self._evict_cold()
        idf = self._idfs(feats.tf)
        top = self._salient(feats, idf)  # heaviest features first: a member's kept vector
        salient = top[: self.options.index_terms]
        vector = None if embedding is None else _unit(embedding)
        best, best_score, scored = self._best_story(feats, idf, salient, vector)
        if best is None or best_score < self.options.threshold:
            s = self._new_story(article.id, feats, top, idf)
            _add_embedding(self._stories[s], vector)
            self.log.append(ClusterEvent("new", self._stories[s].id, article.id, score=round(best_score, 4)))
            return self._stories[s].id
        before = len(self._stories[best].info)
        self._join(best, article.id, feats, top, idf)
        _add_embedding(self._stories[best], vector)
        self.log.append(
            ClusterEvent("assign", self._stories[best].id, article.id, score=round(best_score, 4))
        )
        self._maybe_merge(best, scored)
        s = self._resolve(best)
        if self._split_due(before, len(self._stories[s].info)):
            self._maybe_split(s)
        return self._stories[self._resolve(self._article_story[article.id])].id

    def stories(self) -> dict[str, tuple[str, ...]]:
        """Story id -> member article ids, in the order they joined."""
        return {s.id: tuple(s.members) for s in self._stories if s.alias_of is None}

    def story_of(self, article_id: str) -> str | None:
        """The story an article is in now (after any merges), None if it was never assigned."""
        s = self._article_story.get(article_id)
        return None if s is None else self._stories[self._resolve(s)].id

    def topics(self) -> dict[str, tuple[str, ...]]:
        """Topic id -> its story ids, oldest first: stories of one kind of event ("a ferry strike")."""
        self._group_topics()
        out: dict[str, list[str]] = {}
        for i, story in enumerate(self._stories):
            if story.alias_of is None:
                out.setdefault(self._topic.get(i, "t" + story.id[1:]), []).append(story.id)
        return {t: tuple(ids) for t, ids in out.items()}

    def topic_changes(self) -> dict[str, str | None]:
        """The story -> topic entries that changed since `mark_saved` (None: the story merged away):
        the stories regrouped into another topic, the new ones and the merged ones. What `topics`
        gives is the map saved last with these applied; this visits only them."""
        self._group_topics()
        changed = {*self._topic_dirty, *self._dirty, *range(self._saved_count, len(self._stories))}
        out: dict[str, str | None] = {}
        for i in sorted(changed):
            story = self._stories[i]
            out[story.id] = None if story.alias_of is not None else self._topic.get(i, "t" + story.id[1:])
        return out

    def topic_of(self, article_id: str) -> str | None:
        """The topic of an article's story, None if it was never assigned."""
        s = self._article_story.get(article_id)
        if s is None:
            return None
        self._group_topics()
        s = self._resolve(s)
        return self._topic.get(s, "t" + self._stories[s].id[1:])

    def fit_idf(self, features: Sequence[Features]) -> None:
        """Learn the IDF from a whole batch up front (batch mode) and keep it fixed."""
        for feats in features:
            self._df.update(feats.tf.keys())
            self._df_added.update(feats.tf.keys())
        self._n_docs += len(features)
        self._frozen_idf = True

    def _core(self, whole: bool = True) -> dict[str, Any]:
        """The state that is not per story, per article or history: bounded by the vocabulary and
        the live window, not by the store. Not `whole`: without the document frequencies and the
        postings (stored parts append their changes to the log segments instead: they are most
        of the core)."""
        return {
            "format": _FORMAT,
            "n_docs": self._n_docs,
            **({"df": self._df} if whole else {}),
            "frozen": self._frozen_idf,
            "live": self._live,
            "topics": [[s, t] for s, t in sorted(self._topic.items())],
            "topics_stale": self._topics_stale,
            "max_day": self._max_day,
            "since_evict": self._since_evict,
            **({"postings": self._postings} if whole else {}),
            "generation": self.generation,
        }

    def _restore_core(self, raw: Mapping[str, Any]) -> None:
        self.generation = int(raw.get("generation", 0))
        self._n_docs = raw["n_docs"]
        self._df = Counter(raw.get("df", {}))
        self._frozen_idf = raw["frozen"]
        self._live = raw["live"]
        self._topic = {s: t for s, t in raw.get("topics", [])}
        self._topics_stale = raw.get("topics_stale", True)
        self._max_day = raw["max_day"]
        self._since_evict = raw["since_evict"]
        self._vocab = {f: f for f in self._df}
        self._postings = raw.get("postings", {})
        self._stale = None

    def to_bytes(self) -> bytes:
        """Persistable state (compressed JSON, no pickle), whole: see `to_parts` for the appended form."""
        data = {
            **self._core(),
            "stories": [_story_row(s) for s in self._stories],
            "articles": self._article_story,
            "log": [_event_row(e) for e in self.log],
        }
        return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 6)

    @classmethod
    def from_bytes(cls, data: bytes, options: ClusterOptions) -> StoryClusterer:
        """Restore a clusterer saved with `to_bytes`."""
        raw = json.loads(zlib.decompress(data).decode())
        if raw.get("format") not in (1, _FORMAT):  # format 1: no member info (those stories never split)
            raise ValueError(f"story clusterer format {raw.get('format')} is not {_FORMAT}")
        c = cls(options)
        c._restore_core(raw)
        c._stories = [_story_from_row(row) for row in raw["stories"]]
        c._article_story = raw["articles"]
        c.log = [_event_from_row(e) for e in raw["log"]]
        c.mark_saved()
        return c

    # ------------------------------------------------------------------ appended persistence

    def mark_saved(self) -> None:
        """Remember the state as stored, so `to_parts` writes only what changes after this."""
        self._saved_log = len(self.log)
        self._saved_count = len(self._stories)
        self._dirty = {}
        self._topic_dirty = set()
        self._members_reset = set()
        self._rewrite_all = False
        self._df_added = Counter()
        self._df_reset = False
        self._postings_touched = set()

    def to_parts(
        self, full: bool = False, history: bool = False
    ) -> tuple[dict[str, bytes], dict[str, bytes]]:
        """What changed since `mark_saved`, as named parts: (parts to write, parts to append).

        To write (replacing the part of that name): the core, and each chunk of `STORY_CHUNK`
        stories that holds a story changed since (`_touch` marks them: a member joined, a merge, a
        split, an eviction); a chunk keeps no member lists. To append: one log segment
        (`pack_segment`) with the members each story gained (its whole list when it is new, or a
        merge or split changed it), the document frequencies added, the posting lists changed,
        and the decisions since. An ingest of 100 articles into a large store writes a small
        core, a few chunks and about 100 member ids, not every story nor a large story's whole
        list. `full` writes every
        chunk and the whole history (a new store, or a migration from the single blob); `history`
        only the whole history (appended segments folded into one).
        """
        self.generation += 1  # every save writes a core of its own: a reader can tell saves apart
        every = full or self._rewrite_all  # every chunk and member list
        if every:
            chunks = sorted({i // STORY_CHUNK for i in range(len(self._stories))})
        else:
            changed = [*self._dirty, *range(self._saved_count, len(self._stories))]
            chunks = sorted({i // STORY_CHUNK for i in changed})
        write = {CORE_PART: _pack(self._core(whole=False))}
        for c in chunks:
            rows = [
                _story_row(s, members=False) for s in self._stories[c * STORY_CHUNK : (c + 1) * STORY_CHUNK]
            ]
            write[f"{CHUNK_PART}{c:08d}"] = _pack({"first": c * STORY_CHUNK, "stories": rows})
        history = history or full
        members = self._member_changes(whole=every or history)
        df = (
            {"reset": self._df}
            if every or history or self._df_reset
            else ({"add": self._df_added} if self._df_added else {})
        )
        postings = (
            {"reset": self._postings}
            if every or history
            else {"set": {f: self._postings.get(f, []) for f in sorted(self._postings_touched)}}
        )
        start = 0 if history else self._saved_log
        rows = [_event_row(e) for e in self.log[start:]]
        if history:  # the history a restore left undecoded, then this process's
            rows = [*(r for part in self._earlier_history for r in _unpack(part)), *rows]
        append = {}
        posted = "reset" in postings or bool(postings["set"])
        if rows or members["reset"] or members["add"] or df or posted:
            state = {"members": members, "df": df, "postings": postings}
            append["log"] = pack_segment(state, rows)
        return write, append

    def _member_changes(self, whole: bool) -> dict[str, dict[str, list[str]]]:
        """Member lists since `mark_saved`: the members appended to each story ("add"), and the
        whole list of a story that is new or whose list changed otherwise ("reset": a merge emptied
        it, a split cut it). `whole`: every story's list (a segment that replaces all before it)."""
        reset: dict[str, list[str]] = {}
        add: dict[str, list[str]] = {}
        first_new = 0 if whole else self._saved_count
        for i in sorted({*([] if whole else self._dirty), *range(first_new, len(self._stories))}):
            members = self._stories[i].members
            if i >= first_new or i in self._members_reset:
                reset[str(i)] = members
            elif len(members) > self._dirty[i]:
                add[str(i)] = members[self._dirty[i] :]
        return {"reset": reset, "add": add}

    def _touch(self, s: int) -> None:
        """Mark a story changed since the last save (before its members change: their count then
        is where the appended ones start)."""
        if s not in self._dirty:
            self._dirty[s] = len(self._stories[s].members)

    @classmethod
    def from_parts(
        cls,
        core: bytes,
        chunks: Sequence[bytes],
        segments: Sequence[bytes],
        options: ClusterOptions,
        history: bool = True,
    ) -> StoryClusterer:
        """Restore a clusterer from `to_parts` output: the core, its story chunks in name order
        and its appended segments in the order they were written.

        `history=False` leaves the log of earlier decisions undecoded (`log` then holds only what
        happens after): assignment never reads it, and decoding it grew with the store. Which
        story holds an article is read from the member lists."""
        raw = _unpack(core)
        if raw.get("format") != _FORMAT:
            raise ValueError(f"story clusterer format {raw.get('format')} is not {_FORMAT}")
        c = cls(options)
        c._restore_core(raw)
        legacy = "df" in raw  # a core and chunks written before the segments held frequencies and members
        for data in chunks:
            chunk = _unpack(data)
            first = chunk["first"]
            if len(c._stories) < first:
                raise ValueError(f"story clusterer chunk at {first} follows only {len(c._stories)} stories")
            legacy = legacy or any(r[1] is not None for r in chunk["stories"])
            c._stories[first : first + len(chunk["stories"])] = [_story_from_row(r) for r in chunk["stories"]]
        read = [read_segment(data) for data in segments]
        earlier = [past for _part, past in read]
        state = _merge_states([part for part, _past in read])  # the segments' changes, in order
        for i, ids in state["members"]["reset"].items():
            c._stories[int(i)].members = ids
        for i, ids in state["members"]["add"].items():
            c._stories[int(i)].members.extend(ids)
        if "reset" in state["df"]:
            c._df = state["df"]["reset"]
        c._df.update(state["df"].get("add", {}))
        _apply_postings(c._postings, state["postings"])
        c._vocab = {f: f for f in c._df}
        for s, story in enumerate(c._stories):  # the inverse of the member lists (copies included)
            for aid in story.members:
                c._article_story[aid] = s
        if history:
            c.log = [_event_from_row(e) for part in earlier for e in _unpack(part)]
        else:
            c._earlier_history = earlier
        c.mark_saved()
        c._rewrite_all = legacy  # the next save writes every chunk without lists, every list once
        return c

    # ------------------------------------------------------------------ scoring

    def _idf(self, f: str) -> float:
        return math.log((self._n_docs + 1) / (self._df.get(f, 0) + 1)) + 1.0

    def _idfs(self, features: Collection[str]) -> dict[str, float]:
        log, top = math.log, self._n_docs + 1
        counts = map(self._df.get, features, itertools.repeat(0))  # the lookups in C, not bytecode
        return dict(zip(features, [log(top / (d + 1)) + 1.0 for d in counts], strict=True))

    def _norm(self, story: _Story) -> float:
        """|centroid * idf|, recomputed when the story changed or the corpus grew by a tenth."""
        if story.norm_docs < 0 or self._n_docs > story.norm_docs * 1.1 + 10:
            idf = self._idfs(story.centroid)
            story.norm = math.sqrt(sum((w * idf[f]) ** 2 for f, w in story.centroid.items())) or 1.0
            story.norm_docs = self._n_docs
        return story.norm

    def _resolve(self, s: int) -> int:
        while (target := self._stories[s].alias_of) is not None:
            s = target
        return s

    def _salient(self, feats: Features, idf: Mapping[str, float]) -> list[str]:
        return _heaviest(feats.tf, idf, max(self.options.index_terms, self.options.member_terms))

    def _story_score(
        self,
        story: _Story,
        weighted: Sequence[tuple[str, float]],
        years: frozenset[int],
        norm: float,
        vector: Any = None,
    ) -> float:
        """Cosine of the article (as (feature, tf * idf^2) pairs) with the story centroid, year-damped.

        With an article embedding, a story embedding and `embedding_weight` > 0, the cosine is
        mixed with the embedding cosine before the year damping.
        """
        get = story.centroid.get
        dot = sum([w * get(f, 0.0) for f, w in weighted])
        score = dot / (norm * self._norm(story))
        weight = self.options.embedding_weight
        if weight > 0 and vector is not None and story.embedding is not None:
            total = float(story.embedding @ story.embedding) ** 0.5 or 1.0
            score = (1.0 - weight) * score + weight * float(vector @ story.embedding) / total
        return score * year_factor(years, story.years, self.options)

    def _is_cold(self, story: _Story, day: int | None) -> bool:
        if day is None or story.last_day is None or story.first_day is None:
            return False
        window = self.options.window_days
        return day - story.last_day > window or story.first_day - day > window

    def _best_story(
        self, feats: Features, idf: Mapping[str, float], salient: Sequence[str], vector: Any = None
    ) -> tuple[int | None, float, list[tuple[float, int]]]:
        raw: Counter[int] = Counter()
        depth = self.options.max_posting
        for f in salient:
            posting = self._postings.get(f)
            if posting:
                raw.update(posting[-depth:])  # counted in C; each distinct story resolved once below
        hits: Counter[int] = Counter()
        for s, n in raw.items():
            hits[self._resolve(s)] += n
        ranked = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[: self.options.max_candidates]
        norm = math.sqrt(sum([(w * idf[f]) ** 2 for f, w in feats.tf.items()])) or 1.0
        weighted = [(f, w * idf[f] * idf[f]) for f, w in feats.tf.items()]
        scored: list[tuple[float, int]] = []
        for s, _h in ranked:
            story = self._stories[s]
            if story.centroid and not self._is_cold(story, feats.day):
                scored.append((self._story_score(story, weighted, feats.years, norm, vector), s))
        scored.sort(key=lambda t: (-t[0], t[1]))
        if not scored:
            return None, 0.0, scored
        return scored[0][1], scored[0][0], scored

    # ------------------------------------------------------------------ updates

    def _evict_cold(self) -> None:
        """Drop the centroids of stories cold for two windows: no dated article can join them now.

        Keeps memory flat in a long stream; members and ids stay. Postings of
        evicted stories are compacted away at the same time.
        """
        self._since_evict = 0
        if self._max_day is None:
            return
        horizon = self._max_day - 2 * self.options.window_days
        live, dropped, stale = [], False, self._stale
        for s in self._live:
            story = self._stories[s]
            if story.alias_of is not None or not story.centroid:
                dropped = True
                if stale is not None:
                    stale.update(story.posted)
            elif story.last_day is not None and story.last_day < horizon:
                if stale is not None:
                    stale.update(story.posted)
                self._touch(s)
                story.centroid, story.posted, story.info, dropped = {}, set(), {}, True
                story.embedding = None
            else:
                live.append(s)
        self._live = live
        if dropped:
            # Only the postings of the dropped stories' features can hold them: visiting those,
            # not every posting, keeps the compaction's cost at what was dropped, not the vocabulary.
            keep = set(live)
            postings = self._postings
            for f in list(postings) if stale is None else stale:
                posting = postings.get(f)
                if posting is None:
                    continue
                kept = [s for s in posting if s in keep]
                if len(kept) != len(posting):
                    self._postings_touched.add(f)
                if kept:
                    postings[f] = kept
                else:
                    del postings[f]
            self._stale = set()
            self._prune_vocabulary()

    def _prune_vocabulary(self) -> None:
        """Forget the rarest features when the vocabulary outgrows its cap (long-tail names of a long stream).

        Drops whole count levels, rarest first, until three quarters of the cap
        remain, so pruning runs rarely. A forgotten feature scores as unseen,
        which raises its IDF a little; live centroids keep their own copies.
        """
        cap = self.options.max_vocabulary
        if len(self._df) <= cap:
            return
        levels = Counter(self._df.values())
        remaining, floor = len(self._df), 0
        for count in sorted(levels):
            if remaining <= cap * 3 // 4:
                break
            remaining -= levels[count]
            floor = count
        self._df = Counter({f: c for f, c in self._df.items() if c > floor})
        self._vocab = {f: f for f in self._df}
        self._df_reset = True

    def _new_story(
        self, article_id: str, feats: Features, top: Sequence[str], idf: Mapping[str, float]
    ) -> int:
        s = len(self._stories)
        self._live.append(s)
        self._stories.append(
            _Story(content_id(article_id, prefix="s"), [], {}, Counter(), feats.day, feats.day)
        )
        self._join(s, article_id, feats, top, idf)
        return s

    def _join(
        self, s: int, article_id: str, feats: Features, top: Sequence[str], idf: Mapping[str, float]
    ) -> None:
        self._touch(s)
        story = self._stories[s]
        story.members.append(article_id)
        self._article_story[article_id] = s
        centroid = story.centroid
        grow = 0.0
        for f, w in feats.tf.items():
            c = centroid.get(f, 0.0)
            centroid[f] = c + w
            grow += (2.0 * c * w + w * w) * idf[f] * idf[f]
        if story.norm_docs >= 0:  # keep the cached norm valid without a full pass over the centroid
            story.norm = math.sqrt(story.norm * story.norm + grow) or 1.0
        story.years.update(feats.years)
        if not story.closed:
            # Rounded here, not when saved, so a restored clusterer splits exactly like a running one.
            kept = {f: round(feats.tf[f], 4) for f in top[: self.options.member_terms]}
            story.info[article_id] = [kept, sorted(feats.years), feats.day]
            self._close_if_past(story)
        if feats.day is not None:
            story.first_day = feats.day if story.first_day is None else min(story.first_day, feats.day)
            story.last_day = feats.day if story.last_day is None else max(story.last_day, feats.day)
        self._prune(story)
        for f in top[: self.options.index_terms]:
            if f not in story.posted:
                story.posted.add(f)
                self._postings.setdefault(f, []).append(s)
                self._postings_touched.add(f)

    def _close_if_past(self, story: _Story) -> None:
        """Drop a story's member vectors once it has more than `split_max_members`: every split
        check size lies below that, so they would never be read again."""
        if not story.closed and len(story.info) > self.options.split_max_members:
            story.info, story.closed = {}, True

    def _prune(self, story: _Story) -> None:
        cap = self.options.centroid_terms
        if len(story.centroid) > 2 * cap:
            idf = self._idfs(story.centroid)
            keep = sorted(story.centroid.items(), key=lambda kv: (-kv[1] * idf[kv[0]], kv[0]))[:cap]
            story.centroid = dict(keep)
            story.norm_docs = -1

    def _centroid_similarity(self, a: _Story, b: _Story) -> float:
        if len(a.centroid) > len(b.centroid):
            a, b = b, a
        shared = [f for f in a.centroid if f in b.centroid]
        idf = self._idfs(shared)
        dot = sum(a.centroid[f] * b.centroid[f] * idf[f] ** 2 for f in shared)
        return dot / (self._norm(a) * self._norm(b)) * year_factor(a.years, b.years, self.options)

    def _maybe_merge(self, s: int, scored: list[tuple[float, int]]) -> None:
        """Merge the story that just grew with a runner-up candidate its centroid now matches."""
        s = self._resolve(s)
        for score, t in scored[1 : 1 + self.options.merge_candidates]:
            if score < self.options.threshold:
                break  # a story the article itself could not join is no merge partner
            t = self._resolve(t)
            if t == s:
                continue
            sim = self._centroid_similarity(self._stories[s], self._stories[t])
            if sim < self.options.merge_threshold:
                continue
            keep, gone = (s, t) if s < t else (t, s)
            event = ClusterEvent(
                "merge",
                self._stories[keep].id,
                other_story_id=self._stories[gone].id,
                score=round(sim, 4),
                article_ids=tuple(self._stories[gone].members),
            )
            self._absorb(keep, gone)
            self.log.append(event)
            s = keep

    def _absorb(self, keep: int, gone: int) -> None:
        self._touch(keep)
        self._touch(gone)
        a, b = self._stories[keep], self._stories[gone]
        for aid in b.members:
            self._article_story[aid] = keep
        a.members.extend(b.members)
        self._members_reset.add(gone)
        if a.closed or b.closed:
            a.info, a.closed = {}, True  # some members keep no vectors: no split can be computed
        else:
            a.info.update(b.info)
            self._close_if_past(a)
        for f, w in b.centroid.items():
            a.centroid[f] = a.centroid.get(f, 0.0) + w
        a.years.update(b.years)
        _add_embedding(a, b.embedding)
        days = [d for d in (a.first_day, b.first_day) if d is not None]
        a.first_day = min(days) if days else None
        days = [d for d in (a.last_day, b.last_day) if d is not None]
        a.last_day = max(days) if days else None
        for f in sorted(b.posted - a.posted):
            a.posted.add(f)
            self._postings.setdefault(f, []).append(keep)
            self._postings_touched.add(f)
        if self._stale is not None:
            self._stale.update(b.posted)  # its postings still name it until the next compaction
        a.norm_docs = -1
        self._prune(a)
        b.alias_of = keep
        b.members = []
        b.centroid = {}
        b.posted = set()
        b.info = {}
        b.embedding = None

    # ------------------------------------------------------------------ topics

    def _group_topics(self) -> None:
        """Group the live stories into topics: average link over their centroids' term similarity.

        A topic is one kind of event ("an actress enters rehab", "a ferry
        strike"): stories of one topic share the words for it, not the names,
        dates or figures, so names count `topic_entity_weight` (relative to
        terms) and the rest not at all. Grouped when asked for, over the
        stories that still have a centroid, so the grouping follows the stories
        as they grow, merge and split, whatever the order articles came in;
        a story gone cold keeps the topic it had. A group takes the topic id
        its oldest story had before (when no older group took it first), else
        `t` + that story's id, so topic ids stay put as topics grow.
        """
        if not self._topics_stale:
            return
        self._topics_stale = False
        live = [s for s in self._live if self._stories[s].alias_of is None and self._stories[s].centroid]
        for s in [s for s in self._topic if self._stories[s].alias_of is not None]:
            del self._topic[s]
            self._topic_dirty.add(s)
        if len(live) > self.options.topic_max_stories:  # the most recently active; the rest keep theirs
            recent = sorted(live, key=lambda s: (-(self._stories[s].last_day or 0), -s))
            keep = set(recent[: self.options.topic_max_stories])
            live = [s for s in live if s in keep]
        if not live:
            return
        labels = [0] if len(live) == 1 else self._topic_labels(live)
        groups: dict[int, list[int]] = {}
        for s, label in zip(live, labels, strict=True):
            groups.setdefault(int(label), []).append(s)
        live_set = set(live)
        cold_ids = {tid for s, tid in self._topic.items() if s not in live_set}
        taken: set[str] = set()
        for members in sorted(groups.values()):
            oldest = members[0]
            tid = self._topic.get(oldest)  # a topic continues under its id, cold members or not
            if tid is None or tid in taken:
                # A fresh id: not one a live group took, nor one that cold stories of another topic keep.
                tid = "t" + self._stories[oldest].id[1:]
                for member in members[1:]:
                    if tid not in taken and tid not in cold_ids:
                        break
                    tid = "t" + self._stories[member].id[1:]
            taken.add(tid)
            for s in members:
                if self._topic.get(s) != tid:
                    self._topic_dirty.add(s)
                self._topic[s] = tid

    def _topic_labels(self, live: Sequence[int]) -> Sequence[int]:
        import numpy as np
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.sparse import csr_matrix

        scale = {"w": 1.0, "e": self.options.topic_entity_weight}
        column: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for i, s in enumerate(live):
            centroid = self._stories[s].centroid
            idf = self._idfs(centroid)
            for f, w in centroid.items():
                x = scale.get(f[0], 0.0)
                if x:
                    rows.append(i)
                    cols.append(column.setdefault(f, len(column)))
                    vals.append(w * idf[f] * x)
        x = csr_matrix((vals, (rows, cols)), shape=(len(live), max(1, len(column))))
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        x = csr_matrix(x.multiply(1.0 / norms[:, np.newaxis]))
        sim = (x @ x.T).toarray()
        dist = (1.0 - sim)[np.triu_indices(len(live), k=1)].clip(0.0)
        tree = linkage(dist, method="average")
        return fcluster(tree, 1.0 - self.options.topic_threshold, criterion="distance")

    # ------------------------------------------------------------------ splits

    def _split_due(self, before: int, after: int) -> bool:
        """Check a story for a split when it has grown by half since the last check (6, 9, 14, 21 ... members).

        `before` and `after` count its members with kept vectors around this assignment: a merge
        that grows a story past a check size (8 -> 12) still gets that check.
        """
        sizes = _split_sizes(max(6, 2 * self.options.split_min_size), self.options.split_max_members)
        return any(before < n <= after for n in sizes)

    def _maybe_split(self, s: int) -> None:
        """Split a story whose members have drifted into two groups that average link keeps apart.

        The members (copies aside) are clustered by average link over their
        article-to-article scores; when the last two groups join below
        `split_threshold`, each has at least `split_min_size` articles and their
        centroids are too far apart to merge again, the group without the
        story's founding article becomes a new story. The founding part keeps
        the id, so story ids stay content ids of each story's first article.
        """
        import numpy as np
        from scipy.cluster.hierarchy import fcluster, linkage

        story = self._stories[s]
        if story.closed or any(aid not in story.info for aid in story.members):
            return  # members restored from a format-1 state kept no vectors: a split would lose them
        ids = [aid for aid in story.members if isinstance(story.info.get(aid), list)]
        if len(ids) < 2 * self.options.split_min_size:
            return  # mostly copies: not enough originals for two parts
        vectors = [story.info[aid][0] for aid in ids]
        features = sorted({f for v in vectors for f in v})
        column = {f: i for i, f in enumerate(features)}
        idf = self._idfs(features)
        x = np.zeros((len(ids), len(features)))
        for i, v in enumerate(vectors):
            for f, w in v.items():
                x[i, column[f]] = w * idf[f]
        x /= np.linalg.norm(x, axis=1, keepdims=True).clip(1e-12)
        sim = x @ x.T
        years = [story.info[aid][1] for aid in ids]
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                factor = year_factor(years[i], years[j], self.options)
                if factor != 1.0:
                    sim[i, j] *= factor
                    sim[j, i] *= factor
        dist = (1.0 - sim)[np.triu_indices(len(ids), k=1)].clip(0.0)
        tree = linkage(dist, method="average")
        score = 1.0 - float(tree[-1, 2])
        if score >= self.options.split_threshold:
            return
        labels = fcluster(tree, 2, criterion="maxclust")
        moved = {aid for aid, label in zip(ids, labels, strict=True) if label != labels[0]}
        if min(len(moved), len(ids) - len(moved)) < self.options.split_min_size:
            return
        info = story.info
        follows = {aid for aid in story.members if _original(info, aid) in moved}
        new = _Story("", [aid for aid in story.members if aid in follows], {}, Counter(), None, None)
        new.info = {aid: info[aid] for aid in new.members if aid in info}
        rest = _Story(
            story.id, [aid for aid in story.members if aid not in follows], {}, Counter(), None, None
        )
        rest.info = {aid: m for aid, m in info.items() if aid not in follows}
        for aid in ids:  # member order, not set order: float sums and key order must not vary by run
            if aid not in moved:
                continue
            for f, w in info[aid][0].items():
                new.centroid[f] = new.centroid.get(f, 0.0) + w
        for f, w in story.centroid.items():
            left = w - new.centroid.get(f, 0.0)
            if left > 1e-9:  # the moved members' trimmed-away features stay behind: a small residue
                rest.centroid[f] = left
        if story.embedding is not None:  # members keep no vectors: both parts keep the story's direction
            for part, share in ((rest, len(ids) - len(moved)), (new, len(moved))):
                part.embedding = (story.embedding * (share / len(ids))).round(5)
        for part in (rest, new):
            dated = [m for m in part.info.values() if isinstance(m, list)]
            part.years = Counter(y for m in dated for y in m[1])
            days = [m[2] for m in dated if m[2] is not None]
            part.first_day = min(days, default=None)
            part.last_day = max(days, default=None)
        if self._centroid_similarity(rest, new) >= self.options.merge_threshold:
            return  # they would merge again with the next article
        self._split_off(s, rest, new, round(score, 4))

    def _split_off(self, s: int, rest: _Story, new: _Story, score: float) -> None:
        self._touch(s)
        story = self._stories[s]
        story.members, story.info, story.centroid = rest.members, rest.info, rest.centroid
        self._members_reset.add(s)
        story.years, story.first_day, story.last_day = rest.years, rest.first_day, rest.last_day
        story.embedding = rest.embedding
        story.norm_docs = -1
        t = len(self._stories)
        new.id = content_id(new.members[0], prefix="s")
        new.norm_docs = -1
        self._stories.append(new)
        self._live.append(t)
        for aid in new.members:
            self._article_story[aid] = t
        k = self.options.index_terms
        for m in new.info.values():
            if isinstance(m, list):
                for f in _heaviest(m[0], self._idfs(m[0]), k):
                    if f not in new.posted:
                        new.posted.add(f)
                        self._postings.setdefault(f, []).append(t)
                        self._postings_touched.add(f)
        self.log.append(
            ClusterEvent(
                "split", story.id, other_story_id=new.id, score=score, article_ids=tuple(new.members)
            )
        )


def _unit(embedding: Sequence[float]) -> Any:
    import numpy as np

    v = np.asarray(embedding, dtype=np.float64)
    return (v / (float(v @ v) ** 0.5 or 1.0)).round(5)


def _array(values: Sequence[float] | None) -> Any:
    import numpy as np

    return None if values is None else np.asarray(values, dtype=np.float64)


def _add_embedding(story: _Story, vector: Any) -> None:
    """Add a unit vector (or another story's sum) to a story's embedding sum (rounded: saved = live)."""
    if vector is None:
        return
    story.embedding = vector.copy() if story.embedding is None else (story.embedding + vector).round(5)


def _heaviest(tf: Mapping[str, float], idf: Mapping[str, float], n: int) -> list[str]:
    """The n features of largest tf * idf, heaviest first (ties by name: deterministic)."""
    return [f for _w, f in sorted([(-w * idf[f], f) for f, w in tf.items()])[:n]]


def _original(info: Mapping[str, list | str], aid: str) -> str:
    """The member a copy (of a copy ...) goes back to; the article itself when it is no copy."""
    seen = {aid}
    while isinstance(target := info.get(aid), str) and target not in seen:
        seen.add(target)
        aid = target
    return aid


@cache
def _split_sizes(first: int, last: int) -> frozenset[int]:
    sizes, n = set(), first
    while n <= last:
        sizes.add(n)
        n = max(n + 1, math.ceil(n * 1.5))
    return frozenset(sizes)


def _time_order(article: Article) -> tuple[str, str]:
    return (article.published or "9999-99-99", article.id)


def cluster_batch(
    articles: Sequence[Article],
    extractions: Mapping[str, Extraction],
    duplicates: Mapping[str, DuplicateInfo],
    options: ClusterOptions,
) -> dict[str, str]:
    """Recluster a whole batch with the same features and scoring: article id -> story id.

    The IDF is learned from the whole batch. Up to `batch_max_articles`
    articles, stories are found by average-link agglomeration over the
    article-to-article scores (order-free, and more accurate than one pass);
    beyond that, by the online pass in publication order with the fixed IDF.
    Copies join their original's story; story ids are the content ids of each
    story's earliest article, as online.
    """
    ordered = sorted({a.id: a for a in articles}.values(), key=_time_order)
    originals = [a for a in ordered if a.id not in duplicates]
    cache: dict[str, str] = {}
    feats = [article_features(a, extractions.get(a.id), options, cache) for a in originals]
    if len(originals) > options.batch_max_articles:
        clusterer = StoryClusterer(options)
        clusterer.fit_idf(feats)
        for article in ordered:
            dup = duplicates.get(article.id)
            clusterer.assign(article, extractions.get(article.id), dup.duplicate_of if dup else None)
        return {aid: sid for sid, members in clusterer.stories().items() for aid in members}
    labels = _average_link(feats, options)
    founder: dict[int, str] = {}
    for article, label in zip(originals, labels, strict=True):
        founder.setdefault(label, content_id(article.id, prefix="s"))
    out = {a.id: founder[label] for a, label in zip(originals, labels, strict=True)}
    for article in ordered:
        if article.id in out:
            continue
        root = duplicates[article.id].duplicate_of
        seen = {article.id}
        while root in duplicates and root not in out and root not in seen:
            seen.add(root)
            root = duplicates[root].duplicate_of
        out[article.id] = out.get(root, content_id(article.id, prefix="s"))
    return out


def _average_link(feats: Sequence[Features], options: ClusterOptions) -> list[int]:
    """Average-link clusters over article-to-article scores (cosine x year damping x time window)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    n = len(feats)
    if n <= 1:
        return [0] * n
    df: Counter[str] = Counter()
    for f in feats:
        df.update(f.tf.keys())
    vocab = {f: i for i, f in enumerate(sorted(df))}
    idf = np.array([math.log((n + 1) / (df[f] + 1)) + 1.0 for f in sorted(df)])
    rows, cols, vals = [], [], []
    for i, f in enumerate(feats):
        for term, w in f.tf.items():
            rows.append(i)
            cols.append(vocab[term])
            vals.append(w)
    x = csr_matrix((vals, (rows, cols)), shape=(n, len(vocab)))
    x = x.multiply(idf[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    x = csr_matrix(x.multiply(1.0 / norms[:, np.newaxis]))
    sim = (x @ x.T).toarray()
    for i in range(n):
        if feats[i].years:
            for j in range(i + 1, n):
                factor = year_factor(feats[i].years, feats[j].years, options)
                if factor != 1.0:
                    sim[i, j] *= factor
                    sim[j, i] *= factor
    days = np.array([np.nan if f.day is None else f.day for f in feats])
    far = (
        np.abs(days[:, None] - days[None, :]) > options.window_days
    )  # NaN compares False: undated is never far
    sim[far] = 0.0
    from sklearn.cluster import AgglomerativeClustering

    labels = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1.0 - options.batch_threshold,
    ).fit_predict(1.0 - sim)
    # Relabel in order of first appearance so labels follow publication order.
    first: dict[int, int] = {}
    return [first.setdefault(int(label), len(first)) for label in labels]


# --------------------------------------------------------------------------- persistence rows

STORY_CHUNK = 64  # stories per stored chunk: a change rewrites its chunk, not the story list
CORE_PART = "core"
CHUNK_PART = "stories/"


def _apply_postings(postings: dict[str, list[int]], change: Mapping[str, Any]) -> None:
    """A segment's postings: the whole map ("reset"), or the lists of the features that changed
    ("set"; an empty list: the feature has no posting any more)."""
    if "reset" in change:
        postings.clear()
        postings.update(change["reset"])
    for f, stories in change.get("set", {}).items():
        if stories:
            postings[f] = stories
        else:
            postings.pop(f, None)


_SEGMENT = b"NDSEG2"  # a log segment: this mark, the state part's length, the state, the history


def pack_segment(state: Mapping[str, Any], rows: Sequence[Any]) -> bytes:
    """A log segment in two compressed parts, so a restore reads the state (members, frequencies,
    postings) without decoding the history of decisions, which only a full rewrite needs."""
    head = _pack(state)
    return _SEGMENT + len(head).to_bytes(8, "little") + head + _pack(list(rows))


def read_segment(data: bytes) -> tuple[dict[str, Any], bytes]:
    """A segment's state and its history part (compressed; `_unpack` gives the rows). A segment
    written before the two parts is one JSON object with its rows under "log"."""
    if not data.startswith(_SEGMENT):
        old = _unpack(data)
        return old, _pack(old.get("log", []))
    at = len(_SEGMENT) + 8
    size = int.from_bytes(data[len(_SEGMENT) : at], "little")
    return _unpack(data[at : at + size]), data[at + size :]


def merge_segments(segments: Sequence[bytes]) -> bytes:
    """Log segments of `to_parts` (in the order written) as one: `from_parts` reads the same
    clusterer from it (each story's members, the frequencies, the postings, the events in order)."""
    read = [read_segment(data) for data in segments]
    log = [row for _part, past in read for row in _unpack(past)]
    return pack_segment(_merge_states([part for part, _past in read]), log)


def _merge_states(states: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The state parts of segments (in the order written) as one state part: a story's members
    reset by a later segment drop what came before, additions add up; the frequencies likewise;
    the last list of a feature's postings wins. Restoring and merging both replay it."""
    reset: dict[str, list[str]] = {}
    add: dict[str, list[str]] = {}
    df_base: Counter[str] | None = None
    df_add: Counter[str] = Counter()
    post_base: dict[str, list[int]] | None = None
    post_set: dict[str, list[int]] = {}
    for seg in states:
        change = seg.get("postings", {})
        if "reset" in change:
            post_base, post_set = {}, {}
        if post_base is not None:
            _apply_postings(post_base, change)
        else:
            post_set.update(change.get("set", {}))
        df = seg.get("df", {})
        if "reset" in df:
            df_base, df_add = Counter(df["reset"]), Counter()
        df_add.update(df.get("add", {}))
        members = seg.get("members", {})
        for i, ids in members.get("reset", {}).items():
            reset[i] = list(ids)
            add.pop(i, None)
        for i, ids in members.get("add", {}).items():
            (reset[i] if i in reset else add.setdefault(i, [])).extend(ids)
    if df_base is not None:
        df_base.update(df_add)
    merged_df = {"reset": df_base} if df_base is not None else ({"add": df_add} if df_add else {})
    members = {"reset": reset, "add": add}
    postings = {"reset": post_base} if post_base is not None else {"set": post_set}
    return {"members": members, "df": merged_df, "postings": postings}


def _pack(data: Any) -> bytes:
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 6)


def _unpack(data: bytes) -> Any:
    return json.loads(zlib.decompress(data).decode())


def _story_row(s: _Story, members: bool = True) -> list[Any]:
    """A story as a JSON row; without `members` (stored parts keep them in the log segments, where
    a new member is appended instead of its story's whole list being written again)."""
    return [
        s.id,
        s.members if members else None,
        s.centroid,
        sorted(s.years.items()),
        s.first_day,
        s.last_day,
        sorted(s.posted),
        s.alias_of,
        s.norm,
        s.norm_docs,
        s.info,
        None if s.embedding is None else s.embedding.tolist(),
        s.closed,
    ]


def _story_from_row(row: Sequence[Any]) -> _Story:
    sid, members, centroid, years, first, last, posted, alias, norm, norm_docs, *more = row
    return _Story(
        sid,
        members if members is not None else [],
        centroid,
        Counter({int(y): n for y, n in years}),
        first,
        last,
        set(posted),
        alias,
        norm,
        norm_docs,
        more[0] if more else {},
        _array(more[1]) if len(more) > 1 else None,
        bool(more[2]) if len(more) > 2 else False,
    )


def _event_row(e: ClusterEvent) -> list[Any]:
    return [
        e.kind,
        e.story_id,
        e.article_id,
        e.other_story_id,
        e.score,
        *([e.article_ids] if e.article_ids else []),
    ]


def _event_from_row(e: Sequence[Any]) -> ClusterEvent:
    return ClusterEvent(*e[:5], tuple(e[5]) if len(e) > 5 else ())
