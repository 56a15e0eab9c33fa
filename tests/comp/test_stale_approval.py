"""Approval refuses a draft whose data changed since it was computed (services.statement_approve
computes the person's lines again, by the refresh's path): Bob's first quarter of
tests/comp/workspace.py, 3 480.00 (test_statements' docstring). D1 becomes 110 000: 140 000 /
150 000 = 0.9333… → (0.9333… − 0.5) / 0.5 = 0.8666… × 3 600 = 3 120.00, with the shared
1 800.00: 4 920.00."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from cordee.comp import services
from cordee.comp.models import Statement
from cordee.core.errors import Conflict
from tests.comp.workspace import deal, lock_q1


def _refresh(personas: Any, pay: Any) -> Statement:
    services.statements_refresh(
        actor=personas.actor("erin"), plan_id=pay["plan"].pk, period_label="2026-Q1"
    )
    return Statement.objects.get(person=personas.bob, period="2026-Q1")


def _amount(pay: Any, amount: str) -> None:
    pay["d1"].amount = Decimal(amount)
    pay["d1"].save()


def test_a_changed_deal_is_refused_until_refreshed(personas, pay):
    lock_q1(personas.acme)
    bob = _refresh(personas, pay)
    _amount(pay, "110000.00")
    with translation.override("en"), pytest.raises(Conflict) as refused:
        services.statement_approve(actor=personas.actor("dave"), statement_id=bob.pk)
    assert refused.value.message == (
        "The data changed since this statement was computed: its total was €3,480.00, computed "
        "again now it is €4,920.00. Refresh it, then approve it."
    )
    assert Statement.objects.get(pk=bob.pk).status == "draft"
    bob = _refresh(personas, pay)
    assert bob.total == Decimal("4920.00")
    approved = services.statement_approve(actor=personas.actor("dave"), statement_id=bob.pk)
    assert (approved.status, approved.total) == ("approved", Decimal("4920.00"))


def test_a_change_back_is_no_change(personas, pay):
    lock_q1(personas.acme)
    bob = _refresh(personas, pay)
    _amount(pay, "110000.00")
    _amount(pay, "80000.00")
    assert services.statement_approve(actor=personas.actor("erin"), statement_id=bob.pk).status == (
        "approved"
    )


def test_another_persons_deal_changes_nothing(personas, pay):
    """D2's split: Dave's 0.4 of it is not Bob's pay (Dave is no participant); Bob's 0.6 is.
    Alice's yearly statement does not read the deals at all."""
    lock_q1(personas.acme)
    bob = _refresh(personas, pay)
    services.statements_refresh(
        actor=personas.actor("erin"), plan_id=pay["plan"].pk, period_label="2026"
    )
    alice = Statement.objects.get(person=personas.alice, period="2026")
    _amount(pay, "110000.00")
    assert services.statement_approve(
        actor=personas.actor("erin"), statement_id=alice.pk
    ).status == ("approved")
    with pytest.raises(Conflict):
        services.statement_approve(actor=personas.actor("erin"), statement_id=bob.pk)


def test_the_api_and_the_page_say_so_and_offer_the_refresh(personas, pay, api_as):
    lock_q1(personas.acme)
    bob = _refresh(personas, pay)
    _amount(pay, "110000.00")
    response = api_as("dave").post(f"comp/statements/{bob.pk}/approve")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    message = response.json()["error"]["message"]  # in the workspace's French: 4 920,00 €
    assert "3\u00a0480,00" in message and "4\u00a0920,00" in message

    erin = Client(headers={"accept-language": "en"})
    erin.force_login(personas.erin)
    erin.cookies["django_language"] = "en"
    url = f"/w/acme/pay/statements/{bob.pk}/"
    page = erin.post(url, {"action": "approve"}, follow=True).content.decode()
    assert "The data changed since this statement was computed" in page
    assert 'id="statement-refresh"' in page  # the comp admin's refresh, back to this page
    done = erin.post(
        "/w/acme/pay/statements/refresh/",
        {"plan": pay["plan"].pk, "period": "2026-Q1", "next": url},
    )
    assert done.status_code == 302 and done["Location"] == url
    erin.post(url, {"action": "approve"})
    bob.refresh_from_db()
    assert (bob.status, bob.total) == ("approved", Decimal("4920.00"))


def test_the_check_reads_a_bounded_number_of_queries(personas, pay):
    """The approval's second computation reads as many queries with 2 deals as with 12."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lock_q1(personas.acme)

    def refused_queries(amount: str) -> int:
        bob = _refresh(personas, pay)
        _amount(pay, amount)
        with CaptureQueriesContext(connection) as queries, pytest.raises(Conflict):
            services.statement_approve(actor=personas.actor("erin"), statement_id=bob.pk)
        return len(queries)

    few = refused_queries("90000.00")
    for day in range(1, 11):
        deal(personas.acme, "1000.00", f"2026-02-{day:02d}", owner=personas.bob)
    assert refused_queries("100000.00") == few
