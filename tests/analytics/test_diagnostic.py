"""The diagnostic's maths (cordee/analytics/diagnostic.py), against hand-worked numbers: the
types at their boundaries, a mean between two types, the gaps per statement of a small
hand-made set of 5 + 5 answers, the size rule and the rule over combinations of pods."""

from __future__ import annotations

import pytest

from cordee.analytics import diagnostic as maths


def person(total: int) -> list[int]:
    """20 answers summing to ``total`` (20–100): as many 5s as fit, then the rest spread."""
    base, extra = divmod(total, 20)  # e.g. 39 = 20 × 1 + 19: nineteen 2s and one 1
    return [base + 1] * extra + [base] * (20 - extra)


def test_the_helper_person_sums_to_its_total():
    assert person(39) == [2] * 19 + [1]  # 19 × 2 + 1 = 39
    assert sum(person(39)) == 39 and sum(person(80)) == 80 and sum(person(59)) == 59


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (20, "undefined"),
        (39, "undefined"),
        (40, "defined"),
        (59, "defined"),
        (60, "aligned"),
        (79, "aligned"),
        (80, "integrated"),
        (100, "integrated"),
    ],
)
def test_types_at_their_boundaries(total, expected):
    # five people with the same total: the group's total is that total (5 × t / 5)
    group = maths.group([person(total)] * 5)
    assert group.total == total
    assert group.type == expected


def test_a_mean_between_two_types_is_rounded_half_up():
    # six people: three at 59, three at 60 → (3 × 59 + 3 × 60) / 6 = 357 / 6 = 59.5 → 60: Aligned
    group = maths.group([person(59)] * 3 + [person(60)] * 3)
    assert group.total == 59.5
    assert group.type == "aligned"
    # five people: 59, 59, 59, 60, 60 → 297 / 5 = 59.4 → 59: Defined
    group = maths.group([person(59)] * 3 + [person(60)] * 2)
    assert group.total == pytest.approx(59.4)
    assert group.type == "defined"
    assert maths.total_type(79.49) == "aligned" and maths.total_type(79.5) == "integrated"
    assert maths.total_type(39.5) == "defined"


# The hand-made set: 5 marketers answer 4 everywhere but statements 4 (plan_input, index 3),
# 5 (collateral, index 4) and 6 (feedback, index 5); 5 salespeople answer 3 everywhere but those.
PLAN, COLLATERAL, FEEDBACK = 3, 4, 5
MARKETING = {PLAN: [4, 4, 4, 4, 4], COLLATERAL: [5, 4, 5, 4, 5], FEEDBACK: [5, 5, 4, 4, 5]}
SALES = {PLAN: [4, 4, 4, 4, 5], COLLATERAL: [3, 3, 2, 3, 3], FEEDBACK: [2, 2, 3, 2, 1]}


def answers(base: int, special: dict[int, list[int]]) -> list[list[int]]:
    people = []
    for p in range(5):
        row = [base] * 20
        for index, values in special.items():
            row[index] = values[p]
        people.append(row)
    return people


HAND_MARKETING = answers(4, MARKETING)
HAND_SALES = answers(3, SALES)


def test_gaps_per_statement_by_hand():
    marketing, sales = maths.group(HAND_MARKETING), maths.group(HAND_SALES)
    # marketers' totals: 17 × 4 + plan + collateral + feedback
    #   68 + 4 + 5 + 5 = 82, 68 + 4 + 4 + 5 = 81, 68 + 4 + 5 + 4 = 81, 68 + 4 + 4 + 4 = 80,
    #   68 + 4 + 5 + 5 = 82 → (82 + 81 + 81 + 80 + 82) / 5 = 406 / 5 = 81.2: Integrated
    assert marketing.total == pytest.approx(81.2)
    assert marketing.type == "integrated"
    # salespeople: 17 × 3 = 51, + 4 + 3 + 2 = 60, + 4 + 3 + 2 = 60, + 4 + 2 + 3 = 60,
    #   + 4 + 3 + 2 = 60, + 5 + 3 + 1 = 60 → 60.0: Aligned
    assert sales.total == pytest.approx(60.0)
    assert sales.type == "aligned"
    gaps = maths.statement_gaps(marketing, sales)
    assert gaps is not None and len(gaps) == 20
    # feedback: 23/5 − 10/5 = 4.6 − 2.0 = 2.6; collateral: 23/5 − 14/5 = 4.6 − 2.8 = 1.8;
    # the 17 others: 4 − 3 = 1.0 (in the statements' order); plan_input: 20/5 − 21/5 = −0.2
    assert gaps[0][0] == FEEDBACK and gaps[0][1] == pytest.approx(2.6)
    assert gaps[1][0] == COLLATERAL and gaps[1][1] == pytest.approx(1.8)
    others = [i for i in range(20) if i not in (PLAN, COLLATERAL, FEEDBACK)]
    assert [i for i, _g in gaps[2:19]] == others
    assert all(g == pytest.approx(1.0) for _i, g in gaps[2:19])
    assert gaps[19][0] == PLAN and gaps[19][1] == pytest.approx(-0.2)
    # the overall gap: |81.2 − 60.0| = 21.2
    assert maths.overall_gap(marketing, sales) == pytest.approx(21.2)


def test_a_group_of_four_has_no_number():
    group = maths.group(HAND_MARKETING[:4])
    assert (group.count, group.shown, group.total, group.type, group.means) == (
        4,
        False,
        None,
        None,
        None,
    )
    assert maths.statement_gaps(group, maths.group(HAND_SALES)) is None
    assert maths.overall_gap(group, maths.group(HAND_SALES)) is None


def test_a_subgroup_whose_rest_is_one_to_four_people_is_hidden():
    assert maths.subgroup_shown(5, 6) is False  # the rest: 1 person
    assert maths.subgroup_shown(5, 9) is False  # the rest: 4
    assert maths.subgroup_shown(5, 10) is True  # the rest: 5
    assert maths.subgroup_shown(5, 5) is True  # the rest: nobody
    assert maths.subgroup_shown(4, 20) is False  # too small itself


def test_combinations_of_pods_never_isolate_fewer_than_five():
    # 6 people, 5 in pod A: whole − A = 1 person → A hidden
    assert maths.groups_shown(frozenset(range(6)), {"A": frozenset(range(5))}) == {"A": False}
    # 11 people, A = 0–4, B = 5–9, person 10 in neither: whole − A − B = person 10. Each pod
    # alone passes the one-pod rule (rest 6), but not both: one is hidden (the first on a tie)
    whole, a, b = frozenset(range(11)), frozenset(range(5)), frozenset(range(5, 10))
    assert maths.subgroup_shown(len(a), len(whole)) and maths.subgroup_shown(len(b), len(whole))
    assert maths.groups_shown(whole, {"A": a, "B": b}) == {"A": False, "B": True}
    # 15 people, the same pods: the rest is 5 → both shown
    assert maths.groups_shown(frozenset(range(15)), {"A": a, "B": b}) == {"A": True, "B": True}
    # nested pods: A = 0–9, B = 0–6 (A − B = 3 people) → B hidden, A shown (rest 5)
    whole = frozenset(range(15))
    shown = maths.groups_shown(whole, {"A": frozenset(range(10)), "B": frozenset(range(7))})
    assert shown == {"A": True, "B": False}
    # a whole side of 4: nothing within it
    assert maths.groups_shown(frozenset(range(4)), {"A": frozenset(range(4))}) == {"A": False}


def test_answers_check_names_each_wrong_position():
    assert maths.answers_check([3] * 20) == []
    assert maths.answers_check([0, 6, 3.5, True] + [3] * 16) == [0, 1, 2, 3]
    assert maths.answers_check([3] * 18) == [18, 19]  # the two missing
    assert maths.answers_check([3] * 21) == [20]  # one too many
