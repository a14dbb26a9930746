"""Chat users' consent to notifications.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chat_users") as batch:
        batch.add_column(sa.Column("notifications", sa.Boolean, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chat_users") as batch:
        batch.drop_column("notifications")
