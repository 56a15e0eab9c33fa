"""The alignment diagnostic's maths (Kotler, Rackham & Krishnaswamy, HBR 2006) — pure, no Django.

Each respondent rates the 20 statements from 1 to 5; their **total** is the sum (20–100). A
group's total is the mean of its respondents' totals; its **type** is read from that mean
rounded half up to a whole number: Undefined 20–39, Defined 40–59, Aligned 60–79, Integrated
80–100. A statement's **gap** is the marketing group's mean answer minus the sales group's (a
positive gap: marketing rates it higher); the **overall gap** is the distance between the two
sides' totals, |marketing − sales|, in points of the 20–100 scale.

**Anonymity**: a group's numbers exist only when at least ``MIN_GROUP`` people answered
(``group_shown``). A group cut out of a larger one (a side within a pod) is also hidden when the
people of the larger group left outside it are 1 to ``MIN_GROUP - 1``: subtracting the two
results would give those few people's answers (``subgroup_shown``). With several pods, the same
holds of every combination of them (``groups_shown``: no cell of fewer than ``MIN_GROUP``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

K = TypeVar("K")

MIN_GROUP = 5
STATEMENT_COUNT = 20
LOWEST, HIGHEST = 1, 5
TOTAL_MIN, TOTAL_MAX = STATEMENT_COUNT * LOWEST, STATEMENT_COUNT * HIGHEST  # 20, 100

# (type, lowest total, highest total)
TYPES: tuple[tuple[str, int, int], ...] = (
    ("undefined", 20, 39),
    ("defined", 40, 59),
    ("aligned", 60, 79),
    ("integrated", 80, 100),
)


def answers_check(answers: Sequence[object]) -> list[int]:
    """The index of each answer that is not a whole number from 1 to 5 (empty: all good): a
    missing answer (a list shorter than 20) is wrong at its index, an answer past the 20th is
    wrong at its own."""
    wrong = [
        i
        for i, a in enumerate(answers)
        if i >= STATEMENT_COUNT
        or isinstance(a, bool)
        or not isinstance(a, int)
        or not LOWEST <= a <= HIGHEST
    ]
    return sorted(wrong + list(range(len(answers), STATEMENT_COUNT)))


def total_type(total: float) -> str:
    """The type of a total (a mean, rounded half up to a whole number first)."""
    whole = int(Decimal(str(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    whole = min(max(whole, TOTAL_MIN), TOTAL_MAX)
    return next(name for name, low, high in TYPES if low <= whole <= high)


def group_shown(count: int) -> bool:
    return count >= MIN_GROUP


def subgroup_shown(count: int, parent_count: int) -> bool:
    """A group cut out of a larger one: shown when big enough and when the rest of the larger
    group is either nobody or big enough too."""
    rest = parent_count - count
    return group_shown(count) and (rest == 0 or rest >= MIN_GROUP)


def _isolated(whole: frozenset[int], groups: list[frozenset[int]]) -> int:
    """How many people of ``whole`` sit in a cell of fewer than ``MIN_GROUP`` (a cell: the
    people who are in exactly the same ``groups``; sums and differences of the groups' results
    can isolate a cell, never less)."""
    cells = Counter(tuple(person in g for g in groups) for person in whole)
    return sum(n for n in cells.values() if n < MIN_GROUP)


def groups_shown(whole: frozenset[int], parts: Mapping[K, frozenset[int]]) -> dict[K, bool]:
    """Which parts of a group (a side within each pod: each a set of respondents' positions,
    all within ``whole``) may be shown beside the whole. Whatever results a reader adds up or
    subtracts — the whole, one pod, another, any overlap — what they isolate is a *cell* (the
    people who are in exactly the same shown groups), so every cell must be nobody or at least
    ``MIN_GROUP`` people. Parts too small are hidden first; then, while a cell is too small, the
    part whose hiding leaves the fewest people in too small cells is hidden (the smaller part,
    then the first given, on a tie). The answer does not depend on which part a reader asks for:
    the same parts are shown whatever the filter. ``subgroup_shown`` is the one-part case."""
    if not group_shown(len(whole)):
        return dict.fromkeys(parts, False)
    order = list(parts)
    shown = [key for key in order if group_shown(len(parts[key]))]
    while shown and _isolated(whole, [parts[k] for k in shown]):
        shown.remove(
            min(
                shown,
                key=lambda k: (
                    _isolated(whole, [parts[o] for o in shown if o != k]),
                    len(parts[k]),
                    order.index(k),
                ),
            )
        )
    return {key: key in shown for key in order}


@dataclass(frozen=True)
class Group:
    """A group's results, or only its count when it is too small (``shown`` False)."""

    count: int
    shown: bool
    total: float | None  # mean of the respondents' totals
    type: str | None
    means: tuple[float, ...] | None  # mean answer per statement


def group(answers: Sequence[Sequence[int]], *, shown: bool | None = None) -> Group:
    """The results of a group of respondents' answers; ``shown`` defaults to the size rule."""
    count = len(answers)
    visible = group_shown(count) if shown is None else shown and count > 0
    if not visible:
        return Group(count=count, shown=False, total=None, type=None, means=None)
    total = sum(sum(a) for a in answers) / count
    means = tuple(sum(a[i] for a in answers) / count for i in range(STATEMENT_COUNT))
    return Group(count=count, shown=True, total=total, type=total_type(total), means=means)


def statement_gaps(marketing: Group, sales: Group) -> list[tuple[int, float]] | None:
    """(statement index, marketing mean − sales mean), largest distance first (then the
    statement's order); None unless both sides are shown."""
    if not (marketing.shown and sales.shown and marketing.means and sales.means):
        return None
    gaps = [(i, marketing.means[i] - sales.means[i]) for i in range(STATEMENT_COUNT)]
    return sorted(gaps, key=lambda g: (-abs(g[1]), g[0]))


def overall_gap(marketing: Group, sales: Group) -> float | None:
    """|marketing total − sales total|, or None unless both sides are shown."""
    if marketing.total is None or sales.total is None:
        return None
    return abs(marketing.total - sales.total)
