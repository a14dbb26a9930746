"""The forms' validation actions on fake trackers: answers, corrections, digressions, no database.

Each tracker ends as the one Rasa sends to ``validate_<form>``: the user's
message, then ``requested_slot`` and the form's own action event.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import validators as v
from actions.certificates import ValidateCertificateLinkForm
from actions.erasure import ValidateErasureForm
from actions.form_turns import FormTurns
from actions.preregistration import ValidatePreregistrationForm
from actions.renewal import ValidateRenewalForm
from ocop.settings import PROJECT_ROOT

DOMAIN: Dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


def tracker(form: str, requested: Optional[str], text: str, intent: str = "inform", confidence: float = 0.99,
            slots: Optional[Dict[str, Any]] = None, after: Optional[str] = None,
            entities: Optional[List[Dict[str, Any]]] = None) -> Tracker:
    """``after``: an action that ran between the message and the form (a digression's answer)."""
    message = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": message},
        *([{"event": "action", "name": after}] if after else []),
        {"event": "slot", "name": "requested_slot", "value": requested},
        {"event": "action", "name": form},
    ]
    values = {name: None for name in DOMAIN["slots"]}
    values.update(slots or {}, requested_slot=requested)
    return Tracker(sender_id="t", slots=values, latest_message=message, events=events, paused=False,
                   followup_action=None, active_loop={"name": form}, latest_action_name=form)


def run(action: FormTurns, tracker_: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, DOMAIN))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return events, slots, "\n".join(m.get("text") or "" for m in dispatcher.messages)


FORM = "preregistration_form"
FILLED = {"subject_type": "hop_tac_xa", "privacy_agreed": True, "subject_name": "HTX A", "representative": "Lê Văn An",
          "tax_code": "0100109106", "phone": "+84912345678", "email": v.NO_EMAIL,
          "address": {"full": "Ấp 5, Xã U Minh, Tỉnh Cà Mau"}, "product_name": "Mật ong",
          "product_group": "thuc_pham", "product_description": "Mật ong rừng tràm", "has_quality_docs": True}


def prereg(requested, text, **kwargs):
    return run(ValidatePreregistrationForm(), tracker(FORM, requested, text, **kwargs))


def test_an_answer_is_checked_and_stored() -> None:
    events, slots, said = prereg("phone", "0912 345 678")
    assert slots == {"phone": "+84912345678"} and said == ""


def test_a_wrong_answer_is_explained_and_cleared() -> None:
    _, slots, said = prereg("phone", "0123")
    assert slots == {"phone": None} and "0xxxxxxxxx" in said


def test_a_question_gives_no_events_so_the_form_is_rejected() -> None:
    assert prereg("phone", "ocop là gì?", intent="faq_what_is_ocop")[0] == []
    assert prereg("phone", "hủy", intent="cancel")[0] == []
    assert prereg("subject_name", "OCOP gồm những nhóm nào", intent="faq_product_groups")[0] == []


def test_a_name_the_nlu_half_took_for_a_cancellation_is_the_answer() -> None:
    before = {k: value for k, value in FILLED.items() if k in ("subject_type", "privacy_agreed", "subject_name")}
    _, slots, _ = prereg("representative", "Lê Thị Lan", intent="cancel", confidence=0.31, slots=before)
    assert slots == {"representative": "Lê Thị Lan"}
    assert prereg("representative", "12", intent="cancel", confidence=0.31, slots=before)[0] == []  # no answer


def test_a_shaped_answer_taken_for_a_question_still_counts() -> None:
    _, slots, _ = prereg("product_group", "trà", intent="faq_product_groups")
    assert slots == {"product_group": "do_uong"}


def test_a_failing_answer_taken_for_a_question_is_a_question_and_says_nothing() -> None:
    later = ("product_group", "product_description", "has_quality_docs")
    before = {k: value for k, value in FILLED.items() if k not in later}
    events, _, said = prereg("product_group", "nhóm sản phẩm", intent="faq_product_groups", slots=before)
    assert events == [] and said == ""


def test_back_from_a_digression_nothing_is_read() -> None:
    events, slots, said = prereg("phone", "ocop là gì?", intent="faq_what_is_ocop", after="action_answer_faq")
    assert slots == {} and said == ""


def test_unregistered_household_ends_the_form_with_the_message() -> None:
    _, slots, said = prereg("subject_type", "hộ sản xuất chưa có đăng ký kinh doanh")
    assert slots == {"subject_type": v.UNREGISTERED_HOUSEHOLD, "requested_slot": None}
    assert "hộ kinh doanh" in said and "chưa lưu" in said


def test_the_privacy_notice_comes_before_the_first_personal_question() -> None:
    asked = DOMAIN["forms"][FORM]["required_slots"]
    assert asked.index("subject_type") < asked.index("privacy_agreed") < asked.index("subject_name")
    assert all(asked.index("privacy_agreed") < asked.index(slot)
               for slot in ("representative", "tax_code", "phone", "email", "address"))


def test_declining_the_privacy_notice_ends_the_form_with_nothing_kept() -> None:
    for answer, intent in (("không đồng ý", "deny"), ("ko", "deny"), ("/deny", "deny")):
        _, slots, said = prereg("privacy_agreed", answer, intent=intent, slots={"subject_type": "hop_tac_xa"})
        assert slots == {"privacy_agreed": False, "requested_slot": None}, answer
        assert "không lưu thông tin nào" in said


def test_agreeing_to_the_privacy_notice_goes_on() -> None:
    for answer in ("đồng ý", "dong y", "ok", "/affirm"):
        _, slots, said = prereg("privacy_agreed", answer, intent="affirm", slots={"subject_type": "hop_tac_xa"})
        assert slots["privacy_agreed"] is True and said == "", answer


def test_an_unclear_answer_to_the_privacy_notice_asks_again() -> None:
    _, slots, said = prereg("privacy_agreed", "hmm để xem", slots={"subject_type": "hop_tac_xa"})
    assert slots == {"privacy_agreed": None} and "Không đồng ý" in said


def test_erasure_needs_a_clear_yes() -> None:
    def answer(text: str, intent: str = "inform") -> Any:
        return run(ValidateErasureForm(), tracker("erasure_form", "erasure_confirmed", text, intent=intent))[1]

    for text in ("/affirm", "đồng ý", "xóa đi", "co"):
        assert answer(text, "affirm")["erasure_confirmed"] is True, text
    assert answer("xóa dữ liệu của tôi đi", "erase_my_data")["erasure_confirmed"] is True
    assert run(ValidateErasureForm(), tracker("erasure_form", "erasure_confirmed", "xóa rồi có đăng ký lại được không?",
                                              intent="faq_how_to_register"))[0] == []  # answered first
    for text in ("/deny", "không", "để tôi nghĩ đã", "hủy"):
        assert answer(text)["erasure_confirmed"] is False, text
    for text in ("thôi, không xóa", "đừng xóa", "ko xoa dau"):  # the NLU may hear "xóa": still a no
        assert answer(text, "erase_my_data")["erasure_confirmed"] is False, text


def test_converted_address_is_shown_back() -> None:
    _, slots, said = prereg("address", "ấp 2, xã Tân Thông Hội, huyện Củ Chi, TP. Hồ Chí Minh")
    assert slots["address"]["ward"] == "Xã Củ Chi" and "đơn vị hành chính mới" in said


def test_correction_at_the_summary_replaces_one_field() -> None:
    _, slots, said = prereg("reg_confirmed", "sửa số điện thoại thành 0987 654 321", intent="correct_value",
                            slots=FILLED)
    assert slots == {"phone": "+84987654321", "reg_confirmed": None} and "Đã sửa số điện thoại" in said


def test_a_wrong_correction_keeps_the_old_value() -> None:
    _, slots, said = prereg("reg_confirmed", "sửa số điện thoại thành 0123", slots=FILLED)
    assert slots == {"reg_confirmed": None} and "0xxxxxxxxx" in said


def test_correction_while_another_question_is_asked() -> None:
    partial = {k: FILLED[k] for k in ("subject_type", "subject_name", "representative", "tax_code", "phone")}
    _, slots, _ = prereg("email", "sửa số điện thoại thành 0987654321", intent="correct_value", slots=partial)
    assert slots == {"phone": "+84987654321", "reg_confirmed": None}


def test_confirmation() -> None:
    assert prereg("reg_confirmed", "xác nhận", intent="affirm", slots=FILLED)[1] == {"reg_confirmed": True}
    _, slots, said = prereg("reg_confirmed", "chưa đúng", intent="deny", slots=FILLED)
    assert slots == {"reg_confirmed": None} and "sửa mục nào" in said


def test_values_kept_from_before_are_not_checked_again_when_the_form_starts() -> None:
    start = tracker(FORM, None, "đăng ký ocop", intent="start_registration", slots=FILLED)
    start.events.append({"event": "slot", "name": "address", "value": FILLED["address"]})  # Rasa's prefilled candidate
    _, slots, said = run(ValidatePreregistrationForm(), start)
    assert slots == {"address": FILLED["address"]} and said == ""


def test_certificate_number_from_the_activating_request_is_kept() -> None:
    request = tracker("certificate_link_form", None, "tra cứu giấy chứng nhận số 318/GCN-UBND",
                      intent="lookup_certificate", after="action_lookup_certificate")
    _, slots, _ = run(ValidateCertificateLinkForm(), request)
    assert slots == {"cert_number": "318/GCN-UBND"}


def test_certificate_number_and_tax_code_format() -> None:
    _, slots, said = run(ValidateCertificateLinkForm(), tracker("certificate_link_form", "cert_number", "không nhớ"))
    assert slots == {"cert_number": None} and "318/GCN-UBND" in said
    _, slots, said = run(ValidateCertificateLinkForm(), tracker("certificate_link_form", "cert_tax_code", "123",
                                                                slots={"cert_number": "1/GCN"}))
    assert slots == {"cert_tax_code": None} and "10 chữ số" in said


def test_renewal_choice_from_free_text_or_a_question() -> None:
    def renewal(text: str, intent: str = "inform"):
        return run(ValidateRenewalForm(), tracker("renewal_form", "renewal_choice", text, intent=intent))

    assert renewal("thôi không gia hạn")[1] == {"renewal_choice": "decline"}
    assert renewal("gia hạn thế nào?", intent="faq_renewal")[0] == []
    _, slots, said = renewal("hmm")
    assert slots == {"renewal_choice": None} and "Bạn chọn" in said


def test_a_description_the_nlu_took_for_a_question_is_still_the_description() -> None:
    text = "Khăn dệt tay từ sợi bông nhuộm màu tự nhiên"
    events, slots, _ = prereg("product_description", text, intent="faq_dossier", confidence=0.85)
    assert slots.get("product_description") == text
    events, slots, _ = prereg("product_description", "hồ sơ gồm những gì", intent="faq_dossier", confidence=0.85)
    assert events == []  # a real question: the rules answer it and the form asks again
