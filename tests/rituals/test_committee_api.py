"""The committees' API: list, create, read, change, archive, members, meetings in a window;
403 without ``committee.write``, 404 for another workspace's committee, field-named 422s.

The clock is fixed at Tuesday 1 January 2030, 10:00 in Paris (as in test_committees.py): a
committee meeting every other Tuesday at 10:00 from 8 January has, within the 90 days, the
meetings of 8 and 22 January, 5 and 19 February, 5 and 19 March.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.fixtures.api import error_fields

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def _body(personas: Any, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Comité d’écoute",
        "kind": "monthly",
        "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        "first_at": "2030-01-08T10:00:00+01:00",
        "duration_minutes": 60,
        "location": "Salle Everest",
        "members": [personas.alice.pk],
        **extra,
    }


@pytest.fixture
def created(personas: Any, api_as: Any) -> dict[str, Any]:
    response = api_as("mia").post("committees", _body(personas))
    assert response.status_code == 201, response.content
    return response.json()


def test_a_manager_creates_a_committee_and_reads_it_back(personas, api_as, created):
    assert created["name"] == "Comité d’écoute"
    assert created["rrule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    assert created["members"] == [
        {"id": personas.alice.pk, "name": "Alice Test", "side": "marketing"}
    ]
    assert created["missing_sides"] == ["sales"]
    assert created["next_meeting"] == "2030-01-08T09:00:00Z"
    read = api_as("bob").get(f"committees/{created['id']}")  # every member reads
    assert read.status_code == 200
    assert read.json()["id"] == created["id"]
    listed = api_as("erin").get("committees").json()
    assert [c["id"] for c in listed["items"]] == [created["id"]]


def test_the_recurrence_is_said_in_the_readers_language(personas, api_as, created):
    read = api_as("bob").get(f"committees/{created['id']}", headers={"Accept-Language": "en"})
    assert read.json()["recurrence"] == "Every 2 weeks on Tuesday at 10:00"


def test_the_meetings_in_a_window(personas, api_as, created):
    api = api_as("bob")
    every = api.get(f"committees/{created['id']}/meetings").json()["items"]
    assert [m["starts_at"][:10] for m in every] == [
        "2030-01-08",
        "2030-01-22",
        "2030-02-05",
        "2030-02-19",
        "2030-03-05",
        "2030-03-19",
    ]
    assert every[0]["url"] == f"/w/acme/meetings/{every[0]['id']}/"
    assert every[0]["state"] == "planned"
    window = api.get(
        f"committees/{created['id']}/meetings", {"from": "2030-01-22", "to": "2030-02-05"}
    )
    assert [m["starts_at"][:10] for m in window.json()["items"]] == ["2030-01-22", "2030-02-05"]


def test_members_are_set_whole_and_the_missing_side_follows(personas, api_as, created):
    api = api_as("dave")
    response = api.client.put(
        f"/api/v1/committees/{created['id']}/members",
        json.dumps({"members": [personas.alice.pk, personas.bob.pk]}),
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code == 200, response.content
    assert response.json()["missing_sides"] == []
    assert {m["side"] for m in response.json()["members"]} == {"marketing", "sales"}
    refused = api.client.put(
        f"/api/v1/committees/{created['id']}/members",
        json.dumps({"members": [personas.carol.pk]}),  # of another workspace
        content_type="application/json",
        headers=api.headers,
    )
    assert refused.status_code == 422
    assert list(error_fields(refused)) == ["members"]


def test_a_patch_changes_the_rule_and_the_meetings(personas, api_as, created):
    response = api_as("rita").patch(
        f"committees/{created['id']}", {"rrule": "FREQ=MONTHLY;BYDAY=2TU"}
    )
    assert response.status_code == 200, response.content
    meetings = api_as("rita").get(f"committees/{created['id']}/meetings").json()["items"]
    # the second Tuesdays: 8 January (the first meeting), 12 February, 12 March
    assert [m["starts_at"][:10] for m in meetings] == ["2030-01-08", "2030-02-12", "2030-03-12"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rrule": "FREQ=HOURLY"}, "rrule"),
        ({"rrule": "FREQ=WEEKLY;COUNT=2;UNTIL=20300101T000000Z"}, "rrule"),
        ({"rrule": "INTERVAL=2"}, "rrule"),
        ({"duration_minutes": 1}, "duration_minutes"),
        ({"name": None}, "name"),
        ({"kind": "party"}, "kind"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_refused_field_is_named(personas, api_as, created, body, field):
    response = api_as("mia").patch(f"committees/{created['id']}", body)
    assert response.status_code == 422
    assert field in error_fields(response)


def test_archiving_with_delete_keeps_the_committee_in_the_archived_list(personas, api_as, created):
    response = api_as("mia").delete(f"committees/{created['id']}")
    assert response.status_code == 200
    assert response.json()["archived_at"] is not None
    assert api_as("mia").get("committees").json()["items"] == []
    archived = api_as("mia").get("committees", {"archived": "true"}).json()["items"]
    assert [c["id"] for c in archived] == [created["id"]]


def test_writing_takes_committee_write(personas, api_as, created):
    pk = created["id"]
    for who in ("alice", "bob", "erin"):
        api = api_as(who)
        assert api.post("committees", _body(personas, name=f"De {who}")).status_code == 403
        assert api.patch(f"committees/{pk}", {"name": "Autre"}).status_code == 403
        assert api.delete(f"committees/{pk}").status_code == 403


def test_another_workspaces_committee_is_404(personas, api_as, created):
    api = api_as("carol")
    pk = created["id"]
    assert api.get(f"committees/{pk}").status_code == 404
    assert api.patch(f"committees/{pk}", {"name": "Pris"}).status_code == 404
    assert api.delete(f"committees/{pk}").status_code == 404
    assert api.get(f"committees/{pk}/meetings").status_code == 404
    assert api.get("committees").json()["items"] == []
