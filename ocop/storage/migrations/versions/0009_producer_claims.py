"""Ownership claims: a chat giving the tax code of a producer it is not linked to waits for an officer.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "producer_claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("producer_id", sa.Integer, sa.ForeignKey("producers.id"), nullable=False, index=True),
        sa.Column("chat_user_id", sa.Integer, sa.ForeignKey("chat_users.id"), nullable=True, index=True),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("decided_by", sa.String(160), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("producer_id", "chat_user_id", name="uq_producer_claims"),
    )


def downgrade() -> None:
    op.drop_table("producer_claims")
