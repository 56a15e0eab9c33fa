"""Split credit on opportunities (cordee.funnel.credits): the rules of a split, who sets it, the
audit and the timeline, the API and the page, and the credit rows of a period worked by hand.

Acme (Europe/Paris, EUR), period 2026-Q1 = 1 January – 31 March (close dates, inclusive):

| deal | owner | amount        | stage now   | close date | history                          | split            |
|------|-------|---------------|-------------|------------|----------------------------------|------------------|
| D1   | bob   | 10 000.00 €   | won         | 10 Feb     |                                  | bob 0.6, dave 0.4|
| D2   | dave  | 5 000.50 €    | won         | 31 Mar     |                                  | —                |
| D3   | bob   | 2 000.00 USD  | won         | 15 Jan     |                                  | —                |
| D4   | bob   | 8 000.00 €    | negotiation | 5 Mar      | won 5 Mar, back to negotiation 1 Apr 00:30 Paris (31 Mar 22:30 UTC) | — |
| D5   | bob   | 3 000.00 €    | won         | 1 Apr      |                                  | —                |
| D6   | bob   | 4 000.00 €    | won         | 31 Dec 2025|                                  | —                |
| D7   | bob   | 6 000.00 €    | lost        | 1 Feb      |                                  | —                |
| D8   | —     | 7 000.00 €    | won         | 20 Feb     |                                  | —                |
| D9   | dave  | 1 000.00 €    | won         | 25 Feb     | won, back to negotiation, won again | —             |
| G1   | carol | 9 000.00 €    | won (Globex)| 10 Feb     |                                  | —                |

By hand, the credit rows of 2026-Q1 (deal, person, amount, share, closed on, cancelled on):
- D1 bob 10 000.00 × 0.6, D1 dave 10 000.00 × 0.4 (10 Feb, —) — the split;
- D2 dave 5 000.50 × 1 (31 Mar, the last day, —) — no split: the owner;
- D4 bob 8 000.00 × 1 (5 Mar, cancelled 1 Apr: the workspace's date of the move, not UTC's);
- D9 dave 1 000.00 × 1 (25 Feb, —): won again, so not cancelled;
- apart: D3 bob 2 000.00 USD (one deal in USD, never converted);
- uncredited: D8 (no owner, no split). Out: D5 (April), D6 (2025), D7 (never won), G1 (Globex).
Credited in euros: bob 6 000 + 8 000 = 14 000.00; dave 4 000 + 5 000.50 + 1 000 = 10 000.50.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.funnel import credits
from cordee.funnel.activities import record_about
from cordee.funnel.credits import CreditRow, credit_rows, credits_of, opportunity_credits_set
from cordee.funnel.models import OpportunityCredit, OpportunityStage, OpportunityStageChange
from cordee.funnel.timeline import timeline
from tests import factories as f
from tests.fixtures.api import error_fields

PARIS = ZoneInfo("Europe/Paris")
WON, NEGOTIATION = OpportunityStage.WON, OpportunityStage.NEGOTIATION


def _deal(ws: Any, amount: str, close: str | None, stage: str = WON, **kwargs: Any) -> Any:
    return f.OpportunityFactory(
        workspace=ws,
        amount=Decimal(amount),
        close_date=dt.date.fromisoformat(close) if close else None,
        stage=stage,
        **kwargs,
    )


def _moved(deal: Any, moves: list[tuple[str, str, dt.datetime]]) -> None:
    """Stage history as an import or a CRM sync writes it (Cordée keeps a won deal closed)."""
    for before, after, when in moves:
        OpportunityStageChange.objects.create(
            workspace_id=deal.workspace_id,
            opportunity=deal,
            from_stage=before,
            to_stage=after,
            at=when,
        )


def _split(personas: Any, deal: Any, shares: list[tuple[Any, str]], by: str = "dave") -> Any:
    return opportunity_credits_set(
        actor=personas.actor(by),
        opportunity_id=deal.pk,
        shares=[{"person": user.pk, "share": Decimal(share)} for user, share in shares],
    )


# -- the rules of a split -----------------------------------------------------------------------


def test_shares_summing_to_one_are_kept(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    _split(personas, deal, [(personas.bob, "0.6"), (personas.dave, "0.4")])
    stored = {(c.person_id, c.share) for c in OpportunityCredit.objects.filter(opportunity=deal)}
    assert stored == {(personas.bob.pk, Decimal("0.6")), (personas.dave.pk, Decimal("0.4"))}


def test_shares_that_do_not_sum_to_one_are_refused_naming_shares(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    with pytest.raises(ValidationFailed) as refused, translation.override("en"):
        _split(personas, deal, [(personas.bob, "0.6"), (personas.dave, "0.3")])
    assert refused.value.field_errors == {
        "shares": ["The shares must sum to exactly 1; they sum to 0.9."]
    }
    assert not OpportunityCredit.objects.filter(opportunity=deal).exists()


def test_a_non_member_is_refused_naming_the_index(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    with pytest.raises(ValidationFailed) as refused:
        _split(personas, deal, [(personas.bob, "0.5"), (personas.carol, "0.5")])  # Globex's
    assert set(refused.value.field_errors) == {"shares[1].person"}


def test_a_deactivated_member_is_refused(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    personas.alice.memberships.update(is_active=False)
    with pytest.raises(ValidationFailed) as refused:
        _split(personas, deal, [(personas.alice, "0.5"), (personas.bob, "0.5")])
    assert set(refused.value.field_errors) == {"shares[0].person"}


@pytest.mark.parametrize("share", ["0", "-0.5", "1.5", "0.33333"])
def test_a_share_out_of_range_or_too_precise_is_refused(personas, share):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    with pytest.raises(ValidationFailed) as refused:
        _split(personas, deal, [(personas.bob, share), (personas.dave, "0.5")])
    assert set(refused.value.field_errors) == {"shares[0].share"}


def test_a_person_named_twice_is_refused(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    with pytest.raises(ValidationFailed) as refused:
        _split(personas, deal, [(personas.bob, "0.5"), (personas.bob, "0.5")])
    assert set(refused.value.field_errors) == {"shares[1].person"}


def test_thirds_to_four_places_sum_to_one(personas):
    deal = _deal(personas.acme, "900.00", "2026-02-10", owner=personas.bob)
    result = _split(
        personas,
        deal,
        [(personas.bob, "0.3334"), (personas.dave, "0.3333"), (personas.rita, "0.3333")],
    )
    # 900 × 0.3334 = 300.06; 900 × 0.3333 = 299.97
    assert [line.credited for line in result.lines] == [
        Decimal("300.06"),
        Decimal("299.97"),
        Decimal("299.97"),
    ]


def test_the_owner_gets_the_whole_credit_without_a_split(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    unowned = _deal(personas.acme, "500.00", "2026-02-10")
    got = credits_of([deal, unowned])
    assert [(c.person_id, c.email, c.share) for c in got[deal.pk]] == [
        (personas.bob.pk, "bob@example.fr", Decimal(1))
    ]
    assert got[unowned.pk] == ()


def test_an_empty_split_gives_the_owner_the_whole_credit_again(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    _split(personas, deal, [(personas.bob, "0.6"), (personas.dave, "0.4")])
    result = _split(personas, deal, [])
    assert not result.split
    assert [(line.credit.person_id, line.credited) for line in result.lines] == [
        (personas.bob.pk, Decimal("10000.00"))
    ]
    assert not OpportunityCredit.objects.filter(opportunity=deal).exists()


# -- who sets it --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bob", "alice", "mia", "erin"])
def test_only_sales_managers_and_revops_split_credit(personas, name):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    with pytest.raises(PermissionDenied):
        _split(personas, deal, [(personas.bob, "1")], by=name)


@pytest.mark.parametrize("name", ["dave", "rita"])
def test_a_sales_manager_and_revops_split_credit(personas, name):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    assert _split(personas, deal, [(personas.bob, "0.5"), (personas.dave, "0.5")], by=name).split


def test_another_workspaces_deal_is_not_found(personas):
    deal = _deal(personas.globex, "10000.00", "2026-02-10", owner=personas.carol)
    with pytest.raises(NotFound):
        _split(personas, deal, [(personas.bob, "1")])


# -- kept: the audit log and the timeline -------------------------------------------------------


def test_every_change_is_audited_before_and_after(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob, name="Kit")
    _split(personas, deal, [(personas.bob, "0.6"), (personas.dave, "0.4")])
    _split(personas, deal, [(personas.bob, "0.6"), (personas.dave, "0.4")])  # unchanged: no entry
    _split(personas, deal, [(personas.dave, "1")], by="rita")
    entries = list(
        AuditEntry.objects.filter(target="opportunities", target_id=deal.pk).order_by("id")
    )
    assert [(e.action, e.user_id, e.target_label) for e in entries] == [
        ("split", personas.dave.pk, "Kit"),
        ("split", personas.rita.pk, "Kit"),
    ]
    assert (entries[0].before, entries[0].after) == (
        {"credit_split": {}},
        {"credit_split": {"bob@example.fr": "0.6", "dave@example.fr": "0.4"}},
    )
    assert (entries[1].before, entries[1].after) == (
        {"credit_split": {"bob@example.fr": "0.6", "dave@example.fr": "0.4"}},
        {"credit_split": {"dave@example.fr": "1"}},
    )


def test_the_deals_timeline_tells_the_split(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    _split(personas, deal, [(personas.bob, "0.6"), (personas.dave, "0.4")])
    actor = personas.actor("bob")
    with translation.override("en"):
        page = timeline(
            actor=actor, about=record_about(actor=actor, record="opportunity", record_id=deal.pk)
        )
    (entry,) = [e for e in page.entries if e.kind == "credit"]
    assert entry.title.startswith("Credit split: bob@example.fr 60")
    assert "dave@example.fr 40" in entry.title
    assert entry.actor == "Dave Test"
    account = record_about(actor=actor, record="account", record_id=deal.account_id)
    assert [
        e.detail for e in timeline(actor=actor, about=account).entries if e.kind == "credit"
    ] == [deal.name]


# -- the credit rows of a period ------------------------------------------------------------------


@pytest.fixture
def quarter(personas: Any) -> dict[str, Any]:
    """The table of the module's docstring."""
    ws, bob, dave = personas.acme, personas.bob, personas.dave
    assert (ws.currency, ws.time_zone) == ("EUR", "Europe/Paris")
    d = {
        "D1": _deal(ws, "10000.00", "2026-02-10", owner=bob),
        "D2": _deal(ws, "5000.50", "2026-03-31", owner=dave),
        "D3": _deal(ws, "2000.00", "2026-01-15", owner=bob, currency="USD"),
        "D4": _deal(ws, "8000.00", "2026-03-05", stage=NEGOTIATION, owner=bob),
        "D5": _deal(ws, "3000.00", "2026-04-01", owner=bob),
        "D6": _deal(ws, "4000.00", "2025-12-31", owner=bob),
        "D7": _deal(ws, "6000.00", "2026-02-01", stage=OpportunityStage.LOST, owner=bob),
        "D8": _deal(ws, "7000.00", "2026-02-20"),
        "D9": _deal(ws, "1000.00", "2026-02-25", owner=dave),
        "G1": _deal(personas.globex, "9000.00", "2026-02-10", owner=personas.carol),
    }
    _split(personas, d["D1"], [(bob, "0.6"), (dave, "0.4")])
    _moved(
        d["D4"],
        [
            (NEGOTIATION, WON, dt.datetime(2026, 3, 5, 10, 0, tzinfo=PARIS)),
            (WON, NEGOTIATION, dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC)),  # 1 Apr, Paris
        ],
    )
    _moved(
        d["D9"],
        [
            (NEGOTIATION, WON, dt.datetime(2026, 2, 25, 10, 0, tzinfo=PARIS)),
            (WON, NEGOTIATION, dt.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)),
            (NEGOTIATION, WON, dt.datetime(2026, 3, 3, 10, 0, tzinfo=PARIS)),
        ],
    )
    return d


def test_the_credit_rows_of_a_quarter_by_hand(personas, quarter):
    d, bob, dave = quarter, personas.bob, personas.dave
    got = credit_rows(personas.acme, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    feb10, mar31, mar5, feb25 = (
        dt.date(2026, 2, 10),
        dt.date(2026, 3, 31),
        dt.date(2026, 3, 5),
        dt.date(2026, 2, 25),
    )
    eur = "EUR"
    assert got.rows == (
        CreditRow(d["D1"].pk, bob.pk, "bob@example.fr", Decimal("10000.00"), eur, Decimal("0.6"), feb10, None),
        CreditRow(d["D1"].pk, dave.pk, "dave@example.fr", Decimal("10000.00"), eur, Decimal("0.4"), feb10, None),
        CreditRow(d["D2"].pk, dave.pk, "dave@example.fr", Decimal("5000.50"), eur, Decimal(1), mar31, None),
        CreditRow(
            d["D4"].pk, bob.pk, "bob@example.fr", Decimal("8000.00"), eur, Decimal(1), mar5,
            dt.date(2026, 4, 1),
        ),
        CreditRow(d["D9"].pk, dave.pk, "dave@example.fr", Decimal("1000.00"), eur, Decimal(1), feb25, None),
    )  # fmt: skip
    assert [(r.deal_id, r.currency, r.amount) for r in got.apart] == [
        (d["D3"].pk, "USD", Decimal("2000.00"))
    ]
    assert got.other_currencies == {"USD": (1, Decimal("2000.00"))}
    assert got.uncredited == (d["D8"].pk,)
    by_person: dict[str, Decimal] = {}
    for r in got.rows:
        by_person[r.person] = by_person.get(r.person, Decimal(0)) + r.credited
    assert by_person == {
        "bob@example.fr": Decimal("14000.00"),
        "dave@example.fr": Decimal("10000.50"),
    }


def test_a_cancelled_deal_keeps_the_period_it_closed_in(personas, quarter):
    april = credit_rows(personas.acme, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert [r.deal_id for r in april.rows] == [quarter["D5"].pk]  # not D4, cancelled in April


def test_the_credit_rows_read_a_bounded_number_of_queries(
    personas, quarter, django_assert_num_queries
):
    with django_assert_num_queries(3):  # the deals, their splits, their owners
        credit_rows(personas.acme, dt.date(2026, 1, 1), dt.date(2026, 3, 31))


# -- the API --------------------------------------------------------------------------------------


def test_api_round_trip(personas, api_as):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    path = f"opportunities/{deal.pk}/credits"
    before = api_as("bob").get(path)
    assert before.status_code == 200
    assert before.json() == {
        "opportunity_id": deal.pk,
        "amount": "10000.00",
        "currency": "EUR",
        "split": False,
        "shares": [
            {
                "person": personas.bob.pk,
                "email": "bob@example.fr",
                "name": "Bob Test",
                "share": "1.0000",
                "credited": "10000.00",
            }
        ],
    }
    body = {
        "shares": [
            {"person": personas.bob.pk, "share": "0.6"},
            {"person": personas.dave.pk, "share": 0.4},
        ]
    }
    put = api_as("dave")._call("put", path, body)
    assert put.status_code == 200, put.content
    assert put.json() == api_as("erin").get(path).json()
    assert put.json()["split"] is True
    assert [(s["email"], s["share"], s["credited"]) for s in put.json()["shares"]] == [
        ("bob@example.fr", "0.6000", "6000.00"),
        ("dave@example.fr", "0.4000", "4000.00"),
    ]


def test_api_refusals_name_the_field(personas, api_as):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    path = f"opportunities/{deal.pk}/credits"
    client = api_as("rita")

    def put(shares: list[tuple[Any, Any]]) -> Any:
        body = {"shares": [{"person": p, "share": s} for p, s in shares]}
        return client._call("put", path, body)

    bob, dave, carol = personas.bob.pk, personas.dave.pk, personas.carol.pk
    cases = {
        "shares": [(bob, "0.6"), (dave, "0.3")],
        "shares[1].person": [(bob, "0.5"), (carol, "0.5")],
        "shares[0].share": [(bob, "abc"), (dave, "0.5")],
    }
    for field, shares in cases.items():
        response = put(shares)
        assert response.status_code == 422, response.content
        assert set(error_fields(response)) == {field}


def test_api_permissions(personas, api_as):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    other = _deal(personas.globex, "10000.00", "2026-02-10", owner=personas.carol)
    body = {"shares": [{"person": personas.bob.pk, "share": "1"}]}
    assert api_as("bob")._call("put", f"opportunities/{deal.pk}/credits", body).status_code == 403
    assert api_as("dave")._call("put", f"opportunities/{other.pk}/credits", body).status_code == 404
    assert api_as("dave").get(f"opportunities/{other.pk}/credits").status_code == 404


# -- the page -------------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_detail_page_shows_the_credit(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    _split(personas, deal, [(personas.bob, "0.6"), (personas.dave, "0.4")])
    detail = reverse("opportunities_detail", args=["acme", deal.pk])
    html = _client(personas.bob).get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="credit-split"' in html and "Bob Test" in html and "6,000.00" in html
    assert reverse("opportunity_credits", args=["acme", deal.pk]) not in html  # a rep: no link
    html = _client(personas.dave).get(detail).content.decode()
    assert reverse("opportunity_credits", args=["acme", deal.pk]) in html


def test_the_page_splits_in_percent(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    url = reverse("opportunity_credits", args=["acme", deal.pk])
    client = _client(personas.dave)
    assert client.get(url).status_code == 200
    sent = {"rows": "3", "person_0": personas.bob.pk, "share_0": "66.67"}
    sent |= {"person_2": personas.dave.pk, "share_2": "33.33"}  # a blank row between
    response = client.post(url, sent)
    assert response.status_code == 302
    assert {(c.person_id, c.share) for c in OpportunityCredit.objects.filter(opportunity=deal)} == {
        (personas.bob.pk, Decimal("0.6667")),
        (personas.dave.pk, Decimal("0.3333")),
    }
    cleared = client.post(url, {"rows": "3", "clear": "1"})
    assert cleared.status_code == 302
    assert not OpportunityCredit.objects.filter(opportunity=deal).exists()


def test_the_page_shows_the_refusal_on_the_row(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    url = reverse("opportunity_credits", args=["acme", deal.pk])
    sent = {"rows": "3", "person_0": personas.bob.pk, "share_0": "60"}
    sent |= {"person_2": personas.dave.pk, "share_2": "30"}
    response = _client(personas.dave).post(url, sent, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "The shares must sum to exactly 1; they sum to 0.9." in response.content.decode()
    form = response.context["form"]
    assert form.non_field_errors() and not form.errors.get("person_2")
    sent = {"rows": "3", "person_0": personas.bob.pk, "share_0": "60", "share_2": "40"}
    form = _client(personas.dave).post(url, sent).context["form"]
    assert list(form.errors) == ["person_2"]  # the service's shares[1].person, on its row


def test_the_page_is_for_those_who_split(personas):
    deal = _deal(personas.acme, "10000.00", "2026-02-10", owner=personas.bob)
    url = reverse("opportunity_credits", args=["acme", deal.pk])
    assert _client(personas.bob).get(url).status_code == 403
    assert _client(personas.bob).post(url, {"rows": "1"}).status_code == 403


def test_the_share_percent_is_whole_when_it_can_be():
    assert credits.share_percent(Decimal("0.6")).startswith("60")
    assert credits.share_percent(Decimal("0.3333")).startswith("33")
    assert "33.33" in credits.share_percent(Decimal("0.3333")).replace(",", ".")
