"""The alignment numbers of co-designed campaigns for one fiscal period — pure, no Django.

The reads (``cordee.codesign.alignment``) give what happened, already cut to the period; this
module counts, per target pod and for the whole workspace:

- **approved before launch** = campaigns launched in the period that were approved (no
  override, and an approval of every target pod in force at the launch: ``approved_at_launch``)
  ÷ campaigns launched in the period. A pod's row counts the campaigns targeting the pod; a
  campaign without a brief (no target pod) counts in the workspace's row only, as not approved;
- **median review time** = the median (``statistics.median``) of the business time from asked to
  answered of the review rounds answered in the period, in **business hours** of the workspace
  calendar; a pod's row: the rounds of that pod. ``count``: how many rounds;
- **kit acknowledgement** = Σ reps of the target pods who acknowledged the kit's current
  version ÷ Σ reps of the target pods, over the campaigns launched in the period that have a
  kit. A rep of two target pods counts once in the workspace's row; a pod's row counts the
  pod's reps on the campaigns targeting it;
- **debrief completion** = debriefs completed ÷ debriefs opened, for the campaigns ending in
  the period (a campaign without a debrief yet counts in neither);
- **lead quality** = the mean rating (1–5) of the debriefs of those campaigns, with the number
  of ratings (``count``) and their sum (``total``).

Every rate is a numerator, a denominator and their ratio as a ``Fraction``; ``None`` when the
denominator is 0 (nothing to divide by, not 0 %).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

WORKSPACE = None  # the key of the whole workspace's row (a pod's row: its id)


@dataclass(frozen=True)
class Rate:
    """A rate with what it divides: ``value`` = numerator ÷ denominator (None when 0); the
    alignment numbers and the debrief's acceptance rate."""

    numerator: int
    denominator: int

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None


@dataclass(frozen=True)
class Median:
    value: float | None  # business hours; None: nothing answered
    count: int


@dataclass(frozen=True)
class Mean:
    total: int
    count: int

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.total, self.count) if self.count else None


@dataclass(frozen=True)
class AlignmentNumbers:
    approved_before_launch: Rate
    median_review_hours: Median
    kit_acknowledgement: Rate
    debrief_completion: Rate
    lead_quality: Mean


# -- the facts, as the reads give them -------------------------------------------------------------


@dataclass(frozen=True)
class Approval:
    """An approved round of a pod: answered at ``decided_at``, closed at ``superseded_at``
    (None: still open). Instants in epoch seconds."""

    pod: int
    decided_at: int
    superseded_at: int | None = None


@dataclass(frozen=True)
class Launched:
    """A campaign launched in the period: its target pods and whether sales approved it."""

    pods: frozenset[int]
    approved: bool


@dataclass(frozen=True)
class Answered:
    """A review round answered in the period: its pod and the business seconds it took."""

    pod: int
    business_seconds: int


@dataclass(frozen=True)
class KitReach:
    """A campaign launched in the period with a kit: the reps of each target pod, and the people
    who acknowledged the kit's current version."""

    reps: Mapping[int, frozenset[int]]
    acknowledged: frozenset[int]


@dataclass(frozen=True)
class Ended:
    """A campaign ending in the period: its target pods, its debrief (opened, completed) and the
    debrief's ratings."""

    pods: frozenset[int]
    opened: bool
    completed: bool
    ratings: Sequence[int] = field(default_factory=tuple)


def approved_at_launch(
    launched_at: int, pods: Iterable[int], approvals: Iterable[Approval], overridden: bool
) -> bool:
    """True when the launch was not overridden and every target pod (at least one) had an
    approval in force at ``launched_at``: answered at or before it, not closed by then (a change
    of the brief after the approval closes the round and asks again)."""
    wanted = set(pods)
    if overridden or not wanted:
        return False
    in_force = {
        a.pod
        for a in approvals
        if a.decided_at <= launched_at
        and (a.superseded_at is None or a.superseded_at > launched_at)
    }
    return wanted <= in_force


def rate(numerator: int, denominator: int) -> Rate:
    return Rate(numerator, denominator)


def median_hours(business_seconds: Iterable[int]) -> Median:
    """The median of durations given in business seconds, in business hours."""
    hours = [s / 3600 for s in business_seconds]
    return Median(float(statistics.median(hours)) if hours else None, len(hours))


def mean(ratings: Iterable[int]) -> Mean:
    values = list(ratings)
    return Mean(sum(values), len(values))


def approved_rate(pod: int | None, launched: Sequence[Launched]) -> Rate:
    """Of the campaigns launched targeting ``pod`` (every one for the workspace: None), those
    approved by sales before their launch."""
    mine = [c for c in launched if pod is None or pod in c.pods]
    return rate(sum(c.approved for c in mine), len(mine))


def _numbers(
    pod: int | None,
    launched: Sequence[Launched],
    answered: Sequence[Answered],
    kits: Sequence[KitReach],
    ended: Sequence[Ended],
) -> AlignmentNumbers:
    reached = acknowledged = 0
    for kit in kits:
        if pod is None:
            reps: frozenset[int] = frozenset().union(*kit.reps.values())
        elif pod in kit.reps:
            reps = kit.reps[pod]
        else:
            continue
        reached += len(reps)
        acknowledged += len(reps & kit.acknowledged)
    mine_ended = [c for c in ended if pod is None or pod in c.pods]
    return AlignmentNumbers(
        approved_before_launch=approved_rate(pod, launched),
        median_review_hours=median_hours(
            r.business_seconds for r in answered if pod is None or r.pod == pod
        ),
        kit_acknowledgement=rate(acknowledged, reached),
        debrief_completion=rate(
            sum(c.completed for c in mine_ended if c.opened), sum(c.opened for c in mine_ended)
        ),
        lead_quality=mean(r for c in mine_ended for r in c.ratings),
    )


def alignment_numbers(
    pods: Sequence[int],
    *,
    launched: Sequence[Launched],
    answered: Sequence[Answered],
    kits: Sequence[KitReach],
    ended: Sequence[Ended],
) -> dict[int | None, AlignmentNumbers]:
    """The numbers of the whole workspace (``WORKSPACE``, first) and of each pod of ``pods``
    (by id, in their order)."""
    return {key: _numbers(key, launched, answered, kits, ended) for key in [WORKSPACE, *pods]}
