"""Variable pay through the API (/api/v1/comp/…): the privacy matrix persona by persona, a plan
to payroll round trip, and the engine on posted inputs. Numbers by hand (test_statements'
docstring; the worked example of docs/variable-pay.md for /comp/compute)."""

from __future__ import annotations

import copy
import csv
import io
from typing import Any

import pytest

from cordee.comp.models import Statement
from tests.comp.workspace import document, lock_q1
from tests.fixtures.api import error_fields


def _refresh(api_as: Any, pay: Any, period: str) -> dict[str, Any]:
    response = api_as("erin").post(f"comp/plans/{pay['plan'].pk}/refresh", {"period": period})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def statements(personas: Any, pay: Any, api_as: Any) -> dict[str, int]:
    """Bob's statement of 2026-Q1 and Alice's of 2026, by person."""
    lock_q1(personas.acme)
    q1, year = _refresh(api_as, pay, "2026-Q1"), _refresh(api_as, pay, "2026")
    return {
        s["person"]["email"].split("@")[0]: s["id"] for s in q1["statements"] + year["statements"]
    }


# who reads whose statement (by hand): Dave manages Bob's team; Erin is a comp admin; RevOps
# and Mia (no team of hers) read nobody's; Carol is in another workspace
READS = {
    "alice": {"alice"},
    "bob": {"bob"},
    "dave": {"bob"},
    "mia": set(),
    "erin": {"alice", "bob"},
    "rita": set(),
    "carol": set(),
}


@pytest.mark.parametrize("who", sorted(READS))
def test_the_privacy_matrix_through_the_api(personas, statements, api_as, who):
    client = api_as(who)
    listed = client.get("comp/statements").json()
    assert {s["person"]["email"].split("@")[0] for s in listed["items"]} == READS[who]
    assert listed["count"] == len(READS[who])
    for name, pk in statements.items():
        response = client.get(f"comp/statements/{pk}")
        expected = 200 if name in READS[who] else 404  # not found, never forbidden
        assert response.status_code == expected, (who, name)
        if expected == 404:
            assert response.json()["error"]["code"] == "not_found"
    disputes = client.get("comp/disputes")
    assert disputes.status_code == 200 and disputes.json()["count"] == 0


def test_from_a_plan_to_the_payroll_file(personas, api_as):
    rita, erin, dave, bob = (api_as(n) for n in ("rita", "erin", "dave", "bob"))
    from tests.comp.workspace import make_pay

    pay = make_pay(personas)  # the data; the plan through the API below
    created = rita.post("comp/plans", {"name": "Plan API", "document": document(personas)})
    assert created.status_code == 201, created.content
    plan = created.json()
    assert (plan["version"], plan["document"]["year"]) == (1, 2026)
    bad = copy.deepcopy(document(personas))
    bad["components"][0]["weight"] = 0.6  # a float: not exact
    refused = rita.post(f"comp/plans/{plan['id']}/versions", {"document": bad})
    assert refused.status_code == 422
    assert set(error_fields(refused)) == {"components[0].weight"}
    assert api_as("bob").get(f"comp/plans/{plan['id']}").status_code == 403

    # not signed yet: the shared line waits, the approval says why
    draft = erin.post(f"comp/plans/{plan['id']}/refresh", {"period": "2026-q1"}).json()
    (bob_q1,) = draft["statements"]
    assert bob_q1["total"] == "1680.00" and bob_q1["may_approve"] is False
    assert bob_q1["lines"][1]["pending"]["code"] == "not_locked"
    refused = dave.post(f"comp/statements/{bob_q1['id']}/approve")
    assert refused.status_code == 409
    assert refused.json()["error"]["message"].endswith(bob_q1["missing"][0])

    lock_q1(personas.acme)
    done = erin.post(f"comp/plans/{plan['id']}/refresh", {"period": "2026-Q1"}).json()
    (bob_q1,) = done["statements"]
    assert [(x["component"], x["payout"]) for x in bob_q1["lines"]] == [
        ("quota", "1680.00"),
        ("shared", "1800.00"),
    ]
    assert bob_q1["total"] == "3480.00" and bob_q1["missing"] == []
    assert bob.post(f"comp/statements/{bob_q1['id']}/approve").status_code == 403  # his own
    approved = dave.post(f"comp/statements/{bob_q1['id']}/approve")
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["approved_by"]["email"]) == (
        "approved",
        "dave@example.fr",
    )
    assert dave.post(f"comp/statements/{bob_q1['id']}/approve").status_code == 409

    # Bob disputes the quota line; Erin pays 150.00 in Q2
    opened = bob.post(
        f"comp/statements/{bob_q1['id']}/disputes", {"component": "quota", "text": "D4 manque"}
    )
    assert opened.status_code == 201, opened.content
    dispute = opened.json()
    same = erin.post(
        f"comp/disputes/{dispute['id']}/resolve",
        {"resolution": "Oui", "adjustment_amount": "150.00", "adjustment_period": "2026-Q1"},
    )
    assert same.status_code == 422 and set(error_fields(same)) == {"adjustment_period"}
    resolved = erin.post(
        f"comp/disputes/{dispute['id']}/resolve",
        {"resolution": "Oui", "adjustment_amount": "150.00", "adjustment_period": "2026-Q2"},
    )
    assert resolved.status_code == 200, resolved.content
    assert [(a["period"], a["amount"]) for a in resolved.json()["adjustments"]] == [
        ("2026-Q2", "150.00")
    ]
    q2 = erin.post(f"comp/plans/{plan['id']}/refresh", {"period": "2026-Q2"}).json()
    (bob_q2,) = q2["statements"]
    assert bob_q2["lines"][-1]["kind"] == "adjustment" and bob_q2["total"] == "150.00"
    seen = bob.get(f"comp/statements/{bob_q1['id']}").json()
    assert [d["status"] for d in seen["disputes"]] == ["resolved"]

    # payroll of Q1: comp admins; French dialect (; and a decimal comma)
    assert rita.get(f"comp/plans/{plan['id']}/payroll", {"period": "2026-Q1"}).status_code == 403
    file = erin.get(f"comp/plans/{plan['id']}/payroll", {"period": "2026-Q1"})
    assert file.status_code == 200 and file["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(file.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert rows[1:] == [
        ["2026-Q1", "bob@example.fr", "Bob Test", "quota", "attainment", "1680,00", "EUR"],
        ["2026-Q1", "bob@example.fr", "Bob Test", "shared", "attainment", "1800,00", "EUR"],
    ]
    q2_draft = erin.get(f"comp/plans/{plan['id']}/payroll", {"period": "2026-Q2"})
    assert q2_draft.status_code == 409  # Bob's Q2 is a draft
    assert Statement.objects.filter(plan=pay["plan"]).count() == 0  # the fixture's plan: unused


def _julie_plan() -> dict[str, Any]:
    """The plan of docs/variable-pay.md."""
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
                "weight": "0.6",
                "curve": {"points": [["0.5", "0"], ["1.0", "1.0"], ["1.5", "2.0"]], "cap": "2.5"},
            },
            {
                "id": "shared",
                "kind": "attainment",
                "metric": "marketing_pipeline",
                "scope": "workspace",
                "period": {"sales": "quarter", "marketing": "year"},
                "weight": "0.4",
                "curve": {"points": [["0.8", "0.5"], ["1.0", "1.0"]], "cap": "1.5"},
            },
            {
                "id": "commission",
                "kind": "commission",
                "basis": "revenue_won",
                "scope": "person",
                "period": "month",
                "mode": "marginal",
                "tiers": [{"up_to": "50000", "rate": "0.02"}, {"up_to": None, "rate": "0.04"}],
            },
        ],
        "participants": [
            {
                "person": "julie.ventes@demo.cordee.fr",
                "side": "sales",
                "variable_target": "24000.00",
                "start": "2026-02-16",
                "end": None,
                "components": ["quota", "shared", "commission"],
                "quota": {"quota": "600000.00"},
            }
        ],
    }


JULIE = "julie.ventes@demo.cordee.fr"
CREDITS = [
    {
        "deal_id": "d1",
        "person": JULIE,
        "amount": "80000.00",
        "share": "1",
        "closed_on": "2026-04-10",
    },
    {
        "deal_id": "d2",
        "person": JULIE,
        "amount": "50000.00",
        "share": "0.6",
        "closed_on": "2026-05-03",
        "cancelled_on": "2026-07-01",
    },
    {
        "deal_id": "d2",
        "person": "marc.ventes@demo.cordee.fr",
        "amount": "50000.00",
        "share": "0.4",
        "closed_on": "2026-05-03",
        "cancelled_on": "2026-07-01",
    },
]
METRICS = [
    {
        "metric": "marketing_pipeline",
        "scope": "workspace",
        "period": p,
        "actual": a,
        "target": "1000000",
    }
    for p, a in (("2026-Q2", "900000"), ("2026-Q3", "1050000"))
]


def test_compute_the_documented_example(personas, api_as):
    """Q2: quota 1 680.00, shared 1 800.00, total 3 480.00; July: the commission clawback of
    d2, −600.00; Q3: quota −1 440.00 for d2 and shared 1.05 → 1 + 0.05 × 2.5 = 1.125 ×
    2 400 = 2 700.00 (docs/variable-pay.md, worked by hand)."""
    client = api_as("erin")
    body = {"plan": _julie_plan(), "credits": CREDITS, "metrics": METRICS, "period": "2026-Q2"}
    q2 = client.post("comp/compute", body)
    assert q2.status_code == 200, q2.content
    assert q2.json() == {
        "period": "2026-Q2",
        "statements": [
            {
                "person": JULIE,
                "lines": [
                    {"component": "quota", "attainment": "0.7333", "payout": "1680.00"},
                    {"component": "shared", "attainment": "0.9000", "payout": "1800.00"},
                ],
                "total": "3480.00",
            }
        ],
    }
    july = client.post("comp/compute", {**body, "period": "2026-07"}).json()
    assert july["statements"][0]["lines"] == [
        {"component": "commission", "attainment": None, "payout": "0.00"},  # no deal in July
        {"component": "commission", "attainment": None, "payout": "-600.00", "deal_id": "d2"},
    ]
    q3 = client.post("comp/compute", {**body, "period": "2026-Q3"}).json()
    assert q3["statements"][0]["lines"] == [
        {"component": "quota", "attainment": "0.0000", "payout": "0.00"},  # no deal in Q3
        {"component": "shared", "attainment": "1.0500", "payout": "2700.00"},
        {"component": "quota", "attainment": None, "payout": "-1440.00", "deal_id": "d2"},
    ]
    assert q3["statements"][0]["total"] == "1260.00"


def test_compute_names_the_wrong_field(personas, api_as):
    client = api_as("alice")
    base = {"plan": _julie_plan(), "credits": CREDITS, "metrics": METRICS, "period": "2026-Q2"}
    wrong = copy.deepcopy(base)
    wrong["credits"][2]["share"] = "0.3"
    assert set(error_fields(client.post("comp/compute", wrong))) == {"credits[1].share"}
    plan = copy.deepcopy(base)
    plan["plan"]["components"][1]["curve"]["points"][1][0] = "0.7"
    assert set(error_fields(client.post("comp/compute", plan))) == {
        "plan.components[1].curve.points[1]"
    }
    no_metric = {**base, "metrics": []}
    assert set(error_fields(client.post("comp/compute", no_metric))) == {"metrics"}
    assert set(error_fields(client.post("comp/compute", {**base, "period": "T2"}))) == {"period"}


def test_the_list_reads_a_bounded_number_of_queries(personas, statements, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as("erin")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("comp/statements").status_code == 200
        return len(queries)

    count()  # the token's first use is noted once
    few = count()
    bob = Statement.objects.get(pk=statements["bob"])
    for month in range(1, 11):
        bob.pk = None
        bob.period = f"2026-{month:02d}"
        bob.save()
    assert count() == few
