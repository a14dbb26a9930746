"""The pre-registration form: read each answer, correct, confirm, cancel and submit.

Rasa's ``preregistration_form`` asks one question at a time (``utter_ask_*``
responses, ``action_ask_reg_confirmed`` for the summary). Every slot has a
custom mapping, filled with rasa-sdk's hooks in
``validate_preregistration_form``: ``extract_<slot>`` reads the producer's
message as the answer to the requested question, or, into ``reg_confirmed``,
as the answer to the summary or a correction ("sửa số điện thoại thành
0987…") of any field; ``validate_<slot>`` checks it once with
``actions.validators``. A question asked in the middle (a FAQ, "giúp", "gặp
cán bộ", "hủy") is left to the rules of ``data/rules_questions.yml`` (see
``actions/form_turns.py``); an answer the NLU took for a question ("trà" for
the product group) still counts as an answer.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import validators as v
from actions.chat_account import chat_account
from actions.form_turns import REQUESTED_SLOT, FormTurns, answered_slot, message_text
from actions.runtime import conversation_history, database, settings
from ocop import privacy_notice
from ocop.address import Address
from ocop.reports import REGISTRATION_STATUS
from ocop.storage import registrations
from ocop.text import fold

logger = logging.getLogger(__name__)

FORM = "preregistration_form"
CONFIRMED = "reg_confirmed"
PRIVACY = "privacy_agreed"  # agreed to the privacy notice, asked before the first personal question
# Slots in the order the form asks them; the summary follows the same order.
FIELDS: Tuple[Tuple[Text, Text], ...] = (
    ("subject_type", "Loại chủ thể"),
    ("subject_name", "Tên chủ thể"),
    ("representative", "Người đại diện"),
    ("tax_code", "Mã số thuế/ĐKKD"),
    ("phone", "Số điện thoại"),
    ("email", "Email"),
    ("address", "Địa chỉ"),
    ("product_name", "Tên sản phẩm"),
    ("product_group", "Nhóm sản phẩm"),
    ("product_description", "Mô tả sản phẩm"),
    ("has_quality_docs", "Hồ sơ chất lượng/tiêu chuẩn"),
)
FIELD_SLOTS = [name for name, _ in FIELDS]
FORM_SLOTS = FIELD_SLOTS + [PRIVACY, CONFIRMED]
# What an ``extract_<slot>`` or ``validate_<slot>`` hook returns: slot values.
Slots = Dict[Text, Any]

# Words that name a field in a correction ("sửa số điện thoại thành …"), folded.
FIELD_WORDS: Tuple[Tuple[Text, Text], ...] = (
    ("so dien thoai", "phone"), ("dien thoai", "phone"), ("sdt", "phone"), ("so dt", "phone"),
    ("ma so thue", "tax_code"), ("mst", "tax_code"), ("ma so", "tax_code"), ("dang ky kinh doanh", "tax_code"),
    ("email", "email"), ("mail", "email"),
    ("dia chi", "address"),
    ("ten san pham", "product_name"), ("nhom san pham", "product_group"), ("nhom", "product_group"),
    ("mo ta", "product_description"),
    ("nguoi dai dien", "representative"), ("dai dien", "representative"), ("ho ten", "representative"),
    ("loai chu the", "subject_type"), ("loai hinh", "subject_type"),
    ("ten co so", "subject_name"), ("ten chu the", "subject_name"), ("ten don vi", "subject_name"),
    ("ten htx", "subject_name"), ("ten hop tac xa", "subject_name"), ("ten cong ty", "subject_name"),
    ("ho so chat luong", "has_quality_docs"), ("tieu chuan", "has_quality_docs"),
)
_CORRECTION = re.compile(r"\b(?:thanh|la|=|:)\s+(.+)$|[:=]\s*(.+)$")


def check(slot: Text, text: Any, tracker: Tracker) -> v.Checked:
    """Validate ``text`` as the value of ``slot``."""
    checks: Dict[Text, Callable[[Any], v.Checked]] = {
        "subject_type": v.check_subject_type,
        "subject_name": v.check_subject_name,
        "representative": v.check_representative,
        "tax_code": lambda t: v.check_tax_code(t, tracker.get_slot("subject_type")),
        "phone": v.check_phone,
        "email": v.check_email,
        "address": v.check_address,
        "product_name": v.check_product_name,
        "product_group": v.check_product_group,
        "product_description": v.check_description,
        "has_quality_docs": v.check_yes_no,
    }
    return checks[slot](text)


def _stored(slot: Text, checked: v.Checked) -> Any:
    """Slot values are plain JSON: an address becomes a dict."""
    value = checked.value
    if isinstance(value, Address):
        return {
            "street": value.street, "ward": value.ward, "province": value.province,
            "full": value.full, "original": value.original, "converted": value.converted,
        }
    return value


def find_correction(text: Text) -> Optional[Tuple[Text, Text]]:
    """("phone", "0987 654 321") from "sửa số điện thoại thành 0987 654 321"."""
    folded = fold(text).lower()
    for words, slot in FIELD_WORDS:
        at = re.search(rf"(?<!\w){re.escape(words)}(?!\w)", folded)
        if not at:
            continue
        rest = folded[at.end():]
        value = _CORRECTION.search(rest)
        if value:
            start = at.end() + value.start(1 if value.group(1) else 2)
            return slot, text[start:].strip(" .")
        return slot, ""
    return None


def summary(tracker: Tracker) -> Text:
    """Every value, as the producer will confirm it."""
    lines = ["Bạn kiểm tra lại thông tin đăng ký sơ bộ:"]
    for slot, title in FIELDS:
        value = tracker.get_slot(slot)
        if value is None:
            continue
        lines.append(f"• {title}: {shown(slot, value)}")
    address = tracker.get_slot("address") or {}
    if address.get("converted"):
        lines.append(
            f"  (bạn ghi theo địa giới cũ: \"{address.get('original')}\"; "
            "tôi đã đổi sang đơn vị hành chính mới từ 1/7/2025)"
        )
    lines.append(
        "Nếu đúng, bấm \"Xác nhận\". Muốn sửa, bạn nhắn ví dụ: \"sửa số điện thoại thành 0912 345 678\". "
        "Nhắn \"hủy\" để bỏ."
    )
    return "\n".join(lines)


def shown(slot: Text, value: Any) -> Text:
    if slot == "address":
        return str((value or {}).get("full", ""))
    if slot == "has_quality_docs":
        return "Có" if value else "Chưa có"
    if slot in ("subject_type", "product_group"):
        return v.label(slot + "s" if slot == "subject_type" else "product_groups", value)
    if slot == "tax_code":
        return value if len(value) != 13 else f"{value[:10]}-{value[10:]}"
    if slot == "phone":
        return v.check_phone(value).shown or value
    if slot == "email":
        return "(không có)" if value == v.NO_EMAIL else value
    return str(value)


UNREGISTERED_MESSAGE = (
    "Cảm ơn bạn. QĐ 26/2026/QĐ-TTg (Điều 2) kể các chủ thể OCOP là hợp tác xã, tổ hợp tác, doanh nghiệp nhỏ "
    "và vừa, trang trại, hộ sản xuất, hộ gia đình có đăng ký kinh doanh; hộ chưa có đăng ký kinh doanh không có "
    "trong danh sách đó. Cách thường làm là đăng ký hộ kinh doanh trước: bạn hỏi bộ phận một cửa của UBND "
    "xã/phường nơi sản xuất về thủ tục và hồ sơ. Khi đã có giấy chứng nhận đăng ký hộ kinh doanh, "
    "bạn quay lại đây nhắn \"đăng ký OCOP\" để tiếp tục.\n"
    "Tôi chưa lưu thông tin nào của bạn."
)


def correction(tracker: Tracker) -> Optional[Tuple[Text, Text]]:
    """(slot, new value) when the latest message corrects a field ("sửa số điện thoại thành 0987…")."""
    text = message_text(tracker)
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    wants_change = re.search(r"(?<!\w)(?:sua|doi|chinh|thay|nham)(?!\w)", fold(text).lower())
    if intent == "correct_value" or (tracker.get_slot(REQUESTED_SLOT) == CONFIRMED and wants_change):
        return find_correction(text)
    return None


def target(tracker: Tracker) -> Optional[Text]:
    """The slot the latest message is read into: the requested field, or ``reg_confirmed``
    for the answer to the summary and for a correction of any field; None when the
    form starts or asks again after a digression."""
    requested = answered_slot(tracker, FORM)
    if requested in (CONFIRMED, PRIVACY):
        return requested
    if requested not in FIELD_SLOTS:
        return None
    return CONFIRMED if correction(tracker) is not None else requested


def read(slot: Text, tracker: Tracker) -> Slots:
    """``extract_<slot>``: the message's text when it is read into ``slot``."""
    return {slot: message_text(tracker)} if target(tracker) == slot else {}


def accept(slot: Text, value: Any, tracker: Tracker, dispatcher: CollectingDispatcher) -> Slots:
    """``validate_<field>``: the checked value, or None with a message saying what is accepted."""
    if target(tracker) != slot:
        return {slot: value}  # kept from before (the form started again after a failed submission)
    checked = check(slot, value, tracker)
    if not checked.ok:
        dispatcher.utter_message(text=checked.error)
        return {slot: None}
    if slot == "subject_type" and checked.value == v.UNREGISTERED_HOUSEHOLD:
        dispatcher.utter_message(text=UNREGISTERED_MESSAGE)
    if slot == "address" and checked.value.converted:
        note = f" {checked.value.note}" if checked.value.note else ""
        dispatcher.utter_message(
            text=f"Địa chỉ theo đơn vị hành chính mới (từ 1/7/2025): {checked.value.full}.{note} "
            "Bạn sẽ xác nhận lại ở bước cuối."
        )
    return {slot: _stored(slot, checked)}


def correct(slot: Text, value: Text, tracker: Tracker, dispatcher: CollectingDispatcher) -> Slots:
    """"sửa <field> thành <value>": check and replace one field, then confirm again."""
    title = dict(FIELDS)[slot].lower()
    if not value:
        dispatcher.utter_message(text=f"Bạn muốn sửa {title} thành gì? Ví dụ: \"sửa {title} thành …\".")
        return {CONFIRMED: None}
    checked = check(slot, value, tracker)
    if not checked.ok:
        dispatcher.utter_message(text=checked.error)
        return {CONFIRMED: None}
    dispatcher.utter_message(text=f"Đã sửa {title}: {checked.shown}.")
    return {slot: _stored(slot, checked), CONFIRMED: None}


def confirm(text: Text, intent: Optional[Text], dispatcher: CollectingDispatcher) -> Slots:
    """The answer to the summary: confirmed, or asked what to fix."""
    words = fold(text).lower().strip(" .!")
    if intent == "affirm" or text == "/affirm" or words in ("xac nhan", "dong y", "dung", "dung roi", "ok", "gui"):
        return {CONFIRMED: True}
    dispatcher.utter_message(
        text="Bạn muốn sửa mục nào? Nhắn ví dụ: \"sửa số điện thoại thành 0912 345 678\" "
        "hoặc \"sửa địa chỉ thành …\". Nhắn \"hủy\" nếu không muốn đăng ký nữa."
    )
    return {CONFIRMED: None}


class ValidatePreregistrationForm(FormTurns):
    """Reads each answer or correction (``extract_<slot>``) and checks it (``validate_<slot>``)."""

    shaped_slots = frozenset(
        {"subject_type", PRIVACY, "tax_code", "phone", "email", "address", "product_group", "has_quality_docs"}
    )

    def name(self) -> Text:
        return "validate_preregistration_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """Every question. A household without a business registration stops after the first, a producer
        who does not agree to the privacy notice right after it (nothing is written in either case)."""
        if tracker.get_slot("subject_type") == v.UNREGISTERED_HOUSEHOLD:
            return ["subject_type"]
        if tracker.get_slot(PRIVACY) is False:
            return ["subject_type", PRIVACY]
        return domain_slots

    # rasa-sdk finds its hooks by name: one extract_<slot> and one validate_<slot> per slot.
    def extract_subject_type(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return read("subject_type", tracker)

    def extract_privacy_agreed(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return read(PRIVACY, tracker)

    def extract_subject_name(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return read("subject_name", tracker)

    def extract_representative(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return read("representative", tracker)

    def extract_tax_code(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return read("tax_code", tracker)

    def extract_phone(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return read("phone", tracker)

    def extract_email(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return read("email", tracker)

    def extract_address(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return read("address", tracker)

    def extract_product_name(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return read("product_name", tracker)

    def extract_product_group(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return read("product_group", tracker)

    def extract_product_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return read("product_description", tracker)

    def extract_has_quality_docs(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return read("has_quality_docs", tracker)

    def extract_reg_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return read(CONFIRMED, tracker)

    def validate_subject_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return accept("subject_type", value, tracker, dispatcher)

    def validate_privacy_agreed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        """Agreed: the personal questions follow. Declined: the form stops and nothing is kept."""
        if target(tracker) != PRIVACY:
            return {PRIVACY: value}
        checked = v.check_agreement(value)
        if not checked.ok:
            dispatcher.utter_message(text=privacy_notice.ASK_AGAIN)
            return {PRIVACY: None}
        if not checked.value:
            dispatcher.utter_message(text=privacy_notice.DECLINED)
        return {PRIVACY: checked.value}

    def validate_subject_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return accept("subject_name", value, tracker, dispatcher)

    def validate_representative(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return accept("representative", value, tracker, dispatcher)

    def validate_tax_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return accept("tax_code", value, tracker, dispatcher)

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return accept("phone", value, tracker, dispatcher)

    def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return accept("email", value, tracker, dispatcher)

    def validate_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return accept("address", value, tracker, dispatcher)

    def validate_product_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return accept("product_name", value, tracker, dispatcher)

    def validate_product_group(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return accept("product_group", value, tracker, dispatcher)

    def validate_product_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return accept("product_description", value, tracker, dispatcher)

    def validate_has_quality_docs(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return accept("has_quality_docs", value, tracker, dispatcher)

    def validate_reg_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        """The answer to the summary, or a correction of one field (from any question)."""
        if target(tracker) != CONFIRMED:
            return {CONFIRMED: value}
        found = correction(tracker)
        if found is not None:
            return correct(*found, tracker, dispatcher)
        return confirm(value, (tracker.latest_message.get("intent") or {}).get("name"), dispatcher)


class ActionAskPrivacyAgreed(Action):
    """The privacy notice, before the first personal question, with "agree" and "do not agree"."""

    def name(self) -> Text:
        return "action_ask_privacy_agreed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(
            text=privacy_notice.notice(settings()),
            buttons=[{"title": "Đồng ý", "payload": "/affirm"}, {"title": "Không đồng ý", "payload": "/deny"}],
        )
        return []


class ActionAskRegConfirmed(Action):
    """The last question: the summary of every value, with buttons."""

    def name(self) -> Text:
        return "action_ask_reg_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(
            text=summary(tracker),
            buttons=[
                {"title": "Xác nhận", "payload": "/affirm"},
                {"title": "Sửa thông tin", "payload": "/deny"},
                {"title": "Hủy", "payload": "/cancel"},
            ],
        )
        return []


def agreed_at(tracker: Tracker) -> Optional[dt.datetime]:
    """When the producer agreed to the privacy notice: the time of the event that set the slot."""
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == PRIVACY and event.get("value") is True:
            stamp = event.get("timestamp")
            return dt.datetime.fromtimestamp(stamp, dt.timezone.utc) if stamp else None
    return None


def _reset() -> List[EventType]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("requested_slot", None)]


class ActionSubmitRegistration(Action):
    """The form is complete: store it in one transaction, then give the reference code."""

    def name(self) -> Text:
        return "action_submit_registration"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        slots = {slot: tracker.get_slot(slot) for slot in FORM_SLOTS}
        if slots["subject_type"] == v.UNREGISTERED_HOUSEHOLD or slots[CONFIRMED] is not True \
                or slots[PRIVACY] is not True:
            return _reset()
        channel, user_id = chat_account(tracker)
        address = slots["address"] or {}
        data = registrations.Submission(
            channel=channel,
            user_id=user_id,
            subject_type=slots["subject_type"],
            subject_name=slots["subject_name"],
            representative=slots["representative"],
            tax_code=slots["tax_code"],
            phone=slots["phone"],
            email=None if slots["email"] == v.NO_EMAIL else slots["email"],
            address=address.get("full", ""),
            ward=address.get("ward", ""),
            province=address.get("province", ""),
            product_name=slots["product_name"],
            product_group=slots["product_group"],
            description=slots["product_description"],
            has_quality_documents=bool(slots["has_quality_docs"]),
            privacy_notice=privacy_notice.VERSION,
            privacy_agreed_at=agreed_at(tracker),
        )
        try:
            outcome = registrations.submit(database(), data)
        except Exception:  # the database is down: say so, keep the answers for a retry
            logger.exception("Pre-registration could not be stored")
            dispatcher.utter_message(
                text="Xin lỗi, hệ thống đang gặp sự cố nên chưa lưu được hồ sơ. Thông tin của bạn vẫn được giữ; "
                "sau ít phút bạn nhắn \"đăng ký OCOP\" rồi bấm \"Xác nhận\" để gửi lại nhé."
            )
            return [SlotSet(CONFIRMED, None)]
        if outcome.claim_pending:
            text = CLAIM_PENDING.format(product=data.product_name) + (
                f" Mã hồ sơ mới của bạn: {outcome.reference_code}." if outcome.created else "")
        elif outcome.created:
            text = (
                f"Đã ghi nhận đăng ký sơ bộ sản phẩm \"{data.product_name}\". "
                f"Mã hồ sơ của bạn: {outcome.reference_code}.\n"
                "Đây là đăng ký sơ bộ với trợ lý: hồ sơ OCOP chính thức vẫn nộp tại UBND xã/phường nơi sản xuất, "
                "theo đợt đánh giá của địa phương. Nhắn \"hồ sơ của tôi\" để xem trạng thái."
            )
        else:
            text = (
                f"Sản phẩm \"{data.product_name}\" của đơn vị này đã được đăng ký sơ bộ trước đó, "
                f"mã hồ sơ: {outcome.reference_code}. Tôi không tạo thêm hồ sơ trùng."
            )
        dispatcher.utter_message(text=text)
        try:  # the answers are stored now: the conversation need not keep them
            conversation_history().scrub(tracker.sender_id)
        except Exception:  # the registration is safe; the retention purge removes them later
            logger.exception("The conversation could not be scrubbed")
        return _reset()


CLAIM_PENDING = (
    "Mã số thuế này đã có hồ sơ của một đơn vị đăng ký trước qua tài khoản khác. Để bảo vệ thông tin của đơn vị, "
    "tôi không thay đổi thông tin đã lưu; cán bộ sẽ xác nhận bạn là người của đơn vị trước khi tiếp nhận "
    "hồ sơ sản phẩm \"{product}\". Nhắn \"hồ sơ của tôi\" để xem trạng thái."
)


class ActionMyRegistrations(Action):
    """"Hồ sơ của tôi": this chat account's pre-registrations, and no one else's."""

    def name(self) -> Text:
        return "action_my_registrations"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        channel, user_id = chat_account(tracker)
        rows = registrations.for_chat_user(database(), channel, user_id)
        if not rows:
            dispatcher.utter_message(
                text="Tài khoản trò chuyện này chưa có hồ sơ đăng ký sơ bộ nào. Nhắn \"đăng ký OCOP\" để bắt đầu.",
                buttons=[{"title": "Đăng ký OCOP", "payload": "/start_registration"}],
            )
            return []
        lines = [f"Bạn có {len(rows)} hồ sơ đăng ký sơ bộ:"]
        for row in rows:
            status = REGISTRATION_STATUS.get(row.status, row.status)
            lines.append(f"• {row.code} – {row.product} ({row.created_at:%d/%m/%Y}): {status}")
            if row.message:
                lines.append(f"  Lời nhắn của cán bộ: {row.message}")
        dispatcher.utter_message(text="\n".join(lines))
        return []
