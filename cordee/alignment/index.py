"""THE alignment index of a month, for the workspace or a pod (issue 20, part 4): every page,
API answer and export reads it here. The parts are read from the apps that own them; the
normalisation, the weights and the composite are ``analytics/alignment_index.py``.

(Interface written first so that the home page, the pods' page and the report can read it; the
index's own work fills it.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cordee.people.models import Pod
from cordee.tenancy.models import Workspace


@dataclass(frozen=True)
class IndexPart:
    code: str  # e.g. "sla_marketing", "acceptance", "kudos", "diagnostic_gap"
    label: str  # in the reader's language
    raw: str  # the measured value, written with its numerator and denominator
    value: float | None  # normalised 0–100; None: missing this month (left out)
    weight: float  # the weight set (default or RevOps')
    effective_weight: float  # after renormalising over the parts present (0 when missing)
    contribution: float | None  # value × effective weight (points of the index)


@dataclass(frozen=True)
class IndexResult:
    workspace: Workspace
    pod: Pod | None
    month: dt.date  # its first day
    parts: list[IndexPart] = field(default_factory=list)
    score: float | None = None  # 0–100; None when no part could be measured
    missing: list[str] = field(default_factory=list)  # codes of the parts left out


def index_month(workspace: Workspace, month: dt.date, *, pod: Pod | None = None) -> IndexResult:
    """The index of the month holding ``month`` for the workspace or ``pod``."""
    return IndexResult(workspace=workspace, pod=pod, month=month.replace(day=1))


def index_trend(
    workspace: Workspace, end_month: dt.date, *, months: int = 12, pod: Pod | None = None
) -> list[IndexResult]:
    """The index of each of the ``months`` months up to ``end_month``, oldest first."""
    first = end_month.replace(day=1)
    out = []
    for back in range(months - 1, -1, -1):
        y, m = divmod(first.year * 12 + first.month - 1 - back, 12)
        out.append(index_month(workspace, dt.date(y, m + 1, 1), pod=pod))
    return out
