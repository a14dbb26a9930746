"""Which office receives a producer's OCOP dossier, from ``data/settings/offices.yml``.

Under QĐ 26/2026/QĐ-TTg (Điều 7, in force from 22/5/2026) the dossier goes to
the UBND of the commune/ward where the product is made, which checks it within
15 working days and forwards it to the province. ``office_for`` reads the place from a sentence (current or
former units, see ``ocop.address.find_place``) and says which UBND that is,
with the department's contact where the office has confirmed one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Dict, Optional, Text

import yaml

from ocop.address import Address, find_place
from ocop.settings import get_settings


@dataclass(frozen=True)
class Office:
    """The receiving UBND of one place and the department above it."""

    place: Address
    department: Text
    contact: Dict[Text, Text]  # phone, address, website: only the confirmed ones
    commune_contact: Dict[Text, Text]

    def message(self) -> Text:
        ward, province = self.place.ward, self.place.province
        lines = []
        if self.place.converted:
            lines.append(f"\"{self.place.original}\" nay thuộc {ward_in_text(ward)}, {province} "
                         "(theo đơn vị hành chính từ 01/7/2025).")
            if self.place.note:
                lines.append(self.place.note)
        lines.append(f"Hồ sơ OCOP của bạn nộp tại UBND {ward_in_text(ward)} ({province}).")
        lines.extend(_contact_lines(self.commune_contact))
        lines.append("UBND xã/phường nhận hồ sơ, trong 15 ngày làm việc kiểm tra và đánh giá các nội dung về nguồn gốc "
                     "địa phương rồi gửi UBND tỉnh/thành; hội đồng tỉnh/thành đánh giá.")
        if self.department:
            lines.append(f"Cấp tỉnh/thành: {self.department}.")
            lines.extend(_contact_lines(self.contact))
        lines.append("Nếu xã/phường mới chưa đúng, bạn nhắn lại tên xã/phường hiện nay.")
        return "\n".join(lines)


def ward_in_text(ward: Text) -> Text:
    """"Phường Sài Gòn" → "phường Sài Gòn" inside a sentence."""
    return ward[:1].lower() + ward[1:]


def _contact_lines(contact: Dict[Text, Text]) -> list:
    labels = (("phone", "Điện thoại"), ("address", "Địa chỉ"), ("website", "Trang thông tin"))
    return [f"• {name}: {contact[key]}" for key, name in labels if contact.get(key)]


@functools.lru_cache(maxsize=1)
def offices() -> Dict[Text, Any]:
    with open(get_settings().data_dir / "settings" / "offices.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def office_for(text: Text) -> Optional[Office]:
    """The office for the place ``text`` names, or None when no commune/ward is recognised."""
    table = offices()
    place = find_place(text, str(table.get("default_province") or ""))
    if place is None:
        return None
    province = (table.get("provinces") or {}).get(place.province) or {}
    commune = (table.get("communes") or {}).get(place.ward) or {}
    return Office(
        place=place,
        department=str(province.get("department") or ""),
        contact={k: str(v) for k, v in province.items() if k != "department" and v},
        commune_contact={k: str(v) for k, v in commune.items() if v},
    )
