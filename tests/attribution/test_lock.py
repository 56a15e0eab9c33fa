"""Signing refused on a negative credit, withdrawing a signature, and the page saying so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone, translation

from cordee.attribution.models import AttributionLock, AttributionSnapshot
from cordee.attribution.periods import fiscal_periods
from cordee.attribution.services import lock_sign, lock_withdraw
from cordee.core.errors import Conflict

pytestmark = pytest.mark.usefixtures("english_pages")


def _period(workspace):
    return fiscal_periods(workspace.fiscal_year_start_month, workspace.today())[0]


@pytest.fixture
def negative_shapley(personas):
    """A snapshot of this fiscal year whose Shapley credits one channel below 0."""
    period = _period(personas.acme)
    AttributionSnapshot.objects.create(
        workspace=personas.acme,
        period_start=period.start,
        period_end=period.end,
        dimension="channel",
        conversions=3,
        journeys=5,
        credits={
            "shapley": {"seo": "-1.2500", "sea": "4.2500"},
            "markov": {"seo": "1.0000", "sea": "2.0000"},
        },
        value_credits={
            "shapley": {"seo": "-12500.00", "sea": "42500.00"},
            "markov": {"seo": "10000.00", "sea": "20000.00"},
        },
        computed_at=timezone.now(),
    )
    return personas


def _sign(personas, who, model):
    period = _period(personas.acme)
    return lock_sign(
        actor=personas.actor(who),
        start=period.start,
        end=period.end,
        dimension="channel",
        model=model,
    )


def test_a_model_with_a_negative_credit_cannot_be_signed(negative_shapley):
    # the channel named by its label, in the reader's language, never its code
    with translation.override("en"), pytest.raises(Conflict, match=r"Shapley model .*: SEO get"):
        _sign(negative_shapley, "mia", "shapley")
    with (
        translation.override("fr"),
        pytest.raises(Conflict, match=r"signé pour cette période.*SEO"),
    ):
        _sign(negative_shapley, "mia", "shapley")
    assert not AttributionLock.objects.exists()
    lock = _sign(negative_shapley, "mia", "markov")
    # both units are frozen in the lock
    assert (lock.credits, lock.value_credits) == (
        {"seo": "1.0000", "sea": "2.0000"},
        {"seo": "10000.00", "sea": "20000.00"},
    )


def test_a_side_may_withdraw_until_the_other_side_signs(negative_shapley):
    lock = _sign(negative_shapley, "mia", "markov")
    with pytest.raises(Conflict):  # sales has not signed: nothing of theirs to withdraw
        lock_withdraw(actor=negative_shapley.actor("dave"), lock_id=lock.pk)
    lock_withdraw(actor=negative_shapley.actor("mia"), lock_id=lock.pk)
    assert not AttributionLock.objects.exists()
    # another model may now be proposed, by either side
    _sign(negative_shapley, "dave", "markov")
    lock = _sign(negative_shapley, "mia", "markov")
    assert lock.is_signed
    with pytest.raises(Conflict):
        lock_withdraw(actor=negative_shapley.actor("mia"), lock_id=lock.pk)
    assert AttributionLock.objects.get().is_signed


def test_the_page_says_why_a_model_cannot_be_signed_and_names_the_proposed_model(
    negative_shapley,
):
    period = _period(negative_shapley.acme)
    client = Client()
    client.force_login(negative_shapley.mia)
    client.cookies["django_language"] = "en"
    url = f"/w/acme/attribution/?period={period.key}&by=channel&model=shapley"
    body = client.get(url).content.decode()
    assert "The Shapley model cannot be signed for this period: SEO get a negative credit" in body
    assert "Sign the Shapley model" not in body
    _sign(negative_shapley, "mia", "markov")
    body = client.get(url.replace("shapley", "markov")).content.decode()
    assert "The Markov model is proposed for this period" in body
    assert "The markov model" not in body
    assert "Withdraw my side" in body
    response = client.post(
        f"/w/acme/attribution/withdraw/?period={period.key}&by=channel&model=markov"
    )
    assert response.status_code == 302
    assert not AttributionLock.objects.exists()


def test_the_page_states_the_won_deals_and_revenue(personas):
    period = _period(personas.acme)
    AttributionSnapshot.objects.create(
        workspace=personas.acme,
        period_start=period.start,
        period_end=period.end,
        dimension="channel",
        conversions=72,
        value="2612700.00",
        journeys=2000,
        no_touch_conversions=2,
        no_touch_value="39800.00",
        unnamed_touches=1495,
        credits={"markov": {"seo": "70.0000"}},
        value_credits={"markov": {"seo": "2572900.00"}},
        computed_at=timezone.now() - dt.timedelta(minutes=1),
    )
    client = Client()
    client.force_login(personas.erin)
    client.cookies["django_language"] = "en"
    body = client.get(f"/w/acme/attribution/?period={period.key}").content.decode()
    assert "72 deals won in the period · €2,612,700" in body
    assert "2 won deals · €39,800, outside the models" in body
    assert "groups 1,495 marketing touches without one" in body
