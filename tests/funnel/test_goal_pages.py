"""The goals screens (funnel/goal_views.py, goals_page.py), the trend and each side's
contribution (funnel/goals.py), and the plan written as goals (services.plan_goals_write).

Acme (EUR, fiscal year = calendar year, UTC), SQLs of 1,000 € each created from a lead:
Nov 2025 × 8, Dec × 12, Jan 2026 × 10, Feb × 6, March on the 2nd, 5th, 9th and 10th (4).
March 2026 is over (today is later): its goals are final.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cordee.funnel import goals, goals_page, kpis, services
from cordee.funnel.models import Goal, GoalChange, GoalThresholds, Opportunity, SlaContract
from tests import factories as f
from tests.fixtures.api import error_fields

TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def history(personas: Any) -> Any:
    ws = personas.acme
    for day, count in (
        ("2025-11-01", 8),
        ("2025-12-04", 12),
        ("2026-01-05", 10),
        ("2026-02-06", 6),
        ("2026-03-02", 1),
        ("2026-03-05", 1),
        ("2026-03-09", 1),
        ("2026-03-10", 1),
    ):
        for _i in range(count):
            f.OpportunityFactory(
                workspace=ws,
                lead=f.LeadFactory(workspace=ws),
                created_on=dt.date.fromisoformat(day),
                amount=Decimal("1000.00"),
                source="marketing",
            )
    return ws


def _goal(personas: Any, **data: Any) -> Goal:
    base = {
        "kpi": "sqls",
        "scope": "workspace",
        "period": "2026-03",
        "target": "12",
        "marketing_owner": personas.mia.pk,
        "sales_owner": personas.dave.pk,
    }
    return services.goal_create(actor=personas.actor("rita"), data={**base, **data})


def _client(user: Any, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


# -- the trend -----------------------------------------------------------------------------------


def test_the_trend_reads_each_sunday_of_a_month_and_twice_a_month_of_a_quarter():
    march = goals.trend_days(dt.date(2026, 3, 1), dt.date(2026, 3, 31), dt.date(2026, 6, 1))
    assert [d.day for d in march] == [1, 8, 15, 22, 29, 31]  # 1 March 2026 is a Sunday
    quarter = goals.trend_days(dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 2, 20))
    assert quarter == [
        dt.date(2026, 1, 15),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 15),
        dt.date(2026, 2, 20),  # today, and nothing after it
    ]
    assert goals.trend_days(dt.date(2027, 1, 1), dt.date(2027, 3, 31), dt.date(2026, 2, 20)) == []


def test_the_trend_is_the_actual_to_date_at_each_step(personas, history):
    goal = _goal(personas)
    points = goals.goal_trend(actor=personas.actor("erin"), goal=goal)
    # SQLs on 2, 5, 9, 10 March: by the 1st none, by the 8th two, from the 15th four
    assert [(p.day.day, p.actual) for p in points] == [
        (1, 0),
        (8, 2),
        (15, 4),
        (22, 4),
        (29, 4),
        (31, 4),
    ]


# -- each side's contribution --------------------------------------------------------------------


def test_contributions_split_the_actual_by_the_opportunities_source(personas, history):
    march = Opportunity.objects.filter(workspace=history, created_on__month=3).order_by("id")
    for opportunity in march[:2]:  # the 2nd and 5th March: sales prospecting
        Opportunity.objects.filter(pk=opportunity.pk).update(source="sales")
    actor = personas.actor("erin")
    parts = goals.goal_contributions(actor=actor, goal=_goal(personas))
    assert [(p.source, p.value, p.share) for p in parts or []] == [
        ("marketing", 2, Decimal(1) / 2),
        ("sales", 2, Decimal(1) / 2),
        ("partner", 0, 0),
    ]
    pipeline = _goal(personas, kpi="pipeline_created", target="10000")
    parts = goals.goal_contributions(actor=actor, goal=pipeline)
    assert [(p.source, p.value) for p in parts or []] == [
        ("marketing", Decimal("2000.00")),
        ("sales", Decimal("2000.00")),
        ("partner", Decimal(0)),
    ]
    mqls = _goal(personas, kpi="mqls_created", target="10")
    assert goals.goal_contributions(actor=actor, goal=mqls) is None  # not read from deals


def test_a_lead_converted_by_outbound_prospecting_is_sales_sourced(personas):
    from cordee.funnel.models import source_of_lead

    assert source_of_lead("outbound", False) == "sales"
    assert source_of_lead("referral", True) == "sales"
    assert source_of_lead("partner", False) == "partner"
    assert source_of_lead("webinar", False) == "marketing"
    assert source_of_lead("", True) == "marketing"  # a campaign, no channel
    assert source_of_lead("", False) == "sales"


# -- the forecast explained ----------------------------------------------------------------------


def test_the_method_shows_the_goals_own_numbers(personas, history):
    goal = _goal(personas)
    actor = personas.actor("erin")
    progress = goals.goals_progress(actor=actor, goals=[goal], today=TODAY)[goal.pk]
    assert progress.pace == Decimal("9.00")  # (6 + 10 + 12 + 8) / 4
    with_pace = goals_page.method_text(goal, progress, "EUR")
    # 4 + 21 ÷ 31 × 9 = 313/31 = 10.0968 → 10.10, written in French (the default language)
    assert "4 + 21 ÷ 31 × 9 = 10,1." in with_pace
    assert "la moyenne de « SQL » sur les 4 mois précédents" in with_pace
    final = goals.goals_progress(actor=actor, goals=[goal])[goal.pk]  # today: March is over
    assert (final.method, final.forecast, final.status) == ("final", Decimal("4.00"), "off_track")


# -- the pages -----------------------------------------------------------------------------------


def test_the_goals_page_is_a_tree_with_progress(personas, history):
    pod = f.PodFactory(workspace=history, name="Grands comptes")
    parent = _goal(personas, rollup="sum", target="12")
    child = _goal(personas, scope=f"pod:{pod.pk}", parent=parent.pk, target="5")
    _goal(personas, scope="side:sales", marketing_owner=None, sales_owner=None, target="3")
    response = _client(personas.bob).get("/w/acme/goals/", {"period": "2026-03"})
    assert response.status_code == 200
    page = response.content.decode()
    workspace_at, child_at = (
        page.index(f'id="goal-{parent.pk}"'),
        page.index(f'id="goal-{child.pk}"'),
    )
    assert workspace_at < child_at and f'goal--depth-1" id="goal-{child.pk}"' in page
    rows = {r["id"]: r for r in response.context["rows"]}
    assert (rows[parent.pk]["actual"], rows[parent.pk]["target"]) == ("4", "12")
    assert rows[parent.pk]["status_label"] == "Off track"  # 4 ÷ 12 = 33 %, below 85 %
    assert rows[parent.pk]["fill"] == 28  # 4/12 of the target, the target at 1/1.2: 27.8 %
    assert rows[parent.pk]["children_sum"] == "5"
    assert [r["depth"] for r in response.context["rows"]] == [0, 1, 0]  # workspace, its pod, sales
    assert "On track when the forecast reaches 100 % of the target" in page


def test_a_bad_period_is_named(personas):
    response = _client(personas.bob).get("/w/acme/goals/", {"period": "2026-13"})
    assert response.status_code == 422
    assert "Give a fiscal year (2027), a quarter (2027-Q1) or a month (2027-03)." in (
        response.content.decode()
    )


def test_the_goal_page_explains_charts_and_splits(personas, history):
    goal = _goal(personas)
    services.goal_update(actor=personas.actor("dave"), goal_id=goal.pk, data={"target": "10"})
    response = _client(personas.erin).get(f"/w/acme/goals/{goal.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The period is over: the forecast is the final value." in page
    assert (
        "<svg" in response.context["charts"]["wide"]
        and "<svg" in response.context["charts"]["narrow"]
    )
    assert [c["value"] for c in response.context["contributions"]] == ["4", "0", "0"]
    history_rows = response.context["history"]
    assert [(h["field"], h["before"], h["after"]) for h in history_rows][-1] == (
        "target",
        "12",
        "10",
    )
    trend = _client(personas.erin).get(f"/w/acme/goals/{goal.pk}/trend/")
    assert trend.status_code == 200 and b"<svg" in trend.content


def test_set_edit_and_delete_a_goal_from_the_pages(personas, history):
    client = _client(personas.dave)
    bad = client.post(
        "/w/acme/goals/new/",
        {
            "kpi": "sqls",
            "scope": "workspace",
            "period": "2026-03",
            "target": "2.5",
            "rollup": "independent",
        },
    )
    assert bad.status_code == 422
    assert "A count is a whole number." in bad.content.decode()
    assert not Goal.objects.filter(workspace=history).exists()
    made = client.post(
        "/w/acme/goals/new/",
        {
            "kpi": "sqls",
            "scope": "workspace",
            "period": "2026-03",
            "target": "12",
            "marketing_owner": personas.mia.pk,
            "sales_owner": personas.dave.pk,
            "rollup": "independent",
        },
    )
    goal = Goal.objects.get(workspace=history)
    assert made.status_code == 302 and made["Location"] == f"/w/acme/goals/{goal.pk}/"
    edited = client.post(
        f"/w/acme/goals/{goal.pk}/edit/",
        {
            "target": "14",
            "stretch_target": "16",
            "marketing_owner": personas.mia.pk,
            "sales_owner": personas.dave.pk,
            "rollup": "independent",
        },
    )
    assert edited.status_code == 302
    goal.refresh_from_db()
    assert (goal.target, goal.stretch_target) == (Decimal(14), Decimal(16))
    changes = GoalChange.objects.filter(goal=goal, field="target").order_by("id")
    assert [(c.before, c.after) for c in changes] == [("", "12"), ("12", "14")]
    deleted = client.post(f"/w/acme/goals/{goal.pk}/delete/")
    assert deleted.status_code == 302 and deleted["Location"] == "/w/acme/goals/?period=2026-03"
    assert not Goal.objects.filter(pk=goal.pk).exists()


def test_revops_sets_the_thresholds_in_percent(personas):
    client = _client(personas.rita)
    client.post("/w/acme/goals/thresholds/", {"on_track": "95", "at_risk": "80"})
    row = GoalThresholds.objects.get(workspace=personas.acme)
    assert (row.on_track, row.at_risk) == (Decimal("0.95"), Decimal("0.80"))
    response = client.post(
        "/w/acme/goals/thresholds/", {"on_track": "95", "at_risk": "99"}, follow=True
    )
    assert "At risk starts at or below on track." in response.content.decode()
    row.refresh_from_db()
    assert (row.on_track, row.at_risk) == (Decimal("0.95"), Decimal("0.80"))  # kept


def test_the_executives_home_shows_the_current_shared_goals(personas):
    quarter = kpis.current_period(personas.acme).key.removeprefix("FY")
    goal = _goal(personas, period=quarter, kpi="sals", target="40")
    _goal(personas, period="2020-Q1", kpi="sals", target="40")  # long over: not shown
    response = _client(personas.erin).get("/w/acme/")
    block = next(b for b in response.context["home"].needs if b.code == "shared_goals")
    assert [i.url for i in block.items] == [f"/w/acme/goals/{goal.pk}/"]
    assert f'href="/w/acme/goals/{goal.pk}/"' in response.content.decode()


# -- the plan written as goals -------------------------------------------------------------------

PLAN = {
    "revenue": "100000",
    "period": "2027-Q1",
    "deal_size": "10000",
    "mql_to_sal": "0.5",
    "sal_to_sql": "0.4",
    "sql_to_won": "0.25",
    "marketing_share": "0.6",
}


def test_the_plan_is_written_as_shared_goals_and_proposed_in_the_sla(personas):
    # customers ⌈100 000 ÷ 10 000⌉ = 10; SQLs ⌈10 ÷ 0.25⌉ = 40; SALs ⌈40 ÷ 0.4⌉ = 100;
    # MQLs ⌈100 ÷ 0.5⌉ = 200; marketing's MQLs ⌈200 × 0.6⌉ = 120
    client = _client(personas.dave)
    response = client.post("/w/acme/plan/goals/", PLAN)
    assert response.status_code == 302 and response["Location"] == "/w/acme/goals/?period=2027-Q1"
    written = {
        g.kpi: (g.target, g.scope, g.marketing_owner_id, g.sales_owner_id)
        for g in Goal.objects.filter(workspace=personas.acme, period="2027-Q1")
    }
    owners = (personas.mia.pk, personas.dave.pk)  # the marketing manager, the sales manager
    assert written == {
        "revenue_won": (Decimal("100000"), "workspace", *owners),
        "deals_won": (Decimal(10), "workspace", *owners),
        "sqls": (Decimal(40), "workspace", *owners),
        "sals": (Decimal(100), "workspace", *owners),
        "mqls_created": (Decimal(200), "workspace", *owners),
        "acceptance_rate": (Decimal("0.5"), "workspace", *owners),
    }
    contract = SlaContract.objects.get(workspace=personas.acme, period_start=dt.date(2027, 1, 1))
    assert (contract.period_end, contract.pod_id) == (dt.date(2027, 3, 31), None)
    assert (contract.mql_volume, contract.acceptance_floor) == (120, Decimal("50.00"))
    assert contract.marketing_signed_at is None and contract.sales_signed_at is None

    again = client.post("/w/acme/plan/goals/", PLAN, follow=True)
    assert "0 set, 0 changed, 6 unchanged" in again.content.decode()
    assert Goal.objects.filter(workspace=personas.acme, period="2027-Q1").count() == 6
    assert GoalChange.objects.filter(workspace=personas.acme, field="target").count() == 6

    services.sla_contract_sign(actor=personas.actor("mia"), contract_id=contract.pk)
    services.sla_contract_sign(actor=personas.actor("dave"), contract_id=contract.pk)
    # a bigger goal: 12 customers, 48 SQLs, 120 SALs, 240 MQLs, 144 for marketing
    client.post("/w/acme/plan/goals/", {**PLAN, "revenue": "120000"})
    assert (
        Goal.objects.get(workspace=personas.acme, period="2027-Q1", kpi="mqls_created").target
        == 240
    )
    contract.refresh_from_db()
    assert (contract.mql_volume, contract.acceptance_floor) == (144, Decimal("50.00"))
    assert contract.marketing_signed_at is None  # changed terms: both sides sign again


def test_the_plan_needs_a_period_and_a_writer(personas):
    refused = _client(personas.dave).post("/w/acme/plan/goals/", {**PLAN, "period": ""})
    assert refused.status_code == 422
    assert refused.context["goal_errors"] == {
        "Period": ["Give the plan's period to write it as goals."]
    }
    assert _client(personas.bob).post("/w/acme/plan/goals/", PLAN).status_code == 403
    assert not Goal.objects.filter(workspace=personas.acme).exists()


def test_a_workspace_with_nested_goals_is_deleted_whole(personas):
    parent = _goal(personas, kpi="pipeline_created", target="5000", rollup="sum")
    _goal(personas, kpi="pipeline_created", target="5000", scope="side:sales", parent=parent.pk)
    personas.acme.delete()  # the children's restriction yields to the workspace's cascade
    assert not Goal.objects.filter(pk=parent.pk).exists()


def test_the_api_writes_the_plan_as_goals(personas, api_as):
    api = api_as("mia")
    body = {**PLAN, "sales_owner": personas.dave.pk}
    response = api.post("plans/goals", body)
    assert response.status_code == 200, response.content
    out = response.json()
    assert (out["period"], out["scope"], out["created"], out["changed"]) == (
        "2027-Q1",
        "workspace",
        6,
        0,
    )
    assert out["contract"]["mql_volume"] == 120 and out["contract"]["acceptance_floor"] == "50.00"
    assert sorted(out["goals"]) == sorted(
        Goal.objects.filter(workspace=personas.acme, period="2027-Q1").values_list("pk", flat=True)
    )
    goal = Goal.objects.get(pk=out["goals"][0])
    assert (goal.marketing_owner, goal.sales_owner) == (personas.mia, personas.dave)
    again = api.post("plans/goals", body).json()
    assert (again["created"], again["unchanged"], again["contract"]["proposed"]) == (0, 6, False)
    refused = api.post("plans/goals", {**body, "period": None})
    assert refused.status_code == 422 and set(error_fields(refused)) == {"period"}
