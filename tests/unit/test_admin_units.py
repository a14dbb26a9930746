"""The adapter over underthesea's administrative-unit tables (the one place that reads them)."""

from __future__ import annotations

from ocop.admin_units import admin_units


def test_current_and_former_units_are_there() -> None:
    units = admin_units()
    current = {p.name for p in units.provinces if p.current}
    former = {p.name for p in units.provinces if not p.current}
    assert len(current) == 34 and "Thành phố Hồ Chí Minh" in current
    assert "Tỉnh Bình Dương" in former and "Tỉnh Bình Dương" not in current
    assert len(units.wards) > 10_000
    tan_thong_hoi = [w for w in units.wards if w.old_ward == "Xã Tân Thông Hội" and w.old_district == "Huyện Củ Chi"]
    assert tan_thong_hoi and tan_thong_hoi[0].new_province == "Thành phố Hồ Chí Minh"
    assert all(w.new_ward for w in tan_thong_hoi)
