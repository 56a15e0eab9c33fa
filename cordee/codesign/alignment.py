"""The alignment numbers of co-designed campaigns per fiscal period, per target pod and for the
whole workspace: the reads (the maths is ``cordee.analytics.alignment_campaigns``, whose
docstring defines each number). Read by the alignment page, ``GET /api/v1/campaigns/alignment``
and, later, the alignment index (``campaign_alignment``).

**Period**: a fiscal year, quarter or month (``funnel.kpis.period_read``, the KPIs' periods), from
its first day's midnight to the midnight after its last day, in the workspace time zone.

**Launch**: a campaign's launch is its first move to *active* recorded as a field change
(``core.models.FieldChange``: status → active, written by every person's save of the campaign —
its pages, the API, the co-design launch). A campaign active or completed with no such record
(created active, imported, synced) was launched at the midnight starting its start date; one
never recorded active and planned or cancelled was not launched.

**Target pods**: the pods of the campaign's brief as last saved (none without a brief). An
approval counts when it was answered at or before the launch and its round was not closed by
then; a campaign with a launch override counts as not approved.

**Reps**: the active members of a pod whose role is SDR or sales rep (today's pods: Cordée keeps
no history of pod membership). **Ending**: the campaign's end date falls in the period.

The reads do not grow with the number of campaigns or pods: one query per kind of row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery

from cordee.analytics import alignment_campaigns as maths
from cordee.analytics.planning import PlanPeriod
from cordee.codesign.kit import REP_ROLES
from cordee.codesign.models import (
    BriefVersion,
    Debrief,
    Kit,
    KitAcknowledgement,
    LaunchOverride,
    LeadRating,
    Review,
    ReviewState,
)
from cordee.core.business_time import BusinessClock, to_epoch
from cordee.core.models import FieldChange
from cordee.crm.models import Campaign, CampaignStatus
from cordee.funnel.sla import workspace_calendar
from cordee.people.models import Pod, PodMember
from cordee.tenancy.models import Workspace

LAUNCHED_STATUSES = (CampaignStatus.ACTIVE, CampaignStatus.COMPLETED)


@dataclass(frozen=True)
class AlignmentRow:
    pod: Pod | None  # None: the whole workspace
    numbers: maths.AlignmentNumbers

    @property
    def key(self) -> str:
        return "workspace" if self.pod is None else f"pod:{self.pod.pk}"


def period_bounds(workspace: Workspace, period: PlanPeriod) -> tuple[dt.datetime, dt.datetime]:
    """[start, end): the period's first midnight and the midnight after its last day."""
    tz = workspace.zone
    return (
        dt.datetime.combine(period.start, dt.time(0), tzinfo=tz),
        dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
    )


def first_launch() -> Subquery:
    """The first recorded move of the campaign to active (None: none recorded)."""
    return Subquery(
        FieldChange.objects.filter(
            workspace=OuterRef("workspace"),
            record="campaigns",
            record_id=OuterRef("pk"),
            field="status",
            after=CampaignStatus.ACTIVE,
        )
        .order_by("at", "pk")
        .values("at")[:1]
    )


def launch_instant(
    workspace: Workspace, recorded: dt.datetime | None, status: str, start_date: dt.date | None
) -> dt.datetime | None:
    """THE launch instant of a campaign: its first recorded move to active (``first_launch``),
    else — launched before the history was kept, or imported so — the midnight of its start
    date when its status says it was launched; None when it was not."""
    if recorded is None and status in LAUNCHED_STATUSES and start_date is not None:
        return dt.datetime.combine(start_date, dt.time(0), tzinfo=workspace.zone)
    return recorded


def _campaigns(
    workspace: Workspace, period: PlanPeriod, start: dt.datetime, end: dt.datetime
) -> tuple[dict[int, dt.datetime], set[int]]:
    """The campaigns launched in the period (id → launch instant) and those ending in it."""
    rows = (
        Campaign.objects.filter(workspace=workspace)
        .annotate(launched_at=first_launch())
        .filter(
            Q(launched_at__gte=start, launched_at__lt=end)
            | Q(
                launched_at__isnull=True,
                status__in=LAUNCHED_STATUSES,
                start_date__gte=period.start,
                start_date__lte=period.end,
            )
            | Q(end_date__gte=period.start, end_date__lte=period.end)
        )
        .values_list("pk", "launched_at", "status", "start_date", "end_date")
    )
    launched: dict[int, dt.datetime] = {}
    ending: set[int] = set()
    for pk, recorded, status, start_date, end_date in rows:
        launched_at = launch_instant(workspace, recorded, status, start_date)
        if launched_at is not None and start <= launched_at < end:
            launched[pk] = launched_at
        if end_date is not None and period.start <= end_date <= period.end:
            ending.add(pk)
    return launched, ending


def target_pods(workspace: Workspace, ids: list[int]) -> dict[int, frozenset[int]]:
    """Each campaign's target pods: those of its brief as last saved."""
    last = (
        BriefVersion.objects.filter(campaign=OuterRef("campaign"))
        .order_by("-number")
        .values("number")[:1]
    )
    rows = BriefVersion.objects.filter(
        workspace=workspace, campaign_id__in=ids, number=Subquery(last)
    ).values_list("campaign_id", "pods")
    return {campaign: frozenset(int(p) for p in pods or ()) for campaign, pods in rows}


def _reps(workspace: Workspace) -> dict[int, frozenset[int]]:
    """Each pod's reps (active SDRs and sales reps of the workspace)."""
    rows = PodMember.objects.filter(
        pod__workspace=workspace,
        user__memberships__workspace=workspace,
        user__memberships__is_active=True,
        user__memberships__role__in=REP_ROLES,
    ).values_list("pod_id", "user_id")
    out: dict[int, set[int]] = defaultdict(set)
    for pod, user in rows:
        out[pod].add(user)
    return {pod: frozenset(users) for pod, users in out.items()}


def approved_before_launch(
    workspace: Workspace, launched: dict[int, dt.datetime], pods: dict[int, frozenset[int]]
) -> dict[int, bool]:
    """Each launched campaign (id → launch instant): was it approved by sales before launch —
    every target pod (``pods``) approving in a round not superseded at launch, or a marketing
    manager's override (``maths.approved_at_launch``)? Three queries whatever the count."""
    ids = list(launched)
    approvals: dict[int, list[maths.Approval]] = defaultdict(list)
    for campaign, pod, decided_at, superseded_at in Review.objects.filter(
        workspace=workspace,
        campaign_id__in=ids,
        state=ReviewState.APPROVED,
        decided_at__isnull=False,
    ).values_list("campaign_id", "pod_id", "decided_at", "superseded_at"):
        if decided_at is not None:
            approvals[campaign].append(
                maths.Approval(
                    pod, to_epoch(decided_at), to_epoch(superseded_at) if superseded_at else None
                )
            )
    overridden = set(
        LaunchOverride.objects.filter(workspace=workspace, campaign_id__in=ids).values_list(
            "campaign_id", flat=True
        )
    )
    return {
        pk: maths.approved_at_launch(
            to_epoch(at), pods.get(pk, ()), approvals[pk], pk in overridden
        )
        for pk, at in launched.items()
    }


def codesigned_campaigns(workspace: Workspace) -> set[int]:
    """Every campaign of the workspace approved by sales before its launch (``approved_before_launch``:
    the rule of the alignment numbers), in four queries — the wins wall's milestones read it."""
    approved_ids = Review.objects.filter(
        workspace=workspace, state=ReviewState.APPROVED, decided_at__isnull=False
    ).values("campaign_id")
    rows = list(
        Campaign.objects.filter(workspace=workspace, pk__in=approved_ids)
        .annotate(launched_at=first_launch())
        .values_list("pk", "launched_at", "status", "start_date")
    )
    launched = {
        pk: at
        for pk, recorded, status, start_date in rows
        if (at := launch_instant(workspace, recorded, status, start_date)) is not None
    }
    approved = approved_before_launch(workspace, launched, target_pods(workspace, list(launched)))
    return {pk for pk, yes in approved.items() if yes}


def _launched(
    workspace: Workspace, launched: dict[int, dt.datetime], pods: dict[int, frozenset[int]]
) -> list[maths.Launched]:
    approved = approved_before_launch(workspace, launched, pods)
    return [
        maths.Launched(pods=pods.get(pk, frozenset()), approved=approved[pk]) for pk in launched
    ]


def _answered(workspace: Workspace, start: dt.datetime, end: dt.datetime) -> list[maths.Answered]:
    """The rounds answered in the period, with their business time (one clock for all)."""
    rows = [
        (pod, asked, answered)
        for pod, asked, answered in Review.objects.filter(
            workspace=workspace, decided_at__gte=start, decided_at__lt=end
        ).values_list("pod_id", "requested_at", "decided_at")
        if answered is not None
    ]
    if not rows:
        return []
    try:
        clock = BusinessClock.around(
            workspace_calendar(workspace),
            min(r[1] for r in rows),
            max(r[2] for r in rows),
            margin_days=1,
        )
    except ValueError:  # a calendar without any working time: no business time
        return [maths.Answered(pod, 0) for pod, _a, _d in rows]
    seconds = clock.between([to_epoch(r[1]) for r in rows], [to_epoch(r[2]) for r in rows])
    return [maths.Answered(r[0], int(s)) for r, s in zip(rows, seconds, strict=True)]


def _kits(
    workspace: Workspace,
    launched: dict[int, dt.datetime],
    pods: dict[int, frozenset[int]],
    reps: dict[int, frozenset[int]],
) -> list[maths.KitReach]:
    ids = list(launched)
    kits = list(
        Kit.objects.filter(workspace=workspace, campaign_id__in=ids).values_list("campaign_id")
    )
    acknowledged: dict[int, set[int]] = defaultdict(set)
    for campaign, user in KitAcknowledgement.objects.filter(
        workspace=workspace, kit__campaign_id__in=ids, version=F("kit__version")
    ).values_list("kit__campaign_id", "user_id"):
        acknowledged[campaign].add(user)
    return [
        maths.KitReach(
            reps={pod: reps.get(pod, frozenset()) for pod in pods.get(campaign, ())},
            acknowledged=frozenset(acknowledged[campaign]),
        )
        for (campaign,) in kits
    ]


def _ended(
    workspace: Workspace, ending: set[int], pods: dict[int, frozenset[int]]
) -> list[maths.Ended]:
    ids = list(ending)
    debriefs = dict(
        Debrief.objects.filter(workspace=workspace, campaign_id__in=ids).values_list(
            "campaign_id", "completed_at"
        )
    )
    ratings: dict[int, list[int]] = defaultdict(list)
    for campaign, rating in LeadRating.objects.filter(
        workspace=workspace, debrief__campaign_id__in=ids
    ).values_list("debrief__campaign_id", "rating"):
        ratings[campaign].append(rating)
    return [
        maths.Ended(
            pods=pods.get(pk, frozenset()),
            opened=pk in debriefs,
            completed=debriefs.get(pk) is not None,
            ratings=tuple(ratings[pk]),
        )
        for pk in sorted(ending)
    ]


def approved_before_launch_rate(
    workspace: Workspace, period: PlanPeriod, pod_id: int | None
) -> maths.Rate:
    """``campaign_alignment``'s "approved before launch" of one row (the workspace: None), read
    alone — four queries, not the whole table's dozen (the alignment index reads it each month)."""
    start, end = period_bounds(workspace, period)
    launched, _ending = _campaigns(workspace, period, start, end)
    pods = target_pods(workspace, sorted(launched))
    return maths.approved_rate(pod_id, _launched(workspace, launched, pods))


def campaign_alignment(workspace: Workspace, period: PlanPeriod) -> list[AlignmentRow]:
    """The alignment numbers of ``period``: the whole workspace's row first, then each pod's (by
    name). Every member of the workspace may read them."""
    start, end = period_bounds(workspace, period)
    launched, ending = _campaigns(workspace, period, start, end)
    pods = target_pods(workspace, sorted({*launched, *ending}))
    reps = _reps(workspace)
    all_pods = list(Pod.objects.filter(workspace=workspace).order_by("name", "pk"))
    numbers = maths.alignment_numbers(
        [p.pk for p in all_pods],
        launched=_launched(workspace, launched, pods),
        answered=_answered(workspace, start, end),
        kits=_kits(workspace, launched, pods, reps),
        ended=_ended(workspace, ending, pods),
    )
    by_id: dict[int | None, Any] = {p.pk: p for p in all_pods}
    return [AlignmentRow(by_id.get(key), value) for key, value in numbers.items()]
