"""The statement pages over the plan of tests/comp/workspace.py (worked by hand in
test_statements): a comp admin computes the year from the pay page, the marketer reads her
statement (4,000.00: the shared goal at 110 %), questions a line, the comp admin approves it and
downloads the payroll file; nobody else opens it."""

from __future__ import annotations

from typing import Any

from django.test import Client

from cordee.comp.models import Dispute, Statement
from tests.comp.workspace import make_pay


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
