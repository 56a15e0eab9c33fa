"""Permission-scoped reads of the funnel: a lead's SLA clocks, breaches, catalogues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from cordee.analytics.sla import NEVER
from cordee.core.actor import Actor
from cordee.crm.models import Lead
from cordee.funnel.models import RejectionReason, ScoringRule, SlaBreach, SlaContract
from cordee.funnel.sla import load_cycles


@dataclass(frozen=True)
class Clock:
    name: str
    due_at: dt.datetime
    met: bool
    breached: bool


@dataclass(frozen=True)
class LeadSla:
    contract: SlaContract
    mql_at: dt.datetime
    business_seconds_used: int
    attempts_made: int
    attempts_required: int
    clocks: tuple[Clock, ...]
    breaches: tuple[SlaBreach, ...]


def lead_sla(*, actor: Actor, lead: Lead, at: dt.datetime | None = None) -> LeadSla | None:
    """The SLA clocks of the lead's current MQL cycle as of ``at``: each due instant in the
    workspace's time zone, the business time used since MQL (until the decision, if any),
    attempts made, and the breaches recorded. None when no signed contract governs the lead."""
    if lead.workspace_id != actor.workspace.pk or lead.mql_at is None:
        return None
    at = at or timezone.now()
    lookback = max(at - lead.mql_at, dt.timedelta(0)) + dt.timedelta(days=1)
    cycles = load_cycles(actor.workspace, at, lookback=lookback, lead_ids=[lead.pk])
    if cycles is None:
        return None
    tz = ZoneInfo(actor.workspace.time_zone)
    c = cycles.clocks
    contract = cycles.contracts[int(cycles.which[0])]
    until = min(int(cycles.decided[0]), int(dt.datetime.timestamp(at)))
    used = int(cycles.clock.between([int(lead.mql_at.timestamp())], [until])[0])

    def local(epoch: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(int(epoch), tz=tz)

    clocks = (
        Clock(
            "first_touch",
            local(c.first_touch_due[0]),
            bool(c.first_touch_at[0] <= c.first_touch_due[0]),
            bool(c.first_touch_breached[0]),
        ),
        Clock(
            "decision",
            local(c.decision_due[0]),
            bool(cycles.decided[0] != NEVER and cycles.decided[0] <= c.decision_due[0]),
            bool(c.decision_breached[0]),
        ),
        Clock(
            "attempts",
            local(c.attempts_due[0]),
            bool(c.attempts_made[0] >= contract.attempts_required),
            bool(c.attempts_breached[0]),
        ),
    )
    breaches = tuple(
        SlaBreach.objects.filter(workspace=actor.workspace, lead=lead, mql_at=lead.mql_at).order_by(
            "due_at"
        )
    )
    return LeadSla(
        contract=contract,
        mql_at=lead.mql_at.astimezone(tz),
        business_seconds_used=used,
        attempts_made=int(c.attempts_made[0]),
        attempts_required=contract.attempts_required,
        clocks=clocks,
        breaches=breaches,
    )


def breaches_list(*, actor: Actor, params: dict[str, str] | None = None) -> QuerySet[SlaBreach]:
    params = params or {}
    qs = SlaBreach.objects.filter(workspace=actor.workspace).select_related(
        "lead__contact", "owner", "pod", "contract"
    )
    for name in ("kind", "side"):
        if params.get(name):
            qs = qs.filter(**{name: params[name]})
    if params.get("pod"):
        qs = qs.filter(pod_id=params["pod"])
    if params.get("committee_pending") in {"true", "1"}:
        qs = qs.filter(committee_pending=True)
    return qs.order_by("-due_at", "-id")


def contracts_list(*, actor: Actor) -> QuerySet[SlaContract]:
    return SlaContract.objects.filter(workspace=actor.workspace).select_related(
        "pod", "marketing_signed_by", "sales_signed_by"
    )


def rejection_reasons(*, actor: Actor) -> QuerySet[RejectionReason]:
    return RejectionReason.objects.filter(workspace=actor.workspace, is_active=True)


def scoring_rules(*, actor: Actor) -> QuerySet[ScoringRule]:
    return ScoringRule.objects.filter(workspace=actor.workspace)
