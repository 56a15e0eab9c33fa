"""Milestones the wins wall posts besides deals.

- **A shared goal reached** (key ``goal:<id>:<period>``): a goal that is shared
  (``funnel.goals.is_shared``: the workspace's, a pod's, or of a shared KPI; a person's goal is
  never posted), whose period has begun and ended less than ``RECENTLY_ENDED`` ago, of a KPI where
  more is better, with a target above 0, whose actual to date (``goals_progress``: the KPI's value,
  never recomputed) is at least its target. It credits the goal's two owners and, for a pod's
  goal, the pod's members.
- **A pod's first deal from a co-designed campaign** (key ``podfirst:<pod id>``): the pod's
  earliest won deal (its close date, then id) whose campaign — the opportunity's primary
  campaign, else its lead's source campaign — was approved by sales before launch: every target
  pod of its brief had an approval in force at its launch, without override (the alignment
  numbers' definition, ``codesign.alignment``, ``analytics.alignment_campaigns``). The pod of a
  deal is the opportunity's, else its lead's. It credits the pod's members.

Both read in a few queries whatever the number of goals, campaigns or deals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce

from cordee.codesign.alignment import codesigned_campaigns  # THE rule of sales' approval
from cordee.core.actor import Actor
from cordee.crm.models import Campaign
from cordee.funnel.goals import KPIS, goals_progress, is_shared
from cordee.funnel.models import Goal, Opportunity, OpportunityStage
from cordee.people.models import Pod, PodMember
from cordee.tenancy.models import User, Workspace
from cordee.wins.journey import won_instants
from cordee.wins.models import CreditRole, PostKind, WinCredit, WinPost
from cordee.wins.publish import Draft, posts_publish, sides_of

RECENTLY_ENDED = dt.timedelta(days=31)


def milestones_scan(workspace: Workspace, now: dt.datetime) -> list[WinPost]:
    """Post the milestones reached and not posted yet; returns the posts written."""
    drafts = goals_reached(workspace, now) + pods_first_codesigned(workspace, now)
    return posts_publish(workspace, drafts, now)


def _members(pod_ids: set[int]) -> dict[int, list[User]]:
    out: dict[int, list[User]] = defaultdict(list)
    for member in (
        PodMember.objects.filter(pod_id__in=pod_ids).select_related("user").order_by("id")
    ):
        out[member.pod_id].append(member.user)
    return out


def _credit(user: User, role: str, sides: dict[int, str]) -> WinCredit:
    return WinCredit(user=user, side=sides.get(user.pk, ""), role=role)


# -- shared goals ----------------------------------------------------------------------------------


def _reader(workspace: Workspace) -> Actor:
    """Nobody in particular: only goals that are not a person's are read, which need no right."""
    return Actor(user=User(), workspace=workspace, role="")


def goals_reached(workspace: Workspace, now: dt.datetime) -> list[Draft]:
    today = workspace.today(now)
    posted = WinPost.objects.filter(goal=OuterRef("pk"), kind=PostKind.GOAL_REACHED)
    candidates = [
        g
        for g in Goal.objects.filter(
            workspace=workspace,
            period_start__lte=today,
            period_end__gte=today - RECENTLY_ENDED,
            target__gt=0,
        )
        .exclude(scope__startswith="person:")
        .exclude(Exists(posted))
        .select_related("marketing_owner", "sales_owner")
        .order_by("id")
        if g.kpi in KPIS and is_shared(KPIS[g.kpi], g.scope) and not KPIS[g.kpi].lower_is_better
    ]
    if not candidates:
        return []
    progress = goals_progress(actor=_reader(workspace), goals=candidates, today=today)
    reached = [
        g
        for g in candidates
        if progress[g.pk].actual is not None
        and Fraction(progress[g.pk].actual) >= Fraction(g.target)  # type: ignore[arg-type]
    ]
    pod_ids = {int(g.scope[4:]) for g in reached if g.scope.startswith("pod:")}
    pods = Pod.objects.in_bulk(pod_ids)
    members = _members(pod_ids)
    people: set[int] = {u.pk for users in members.values() for u in users}
    people |= {g.marketing_owner_id for g in reached if g.marketing_owner_id}
    people |= {g.sales_owner_id for g in reached if g.sales_owner_id}
    sides = sides_of(workspace, people)
    drafts = []
    for goal in reached:
        pod = pods.get(int(goal.scope[4:])) if goal.scope.startswith("pod:") else None
        credits = [
            _credit(owner, CreditRole.OWNER, sides)
            for owner in (goal.marketing_owner, goal.sales_owner)
            if owner is not None
        ]
        owners = {c.user.pk for c in credits}
        if pod is not None:
            credits += [
                _credit(u, CreditRole.POD, sides) for u in members[pod.pk] if u.pk not in owners
            ]
        actual = progress[goal.pk].actual
        params: dict[str, Any] = {
            "goal": {
                "id": goal.pk,
                "kpi": goal.kpi,
                "scope": goal.scope,
                "period": goal.period,
                "target": str(goal.target),
                "actual": str(Decimal(actual.numerator) / Decimal(actual.denominator))
                if isinstance(actual, Fraction)
                else str(actual),
            },
            "kpi_label": KPIS[goal.kpi].label,
            "scope_name": pod.name if pod else "",
        }
        post = WinPost(
            workspace=workspace,
            kind=PostKind.GOAL_REACHED,
            key=f"goal:{goal.pk}:{goal.period}",
            at=now,
            goal=goal,
            pod=pod,
            params=params,
        )
        drafts.append((post, credits))
    return drafts


# -- a pod's first deal from a co-designed campaign ------------------------------------------------


def pods_first_codesigned(workspace: Workspace, now: dt.datetime) -> list[Draft]:
    done = WinPost.objects.filter(
        workspace=workspace, kind=PostKind.POD_FIRST_CODESIGNED, pod__isnull=False
    ).values("pod_id")
    codesigned = codesigned_campaigns(workspace)
    if not codesigned:
        return []
    rows = (
        Opportunity.objects.filter(
            workspace=workspace,
            stage=OpportunityStage.WON,
            close_date__isnull=False,
            close_date__lte=workspace.today(now),
        )
        .annotate(
            deal_pod=Coalesce(F("pod_id"), F("lead__pod_id")),
            from_campaign=Coalesce(F("primary_campaign_id"), F("lead__source_campaign_id")),
        )
        .filter(deal_pod__isnull=False, from_campaign__in=codesigned)
        .exclude(deal_pod__in=done)
        .order_by("deal_pod", "close_date", "pk")
        .values_list("pk", "deal_pod", "from_campaign", "name", "amount", "currency", "close_date")
    )
    first: dict[int, tuple[Any, ...]] = {}
    for row in rows:
        first.setdefault(row[1], row)
    if not first:
        return []
    pods = Pod.objects.in_bulk(set(first))
    campaigns = Campaign.objects.in_bulk({row[2] for row in first.values()})
    members = _members(set(first))
    sides = sides_of(workspace, {u.pk for users in members.values() for u in users})
    won_at = won_instants(workspace, [row[0] for row in first.values()])
    drafts = []
    for pod_id, (deal_id, _pod, campaign_id, name, amount, currency, close_date) in first.items():
        pod, campaign = pods[pod_id], campaigns[campaign_id]
        at = won_at.get(deal_id) or dt.datetime.combine(
            close_date, dt.time(0), tzinfo=workspace.zone
        )
        post = WinPost(
            workspace=workspace,
            kind=PostKind.POD_FIRST_CODESIGNED,
            key=f"podfirst:{pod_id}",
            at=at,
            opportunity_id=deal_id,
            pod=pod,
            campaign=campaign,
            amount=amount,
            currency=currency or workspace.currency,
            params={
                "pod": {"id": pod.pk, "name": pod.name},
                "campaign": {"id": campaign.pk, "name": campaign.name},
                "deal": {"id": deal_id, "name": name},
                "amount": str(amount),
                "currency": currency or workspace.currency,
            },
        )
        drafts.append((post, [_credit(u, CreditRole.POD, sides) for u in members[pod_id]]))
    return drafts
