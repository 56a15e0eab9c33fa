"""The planning calculator's inputs from a hand-made history, the plan they give, the CLI and
the API (cordee.funnel.planning).

Acme (Europe/Paris, EUR), "today" 15 April 2026, a window of 3 complete months: the MQL cohorts
of January, February and March 2026.

| lead | MQL (Paris)  | then                                              | routed to |
|------|--------------|---------------------------------------------------|-----------|
| L1   | 10 Jan       | accepted 12 Jan, SQL 22 Jan, won 21 Feb            | Nord      |
| L2   | 20 Jan       | accepted 24 Jan, SQL 7 Feb, lost 1 Mar             | Nord      |
| L8   | 5 Jan        | accepted 6 Jan, SQL 8 Jan, still open              | —         |
| L3a  | 1 Feb 00:30  | rejected by sales (recycled 3 Feb)                 | Nord      |
| L3b  | 5 Mar        | (same lead, MQL again) accepted 6 Mar              | —         |
| L4   | 10 Feb       | SQL 20 Feb (imported: no SAL, implied), won 2 Mar  | —         |
| L5   | 10 Mar       | rejected by sales (disqualified 11 Mar)            | —         |
| L6   | 20 Mar       | still MQL: nobody decided                          | —         |
| L7   | 15 Dec 2025  | accepted 16 Dec (outside the window)               | —         |

By hand, the window's 8 MQL cycles (L1, L2, L8, L3a, L3b, L4, L5, L6), 3 monthly cohorts:
- SAL: L1, L2, L8, L3b, L4 (implied by its SQL) = 5; rejected without SAL: L3a, L5 = 2;
  decided = 7 (L6 waits). MQL→SAL = 5/7 (the metrics page shows SAL ÷ MQLs = 5/8).
- SQL: L1, L2, L8, L4 = 4. SAL→SQL = 4/5.
- Won: L1, L4 = 2; L8's open opportunity counts as not won. SQL→Won = 2/4 = 1/2.

Deals won from 1 January to 31 March (close date), in EUR: 30 000.00 (marketing, L1, pod Nord),
10 000.00 (sales, L4), 5 000.50 (marketing, no lead): 3 deals, 45 000.50 → average
15 000.1666… → 15 000.17; marketing 35 000.50 ÷ 45 000.50 = 70001/90001 (0.7778). Left out:
999.99 USD won in March, 7 777.00 EUR won in December.

Pod Nord: L1, L2, L3a → SAL 2, rejected 1: MQL→SAL 2/3; SQL 2: SAL→SQL 1; won 1: SQL→Won 1/2;
its deals: 30 000.00 marketing → deal size 30 000.00, share 1.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.funnel import planning
from cordee.funnel.metrics import Period, compute_funnel_metrics
from cordee.funnel.models import LeadAssignment, LeadDecision, OpportunityStage, Stage
from cordee.funnel.models.decisions import DecisionKind, RejectionReason
from cordee.funnel.services import lead_reject
from cordee.funnel.stages import ImportedStep, lead_history_import
from tests import factories as f
from tests.fixtures.api import ApiClient, error_fields

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 4, 15)
WINDOW = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
M, A, Q, W = Stage.MQL, Stage.SAL, Stage.SQL, Stage.WON


def at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=PARIS)


def _lead(ws: Any, steps: list[tuple[str, dt.datetime]], **kwargs: Any) -> Any:
    lead = f.LeadFactory(workspace=ws, stage_entered_at=steps[0][1], **kwargs)
    lead_history_import(
        workspace_id=ws.pk, lead=lead, steps=[ImportedStep(s, when) for s, when in steps]
    )
    return lead


def _rejected(lead: Any, mql_at: dt.datetime, when: dt.datetime) -> None:
    LeadDecision.objects.create(
        workspace_id=lead.workspace_id,
        lead=lead,
        mql_at=mql_at,
        kind=DecisionKind.REJECT,
        decided_at=when,
    )


def _won(ws: Any, amount: str, closed: str, source: str, **kwargs: Any) -> None:
    f.OpportunityFactory(
        workspace=ws,
        amount=Decimal(amount),
        stage=OpportunityStage.WON,
        created_on=dt.date.fromisoformat(closed) - dt.timedelta(days=20),
        close_date=dt.date.fromisoformat(closed),
        source=source,
        **kwargs,
    )


@pytest.fixture
def history(personas: Any) -> dict[str, Any]:
    """The table above, in Acme; a full path in Globex that must never count."""
    ws = personas.acme
    assert (ws.time_zone, ws.currency) == ("Europe/Paris", "EUR")
    nord = f.PodFactory(workspace=ws, name="Grands comptes")
    l1 = _lead(
        ws,
        [
            (M, at("2026-01-10")),
            (A, at("2026-01-12")),
            (Q, at("2026-01-22")),
            (W, at("2026-02-21")),
        ],
    )
    l2 = _lead(
        ws,
        [
            (M, at("2026-01-20")),
            (A, at("2026-01-24")),
            (Q, at("2026-02-07")),
            (Stage.LOST, at("2026-03-01")),
        ],
    )
    _lead(ws, [(M, at("2026-01-05")), (A, at("2026-01-06")), (Q, at("2026-01-08"))])
    l3 = _lead(
        ws,
        [
            (M, at("2026-02-01", "00:30")),  # 31 January in UTC: February in Paris
            (Stage.RECYCLED, at("2026-02-03")),
            (M, at("2026-03-05")),
            (A, at("2026-03-06")),
        ],
    )
    _rejected(l3, at("2026-02-01", "00:30"), at("2026-02-03"))
    l4 = _lead(ws, [(M, at("2026-02-10")), (Q, at("2026-02-20")), (W, at("2026-03-02"))])
    l5 = _lead(ws, [(M, at("2026-03-10")), (Stage.DISQUALIFIED, at("2026-03-11"))])
    _rejected(l5, at("2026-03-10"), at("2026-03-11"))
    _lead(ws, [(M, at("2026-03-20"))])
    _lead(ws, [(M, at("2025-12-15")), (A, at("2025-12-16"))])
    for lead, when in (
        (l1, at("2026-01-10")),
        (l2, at("2026-01-20")),
        (l3, at("2026-02-01", "00:30")),
    ):
        LeadAssignment.objects.create(workspace=ws, lead=lead, pod=nord, at=when, rule="test")
    _won(ws, "30000.00", "2026-02-21", "marketing", lead=l1, pod=nord)
    _won(ws, "10000.00", "2026-03-02", "sales", lead=l4)
    _won(ws, "5000.50", "2026-03-15", "marketing")
    _won(ws, "999.99", "2026-03-20", "marketing", currency="USD")
    _won(ws, "7777.00", "2025-12-20", "marketing")
    g = personas.globex
    _lead(
        g,
        [
            (M, at("2026-01-15")),
            (A, at("2026-01-16")),
            (Q, at("2026-01-17")),
            (W, at("2026-01-18")),
        ],
    )
    _won(g, "100000.00", "2026-01-18", "marketing")
    return {"nord": nord}


def _actor(personas: Any, name: str = "erin") -> Actor:
    user = getattr(personas, name)
    return Actor(user=user, workspace=personas.acme, role=user.memberships.get().role)


def _plan(personas: Any, **given: Any) -> planning.PlanResult:
    given.setdefault("window_months", 3)
    return planning.plan_compute(actor=_actor(personas), today=TODAY, **given)


# -- the inputs from the history -------------------------------------------------------------


def test_rates_are_read_from_the_windows_cohorts(personas, history):
    inputs = planning.history_rates(personas.acme, WINDOW)
    assert {n: i.value for n, i in inputs.items()} == {
        "mql_to_sal": Fraction(5, 7),
        "sal_to_sql": Fraction(4, 5),
        "sql_to_won": Fraction(1, 2),
    }
    sal = inputs["mql_to_sal"].source
    assert (sal.numerator, sal.denominator, sal.leads, sal.cohorts) == (5, 7, 7, 3)
    assert sal.detail == {"mqls": 8, "undecided": 1}
    assert (sal.window_start, sal.window_end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    won = inputs["sql_to_won"].source
    assert (won.numerator, won.denominator) == (2, 4)


def test_the_rates_agree_with_the_funnel_metrics_page(personas, history):
    total = compute_funnel_metrics(personas.acme, "month", WINDOW).total
    assert (total.mqls, total.sal, total.sql, total.won) == (8, 5, 4, 2)
    inputs = planning.history_rates(personas.acme, WINDOW)
    assert inputs["sal_to_sql"].value == Fraction(total.sql, total.sal)
    assert inputs["sql_to_won"].value == Fraction(total.won, total.sql)
    assert inputs["mql_to_sal"].source.numerator == total.sal
    assert inputs["mql_to_sal"].source.detail["mqls"] == total.mqls


def test_deal_size_and_marketing_share_come_from_the_deals_won_in_the_window(personas, history):
    inputs = planning.history_deals(personas.acme, WINDOW)
    deal = inputs["deal_size"]
    assert deal.value == Decimal("15000.17")
    assert (deal.source.numerator, deal.source.denominator) == (Decimal("45000.50"), 3)
    assert deal.source.detail["other_currencies"] == {
        "USD": {"deals": 1, "amount": Decimal("999.99")}
    }
    share = inputs["marketing_share"]
    assert share.value == Fraction(70001, 90001)
    assert (share.source.numerator, share.source.denominator) == (
        Decimal("35000.50"),
        Decimal("45000.50"),
    )


def test_a_pods_inputs_come_from_what_was_routed_to_it(personas, history):
    nord = history["nord"]
    rates = planning.history_rates(personas.acme, WINDOW, nord)
    assert {n: i.value for n, i in rates.items()} == {
        "mql_to_sal": Fraction(2, 3),
        "sal_to_sql": Fraction(1),
        "sql_to_won": Fraction(1, 2),
    }
    assert rates["mql_to_sal"].source.cohorts == 2  # January (L1, L2), February (L3a)
    deals = planning.history_deals(personas.acme, WINDOW, nord)
    assert (deals["deal_size"].value, deals["marketing_share"].value) == (
        Decimal("30000.00"),
        Fraction(1),
    )


def test_a_rejection_through_the_service_makes_the_mql_decided(personas):
    ws = personas.acme
    RejectionReason.objects.create(workspace=ws, code="bad_fit", label="Hors cible")
    lead = _lead(ws, [(M, at("2026-03-03", "10:15:42.123456"))])
    lead_reject(actor=_actor(personas, "bob"), lead_id=lead.pk, reason_code="bad_fit")
    _lead(ws, [(M, at("2026-03-04"))])  # nobody decided
    source = planning.history_rates(ws, WINDOW)["mql_to_sal"].source
    assert (source.numerator, source.denominator, source.detail["undecided"]) == (0, 1, 1)


# -- the plan --------------------------------------------------------------------------------


def test_the_plan_from_the_history_worked_by_hand(personas, history):
    # 150 000 ÷ 15 000.17 = 9.9999 → 10 customers; ÷ 1/2 = 20 SQLs; ÷ 4/5 = 25 SALs;
    # ÷ 5/7 = 35 MQLs; 35 × 70001/90001 = 27.22 → 28 of marketing's;
    # lead value 15 000.17 × 10 ÷ 35 = 4 285.762… → 4 285.76
    result = _plan(personas, revenue="150000")
    payload = planning.plan_payload(result)
    assert {k: payload[k] for k in ("customers", "sqls", "sals", "mqls", "marketing_mqls")} == {
        "customers": 10,
        "sqls": 20,
        "sals": 25,
        "mqls": 35,
        "marketing_mqls": 28,
    }
    assert payload["lead_value"] == "4285.76"
    assert payload["window"] == {"start": "2026-01-01", "end": "2026-03-31"}
    inputs = payload["inputs"]
    assert inputs["deal_size"]["value"] == "15000.17"
    assert (inputs["mql_to_sal"]["value"], inputs["mql_to_sal"]["exact"]) == ("0.7143", "5/7")
    assert inputs["marketing_share"]["value"] == "0.7778"
    assert inputs["sal_to_sql"]["source"]["origin"] == "history"
    assert inputs["sal_to_sql"]["source"]["cohorts"] == 3


def test_given_inputs_replace_the_history_one_by_one(personas, history):
    # 150 000 ÷ 15 000.17 → 10 customers; ÷ 0.25 = 40 SQLs; ÷ 4/5 = 50 SALs; ÷ 0.5 = 100 MQLs;
    # × 0.5 = 50
    result = _plan(
        personas, revenue="150000", mql_to_sal="0.5", sql_to_won="0.25", marketing_share="0.5"
    )
    assert (result.plan.sqls, result.plan.sals, result.plan.mqls) == (40, 50, 100)
    assert result.plan.marketing_mqls == 50
    assert result.inputs["sal_to_sql"].source.origin == "history"
    assert result.inputs["mql_to_sal"].source.origin == "given"


def test_the_period_is_read_on_the_fiscal_calendar(personas, history):
    personas.acme.fiscal_year_start_month = 7
    result = _plan(personas, revenue="150000", period="2026-Q2")
    assert result.period is not None
    assert (result.period.key, result.period.start, result.period.end) == (
        "FY2026-Q2",
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"revenue": "-5"}, "revenue"),
        ({"revenue": "0"}, "revenue"),
        ({"revenue": "abc"}, "revenue"),
        ({"deal_size": "-1"}, "deal_size"),
        ({"mql_to_sal": "0"}, "mql_to_sal"),
        ({"sal_to_sql": "1.2"}, "sal_to_sql"),
        ({"marketing_share": "1.5"}, "marketing_share"),
        ({"pod": "Nobody"}, "pod"),
        ({"period": "2026-Q7"}, "period"),
        ({"window_months": "0"}, "window_months"),
    ],
)
def test_a_bad_input_is_an_error_naming_it(personas, history, given, field):
    with pytest.raises(ValidationFailed) as caught:
        _plan(personas, **{"revenue": "1000", **given})
    assert set(caught.value.field_errors) == {field}


def test_an_input_the_history_cannot_give_must_be_given(personas):
    with pytest.raises(ValidationFailed) as caught:
        _plan(personas, revenue="1000", mql_to_sal="0.5", sal_to_sql="0.5")
    assert set(caught.value.field_errors) == {"sql_to_won", "deal_size", "marketing_share"}


# -- the CLI ---------------------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("plan", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


GIVEN = ["--deal-size", "25000", "--rates", "0.3,0.4,0.25", "--marketing-share", "0.6"]


def test_the_cli_gives_the_plan_as_json(personas):
    code, out, _err = _cli(
        "--workspace", "acme", "--revenue", "1000000", *GIVEN, "--format", "json"
    )
    assert code == 0
    payload = json.loads(out)
    # 40 customers, 160 SQLs, 400 SALs, 1333.3 → 1334 MQLs, 800.4 → 801; 25 000 × 40 ÷ 1334
    assert [payload[k] for k in ("customers", "sqls", "sals", "mqls", "marketing_mqls")] == [
        40,
        160,
        400,
        1334,
        801,
    ]
    assert payload["lead_value"] == "749.63"
    assert payload["inputs"]["sql_to_won"] == {
        "value": "0.2500",
        "exact": "1/4",
        "source": {"origin": "given"},
    }


def test_the_cli_reads_the_history_and_prints_a_table(personas, history, monkeypatch):
    monkeypatch.setattr(type(personas.acme), "today", lambda self, now=None: TODAY)
    code, out, _err = _cli(
        "--workspace",
        "acme",
        "--revenue",
        "150000",
        "--window-months",
        "3",
        "--pod",
        "grands-comptes",
        "--language",
        "en",
    )
    assert code == 0, _err
    # Nord: deal 30 000 → 5 customers; ÷ 1/2 = 10 SQLs; ÷ 1 = 10 SALs; ÷ 2/3 = 15 MQLs, all marketing's
    assert "Pod: Grands comptes" in out
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    assert lines["Customers"][-1] == "5"
    assert lines["SQLs"][-1] == "10"
    assert lines["SALs"][-1] == "10"
    assert lines["MQLs"][-1] == "15"
    assert "history 2026-01-01 – 2026-03-31: 2 ÷ 3 (2 cohorts)" in out


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--revenue", "-100"], "--revenue"),
        (["--revenue", "1000", "--rates", "0,0.4,0.25"], "--rates (mql_to_sal)"),
        (["--revenue", "1000", "--rates", "0.3,1.5,0.25"], "--rates (sal_to_sql)"),
        (["--revenue", "1000", "--rates", "0.3,0.4"], "--rates"),
        (["--revenue", "1000", "--deal-size", "-3"], "--deal-size"),
        (["--revenue", "1000", "--pod", "inconnu"], "--pod"),
        (["--revenue", "1000", "--period", "2027-Q9"], "--period"),
        (["--revenue", "1000", "--marketing-share", "2"], "--marketing-share"),
        (["--revenue", "1000", "--window-months", "many"], "--window-months"),
    ],
)
def test_cli_bad_input_names_the_argument_and_exits_2(personas, args, named):
    given = GIVEN if "--rates" not in args else GIVEN[:2] + GIVEN[4:]
    if "--deal-size" in args:
        given = GIVEN[2:]
    code, _out, err = _cli("--workspace", "acme", *given, *args, "--language", "en")
    assert code == 2
    assert err.startswith(named), err


def test_cli_unknown_workspace_exits_2(db):
    code, _out, err = _cli("--workspace", "nowhere", "--revenue", "1000", "--language", "en")
    assert (code, err.split(":")[0]) == (2, "--workspace")


# -- the API ---------------------------------------------------------------------------------


def test_api_computes_the_plan_for_any_member(personas, api_as):
    body = {
        "revenue": "1000000",
        "deal_size": "25000",
        "mql_to_sal": "0.3",
        "sal_to_sql": 0.4,
        "sql_to_won": "0.25",
        "marketing_share": "0.6",
        "period": "2027-Q1",
    }
    response = api_as("erin").post("plans/compute", body)
    assert response.status_code == 200, response.content
    payload = response.json()
    assert [payload[k] for k in ("customers", "sqls", "sals", "mqls", "marketing_mqls")] == [
        40,
        160,
        400,
        1334,
        801,
    ]
    assert payload["lead_value"] == "749.63"
    assert payload["period"] == {"key": "FY2027-Q1", "start": "2027-01-01", "end": "2027-03-31"}
    assert len(payload["sensitivity"]) == 6
    assert payload["sensitivity"][0] == {
        "rate": "mql_to_sal",
        "change": "-0.05",
        "value": "0.2500",
        "mqls": 1600,
        "marketing_mqls": 960,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"revenue": "-1"}, "revenue"),
        ({"mql_to_sal": "0"}, "mql_to_sal"),
        ({"sql_to_won": "1.01"}, "sql_to_won"),
        ({"period": "demain"}, "period"),
        ({"window_months": 0}, "window_months"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_api_bad_input_is_a_422_naming_the_field(personas, api_as, body, field):
    given = {
        "revenue": "1000",
        "deal_size": "100",
        "mql_to_sal": "0.5",
        "sal_to_sql": "0.5",
        "sql_to_won": "0.5",
        "marketing_share": "0.5",
    }
    response = api_as("alice").post("plans/compute", {**given, **body})
    assert response.status_code == 422, response.content
    assert field in error_fields(response)


def test_api_another_workspaces_pod_is_unknown(personas, api_as):
    theirs = f.PodFactory(workspace=personas.globex, name="Leur pod")
    for pod in ("Leur pod", theirs.pk):
        response = api_as("alice").post(
            "plans/compute", {"revenue": "1000", "pod": pod, "mql_to_sal": "0.5"}
        )
        assert response.status_code == 422
        assert "pod" in error_fields(response)


def test_api_takes_a_pod_by_its_id(personas, api_as):
    ours = f.PodFactory(workspace=personas.acme, name="Nos comptes")
    body = {"revenue": "1000", "deal_size": "100", "marketing_share": "1", "pod": ours.pk}
    body.update(mql_to_sal="0.5", sal_to_sql="0.5", sql_to_won="0.5")
    response = api_as("bob").post("plans/compute", body)
    assert response.status_code == 200, response.content
    # 10 customers ÷ 0.5 = 20 SQLs ÷ 0.5 = 40 SALs ÷ 0.5 = 80 MQLs
    assert (response.json()["pod"], response.json()["mqls"]) == (
        {"id": ours.pk, "name": "Nos comptes"},
        80,
    )


def test_api_a_session_in_a_workspace_one_is_not_in_gets_nothing(personas):
    client = Client()
    client.force_login(personas.carol)  # Globex
    api = ApiClient({"X-Cordee-Workspace": "acme"}, client=client)
    response = api.post("plans/compute", {"revenue": "1000"})
    assert response.status_code == 401, response.content  # the API's rule for any endpoint


# -- the page --------------------------------------------------------------------------------


def _page(user: Any, **params: str) -> Any:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get("/w/acme/plan/", params)


def test_the_plan_page_shows_the_form_until_a_goal_is_given(personas):
    response = _page(personas.erin)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="revenue"' in text and 'aria-current="page">Plan<' in text
    assert 'id="plan-stages"' not in text


def test_the_plan_page_shows_each_stage_each_source_and_the_sensitivity(
    personas, history, monkeypatch
):
    monkeypatch.setattr(type(personas.acme), "today", lambda self, now=None: TODAY)
    response = _page(personas.alice, revenue="150000", window_months="3", sql_to_won="0.25")
    text = response.content.decode()
    assert response.status_code == 200
    # 10 customers ÷ 0.25 = 40 SQLs ÷ 4/5 = 50 SALs ÷ 5/7 = 70 MQLs; × 70001/90001 = 54.4 → 55
    stages = text.split('id="plan-stages"')[1].split("</table>")[0]
    counts = [cell.split("<")[0] for cell in stages.split('<td class="num">')[1:]]
    assert counts == ["10", "40", "50", "70", "55"]
    assert "5 accepted of 7 MQLs decided by sales (8 MQLs, 1 not decided)" in text
    assert "€45,000.50 won in 3 deals closed from" in text
    assert "(1 deal in USD left out)" in text
    assert 'id="plan-sensitivity"' in text


def test_the_plan_page_names_a_bad_field(personas):
    response = _page(personas.bob, revenue="-3", mql_to_sal="2")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Revenue goal : The revenue goal must be above 0." in text
    assert "MQL → SAL : A rate is a fraction above 0 and at most 1" in text


def test_the_plan_page_of_another_workspace_is_404(personas):
    client = Client()
    client.force_login(personas.carol)
    assert client.get("/w/acme/plan/", {"revenue": "1000"}).status_code == 404
