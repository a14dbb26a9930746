"""The officers' web console: sign-in, sessions, certificates' communes, officers' messages to one chat.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("officers") as table:
        table.add_column(sa.Column("login", sa.String(64), nullable=True))
        table.add_column(sa.Column("password_hash", sa.String(255), nullable=True))
        table.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="officer"))
        table.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        table.create_unique_constraint("uq_officers_login", ["login"])
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("officer_id", sa.Integer(), sa.ForeignKey("officers.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    with op.batch_alter_table("certificates") as table:
        table.add_column(sa.Column("holder_address", sa.Text(), nullable=True))
        table.add_column(sa.Column("ward", sa.String(128), nullable=True))
        table.add_column(sa.Column("ward_key", sa.String(128), nullable=True))
        table.add_column(sa.Column("province_key", sa.String(128), nullable=True))
        table.create_index("ix_certificates_ward_key", ["ward_key"])
    with op.batch_alter_table("pre_registrations") as table:
        table.add_column(sa.Column("officer_message", sa.Text(), nullable=True))
    with op.batch_alter_table("announcements") as table:
        table.add_column(sa.Column("kind", sa.String(24), nullable=False, server_default="announcement"))
    with op.batch_alter_table("handoff_requests") as table:
        table.add_column(sa.Column("closed_note", sa.Text(), nullable=True))
        table.add_column(sa.Column("closed_by", sa.String(160), nullable=True))
        table.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("announcements") as table:
        table.drop_column("kind")
    with op.batch_alter_table("handoff_requests") as table:
        table.drop_column("closed_at")
        table.drop_column("closed_by")
        table.drop_column("closed_note")
    with op.batch_alter_table("pre_registrations") as table:
        table.drop_column("officer_message")
    with op.batch_alter_table("certificates") as table:
        table.drop_index("ix_certificates_ward_key")
        table.drop_column("province_key")
        table.drop_column("ward_key")
        table.drop_column("ward")
        table.drop_column("holder_address")
    op.drop_table("console_sessions")
    with op.batch_alter_table("officers") as table:
        table.drop_constraint("uq_officers_login", type_="unique")
        table.drop_column("locked_until")
        table.drop_column("failed_logins")
        table.drop_column("role")
        table.drop_column("password_hash")
        table.drop_column("login")
