"""Index stories by last_seen: the service lists stories updated since a date, newest first.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_stories_last_seen", "stories", ["last_seen"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_stories_last_seen", table_name="stories")
