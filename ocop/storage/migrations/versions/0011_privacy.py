"""Privacy: consent to the notice on each pre-registration, erasure requests, urgent announcements.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pre_registrations") as table:
        table.add_column(sa.Column("privacy_notice", sa.String(16), nullable=True))
        table.add_column(sa.Column("privacy_agreed_at", sa.DateTime(timezone=True), nullable=True))
    for name in ("announcements", "broadcast_drafts"):
        with op.batch_alter_table(name) as table:
            table.add_column(sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "erasure_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sender_id", sa.String(200), nullable=False, index=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("events_erased", sa.Integer(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("erasure_requests")
    for name in ("broadcast_drafts", "announcements"):
        with op.batch_alter_table(name) as table:
            table.drop_column("urgent")
    with op.batch_alter_table("pre_registrations") as table:
        table.drop_column("privacy_agreed_at")
        table.drop_column("privacy_notice")
