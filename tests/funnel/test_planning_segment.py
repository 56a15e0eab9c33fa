"""The planning calculator for a segment (a set of account industries): its inputs from the
history of the segment's leads and deals only, the plan, the CLI, the API, the page, and the
segment's SLA contract proposed instead of goals (cordee.funnel.planning, services.plan_goals_write).

Acme (Europe/Paris, EUR), "today" 15 April 2026, a window of 3 complete months (January to
March 2026). Two industries, one account each:

| lead | account   | MQL (Paris) | then                                            |
|------|-----------|-------------|-------------------------------------------------|
| I1   | Industrie | 12 Jan      | accepted 14 Jan, SQL 20 Jan, won 10 Feb          |
| I2   | Industrie | 3 Feb       | accepted 5 Feb, SQL 15 Feb, still open          |
| I3   | Industrie | 9 Feb       | rejected by sales 10 Feb (recycled)             |
| I4   | Industrie | 2 Mar       | accepted 3 Mar                                  |
| S1   | Santé     | 15 Jan      | accepted 16 Jan, SQL 25 Jan, won 1 Mar           |
| S2   | Santé     | 20 Feb      | accepted 21 Feb, SQL 28 Feb, won 20 Mar          |
| S3   | Santé     | 10 Mar      | still MQL: nobody decided                       |
| S4   | Santé     | 12 Mar      | rejected by sales 13 Mar (disqualified)         |
| S5   | Santé     | 20 Dec 2025 | accepted 21 Dec (outside the window)            |

By hand:
- Industrie: 4 MQLs; SAL I1, I2, I4 = 3; rejected I3: decided 4 → MQL→SAL 3/4. SQL I1, I2 = 2 →
  SAL→SQL 2/3. Won I1 = 1 (I2 open: not won) → SQL→Won 1/2. Cohorts: Jan, Feb, Mar = 3.
- Santé: 4 MQLs; SAL S1, S2 = 2; rejected S4; S3 waits: decided 3 → MQL→SAL 2/3. SQL 2 →
  SAL→SQL 1. Won 2 → SQL→Won 1. Cohorts 3.
- Both: 8 MQLs, SAL 5 of 7 decided → 5/7; SQL 4 of 5 → 4/5; won 3 of 4 → 3/4.

Deals won from 1 January to 31 March (close date), EUR:
- Industrie: 40 000.00 marketing (I1, 10 Feb), 20 000.00 sales (5 Mar) → 2 deals, 60 000.00:
  deal size 30 000.00, marketing's share 40 000 ÷ 60 000 = 2/3.
- Santé: 12 000.00 marketing (S1, 1 Mar), 9 000.00 sales (S2, 20 Mar) → 21 000.00 ÷ 2 =
  10 500.00, share 12 000 ÷ 21 000 = 4/7. Left out: 50 000.00 won in December 2025.
- Both: 81 000.00 ÷ 4 = 20 250.00; share 52 000 ÷ 81 000 = 52/81.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.funnel import planning
from cordee.funnel.models import Goal, SlaContract, Stage
from cordee.funnel.services import sla_contract_sign
from tests import factories as f
from tests.fixtures.api import error_fields
from tests.funnel.test_planning import TODAY, WINDOW, _lead, _rejected, _won, at

M, A, Q, W = Stage.MQL, Stage.SAL, Stage.SQL, Stage.WON


@pytest.fixture
def segments(personas: Any) -> dict[str, Any]:
    """The table above in Acme; in Globex, an industry Acme does not have."""
    ws = personas.acme
    industrie = f.AccountFactory(workspace=ws, name="Forges", industry="Industrie")
    sante = f.AccountFactory(workspace=ws, name="Clinique", industry="Santé")

    def lead(account: Any, steps: list[tuple[str, dt.datetime]]) -> Any:
        return _lead(ws, steps, contact=f.ContactFactory(workspace=ws, account=account))

    i1 = lead(
        industrie,
        [
            (M, at("2026-01-12")),
            (A, at("2026-01-14")),
            (Q, at("2026-01-20")),
            (W, at("2026-02-10")),
        ],
    )
    lead(industrie, [(M, at("2026-02-03")), (A, at("2026-02-05")), (Q, at("2026-02-15"))])
    i3 = lead(industrie, [(M, at("2026-02-09")), (Stage.RECYCLED, at("2026-02-10"))])
    _rejected(i3, at("2026-02-09"), at("2026-02-10"))
    lead(industrie, [(M, at("2026-03-02")), (A, at("2026-03-03"))])
    s1 = lead(
        sante,
        [
            (M, at("2026-01-15")),
            (A, at("2026-01-16")),
            (Q, at("2026-01-25")),
            (W, at("2026-03-01")),
        ],
    )
    s2 = lead(
        sante,
        [
            (M, at("2026-02-20")),
            (A, at("2026-02-21")),
            (Q, at("2026-02-28")),
            (W, at("2026-03-20")),
        ],
    )
    lead(sante, [(M, at("2026-03-10"))])
    s4 = lead(sante, [(M, at("2026-03-12")), (Stage.DISQUALIFIED, at("2026-03-13"))])
    _rejected(s4, at("2026-03-12"), at("2026-03-13"))
    lead(sante, [(M, at("2025-12-20")), (A, at("2025-12-21"))])
    _won(ws, "40000.00", "2026-02-10", "marketing", lead=i1, account=industrie)
    _won(ws, "20000.00", "2026-03-05", "sales", account=industrie)
    _won(ws, "12000.00", "2026-03-01", "marketing", lead=s1, account=sante)
    _won(ws, "9000.00", "2026-03-20", "sales", lead=s2, account=sante)
    _won(ws, "50000.00", "2025-12-20", "marketing", account=sante)
    f.AccountFactory(workspace=personas.globex, name="Centrale", industry="Énergie")
    return {"industrie": industrie, "sante": sante}


def _actor(personas: Any, name: str = "erin") -> Actor:
    user = getattr(personas, name)
    return Actor(user=user, workspace=personas.acme, role=user.memberships.get().role)


def _plan(personas: Any, **given: Any) -> planning.PlanResult:
    given.setdefault("window_months", 3)
    return planning.plan_compute(actor=_actor(personas), today=TODAY, **given)


def _values(inputs: dict[str, planning.PlanInput]) -> dict[str, Any]:
    return {name: item.value for name, item in inputs.items()}


# -- the history of a segment -----------------------------------------------------------------


def test_a_segments_rates_come_from_its_accounts_leads_only(personas, segments):
    ws = personas.acme
    industrie = planning.history_rates(ws, WINDOW, segment=("Industrie",))
    assert _values(industrie) == {
        "mql_to_sal": Fraction(3, 4),
        "sal_to_sql": Fraction(2, 3),
        "sql_to_won": Fraction(1, 2),
    }
    source = industrie["mql_to_sal"].source
    assert (source.numerator, source.denominator, source.cohorts) == (3, 4, 3)
    assert source.detail == {"mqls": 4, "undecided": 0}
    assert (source.segment, source.pod) == (("Industrie",), None)
    sante = planning.history_rates(ws, WINDOW, segment=("Santé",))
    assert _values(sante) == {
        "mql_to_sal": Fraction(2, 3),
        "sal_to_sql": Fraction(1),
        "sql_to_won": Fraction(1),
    }
    assert sante["mql_to_sal"].source.detail == {"mqls": 4, "undecided": 1}
    both = planning.history_rates(ws, WINDOW, segment=("Industrie", "Santé"))
    assert _values(both) == {
        "mql_to_sal": Fraction(5, 7),
        "sal_to_sql": Fraction(4, 5),
        "sql_to_won": Fraction(3, 4),
    }


def test_a_segments_deal_size_and_share_come_from_its_accounts_deals(personas, segments):
    ws = personas.acme
    industrie = planning.history_deals(ws, WINDOW, segment=("Industrie",))
    assert _values(industrie) == {
        "deal_size": Decimal("30000.00"),
        "marketing_share": Fraction(2, 3),
    }
    deal = industrie["deal_size"].source
    assert (deal.numerator, deal.denominator, deal.segment) == (
        Decimal("60000.00"),
        2,
        ("Industrie",),
    )
    sante = planning.history_deals(ws, WINDOW, segment=("Santé",))
    assert _values(sante) == {"deal_size": Decimal("10500.00"), "marketing_share": Fraction(4, 7)}
    both = planning.history_deals(ws, WINDOW, segment=("Industrie", "Santé"))
    assert _values(both) == {"deal_size": Decimal("20250.00"), "marketing_share": Fraction(52, 81)}


# -- the plan of a segment ----------------------------------------------------------------------


def test_a_segment_plan_rounds_up_at_each_stage(personas, segments):
    # Industrie: ⌈100 000 ÷ 30 000⌉ = ⌈3.33⌉ = 4 customers; ⌈4 ÷ 1/2⌉ = 8 SQLs; ⌈8 ÷ 2/3⌉ = 12
    # SALs; ⌈12 ÷ 3/4⌉ = 16 MQLs; ⌈16 × 2/3⌉ = ⌈10.67⌉ = 11 of marketing's; lead value
    # 30 000 × 4 ÷ 16 = 7 500.00. Without rounding at each stage: 100 000 ÷ 30 000 ÷ 1/2 ÷ 2/3
    # ÷ 3/4 = 13.3 → 14 MQLs: the ceilings add 2.
    payload = planning.plan_payload(_plan(personas, revenue="100000", segment=["Industrie"]))
    assert [payload[k] for k in ("customers", "sqls", "sals", "mqls", "marketing_mqls")] == [
        4,
        8,
        12,
        16,
        11,
    ]
    assert payload["lead_value"] == "7500.00"
    assert payload["segment"] == ["Industrie"] and payload["pod"] is None
    for name in planning.INPUTS:
        assert payload["inputs"][name]["source"]["segment"] == ["Industrie"], name
    assert payload["inputs"]["mql_to_sal"]["source"]["cohorts"] == 3


def test_the_other_industry_gives_another_plan(personas, segments):
    # Santé: ⌈100 000 ÷ 10 500⌉ = ⌈9.52⌉ = 10 customers; ÷ 1 = 10 SQLs; ÷ 1 = 10 SALs;
    # ⌈10 ÷ 2/3⌉ = 15 MQLs; ⌈15 × 4/7⌉ = ⌈8.57⌉ = 9; lead value 10 500 × 10 ÷ 15 = 7 000.00
    result = _plan(personas, revenue="100000", segment="santé")  # a text, case aside
    assert result.segment == ("Santé",)
    plan = result.plan
    assert (plan.customers, plan.sqls, plan.sals, plan.mqls, plan.marketing_mqls) == (
        10,
        10,
        10,
        15,
        9,
    )
    assert plan.lead_value == Decimal("7000.00")


def test_an_unknown_industry_is_an_error_listing_the_workspaces(personas, segments):
    with pytest.raises(ValidationFailed) as caught:
        _plan(personas, revenue="1000", segment=["Santé", "Énergie"])
    assert set(caught.value.field_errors) == {"segment"}
    message = caught.value.field_errors["segment"][0]
    assert "'Énergie'" in message  # Globex's industry is not Acme's
    assert message.endswith("Industrie, Santé.")


def test_a_plan_is_for_a_pod_or_a_segment_not_both(personas, segments):
    f.PodFactory(workspace=personas.acme, name="Nord")
    with pytest.raises(ValidationFailed) as caught:
        _plan(personas, revenue="1000", pod="Nord", segment=["Santé"])
    assert set(caught.value.field_errors) == {"segment"}


# -- the CLI --------------------------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("plan", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_the_cli_plans_a_segment_from_its_history(personas, segments, monkeypatch):
    monkeypatch.setattr(type(personas.acme), "today", lambda self, now=None: TODAY)
    base = ["--workspace", "acme", "--revenue", "100000", "--window-months", "3"]
    code, out, err = _cli(*base, "--segment", "Industrie, Santé", "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    # both: ⌈100 000 ÷ 20 250⌉ = ⌈4.94⌉ = 5 customers; ⌈5 ÷ 3/4⌉ = ⌈6.67⌉ = 7 SQLs;
    # ⌈7 ÷ 4/5⌉ = ⌈8.75⌉ = 9 SALs; ⌈9 ÷ 5/7⌉ = ⌈12.6⌉ = 13 MQLs; ⌈13 × 52/81⌉ = ⌈8.35⌉ = 9
    assert [payload[k] for k in ("customers", "sqls", "sals", "mqls", "marketing_mqls")] == [
        5,
        7,
        9,
        13,
        9,
    ]
    assert payload["segment"] == ["Industrie", "Santé"]
    assert payload["inputs"]["deal_size"]["value"] == "20250.00"
    code, out, err = _cli(*base, "--segment", "Santé", "--language", "en")
    assert code == 0, err
    assert "Segment: Santé" in out


def test_the_cli_names_an_unknown_segment_and_exits_2(personas, segments):
    code, _out, err = _cli(
        "--workspace", "acme", "--revenue", "1000", "--segment", "Pharma", "--language", "en"
    )
    assert code == 2
    assert err.startswith("--segment (segment): No account has the industry 'Pharma'."), err
    assert "Industrie, Santé" in err


def test_the_clis_help_tells_the_segment_option(capsys):
    with pytest.raises(SystemExit):
        call_command("plan", "--help")
    assert "--segment" in capsys.readouterr().out


# -- the API ---------------------------------------------------------------------------------------

GIVEN = {
    "revenue": "100000",
    "period": "2027-Q1",
    "deal_size": "10000",
    "mql_to_sal": "0.5",
    "sal_to_sql": "0.4",
    "sql_to_won": "0.25",
    "marketing_share": "0.6",
}


def test_api_computes_a_segments_plan_from_its_history(personas, segments, api_as, monkeypatch):
    monkeypatch.setattr(type(personas.acme), "today", lambda self, now=None: TODAY)
    body = {"revenue": "100000", "segment": ["Industrie"], "window_months": 3}
    response = api_as("erin").post("plans/compute", body)
    assert response.status_code == 200, response.content
    out = response.json()
    # as test_a_segment_plan_rounds_up_at_each_stage: Industrie's history
    assert [out[k] for k in ("customers", "sqls", "sals", "mqls", "marketing_mqls")] == [
        4,
        8,
        12,
        16,
        11,
    ]
    assert out["segment"] == ["Industrie"]
    source = out["inputs"]["sql_to_won"]["source"]
    assert (source["numerator"], source["denominator"], source["segment"]) == (1, 2, ["Industrie"])


@pytest.mark.parametrize(
    "body",
    [{"segment": ["Pharma"]}, {"segment": "Industrie"}, {"segment": ["Santé"], "pod": "Nord"}],
    ids=["unknown", "not-a-list", "with-a-pod"],
)
def test_api_a_bad_segment_is_a_422_naming_it(personas, segments, api_as, body):
    f.PodFactory(workspace=personas.acme, name="Nord")
    response = api_as("alice").post("plans/compute", {**GIVEN, **body})
    assert response.status_code == 422, response.content
    assert [k for k in error_fields(response) if k.startswith("segment")], response.content


# -- the segment's contract, instead of goals -------------------------------------------------------


def test_a_segment_plan_proposes_the_segments_contract_and_writes_no_goal(
    personas, segments, api_as
):
    # customers ⌈100 000 ÷ 10 000⌉ = 10; SQLs 40; SALs 100; MQLs 200; marketing's ⌈200 × 0.6⌉
    # = 120; acceptance floor 0.5 → 50.00 %
    default = SlaContract.objects.create(
        workspace=personas.acme,
        name="SLA 2027-Q1",
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 3, 31),
        mql_volume=999,
    )
    api = api_as("mia")
    response = api.post("plans/goals", {**GIVEN, "segment": ["santé"]})
    assert response.status_code == 200, response.content
    out = response.json()
    assert (out["scope"], out["segment"], out["goals_written"], out["goals"]) == (
        "segment",
        ["Santé"],
        False,
        [],
    )
    assert (out["contract"]["mql_volume"], out["contract"]["acceptance_floor"]) == (120, "50.00")
    assert not Goal.objects.filter(workspace=personas.acme).exists()
    contract = SlaContract.objects.get(pk=out["contract"]["id"])
    assert (contract.industries, contract.pod_id) == (["Santé"], None)
    assert (contract.period_start, contract.period_end) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 3, 31),
    )
    assert contract.pk != default.pk
    default.refresh_from_db()
    assert default.mql_volume == 999  # the workspace default is not the segment's

    again = api.post("plans/goals", {**GIVEN, "segment": ["Santé"]}).json()
    assert (again["contract"]["id"], again["contract"]["proposed"]) == (contract.pk, False)

    sla_contract_sign(actor=personas.actor("mia"), contract_id=contract.pk)
    bigger = api.post("plans/goals", {**GIVEN, "revenue": "120000", "segment": ["Santé"]}).json()
    # 12 customers, 48 SQLs, 120 SALs, 240 MQLs, 144 of marketing's
    assert (bigger["contract"]["mql_volume"], bigger["contract"]["proposed"]) == (144, True)
    contract.refresh_from_db()
    assert contract.marketing_signed_at is None  # changed terms: signed again
    assert SlaContract.objects.filter(workspace=personas.acme).count() == 2


def test_the_page_proposes_a_segments_contract_and_goes_to_it(personas, segments):
    client = Client(headers={"accept-language": "en"})
    client.force_login(personas.dave)
    client.cookies["django_language"] = "en"
    page = client.get("/w/acme/plan/", {**GIVEN, "segment": ["Industrie", "Santé"]})
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('name="segment" value="Industrie" checked') == 1
    assert '<input type="hidden" name="segment" value="Santé">' in text
    assert "Propose the segment's SLA contract" in text
    assert 'name="marketing_owner"' not in text  # no goal, no owner
    response = client.post("/w/acme/plan/goals/", {**GIVEN, "segment": ["Industrie", "Santé"]})
    contract = SlaContract.objects.get(workspace=personas.acme)
    assert response.status_code == 302
    assert response["Location"] == f"/w/acme/settings/sla-contracts/{contract.pk}/"
    assert (contract.industries, contract.mql_volume) == (["Industrie", "Santé"], 120)
    assert not Goal.objects.filter(workspace=personas.acme).exists()
    refused = client.get("/w/acme/plan/", {**GIVEN, "segment": "Pharma"})
    assert "Segment : No account has the industry &#x27;Pharma&#x27;." in refused.content.decode()


def test_a_sales_rep_may_not_propose_a_segments_contract(personas, segments, api_as):
    response = api_as("bob").post("plans/goals", {**GIVEN, "segment": ["Santé"]})
    assert response.status_code == 403
    assert not SlaContract.objects.filter(workspace=personas.acme).exists()
