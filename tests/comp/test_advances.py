"""A marketer's quarterly advances on the shared component, read from the database, and their
true-up in the year's statement — on the plan of tests/comp/workspace.py with, in a second
version, ``"advances": {"marketing": {"period": "quarter", "share": "0.5"}}`` on ``shared``.

Alice (marketing, variable target 8,000): a quarter's target pay is 8,000 × 0.4 × 1/4 = 800,
the year's 3,200. Locked pipeline credits against the goals (curve (0.8, 0.5) (1, 1), cap 1.5):

- Q1 600,000 + 300,000 = 900,000 / 1,000,000 = 0.9 → 0.75 → 600 → advance **300.00**;
- Q2 1,100,000 / 1,000,000 = 1.1 → 1.25 → 1,000 → advance **500.00**;
- Q3 700,000 / 1,000,000 = 0.7, below the hurdle → advance **0.00**;
- Q4 1,000,000 / 1,000,000 = 1 → 800 → advance **400.00**;
- the year 3,300,000 / 3,000,000 = 1.1 → 1.25 → 3,200 × 1.25 = **4,000.00**; true-up
  −(300 + 500 + 0 + 400) = **−1,200.00**; the year's total **2,800.00**.

Bob (sales) is paid the shared component on each quarter as before: Q1 1,800.00.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cordee.comp import services
from cordee.comp.models import Statement
from cordee.comp.payroll import payroll_csv
from cordee.core.errors import Conflict, ValidationFailed
from cordee.funnel.models import Goal
from tests.comp.workspace import document, goal, lock, lock_q1

QUARTERS = {
    "2026-Q2": ("2026-04-01", "2026-06-30", {"seo": "1100000.00"}),
    "2026-Q3": ("2026-07-01", "2026-09-30", {"seo": "700000.00"}),
    "2026-Q4": ("2026-10-01", "2026-12-31", {"seo": "500000.00", "events": "500000"}),
}


def with_advances(personas: Any, pay: dict[str, Any]) -> None:
    doc = copy.deepcopy(document(personas))
    doc["components"][1]["advances"] = {"marketing": {"period": "quarter", "share": "0.5"}}
    services.plan_version_add(actor=personas.actor("rita"), plan_id=pay["plan"].pk, document=doc)


def quarter(ws: Any, label: str) -> None:
    start, end, credits = QUARTERS[label]
    lock(ws, start, end, credits, "channel")
    goal(ws, label, start, end, "1000000")


def refresh(personas: Any, pay: dict[str, Any], period: str) -> dict[str, Statement]:
    done = services.statements_refresh(
        actor=personas.actor("erin"), plan_id=pay["plan"].pk, period_label=period
    )
    return {s.person.email.split("@")[0]: s for s in done.statements}


def lines(statement: Statement) -> list[tuple[str, str, str, str | None]]:
    return [(x["component"], x["kind"], x["payout"], x["attainment"]) for x in statement.lines]


def _client(user: Any) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_a_marketers_quarter_has_its_advance_and_the_year_its_true_up(personas, pay):
    with_advances(personas, pay)
    ws = personas.acme
    lock_q1(ws)
    q1 = refresh(personas, pay, "2026-Q1")
    assert set(q1) == {"alice", "bob"}  # the marketer now has a quarterly statement
    alice = q1["alice"]
    assert lines(alice) == [("shared", "advance", "300.00", "0.9000")]
    assert alice.total == Decimal("300.00") and alice.inputs["missing"] == []
    advance = alice.lines[0]
    assert (advance["share"], advance["target_pay"]) == ("0.5", "800")
    assert (advance["metric"]["period"], advance["metric"]["goal_id"]) == (
        "2026-Q1",
        pay["q1_goal"].pk,
    )
    assert lines(q1["bob"])[1] == ("shared", "attainment", "1800.00", "0.9000")  # unchanged
    services.statement_approve(actor=personas.actor("erin"), statement_id=alice.pk)

    # the year before Q2–Q4 are locked: the year's line is there, the true-up waits
    waiting = refresh(personas, pay, "2026")["alice"]
    year_line, true_up = waiting.lines
    assert (year_line["kind"], year_line["payout"]) == ("attainment", "4000.00")
    assert (true_up["kind"], true_up["payout"]) == ("true_up", "0.00")
    assert true_up["pending"]["code"] == "not_locked"
    assert true_up["pending"]["period"] == "2026-Q2"
    assert {m["period"] for m in waiting.inputs["missing"]} == {"2026-Q2", "2026-Q3", "2026-Q4"}
    assert true_up["advances"] == [  # Q1's as paid (approved); the others not known yet
        {"period": "2026-Q1", "payout": "300.00", "statement_id": alice.pk},
        {"period": "2026-Q2", "payout": None, "statement_id": None},
        {"period": "2026-Q3", "payout": None, "statement_id": None},
        {"period": "2026-Q4", "payout": None, "statement_id": None},
    ]
    with pytest.raises(Conflict):
        services.statement_approve(actor=personas.actor("erin"), statement_id=waiting.pk)

    for label in QUARTERS:
        quarter(ws, label)
    advances = [lines(refresh(personas, pay, label)["alice"]) for label in QUARTERS]
    assert advances == [
        [("shared", "advance", "500.00", "1.1000")],
        [("shared", "advance", "0.00", "0.7000")],
        [("shared", "advance", "400.00", "1.0000")],
    ]
    year = refresh(personas, pay, "2026")["alice"]
    assert lines(year) == [
        ("shared", "attainment", "4000.00", "1.1000"),
        ("shared", "true_up", "-1200.00", None),
    ]
    assert year.total == Decimal("2800.00")  # 4,000 − 1,200
    true_up = year.lines[1]
    assert true_up["advances"] == [  # Q1's frozen in its approved statement, the others computed
        {"period": "2026-Q1", "payout": "300.00", "statement_id": alice.pk},
        {"period": "2026-Q2", "payout": "500.00", "statement_id": None},
        {"period": "2026-Q3", "payout": "0.00", "statement_id": None},
        {"period": "2026-Q4", "payout": "400.00", "statement_id": None},
    ]
    # the values it used are kept with the statement: the year's and the quarters' whose
    # advance is computed (Q1's is read from its approved statement, which keeps its own)
    kept = {(m["period"], m["actual"], m["target"]) for m in year.inputs["metrics"]}
    assert kept == {
        ("2026", "3300000", "3000000"),
        ("2026-Q2", "1100000", "1000000"),
        ("2026-Q3", "700000", "1000000"),
        ("2026-Q4", "1000000", "1000000"),
    }
    assert year.inputs["missing"] == []
    services.statement_approve(actor=personas.actor("erin"), statement_id=year.pk)

    # payroll: the true-up summed into its component's line, 4,000 − 1,200
    rows = "".join(payroll_csv(personas.actor("erin"), pay["plan"].pk, "2026")).splitlines()
    assert rows[1:] == [f"2026;{personas.alice.email};Alice Test;shared;attainment;2800,00;EUR"]


def test_the_statement_pages_label_the_advance_and_the_true_up(personas, pay):
    with_advances(personas, pay)
    ws = personas.acme
    lock_q1(ws)
    for label in QUARTERS:
        quarter(ws, label)
    alice = _client(personas.alice)
    q1 = refresh(personas, pay, "2026-Q1")["alice"]
    page = alice.get(f"/w/acme/pay/statements/{q1.pk}/").content.decode()
    assert 'data-kind="advance"' in page and "€300.00" in page
    assert "Advance" in page and "50 % of this period&#x27;s payout on its own" in page
    year = refresh(personas, pay, "2026")["alice"]
    page = alice.get(f"/w/acme/pay/statements/{year.pk}/").content.decode()
    assert 'data-kind="attainment"' in page and 'data-kind="true_up"' in page
    assert "True-up of the advances" in page
    assert "-€1,200.00" in page and "€2,800.00" in page
    assert (
        "Minus the advances paid on the yearly payout: 2026-Q1: €300.00 (computed) · "
        "2026-Q2: €500.00 (computed) · 2026-Q3: €0.00 (computed) · 2026-Q4: €400.00 "
        "(computed)." in page
    )


def test_the_goals_page_mentions_the_advances(personas, pay):
    with_advances(personas, pay)
    q1_goal = pay["q1_goal"]
    page = _client(personas.alice).get(f"/w/acme/goals/{q1_goal.pk}/").content.decode()
    assert (
        "Sales : each quarter · Marketing : each year (advances of 50 % of each quarter&#x27;s "
        "payout, trued up at year end)" in page
    )
    assert "Sales, Marketing (an advance)" in page  # who is paid on this quarter
    year_goal = Goal.objects.get(workspace=personas.acme, period="2026")
    page = _client(personas.alice).get(f"/w/acme/goals/{year_goal.pk}/").content.decode()
    assert "Marketing (an advance)" not in page


def test_a_plan_with_advances_on_a_quarterly_side_is_refused_naming_the_field(personas, pay):
    doc = copy.deepcopy(document(personas))
    doc["components"][1]["advances"] = {"sales": {"period": "month", "share": "0.5"}}
    with pytest.raises(ValidationFailed) as refused:
        services.plan_version_add(
            actor=personas.actor("rita"), plan_id=pay["plan"].pk, document=doc
        )
    assert set(refused.value.field_errors) == {"components[1].advances.sales"}


def test_the_api_computes_advances_on_posted_inputs(personas, pay, api_as):
    """POST /comp/compute, Alice alone (the docstring's quarters and year): Q2's advance 500.00
    with ``kind: advance``; the year 4,000.00 and its true-up −1,200.00 with ``kind: true_up``."""
    doc = copy.deepcopy(document(personas))
    doc["components"][1]["advances"] = {"marketing": {"period": "quarter", "share": "0.5"}}
    doc["participants"] = doc["participants"][1:]
    values = {"2026-Q1": "900000", "2026-Q3": "700000", "2026-Q4": "1000000"}
    values["2026-Q2"] = "1100000"
    metrics = [
        {"metric": "marketing_pipeline", "scope": "workspace", "period": p, "actual": a,
         "target": "1000000"}
        for p, a in values.items()
    ] + [{"metric": "marketing_pipeline", "scope": "workspace", "period": "2026",
          "actual": "3300000", "target": "3000000"}]  # fmt: skip
    client = api_as("erin")
    body = {"plan": doc, "credits": [], "metrics": metrics, "period": "2026-Q2"}
    q2 = client.post("comp/compute", body)
    assert q2.status_code == 200, q2.content
    assert q2.json()["statements"] == [
        {
            "person": personas.alice.email,
            "lines": [
                {
                    "component": "shared",
                    "attainment": "1.1000",
                    "payout": "500.00",
                    "kind": "advance",
                }
            ],
            "total": "500.00",
        }
    ]
    year = client.post("comp/compute", {**body, "period": "2026"}).json()
    assert year["statements"][0]["lines"] == [
        {"component": "shared", "attainment": "1.1000", "payout": "4000.00"},
        {"component": "shared", "attainment": None, "payout": "-1200.00", "kind": "true_up"},
    ]
    assert year["statements"][0]["total"] == "2800.00"
    missing_q3 = [m for m in metrics if m["period"] != "2026-Q3"]
    refused = client.post("comp/compute", {**body, "metrics": missing_q3, "period": "2026"})
    assert refused.status_code == 422
