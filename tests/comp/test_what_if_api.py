"""What-if through the API (GET /api/v1/comp/statements/{id}/what-if): the same computation as
the statement page (comp.whatif), worked by hand on Bob's first quarter of tests/comp/workspace.py
(test_statements' docstring): quota 1 680.00 + shared 1 800.00 = 3 480.00.

An open deal of 40 000 of Bob's closing in Q1: 110 000 + 40 000 = 150 000, the quarter's quota,
attainment 1 → 3 600.00. The shared goal at 110 %: 1 + 0.1 × 2.5 = 1.25 × 2 400 = 3 000.00.
Both: 6 600.00, a change of 3 120.00."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cordee.comp.models import Statement
from cordee.funnel.models import Opportunity
from tests.comp.workspace import deal, lock_q1
from tests.fixtures.api import error_fields


def _open(personas: Any, amount: str, owner: Any) -> Opportunity:
    opportunity = deal(personas.acme, amount, "2026-06-30", owner=owner)
    Opportunity.objects.filter(pk=opportunity.pk).update(stage="negotiation", close_date=None)
    return opportunity


@pytest.fixture
def bob_q1(personas: Any, pay: Any, api_as: Any) -> Statement:
    lock_q1(personas.acme)
    done = api_as("erin").post(f"comp/plans/{pay['plan'].pk}/refresh", {"period": "2026-Q1"})
    assert done.status_code == 200, done.content
    return Statement.objects.get(person=personas.bob, period="2026-Q1")


def test_what_if_a_deal_closes_and_the_shared_goal_ends_at_110(personas, bob_q1, api_as):
    open_deal = _open(personas, "40000.00", personas.bob)
    url = f"comp/statements/{bob_q1.pk}/what-if"
    body = api_as("bob").get(url, {"deal": open_deal.pk, "goal_at": "1.10"}).json()
    assert body == {
        "statement": bob_q1.pk,
        "period": "2026-Q1",
        "now": "3480.00",
        "supposed": "6600.00",
        "change": "3120.00",
        "lines": [
            {"component": "quota", "now": "1680.00", "supposed": "3600.00"},
            {"component": "shared", "now": "1800.00", "supposed": "3000.00"},
        ],
    }
    only_goal = api_as("dave").get(url, {"goal_at": "1.1"}).json()  # his team's manager
    assert (only_goal["supposed"], only_goal["change"]) == ("4680.00", "1200.00")
    nothing = api_as("erin").get(url).json()  # nothing supposed: today's numbers twice
    assert (nothing["now"], nothing["supposed"], nothing["change"]) == (
        "3480.00",
        "3480.00",
        "0.00",
    )
    bob_q1.refresh_from_db()
    assert bob_q1.total == Decimal("3480.00")  # nothing written


def test_another_persons_statement_is_not_found(personas, bob_q1, api_as):
    for name in ("alice", "mia", "rita", "carol"):
        response = api_as(name).get(f"comp/statements/{bob_q1.pk}/what-if", {"goal_at": "1.1"})
        assert response.status_code == 404, name
        assert response.json()["error"]["code"] == "not_found"


def test_a_wrong_value_is_named(personas, bob_q1, api_as):
    url = f"comp/statements/{bob_q1.pk}/what-if"
    someone_elses = _open(personas, "10000.00", personas.dave)
    dollars = _open(personas, "10000.00", personas.bob)
    Opportunity.objects.filter(pk=dollars.pk).update(currency="USD")
    for params, field in (
        ({"deal": someone_elses.pk}, "deal"),  # not credited to Bob
        ({"deal": dollars.pk}, "deal"),  # never paid on: another currency
        ({"deal": "x"}, "deal"),
        ({"goal_at": "20"}, "goal_at"),  # from 0 to 10
        ({"goal_at": "-1"}, "goal_at"),
        ({"goal_at": "beaucoup"}, "goal_at"),
    ):
        response = api_as("bob").get(url, params)
        assert response.status_code == 422, params
        assert set(error_fields(response)) == {field}, params
