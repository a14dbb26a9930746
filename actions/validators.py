"""Validators of the pre-registration form: free text in, a clean value or a Vietnamese message out.

Each ``check_*`` function takes what the producer typed (with or without
diacritics, abbreviated or not) and returns a ``Checked``: either the value to
store and how to show it back, or a polite message saying what is accepted.
They never raise, whatever the input (a property-based test feeds them random
strings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, List, Optional, Text, Tuple

import phonenumbers
from stdnum.vn import mst

from ocop.address import parse_address
from ocop.choices import choices, label
from ocop.pieces import split_pieces
from ocop.text import fold, normalize_word

# Subject types that need the 10 or 13-digit enterprise tax code; a household
# business may also use the owner's 12-digit personal identification number
# (Thông tư 86/2024/TT-BTC, from 1/7/2025).
HOUSEHOLD_BUSINESS = "ho_kinh_doanh"
UNREGISTERED_HOUSEHOLD = "ho_chua_dang_ky"
_MAX_LEN = 500


@dataclass(frozen=True)
class Checked:
    """The outcome of one validator: ``value`` when accepted, else ``error``."""

    value: Any = None
    shown: Text = ""
    error: Text = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _reject(message: Text) -> Checked:
    return Checked(error=message)


def clean(text: Any) -> Text:
    """One line, single spaces, at most 500 characters; '' for anything not text."""
    if not isinstance(text, str):
        return ""
    return " ".join(text.replace("\x00", " ").split())[:_MAX_LEN]


def folded_words(text: Text) -> Text:
    """Normalised, abbreviation-expanded, diacritic-free, lower-case words."""
    return " ".join(fold(s) for piece in split_pieces(text) for s in piece.syllables if piece.kind != "symbol")


def best_choice(text: Text, table: Text) -> Optional[Tuple[Text, Text]]:
    """The choice whose keyword appears first in the text (the longest at one place), with that keyword.

    "trà mãng cầu" is a drink: the producer names the kind of product first.
    A word of ``unclear_products`` found first gives ``("?" + word, word)``: the form asks.
    Keywords match without diacritics, except that a syllable the producer typed
    with diacritics must have the keyword's own: "cá nhân" is not "nhãn", "đối
    tượng" is not "tương", while "banh tráng" is "bánh tráng".
    """
    syllables = [s for piece in split_pieces(text) if piece.kind != "symbol" for s in piece.syllables]
    folded = [fold(s) for s in syllables]
    best: Tuple[int, int, Optional[Text], Text] = (len(folded), 0, None, "")
    candidates = [(key, choice["keywords"]) for key, choice in choices()[table].items()]
    if table == "product_groups":
        candidates += [(f"?{word}", [word]) for word in choices().get("unclear_products") or {}]
    for key, keywords in candidates:
        if text.strip().lower() == key:
            return key, key  # a button payload or an entity value
        for keyword in keywords:
            parts = [normalize_word(w) for w in str(keyword).split()]
            at = _find_syllables(syllables, folded, parts)
            if at is not None and (at, -len(" ".join(parts))) < best[:2]:
                best = (at, -len(" ".join(parts)), key, str(keyword))
    return (best[2], best[3]) if best[2] is not None else None


def _find_syllables(syllables: List[Text], folded: List[Text], parts: List[Text]) -> Optional[int]:
    """Where ``parts`` first occur in ``syllables``: equal once folded, and equal where the producer used diacritics."""
    wanted = [fold(p) for p in parts]
    for at in range(len(folded) - len(parts) + 1):
        if folded[at:at + len(parts)] == wanted and all(
                typed == fold(typed) or typed == part for typed, part in zip(syllables[at:at + len(parts)], parts)):
            return at
    return None


def _check_choice(text: Any, table: Text, refusal: Text) -> Checked:
    """One of the choices of ``table``; ``refusal`` is followed by the list of labels."""
    text = clean(text)
    found = best_choice(text, table) if text else None
    key = found[0] if found else None
    options = "; ".join(c["label"] for c in choices()[table].values())
    if key is not None and key.startswith("?"):
        return _reject(f"{choices()['unclear_products'][key[1:]]} Bạn chọn một trong 6 nhóm: {options}.")
    if key is None:
        return _reject(f"{refusal} {options}.")
    return Checked(value=key, shown=label(table, key))


def check_subject_type(text: Any) -> Checked:
    return _check_choice(text, "subject_types", "Xin lỗi, tôi chưa rõ loại chủ thể. Bạn chọn một trong:")


def _check_name(text: Any, what: Text, minimum: int = 2, maximum: int = 200) -> Tuple[Text, Text]:
    text = clean(text).strip(" .,;:-")
    letters = sum(ch.isalpha() for ch in text)
    if letters < minimum:
        return "", f"{what} cần có ít nhất {minimum} chữ cái. Bạn nhập lại giúp tôi nhé."
    if len(text) > maximum:
        return "", f"{what} dài quá {maximum} ký tự. Bạn viết ngắn gọn lại giúp tôi nhé."
    return text, ""


def check_subject_name(text: Any) -> Checked:
    value, error = _check_name(text, "Tên cơ sở/đơn vị", minimum=2)
    return _reject(error) if error else Checked(value=value, shown=value)


_REPRESENTATIVE_LEAD = re.compile(
    r"^(?:tên\s+)?(?:người\s+đại\s+diện|đại\s+diện|ten\s+nguoi\s+dai\s+dien|nguoi\s+dai\s+dien)\s*(?:là|la|:)?\s*",
    re.IGNORECASE,
)
_SELF_INTRODUCTION = re.compile(r"^(?:tôi\s+là|toi\s+la|em\s+là|em\s+la|tên\s+là|ten\s+la)\s+", re.IGNORECASE)


def check_representative(text: Any) -> Checked:
    text = clean(text)
    text = _REPRESENTATIVE_LEAD.sub("", text)
    text = _SELF_INTRODUCTION.sub("", text)
    if any(ch.isdigit() for ch in text) or not all(ch.isalpha() or ch in " .'-" for ch in text):
        return _reject("Họ và tên người đại diện chỉ gồm chữ cái, ví dụ: Nguyễn Thị Lan. Bạn nhập lại giúp tôi nhé.")
    value, error = _check_name(text, "Họ và tên", minimum=2, maximum=80)
    if error:
        return _reject(error)
    if len(value.split()) < 2:
        return _reject("Bạn vui lòng ghi đủ họ và tên người đại diện (ít nhất hai chữ), ví dụ: Nguyễn Thị Lan.")
    value = " ".join(w[:1].upper() + w[1:] for w in value.split())
    return Checked(value=value, shown=value)


TAX_CODE_FORMATS = (
    "Mã số thuế/mã số doanh nghiệp gồm 10 chữ số (ví dụ 0312345673) hoặc 10 số kèm 3 số chi nhánh "
    "(ví dụ 0312345673-001)"
)


def check_tax_code(text: Any, subject_type: Optional[Text] = None) -> Checked:
    text = clean(text)
    digits = re.sub(r"\D", "", text)
    household = subject_type == HOUSEHOLD_BUSINESS
    accepted = TAX_CODE_FORMATS + (
        "; hộ kinh doanh cũng có thể dùng số định danh cá nhân (số căn cước) 12 chữ số, "
        "dùng làm mã số thuế từ 1/7/2025 theo Thông tư 86/2024/TT-BTC" if household else ""
    ) + "."
    if len(digits) in (10, 13):
        if mst.is_valid(digits):
            shown = digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"
            return Checked(value=digits, shown=shown)
        return _reject(
            f"Mã số {digits[:3]}… không đúng (sai chữ số kiểm tra). {accepted} Bạn kiểm tra lại giúp tôi nhé."
        )
    if len(digits) == 12 and household:
        province, century = int(digits[:3]), digits[3]
        if 1 <= province <= 96 and century in "0123456789":
            return Checked(value=digits, shown=digits)
        return _reject(f"Số định danh cá nhân 12 chữ số chưa đúng (3 số đầu là mã tỉnh). {accepted}")
    return _reject(f"Xin lỗi, mã số chưa đúng định dạng. {accepted} Bạn nhập lại giúp tôi nhé.")


def check_phone(text: Any) -> Checked:
    text = clean(text)
    candidate = re.sub(r"[\s.\-()]", "", text)
    message = (
        "Số điện thoại chưa đúng. Bạn nhập số di động hoặc số cố định Việt Nam, "
        "dạng 0xxxxxxxxx hoặc +84xxxxxxxxx (được có dấu cách hoặc dấu chấm), ví dụ 0912 345 678."
    )
    if not re.fullmatch(r"\+?\d{9,12}", candidate):
        return _reject(message)
    try:
        number = phonenumbers.parse(candidate, "VN")
    except phonenumbers.NumberParseException:
        return _reject(message)
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        return _reject(message)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return Checked(value=e164, shown=shown)


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})*\.[A-Za-z]{2,24}")
_NO_EMAIL = {
    "khong", "khong co", "ko", "khong co email", "bo qua", "chua co", "chua", "khong dung", "khong a", "ko co",
    "none", "skip",
}
NO_EMAIL = "không có"


def check_email(text: Any) -> Checked:
    text = clean(text)
    found = _EMAIL.search(text)
    if found and len(found.group()) <= 254:
        email = found.group()
        return Checked(value=email.lower(), shown=email.lower())
    words = folded_words(text).strip(" .!")
    if words in _NO_EMAIL or words.startswith(("khong co", "chua co", "bo qua")):
        return Checked(value=NO_EMAIL, shown="(không có)")
    return _reject("Email chưa đúng dạng, ví dụ: coso.ocop@gmail.com. Nếu không có email, bạn trả lời \"không có\".")


def check_address(text: Any) -> Checked:
    text = clean(text)
    address = parse_address(text) if text else None
    if address is None:
        return _reject(
            "Tôi chưa đọc được địa chỉ. Bạn ghi rõ xã/phường và tỉnh/thành phố, ví dụ: "
            "\"ấp 3, xã Củ Chi, TP. Hồ Chí Minh\" "
            "(có thể ghi theo địa giới cũ có huyện/quận, tôi sẽ chuyển sang đơn vị mới)."
        )
    return Checked(value=address, shown=address.full)


_PRODUCT_LEAD = re.compile(
    r"^(?:tên\s+sản\s+phẩm|ten\s+san\s+pham|sản\s+phẩm|san\s+pham|sp)\s*(?:là|la|:)?\s*", re.IGNORECASE
)


def check_product_name(text: Any) -> Checked:
    text = clean(text)
    text = _PRODUCT_LEAD.sub("", text)
    value, error = _check_name(text, "Tên sản phẩm", minimum=2, maximum=150)
    return _reject(error) if error else Checked(value=value, shown=value)


def check_product_group(text: Any) -> Checked:
    return _check_choice(text, "product_groups", "Tôi chưa xếp được sản phẩm vào nhóm nào. Bạn chọn một trong 6 nhóm:")


def check_description(text: Any) -> Checked:
    text = clean(text)
    if sum(ch.isalpha() for ch in text) < 10:
        return _reject("Bạn mô tả ngắn sản phẩm giúp tôi (ít nhất vài chữ): nguyên liệu, cách làm, quy cách đóng gói…")
    return Checked(value=text, shown=text)


_YES = {"co", "da co", "co roi", "roi", "yes", "ok", "vang", "da", "co a", "da co roi", "dung", "co day du"}
_NO = {"khong", "chua", "chua co", "khong co", "no", "khong a", "chua a", "chua co a"}


_AGREE = {"dong y", "co", "ok", "oke", "yes", "vang", "da", "duoc", "dong y a", "toi dong y", "em dong y", "dy", "uk",
          "u", "ung", "dc"}


def check_agreement(text: Any) -> Checked:
    """The answer to the privacy notice: đồng ý / không đồng ý."""
    text = clean(text)
    if text in ("/affirm", "/deny"):
        return Checked(value=text == "/affirm", shown="Đồng ý" if text == "/affirm" else "Không đồng ý")
    words = folded_words(text).strip(" .!")
    if words.startswith(("khong", "ko", "k ", "chua", "thoi")) or words in ("k", "no"):
        return Checked(value=False, shown="Không đồng ý")
    if words in _AGREE or words.startswith(("dong y", "ok", "co ")):
        return Checked(value=True, shown="Đồng ý")
    return _reject("Bạn chọn \"Đồng ý\" hoặc \"Không đồng ý\" giúp tôi nhé.")


def check_yes_no(text: Any) -> Checked:
    """Whether the product has quality/standard documents: có / chưa có."""
    text = clean(text)
    if text in ("/affirm", "/deny"):
        return Checked(value=text == "/affirm", shown="Có" if text == "/affirm" else "Chưa có")
    words = folded_words(text).strip(" .!")
    if words in _NO or words.startswith(("chua", "khong")):
        return Checked(value=False, shown="Chưa có")
    if words in _YES or words.startswith(("co ", "da co", "co,")):
        return Checked(value=True, shown="Có")
    return _reject("Bạn trả lời \"có\" hoặc \"chưa có\" giúp tôi nhé.")
