"""Parse an article paragraph by paragraph, and each distinct paragraph once per process.

News repeats itself: a wire story runs in many outlets, each adding a headline, trimming the end
or moving a paragraph, and a correction re-sends the whole article. The spaCy parse is two
thirds of the cost of an article, so a paragraph seen before is not parsed again: its parse is
kept (within a token budget, least recently used first out) and the article's Doc is joined
from its paragraphs' token arrays.

So that a kept parse is exactly the parse it replaces, every paragraph is always parsed on its
own, seen before or not: its parse depends on its own text only, never on its neighbours, on the
batch or on which process parsed it. Sentences never cross a paragraph break (they seldom did:
the parser put a break there anyway).

The cuts keep spaCy's tokenization: a cut falls right after a run of whitespace that holds a line
break and is followed by a word (where that run ends a paragraph), and spaCy's tokenizer splits
text at every change between whitespace and non-whitespace, so the tokens of the pieces are the
tokens of the whole.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np

from .doctext import known_text

if TYPE_CHECKING:  # spaCy loads with the first parse: the coordinator plans chunks without it
    from spacy.language import Language
    from spacy.tokens import Doc

# a run of whitespace holding a line break; a cut goes at its end when a word follows and the
# run ends a paragraph: it holds a blank line, or follows what ends a sentence (a single line
# break after anything else may be a hard-wrapped line, cut mid-sentence)
_BREAK = re.compile(r"[^\S\n]*\n\s*")
_SENTENCE_END = frozenset(".!?…:;\"'”’)]»")
# What a paragraph that opens with a word other than a stop word is parsed after: the end of a
# sentence and a line break, so that its first words have the left context the models were
# trained with, and no neighbour's. Without it a paragraph's opening name often lost its entity
# (on 150 ECB+ articles, 254 entities of 5,001 changed against parsing whole articles; 72 with
# it before every paragraph, 67 with it before those not opening with a stop word, half of them).
LEAD = ".\n"
# a parse kept for later costs about 0.2 KB a token; 1M tokens is about 2,600 ECB+ articles
DEFAULT_TOKEN_BUDGET = 1_000_000
# a paragraph this long (without its whitespace) ties the articles that share it into one chunk
# of work; shorter ones (datelines, "Advertisement", blank lines) are too common to say anything
SHARED_MIN_CHARS = 40
# characters of text a token stands for, about: the extractors' memos (`PieceMemo`) keep as much
# paragraph text as the parse cache's token budget would
CHARS_PER_TOKEN = 5
# where a doc built by `parse` notes its paragraphs (in `Doc.user_data`)
_PIECES_KEY = ("newsdesk", "pieces")

K = TypeVar("K")
V = TypeVar("V")


@functools.cache
def _columns() -> tuple[list[int], int, int, int]:
    """Every token attribute Doc.from_docs carries over, in its order; where HEAD, SENT_START and
    SPACY are among them."""
    from spacy.attrs import HEAD, SENT_START, SPACY
    from spacy.tokens import Doc

    attrs = [*Doc._get_array_attrs(), SPACY]
    return attrs, attrs.index(HEAD), attrs.index(SENT_START), attrs.index(SPACY)


def pieces(text: str) -> list[str]:
    """The text cut into paragraphs, at line breaks that a word follows; they join back to it."""
    cuts = [
        m.end()
        for m in _BREAK.finditer(text)
        if m.end() < len(text)
        and (m.start() == 0 or text[m.start() - 1] in _SENTENCE_END or m.group().count("\n") > 1)
    ]
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)] if cuts else [text]


@dataclass(frozen=True, slots=True)
class Parsed:
    """One paragraph's parse, as plain data: its words, their trailing spaces and the token
    attributes (heads relative, as `Doc.to_array` gives them)."""

    words: tuple[str, ...]
    spaces: tuple[bool, ...]
    array: np.ndarray

    @classmethod
    def of(cls, doc: Doc, skip: int = 0, text: str | None = None) -> Parsed:
        """The parse of `doc` from token `skip` on (the tokens before are another sentence);
        `text` is the doc's text where the caller knows it (spaCy rebuilds it token by token)."""
        from spacy.attrs import IDX, LENGTH

        attrs, head, sent_start, spacy = _columns()
        array = doc.to_array(attrs)[skip:]
        where = doc.to_array([IDX, LENGTH])[skip:].tolist()
        text = doc.text if text is None else text
        targets = array[:, head].astype(np.int64) + np.arange(len(array))
        outside = (targets < 0) | (targets >= len(array))
        if outside.any():  # pragma: no cover - a sentence start is forced where the paragraph begins
            array[outside, head] = 0
        if len(array):
            array[0, sent_start] = 1
        return cls(
            tuple(text[i : i + n] for i, n in where),
            tuple(array[:, spacy].astype(bool).tolist()),
            array,
        )


def plan_chunks(texts: Sequence[str], size: int) -> list[list[int]]:
    """Indices of `texts` in chunks of at most `size`, so that texts sharing a paragraph fall in
    one chunk where they can (then one worker parses that paragraph once).

    Texts tied by a shared paragraph of SHARED_MIN_CHARS or more form a group (transitively);
    groups are taken in the order of their first text and packed into chunks in that order, a
    group larger than a chunk split across several. Without shared paragraphs this is the input
    order cut every `size`.
    """
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, text in enumerate(texts):
        for part in pieces(text):
            if len(part.strip()) >= SHARED_MIN_CHARS:
                a, b = root(first.setdefault(part, i)), root(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)  # the group's root is its first text
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(root(i), []).append(i)
    chunks: list[list[int]] = []
    current: list[int] = []
    for group in groups.values():
        for k in range(0, len(group), size):
            part = group[k : k + size]
            if current and len(current) + len(part) > size:
                chunks.append(current)
                current = []
            current.extend(part)
    if current:
        chunks.append(current)
    return chunks


class _Kept(Generic[K, V]):
    """Values by key, the oldest use dropped first once their weights pass `budget`; a value
    heavier than the budget is not kept. Safe to share between threads (a Dask worker may run
    several tasks at once)."""

    def __init__(self, budget: int) -> None:
        self._lock = threading.Lock()
        self.budget = budget
        self.used = 0
        self._kept: OrderedDict[K, V] = OrderedDict()

    def weigh(self, key: K, value: V) -> int:
        return 1

    def resize(self, budget: int) -> None:
        """Keep at most `budget` from now on (oldest uses dropped first)."""
        with self._lock:
            self.budget = budget
            self._drop_over_budget()

    def _drop_over_budget(self) -> None:
        while self.used > self.budget:
            key, old = self._kept.popitem(last=False)
            self.used -= self.weigh(key, old)

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._kept.get(key)
            if value is not None:
                self._kept.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        weight = self.weigh(key, value)
        with self._lock:
            if key in self._kept or weight > self.budget:
                return
            self._kept[key] = value
            self.used += weight
            self._drop_over_budget()

    def __len__(self) -> int:
        return len(self._kept)


class ParseCache(_Kept[str, Parsed]):
    """Parsed paragraphs by text, oldest use dropped first once `budget` tokens are kept."""

    def __init__(self, budget: int = DEFAULT_TOKEN_BUDGET) -> None:
        super().__init__(budget)
        self.hits = 0
        self.misses = 0

    def weigh(self, key: str, value: Parsed) -> int:
        return len(value.words)

    @property
    def tokens(self) -> int:
        return self.used


def parse(
    nlp: Language, texts: Iterable[str], batch_size: int = 64, cache: ParseCache | None = None
) -> Iterator[Doc]:
    """One Doc per text, in order: each text's paragraphs parsed on their own (those in `cache`
    taken from it) and joined. Texts are read `batch_size` at a time."""
    cache = cache if cache is not None else ParseCache(0)
    serial = _serial(nlp)
    it = iter(texts)
    while batch := list(itertools.islice(it, max(batch_size, 1))):
        cut = [pieces(text) for text in batch]
        known: dict[str, Parsed] = {}
        todo: dict[str, None] = {}  # the batch's paragraphs to parse, once each, in order
        for parts in cut:
            for part in parts:
                if part in known or part in todo:
                    continue
                kept = cache.get(part)
                if kept is None:
                    todo[part] = None
                else:
                    known[part] = kept
                    cache.hits += 1
        cache.misses += len(todo)
        for part, parsed in zip(todo, _parse_pieces(nlp, list(todo)), strict=True):
            known[part] = parsed
            cache.put(part, parsed)
        for text, parts in zip(batch, cut, strict=True):
            doc = join(nlp, [known[part] for part in parts])
            doc.user_data[_PIECES_KEY] = (serial, tuple((part, len(known[part].words)) for part in parts))
            yield known_text(doc, text)


_SERIALS: weakref.WeakKeyDictionary[Language, int] = weakref.WeakKeyDictionary()
_NEXT_SERIAL = itertools.count(1)


def _serial(nlp: Language) -> int:
    """A number for the pipeline that parsed a doc: the same paragraph parses the same way under
    one pipeline, so what is memoized from its parse (`PieceMemo`) is keyed by it too."""
    with _LOCK:
        serial = _SERIALS.get(nlp)
        if serial is None:
            serial = _SERIALS[nlp] = next(_NEXT_SERIAL)
        return serial


def doc_pieces(doc: Doc) -> tuple[int, tuple[tuple[str, int], ...]] | None:
    """The paragraphs a doc from `parse` was joined from (each its text and token count), with
    the number of the pipeline that parsed them; None for a doc parsed whole."""
    return doc.user_data.get(_PIECES_KEY)


class PieceMemo(_Kept[K, V]):
    """What an extractor found in one paragraph, by what that finding depends on (the paragraph's
    text and what else the extractor puts in the key), so that a paragraph seen before is not
    read again. It keeps findings for at most `budget` characters of key text (the oldest use
    dropped first); 0 keeps nothing.

    Every memo is sized with the parse cache (`resize_memos`): a process that keeps no parses
    keeps no findings either."""

    def __init__(self, budget: int = DEFAULT_TOKEN_BUDGET * CHARS_PER_TOKEN) -> None:
        super().__init__(budget)
        _MEMOS.add(self)

    def weigh(self, key: K, value: V) -> int:
        """The characters of the key's text: a memo's size follows the text it keeps."""
        parts = key if isinstance(key, tuple) else (key,)
        return max(1, sum(len(p) for p in parts if isinstance(p, str | bytes)))

    @property
    def on(self) -> bool:
        return self.budget > 0


_LOCK = threading.Lock()
_MEMOS: weakref.WeakSet[PieceMemo] = weakref.WeakSet()


def resize_memos(cache_tokens: int) -> None:
    """Size every extractor memo for a parse cache of `cache_tokens` tokens."""
    for memo in list(_MEMOS):
        memo.resize(cache_tokens * CHARS_PER_TOKEN)


def _parse_pieces(nlp: Language, parts: list[str]) -> Iterator[Parsed]:
    """Each piece parsed on its own (`tokenized`), all in one batch of the pipeline: its
    components sort a batch by length and cut it into quarters, so a quarter holds pieces of
    about the same length."""
    docs, skips = tokenized(nlp, parts)
    parsed = nlp.pipe(docs, batch_size=max(len(docs), 1))
    for part, doc, skip in zip(parts, parsed, skips, strict=True):
        yield Parsed.of(doc, skip, LEAD + part if skip else part)


def tokenized(nlp: Language, parts: Sequence[str]) -> tuple[list[Doc], list[int]]:
    """The pieces as the pipeline gets them, and how many lead tokens each has: LEAD (its own
    sentence) goes before a piece whose first token is a word the language does not list as a
    stop word ("The", "He", "In" open a paragraph as they open any sentence; a name is what
    needs the context)."""
    lead = len(nlp.tokenizer(LEAD))
    docs, skips = [], []
    for part in parts:
        doc = nlp.tokenizer(part)
        if len(doc) and not part[:1].isspace() and not doc[0].is_stop:
            doc = nlp.tokenizer(LEAD + part)
            doc[lead].is_sent_start = True
            skips.append(lead)
        else:
            skips.append(0)
        docs.append(doc)
    return docs, skips


def join(nlp: Language, parsed: Sequence[Parsed]) -> Doc:
    """One Doc from paragraph parses, as `Doc.from_docs` would join their Docs."""
    words = [word for one in parsed for word in one.words]
    spaces = [space for one in parsed for space in one.spaces]
    from spacy.tokens import Doc

    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    if words:
        doc.from_array(_columns()[0], np.concatenate([one.array for one in parsed]))
    return doc
