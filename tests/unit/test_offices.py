"""Which office receives a dossier: the place read from a question, current or former units."""

import pytest

from ocop.address import find_place
from ocop.offices import office_for

HCMC = "Thành phố Hồ Chí Minh"


@pytest.mark.parametrize("text,ward,converted", [
    ("nộp hồ sơ ở đâu, tôi ở phường Sài Gòn", "Phường Sài Gòn", False),
    ("xa binh my cu chi nop o dau", "Xã Bình Mỹ", False),
    ("ở đặc khu Côn Đảo nộp chỗ nào", "Đặc khu Côn Đảo", False),
    ("Cơ sở em ở thị trấn Hóc Môn, hồ sơ OCOP nộp cho ai?", "Xã Hóc Môn", True),
    ("tôi ở xã Tân Thạnh Đông huyện Củ Chi thì nộp hồ sơ ở đâu", "Xã Phú Hòa Đông", True),
    # units abbreviated as producers type them: "p tân định", "p7 q3", "x bình mỹ"
    ("minh o p tan dinh thi nop ho so o dau", "Phường Tân Định", False),
    ("x binh my cu chi nop o dau", "Xã Bình Mỹ", False),
    ("sx o p7 q8 thi nop dau", "Phường Bình Đông", True),
    # "Thị" in a name does not end the place the way "thì" does
    ("phường Võ Thị Sáu quận 3 thì nộp đâu", "Phường Xuân Hòa", True),
])
def test_place_in_a_question(text, ward, converted):
    place = find_place(text, HCMC)
    assert place is not None and place.ward == ward and place.province == HCMC
    assert place.converted is converted


# "phường 7 quận 3" was merged into phường Võ Thị Sáu in 2020: no such former ward, so no guess
# from another district's phường 7.
@pytest.mark.parametrize("text", ["nộp hồ sơ ở đâu", "tôi ở Hà Nội", "", "x" * 400, "xã",
                                  "sx o p7 q3 thi nop dau", "Cơ sở mình ở phường 7 quận 3 thì liên hệ chỗ nào?"])
def test_no_place_no_office(text):
    assert office_for(text) is None


def test_message_names_the_commune_the_department_and_no_unconfirmed_contact():
    office = office_for("tôi ở xã Tân Thạnh Đông huyện Củ Chi thì nộp hồ sơ ở đâu")
    text = office.message()
    assert "nay thuộc xã Phú Hòa Đông" in text
    assert "UBND xã Phú Hòa Đông" in text
    assert "Sở Nông nghiệp và Môi trường" in text
    assert "Điện thoại" not in text  # no phone is on record until the office confirms one


def test_contacts_come_from_the_data_file(tmp_path, monkeypatch):
    from ocop import offices
    (tmp_path / "settings").mkdir()
    (tmp_path / "settings" / "offices.yml").write_text(
        'default_province: "Thành phố Hồ Chí Minh"\n'
        'provinces:\n  "Thành phố Hồ Chí Minh": {department: "Sở X", phone: "028 0000 0000"}\n'
        'communes:\n  "Phường Sài Gòn": {address: "1 Đường Y"}\n', encoding="utf-8")
    monkeypatch.setenv("OCOP_DATA_DIR", str(tmp_path))
    from ocop.settings import get_settings
    get_settings.cache_clear()
    offices.offices.cache_clear()
    try:
        text = office_for("phường Sài Gòn").message()
    finally:
        get_settings.cache_clear()
        offices.offices.cache_clear()
    assert "Sở X" in text and "028 0000 0000" in text and "1 Đường Y" in text
