"""Statements computed from the database (comp.inputs, comp.services.statements_refresh), frozen
on approval, disputed, adjusted in a later period; payroll. Every number is worked by hand below.

Acme's plan for 2026 (fiscal year = calendar year):

- ``quota``: revenue won on the person, quarterly, weight 0.6, curve (0.5, 0) (1, 1) (1.5, 2),
  cap 2.5;
- ``shared``: ``marketing_pipeline`` (the locked attribution's pipeline credits) on the
  workspace, quarterly for sales and yearly for marketing, weight 0.4, curve (0.8, 0.5) (1, 1),
  cap 1.5.

Bob (sales, variable target 24 000, annual quota 600 000) takes both; Alice (marketing, 8 000)
the shared one.

Deals: D1 80 000 won 10 Feb by Bob; D2 50 000 won 3 Mar, split Bob 0.6 / Dave 0.4 (Dave is
no participant). Q1 locked pipeline credits 600 000 + 300 000 = 900 000, goal 1 000 000; year
3 300 000, goal 3 000 000.

- Bob, Q1: actual 80 000 + 30 000 = 110 000; quota 600 000 / 4 = 150 000; attainment
  0.7333…; fraction (0.7333… − 0.5) / 0.5 = 0.4666…; target pay 24 000 × 0.6 / 4 = 3 600;
  quota **1 680.00**. Shared: 0.9 → 0.5 + 0.1 × 2.5 = 0.75; 24 000 × 0.4 / 4 = 2 400 →
  **1 800.00**. Total **3 480.00**.
- Alice, 2026: 3 300 000 / 3 000 000 = 1.1 → 1 + 0.1 × 2.5 = 1.25; 8 000 × 0.4 × 1.25 =
  **4 000.00**.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from cordee.comp import inputs, selectors, services
from cordee.comp.models import Adjustment, Dispute, Plan, Statement
from cordee.comp.payroll import payroll_csv
from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.funnel.models import Goal, OpportunityStage, OpportunityStageChange
from tests.comp.workspace import deal, document, goal, lock, lock_q1

PARIS = ZoneInfo("Europe/Paris")
WON = OpportunityStage.WON


def refresh(personas: Any, pay: Any, period: str) -> dict[str, Statement]:
    done = services.statements_refresh(
        actor=personas.actor("erin"), plan_id=pay["plan"].pk, period_label=period
    )
    return {s.person.email.split("@")[0]: s for s in done.statements}


def lines(statement: Statement) -> list[tuple[str, str, str | None]]:
    return [(x["component"], x["payout"], x["attainment"]) for x in statement.lines]


def test_a_quarter_and_a_year_from_the_database_by_hand(personas, pay):
    lock_q1(personas.acme)
    usd = deal(personas.acme, "5000.00", "2026-02-01", owner=personas.bob, currency="USD")
    q1 = refresh(personas, pay, "2026-Q1")
    assert set(q1) == {"bob"}  # Alice's shared component is yearly: no Q1 statement
    bob = q1["bob"]
    assert lines(bob) == [("quota", "1680.00", "0.7333"), ("shared", "1800.00", "0.9000")]
    assert (bob.total, bob.status, bob.version.number) == (Decimal("3480.00"), "draft", 1)
    quota, shared = bob.lines
    # the drill-down: the deals and Bob's credited amounts; the KPI value and the goal's target
    assert quota["deals"] == [
        {"deal_id": str(pay["d1"].pk), "credited": "80000.00"},
        {"deal_id": str(pay["d2"].pk), "credited": "30000.00"},
    ]
    assert (quota["actual"], quota["target"], quota["target_pay"]) == ("110000", "150000", "3600")
    assert shared["metric"]["kpi"] == "pipeline_attributed_marketing"
    assert (shared["metric"]["actual"], shared["metric"]["target"]) == ("900000", "1000000")
    assert shared["metric"]["goal_id"] == pay["q1_goal"].pk
    # the inputs kept: the credit rows as read (D2 with its share) and the metric
    credited = {(c["deal_id"], c["amount"], c["share"]) for c in bob.inputs["credits"]}
    assert credited == {
        (str(pay["d1"].pk), "80000.00", "1"),
        (str(pay["d2"].pk), "50000.00", "0.6"),
    }
    assert bob.inputs["missing"] == [] and bob.inputs["plan_version"] == 1
    # a deal in another currency is never converted nor paid on: listed apart
    assert bob.inputs["other_currencies"] == [
        {
            "deal_id": str(usd.pk),
            "currency": "USD",
            "amount": "5000.00",
            "share": "1",
            "closed_on": "2026-02-01",
        }
    ]

    year = refresh(personas, pay, "2026")
    assert set(year) == {"alice"}
    assert lines(year["alice"]) == [("shared", "4000.00", "1.1000")]
    assert year["alice"].total == Decimal("4000.00")


def test_an_unsigned_attribution_or_a_missing_goal_blocks_the_approval(personas, pay):
    bob = refresh(personas, pay, "2026-Q1")["bob"]  # no Q1 lock yet
    shared = bob.lines[1]
    assert (shared["payout"], shared["attainment"]) == ("0.00", None)
    assert shared["pending"] == {
        "code": "not_locked",
        "kpi": "pipeline_attributed_marketing",
        "scope": "workspace",
        "period": "2026-Q1",
    }
    assert bob.total == Decimal("1680.00")  # the quota line is there, the shared one waits
    with translation.override("en"), pytest.raises(Conflict) as refused:
        services.statement_approve(actor=personas.actor("dave"), statement_id=bob.pk)
    assert refused.value.message == (
        "This statement cannot be approved yet. The period's attribution is not signed by both "
        "sides (Pipeline attributed to marketing, 2026-Q1)."
    )

    lock_q1(personas.acme)
    pay["q1_goal"].delete()
    bob = refresh(personas, pay, "2026-Q1")["bob"]
    assert [m["code"] for m in bob.inputs["missing"]] == ["no_goal"]
    with translation.override("en"), pytest.raises(Conflict) as refused:
        services.statement_approve(actor=personas.actor("erin"), statement_id=bob.pk)
    assert refused.value.message.endswith(
        "No goal set for Pipeline attributed to marketing, workspace, 2026-Q1."
    )


def test_an_approved_statement_is_frozen(personas, pay):
    lock_q1(personas.acme)
    bob = refresh(personas, pay, "2026-Q1")["bob"]
    services.statement_approve(actor=personas.actor("dave"), statement_id=bob.pk)
    frozen = Statement.objects.get(pk=bob.pk)
    assert (frozen.status, frozen.approved_by) == ("approved", personas.dave)
    before = (frozen.lines, frozen.inputs, frozen.total, frozen.version_id, frozen.updated_at)

    # the inputs change: a deal's amount, the goal's target, a new plan version
    pay["d1"].amount = Decimal("150000.00")
    pay["d1"].save()
    Goal.objects.filter(pk=pay["q1_goal"].pk).update(target=Decimal("2000000"))
    changed = copy.deepcopy(document(personas))
    changed["components"][0]["weight"] = "0.5"
    changed["components"][1]["weight"] = "0.5"
    services.plan_version_add(
        actor=personas.actor("rita"), plan_id=pay["plan"].pk, document=changed
    )
    done = services.statements_refresh(
        actor=personas.actor("erin"), plan_id=pay["plan"].pk, period_label="2026-Q1"
    )
    assert (done.computed, done.frozen) == (0, 1)
    after = Statement.objects.get(pk=bob.pk)
    assert (after.lines, after.inputs, after.total, after.version_id, after.updated_at) == before
    assert after.total == Decimal("3480.00")
    with pytest.raises(Conflict):
        services.statement_approve(actor=personas.actor("erin"), statement_id=bob.pk)
    entry = AuditEntry.objects.get(workspace=personas.acme, target="pay-statements")
    assert (entry.action, entry.target_id, entry.after) == (
        "approve",
        bob.pk,
        {"status": "approved"},
    )


def test_a_draft_follows_its_inputs(personas, pay):
    lock_q1(personas.acme)
    refresh(personas, pay, "2026-Q1")
    pay["d1"].amount = Decimal("110000.00")  # 140 000 / 150 000 = 0.9333… → 0.8666… × 3 600
    pay["d1"].save()
    Goal.objects.filter(pk=pay["q1_goal"].pk).update(target=Decimal("900000"))  # 1 → 2 400
    bob = refresh(personas, pay, "2026-Q1")["bob"]
    assert lines(bob) == [("quota", "3120.00", "0.9333"), ("shared", "2400.00", "1.0000")]
    assert bob.total == Decimal("5520.00")


def test_who_approves(personas, pay):
    lock_q1(personas.acme)
    bob = refresh(personas, pay, "2026-Q1")["bob"]
    with pytest.raises(PermissionDenied):  # the person paid
        services.statement_approve(actor=personas.actor("bob"), statement_id=bob.pk)
    for name in ("mia", "rita", "alice"):  # nobody who may not read it: not found
        with pytest.raises(NotFound):
            services.statement_approve(actor=personas.actor(name), statement_id=bob.pk)
    with pytest.raises(NotFound):
        services.statement_approve(actor=personas.actor("carol"), statement_id=bob.pk)
    assert services.statement_approve(actor=personas.actor("erin"), statement_id=bob.pk).status == (
        "approved"
    )


def test_only_comp_admins_refresh(personas, pay):
    for name in ("rita", "dave", "bob"):
        with pytest.raises(PermissionDenied):
            services.statements_refresh(
                actor=personas.actor(name), plan_id=pay["plan"].pk, period_label="2026-Q1"
            )
    with pytest.raises(ValidationFailed) as bad:
        services.statements_refresh(
            actor=personas.actor("erin"), plan_id=pay["plan"].pk, period_label="2025-Q4"
        )
    assert set(bad.value.field_errors) == {"period"}


def test_an_unknown_metric_is_a_clear_error(personas, pay):
    wrong = document(personas)
    wrong["components"][1]["metric"] = "good_vibes"
    services.plan_version_add(actor=personas.actor("rita"), plan_id=pay["plan"].pk, document=wrong)
    with pytest.raises(ValidationFailed) as bad:
        services.statements_refresh(
            actor=personas.actor("erin"), plan_id=pay["plan"].pk, period_label="2026-Q1"
        )
    assert bad.value.field_errors == {
        "components[1].metric": [
            "« good_vibes » n’est pas un indicateur du catalogue (GET /api/v1/kpis les liste)."
        ]
    }


def test_the_metric_names_map_to_the_catalogue():
    assert inputs.metric_kpi("marketing_pipeline") == "pipeline_attributed_marketing"
    assert inputs.metric_kpi("sqls") == "sqls"  # a catalogue key as itself
    assert inputs.metric_kpi("pipeline") == "pipeline_created"
    assert inputs.metric_kpi("nope") is None


def test_a_cancelled_deal_is_clawed_back_in_the_quarter_of_its_cancellation(personas, pay):
    """D3 20 000 won 20 Mar by Bob, moved out of won on 15 Apr (26 days later, inside the 90
    days). Q1: 130 000 / 150 000 = 0.8666… → (0.8666… − 0.5) / 0.5 = 0.7333… × 3 600 =
    2 640.00. Q2: −(2 640.00 − 1 680.00) = −960.00, with D3's id."""
    lock_q1(personas.acme)
    d3 = deal(personas.acme, "20000.00", "2026-03-20", owner=personas.bob, stage="negotiation")
    for before, after, when in (
        ("negotiation", WON, dt.datetime(2026, 3, 20, 10, 0, tzinfo=PARIS)),
        (WON, "negotiation", dt.datetime(2026, 4, 15, 10, 0, tzinfo=PARIS)),
    ):
        OpportunityStageChange.objects.create(
            workspace=personas.acme, opportunity=d3, from_stage=before, to_stage=after, at=when
        )
    assert lines(refresh(personas, pay, "2026-Q1")["bob"])[0] == ("quota", "2640.00", "0.8666")
    q2 = refresh(personas, pay, "2026-Q2")["bob"]
    claw = [x for x in q2.lines if x["kind"] == "clawback"]
    assert [(x["component"], x["payout"], x["deal_id"]) for x in claw] == [
        ("quota", "-960.00", str(d3.pk))
    ]
    assert (claw[0]["closed_on"], claw[0]["cancelled_on"]) == ("2026-03-20", "2026-04-15")


def test_a_dispute_is_settled_by_an_adjustment_in_a_later_period(personas, pay):
    lock_q1(personas.acme)
    bob = refresh(personas, pay, "2026-Q1")["bob"]
    services.statement_approve(actor=personas.actor("dave"), statement_id=bob.pk)
    with pytest.raises(PermissionDenied):  # only the person paid disputes
        services.dispute_open(
            actor=personas.actor("erin"), statement_id=bob.pk, component="quota", text="?"
        )
    with pytest.raises(ValidationFailed) as bad:
        services.dispute_open(
            actor=personas.actor("bob"), statement_id=bob.pk, component="bonus", text="?"
        )
    assert set(bad.value.field_errors) == {"component"}
    dispute = services.dispute_open(
        actor=personas.actor("bob"),
        statement_id=bob.pk,
        component="quota",
        text="Le contrat D4 signé le 31 mars manque.",
    )
    erin = personas.actor("erin")
    with pytest.raises(PermissionDenied):  # a manager reads it but does not resolve
        services.dispute_resolve(
            actor=personas.actor("dave"), dispute_id=dispute.pk, resolution="x"
        )
    for period in ("2026-Q1", "2026-03", "2025-Q4"):  # the same period, inside it, earlier
        with pytest.raises(ValidationFailed) as bad:
            services.dispute_resolve(
                actor=erin,
                dispute_id=dispute.pk,
                resolution="D'accord",
                adjustment_amount=Decimal("150.00"),
                adjustment_period=period,
            )
        assert set(bad.value.field_errors) == {"adjustment_period"}
    # a draft of Q2 exists already: it gets the line at once
    refresh(personas, pay, "2026-Q2")
    services.dispute_resolve(
        actor=erin,
        dispute_id=dispute.pk,
        resolution="D'accord : D4 compte au T1.",
        adjustment_amount=Decimal("150.00"),
        adjustment_period="2026-q2",
    )
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolved_by) == ("resolved", personas.erin)
    adjustment = Adjustment.objects.get(dispute=dispute)
    assert (adjustment.period, adjustment.component, adjustment.amount) == (
        "2026-Q2",
        "quota",
        Decimal("150.00"),
    )
    q2 = Statement.objects.get(plan=pay["plan"], person=personas.bob, period="2026-Q2")
    # Q2: no deal (quota 0.00), no Q2 lock (shared pending, 0.00), the adjustment 150.00
    assert lines(q2) == [
        ("quota", "0.00", "0.0000"),
        ("shared", "0.00", None),
        ("quota", "150.00", None),
    ]
    assert q2.lines[2]["kind"] == "adjustment" and q2.total == Decimal("150.00")
    # a refresh keeps it
    assert refresh(personas, pay, "2026-Q2")["bob"].lines[2]["adjustment_id"] == adjustment.pk
    with pytest.raises(Conflict):
        services.dispute_resolve(actor=erin, dispute_id=dispute.pk, resolution="encore")
    assert Statement.objects.get(pk=bob.pk).total == Decimal("3480.00")  # Q1 stays frozen
    actions = sorted(
        (e.target, e.action)
        for e in AuditEntry.objects.filter(
            workspace=personas.acme, target__in=["pay-disputes", "pay-adjustments"]
        )
    )
    assert actions == [
        ("pay-adjustments", "create"),
        ("pay-disputes", "create"),
        ("pay-disputes", "resolve"),
    ]


def test_an_adjustment_in_a_period_already_approved_is_refused(personas, pay):
    lock_q1(personas.acme)
    bob = refresh(personas, pay, "2026-Q1")["bob"]
    dispute = Dispute.objects.create(
        workspace=personas.acme, statement=bob, component="quota", text="?", raised_by=personas.bob
    )
    lock(personas.acme, "2026-04-01", "2026-06-30", {"seo": "1"}, "channel")
    goal(personas.acme, "2026-Q2", "2026-04-01", "2026-06-30", "10")
    q2 = refresh(personas, pay, "2026-Q2")["bob"]
    services.statement_approve(actor=personas.actor("erin"), statement_id=q2.pk)
    with pytest.raises(ValidationFailed) as bad:
        services.dispute_resolve(
            actor=personas.actor("erin"),
            dispute_id=dispute.pk,
            resolution="Oui",
            adjustment_amount=Decimal("10.00"),
            adjustment_period="2026-Q2",
        )
    assert set(bad.value.field_errors) == {"adjustment_period"}


def test_payroll_of_an_approved_quarter_by_hand(personas, pay):
    lock_q1(personas.acme)
    bob = refresh(personas, pay, "2026-Q1")["bob"]
    with pytest.raises(Conflict):  # a draft left
        selectors.payroll_rows(personas.actor("erin"), pay["plan"].pk, "2026-Q1")
    services.statement_approve(actor=personas.actor("dave"), statement_id=bob.pk)
    with pytest.raises(PermissionDenied):
        selectors.payroll_rows(personas.actor("rita"), pay["plan"].pk, "2026-Q1")
    text = "".join(payroll_csv(personas.actor("erin"), pay["plan"].pk, "2026-Q1"))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))  # French: ; and ,
    assert rows[1:] == [
        ["2026-Q1", "bob@example.fr", "Bob Test", "quota", "attainment", "1680,00", "EUR"],
        ["2026-Q1", "bob@example.fr", "Bob Test", "shared", "attainment", "1800,00", "EUR"],
    ]
    assert len(rows[0]) == 7


def test_payroll_sums_a_clawback_into_its_component_and_lists_an_adjustment(personas, pay):
    lock_q1(personas.acme)
    bob = refresh(personas, pay, "2026-Q1")["bob"]
    Statement.objects.filter(pk=bob.pk).update(
        lines=[
            *bob.lines,
            {"component": "quota", "kind": "clawback", "payout": "-80.00", "deal_id": "9"},
            {"component": "quota", "kind": "adjustment", "payout": "25.50", "adjustment_id": 1},
        ],
        status="approved",
    )
    rows = selectors.payroll_rows(personas.actor("erin"), pay["plan"].pk, "2026-Q1")
    assert [(r.component, r.kind, r.amount) for r in rows] == [
        ("quota", "attainment", Decimal("1600.00")),  # 1 680.00 − 80.00
        ("shared", "attainment", Decimal("1800.00")),
        ("quota", "adjustment", Decimal("25.50")),
    ]


def test_another_workspace_sees_nothing(personas, pay):
    carol = personas.actor("carol")
    with pytest.raises((PermissionDenied, NotFound)):
        services.statements_refresh(actor=carol, plan_id=pay["plan"].pk, period_label="2026-Q1")
    assert not Plan.objects.filter(workspace=personas.globex).exists()


def test_a_draft_of_someone_no_longer_paid_goes_an_approved_one_stays(personas, pay):
    lock_q1(personas.acme)
    bob = refresh(personas, pay, "2026-Q1")["bob"]
    year = refresh(personas, pay, "2026")["alice"]
    services.statement_approve(actor=personas.actor("erin"), statement_id=year.pk)
    without = document(personas)
    without["participants"] = []
    services.plan_version_add(
        actor=personas.actor("rita"), plan_id=pay["plan"].pk, document=without
    )
    assert refresh(personas, pay, "2026-Q1") == {}
    assert not Statement.objects.filter(pk=bob.pk).exists()
    assert refresh(personas, pay, "2026")["alice"].pk == year.pk  # approved: frozen, kept
