"""The star self-check's engine: criteria files, bands at their edges, answers, suggestions."""

import pytest

from ocop import self_check
from ocop.choices import choices


def test_every_product_group_has_criteria_sets_and_every_set_can_be_checked():
    sets = self_check.load_sets()
    assert len(sets) == 26  # Phụ lục II of QĐ 26/2026/QĐ-TTg
    assert {s.product_group for s in sets.values()} == set(choices()["product_groups"])
    for criteria_set in sets.values():
        assert criteria_set.part_max == {"A": 40, "B": 25, "C": 35}
        assert criteria_set.supported, criteria_set.key
        assert "26/2026/QĐ-TTg" in criteria_set.document and criteria_set.url.startswith("https://")
        for part in "ABC":
            # every criterion with a 3-star minimum, topped up with the heaviest to QUESTIONS_PER_PART
            asked = [q for q in criteria_set.questions if q.part == part]
            minimums = [q for q in asked if q.three_star_minimum is not None]
            assert len(asked) == max(self_check.QUESTIONS_PER_PART, len(minimums)), (criteria_set.key, part)


def test_questions_put_the_three_star_minimums_first_and_use_consistent_points():
    for criteria_set in self_check.load_sets().values():
        for criterion in criteria_set.questions:
            assert max(o.points for o in criterion.options) == criterion.max_points
            assert all(0 <= o.points <= criterion.max_points for o in criterion.options)


def test_inconsistent_source_points_are_never_asked():
    raw = {"name": "x", "product_group": "thuc_pham", "parts": [
        {"part": "A", "max_points": 40, "criteria": [
            {"id": "7", "text": "Dinh dưỡng", "max_points": 3,
             "levels": [{"text": "Không", "points": 0}, {"text": "Có", "points": 13}]},
            {"id": "1.2", "text": "Vùng nguyên liệu", "max_points": 2,
             "levels": [{"text": "Không", "points": None}, {"text": "Có", "points": 2}]},
            {"id": "2.2", "text": "Bao bì", "max_points": 3,
             "levels": [{"text": "Thường", "points": 1}, {"text": "Đẹp", "points": 3, "min_for_star": 3}]},
        ]}]}
    parsed = self_check.parse_set(raw, "x")
    assert [q.id for q in parsed.questions] == ["2.2"]


@pytest.mark.parametrize("score,star", [(0, 1), (29, 1), (30, 2), (49, 2), (50, 3), (69, 3), (70, 4),
                                        (89, 4), (90, 5), (100, 5)])
def test_star_bands_at_their_edges(score, star):
    assert self_check.star_for(score) == star


def _one_part_set(maximum_points):
    """A set whose parts A, B, C each have one criterion with options 0..max: the score is exact."""
    parts = []
    for part, part_max in (("A", 40), ("B", 25), ("C", 35)):
        levels = [{"text": f"mức {p}", "points": p} for p in range(part_max + 1)]
        parts.append({"part": part, "max_points": part_max,
                      "criteria": [{"id": part, "text": part, "max_points": part_max, "levels": levels}]})
    return self_check.parse_set({"name": "thử", "product_group": "thuc_pham", "parts": parts}, "t")


@pytest.mark.parametrize("points,star", [((20, 15, 14), 2), ((20, 15, 15), 3), ((30, 20, 19), 3),
                                         ((30, 20, 20), 4), ((40, 25, 24), 4), ((40, 25, 25), 5)])
def test_scores_of_49_50_69_70_89_90_give_the_bands(points, star):
    criteria_set = _one_part_set(points)
    result = self_check.score(criteria_set, list(points))
    assert result.score == sum(points)
    assert result.star == star


def test_a_missed_three_star_minimum_caps_the_result_and_comes_first_in_the_advice():
    criteria_set = self_check.load_sets()["qd26_09_tuong_nuoc_mam_gia_vi_dang_long_khac"]
    best = [len(q.options) - 1 for q in criteria_set.questions]
    assert self_check.score(criteria_set, best).star == 5
    packaging = next(i for i, q in enumerate(criteria_set.questions) if q.text.startswith("Đóng gói"))
    answers = list(best)
    answers[packaging] = 0  # "không có bao bì": below the 3-star minimum
    result = self_check.score(criteria_set, answers)
    assert result.score >= 90 and result.recognised_star == 2
    assert result.suggestions[0].criterion.text.startswith("Đóng gói")
    assert result.suggestions[0].better.min_star == 3


def test_answers_by_number_words_and_yes_no():
    criterion = self_check.Criterion("x", "A", "Có liên kết?", 1,
                                     (self_check.Option("Không có", 0), self_check.Option("Có", 1)))
    assert self_check.read_option(criterion, "2") == 1
    assert self_check.read_option(criterion, "số 1") == 0
    assert self_check.read_option(criterion, "ko") == 0
    assert self_check.read_option(criterion, "Có") == 1
    assert self_check.read_option(criterion, "co roi") == 1
    assert self_check.read_option(criterion, "7") is None
    assert self_check.read_option(criterion, "hôm nay trời đẹp") is None
