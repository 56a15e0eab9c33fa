"""The meeting's API and pages: a meeting run through the API (attendance, minutes, a decision
closing a breach's flag, an action item, close), the action items' list and patch, the
participation endpoint; permissions (a non-member non-manager: 403 on writes; another
workspace's meeting: 404) and the pages (the live meeting, the minutes saved in place, the
action items' page)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cordee.integrations.models import WebhookDelivery, WebhookSubscription
from cordee.rituals.agenda import agenda_item_add
from cordee.rituals.models import ActionItem, AgendaSource, Decision, MeetingState
from tests.rituals.test_meetings import make_breach, make_committee, make_meeting

pytestmark = pytest.mark.usefixtures("english_pages")


@pytest.fixture
def meeting(personas):
    return make_meeting(make_committee(personas))


def _item(personas, meeting, **kw):
    return agenda_item_add(actor=personas.actor("alice"), meeting=meeting, **kw)


def test_a_meeting_run_through_the_api(personas, meeting, api_as):
    WebhookSubscription.objects.create(
        workspace=personas.acme,
        name="Teams",
        url="https://hooks.example.com/t",
        format="teams",
        events=["committee.summary"],
    )
    breach = make_breach(personas)
    line = _item(personas, meeting, source=AgendaSource.BREACH, object_id=breach.pk)
    api = api_as("dave")
    listed = api.get(
        "/meetings", {"state": "planned", "since": "2026-12-08", "until": "2026-12-08"}
    )
    assert [m["id"] for m in listed.json()] == [meeting.pk]
    response = api.client.put(
        f"/api/v1/meetings/{meeting.pk}/attendance",
        json.dumps({"present": [personas.alice.pk, personas.dave.pk]}),
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code == 200, response.content
    assert {a["user_id"]: a["present"] for a in response.json()["attendance"]} == {
        personas.alice.pk: True,
        personas.bob.pk: False,
        personas.dave.pk: True,
    }
    minutes = api.patch(f"/agenda-items/{line.pk}/minutes", {"minutes": "Rappels trop tardifs."})
    assert minutes.status_code == 200 and minutes.json()["minutes"] == "Rappels trop tardifs."
    decided = api.post(
        f"/meetings/{meeting.pk}/decisions", {"item": line.pk, "text": "Rappel sous 4 h."}
    )
    assert decided.status_code == 201, decided.content
    breach.refresh_from_db()
    assert breach.committee_pending is False
    action = api.post(
        f"/meetings/{meeting.pk}/actions",
        {"title": "Revoir les files", "due_on": "2026-12-15", "decision": decided.json()["id"]},
    )
    assert action.status_code == 201, action.content
    assert action.json()["owner_id"] == personas.dave.pk  # default: the caller
    assert action.json()["agenda_item_id"] == line.pk  # the decision's item
    decisions = api.get(f"/meetings/{meeting.pk}/decisions").json()
    assert [d["text"] for d in decisions] == ["Rappel sous 4 h."]
    closed = api.post(f"/meetings/{meeting.pk}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "held"
    assert WebhookDelivery.objects.filter(event="committee.summary").count() == 1
    assert api.post(f"/meetings/{meeting.pk}/close").status_code == 409
    detail = api.get(f"/meetings/{meeting.pk}").json()
    assert [i["minutes"] for i in detail["agenda"]] == ["Rappels trop tardifs."]
    assert [a["title"] for a in detail["actions"]] == ["Revoir les files"]


def test_action_items_listed_and_patched(personas, meeting, api_as):
    created = api_as("alice").post(
        f"/meetings/{meeting.pk}/actions",
        {"title": "Envoyer la grille", "owner": personas.erin.pk, "due_on": "2026-12-11"},
    )
    pk = created.json()["id"]
    erin = api_as("erin")  # its owner, not on the committee
    assert [a["id"] for a in erin.get("/actions", {"mine": "true", "open": "true"}).json()] == [pk]
    assert erin.patch(f"/actions/{pk}", {"due_on": "2026-12-18"}).status_code == 403
    done = erin.patch(f"/actions/{pk}", {"done": True})
    assert done.status_code == 200 and done.json()["done_at"] is not None
    assert erin.get("/actions", {"mine": "true", "open": "true"}).json() == []
    assert api_as("rita").get("/actions", {"owner": personas.erin.pk}).json()[0]["id"] == pk
    replanned = api_as("mia").patch(f"/actions/{pk}", {"done": False, "due_on": "2026-12-18"})
    assert replanned.status_code == 200
    assert (replanned.json()["done_at"], replanned.json()["due_on"]) == (None, "2026-12-18")
    assert api_as("mia").patch(f"/actions/{pk}", {"owner": None}).status_code == 422


def test_a_non_member_non_manager_gets_403_and_reads(personas, meeting, api_as):
    line = _item(personas, meeting, source=AgendaSource.MANUAL, title="Divers")
    erin = api_as("erin")
    assert erin.get(f"/meetings/{meeting.pk}").status_code == 200
    assert erin.get(f"/meetings/{meeting.pk}").json()["may_run"] is False
    assert erin.post(f"/meetings/{meeting.pk}/decisions", {"text": "Non"}).status_code == 403
    assert erin.patch(f"/agenda-items/{line.pk}/minutes", {"minutes": "x"}).status_code == 403
    assert (
        erin.post(f"/meetings/{meeting.pk}/actions", {"title": "x", "due_on": "2026-12-11"})
    ).status_code == 403
    assert erin.post(f"/meetings/{meeting.pk}/close").status_code == 403
    assert erin.post(f"/meetings/{meeting.pk}/cancel").status_code == 403
    assert not Decision.objects.exists() and not ActionItem.objects.exists()


def test_another_workspaces_meeting_is_404(personas, meeting, api_as, client):
    carol = api_as("carol")
    assert carol.get(f"/meetings/{meeting.pk}").status_code == 404
    assert carol.post(f"/meetings/{meeting.pk}/decisions", {"text": "x"}).status_code == 404
    assert carol.post(f"/meetings/{meeting.pk}/close").status_code == 404
    assert carol.get("/meetings").json() == []
    client.force_login(personas.carol)
    assert client.get(f"/w/globex/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/w/acme/meetings/{meeting.pk}/").status_code == 404


def test_participation_endpoint(personas, meeting, api_as):
    response = api_as("erin").get("/rituals/participation", {"period": "2026-Q4"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == {"key": "FY2026-Q4", "start": "2026-10-01", "end": "2026-12-31"}
    assert body["committees_held"] == 0
    assert body["actions_on_time"] == {"numerator": 0, "denominator": 0, "value": None}
    assert body["programme_participation"]["marketing"]["denominator"] == 2  # alice, mia
    assert api_as("erin").get("/rituals/participation", {"period": "x"}).status_code == 422


# -- pages ------------------------------------------------------------------------------------------


def test_the_meeting_page_runs_the_meeting(personas, meeting, client):
    breach = make_breach(personas)
    line = _item(personas, meeting, source=AgendaSource.BREACH, object_id=breach.pk)
    client.force_login(personas.bob)
    page = client.get(f"/w/acme/meetings/{meeting.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="attendance-save"' in html and 'id="meeting-close"' in html
    assert f'href="/w/acme/meetings/{meeting.pk}/agenda/"' in html
    assert f'href="/w/acme/meetings/{meeting.pk}/preread/"' in html
    saved = client.post(
        f"/w/acme/agenda-items/{line.pk}/minutes/",
        {"minutes": "Vu."},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200 and "Saved." in saved.content.decode()
    client.post(f"/w/acme/meetings/{meeting.pk}/decisions/", {"item": line.pk, "text": "Réglé."})
    breach.refresh_from_db()
    assert breach.committee_pending is False
    client.post(
        f"/w/acme/meetings/{meeting.pk}/actions/",
        {"title": "Relancer", "owner": personas.bob.pk, "due_on": "2026-12-11", "item": line.pk},
    )
    (action,) = ActionItem.objects.all()
    assert action.agenda_item == line
    response = client.post(f"/w/acme/meetings/{meeting.pk}/close/")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    html = client.get(f"/w/acme/meetings/{meeting.pk}/").content.decode()
    assert 'id="meeting-summary"' in html and "Réglé." in html
    assert 'id="meeting-close"' not in html


def test_the_meeting_page_is_read_only_for_a_non_member(personas, meeting, client):
    client.force_login(personas.erin)
    html = client.get(f"/w/acme/meetings/{meeting.pk}/").content.decode()
    assert 'id="meeting-close"' not in html and 'id="attendance-save"' not in html
    assert client.post(f"/w/acme/meetings/{meeting.pk}/close/").status_code == 403
    assert meeting.state == MeetingState.PLANNED


def test_the_action_items_page(personas, meeting, client):
    ActionItem.objects.create(
        workspace=personas.acme,
        committee=meeting.committee,
        meeting=meeting,
        title="Partager la grille",
        owner=personas.bob,
        due_on=dt.date(2026, 12, 11),
    )
    client.force_login(personas.bob)
    html = client.get("/w/acme/actions/").content.decode()
    assert "Partager la grille" in html and 'id="all-actions"' not in html
    client.force_login(personas.mia)
    html = client.get("/w/acme/actions/").content.decode()
    assert 'id="all-actions"' in html and "Partager la grille" in html
    client.force_login(personas.bob)
    action = ActionItem.objects.get()
    assert client.post(f"/w/acme/actions/{action.pk}/done/", {"done": "1"}).status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None


def test_the_page_offers_the_feedback_moves_feedback_allows(personas, meeting, client):
    from tests.rituals.test_meetings import make_feedback

    item = make_feedback(personas, status="acknowledged")
    line = _item(personas, meeting, source=AgendaSource.FEEDBACK, object_id=item.pk)
    client.force_login(personas.alice)  # a marketer: triages feedback
    html = client.get(f"/w/acme/meetings/{meeting.pk}/").content.decode()
    assert f'id="status-{line.pk}"' in html
    for status in ("planned", "done", "wont_do"):  # acknowledged → these (feedback's TRANSITIONS)
        assert f'<option value="{status}">' in html
    assert '<option value="new">' not in html
    client.post(
        f"/w/acme/meetings/{meeting.pk}/decisions/",
        {"item": line.pk, "text": "Prévu au T1.", "feedback_status": "planned"},
    )
    item.refresh_from_db()
    assert item.status == "planned"
    html = client.get(f"/w/acme/meetings/{meeting.pk}/").content.decode()
    assert "status: Planned" in html
    client.force_login(personas.dave)  # sales: runs the meeting, does not triage feedback
    html = client.get(f"/w/acme/meetings/{meeting.pk}/").content.decode()
    assert f'id="status-{line.pk}"' not in html
