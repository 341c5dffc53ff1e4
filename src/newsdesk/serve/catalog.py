"""The service's read model: story cards, article cards, warnings and search, kept in memory.

Reads must never wait on NLP or on a scan of the store, so the service keeps
what its lists, filters and search read (titles, outlets, dates, conflicts,
the words of every dossier and article) in memory, and the last dossiers read
as ready-made JSON. The ingest worker refreshes exactly the stories and articles
a job touched; writes by another process (the CLI beside the server) are
picked up by `poll`, which compares the cheap story summaries and reloads
only the stories whose summary changed.

Search is an in-memory scan (every query word must occur, case-folded) over
story titles, outlets and dossier texts (facts, quotes, summary, conflicts)
and over article titles and texts: simple and exact, linear in the size of the
store (fine for a desk's store; a full-text index is the next step past
~100k articles).
"""

from __future__ import annotations

import gzip
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from ..pipeline import load_topics
from ..records import Article, ArticleHead, Conflict, DuplicateInfo, Flag, Story
from ..render.json import story_to_dict
from ..store.repository import StorySummary, summary_order
from . import words

T = TypeVar("T")
SNIPPET_CHARS = 90
GZIP_MIN_BYTES = 2048
STORY_CACHE = 256
FULL_POLL_EVERY = 12  # polls (5 s apart in the service): a whole comparison once a minute


class ReadStore(Protocol):
    """What the read model needs of a store (`newsdesk.store.Store` has it all)."""

    def list_stories(self) -> list[StorySummary]: ...
    def story_summaries(self, story_ids: Iterable[str]) -> list[StorySummary]: ...
    def get_story(self, story_id: str) -> Story | None: ...
    def get_articles(self, ids: Iterable[str]) -> dict[str, Article]: ...
    def article_heads(self, ids: Iterable[str] | None = None) -> dict[str, ArticleHead]: ...
    def articles_since(self, seq: int = 0) -> list[tuple[int, str]]: ...
    def last_article_seq(self) -> int: ...
    def story_assignments(self) -> dict[str, str]: ...
    def stories_of(self, article_ids: Iterable[str]) -> dict[str, str]: ...
    def counts(self) -> tuple[int, int]: ...
    def stories_mark(self) -> bytes | None: ...
    def search_articles(self, terms: Sequence[str], limit: int = 20) -> list[str]: ...
    def duplicate_records(
        self, article_ids: Iterable[str] | None = None
    ) -> MutableMapping[str, DuplicateInfo]: ...
    def get_flags(self, article_ids: Iterable[str] | None = None) -> dict[str, tuple[Flag, ...]]: ...
    def flag_records(
        self, article_ids: Iterable[str] | None = None
    ) -> MutableMapping[str, tuple[Flag, ...]]: ...
    def load_blob(self, name: str) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class Packed:
    """A response body made once per change, with its gzip form: a large story's page is a few
    hundred kB that compress about 8x, so readers (and the server's socket writes) get less."""

    raw: bytes
    gz: bytes | None

    @classmethod
    def of(cls, raw: bytes) -> Packed:
        return cls(raw, gzip.compress(raw, 5) if len(raw) >= GZIP_MIN_BYTES else None)


@dataclass(frozen=True, slots=True)
class ArticleCard:
    """One article as lists and search show it."""

    id: str
    title: str | None
    outlet: str
    published: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class ConflictCard:
    """One conflict with its story and when it arose (the newest publication date on its sides)."""

    story_id: str
    story_title: str
    arose: str | None
    conflict: Conflict


@dataclass(frozen=True, slots=True)
class StoryCard:
    """One story as the list, its filters and search read it."""

    summary: StorySummary
    outlets: tuple[str, ...]
    article_ids: tuple[str, ...]
    conflicts: tuple[ConflictCard, ...]
    passages: tuple[str, ...]  # dossier texts: facts, quotes, summary, conflicts
    folded: str

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def title(self) -> str:
        return self.summary.title or "Untitled story"

    def to_dict(self) -> dict[str, Any]:
        """The /stories item (and the payload of a `story` event)."""
        s = self.summary
        return {
            "id": s.id,
            "title": self.title,
            "articles": s.articles,
            "first_seen": s.first_seen,
            "last_seen": s.last_seen,
            "conflicts": s.conflicts,
            "outlets": list(self.outlets),
            "links": {"self": f"/stories/{s.id}", "page": f"/story/{s.id}"},
        }


@dataclass(frozen=True, slots=True)
class Hit:
    """A search result: the card and a passage around the first match (before, match, after)."""

    card: StoryCard | ArticleCard
    snippet: tuple[str, str, str]
    score: int


def fold(text: str) -> str:
    return text.casefold()


def terms(query: str) -> list[str]:
    """The words of a query, case-folded; quoted phrases stay whole."""
    out: list[str] = []
    for i, part in enumerate(query.split('"')):
        if i % 2:
            if part.strip():
                out.append(fold(" ".join(part.split())))
        else:
            out.extend(fold(w) for w in part.split())
    return out


def snippet(text: str, term: str) -> tuple[str, str, str]:
    """The passage of `text` around the first occurrence of `term` (case-folded search)."""
    folded = fold(text)
    at = folded.find(term)
    if at < 0 or len(folded) != len(text):  # casefold changed lengths: show the start instead
        return ("", "", text[: SNIPPET_CHARS * 2].strip() + ("…" if len(text) > SNIPPET_CHARS * 2 else ""))
    lo, hi = max(0, at - SNIPPET_CHARS), min(len(text), at + len(term) + SNIPPET_CHARS)
    before = ("…" if lo else "") + " ".join(text[lo:at].split(" ")).lstrip()
    after = text[at + len(term) : hi].rstrip() + ("…" if hi < len(text) else "")
    return before, text[at : at + len(term)], after


class Catalog:
    """In-memory cards of every story and article, refreshed by the worker and by `poll`."""

    def __init__(self, store: ReadStore) -> None:
        self.store = store
        self._lock = threading.RLock()
        self._built = False
        self._stories: dict[str, StoryCard] = {}
        self._articles: dict[str, ArticleCard] = {}
        self._story_of: dict[str, str] = {}
        self._seq = 0  # the insertion number of the last article read
        self._mark: bytes | None = None  # the store's dossier mark at the last refresh
        self._polls = 0
        self._flags: MutableMapping[str, tuple[Flag, ...]] = {}  # decoded when first read
        self._duplicates: MutableMapping[str, DuplicateInfo] = {}  # decoded when first read
        self._topics: dict[str, str] = {}
        # Values derived from one story (its dossier and JSON, its page), kept until it changes.
        self._memo: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._stale: dict[tuple[str, str], Any] = {}  # the last value of a changed story, until redone
        self._flights: dict[tuple[str, str], threading.Event] = {}
        self._versions: dict[str, int] = {}
        self._cache_lock = threading.Lock()
        # How to make each kind of derived value again, by story id (`rewarm` after a job).
        self.makers: dict[str, Callable[[str], Any]] = {"dossier": self._load_dossier}
        # What `rewarm` makes again: the dossier and the story page. A large story's page of every
        # fact is made when someone asks (its previous version is served meanwhile): rendering it
        # after every job held the GIL for a quarter second and put readers of other pages behind it.
        self.rewarmed: frozenset[str] = frozenset({"dossier", "page"})

    # ------------------------------------------------------------------ refresh

    def ensure(self) -> None:
        """Build the cards on first use (the worker does it at start, off the request path)."""
        if not self._built:
            self.refresh()

    def refresh(
        self,
        stories: Iterable[str] = (),
        articles: Iterable[str] = (),
        placed: Mapping[str, str] | None = None,
    ) -> None:
        """Reload new articles, every story whose summary changed, and the ones named.

        `placed`: a job's own change to the assignment map (article -> its story now, for every
        article it placed or moved); the map is then updated by it instead of read whole, and
        only articles stored since the last refresh are read. A refresh without it (the first,
        another writer's changes found by `poll`) reads every article id and the whole map."""
        articles = tuple(articles)
        with self._lock:
            mark = self.store.stories_mark()  # before the reads: a save during them moves it on
            full = placed is None or not self._built
            if not full and not self._load_articles(articles, placed):
                full = True  # another writer stored or placed articles: read them all
            if full:
                self._load_articles(articles, None)
            self._topics = load_topics(self.store)
            if full:
                self._reload_stories(self.store.list_stories(), set(stories))
            else:  # the stories the job changed, by index; the others are as they were
                self._reload_stories(self.store.story_summaries(set(stories)), set(stories), partial=True)
            self._built = True
            if full:  # after a job's partial refresh the next poll compares once (another
                self._mark = mark  # writer may have saved between the job's save and now)

    def _load_articles(self, forced: Iterable[str], placed: Mapping[str, str] | None) -> bool:
        """Cards, stories, copies and warnings of the articles not held yet and of `forced`.
        With `placed`, only articles stored since the last load are read and the assignment map
        is updated by it; False when the counts then show that something was missed."""
        known = self._articles
        if self._built:
            since = self.store.articles_since(self._seq if placed is not None else 0)
            last = max([self._seq, *(n for n, _a in since)])
        else:  # at start every head is read in one scan: only the number to read on from is needed
            since, last = [], self.store.last_article_seq()
        wanted = list(dict.fromkeys([*(a for _n, a in since if a not in known), *forced]))
        heads = self.store.article_heads(wanted if self._built else None)  # at start: one scan
        cards = {head.id: _article_card(head) for head in heads.values()}
        if placed is None:
            self._articles = {**known, **cards}
            self._story_of = self.store.story_assignments()
        else:
            unplaced = [i for i in wanted if i not in placed]  # stored by another writer
            moves = {**self.store.stories_of(unplaced), **placed}
            held = (
                len(self._story_of) + sum(1 for a in moves if a not in self._story_of),
                len(known) + sum(1 for a in cards if a not in known),
            )
            if self.store.counts() != held:
                return False
            # Updated in place (readers only look up single entries): a copy of a million
            # entries a job cost more than the rest of the refresh.
            known.update(cards)
            self._story_of.update(moves)
        self._seq = last
        # A copy record is made when its article is added: new articles bring the new ones.
        if self._built:  # added in place, undecoded: readers look up one article at a time
            self._duplicates.update(self.store.duplicate_records(wanted))
        else:
            self._duplicates = self.store.duplicate_records()
        self._reload_flags(wanted)
        return True

    def poll(self) -> bool:
        """Pick up another writer's changes; True when anything was reloaded.

        When idle it reads one row, the mark every dossier save rewrites; the stories are compared
        only when the mark moved, and every `FULL_POLL_EVERY`th poll (a writer of a release
        without the mark is still seen)."""
        if not self._built:
            self.refresh()
            return True
        self._polls += 1
        mark = self.store.stories_mark()
        if mark == self._mark and self._polls % FULL_POLL_EVERY:
            return False
        summaries = self.store.list_stories()
        if {s.id: s for s in summaries} == self.summaries():
            self._mark = mark  # read before the summaries: nothing saved up to it is missed
            return False
        self.refresh()
        return True

    def _reload_stories(
        self, summaries: Sequence[StorySummary], forced: set[str], partial: bool = False
    ) -> None:
        """Cards of every story in `summaries` whose summary changed or that is `forced`; the
        others are dropped, or with `partial` (summaries of the forced stories only) kept."""
        cards: dict[str, StoryCard] = {}
        changed: list[str] = []
        if partial:
            cards = {sid: card for sid, card in self._stories.items() if sid not in forced}
        for summary in summaries:
            old = self._stories.get(summary.id)
            if old is not None and old.summary == summary and summary.id not in forced:
                cards[summary.id] = old
                continue
            story = self.store.get_story(summary.id)
            if story is None:
                continue
            cards[summary.id] = self._story_card(summary, story)
            changed.append(summary.id)
        if partial:  # in the store's listing order, as a whole reload gives them
            cards = dict(sorted(cards.items(), key=lambda item: summary_order(item[1].summary)))
        gone = set(self._stories) - set(cards)
        self._stories = cards
        self._forget(changed, gone)

    def _reload_flags(self, new_ids: Sequence[str]) -> None:
        """Warnings: every article's at first, then those of new articles (a job's own come by
        `add_flags` too; another writer's are read from the rows its reports wrote)."""
        if not self._built:
            self._flags = self.store.flag_records()
        elif new_ids:
            # In place, as the other maps: a copy of every article's entry per job grows with the store.
            self._flags.update({**dict.fromkeys(new_ids, ()), **self.store.get_flags(new_ids)})

    def _story_card(self, summary: StorySummary, story: Story) -> StoryCard:
        members = [self._articles.get(a) for a in story.article_ids]
        outlets = tuple(dict.fromkeys(m.outlet for m in members if m is not None))
        passages = tuple(
            p
            for p in (
                *(f.text for f in story.facts),
                *(q.text for q in story.quotes),
                *(s.text for s in story.summary),
                *(c.description for c in story.conflicts),
            )
            if p
        )
        conflicts = tuple(ConflictCard(story.id, story.title, self._arose(c), c) for c in story.conflicts)
        folded = fold("\n".join((story.title, *outlets, *passages)))
        return StoryCard(summary, outlets, story.article_ids, conflicts, passages, folded)

    def _arose(self, conflict: Conflict) -> str | None:
        dates = [
            card.published
            for side in conflict.sides
            for aid in side.article_ids
            if (card := self._articles.get(aid)) is not None and card.published
        ]
        return max(dates, default=None)

    def add_flags(self, flags: Mapping[str, Sequence[Flag]]) -> None:
        """A job's warnings (its report stored them: `pipeline.flag_all`)."""
        with self._lock:
            self._flags.update({aid: tuple(fs) for aid, fs in flags.items()})

    # ------------------------------------------------------------------ reads

    def stories(self) -> list[StoryCard]:
        self.ensure()
        return list(self._stories.values())

    def summaries(self) -> dict[str, StorySummary]:
        """Every story's summary as the read model holds it now."""
        self.ensure()
        return {sid: card.summary for sid, card in self._stories.items()}

    def story_card(self, story_id: str) -> StoryCard | None:
        self.ensure()
        return self._stories.get(story_id)

    def _forget(self, changed: Sequence[str], gone: Iterable[str]) -> None:
        """Derived values of changed stories become stale (served only while being redone)."""
        with self._cache_lock:
            dropped = {*changed, *gone}
            for sid in dropped:
                self._versions[sid] = self._versions.get(sid, 0) + 1
            for key in [k for k in self._memo if k[0] in dropped]:
                value = self._memo.pop(key)
                if key[0] in changed:
                    self._stale[key] = value
            for key in [k for k in self._stale if k[0] in gone]:
                del self._stale[key]

    def _load_dossier(self, story_id: str) -> tuple[Story, Packed] | None:
        story = self.store.get_story(story_id)
        if story is None:
            return None
        data = json.dumps(story_to_dict(story), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return story, Packed.of(data.encode())

    def story(self, story_id: str, current: bool = False) -> tuple[Story, Packed] | None:
        """A dossier and its report.json-schema JSON (`current`: not the previous one while it is redone)."""
        return self.memo(story_id, "dossier", lambda: self._load_dossier(story_id), current)

    def rewarm(self) -> None:
        """Make again what readers had of the stories that changed (the worker calls it after a
        job), so no request waits on rendering a large story: they get the previous value meanwhile."""
        with self._cache_lock:
            keys = [k for k in self._stale if k[1] in self.rewarmed]
        for story_id, what in keys:
            make = self.makers.get(what)
            if make is not None and story_id in self._stories:
                self.memo(story_id, what, lambda make=make, story_id=story_id: make(story_id))

    def peek(self, story_id: str, what: str) -> Any | None:
        """The value `memo` would answer at once (made, or the previous one while it is redone);
        None when answering would mean making it. Never blocks: the event loop may call it."""
        key = (story_id, what)
        with self._cache_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
            if key in self._flights:
                return self._stale.get(key)
        return None

    def memo(self, story_id: str, what: str, make: Callable[[], T], current: bool = False) -> T:
        """A value derived from one story, made once per change of that story.

        One caller makes it; callers meanwhile get the story's previous value when there is one
        (a page a second old, not a pile-up of renders of a large story), else wait for it.
        `current`: never the previous value (a value made from this one must be current).
        """
        key = (story_id, what)
        while True:
            with self._cache_lock:
                if key in self._memo:
                    self._memo.move_to_end(key)
                    return self._memo[key]  # type: ignore[no-any-return]
                flight = self._flights.get(key)
                if flight is None:
                    flight = self._flights[key] = threading.Event()
                    version = self._versions.get(story_id, 0)
                    break
                if key in self._stale and not current:
                    return self._stale[key]  # type: ignore[no-any-return]
            flight.wait(60)
        try:
            value = make()
        finally:
            with self._cache_lock:
                del self._flights[key]
                flight.set()
        if value is not None:
            with self._cache_lock:
                if self._versions.get(story_id, 0) == version:  # not changed meanwhile
                    self._memo[key] = value
                    self._stale.pop(key, None)
                    while len(self._memo) > STORY_CACHE * 2:
                        self._memo.popitem(last=False)
        return value

    def article_card(self, article_id: str) -> ArticleCard | None:
        self.ensure()
        return self._articles.get(article_id)

    def texts(self, article_ids: Iterable[str]) -> dict[str, str]:
        """The normalized texts of these articles, read from the store (cards do not hold them)."""
        return {aid: a.text for aid, a in self.store.get_articles(article_ids).items()}

    def article_cards(self) -> Mapping[str, ArticleCard]:
        self.ensure()
        return self._articles

    def story_of(self, article_id: str) -> str | None:
        return self._story_of.get(article_id)

    def topic_of(self, story_id: str | None) -> str | None:
        return self._topics.get(story_id or "")

    def flags(self, article_id: str) -> tuple[Flag, ...]:
        return self._flags.get(article_id, ())

    def duplicate(self, article_id: str) -> DuplicateInfo | None:
        return self._duplicates.get(article_id)

    def outlet(self, article_id: str) -> str:
        card = self._articles.get(article_id)
        return card.outlet if card is not None else "article not in the store"

    def name(self, record_id: str) -> str | None:
        """A label for an article or story id met in generated text (warnings)."""
        if record_id in self._articles:
            return self._articles[record_id].outlet
        card = self._stories.get(record_id)
        return f"the story “{card.title}”" if card is not None else None

    def conflicts(self) -> list[ConflictCard]:
        """Every conflict, newest first: by the latest publication on its sides, then its story's last article."""
        cards = [c for s in self.stories() for c in s.conflicts]
        last_seen = {s.id: s.summary.last_seen or "" for s in self._stories.values()}
        cards.sort(key=lambda c: (c.arose or "", last_seen.get(c.story_id, ""), c.conflict.id), reverse=True)
        return cards

    def outlets(self) -> list[str]:
        return sorted({o for s in self.stories() for o in s.outlets}, key=str.casefold)

    def filter(
        self,
        *,
        since: str | None = None,
        has_conflicts: bool | None = None,
        outlet: str | None = None,
        q: str | None = None,
    ) -> list[StoryCard]:
        """Stories updated since a day (last_seen), with or without conflicts, by outlet and words;
        most recently updated first."""
        want = terms(q or "")
        shop = fold(outlet.strip()) if outlet and outlet.strip() else None
        out = []
        for card in self.stories():
            s = card.summary
            if since and (s.last_seen or "") < since:
                continue
            if has_conflicts is not None and (s.conflicts > 0) != has_conflicts:
                continue
            if shop and not any(shop in fold(o) for o in card.outlets):
                continue
            if want and not all(t in card.folded for t in want):
                continue
            out.append(card)
        out.sort(key=lambda c: (c.summary.last_seen or "", c.summary.articles, c.id), reverse=True)
        return out

    def search(self, query: str, limit: int = 20) -> tuple[list[Hit], list[Hit]]:
        """Stories and articles where every word of `query` occurs; title matches rank first.
        Stories are scanned here (their dossier texts); articles are looked up in the store's
        full-text index, where a word may also be the start of a longer one."""
        want = terms(query)
        if not want:
            return [], []
        stories = [
            Hit(card, _story_snippet(card, want[0]), _score(fold(card.title), card.folded, want))
            for card in self.stories()
            if all(t in card.folded for t in want)
        ]
        # Articles: the store's full-text index ranks them (their texts are not held here).
        ids = self.store.search_articles(want, limit)
        found = self.store.get_articles(ids)
        articles = [
            Hit(
                self._articles.get(aid) or _article_card(found[aid]),
                snippet(found[aid].text, want[0]),
                limit - n,
            )
            for n, aid in enumerate(ids)
            if aid in found
        ]
        # Best score first; among equals the most recent (two stable sorts).
        stories.sort(key=lambda h: _recency(h.card), reverse=True)
        stories.sort(key=lambda h: h.score, reverse=True)
        return stories[:limit], articles


def _recency(card: StoryCard | ArticleCard) -> str:
    return (card.summary.last_seen if isinstance(card, StoryCard) else card.published) or ""


def _score(title: str, folded: str, want: Sequence[str]) -> int:
    return sum(100 * (t in title) + min(folded.count(t), 50) for t in want)


def _story_snippet(card: StoryCard, term: str) -> tuple[str, str, str]:
    for passage in (card.title, *card.outlets, *card.passages):
        if term in fold(passage):
            return snippet(passage, term)
    return ("", "", "")


def _article_card(article: Article | ArticleHead) -> ArticleCard:
    title = article.title or None
    return ArticleCard(
        id=article.id,
        title=title,
        outlet=words.outlet(article),
        published=article.published,
        url=article.url,
    )
