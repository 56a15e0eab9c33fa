"""Corrections weigh what an approved statement paid, never today's values of a frozen period
(issue 17: "a frozen statement is never edited; corrections are always later lines") — on the
plan of tests/comp/workspace.py. Every number is worked by hand below.

**The true-up** (Alice, marketing, variable target 8,000, quarterly advances of 0.5 on
``shared``: a quarter's target pay 8,000 × 0.4 × 1/4 = 800; curve (0.8, 0.5) (1, 1), cap 1.5):

- Q1 900,000 / 1,000,000 = 0.9 → 0.5 + 0.1 × 2.5 = 0.75 → 600 → advance **300.00**, approved.
- Then Q1's goal becomes 900,000: 900,000 / 900,000 = 1 → 800 → Q1 would now advance 400.00;
  Q3's goal becomes 875,000: 700,000 / 875,000 = 0.8 → 0.5 → 400 → advance **200.00** (it was
  0.00, below the hurdle; Q3 is not approved: computed now).
- Q2 1,100,000 / 1,000,000 = 1.1 → 1.25 → 1,000 → **500.00**; Q4 1 → 800 → **400.00**.
- The year 3,300,000 / 3,000,000 = 1.1 → 1.25 → 3,200 × 1.25 = **4,000.00**; true-up
  −(300 (frozen) + 500 + 200 + 400) = **−1,400.00** (today's Q1 would give −1,500.00); the
  year's total 4,000 − 1,400 = **2,600.00**.

**The clawback** (Bob, sales, ``quota``: quarterly quota 600,000 / 4 = 150,000, target pay
24,000 × 0.6 / 4 = 3,600, curve (0.5, 0) (1, 1) (1.5, 2)): D1 80,000 and D2 50,000 × 0.6 =
30,000 won in Q1, D3 20,000 won 20 Mar by Bob.

- Q1 as approved: 130,000 / 150,000 = 0.8666… → (0.8666… − 0.5) / 0.5 = 0.7333… × 3,600 =
  **2,640.00**.
- Then D1 becomes 74,000 and D3 is moved out of won on 15 Apr (26 days after, inside the 90).
  Q1 recomputed without D3: 74,000 + 30,000 = 104,000 / 150,000 = 52/75; (52/75 − 1/2) × 2 =
  29/75; × 3,600 = **1,392.00**.
- Q2's clawback = −(2,640.00 (frozen) − 1,392.00) = **−1,248.00** (against today's Q1 with D3,
  124,000 / 150,000 → 0.6533… × 3,600 = 2,352.00, it would be −960.00).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from cordee.comp import services
from cordee.funnel.models import Goal, Opportunity, OpportunityStage, OpportunityStageChange
from tests.comp.test_advances import QUARTERS, _client, lines, quarter, refresh, with_advances
from tests.comp.workspace import deal, lock_q1

PARIS = ZoneInfo("Europe/Paris")
WON = OpportunityStage.WON


def test_the_true_up_counts_an_approved_advance_as_it_was_paid(personas, pay):
    with_advances(personas, pay)
    ws = personas.acme
    lock_q1(ws)
    for label in QUARTERS:
        quarter(ws, label)
    q1 = refresh(personas, pay, "2026-Q1")["alice"]
    assert lines(q1) == [("shared", "advance", "300.00", "0.9000")]
    services.statement_approve(actor=personas.actor("erin"), statement_id=q1.pk)

    Goal.objects.filter(workspace=ws, period="2026-Q1").update(target=Decimal("900000"))
    Goal.objects.filter(workspace=ws, period="2026-Q3").update(target=Decimal("875000"))
    # Q1 computed again now would advance 400.00; its approved statement stays as it was
    now = services._compute(personas.actor("erin"), pay["plan"], "2026-Q1", personas.alice.pk)
    assert [str(x.payout) for x in now.results[personas.alice.pk].lines] == ["400.00"]
    assert lines(refresh(personas, pay, "2026-Q1")["alice"]) == [
        ("shared", "advance", "300.00", "0.9000")
    ]

    year = refresh(personas, pay, "2026")["alice"]
    assert lines(year) == [
        ("shared", "attainment", "4000.00", "1.1000"),
        ("shared", "true_up", "-1400.00", None),
    ]
    assert year.total == Decimal("2600.00")
    assert year.lines[1]["advances"] == [
        {"period": "2026-Q1", "payout": "300.00", "statement_id": q1.pk},
        {"period": "2026-Q2", "payout": "500.00", "statement_id": None},
        {"period": "2026-Q3", "payout": "200.00", "statement_id": None},
        {"period": "2026-Q4", "payout": "400.00", "statement_id": None},
    ]
    page = _client(personas.alice).get(f"/w/acme/pay/statements/{year.pk}/").content.decode()
    assert (
        f"2026-Q1: €300.00 (approved statement no. {q1.pk}) · 2026-Q2: €500.00 (computed) · "
        "2026-Q3: €200.00 (computed) · 2026-Q4: €400.00 (computed)." in page
    )
    # Q1's goal gone: the true-up does not wait for it (its advance is frozen)
    Goal.objects.filter(workspace=ws, period="2026-Q1").delete()
    year = refresh(personas, pay, "2026")["alice"]
    assert year.lines[1]["payout"] == "-1400.00" and year.inputs["missing"] == []
    services.statement_approve(actor=personas.actor("erin"), statement_id=year.pk)


def test_a_clawback_weighs_the_approved_payout_of_its_period(personas, pay):
    ws = personas.acme
    lock_q1(ws)
    d3 = deal(ws, "20000.00", "2026-03-20", owner=personas.bob, stage="negotiation")
    OpportunityStageChange.objects.create(
        workspace=ws,
        opportunity=d3,
        from_stage="negotiation",
        to_stage=WON,
        at=dt.datetime(2026, 3, 20, 10, 0, tzinfo=PARIS),
    )
    Opportunity.objects.filter(pk=d3.pk).update(stage=WON)
    q1 = refresh(personas, pay, "2026-Q1")["bob"]
    assert lines(q1)[0] == ("quota", "attainment", "2640.00", "0.8666")
    services.statement_approve(actor=personas.actor("erin"), statement_id=q1.pk)

    Opportunity.objects.filter(pk=pay["d1"].pk).update(amount=Decimal("74000.00"))
    OpportunityStageChange.objects.create(
        workspace=ws,
        opportunity=d3,
        from_stage=WON,
        to_stage="negotiation",
        at=dt.datetime(2026, 4, 15, 10, 0, tzinfo=PARIS),
    )
    Opportunity.objects.filter(pk=d3.pk).update(stage="negotiation")
    q2 = refresh(personas, pay, "2026-Q2")["bob"]
    claws = [x for x in q2.lines if x["kind"] == "clawback"]
    assert [(x["component"], x["payout"], x["deal_id"]) for x in claws] == [
        ("quota", "-1248.00", str(d3.pk))
    ]
    assert claws[0]["original"] == {
        "period": "2026-Q1",
        "payout": "2640.00",
        "statement_id": q1.pk,
        "without": "1392.00",
    }
    assert lines(refresh(personas, pay, "2026-Q1")["bob"])[0][2] == "2640.00"  # frozen
    page = _client(personas.bob).get(f"/w/acme/pay/statements/{q2.pk}/").content.decode()
    assert (
        f"2026-Q1 paid €2,640.00 (approved statement no. {q1.pk}); without this deal it pays "
        "€1,392.00." in page
    )


def test_a_clawback_against_a_draft_weighs_todays_payout(personas, pay):
    """The same, Q1 not approved: −(2,352.00 − 1,392.00) = −960.00, both computed now."""
    ws = personas.acme
    lock_q1(ws)
    d3 = deal(ws, "20000.00", "2026-03-20", owner=personas.bob, stage="negotiation")
    for before, after, when in (
        ("negotiation", WON, dt.datetime(2026, 3, 20, 10, 0, tzinfo=PARIS)),
        (WON, "negotiation", dt.datetime(2026, 4, 15, 10, 0, tzinfo=PARIS)),
    ):
        OpportunityStageChange.objects.create(
            workspace=ws, opportunity=d3, from_stage=before, to_stage=after, at=when
        )
    refresh(personas, pay, "2026-Q1")
    Opportunity.objects.filter(pk=pay["d1"].pk).update(amount=Decimal("74000.00"))
    claw = [x for x in refresh(personas, pay, "2026-Q2")["bob"].lines if x["kind"] == "clawback"]
    assert [x["payout"] for x in claw] == ["-960.00"]
    assert claw[0]["original"] == {
        "period": "2026-Q1",
        "payout": "2352.00",
        "statement_id": None,
        "without": "1392.00",
    }


def test_the_plan_page_lists_each_components_advances(personas, pay):
    with_advances(personas, pay)
    page = _client(personas.rita).get(f"/w/acme/pay/plans/{pay['plan'].pk}/").content.decode()
    assert (
        '<td data-advances="shared">Marketing : advances of 50 % of each quarter&#x27;s payout, '
        "trued up at year end</td>" in page
    )
    assert '<td data-advances="quota">—</td>' in page


def test_a_deal_that_changes_nothing_today_is_still_clawed_back_against_what_was_paid(
    personas, pay
):
    """Q1 approved at 2,640.00 (with D3); then D1 becomes 20,000: today Q1 with D3 is 20,000 +
    30,000 + 20,000 = 70,000 / 150,000 = 0.4666…, without it 50,000 / 150,000 = 0.3333…, both
    below the hurdle 0.5 → 0.00 either way (the engine alone gives no line). Against what was
    paid: −(2,640.00 − 0.00) = **−2,640.00**."""
    ws = personas.acme
    lock_q1(ws)
    d3 = deal(ws, "20000.00", "2026-03-20", owner=personas.bob)
    OpportunityStageChange.objects.create(
        workspace=ws,
        opportunity=d3,
        from_stage="negotiation",
        to_stage=WON,
        at=dt.datetime(2026, 3, 20, 10, 0, tzinfo=PARIS),
    )
    q1 = refresh(personas, pay, "2026-Q1")["bob"]
    assert lines(q1)[0] == ("quota", "attainment", "2640.00", "0.8666")
    services.statement_approve(actor=personas.actor("erin"), statement_id=q1.pk)
    Opportunity.objects.filter(pk=pay["d1"].pk).update(amount=Decimal("20000.00"))
    OpportunityStageChange.objects.create(
        workspace=ws,
        opportunity=d3,
        from_stage=WON,
        to_stage="negotiation",
        at=dt.datetime(2026, 4, 15, 10, 0, tzinfo=PARIS),
    )
    Opportunity.objects.filter(pk=d3.pk).update(stage="negotiation")
    claw = [x for x in refresh(personas, pay, "2026-Q2")["bob"].lines if x["kind"] == "clawback"]
    assert [(x["component"], x["payout"]) for x in claw] == [("quota", "-2640.00")]
    assert claw[0]["original"] == {
        "period": "2026-Q1",
        "payout": "2640.00",
        "statement_id": q1.pk,
        "without": "0.00",
    }
