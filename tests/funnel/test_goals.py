"""Goals (cordee.funnel.goals, services.goal_*): the rules, the history, progress worked by
hand, permissions, the API, and a query count that does not grow with the goals.

Acme (EUR, fiscal year = calendar year, UTC). SQLs = opportunities created from a lead:

| month   | SQLs created on                  | count |
|---------|----------------------------------|-------|
| 2025-11 | 1 Nov × 8 (Acme's first data)    | 8     |
| 2025-12 | 4 Dec × 12                       | 12    |
| 2026-01 | 5 Jan × 10                       | 10    |
| 2026-02 | 6 Feb × 6                        | 6     |
| 2026-03 | 2, 5, 9, 10 Mar                  | 4     |

Goal: SQLs, whole workspace, 2026-03, today 10 March (10 days of 31 elapsed, today counted).
Pace = mean of Feb, Jan, Dec, Nov = (6 + 10 + 12 + 8) / 4 = 9.
Forecast = 4 + (31 − 10)/31 × 9 = 4 + 189/31 = 313/31 = 10.096… → "10.10".
Target 12 → 10.0968 / 12 = 0.8414 < 0.85: off track; target 11 → 0.9179: at risk;
with RevOps' at-risk threshold at 0.80, target 12 is at risk.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cordee.core.errors import Conflict, PermissionDenied, ValidationFailed
from cordee.funnel import goals, kpis, services
from cordee.funnel.models import Goal, GoalChange, Opportunity
from tests import factories as f

TODAY = dt.date(2026, 3, 10)


def _sqls(ws: Any, day: str, count: int) -> None:
    for _i in range(count):
        f.OpportunityFactory(
            workspace=ws,
            lead=f.LeadFactory(workspace=ws),
            created_on=dt.date.fromisoformat(day),
            amount=Decimal("1000.00"),
        )


@pytest.fixture
def history(personas: Any) -> Any:
    ws = personas.acme
    assert (ws.currency, ws.fiscal_year_start_month) == ("EUR", 1)
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
        _sqls(ws, day, count)
    return ws


def _create(personas: Any, who: str = "rita", **data: Any) -> Goal:
    base = {
        "kpi": "sqls",
        "scope": "workspace",
        "period": "2026-03",
        "target": "12",
        "marketing_owner": personas.mia.pk,
        "sales_owner": personas.dave.pk,
    }
    return services.goal_create(actor=personas.actor(who), data={**base, **data})


def _fields(error: ValidationFailed) -> set[str]:
    return set(error.field_errors)


# -- the rules -----------------------------------------------------------------------------------


def test_a_shared_goal_with_both_owners(personas):
    goal = _create(personas, who="mia", stretch_target="15")
    goal.refresh_from_db()
    assert (goal.kpi, goal.scope, goal.period) == ("sqls", "workspace", "2026-03")
    assert (goal.period_start, goal.period_end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert (goal.target, goal.stretch_target) == (Decimal("12"), Decimal("15"))
    assert (goal.marketing_owner, goal.sales_owner) == (personas.mia, personas.dave)
    quarter = _create(personas, period="2026-q1", target="30")
    assert (quarter.period, quarter.period_start, quarter.period_end) == (
        "2026-Q1",
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )


@pytest.mark.parametrize(
    ("scope", "kpi", "missing"),
    [
        ("workspace", "sqls", "sales_owner"),  # the workspace's goal is shared
        ("pod", "sqls", "sales_owner"),  # a pod's too
        ("side:sales", "pipeline_created", "sales_owner"),  # a shared KPI
    ],
)
def test_a_shared_goal_missing_an_owner_is_refused(personas, scope, kpi, missing):
    if scope == "pod":
        scope = f"pod:{f.PodFactory(workspace=personas.acme).pk}"
    with pytest.raises(ValidationFailed) as error:
        _create(personas, scope=scope, kpi=kpi, sales_owner=None)
    assert _fields(error.value) == {missing}


def test_a_sides_goal_of_a_sides_kpi_needs_no_owner(personas):
    goal = _create(personas, scope="side:sales", marketing_owner=None, sales_owner=None)
    assert goal.marketing_owner is None and goal.sales_owner is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kpi": "nope"}, "kpi"),
        ({"scope": "team:1"}, "scope"),
        ({"scope": "pod:999999"}, "scope"),
        ({"period": "2026-13"}, "period"),
        ({"period": None}, "period"),
        ({"target": "-1"}, "target"),
        ({"target": "2.5"}, "target"),  # a count is whole
        ({"kpi": "acceptance_rate", "target": "1.5"}, "target"),  # a rate ≤ 1
        ({"kpi": "pipeline_created", "target": "10.001"}, "target"),  # money to the cent
        ({"stretch_target": "11"}, "stretch_target"),  # below the target
        ({"marketing_owner": "dave"}, "marketing_owner"),  # dave is sales
        ({"sales_owner": "carol"}, "sales_owner"),  # Globex's member
    ],
)
def test_bad_input_names_the_field(personas, data, field):
    for key, value in data.items():
        if value in ("dave", "carol"):
            data[key] = getattr(personas, value).pk
    with pytest.raises(ValidationFailed) as error:
        _create(personas, **data)
    assert _fields(error.value) == {field}


def test_lower_is_better_wants_a_lower_stretch(personas):
    goal = _create(personas, kpi="median_sales_cycle", target="40", stretch_target="30")
    assert goal.stretch_target == Decimal("30")
    with pytest.raises(ValidationFailed) as error:
        _create(personas, kpi="median_sales_cycle", target="40", stretch_target="45")
    assert _fields(error.value) == {"stretch_target"}


def test_rollup_sum_refuses_children_that_exceed_or_miss_the_parent(personas):
    # parent 12 SQLs; children side:marketing 5 + side:sales 7 = 12
    parent = _create(personas, rollup="sum")
    sides = {"marketing_owner": None, "sales_owner": None, "parent": parent.pk}
    _create(personas, scope="side:marketing", target="5", **sides)
    sales = _create(personas, scope="side:sales", target="7", **sides)
    # 5 + 8 = 13 > 12: refused, naming the child's target
    with pytest.raises(ValidationFailed) as error:
        services.goal_update(actor=personas.actor("rita"), goal_id=sales.pk, data={"target": 8})
    assert _fields(error.value) == {"target"}
    assert "13" in error.value.field_errors["target"][0]
    # a third child of 1: 5 + 7 + 1 = 13 > 12
    with pytest.raises(ValidationFailed):
        _create(personas, scope=f"person:{personas.bob.pk}", target="1", **sides)
    # the parent moved to 10 while its children sum to 12: misses, refused
    with pytest.raises(ValidationFailed) as error:
        services.goal_update(actor=personas.actor("rita"), goal_id=parent.pk, data={"target": 10})
    assert _fields(error.value) == {"target"} and "12" in error.value.field_errors["target"][0]
    # a parent at 14 misses by 2 too
    with pytest.raises(ValidationFailed):
        services.goal_update(actor=personas.actor("rita"), goal_id=parent.pk, data={"target": 14})
    # independent: the parent may say 14
    services.goal_update(
        actor=personas.actor("rita"),
        goal_id=parent.pk,
        data={"target": 14, "rollup": "independent"},
    )
    assert Goal.objects.get(pk=parent.pk).target == Decimal("14")


def test_rollup_sum_is_for_counts_and_money_and_a_parent_has_the_same_kpi(personas):
    with pytest.raises(ValidationFailed) as error:
        _create(personas, kpi="acceptance_rate", target="0.5", rollup="sum")
    assert _fields(error.value) == {"rollup"}
    parent = _create(personas, rollup="sum")
    with pytest.raises(ValidationFailed) as error:
        _create(personas, kpi="sals", target="1", parent=parent.pk)
    assert _fields(error.value) == {"parent"}
    with pytest.raises(ValidationFailed) as error:  # a goal under itself
        services.goal_update(
            actor=personas.actor("rita"), goal_id=parent.pk, data={"parent": parent.pk}
        )
    assert _fields(error.value) == {"parent"}


def test_a_parent_with_children_is_not_deleted(personas):
    parent = _create(personas)
    child = _create(personas, scope="side:sales", target="3", parent=parent.pk,
                    marketing_owner=None)  # fmt: skip
    with pytest.raises(Conflict):
        services.goal_delete(actor=personas.actor("rita"), goal_id=parent.pk)
    services.goal_delete(actor=personas.actor("rita"), goal_id=child.pk)
    services.goal_delete(actor=personas.actor("rita"), goal_id=parent.pk)
    assert not Goal.objects.filter(workspace=personas.acme).exists()


def test_the_history_keeps_each_change_of_target_and_owner(personas):
    goal = _create(personas, who="dave")
    services.goal_update(
        actor=personas.actor("mia"),
        goal_id=goal.pk,
        data={"target": "14", "marketing_owner": personas.alice.pk},
    )
    services.goal_update(actor=personas.actor("mia"), goal_id=goal.pk, data={"target": "14"})
    rows = list(
        GoalChange.objects.filter(goal=goal).values_list("field", "before", "after", "actor")
    )
    dave, mia, alice = personas.dave.pk, personas.mia.pk, personas.alice.pk
    assert rows == [
        ("target", "", "12", dave),  # the creation
        ("marketing_owner", "", str(mia), dave),
        ("sales_owner", "", str(dave), dave),
        ("target", "12", "14", mia),  # the first change; the second changed nothing
        ("marketing_owner", str(mia), str(alice), mia),
    ]
    history = goals.goal_history(actor=personas.actor("erin"), goal=goal)
    owner = history[-1]
    assert owner["before_text"] == (personas.mia.get_full_name() or personas.mia.email)
    assert owner["after_text"] == (personas.alice.get_full_name() or personas.alice.email)
    assert owner["by"]["id"] == mia


# -- permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "erin"])
def test_only_managers_and_revops_set_goals(personas, who):
    with pytest.raises(PermissionDenied):
        _create(personas, who=who)


@pytest.mark.parametrize("who", ["mia", "dave", "rita"])
def test_managers_of_either_side_and_revops_set_goals(personas, who):
    assert _create(personas, who=who).pk


def test_a_manager_sets_goals_for_the_people_they_read(personas):
    # mia (marketing manager) does not read bob's (a sales rep's) KPIs: 403; dave does
    with pytest.raises(PermissionDenied):
        _create(personas, who="mia", scope=f"person:{personas.bob.pk}", marketing_owner=None,
                sales_owner=None)  # fmt: skip
    goal = _create(personas, who="dave", scope=f"person:{personas.bob.pk}",
                   marketing_owner=None, sales_owner=None)  # fmt: skip
    assert goal.scope == f"person:{personas.bob.pk}"


# -- progress ------------------------------------------------------------------------------------


def test_the_actual_is_the_kpi_catalogues_value(personas, history):
    goal = _create(personas)
    actor = personas.actor("erin")
    progress = goals.goals_progress(actor=actor, goals=[goal], today=TODAY)[goal.pk]
    report = kpis.kpi_report(
        actor=actor,
        scope=kpis.scope_read(actor, "workspace"),
        period=kpis.period_read(personas.acme, "2026-03"),
    )
    assert progress.actual == report.values["sqls"].value == 4  # 2, 5, 9, 10 March


def test_forecast_and_status_worked_by_hand(personas, history):
    # see the module's docstring: pace 9, forecast 313/31 ≈ 10.10
    goal = _create(personas, target="12")
    at_risk = _create(personas, target="11")
    on_track = _create(personas, target="10")
    actor = personas.actor("erin")
    progress = goals.goals_progress(actor=actor, goals=[goal, at_risk, on_track], today=TODAY)
    p = progress[goal.pk]
    assert (p.elapsed, p.days) == (10, 31)
    assert (p.method, p.periods, p.forecast) == ("pace", 4, Decimal("10.10"))
    assert p.status == "off_track"  # 10.0968 / 12 = 0.8414 < 0.85
    assert progress[at_risk.pk].status == "at_risk"  # 0.9179
    assert progress[on_track.pk].status == "on_track"  # 1.0097
    services.goal_thresholds_set(actor=personas.actor("rita"), on_track="1", at_risk="0.80")
    again = goals.goals_progress(actor=actor, goals=[goal], today=TODAY)[goal.pk]
    assert again.status == "at_risk"  # 0.8414 ≥ 0.80


def test_a_previous_period_begun_before_the_first_data_gives_no_pace(personas, history):
    # November's SQLs moved to 3 November: November starts before Acme's first data, so the
    # pace is the mean of Feb, Jan, Dec = (6 + 10 + 12) / 3 = 28/3, and the forecast
    # 4 + 21/31 × 28/3 = 4 + 196/31 = 320/31 = 10.3225… → 10.32
    Opportunity.objects.filter(workspace=history, created_on=dt.date(2025, 11, 1)).update(
        created_on=dt.date(2025, 11, 3)
    )
    goal = _create(personas)
    p = goals.goals_progress(actor=personas.actor("erin"), goals=[goal], today=TODAY)[goal.pk]
    assert (p.method, p.periods, p.forecast) == ("pace", 3, Decimal("10.32"))


def test_before_any_history_the_forecast_is_linear(personas):
    # Acme's first data is 2 March: no previous month counts; 4 SQLs in 10 days of 31
    # → 4 × 31 / 10 = 12.40
    _sqls(personas.acme, "2026-03-02", 2)
    _sqls(personas.acme, "2026-03-09", 2)
    goal = _create(personas)
    p = goals.goals_progress(actor=personas.actor("erin"), goals=[goal], today=TODAY)[goal.pk]
    assert (p.method, p.forecast, p.status) == ("linear", Decimal("12.40"), "on_track")


def test_a_rate_forecast_is_its_actual_and_a_past_period_is_final(personas, history):
    rate = _create(personas, kpi="win_rate", target="0.3")
    past = _create(personas, period="2026-02", target="6")
    p = goals.goals_progress(actor=personas.actor("erin"), goals=[rate, past], today=TODAY)
    assert (p[rate.pk].method, p[rate.pk].actual, p[rate.pk].status) == ("none", None, "unknown")
    assert (p[past.pk].method, p[past.pk].forecast, p[past.pk].status) == (
        "final",
        Decimal("6.00"),
        "on_track",  # 6 of 6
    )


def _many(personas: Any, count: int) -> list[Goal]:
    """``count`` goals over two (scope, period) groups, made without the services' checks."""
    pod = "side:sales"
    keys = ["sqls", "pipeline_created", "sals", "win_rate", "mqls_created"]
    out = []
    for i in range(count):
        out.append(
            Goal.objects.create(
                workspace=personas.acme,
                kpi=keys[i % len(keys)],
                scope="workspace" if i % 2 else pod,
                period="2026-03",
                period_start=dt.date(2026, 3, 1),
                period_end=dt.date(2026, 3, 31),
                target=Decimal(i + 1),
            )
        )
    return out


def test_the_query_count_does_not_grow_with_the_goals(personas, history):
    actor = personas.actor("erin")
    five = _many(personas, 5)
    fifty = five + _many(personas, 45)
    goals.goals_progress(actor=actor, goals=five, today=TODAY)  # warm the caches
    with CaptureQueriesContext(connection) as small:
        goals.goals_progress(actor=actor, goals=five, today=TODAY)
    with CaptureQueriesContext(connection) as large:
        out = goals.goals_progress(actor=actor, goals=fifty, today=TODAY)
    assert len(out) == 50
    assert len(large) == len(small)


def _spread(personas: Any, scopes: list[str], keys: list[str]) -> list[Goal]:
    """A goal of SQLs (a count: a pace is read for it) for each scope × period, unchecked."""
    out = []
    for scope in scopes:
        for key in keys:
            period = kpis.period_read(personas.acme, key)
            out.append(
                Goal.objects.create(
                    workspace=personas.acme,
                    kpi="sqls",
                    scope=scope,
                    period=key,
                    period_start=period.start,
                    period_end=period.end,
                    target=Decimal(10),
                )
            )
    return out


def test_the_query_count_does_not_grow_with_the_scopes_and_periods(personas, history):
    """The KPIs of every (scope, period) — and of the previous periods of each pace — come from
    one read of each kind of row: as many queries for 2 goals as for 40 over 4 scopes and 10
    periods (sides and people: the workspace's and a pod's feedback and attribution KPIs,
    another app's, are read per period)."""
    actor = personas.actor("erin")
    for day, owner in (("2026-02-10", "bob"), ("2026-02-11", "bob"), ("2026-03-03", "dave")):
        f.OpportunityFactory(
            workspace=personas.acme,
            lead=f.LeadFactory(workspace=personas.acme),
            owner=getattr(personas, owner),
            created_on=dt.date.fromisoformat(day),
        )
    people = [f"person:{personas.bob.pk}", f"person:{personas.dave.pk}"]
    one = _spread(personas, ["side:sales"], ["2026-03"])
    months = [f"2026-{m:02d}" for m in range(1, 7)] + ["2025-12", "2026-Q1", "2026-Q2", "2026"]
    many = _spread(personas, ["side:sales", "side:marketing", *people], months)
    goals.goals_progress(actor=actor, goals=one, today=TODAY)  # warm the caches
    with CaptureQueriesContext(connection) as small:
        goals.goals_progress(actor=actor, goals=one, today=TODAY)
    with CaptureQueriesContext(connection) as large:
        out = goals.goals_progress(actor=actor, goals=many, today=TODAY)
    assert len(out) == 40
    assert len(large) <= len(small) + 1  # + the members of the two people
    # the owned SQLs, whatever else was computed with them (the history's have no owner):
    # bob 2 in February, dave 1 in March; both are sales, nobody on the marketing side
    actual = {(g.scope, g.period): out[g.pk].actual for g in many}
    bob, dave = people
    assert [actual[(bob, k)] for k in ("2026-02", "2026-03", "2026-Q1", "2026")] == [2, 0, 2, 2]
    assert [actual[(dave, k)] for k in ("2026-02", "2026-03", "2026-Q1", "2026")] == [0, 1, 1, 1]
    assert [actual[("side:sales", k)] for k in ("2026-02", "2026-03", "2026-Q1")] == [2, 1, 3]
    assert {actual[("side:marketing", k)] for k in months} == {0}
    # bob's pace for March: Feb 2, Jan 0, Dec 0, Nov 0 → mean 1/2; 0 + 21/31 × 1/2 = 0.34
    march = next(g for g in many if (g.scope, g.period) == (bob, "2026-03"))
    assert (out[march.pk].periods, out[march.pk].forecast) == (4, Decimal("0.34"))


def test_a_deleted_pods_goal_has_no_value(personas):
    pod = f.PodFactory(workspace=personas.acme)
    goal = _create(personas, scope=f"pod:{pod.pk}")
    pod.delete()
    p = goals.goals_progress(actor=personas.actor("erin"), goals=[goal], today=TODAY)[goal.pk]
    assert (p.actual, p.state, p.status) == (None, "scope_gone", "unknown")


def test_the_api_list_query_count_does_not_grow_with_the_goals(personas, history, api_as):
    client = api_as("erin")
    _many(personas, 5)
    client.get("goals")
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("goals").json()["items"]) == 5
    _many(personas, 45)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("goals").json()["items"]) == 50
    assert len(large) == len(small)


# -- the API -------------------------------------------------------------------------------------


def test_api_create_read_update_history_delete(personas, history, api_as):
    body = {
        "kpi": "sqls",
        "scope": "workspace",
        "period": "2026-03",
        "target": "12",
        "marketing_owner": personas.mia.pk,
        "sales_owner": personas.dave.pk,
    }
    response = api_as("mia").post("goals", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["target"] == "12" and created["shared"] is True
    assert created["progress"]["actual"] == "4"  # 2, 5, 9, 10 March (before today)
    assert created["sales_owner"]["id"] == personas.dave.pk
    pk = created["id"]
    assert api_as("erin").get(f"goals/{pk}").status_code == 200  # executives read
    listed = api_as("bob").get("goals", {"period": "2026-03"}).json()["items"]
    assert [g["id"] for g in listed] == [pk]
    response = api_as("dave").patch(f"goals/{pk}", {"target": "15"})
    assert response.status_code == 200, response.content
    assert response.json()["target"] == "15"
    items = api_as("erin").get(f"goals/{pk}/history").json()["items"]
    assert [(i["field"], i["before"], i["after"]) for i in items][-1] == ("target", "12", "15")
    assert api_as("dave").delete(f"goals/{pk}").status_code == 204
    assert api_as("dave").get(f"goals/{pk}").status_code == 404


def test_api_permissions_and_errors(personas, api_as):
    goal = _create(personas)
    body = {"kpi": "sqls", "scope": "workspace", "period": "2026-03", "target": "12",
            "marketing_owner": personas.mia.pk}  # fmt: skip
    assert api_as("bob").post("goals", body).status_code == 403  # a rep
    assert api_as("erin").post("goals", body).status_code == 403  # an executive reads only
    assert api_as("erin").patch(f"goals/{goal.pk}", {"target": "1"}).status_code == 403
    response = api_as("mia").post("goals", body)
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"sales_owner"}
    for call in (
        lambda c: c.get(f"goals/{goal.pk}"),
        lambda c: c.patch(f"goals/{goal.pk}", {"target": "1"}),
        lambda c: c.delete(f"goals/{goal.pk}"),
        lambda c: c.get(f"goals/{goal.pk}/history"),
    ):
        assert call(api_as("carol")).status_code == 404  # Globex's RevOps
    assert api_as("carol").get("goals").json()["items"] == []


def test_api_a_persons_goal_is_read_as_their_kpis(personas, api_as):
    goal = _create(personas, scope=f"person:{personas.bob.pk}", marketing_owner=None,
                   sales_owner=None)  # fmt: skip
    assert api_as("alice").get(f"goals/{goal.pk}").status_code == 403
    assert api_as("alice").get("goals").json()["items"] == []
    assert api_as("bob").get(f"goals/{goal.pk}").status_code == 200


def test_api_thresholds(personas, api_as):
    assert api_as("erin").get("goals/thresholds").json() == {"on_track": "1.00", "at_risk": "0.85"}
    client = api_as("rita")
    response = client._call("put", "goals/thresholds", {"on_track": "0.95", "at_risk": "0.8"})
    assert response.status_code == 200, response.content
    assert api_as("erin").get("goals/thresholds").json() == {"on_track": "0.95", "at_risk": "0.80"}
    response = api_as("dave")._call("put", "goals/thresholds", {"on_track": "1", "at_risk": "0.8"})
    assert response.status_code == 403
    response = client._call("put", "goals/thresholds", {"on_track": "0.8", "at_risk": "0.9"})
    assert response.status_code == 422 and "at_risk" in response.json()["error"]["fields"]
