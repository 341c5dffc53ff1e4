"""The copy detector's index as rows: documents and postings, appended per ingest.

The index was a blob (a snapshot plus appended segments) loaded whole on every
ingest. As rows, a batch reads the postings of its own keys and the documents they
name. A store with the blob is moved to rows the first time it is used
(`pipeline.find_copies`), with its data kept.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dedup_docs",
        sa.Column("article_id", sa.String(length=64), nullable=False),
        sa.Column("doc", sa.Integer(), nullable=True),
        sa.Column("text_key", sa.String(length=32), nullable=True),
        sa.Column("hashes", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("article_id"),
        sa.UniqueConstraint("doc"),
    )
    op.create_index("ix_dedup_docs_text_key", "dedup_docs", ["text_key"], unique=False)
    op.create_table(
        "dedup_keys",
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("doc", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", "doc"),
    )


def downgrade() -> None:
    op.drop_table("dedup_keys")
    op.drop_index("ix_dedup_docs_text_key", table_name="dedup_docs")
    op.drop_table("dedup_docs")
