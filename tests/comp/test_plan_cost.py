"""Finance's plan cost (comp.cost, analytics.plan_cost): a tiny plan of 2026 costed at last year's
distribution and at uniform attainments, every number worked by hand below.

The plan (fiscal year = calendar year):

- ``quota``: revenue won on the person, quarterly, weight 0.75, curve (0.5, 0) (1, 1) (1.5, 2),
  cap 2.5;
- ``commission``: quarterly, marginal, 2 % up to 50 000, 5 % beyond;
- ``shared``: ``marketing_pipeline`` on the workspace, quarterly for sales and yearly for
  marketing, weight 0.25, curve (0.8, 0.5) (1, 1), cap 1.5.

Bob (sales, variable target 40 000, annual quota 400 000, the whole year) and Dave (sales,
20 000, quota 200 000, from 1 August: Q3 prorated 61/92 — 31 + 30 of its 92 days —, Q4 whole)
take the three; Alice (marketing, 48 000) the shared one: 48 000 × 0.25 = 12 000 of target
pay a year. A sales quarter's target pay: Bob 40 000 × 0.75 / 4 = 7 500 (quota) and
40 000 × 0.25 / 4 = 2 500 (shared); Dave 3 750 and 1 250. Bob's quarterly quota 100 000,
Dave's 50 000.

**Last year (2025)**: D1 80 000 won 10 Feb by Bob; D2 120 000 won 20 May, split Bob 0.5 /
Rita 0.5 (Rita is no participant); D3 130 000 won 5 Aug by Bob. Goals of
``pipeline_attributed_marketing`` on the workspace: 2025-Q1 500 000 (signed pipeline credits
300 000 + 100 000 = 400 000: 0.8) and 2025 2 000 000 (2 000 000 + 200 000 = 2 200 000: 1.1); no
goal for 2025-Q2…Q4: 100 %.

- Bob's deals replayed in 2026: Q1 80 000 (0.8), Q2 60 000 (0.6), Q3 130 000 (1.3), Q4 0.
  quota: 0.6 × 7 500 = 4 500.00, 0.2 × 7 500 = 1 500.00, 1.6 × 7 500 = 12 000.00, 0 →
  **18 000.00**. commission: 1 000 + 1 500 = 2 500.00, 1 000 + 500 = 1 500.00, 1 000 + 4 000 =
  5 000.00, 0 → **9 000.00**. shared: Q1 0.8 → 0.5 × 2 500 = 1 250.00, then 2 500.00 × 3 →
  **8 750.00**.
- Dave has no deal last year: the median of the others' annual attainments — Bob's alone,
  270 000 / 400 000 = 0.675 — stands for his: fraction (0.675 − 0.5) / 0.5 = 0.35. quota: Q3
  3 750 × 0.35 × 61/92 = 870.2445… → 870.24, Q4 1 312.50 → **2 182.74**. commission: Q3 basis
  50 000 × 61/92 × 0.675 = 22 377.717… × 2 % = 447.554… → 447.55, Q4 33 750 × 2 % = 675.00 →
  **1 122.55**. shared (100 %): Q3 1 250 × 61/92 = 828.804… → 828.80, Q4 1 250.00 →
  **2 078.80**.
- Alice: 1.1 → 1 + 0.1 × 2.5 = 1.25 × 12 000 = **15 000.00**.
- quota 20 182.74, commission 10 122.55, shared 10 828.80 (sales) + 15 000.00 (marketing);
  sales 41 134.09, total **56 134.09**.
- On target: Bob 40 000.00, Dave 20 000 × 153/365 = 8 383.5616… → 8 383.56 (sales 48 383.56),
  Alice 48 000.00: **96 383.56**. Ratio 56 134.09 / 96 383.56 = 0.58240… → 0.5824.

**Every attainment at 120 %**: quota 1.4, shared 1 + 0.2 × 2.5 = 1.5 (the cap). Bob: quota
10 500 × 4 = 42 000.00; commission on 120 000: 1 000 + 3 500 = 4 500 × 4 = 18 000.00; shared
3 750 × 4 = 15 000.00. Dave: quota 5 250 × 61/92 = 3 480.978… → 3 480.98 + 5 250.00 =
8 730.98; commission Q3 on 60 000 × 61/92 = 39 782.608… × 2 % = 795.652… → 795.65, Q4 on
60 000: 1 500.00 → 2 295.65; shared 1 875 × 61/92 = 1 243.206… → 1 243.21 + 1 875.00 =
3 118.21. Alice 18 000.00. quota 50 730.98, commission 20 295.65, shared 18 118.21 + 18 000.00;
sales 89 144.84, total **107 144.84**; ratio 107 144.84 / 96 383.56 = 1.111650… → 1.1117.

**At 100 %**: Bob 30 000.00 + 14 000.00 (3 500 a quarter) + 10 000.00; Dave quota 3 750 × 61/92
= 2 486.413… → 2 486.41 + 3 750.00, commission 33 152.173… × 2 % = 663.043… → 663.04 +
1 000.00, shared 828.80 + 1 250.00; Alice 12 000.00: total **75 978.25**.

**At 80 %** (the shared curve's hurdle, reached exactly: 0.5): Bob 18 000.00 + 10 000.00 +
5 000.00; Dave quota 2 250 × 61/92 = 1 491.847… → 1 491.85 + 2 250.00, commission
26 521.739… × 2 % = 530.434… → 530.43 + 800.00, shared 625 × 61/92 = 414.402… → 414.40 +
625.00; Alice 6 000.00: total **45 111.68**.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.test import Client

from cordee.analytics.comp_data import Credit
from cordee.analytics.comp_plan import plan_parse
from cordee.analytics.plan_cost import (
    cost_compute,
    credits_shifted,
    last_year_scenario,
    shared_needs,
    uniform_scenario,
)
from cordee.comp import cost, services
from cordee.core.errors import NotFound
from cordee.funnel.credits import opportunity_credits_set
from cordee.funnel.models import OpportunityStage
from tests import factories as f
from tests.comp.workspace import goal, lock
from tests.fixtures.api import error_fields

D = Decimal


def plan_document(bob: str, dave: str, alice: str) -> dict[str, Any]:
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
                "weight": "0.75",
                "curve": {"points": [["0.5", "0"], ["1.0", "1.0"], ["1.5", "2.0"]], "cap": "2.5"},
            },
            {
                "id": "commission",
                "kind": "commission",
                "basis": "revenue_won",
                "scope": "person",
                "period": "quarter",
                "mode": "marginal",
                "tiers": [{"up_to": "50000", "rate": "0.02"}, {"up_to": None, "rate": "0.05"}],
            },
            {
                "id": "shared",
                "kind": "attainment",
                "metric": "marketing_pipeline",
                "scope": "workspace",
                "period": {"sales": "quarter", "marketing": "year"},
                "weight": "0.25",
                "curve": {"points": [["0.8", "0.5"], ["1.0", "1.0"]], "cap": "1.5"},
            },
        ],
        "participants": [
            {
                "person": bob,
                "side": "sales",
                "variable_target": "40000.00",
                "start": "2026-01-01",
                "end": None,
                "components": ["quota", "commission", "shared"],
                "quota": {"quota": "400000.00"},
            },
            {
                "person": dave,
                "side": "sales",
                "variable_target": "20000.00",
                "start": "2026-08-01",
                "end": None,
                "components": ["quota", "commission", "shared"],
                "quota": {"quota": "200000.00"},
            },
            {
                "person": alice,
                "side": "marketing",
                "variable_target": "48000.00",
                "start": None,
                "end": None,
                "components": ["shared"],
            },
        ],
    }


LAST_YEAR = {  # component → side → cost, by hand (the module's docstring)
    "quota": {"sales": D("20182.74")},
    "commission": {"sales": D("10122.55")},
    "shared": {"sales": D("10828.80"), "marketing": D("15000.00")},
}
AT_120 = {
    "quota": {"sales": D("50730.98")},
    "commission": {"sales": D("20295.65")},
    "shared": {"sales": D("18118.21"), "marketing": D("18000.00")},
}


def _by_component(result: Any) -> dict[str, dict[str, Decimal]]:
    return {c.component: c.by_side for c in result.components}


# -- the pure computation ------------------------------------------------------------------------


def _credits() -> list[Credit]:
    return [
        Credit("1", "bob", D("80000.00"), D("1"), dt.date(2025, 2, 10)),
        Credit("2", "bob", D("120000.00"), D("0.5"), dt.date(2025, 5, 20)),
        Credit("2", "rita", D("120000.00"), D("0.5"), dt.date(2025, 5, 20)),
        Credit("3", "bob", D("130000.00"), D("1"), dt.date(2025, 8, 5)),
    ]


def test_last_years_distribution_by_hand_in_the_engine():
    plan = plan_parse(plan_document("bob", "dave", "alice"))
    shared = {("marketing_pipeline", "workspace", f"2026-Q{q}"): Fraction(1) for q in (2, 3, 4)}
    shared[("marketing_pipeline", "workspace", "2026-Q1")] = Fraction(4, 5)
    shared[("marketing_pipeline", "workspace", "2026")] = Fraction(11, 10)
    scenario, median, assumed = last_year_scenario(plan, _credits(), shared)
    assert (median, assumed) == (Fraction(27, 40), ("dave",))  # Alice has no credited component
    result = cost_compute(plan, scenario)
    assert _by_component(result) == LAST_YEAR
    assert result.by_side == {"sales": D("41134.09"), "marketing": D("15000.00")}
    assert (result.total, result.on_target) == (D("56134.09"), D("96383.56"))
    assert result.on_target_by_side == {"sales": D("48383.56"), "marketing": D("48000.00")}
    assert result.ratio == Fraction(5613409, 9638356)


def test_a_deal_cancelled_last_year_is_clawed_back_again():
    """D3 (130 000, 5 Aug 2025) cancelled on 1 Sep 2025, 27 days later: replayed, Q3 2026 pays
    its 12 000.00 (quota) and 5 000.00 (commission) and claws both back (without D3, Q3 is at
    0: 0.00 and 0.00). Bob: quota 18 000 − 12 000 = 6 000.00, commission 9 000 − 5 000 =
    4 000.00; Dave's median is unchanged (the deal counted where it closed)."""
    plan = plan_parse(plan_document("bob", "dave", "alice"))
    credits = _credits()
    credits[-1] = Credit(
        "3", "bob", D("130000.00"), D("1"), dt.date(2025, 8, 5), dt.date(2025, 9, 1)
    )
    shared = dict.fromkeys((key for key, _b in shared_needs(plan)), Fraction(1))
    scenario, median, _assumed = last_year_scenario(plan, credits, shared)
    result = _by_component(cost_compute(plan, scenario))
    assert median == Fraction(27, 40)
    assert result["quota"] == {"sales": D("6000.00") + D("2182.74")}
    assert result["commission"] == {"sales": D("4000.00") + D("1122.55")}


def test_every_attainment_at_120_80_and_100_percent():
    plan = plan_parse(plan_document("bob", "dave", "alice"))
    at_120 = cost_compute(plan, uniform_scenario(plan, Fraction(6, 5)))
    assert _by_component(at_120) == AT_120
    assert (at_120.total, at_120.on_target) == (D("107144.84"), D("96383.56"))
    assert cost_compute(plan, uniform_scenario(plan, Fraction(1))).total == D("75978.25")
    assert cost_compute(plan, uniform_scenario(plan, Fraction(4, 5))).total == D("45111.68")


def test_a_commission_without_a_quota_is_named_and_counts_nothing():
    document = plan_document("bob", "dave", "alice")
    document["participants"][1]["components"] = ["commission"]
    del document["participants"][1]["quota"]
    plan = plan_parse(document)
    result = cost_compute(plan, uniform_scenario(plan, Fraction(1)))
    assert result.no_basis == ("dave",)
    # Bob's 4 × 3 500 alone
    assert _by_component(result)["commission"] == {"sales": D("14000.00")}


def test_last_years_deals_land_a_year_later_a_29_february_on_the_28th():
    leap = Credit("9", "bob", D("10.00"), D("1"), dt.date(2024, 2, 29), dt.date(2024, 3, 1))
    (moved,) = credits_shifted([leap])
    assert (moved.closed_on, moved.cancelled_on) == (dt.date(2025, 2, 28), dt.date(2025, 3, 1))


# -- from the database ---------------------------------------------------------------------------


WON = OpportunityStage.WON


def _deal(ws: Any, amount: str, closed: dt.date, owner: Any) -> Any:
    return f.OpportunityFactory(
        workspace=ws,
        amount=D(amount),
        close_date=closed,
        stage=WON,
        created_on=dt.date(2025, 1, 5),
        owner=owner,
    )


@pytest.fixture
def costed_plan(personas: Any) -> Any:
    return make_costed_plan(personas)


def make_costed_plan(personas: Any) -> Any:
    """The module's plan, last year's deals, goals and signed attributions; Erin is a comp
    admin; a deal of 2026 that last year's scenario must not read."""
    ws = personas.acme
    services.comp_admin_grant(actor=personas.actor("rita"), user_id=personas.erin.pk)
    plan = services.plan_create(
        actor=personas.actor("rita"),
        name="Plan 2026",
        document=plan_document(personas.bob.email, personas.dave.email, personas.alice.email),
    )
    _deal(ws, "80000.00", dt.date(2025, 2, 10), personas.bob)
    split = _deal(ws, "120000.00", dt.date(2025, 5, 20), personas.bob)
    opportunity_credits_set(
        actor=personas.actor("dave"),
        opportunity_id=split.pk,
        shares=[
            {"person": personas.bob.pk, "share": D("0.5")},
            {"person": personas.rita.pk, "share": D("0.5")},
        ],
    )
    _deal(ws, "130000.00", dt.date(2025, 8, 5), personas.bob)
    _deal(ws, "999000.00", dt.date(2026, 2, 1), personas.dave)  # this year's: not last year's
    goal(ws, "2025-Q1", "2025-01-01", "2025-03-31", "500000")
    goal(ws, "2025", "2025-01-01", "2025-12-31", "2000000")
    lock(ws, "2025-01-01", "2025-12-31", {"seo": "2000000.00", "events": "200000"}, "campaign")
    lock(ws, "2025-01-01", "2025-03-31", {"seo": "300000.00", "events": "100000"}, "channel")
    return plan


def test_the_cost_from_last_years_data_by_hand(personas, costed_plan):
    result = cost.plan_cost(actor=personas.actor("erin"), plan_id=costed_plan.pk)
    assert [(s.kind, s.attainment) for s in result.scenarios] == [
        ("last_year", None),
        ("uniform", D("0.8")),
        ("uniform", D("1")),
        ("uniform", D("1.2")),
    ]
    last_year, at_80, at_100, at_120 = (s.cost for s in result.scenarios)
    assert _by_component(last_year) == LAST_YEAR
    assert (last_year.total, last_year.on_target) == (D("56134.09"), D("96383.56"))
    assert _by_component(at_120) == AT_120
    assert (at_80.total, at_100.total, at_120.total) == (
        D("45111.68"),
        D("75978.25"),
        D("107144.84"),
    )
    before = result.last_year
    assert before is not None
    assert (before.year, before.deals, before.median) == (2025, 3, Fraction(27, 40))
    assert before.assumed == (personas.dave.email,)
    used = {s.key[2]: (s.before, s.attainment, s.goal_id is not None) for s in before.shared}
    assert used == {
        "2026-Q1": ("2025-Q1", Fraction(4, 5), True),
        "2026-Q2": ("2025-Q2", Fraction(1), False),
        "2026-Q3": ("2025-Q3", Fraction(1), False),
        "2026-Q4": ("2025-Q4", Fraction(1), False),
        "2026": ("2025", Fraction(11, 10), True),
    }


def test_only_comp_admins_read_the_cost(personas, costed_plan):
    for name in ("rita", "dave", "bob", "carol"):  # RevOps edits the plan, but reads no pay
        with pytest.raises(NotFound):
            cost.plan_cost(actor=personas.actor(name), plan_id=costed_plan.pk)


def test_the_cost_through_the_api(personas, costed_plan, api_as):
    url = f"comp/plans/{costed_plan.pk}/cost"
    body = api_as("erin").get(url).json()
    assert (body["plan"], body["version"], body["year"], body["currency"]) == (
        costed_plan.pk,
        1,
        2026,
        "EUR",
    )
    last_year = body["scenarios"][0]
    assert (last_year["kind"], last_year["attainment"]) == ("last_year", None)
    assert last_year["components"] == [
        {
            "component": "quota",
            "kind": "attainment",
            "sales": "20182.74",
            "marketing": None,
            "total": "20182.74",
        },
        {
            "component": "commission",
            "kind": "commission",
            "sales": "10122.55",
            "marketing": None,
            "total": "10122.55",
        },
        {
            "component": "shared",
            "kind": "attainment",
            "sales": "10828.80",
            "marketing": "15000.00",
            "total": "25828.80",
        },
    ]
    assert last_year["sides"] == [
        # 41 134.09 / 48 383.56 = 0.85016…; 15 000 / 48 000 = 0.3125
        {"side": "sales", "cost": "41134.09", "on_target": "48383.56", "ratio": "0.8502"},
        {"side": "marketing", "cost": "15000.00", "on_target": "48000.00", "ratio": "0.3125"},
    ]
    assert (last_year["total"], last_year["on_target"], last_year["ratio"]) == (
        "56134.09",
        "96383.56",
        "0.5824",
    )
    assert [s["attainment"] for s in body["scenarios"][1:]] == ["0.8", "1", "1.2"]
    assert body["last_year"]["median_attainment"] == "0.675"
    assert body["last_year"]["assumed"] == [personas.dave.email]

    asked = api_as("erin").get(url, {"attainment": "1.2"}).json()
    assert asked["last_year"] is None
    (only,) = asked["scenarios"]
    assert (only["kind"], only["attainment"], only["total"], only["ratio"]) == (
        "uniform",
        "1.2",
        "107144.84",
        "1.1117",
    )
    for bad in ("11", "-0.1", "beaucoup"):
        refused = api_as("erin").get(url, {"attainment": bad})
        assert refused.status_code == 422 and set(error_fields(refused)) == {"attainment"}
    for name in ("rita", "dave", "bob", "carol"):
        response = api_as(name).get(url)
        assert response.status_code == 404, name


def _client(user: Any) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_cost_page_with_a_scenario_of_ones_own(personas, costed_plan):
    url = f"/w/acme/pay/plans/{costed_plan.pk}/cost/"
    plan_page = _client(personas.erin).get(f"/w/acme/pay/plans/{costed_plan.pk}/").content
    assert f'href="{url}"'.encode() in plan_page
    assert url.encode() not in _client(personas.rita).get(f"/w/acme/pay/plans/{costed_plan.pk}/")
    page = _client(personas.erin).get(url, {"attainment": "135"})
    assert page.status_code == 200
    context = page.context
    assert context["heads"] == ["Last year's distribution", "80 %", "100 %", "120 %", "135 %"]
    rows = {r["label"]: r["cells"] for r in context["rows"]}
    assert rows["Total"][0] == "€56,134.09" and rows["Total"][3] == "€107,144.84"
    assert rows["Cost ÷ on target"][:1] == ["58.2 %"]
    assert rows["commission · Sales"][:4] == [
        "€10,122.55",
        "€11,330.43",
        "€15,663.04",
        "€20,295.65",
    ]
    text = page.content.decode()
    assert "€96,383.56" in text and "Dave Test" in text  # on target; Dave at the median
    refused = _client(personas.erin).get(url, {"attainment": "beaucoup"})
    assert refused.context["error"] and len(refused.context["heads"]) == 4
    for name in ("rita", "dave", "bob"):
        assert _client(getattr(personas, name)).get(url).status_code == 404, name


def test_the_cost_reads_a_bounded_number_of_queries(personas, costed_plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as read:
            cost.plan_cost(actor=personas.actor("erin"), plan_id=costed_plan.pk)
        return len(read)

    few = queries()
    for day in range(1, 11):
        _deal(personas.acme, "1000.00", dt.date(2025, 10, day), personas.bob)
        _deal(personas.acme, "1000.00", dt.date(2025, 11, day), personas.dave)
    assert queries() == few
