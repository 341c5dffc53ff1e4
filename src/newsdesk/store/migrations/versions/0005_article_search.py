"""A full-text index of the articles, kept by the database, for the service's search.

The service held every article's text twice in memory to scan it on each search: 1 GB and
a 6 s start at 100k articles, out of reach at millions. SQLite indexes the title, source and text
with FTS5 (an external-content table over `articles`, filled by a trigger on insert and
rebuilt here from the rows already stored); PostgreSQL with a generated `tsvector` column
and a GIN index. A SQLite built without FTS5 gets no index, and search falls back to a scan.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# PostgreSQL: a tsvector holds at most 1 MB and positions up to 16,383; the head of a very
# long text is what is indexed, so no insert can fail on its size.
PG_TEXT_CHARS = 200_000


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        if not conn.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar():
            return  # no FTS5 in this SQLite: search scans instead
        op.execute(
            "CREATE VIRTUAL TABLE article_search USING fts5("
            "title, source, text, content='articles', content_rowid='seq', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN "
            "INSERT INTO article_search(rowid, title, source, text) "
            "VALUES (new.seq, new.title, new.source, new.text); END"
        )
        op.execute(  # articles are only added, but a row deleted by hand leaves the index too
            "CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN "
            "INSERT INTO article_search(article_search, rowid, title, source, text) "
            "VALUES ('delete', old.seq, old.title, old.source, old.text); END"
        )
        op.execute("INSERT INTO article_search(article_search) VALUES ('rebuild')")
    elif conn.dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple', coalesce(title, '')), 'A') || "
            "setweight(to_tsvector('simple', coalesce(source, '')), 'B') || "
            f"setweight(to_tsvector('simple', left(text, {PG_TEXT_CHARS})), 'C')) STORED"
        )
        op.execute("CREATE INDEX ix_articles_search ON articles USING gin (search)")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS article_search_insert")
        op.execute("DROP TRIGGER IF EXISTS article_search_delete")
        op.execute("DROP TABLE IF EXISTS article_search")
    elif conn.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search")
