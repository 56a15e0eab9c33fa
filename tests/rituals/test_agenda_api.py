"""The agenda's API: read it (every member), write it from the data, add a line, move, remove
with a reason and restore (whoever runs the committee's meetings); a held meeting's agenda is a
409; another workspace's meeting or item is a 404.

The committee (Acme, no pod; members alice and bob) met on Tuesday 3 November 2026 at 10:00 and
meets on 17 November at 10:00. Since the 3rd: two sales decision breaches (5 and 6 November),
each an item (fewer than 4 of a kind), in that order."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cordee.funnel.models import SlaBreach
from cordee.rituals.models import (
    AgendaItem,
    Committee,
    CommitteeMember,
    Meeting,
    MeetingState,
)
from tests import factories as f
from tests.fixtures.api import error_fields

PARIS = ZoneInfo("Europe/Paris")


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=PARIS)


@pytest.fixture
def two_breaches(personas: Any) -> dict[str, Any]:
    ws = personas.acme
    committee = Committee.objects.create(
        workspace=ws, name="Comité", rrule="FREQ=WEEKLY;INTERVAL=2", first_at=at("2026-11-03", 10)
    )
    for user in (personas.alice, personas.bob):
        CommitteeMember.objects.create(workspace=ws, committee=committee, user=user)
    Meeting.objects.create(
        workspace=ws,
        committee=committee,
        starts_at=at("2026-11-03", 10),
        ends_at=at("2026-11-03", 11),
        state=MeetingState.HELD,
    )
    meeting = Meeting.objects.create(
        workspace=ws,
        committee=committee,
        starts_at=at("2026-11-17", 10),
        ends_at=at("2026-11-17", 11),
    )
    breaches = []
    for day in ("2026-11-05", "2026-11-06"):
        lead = f.LeadFactory(workspace=ws)
        breaches.append(
            SlaBreach.objects.create(
                workspace=ws,
                side="sales",
                kind="decision",
                lead=lead,
                mql_at=at(day, 8),
                due_at=at(day, 8),
                detected_at=at(day, 12),
            )
        )
    return {"meeting": meeting, "breaches": breaches}


def test_build_then_read_the_agenda(api_as, two_breaches):
    meeting, breaches = two_breaches["meeting"], two_breaches["breaches"]
    built = api_as("bob").post(f"meetings/{meeting.pk}/agenda/build")
    assert built.status_code == 200, built.content
    body = api_as("erin").get(f"meetings/{meeting.pk}/agenda").json()
    assert body["agenda_built_at"] is not None and body["editable"] is False  # erin reads only
    assert [(i["position"], i["key"]) for i in body["items"]] == [
        (1, f"breach:{breaches[0].pk}"),
        (2, f"breach:{breaches[1].pk}"),
    ]
    assert body["items"][0]["params"]["count"] == 1
    assert body["items"][0]["url"] == f"/w/acme/leads/{breaches[0].lead_id}/"
    assert body["removed"] == []
    # written again: nothing new
    again = api_as("bob").post(f"meetings/{meeting.pk}/agenda/build").json()
    assert len(again["items"]) == 2


def test_add_move_remove_restore(api_as, two_breaches):
    meeting = two_breaches["meeting"]
    bob = api_as("bob")
    bob.post(f"meetings/{meeting.pk}/agenda/build")
    added = bob.post(f"meetings/{meeting.pk}/agenda/items", {"title": "Tour de table"})
    assert added.status_code == 201, added.content
    line = added.json()
    assert (line["position"], line["source"], line["label"]) == (3, "manual", "Tour de table")
    moved = bob.patch(f"agenda-items/{line['id']}", {"position": 1})
    assert moved.json()["position"] == 1
    keys = [i["key"] for i in bob.get(f"meetings/{meeting.pk}/agenda").json()["items"]]
    assert keys[0] == line["key"] and len(keys) == 3
    refused = bob.post(f"agenda-items/{line['id']}/remove", {"reason": ""})
    assert refused.status_code == 422 and "reason" in error_fields(refused)
    removed = bob.post(f"agenda-items/{line['id']}/remove", {"reason": "Pas le temps"})
    assert removed.json()["removed_reason"] == "Pas le temps"
    agenda = bob.get(f"meetings/{meeting.pk}/agenda").json()
    assert [i["position"] for i in agenda["items"]] == [1, 2]
    assert [i["id"] for i in agenda["removed"]] == [line["id"]]
    restored = bob.post(f"agenda-items/{line['id']}/restore")
    assert restored.json()["position"] == 3 and restored.json()["removed_at"] is None
    assert bob.post(f"agenda-items/{line['id']}/restore").status_code == 409


def test_who_may_edit(api_as, two_breaches):
    meeting = two_breaches["meeting"]
    api_as("bob").post(f"meetings/{meeting.pk}/agenda/build")
    item = AgendaItem.objects.filter(meeting=meeting).first()
    for name in ("erin", "alice"):  # erin: neither member nor committee.write; alice: member
        expected = 200 if name == "alice" else 403
        assert (
            api_as(name).patch(f"agenda-items/{item.pk}", {"position": 2}).status_code == expected
        )
    assert api_as("erin").post(f"meetings/{meeting.pk}/agenda/build").status_code == 403
    assert api_as("dave").post(f"meetings/{meeting.pk}/agenda/build").status_code == 200


def test_a_held_meetings_agenda_is_409(api_as, two_breaches):
    meeting = two_breaches["meeting"]
    api_as("bob").post(f"meetings/{meeting.pk}/agenda/build")
    Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.HELD)
    assert api_as("bob").post(f"meetings/{meeting.pk}/agenda/build").status_code == 409
    item = AgendaItem.objects.filter(meeting=meeting).first()
    assert api_as("bob").patch(f"agenda-items/{item.pk}", {"position": 2}).status_code == 409
    agenda = api_as("bob").get(f"meetings/{meeting.pk}/agenda").json()
    assert agenda["state"] == "held" and agenda["editable"] is False


def test_another_workspaces_meeting_and_items_are_404(api_as, two_breaches):
    meeting = two_breaches["meeting"]
    api_as("bob").post(f"meetings/{meeting.pk}/agenda/build")
    item = AgendaItem.objects.filter(meeting=meeting).first()
    carol = api_as("carol")
    assert carol.get(f"meetings/{meeting.pk}/agenda").status_code == 404
    assert carol.post(f"meetings/{meeting.pk}/agenda/build").status_code == 404
    assert carol.post(f"meetings/{meeting.pk}/agenda/items", {"title": "x"}).status_code == 404
    assert carol.patch(f"agenda-items/{item.pk}", {"position": 1}).status_code == 404
    assert carol.post(f"agenda-items/{item.pk}/remove", {"reason": "x"}).status_code == 404
    assert carol.post(f"agenda-items/{item.pk}/restore").status_code == 404


def test_unknown_fields_and_bad_positions_are_422(api_as, two_breaches):
    meeting = two_breaches["meeting"]
    bob = api_as("bob")
    bob.post(f"meetings/{meeting.pk}/agenda/build")
    item = AgendaItem.objects.filter(meeting=meeting).first()
    assert bob.patch(f"agenda-items/{item.pk}", {"position": 0}).status_code == 422
    assert bob.patch(f"agenda-items/{item.pk}", {"position": 1, "x": 1}).status_code == 422
    assert bob.post(f"meetings/{meeting.pk}/agenda/items", {"title": "a" * 301}).status_code == 422
