"""The statement pages over the plan of tests/comp/workspace.py (worked by hand in
test_statements): a comp admin computes the year from the pay page, the marketer reads her
statement (4,000.00: the shared goal at 110 %), questions a line, the comp admin approves it and
downloads the payroll file; nobody else opens it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client

from cordee.comp.models import Dispute, Statement
from cordee.funnel.models import Goal, Opportunity
from tests.comp.workspace import deal, lock_q1, make_pay


def _client(user: Any, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_compute_read_question_approve_and_pay(personas):
    pay = make_pay(personas)
    erin = _client(personas.erin)  # a comp admin
    done = erin.post(
        "/w/acme/pay/statements/refresh/",
        {"plan": pay["plan"].pk, "period": "2026"},
        follow=True,
    )
    assert "2026: 1 statements computed, 0 approved left as they were." in done.content.decode()
    alice_statement = Statement.objects.get(person=personas.alice, period="2026")
    url = f"/w/acme/pay/statements/{alice_statement.pk}/"

    alice = _client(personas.alice)
    assert f'href="{url}"' in alice.get("/w/acme/pay/").content.decode()
    page = alice.get(url)
    assert page.status_code == 200 and "€4,000.00" in page.content.decode()
    assert "110.0%" in page.content.decode() or "110.0 %" in page.content.decode()
    alice.post(url, {"action": "dispute", "component": "shared", "text": "Le T4 manque."})
    assert Dispute.objects.get(statement=alice_statement).text == "Le T4 manque."
    for who in ("bob", "dave", "rita"):  # not hers, not their team's, RevOps reads no pay
        assert _client(getattr(personas, who)).get(url).status_code == 404, who
    assert alice.post(url, {"action": "approve"}).status_code == 403  # never one's own

    erin.post(url, {"action": "approve"})
    alice_statement.refresh_from_db()
    assert alice_statement.status == "approved" and alice_statement.approved_by == personas.erin
    csv = _client(personas.erin, "fr").get(f"/w/acme/pay/plans/{pay['plan'].pk}/payroll/2026/")
    rows = csv.content.decode("utf-8-sig").strip().splitlines()
    assert rows[0].startswith("Période;")
    assert rows[1:] == [f"2026;{personas.alice.email};Alice Test;shared;attainment;4000,00;EUR"]


def test_the_goals_page_shows_the_same_number_on_two_horizons(personas):
    make_pay(personas)
    year = Goal.objects.get(workspace=personas.acme, period="2026")
    url = f"/w/acme/goals/{year.pk}/"
    # the year's signed pipeline credits: 3,000,000 + 300,000 = 3,300,000 against 3,000,000:
    # 110 %; the curve (0.8 → 0.5, 1.0 → 1.0, then its last slope 2.5, capped at 1.5):
    # 1.0 + 2.5 × 0.1 = 1.25 — Alice's year of test_statements (8,000 × 0.4 × 1.25 = 4,000)
    page = _client(personas.alice).get(url).content.decode()
    assert "Same number, two horizons" in page
    assert "Sales : each quarter · Marketing : each year" in page
    assert "attainment 110.0 % → 125.0 % of target pay" in page
    assert "Same number, two horizons" in _client(personas.rita).get(url).content.decode()
    assert "Same number, two horizons" not in _client(personas.mia).get(url).content.decode()


def test_what_if_a_deal_closes_and_the_shared_goal_ends_at_110(personas):
    # Bob, Q1 (test_statements' docstring): quota 1,680.00 + shared 1,800.00 = 3,480.00.
    # An open deal of 40,000 closing in Q1: 110,000 + 40,000 = 150,000 = the quarter's quota,
    # attainment 1 → 3,600.00. The shared goal at 110 %: 1 + 0.1 × 2.5 = 1.25 × 2,400 = 3,000.00.
    pay = make_pay(personas)
    lock_q1(personas.acme)
    open_deal = deal(personas.acme, "40000.00", "2026-06-30", owner=personas.bob)
    Opportunity.objects.filter(pk=open_deal.pk).update(stage="negotiation", close_date=None)
    erin = _client(personas.erin)
    erin.post("/w/acme/pay/statements/refresh/", {"plan": pay["plan"].pk, "period": "2026-Q1"})
    bob_statement = Statement.objects.get(person=personas.bob, period="2026-Q1")
    url = f"/w/acme/pay/statements/{bob_statement.pk}/"
    page = _client(personas.bob).get(url, {"whatif": "1", "deal": open_deal.pk, "goal_at": "110"})
    result = page.context["whatif"]
    assert (result["now"], result["supposed"], result["change"]) == (
        "€3,480.00",
        "€6,600.00",
        "€3,120.00",
    )
    assert [(x["component"], x["now"], x["supposed"]) for x in result["lines"]] == [
        ("quota", "€1,680.00", "€3,600.00"),
        ("shared", "€1,800.00", "€3,000.00"),
    ]
    bob_statement.refresh_from_db()
    assert bob_statement.total == Decimal("3480.00")  # nothing written
    other = deal(personas.acme, "10000.00", "2026-06-30", owner=personas.dave)
    Opportunity.objects.filter(pk=other.pk).update(stage="negotiation", close_date=None)
    refused = _client(personas.bob).get(url, {"whatif": "1", "deal": other.pk})
    assert refused.context["whatif_error"] == "Choose an open deal this person is credited on."
