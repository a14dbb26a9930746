"""The entity extractor trained on the project's own regexes, lookups and synonyms."""

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from bot.model_cache import nlu_training_data
from nlu.entity_extractor import VietnameseEntityExtractor


@pytest.fixture(scope="module")
def extractor(tmp_path_factory):
    data = nlu_training_data()
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("storage")))
    resource = Resource("entities")
    config = VietnameseEntityExtractor.get_default_config()
    trained = VietnameseEntityExtractor.create(
        config, storage, resource, ExecutionContext(None)  # type: ignore[arg-type]
    )
    trained.train(data)
    # What Rasa does at run time: load the persisted component.
    return VietnameseEntityExtractor.load(config, storage, resource, ExecutionContext(None))  # type: ignore[arg-type]


def found(extractor, text):
    return [(e["entity"], text[e["start"] : e["end"]], e["value"]) for e in extractor.extract(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mst của em là 0312345678", ("tax_code", "0312345678", "0312345678")),
        ("sdt 0312345678 nhé", ("phone", "0312345678", "0312345678")),
        ("ma so thue 0312345678-001", ("tax_code", "0312345678-001", "0312345678-001")),
        ("cccd 079085001234 làm mã số thuế", ("tax_code", "079085001234", "079085001234")),
        ("gọi 0987 654 321 giúp em", ("phone", "0987 654 321", "0987654321")),
        ("liên hệ +84 912 345 678", ("phone", "+84 912 345 678", "84912345678")),
        ("0909.123.456", ("phone", "0909.123.456", "0909123456")),
        ("3701234567", ("tax_code", "3701234567", "3701234567")),
    ],
)
def test_phone_or_tax_code_from_cue_words_and_shape(extractor, text, expected):
    assert expected in found(extractor, text)


@pytest.mark.parametrize(
    "text, value",
    [("được 4 sao", "4"), ("bon sao", "4"), ("năm sao", "5"), ("3*", "3"), ("ba sao a", "3")],
)
def test_star_rating_has_a_numeric_value(extractor, text, value):
    assert [v for e, _, v in found(extractor, text) if e == "star_rating"] == [value]


@pytest.mark.parametrize(
    "text, entity, value",
    [
        ("bên em là hợp tác xã", "subject_type", "hop_tac_xa"),
        ("ben em la hop tac xa", "subject_type", "hop_tac_xa"),
        ("HTX mình", "subject_type", "hop_tac_xa"),
        ("nhóm đồ uống", "product_group", "do_uong"),
        ("nhom do uong", "product_group", "do_uong"),
        ("homestay o Can Gio", "product_group", "du_lich"),
        ("cá cảnh", "product_group", "sinh_vat_canh"),
        ("tôi ở TP.HCM", "province", "Hồ Chí Minh"),
        ("o dong nai", "province", "Đồng Nai"),
    ],
)
def test_lookups_match_with_or_without_diacritics(extractor, text, entity, value):
    assert (entity, value) in [(e, v) for e, _, v in found(extractor, text)]


def test_certificate_number_email_and_date(extractor):
    text = "GCN số 125/GCN-UBND cấp ngày 12/05/2024, email hoa.nguyen@gmail.com"
    result = {(e, s) for e, s, _ in found(extractor, text)}
    assert ("certificate_number", "125/GCN-UBND") in result
    assert ("date", "12/05/2024") in result
    assert ("email", "hoa.nguyen@gmail.com") in result
    assert ("certificate_number", "HCM-OCOP-2024-0312") in {
        (e, s) for e, s, _ in found(extractor, "so HCM-OCOP-2024-0312")
    }


def test_ward_with_its_unit_word(extractor):
    assert ("ward", "phường Tân Định") in [(e, s) for e, s, _ in found(extractor, "em ở phường Tân Định, TP.HCM")]
    assert ("ward", "xa tan thong hoi") in [(e, s) for e, s, _ in found(extractor, "o xa tan thong hoi")]


@pytest.mark.parametrize(
    "text", ["", "   ", "😀😀", "a" * 5000, "0" * 300], ids=["empty", "blank", "emoji", "long", "zeros"]
)
def test_odd_inputs_do_not_fail(extractor, text):
    extractor.extract(text)
