"""The saved views API: the same rules as the pages, through the same services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cordee.funnel import models as funnel
from cordee.lists.models import ListPreference, SavedView
from cordee.people.models import PodMember
from tests import factories as f
from tests.fixtures.api import error_fields


@pytest.fixture
def leads(personas):
    """12 MQLs scored 0..11 and 5 SALs in Acme."""
    ws = personas.acme
    for i in range(12):
        f.LeadFactory(workspace=ws, stage="mql", score=i, stage_entered_at=timezone.now())
    f.LeadFactory.create_batch(5, workspace=ws, stage="sal")


def _create(api, **body):
    payload = {"kind": "leads", "name": "Chauds", **body}
    return api.post("views", payload)


def test_create_read_list_change_and_delete_a_view(personas, api_as):
    bob = api_as("bob")
    created = _create(
        bob,
        params={"stage": "mql", "min_score": "5"},
        columns=["contact", "score"],
        page_size=50,
        visibility="workspace",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    view = SavedView.objects.get()
    assert body["id"] == view.pk and view.owner == personas.bob
    assert body["params"] == {"stage": "mql", "min_score": "5"}
    assert (body["columns"], body["page_size"], body["can_edit"]) == (
        ["contact", "score"],
        50,
        True,
    )
    listed = api_as("erin").get("views", {"kind": "leads"}).json()
    assert [(v["name"], v["can_edit"]) for v in listed] == [("Chauds", False)]
    assert api_as("erin").get("views", {"kind": "accounts"}).json() == []
    changed = bob.patch(f"views/{view.pk}", {"name": "Très chauds", "page_size": 100})
    assert changed.status_code == 200, changed.content
    view.refresh_from_db()
    assert (view.name, view.page_size, view.params["stage"]) == ("Très chauds", 100, "mql")
    assert bob.delete(f"views/{view.pk}").status_code == 204
    assert not SavedView.objects.exists()


def test_the_api_applies_the_same_permissions(personas, api_as):
    view_id = _create(api_as("bob"), visibility="workspace").json()["id"]
    private_id = _create(api_as("bob"), name="Privée").json()["id"]
    alice = api_as("alice")
    assert alice.patch(f"views/{view_id}", {"name": "À moi"}).status_code == 403
    assert alice.delete(f"views/{view_id}").status_code == 403
    assert alice.get(f"views/{private_id}").status_code == 404
    assert api_as("dave").patch(f"views/{view_id}", {"params": {"stage": "sal"}}).status_code == 200
    assert api_as("dave").delete(f"views/{private_id}").status_code == 404
    carol = api_as("carol")
    assert carol.get(f"views/{view_id}").status_code == 404
    assert carol.delete(f"views/{view_id}").status_code == 404
    assert carol.get(f"views/{view_id}/records").status_code == 404
    assert SavedView.objects.count() == 2


def test_pod_sharing_through_the_api(personas, api_as):
    pod = f.PodFactory(workspace=personas.acme)
    PodMember.objects.create(pod=pod, user=personas.alice)
    shared = _create(api_as("alice"), visibility="pod", pod=pod.pk)
    assert shared.status_code == 201, shared.content
    assert shared.json()["pod_id"] == pod.pk
    assert [v["name"] for v in api_as("alice").get("views", {"kind": "leads"}).json()] == ["Chauds"]
    assert api_as("bob").get("views", {"kind": "leads"}).json() == []
    refused = _create(api_as("bob"), name="Pas mon pod", visibility="pod", pod=pod.pk)
    assert refused.status_code == 422 and set(error_fields(refused)) == {"pod"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"params": {"min_score": "beaucoup"}}, "params.min_score"),
        ({"params": {"couleur": "rouge"}}, "params.couleur"),
        ({"columns": ["budget"]}, "columns"),
        ({"page_size": 40}, "page_size"),
        ({"kind": "webhooks"}, "kind"),
        ({"visibility": "everyone"}, "visibility"),
        ({"name": ""}, "name"),
        ({"owner": 3}, "owner"),
    ],
)
def test_a_bad_view_is_a_422_naming_the_field(personas, api_as, body, field):
    response = _create(api_as("bob"), **body)
    assert response.status_code == 422, response.content
    assert field in error_fields(response)
    assert not SavedView.objects.exists()


def test_the_default_view_of_a_list(personas, api_as):
    bob = api_as("bob")
    view_id = _create(bob).json()["id"]
    response = bob.client.put(
        "/api/v1/views/default",
        {"kind": "leads", "view": view_id},
        content_type="application/json",
        headers=bob.headers,
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"kind": "leads", "view": view_id}
    assert ListPreference.objects.get(user=personas.bob).default_view_id == view_id
    assert bob.get(f"views/{view_id}").json()["is_default"] is True
    cleared = bob.client.put(
        "/api/v1/views/default",
        {"kind": "leads", "view": None},
        content_type="application/json",
        headers=bob.headers,
    )
    assert cleared.json()["view"] is None


def test_the_rows_of_a_view(personas, api_as, leads):
    bob = api_as("bob")
    view_id = _create(
        bob,
        params={"stage": "mql", "min_score": "4", "sort": "-score"},
        columns=["score", "stage", "contact"],
    ).json()["id"]
    first = bob.get(f"views/{view_id}/records", {"limit": 5}).json()
    expected = funnel.Lead.objects.filter(workspace=personas.acme, stage="mql", score__gte=4)
    assert first["count"] == expected.count() == 8
    assert [c["key"] for c in first["columns"]] == ["score", "stage", "contact"]
    assert [row["score"] for row in first["items"]] == [11, 10, 9, 8, 7]
    assert {row["stage"] for row in first["items"]} == {"MQL"}
    top = expected.order_by("-score").first()
    assert first["items"][0]["id"] == top.pk and first["items"][0]["contact"] == str(top.contact)
    rest = bob.get(f"views/{view_id}/records", {"limit": 5, "offset": 5}).json()
    assert [row["score"] for row in rest["items"]] == [6, 5, 4]
