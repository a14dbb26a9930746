"""What a channel remembers of a chat between updates, shared by every ingress process.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "numbered_options",
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("payloads", sa.Text(), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_table(
        "seen_updates",
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("seen_updates")
    op.drop_table("numbered_options")
