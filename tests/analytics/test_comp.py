"""The variable-pay engine (issue 17): statements worked by hand in each test, and a plain
per-person, per-period loop (below) that agrees with the engine on a random seeded dataset."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import math
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from cordee.analytics.comp import (
    Credit,
    Metric,
    Payouts,
    PlanError,
    plan_parse,
    plan_validate,
    statements_compute,
)

D = Decimal
day = dt.date.fromisoformat

CURVE = {"points": [["0.5", "0"], ["1.0", "1.0"], ["1.5", "2.0"]], "cap": "2.5"}
SHARED_CURVE = {"points": [["0.8", "0.5"], ["1.0", "1.0"]], "cap": "1.5"}
TIERS = [{"up_to": "50000", "rate": "0.02"}, {"up_to": None, "rate": "0.04"}]


def plan(
    components: list[dict[str, Any]], participants: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    return {
        "currency": "EUR",
        "year": 2026,
        "clawback_days": 90,
        "components": components,
        "participants": participants,
        **extra,
    }


def rep(person: str, components: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "person": person,
        "side": "sales",
        "variable_target": "24000.00",
        "start": "2026-01-01",
        "end": None,
        "components": components,
        **extra,
    }


def commission(
    cid: str = "commission", mode: str = "marginal", period: str = "month", tiers: Any = None
) -> dict[str, Any]:
    return {
        "id": cid,
        "kind": "commission",
        "basis": "revenue_won",
        "scope": "person",
        "period": period,
        "mode": mode,
        "tiers": tiers or TIERS,
    }


def quota(period: Any = "quarter", weight: str = "0.6", curve: Any = None) -> dict[str, Any]:
    return {
        "id": "quota",
        "kind": "attainment",
        "metric": "revenue_won",
        "scope": "person",
        "period": period,
        "weight": weight,
        "curve": curve or CURVE,
    }


def shared(period: Any = None) -> dict[str, Any]:
    return {
        "id": "shared",
        "kind": "attainment",
        "metric": "marketing_pipeline",
        "scope": "workspace",
        "period": period or {"sales": "quarter", "marketing": "year"},
        "weight": "0.4",
        "curve": SHARED_CURVE,
    }


def credit(
    deal: str,
    person: str,
    amount: str,
    closed: str,
    share: str = "1",
    cancelled: str | None = None,
    campaign: str | None = None,
) -> Credit:
    return Credit(
        deal,
        person,
        D(amount),
        D(share),
        day(closed),
        day(cancelled) if cancelled else None,
        campaign,
    )


def lines(statements: list[Any], person: str) -> list[tuple[str, str | None, str, str | None]]:
    """(component, attainment, payout, deal) of a person's statement, as the JSON gives them."""
    statement = next(s for s in statements if s.person == person)
    return [
        (x["component"], x["attainment"], x["payout"], x.get("deal_id"))
        for x in statement.as_dict()["lines"]
    ]


def total(statements: list[Any], person: str) -> str:
    return next(s for s in statements if s.person == person).as_dict()["total"]


# -- commission tiers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "marginal", "retroactive"),
    [
        # exactly on the bound: the tier up_to 50000 includes 50000 → 2 % on all of it either way
        ("50000.00", "1000.00", "1000.00"),
        # one cent above: marginal 50000 × 2 % + 0.01 × 4 % = 1000.0004 → 1000.00;
        # retroactive 50000.01 × 4 % = 2000.0004 → 2000.00
        ("50000.01", "1000.00", "2000.00"),
        # 60000: marginal 1000 + 10000 × 4 % = 1400; retroactive 60000 × 4 % = 2400
        ("60000.00", "1400.00", "2400.00"),
    ],
)
def test_marginal_against_retroactive_tiers_at_the_boundary(basis, marginal, retroactive):
    doc = plan(
        [commission("marginal"), commission("retro", mode="retroactive")],
        [rep("a@x.fr", ["marginal", "retro"])],
    )
    out = statements_compute(doc, [credit("d1", "a@x.fr", basis, "2026-03-10")], [], "2026-03")
    assert lines(out, "a@x.fr") == [
        ("marginal", None, marginal, None),
        ("retro", None, retroactive, None),
    ]


# -- the curve --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "attainment", "payout"),
    [
        # quota for Q2 = 400000 ÷ 4 = 100000; target pay = 40000 × 0.5 ÷ 4 = 5000
        ("40000.00", "0.4000", "0.00"),  # below the hurdle 0.5: 0
        ("75000.00", "0.7500", "2500.00"),  # between (0.5, 0) and (1, 1): 0.5 → 2500
        ("130000.00", "1.3000", "8000.00"),  # between (1, 1) and (1.5, 2): 1.6 → 8000
        ("160000.00", "1.6000", "11000.00"),  # beyond the last point: 2 + 2 × 0.1 = 2.2 → 11000
        ("175000.00", "1.7500", "12500.00"),  # 2 + 2 × 0.25 = 2.5: on the cap → 12500
        ("200000.00", "2.0000", "12500.00"),  # 2 + 2 × 0.5 = 3 > cap 2.5 → 12500
    ],
)
def test_the_curve_below_the_hurdle_between_points_beyond_the_last_and_at_the_cap(
    actual, attainment, payout
):
    doc = plan(
        [quota(weight="0.5")],
        [rep("a@x.fr", ["quota"], variable_target="40000.00", quota={"quota": "400000.00"})],
    )
    out = statements_compute(doc, [credit("d1", "a@x.fr", actual, "2026-05-10")], [], "2026-Q2")
    assert lines(out, "a@x.fr") == [("quota", attainment, payout, None)]


def test_a_curve_that_jumps_at_its_first_point_pays_from_the_point_on():
    # curve (0.8, 0.5)–(1, 1): at 80000 of a 100000 quarterly quota, 0.5 × target pay 2400
    # (24000 × 0.4 ÷ 4); one cent less is below the hurdle: 0
    curve = {"points": [["0.8", "0.5"], ["1.0", "1.0"]]}
    doc = plan(
        [quota(weight="0.4", curve=curve)],
        [rep(p, ["quota"], quota={"quota": "400000.00"}) for p in ("a@x.fr", "b@x.fr")],
    )
    out = statements_compute(
        doc,
        [
            credit("d1", "a@x.fr", "80000.00", "2026-04-02"),
            credit("d2", "b@x.fr", "79999.99", "2026-04-02"),
        ],
        [],
        "2026-Q2",
    )
    assert lines(out, "a@x.fr") == [("quota", "0.8000", "1200.00", None)]
    assert lines(out, "b@x.fr") == [("quota", "0.7999", "0.00", None)]  # 0.7999999 cut, not rounded


# -- proration, split credit, clawback ----------------------------------------------------------


def test_a_mid_period_start_prorates_target_pay_and_quota():
    # start 16 February: Q1 (90 days) counts 16–28 Feb (13 days) + March (31) = 44 days.
    # target pay = 24000 × 0.6 ÷ 4 × 44/90 = 1760; quota = 600000 ÷ 4 × 44/90 = 73333.33…
    # actual 55000 → attainment 55000 ÷ 73333.33… = 0.75 → fraction 0.5 → 880.00.
    # February's commission: the tiers are not prorated: 55000 → 1000 + 5000 × 4 % = 1200.
    doc = plan(
        [quota(), commission()],
        [
            rep(
                "julie@x.fr",
                ["quota", "commission"],
                start="2026-02-16",
                quota={"quota": "600000.00"},
            )
        ],
    )
    credits = [credit("d1", "julie@x.fr", "55000.00", "2026-02-20")]
    assert lines(statements_compute(doc, credits, [], "2026-Q1"), "julie@x.fr") == [
        ("quota", "0.7500", "880.00", None)
    ]
    assert lines(statements_compute(doc, credits, [], "2026-02"), "julie@x.fr") == [
        ("commission", None, "1200.00", None)
    ]
    # January is before the start: no line, total 0.00
    january = statements_compute(doc, credits, [], "2026-01")
    assert lines(january, "julie@x.fr") == [] and total(january, "julie@x.fr") == "0.00"


def test_a_split_deal_credits_each_person_their_share():
    # 100000 split 0.6 / 0.4: a's basis 60000 → 1000 + 10000 × 4 % = 1400; b's 40000 → 800
    doc = plan([commission()], [rep("a@x.fr", ["commission"]), rep("b@x.fr", ["commission"])])
    credits = [
        credit("d1", "a@x.fr", "100000.00", "2026-03-03", share="0.6"),
        credit("d1", "b@x.fr", "100000.00", "2026-03-03", share="0.4"),
    ]
    out = statements_compute(doc, credits, [], "2026-03")
    assert lines(out, "a@x.fr") == [("commission", None, "1400.00", None)]
    assert lines(out, "b@x.fr") == [("commission", None, "800.00", None)]


def test_a_clawback_inside_the_window_and_none_outside():
    # March: d1 80000 + d2 10000 = 90000 → 1000 + 40000 × 4 % = 2600 (both count where they closed).
    # d1 is cancelled 20 May, 71 days after 10 March (≤ 90): May gets −(2600 − March without
    # d1: 10000 × 2 % = 200) = −2400. d2 is cancelled 10 June, 97 days after 5 March: no line.
    doc = plan([commission()], [rep("a@x.fr", ["commission"])])
    credits = [
        credit("d1", "a@x.fr", "80000.00", "2026-03-10", cancelled="2026-05-20"),
        credit("d2", "a@x.fr", "10000.00", "2026-03-05", cancelled="2026-06-10"),
    ]
    payouts = Payouts(plan_parse(doc), credits)
    assert lines(payouts.statements("2026-03"), "a@x.fr") == [("commission", None, "2600.00", None)]
    may = payouts.statements("2026-05")
    assert lines(may, "a@x.fr") == [
        ("commission", None, "0.00", None),
        ("commission", None, "-2400.00", "d1"),
    ]
    assert total(may, "a@x.fr") == "-2400.00"
    assert lines(payouts.statements("2026-06"), "a@x.fr") == [("commission", None, "0.00", None)]
    line = payouts.statements("2026-05")[0].lines[1]
    assert (line.closed_on, line.cancelled_on) == (day("2026-03-10"), day("2026-05-20"))


def test_a_clawback_on_the_quota_lands_in_the_quarter_of_the_cancellation():
    # Q1 quota 100000 (400000 ÷ 4), target pay 24000 × 0.6 ÷ 4 = 3600. d1 60000 + d2 60000 = 120000
    # → attainment 1.2 → 1 + 2 × 0.2 = 1.4 → 5040. d2 cancelled 15 April (≤ 90 days after 1
    # March): Q2 gets −(5040 − Q1 without d2: 0.6 → 0.2 → 720) = −4320.
    doc = plan([quota()], [rep("a@x.fr", ["quota"], quota={"quota": "400000.00"})])
    credits = [
        credit("d1", "a@x.fr", "60000.00", "2026-02-01"),
        credit("d2", "a@x.fr", "60000.00", "2026-03-01", cancelled="2026-04-15"),
    ]
    payouts = Payouts(plan_parse(doc), credits)
    assert lines(payouts.statements("2026-Q1"), "a@x.fr") == [("quota", "1.2000", "5040.00", None)]
    assert lines(payouts.statements("2026-Q2"), "a@x.fr") == [
        ("quota", "0.0000", "0.00", None),
        ("quota", None, "-4320.00", "d2"),
    ]


def test_a_clawback_after_the_plan_year_lands_in_the_next_year_s_period():
    # d1 closed 20 December 2026 (December: 30000 × 2 % = 600), cancelled 5 January 2027 (16
    # days): the statement of 2027-01 holds −600.00 and nothing else (the plan pays in 2026 only)
    doc = plan([commission()], [rep("a@x.fr", ["commission"])])
    credits = [credit("d1", "a@x.fr", "30000.00", "2026-12-20", cancelled="2027-01-05")]
    payouts = Payouts(plan_parse(doc), credits)
    assert lines(payouts.statements("2026-12"), "a@x.fr") == [("commission", None, "600.00", None)]
    assert lines(payouts.statements("2027-01"), "a@x.fr") == [("commission", None, "-600.00", "d1")]
    with pytest.raises(ValueError, match="2025-12 ends before the plan's year 2026"):
        payouts.statements("2025-12")


# -- one shared number, two horizons ------------------------------------------------------------


def test_the_shared_component_pays_a_rep_quarterly_and_a_marketer_yearly_from_the_same_values():
    # curve (0.8, 0.5)–(1, 1), slope 2.5 beyond, cap 1.5.
    # Q1 900/1000 = 0.9 → 0.75; Q2 1100/1000 = 1.1 → 1.25; Q3 1.0 → 1; Q4 0.7 → 0 (below 0.8).
    # The year is the same values added up: 3700/4000 = 0.925 → 0.5 + 2.5 × 0.125 = 0.8125.
    # Rep: 24000 × 0.4 ÷ 4 = 2400 a quarter → Q1 1800, Q2 3000, Q3 2400, Q4 0.
    # Marketer: 12000 × 0.4 × 1 = 4800 a year → 4800 × 0.8125 = 3900.
    quarters = {"2026-Q1": 900, "2026-Q2": 1100, "2026-Q3": 1000, "2026-Q4": 700}
    metrics = [
        Metric("marketing_pipeline", "workspace", k, D(v), D(1000)) for k, v in quarters.items()
    ]
    metrics.append(
        Metric("marketing_pipeline", "workspace", "2026", D(sum(quarters.values())), D(4000))
    )
    doc = plan(
        [shared()],
        [
            rep("rep@x.fr", ["shared"]),
            {
                "person": "mkt@x.fr",
                "side": "marketing",
                "variable_target": "12000.00",
                "start": "2026-01-01",
                "end": None,
                "components": ["shared"],
            },
        ],
    )
    payouts = Payouts(plan_parse(doc), [], metrics)
    expected = {
        "2026-Q1": ("0.9000", "1800.00"),
        "2026-Q2": ("1.1000", "3000.00"),
        "2026-Q3": ("1.0000", "2400.00"),
        "2026-Q4": ("0.7000", "0.00"),
    }
    for label, (attainment, payout) in expected.items():
        out = payouts.statements(label)
        assert [s.person for s in out] == ["rep@x.fr"]  # the marketer is paid on the year
        assert lines(out, "rep@x.fr") == [("shared", attainment, payout, None)]
    year = payouts.statements("2026")
    assert [s.person for s in year] == ["mkt@x.fr"]
    assert lines(year, "mkt@x.fr") == [("shared", "0.9250", "3900.00", None)]
    assert year[0].lines[0].metric == ("marketing_pipeline", "workspace", "2026")


# -- money --------------------------------------------------------------------------------------


def test_each_line_is_rounded_half_up_and_the_total_is_the_sum_of_the_rounded_lines():
    # two commissions of 0.5 % on 1001.00: 5.005 each → 5.01 each (half up); total 10.02, where
    # rounding the exact sum 10.01 would give 10.01
    tiers = [{"up_to": None, "rate": "0.005"}]
    doc = plan(
        [commission("c1", tiers=tiers), commission("c2", tiers=tiers)],
        [rep("a@x.fr", ["c1", "c2"])],
    )
    out = statements_compute(doc, [credit("d1", "a@x.fr", "1001.00", "2026-07-01")], [], "2026-07")
    assert lines(out, "a@x.fr") == [("c1", None, "5.01", None), ("c2", None, "5.01", None)]
    assert total(out, "a@x.fr") == "10.02"
    assert out[0].total == D("10.02")


def test_a_half_cent_rounds_up_even_where_floating_point_falls_short():
    # 10 % up to 1000, then 70 %: 2638.45 → 100 + 1638.45 × 0.7 = 100 + 1146.915 = 1246.915 →
    # 1246.92 (in floating point the sum is 124691.49999999999 cents, which would give 1246.91)
    tiers = [{"up_to": "1000", "rate": "0.1"}, {"up_to": None, "rate": "0.7"}]
    doc = plan([commission(tiers=tiers)], [rep("a@x.fr", ["commission"])])
    out = statements_compute(doc, [credit("d1", "a@x.fr", "2638.45", "2026-07-01")], [], "2026-07")
    assert lines(out, "a@x.fr") == [("commission", None, "1246.92", None)]


# -- draws, ramps, spiffs -----------------------------------------------------------------------


def test_a_recoverable_draw_tops_up_then_recovers():
    # draw 1500 a month against 5 % commission.
    # Jan: 10000 → 500: draw 1000 (balance 1000). Feb: 60000 → 3000: 1500 above the guarantee,
    # recover min(1000, 1500) = 1000 → draw −1000 (balance 0). Mar: 40000 → 2000: nothing.
    tiers = [{"up_to": None, "rate": "0.05"}]
    draw = {
        "id": "draw",
        "kind": "draw",
        "against": "commission",
        "amount": "1500.00",
        "recoverable": True,
        "period": "month",
    }
    doc = plan(
        [commission(tiers=tiers), draw],
        [
            rep("a@x.fr", ["commission", "draw"]),
            rep("b@x.fr", ["commission", "draw"], start="2026-01-17"),
        ],
    )
    doc_forgiven = copy.deepcopy(doc)
    doc_forgiven["components"][1]["recoverable"] = False
    credits = [
        credit("d1", "a@x.fr", "10000.00", "2026-01-05"),
        credit("d2", "a@x.fr", "60000.00", "2026-02-05"),
        credit("d3", "a@x.fr", "40000.00", "2026-03-05"),
    ]
    payouts = Payouts(plan_parse(doc), credits)
    got = [lines(payouts.statements(m), "a@x.fr") for m in ("2026-01", "2026-02", "2026-03")]
    assert got == [
        [("commission", None, "500.00", None), ("draw", None, "1000.00", None)],
        [("commission", None, "3000.00", None), ("draw", None, "-1000.00", None)],
        [("commission", None, "2000.00", None), ("draw", None, "0.00", None)],
    ]
    # not recoverable: February's draw is 0, nothing is taken back
    forgiven = Payouts(plan_parse(doc_forgiven), credits)
    assert lines(forgiven.statements("2026-02"), "a@x.fr")[1] == ("draw", None, "0.00", None)
    # b starts on the 17th: January's guarantee is 1500 × 15/31 = 725.806… → 725.81, no commission
    assert lines(payouts.statements("2026-01"), "b@x.fr")[1] == ("draw", None, "725.81", None)


def test_a_ramp_guarantees_a_new_hire_a_fraction_of_target_pay():
    # start 16 March, ramp of 2 months: 16 March – 15 May; guarantee 50 % of a 24000 target.
    # March: 24000 × 0.5 ÷ 12 × 16/31 = 516.129… → 516.13; commission 2 % on 10000 = 200 → 316.13.
    # April (whole month): 1000; commission on 80000: 1000 + 1200 = 2200 → 0.
    # May: 1000 × 15/31 = 483.870… → 483.87, no commission → 483.87. June: no ramp line.
    ramp = {
        "id": "ramp",
        "kind": "ramp",
        "months": 2,
        "fraction": "0.5",
        "components": ["commission"],
        "period": "month",
    }
    doc = plan([commission(), ramp], [rep("new@x.fr", ["commission", "ramp"], start="2026-03-16")])
    credits = [
        credit("d1", "new@x.fr", "10000.00", "2026-03-20"),
        credit("d2", "new@x.fr", "80000.00", "2026-04-20"),
    ]
    payouts = Payouts(plan_parse(doc), credits)
    ramp_lines = {
        m: lines(payouts.statements(m), "new@x.fr")[1:] for m in ("2026-03", "2026-04", "2026-05")
    }
    assert ramp_lines == {
        "2026-03": [("ramp", None, "316.13", None)],
        "2026-04": [("ramp", None, "0.00", None)],
        "2026-05": [("ramp", None, "483.87", None)],
    }
    assert lines(payouts.statements("2026-06"), "new@x.fr") == [("commission", None, "0.00", None)]


def test_a_spiff_pays_per_deal_of_its_campaign_or_window_by_share():
    # 500 per deal of "Salon 2026": d1 whole (500) + d2 at 0.4 (200) = 700; d3 is another campaign.
    # 300 per deal closed 1–15 June: d1 (10 June) 300 + d2 (12 June) 0.4 × 300 = 120 → 420; d3
    # closed 20 June: outside.
    salon = {
        "id": "salon",
        "kind": "spiff",
        "campaign": "Salon 2026",
        "amount": "500.00",
        "period": "month",
    }
    june = {
        "id": "june",
        "kind": "spiff",
        "from": "2026-06-01",
        "to": "2026-06-15",
        "amount": "300.00",
        "period": "month",
    }
    doc = plan([salon, june], [rep("a@x.fr", ["salon", "june"]), rep("b@x.fr", ["salon"])])
    credits = [
        credit("d1", "a@x.fr", "1000.00", "2026-06-10", campaign="Salon 2026"),
        credit("d2", "a@x.fr", "1000.00", "2026-06-12", share="0.4", campaign="Salon 2026"),
        credit("d2", "b@x.fr", "1000.00", "2026-06-12", share="0.6", campaign="Salon 2026"),
        credit("d3", "a@x.fr", "1000.00", "2026-06-20", campaign="Webinaire"),
    ]
    out = statements_compute(plan_parse(doc), credits, [], "2026-06")
    assert lines(out, "a@x.fr") == [("salon", None, "700.00", None), ("june", None, "420.00", None)]
    assert lines(out, "b@x.fr") == [("salon", None, "300.00", None)]
    assert [d for d, _amount in out[0].lines[0].deals] == ["d1", "d2"]


def test_a_fiscal_year_starting_in_april_moves_the_quarters():
    # first month April: 2026-Q1 is April–June 2026; a deal of 15 May counts in it
    doc = plan([commission(period="quarter")], [rep("a@x.fr", ["commission"])])
    credits = [credit("d1", "a@x.fr", "10000.00", "2026-05-15")]
    out = statements_compute(doc, credits, [], "2026-Q1", first_month=4)
    assert lines(out, "a@x.fr") == [("commission", None, "200.00", None)]
    assert lines(statements_compute(doc, credits, [], "2026-Q1"), "a@x.fr") == [
        ("commission", None, "0.00", None)
    ]


def test_the_drill_down_gives_the_deals_and_the_quota():
    doc = plan([quota()], [rep("a@x.fr", ["quota"], quota={"quota": "400000.00"})])
    credits = [
        credit("d1", "a@x.fr", "1000.00", "2026-01-05", share="0.5"),
        credit("d1", "b@x.fr", "1000.00", "2026-01-05", share="0.5"),
    ]
    line = statements_compute(doc, credits, [], "2026-Q1")[0].lines[0]
    assert line.deals == (("d1", D("500.00")),)
    assert (line.actual, line.target, line.target_pay) == (500, 100000, 3600)


# -- validation -----------------------------------------------------------------------------------


def valid() -> dict[str, Any]:
    doc = plan(
        [quota(), shared(), commission()],
        [rep("a@x.fr", ["quota", "shared", "commission"], quota={"quota": "600000.00"})],
    )
    return copy.deepcopy(doc)  # the cases change it in place


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            lambda d: d["components"][0]["curve"]["points"].append(["1.2", "3"]),
            "components[0].curve.points[3]",
        ),
        (
            lambda d: d["components"][1]["curve"]["points"].__setitem__(1, ["0.9"]),
            "components[1].curve.points[1]",
        ),
        (
            lambda d: d["components"][2]["tiers"][0].__setitem__("rate", "deux"),
            "components[2].tiers[0].rate",
        ),
        (
            lambda d: d["components"][2]["tiers"][1].__setitem__("up_to", "90000"),
            "components[2].tiers[1].up_to",
        ),
        (lambda d: d["components"][2].__setitem__("mode", "stepped"), "components[2].mode"),
        (
            lambda d: d["components"][1].__setitem__("period", {"support": "year"}),
            "components[1].period.support",
        ),
        (lambda d: d["components"][0].__setitem__("weight", 0.6), "components[0].weight"),
        (lambda d: d["components"][0].pop("metric"), "components[0].metric"),
        (lambda d: d["participants"][0].pop("quota"), "participants[0].quota"),
        (
            lambda d: d["participants"][0].__setitem__("start", "16/02/2026"),
            "participants[0].start",
        ),
        (
            lambda d: d["participants"][0]["components"].append("bonus"),
            "participants[0].components[3]",
        ),
        (lambda d: d["participants"][0].__setitem__("side", "finance"), "participants[0].side"),
        (lambda d: d.__setitem__("clawback_days", "90"), "clawback_days"),
        (lambda d: d.pop("currency"), "currency"),
    ],
)
def test_a_wrong_field_is_named_by_its_json_path(change, path):
    doc = valid()
    change(doc)
    with pytest.raises(PlanError) as error:
        plan_parse(doc)
    assert error.value.path == path
    assert plan_validate(doc) == [str(error.value)] and str(error.value).startswith(f"{path}: ")


def extra_kinds() -> dict[str, Any]:
    return plan(
        [
            commission(),
            {"id": "draw", "kind": "draw", "against": "commission", "amount": "1000.00",
             "recoverable": True, "period": "month"},
            {"id": "ramp", "kind": "ramp", "months": 3, "fraction": "0.5",
             "components": ["commission"], "period": "month"},
            {"id": "salon", "kind": "spiff", "campaign": "Salon", "amount": "100.00",
             "period": "month"},
        ],
        [rep("a@x.fr", ["commission", "draw", "ramp", "salon"])],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda d: d["components"][1].__setitem__("against", "salon"), "components[1].against", "not a commission"),
        (lambda d: d["components"][1].__setitem__("period", "quarter"), "components[1].period", "a draw runs on the period of 'commission'"),
        (lambda d: d["components"][1].__setitem__("recoverable", "oui"), "components[1].recoverable", "expected true or false"),
        (lambda d: d["components"][2].__setitem__("months", 0), "components[2].months", "at least one month"),
        (lambda d: d["components"][2]["components"].append("draw"), "components[2].components[1]", "not an attainment, commission or spiff"),
        (lambda d: d["components"][3].pop("campaign"), "components[3]", "a campaign, a window"),
        (lambda d: d["components"][3].__setitem__("from", "2026-06-01"), "components[3].to", "both from and to"),
        (lambda d: d["components"][3].__setitem__("amount", "100.001"), "components[3].amount", "more than 2 decimal places"),
        (lambda d: d["participants"][0].__setitem__("start", None), "participants[0].start", "a ramp counts from the start"),
        (lambda d: d["participants"][0]["components"].remove("commission"), "participants[0].components[0]", "a draw against 'commission' needs"),
    ],
)  # fmt: skip
def test_draws_ramps_and_spiffs_name_their_wrong_field(change, path, problem):
    doc = extra_kinds()
    assert plan_validate(doc) == []
    change(doc)
    with pytest.raises(PlanError, match=problem) as error:
        plan_parse(doc)
    assert error.value.path == path


def test_the_issue_plan_is_valid():
    assert plan_validate(valid()) == []


# -- the plain loop, and the engine against it --------------------------------------------------


def _periods(year: int, first_month: int, kind: str) -> list[tuple[str, dt.date, dt.date]]:
    def month_start(i: int) -> dt.date:
        m = first_month - 1 + i
        return dt.date(year + m // 12, m % 12 + 1, 1)

    if kind == "year":
        return [(str(year), month_start(0), month_start(12) - dt.timedelta(days=1))]
    if kind == "quarter":
        return [
            (f"{year}-Q{q + 1}", month_start(3 * q), month_start(3 * q + 3) - dt.timedelta(days=1))
            for q in range(4)
        ]
    return [
        (f"{month_start(i):%Y-%m}", month_start(i), month_start(i + 1) - dt.timedelta(days=1))
        for i in range(12)
    ]


def _label_period(label: str, first_month: int) -> tuple[str, dt.date, dt.date]:
    year = int(label[:4])
    kind = "year" if len(label) == 4 else "quarter" if "Q" in label else "month"
    for candidate in (year - 1, year, year + 1):
        for p in _periods(candidate, first_month, kind):
            if p[0] == label:
                return p
    raise AssertionError(label)


def _round(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2)) if x >= 0 else -math.floor(-x + Fraction(1, 2))


def reference(
    doc: dict[str, Any],
    credits: list[Credit],
    metrics: list[Metric],
    label: str,
    first_month: int = 1,
) -> dict[str, tuple[list[tuple[str, str | None, int, str | None]], int]]:
    """Statements the plain way: for each person, each period, each component, with Fractions."""
    comps = {c["id"]: c for c in doc["components"]}
    order = [c["id"] for c in doc["components"]]
    year = doc["year"]
    values = {
        (m.metric, m.scope, m.period): (Fraction(m.actual), Fraction(m.target)) for m in metrics
    }
    fractions = {"month": Fraction(1, 12), "quarter": Fraction(1, 4), "year": Fraction(1)}
    year_start, year_end = _periods(year, first_month, "year")[0][1:]

    def kind_of(c: dict[str, Any], side: str) -> str | None:
        return c["period"] if isinstance(c["period"], str) else c["period"].get(side)

    def overlap(a: dt.date | None, b: dt.date | None, s: dt.date, e: dt.date) -> int:
        lo, hi = max(a or s, s), min(b or e, e)
        return max((hi - lo).days + 1, 0)

    def curve(c: dict[str, Any], a: Fraction) -> Fraction:
        pts = [(Fraction(D(x)), Fraction(D(y))) for x, y in c["curve"]["points"]]
        if a < pts[0][0]:
            y = Fraction(0)
        else:
            y = None
            for (x0, y0), (x1, y1) in itertools.pairwise(pts):
                if x0 <= a <= x1:
                    y = y0 + (y1 - y0) * (a - x0) / (x1 - x0)
                    break
            if y is None:
                slope = (pts[-1][1] - pts[-2][1]) / (pts[-1][0] - pts[-2][0]) if len(pts) > 1 else 0
                y = pts[-1][1] + slope * (a - pts[-1][0])
        cap = c["curve"].get("cap")
        return min(y, Fraction(D(cap))) if cap is not None else y

    def tiers(c: dict[str, Any], basis: Fraction) -> Fraction:
        bounds = [
            (None if t["up_to"] is None else Fraction(D(t["up_to"])), Fraction(D(t["rate"])))
            for t in c["tiers"]
        ]
        if c["mode"] == "retroactive":
            for up, rate in bounds:
                if up is None or basis <= up:
                    return rate * basis
        out, low = Fraction(0), Fraction(0)
        for up, rate in bounds:
            top = basis if up is None else min(basis, up)
            out += rate * max(top - low, 0)
            low = up if up is not None else low
        return out

    def mine(person: str, s: dt.date, e: dt.date, skip: Credit | None) -> list[Credit]:
        return [
            x
            for x in credits
            if x.person == person
            and s <= x.closed_on <= e
            and x is not skip
            and year_start <= x.closed_on <= year_end
        ]

    def cents(
        p: dict[str, Any],
        cid: str,
        kind: str,
        period: tuple[str, dt.date, dt.date],
        skip: Credit | None = None,
    ) -> tuple[int, Fraction | None] | None:
        c = comps[cid]
        lab, s, e = period
        start = day(p["start"]) if p["start"] else None
        end = day(p["end"]) if p["end"] else None
        length = (e - s).days + 1
        prorate = Fraction(overlap(start, end, s, e), length)
        f = fractions[kind]
        if c["kind"] == "ramp":
            rs = start
            n = rs.month - 1 + c["months"]
            y2, m2 = rs.year + n // 12, n % 12 + 1
            last = (dt.date(y2 + m2 // 12, m2 % 12 + 1, 1) - dt.timedelta(days=1)).day
            re = dt.date(y2, m2, min(rs.day, last)) - dt.timedelta(days=1)
            if end:
                re = min(re, end)
            rdays = overlap(rs, re, s, e)
            if rdays == 0:
                return None
            g = _round(
                Fraction(D(p["variable_target"]))
                * 100
                * Fraction(D(c["fraction"]))
                * f
                * Fraction(rdays, length)
            )
            got = sum(
                cents(p, o, kind, period)[0]
                for o in c["components"]
                if o in p["components"] and cents(p, o, kind, period) is not None
            )
            return max(g - got, 0), None
        if prorate == 0:
            return None
        if c["kind"] == "attainment":
            pay = Fraction(D(p["variable_target"])) * Fraction(D(c["weight"])) * f * prorate
            if c["scope"] == "person":
                actual = sum(
                    (Fraction(x.amount) * Fraction(x.share) for x in mine(p["person"], s, e, skip)),
                    Fraction(0),
                )
                a = actual / (Fraction(D(p["quota"][cid])) * f * prorate)
            else:
                actual_v, target_v = values[(c["metric"], c["scope"], lab)]
                a = actual_v / target_v
            return _round(pay * curve(c, a) * 100), a
        if c["kind"] == "commission":
            basis = sum(
                (Fraction(x.amount) * Fraction(x.share) for x in mine(p["person"], s, e, skip)),
                Fraction(0),
            )
            return _round(tiers(c, basis) * 100), None
        if c["kind"] == "spiff":
            n = Fraction(0)
            for x in mine(p["person"], s, e, skip):
                if c.get("campaign") is not None and x.campaign != c["campaign"]:
                    continue
                if c.get("from") and not day(c["from"]) <= x.closed_on <= day(c["to"]):
                    continue
                n += Fraction(x.share)
            return _round(Fraction(D(c["amount"])) * n * 100), None
        # draw: walk the year's periods up to this one
        balance = 0
        for q in _periods(year, first_month, kind):
            qdays = overlap(start, end, q[1], q[2])
            if qdays == 0:
                line = 0
            else:
                g = _round(Fraction(D(c["amount"])) * 100 * Fraction(qdays, (q[2] - q[1]).days + 1))
                paid = cents(p, c["against"], kind, q)[0]
                line = max(g - paid, 0)
                if c["recoverable"]:
                    line -= min(balance, max(paid - g, 0))
            balance += line
            if q[0] == lab:
                return line, None
        raise AssertionError

    out = {}
    lab, s, e = _label_period(label, first_month)
    kind = "year" if len(label) == 4 else "quarter" if "Q" in label else "month"
    in_year = s >= year_start and e <= year_end
    for p in doc["participants"]:
        own = [
            cid
            for cid in order
            if cid in p["components"] and kind_of(comps[cid], p["side"]) == kind
        ]
        if not own:
            continue
        rows: list[tuple[str, str | None, int, str | None]] = []
        if in_year:
            for cid in own:
                got = cents(p, cid, kind, (lab, s, e))
                if got is not None:
                    a = (
                        None
                        if got[1] is None
                        else f"{Decimal(math.floor(got[1] * 10000)).scaleb(-4):.4f}"
                    )
                    rows.append((cid, a, got[0], None))
        claws = []
        for cid in own:
            c = comps[cid]
            if not (
                c["kind"] in ("commission", "spiff")
                or (c["kind"] == "attainment" and c["scope"] == "person")
            ):
                continue
            for x in credits:
                if (
                    x.person != p["person"]
                    or x.cancelled_on is None
                    or not s <= x.cancelled_on <= e
                ):
                    continue
                if (x.cancelled_on - x.closed_on).days > doc[
                    "clawback_days"
                ] or not year_start <= x.closed_on <= year_end:
                    continue
                origin = next(
                    q for q in _periods(year, first_month, kind) if q[1] <= x.closed_on <= q[2]
                )
                before = cents(p, cid, kind, origin)
                if before is None:
                    continue
                line = cents(p, cid, kind, origin, skip=x)[0] - before[0]
                if line:
                    claws.append(
                        (order.index(cid), x.closed_on, x.deal_id, (cid, None, line, x.deal_id))
                    )
        rows += [c[3] for c in sorted(claws)]
        out[p["person"]] = (rows, sum(r[2] for r in rows))
    return out


def year_labels(first_month: int) -> list[str]:
    return [
        p[0] for kind in ("month", "quarter", "year") for p in _periods(2026, first_month, kind)
    ]


def random_case(
    seed: int, first_month: int = 1
) -> tuple[dict[str, Any], list[Credit], list[Metric]]:
    rng = random.Random(seed)
    components = [
        quota(period={"sales": "quarter", "marketing": "month"}),
        shared(),
        commission(
            tiers=[
                {"up_to": "20000", "rate": "0.025"},
                {"up_to": "45000.50", "rate": "0.035"},
                {"up_to": None, "rate": "0.005"},
            ]
        ),
        commission(
            "retro",
            mode="retroactive",
            period="quarter",
            tiers=[{"up_to": "40000", "rate": "0.015"}, {"up_to": None, "rate": "0.0333"}],
        ),
        {
            "id": "draw",
            "kind": "draw",
            "against": "commission",
            "amount": "900.00",
            "recoverable": True,
            "period": "month",
        },
        {
            "id": "ramp",
            "kind": "ramp",
            "months": 3,
            "fraction": "0.75",
            "components": ["commission"],
            "period": "month",
        },
        {
            "id": "salon",
            "kind": "spiff",
            "campaign": "Salon",
            "amount": "250.50",
            "period": "month",
        },
        {
            "id": "summer",
            "kind": "spiff",
            "from": "2026-06-15",
            "to": "2026-08-31",
            "amount": "99.99",
            "period": "quarter",
        },
    ]
    people = [f"p{i}@x.fr" for i in range(24)]
    participants = []
    for i, person in enumerate(people):
        side = "marketing" if i % 5 == 0 else "sales"
        start = day("2026-01-01") + dt.timedelta(days=rng.choice([0, 0, 45, 100, 200, -30]))
        end = None if rng.random() < 0.8 else start + dt.timedelta(days=rng.randint(60, 300))
        extra = rng.sample(["commission", "retro", "salon", "summer"], rng.randint(1, 4))
        own = ["quota", "shared", *extra]
        if "commission" in own and rng.random() < 0.5:
            own.append("draw")
        if "commission" in own and rng.random() < 0.5:
            own.append("ramp")
        participants.append(
            {
                "person": person,
                "side": side,
                "variable_target": f"{rng.randint(5000, 40000)}.{rng.randint(0, 99):02d}",
                "start": str(start),
                "end": str(end) if end else None,
                "components": own,
                "quota": {"quota": f"{rng.randint(100000, 900000)}.{rng.randint(0, 99):02d}"},
            }
        )
    doc = plan(components, participants, clawback_days=60)
    credits = []
    for n in range(500):
        closed = day("2025-12-01") + dt.timedelta(days=rng.randint(0, 420))
        cancelled = closed + dt.timedelta(days=rng.randint(0, 120)) if rng.random() < 0.15 else None
        amount = (
            D(rng.choice([rng.randint(100, 90000), 20000, 45000, 1001]))
            + D(rng.randint(0, 99)) / 100
        )
        owners = rng.sample([*people, "stranger@x.fr"], rng.choice([1, 1, 1, 2, 3]))
        shares = {1: ["1"], 2: ["0.6", "0.4"], 3: ["0.5", "0.25", "0.25"]}[len(owners)]
        campaign = rng.choice([None, "Salon", "Webinaire"])
        for owner, share in zip(owners, shares, strict=True):
            credits.append(Credit(f"d{n}", owner, amount, D(share), closed, cancelled, campaign))
    metrics = []
    for label in year_labels(first_month):
        target = rng.randint(500, 2000)
        metrics.append(
            Metric(
                "marketing_pipeline", "workspace", label, D(rng.randint(0, 2 * target)), D(target)
            )
        )
    return doc, credits, metrics


@pytest.mark.parametrize(("seed", "first_month"), [(1, 1), (2, 1), (3, 1), (4, 4)])
def test_the_engine_agrees_with_the_plain_loop_on_a_random_year(seed, first_month):
    doc, credits, metrics = random_case(seed, first_month)
    payouts = Payouts(plan_parse(doc), credits, metrics, first_month)
    after = ["2027-01", "2027-Q1"] if first_month == 1 else ["2027-04", "2027-Q1"]
    clawbacks = 0
    for label in year_labels(first_month) + after:
        expected = reference(doc, credits, metrics, label, first_month)
        got = {
            s.person: (
                [
                    (x.component, x.as_dict()["attainment"], int(x.payout * 100), x.deal_id)
                    for x in s.lines
                ],
                int(s.total * 100),
            )
            for s in payouts.statements(label)
        }
        assert got == expected, label
        clawbacks += sum(1 for rows, _ in got.values() for r in rows if r[3])
    assert clawbacks > 5  # the data exercises the clawbacks
    assert (payouts.total_cents("month") != 0).sum() > 100
