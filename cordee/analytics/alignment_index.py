"""The alignment index: each part's normalisation to 0–100, the weights and the composite — pure,
no Django. The reads (``cordee.alignment.index``) give each part's raw numbers for one calendar
month and one scope (the workspace, or a pod), as the app that owns them counts them.

**The parts and their rules** (a part with nothing to measure is *missing*, ``None``):

- ``sla_marketing`` — marketing SLA compliance (commitments kept ÷ judged, the KPI
  catalogue's) × 100, as is; missing when nothing was judged;
- ``sla_sales`` — sales SLA compliance (clocks kept ÷ due) × 100, as is; missing when nothing
  was due;
- ``acceptance`` — acceptance rate (SALs ÷ MQLs decided) × 100, as is; missing when nothing was
  decided;
- ``feedback_latency`` — the median feedback acknowledgement time L (business days) against the
  workspace's feedback SLA target T (acknowledge within T business days): 100 when L ≤ T,
  falling linearly to 0 at 3T, 0 beyond: 100 × (3T − L) ÷ 2T; missing when no item moved;
- ``feedback_closure`` — feedback closure rate (closed with an answer ÷ raised) × 100, as is;
  missing when nothing was raised;
- ``shared_goals`` — shared-goal attainment: the mean, over the shared goals whose period holds
  the month and whose actual is known, of each goal's attainment × 100: min(actual ÷ target, 1)
  (a target of 0 is attained); for a KPI where lower is better, min(target ÷ actual, 1) (an
  actual of 0 is attained); missing with no such goal;
- ``campaigns_approved`` — campaigns launched in the month approved by sales before launch ÷
  campaigns launched × 100 (the co-design alignment's); missing when none was launched;
- ``rituals`` — ritual participation: the mean of the marketing and sales attendance rates at
  the committee meetings held in the month (present ÷ expected, each × 100), over the sides that
  had someone expected; missing when nobody of either side was expected;
- ``kudos`` — cross-side kudos per member: 100 × min(1, cross-side kudos sent in the month ÷
  (0.5 × active members)) — one cross-side kudos for every two members is full marks; missing
  with no active member, and until the workspace's first kudos (the practice not begun);
- ``diagnostic_gap`` — the alignment diagnostic's gap g between the two sides' totals (points
  of the 20–100 scale, so 0 to 80), from the closed wave speaking for the month: 100 − 100 × g
  ÷ 80; missing without such a wave or when a side has too few answers to be shown.

**Weights** (``DEFAULT_WEIGHTS``, summing to 100; a RevOps admin may change them): a missing
part is left out and the weights are renormalised over the parts present. A present part's
*effective weight* = its weight ÷ Σ weights of the present parts (a share of 1); its
*contribution* = value × effective weight (points of the index); the **index** = Σ value ×
weight ÷ Σ weight over the present parts = Σ contributions; ``None`` when no part is present
(or the present parts weigh 0 together).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PART_CODES: tuple[str, ...] = (
    "sla_marketing",
    "sla_sales",
    "acceptance",
    "feedback_latency",
    "feedback_closure",
    "shared_goals",
    "campaigns_approved",
    "rituals",
    "kudos",
    "diagnostic_gap",
)

DEFAULT_WEIGHTS: dict[str, int] = {
    "sla_marketing": 10,
    "sla_sales": 15,
    "acceptance": 15,
    "feedback_latency": 5,
    "feedback_closure": 10,
    "shared_goals": 15,
    "campaigns_approved": 10,
    "rituals": 5,
    "kudos": 5,
    "diagnostic_gap": 10,
}
WEIGHT_MAX = 100  # a weight is a whole number from 0 to this
GAP_MAX = 80.0  # the diagnostic's totals run from 20 to 100
KUDOS_PER_MEMBER = 0.5  # cross-side kudos per active member for full marks


def rate_score(numerator: float, denominator: float) -> float | None:
    """A rate as is: 100 × numerator ÷ denominator; None when the denominator is 0."""
    if not denominator:
        return None
    return 100.0 * float(numerator) / float(denominator)


def latency_score(latency: float | None, target: float) -> float | None:
    """100 when latency ≤ target, then linearly down to 0 at 3 × target: 100 × (3T − L) ÷ 2T;
    None without a latency. A target of 0: 100 for a latency of 0, else 0."""
    if latency is None:
        return None
    latency, target = float(latency), float(target)
    if latency <= target:
        return 100.0
    if target <= 0:
        return 0.0
    return max(0.0, 100.0 * (3 * target - latency) / (2 * target))


@dataclass(frozen=True)
class GoalReading:
    """A shared goal's actual and target (in its KPI's unit), and whether lower is better."""

    actual: float | None
    target: float
    lower_is_better: bool = False


def goal_attainment(goal: GoalReading) -> float | None:
    """min(actual ÷ target, 1), or min(target ÷ actual, 1) when lower is better; None without
    an actual."""
    if goal.actual is None:
        return None
    actual, target = float(goal.actual), float(goal.target)
    if goal.lower_is_better:
        return 1.0 if actual <= target or actual <= 0 else target / actual
    if target <= 0:
        return 1.0
    return min(actual / target, 1.0)


def goals_score(goals: Sequence[GoalReading]) -> tuple[float | None, int]:
    """(mean attainment × 100 over the goals with an actual, how many counted)."""
    attained = [a for g in goals if (a := goal_attainment(g)) is not None]
    if not attained:
        return None, 0
    return 100.0 * sum(attained) / len(attained), len(attained)


def attendance_score(sides: Sequence[tuple[int, int]]) -> float | None:
    """The mean of present ÷ expected × 100 over the sides (present, expected) with someone
    expected; None when no side had anyone expected."""
    rates = [100.0 * present / expected for present, expected in sides if expected]
    return sum(rates) / len(rates) if rates else None


def kudos_score(cross_side: int, members: int, *, started: bool = True) -> float | None:
    """100 × min(1, cross-side kudos ÷ (0.5 × members)); None with no member, or before anyone
    in the workspace ever sent kudos (``started`` False: the practice has not begun — a month
    of nothing but "0 kudos" would read as no alignment at all)."""
    if members <= 0 or not started:
        return None
    return 100.0 * min(1.0, cross_side / (KUDOS_PER_MEMBER * members))


def gap_score(gap: float | None) -> float | None:
    """100 − 100 × gap ÷ 80 (a gap of 0: 100; the widest, 80: 0); None without a gap."""
    if gap is None:
        return None
    return max(0.0, min(100.0, 100.0 - 100.0 * float(gap) / GAP_MAX))


@dataclass(frozen=True)
class Weighed:
    code: str
    value: float | None
    weight: float
    effective_weight: float  # a share of 1 over the present parts (0 when missing)
    contribution: float | None  # value × effective weight


@dataclass(frozen=True)
class Composite:
    parts: list[Weighed]
    score: float | None
    missing: list[str]


def composite(values: Mapping[str, float | None], weights: Mapping[str, float]) -> Composite:
    """Σ value × w ÷ Σ w over the present parts (those of ``PART_CODES`` with a value), in
    ``PART_CODES``' order; a part missing from ``weights`` weighs its default."""
    present = [c for c in PART_CODES if values.get(c) is not None]
    missing = [c for c in PART_CODES if values.get(c) is None]

    def weight(code: str) -> float:
        return float(weights.get(code, DEFAULT_WEIGHTS[code]))

    total = sum(weight(c) for c in present)
    parts = []
    score = 0.0
    for code in PART_CODES:
        value = values.get(code)
        if value is None or total <= 0:
            parts.append(Weighed(code, value, weight(code), 0.0, None))
            continue
        share = weight(code) / total
        parts.append(Weighed(code, value, weight(code), share, value * share))
        score += value * share
    return Composite(parts=parts, score=score if present and total > 0 else None, missing=missing)


def weights_problems(
    weights: Mapping[str, object], base: Mapping[str, int] = DEFAULT_WEIGHTS
) -> dict[str, str]:
    """What is wrong with ``weights`` given over ``base`` (the parts not given keep their
    weight), by part (or ``weights`` for the whole): ``unknown`` (not a part), ``number`` (not a
    whole number), ``negative``, ``too_large`` (above ``WEIGHT_MAX``), ``all_zero`` (every part
    would weigh 0). Empty: good."""
    problems: dict[str, str] = {}
    for code, raw in weights.items():
        if code not in DEFAULT_WEIGHTS:
            problems[code] = "unknown"
        elif isinstance(raw, bool) or not isinstance(raw, int):
            problems[code] = "number"
        elif raw < 0:
            problems[code] = "negative"
        elif raw > WEIGHT_MAX:
            problems[code] = "too_large"
    if not problems:
        merged = {**DEFAULT_WEIGHTS, **base, **weights}
        if not any(merged.values()):
            problems["weights"] = "all_zero"
    return problems
