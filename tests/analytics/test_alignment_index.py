"""The alignment index's rules (cordee.analytics.alignment_index), each checked on numbers worked
out by hand."""

from __future__ import annotations

import pytest

from cordee.analytics import alignment_index as m


def test_the_default_weights_add_up_to_100_and_cover_every_part():
    assert sum(m.DEFAULT_WEIGHTS.values()) == 100
    assert tuple(m.DEFAULT_WEIGHTS) == m.PART_CODES


def test_a_rate_is_taken_as_is_and_nothing_to_divide_is_missing():
    assert m.rate_score(3, 4) == 75
    assert m.rate_score(0, 5) == 0
    assert m.rate_score(0, 0) is None


@pytest.mark.parametrize(
    ("latency", "target", "score"),
    [
        (0.5, 2, 100),  # within the target
        (2, 2, 100),  # on it
        (3, 2, 75),  # 100 × (6 − 3) / 4
        (4, 2, 50),  # halfway to 3T
        (6, 2, 0),  # at 3T
        (9, 2, 0),  # beyond
        (0, 0, 100),
        (1, 0, 0),
        (None, 2, None),
    ],
)
def test_the_latency_falls_linearly_from_the_target_to_three_times_it(latency, target, score):
    assert m.latency_score(latency, target) == score


def test_shared_goals_are_the_mean_of_their_capped_attainment():
    goals = [
        m.GoalReading(actual=0.5, target=0.8),  # 0.625
        m.GoalReading(actual=150, target=100),  # capped at 1
        m.GoalReading(actual=None, target=10),  # no actual: not counted
        m.GoalReading(actual=40, target=30, lower_is_better=True),  # 30 / 40 = 0.75
        m.GoalReading(actual=3, target=0),  # a target of 0 is attained
    ]
    score, counted = m.goals_score(goals)
    assert counted == 4
    assert score == pytest.approx(100 * (0.625 + 1 + 0.75 + 1) / 4)
    assert m.goals_score([m.GoalReading(None, 1)]) == (None, 0)
    assert m.goal_attainment(m.GoalReading(0, 5, lower_is_better=True)) == 1


def test_rituals_average_the_two_sides_present():
    assert m.attendance_score([(1, 2), (2, 2)]) == 75
    assert m.attendance_score([(0, 0), (3, 4)]) == 75  # only sales expected
    assert m.attendance_score([(0, 0), (0, 0)]) is None


def test_kudos_one_for_every_two_members_is_full_marks():
    assert m.kudos_score(2, 7) == pytest.approx(100 * 2 / 3.5)
    assert m.kudos_score(5, 10) == 100
    assert m.kudos_score(9, 10) == 100
    assert m.kudos_score(0, 10) == 0
    assert m.kudos_score(3, 0) is None


def test_the_gap_runs_from_100_at_none_to_0_at_80_points():
    assert m.gap_score(0) == 100
    assert m.gap_score(20) == 75
    assert m.gap_score(80) == 0
    assert m.gap_score(None) is None


def test_the_composite_renormalises_over_the_parts_present():
    values: dict[str, float | None] = dict.fromkeys(m.PART_CODES)
    values.update(sla_sales=60.0, acceptance=80.0, kudos=100.0)
    result = m.composite(values, m.DEFAULT_WEIGHTS)
    # weights 15, 15, 5 → Σ 35: (60 × 15 + 80 × 15 + 100 × 5) / 35 = 2 600 / 35
    assert result.score == pytest.approx(2600 / 35)
    parts = {p.code: p for p in result.parts}
    assert parts["kudos"].effective_weight == pytest.approx(5 / 35)
    assert parts["kudos"].contribution == pytest.approx(100 * 5 / 35)
    assert parts["rituals"].effective_weight == 0 and parts["rituals"].contribution is None
    assert sum(p.contribution or 0 for p in result.parts) == pytest.approx(result.score)
    assert len(result.missing) == 7 and "kudos" not in result.missing


def test_no_part_or_weightless_parts_give_no_score():
    assert m.composite({}, m.DEFAULT_WEIGHTS).score is None
    only = m.composite({"kudos": 50.0}, {**m.DEFAULT_WEIGHTS, "kudos": 0})
    assert only.score is None


def test_weights_problems_name_the_part():
    assert m.weights_problems({"kudos": 10}) == {}
    assert m.weights_problems({"luck": 1}) == {"luck": "unknown"}
    assert m.weights_problems({"kudos": -1}) == {"kudos": "negative"}
    assert m.weights_problems({"kudos": 1.5}) == {"kudos": "number"}
    assert m.weights_problems({"kudos": True}) == {"kudos": "number"}
    assert m.weights_problems({"kudos": 101}) == {"kudos": "too_large"}
    assert m.weights_problems(dict.fromkeys(m.PART_CODES, 0)) == {"weights": "all_zero"}
    # the parts not given keep their weight: here every other part weighs 0 already
    base = {**dict.fromkeys(m.PART_CODES, 0), "kudos": 5}
    assert m.weights_problems({"kudos": 0}, base) == {"weights": "all_zero"}
