"""A lead decision's form sends its user back to ``next`` only within this site (issue 15)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cordee.funnel.models import RejectionReason, Stage
from tests import factories as f

ELSEWHERE = ["https://evil.example/phish", "//evil.example/phish", "http://testserver.evil/x"]


@pytest.fixture
def lead(personas):
    RejectionReason.objects.create(
        workspace=personas.acme, code="bad_fit", label="Hors cible", default_outcome="disqualified"
    )
    now = timezone.now()
    return f.LeadFactory(
        workspace=personas.acme,
        stage=Stage.MQL,
        stage_entered_at=now,
        mql_at=now,
        owner=personas.bob,
    )


def _decide(personas, lead, decision, next_url):
    client = Client()
    client.force_login(personas.bob)
    body = {"next": next_url, **({"reason": "bad_fit"} if decision == "reject" else {})}
    return client.post(reverse(f"lead_{decision}", args=["acme", lead.pk]), body)


@pytest.mark.parametrize("decision", ["accept", "reject"])
@pytest.mark.parametrize("target", ELSEWHERE)
def test_a_next_on_another_site_goes_back_to_the_lead_instead(personas, lead, decision, target):
    response = _decide(personas, lead, decision, target)
    assert response.status_code == 302
    assert response["Location"] == reverse("leads_detail", args=["acme", lead.pk])


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_a_next_on_this_site_is_followed(personas, lead, decision):
    queue = reverse("mql_queue", args=["acme"]) + "?scope=all"
    response = _decide(personas, lead, decision, queue)
    assert response.status_code == 302 and response["Location"] == queue
