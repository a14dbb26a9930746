"""Normalisation: NFC/NFD, tone-mark conventions, case, diacritic folding."""

import unicodedata

import pytest

from ocop.text import FoldedText, fold, has_diacritics, normalize_text, normalize_word


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("hoà", "hòa"),  # new-style tone placement -> one convention
        ("Hoà", "hòa"),
        ("thuý", "thúy"),
        ("khoẻ", "khỏe"),
        ("qủa", "quả"),
        ("ĐĂNG", "đăng"),
        ("OCOP", "ocop"),
    ],
)
def test_normalize_word_uses_one_convention(raw, expected):
    assert normalize_word(raw) == expected


def test_nfd_and_nfc_inputs_normalise_to_the_same_text():
    text = "Hợp tác xã đăng ký sản phẩm hoà bình"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert normalize_text(nfd) == normalize_text(text)
    assert unicodedata.is_normalized("NFC", normalize_text(nfd))


def test_old_and_new_tone_placement_compare_equal():
    assert normalize_text("hoà thuận, khoẻ mạnh") == normalize_text("hòa thuận, khỏe mạnh")


@pytest.mark.parametrize(
    "raw, expected",
    [("đăng ký", "dang ky"), ("Hợp Tác Xã", "Hop Tac Xa"), ("ĐƯỢC", "DUOC"), ("ocop", "ocop")],
)
def test_fold_strips_every_diacritic(raw, expected):
    assert fold(raw) == expected


def test_has_diacritics():
    assert has_diacritics("sản phẩm")
    assert not has_diacritics("san pham")


def test_folded_text_maps_back_to_nfd_original():
    original = unicodedata.normalize("NFD", "Xã Củ Chi")
    folded = FoldedText.of(original)
    assert folded.text == "xa cu chi"
    start = folded.text.index("cu chi")
    s, e = folded.span(start, start + len("cu chi"))
    assert unicodedata.normalize("NFC", original[s:e]) == "Củ Chi"
