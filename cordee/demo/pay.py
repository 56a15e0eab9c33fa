"""The demo's variable pay: Altitude Logiciels' 2026 plan as its RevOps wrote it in January —
each account executive on a revenue quota (60 %) and the shared pipeline goal (40 %), paid
quarterly; the marketing team on the same shared goal, paid once a year; a marginal commission
on the reps' deals — with the finance director named comp admin, and the plan's weights changed
once in April (a second version). Written through the comp services (their checks, their
audit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cordee.comp.models import Plan, PlanVersion
from cordee.comp.services import comp_admin_grant, plan_create, plan_version_add
from cordee.core.actor import Actor, actor_for
from cordee.demo.goals import working_morning
from cordee.tenancy.models import Membership, User, Workspace

REVOPS = "sophie.revops@demo.cordee.fr"
FINANCE = "thomas.direction@demo.cordee.fr"
# (e-mail, side, variable target a year, annual quota or None, start)
PARTICIPANTS = (
    ("julie.ventes@demo.cordee.fr", "sales", "24000.00", "900000.00", "2026-01-01"),
    ("sarah.lambert@demo.cordee.fr", "sales", "22000.00", "850000.00", "2026-01-01"),
    ("olivier.chevalier@demo.cordee.fr", "sales", "22000.00", "850000.00", "2026-01-01"),
    ("antoine.girard@demo.cordee.fr", "sales", "18000.00", "600000.00", "2026-03-16"),
    ("claire.marketing@demo.cordee.fr", "marketing", "15000.00", None, "2026-01-01"),
    ("hugo.marketing@demo.cordee.fr", "marketing", "6000.00", None, "2026-01-01"),
    ("ines.benali@demo.cordee.fr", "marketing", "6000.00", None, "2026-01-01"),
)


def _actor(workspace: Workspace, email: str) -> Actor:
    return actor_for(User.objects.get(email=email), workspace.slug)


def _document(year: int, quota_weight: str, shared_weight: str) -> dict[str, Any]:
    participants = []
    for email, side, target, quota, start in PARTICIPANTS:
        entry: dict[str, Any] = {
            "person": email,
            "side": side,
            "variable_target": target,
            "start": start.replace("2026", str(year)),
            "end": None,
            "components": ["quota", "shared", "commission"] if quota else ["shared"],
        }
        if quota:
            entry["quota"] = {"quota": quota}
        participants.append(entry)
    return {
        "currency": "EUR",
        "year": year,
        "clawback_days": 90,
        "components": [
            {
                "id": "quota",
                "kind": "attainment",
                "metric": "revenue_won",
                "scope": "person",
                "period": "quarter",
                "weight": quota_weight,
                "curve": {"points": [["0.5", "0"], ["1.0", "1.0"], ["1.5", "2.0"]], "cap": "2.5"},
            },
            {
                "id": "shared",
                "kind": "attainment",
                "metric": "pipeline_created",
                "scope": "workspace",
                "period": {"sales": "quarter", "marketing": "year"},
                "weight": shared_weight,
                "curve": {"points": [["0.8", "0.5"], ["1.0", "1.0"]], "cap": "1.5"},
            },
            {
                "id": "commission",
                "kind": "commission",
                "basis": "revenue_won",
                "scope": "person",
                "period": "month",
                "mode": "marginal",
                "tiers": [{"up_to": "50000", "rate": "0.01"}, {"up_to": None, "rate": "0.02"}],
            },
        ],
        "participants": participants,
    }


def add_pay(workspace: Workspace, *, today: dt.date) -> Plan | None:
    """The year's plan, its April revision and the comp admin; nothing when the demo's people
    are not all there (a trimmed demo)."""
    emails = {e for e, *_rest in PARTICIPANTS} | {REVOPS, FINANCE}
    present = set(
        Membership.objects.filter(workspace=workspace, user__email__in=emails).values_list(
            "user__email", flat=True
        )
    )
    if present != emails:
        return None
    sophie = _actor(workspace, REVOPS)
    comp_admin_grant(actor=sophie, user_id=User.objects.get(email=FINANCE).pk)
    plan = plan_create(
        actor=sophie,
        name=f"Variable {today.year}",
        document=_document(today.year, "0.7", "0.3"),
        note="Plan de l'année",
    )
    plan_version_add(
        actor=sophie,
        plan_id=plan.pk,
        document=_document(today.year, "0.6", "0.4"),
        note="Part commune portée à 40 % après la revue du T1",
    )
    # written in January and revised in April, at the working morning of the reviews
    moments = [
        working_morning(dt.date(today.year, 1, 5), workspace, 75),
        working_morning(dt.date(today.year, 4, 8), workspace, 75),
    ]
    versions = PlanVersion.objects.filter(plan=plan).order_by("number")
    for version, at in zip(versions, moments, strict=True):
        PlanVersion.objects.filter(pk=version.pk).update(created_at=at, updated_at=at)
    Plan.objects.filter(pk=plan.pk).update(created_at=moments[0], updated_at=moments[1])
    return plan
