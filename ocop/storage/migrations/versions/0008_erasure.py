"""A producer's answer to a reminder may outlive the chat account that gave it
(erasure on request keeps what officers already handle, unlinked).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("renewal_requests") as batch:
        batch.alter_column("chat_user_id", existing_type=sa.Integer, nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("renewal_requests") as batch:
        batch.alter_column("chat_user_id", existing_type=sa.Integer, nullable=False)
