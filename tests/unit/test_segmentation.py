"""The tokenizer's words: expansion, segmentation, offsets into the user's text."""

import unicodedata

import pytest

from nlu.segmentation import segment


def words(text):
    return [(w.text, text[w.start : w.end]) for w in segment(text)]


def test_accented_words_are_segmented_and_mapped_to_the_original():
    result = words("Đăng ký sản phẩm OCOP thế nào ạ")
    assert result[:4] == [
        ("đăng_ký", "Đăng ký"),
        ("sản_phẩm", "sản phẩm"),
        ("ocop", "OCOP"),
        ("thế_nào", "thế nào"),
    ]


@pytest.mark.parametrize(
    "teencode, expansion",
    [
        ("ko", "không"),
        ("k", "không"),
        ("hok", "không"),
        ("dc", "được"),
        ("đc", "được"),
        ("dk", "đăng_ký"),
        ("đk", "đăng_ký"),
        ("dky", "đăng_ký"),
        ("sp", "sản_phẩm"),
        ("htx", "hợp_tác_xã"),
        ("gcn", "giấy_chứng_nhận"),
        ("ntn", "như_thế_nào"),
        ("j", "gì"),
        ("bn", "bao_nhiêu"),
        ("mk", "mình"),
        ("mik", "mình"),
        ("ad", "admin"),
    ],
)
def test_teencode_is_expanded_but_keeps_its_own_span(teencode, expansion):
    text = f"cho hỏi {teencode.upper()} nhé"
    found = [w for w in segment(text) if text[w.start : w.end] == teencode.upper()]
    assert found, f"{teencode} not found as its own word"
    assert found[0].text == expansion


def test_folded_form_is_what_unaccented_text_gives():
    accented = {w.folded for w in segment("đăng ký sản phẩm")}
    assert accented == {"dang ky", "san pham"}
    unaccented = " ".join(w.folded for w in segment("dang ky san pham"))
    assert unaccented.split() == ["dang", "ky", "san", "pham"]


def test_numbers_codes_and_emails_stay_whole():
    text = "mst 0312345678-001, sđt 0987.654.321, gcn 125/GCN-UBND, mail a.b@gmail.com ngày 12/05/2025"
    spans = [text[w.start : w.end] for w in segment(text)]
    for piece in ["0312345678-001", "0987.654.321", "125/GCN-UBND", "a.b@gmail.com", "12/05/2025"]:
        assert piece in spans


def test_offsets_point_into_an_nfd_original():
    original = unicodedata.normalize("NFD", "Hoà bình, hợp tác xã")
    result = segment(original)
    assert [w.text for w in result if not w.is_symbol][0] == "hòa"
    for word in result:
        piece = unicodedata.normalize("NFC", original[word.start : word.end])
        assert piece.strip() == piece and piece


def test_spans_never_overlap_and_are_ordered():
    text = "HTX mình ở Củ Chi, dk sp tra xanh 4 sao dc ko ad???"
    result = segment(text)
    for left, right in zip(result, result[1:]):
        assert left.end <= right.start


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_has_no_words(text):
    assert segment(text) == []


def test_long_and_odd_texts_segment():
    assert segment("😀🎉👍")
    assert segment("OCOP 是什么 что это ocop là gì")
    long_text = "sản phẩm ocop " * 400
    assert len(segment(long_text)) >= 400


@pytest.mark.parametrize("text,folded", [
    ("Muốn đạt 5* thì", ["muon", "dat", "5", "sao", "thi"]),
    ("sp 4 ★", ["san pham", "4", "sao"]),
    ("a*b", ["a", "*", "ban"]),
])
def test_a_star_after_a_number_reads_as_sao(text, folded):
    assert [w.folded for w in segment(text)] == folded
