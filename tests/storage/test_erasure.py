"""Erasure on request: the chat's own data goes, what officers handle stays (unlinked)."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from fakes.tax_codes import tax_code
from ocop.storage import certificates, erasure, handoffs, registrations
from ocop.storage.db import Database
from ocop.storage.models import AuditLog, ChatUser, PreRegistration, Producer

BASE = registrations.Submission(
    channel="telegram", user_id="42", subject_type="hop_tac_xa", subject_name="HTX Trà Tân Lập",
    representative="Nguyễn Thị Lan", tax_code=tax_code(7), phone="+84912345678", email=None,
    address="Ấp 3, Xã Củ Chi, Thành phố Hồ Chí Minh", ward="Xã Củ Chi", province="Thành phố Hồ Chí Minh",
    product_name="Trà mãng cầu", product_group="do_uong", description="Trà sấy lạnh", has_quality_documents=True,
)


def count(db: Database, model) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_unhandled_data_is_erased_and_handled_registrations_stay_unlinked(db: Database) -> None:
    registrations.submit(db, BASE)
    handled = registrations.submit(db, dataclasses.replace(BASE, product_name="Mật ong"))
    with db.session() as session:
        session.execute(PreRegistration.__table__.update()
                        .where(PreRegistration.reference_code == handled.reference_code).values(status="reviewing"))
    handoffs.record(db, "telegram:42", "asked", "gọi cho tôi 0912345678")
    registrations.submit(db, dataclasses.replace(BASE, channel="rest", user_id="other", tax_code=tax_code(8)))

    result = erasure.erase_chat_user(db, "telegram", "42", "telegram:42")

    assert result == erasure.Erased(True, 1, 1, 0, False)
    assert registrations.for_chat_user(db, "telegram", "42") == []
    assert handoffs.open_requests(db) == []
    with db.session() as session:
        assert session.execute(select(ChatUser.user_id)).scalars().all() == ["other"]
        kept = session.execute(select(PreRegistration).where(PreRegistration.chat_user_id.is_(None))).scalar_one()
        assert kept.reference_code == handled.reference_code
        audit = session.execute(select(AuditLog).where(AuditLog.action == "erased_on_request")).scalar_one()
        assert "42" not in audit.actor
    assert count(db, Producer) == 2  # the first producer is still needed by the kept registration
    assert certificates.linked(db, "telegram", "42") == []


def test_the_producer_goes_when_nothing_needs_it(db: Database) -> None:
    registrations.submit(db, BASE)
    assert erasure.erase_chat_user(db, "telegram", "42", "telegram:42").producer_erased
    assert count(db, Producer) == 0 and count(db, PreRegistration) == 0
    assert erasure.erase_chat_user(db, "telegram", "42", "telegram:42") == erasure.Erased(False, 0, 0, 0, False)
