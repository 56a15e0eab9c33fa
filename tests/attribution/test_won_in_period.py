"""A period's attribution covers the deals won in the period (close date, workspace time zone),
in won deals and in won revenue, and its totals equal the funnel's for the same period."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cordee.attribution.snapshots import snapshot_compute
from cordee.funnel.models import Lead, Stage, TouchKind
from cordee.funnel.selectors import won_deals
from tests import factories as f

PARIS = ZoneInfo("Europe/Paris")
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def _at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=PARIS)


def _lead(personas, created: dt.datetime, touches, *, sales_touches=()):
    lead = f.LeadFactory(workspace=personas.acme, stage=Stage.SAL)
    Lead.objects.filter(pk=lead.pk).update(created_at=created)
    for channel, at in touches:
        f.TouchpointFactory(
            workspace=personas.acme,
            contact=lead.contact,
            lead=lead,
            channel=channel,
            kind=TouchKind.WEB_VISIT,
            occurred_at=at,
        )
    for at in sales_touches:
        f.TouchpointFactory(
            workspace=personas.acme,
            contact=lead.contact,
            lead=lead,
            kind=TouchKind.CALL,
            occurred_at=at,
        )
    return lead


def _won(personas, lead, amount, close, *, created_on="2026-04-01", currency="EUR"):
    return f.OpportunityFactory(
        workspace=personas.acme,
        lead=lead,
        account=lead.contact.account,
        stage="closed_won",
        amount=Decimal(amount),
        currency=currency,
        created_on=dt.date.fromisoformat(created_on),
        close_date=dt.date.fromisoformat(close),
    )


@pytest.fixture
def second_quarter(personas):
    """Q2 2026 in Acme (Europe/Paris), where the leads created in the quarter and the deals won
    in it are different cohorts:

    - A, created in February (before Q2): seo 10 Feb, sea 5 Apr; won 20 May, 10 000 €, its
      opportunity created 6 Apr → in the won cohort only;
    - B, created 15 Apr: linkedin 15 Apr; won 10 July (after Q2) → created cohort only; its last
      touch is in Q2, so it is a non-converting journey;
    - C, created 1 May: seo 1 May, emailing 30 June 23:30 Paris, event 1 July 00:30 Paris (still
      30 June in UTC: outside the journey, the close date is Paris's); won 30 June, 5 000 €;
    - D: only a sales call; won 2 June, 3 000 € → no marketing touch;
    - E: webinar 3 May; won 4 May, 2 000 USD → a won deal, its amount reported apart;
    - F: seo 1 March, never won: last touch before Q2, not a journey.
    """
    p = personas
    a = _lead(p, _at("2026-02-10", 11), [("seo", _at("2026-02-10")), ("sea", _at("2026-04-05"))])
    _won(p, a, "10000", "2026-05-20", created_on="2026-04-06")
    b = _lead(p, _at("2026-04-15", 11), [("linkedin", _at("2026-04-15"))])
    _won(p, b, "7000", "2026-07-10")
    c = _lead(
        p,
        _at("2026-05-01", 11),
        [
            ("seo", _at("2026-05-01")),
            ("emailing", _at("2026-06-30", 23, 30)),
            ("event", _at("2026-07-01", 0, 30)),
        ],
    )
    _won(p, c, "5000", "2026-06-30")
    d = _lead(p, _at("2026-05-05", 11), [], sales_touches=[_at("2026-05-06")])
    _won(p, d, "3000", "2026-06-02")
    e = _lead(p, _at("2026-05-03", 11), [("webinar", _at("2026-05-03"))])
    _won(p, e, "2000", "2026-05-04", currency="USD")
    _lead(p, _at("2026-03-01", 11), [("seo", _at("2026-03-01"))])
    return p


def _sum(credits):
    return sum(Decimal(v) for v in credits.values())


def test_the_period_credits_the_deals_won_in_it_not_the_leads_created_in_it(second_quarter):
    snapshot = snapshot_compute(
        workspace=second_quarter.acme, start=Q2[0], end=Q2[1], dimension="channel"
    )
    # won in Q2: A, C, D, E (4 deals; B closes in July) — the leads created in Q2 are B, C, D, E
    # journeys: A, C, E (won, with a touch) + B (last touch 15 Apr) = 4; D has none, F lapsed
    assert (snapshot.conversions, snapshot.journeys) == (4, 4)
    assert snapshot.value == Decimal("18000.00")  # A 10 000 + C 5 000 + D 3 000 (EUR only)
    assert (snapshot.no_touch_conversions, snapshot.no_touch_value) == (1, Decimal("3000.00"))
    assert snapshot.other_currencies == {"USD": {"count": 1, "amount": "2000.00"}}
    # first touch: A → seo, C → seo, E → webinar; B converts nothing
    assert snapshot.credits["first"] == {
        "emailing": "0.0000",
        "linkedin": "0.0000",
        "sea": "0.0000",
        "seo": "2.0000",
        "webinar": "1.0000",
    }
    # last touch: A → sea, C → emailing (the 00:30 event touch falls after C's close in Paris)
    assert snapshot.credits["last"]["emailing"] == "1.0000"
    assert "event" not in snapshot.credits["last"]


def test_credits_in_euros_follow_the_deal_amounts(second_quarter):
    snapshot = snapshot_compute(
        workspace=second_quarter.acme, start=Q2[0], end=Q2[1], dimension="channel"
    )
    euros = snapshot.value_credits
    # first touch: seo 10 000 (A) + 5 000 (C); webinar 0 (E is in USD)
    assert euros["first"] == {
        "emailing": "0.00",
        "linkedin": "0.00",
        "sea": "0.00",
        "seo": "15000.00",
        "webinar": "0.00",
    }
    # linear: A halves 10 000 between seo and sea; C halves 5 000 between seo and emailing
    assert euros["linear"]["seo"] == "7500.00"
    assert euros["linear"]["sea"] == "5000.00"
    assert euros["linear"]["emailing"] == "2500.00"
    # W-shaped, in won deals: A = seo first + lead created (11:00, after the 10:00 seo touch)
    # = 0.6, sea the opportunity's touch (created 6 Apr, after 5 Apr) = 0.3, and no other touch:
    # the 10 % split between the two milestone touches → seo 0.65, sea 0.35; C = seo first +
    # lead created + opportunity (1 Apr, before any touch: its 30 % to the first) = 0.9,
    # emailing the only other touch = 0.1; E = webinar 1. seo 1.55, sea 0.35, emailing 0.1
    assert snapshot.credits["w_shaped"]["seo"] == "1.5500"
    assert snapshot.credits["w_shaped"]["sea"] == "0.3500"
    assert snapshot.credits["w_shaped"]["emailing"] == "0.1000"


def test_credits_and_the_no_touch_line_add_up_to_the_funnels_won_deals(second_quarter):
    snapshot = snapshot_compute(
        workspace=second_quarter.acme, start=Q2[0], end=Q2[1], dimension="channel"
    )
    funnel = won_deals(actor=second_quarter.actor("erin"), start=Q2[0], end=Q2[1])
    assert (
        (funnel.count, funnel.revenue)
        == (snapshot.conversions, snapshot.value)
        == (
            4,
            Decimal("18000"),
        )
    )
    for model, credits in snapshot.credits.items():
        assert _sum(credits) + snapshot.no_touch_conversions == pytest.approx(
            funnel.count, abs=Decimal("0.001")
        ), model
        assert _sum(snapshot.value_credits[model]) + snapshot.no_touch_value == pytest.approx(
            funnel.revenue, abs=Decimal("0.05")
        ), model


def test_touches_without_channel_are_one_named_line_and_counted(personas):
    lead = _lead(
        personas,
        _at("2026-05-01", 9),
        [("", _at("2026-05-01")), ("", _at("2026-05-02")), ("seo", _at("2026-05-03"))],
    )
    _won(personas, lead, "1000", "2026-05-10")
    snapshot = snapshot_compute(
        workspace=personas.acme, start=Q2[0], end=Q2[1], dimension="channel"
    )
    assert snapshot.unnamed_touches == 2
    assert snapshot.credits["first"] == {"seo": "0.0000", "—": "1.0000"}


def test_the_funnel_page_shows_the_same_won_deals_as_the_attribution(client, second_quarter):
    """The metrics page's "deals won in the period" is the number attribution credits: A, C, D
    and E (4), 10 000 + 5 000 + 3 000 = 18 000 € by close date, E's 2 000 USD apart."""
    client.cookies["django_language"] = "en"
    client.force_login(second_quarter.alice)
    html = client.get(
        "/w/acme/funnel/metrics/", {"from": "2026-04-01", "to": "2026-06-30"}
    ).content.decode()
    card = html[html.index('id="won-in-period"') :]
    card = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card[: card.index("</div>")]))
    assert "Deals won in the period 4 " in card
    assert "€18,000 by close date" in card
    assert "$2,000" in card
    snapshot = snapshot_compute(
        workspace=second_quarter.acme, start=Q2[0], end=Q2[1], dimension="channel"
    )
    assert (snapshot.conversions, snapshot.value) == (4, Decimal("18000.00"))
