"""THE reader of a wave's results (maths and the anonymity rules in ``analytics/diagnostic.py``):
every page, API answer and export of the diagnostic, and the alignment index's gap part, read
the answers only through here, so that no path shows a group of fewer than
``analytics.diagnostic.MIN_GROUP`` people, or one whose complement is that small."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cordee.analytics import diagnostic as maths
from cordee.diagnostic.models import Response, Wave
from cordee.tenancy.models import Workspace

SIDES = ("marketing", "sales")


@dataclass(frozen=True)
class WaveResults:
    wave: Wave
    pod_id: int | None
    respondents: int  # every answer of the wave (whatever the filter): participation is public
    sides: dict[str, maths.Group]  # "marketing", "sales"
    gaps: list[tuple[int, float]] | None  # (statement index, marketing − sales), largest first
    gap: float | None  # |marketing total − sales total|


def wave_results(wave: Wave, *, pod_id: int | None = None) -> WaveResults:
    """The wave's results per side, for the whole wave or the answers of one pod's members.
    Within a pod, a side is shown only when the rest of that side (outside the pod) is nobody or
    at least the minimum group too."""
    rows = list(Response.objects.filter(wave=wave).values_list("side", "pod_ids", "answers"))
    sides: dict[str, maths.Group] = {}
    for side in SIDES:
        everyone = [answers for s, _pods, answers in rows if s == side]
        if pod_id is None:
            sides[side] = maths.group(everyone)
            continue
        chosen = [answers for s, pods, answers in rows if s == side and pod_id in (pods or [])]
        shown = maths.subgroup_shown(len(chosen), len(everyone))
        sides[side] = maths.group(chosen, shown=shown)
    marketing, sales = sides["marketing"], sides["sales"]
    return WaveResults(
        wave=wave,
        pod_id=pod_id,
        respondents=len(rows),
        sides=sides,
        gaps=maths.statement_gaps(marketing, sales),
        gap=maths.overall_gap(marketing, sales),
    )


def period_wave(workspace: Workspace, start: dt.date, end: dt.date) -> Wave | None:
    """The wave that speaks for a span of dates: the closed wave whose period ends latest among
    those overlapping the span (None: no wave measured it)."""
    return (
        Wave.objects.filter(
            workspace=workspace,
            closed_at__isnull=False,
            period_start__lte=end,
            period_end__gte=start,
        )
        .order_by("-period_end", "-id")
        .first()
    )


def period_gap(
    workspace: Workspace, start: dt.date, end: dt.date, *, pod_id: int | None = None
) -> tuple[Wave, float] | None:
    """The diagnostic gap of a span (the alignment index's part): the overall gap of
    ``period_wave``'s results for the workspace or the pod; None when there is no such wave or
    either side is not shown."""
    wave = period_wave(workspace, start, end)
    if wave is None:
        return None
    gap = wave_results(wave, pod_id=pod_id).gap
    return None if gap is None else (wave, gap)
