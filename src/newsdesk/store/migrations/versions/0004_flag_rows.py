"""Article warnings as rows, one an article, written per report.

They were two blobs of every article's warnings (`article-flags`, the pipeline's, with
the signature of the last report's inputs, and `serve-article-flags`, the service's),
read and rewritten whole by every report and every service job: 30 MB each at 100k
articles, most of a one-article job's second. The rows keep both blobs' warnings
(the pipeline's win: every service job wrote them first); the pipeline's blob keeps
only its signature, so a warm re-run still reuses the stored warnings.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PIPELINE_BLOB = "article-flags"
SERVE_BLOB = "serve-article-flags"
CHUNK = 500


def upgrade() -> None:
    op.create_table(
        "article_flags",
        sa.Column("article_id", sa.String(length=64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    conn = op.get_bind()
    blobs = sa.table("blobs", sa.column("name", sa.String), sa.column("data", sa.LargeBinary))
    found = {
        name: json.loads(bytes(data))
        for name, data in conn.execute(
            sa.select(blobs.c.name, blobs.c.data).where(blobs.c.name.in_([PIPELINE_BLOB, SERVE_BLOB]))
        )
    }
    pipeline = found.get(PIPELINE_BLOB) or {}
    flags = {**(found.get(SERVE_BLOB) or {}), **pipeline.get("flags", {})}
    articles = sa.table("articles", sa.column("id", sa.String))
    rows = sa.table("article_flags", sa.column("article_id", sa.String), sa.column("data", sa.Text))
    ids = sorted(flags)
    for at in range(0, len(ids), CHUNK):
        chunk = ids[at : at + CHUNK]
        stored = set(conn.scalars(sa.select(articles.c.id).where(articles.c.id.in_(chunk))))
        values = [{"article_id": a, "data": json.dumps(flags[a])} for a in chunk if a in stored]
        if values:
            conn.execute(rows.insert(), values)
    conn.execute(blobs.delete().where(blobs.c.name == SERVE_BLOB))
    if PIPELINE_BLOB in found:
        signature = json.dumps({"signature": pipeline.get("signature")}).encode()
        conn.execute(blobs.update().where(blobs.c.name == PIPELINE_BLOB).values(data=signature))


def downgrade() -> None:
    op.drop_table("article_flags")
