"""The programmes' API: the programmes, sign-up and its refusals (named days, the side,
capacity), changes and withdrawal, the debrief and its one-click conversions; permissions and
another workspace's 404. The programme is tests/rituals/test_programmes.py's hand-worked one."""

from __future__ import annotations

from typing import Any

import pytest

from cordee.feedback.models import FeedbackItem
from cordee.rituals.models import AgendaItem, ExchangeDebrief, PairingState, Participant, Programme
from tests.fixtures.api import error_fields
from tests.rituals.test_exchange_debriefs import committee, meeting
from tests.rituals.test_programmes import join, make_programme, pair, session, today  # noqa: F401

pytestmark = pytest.mark.usefixtures("today")

PROGRAMME = {
    "name": "Vis ma vie — mai",
    "format": "shadow_day",
    "starts_on": "2027-05-03",
    "ends_on": "2027-05-14",
    "signup_until": "2027-04-28",
}
SIGN_UP = {
    "available_days": ["2027-05-04", "2027-05-10"],
    "learning_goals": "Comprendre la qualification d’un lead.",
}


def _put(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client._call("put", path, body)


def test_a_manager_opens_a_programme_that_everyone_reads(personas, api_as):
    created = api_as("mia").post("programmes", PROGRAMME)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "open" and body["session_minutes"] == 420
    assert body["signup_last_day"] == "2027-04-28" and body["signup_open"] is True
    assert body["participants"] == {"marketing": 0, "sales": 0}
    assert api_as("alice").post("programmes", {**PROGRAMME, "name": "Autre"}).status_code == 403
    listed = api_as("erin").get("programmes").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "Vis ma vie — mai"
    assert api_as("bob").get(f"programmes/{body['id']}").json()["id"] == body["id"]


def test_changing_and_closing_a_programme(personas, api_as):
    programme = make_programme(personas)
    dave = api_as("dave")
    patched = dave.patch(f"programmes/{programme.pk}", {"description": "Avec un déjeuner"})
    assert patched.status_code == 200 and patched.json()["description"] == "Avec un déjeuner"
    assert api_as("bob").patch(f"programmes/{programme.pk}", {"name": "X"}).status_code == 403
    bad = dave.patch(f"programmes/{programme.pk}", {"signup_until": "2027-05-05"})
    assert bad.status_code == 422 and "signup_until" in error_fields(bad)
    closed = dave.post(f"programmes/{programme.pk}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert dave.post(f"programmes/{programme.pk}/close").status_code == 409


def test_signing_up_and_the_refused_days_named(personas, api_as):
    programme = make_programme(personas)
    alice = api_as("alice")
    path = f"programmes/{programme.pk}/participants"
    refused = alice.post(
        path,
        {**SIGN_UP, "available_days": ["2027-05-06", "2027-05-07"]},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    assert error_fields(refused)["available_days"] == [
        "May 6, 2027 is a public holiday (Ascension Day)."
    ]
    created = alice.post(path, SIGN_UP)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["side"], body["is_host"], body["capacity"]) == ("marketing", False, 1)
    assert body["available_days"] == ["2027-05-04", "2027-05-10"]
    assert alice.post(path, SIGN_UP).status_code == 409  # once
    assert api_as("erin").post(path, SIGN_UP).status_code == 403
    too_many = api_as("bob").post(path, {**SIGN_UP, "is_host": True, "capacity": 21})
    assert too_many.status_code == 422 and "capacity" in error_fields(too_many)


def test_a_manager_signs_someone_up_and_the_list_shows_both_sides(personas, api_as):
    programme = make_programme(personas)
    path = f"programmes/{programme.pk}/participants"
    api_as("alice").post(path, SIGN_UP)
    by_manager = api_as("mia").post(
        path, {**SIGN_UP, "user": personas.bob.pk, "is_host": True, "capacity": 3}
    )
    assert by_manager.status_code == 201 and by_manager.json()["side"] == "sales"
    assert api_as("alice").post(path, {**SIGN_UP, "user": personas.dave.pk}).status_code == 403
    rows = api_as("erin").get(path).json()["items"]
    assert [(r["name"], r["side"], r["capacity"]) for r in rows] == [
        ("Alice Test", "marketing", 1),
        ("Bob Test", "sales", 3),
    ]
    assert api_as("mia").get(f"programmes/{programme.pk}").json()["participants"] == {
        "marketing": 1,
        "sales": 1,
    }


def test_changing_and_withdrawing_a_sign_up(personas, api_as):
    programme = make_programme(personas)
    alice = join(personas, programme, "alice")
    changed = api_as("alice").patch(
        f"participants/{alice.pk}", {"available_days": ["2027-05-13"], "learning_goals": "Écouter"}
    )
    assert changed.status_code == 200
    assert changed.json()["available_days"] == ["2027-05-13"]
    assert (
        api_as("bob").patch(f"participants/{alice.pk}", {"learning_goals": "X"}).status_code == 403
    )
    assert api_as("bob").delete(f"participants/{alice.pk}").status_code == 403
    gone = api_as("alice").delete(f"participants/{alice.pk}")
    assert gone.status_code == 200 and gone.json()["withdrawn_at"] is not None
    assert api_as("alice").get(f"programmes/{programme.pk}/participants").json()["count"] == 0


def test_after_confirmation_the_participant_asks_a_manager_to_withdraw(personas, api_as):
    programme = make_programme(personas)
    alice, bob = join(personas, programme, "alice"), join(personas, programme, "bob")
    pair(programme, alice, bob, PairingState.CONFIRMED)
    assert api_as("alice").delete(f"participants/{alice.pk}").status_code == 403
    assert api_as("mia").delete(f"participants/{alice.pk}").status_code == 200


def test_the_debrief_and_its_conversions(personas, api_as):
    programme = make_programme(personas)
    alice, bob = join(personas, programme, "alice"), join(personas, programme, "bob")
    pairing = pair(programme, alice, bob, PairingState.CONFIRMED)
    body = {"surprised": "Le rythme des relances", "will_change": "Des MQL mieux renseignés"}
    client = api_as("alice")
    assert client.get(f"participants/{alice.pk}/debrief").status_code == 404
    assert _put(client, f"participants/{alice.pk}/debrief", body).status_code == 409
    session(pairing, ends_in_hours=-1, host=bob)
    written = _put(client, f"participants/{alice.pk}/debrief", body)
    assert written.status_code == 200, written.content
    debrief_id = written.json()["id"]
    assert _put(api_as("bob"), f"participants/{alice.pk}/debrief", body).status_code == 403
    assert api_as("bob").get(f"participants/{alice.pk}/debrief").json()["surprised"] == (
        "Le rythme des relances"
    )
    assert api_as("erin").get(f"participants/{alice.pk}/debrief").status_code == 403

    feedback = client.post(
        f"exchange-debriefs/{debrief_id}/to-feedback", {"kind": "content_request"}
    )
    assert feedback.status_code == 201
    item = FeedbackItem.objects.get(pk=feedback.json()["feedback_item"])
    assert (item.author, item.kind, item.title) == (
        personas.alice,
        "content_request",
        "Le rythme des relances",
    )
    assert client.post(f"exchange-debriefs/{debrief_id}/to-feedback", {}).status_code == 409

    upcoming = meeting(committee(personas, "alice"), in_days=8)
    agenda = client.post(f"exchange-debriefs/{debrief_id}/to-agenda", {"meeting_id": upcoming.pk})
    assert agenda.status_code == 201
    assert agenda.json()["meeting"] == upcoming.pk
    assert AgendaItem.objects.get(pk=agenda.json()["agenda_item"]).object_id == debrief_id
    again = client.post(f"exchange-debriefs/{debrief_id}/to-agenda", {"meeting_id": upcoming.pk})
    assert again.status_code == 409
    read = client.get(f"participants/{alice.pk}/debrief").json()
    assert (read["feedback_item"], read["agenda_meeting"]) == (item.pk, upcoming.pk)


def test_another_workspaces_programmes_are_404(personas, api_as):
    programme = make_programme(personas)
    alice = join(personas, programme, "alice")
    carol = api_as("carol")
    assert carol.get(f"programmes/{programme.pk}").status_code == 404
    assert carol.patch(f"programmes/{programme.pk}", {"name": "X"}).status_code == 404
    assert carol.post(f"programmes/{programme.pk}/participants", SIGN_UP).status_code == 404
    assert carol.get(f"participants/{alice.pk}/debrief").status_code == 404
    assert carol.delete(f"participants/{alice.pk}").status_code == 404
    debrief = ExchangeDebrief.objects.create(
        workspace=personas.acme,
        participant=alice,
        surprised="a",
        will_change="b",
        written_at=alice.opted_in_at,
    )
    assert carol.post(f"exchange-debriefs/{debrief.pk}/to-feedback", {}).status_code == 404
    # a meeting of another workspace is not found either
    globex_meeting = meeting(committee_of_globex(personas), in_days=3)
    response = api_as("mia").post(
        f"exchange-debriefs/{debrief.pk}/to-agenda", {"meeting_id": globex_meeting.pk}
    )
    assert response.status_code == 404
    assert Participant.objects.count() == 1 and Programme.objects.count() == 1


def committee_of_globex(personas: Any) -> Any:
    from django.utils import timezone

    from cordee.rituals.models import Committee

    return Committee.objects.create(
        workspace=personas.globex,
        name="Comité Globex",
        rrule="FREQ=WEEKLY",
        first_at=timezone.now(),
    )
