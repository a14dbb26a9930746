"""Accent-free place keys on producers (audiences filtered in SQL), officers' broadcast
drafts and long button payloads kept in the database instead of process memory.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from ocop.text import place_key

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("producers") as batch:
        batch.add_column(sa.Column("ward_key", sa.String(128), nullable=True))
        batch.add_column(sa.Column("province_key", sa.String(128), nullable=True))
    producers = sa.table("producers", sa.column("id", sa.Integer), sa.column("ward", sa.String),
                         sa.column("province", sa.String), sa.column("ward_key", sa.String),
                         sa.column("province_key", sa.String))
    connection = op.get_bind()
    for row in connection.execute(sa.select(producers.c.id, producers.c.ward, producers.c.province)).all():
        connection.execute(producers.update().where(producers.c.id == row.id).values(
            ward_key=place_key(row.ward), province_key=place_key(row.province)))
    op.create_index("ix_producers_province_key", "producers", ["province_key"])
    op.create_table(
        "broadcast_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_by", sa.String(160), nullable=False),
        sa.Column("audience", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("recipients", sa.Integer, nullable=False),
        sa.Column("announcement_id", sa.Integer, sa.ForeignKey("announcements.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "button_payloads",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("button_payloads")
    op.drop_table("broadcast_drafts")
    op.drop_index("ix_producers_province_key", "producers")
    with op.batch_alter_table("producers") as batch:
        batch.drop_column("province_key")
        batch.drop_column("ward_key")
