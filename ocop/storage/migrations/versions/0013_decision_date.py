"""Certificates keep the date of the recognition decision: validity runs 36 months from it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("certificates", sa.Column("decision_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("certificates") as table:
        table.drop_column("decision_date")
