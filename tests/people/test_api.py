"""Pods through the API: mixed membership, sides, leads and named accounts."""

from __future__ import annotations

from cordee.people.models import Pod, PodMember
from tests import factories as f
from tests.fixtures.api import error_fields


def _members(body):
    return {m["email"]: (m["side"], m["is_lead"]) for m in body["members"]}


def test_manager_creates_a_pod_with_both_sides(personas, api_as):
    account = f.AccountFactory(workspace=personas.acme)
    response = api_as("mia").post(
        "pods",
        {
            "name": "PME Sud",
            "industries": ["Food"],
            "member_ids": [personas.alice.pk, personas.bob.pk],
            "lead_ids": [personas.bob.pk],
            "named_account_ids": [account.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert _members(body) == {
        "alice@example.fr": ("marketing", False),
        "bob@example.fr": ("sales", True),
    }
    assert (body["marketing_members"], body["sales_members"], body["missing_side"]) == (1, 1, False)
    assert body["named_account_ids"] == [account.pk]
    pod = Pod.objects.get(pk=body["id"])
    assert set(pod.members.all()) == {personas.alice, personas.bob}
    assert list(pod.named_accounts.all()) == [account]
    assert PodMember.objects.get(pod=pod, user=personas.bob).is_lead


def test_a_pod_with_one_side_is_flagged(personas, api_as):
    body = api_as("mia").post("pods", {"name": "Marketing only", "member_ids": [personas.alice.pk]})
    assert body.json()["missing_side"] is True
    listed = api_as("erin").get("pods").json()["items"]
    assert [(p["name"], p["missing_side"]) for p in listed] == [("Marketing only", True)]


def test_patch_members_keeps_leads_who_stay(personas, api_as):
    api = api_as("dave")
    pod_id = api.post(
        "pods",
        {"name": "P", "member_ids": [personas.bob.pk], "lead_ids": [personas.bob.pk]},
    ).json()["id"]
    changed = api.patch(f"pods/{pod_id}", {"member_ids": [personas.bob.pk, personas.alice.pk]})
    assert changed.status_code == 200, changed.content
    assert _members(changed.json()) == {
        "alice@example.fr": ("marketing", False),
        "bob@example.fr": ("sales", True),
    }
    renamed = api.patch(f"pods/{pod_id}", {"name": "Q"}).json()
    assert renamed["name"] == "Q" and len(renamed["members"]) == 2


def test_pod_lead_must_be_a_member(personas, api_as):
    response = api_as("mia").post(
        "pods", {"name": "P", "member_ids": [personas.alice.pk], "lead_ids": [personas.bob.pk]}
    )
    assert response.status_code == 422
    assert "lead_ids" in error_fields(response)
    assert not Pod.objects.exists()


def test_pod_member_from_another_workspace_is_422(personas, api_as):
    response = api_as("mia").post("pods", {"name": "P", "member_ids": [personas.carol.pk]})
    assert response.status_code == 422
    assert "member_ids" in error_fields(response)
    assert not Pod.objects.exists()


def test_pod_account_from_another_workspace_is_422(personas, api_as):
    foreign = f.AccountFactory(workspace=personas.globex)
    response = api_as("mia").post("pods", {"name": "P", "named_account_ids": [foreign.pk]})
    assert response.status_code == 422
    assert "named_account_ids" in error_fields(response)
    assert not Pod.objects.exists()


def test_duplicate_pod_name_is_422(personas, api_as):
    f.PodFactory(workspace=personas.acme, name="PME")
    response = api_as("mia").post("pods", {"name": "PME"})
    assert response.status_code == 422
    assert Pod.objects.filter(workspace=personas.acme).count() == 1


def test_marketer_cannot_create_a_pod(personas, api_as):
    assert api_as("alice").post("pods", {"name": "P"}).status_code == 403
    assert not Pod.objects.exists()


def test_member_filter_does_not_change_side_counts(personas, api_as):
    api = api_as("mia")
    api.post("pods", {"name": "Mixed", "member_ids": [personas.alice.pk, personas.bob.pk]})
    api.post("pods", {"name": "Solo", "member_ids": [personas.dave.pk]})
    listed = api.get("pods", {"member": personas.alice.pk}).json()
    assert listed["count"] == 1
    pod = listed["items"][0]
    assert (pod["name"], pod["marketing_members"], pod["sales_members"]) == ("Mixed", 1, 1)


def test_another_workspaces_pod_is_404(personas, api_as):
    pod = f.PodFactory(workspace=personas.globex)
    api = api_as("mia")
    assert api.get(f"pods/{pod.pk}").status_code == 404
    assert api.patch(f"pods/{pod.pk}", {"name": "Mine"}).status_code == 404
    pod.refresh_from_db()
    assert pod.name != "Mine"
