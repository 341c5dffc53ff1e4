"""Near-duplicate and syndication detection over article bodies.

Two indexes share one set of word shingles per article:

* MinHash LSH (rensa signatures, our own banding so the state is plain arrays
  we can persist) finds look-alike copies: exact re-posts, wire copies under a
  new headline, copies with a paragraph added, trimmed or moved.
* A containment index over a deterministic 1-in-`fingerprint_mod` sample of
  the shingle hashes finds partial copies, where an article embeds a big
  block of another: their Jaccard similarity is low, so LSH alone misses them.

Every candidate is then verified exactly against the original's stored
shingle hashes, which also yields the character spans that were copied.
Only the body paragraphs are shingled, so shared boilerplate (bylines, "read
more" blocks) never makes two articles copies.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np
import rensa

from .options import DedupOptions
from .records import Article, DuplicateInfo
from .textfeatures import WORD_RE, body_spans

_FORMAT = 2
_MIX = np.uint64(0x9E3779B97F4A7C15)
_ROLL = np.uint64(1_000_003)
_SEED = 7


@dataclass(frozen=True, slots=True)
class Shingles:
    """An article's body shingles, hashed, in text order."""

    hashes: np.ndarray  # uint32, one per shingle, text order
    text_key: str  # digest of the word sequence: equal keys are exact copies
    span_words: tuple[int, ...] = ()  # words in each body span (where a copy's spans are looked up)


_WORD_CHARS = (
    24  # characters of a word that its hash reads (longer words are rare and stay distinct by length)
)
_FNV = np.uint64(0x100000001B3)


def word_hashes(words: list[str]) -> np.ndarray:
    """Stable 64-bit hashes of words, vectorized over code points (no Python hash randomization)."""
    # A fixed width, so that a word hashes the same whatever the longest word beside it.
    width = _WORD_CHARS
    # Code points stay uint32 and are widened by each xor (a uint64 copy of the block cost more).
    codes = np.array(words, dtype=f"<U{width}").view(np.uint32).reshape(len(words), width)
    # A word's length is its count of code points, read from the array but for those it cut.
    lengths = np.count_nonzero(codes, axis=1).astype(np.uint64)
    for i in np.flatnonzero(lengths == width).tolist():
        lengths[i] = len(words[i])
    h = np.full(len(words), 0xCBF29CE484222325, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(width):
            h = (h ^ codes[:, j]) * _FNV
        h ^= lengths
        h *= _MIX
        h ^= h >> np.uint64(31)
    return h


def _body_words(article: Article) -> tuple[list[str], tuple[int, ...]]:
    """The body's words, lower-cased, and how many each body span holds."""
    text = article.text
    low = text.lower()
    # Lower-casing the text once keeps the words and their offsets unless a character's lower
    # case is longer (U+0130) or depends on its neighbours (final sigma): then word by word.
    if len(low) != len(text) or "\u03a3" in text:
        per_span = [WORD_RE.findall(text, start, end) for start, end in body_spans(article)]
        words = [w for found in per_span for w in found]
        return ("\x00".join(words).lower().split("\x00") if words else []), tuple(map(len, per_span))
    per_span = [WORD_RE.findall(low, start, end) for start, end in body_spans(article)]
    return list(itertools.chain.from_iterable(per_span)), tuple(map(len, per_span))


def shingle(article: Article, k: int) -> Shingles:
    """Word k-shingles of the body (lower-cased), hashed stably."""
    return _shingles(*_body_words(article), k)


def _shingles(words: list[str], span_words: tuple[int, ...], k: int) -> Shingles:
    if not words:
        return Shingles(np.zeros(0, dtype=np.uint32), "", span_words)
    hashes = word_hashes(words)
    return Shingles(_shingle_hashes(hashes, max(1, min(k, len(words)))), _text_key(hashes), span_words)


def _text_key(hashes: np.ndarray) -> str:
    """The digest of a text's word hashes: equal keys are exact copies."""
    return hashlib.blake2b(hashes.tobytes(), digest_size=12).hexdigest()


def _shingle_hashes(hashes: np.ndarray, k: int) -> np.ndarray:
    """The hash of every window of `k` word hashes, in order."""
    n = hashes.size - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc = acc * _ROLL + hashes[j : j + n]
        acc = (acc ^ (acc >> np.uint64(29))) * _MIX
        return (acc >> np.uint64(32)).astype(np.uint32)


@dataclass(frozen=True, slots=True)
class Prepared:
    """The pure per-article part of `DedupIndex.add` (computed in a worker process for big batches)."""

    shingles: Shingles
    unique: np.ndarray  # sorted unique shingle hashes
    keys: np.ndarray  # LSH band keys of the MinHash of `unique` (empty without shingles)


def prepare(article: Article, options: DedupOptions) -> Prepared:
    """Shingles and MinHash band keys of one article: everything `add` needs that no state changes."""
    return _with_keys(shingle(article, options.shingle_words), options)


def _with_keys(sh: Shingles, options: DedupOptions) -> Prepared:
    unique = np.unique(sh.hashes)
    keys = band_keys(unique, options) if unique.size else np.zeros(0, dtype=np.uint64)
    return Prepared(sh, unique, keys)


def prepare_many(articles: Sequence[Article], options: DedupOptions) -> list[Prepared]:
    """`prepare` over a batch, the same arrays, with the numpy and MinHash work done once for a
    block of articles: word hashes, shingles, sorted unique shingles and band keys (per article,
    the calls' own overhead cost more than their arithmetic). Blocks of about `_BLOCK_WORDS` words
    keep the arrays in cache; a whole batch at once was slower than one article at a time."""
    words = [_body_words(a) for a in articles]
    out: list[Prepared] = []
    start, size = 0, 0
    for end, (ws, _counts) in enumerate(words, 1):
        size += len(ws)
        if size >= _BLOCK_WORDS or end == len(words):
            out += _prepare_block(words[start:end], options)
            start, size = end, 0
    return out


_BLOCK_WORDS = 8192


def _prepare_block(words: list[tuple[list[str], tuple[int, ...]]], options: DedupOptions) -> list[Prepared]:
    k = options.shingle_words
    counts = np.fromiter((len(ws) for ws, _ in words), dtype=np.int64, count=len(words))
    whole = counts >= k  # an article shorter than k words is one shorter shingle: made alone
    if not whole.any():
        return [_with_keys(_shingles(*ws, k), options) for ws in words]
    flat = list(itertools.chain.from_iterable(ws for (ws, _), full in zip(words, whole, strict=True) if full))
    hashes = word_hashes(flat)
    word_at = np.concatenate(([0], np.cumsum(counts[whole])))
    every = _shingle_hashes(hashes, k)  # windows over the batch; those across two articles unused
    own = counts[whole] - k + 1
    shingle_at = np.concatenate(([0], np.cumsum(own)))
    shingles = every[np.arange(shingle_at[-1]) + np.repeat(word_at[:-1] - shingle_at[:-1], own)]
    # One sort of (owner, shingle) packed in a uint64 gives each article's sorted unique shingles.
    ranked = np.repeat(np.arange(own.size, dtype=np.uint64), own) << np.uint64(32) | shingles
    ranked.sort()
    first = np.ones(ranked.size, dtype=bool)
    first[1:] = ranked[1:] != ranked[:-1]
    ranked = ranked[first]
    unique = (ranked & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    counted = np.bincount((ranked >> np.uint64(32)).astype(np.int64), minlength=own.size)
    unique_at = np.concatenate(([0], np.cumsum(counted)))
    keys = _band_key_rows(unique, unique_at, options)
    out: list[Prepared] = []
    n = 0
    for (ws, span_words), full in zip(words, whole, strict=True):
        if not full:
            out.append(_with_keys(_shingles(ws, span_words, k), options))  # its words are not read again
            continue
        sh = Shingles(
            shingles[shingle_at[n] : shingle_at[n + 1]],
            _text_key(hashes[word_at[n] : word_at[n + 1]]),
            span_words,
        )
        out.append(Prepared(sh, unique[unique_at[n] : unique_at[n + 1]], keys[n]))
        n += 1
    return out


def band_keys(hashes: np.ndarray, options: DedupOptions) -> np.ndarray:
    """One key per LSH band of the MinHash signature of `hashes` (band index mixed in)."""
    return _band_key_rows(hashes, np.array([0, hashes.size]), options)[0]


def _band_key_rows(flat: np.ndarray, offsets: np.ndarray, options: DedupOptions) -> np.ndarray:
    """`band_keys` of each run `flat[offsets[i] : offsets[i + 1]]` (none empty), one MinHash call."""
    bands, rows = _lsh_params(options.threshold, options.num_perm)
    sig = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        flat.astype(np.uint64), offsets.astype(np.uint64), options.num_perm, _SEED
    ).to_rows()
    matrix = np.array(sig, dtype=np.uint64)[:, : bands * rows].reshape(len(sig), bands, rows)
    acc = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64) * _MIX, (len(sig), bands))
    with np.errstate(over="ignore"):
        for j in range(rows):
            acc = (acc * _ROLL) ^ matrix[:, :, j]
    return acc


def shingle_offsets(article: Article, k: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Character start and end of each of the article's `count` shingles (only needed for copies)."""
    text = article.text
    spans = [m.span() for start, end in body_spans(article) for m in WORD_RE.finditer(text, start, end)]
    k = max(1, min(k, len(spans)))
    starts = np.array([a for a, _b in spans], dtype=np.int64)[:count]
    ends = np.array([b for _a, b in spans], dtype=np.int64)[k - 1 : k - 1 + count]
    return starts, ends


def copied_spans(
    article: Article, sh: Shingles, original_hashes: np.ndarray, k: int
) -> tuple[tuple[int, int], ...]:
    """Character spans of the article whose shingles the original also has (merged)."""
    return _spans_of(article, sh, np.isin(sh.hashes, original_hashes), k)


def _spans_of(article: Article, sh: Shingles, mask: np.ndarray, k: int) -> tuple[tuple[int, int], ...]:
    """Character spans of the article's shingles where `mask` (text order) is set, merged.

    With k >= 2 consecutive shingles overlap, so a run of them is one span, from its first word
    to its last: only the body spans holding those words are tokenized again (a copy's run is
    usually the whole text), not every word."""
    total = sum(sh.span_words)
    if not mask.any():
        return ()
    if min(k, total) < 2 or total - min(k, total) + 1 != mask.size:
        starts, ends = shingle_offsets(article, k, mask.size)
        if starts.size != mask.size:  # tokenization moved under lower-casing (rare scripts): no spans
            return ()
        return _merge_sorted(starts[mask], ends[mask])
    first, stop = _runs(mask)
    last = stop - 1 + k - 1  # first and last word of each run
    spans = body_spans(article)
    bounds = np.cumsum(sh.span_words)
    opens = [0, *bounds[:-1].tolist()]  # the number of each body span's first word
    tokens: dict[int, list[tuple[int, int]]] = {}
    text = article.text

    def word(at: int, i: int) -> tuple[int, int]:
        """Word i's span, from a tokenization of body span `at` (kept for the next)."""
        if at not in tokens:
            tokens[at] = [m.span() for m in WORD_RE.finditer(text, *spans[at])]
        return tokens[at][i - opens[at]]

    def start(i: int) -> int:  # a run most often starts with a body span: its first word character
        at = int(np.searchsorted(bounds, i, side="right"))
        if i == opens[at]:
            m = WORD_RE.search(text, *spans[at])
            if m is not None:
                return m.start()
        return word(at, i)[0]

    def end(i: int) -> int:  # ... and ends with one: after its last word character
        at = int(np.searchsorted(bounds, i, side="right"))
        if i == int(bounds[at]) - 1:
            lo, hi = spans[at]
            for pos in range(hi, max(lo, hi - _SCAN_BACK), -1):
                if text[pos - 1].isalnum():
                    return pos
        return word(at, i)[1]

    starts = np.array([start(i) for i in first.tolist()], dtype=np.int64)
    ends = np.array([end(i) for i in last.tolist()], dtype=np.int64)
    return _merge_sorted(starts, ends)


_SCAN_BACK = 64  # characters read back from a body span's end for its last word, before tokenizing it


def _merge_sorted(starts: np.ndarray, ends: np.ndarray, gap: int = 1) -> tuple[tuple[int, int], ...]:
    """`merge_spans` for spans already in start order (shingles in text order), in numpy: a copy's
    thousands of shingles merged in one pass instead of a Python loop."""
    if starts.size == 0:
        return ()
    reach = np.maximum.accumulate(ends)
    new = np.empty(starts.size, dtype=bool)
    new[0] = True
    new[1:] = starts[1:] > reach[:-1] + gap
    first = np.flatnonzero(new)
    last = np.append(first[1:] - 1, starts.size - 1)
    return tuple(zip(starts[first].tolist(), reach[last].tolist(), strict=True))


@cache
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows whose S-curve crosses 1/2 closest to the Jaccard threshold."""
    best = (abs((1 / num_perm) ** (1 / 1) - threshold), num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        crossing = (1 / bands) ** (1 / rows)
        best = min(best, (abs(crossing - threshold), bands, rows))
    return best[1], best[2]


class _MultiMap:
    """uint64 key -> doc numbers in insertion order, compact.

    Sorted numpy arrays hold most entries (12 bytes each, where a dict of
    lists costs about 100); a small dict takes recent inserts and is merged in
    when it grows, by inserting the sorted buffer (a linear copy, not a sort of everything).
    """

    def __init__(self, keys: np.ndarray | None = None, vals: np.ndarray | None = None) -> None:
        self.keys = np.zeros(0, dtype=np.uint64) if keys is None else keys.astype(np.uint64)
        self.vals = np.zeros(0, dtype=np.int32) if vals is None else vals.astype(np.int32)
        self._buf: dict[int, list[int]] = {}
        self._buf_size = 0
        # Keys known to be held by more than the cap (a partial index holds none of their docs).
        self.capped: set[int] = set()

    def add(self, keys: np.ndarray, val: int) -> None:
        for k in keys.tolist():
            self._buf.setdefault(k, []).append(val)
        self._buf_size += len(keys)
        if self._buf_size >= max(50_000, self.keys.size // 8):
            self.flush()

    def flush(self) -> None:
        if not self._buf:
            return
        bk = np.fromiter(
            (k for k, vs in self._buf.items() for _ in vs), dtype=np.uint64, count=self._buf_size
        )
        bv = np.fromiter((v for vs in self._buf.values() for v in vs), dtype=np.int32, count=self._buf_size)
        # Merge the sorted buffer into the sorted arrays (a copy, not a sort of everything: flushes
        # stay cheap as the index grows); equal keys keep insertion order, older docs first.
        order = np.argsort(bk, kind="stable")
        bk, bv = bk[order], bv[order]
        at = np.searchsorted(self.keys, bk, side="right")
        self.keys, self.vals = np.insert(self.keys, at, bk), np.insert(self.vals, at, bv)
        self._buf, self._buf_size = {}, 0

    def lookup(self, query: np.ndarray, cap: int) -> list[int]:
        """Doc numbers under each query key, skipping keys held by more than `cap` docs."""
        lo = np.searchsorted(self.keys, query, side="left").tolist()
        hi = np.searchsorted(self.keys, query, side="right").tolist()
        vals = self.vals
        out: list[int] = []
        capped = self.capped
        for i, k in enumerate(query.tolist()):
            if k in capped:
                continue
            recent = self._buf.get(k)
            count = hi[i] - lo[i] + (len(recent) if recent else 0)
            if count == 0 or count > cap:
                continue
            if hi[i] > lo[i]:
                out.extend(vals[lo[i] : hi[i]].tolist())
            if recent:
                out.extend(recent)
        return out


class DedupIndex:
    """Incremental copy detector: the first-added copy of a text is the original.

    Callers add articles in publication order (undated last), so "first
    added" means "earliest published". Re-adding a known article id returns
    its earlier verdict and changes nothing.
    """

    def __init__(self, options: DedupOptions) -> None:
        self.options = options
        self._bands, self._rows = _lsh_params(options.threshold, options.num_perm)
        self._ids: list[str] = []  # doc number -> article id
        self._number: dict[str, int] = {}  # article id -> doc number (indexed or not)
        self._results: dict[str, DuplicateInfo] = {}
        self._hashes: list[np.ndarray] = []  # doc number -> sorted unique shingle hashes (None-free)
        self._exact: dict[str, int] = {}  # text key -> first doc number
        # text key -> the copy first seen with that text where it is not indexed (its original
        # covers it): an exact re-post of that copy is still its exact copy.
        self._covered: dict[str, str] = {}
        self._buckets = _MultiMap()  # LSH band key (band index mixed in) -> doc numbers
        self._postings = _MultiMap()  # sampled shingle hash -> doc numbers
        # What changed since the last snapshot or segment: a segment persists only this.
        self._journal: list[tuple[Any, ...]] = []

    # ------------------------------------------------------------------ public

    def __len__(self) -> int:
        return len(self._number)

    def add(self, article: Article, prepared: Prepared | None = None) -> DuplicateInfo | None:
        """Index one article; return how it copies an earlier one, or None if it is original.

        `prepared` is `prepare(article, options)` when it was computed elsewhere
        (a worker process); the verdict is the same either way.
        """
        if article.id in self._number:
            return self._results.get(article.id)
        if prepared is not None:
            sh, unique = prepared.shingles, prepared.unique
        else:
            sh = shingle(article, self.options.shingle_words)
            unique = np.unique(sh.hashes)
        if sh.hashes.size == 0:
            self._number[article.id] = -1
            self._journal.append(("unindexed", article.id))
            return None
        exact = self._exact.get(sh.text_key)
        same = self._ids[exact] if exact is not None else self._covered.get(sh.text_key)
        keys = None
        if same is None:  # one MinHash, for match and insert
            keys = prepared.keys if prepared is not None else band_keys(unique, self.options)
        info, own = self._match(article, sh, unique, same, keys)
        if info is not None:
            self._results[article.id] = info
            self._journal.append(("result", info))
        if keys is None or (info is not None and own < self.options.min_new_words):
            # The original already covers this text: a later copy of it finds the original, so the
            # copy's keys would only lengthen every posting list (copies share all their keys).
            if keys is not None and sh.text_key:
                self._covered[sh.text_key] = article.id
                self._journal.append(("covered", sh.text_key, article.id))
            self._number[article.id] = -1
            self._journal.append(("unindexed", article.id))
            return info
        if sh.text_key not in self._exact:
            self._exact[sh.text_key] = len(self._ids)
            self._journal.append(("exact", sh.text_key, len(self._ids)))
        self._register(article.id, unique, keys)
        self._journal.append(("doc", article.id, unique, keys))
        return info

    @property
    def changed(self) -> bool:
        return bool(self._journal)

    def segment_bytes(self) -> bytes:
        """What changed since the last snapshot or segment, as one segment (plain arrays and JSON);
        `apply_segment` on a loaded index replays it. Persisting segments writes each article once,
        where `to_bytes` rewrites the whole index."""
        docs = [e for e in self._journal if e[0] == "doc"]
        meta = {
            "format": _FORMAT,
            "segment": True,
            "docs": [e[1] for e in docs],
            "unindexed": [e[1] for e in self._journal if e[0] == "unindexed"],
            "results": [
                [i.article_id, i.duplicate_of, i.overlap, i.kind, [list(s) for s in i.shared_spans]]
                for e in self._journal
                if e[0] == "result"
                for i in [e[1]]
            ],
            "exact": [[e[1], e[2]] for e in self._journal if e[0] == "exact"],
            "covered": [[e[1], e[2]] for e in self._journal if e[0] == "covered"],
        }
        buf = io.BytesIO()
        np.savez(
            buf,
            meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
            hash_lengths=np.array([e[2].size for e in docs], dtype=np.int64),
            hashes=np.concatenate([e[2] for e in docs]) if docs else np.zeros(0, dtype=np.uint32),
            key_lengths=np.array([e[3].size for e in docs], dtype=np.int64),
            keys=np.concatenate([e[3] for e in docs]) if docs else np.zeros(0, dtype=np.uint64),
        )
        self._journal = []
        return buf.getvalue()

    def apply_segment(self, data: bytes) -> None:
        """Replay a segment written by `segment_bytes`, in the order it was written."""
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode())
            hashes, hash_lengths = z["hashes"], z["hash_lengths"]
            keys, key_lengths = z["keys"], z["key_lengths"]
        if meta.get("format") != _FORMAT or not meta.get("segment"):
            raise ValueError("not a dedup index segment of this format")
        h_off = np.concatenate([[0], np.cumsum(hash_lengths)]).tolist()
        k_off = np.concatenate([[0], np.cumsum(key_lengths)]).tolist()
        for text_key, n in meta["exact"]:
            self._exact.setdefault(text_key, int(n))
        for text_key, aid in meta.get("covered", []):  # segments before it have none
            self._covered.setdefault(text_key, aid)
        for i, aid in enumerate(meta["docs"]):
            if aid not in self._number or self._number[aid] < 0:
                self._register(aid, hashes[h_off[i] : h_off[i + 1]], keys[k_off[i] : k_off[i + 1]])
        for aid in meta["unindexed"]:
            self._number.setdefault(aid, -1)
        for aid, orig, overlap, kind, spans in meta["results"]:
            self._results[aid] = DuplicateInfo(aid, orig, overlap, kind, tuple(tuple(s) for s in spans))

    def to_bytes(self) -> bytes:
        """Persistable state: plain arrays and JSON, no pickle (a snapshot: the journal starts over)."""
        self._journal = []
        meta = {
            "format": _FORMAT,
            "shingle_words": self.options.shingle_words,
            "num_perm": self.options.num_perm,
            "fingerprint_mod": self.options.fingerprint_mod,
            "bands": self._bands,
            "ids": self._ids,
            "unindexed": [aid for aid, n in self._number.items() if n < 0],
            "results": [
                [i.article_id, i.duplicate_of, i.overlap, i.kind, [list(s) for s in i.shared_spans]]
                for i in self._results.values()
            ],
            "exact": self._exact,
            "covered": self._covered,
        }
        lengths = np.array([h.size for h in self._hashes], dtype=np.int64)
        flat = np.concatenate(self._hashes) if self._hashes else np.zeros(0, dtype=np.uint32)
        self._buckets.flush()
        self._postings.flush()
        buf = io.BytesIO()
        np.savez(
            buf,
            meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
            lengths=lengths,
            hashes=flat,
            band_keys=self._buckets.keys,
            band_docs=self._buckets.vals,
            print_keys=self._postings.keys,
            print_docs=self._postings.vals,
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, options: DedupOptions) -> DedupIndex:
        """Restore an index; the shingling options must match those it was built with.

        The print sampling rate is the index's own: an index built with another
        `fingerprint_mod` (a store from an older default) keeps sampling as it was
        built, so its postings stay comparable.
        """
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode())
            lengths, flat = z["lengths"], z["hashes"]
            buckets = _MultiMap(z["band_keys"], z["band_docs"])
            postings = _MultiMap(z["print_keys"], z["print_docs"])
        if meta.get("format") != _FORMAT:
            raise ValueError(f"dedup index format {meta.get('format')} is not {_FORMAT}")
        if meta["fingerprint_mod"] != options.fingerprint_mod:
            options = options.model_copy(update={"fingerprint_mod": meta["fingerprint_mod"]})
        for name in ("shingle_words", "num_perm"):
            if meta[name] != getattr(options, name):
                raise ValueError(
                    f"dedup index was built with {name}={meta[name]}, options say {getattr(options, name)}"
                )
        index = cls(options)
        if index._bands != meta["bands"]:
            raise ValueError("dedup index was built with another LSH threshold")
        offsets = np.concatenate([[0], np.cumsum(lengths)]).tolist()
        index._ids = list(meta["ids"])
        index._number = {aid: n for n, aid in enumerate(index._ids)}
        index._hashes = [flat[offsets[n] : offsets[n + 1]] for n in range(len(index._ids))]
        index._buckets, index._postings = buckets, postings
        for aid in meta["unindexed"]:
            index._number[aid] = -1
        for aid, orig, overlap, kind, spans in meta["results"]:
            index._results[aid] = DuplicateInfo(aid, orig, overlap, kind, tuple(tuple(s) for s in spans))
        index._exact = {k: int(v) for k, v in meta["exact"].items()}
        index._covered = dict(meta.get("covered", {}))
        return index

    # ------------------------------------------------------------------ rows (the store's form)

    @classmethod
    def partial(
        cls,
        options: DedupOptions,
        docs: Sequence[tuple[int, str, np.ndarray]],
        bands: tuple[np.ndarray, np.ndarray],
        prints: tuple[np.ndarray, np.ndarray],
        capped: tuple[set[int], set[int]] = (set(), set()),
        exact: Mapping[str, int] | None = None,
        seen: Iterable[str] = (),
        covered: Mapping[str, str] | None = None,
    ) -> DedupIndex:
        """An index of only the stored documents a batch can meet: `docs` (store number, article id,
        hashes), the postings of the batch's own band keys and sampled prints as the store keeps them
        (arrays of signed 64-bit keys and store numbers), the keys held by more documents than
        the cap (signed too), the first
        document of each of the batch's exact texts, and the batch's articles already seen.

        Every lookup the batch makes finds what the whole index would give, so the verdicts are
        the same; the batch's own articles are added as usual and `rows` gives them back.
        """
        index = cls(options)
        local: dict[int, int] = {}
        for doc, aid, hashes in sorted(docs, key=lambda d: d[0]):
            local[doc] = len(index._ids)
            index._number[aid] = local[doc]
            index._ids.append(aid)
            index._hashes.append(hashes)
        numbers = np.fromiter(local, dtype=np.int64, count=len(local))  # store number of each local one
        index._buckets = _postings_map(*bands, numbers)
        index._postings = _postings_map(*prints, numbers)
        index._buckets.capped, index._postings.capped = (set(unsigned(list(c)).tolist()) for c in capped)
        index._exact = {key: local[doc] for key, doc in (exact or {}).items() if doc in local}
        index._covered = dict(covered or {})
        for aid in seen:
            index._number.setdefault(aid, -1)
        index._loaded = len(index._ids)
        return index

    def rows(
        self, next_doc: int, chunk: int = 2000
    ) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        """What was added since the index was made (`partial`) as store rows, `chunk` articles at a
        time (memory follows the chunk): documents numbered from `next_doc` in the order they came,
        with their band keys (kind 0) and prints (kind 1) as signed 64-bit keys; articles not
        indexed (exact copies, empty bodies) as documents without a number. The journal starts over."""
        journal, self._journal = self._journal, []
        shift = next_doc - getattr(self, "_loaded", 0)
        text_of = {e[2]: e[1] for e in journal if e[0] == "exact"}
        covered_text = {e[2]: e[1] for e in journal if e[0] == "covered"}
        for start in range(0, len(journal), chunk):
            docs: list[dict[str, Any]] = []
            keys: list[dict[str, Any]] = []
            for e in journal[start : start + chunk]:
                if e[0] == "unindexed":
                    text_key = covered_text.get(e[1])
                    docs.append({"article_id": e[1], "doc": None, "text_key": text_key, "hashes": None})
                elif e[0] == "doc":
                    aid, unique, band = e[1], e[2], e[3]
                    n = self._number[aid]
                    doc = n + shift
                    docs.append(
                        {
                            "article_id": aid,
                            "doc": doc,
                            "text_key": text_of.get(n),
                            "hashes": unique.astype(np.uint32).tobytes(),
                        }
                    )
                    keys.extend({"kind": 0, "key": k, "doc": doc} for k in _signed(band))
                    keys.extend({"kind": 1, "key": k, "doc": doc} for k in self._print_keys(unique))
            yield docs, keys

    def all_rows(self) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        """The whole index as store rows, its document numbers kept (moving a stored blob to rows)."""
        self._buckets.flush()
        self._journal = []
        first_of = {n: key for key, n in self._exact.items()}
        docs: list[dict[str, Any]] = [
            {
                "article_id": aid,
                "doc": n,
                "text_key": first_of.get(n),
                "hashes": h.astype(np.uint32).tobytes(),
            }
            for n, (aid, h) in enumerate(zip(self._ids, self._hashes, strict=True))
        ]
        covered_text = {aid: key for key, aid in self._covered.items()}
        docs += [
            {"article_id": aid, "doc": None, "text_key": covered_text.get(aid), "hashes": None}
            for aid, n in self._number.items()
            if n < 0
        ]
        yield docs, []
        bands = zip(_signed(self._buckets.keys), self._buckets.vals.tolist(), strict=True)
        yield [], [{"kind": 0, "key": k, "doc": int(d)} for k, d in bands]
        for n, h in enumerate(self._hashes):
            yield [], [{"kind": 1, "key": k, "doc": n} for k in self._print_keys(h)]

    def batch_keys(self, prepared: Sequence[Prepared]) -> tuple[list[int], list[int], list[str]]:
        """The signed band keys, sampled prints and exact-text keys a batch will look up."""
        bands: list[int] = []
        prints: list[int] = []
        texts: list[str] = []
        for p in prepared:
            bands.extend(_signed(p.keys))
            prints.extend(self._print_keys(p.unique))
            if p.shingles.text_key:
                texts.append(p.shingles.text_key)
        return bands, prints, texts

    def _print_keys(self, unique: np.ndarray) -> list[int]:
        """The sampled prints of a document as the store keeps them (signed 64-bit)."""
        return _signed(self._fingerprints(unique))

    # ------------------------------------------------------------------ internals

    def _fingerprints(self, unique: np.ndarray) -> np.ndarray:
        return unique[unique % np.uint32(self.options.fingerprint_mod) == 0]

    def _candidates(self, unique: np.ndarray, keys: np.ndarray) -> list[int]:
        opts = self.options
        found = set(self._buckets.lookup(keys, opts.max_posting))
        prints = self._fingerprints(unique).astype(np.uint64)
        met = self._postings.lookup(prints, opts.max_posting) if prints.size else []
        if met:
            hits = np.bincount(np.asarray(met, dtype=np.int64))  # prints shared with each document
            # Sampled prints estimate the shared shingles (times fingerprint_mod); half of each
            # threshold leaves room for sampling noise, and skips the many articles that share
            # a sentence or a quote, which are never copies.
            mod = opts.fingerprint_mod
            need = max(2, round(0.5 * opts.min_shared_shingles / mod))
            share = 0.5 * opts.partial_min_overlap
            own = prints.size
            near = np.flatnonzero(hits >= need)
            count = dict(zip(near.tolist(), hits[near].tolist(), strict=True))
            ranked = sorted(
                (n for n, c in count.items() if c / own >= share or c * mod / self._hashes[n].size >= share),
                key=lambda n: (-count[n], n),
            )
            found.update(ranked[: opts.max_candidates])
        return sorted(found)

    def _match(
        self, article: Article, sh: Shingles, unique: np.ndarray, same: str | None, keys: np.ndarray | None
    ) -> tuple[DuplicateInfo | None, int]:
        """How the article copies an earlier one (None: original; `same`: the first article with
        its very text), and how many words of its own it adds to that one (`_new_words`; all of
        its shingles when it is an original or a partial copy)."""
        opts = self.options
        if same is not None:
            spans = _spans_of(article, sh, np.ones(sh.hashes.size, dtype=bool), opts.shingle_words)
            return DuplicateInfo(article.id, same, 1.0, "exact", spans), 0
        assert keys is not None  # band keys are computed for every text without an exact copy
        best: tuple[int, int, float] | None = None  # (class, doc number, overlap)
        for n in self._candidates(unique, keys):
            other = self._hashes[n]
            shared = int(_in_sorted(unique, other).sum())
            overlap = shared / unique.size
            reverse = shared / other.size
            if overlap >= opts.min_overlap:
                cls = 0
            elif shared >= opts.min_shared_shingles and (
                overlap >= opts.partial_min_overlap or reverse >= opts.partial_min_overlap
            ):
                cls = 1
            else:
                continue
            if best is None or (cls, n) < (best[0], best[1]):
                best = (cls, n, overlap)
            if cls == 0:
                break  # candidates come in doc-number order: no later one beats the earliest full copy
        if best is None:
            return None, int(unique.size)
        cls, n, overlap = best
        other = self._hashes[n]
        found = _in_sorted(sh.hashes, other)
        spans = _spans_of(article, sh, found, opts.shingle_words)
        if cls == 0 and overlap >= 0.999 and other.size == unique.size:
            kind = "exact"
        else:
            kind = "near" if cls == 0 else "partial"
        info = DuplicateInfo(article.id, self._ids[n], round(overlap, 4), kind, spans)
        if cls == 1:  # a partial copy is an article of its own that embeds a block: all of it counts
            return info, int(unique.size)
        return info, _new_words(found, opts.shingle_words)

    def _register(self, article_id: str, unique: np.ndarray, keys: np.ndarray) -> None:
        n = len(self._ids)
        self._ids.append(article_id)
        self._number[article_id] = n
        self._hashes.append(unique)
        self._buckets.add(keys, n)
        self._postings.add(self._fingerprints(unique).astype(np.uint64), n)


def _in_sorted(values: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """`np.isin(values, ref)` for a sorted `ref` (a document's unique hashes): one binary search a
    value instead of sorting both (a fifth of the time for a copy's few hundred shingles)."""
    if ref.size == 0:
        return np.zeros(values.size, dtype=bool)
    at = np.searchsorted(ref, values)
    return ref[np.minimum(at, ref.size - 1)] == values


def _new_words(found: np.ndarray, k: int) -> int:
    """Words a copy adds to its original, from which of its shingles (text order) the original has.

    m new words make a run of m + k - 1 new shingles; a paragraph moved or cut makes runs of k - 1
    at its seams and adds nothing. So a reordered or trimmed copy counts 0 however long it is."""
    start, stop = _runs(~found)
    return int(np.maximum(stop - start - (k - 1), 0).sum())


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop (exclusive) of each run of set entries of `mask`."""
    edges = np.flatnonzero(np.diff(np.concatenate(([False], mask, [False])).astype(np.int8)))
    return edges[::2], edges[1::2]


def _signed(keys: np.ndarray) -> list[int]:
    """uint64 keys as the signed 64-bit integers a SQL BIGINT holds."""
    return np.asarray(keys, dtype=np.uint64).view(np.int64).tolist()


def unsigned(keys: Sequence[int]) -> np.ndarray:
    return np.asarray(keys, dtype=np.int64).view(np.uint64)


def _postings_map(keys: np.ndarray, docs: np.ndarray, numbers: np.ndarray) -> _MultiMap:
    """Stored postings (signed keys, store numbers) as a `_MultiMap` of uint64 keys over local
    numbers (`numbers[i]`: the store number of local document i, ascending), sorted by key with
    older documents first (as the whole index keeps them); postings of documents not loaded
    are dropped."""
    docs = np.asarray(docs, dtype=np.int64)
    at = np.searchsorted(numbers, docs)
    held = at < numbers.size
    held[held] = numbers[at[held]] == docs[held]
    if not held.any():
        return _MultiMap()
    ukeys = unsigned(np.asarray(keys, dtype=np.int64)[held])
    vals = at[held].astype(np.int32)
    order = np.lexsort((vals, ukeys))  # by unsigned key, then document
    return _MultiMap(ukeys[order], vals[order])


def publication_key(article: Article) -> tuple[str, str]:
    """Sort key for publication order: dated articles first, ties by id."""
    return (article.published or "9999-99-99", article.id)


def find_duplicates(articles: Sequence[Article], options: DedupOptions) -> dict[str, DuplicateInfo]:
    """Batch copy detection: add every article in publication order, return the copies by id."""
    index = DedupIndex(options)
    out: dict[str, DuplicateInfo] = {}
    for article in sorted(articles, key=publication_key):
        info = index.add(article)
        if info is not None:
            out[article.id] = info
    return out


# --------------------------------------------------------------------------- copy direction

_CREDIT_KEYS = ("dateline_source",)  # the agency a text credits, when the outlet is known apart from it
_WORDS = re.compile(r"[a-z0-9]+")


def _day(article: Article) -> str | None:
    return article.published[:10] if article.published else None


def _name_key(name: str) -> set[str]:
    """Ways an outlet is written: its words joined, and its initials ("Velmark Press Bureau" -> "vpb")."""
    words = _WORDS.findall(name.lower())
    out = {"".join(words)} if words else set()
    if len(words) > 1:
        out.add("".join(w[0] for w in words if w not in {"the", "of", "and"}))
    return out


def _credit_score(article: Article) -> tuple[int, str | None]:
    """+1 when the outlet is the agency its dateline credits, -1 when it credits another outlet."""
    extra = dict(article.extra)
    if article.source_origin == "originally-appeared" or extra.get("originally_appeared"):
        return -1, "says it first appeared elsewhere"
    credit = next((str(extra[k]) for k in _CREDIT_KEYS if extra.get(k)), None)
    if not credit or not article.source or article.source_origin in ("dateline", None):
        return 0, None
    if _name_key(credit) & _name_key(article.source):
        return 1, f"is {credit}'s own copy (its dateline credit)"
    return -1, f"re-runs {credit}'s copy (its dateline credits {credit})"


def _paragraphs(article: Article) -> list[str]:
    return [" ".join(_WORDS.findall(article.text[a:b].lower())) for a, b in body_spans(article)]


def _edit_score(article: Article, other: Article) -> tuple[int, str | None]:
    """-1 when `article` looks edited from `other`: a paragraph put in between shared ones, or the
    other's closing paragraphs cut. Outlets re-running wire copy add a local paragraph or trim the end;
    the wire does neither to a re-run."""
    mine, theirs = _paragraphs(article), _paragraphs(other)
    theirs_set, mine_set = set(theirs), set(mine)
    shared = [i for i, p in enumerate(mine) if p in theirs_set]
    if not shared:
        return 0, None
    inserted = [i for i, p in enumerate(mine) if p not in theirs_set and shared[0] < i < shared[-1]]
    if inserted:
        return -1, "adds a paragraph inside the shared text"
    other_shared = [i for i, p in enumerate(theirs) if p in mine_set]
    cut_tail = (
        other_shared and other_shared[-1] < len(theirs) - 1 and not any(p not in theirs_set for p in mine)
    )
    if cut_tail:
        return -1, "ends where the other goes on (its closing paragraphs cut)"
    return 0, None


def orient_copies(
    duplicates: Mapping[str, DuplicateInfo], articles: Mapping[str, Article], options: DedupOptions
) -> dict[str, DuplicateInfo]:
    """Copies pointed at their original, where publication dates cannot tell.

    The index calls the first article it sees the original. For copies published
    the same day (or undated) that is only the order of the input, so the wire is
    told from its re-runs by the text: the outlet the dateline credits, "originally
    appeared", a paragraph added inside the shared text or the closing paragraphs
    cut. Where nothing tells, the copies are marked as copies of each other
    (`direction="unknown"`) and no direction is invented.
    """
    groups: dict[str, list[str]] = {}
    for aid, info in duplicates.items():
        groups.setdefault(info.duplicate_of, [info.duplicate_of]).append(aid)
    out = dict(duplicates)
    for root, members in groups.items():
        known = [articles[m] for m in dict.fromkeys(members) if m in articles]
        if len(known) < 2 or root not in articles:
            continue
        first_day = _day(articles[root])
        same = [a for a in known if _day(a) == first_day]
        if len(same) < 2:
            continue
        scores: dict[str, tuple[int, list[str]]] = {}
        for a in same:
            total, why = _credit_score(a)
            reasons = [why] if why else []
            for b in same:
                if b.id != a.id:
                    s, w = _edit_score(a, b)
                    total += s
                    if w and w not in reasons:
                        reasons.append(w)
            scores[a.id] = (total, reasons)
        best = max(v[0] for v in scores.values())
        top = [aid for aid, v in scores.items() if v[0] == best]
        when = f"published the same day ({first_day})" if first_day else "both undated"
        if len(top) == 1:
            new_root = top[0]
            for a in same:
                if a.id == new_root:
                    out.pop(a.id, None)
                    continue
                why = "; ".join(scores[a.id][1]) or "carries no sign of being the original"
                info = out.get(a.id) or copy_info(a, articles[new_root], options)
                if info.duplicate_of != new_root:
                    info = copy_info(a, articles[new_root], options)
                out[a.id] = replace(info, direction="credit", reason=f"{when}; this one {why}")
            same_ids = {a.id for a in same}
            for a in known:
                if a.id not in same_ids and a.id in out:
                    out[a.id] = replace(out[a.id], duplicate_of=new_root)
        else:
            for a in same:
                if a.id in out:
                    out[a.id] = replace(
                        out[a.id],
                        direction="unknown",
                        reason=f"{when}; nothing tells which is the original: the two are copies of each other",
                    )
    return out


def copy_info(article: Article, original: Article, options: DedupOptions) -> DuplicateInfo:
    """How `article` copies `original`, measured directly (share of its shingles, copied spans)."""
    sh, other = shingle(article, options.shingle_words), shingle(original, options.shingle_words)
    unique = np.unique(sh.hashes)
    if unique.size == 0:
        return DuplicateInfo(article.id, original.id, 0.0, "near")
    overlap = float(np.isin(unique, other.hashes).sum()) / unique.size
    spans = copied_spans(article, sh, other.hashes, options.shingle_words)
    kind = "exact" if overlap >= 0.999 and sh.text_key == other.text_key else "near"
    if overlap < options.min_overlap:
        kind = "partial"
    return DuplicateInfo(article.id, original.id, round(overlap, 4), kind, spans)
