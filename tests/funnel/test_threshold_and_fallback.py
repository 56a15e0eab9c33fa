"""Issue #12, items 4 and 5: the threshold in force is recorded with each promotion; a change of
threshold is recorded (who, when, from, to) through one service used by the API and the page;
the queue says why an MQL under the current threshold is in it; the routing fallback; an MQL
nobody can take is flagged and told to the RevOps admins once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from cordee.funnel import services
from cordee.funnel.models import (
    Lead,
    LeadStageChange,
    MqlThresholdChange,
    RoutingFallback,
    RoutingRule,
    ScoringRule,
    Stage,
    TouchKind,
)
from cordee.funnel.scoring import leads_rescore
from cordee.funnel.stages import ImportedStep, lead_history_import
from cordee.people.models import Notification, PodMember
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english_pages")

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def rules(personas):
    # fit: industry Santé → 40 points; engagement: a webinar → 30 points, half-life 7 days
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


def _lead(personas, industry="Santé", webinar_at=None):
    account = f.AccountFactory(workspace=personas.acme, industry=industry)
    contact = f.ContactFactory(workspace=personas.acme, account=account)
    lead = f.LeadFactory(workspace=personas.acme, contact=contact)
    if webinar_at is not None:
        f.TouchpointFactory(
            workspace=personas.acme,
            contact=contact,
            kind=TouchKind.WEBINAR_ATTENDED,
            occurred_at=webinar_at,
        )
    return lead


def _put(api, path, data):
    return api._call("put", path, data)


# -- the threshold in force is recorded with each promotion --------------------------------------


def test_each_promotion_records_the_threshold_in_force_then(personas, rules):
    first = _lead(personas, webinar_at=NOW)
    # 40 (Santé) + 30 (webinar today) = 70 ≥ 60 (Acme's threshold then)
    assert leads_rescore(workspace=personas.acme, now=NOW) == 1
    services.mql_threshold_set(actor=personas.actor("rita"), threshold=65)
    personas.acme.refresh_from_db()
    second = _lead(personas, webinar_at=NOW)
    assert leads_rescore(workspace=personas.acme, now=NOW, promote=True) == 1
    entries = {
        c.lead_id: c for c in LeadStageChange.objects.filter(to_stage=Stage.MQL, rule="scoring")
    }
    assert entries[first.pk].reason_params == {"score": 70, "threshold": 60}
    assert entries[second.pk].reason_params == {"score": 70, "threshold": 65}
    # written in the reader's language when read, not in the writer's
    with translation.override("fr"):
        assert entries[second.pk].why == "Le score 70 a atteint le seuil MQL (65)"
    with translation.override("en"):
        assert entries[second.pk].why == "Score 70 reached the MQL threshold (65)"


# -- a change of threshold is recorded: who, when, from, to ---------------------------------------


def test_a_threshold_change_through_the_api_is_recorded_with_who_when_old_new(
    personas, api_as, django_capture_on_commit_callbacks
):
    api = api_as("rita")
    before = dt.datetime.now(dt.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        response = _put(api, "/scoring/threshold", {"threshold": 72})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["threshold"] == 72
    assert [(c["old"], c["new"], c["changed_by_id"]) for c in body["changes"]] == [
        (60, 72, personas.rita.pk)
    ]
    change = MqlThresholdChange.objects.get(workspace=personas.acme)
    assert (change.old, change.new, change.changed_by) == (60, 72, personas.rita)
    assert before <= change.changed_at <= dt.datetime.now(dt.UTC)
    personas.acme.refresh_from_db()
    assert personas.acme.mql_threshold == 72
    # the leads are rescored in the background against the new threshold
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="rescore_workspace").count() == 1
    # the same value again records nothing; only RevOps may change it; the range is checked
    assert _put(api, "/scoring/threshold", {"threshold": 72}).status_code == 200
    assert MqlThresholdChange.objects.count() == 1
    assert _put(api_as("dave"), "/scoring/threshold", {"threshold": 50}).status_code == 403
    assert _put(api, "/scoring/threshold", {"threshold": 0}).status_code == 422
    assert api.get("/scoring/threshold").json()["threshold"] == 72


def test_the_settings_page_changes_the_threshold_through_the_same_service(client, personas):
    client.force_login(personas.rita)
    page = client.get("/w/acme/settings/scoring/")
    assert page.status_code == 200 and 'value="60"' in page.content.decode()
    response = client.post("/w/acme/settings/scoring/", {"threshold": "75"})
    assert response.status_code == 302
    change = MqlThresholdChange.objects.get(workspace=personas.acme)
    assert (change.old, change.new, change.changed_by) == (60, 75, personas.rita)
    html = client.get("/w/acme/settings/scoring/").content.decode()
    assert "Rita Test" in html and ">75<" in html
    assert client.post("/w/acme/settings/scoring/", {"threshold": "-3"}).status_code == 422
    client.force_login(personas.bob)
    assert client.get("/w/acme/settings/scoring/").status_code == 403


# -- why an MQL under the current threshold is in the queue --------------------------------------


def test_the_queue_says_why_each_mql_under_the_threshold_is_there(client, personas, rules):
    # 1. promoted by the rule at 70 ≥ 60 (the threshold then)
    promoted = _lead(personas, webinar_at=NOW)
    assert leads_rescore(workspace=personas.acme, now=NOW) == 1
    # 2. moved to MQL by hand by dave (never scored: 0)
    by_hand = _lead(personas)
    services.lead_transition(actor=personas.actor("dave"), lead_id=by_hand.pk, to_stage="mql")
    # 3. imported from another system as an MQL
    imported = _lead(personas)
    lead_history_import(
        workspace_id=personas.acme.pk,
        lead=imported,
        steps=[ImportedStep(Stage.MQL, NOW - dt.timedelta(days=1), "hubspot")],
    )
    # 4. above the new threshold: nothing to explain (40 + 30 + 30 = 100: two fresh webinars)
    strong = _lead(personas, webinar_at=NOW)
    f.TouchpointFactory(
        workspace=personas.acme,
        contact=strong.contact,
        kind=TouchKind.WEBINAR_ATTENDED,
        occurred_at=NOW,
    )
    assert leads_rescore(workspace=personas.acme, now=NOW, lead_ids=[strong.pk]) == 1
    # RevOps raises the threshold to 80: three MQLs are now under it
    services.mql_threshold_set(actor=personas.actor("rita"), threshold=80)
    client.force_login(personas.dave)
    html = client.get("/w/acme/queue/?scope=all").content.decode()
    rows = {lead.pk: _row(html, lead.pk) for lead in (promoted, by_hand, imported, strong)}
    assert "Promoted under an earlier threshold (60), with a score of 70." in rows[promoted.pk]
    assert "Moved to MQL by hand by Dave Test." in rows[by_hand.pk]
    assert "Imported as an MQL from another system." in rows[imported.pk]
    assert 'data-flag="under-threshold"' not in rows[strong.pk]


def _row(html: str, lead_id: int) -> str:
    start = html.index(f'<tr id="lead-{lead_id}">')
    return html[start : html.index("</tr>", start)]


def test_a_promoted_lead_whose_engagement_faded_says_so(client, personas, rules):
    lead = _lead(personas, webinar_at=NOW)
    assert leads_rescore(workspace=personas.acme, now=NOW) == 1
    # 14 days later the webinar is worth 30 × 2^(−14/7) = 7.5 → 40 + 7.5 = 47.5 → 48 (< 60)
    leads_rescore(workspace=personas.acme, now=NOW + dt.timedelta(days=14))
    assert Lead.objects.get(pk=lead.pk).score == 48
    client.force_login(personas.dave)
    row = _row(client.get("/w/acme/queue/?scope=all").content.decode(), lead.pk)
    assert "Promoted with a score of 70 (threshold 60); its engagement has faded since." in row


# -- the routing fallback ------------------------------------------------------------------------


@pytest.fixture
def sante_pod(personas):
    pod = f.PodFactory(workspace=personas.acme, name="Santé")
    PodMember.objects.create(pod=pod, user=personas.bob)
    RoutingRule.objects.create(
        workspace=personas.acme, name="Santé → pod", pod=pod, industries=["Santé"]
    )
    return pod


def test_an_mql_no_rule_places_goes_to_the_fallback_pod_or_person(
    personas, rules, sante_pod, api_as
):
    general = f.PodFactory(workspace=personas.acme, name="Généraliste")
    PodMember.objects.create(pod=general, user=personas.dave)  # dave: sales manager, not routable
    carl = f.UserFactory(email="carl@example.fr", first_name="Carl", last_name="Test")
    f.MembershipFactory(workspace=personas.acme, user=carl, role="sdr")
    PodMember.objects.create(pod=general, user=carl)
    response = _put(api_as("rita"), "/routing/fallback", {"pod": general.pk})
    assert response.status_code == 200, response.content
    assert response.json()["pod_name"] == "Généraliste"
    # Industrie matches no rule and the lead has no pod; two fresh webinars: 30 + 30 = 60 ≥ 60
    lead = _lead(personas, industry="Industrie", webinar_at=NOW)
    f.TouchpointFactory(
        workspace=personas.acme,
        contact=lead.contact,
        kind=TouchKind.WEBINAR_ATTENDED,
        occurred_at=NOW,
    )
    assert leads_rescore(workspace=personas.acme, now=NOW) == 1
    lead.refresh_from_db()
    assert (lead.stage, lead.owner, lead.pod) == (Stage.MQL, carl, general)
    assignment = lead.assignments.get()
    assert assignment.rule == "fallback"
    # the reason is stored as a code and its values, read in the reader's language
    assert (assignment.reason_code, assignment.reason_params) == (
        "fallback_pod",
        {"pod": "Généraliste"},
    )
    with translation.override("fr"):
        assert assignment.why == (
            "Aucune règle de routage n’a pu placer le lead : attribution tournante dans le pod "
            "de secours Généraliste"
        )
    with translation.override("en"):
        assert assignment.why == (
            "No routing rule could place the lead: round-robin in the fallback pod Généraliste"
        )
    # a person instead of a pod
    response = _put(api_as("rita"), "/routing/fallback", {"user": personas.bob.pk})
    assert response.json()["user"] == personas.bob.pk and response.json()["pod"] is None
    other = _lead(personas, industry="Industrie", webinar_at=NOW)
    f.TouchpointFactory(
        workspace=personas.acme,
        contact=other.contact,
        kind=TouchKind.WEBINAR_ATTENDED,
        occurred_at=NOW,
    )
    assert leads_rescore(workspace=personas.acme, now=NOW) == 1
    assert Lead.objects.get(pk=other.pk).owner == personas.bob
    # refused: both at once, a marketer as the fallback person, a non-RevOps caller
    api = api_as("rita")
    assert _put(api, "/routing/fallback", {"pod": general.pk, "user": carl.pk}).status_code == 422
    assert _put(api, "/routing/fallback", {"user": personas.alice.pk}).status_code == 422
    assert _put(api_as("dave"), "/routing/fallback", {"pod": general.pk}).status_code == 403


def test_the_routing_settings_page_sets_the_fallback(client, personas):
    pod = f.PodFactory(workspace=personas.acme, name="Généraliste")
    client.force_login(personas.rita)
    assert client.get("/w/acme/settings/routing/").status_code == 200
    assert (
        client.post("/w/acme/settings/routing/", {"pod": str(pod.pk), "user": ""}).status_code
        == 302
    )
    fallback = RoutingFallback.objects.get(workspace=personas.acme)
    assert (fallback.pod, fallback.user, fallback.changed_by) == (pod, None, personas.rita)


# -- an MQL nobody can take: flagged, and told to the RevOps admins once ------------------------


def test_an_unroutable_mql_is_flagged_and_notified_to_revops_once(client, personas, rules):
    second_admin = f.UserFactory(email="remi@example.fr", first_name="Rémi", last_name="Test")
    f.MembershipFactory(workspace=personas.acme, user=second_admin, role="revops_admin")
    lead = _lead(personas, webinar_at=NOW)  # no routing rule, no fallback, no pod
    assert leads_rescore(workspace=personas.acme, now=NOW) == 1
    lead.refresh_from_db()
    assert (lead.stage, lead.owner) == (Stage.MQL, None)
    told = Notification.objects.filter(kind="mql_unowned")
    assert sorted(n.user.email for n in told) == ["remi@example.fr", "rita@example.fr"]
    assert all(n.url == f"/w/acme/leads/{lead.pk}/" for n in told)
    # every rescoring tries to route it again: still nobody, and nobody is told twice
    for hours in (6, 12):
        leads_rescore(workspace=personas.acme, now=NOW + dt.timedelta(hours=hours))
    assert Notification.objects.filter(kind="mql_unowned").count() == 2
    # flagged on the queue (managers' "without an owner" view) and on the RevOps home
    client.force_login(personas.dave)
    row = _row(client.get("/w/acme/queue/?scope=unowned").content.decode(), lead.pk)
    assert 'data-flag="no-owner"' in row
    client.force_login(personas.rita)
    home = client.get("/w/acme/").content.decode()
    assert 'data-block="unowned_mqls" data-count="1"' in home
    # once RevOps sets a fallback, the next rescoring finds it an owner; the flag goes
    carl = f.UserFactory(email="carl@example.fr")
    f.MembershipFactory(workspace=personas.acme, user=carl, role="sdr")
    services.routing_fallback_set(actor=personas.actor("rita"), pod_id=None, user_id=carl.pk)
    leads_rescore(workspace=personas.acme, now=NOW + dt.timedelta(hours=18))
    assert Lead.objects.get(pk=lead.pk).owner == carl
    assert 'data-block="unowned_mqls" data-count="0"' in client.get("/w/acme/").content.decode()


def test_scores_at_is_the_score_a_promotion_at_that_instant_saw(personas, rules):
    from cordee.funnel.scoring import scores_at

    lead = _lead(personas, webinar_at=NOW)
    f.TouchpointFactory(
        workspace=personas.acme,
        contact=lead.contact,
        kind=TouchKind.WEBINAR_ATTENDED,
        occurred_at=NOW + dt.timedelta(days=2),
    )
    # at NOW + 7 days: 40 (Santé) + 30 × 2^(−7/7) = 15 + 30 × 2^(−5/7) ≈ 18.29 → 73.29 → 73;
    # at NOW + 1 day: the later webinar does not count yet: 40 + 30 × 2^(−1/7) ≈ 27.23 → 67
    assert scores_at(
        personas.acme,
        [(lead, NOW + dt.timedelta(days=7)), (lead, NOW + dt.timedelta(days=1))],
    ) == [73, 67]
