"""Attribution in the app: snapshots from the shared data, the page, and the two-sided lock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from cordee.attribution import selectors
from cordee.attribution.services import lock_sign, snapshot_compute
from cordee.core.errors import Conflict, PermissionDenied
from cordee.funnel.models import Stage, TouchKind
from tests import factories as f

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _journey(personas, channels, won, amount="0"):
    """A lead with marketing touches 10, 9, … days ago; won: a deal closed today."""
    now = timezone.now()
    lead = f.LeadFactory(
        workspace=personas.acme, stage=Stage.WON if won else Stage.SAL, stage_entered_at=now
    )
    for i, channel in enumerate(channels):
        f.TouchpointFactory(
            workspace=personas.acme,
            contact=lead.contact,
            lead=lead,
            channel=channel,
            kind=TouchKind.WEB_VISIT,
            occurred_at=now - dt.timedelta(days=10 - i),
        )
    if won:
        f.OpportunityFactory(
            workspace=personas.acme,
            lead=lead,
            account=lead.contact.account,
            stage="closed_won",
            amount=Decimal(amount),
            close_date=personas.acme.today(),
        )
    return lead


@pytest.fixture
def journeys(personas):
    _journey(personas, ["seo"], True, "10000")
    _journey(personas, ["linkedin", "seo"], False)
    return personas


def test_snapshot_follows_the_markov_hand_example(journeys):
    snapshot = snapshot_compute(workspace=journeys.acme, start=START, end=END, dimension="channel")
    assert (snapshot.journeys, snapshot.conversions, snapshot.value) == (2, 1, Decimal("10000.00"))
    # the same shape as the hand-worked A→conv / B→A→null example: seo 2/3, linkedin 1/3
    assert snapshot.credits["markov"] == {"linkedin": "0.3333", "seo": "0.6667"}
    assert snapshot.credits["first"] == {"linkedin": "0.0000", "seo": "1.0000"}


def test_the_lock_needs_both_sides_on_the_same_model(journeys):
    snapshot_compute(workspace=journeys.acme, start=START, end=END, dimension="channel")
    with pytest.raises(PermissionDenied):
        lock_sign(
            actor=journeys.actor("alice"), start=START, end=END, dimension="channel", model="markov"
        )
    lock = lock_sign(
        actor=journeys.actor("mia"), start=START, end=END, dimension="channel", model="markov"
    )
    assert (lock.credits, lock.is_signed) == ({"linkedin": "0.3333", "seo": "0.6667"}, False)
    with pytest.raises(Conflict):
        lock_sign(
            actor=journeys.actor("dave"), start=START, end=END, dimension="channel", model="shapley"
        )
    lock = lock_sign(
        actor=journeys.actor("dave"), start=START, end=END, dimension="channel", model="markov"
    )
    assert lock.is_signed


def test_later_data_shows_a_difference_and_never_changes_the_numbers_of_record(journeys):
    snapshot_compute(workspace=journeys.acme, start=START, end=END, dimension="channel")
    for actor in ("mia", "dave"):
        lock_sign(
            actor=journeys.actor(actor), start=START, end=END, dimension="channel", model="last"
        )
    _journey(journeys, ["linkedin"], True, "5000")  # a backdated import, say
    newer = snapshot_compute(workspace=journeys.acme, start=START, end=END, dimension="channel")
    lock = selectors.period_lock(actor=journeys.actor("mia"), start=START, dimension="channel")
    assert lock.credits == {"linkedin": "0.0000", "seo": "1.0000"}
    assert selectors.differences(lock, newer) == {
        "linkedin": (Decimal("0.0000"), Decimal("1.0000"))
    }


def test_the_page_shows_every_model_and_exports_csv(journeys):
    from cordee.attribution.periods import fiscal_periods

    period = fiscal_periods(1, journeys.acme.today())[0]  # the fiscal year, the page's day
    snapshot_compute(
        workspace=journeys.acme, start=period.start, end=period.end, dimension="channel"
    )
    client = Client()
    client.force_login(journeys.mia)
    client.cookies["django_language"] = "en"
    body = client.get(
        f"/w/acme/attribution/?period={period.key}&by=channel&model=markov"
    ).content.decode()
    assert "Markov" in body and "Shapley" in body and "W-shaped" in body and "<svg" in body
    csv = client.get(
        f"/w/acme/attribution/?period={period.key}&by=channel&format=csv"
    ).content.decode()
    header = "channel,first,last,linear,position,w_shaped,time_decay,markov,shapley"
    assert csv.splitlines()[0].startswith(header + ",first_value,")


def test_the_nightly_refresh_computes_the_periods_of_the_workspaces_day(personas, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from cordee.attribution.jobs import refresh_current_snapshots

    # 23:30 UTC on 31 December is already New Year's Day in Paris: the new fiscal year
    late = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: late)
    refresh_current_snapshots()
    periods = {
        tuple(t.args_kwargs["args"][1:3])
        for t in DBTaskResult.objects.all()
        if t.args_kwargs["args"][0] == personas.acme.pk
    }
    assert periods == {("2027-01-01", "2027-12-31"), ("2027-01-01", "2027-03-31")}


def test_signing_and_withdrawing_a_lock_are_in_the_audit_log(journeys):
    from cordee.attribution.services import lock_withdraw
    from cordee.core.models import AuditEntry

    snapshot_compute(workspace=journeys.acme, start=START, end=END, dimension="channel")
    lock = lock_sign(
        actor=journeys.actor("mia"), start=START, end=END, dimension="channel", model="markov"
    )
    lock_withdraw(actor=journeys.actor("mia"), lock_id=lock.pk)
    signed, withdrawn = AuditEntry.objects.filter(target="attribution-locks").order_by("id")
    assert (signed.action, signed.by_label, signed.target_id) == ("sign", "Mia Test", lock.pk)
    assert signed.target_label == "2026-01-01 – 2026-12-31 · channel"
    assert signed.after["model"] == "markov"
    assert signed.after["marketing_signed_by"] == {"id": journeys.mia.pk, "name": "Mia Test"}
    assert withdrawn.action == "withdraw"
    assert withdrawn.before["marketing_signed_by"] == {"id": journeys.mia.pk, "name": "Mia Test"}
    assert withdrawn.after == {}
