"""The alignment numbers' maths on hand-made facts (cordee/analytics/alignment_campaigns.py)."""

from __future__ import annotations

import statistics
from fractions import Fraction

from cordee.analytics import alignment_campaigns as m

# -- approval in force at the launch -----------------------------------------------------------

LAUNCH = 1_000_000


def test_every_target_pod_approved_before_the_launch_is_approved():
    approvals = [m.Approval(1, LAUNCH - 10), m.Approval(2, LAUNCH)]  # at the launch counts
    assert m.approved_at_launch(LAUNCH, [1, 2], approvals, overridden=False)


def test_a_pod_missing_or_approving_after_the_launch_is_not_approved():
    assert not m.approved_at_launch(LAUNCH, [1, 2], [m.Approval(1, LAUNCH - 10)], False)
    late = [m.Approval(1, LAUNCH - 10), m.Approval(2, LAUNCH + 1)]
    assert not m.approved_at_launch(LAUNCH, [1, 2], late, False)


def test_an_approval_closed_before_the_launch_no_longer_counts():
    closed = [m.Approval(1, LAUNCH - 100, superseded_at=LAUNCH - 50)]
    assert not m.approved_at_launch(LAUNCH, [1], closed, False)
    closed_after = [m.Approval(1, LAUNCH - 100, superseded_at=LAUNCH + 50)]
    assert m.approved_at_launch(LAUNCH, [1], closed_after, False)


def test_an_override_or_no_target_pod_is_not_approved():
    approvals = [m.Approval(1, LAUNCH - 10)]
    assert not m.approved_at_launch(LAUNCH, [1], approvals, overridden=True)
    assert not m.approved_at_launch(LAUNCH, [], approvals, overridden=False)


# -- rates, medians, means -------------------------------------------------------------------


def test_a_rate_keeps_its_numerator_and_denominator_and_has_no_value_over_zero():
    assert (m.rate(2, 6).numerator, m.rate(2, 6).denominator) == (2, 6)
    assert m.rate(2, 6).value == Fraction(1, 3)
    assert m.rate(0, 0).value is None
    assert m.rate(0, 4).value == 0


def test_the_median_is_statistics_median_in_hours():
    seconds = [3 * 3600, 16_200, 27_000, 34_200, 54_000, 1800]
    expected = statistics.median([s / 3600 for s in seconds])
    assert m.median_hours(seconds) == m.Median(expected, 6)
    assert expected == 6.0  # by hand: sorted 0.5, 3, 4.5, 7.5, 9.5, 15 → (4.5 + 7.5) / 2
    assert m.median_hours([]) == m.Median(None, 0)


def test_the_mean_rating_with_its_count():
    mean = m.mean([3, 4, 5, 2])
    assert (mean.total, mean.count, mean.value) == (14, 4, Fraction(7, 2))
    assert m.mean([]).value is None


# -- the rows ---------------------------------------------------------------------------------


def test_rows_per_pod_and_for_the_workspace_by_hand():
    """Pods 1 and 2. Launched: A (pods 1, 2, approved), B (pod 1, not), C (no brief, not).
    Rounds: pod 1 3 h and 5 h, pod 2 4 h. Kit of A: pod 1 reps {10, 11}, pod 2 reps {11, 20};
    acknowledged 11 and 20 (and 99, no rep). Ended: D (pod 2, opened and completed, ratings 4
    and 5), E (pod 1, opened), F (no debrief)."""
    numbers = m.alignment_numbers(
        [1, 2],
        launched=[
            m.Launched(frozenset({1, 2}), True),
            m.Launched(frozenset({1}), False),
            m.Launched(frozenset(), False),
        ],
        answered=[m.Answered(1, 3 * 3600), m.Answered(1, 5 * 3600), m.Answered(2, 4 * 3600)],
        kits=[
            m.KitReach(
                reps={1: frozenset({10, 11}), 2: frozenset({11, 20})},
                acknowledged=frozenset({11, 20, 99}),
            )
        ],
        ended=[
            m.Ended(frozenset({2}), opened=True, completed=True, ratings=(4, 5)),
            m.Ended(frozenset({1}), opened=True, completed=False),
            m.Ended(frozenset({1, 2}), opened=False, completed=False),
        ],
    )
    assert list(numbers) == [m.WORKSPACE, 1, 2]
    ws, one, two = numbers[m.WORKSPACE], numbers[1], numbers[2]
    assert ws.approved_before_launch == m.Rate(1, 3)
    assert one.approved_before_launch == m.Rate(1, 2)
    assert two.approved_before_launch == m.Rate(1, 1)
    assert ws.median_review_hours == m.Median(4.0, 3)
    assert one.median_review_hours == m.Median(4.0, 2)
    assert two.median_review_hours == m.Median(4.0, 1)
    # the workspace: reps {10, 11, 20} (11 once), acknowledged 11 and 20
    assert ws.kit_acknowledgement == m.Rate(2, 3)
    assert one.kit_acknowledgement == m.Rate(1, 2)
    assert two.kit_acknowledgement == m.Rate(2, 2)
    assert ws.debrief_completion == m.Rate(1, 2)
    assert one.debrief_completion == m.Rate(0, 1)
    assert two.debrief_completion == m.Rate(1, 1)
    assert ws.lead_quality == m.Mean(9, 2)
    assert one.lead_quality == m.Mean(0, 0)
    assert one.lead_quality.value is None


def test_a_pod_without_anything_has_no_values():
    numbers = m.alignment_numbers([7], launched=[], answered=[], kits=[], ended=[])[7]
    assert numbers.approved_before_launch.value is None
    assert numbers.median_review_hours.value is None
    assert numbers.kit_acknowledgement.value is None
    assert numbers.debrief_completion.value is None
    assert numbers.lead_quality.value is None
