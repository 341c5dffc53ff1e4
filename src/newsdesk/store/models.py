"""Typed SQLAlchemy 2 tables of the store.

Records are kept whole as JSON text (`codec`), next to the few columns that
are queried or listed, so a new record field never needs a migration. Every
table works unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = String(64)


class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    """An article; `seq` keeps insertion order, `data` is the record without its text."""

    __tablename__ = "articles"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(ID, unique=True)
    path: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text)


class ExtractionRow(Base):
    """Annotations cached by article content hash and annotator version."""

    __tablename__ = "extractions"

    article_id: Mapped[str] = mapped_column(
        ID, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)


class DuplicateRow(Base):
    __tablename__ = "duplicates"

    article_id: Mapped[str] = mapped_column(
        ID, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    duplicate_of: Mapped[str] = mapped_column(ID)
    data: Mapped[str] = mapped_column(Text)


class ErrorRow(Base):
    """A processing error; `key` hashes the fields so a re-run does not repeat it."""

    __tablename__ = "errors"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(ID, unique=True)
    path: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    record: Mapped[str | None] = mapped_column(Text)


class SourceRow(Base):
    """Content hash of a raw input record -> the article cleaning made of it, so unchanged
    inputs are not cleaned again on a re-run."""

    __tablename__ = "sources"

    raw_key: Mapped[str] = mapped_column(ID, primary_key=True)
    article_id: Mapped[str] = mapped_column(ID, ForeignKey("articles.id", ondelete="CASCADE"))


class BlobRow(Base):
    """Opaque state of stateful stages (dedup index, story clusterer)."""

    __tablename__ = "blobs"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AssignmentRow(Base):
    __tablename__ = "story_assignments"

    article_id: Mapped[str] = mapped_column(
        ID, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    story_id: Mapped[str] = mapped_column(ID, index=True)


class FlagRow(Base):
    """An article's warnings as the last report that covered it gave them (`data`: a JSON list,
    empty when it gave none), one row each, so a report writes the rows of its own articles."""

    __tablename__ = "article_flags"

    article_id: Mapped[str] = mapped_column(
        ID, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[str] = mapped_column(Text)


class StoryRow(Base):
    """A built dossier with the columns `newsdesk stories` lists."""

    __tablename__ = "stories"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    n_articles: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[str | None] = mapped_column(String(32))
    last_seen: Mapped[str | None] = mapped_column(String(32))
    n_conflicts: Mapped[int] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text)


class DedupDocRow(Base):
    """One article the copy detector has seen: its number in publication order and its shingles
    (None for an exact copy or an empty body, which are not indexed), so a batch reads only the
    documents its own keys point at instead of the whole index."""

    __tablename__ = "dedup_docs"

    article_id: Mapped[str] = mapped_column(ID, primary_key=True)
    doc: Mapped[int | None] = mapped_column(Integer, unique=True)
    text_key: Mapped[str | None] = mapped_column(String(32))  # set on the first document of a text
    hashes: Mapped[bytes | None] = mapped_column(LargeBinary)  # sorted unique uint32 shingle hashes


class DedupKeyRow(Base):
    """A posting of the copy detector: an LSH band key (kind 0) or a sampled shingle (kind 1) of a document."""

    __tablename__ = "dedup_keys"

    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # uint64 stored as int64
    doc: Mapped[int] = mapped_column(Integer, primary_key=True)


Index("ix_duplicates_of", DuplicateRow.duplicate_of)
Index("ix_dedup_docs_text_key", DedupDocRow.text_key)
Index("ix_stories_last_seen", StoryRow.last_seen)
