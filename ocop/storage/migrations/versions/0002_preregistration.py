"""Producers, chat users, pre-registrations and the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "producers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("tax_code", sa.String(16), nullable=False),
        sa.Column("representative", sa.String(255), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("email", sa.String(255), nullable=True),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("ward", sa.String(128), nullable=True),
        sa.Column("province", sa.String(128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tax_code", name="uq_producers_tax_code"),
    )
    op.create_table(
        "chat_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("producer_id", sa.Integer, sa.ForeignKey("producers.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("channel", "user_id", name="uq_chat_users_channel_user"),
    )
    op.create_index("ix_chat_users_producer_id", "chat_users", ["producer_id"])
    op.create_table(
        "pre_registrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference_code", sa.String(32), nullable=True),
        sa.Column("producer_id", sa.Integer, sa.ForeignKey("producers.id"), nullable=False),
        sa.Column("chat_user_id", sa.Integer, sa.ForeignKey("chat_users.id"), nullable=True),
        sa.Column("product_name", sa.String(255), nullable=False),
        sa.Column("product_key", sa.String(255), nullable=False),
        sa.Column("product_group", sa.String(32), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("has_quality_documents", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("reference_code", name="uq_pre_registrations_reference_code"),
        sa.UniqueConstraint("producer_id", "product_key", name="uq_pre_registrations_producer_product"),
    )
    for column in ("producer_id", "chat_user_id", "status", "created_at"):
        op.create_index(f"ix_pre_registrations_{column}", "pre_registrations", [column])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(160), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.Integer, nullable=True),
        sa.Column("details", sa.Text, nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("pre_registrations")
    op.drop_table("chat_users")
    op.drop_table("producers")
