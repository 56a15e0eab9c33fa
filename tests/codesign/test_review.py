"""The sales review of a campaign brief and the launch gate.

Acme (Europe/Paris, France) works Monday to Friday, 09:00–17:00 (set by hand below: one business
day = 8 hours). Pods: Nord (Bob, sales rep; Dave, sales manager; Alice, marketer) and Sud (Sam,
sales rep). Bob is Nord's default reviewer, Sam Sud's.

Due dates worked by hand (2 business days = 16 business hours):
- asked Thursday 4 June 2026 at 10:00 → Thursday 10:00–17:00 is 7 h, Friday 5 June 8 h (15 h),
  Saturday and Sunday do not count, Monday 8 June 09:00–10:00 the 16th hour → due Monday 8 June
  2026 at 10:00 (Paris), 08:00 UTC. Counted in calendar days it would have been Saturday.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from cordee.codesign import review, review_selectors, services
from cordee.codesign.models import BriefComment, LaunchOverride, PodReviewer, Review
from cordee.core.errors import Conflict, PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry, FieldChange
from cordee.crm.models import Campaign
from cordee.people.models import Notification, PodMember
from tests import factories as f
from tests.fixtures.api import error_fields

PARIS = ZoneInfo("Europe/Paris")
HOURS = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")} | {
    "sat": [],
    "sun": [],
}
ASKED = dt.datetime(2026, 6, 4, 10, 0, tzinfo=PARIS)  # a Thursday
DUE = dt.datetime(2026, 6, 8, 10, 0, tzinfo=PARIS)  # the Monday after


@pytest.fixture
def setup(personas: Any) -> Any:
    ws = personas.acme
    ws.business_hours = HOURS
    ws.save(update_fields=["business_hours"])
    sam = f.UserFactory(email="sam@example.fr", first_name="Sam", last_name="Test")
    f.MembershipFactory(workspace=ws, user=sam, role="sales_rep")
    nord = f.PodFactory(workspace=ws, name="Nord")
    sud = f.PodFactory(workspace=ws, name="Sud")
    for user in (personas.bob, personas.dave, personas.alice):
        PodMember.objects.create(pod=nord, user=user)
    PodMember.objects.create(pod=sud, user=sam)
    review.pod_reviewer_set(personas.actor("dave"), nord, personas.bob.pk)
    review.pod_reviewer_set(personas.actor("dave"), sud, sam.pk)
    campaign = f.CampaignFactory(workspace=ws, name="Salon Santé", status="planned")

    class S:
        pass

    s = S()
    s.ws, s.sam, s.nord, s.sud, s.campaign = ws, sam, nord, sud, campaign  # type: ignore[attr-defined]
    return s


BRIEF = {
    "objective": "Remplir le pipeline des cliniques",
    "persona": "Directrice des achats",
    "message": "Moins d'attente aux urgences",
    "offer": "Un audit offert",
    "call_to_action": "Réserver une démo",
    "channels": ["webinar"],
    "start_date": "2026-06-15",
    "end_date": "2026-06-30",
    "budget": "5000",
    "expected_mqls": "40",
    "expected_sqls": "10",
    "expected_pipeline": "100000",
    "success_criteria": "10 SQL",
}


def _brief(personas: Any, s: Any, name: str = "alice", **changes: Any) -> Any:
    data = {**BRIEF, "pods": [s.nord.pk, s.sud.pk], **changes}
    return services.brief_save(personas.actor(name), s.campaign, data)


def _open(s: Any) -> dict[str, Review]:
    return {
        r.pod.name: r
        for r in Review.objects.filter(campaign=s.campaign, superseded_at=None).select_related(
            "pod"
        )
    }


def _approve_all(personas: Any, s: Any) -> None:
    rounds = _open(s)
    review.review_decide(personas.actor("bob"), rounds["Nord"], "approved")
    sam = review.Actor(user=s.sam, workspace=s.ws, role="sales_rep")
    review.review_decide(sam, rounds["Sud"], "approved")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _codes(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("code", flat=True)
    )


# -- default reviewers ----------------------------------------------------------------------------


def test_a_default_reviewer_is_an_active_sales_member_of_the_pod(personas, setup):
    s = setup
    dave = personas.actor("dave")
    assert PodReviewer.objects.get(pod=s.nord).user == personas.bob
    with pytest.raises(ValidationFailed) as exc:  # a marketer of the pod
        review.pod_reviewer_set(dave, s.nord, personas.alice.pk)
    assert set(exc.value.field_errors) == {"user"}
    with pytest.raises(ValidationFailed):  # a rep of another pod
        review.pod_reviewer_set(dave, s.nord, s.sam.pk)
    personas.dave.memberships.update(is_active=False)
    with pytest.raises(ValidationFailed):  # no longer active
        review.pod_reviewer_set(dave, s.nord, personas.dave.pk)
    with pytest.raises(PermissionDenied):  # a rep does not choose
        review.pod_reviewer_set(personas.actor("bob"), s.nord, personas.bob.pk)
    review.pod_reviewer_set(personas.actor("mia"), s.nord, None)  # managers of either side
    assert not PodReviewer.objects.filter(pod=s.nord).exists()
    assert AuditEntry.objects.filter(target="pod-reviewers", target_id=s.nord.pk).count() == 2


def test_the_reviewers_page_and_api(personas, setup, api_as):
    s = setup
    page = _client(personas.dave).get(reverse("pod_reviewers", args=["acme"]))
    assert page.status_code == 200 and "Nord" in page.content.decode()
    posted = _client(personas.dave).post(
        reverse("pod_reviewer_set", args=["acme", s.nord.pk]), {"user": personas.dave.pk}
    )
    assert posted.status_code == 302
    assert PodReviewer.objects.get(pod=s.nord).user == personas.dave
    api = api_as("rita")
    rows = {r["pod_name"]: r for r in api.get("pod-reviewers").json()}
    assert rows["Nord"]["reviewer_id"] == personas.dave.pk
    assert sorted(rows["Nord"]["candidates"]) == sorted([personas.bob.pk, personas.dave.pk])
    put = api._call("put", f"pod-reviewers/{s.sud.pk}", {"user": personas.bob.pk})
    assert put.status_code == 422 and "user" in error_fields(put)
    assert (
        api_as("bob")._call("put", f"pod-reviewers/{s.sud.pk}", {"user": None}).status_code == 403
    )


# -- sending for review ---------------------------------------------------------------------------


def test_send_for_review_opens_a_round_per_pod_due_two_business_days_later(personas, setup):
    s = setup
    _brief(personas, s)
    rounds = review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    assert [(r.pod.name, r.reviewer, r.version, r.state) for r in rounds] == [
        ("Nord", personas.bob, 1, "pending"),
        ("Sud", s.sam, 1, "pending"),
    ]
    assert {r.due_at for r in rounds} == {DUE}
    assert DUE.astimezone(dt.UTC) == dt.datetime(2026, 6, 8, 8, 0, tzinfo=dt.UTC)
    assert _codes(personas.bob) == ["codesign.review_asked"]
    assert _codes(s.sam) == ["codesign.review_asked"]
    note = Notification.objects.get(user=personas.bob)
    assert "Salon Santé" in note.title and "Nord" in note.title
    assert AuditEntry.objects.filter(action="review_request", target_id=s.campaign.pk).exists()
    # sent again: nothing new (the rounds are open)
    again = review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    assert [r.pk for r in again] == [r.pk for r in rounds]


def test_marketing_names_another_sales_member_of_the_pod_for_one_campaign(personas, setup):
    s = setup
    _brief(personas, s)
    alice = personas.actor("alice")
    rounds = review.review_request(alice, s.campaign, {s.nord.pk: personas.dave.pk}, now=ASKED)
    assert rounds[0].reviewer == personas.dave
    assert PodReviewer.objects.get(pod=s.nord).user == personas.bob  # the default stays
    with pytest.raises(ValidationFailed):  # not a sales member of Sud
        review.review_request(alice, s.campaign, {s.sud.pk: personas.bob.pk})
    # the pending round goes to someone else of the pod
    rounds = review.review_request(alice, s.campaign, {s.nord.pk: personas.bob.pk})
    assert _open(s)["Nord"].reviewer == personas.bob


def test_a_pod_without_default_reviewer_is_named(personas, setup):
    s = setup
    review.pod_reviewer_set(personas.actor("dave"), s.sud, None)
    _brief(personas, s)
    with pytest.raises(ValidationFailed) as exc:
        review.review_request(personas.actor("alice"), s.campaign)
    assert "Sud" in exc.value.message
    assert not Review.objects.exists()


def test_no_review_without_target_pods_and_only_marketing_sends(personas, setup):
    s = setup
    with pytest.raises(ValidationFailed):  # no brief
        review.review_request(personas.actor("alice"), s.campaign)
    _brief(personas, s, pods=[])
    with pytest.raises(ValidationFailed) as exc:
        review.review_request(personas.actor("alice"), s.campaign)
    assert set(exc.value.field_errors) == {"pods"}
    with pytest.raises(PermissionDenied):
        review.review_request(personas.actor("bob"), s.campaign)


# -- answers --------------------------------------------------------------------------------------


def test_who_answers_a_round(personas, setup):
    s = setup
    _brief(personas, s)
    review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    sud = _open(s)["Sud"]
    for name in ("bob", "alice", "erin"):  # another pod's rep, marketing, an executive
        with pytest.raises(PermissionDenied):
            review.review_decide(personas.actor(name), sud, "approved")
    with pytest.raises(ValidationFailed) as exc:  # changes need a note
        review.review_decide(personas.actor("dave"), sud, "changes", "  ")
    assert set(exc.value.field_errors) == {"note"}
    done = review.review_decide(personas.actor("dave"), sud, "changes", "L'offre est floue")
    assert (done.state, done.decided_version, done.note) == ("changes", 1, "L'offre est floue")
    assert _codes(personas.alice) == ["codesign.review_decided"]  # the brief's author
    rita = review.review_decide(personas.actor("rita"), sud, "approved")
    assert rita.state == "approved"
    assert AuditEntry.objects.filter(action="request_changes", target="reviews").count() == 1
    assert AuditEntry.objects.filter(action="approve", target="reviews").count() == 1


def test_changes_asked_then_sent_again_opens_the_next_round(personas, setup):
    s = setup
    _brief(personas, s)
    review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    first = _open(s)["Nord"]
    review.review_decide(personas.actor("bob"), first, "changes", "Préciser l'offre")
    _brief(personas, s, objective="Autre objectif")  # not material: the answer stays
    assert _open(s)["Nord"].pk == first.pk
    review.review_request(personas.actor("alice"), s.campaign)
    second = _open(s)["Nord"]
    assert second.pk != first.pk and second.state == "pending" and second.version == 2
    first.refresh_from_db()
    assert first.superseded_at is not None
    with pytest.raises(Conflict):  # a closed round is not answered
        review.review_decide(personas.actor("bob"), first, "approved")


# -- re-approval ----------------------------------------------------------------------------------


def test_a_material_change_after_approval_asks_again(personas, setup):
    s = setup
    _brief(personas, s)
    review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    _approve_all(personas, s)
    approved = {k: r.pk for k, r in _open(s).items()}
    _brief(personas, s, offer="Un audit offert et une formation")
    now_open = _open(s)
    assert {k: r.state for k, r in now_open.items()} == {"Nord": "pending", "Sud": "pending"}
    assert {k: r.version for k, r in now_open.items()} == {"Nord": 2, "Sud": 2}
    assert all(now_open[k].pk != pk for k, pk in approved.items())
    assert Review.objects.filter(pk__in=approved.values(), superseded_at__isnull=False).count() == 2
    assert _codes(personas.bob) == ["codesign.review_asked", "codesign.review_again"]
    assert review.launch_refusal(s.campaign) is not None


@pytest.mark.parametrize(
    "change",
    [
        {"objective": "Un autre objectif"},
        {"budget": "9000"},
        {"expected_pipeline": "250000"},
        {"success_criteria": "12 SQL"},
    ],
)
def test_a_change_to_a_field_sales_does_not_review_keeps_the_approval(personas, setup, change):
    s = setup
    _brief(personas, s)
    review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    _approve_all(personas, s)
    before = {k: r.pk for k, r in _open(s).items()}
    _brief(personas, s, **change)
    assert {k: (r.pk, r.state) for k, r in _open(s).items()} == {
        k: (pk, "approved") for k, pk in before.items()
    }
    assert review.launch_refusal(s.campaign) is None


def test_the_material_fields_are_the_documented_ones():
    assert set(review.MATERIAL) | set(review.NOT_MATERIAL) == set(services.FIELDS)
    assert set(review.NOT_MATERIAL) == {
        "objective",
        "budget",
        "expected_pipeline",
        "success_criteria",
    }


def test_pods_removed_close_their_round_and_pods_added_open_one(personas, setup):
    s = setup
    _brief(personas, s, pods=[s.nord.pk])
    review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    nord = _open(s)["Nord"]
    _brief(personas, s, pods=[s.sud.pk])
    assert set(_open(s)) == {"Sud"}
    assert _open(s)["Sud"].reviewer == s.sam
    nord.refresh_from_db()
    assert nord.superseded_at is not None


def test_nothing_is_asked_before_the_brief_is_sent(personas, setup):
    s = setup
    _brief(personas, s)
    _brief(personas, s, offer="Autre")
    assert not Review.objects.exists()


# -- the launch gate ------------------------------------------------------------------------------


def test_launch_is_refused_without_approval_naming_the_pods(personas, setup, api_as):
    s = setup
    alice = personas.actor("alice")
    with pytest.raises(ValidationFailed) as exc:  # no brief at all
        review.campaign_launch(alice, s.campaign)
    assert "pas de brief" in exc.value.message  # the workspace speaks French
    _brief(personas, s)
    review.review_request(alice, s.campaign, now=ASKED)
    review.review_decide(personas.actor("bob"), _open(s)["Nord"], "approved")
    with pytest.raises(ValidationFailed) as exc:
        review.campaign_launch(alice, s.campaign)
    assert "Sud" in exc.value.message and "Nord" not in exc.value.message
    assert set(exc.value.field_errors) == {"status"}
    # the shared record's PATCH goes through the same gate
    api = api_as("alice")
    patched = api.patch(f"campaigns/{s.campaign.pk}", {"status": "active"})
    assert patched.status_code == 422
    assert "Sud" in patched.json()["error"]["message"]
    assert "status" in error_fields(patched)
    launched = api.post(f"campaigns/{s.campaign.pk}/launch")
    assert launched.status_code == 422 and "Sud" in launched.json()["error"]["message"]
    # the campaign's edit page shows it beside the status
    edit = _client(personas.alice).post(
        reverse("campaigns_edit", args=["acme", s.campaign.pk]),
        {"name": s.campaign.name, "channel": s.campaign.channel, "status": "active", "budget": "0"},
    )
    assert edit.status_code == 422
    assert "Sud" in edit.content.decode()
    s.campaign.refresh_from_db()
    assert s.campaign.status == "planned"


def test_launch_once_every_pod_approved(personas, setup, api_as):
    s = setup
    _brief(personas, s)
    review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    _approve_all(personas, s)
    assert api_as("bob").post(f"campaigns/{s.campaign.pk}/launch").status_code == 403
    response = api_as("alice").post(f"campaigns/{s.campaign.pk}/launch")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "active" and body["may_launch"] and body["missing_pods"] == []
    assert AuditEntry.objects.filter(action="launch", target="campaigns").count() == 1
    # the campaign's history tells the launch (its timeline; the launch instant of the alignment
    # numbers), as a change of status on the campaign's page would
    change = FieldChange.objects.get(record="campaigns", record_id=s.campaign.pk, field="status")
    assert (change.before, change.after, change.actor) == ("planned", "active", personas.alice)
    with pytest.raises(Conflict):
        review.campaign_launch(personas.actor("alice"), Campaign.objects.get(pk=s.campaign.pk))


def test_a_new_active_campaign_without_brief_is_refused(personas, api_as):
    made = api_as("alice").post(
        "campaigns", {"name": "Direct", "channel": "webinar", "status": "active"}
    )
    assert made.status_code == 422
    assert "pas de brief" in made.json()["error"]["message"]


def test_the_override_launches_with_its_reason_kept_and_shown(personas, setup, api_as):
    s = setup
    _brief(personas, s)
    review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    review.review_decide(personas.actor("bob"), _open(s)["Nord"], "approved")
    with pytest.raises(PermissionDenied):  # a marketer does not override
        review.launch_override(personas.actor("alice"), s.campaign, "Le salon commence demain")
    short = api_as("mia").post(f"campaigns/{s.campaign.pk}/override", {"reason": "Urgent"})
    assert short.status_code == 422 and "reason" in error_fields(short)
    reason = "Le salon commence demain, Sud relit cette semaine"
    made = api_as("mia").post(f"campaigns/{s.campaign.pk}/override", {"reason": reason})
    assert made.status_code == 201, made.content
    override = LaunchOverride.objects.get(campaign=s.campaign)
    assert (override.reason, override.by, override.version, override.missing_pods) == (
        reason,
        personas.mia,
        1,
        ["Sud"],
    )
    s.campaign.refresh_from_db()
    assert s.campaign.status == "active"
    assert AuditEntry.objects.filter(action="launch_override", target="launch-overrides").exists()
    assert list(review_selectors.committee_agenda_overrides(s.ws)) == [override]
    for url in (
        reverse("campaigns_detail", args=["acme", s.campaign.pk]),
        reverse("brief_detail", args=["acme", s.campaign.pk]),
    ):
        html = _client(personas.bob).get(url).content.decode()
        assert reason in html and "Mia" in html
    status = api_as("erin").get(f"campaigns/{s.campaign.pk}/reviews").json()
    assert status["overrides"][0]["reason"] == reason
    assert status["overrides"][0]["missing_pods"] == ["Sud"]
    override.discussed_at = ASKED
    override.save()
    assert not review_selectors.committee_agenda_overrides(s.ws).exists()


def test_an_override_holds_for_its_version_only(personas, setup):
    s = setup
    _brief(personas, s)
    review.launch_override(personas.actor("mia"), s.campaign, "Lancement avant la relecture")
    assert review.launch_refusal(s.campaign) is None
    _brief(personas, s, objective="Nouvelle version")
    assert review.launch_refusal(s.campaign) is not None


# -- comments -------------------------------------------------------------------------------------


def test_comment_threads_on_a_field_both_sides_and_notified(personas, setup, api_as):
    s = setup
    _brief(personas, s)
    review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    bob = api_as("bob")
    made = bob.post(
        f"campaigns/{s.campaign.pk}/brief/comments", {"field": "offer", "body": "Quel audit ?"}
    )
    assert made.status_code == 201, made.content
    root = made.json()
    assert (root["field"], root["version"], root["parent"]) == ("offer", 1, None)
    assert _codes(personas.alice) == ["codesign.comment"]  # the brief's author
    reply = api_as("alice").post(
        f"campaigns/{s.campaign.pk}/brief/comments",
        {"body": "Un audit de 2 h", "parent": root["id"]},
    )
    assert reply.status_code == 201 and reply.json()["field"] == "offer"
    assert _codes(personas.bob)[-1] == "codesign.comment"  # in the thread and a reviewer
    assert _codes(s.sam)[-1] == "codesign.comment"  # a reviewer of the brief
    resolved = bob.post(f"brief-comments/{reply.json()['id']}/resolve")  # its thread's
    assert resolved.status_code == 200 and resolved.json()["id"] == root["id"]
    assert resolved.json()["resolved_at"] is not None
    listed = bob.get(f"campaigns/{s.campaign.pk}/brief/comments").json()
    assert [c["body"] for c in listed] == ["Quel audit ?", "Un audit de 2 h"]
    reopened = bob.post(f"brief-comments/{root['id']}/reopen")
    assert reopened.json()["resolved_at"] is None
    bad = bob.post(f"campaigns/{s.campaign.pk}/brief/comments", {"field": "prix", "body": "?"})
    assert bad.status_code == 422 and "field" in error_fields(bad)
    erin = api_as("erin").post(
        f"campaigns/{s.campaign.pk}/brief/comments", {"field": "offer", "body": "Vu"}
    )
    assert erin.status_code == 403
    threads = review_selectors.comment_threads(actor=personas.actor("erin"), campaign=s.campaign)
    (thread,) = threads["offer"]
    assert [c.body for c in thread.replies] == ["Un audit de 2 h"]
    assert BriefComment.objects.count() == 2


# -- permissions and other workspaces -------------------------------------------------------------


def test_a_rep_cannot_edit_the_brief(personas, setup):
    with pytest.raises(PermissionDenied):
        _brief(personas, setup, name="bob")
    response = _client(personas.bob).post(
        reverse("brief_save", args=["acme", setup.campaign.pk]), {"objective": "x"}
    )
    assert response.status_code == 403


def test_another_workspaces_campaign_is_not_found_everywhere(personas, setup, api_as):
    s = setup
    _brief(personas, s)
    review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    round_ = _open(s)["Nord"]
    comment = review.comment_add(personas.actor("bob"), s.campaign, "offer", "Quel audit ?")
    api = api_as("carol")
    pk = s.campaign.pk
    calls = [
        ("get", f"campaigns/{pk}/reviews", None),
        ("post", f"campaigns/{pk}/reviews", {}),
        ("post", f"reviews/{round_.pk}/decision", {"decision": "approved"}),
        ("get", f"campaigns/{pk}/brief/comments", None),
        ("post", f"campaigns/{pk}/brief/comments", {"field": "offer", "body": "?"}),
        ("post", f"brief-comments/{comment.pk}/resolve", None),
        ("post", f"brief-comments/{comment.pk}/reopen", None),
        ("post", f"campaigns/{pk}/launch", None),
        ("post", f"campaigns/{pk}/override", {"reason": "Assez long pour passer"}),
        ("put", f"pod-reviewers/{s.nord.pk}", {"user": None}),
    ]
    for method, path, body in calls:
        response = api._call(method, path, body if body is not None else {})
        assert response.status_code == 404, (method, path, response.content)
    client = _client(personas.carol)
    pages = [
        ("review_request", pk, {}),
        ("review_decide", round_.pk, {"decision": "approved"}),
        ("brief_comment_create", pk, {"field": "offer", "body": "?"}),
        ("brief_comment_resolve", comment.pk, {}),
        ("brief_comment_reopen", comment.pk, {}),
        ("campaign_launch", pk, {}),
        ("campaign_launch_override", pk, {"reason": "Assez long pour passer"}),
        ("pod_reviewer_set", s.nord.pk, {"user": ""}),
    ]
    for name, obj, data in pages:
        assert client.post(reverse(name, args=["globex", obj]), data).status_code == 404, name
    assert client.get(reverse("brief_detail", args=["globex", pk])).status_code == 404
    assert Review.objects.get(pk=round_.pk).state == "pending"


# -- reminders ------------------------------------------------------------------------------------


def test_late_reviewers_are_reminded_once_after_the_business_due_time(personas, setup):
    s = setup
    _brief(personas, s)
    review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    review.review_decide(
        review.Actor(user=s.sam, workspace=s.ws, role="sales_rep"), _open(s)["Sud"], "approved"
    )
    saturday = dt.datetime(2026, 6, 6, 12, 0, tzinfo=PARIS)  # 2 calendar days, not business
    assert review.review_reminders_send(workspace=s.ws, now=saturday) == 0
    just_before = DUE - dt.timedelta(minutes=1)
    assert review.review_reminders_send(workspace=s.ws, now=just_before) == 0
    after = DUE + dt.timedelta(minutes=5)
    assert review.review_reminders_send(workspace=s.ws, now=after) == 1  # Bob; Sam answered
    assert review.review_reminders_send(workspace=s.ws, now=after + dt.timedelta(hours=3)) == 0
    assert _codes(personas.bob) == ["codesign.review_asked", "codesign.review_late"]
    assert _codes(s.sam) == ["codesign.review_asked"]
    assert _open(s)["Nord"].reminded_at == after
    late = review_selectors.review_panel(
        actor=personas.actor("alice"), campaign=s.campaign, now=after
    )
    assert [(r.pod.name, r.late) for r in late.pods] == [("Nord", True), ("Sud", False)]


def test_the_reminder_job_is_registered():
    from cordee.codesign import jobs  # noqa: F401
    from cordee.core.scheduler import jobs as registered

    names = [j.name for j in registered()]
    assert "cordee.codesign.jobs.send_review_reminders" in names


# -- the page -------------------------------------------------------------------------------------


def test_the_brief_page_shows_the_review_and_its_forms(personas, setup):
    s = setup
    _brief(personas, s)
    url = reverse("brief_detail", args=["acme", s.campaign.pk])
    html = _client(personas.alice).get(url).content.decode()
    assert 'id="review-request"' in html and 'id="launch-form"' in html
    assert 'id="override-form"' not in html  # a marketer: no override
    review.review_request(personas.actor("alice"), s.campaign, now=ASKED)
    bob = _client(personas.bob)
    html = bob.get(url).content.decode()
    assert f'id="decide-{s.nord.pk}"' in html and f'id="decide-{s.sud.pk}"' not in html
    assert 'id="launch-form"' not in html
    refused = _client(personas.alice).post(reverse("campaign_launch", args=["acme", s.campaign.pk]))
    assert refused.status_code == 422
    assert "Nord, Sud" in refused.content.decode()
    answered = bob.post(
        reverse("review_decide", args=["acme", _open(s)["Nord"].pk]),
        {"decision": "changes", "note": ""},
    )
    assert answered.status_code == 422  # the note is required
    html = _client(personas.mia).get(url).content.decode()
    assert 'id="override-form"' in html
    assert Decimal(BRIEF["budget"]) == Decimal("5000")
