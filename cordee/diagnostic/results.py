"""THE reader of a wave's results (maths and the anonymity rules in ``analytics/diagnostic.py``):
every page, API answer and export of the diagnostic, and the alignment index's gap part, read
the answers only through here, so that no path shows a group of fewer than
``analytics.diagnostic.MIN_GROUP`` people, or one that sums and differences with the others
would narrow to fewer (``maths.groups_shown``).

Results exist once the wave is **closed**: while it is open, only the number of people who
answered is told (each new answer would otherwise be read from the change of the results)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q

from cordee.analytics import diagnostic as maths
from cordee.diagnostic.models import Respondent, Response, Wave
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

    @property
    def closed(self) -> bool:
        return self.wave.closed_at is not None


def _side_groups(
    rows: list[tuple[str, list[int], list[int]]], side: str, pod_id: int | None
) -> maths.Group:
    """The side's group for the whole wave, or within one pod when every combination of the
    side's pods keeps the anonymity rule (``maths.groups_shown``)."""
    mine = [(pods or [], answers) for s, pods, answers in rows if s == side]
    everyone = [answers for _pods, answers in mine]
    if pod_id is None:
        return maths.group(everyone)
    pod_ids = sorted({p for pods, _answers in mine for p in pods})
    parts = {
        p: frozenset(i for i, (pods, _answers) in enumerate(mine) if p in pods) for p in pod_ids
    }
    shown = maths.groups_shown(frozenset(range(len(mine))), parts).get(pod_id, False)
    chosen = [answers for pods, answers in mine if pod_id in pods]
    return maths.group(chosen, shown=shown)


def wave_results(wave: Wave, *, pod_id: int | None = None) -> WaveResults:
    """The wave's results per side, for the whole wave or the answers of one pod's members.
    Nothing but the counts while the wave is open. Within a pod, a side is shown only when no
    combination of the side's pods narrows a group below the minimum."""
    rows = list(Response.objects.filter(wave=wave).values_list("side", "pod_ids", "answers"))
    sides = {side: _side_groups(rows, side, pod_id) for side in SIDES}
    if wave.closed_at is None:
        sides = {
            side: maths.Group(count=g.count, shown=False, total=None, type=None, means=None)
            for side, g in sides.items()
        }
    marketing, sales = sides["marketing"], sides["sales"]
    return WaveResults(
        wave=wave,
        pod_id=pod_id,
        respondents=len(rows),
        sides=sides,
        gaps=maths.statement_gaps(marketing, sales),
        gap=maths.overall_gap(marketing, sales),
    )


@dataclass(frozen=True)
class Participation:
    answered: int  # people who answered (Respondent rows)
    invited: int  # people the wave asks (its scope's active members, now)
    by_side: dict[str, int]  # answers per side ("marketing", "sales", "other")


def participations(waves: list[Wave], invited: dict[int, int]) -> dict[int, Participation]:
    """Each wave's participation in two queries whatever their number (``invited``: the people
    each wave asks, by wave id)."""
    ids = [w.pk for w in waves]
    answered = Counter(
        Respondent.objects.filter(wave_id__in=ids).values_list("wave_id", flat=True).order_by()
    )
    sides: dict[int, Counter[str]] = {pk: Counter() for pk in ids}
    for wave_id, side in Response.objects.filter(wave_id__in=ids).values_list("wave_id", "side"):
        sides[wave_id][side] += 1
    return {
        pk: Participation(
            answered=answered.get(pk, 0),
            invited=invited.get(pk, 0),
            by_side={s: sides[pk].get(s, 0) for s in (*SIDES, "other")},
        )
        for pk in ids
    }


def _scoped(workspace: Workspace, pod_id: int | None) -> Q:
    """The waves that speak for the workspace (those of no pod) or for a pod (those plus the
    pod's own)."""
    return Q(workspace=workspace) & (
        Q(pod__isnull=True) | Q(pod_id=pod_id) if pod_id else Q(pod__isnull=True)
    )


def trend(workspace: Workspace, *, pod_id: int | None = None) -> list[WaveResults]:
    """The closed waves of the workspace (or of a pod: the workspace's waves filtered to the
    pod, and the pod's own waves), oldest period first, each with its results."""
    waves = Wave.objects.filter(_scoped(workspace, pod_id), closed_at__isnull=False).order_by(
        "period_end", "id"
    )
    return [wave_results(w, pod_id=pod_id) for w in waves]


def period_wave(
    workspace: Workspace, start: dt.date, end: dt.date, *, pod_id: int | None = None
) -> Wave | None:
    """The wave that speaks for a span of dates: the closed wave whose period ends latest among
    those overlapping the span (None: no wave measured it). For the workspace, a wave of no pod;
    for a pod, one of no pod or the pod's own."""
    return (
        Wave.objects.filter(
            _scoped(workspace, pod_id),
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
    wave = period_wave(workspace, start, end, pod_id=pod_id)
    if wave is None:
        return None
    gap = wave_results(wave, pod_id=pod_id).gap
    return None if gap is None else (wave, gap)
