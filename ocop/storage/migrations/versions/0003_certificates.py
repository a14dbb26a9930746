"""Certificate registry, linked chat users, reminder deliveries and renewal requests.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("product_name", sa.String(255), nullable=False),
        sa.Column("holder_name", sa.String(255), nullable=False),
        sa.Column("holder_tax_code", sa.String(16), nullable=False),
        sa.Column("producer_id", sa.Integer, sa.ForeignKey("producers.id"), nullable=True),
        sa.Column("star_rating", sa.Integer, nullable=False),
        sa.Column("issuing_authority", sa.String(255), nullable=False),
        sa.Column("decision_number", sa.String(64), nullable=True),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("expiry_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("number", name="uq_certificates_number"),
    )
    for column in ("holder_tax_code", "producer_id", "expiry_date", "status"):
        op.create_index(f"ix_certificates_{column}", "certificates", [column])
    op.create_table(
        "certificate_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("certificate_id", sa.Integer, sa.ForeignKey("certificates.id"), nullable=False),
        sa.Column("chat_user_id", sa.Integer, sa.ForeignKey("chat_users.id"), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("certificate_id", "chat_user_id", name="uq_certificate_subscriptions"),
    )
    op.create_index("ix_certificate_subscriptions_certificate_id", "certificate_subscriptions", ["certificate_id"])
    op.create_index("ix_certificate_subscriptions_chat_user_id", "certificate_subscriptions", ["chat_user_id"])
    with op.batch_alter_table("chat_users") as batch:
        batch.add_column(sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("certificate_id", sa.Integer, sa.ForeignKey("certificates.id"), nullable=False),
        sa.Column("chat_user_id", sa.Integer, sa.ForeignKey("chat_users.id"), nullable=False),
        sa.Column("offset_days", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("certificate_id", "chat_user_id", "offset_days", name="uq_reminder_deliveries"),
    )
    for column in ("certificate_id", "chat_user_id", "status"):
        op.create_index(f"ix_reminder_deliveries_{column}", "reminder_deliveries", [column])
    op.create_table(
        "renewal_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("certificate_id", sa.Integer, sa.ForeignKey("certificates.id"), nullable=False),
        sa.Column("chat_user_id", sa.Integer, sa.ForeignKey("chat_users.id"), nullable=False),
        sa.Column("choice", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    for column in ("certificate_id", "chat_user_id", "created_at"):
        op.create_index(f"ix_renewal_requests_{column}", "renewal_requests", [column])


def downgrade() -> None:
    op.drop_table("renewal_requests")
    op.drop_table("reminder_deliveries")
    with op.batch_alter_table("chat_users") as batch:
        batch.drop_column("blocked_at")
    op.drop_table("certificate_subscriptions")
    op.drop_table("certificates")
