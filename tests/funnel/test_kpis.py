"""The KPI catalogue's values on a hand-made workspace (cordee.funnel.kpis, defined once in
cordee.analytics.kpis), the page and the API.

Acme, for these tests in America/New_York (UTC−5 in winter, −4 from 8 March 2026), EUR, fiscal
year = calendar year. Period 2026-Q1: 1 January – 31 March, New York time.

| lead | MQL (New York)    | then                                   | owner at decision    | pod  |
|------|-------------------|----------------------------------------|----------------------|------|
| L1   | 10 Jan 09:00      | SAL 12 Jan, SQL 22 Jan, won 21 Feb     | bob                  | Nord |
| L2   | 20 Jan 09:00      | SAL 24 Jan (then given to dave 1 Feb)  | bob (dave now)       | Nord |
| L3   | 31 Mar 23:30      | rejected 31 Mar 23:45 — 1 Apr in UTC   | dave                 | —    |
| L4   | 5 Feb 09:00       | still MQL (nobody decided)             | bob (owner now)      | —    |
| L5   | 15 Mar 09:00      | rejected 16 Mar                        | mia (marketing)      | —    |
| L6   | 31 Dec 2025 23:30 | SAL 2 Jan — 1 Jan 2026 in UTC: Q4 2025 | bob                  | —    |

| opp | lead | owner | pod  | amount       | created on | outcome       | days |
|-----|------|-------|------|--------------|------------|---------------|------|
| O1  | L1   | bob   | Nord | 30 000.00 €  | 22 Jan     | won 21 Feb    | 30   |
| O2  | L2   | dave  | —    | 12 000.00 €  | 7 Feb      | lost 1 Mar    |      |
| O3  | L6   | bob   | Nord | 1 000.00 USD | 5 Jan      | won 31 Mar    | 85   |
| O4  | —    | dave  | —    | 5 000.50 €   | 1 Dec 2025 | won 10 Jan    | 40   |
| O5  | —    | bob   | —    | 7 000.00 €   | 10 Mar     | open          |      |
| O6  | L6   | bob   | —    | 2 000.00 €   | 1 Apr      | won 5 Apr     | 4    |

By hand, 2026-Q1, the whole workspace:
- MQLs created: L1, L2, L3, L4, L5 = 5 (L6 is Q4 2025 in New York, though 1 Jan in UTC; L3 is
  Q1 in New York, though 1 April in UTC).
- SALs: L1, L2 = 2. Rejected: L3, L5. MQLs decided = 4 (L4 waits). Acceptance = 2/4 = 1/2.
- SQLs (opportunities created from a lead in Q1): O1, O2, O3 = 3 (O4, O5: no lead; O6: Q2).
- Pipeline created: 30 000.00 + 12 000.00 = 42 000.00 €; 1 000.00 USD apart.
- Revenue won (close date in Q1): O1 30 000.00 + O4 5 000.50 = 35 000.50 €; O3 1 000.00 USD apart.
- Win rate: won O1, O3, O4 = 3 of closed O1, O2, O3, O4 = 4 → 3/4.
- Median sales cycle: O1 22 Jan → 21 Feb = 30; O3 5 Jan → 31 Mar = 26 + 28 + 31 = 85;
  O4 1 Dec → 10 Jan = 30 + 10 = 40. Sorted 30, 40, 85 → 40 days.

bob: cycles L1, L2 (his at the decision, dave's now), L4 (undecided: his now) → 3 created, 2
SALs, 2 decided, 1/1. Opportunities O1, O3, O5: SQLs O1, O3 = 2; pipeline 30 000.00 € + 1 000
USD; revenue 30 000.00 € + 1 000 USD; won 2 of 2; median (30 + 85) / 2 = 57.5 days.
dave: cycle L3 → 1 created, 1 decided, 0 SAL, 0/1 = 0. O2, O4: SQLs 1 (O2), pipeline
12 000.00 €, revenue 5 000.50 €, won 1 of 2, median 40.
Side sales (bob, dave): L1, L2, L3, L4 → 4 created, 2 SALs, 3 decided → 2/3; every opportunity
above is theirs → as the workspace: SQLs 3, pipeline 42 000.00 €, revenue 35 000.50 €, 3/4, 40.
Side marketing (mia): L5 → 1 created, 1 decided, 0 SAL → 0; no opportunity: win rate none.
Pod Nord (routed L1, L2; opportunities O1, O3): 2 created, 2 SALs, 2 decided → 1; SQLs 2;
pipeline 30 000.00 € + 1 000 USD; revenue 30 000.00 € + 1 000 USD; 2 of 2; median 57.5.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from cordee.analytics import kpis as catalogue
from cordee.analytics.planning import PlanPeriod
from cordee.attribution.models import AttributionLock
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.feedback.models import FeedbackItem
from cordee.funnel import kpis, planning
from cordee.funnel.metrics import Period, compute_funnel_metrics
from cordee.funnel.models import (
    LeadAssignment,
    LeadDecision,
    OpportunityStage,
    SlaContract,
    Stage,
    TouchKind,
)
from cordee.funnel.models.decisions import DecisionKind
from cordee.funnel.stages import ImportedStep, lead_history_import
from tests import factories as f
from tests.feedback.handmade import handmade

NEW_YORK = ZoneInfo("America/New_York")
Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
M, A, Q, W = Stage.MQL, Stage.SAL, Stage.SQL, Stage.WON


def at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=NEW_YORK)


def _lead(ws: Any, steps: list[tuple[str, dt.datetime]], **kwargs: Any) -> Any:
    lead = f.LeadFactory(workspace=ws, stage_entered_at=steps[0][1], **kwargs)
    lead_history_import(
        workspace_id=ws.pk, lead=lead, steps=[ImportedStep(s, when) for s, when in steps]
    )
    return lead


def _assigned(lead: Any, owner: Any, when: dt.datetime, pod: Any = None) -> None:
    LeadAssignment.objects.create(
        workspace_id=lead.workspace_id, lead=lead, to_owner=owner, pod=pod, at=when, rule="test"
    )


def _rejected(lead: Any, mql_at: dt.datetime, when: dt.datetime) -> None:
    LeadDecision.objects.create(
        workspace_id=lead.workspace_id,
        lead=lead,
        mql_at=mql_at,
        kind=DecisionKind.REJECT,
        decided_at=when,
    )


def _opportunity(ws: Any, amount: str, created: str, **kwargs: Any) -> Any:
    return f.OpportunityFactory(
        workspace=ws,
        amount=Decimal(amount),
        created_on=dt.date.fromisoformat(created),
        **kwargs,
    )


@pytest.fixture
def hand_worked_kpis(personas: Any) -> dict[str, Any]:
    """The tables above, in Acme; a full path in Globex that must never count."""
    ws = personas.acme
    ws.time_zone = "America/New_York"
    ws.save(update_fields=["time_zone"])
    assert (ws.currency, ws.fiscal_year_start_month) == ("EUR", 1)
    bob, dave, mia = personas.bob, personas.dave, personas.mia
    nord = f.PodFactory(workspace=ws, name="Nord")
    l1 = _lead(ws, [(M, at("2026-01-10")), (A, at("2026-01-12")), (Q, at("2026-01-22"))], owner=bob)
    _assigned(l1, bob, at("2026-01-10"), nord)
    l2 = _lead(ws, [(M, at("2026-01-20")), (A, at("2026-01-24"))], owner=dave)
    _assigned(l2, bob, at("2026-01-20"), nord)
    _assigned(l2, dave, at("2026-02-01"))
    l3 = _lead(ws, [(M, at("2026-03-31", "23:30")), (Stage.RECYCLED, at("2026-03-31", "23:45"))])
    _assigned(l3, dave, at("2026-03-31", "23:31"))
    _rejected(l3, at("2026-03-31", "23:30"), at("2026-03-31", "23:45"))
    _lead(ws, [(M, at("2026-02-05"))], owner=bob)
    l5 = _lead(ws, [(M, at("2026-03-15")), (Stage.DISQUALIFIED, at("2026-03-16"))], owner=mia)
    _assigned(l5, mia, at("2026-03-15"))
    _rejected(l5, at("2026-03-15"), at("2026-03-16"))
    l6 = _lead(ws, [(M, at("2025-12-31", "23:30")), (A, at("2026-01-02"))], owner=bob)
    _assigned(l6, bob, at("2025-12-31", "23:30"))
    won, lost = OpportunityStage.WON, OpportunityStage.LOST
    day = dt.date.fromisoformat
    _opportunity(ws, "30000.00", "2026-01-22", lead=l1, owner=bob, pod=nord, stage=won,
                 close_date=day("2026-02-21"))  # fmt: skip
    _opportunity(ws, "12000.00", "2026-02-07", lead=l2, owner=dave, stage=lost,
                 close_date=day("2026-03-01"))  # fmt: skip
    _opportunity(ws, "1000.00", "2026-01-05", lead=l6, owner=bob, pod=nord, stage=won,
                 close_date=day("2026-03-31"), currency="USD")  # fmt: skip
    _opportunity(ws, "5000.50", "2025-12-01", owner=dave, stage=won, close_date=day("2026-01-10"))
    _opportunity(ws, "7000.00", "2026-03-10", owner=bob, stage=OpportunityStage.PROPOSAL)
    _opportunity(ws, "2000.00", "2026-04-01", lead=l6, owner=bob, stage=won,
                 close_date=day("2026-04-05"))  # fmt: skip
    g = personas.globex
    gl = _lead(g, [(M, at("2026-01-15")), (A, at("2026-01-16")), (Q, at("2026-01-17"))])
    _opportunity(g, "100000.00", "2026-01-17", lead=gl, stage=won, close_date=day("2026-01-18"))
    return {"nord": nord}


def _actor(personas: Any, name: str = "erin") -> Actor:
    user = getattr(personas, name)
    return Actor(user=user, workspace=personas.acme, role=user.memberships.get().role)


def _report(personas: Any, scope: str, period: str = "2026-Q1", reader: str = "erin") -> Any:
    actor = _actor(personas, reader)
    return kpis.kpi_report(
        actor=actor,
        scope=kpis.scope_read(actor, scope),
        period=kpis.period_read(actor.workspace, period),
    )


def _values(personas: Any, scope: str, period: str = "2026-Q1", reader: str = "erin") -> dict:
    report = _report(personas, scope, period, reader)
    out: dict[str, Any] = {}
    for key, v in report.values.items():
        out[key] = v.value
        if v.other_currencies:
            out[f"{key}_other"] = v.other_currencies
    return out


EUR = Decimal


def test_every_kpi_of_the_workspace_worked_by_hand(personas, hand_worked_kpis):
    assert _values(personas, "workspace") == {
        "mqls_created": 5,
        "mqls_decided": 4,
        "sals": 2,
        "acceptance_rate": Fraction(1, 2),
        "sqls": 3,
        "pipeline_created": EUR("42000.00"),
        "pipeline_created_other": {"USD": Decimal("1000.00")},
        "revenue_won": EUR("35000.50"),
        "revenue_won_other": {"USD": Decimal("1000.00")},
        "deals_won": 3,
        "deals_closed": 4,
        "win_rate": Fraction(3, 4),
        "median_sales_cycle": Fraction(40),
        "revenue_attributed_marketing": None,  # no lock signed for Q1: see below
        "pipeline_attributed_marketing": None,
        "sales_sla_due": 0,  # no SLA contract here (see the SLA test)
        "sales_sla_kept": 0,
        "sales_sla_compliance": None,
        "marketing_sla_due": 0,  # no contract ended here (see the marketing SLA test)
        "marketing_sla_kept": 0,
        "marketing_sla_compliance": None,
        # no feedback raised in Q1 (see the feedback test below)
        "feedback_items": 0,
        "feedback_closed_with_answer": 0,
        "feedback_closure_rate": None,
        "feedback_acknowledgement_latency": None,
    }


def test_a_persons_kpis_count_what_they_own(personas, hand_worked_kpis):
    bob = _values(personas, f"person:{personas.bob.pk}")
    assert bob == {
        "mqls_created": 3,
        "mqls_decided": 2,
        "sals": 2,
        "acceptance_rate": Fraction(1),
        "sqls": 2,
        "pipeline_created": EUR("30000.00"),
        "pipeline_created_other": {"USD": Decimal("1000.00")},
        "revenue_won": EUR("30000.00"),
        "revenue_won_other": {"USD": Decimal("1000.00")},
        "deals_won": 2,
        "deals_closed": 2,
        "win_rate": Fraction(1),
        "median_sales_cycle": Fraction(115, 2),
        "revenue_attributed_marketing": None,  # attribution: the whole workspace only
        "pipeline_attributed_marketing": None,
        "sales_sla_due": 0,  # no SLA contract here (see the SLA test)
        "sales_sla_kept": 0,
        "sales_sla_compliance": None,
        "marketing_sla_due": None,  # marketing SLA: the workspace and pods only
        "marketing_sla_kept": None,
        "marketing_sla_compliance": None,
        "feedback_items": None,  # feedback: the workspace and pods only
        "feedback_closed_with_answer": None,
        "feedback_closure_rate": None,
        "feedback_acknowledgement_latency": None,
    }
    dave = _values(personas, f"person:{personas.dave.pk}")
    assert dave == {
        "mqls_created": 1,
        "mqls_decided": 1,
        "sals": 0,
        "acceptance_rate": Fraction(0),
        "sqls": 1,
        "pipeline_created": EUR("12000.00"),
        "revenue_won": EUR("5000.50"),
        "deals_won": 1,
        "deals_closed": 2,
        "win_rate": Fraction(1, 2),
        "median_sales_cycle": Fraction(40),
        "revenue_attributed_marketing": None,
        "pipeline_attributed_marketing": None,
        "sales_sla_due": 0,  # no SLA contract here (see the SLA test)
        "sales_sla_kept": 0,
        "sales_sla_compliance": None,
        "marketing_sla_due": None,  # marketing SLA: the workspace and pods only
        "marketing_sla_kept": None,
        "marketing_sla_compliance": None,
        "feedback_items": None,  # feedback: the workspace and pods only
        "feedback_closed_with_answer": None,
        "feedback_closure_rate": None,
        "feedback_acknowledgement_latency": None,
    }


def test_many_scopes_and_periods_at_once_worked_by_hand(personas, hand_worked_kpis):
    """``kpi_reports`` reads the rows once for every (scope, period) asked for: each pair still
    has its own numbers (the table above, and by hand for the other periods:
    2025-Q4: L6's cycle (SAL 2 Jan), O4 created without a lead, closed in Q1 → 1, 1, 1, 0 SQL;
    2026-01: L1, L2 (both SAL); SQLs O1 and O3 (USD); O4 won 10 Jan → 1 of 1, 40 days;
    2026-Q2: no MQL; O6 from L6 created 1 Apr, won 5 Apr → 1 SQL, 2 000.00 €, 1 of 1, 4 days)."""
    actor = _actor(personas)
    bob, dave = f"person:{personas.bob.pk}", f"person:{personas.dave.pk}"
    nord = f"pod:{hand_worked_kpis['nord'].pk}"
    scopes = ["workspace", "side:sales", "side:marketing", nord, bob, dave]
    keys = ["2025-Q4", "2026-01", "2026-Q1", "2026-Q2"]
    periods = [kpis.period_read(actor.workspace, k) for k in keys]
    pairs = [
        (kpis.scope_read(actor, s), PlanPeriod(k, p.start, p.end))  # by the keys given
        for s in scopes
        for k, p in zip(keys, periods, strict=True)
    ]
    reports = kpis.kpi_reports(actor=actor, pairs=pairs)
    assert len(reports) == len(scopes) * len(keys)
    columns = ("mqls_created", "sals", "mqls_decided", "sqls", "pipeline_created")
    columns += ("revenue_won", "deals_won", "deals_closed", "median_sales_cycle")

    def row(scope: str, key: str) -> tuple[Any, ...]:
        values = reports[(kpis.scope_read(actor, scope).key, key)]
        return tuple(values[c].value for c in columns)

    q1 = {
        "workspace": (5, 2, 4, 3, EUR("42000.00"), EUR("35000.50"), 3, 4, 40),
        "side:sales": (4, 2, 3, 3, EUR("42000.00"), EUR("35000.50"), 3, 4, 40),
        "side:marketing": (1, 0, 1, 0, 0, 0, 0, 0, None),
        nord: (2, 2, 2, 2, EUR("30000.00"), EUR("30000.00"), 2, 2, Fraction(115, 2)),
        bob: (3, 2, 2, 2, EUR("30000.00"), EUR("30000.00"), 2, 2, Fraction(115, 2)),
        dave: (1, 0, 1, 1, EUR("12000.00"), EUR("5000.50"), 1, 2, 40),
    }
    for scope, expected in q1.items():
        assert row(scope, "2026-Q1") == expected, scope
    assert row("workspace", "2025-Q4") == (1, 1, 1, 0, 0, 0, 0, 0, None)
    assert row(bob, "2025-Q4") == (1, 1, 1, 0, 0, 0, 0, 0, None)  # L6, bob's at the SAL
    assert row("workspace", "2026-01") == (2, 2, 2, 2, EUR("30000.00"), EUR("5000.50"), 1, 1, 40)
    assert row(dave, "2026-01") == (0, 0, 0, 0, 0, EUR("5000.50"), 1, 1, 40)
    assert row("workspace", "2026-Q2") == (0, 0, 0, 1, EUR("2000.00"), EUR("2000.00"), 1, 1, 4)
    assert row(nord, "2026-Q2") == (0, 0, 0, 0, 0, 0, 0, 0, None)  # O6 has no pod
    usd = reports[("workspace", "2026-01")]["pipeline_created"].other_currencies
    assert usd == {"USD": Decimal("1000.00")}


def test_only_the_kpis_asked_for_are_read(personas, hand_worked_kpis):
    """``keys``: the rows that feed none of them are not read (fewer queries), the values of
    those asked for are the same (the table above: 3 SQLs, 4 closed in Q1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actor = _actor(personas)
    pair = (kpis.scope_read(actor, "workspace"), kpis.period_read(actor.workspace, "2026-Q1"))
    with CaptureQueriesContext(connection) as every:
        kpis.kpi_reports(actor=actor, pairs=[pair])
    with CaptureQueriesContext(connection) as some:
        (values,) = kpis.kpi_reports(
            actor=actor, pairs=[pair], keys={"sqls", "deals_closed"}
        ).values()
    assert {k: v.value for k, v in values.items()} == {"sqls": 3, "deals_closed": 4}
    assert len(some) < len(every)


def test_a_sides_kpis_count_what_its_people_own(personas, hand_worked_kpis):
    sales = _values(personas, "side:sales")
    assert (sales["mqls_created"], sales["sals"], sales["mqls_decided"]) == (4, 2, 3)
    assert sales["acceptance_rate"] == Fraction(2, 3)
    assert (sales["sqls"], sales["pipeline_created"], sales["revenue_won"]) == (
        3,
        EUR("42000.00"),
        EUR("35000.50"),
    )
    assert (sales["win_rate"], sales["median_sales_cycle"]) == (Fraction(3, 4), 40)
    marketing = _values(personas, "side:marketing")
    assert marketing == {
        "mqls_created": 1,
        "mqls_decided": 1,
        "sals": 0,
        "acceptance_rate": Fraction(0),
        "sqls": 0,
        "pipeline_created": EUR(0),
        "revenue_won": EUR(0),
        "deals_won": 0,
        "deals_closed": 0,
        "win_rate": None,  # nothing to divide by: no value, not 0 %
        "median_sales_cycle": None,
        "revenue_attributed_marketing": None,
        "pipeline_attributed_marketing": None,
        "sales_sla_due": 0,  # no SLA contract here (see the SLA test)
        "sales_sla_kept": 0,
        "sales_sla_compliance": None,
        "marketing_sla_due": None,  # marketing SLA: the workspace and pods only
        "marketing_sla_kept": None,
        "marketing_sla_compliance": None,
        "feedback_items": None,  # feedback: the workspace and pods only
        "feedback_closed_with_answer": None,
        "feedback_closure_rate": None,
        "feedback_acknowledgement_latency": None,
    }


def test_a_pods_kpis_count_what_was_routed_to_it(personas, hand_worked_kpis):
    nord = _values(personas, f"pod:{hand_worked_kpis['nord'].pk}")
    assert nord == {
        "mqls_created": 2,
        "mqls_decided": 2,
        "sals": 2,
        "acceptance_rate": Fraction(1),
        "sqls": 2,
        "pipeline_created": EUR("30000.00"),
        "pipeline_created_other": {"USD": Decimal("1000.00")},
        "revenue_won": EUR("30000.00"),
        "revenue_won_other": {"USD": Decimal("1000.00")},
        "deals_won": 2,
        "deals_closed": 2,
        "win_rate": Fraction(1),
        "median_sales_cycle": Fraction(115, 2),
        "revenue_attributed_marketing": None,
        "pipeline_attributed_marketing": None,
        "sales_sla_due": 0,  # no SLA contract here (see the SLA test)
        "sales_sla_kept": 0,
        "sales_sla_compliance": None,
        "marketing_sla_due": 0,  # no contract ended here (see the marketing SLA test)
        "marketing_sla_kept": 0,
        "marketing_sla_compliance": None,
        "feedback_items": 0,
        "feedback_closed_with_answer": 0,
        "feedback_closure_rate": None,
        "feedback_acknowledgement_latency": None,
    }


def test_the_period_boundary_is_in_the_workspace_time_zone(personas, hand_worked_kpis):
    # L3 (31 March 23:30 in New York, 1 April in UTC) is March's; L6 (31 December 23:30 in New
    # York, 1 January in UTC) is December's, Q4 2025's
    march = _values(personas, "workspace", "2026-03")
    assert (march["mqls_created"], march["mqls_decided"], march["sals"]) == (2, 2, 0)  # L3, L5
    q2 = _values(personas, "workspace", "2026-Q2")
    assert (q2["mqls_created"], q2["sqls"], q2["revenue_won"]) == (0, 1, EUR("2000.00"))  # O6
    q4 = _values(personas, "workspace", "2025-Q4")
    assert (q4["mqls_created"], q4["sals"], q4["acceptance_rate"]) == (1, 1, Fraction(1))
    year = _values(personas, "workspace", "2026")
    assert (year["mqls_created"], year["sqls"]) == (5, 4)  # Q1's and O6
    assert year["revenue_won"] == EUR("37000.50")  # 35 000.50 + O6's 2 000.00


def test_the_fiscal_calendar_names_the_periods(personas, hand_worked_kpis):
    ws = personas.acme
    ws.fiscal_year_start_month = 4
    ws.save(update_fields=["fiscal_year_start_month"])
    # FY2025 starts 1 April 2025: its fourth quarter is January–March 2026
    q = kpis.period_read(ws, "2025-Q4")
    assert (q.key, q.start, q.end) == ("FY2025-Q4", dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert _values(personas, "workspace", "2025-Q4")["mqls_created"] == 5
    today = kpis.current_period(ws, dt.date(2026, 2, 10))
    assert today.key == "FY2025-Q4"


def _lock(ws: Any, start: str, end: str, **kwargs: Any) -> AttributionLock:
    return AttributionLock.objects.create(
        workspace=ws,
        period_start=dt.date.fromisoformat(start),
        period_end=dt.date.fromisoformat(end),
        dimension=kwargs.pop("dimension", "channel"),
        model="linear",
        **kwargs,
    )


def test_revenue_attributed_to_marketing_is_the_signed_locks_credits(personas, hand_worked_kpis):
    ws, now = personas.acme, dt.datetime(2026, 4, 2, tzinfo=dt.UTC)
    state = _report(personas, "workspace").values["revenue_attributed_marketing"]
    assert (state.value, state.state) == (None, "not_locked")  # no lock: a state, not 0
    # signed by marketing only: still not locked
    lock = _lock(ws, "2026-01-01", "2026-03-31", marketing_signed_at=now,
                 value_credits={"email": "12000.25", "webinar": "8000.00", "events": "0.10"})  # fmt: skip
    assert _report(personas, "workspace").values["revenue_attributed_marketing"].state == (
        "not_locked"
    )
    lock.sales_signed_at = now
    lock.save()
    # by hand: 12 000.25 + 8 000.00 + 0.10 = 20 000.35, the locked credits, whatever the
    # deals say today (the revenue won is 35 000.50)
    value = _report(personas, "workspace").values["revenue_attributed_marketing"]
    assert (value.value, value.state) == (EUR("20000.35"), "")
    # a campaign lock of the same period is read only without a channel one
    _lock(ws, "2026-01-01", "2026-03-31", dimension="campaign", marketing_signed_at=now,
          sales_signed_at=now, value_credits={"Salon": "1.00"})  # fmt: skip
    assert _values(personas, "workspace")["revenue_attributed_marketing"] == EUR("20000.35")
    # another period (March alone) has no lock of its own; a pod has no attribution
    assert _report(personas, "workspace", "2026-03").values[
        "revenue_attributed_marketing"
    ].state == ("not_locked")
    pod = _report(personas, f"pod:{hand_worked_kpis['nord'].pk}")
    assert pod.values["revenue_attributed_marketing"].state == "workspace_only"


def test_sales_sla_compliance_counts_the_clocks_due_and_kept(personas):
    """tests/funnel/test_sla_check.py's hand-worked case (Acme, Paris, 09:00–12:30 / 14:00–18:00):
    a contract for Q1 2026, first touch within 4 business hours, decision within 8, 3 attempts
    within 2 business days. MQL on Friday 6 March 2026 16:00 CET (15:00 UTC): first touch due
    Mon 9 March 10:00 UTC, decision due Mon 15:30 UTC, attempts due Tue 10 March 15:00 UTC.

    L1 (bob): never touched nor decided → 3 due, 0 kept.
    L2 (bob): called Mon 8:30, Mon 13:00, Tue 9:00 UTC (3 attempts before Tue 15:00, the first
    before Mon 10:00), accepted Mon 14:00 UTC (before 15:30) → 3 due, 3 kept.
    Q1: 6 due, 3 kept → 1/2; bob the same; dave owns none → nothing to divide by."""
    ws = personas.acme
    mql = dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC)
    SlaContract.objects.create(
        workspace=ws,
        name="T1 2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        first_touch_hours=Decimal(4),
        decision_hours=Decimal(8),
        attempts_required=3,
        attempts_within_days=2,
        marketing_signed_by=personas.mia,
        marketing_signed_at=mql,
        sales_signed_by=personas.dave,
        sales_signed_at=mql,
    )

    def mql_lead() -> Any:
        return f.LeadFactory(
            workspace=ws, stage=Stage.MQL, stage_entered_at=mql, mql_at=mql, owner=personas.bob
        )

    mql_lead()
    l2 = mql_lead()
    for day, hour, minute in ((9, 8, 30), (9, 13, 0), (10, 9, 0)):
        f.TouchpointFactory(
            workspace=ws,
            contact=l2.contact,
            lead=l2,
            actor=personas.bob,
            kind=TouchKind.CALL,
            occurred_at=dt.datetime(2026, 3, day, hour, minute, tzinfo=dt.UTC),
        )
    LeadDecision.objects.create(
        workspace=ws,
        lead=l2,
        mql_at=mql,
        kind=DecisionKind.ACCEPT,
        decided_at=dt.datetime(2026, 3, 9, 14, 0, tzinfo=dt.UTC),
    )
    for scope in ("workspace", f"person:{personas.bob.pk}", "side:sales"):
        values = _values(personas, scope)
        assert (values["sales_sla_due"], values["sales_sla_kept"]) == (6, 3), scope
        assert values["sales_sla_compliance"] == Fraction(1, 2)
    dave = _values(personas, f"person:{personas.dave.pk}")
    assert (dave["sales_sla_due"], dave["sales_sla_compliance"]) == (0, None)
    assert _values(personas, "workspace", "2026-Q2")["sales_sla_due"] == 0


def test_marketing_sla_compliance_judges_the_contracts_ended_in_the_period(
    personas, hand_worked_kpis
):
    """Q1's MQLs above (New York): L1 L2 L3 L4 L5 = 5, all governed by a workspace contract for
    Q1; the decisions sales recorded on them: L3 and L5 rejected (L1 and L2 entered SAL from an
    imported history, without a recorded decision), so the contract's acceptance rate is 0 of
    2 = 0 %. Contract (signed): 4 MQLs, floor 50 % → volume 5 ≥ 4 kept, quality 0 % < 50 %
    not kept → 2 judged, 1 kept: 1/2. A second contract for pod Nord, 3 MQLs: the MQLs of its
    pod (none: the leads' pod is blank, they were routed by assignment) → volume 0 < 3 not kept,
    quality not judged (nothing decided) → the pod: 1 judged, 0 kept; the workspace: 3, 1."""
    ws, signed = personas.acme, dt.datetime(2025, 12, 20, tzinfo=dt.UTC)

    def contract(name: str, volume: int, floor: str, pod: Any = None) -> None:
        SlaContract.objects.create(
            workspace=ws,
            name=name,
            pod=pod,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
            mql_volume=volume,
            acceptance_floor=Decimal(floor),
            marketing_signed_by=personas.mia,
            marketing_signed_at=signed,
            sales_signed_by=personas.dave,
            sales_signed_at=signed,
        )

    contract("T1", 4, "50")
    values = _values(personas, "workspace")
    assert (values["marketing_sla_due"], values["marketing_sla_kept"]) == (2, 1)
    assert values["marketing_sla_compliance"] == Fraction(1, 2)
    nord = hand_worked_kpis["nord"]
    contract("T1 Nord", 3, "50", pod=nord)
    pod = _values(personas, f"pod:{nord.pk}")
    assert (pod["marketing_sla_due"], pod["marketing_sla_kept"]) == (1, 0)
    assert pod["marketing_sla_compliance"] == Fraction(0)
    values = _values(personas, "workspace")
    assert (values["marketing_sla_due"], values["marketing_sla_kept"]) == (3, 1)
    # judged in the period its contract ends in: March, not February; nothing in Q2
    assert _values(personas, "workspace", "2026-03")["marketing_sla_due"] == 3
    assert _values(personas, "workspace", "2026-02")["marketing_sla_due"] == 0
    assert _values(personas, "workspace", "2026-Q2")["marketing_sla_due"] == 0


def test_feedback_acknowledgement_time_and_closure_rate(personas):
    # tests/feedback/handmade.py: a 9:00–17:00 UTC calendar (1 business day = 8 h), the
    # workspace in UTC; items raised in March 2026 (H, 120 days before, is not; G, merged into
    # A, counts with A): A B C D E F I → 7 items.
    # first move out of new: A 4 bh = 0.5 bd, B 8 bh = 1.0, C 2 bh = 0.25, D 20 bh = 2.5,
    # E 6 bh = 0.75; F and I have not moved. Sorted 0.25 0.5 0.75 1.0 2.5 → median 0.75.
    # closed (done / won't do): C (answered) and D (no answer) → closed with an answer: C = 1.
    handmade(
        personas,
        dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 16, 12, tzinfo=dt.UTC),
    )
    values = _report(personas, "workspace", "2026-03").values
    rate = values["feedback_closure_rate"]
    assert (values["feedback_items"].value, values["feedback_closed_with_answer"].value) == (7, 1)
    assert (rate.value, rate.numerator, rate.denominator) == (Fraction(1, 7), 1, 7)
    assert values["feedback_acknowledgement_latency"].value == Decimal("0.75")
    # February: nothing raised → no rate, no median (not 0)
    february = _report(personas, "workspace", "2026-02").values
    assert february["feedback_items"].value == 0
    assert february["feedback_closure_rate"].value is None
    # a pod: its items A D F → A 0.5, D 2.5 moved: median 1.5; none closed with an answer (D
    # has none) → 0 of 3
    pod = f.PodFactory(workspace=personas.acme, name="PME")
    FeedbackItem.objects.filter(title__in=["A", "D", "F", "G"]).update(pod=pod)
    mine = _report(personas, f"pod:{pod.pk}", "2026-03").values
    assert mine["feedback_closure_rate"].value == Fraction(0, 3)
    assert mine["feedback_acknowledgement_latency"].value == Decimal("1.50")
    # a person: not kept per person
    bob = _report(personas, f"person:{personas.bob.pk}", "2026-03").values
    assert bob["feedback_items"].state == "not_per_person"


def test_the_acceptance_rate_is_the_planners_and_the_counts_the_metrics_pages(
    personas, hand_worked_kpis
):
    rates = planning.history_rates(personas.acme, Q1)
    total = compute_funnel_metrics(personas.acme, "month", Q1).total
    values = _values(personas, "workspace")
    assert values["acceptance_rate"] == rates["mql_to_sal"].value == Fraction(1, 2)
    assert (values["mqls_created"], values["sals"]) == (total.mqls, total.sal) == (5, 2)
    nord = hand_worked_kpis["nord"]
    pod = _values(personas, f"pod:{nord.pk}")
    assert (
        pod["acceptance_rate"]
        == planning.history_rates(personas.acme, Q1, nord)["mql_to_sal"].value
    )


def test_the_catalogue_names_each_ratios_parts():
    keys = {k.key for k in catalogue.CATALOGUE}
    assert len(keys) == len(catalogue.CATALOGUE)
    for kpi in catalogue.CATALOGUE:
        assert kpi.unit in ("count", "rate", "money", "duration")
        assert kpi.side in ("marketing", "sales", "shared")
        if kpi.unit == "rate":
            assert kpi.numerator in keys and kpi.denominator in keys
    assert catalogue.BY_KEY["acceptance_rate"].numerator == "sals"
    assert catalogue.BY_KEY["acceptance_rate"].denominator == "mqls_decided"


def test_median_days_takes_the_middle_or_the_mean_of_the_two_middles():
    assert catalogue.median_days([]) is None
    assert catalogue.median_days([85, 30, 40]) == 40
    assert catalogue.median_days([85, 30]) == Fraction(115, 2)


# -- who reads what ---------------------------------------------------------------------------


def test_who_reads_a_persons_values(personas, hand_worked_kpis):
    bob = f"person:{personas.bob.pk}"
    for reader in ("bob", "dave", "rita", "erin"):  # himself, his manager, RevOps, executive
        assert _values(personas, bob, reader=reader)["sals"] == 2
    for reader in ("alice", "mia"):  # another person; a manager of the other side
        with pytest.raises(PermissionDenied):
            _values(personas, bob, reader=reader)
    # every member reads the workspace, a side, a pod
    assert _values(personas, "side:sales", reader="alice")["sals"] == 2
    assert _values(personas, f"pod:{hand_worked_kpis['nord'].pk}", reader="alice")["sals"] == 2


def test_another_workspaces_pod_or_person_is_unknown(personas, hand_worked_kpis):
    other = f.PodFactory(workspace=personas.globex, name="Ailleurs")
    with pytest.raises(NotFound):
        _values(personas, f"pod:{other.pk}")
    with pytest.raises(NotFound):
        _values(personas, f"person:{personas.carol.pk}")


@pytest.mark.parametrize(
    ("scope", "period", "field"),
    [
        ("team:1", "2026-Q1", "scope"),
        ("side:finance", "2026-Q1", "scope"),
        ("person:bob", "2026-Q1", "scope"),
        ("workspace", "2026-Q5", "period"),
        ("workspace", "Q1", "period"),
    ],
)
def test_a_bad_scope_or_period_names_the_field(personas, scope, period, field):
    with pytest.raises(ValidationFailed) as error:
        _values(personas, scope, period)
    assert list(error.value.field_errors) == [field]


# -- the API ----------------------------------------------------------------------------------


def test_api_lists_the_catalogue(personas, api_as):
    response = api_as("alice").get("kpis")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["key"] for i in items] == [k.key for k in catalogue.CATALOGUE]
    rate = next(i for i in items if i["key"] == "acceptance_rate")
    assert rate["unit"] == "rate"
    assert (rate["numerator"], rate["denominator"]) == ("sals", "mqls_decided")
    assert rate["label"] == "Taux d’acceptation"  # the reader's language: French here
    # a shorter cycle, a quicker acknowledgement are better: a goal of them is a ceiling
    assert {i["key"] for i in items if i["lower_is_better"]} == {
        k.key for k in catalogue.CATALOGUE if k.lower_is_better
    } and not rate["lower_is_better"]
    assert next(i for i in items if i["key"] == "median_sales_cycle")["lower_is_better"]
    english = api_as("alice").get("kpis", headers={"Accept-Language": "en"}).json()["items"]
    rate = next(i for i in english if i["key"] == "acceptance_rate")
    assert rate["label"] == "Acceptance rate" and "MQLs decided" in rate["definition"]


def test_api_gives_a_scopes_values(personas, hand_worked_kpis, api_as):
    response = api_as("dave").get("kpis/values", {"scope": f"person:{personas.bob.pk}",
                                                  "period": "2026-Q1"})  # fmt: skip
    assert response.status_code == 200, response.content
    payload = response.json()
    assert payload["period"] == {"key": "FY2026-Q1", "start": "2026-01-01", "end": "2026-03-31"}
    assert (payload["scope"], payload["currency"]) == (f"person:{personas.bob.pk}", "EUR")
    values = {v["key"]: v for v in payload["values"]}
    assert values["acceptance_rate"] == {
        "key": "acceptance_rate",
        "value": "1.0000",
        "exact": "1",
        "numerator": 2,
        "denominator": 2,
        "state": "",
        "other_currencies": {},
    }
    assert values["pipeline_created"]["value"] == "30000.00"
    assert values["pipeline_created"]["other_currencies"] == {"USD": "1000.00"}
    assert values["median_sales_cycle"]["value"] == "57.5"
    assert values["sqls"]["value"] == "2"


def test_api_a_rate_without_denominator_is_null(personas, hand_worked_kpis, api_as):
    response = api_as("alice").get("kpis/values", {"scope": "side:marketing", "period": "2026-Q1"})
    values = {v["key"]: v for v in response.json()["values"]}
    assert values["win_rate"]["value"] is None and values["win_rate"]["denominator"] == 0


def test_api_refuses_a_persons_values_to_another_rep_and_names_bad_fields(
    personas, hand_worked_kpis, api_as
):
    response = api_as("alice").get("kpis/values", {"scope": f"person:{personas.bob.pk}"})
    assert response.status_code == 403, response.content
    response = api_as("alice").get("kpis/values", {"period": "2026-13"})
    assert response.status_code == 422
    assert "period" in response.json()["error"]["fields"]
    response = api_as("carol").get("kpis/values", {"scope": f"pod:{hand_worked_kpis['nord'].pk}"})
    assert response.status_code == 404  # Globex's member: Acme's pod is unknown


# -- the page ---------------------------------------------------------------------------------


def _page(user: Any, slug: str = "acme", **params: str) -> Any:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(f"/w/{slug}/kpis/", params)


def test_the_page_lists_the_catalogue_with_values(personas, hand_worked_kpis):
    response = _page(personas.dave, scope=f"person:{personas.bob.pk}", period="2026-Q1")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'aria-current="page">KPIs<' in text
    assert "Acceptance rate" in text and "SALs ÷ MQLs decided" in text
    assert "100.0 %" in text and "€30,000.00" in text and "$1,000.00" in text
    assert "57.5 days" in text  # bob's median sales cycle
    assert "for the whole workspace only" in text  # attribution, for a person
    response = _page(personas.erin, period="2026-Q1")
    text = response.content.decode()
    assert "not locked: the period" in text and "€35,000.50" in text


def test_the_page_refuses_a_persons_values_and_another_workspace(personas, hand_worked_kpis):
    assert _page(personas.alice, scope=f"person:{personas.bob.pk}").status_code == 403
    assert _page(personas.carol).status_code == 404
