"""Knowledge answers, clarification and hand-off through the REST channel."""

import uuid

import pytest
from sqlalchemy import select

from ocop import knowledge
from ocop.storage.models import HandoffRequest
from ocop.text import has_diacritics

# One question per knowledge entry, written for this test.
QUESTIONS = {
    "faq_what_is_ocop": "cho hỏi OCOP là gì thế",
    "faq_origin": "OCOP có nguồn gốc từ nước nào",
    "faq_benefits": "tham gia OCOP thì được lợi ích gì",
    "faq_national_targets": "cả nước đặt mục tiêu bao nhiêu sản phẩm OCOP đến năm 2025",
    "faq_legal_basis": "quyết định nào quy định về OCOP",
    "faq_eligibility": "ai được phép tham gia OCOP",
    "faq_product_groups": "OCOP gồm những nhóm sản phẩm nào",
    "faq_criteria": "bộ tiêu chí OCOP chấm những phần nào, mỗi phần bao nhiêu điểm",
    "faq_star_bands": "được bao nhiêu điểm thì đạt 3 sao",
    "faq_recognition_authority": "cấp nào công nhận sản phẩm 4 sao",
    "faq_annual_cycle": "chu trình OCOP hằng năm gồm mấy bước",
    "faq_how_to_register": "muốn được đánh giá OCOP thì nộp hồ sơ ở đâu",
    "faq_dossier": "hồ sơ đánh giá OCOP gồm những giấy tờ gì",
    "faq_certificate_validity": "giấy chứng nhận OCOP có giá trị trong bao lâu",
    "faq_certificate_expiry": "giấy chứng nhận OCOP hết hạn thì sao",
    "faq_renewal": "làm sao để được công nhận lại OCOP khi hết hạn",
    "faq_upgrade": "muốn nâng sản phẩm từ 3 sao lên 4 sao thì làm thế nào",
    "faq_hcmc_scope": "OCOP ở TP.HCM áp dụng cho những quận huyện nào",
    "faq_hcmc_targets": "chỉ tiêu OCOP của TP.HCM mỗi phường là bao nhiêu sản phẩm",
    "faq_hcmc_organisation": "ở TP.HCM cơ quan nào phụ trách OCOP",
    "faq_revocation": "trong trường hợp nào giấy chứng nhận OCOP bị thu hồi",
    "faq_evaluation_rounds": "một năm tỉnh tổ chức chấm OCOP mấy đợt",
    "faq_logo_label": "sản phẩm nào được in logo OCOP lên bao bì",
    "faq_market_support": "sản phẩm đạt OCOP thì bán ở những điểm nào",
    "faq_former_districts": "giấy chứng nhận do huyện cũ cấp thì sau sáp nhập còn giá trị không",
    "faq_programme_2026": "sau năm 2025 chương trình OCOP có còn tiếp tục không",
}


def sender() -> str:
    return f"test-{uuid.uuid4().hex}"


def reply_text(replies) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_every_entry_has_a_question():
    assert sorted(QUESTIONS) == sorted(knowledge.load())


@pytest.mark.parametrize("intent", sorted(QUESTIONS))
def test_each_entry_is_reachable_with_its_source_line(rasa, intent):
    entry = knowledge.load()[intent]
    replies = rasa.send(sender(), QUESTIONS[intent])
    text = reply_text(replies)
    assert entry.source_line() in text
    assert all(fact in text for fact in entry.must_contain)
    buttons = [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert buttons == [f'/show_more{{"kb_topic":"{intent}"}}'] + [f"/{topic}" for topic in entry.follow_up]


def test_follow_up_button_payload_answers_that_topic(rasa):
    entry = knowledge.load()["faq_renewal"]
    assert entry.source_line() in reply_text(rasa.send(sender(), "/faq_renewal"))


def test_more_gives_the_details_and_the_documents_to_open(rasa):
    me = sender()
    entry = knowledge.load()["faq_renewal"]
    rasa.send(me, "/faq_renewal")
    text = reply_text(rasa.send(me, '/show_more{"kb_topic":"faq_renewal"}'))
    assert entry.more.strip().splitlines()[0] in text
    assert "https://vanban.chinhphu.vn/" in text  # QĐ 26/2026/QĐ-TTg on the government's portal
    # Typed, "xem thêm" shows the details of the last answer.
    rasa.send(me, "/faq_revocation")
    typed = reply_text(rasa.send(me, "xem them"))
    assert knowledge.load()["faq_revocation"].more.strip().splitlines()[0] in typed


@pytest.mark.parametrize("question,group", [
    ("mật ong rừng có làm OCOP được không", "thuộc nhóm Thực phẩm"),
    ("nha em lam non la thi co dang ky ocop dc ko", "thuộc nhóm Hàng thủ công mỹ nghệ"),
    ("cây kiểng bonsai có được tham gia OCOP không", "thuộc nhóm Sinh vật cảnh"),
])
def test_one_kind_of_product_gets_its_group_and_the_verdict(rasa, question, group):
    text = reply_text(rasa.send(sender(), question))
    assert group in text and "6 nhóm" in text


def test_an_ambiguous_product_is_asked_about(rasa):
    text = reply_text(rasa.send(sender(), "vải có được làm OCOP không"))
    assert "quả vải" in text and "vải dệt" in text


def test_out_of_scope_says_what_the_assistant_does(rasa):
    text = reply_text(rasa.send(sender(), "kể chuyện cười cho tôi nghe đi"))
    assert "ngoài phạm vi" in text and "OCOP" in text


@pytest.mark.parametrize("message", ["ocop la gi", "dk ocop o dau z ad", "hello", "asdfgh"])
def test_replies_always_carry_diacritics(rasa, message):
    text = reply_text(rasa.send(sender(), message))
    assert text and has_diacritics(text)


def _handoffs(db, sender_id):
    with db.session() as session:
        return session.execute(
            select(HandoffRequest).where(HandoffRequest.sender_id == f"rest:{sender_id}")
        ).scalars().all()


def test_asking_for_an_officer_gives_the_contact_and_records_it(rasa, stack_db):
    me = sender()
    text = reply_text(rasa.send(me, "tôi muốn gặp cán bộ, sđt của tôi là 0987654321"))
    assert "cán bộ" in text and "UBND xã/phường" in text  # where producers file, with no unverified phone
    rows = _handoffs(stack_db, me)
    assert [r.reason for r in rows] == ["asked"]
    assert "0987654321" not in rows[0].last_message  # masked
    assert rows[0].last_message.endswith("21")


def test_two_misunderstandings_in_a_row_hand_over(rasa, stack_db):
    me = sender()
    first = reply_text(rasa.send(me, "/nlu_fallback"))
    assert "chưa hiểu" in first
    assert not _handoffs(stack_db, me)
    second = reply_text(rasa.send(me, "/nlu_fallback"))
    assert "cán bộ" in second
    assert [r.reason for r in _handoffs(stack_db, me)] == ["repeated_fallback"]
