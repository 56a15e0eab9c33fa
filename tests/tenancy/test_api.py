"""The caller, the workspace's members and its settings."""

from __future__ import annotations

import pytest

from cordee.tenancy.models import Workspace
from tests.fixtures.api import error_fields


def test_members_list_role_and_side(personas, api_as):
    body = api_as("alice").get("members").json()
    assert body["count"] == 6
    by_email = {m["email"]: (m["role"], m["side"]) for m in body["items"]}
    assert by_email["alice@example.fr"] == ("marketer", "marketing")
    assert by_email["bob@example.fr"] == ("sales_rep", "sales")
    assert by_email["rita@example.fr"] == ("revops_admin", "other")
    assert "carol@example.fr" not in by_email


def test_anyone_reads_the_workspace_settings(personas, api_as):
    body = api_as("bob").get("workspace").json()
    assert (body["slug"], body["time_zone"], body["country"]) == ("acme", "Europe/Paris", "FR")
    assert body["business_hours"]["mon"] == [["09:00", "12:30"], ["14:00", "18:00"]]


def test_revops_admin_changes_the_calendar(personas, api_as):
    response = api_as("rita").patch(
        "workspace",
        {
            "time_zone": "America/Montreal",
            "country": "CA",
            "subdivision": "QC",
            "business_hours": {"mon": [["08:30", "17:00"]]},
            "extra_holidays": ["2026-12-24"],
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["time_zone"] == "America/Montreal"
    workspace = Workspace.objects.get(slug="acme")
    assert (workspace.time_zone, workspace.country, workspace.subdivision) == (
        "America/Montreal",
        "CA",
        "QC",
    )
    assert workspace.business_hours == {"mon": [["08:30", "17:00"]]}
    assert workspace.extra_holidays == ["2026-12-24"]


@pytest.mark.parametrize("name", ["bob", "dave", "mia", "erin"])
def test_only_revops_admins_change_the_workspace(personas, api_as, name):
    response = api_as(name).patch("workspace", {"time_zone": "UTC"})
    assert response.status_code == 403
    assert Workspace.objects.get(slug="acme").time_zone == "Europe/Paris"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"country": "XX"}, "country"),
        ({"subdivision": "ZZZ"}, "subdivision"),
        ({"business_hours": {"mon": [["18:00", "09:00"]]}}, "business_hours"),
        ({"business_hours": {"funday": [["09:00", "17:00"]]}}, "business_hours"),
        ({"business_hours": {"mon": [["9h", "17h"]]}}, "business_hours"),
        ({"business_hours": {"mon": 5}}, "business_hours"),
        ({"extra_holidays": ["24/12/2026"]}, "extra_holidays"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month"),
        ({"default_language": "de"}, "default_language"),
        ({"slug": "hijack"}, "slug"),
    ],
)
def test_bad_settings_are_422_naming_the_field(personas, api_as, payload, field):
    response = api_as("rita").patch("workspace", payload)
    assert response.status_code == 422, response.content
    fields = error_fields(response)
    named = [k for k in fields if k == field or k.startswith(f"{field}.")]
    assert named and all(fields[k] for k in named)
    workspace = Workspace.objects.get(slug="acme")
    assert (workspace.time_zone, workspace.country, workspace.slug) == (
        "Europe/Paris",
        "FR",
        "acme",
    )


def test_a_bad_field_stores_nothing_of_the_good_ones(personas, api_as):
    response = api_as("rita").patch("workspace", {"name": "Renamed", "country": "XX"})
    assert response.status_code == 422
    assert Workspace.objects.get(slug="acme").name == "Acme"


def test_me_tells_role_side_and_workspace(personas, api_as):
    body = api_as("dave").get("me").json()
    assert (body["email"], body["role"], body["side"], body["workspace"]) == (
        "dave@example.fr",
        "sales_manager",
        "sales",
        "acme",
    )
