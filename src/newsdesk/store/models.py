"""Typed SQLAlchemy 2 tables of the store.

Records are kept whole as JSON text (`codec`), next to the few columns that
are queried or listed, so a new record field never needs a migration. Every
table works unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
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


Index("ix_duplicates_of", DuplicateRow.duplicate_of)
Index("ix_stories_last_seen", StoryRow.last_seen)
