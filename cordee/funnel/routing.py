"""Routing new MQLs: a pod by the first matching rule (or the lead's pod), then round-robin among
the pod's available sales members under their capacity; when that finds nobody, the workspace's
fallback (a pod, the same round-robin, or one person). An MQL even that leaves without an owner
is told to the RevOps admins, once. Every assignment is kept."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.funnel.models import Lead, LeadAssignment, RoutingFallback, RoutingRule, Stage
from cordee.funnel.notices import MQL_UNOWNED
from cordee.funnel.notify import mql_assigned_notify
from cordee.funnel.version import funnel_changed
from cordee.people.models import Pod, PodMember
from cordee.people.services import notification_new, notifications_send
from cordee.tenancy.models import Membership, User, Workspace
from cordee.tenancy.roles import Role

SALES_ROUTABLE = (Role.SDR, Role.SALES_REP)
OPEN_STAGES = (Stage.MQL, Stage.SAL)
DEFAULT_CAPACITY = 25
NEWS_WITHIN = dt.timedelta(hours=1)


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
    """Assign ``lead`` to a pod and a rep: the matching rule's pod (or the lead's), else the
    workspace's fallback; ``why``: a code of ``ASSIGNMENT_REASONS`` that says why instead of
    the routing's own. Returns the assignment, or None when nobody can take it (the lead
    keeps its owner; an MQL left with none is flagged, see ``unowned_mql_notify``)."""
    at = at or timezone.now()
    exclude = {lead.owner_id} if exclude_owner and lead.owner_id else set()
    pod, rule = pod_for(lead)
    if pod is not None:
        capacity = rule.capacity if rule else DEFAULT_CAPACITY
        member = next_rep(pod, capacity=capacity, exclude=exclude)
        if member is not None:
            rule_name = rule.name if rule else "round-robin"
            reason = (why, {}) if why else ("round_robin", {"pod": pod.name})
            return _assign(lead, member, pod, at, actor, rule_name, reason)
    fallback = (
        RoutingFallback.objects.filter(workspace_id=lead.workspace_id)
        .select_related("pod", "user")
        .first()
    )
    if fallback is not None and fallback.pod is not None:
        member = next_rep(fallback.pod, capacity=DEFAULT_CAPACITY, exclude=exclude)
        if member is not None:
            reason = (why, {}) if why else ("fallback_pod", {"pod": fallback.pod.name})
            return _assign(lead, member, fallback.pod, at, actor, "fallback", reason)
    elif (
        fallback is not None
        and fallback.user_id
        and fallback.user_id not in exclude
        and Membership.objects.filter(
            workspace_id=lead.workspace_id, user_id=fallback.user_id, is_active=True
        ).exists()
    ):
        reason = (why, {}) if why else ("fallback_user", {})
        return _assign(lead, fallback.user_id, lead.pod, at, actor, "fallback", reason)
    if lead.owner_id is None and lead.stage == Stage.MQL:
        unowned_mql_notify(lead)
    return None


def _assign(
    lead: Lead,
    member: PodMember | int,
    pod: Pod | None,
    at: dt.datetime,
    actor: Actor | None,
    rule: str,
    reason: tuple[str, dict[str, Any]],
) -> LeadAssignment:
    """Give ``lead`` to ``member`` (a pod member, whose turn this takes, or a user id);
    ``reason``: a code of ``ASSIGNMENT_REASONS`` and its values."""
    if isinstance(member, PodMember):
        PodMember.objects.filter(pk=member.pk).update(last_assigned_at=at)
        user_id = member.user_id
    else:
        user_id = member
    previous = lead.owner_id
    Lead.objects.filter(pk=lead.pk).update(owner_id=user_id, pod=pod, updated_at=timezone.now())
    lead.owner_id, lead.pod = user_id, pod
    transaction.on_commit(partial(funnel_changed, lead.workspace_id))
    if audit.records_audited():
        names = {u.pk: str(u) for u in User.objects.filter(pk__in={previous, user_id} - {None})}
        audit.audit_write(
            actor=actor,
            rule="" if actor else rule,
            workspace=actor.workspace if actor else Workspace(pk=lead.workspace_id),
            action="route",
            target="leads",
            target_id=lead.pk,
            target_label=str(lead),
            before={
                "owner": {"id": previous, "name": names.get(previous, "")} if previous else None
            },
            after={"owner": {"id": user_id, "name": names.get(user_id, "")}},
            at=at,  # as the lead's assignment history: when it was routed
        )
    # the new owner hears of it, unless they did it, or the assignment is history replayed as
    # of an earlier moment (the demo, a rescoring as of then): that is no news
    live = timezone.now() - at < NEWS_WITHIN
    if live and lead.stage == Stage.MQL and user_id != (actor.user.pk if actor else None):
        workspace = Workspace.objects.get(pk=lead.workspace_id)
        mql_assigned_notify(workspace=workspace, user_id=user_id, leads=[lead], n=1, at=at)
    return LeadAssignment.objects.create(
        workspace_id=lead.workspace_id,
        lead=lead,
        from_owner_id=previous,
        to_owner_id=user_id,
        pod=pod,
        at=at,
        actor=actor.user if actor else None,
        rule=rule,
        reason_code=reason[0],
        reason_params=reason[1],
    )


UNOWNED = "mql_unowned"  # the notifications' kind


def unowned_mql_notify(lead: Lead) -> None:
    """Tell the workspace's RevOps admins that the MQL ``lead`` found no owner. Once per lead and
    MQL cycle (the notification's key), however many rescorings try to route it again."""
    workspace = Workspace.objects.get(pk=lead.workspace_id)
    admins = User.objects.filter(
        memberships__workspace=workspace,
        memberships__role=Role.REVOPS_ADMIN,
        memberships__is_active=True,
    )
    mql_at = int(lead.mql_at.timestamp()) if lead.mql_at else 0
    url = reverse("leads_detail", kwargs={"slug": workspace.slug, "pk": lead.pk})
    notifications = []
    for user in admins:
        notifications.append(
            notification_new(
                workspace=workspace,
                user=user,
                kind=UNOWNED,
                key=f"{UNOWNED}:{lead.pk}:{mql_at}",
                code=MQL_UNOWNED,
                params={"lead": str(lead.contact)},
                url=url,
            )
        )
    notifications_send(notifications=notifications)
