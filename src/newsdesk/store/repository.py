"""The store: articles, cached extractions, copies, errors, stage state and dossiers.

One class, `Store(url)`, over SQLAlchemy 2: SQLite by default (WAL, foreign
keys on), PostgreSQL by URL (`postgresql+psycopg://user@host/db`, extra
`[postgres]`). The schema is created on first use.

Every write method commits its own transaction (bulk methods commit per
batch of `BATCH` rows), so what was stored stays stored if a later record
fails. Inserts are set-based (executemany / multi-row VALUES) so a warm
re-run over a thousand articles costs a handful of round trips.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, Self, TypeVar

import numpy as np
from sqlalchemy import JSON, Connection, Engine, Table, cast, create_engine, delete, event, func, select
from sqlalchemy import text as sql_text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from ..errors import MissingExtra
from ..records import (
    Article,
    ArticleHead,
    DuplicateInfo,
    Extraction,
    Flag,
    ProcessingError,
    Story,
    content_id,
)
from . import codec
from .models import (
    ArticleRow,
    AssignmentRow,
    BlobRow,
    DedupDocRow,
    DuplicateRow,
    ErrorRow,
    ExtractionRow,
    FlagRow,
    SourceRow,
    StoryRow,
)

BATCH = 500
STORIES_MARK = "stories-mark"  # rewritten by every save_stories


class Postings(NamedTuple):
    """Copy-detector postings: parallel arrays of signed 64-bit keys and document numbers."""

    keys: np.ndarray
    docs: np.ndarray


_WORD = re.compile(r"\w+")  # a search term's words: letters and digits only, never query syntax
DEFAULT_URL = "sqlite:///newsdesk.db"

T = TypeVar("T")


class StorySummary(NamedTuple):
    """One line of `newsdesk stories`."""

    id: str
    title: str
    articles: int
    first_seen: str | None
    last_seen: str | None
    conflicts: int


NUL = "\x00"
REPLACEMENT = "\ufffd"


def _column(value: str | None) -> str | None:
    """A string for a plain text column: PostgreSQL text cannot hold NUL (the JSON data keeps it exactly)."""
    return value.replace(NUL, REPLACEMENT) if value is not None and NUL in value else value


def _chunks(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """WAL lets readers run beside a writer; foreign keys are off in SQLite unless asked."""
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
    finally:
        cur.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; a bare `postgresql://` URL gets the psycopg 3 driver."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise MissingExtra("a PostgreSQL store", "postgres") from exc
        return create_engine(parsed, pool_pre_ping=True)
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed)


def summary_order(summary: StorySummary) -> tuple[int, str, str]:
    """How stories are listed: largest first, then oldest first."""
    return (-summary.articles, summary.first_seen or "9999", summary.id)


class Store:
    """Repository over one database; pass it to the pipeline (backends are passed in)."""

    def __init__(self, url: str = DEFAULT_URL, *, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine if engine is not None else make_engine(url)
        self._dialect = self.engine.dialect.name
        self._search_index: bool | None = None  # SQLite: whether it has the FTS5 table (0005)
        self._create_schema()

    def _create_schema(self) -> None:
        """Create missing tables; safe when several processes open a new database at once."""
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    if self._dialect == "postgresql":
                        conn.execute(sql_text("SELECT pg_advisory_xact_lock(7250417)"))
                    elif self._dialect == "sqlite":
                        # Take the write lock before the existence checks, so the checks and the
                        # CREATEs are one atomic step (pysqlite would otherwise run each DDL alone).
                        conn.exec_driver_sql("BEGIN IMMEDIATE")
                    from . import migrate  # Alembic loads only here

                    migrate.upgrade(conn)
                return
            except DBAPIError:
                # A database that cannot take the lock (e.g. read-only) or a lost race on an old SQLite.
                if attempt == 2:
                    raise

    # ------------------------------------------------------------------ locking

    @contextlib.contextmanager
    def lock(self, name: str = "stage-state") -> Iterator[None]:
        """Exclusive across processes for a read-change-write of stage state (the dedup index's rows
        and the story clusterer's parts: two writers without it lose each other's updates).

        PostgreSQL: a session advisory lock on its own connection. SQLite: an flock on a file
        beside the database (in-memory databases have one writer and need none).
        """
        key = int(content_id(name, prefix="", length=15), 16)
        if self._dialect == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(sql_text("SELECT pg_advisory_lock(:k)"), {"k": key})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(sql_text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
            return
        database = make_url(self.url).database if self._dialect == "sqlite" else None
        if not database or database == ":memory:":
            yield
            return
        with open(f"{database}.{name}.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __getstate__(self) -> dict[str, str]:
        """Pickled by URL, so a store can be handed to worker processes (each opens its own engine)."""
        return {"url": self.url}

    def __setstate__(self, state: dict[str, str]) -> None:
        self.__init__(state["url"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"Store({make_url(self.url).render_as_string(hide_password=True)!r})"

    # ------------------------------------------------------------------ helpers

    def _insert(self, table: Table) -> Any:
        if self._dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def _insert_ignore(self, table: Table) -> Any:
        return self._insert(table).on_conflict_do_nothing()

    def _upsert(self, table: Table) -> Any:
        """Insert or replace by primary key; a row whose `data` is unchanged is not rewritten."""
        stmt = self._insert(table)
        keys = [c.name for c in table.primary_key.columns]
        return stmt.on_conflict_do_update(
            index_elements=keys,
            set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys},
            where=table.c.data != stmt.excluded.data,
        )

    def _write(self, stmt: Any, rows: Sequence[Mapping[str, Any]]) -> None:
        """Execute `stmt` for `rows`, one transaction per batch."""
        for chunk in _chunks(rows):
            with self.engine.begin() as conn:
                conn.execute(stmt, list(chunk))

    # ------------------------------------------------------------------ articles

    @staticmethod
    def _article_row(article: Article) -> dict[str, Any]:
        data = codec.to_data(article)
        if NUL not in article.text:
            del data["text"]  # kept once, in the text column
        return {
            "id": article.id,
            "path": _column(article.path),
            "title": _column(article.title),
            "source": _column(article.source),
            "published": _column(article.published),
            "text": _column(article.text),
            "data": json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False),
        }

    @staticmethod
    def _article(text: str, data: str) -> Article:
        fields = json.loads(data)
        fields.setdefault("text", text)
        return codec.from_data(Article, fields)

    def put_article(self, article: Article) -> bool:
        """Store `article`; False when its id (a content hash) was already stored."""
        stmt = self._insert_ignore(ArticleRow.__table__).returning(ArticleRow.__table__.c.id)
        with self.engine.begin() as conn:
            return conn.execute(stmt, self._article_row(article)).first() is not None

    def put_articles(self, articles: Iterable[Article]) -> list[str]:
        """Store many articles; returns the ids that were new, in order."""
        unique = list({a.id: a for a in articles}.values())
        new: list[str] = []
        for chunk in _chunks(unique):
            with self.engine.begin() as conn:
                known = self._known(conn, [a.id for a in chunk])
                rows = [self._article_row(a) for a in chunk if a.id not in known]
                if not rows:
                    continue
                stmt = self._insert_ignore(ArticleRow.__table__).returning(ArticleRow.__table__.c.id)
                inserted = set(conn.execute(stmt, rows).scalars())
            # A concurrent writer may have stored some of them in between: RETURNING says which were ours.
            new.extend(r["id"] for r in rows if r["id"] in inserted)
        return new

    @staticmethod
    def _known(conn: Connection, ids: Sequence[str]) -> set[str]:
        return set(conn.scalars(select(ArticleRow.id).where(ArticleRow.id.in_(ids))))

    def _rows(self, stmt: Any, column: Any, ids: Iterable[str] | None) -> list[Any]:
        """The rows of `stmt` whose `column` is among `ids`, read in chunks of `BATCH` ids (a
        database caps the parameters of one query); None: every row of `stmt`."""
        with self.engine.connect() as conn:  # fetchall: rows made in bulk, not one fetch each
            if ids is None:
                return list(conn.execute(stmt).fetchall())
            return [
                row
                for chunk in _chunks(list(dict.fromkeys(ids)))
                for row in conn.execute(stmt.where(column.in_(chunk))).fetchall()
            ]

    def has_articles(self, ids: Iterable[str]) -> set[str]:
        """The subset of `ids` already stored."""
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _chunks(wanted):
                found |= self._known(conn, chunk)
        return found

    def get_article(self, article_id: str) -> Article | None:
        return self.get_articles([article_id]).get(article_id)

    def get_articles(self, ids: Iterable[str]) -> dict[str, Article]:
        """Stored articles among `ids`, keyed by id, in the order asked."""
        wanted = list(dict.fromkeys(ids))
        stmt = select(ArticleRow.id, ArticleRow.text, ArticleRow.data)
        found = {
            aid: self._article(text, data) for aid, text, data in self._rows(stmt, ArticleRow.id, wanted)
        }
        return {i: found[i] for i in wanted if i in found}

    def article_heads(self, ids: Iterable[str] | None = None) -> dict[str, ArticleHead]:
        """Title, date, outlet and where from of the articles among `ids` (None: every one, in
        insertion order), without their texts or the rest of the record."""
        cols = select(
            ArticleRow.id,
            ArticleRow.title,
            ArticleRow.published,
            ArticleRow.source,
            *(self._data_field(name) for name in ("path", "url", "locator")),
        )
        return {
            aid: ArticleHead(aid, path or "", title, published, url, source, locator)
            for aid, title, published, source, path, url, locator in self._rows(
                cols.order_by(ArticleRow.seq), ArticleRow.id, ids
            )
        }

    def _data_field(self, name: str) -> Any:
        """One field of an article's JSON record, read by the database (a heads-only read of a
        million articles decoded every whole record in Python before)."""
        if self._dialect == "sqlite":
            return func.json_extract(ArticleRow.data, f"$.{name}")
        return func.json_extract_path_text(cast(ArticleRow.data, JSON), name)

    def last_article_seq(self) -> int:
        """The insertion number of the last stored article (0 for none)."""
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.max(ArticleRow.seq))) or 0)

    def all_articles(self) -> list[Article]:
        """Every stored article, in insertion order."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(ArticleRow.text, ArticleRow.data).order_by(ArticleRow.seq))
            return [self._article(text, data) for text, data in rows]

    def article_ids(self) -> list[str]:
        """Every stored article id, in insertion order (cheap: no text is loaded)."""
        with self.engine.connect() as conn:
            return list(conn.scalars(select(ArticleRow.id).order_by(ArticleRow.seq)))

    def articles_since(self, seq: int = 0) -> list[tuple[int, str]]:
        """(insertion number, id) of the articles stored after number `seq`, in insertion order:
        a reader that holds every article reads only the new ones. (On PostgreSQL a number is
        taken at insert, so a slow writer's article can appear below one already seen.)"""
        with self.engine.connect() as conn:
            stmt = select(ArticleRow.seq, ArticleRow.id).where(ArticleRow.seq > seq).order_by(ArticleRow.seq)
            return [(n, aid) for n, aid in conn.execute(stmt)]

    def search_articles(self, terms: Sequence[str], limit: int = 20) -> list[str]:
        """Ids of the articles whose title, source or text has every term (a word, or several
        words in a row for a phrase; the last word of each may be the start of a longer one),
        best match first, a title match above a text match; at most `limit`.

        SQLite searches its FTS5 index, PostgreSQL its `tsvector` column (migration 0005). Only
        a term's letters and digits count, so no input can be read as query syntax."""
        words = [w for w in (_WORD.findall(t.casefold()) for t in terms) if w]
        if not words or len(words) < len(terms) or limit <= 0:
            return []
        with self.engine.connect() as conn:
            if self._dialect == "postgresql":
                query = " & ".join(" <-> ".join([*w[:-1], f"{w[-1]}:*"]) for w in words)
                stmt = sql_text(
                    "SELECT id FROM articles, to_tsquery('simple', :q) AS q WHERE search @@ q "
                    "ORDER BY ts_rank(search, q) DESC, seq DESC LIMIT :n"
                )
                return list(conn.scalars(stmt, {"q": query, "n": limit}))
            if self._has_search_index(conn):
                query = " ".join('"' + " ".join(w) + '"*' for w in words)
                stmt = sql_text(
                    "SELECT a.id FROM article_search JOIN articles a ON a.seq = article_search.rowid "
                    "WHERE article_search MATCH :q ORDER BY bm25(article_search, 10.0, 5.0, 1.0), a.seq DESC "
                    "LIMIT :n"
                )
                return list(conn.scalars(stmt, {"q": query, "n": limit}))
            # A SQLite without FTS5: every article is scanned (ASCII letters match either case).
            found = select(ArticleRow.id)
            for w in words:
                like = "%" + "%".join(w) + "%"
                found = found.where(
                    (
                        func.coalesce(ArticleRow.title, "")
                        + " "
                        + func.coalesce(ArticleRow.source, "")
                        + " "
                        + ArticleRow.text
                    ).like(like)
                )
            return list(conn.scalars(found.order_by(ArticleRow.seq.desc()).limit(limit)))

    def _has_search_index(self, conn: Connection) -> bool:
        if self._search_index is None:
            self._search_index = bool(
                conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'article_search'").scalar()
            )
        return self._search_index

    def article_text(self, article_id: str) -> str | None:
        """The normalized text that every span of the article indexes."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(ArticleRow.text, ArticleRow.data).where(ArticleRow.id == article_id)
            ).first()
        if row is None:
            return None
        text, data = row
        return self._article(text, data).text if REPLACEMENT in text else text

    # ------------------------------------------------------------------ extractions

    @staticmethod
    def _extraction_row(x: Extraction) -> dict[str, Any]:
        return {"article_id": x.article_id, "version": x.version, "data": codec.to_json(x)}

    def put_extraction(self, extraction: Extraction) -> None:
        """Cache an extraction under (article id, annotator version); a re-put replaces it."""
        self._write(self._upsert(ExtractionRow.__table__), [self._extraction_row(extraction)])

    def put_extractions(self, extractions: Iterable[Extraction]) -> None:
        rows = list({(x.article_id, x.version): self._extraction_row(x) for x in extractions}.values())
        self._write(self._upsert(ExtractionRow.__table__), rows)

    def get_extractions(self, ids: Iterable[str], version: str) -> codec.LazyRecords[Extraction]:
        """Cached extractions of `ids` made by annotator `version` (others must be re-annotated),
        in the order of `ids`; each is decoded when first read."""
        wanted = list(dict.fromkeys(ids))
        stmt = select(ExtractionRow.article_id, ExtractionRow.data).where(ExtractionRow.version == version)
        found = {aid: data for aid, data in self._rows(stmt, ExtractionRow.article_id, wanted)}
        return codec.LazyRecords(Extraction, {i: found[i] for i in wanted if i in found})

    # ------------------------------------------------------------------ copies

    def put_duplicate(self, info: DuplicateInfo) -> None:
        self.put_duplicates([info])

    def put_duplicates(self, infos: Iterable[DuplicateInfo]) -> None:
        rows = [
            {"article_id": d.article_id, "duplicate_of": d.duplicate_of, "data": codec.to_json(d)}
            for d in infos
        ]
        self._write(self._upsert(DuplicateRow.__table__), list({r["article_id"]: r for r in rows}.values()))

    def duplicate_records(self, article_ids: Iterable[str] | None = None) -> codec.LazyRecords[DuplicateInfo]:
        """`get_duplicates`, each record decoded when first read: a reader that holds every copy
        record (the service's read model) reads few of them."""
        stmt = select(DuplicateRow.article_id, DuplicateRow.data)
        rows = self._rows(stmt, DuplicateRow.article_id, article_ids)
        return codec.LazyRecords(DuplicateInfo, {aid: data for aid, data in rows})

    def get_duplicates(self, article_ids: Iterable[str] | None = None) -> dict[str, DuplicateInfo]:
        """Known copies keyed by the copying article's id: of `article_ids`, or every one (None)."""
        stmt = select(DuplicateRow.article_id, DuplicateRow.data)
        rows = self._rows(stmt, DuplicateRow.article_id, article_ids)
        return {aid: codec.from_json(DuplicateInfo, data) for aid, data in rows}

    # ------------------------------------------------------------------ warnings

    def put_flags(self, flags: Mapping[str, Sequence[Flag]]) -> None:
        """Each article's warnings from the last report that covered it (an empty sequence
        clears an earlier report's); other articles' rows are left as they are."""
        rows = [
            {"article_id": aid, "data": json.dumps([codec.to_data(f) for f in fs], separators=(",", ":"))}
            for aid, fs in flags.items()
        ]
        self._write(self._upsert(FlagRow.__table__), rows)

    def flag_records(self, article_ids: Iterable[str] | None = None) -> codec.LazyRecords[tuple[Flag, ...]]:
        """`get_flags`, each article's warnings decoded when first read (the read model holds
        every article's and shows one article's at a time)."""
        rows = self._flag_rows(article_ids)
        return codec.LazyRecords(tuple[Flag, ...], {aid: data for aid, data in rows})  # type: ignore[arg-type]

    def _flag_rows(self, article_ids: Iterable[str] | None) -> list[Any]:
        stmt = select(FlagRow.article_id, FlagRow.data).where(FlagRow.data != "[]")
        return self._rows(stmt, FlagRow.article_id, article_ids)

    def get_flags(self, article_ids: Iterable[str] | None = None) -> dict[str, tuple[Flag, ...]]:
        """The stored warnings of `article_ids` (None: of every article); articles without any
        are left out."""
        # Decoded here, not through a LazyRecords: a warm re-run reads them all and decodes no
        # lazy record (tests/test_warm_run.py holds it to that).
        return {aid: codec.from_json(tuple[Flag, ...], d) for aid, d in self._flag_rows(article_ids)}  # type: ignore[arg-type]

    # ------------------------------------------------------------------ errors

    def put_error(self, error: ProcessingError) -> None:
        """Record a processing error; the same error reported again is kept once."""
        self.put_errors([error])

    def put_errors(self, errors: Iterable[ProcessingError]) -> None:
        rows = [
            {
                "key": content_id(e.path, e.stage, e.message, e.record, prefix="e", length=32),
                "path": _column(e.path),
                "stage": _column(e.stage),
                "message": _column(e.message),
                "record": _column(e.record),
            }
            for e in errors
        ]
        self._write(self._insert_ignore(ErrorRow.__table__), list({r["key"]: r for r in rows}.values()))

    def errors(self) -> list[ProcessingError]:
        with self.engine.connect() as conn:
            stmt = select(ErrorRow.path, ErrorRow.stage, ErrorRow.message, ErrorRow.record).order_by(
                ErrorRow.seq
            )
            return [
                ProcessingError(path=p, stage=s, message=m, record=r) for p, s, m, r in conn.execute(stmt)
            ]

    # ------------------------------------------------------------------ raw inputs

    def put_sources(self, mapping: Mapping[str, str]) -> None:
        """Remember which article each raw input record (by content hash) became."""
        rows = [{"raw_key": k, "article_id": v} for k, v in mapping.items()]
        if rows:
            self._write(self._insert_ignore(SourceRow.__table__), rows)

    def get_sources(self, raw_keys: Iterable[str]) -> dict[str, str]:
        """Article ids for the raw input records already seen."""
        stmt = select(SourceRow.raw_key, SourceRow.article_id)
        return {k: v for k, v in self._rows(stmt, SourceRow.raw_key, raw_keys)}

    # ------------------------------------------------------------------ blobs

    def save_blob(self, name: str, data: bytes) -> None:
        """Persist a stateful stage's state (dedup index, clusterer) under `name`."""
        self._write(self._upsert(BlobRow.__table__), [{"name": name, "data": bytes(data)}])

    def load_blob(self, name: str) -> bytes | None:
        with self.engine.connect() as conn:
            data = conn.scalar(select(BlobRow.data).where(BlobRow.name == name))
            return bytes(data) if data is not None else None

    def load_blobs(self, prefix: str) -> list[tuple[str, bytes]]:
        """Every blob whose name starts with `prefix`, by name (segments of an append-only state)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(BlobRow.name, BlobRow.data)
                .where(BlobRow.name.startswith(prefix))
                .order_by(BlobRow.name)
            )
            return [(name, bytes(data)) for name, data in rows]

    def blob_names(self, prefix: str) -> list[str]:
        """The names of the blobs under `prefix`, in order, without their data (the next segment's number)."""
        with self.engine.connect() as conn:
            rows = conn.scalars(
                select(BlobRow.name).where(BlobRow.name.startswith(prefix)).order_by(BlobRow.name)
            )
            return list(rows)

    def delete_blobs(self, names: Iterable[str]) -> None:
        names = list(names)
        if names:
            with self.engine.begin() as conn:
                conn.execute(delete(BlobRow).where(BlobRow.name.in_(names)))

    def replace_blobs(self, name: str, data: bytes, drop: Iterable[str]) -> None:
        """Save one blob and drop others in one transaction (a compaction: nothing is lost midway)."""
        self.write_blobs({name: data}, drop)

    def write_blobs(self, blobs: Mapping[str, bytes], drop: Iterable[str] = ()) -> None:
        """Save several blobs and drop others in one transaction: the parts of one state
        (a clusterer's core, its changed chunks, its new segment) are stored together or not at all."""
        drop = [n for n in drop if n not in blobs]
        with self.engine.begin() as conn:
            if drop:
                conn.execute(delete(BlobRow).where(BlobRow.name.in_(drop)))
            if blobs:
                conn.execute(
                    self._upsert(BlobRow.__table__), [{"name": n, "data": bytes(d)} for n, d in blobs.items()]
                )

    # ------------------------------------------------------------------ copy detector rows

    def dedup_seen(self, article_ids: Sequence[str]) -> set[str]:
        """The articles the copy detector has already placed (indexed or not)."""
        seen: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _chunks(list(dict.fromkeys(article_ids))):
                seen.update(
                    conn.scalars(select(DedupDocRow.article_id).where(DedupDocRow.article_id.in_(chunk)))
                )
        return seen

    def dedup_texts(self, text_keys: Sequence[str]) -> tuple[dict[str, int], dict[str, str]]:
        """Who holds each exact text, in one look-up by text key: text key -> the first indexed
        document with it, and text key -> the copy not indexed (its original covers it) first seen
        with it, for the texts no indexed document holds.

        Indexed or not is told here, not in SQL: SQLite answered `doc IS NULL` from the index on
        `doc`, visiting every copy not indexed (0.12 ms an article at 1M)."""
        first: dict[str, int] = {}
        covered: dict[str, str] = {}
        stmt = select(DedupDocRow.text_key, DedupDocRow.article_id, DedupDocRow.doc)
        for key, aid, doc in self._rows(stmt, DedupDocRow.text_key, text_keys):
            if doc is None:
                covered.setdefault(key, aid)  # one per text: a later copy of it is its exact copy
            elif key not in first or doc < first[key]:
                first[key] = int(doc)
        return first, {key: aid for key, aid in covered.items() if key not in first}

    def dedup_postings(self, kind: int, keys: Sequence[int], cap: int) -> tuple[Postings, set[int]]:
        """The documents under each key (signed 64-bit) as two arrays, sorted by key, then
        document; keys held by more than `cap` documents are returned apart, without their
        documents (the detector skips them).

        A batch reads hundreds of postings an article (copies of one text share every key), so
        rows come through the driver's cursor into arrays, not as one Python row object each."""
        wanted = list(dict.fromkeys(keys))
        mark = "?" if self._dialect == "sqlite" else "%s"
        counts: list[tuple[int, int]] = []
        flat: list[int] = []
        with self.engine.connect() as conn:
            cursor = conn.connection.cursor()

            def by_key(columns: str, tail: str, of: list[int]) -> Iterator[list[Any]]:
                for chunk in _chunks(of, 2000):
                    marks = ",".join([mark] * len(chunk))
                    sql = f"SELECT {columns} FROM dedup_keys WHERE kind = {mark} AND key IN ({marks}) {tail}"
                    cursor.execute(sql, (kind, *chunk))
                    yield cursor.fetchall()

            try:
                for rows in by_key("key, COUNT(*)", "GROUP BY key", wanted):
                    counts.extend(rows)
                for rows in by_key("key, doc", "ORDER BY key, doc", [k for k, n in counts if n <= cap]):
                    flat.extend(itertools.chain.from_iterable(rows))
            finally:
                cursor.close()
        pairs = np.array(flat, dtype=np.int64).reshape(-1, 2)
        return Postings(pairs[:, 0].copy(), pairs[:, 1].copy()), {int(k) for k, n in counts if n > cap}

    def dedup_docs(self, docs: Sequence[int]) -> list[tuple[int, str, bytes]]:
        """(document number, article id, shingle hashes) of indexed documents, in document order."""
        rows: list[tuple[int, str, bytes]] = []
        with self.engine.connect() as conn:
            for chunk in _chunks(sorted(set(docs))):
                stmt = select(DedupDocRow.doc, DedupDocRow.article_id, DedupDocRow.hashes).where(
                    DedupDocRow.doc.in_(chunk)
                )
                rows.extend((int(d), a, bytes(h)) for d, a, h in conn.execute(stmt) if h is not None)
        return sorted(rows)

    def dedup_next_doc(self) -> int:
        with self.engine.connect() as conn:
            top = conn.scalar(select(func.max(DedupDocRow.doc)))
        return 0 if top is None else int(top) + 1

    def dedup_append(
        self, parts: Iterable[tuple[Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]]]
    ) -> None:
        """A batch's documents and postings, given in parts (memory follows a part), in one
        transaction: a document is never stored without its postings. Rows already there stay."""
        docs_stmt = self._insert_ignore(DedupDocRow.__table__)
        # Postings are most of the rows (about 80 an article): plain tuples through the driver,
        # not a compiled statement per chunk (a third of a bulk ingest's time went there).
        mark = "?" if self._dialect == "sqlite" else "%s"
        keys_sql = (
            f"INSERT INTO dedup_keys (kind, key, doc) VALUES ({mark}, {mark}, {mark}) "
            "ON CONFLICT (kind, key, doc) DO NOTHING"
        )
        with self.engine.begin() as conn:
            for docs, keys in parts:
                for chunk in _chunks(list(docs)):
                    conn.execute(docs_stmt, list(chunk))
                rows = [(k["kind"], k["key"], k["doc"]) for k in keys]
                for start in range(0, len(rows), 20000):
                    conn.exec_driver_sql(keys_sql, rows[start : start + 20000])

    # ------------------------------------------------------------------ story assignments

    def _assign(self) -> Any:
        """Upsert that leaves rows that already say so untouched (a warm re-run writes nothing)."""
        table = AssignmentRow.__table__
        stmt = self._insert(table)
        return stmt.on_conflict_do_update(
            index_elements=[table.c.article_id],
            set_={"story_id": stmt.excluded.story_id},
            where=table.c.story_id != stmt.excluded.story_id,
        )

    def set_story(self, article_id: str, story_id: str) -> None:
        self._write(self._assign(), [{"article_id": article_id, "story_id": story_id}])

    def set_stories(self, assignments: Mapping[str, str]) -> None:
        """Assign many articles to stories, one transaction per batch."""
        self._write(self._assign(), [{"article_id": a, "story_id": s} for a, s in assignments.items()])

    def unassigned_article_ids(self, unplaced: int = 0) -> list[str]:
        """Stored articles with no story yet, in insertion order: what a killed ingest left unfinished.

        Two counts first (each assignment names one stored article): when they match there is
        nothing to find, and the scan of every article (3 s at 900k on SQLite) is skipped.
        `unplaced` is how many stored articles the caller itself has just stored and not placed
        (its own batch): they are allowed for, else every first ingest of a process would scan.
        Assignments are counted before articles, so a writer adding both in between can only
        make the scan run, never skip one that was due."""
        assigned = select(AssignmentRow.article_id).where(AssignmentRow.article_id == ArticleRow.id)
        with self.engine.connect() as conn:
            placed, stored = self._counts(conn)
            if placed + unplaced >= stored:
                return []
            return list(
                conn.scalars(select(ArticleRow.id).where(~assigned.exists()).order_by(ArticleRow.seq))
            )

    @staticmethod
    def _counts(conn: Connection) -> tuple[int, int]:
        """Assignments, then articles (in that order: see `unassigned_article_ids`)."""
        placed = conn.scalar(select(func.count()).select_from(AssignmentRow)) or 0
        return placed, conn.scalar(select(func.count()).select_from(ArticleRow)) or 0

    def counts(self) -> tuple[int, int]:
        """How many articles are placed in stories, and how many are stored (a reader holding
        both checks that it missed none)."""
        with self.engine.connect() as conn:
            return self._counts(conn)

    def story_assignments(self) -> dict[str, str]:
        """article id -> story id, for every assigned article."""
        with self.engine.connect() as conn:
            return {a: s for a, s in conn.execute(select(AssignmentRow.article_id, AssignmentRow.story_id))}

    def stories_of(self, article_ids: Iterable[str]) -> dict[str, str]:
        """article id -> story id for the assigned articles among `article_ids` (an index look-up
        each, where `story_assignments` reads the whole map: a second at 1M)."""
        stmt = select(AssignmentRow.article_id, AssignmentRow.story_id)
        return {a: s for a, s in self._rows(stmt, AssignmentRow.article_id, article_ids)}

    def story_members(self, story_ids: Iterable[str]) -> dict[str, str]:
        """article id -> story id for every article of the stories `story_ids`, in the articles'
        insertion order."""
        stmt = select(ArticleRow.seq, AssignmentRow.article_id, AssignmentRow.story_id).join(
            ArticleRow, ArticleRow.id == AssignmentRow.article_id
        )
        found = sorted((q, a, s) for q, a, s in self._rows(stmt, AssignmentRow.story_id, story_ids))
        return {a: s for _seq, a, s in found}

    # ------------------------------------------------------------------ dossiers

    def save_stories(self, stories: Sequence[Story]) -> None:
        """Replace the stored dossiers by `stories`.

        Dossiers of other stories that still have assigned articles are kept
        (a report over one folder does not erase the other stories of the
        store); those of stories that no longer exist are dropped.
        """
        rows = [
            {
                "id": s.id,
                "title": _column(s.title),
                "n_articles": len(s.article_ids),
                "first_seen": s.first_seen,
                "last_seen": s.last_seen,
                "n_conflicts": len(s.conflicts),
                "data": codec.to_json(s),
            }
            for s in stories
        ]
        rows = list({r["id"]: r for r in rows}.values())
        with self.engine.begin() as conn:
            # A story no article is assigned to any more is dropped: one index probe a stored
            # story, not a read of every assignment (a million rows at 1M articles). The given
            # ones are written again right after, so they stay whatever their assignments.
            members = select(AssignmentRow.article_id).where(AssignmentRow.story_id == StoryRow.id)
            conn.execute(delete(StoryRow).where(~members.exists()))
            for chunk in _chunks(rows):
                conn.execute(self._upsert(StoryRow.__table__), list(chunk))
            # A new mark with every save, in the same transaction: a reader that holds the
            # dossiers checks this one row instead of comparing every story (`stories_mark`).
            conn.execute(self._upsert(BlobRow.__table__), [{"name": STORIES_MARK, "data": os.urandom(8)}])

    def stories_mark(self) -> bytes | None:
        """Changes whenever dossiers are saved (None before the first save)."""
        return self.load_blob(STORIES_MARK)

    _SUMMARY = (
        StoryRow.id,
        StoryRow.title,
        StoryRow.n_articles,
        StoryRow.first_seen,
        StoryRow.last_seen,
        StoryRow.n_conflicts,
    )

    def list_stories(self) -> list[StorySummary]:
        """Stored dossiers, largest first, then oldest first."""
        with self.engine.connect() as conn:
            rows = [StorySummary(*r) for r in conn.execute(select(*self._SUMMARY))]
        rows.sort(key=summary_order)
        return rows

    def story_summaries(self, story_ids: Iterable[str]) -> list[StorySummary]:
        """The stored dossiers among `story_ids`, in `list_stories` order (by index: a reader
        that holds the others reads only the stories a job changed)."""
        rows = [StorySummary(*r) for r in self._rows(select(*self._SUMMARY), StoryRow.id, story_ids)]
        rows.sort(key=summary_order)
        return rows

    def get_story(self, story_id: str) -> Story | None:
        with self.engine.connect() as conn:
            data = conn.scalar(select(StoryRow.data).where(StoryRow.id == story_id))
        return codec.from_json(Story, data) if data is not None else None

    def get_stories(self) -> list[Story]:
        """Every stored dossier, in `list_stories` order."""
        with self.engine.connect() as conn:
            found = {sid: data for sid, data in conn.execute(select(StoryRow.id, StoryRow.data))}
        return [codec.from_json(Story, found[r.id]) for r in self.list_stories() if r.id in found]
