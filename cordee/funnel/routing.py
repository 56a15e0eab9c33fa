"""Routing new MQLs: a pod by the first matching rule (or the lead's pod), then round-robin among
the pod's available sales members under their capacity. Every assignment is kept."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.funnel.models import Lead, LeadAssignment, RoutingRule, Stage
from cordee.funnel.version import funnel_changed
from cordee.people.models import Pod, PodMember
from cordee.tenancy.models import Membership
from cordee.tenancy.roles import Role

SALES_ROUTABLE = (Role.SDR, Role.SALES_REP)
OPEN_STAGES = (Stage.MQL, Stage.SAL)
DEFAULT_CAPACITY = 25


def _matches(rule: RoutingRule, industry: str, region: str, country: str) -> bool:
    checks = ((rule.industries, industry), (rule.regions, region), (rule.countries, country))
    return all(not wanted or value in wanted for wanted, value in checks)


def pod_for(lead: Lead) -> tuple[Pod | None, RoutingRule | None]:
    """The first active rule matching the lead's account, else the pod the lead already has."""
    account = lead.contact.account if lead.contact_id else None
    industry, region, country = (
        (account.industry, account.region, account.country) if account else ("", "", "")
    )
    for rule in RoutingRule.objects.filter(
        workspace_id=lead.workspace_id, is_active=True
    ).select_related("pod"):
        if _matches(rule, industry, region, country):
            return rule.pod, rule
    return lead.pod, None


def next_rep(pod: Pod, *, capacity: int, exclude: set[int] | None = None) -> PodMember | None:
    """Round-robin: the available sales member of ``pod`` under capacity who was assigned a lead
    longest ago (never first), ties by user id."""
    sales_users = Membership.objects.filter(
        workspace_id=pod.workspace_id, role__in=SALES_ROUTABLE, is_active=True
    ).values("user_id")
    open_load = (
        Lead.objects.filter(
            workspace_id=pod.workspace_id, stage__in=OPEN_STAGES, owner_id=OuterRef("user_id")
        )
        .order_by()
        .values("owner_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    members = (
        PodMember.objects.filter(pod=pod, is_available=True, user_id__in=sales_users)
        .exclude(user_id__in=exclude or set())
        .annotate(load=Coalesce(Subquery(open_load), 0))
        .filter(load__lt=capacity)
        .order_by(F("last_assigned_at").asc(nulls_first=True), "user_id")
    )
    return members.first()


def lead_route(
    *,
    lead: Lead,
    at: dt.datetime | None = None,
    actor: Actor | None = None,
    exclude_owner: bool = False,
    why: str = "",
) -> LeadAssignment | None:
    """Assign ``lead`` to a pod and a rep; returns the assignment, or None when nobody can take it
    (the lead keeps its owner, and the reason is that capacity is full or the pod has no rep)."""
    at = at or timezone.now()
    pod, rule = pod_for(lead)
    if pod is None:
        return None
    capacity = rule.capacity if rule else DEFAULT_CAPACITY
    exclude = {lead.owner_id} if exclude_owner and lead.owner_id else set()
    member = next_rep(pod, capacity=capacity, exclude=exclude)
    if member is None:
        return None
    PodMember.objects.filter(pk=member.pk).update(last_assigned_at=at)
    previous = lead.owner_id
    Lead.objects.filter(pk=lead.pk).update(
        owner_id=member.user_id, pod=pod, updated_at=timezone.now()
    )
    lead.owner_id, lead.pod = member.user_id, pod
    transaction.on_commit(partial(funnel_changed, lead.workspace_id))
    return LeadAssignment.objects.create(
        workspace_id=lead.workspace_id,
        lead=lead,
        from_owner_id=previous,
        to_owner_id=member.user_id,
        pod=pod,
        at=at,
        actor=actor.user if actor else None,
        rule=rule.name if rule else "round-robin",
        reason=why or _("Round-robin in pod %(pod)s") % {"pod": pod.name},
    )
