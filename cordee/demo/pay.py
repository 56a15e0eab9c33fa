"""The demo's variable pay: Altitude Logiciels' 2026 plan as its RevOps wrote it in January —
each account executive on a revenue quota (60 %) and the shared pipeline goal (40 %), paid
quarterly; the marketing team on the same shared goal, paid once a year with quarterly
advances of half the quarter's payout (trued up in the year's statement); a marginal commission
on the reps' deals — with the finance director named comp admin, and the plan's weights changed
once in April (a second version). Written through the comp services (their checks, their
audit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cordee.analytics import goals as goal_maths
from cordee.analytics import planning as calendar
from cordee.analytics.calendar import add_months
from cordee.comp.models import CompAdmin, Plan, PlanVersion, Statement, StatementStatus
from cordee.comp.selectors import may_approve
from cordee.comp.services import (
    comp_admin_grant,
    plan_create,
    plan_version_add,
    statement_approve,
    statements_refresh,
)
from cordee.core import audit
from cordee.core.actor import Actor, actor_for
from cordee.demo.goals import working_morning
from cordee.funnel import kpis
from cordee.tenancy.models import Membership, User, Workspace

REVOPS = "sophie.revops@demo.cordee.fr"
SALES_MANAGER = "marc.ventes@demo.cordee.fr"
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
                "advances": {"marketing": {"period": "quarter", "share": "0.5"}},
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
    # written in January and revised in April, on the working mornings of the reviews: the
    # audit log and the versions say so
    moments = [
        working_morning(dt.date(today.year, 1, 5), workspace, 75),
        working_morning(dt.date(today.year, 4, 8), workspace, 75),
    ]
    with audit.as_of(moments[0]):
        comp_admin_grant(actor=sophie, user_id=User.objects.get(email=FINANCE).pk)
        plan = plan_create(
            actor=sophie,
            name=f"Variable {today.year}",
            document=_document(today.year, "0.7", "0.3"),
            note="Plan de l'année",
        )
    if moments[1].date() >= today:  # the April review is still to come
        moments = moments[:1]
    else:
        with audit.as_of(moments[1]):
            plan_version_add(
                actor=sophie,
                plan_id=plan.pk,
                document=_document(today.year, "0.6", "0.4"),
                note="Part commune portée à 40 % après la revue du T1",
            )
    versions = PlanVersion.objects.filter(plan=plan).order_by("number")
    for version, at in zip(versions, moments, strict=True):
        PlanVersion.objects.filter(pk=version.pk).update(created_at=at, updated_at=at)
    Plan.objects.filter(pk=plan.pk).update(created_at=moments[0], updated_at=moments[-1])
    CompAdmin.objects.filter(workspace=workspace).update(
        created_at=moments[0], updated_at=moments[0]
    )
    _statements(workspace, plan, today)
    return plan


def _statements(workspace: Workspace, plan: Plan, today: dt.date) -> None:
    """The quarter just closed and its months computed by the comp admin a few days after,
    each approved by the sales manager (the marketers' quarterly advances by the comp admin:
    the sales manager does not manage them; marketing's year is paid once it ends); the quarter
    under way and the year computed as drafts."""
    thomas, marc = _actor(workspace, FINANCE), _actor(workspace, SALES_MANAGER)
    quarter = kpis.current_period(workspace, today)
    previous = calendar.plan_period(
        goal_maths.previous_keys(quarter.key.removeprefix("FY"), 1)[0],
        workspace.fiscal_year_start_month,
    )
    if previous.start.year != today.year:
        return  # the plan is this year's: its first quarter has no closed one before it
    closed = [f"{m:%Y-%m}" for m in (add_months(previous.start, i) for i in range(3))]
    closed.append(previous.key.removeprefix("FY"))
    at = working_morning(previous.end + dt.timedelta(days=3), workspace, 90)
    approve_at = at + dt.timedelta(hours=2)
    for label in closed:
        with audit.as_of(at):
            done = statements_refresh(actor=thomas, plan_id=plan.pk, period_label=label)
        for statement in done.statements:
            if statement.status == StatementStatus.DRAFT and not statement.inputs.get("missing"):
                approver = marc if may_approve(marc, statement) else thomas
                with audit.as_of(approve_at):
                    statement_approve(actor=approver, statement_id=statement.pk)
        rows = Statement.objects.filter(plan=plan, period=label)
        rows.update(created_at=at, updated_at=at)
        rows.filter(status=StatementStatus.APPROVED).update(
            approved_at=approve_at, updated_at=approve_at
        )
    now = working_morning(today - dt.timedelta(days=today.weekday()), workspace, 60)
    if now.date() > today:
        return
    for label in (quarter.key.removeprefix("FY"), str(today.year)):
        with audit.as_of(now):
            statements_refresh(actor=thomas, plan_id=plan.pk, period_label=label)
        Statement.objects.filter(plan=plan, period=label).update(created_at=now, updated_at=now)
