"""The attribution API: snapshots with their credits, computing one, locks, sign and withdraw."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cordee.attribution.models import AttributionLock, AttributionSnapshot

START, END = "2026-01-01", "2026-12-31"
PERIOD = {"period_start": START, "period_end": END, "dimension": "channel"}


def _snapshot(workspace):
    return AttributionSnapshot.objects.create(
        workspace=workspace,
        period_start=START,
        period_end=END,
        dimension="channel",
        conversions=3,
        value="30000.00",
        journeys=7,
        no_touch_conversions=1,
        no_touch_value="5000.00",
        credits={
            "markov": {"seo": "1.5000", "sea": "0.5000"},
            "shapley": {"seo": "-0.5000", "sea": "2.5000"},
        },
        value_credits={
            "markov": {"seo": "18750.00", "sea": "6250.00"},
            "shapley": {"seo": "-6250.00", "sea": "31250.00"},
        },
        intervals={
            "seo": {
                "low": "-1.2000",
                "high": "0.4000",
                "low_value": "-15000.00",
                "high_value": "5000.00",
                "coalition": ["seo"],
                "support": 4,
            },
            "sea": {
                "low": "1.1000",
                "high": "3.0000",
                "low_value": "13750.00",
                "high_value": "37500.00",
                "coalition": ["sea"],
                "support": 3,
            },
        },
        bootstrap_seed=12,
        bootstrap_resamples=200,
        computed_at=timezone.now(),
    )


@pytest.fixture
def snapshots(personas):
    return _snapshot(personas.acme), _snapshot(personas.globex)


def test_a_snapshot_gives_credits_in_won_deals_and_revenue_with_intervals(api_as, snapshots):
    mine, _theirs = snapshots
    listed = api_as("erin").get("attribution/snapshots").json()
    assert [s["id"] for s in listed["items"]] == [mine.pk]
    assert listed["items"][0]["won_deals"] == 3 and listed["items"][0]["won_revenue"] == "30000.00"
    body = api_as("erin").get(f"attribution/snapshots/{mine.pk}").json()
    assert {"name": "seo", "conversions": "1.5000", "value": "18750.00"} in body["credits"][
        "markov"
    ]
    assert body["not_signable"] == {"markov": [], "shapley": ["seo"]}
    assert body["no_marketing_touch"] == {"won_deals": 1, "won_revenue": "5000.00"}
    seo = next(i for i in body["shapley_intervals"] if i["name"] == "seo")
    assert seo["not_distinguishable_from_zero"] and seo["support"] == 4
    assert (body["bootstrap_seed"], body["bootstrap_resamples"]) == (12, 200)


def test_another_workspaces_snapshot_and_lock_are_404(api_as, snapshots, personas):
    _mine, theirs = snapshots
    assert api_as("mia").get(f"attribution/snapshots/{theirs.pk}").status_code == 404
    lock = AttributionLock.objects.create(
        workspace=personas.globex,
        period_start=START,
        period_end=END,
        dimension="channel",
        model="markov",
    )
    assert api_as("mia").get(f"attribution/locks/{lock.pk}").status_code == 404
    assert api_as("mia").post(f"attribution/locks/{lock.pk}/withdraw").status_code == 404
    assert AttributionLock.objects.filter(pk=lock.pk).exists()


def test_computing_a_snapshot_is_for_managers_and_revops(api_as, personas):
    assert api_as("bob").post("attribution/snapshots", PERIOD).status_code == 403
    assert api_as("dave").post("attribution/snapshots", PERIOD).status_code == 202


def test_each_manager_signs_its_side_others_are_403(api_as, snapshots):
    body = {**PERIOD, "model": "markov"}
    for who in ("alice", "bob", "erin", "rita"):
        assert api_as(who).post("attribution/locks", body).status_code == 403, who
    signed = api_as("mia").post("attribution/locks", body).json()
    assert signed["model_label"] == "Markov" and signed["marketing_signed_at"] is not None
    assert signed["value_credits"] == {"seo": "18750.00", "sea": "6250.00"}
    assert signed["is_signed"] is False
    both = api_as("dave").post("attribution/locks", body).json()
    assert both["is_signed"] is True
    assert [lock["id"] for lock in api_as("erin").get("attribution/locks").json()["items"]] == [
        both["id"]
    ]


def test_a_model_with_a_negative_credit_is_refused_409(api_as, snapshots):
    response = api_as("mia").post("attribution/locks", {**PERIOD, "model": "shapley"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert ": SEO " in response.json()["error"]["message"]  # the channel below 0, by its label
    assert not AttributionLock.objects.exists()


def test_withdrawing_before_the_other_side_signs_and_not_after(api_as, snapshots):
    body = {**PERIOD, "model": "markov"}
    lock = api_as("mia").post("attribution/locks", body).json()
    assert api_as("alice").post(f"attribution/locks/{lock['id']}/withdraw").status_code == 403
    assert api_as("dave").post(f"attribution/locks/{lock['id']}/withdraw").status_code == 409
    assert api_as("mia").post(f"attribution/locks/{lock['id']}/withdraw").status_code == 204
    assert api_as("mia").get(f"attribution/locks/{lock['id']}").status_code == 404
    lock = api_as("dave").post("attribution/locks", body).json()
    api_as("mia").post("attribution/locks", body)
    assert api_as("dave").post(f"attribution/locks/{lock['id']}/withdraw").status_code == 409
