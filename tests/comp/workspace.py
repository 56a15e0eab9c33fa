"""Acme's pay plan of 2026 and its data, worked by hand in ``test_statements``' docstring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cordee.attribution.models import AttributionLock
from cordee.comp import services
from cordee.funnel.credits import opportunity_credits_set
from cordee.funnel.models import Goal, OpportunityStage
from cordee.tenancy.models import Membership, Team
from tests import factories as f

WON = OpportunityStage.WON


def document(personas: Any) -> dict[str, Any]:
    return {
        "currency": "EUR",
        "year": 2026,
        "clawback_days": 90,
        "components": [
            {
                "id": "quota",
                "kind": "attainment",
                "metric": "revenue_won",
                "scope": "person",
                "period": "quarter",
                "weight": "0.6",
                "curve": {"points": [["0.5", "0"], ["1.0", "1.0"], ["1.5", "2.0"]], "cap": "2.5"},
            },
            {
                "id": "shared",
                "kind": "attainment",
                "metric": "marketing_pipeline",
                "scope": "workspace",
                "period": {"sales": "quarter", "marketing": "year"},
                "weight": "0.4",
                "curve": {"points": [["0.8", "0.5"], ["1.0", "1.0"]], "cap": "1.5"},
            },
        ],
        "participants": [
            {
                "person": personas.bob.email,
                "side": "sales",
                "variable_target": "24000.00",
                "start": "2026-01-01",
                "end": None,
                "components": ["quota", "shared"],
                "quota": {"quota": "600000.00"},
            },
            {
                "person": personas.alice.email,
                "side": "marketing",
                "variable_target": "8000.00",
                "start": "2026-01-01",
                "end": None,
                "components": ["shared"],
            },
        ],
    }


def deal(ws: Any, amount: str, close: str, **kwargs: Any) -> Any:
    return f.OpportunityFactory(
        workspace=ws,
        amount=Decimal(amount),
        close_date=dt.date.fromisoformat(close),
        stage=kwargs.pop("stage", WON),
        created_on=dt.date(2026, 1, 5),
        **kwargs,
    )


def lock(ws: Any, start: str, end: str, pipeline: dict[str, str], dimension: str) -> Any:
    now = timezone.now()
    return AttributionLock.objects.create(
        workspace=ws,
        period_start=dt.date.fromisoformat(start),
        period_end=dt.date.fromisoformat(end),
        dimension=dimension,
        model="linear",
        pipeline_credits=pipeline,
        marketing_signed_at=now,
        sales_signed_at=now,
    )


def goal(ws: Any, period: str, start: str, end: str, target: str) -> Goal:
    return Goal.objects.create(
        workspace=ws,
        kpi="pipeline_attributed_marketing",
        scope="workspace",
        period=period,
        period_start=dt.date.fromisoformat(start),
        period_end=dt.date.fromisoformat(end),
        target=Decimal(target),
    )


def make_pay(personas: Any) -> dict[str, Any]:
    """Acme's plan, deals, locks and goals (the module's docstring); Erin is a comp admin, Dave
    manages Bob's team."""
    ws = personas.acme
    services.comp_admin_grant(actor=personas.actor("rita"), user_id=personas.erin.pk)
    team = Team.objects.create(workspace=ws, name="Ventes", side="sales", manager=personas.dave)
    Membership.objects.filter(workspace=ws, user=personas.bob).update(team=team)
    plan = services.plan_create(
        actor=personas.actor("rita"), name="Plan 2026", document=document(personas)
    )
    d1 = deal(ws, "80000.00", "2026-02-10", owner=personas.bob)
    d2 = deal(ws, "50000.00", "2026-03-03", owner=personas.bob)
    opportunity_credits_set(
        actor=personas.actor("dave"),
        opportunity_id=d2.pk,
        shares=[
            {"person": personas.bob.pk, "share": Decimal("0.6")},
            {"person": personas.dave.pk, "share": Decimal("0.4")},
        ],
    )
    q1_goal = goal(ws, "2026-Q1", "2026-01-01", "2026-03-31", "1000000")
    goal(ws, "2026", "2026-01-01", "2026-12-31", "3000000")
    lock(ws, "2026-01-01", "2026-12-31", {"seo": "3000000.00", "events": "300000"}, "campaign")
    return {"plan": plan, "d1": d1, "d2": d2, "q1_goal": q1_goal}


def lock_q1(ws: Any) -> AttributionLock:
    return lock(ws, "2026-01-01", "2026-03-31", {"seo": "600000.00", "events": "300000"}, "channel")
