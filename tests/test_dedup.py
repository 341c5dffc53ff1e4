"""Copy detection on invented articles: one test per kind of copy, plus hard negatives."""

from __future__ import annotations

import pytest

from newsdesk.dedup import DedupIndex, find_duplicates
from newsdesk.options import DedupOptions
from newsdesk.records import Article

PARAS = [
    "Ferry workers in Port Calder extended their strike on Monday, leaving about four thousand commuters "
    "without a morning crossing as talks with the operator stalled for a third straight day.",
    "Union leader Tomas Brevik told reporters outside the terminal that the crews would stay out until the "
    "Calder Ferry Company put a real offer on the table, and he accused managers of stalling.",
    "The company said it had offered a three percent raise along with a one-off bonus for night crews, an "
    "offer the union rejected at a crowded meeting in the old harbour hall on Sunday evening.",
    "Commuters queued for the replacement buses that the regional council laid on, although the road "
    "journey around the bay takes almost two hours compared with twenty minutes by boat.",
    "Local shop owners near the terminal said trade had fallen sharply since the walkout began, and several "
    "cafes closed early because the usual morning crowds of passengers never arrived.",
]
OTHER = [
    "Growers in the Linden Valley picked a record apple harvest this season, the regional growers' "
    "cooperative said on Sunday, crediting a warm spring that helped the blossoms set early.",
    "Cooperative chair Ada Marsh said packing sheds were running double shifts and that exporters expected "
    "the first containers to leave the valley for overseas markets before the end of the month.",
    "Some farmers warned that a shortage of seasonal pickers had left fruit on the trees in the higher "
    "orchards, where the crop ripened late after a cold snap in the first week of autumn.",
]
# Same story, different words: a second outlet's own report of the strike.
SAME_TOPIC = [
    "The Port Calder ferry strike went into its third day on Monday and thousands of commuters were again "
    "left to find another way across the bay.",
    "Tomas Brevik, who leads the ferry union, said his members would not go back without a better offer "
    "from the operator, which he accused of stalling.",
    "The operator said its offer of a three percent raise was fair. Buses laid on by the council were "
    "crowded, and the trip around the bay took close to two hours.",
]


def make(
    aid: str, paras: list[str], title: str | None = None, published: str | None = "2026-05-11"
) -> Article:
    """An Article whose body segments are its paragraphs (and whose title is outside the body)."""
    text = (title + "\n\n" if title else "") + "\n\n".join(paras)
    segments, pos = [], len(title) + 2 if title else 0
    for p in paras:
        segments.append((pos, pos + len(p)))
        pos += len(p) + 2
    return Article(
        id=aid,
        path=f"{aid}.txt",
        fmt="txt",
        text=text,
        title=title,
        title_source="first-line" if title else "absent",
        published=published,
        published_source="header" if published else "absent",
        body_span=(segments[0][0], len(text)),
        body_segments=tuple(segments),
        word_count=len(text.split()),
    )


@pytest.fixture()
def original() -> Article:
    return make("orig", PARAS, title="Port Calder ferry strike enters third day", published="2026-05-11")


@pytest.mark.parametrize(
    ("name", "paras", "title", "kind"),
    [
        ("exact", PARAS, "Port Calder ferry strike enters third day", "exact"),
        ("new-headline", PARAS, "Calder commuters stranded again", "exact"),
        (
            "added-paragraph",
            [*PARAS, "The company did not respond to a request for further comment on Monday."],
            None,
            "near",
        ),
        ("trimmed", PARAS[:4], None, "near"),
        ("reordered", [PARAS[1], PARAS[0], PARAS[3], PARAS[2], PARAS[4]], None, "near"),
        ("partial-embed", OTHER[:2] + PARAS[:3] + OTHER[2:], None, "partial"),
    ],
)
def test_copy_kinds(original: Article, name: str, paras: list[str], title: str | None, kind: str) -> None:
    copy = make(name, paras, title=title, published="2026-05-12")
    found = find_duplicates([copy, original], DedupOptions())
    assert "orig" not in found  # the earlier one is the original, whatever the input order
    info = found[name]
    assert info.duplicate_of == "orig"
    assert info.kind == kind
    assert 0.0 < info.overlap <= 1.0
    assert info.shared_spans
    for start, end in info.shared_spans:
        assert copy.text[start:end] in original.text or kind != "exact"
    if kind != "partial":
        assert info.overlap >= DedupOptions().min_overlap


def test_partial_spans_cover_the_embedded_block(original: Article) -> None:
    copy = make("partial", OTHER[:2] + PARAS[:3] + OTHER[2:], published="2026-05-12")
    info = find_duplicates([original, copy], DedupOptions())["partial"]
    covered = "".join(copy.text[s:e] for s, e in info.shared_spans)
    assert PARAS[1] in covered
    assert OTHER[0] not in covered and OTHER[2] not in covered


def test_hard_negatives_are_not_copies(original: Article) -> None:
    same_topic = make("same-topic", SAME_TOPIC, published="2026-05-11")
    unrelated = make("orchard", OTHER, published="2026-05-10")
    assert find_duplicates([original, same_topic, unrelated], DedupOptions()) == {}


def test_boilerplate_outside_body_is_ignored(original: Article) -> None:
    bio = "About the author: Jane Roe covers transport and labour for the Harbour Gazette since 2019."
    a = make("a", SAME_TOPIC)
    b = make("b", OTHER)
    # The same bio appended after the body segments of two unrelated articles.
    a = Article(**{**{f: getattr(a, f) for f in a.__slots__}, "text": a.text + "\n\n" + bio})
    b = Article(**{**{f: getattr(b, f) for f in b.__slots__}, "text": b.text + "\n\n" + bio})
    assert find_duplicates([a, b], DedupOptions()) == {}


def test_incremental_readd_and_persistence(original: Article) -> None:
    options = DedupOptions()
    index = DedupIndex(options)
    assert index.add(original) is None
    copy = make("copy", PARAS[:4], published="2026-05-12")
    first = index.add(copy)
    assert first is not None and first.duplicate_of == "orig"
    assert index.add(copy) == first  # re-adding changes nothing
    assert index.add(original) is None
    restored = DedupIndex.from_bytes(index.to_bytes(), options)
    assert restored.add(copy) == first
    later = make("later", PARAS[1:], published="2026-05-13")
    assert restored.add(later).duplicate_of == "orig"  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        DedupIndex.from_bytes(index.to_bytes(), DedupOptions(shingle_words=4))


def test_a_copy_that_adds_nothing_of_its_own_is_not_indexed(original: Article) -> None:
    """Copies of one text would otherwise share every posting list, so each new copy read them all;
    the original stands for a copy that adds less than a paragraph, and later copies still find it."""
    index = DedupIndex(DedupOptions())
    index.add(original)
    trimmed = make("trimmed", PARAS[:4], published="2026-05-12")
    reordered = make("reordered", [PARAS[1], PARAS[0], *PARAS[2:]], published="2026-05-12")
    extra = "A second paragraph of its own: the harbour master said on Monday evening that pilots on the "
    extra += "river tugs would join the walkout at dawn on Wednesday unless the company reopened talks."
    added = make("added", [*PARAS, extra], published="2026-05-12")
    for copy in (trimmed, reordered, added):
        assert index.add(copy).duplicate_of == "orig"  # type: ignore[union-attr]
    assert index._number["trimmed"] == index._number["reordered"] == -1
    assert index._number["added"] >= 0  # its own paragraph is text a later article may copy
    # A later copy finds the original; an exact re-post of a copy not indexed is still its exact copy.
    later = make("later", [PARAS[0], PARAS[2], PARAS[1], PARAS[3]], published="2026-05-13")
    assert index.add(later).duplicate_of == "orig"  # type: ignore[union-attr]
    again = make("again", PARAS[:4], title="Ferry strike goes on", published="2026-05-13")
    info = index.add(again)
    assert info is not None and (info.duplicate_of, info.kind) == ("trimmed", "exact")
    restored = DedupIndex.from_bytes(index.to_bytes(), DedupOptions())  # the registry is kept
    assert restored.add(make("again2", PARAS[:4], published="2026-05-14")).duplicate_of == "trimmed"  # type: ignore[union-attr]
    # A later article that embeds the added copy's own paragraph is its copy, not the original's.
    embed = make("embed", [*OTHER, extra, PARAS[4]], published="2026-05-14")
    info = index.add(embed)
    assert info is not None and info.duplicate_of == "added" and info.kind == "partial"


def test_index_keeps_the_print_sampling_it_was_built_with(original: Article) -> None:
    # A store built under an older default sampling (1 in 4 prints) still loads and still finds
    # partial copies: the restored index samples as it was built, not as today's options say.
    old = DedupIndex(DedupOptions(fingerprint_mod=4))
    old.add(original)
    restored = DedupIndex.from_bytes(old.to_bytes(), DedupOptions(fingerprint_mod=8))
    assert restored.options.fingerprint_mod == 4
    copy = make("partial", OTHER[:2] + PARAS[:3] + OTHER[2:], published="2026-05-12")
    info = restored.add(copy)
    assert info is not None and (info.duplicate_of, info.kind) == ("orig", "partial")


def test_empty_body_is_never_a_copy() -> None:
    empty = Article(
        id="e",
        path="e",
        fmt="txt",
        text="",
        title=None,
        title_source="absent",
        published=None,
        published_source="absent",
    )
    index = DedupIndex(DedupOptions())
    assert index.add(empty) is None
    assert index.add(empty) is None


def test_word_hashes_do_not_depend_on_neighbours() -> None:
    from newsdesk.dedup import word_hashes

    alone = word_hashes(["ferry", "day"])
    beside_long = word_hashes(["ferry", "extraordinarily-long-compound-words-here", "día"])
    assert alone[0] == beside_long[0]
    assert len(set(word_hashes(["ferry", "ferries", "día", "dia"]).tolist())) == 4


def test_multimap_matches_a_plain_dict_across_flushes_and_a_save() -> None:
    import numpy as np

    from newsdesk.dedup import _MultiMap

    rng = np.random.default_rng(5)
    mm, ref = _MultiMap(), {}
    for doc in range(600):  # enough inserts for several buffer flushes
        keys = rng.integers(0, 3000, size=int(rng.integers(0, 40)), dtype=np.uint64)
        mm.add(keys, doc)
        for k in keys.tolist():
            ref.setdefault(k, []).append(doc)
        if doc % 97 == 0:
            query = rng.integers(0, 3100, size=50, dtype=np.uint64)
            want = [d for k in query.tolist() for d in ref.get(k, []) if len(ref[k]) <= 12]
            assert sorted(mm.lookup(query, 12)) == sorted(want)
    mm.flush()
    restored = _MultiMap(mm.keys, mm.vals)  # what to_bytes saves and from_bytes loads
    for k, docs in ref.items():
        q = np.array([k], dtype=np.uint64)
        assert mm.lookup(q, 10_000) == restored.lookup(q, 10_000) == docs  # insertion order kept


# ------------------------------------------------------------------ copy direction on the same day

LOCAL = (
    "At the Calder market hall, stallholders who rely on the early crossing said they had opened late all "
    "week, and one baker said she had thrown away two trays of bread on Monday alone."
)


def _oriented(*articles: Article) -> dict:
    from dataclasses import replace

    from newsdesk.dedup import orient_copies

    opts = DedupOptions()
    found = find_duplicates(list(articles), opts)
    return {
        k: replace(v, shared_spans=())
        for k, v in orient_copies(found, {a.id: a for a in articles}, opts).items()
    }


def test_same_day_rerun_with_an_inserted_paragraph_is_the_copy() -> None:
    # The re-run sorts first ("a-..."), so the index sees it first; its added paragraph gives it away.
    rerun = make("a-rerun", [*PARAS[:3], LOCAL, *PARAS[3:]])
    wire = make("b-wire", PARAS)
    out = _oriented(rerun, wire)
    assert set(out) == {"a-rerun"} and out["a-rerun"].duplicate_of == "b-wire"
    assert out["a-rerun"].direction == "credit" and "adds a paragraph" in (out["a-rerun"].reason or "")


def test_same_day_trimmed_rerun_is_the_copy() -> None:
    trimmed = make("a-trim", PARAS[:3])
    wire = make("b-wire", PARAS)
    out = _oriented(trimmed, wire)
    assert set(out) == {"a-trim"} and out["a-trim"].duplicate_of == "b-wire"


def test_outlet_that_is_not_the_credited_agency_is_the_copy() -> None:
    from dataclasses import replace

    wire = replace(make("b-wire", PARAS), source="Calder Press Agency", source_origin="txt")
    rerun = replace(
        make("a-rerun", PARAS),
        source="Bayside Herald",
        source_origin="html-meta",
        extra=(("dateline_source", "CPA"),),
    )
    wire = replace(wire, extra=(("dateline_source", "CPA"),))
    out = _oriented(rerun, wire)
    assert set(out) == {"a-rerun"} and out["a-rerun"].duplicate_of == "b-wire"
    assert "CPA" in (out["a-rerun"].reason or "")


def test_same_day_copies_with_nothing_to_tell_get_no_direction() -> None:
    one, two = make("a-one", PARAS), make("b-two", PARAS)
    out = _oriented(one, two)
    assert len(out) == 1 and next(iter(out.values())).direction == "unknown"


def test_an_earlier_day_stays_the_original_whatever_the_text_says() -> None:
    wire = make("b-wire", PARAS, published="2026-05-12")
    early = make("a-early", [*PARAS[:3], LOCAL, *PARAS[3:]], published="2026-05-11")
    out = _oriented(early, wire)
    assert set(out) == {"b-wire"} and out["b-wire"].direction == "dated"


# ------------------------------------------------------------------ append-only segments


def test_a_snapshot_plus_segments_is_the_index_that_made_them() -> None:
    opts = DedupOptions()
    whole = DedupIndex(opts)
    base = DedupIndex(opts)
    first = [make("orig", PARAS), make("orchard", OTHER)]
    second = [make("same-topic", SAME_TOPIC), make("copy", [*PARAS, LOCAL])]
    for a in first:
        whole.add(a), base.add(a)
    snapshot = base.to_bytes()
    for a in second:
        whole.add(a), base.add(a)
    assert base.changed
    segment = base.segment_bytes()
    assert not base.changed and len(segment) < len(snapshot)
    loaded = DedupIndex.from_bytes(snapshot, opts)
    loaded.apply_segment(segment)
    assert len(loaded) == len(whole)
    assert loaded.add(make("copy", [*PARAS, LOCAL])) == whole.add(make("copy", [*PARAS, LOCAL]))
    late = make("late-copy", [*SAME_TOPIC, "The ferry company did not comment on Tuesday evening at all."])
    assert loaded.add(late) == whole.add(late)  # a copy of an article only the segment holds
    assert whole.add(late) is not None and whole.add(late).duplicate_of == "same-topic"


def _variants() -> list[Article]:
    """Originals, exact and near copies, partial embeds, hard negatives and empty bodies, interleaved."""
    import random

    rng = random.Random(3)
    out = [make("orig", PARAS), make("orchard", OTHER), make("same-topic", SAME_TOPIC)]
    for i in range(40):
        base = rng.choice([PARAS, OTHER, SAME_TOPIC])
        kind = rng.choice(["exact", "near", "partial", "shuffle", "own"])
        if kind == "exact":
            paras = list(base)
        elif kind == "near":
            paras = [*base[: max(2, len(base) - 1)], f"Update {i}: the story was corrected on day {i}."]
        elif kind == "partial":  # a block of one story inside a longer text of another
            other = OTHER if base is not OTHER else SAME_TOPIC
            paras = [
                *other[:2],
                *base[:3],
                *other[2:],
                f"Column {i} ends with words of its own about week {i}.",
            ]
        elif kind == "shuffle":
            paras = rng.sample(base, len(base))
        else:
            paras = [f"Item {i} is a story of its own about the harbour lights number {i} and nothing else."]
        out.append(make(f"v{i:02d}", paras, published=f"2026-05-{11 + i % 15:02d}"))
        if kind == "shuffle" and i < 20:  # a re-post of a copy the index does not hold
            out.append(make(f"r{i:02d}", paras, title="Again", published="2026-05-28"))
    return out


@pytest.mark.parametrize("batch", [1, 7, 50])
def test_stored_rows_give_the_verdicts_of_the_whole_index(tmp_path, batch: int) -> None:
    """Batches that read only the rows their keys point at decide as one index holding everything."""
    from newsdesk.options import Options
    from newsdesk.pipeline import find_copies, publication_order
    from newsdesk.store import Store

    articles = sorted(_variants(), key=publication_order)
    expected = find_duplicates(articles, DedupOptions())
    options = Options(db_url=f"sqlite:///{tmp_path / f'rows{batch}.db'}")
    with Store(options.db_url) as store:
        store.put_articles(articles)
        got: dict = {}
        for start in range(0, len(articles), batch):
            got.update(find_copies(store, articles[start : start + batch], options))
        again = find_copies(store, articles[:9], options)  # seen before: nothing changes
        stored = store.get_duplicates()
    assert got == expected == stored
    assert again == {a.id: expected[a.id] for a in articles[:9] if a.id in expected} and again
    assert any(d.kind == "partial" for d in expected.values()) and any(
        d.kind == "exact" for d in expected.values()
    )
    # the exact re-post of a copy not indexed: found through the stored text keys too
    assert any(d.kind == "exact" and d.duplicate_of.startswith("v") for d in expected.values())


def test_an_ingest_appends_its_own_rows_only(tmp_path) -> None:
    from sqlalchemy import func, select

    from newsdesk.options import Options
    from newsdesk.pipeline import DEDUP_BLOB, find_copies
    from newsdesk.store import Store
    from newsdesk.store.models import DedupDocRow, DedupKeyRow

    options = Options(db_url=f"sqlite:///{tmp_path / 's.db'}")
    with Store(options.db_url) as store:

        def counts() -> tuple[int, int]:
            with store.engine.connect() as conn:
                return (
                    conn.scalar(select(func.count()).select_from(DedupDocRow)),
                    conn.scalar(select(func.count()).select_from(DedupKeyRow)),
                )

        def ingest(*articles: Article) -> dict:
            store.put_articles(articles)  # copies point at stored articles
            return find_copies(store, articles, options)

        ingest(make("orig", PARAS), make("orchard", OTHER))
        docs, keys = counts()
        assert docs == 2 and keys > 0 and store.load_blob(DEDUP_BLOB) is None
        ingest(make("same-topic", SAME_TOPIC))
        docs2, keys2 = counts()
        assert docs2 == 3 and 0 < keys2 - keys <= keys  # one document's postings, nothing rewritten
        dups = ingest(make("copy", [*PARAS, LOCAL]), make("exact", PARAS))
        dups.update(ingest(make("late", SAME_TOPIC)))
    assert dups["copy"].duplicate_of == "orig" and dups["late"].duplicate_of == "same-topic"
    assert dups["exact"].kind == "exact" and counts()[0] == 6  # the exact copy is seen, not indexed


def test_a_store_with_the_index_blob_of_an_older_release_moves_to_rows(tmp_path) -> None:
    from newsdesk.options import Options
    from newsdesk.pipeline import DEDUP_BLOB, DEDUP_SEGMENTS, find_copies, publication_order
    from newsdesk.store import Store

    articles = _variants()
    first, later = articles[:20], articles[20:]
    old = DedupIndex(DedupOptions())
    stored = [info for a in first if (info := old.add(a)) is not None]
    snapshot = old.to_bytes()
    late = make("late", SAME_TOPIC, published="2026-06-01")
    stored += [info for info in [old.add(late)] if info is not None]
    options = Options(db_url=f"sqlite:///{tmp_path / 'old.db'}")
    with Store(options.db_url) as store:
        store.put_articles([*articles, late])
        store.save_blob(DEDUP_BLOB, snapshot)  # as releases before rows kept it
        store.save_blob(f"{DEDUP_SEGMENTS}0000000001", old.segment_bytes())
        store.put_duplicates(stored)
        find_copies(store, later, options)
        assert store.load_blob(DEDUP_BLOB) is None and not store.load_blobs(DEDUP_SEGMENTS)
        got = store.get_duplicates()
    whole = DedupIndex(DedupOptions())
    expected = {}
    for a in [*first, late, *sorted(later, key=publication_order)]:  # a batch goes in publication order
        if (info := whole.add(a)) is not None:
            expected[a.id] = info
    assert got == expected


def test_stored_rows_keep_the_print_sampling_they_were_built_with(tmp_path, original: Article) -> None:
    """A store built at 1 print in 4 goes on sampling 1 in 4 when today's options say 8: its
    postings stay comparable, so a partial copy of an old article is still found."""
    from newsdesk.options import Options
    from newsdesk.pipeline import DEDUP_SAMPLING, find_copies
    from newsdesk.store import Store

    url = f"sqlite:///{tmp_path / 'mod.db'}"
    built = Options(db_url=url).model_copy(update={"dedup": DedupOptions(fingerprint_mod=4)})
    copy = make("partial", OTHER[:2] + PARAS[:3] + OTHER[2:], published="2026-05-12")
    with Store(url) as store:
        store.put_articles([original, copy])
        find_copies(store, [original], built)
        found = find_copies(store, [copy], Options(db_url=url))  # today's default sampling
        assert b'"fingerprint_mod": 4' in (store.load_blob(DEDUP_SAMPLING) or b"")
    assert (found["partial"].duplicate_of, found["partial"].kind) == ("orig", "partial")


def test_prepare_many_gives_each_article_what_prepare_gives_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The batched path (word hashes, shingles, unique shingles and MinHash band keys computed per
    block of articles) gives the same arrays as one article at a time, across block edges and
    for articles shorter than a shingle, empty, with long words or outside ASCII."""
    from dataclasses import replace

    import numpy as np

    from newsdesk import dedup

    monkeypatch.setattr(dedup, "_BLOCK_WORDS", 40)  # several blocks, edges inside the batch
    options = DedupOptions()
    odd = [
        "Hi.",  # fewer words than a shingle
        "Antidisestablishmentarianism-notwithstandingly incomprehensibilities " * 4,  # long words
        "Zoë Ångström met the Łódź delegation; ΑΘΗΝΑ and Київ sent notes as well, 多言語 too.",
        "four words only here",
    ]
    articles = [make(f"p{i}", PARAS[i % 5 :] + PARAS[: i % 5]) for i in range(6)]
    articles += [make(f"o{i}", [text]) for i, text in enumerate(odd)] + [make("o-other", OTHER)]
    articles.append(replace(make("empty", ["x"]), text="", body_span=(0, 0), body_segments=()))
    many = dedup.prepare_many(articles, options)
    assert len(many) == len(articles)
    for article, got in zip(articles, many, strict=True):
        one = dedup.prepare(article, options)
        assert got.shingles.text_key == one.shingles.text_key, article.id
        for a, b in (
            (got.shingles.hashes, one.shingles.hashes),
            (got.unique, one.unique),
            (got.keys, one.keys),
        ):
            assert a.dtype == b.dtype and np.array_equal(a, b), article.id


TRICKY = [
    "İstanbul'un İzmir ve Ankara ile bağları",  # U+0130 lowers to two characters
    "ΟΔΟΣ.ΑΘΗΝΑΣ and ΣΟΦΙΑ'Σ notes",  # final sigma depends on what follows the letter
    "don't rock'n'roll ''quoted'' o’clock _under_score_ Ⅻ ٣٤ ﬁne ß ǅemal",
    "",
]


@pytest.mark.parametrize("text", TRICKY)
def test_body_words_are_the_lower_cased_regex_words(text: str) -> None:
    """The words are found in the text lower-cased once, and must equal the words the regex finds
    in the text, each lower-cased in context, as stores built before were hashed."""
    from newsdesk.dedup import _body_words
    from newsdesk.textfeatures import WORD_RE

    article = make("t", [text or "x"])
    if not text:
        from dataclasses import replace

        article = replace(article, text="", body_span=(0, 0), body_segments=())
    spans = article.body_segments or ((0, len(article.text)),)
    found = [w for s, e in spans for w in WORD_RE.findall(article.text, s, e)]
    words, per_span = _body_words(article)
    assert words == ("\x00".join(found).lower().split("\x00") if found else [])
    assert sum(per_span) == len(words)


def test_copied_spans_from_run_ends_are_the_merged_shingle_spans() -> None:
    """A run of shared shingles is found from its first and last word only; the spans must be the
    merge of every shared shingle's span, for runs inside, across and at the ends of paragraphs."""
    import numpy as np

    from newsdesk import dedup

    article = make("s", [*PARAS, "Short one.", "«Quoted» — end!"])
    sh = dedup.shingle(article, 5)
    rng = np.random.default_rng(5)
    masks = [np.ones(sh.hashes.size, dtype=bool), np.zeros(sh.hashes.size, dtype=bool)]
    masks += [rng.random(sh.hashes.size) < p for p in (0.2, 0.5, 0.9, 0.97) for _ in range(10)]
    for mask in masks:
        starts, ends = dedup.shingle_offsets(article, 5, sh.hashes.size)
        assert dedup._spans_of(article, sh, mask, 5) == dedup._merge_sorted(starts[mask], ends[mask])
