"""The pre-registration validators: accepted forms, rejections, and no exception on any input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actions import validators as v
from ocop.text import has_diacritics

VALIDATORS = [
    v.check_subject_type, v.check_subject_name, v.check_representative, v.check_phone, v.check_email,
    v.check_address, v.check_product_name, v.check_product_group, v.check_description, v.check_yes_no,
    v.check_tax_code, lambda text: v.check_tax_code(text, v.HOUSEHOLD_BUSINESS),
]


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(st.text(max_size=400), st.from_regex(r"[0-9 .+\-]{0,20}", fullmatch=True)))
@pytest.mark.parametrize("check", VALIDATORS)
def test_any_string_gives_a_value_or_a_vietnamese_message(check, text: str) -> None:
    result = check(text)
    if not result.ok:
        assert has_diacritics(result.error) and len(result.error) > 20
        assert result.value is None


@pytest.mark.parametrize("text, expected", [
    ("0912 345 678", "+84912345678"), ("0912.345.678", "+84912345678"), ("+84 912345678", "+84912345678"),
    ("028 3829 1234", "+842838291234"), ("84912345678", "+84912345678"),
])
def test_phone_normalised_to_e164(text: str, expected: str) -> None:
    assert v.check_phone(text).value == expected


@pytest.mark.parametrize("text", ["12345", "0912", "091234567890123", "+1 202 555 0100", "abc"])
def test_bad_phone_rejected(text: str) -> None:
    assert "0xxxxxxxxx" in v.check_phone(text).error


def test_tax_codes() -> None:
    assert v.check_tax_code("0100109106").value == "0100109106"
    assert v.check_tax_code("0100109106-001").shown == "0100109106-001"
    assert "chữ số kiểm tra" in v.check_tax_code("0100109107").error
    # A 12-digit personal number: household businesses only (Thông tư 86/2024/TT-BTC).
    assert v.check_tax_code("079185003417", v.HOUSEHOLD_BUSINESS).value == "079185003417"
    error = v.check_tax_code("079185003417", "hop_tac_xa").error
    assert "10 chữ số" in error and "12 chữ số" not in error


@pytest.mark.parametrize("text, key", [
    ("htx", "hop_tac_xa"), ("Hợp tác xã", "hop_tac_xa"), ("cty tnhh", "doanh_nghiep"), ("to hop tac", "to_hop_tac"),
    ("trang trai", "trang_trai"), ("hộ kinh doanh", "ho_kinh_doanh"), ("ho gia dinh chua dk kd", "ho_chua_dang_ky"),
    ("hộ gia đình có đăng ký kinh doanh", "ho_kinh_doanh"),
])
def test_subject_types(text: str, key: str) -> None:
    assert v.check_subject_type(text).value == key


@pytest.mark.parametrize("text, key", [
    ("trà", "do_uong"), ("tra mang cau", "do_uong"), ("cá cảnh", "sinh_vat_canh"), ("homestay", "du_lich"),
    ("mat ong rung", "thuc_pham"), ("tinh dầu sả", "duoc_lieu"), ("nón lá", "thu_cong_my_nghe"),
])
def test_product_groups_from_free_text(text: str, key: str) -> None:
    assert v.check_product_group(text).value == key


def test_address_converted_from_former_units_with_or_without_accents() -> None:
    for text in ("ấp 2, xã Tân Thông Hội, huyện Củ Chi, TP. Hồ Chí Minh", "ap 2 xa tan thong hoi huyen cu chi tphcm"):
        address = v.check_address(text).value
        assert (address.ward, address.province, address.converted) == ("Xã Củ Chi", "Thành phố Hồ Chí Minh", True)
    current = v.check_address("ấp 2, xã Củ Chi, TP HCM").value
    assert (current.ward, current.converted) == ("Xã Củ Chi", False)
    assert "xã/phường" in v.check_address("nhà tôi gần chợ").error


def test_email_optional() -> None:
    assert v.check_email("ko co").value == v.NO_EMAIL
    assert v.check_email("Coso.OCOP@Gmail.com").value == "coso.ocop@gmail.com"
    assert "Email chưa đúng" in v.check_email("abc@").error


def test_yes_no_and_names() -> None:
    assert v.check_yes_no("co roi").value is True and v.check_yes_no("chưa có").value is False
    assert v.check_representative("nguyen thi lan").value == "Nguyen Thi Lan"
    assert "hai chữ" in v.check_representative("Lan").error
    assert "chữ cái" in v.check_representative("0912345678").error


def test_unclear_product_words_get_a_question_not_a_guess() -> None:
    assert v.check_product_group("vải thiều Lục Ngạn").value == "thuc_pham"
    assert v.check_product_group("khăn vải dệt thổ cẩm").value == "thu_cong_my_nghe"
    for text, asked in (("vải", "quả vải"), ("vai", "quả vải"), ("áo may mặc", "Quần áo"),
                        ("cây giống bưởi", "Cây giống")):
        checked = v.check_product_group(text)
        assert checked.value is None and asked in checked.error and "Sinh vật cảnh" in checked.error, text


@pytest.mark.parametrize("text,key", [
    ("đối tượng nào làm nước mắm", "thuc_pham"),  # "tượng" typed with its marks is not "tương"
    ("banh tráng phơi sương", "thuc_pham"),  # a syllable typed without marks still matches
    ("tuong ot", "thuc_pham"),
])
def test_syllables_typed_with_diacritics_must_match_the_keywords_own(text: str, key: str) -> None:
    assert v.check_product_group(text).value == key


@pytest.mark.parametrize("text", ["cá nhân", "tp chức năng"])  # not "nhãn"; "thành phố" is not "phở"
def test_a_keyword_whose_marks_differ_is_not_a_choice(text: str) -> None:
    assert not v.check_product_group(text).ok
