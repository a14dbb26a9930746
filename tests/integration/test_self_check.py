"""The star self-check and "which office", through the REST channel and the trained model."""

from __future__ import annotations

import re
import uuid

import pytest

from bot.rasa_client import RasaClient
from ocop import self_check
from ocop.choices import choices


def sender() -> str:
    return f"check-{uuid.uuid4().hex}"


def say(rasa: RasaClient, me: str, text: str) -> str:
    return "\n".join(r.get("text") or "" for r in rasa.send(me, text))


def question_number(text: str) -> int:
    found = re.search(r"Câu (\d+)/(\d+)", text)
    assert found, text
    return int(found.group(1))


def answer_all(rasa: RasaClient, me: str, first: str, criteria_set: self_check.CriteriaSet, pick) -> str:
    """Answer every question (``pick(criterion)`` gives the option number); return the last reply."""
    reply = first
    for step, criterion in enumerate(criteria_set.questions, start=1):
        assert question_number(reply) == step
        reply = say(rasa, me, str(pick(criterion)))
    return reply


@pytest.mark.parametrize("group", sorted(choices()["product_groups"]))
def test_each_product_group_path_ends_with_an_indicative_star(rasa, group):
    me = sender()
    sets = self_check.sets_of_group(group)
    reply = say(rasa, me, "tôi muốn tự chấm thử xem sản phẩm được mấy sao")
    assert "chỉ để tham khảo" in reply and "thuộc nhóm nào" in reply
    reply = say(rasa, me, choices()["product_groups"][group]["label"])
    if len(sets) > 1:
        assert f"có {len(sets)} bộ sản phẩm" in reply
        reply = say(rasa, me, str(len(sets)))
    criteria_set = sets[-1]
    assert f"Bộ sản phẩm: {criteria_set.name}" in reply
    result = answer_all(rasa, me, reply, criteria_set, lambda c: len(c.options))  # the best option everywhere
    assert "Điểm ước tính: 100/100" in result and "hạng 5 sao" in result
    assert "QĐ 26/2026/QĐ-TTg" in result and "chỉ để tham khảo" in result


def test_the_product_named_in_the_request_chooses_group_and_set(rasa):
    me = sender()
    reply = say(rasa, me, "chấm thử giúp em nước mắm nhà làm được mấy sao")
    criteria_set = self_check.load_sets()["qd26_09_tuong_nuoc_mam_gia_vi_dang_long_khac"]
    assert f"Bộ sản phẩm: {criteria_set.name}" in reply and question_number(reply) == 1
    # Lowest options everywhere: under 50 points and the 3-star minimums missed.
    result = answer_all(rasa, me, reply, criteria_set, lambda c: 1)
    assert "hạng 1 sao" in result or "hạng 2 sao" in result
    assert "Chưa đạt yêu cầu tối thiểu của hạng 3 sao" in result and "Nên cải thiện trước" in result


def test_a_question_inside_the_self_check_is_answered_and_the_same_question_asked_again(rasa):
    me = sender()
    reply = say(rasa, me, "chấm thử giúp em nước mắm nhà làm được mấy sao")
    assert question_number(reply) == 1
    reply = say(rasa, me, "2")
    assert question_number(reply) == 2
    reply = say(rasa, me, "giấy chứng nhận OCOP có giá trị bao lâu vậy?")
    assert "36 tháng" in reply and question_number(reply) == 2
    reply = say(rasa, me, "mười")  # not an option: asked again
    assert "từ 1 đến" in reply and question_number(reply) == 2
    assert question_number(say(rasa, me, "1")) == 3


def test_cancel_ends_the_self_check_and_a_new_one_starts_from_the_beginning(rasa):
    me = sender()
    say(rasa, me, "chấm thử giúp em nước mắm nhà làm được mấy sao")
    say(rasa, me, "2")
    assert "Đã dừng tự chấm thử" in say(rasa, me, "hủy")
    reply = say(rasa, me, "tự chấm điểm OCOP cho sản phẩm nước mắm")
    assert question_number(reply) == 1


@pytest.mark.parametrize("question,office", [
    ("tôi ở xã Tân Thạnh Đông huyện Củ Chi thì nộp hồ sơ OCOP ở đâu", "UBND xã Phú Hòa Đông"),
    ("cơ sở ở phường Sài Gòn thì nộp hồ sơ OCOP ở ủy ban nào", "UBND phường Sài Gòn"),
])
def test_which_office_for_a_place_in_old_or_new_units(rasa, question, office):
    text = say(rasa, sender(), question)
    assert office in text and "Sở Nông nghiệp và Môi trường" in text and "Nguồn:" in text


def test_which_office_asks_for_the_place_and_explains_an_unknown_one(rasa):
    me = sender()
    assert "xã/phường nào" in say(rasa, me, "nộp hồ sơ OCOP ở ủy ban xã nào, tôi ở phường mình")
    assert "chưa tìm thấy" in say(rasa, me, "phường Không Có Thật")
    assert "UBND xã Bình Mỹ" in say(rasa, me, "xã Bình Mỹ, Củ Chi")


@pytest.mark.parametrize("text", [
    "Nhà tôi làm mắm ruốc, có nhãn rồi mà chưa có mã vạch, ước chừng được mấy sao?",
    "htx tui trong nam linh chi, co cong bo cl, chua ban sieu thi, cham thu dc may * vay",
])
def test_a_product_described_then_how_many_stars_starts_the_self_check(rasa, text):
    reply = say(rasa, sender(), text)
    assert "chỉ để tham khảo" in reply


@pytest.mark.parametrize("question,present,absent", [
    # a where-question naming a commune gets its office, whatever topic it was taken for
    ("Cơ sở mình ở xã Tân Thạnh Đông huyện Củ Chi thì làm OCOP liên hệ chỗ nào?", "UBND xã Phú Hòa Đông", None),
    # merged into phường Võ Thị Sáu in 2020: not guessed as quận 8's phường 7 (Bình Đông); asked instead
    ("Cơ sở mình ở phường 7 quận 3 thì làm OCOP liên hệ chỗ nào?", "xã/phường", "Bình Đông"),
    ("5* thì cần bao nhiêu điểm vậy ad", "90 đến 100", None),  # stars written with an asterisk
    # close to a form answer, with no form open: the topic answers
    ("hộ gia đình thôi ạ, chưa đăng ký kinh doanh thì làm sao?", "chủ thể OCOP gồm", "không có mẫu"),
])
def test_questions_routed_by_what_they_ask(rasa, question, present, absent):
    text = say(rasa, sender(), question)
    assert present in text
    assert absent is None or absent not in text
