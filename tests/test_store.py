"""Codec round-trips and the store contract on SQLite (test_store_postgres.py runs it on PostgreSQL)."""

from __future__ import annotations

import dataclasses
import pickle
import sqlite3
import types
import typing
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

try:  # tests/ as a package (tests/__init__.py) or as a plain folder on sys.path
    from ._report_fixture import build_report, fixture_extraction
except ImportError:
    from _report_fixture import build_report, fixture_extraction
from newsdesk import records
from newsdesk.records import Article, DuplicateInfo, Extraction, ProcessingError, Report, Story
from newsdesk.store import Store, from_data, from_json, to_data, to_json

RECORD_TYPES = sorted(
    (
        obj
        for obj in vars(records).values()
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == records.__name__
    ),
    key=lambda cls: cls.__name__,
)


# --------------------------------------------------------------------------- codec


def sample(tp: Any, depth: int = 0) -> Any:
    """A value of type `tp` with every field set (none left at its default), from the type hints."""
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = typing.get_type_hints(tp)
        return tp(**{f.name: sample(hints[f.name], depth + 1) for f in dataclasses.fields(tp)})
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is str:
        return f's{depth}<&>"é😀'
    if tp is bool:
        return True
    if tp is int:
        return 7 + depth
    if tp is float:
        return 0.25 + depth
    if origin is typing.Literal:
        return args[-1]
    if origin in (typing.Union, types.UnionType):
        return sample(next(a for a in args if a is not type(None)), depth)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return (sample(args[0], depth + 1), sample(args[0], depth + 2))
        return tuple(sample(a, depth + i) for i, a in enumerate(args))
    if origin in (dict, Mapping) or tp in (dict, Mapping):
        return {"k": (1, [2.5, None]), "nested": {"deep": ("t",)}}
    # Any: the shapes stages put there (numbers, ranges as tuples, dicts, None)
    return (1, 2.5, "x", None, [3, (4,)], {"a": (5, 6), 7: "int key"})


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_codec_round_trips_every_record_type(cls: type) -> None:
    record = sample(cls)
    text = to_json(record)
    back = from_json(cls, text)
    assert back == record
    assert type(back) is cls
    assert from_data(cls, to_data(record)) == record


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_codec_keeps_defaults_and_none(cls: type) -> None:
    """Records built with only their required fields (None, empty tuples) come back equal."""
    hints = typing.get_type_hints(cls)
    required = {
        f.name: sample(hints[f.name])
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    record = cls(**required)
    assert from_json(cls, to_json(record)) == record


def test_codec_round_trips_the_fixture_report() -> None:
    for hostile in (False, True):
        report, articles = build_report(hostile)
        assert from_json(Report, to_json(report)) == report
        for article in articles.values():
            extraction = fixture_extraction(article)
            assert from_json(Extraction, to_json(extraction)) == extraction


def test_codec_keeps_tuple_and_number_shapes() -> None:
    mention = records.Mention("a", 0, 1, "x", sentence=(0, 5), value=(1, 2.0))
    back = from_json(records.Mention, to_json(mention))
    assert isinstance(back.sentence, tuple)
    assert isinstance(back.value, tuple)
    assert type(back.value[0]) is int and type(back.value[1]) is float
    fact = records.Fact("f", "quantity", "t", "corroborated", 1, (mention,), value=float("inf"))
    assert from_json(records.Fact, to_json(fact)).value == float("inf")


def test_codec_keeps_sets_bytes_and_numeric_scalars() -> None:
    value = {"ids": {"b", "a"}, "frozen": frozenset({1, 2}), "raw": b"\x00\xff", "n": Fraction(1, 4)}
    mention = records.Mention("a", 0, 1, "x", value=value)
    back = from_json(records.Mention, to_json(mention)).value
    assert back["ids"] == {"a", "b"} and isinstance(back["ids"], set)
    assert back["frozen"] == frozenset({1, 2}) and isinstance(back["frozen"], frozenset)
    assert back["raw"] == b"\x00\xff"
    assert back["n"] == 0.25
    with pytest.raises(TypeError, match="object"):
        to_json(records.Mention("a", 0, 1, "x", value=object()))


def test_codec_reads_older_data_without_new_fields() -> None:
    """A field added later (with a default) is absent from stored JSON: the default applies."""
    data = to_data(records.Flag("missing_date", "warning", "no date"))
    del data["evidence"]
    assert from_data(records.Flag, data) == records.Flag("missing_date", "warning", "no date")


# --------------------------------------------------------------------------- store contract


def article(n: int, text: str | None = None, **changes: Any) -> Article:
    """A small article; ids are distinct per `n`."""
    body = text if text is not None else f"Article number {n}: the ferry strike entered day {n}. 😀 “quoted”"
    base = Article(
        id=f"a{n:05d}",
        path=f"corpus/{n}.txt",
        fmt="txt",
        text=body,
        title=f"Title {n}",
        title_source="first-line",
        published="2026-05-11",
        published_source="header",
        source="Calder Courier",
        authors=("Mira Holt",),
        body_span=(0, len(body)),
        segments=(records.Segment(0, 7, "header"),),
        body_segments=((0, len(body)),),
        word_count=len(body.split()),
        extra=(("rank", 3), ("tags", ("a", "b"))),
    )
    return replace(base, **changes)


def extraction(article_id: str, version: str = "v1", term: str = "strike") -> Extraction:
    return Extraction(
        article_id=article_id,
        version=version,
        sentences=((0, 10),),
        timexes=(records.TimeRef(0, 6, "Monday", "DATE", "2026-05-11", reason="weekday before DCT"),),
        quantities=(records.Quantity(0, 5, "4,000", 4000.0, None, None, "commuters", subject_span=(6, 15)),),
        keyterms=(term,),
    )


def story(
    sid: str, article_ids: tuple[str, ...], conflicts: int = 0, first: str | None = "2026-05-11"
) -> Story:
    report, _ = build_report()
    template = report.stories[0]
    return replace(
        template,
        id=sid,
        title=f"Story {sid}",
        article_ids=article_ids,
        first_seen=first,
        conflicts=template.conflicts[:conflicts],
    )


class StoreContract:
    """What every backend must do. Subclasses provide the `url` fixture."""

    @pytest.fixture
    def store(self, url: str) -> Iterator[Store]:
        with Store(url) as s:
            yield s

    def test_put_article_is_idempotent(self, store: Store) -> None:
        a = article(1)
        assert store.put_article(a) is True
        assert store.put_article(a) is False
        assert store.put_article(replace(a, path="elsewhere.txt")) is False
        assert store.get_article(a.id) == a
        assert store.get_article("nope") is None
        assert store.all_articles() == [a]

    def test_flags_are_rows_a_report_replaces_for_its_own_articles(self, store: Store) -> None:
        store.put_articles([article(n) for n in (1, 2, 3)])
        late = records.Flag("missing_date", "warning", "no date <b>here</b>")
        copy = records.Flag("syndicated_copy", "info", "a copy", (records.Span("a00001", 0, 4, "text"),))
        store.put_flags({"a00001": (late, copy), "a00002": (late,), "a00003": ()})
        assert store.get_flags() == {"a00001": (late, copy), "a00002": (late,)}  # none: left out
        store.put_flags({"a00002": ()})  # a later report found nothing: cleared, the others kept
        assert store.get_flags(["a00002", "a00001", "nope"]) == {"a00001": (late, copy)}
        assert store.get_flags([]) == {}
        lazy = store.flag_records()  # the read model's form: decoded when read, the same records
        assert list(lazy) == ["a00001"] and lazy["a00001"] == (late, copy)
        assert dict(store.flag_records(["a00001", "a00002"])) == {"a00001": (late, copy)}
        with pytest.raises(IntegrityError):  # only a stored article has warnings
            store.put_flags({"not-stored": (late,)})

    def test_search_finds_every_word_ranks_titles_first_and_reads_no_syntax(self, store: Store) -> None:
        store.put_articles(
            [
                article(1, "The east levee held overnight, the county engineer said.", title="Levee repairs"),
                article(2, "Levee crews in Northgate worked on the east side.", title="Crews at work"),
                article(
                    3,
                    "A café on Rue Élan reopened after the flood.",
                    title="Café reopens",
                    source="Ünïon Post",
                ),
            ]
        )
        assert store.search_articles(["levee"]) == ["a00001", "a00002"]  # the title match first
        assert store.search_articles(["east levee"]) == ["a00001"]  # a phrase: the words in a row
        assert store.search_articles(["northgate", "lev"]) == ["a00002"]  # every word; a word's start
        assert store.search_articles(["REOPENED", "café"]) == ["a00003"]  # case folded
        assert store.search_articles(["post"]) == ["a00003"]  # the source is searched too
        if store.engine.dialect.name == "sqlite":  # FTS5 folds every letter's case and accents;
            # PostgreSQL folds case as the database's locale does (a C locale: ASCII letters only)
            assert store.search_articles(["cafe", "élan", "union"]) == ["a00003"]
        assert store.search_articles(["levee"], limit=1) == ["a00001"]
        for hostile in (
            '"',
            "*",
            "levee OR",
            "NEAR(levee",
            "lev:*",
            "a & !b | c",
            "'; DROP TABLE articles; --",
        ):
            store.search_articles([hostile])  # no syntax error, whatever it finds
        assert store.search_articles(["—"]) == [] and store.search_articles([]) == []
        store.put_articles([article(4, "Sandbag levee walls rose along the river.", title="River watch")])
        assert store.search_articles(["sandbag"]) == ["a00004"]  # found as soon as it is stored

    def test_every_save_of_dossiers_moves_the_stories_mark(self, store: Store) -> None:
        assert store.stories_mark() is None
        store.put_articles([article(1)])
        store.set_stories({"a00001": "s1"})
        store.save_stories([story("s1", ("a00001",))])
        first = store.stories_mark()
        store.save_stories([story("s1", ("a00001",))])  # the same dossier again: a save all the same
        assert first is not None and store.stories_mark() not in (None, first)

    def test_article_heads_are_the_articles_without_their_texts(self, store: Store) -> None:
        assert store.last_article_seq() == 0
        odd_path = 'feeds/"wire" ç\\😀\n.jsonl'  # read back through the database's own JSON reader
        items = [
            article(2),
            article(1, url="https://news.example/a", locator="line 3", source=None, path=odd_path),
        ]
        store.put_articles(items)
        assert store.last_article_seq() == max(n for n, _a in store.articles_since(0))
        heads = store.article_heads()
        assert list(heads) == ["a00002", "a00001"]  # insertion order
        for a in items:
            assert heads[a.id] == records.ArticleHead(
                a.id, a.path, a.title, a.published, a.url, a.source, a.locator
            )
        assert list(store.article_heads(["a00001", "nope"])) == ["a00001"]

    def test_articles_in_insertion_order_and_lookups(self, store: Store) -> None:
        items = [article(n) for n in (5, 2, 9, 1)]
        for a in items:
            store.put_article(a)
        assert [a.id for a in store.all_articles()] == [a.id for a in items]
        assert store.article_ids() == [a.id for a in items]
        assert store.has_articles(["a00002", "a00001", "zzz"]) == {"a00002", "a00001"}
        assert store.has_articles([]) == set()
        got = store.get_articles(["a00009", "missing", "a00005"])
        assert list(got) == ["a00009", "a00005"]
        assert got["a00009"] == items[2]
        assert store.article_text("a00001") == items[3].text
        assert store.article_text("missing") is None

    def test_bulk_put_articles(self, store: Store) -> None:
        store.put_article(article(0))
        batch = [article(n) for n in range(1200)] + [article(3)]
        new = store.put_articles(batch)
        assert new == [f"a{n:05d}" for n in range(1, 1200)]
        assert store.put_articles(batch) == []
        assert len(store.has_articles(a.id for a in batch)) == 1200
        assert len(store.get_articles([a.id for a in batch])) == 1200

    def test_text_is_kept_exactly(self, store: Store) -> None:
        text = ' date 2026-05-11\n\n“Quotes” — dashes, émoji 😀, tabs\tand  spaces  \n<script>"x"</script>\n'
        a = article(1, text=text)
        store.put_article(a)
        assert store.article_text(a.id) == text
        assert store.get_article(a.id) == a

    def test_nul_characters_survive(self, store: Store) -> None:
        """PostgreSQL text columns refuse NUL; the record still comes back exactly."""
        a = article(1, text="binary\x00junk in the body", title="nul\x00title", source="out\x00let")
        assert store.put_article(a)
        assert store.get_article(a.id) == a
        assert store.article_text(a.id) == a.text
        assert store.all_articles() == [a]
        store.put_error(ProcessingError("bad\x00.txt", "ingest", "NUL \x00 byte"))
        assert store.errors()[0].message == "NUL \ufffd byte"
        store.save_stories([replace(story("s1", (a.id,)), title="t\x00")])
        assert store.get_story("s1").title == "t\x00"

    def test_extraction_cache_by_version(self, store: Store) -> None:
        a, b = article(1), article(2)
        store.put_articles([a, b])
        store.put_extraction(extraction(a.id, "v1"))
        assert store.get_extractions([a.id, b.id], "v1") == {a.id: extraction(a.id, "v1")}
        assert store.get_extractions([a.id], "v2") == {}
        store.put_extraction(extraction(a.id, "v2", term="walkout"))
        assert store.get_extractions([a.id], "v2")[a.id].keyterms == ("walkout",)
        assert store.get_extractions([a.id], "v1")[a.id].keyterms == ("strike",)
        store.put_extraction(extraction(a.id, "v1", term="again"))
        assert store.get_extractions([a.id], "v1")[a.id].keyterms == ("again",)

    def test_bulk_extractions(self, store: Store) -> None:
        items = [article(n) for n in range(700)]
        store.put_articles(items)
        store.put_extractions(extraction(a.id) for a in items)
        got = store.get_extractions([a.id for a in reversed(items)], "v1")
        assert list(got) == [a.id for a in reversed(items)]
        assert got[items[10].id] == extraction(items[10].id)

    def test_fixture_extraction_round_trips(self, store: Store) -> None:
        _, articles = build_report(hostile=True)
        for a in articles.values():
            assert store.put_article(a)
            store.put_extraction(fixture_extraction(a))
        assert store.get_articles(articles) == articles
        got = store.get_extractions(articles, "test-1")
        assert got == {aid: fixture_extraction(a) for aid, a in articles.items()}

    def test_committed_writes_survive_a_failing_record(self, store: Store) -> None:
        store.put_article(article(1))
        store.put_extraction(extraction("a00001"))
        with pytest.raises(IntegrityError):
            store.put_extraction(extraction("not-stored"))
        assert store.get_extractions(["a00001"], "v1")
        store.put_article(article(2))
        assert store.has_articles(["a00001", "a00002"]) == {"a00001", "a00002"}

    def test_duplicates(self, store: Store) -> None:
        store.put_articles([article(1), article(2), article(3)])
        info = DuplicateInfo("a00002", "a00001", 0.93, "near", ((0, 12), (20, 40)))
        store.put_duplicate(info)
        store.put_duplicate(DuplicateInfo("a00003", "a00001", 1.0, "exact"))
        assert store.get_duplicates()["a00002"] == info
        updated = replace(info, overlap=0.97)
        store.put_duplicate(updated)
        assert store.get_duplicates() == {
            "a00002": updated,
            "a00003": DuplicateInfo("a00003", "a00001", 1.0, "exact"),
        }
        lazy = store.duplicate_records()  # the same records, decoded when read
        assert set(lazy) == {"a00002", "a00003"} and lazy["a00002"] == updated
        assert dict(store.duplicate_records(["a00003", "nope"])) == {
            "a00003": store.get_duplicates()["a00003"]
        }

    def test_errors_are_kept_once_in_order(self, store: Store) -> None:
        e1 = ProcessingError("bad.warc", "ingest", "truncated gzip stream")
        e2 = ProcessingError("feed.xml", "clean", "too short", record="entry 3")
        store.put_error(e1)
        store.put_error(e2)
        store.put_error(e1)
        store.put_errors([e2, e1])
        assert store.errors() == [e1, e2]

    def test_blobs(self, store: Store) -> None:
        assert store.load_blob("dedup") is None
        data = bytes(range(256)) * 100
        store.save_blob("dedup", data)
        assert store.load_blob("dedup") == data
        store.save_blob("dedup", b"\x00new")
        assert store.load_blob("dedup") == b"\x00new"
        store.save_blob("cluster", b"")
        assert store.load_blob("cluster") == b""

    def test_story_assignments(self, store: Store) -> None:
        store.put_articles([article(n) for n in range(1, 4)])
        assert store.story_assignments() == {}
        store.set_story("a00001", "s1")
        store.set_story("a00002", "s1")
        store.set_story("a00001", "s1")
        store.set_stories({"a00002": "s2", "a00003": "s2"})
        assert store.story_assignments() == {"a00001": "s1", "a00002": "s2", "a00003": "s2"}

    def test_stories(self, store: Store) -> None:
        store.put_articles([article(n) for n in range(1, 6)])
        big = story("s-big", ("a00001", "a00002", "a00003"), conflicts=2)
        small = story("s-small", ("a00004",), first="2026-05-01")
        undated = story("s-undated", ("a00005",), first=None)
        store.save_stories([small, undated, big])
        rows = store.list_stories()
        assert [r.id for r in rows] == ["s-big", "s-small", "s-undated"]
        assert rows[0] == ("s-big", "Story s-big", 3, "2026-05-11", big.last_seen, 2)
        assert rows[0]._asdict()["conflicts"] == 2
        assert store.get_story("s-big") == big
        assert store.get_story("nope") is None
        assert store.get_stories() == [big, small, undated]

        # Replacing: dossiers of stories without assigned articles go; assigned ones stay.
        store.set_stories({"a00004": "s-small"})
        newer = replace(big, title="Renamed")
        store.save_stories([newer])
        assert [r.id for r in store.list_stories()] == ["s-big", "s-small"]
        assert store.get_story("s-big") == newer

    def test_reopen_keeps_everything(self, url: str) -> None:
        with Store(url) as s:
            s.put_article(article(1))
            s.put_extraction(extraction("a00001"))
            s.save_blob("cluster", b"state")
            s.set_story("a00001", "s1")
            s.save_stories([story("s1", ("a00001",))])
        with Store(url) as s:
            assert s.put_article(article(1)) is False
            assert s.get_extractions(["a00001"], "v1")
            assert s.load_blob("cluster") == b"state"
            assert s.story_assignments() == {"a00001": "s1"}
            assert [r.id for r in s.list_stories()] == ["s1"]

    def test_many_stores_open_a_new_database_at_once(self, url: str) -> None:
        """Schema creation is safe when several workers open a fresh database together."""

        def open_and_put(n: int) -> bool:
            with Store(url) as s:
                return s.put_article(article(n))

        with ThreadPoolExecutor(max_workers=4) as pool:
            assert all(pool.map(open_and_put, range(4)))
        with Store(url) as s:
            assert len(s.all_articles()) == 4

    def test_pickles_by_url(self, store: Store) -> None:
        store.put_article(article(1))
        copy = pickle.loads(pickle.dumps(store))
        try:
            assert copy.get_article("a00001") == article(1)
        finally:
            copy.close()


class TestSqliteStore(StoreContract):
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'store' / 'newsdesk.db'}"

    def test_sqlite_uses_wal_and_foreign_keys(self, store: Store, url: str) -> None:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        path = url.removeprefix("sqlite:///")
        tables = {
            r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert {
            "articles",
            "extractions",
            "duplicates",
            "errors",
            "blobs",
            "story_assignments",
            "stories",
        } <= tables


def test_in_memory_sqlite() -> None:
    with Store("sqlite://") as s:
        assert s.put_article(article(1))
        assert s.get_article("a00001") == article(1)


def test_postgres_without_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from newsdesk.errors import MissingExtra

    real_import = builtins.__import__

    def no_psycopg(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "psycopg" or name.startswith("psycopg."):
            raise ImportError("No module named 'psycopg'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    with pytest.raises(MissingExtra, match=r"newsdesk\[postgres\]"):
        Store("postgresql://user@localhost/newsdesk")


def test_repr_hides_the_password(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'n.db'}")
    store.url = "postgresql+psycopg://user:secret@db.example/newsdesk"
    assert "secret" not in repr(store)
    store.close()


def test_leftovers_are_the_unassigned_articles_and_none_when_every_one_is_placed() -> None:
    with Store("sqlite://") as store:
        store.put_articles([article(1), article(2), article(3)])
        ids = [article(n).id for n in (1, 2, 3)]
        store.set_stories({ids[0]: "s1", ids[2]: "s1"})
        assert store.unassigned_article_ids() == [ids[1]]
        store.set_stories({ids[1]: "s2"})
        assert store.unassigned_article_ids() == []  # the counts match: no scan


def test_leftovers_allow_for_the_callers_own_batch_just_stored() -> None:
    """A first ingest has stored its own articles before it looks for leftovers: those are not
    leftovers, and counting them as such made every first ingest scan the whole store."""
    with Store("sqlite://") as store:
        store.put_articles([article(1), article(2), article(3)])
        ids = [article(n).id for n in (1, 2, 3)]
        store.set_stories({ids[0]: "s1"})
        assert store.unassigned_article_ids(2) == []  # 2 and 3 are the caller's own: nothing else
        assert store.unassigned_article_ids(1) == ids[1:]  # one more unplaced than its own: scan


def test_search_scans_where_sqlite_has_no_full_text_index() -> None:
    with Store("sqlite://") as store:
        store.put_articles([article(1, "The east levee held.", title="Levee"), article(2, "Crews worked.")])
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER article_search_insert")
            conn.exec_driver_sql("DROP TABLE article_search")
        store._search_index = None
        assert store.search_articles(["LEVEE", "east"]) == ["a00001"]
        assert store.search_articles(["levee", "crews"]) == []


def test_stories_of_and_story_members_read_only_what_is_asked() -> None:
    with Store("sqlite://") as store:
        store.put_articles([article(n) for n in (1, 2, 3, 4)])
        a1, a2, a3, a4 = (article(n).id for n in (1, 2, 3, 4))
        store.set_stories({a3: "s2", a2: "s1", a1: "s1"})
        assert store.stories_of([a2, a4, a2]) == {a2: "s1"}
        assert list(store.story_members(["s1", "nope"]).items()) == [(a1, "s1"), (a2, "s1")]  # stored order
        assert store.story_members([]) == {}
