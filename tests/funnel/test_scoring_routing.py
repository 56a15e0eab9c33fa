"""Scoring (hand-computed, with decay), promotion to MQL by the rule, and round-robin routing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cordee.analytics.scoring import EngagementRule, FitRule, score_lead
from cordee.funnel.models import (
    Lead,
    LeadAssignment,
    LeadStageChange,
    RoutingRule,
    ScoringRule,
    Stage,
    TouchKind,
)
from cordee.funnel.routing import lead_route
from cordee.funnel.scoring import leads_rescore
from cordee.people.models import PodMember
from tests import factories as f

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def test_score_is_fit_plus_decayed_engagement_hand_computed():
    # Fit: industry Santé (+20), title contains "directeur" accent-insensitively (+15), size no.
    # Engagement: webinar 10 pts, half-life 10 days; touches 0 and 10 days old → 10 + 5 = 15.
    # Downloads 4 pts, no decay; one 100 days old → 4. Total 20 + 15 + 15 + 4 = 54.
    score = score_lead(
        attributes={
            "industry": "Santé",
            "job_title": "Directrice Générale / DIRECTEUR achats",
            "size_band": "10-49",
        },
        touches=[
            ("webinar_attended", NOW),
            ("webinar_attended", NOW - dt.timedelta(days=10)),
            ("content_download", NOW - dt.timedelta(days=100)),
            ("webinar_attended", NOW + dt.timedelta(days=1)),  # in the future: ignored
        ],
        fit_rules=[
            FitRule(1, "Santé", "industry", ("sante",), 20),
            FitRule(2, "Décideur", "job_title", ("Directeur",), 15),
            FitRule(3, "ETI", "size_band", ("250-999",), 10),
        ],
        engagement_rules=[
            EngagementRule(4, "Webinaire", "webinar_attended", 10, 10),
            EngagementRule(5, "Livre blanc", "content_download", 4, 0),
        ],
        now=NOW,
    )
    assert score.total == 54
    assert [(c.name, c.points, c.count) for c in score.contributions] == [
        ("Santé", 20.0, 1),
        ("Décideur", 15.0, 1),
        ("Webinaire", 15.0, 2),
        ("Livre blanc", 4.0, 1),
    ]


@pytest.fixture
def pod(personas):
    pod = f.PodFactory(workspace=personas.acme, name="Santé")
    for user in (personas.bob, personas.alice):
        PodMember.objects.create(pod=pod, user=user)
    return pod


@pytest.fixture
def rules(personas):
    ScoringRule.objects.create(
        workspace=personas.acme,
        name="Santé",
        kind="fit",
        attribute="industry",
        values=["Santé"],
        points=Decimal(40),
    )
    ScoringRule.objects.create(
        workspace=personas.acme,
        name="Webinaire",
        kind="engagement",
        touch_kind=TouchKind.WEBINAR_ATTENDED,
        points=Decimal(30),
        half_life_days=Decimal(7),
    )


def _lead(personas, industry="Santé"):
    account = f.AccountFactory(workspace=personas.acme, industry=industry)
    contact = f.ContactFactory(workspace=personas.acme, account=account)
    return f.LeadFactory(workspace=personas.acme, contact=contact)


def test_crossing_the_threshold_promotes_and_routes_with_history(personas, rules, pod):
    lead = _lead(personas)
    f.TouchpointFactory(
        workspace=personas.acme,
        contact=lead.contact,
        kind=TouchKind.WEBINAR_ATTENDED,
        occurred_at=NOW,
    )
    RoutingRule.objects.create(
        workspace=personas.acme, name="Santé → pod", pod=pod, industries=["Santé"]
    )
    assert leads_rescore(workspace=personas.acme, now=NOW) == 1
    lead.refresh_from_db()
    assert (lead.stage, lead.score, lead.mql_at) == (Stage.MQL, 70, NOW)
    change = LeadStageChange.objects.get(lead=lead, to_stage=Stage.MQL)
    assert (change.rule, change.actor) == ("scoring", None)
    # the history keeps the score and the threshold in force (60, Acme's default), as values
    assert (change.reason_code, change.reason_params) == (
        "score_threshold",
        {"score": 70, "threshold": 60},
    )
    # alice is a marketer: only bob (sales rep) can be routed to
    assert lead.owner == personas.bob and lead.pod == pod
    assert LeadAssignment.objects.get(lead=lead).rule == "Santé → pod"


def test_engagement_decays_below_the_threshold(personas, rules):
    lead = _lead(personas)
    f.TouchpointFactory(
        workspace=personas.acme,
        contact=lead.contact,
        kind=TouchKind.WEBINAR_ATTENDED,
        occurred_at=NOW,
    )
    # 14 days later the webinar is worth 30 × 2^(−2) = 7.5 → 40 + 7.5 = 47.5 → 48 (< 60)
    assert leads_rescore(workspace=personas.acme, now=NOW + dt.timedelta(days=14)) == 0
    lead.refresh_from_db()
    assert (lead.stage, lead.score) == (Stage.INQUIRY, 48)
    assert lead.score_detail[1] == {
        "rule_id": lead.score_detail[1]["rule_id"],
        "name": "Webinaire",
        "points": 7.5,
        "count": 1,
    }


def test_round_robin_skips_full_and_unavailable_reps(personas, pod):
    carl = f.UserFactory(email="carl@example.fr")
    f.MembershipFactory(workspace=personas.acme, user=carl, role="sdr")
    PodMember.objects.create(pod=pod, user=carl)
    RoutingRule.objects.create(workspace=personas.acme, name="R", pod=pod, capacity=2)
    owners = []
    for _ in range(4):
        lead = _lead(personas)
        Lead.objects.filter(pk=lead.pk).update(stage=Stage.MQL)
        lead.refresh_from_db()
        assignment = lead_route(lead=lead, at=timezone.now())
        owners.append(assignment.to_owner.email if assignment else None)
    assert owners == ["bob@example.fr", "carl@example.fr", "bob@example.fr", "carl@example.fr"]
    # both are at capacity (2 open MQLs each): nobody can take the fifth
    fifth = _lead(personas)
    assert lead_route(lead=fifth) is None
    PodMember.objects.filter(user=carl).update(is_available=False)
    Lead.objects.filter(owner=personas.bob).update(stage=Stage.WON)
    assert lead_route(lead=fifth).to_owner == personas.bob


def test_a_new_touchpoint_through_the_api_queues_a_rescore(
    personas, rules, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from cordee.funnel.services import touchpoint_create

    lead = _lead(personas)
    with django_capture_on_commit_callbacks(execute=True):
        touchpoint_create(
            actor=personas.actor("alice"),
            data={
                "contact": lead.contact_id,
                "kind": "webinar_attended",
                "occurred_at": timezone.now(),
            },
        )
    task = DBTaskResult.objects.get(task_path__endswith="funnel.tasks.rescore")
    assert task.args_kwargs["args"] == [personas.acme.pk, [lead.pk]]
    # what the worker then does: 40 (Santé) + 30 (fresh webinar) = 70 ≥ 60 → MQL
    from cordee.funnel.tasks import rescore

    assert rescore.call(personas.acme.pk, [lead.pk]) == 1
    assert Lead.objects.get(pk=lead.pk).stage == Stage.MQL


def test_a_recycled_lead_returns_on_its_re_evaluation_day_in_the_workspaces_zone(personas, rules):
    lead = _lead(personas)
    Lead.objects.filter(pk=lead.pk).update(stage=Stage.RECYCLED, recycle_on=dt.date(2026, 6, 2))
    late = dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC)  # already 2 June in Paris
    f.TouchpointFactory(
        workspace=personas.acme,
        contact=lead.contact,
        kind=TouchKind.WEBINAR_ATTENDED,
        occurred_at=late,
    )
    assert leads_rescore(workspace=personas.acme, now=late) == 1
    lead.refresh_from_db()
    assert lead.stage == Stage.MQL
