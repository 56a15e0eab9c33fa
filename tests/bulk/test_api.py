"""POST /bulk-jobs, GET /bulk-jobs/{id}, POST /bulk-jobs/{id}/undo."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from django.utils import timezone

from cordee.bulk.models import BulkJob
from cordee.bulk.runner import bulk_job_run
from cordee.funnel.models import Lead
from tests import factories as f


def test_a_rep_reassigns_every_matching_lead_over_the_api(personas, api_as):
    ws = personas.acme
    campaign = f.CampaignFactory(workspace=ws)
    own = [
        f.LeadFactory(workspace=ws, owner=personas.bob, source_campaign=campaign) for _ in range(3)
    ]
    f.LeadFactory(workspace=ws, owner=personas.dave, source_campaign=campaign)
    f.LeadFactory(workspace=ws, owner=personas.bob)  # not in the campaign: not matching
    response = api_as("bob").post(
        "bulk-jobs",
        {
            "kind": "leads",
            "action": "reassign",
            "filters": {"campaign": str(campaign.pk)},
            "args": {"to_owner": personas.alice.pk},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["total"], body["changed"], body["percent"]) == (
        "succeeded",
        3,
        3,
        100,
    )
    assert body["skipped"] == [
        {"code": "not_yours", "reason": body["skipped"][0]["reason"], "count": 1}
    ]
    assert body["can_undo"] is True
    assert sorted(Lead.objects.filter(owner=personas.alice).values_list("pk", flat=True)) == sorted(
        lead.pk for lead in own
    )

    undone = api_as("bob").post(f"bulk-jobs/{body['id']}/undo")
    assert undone.status_code == 200 and undone.json()["status"] == "undone"
    assert Lead.objects.filter(owner=personas.bob).count() == 4


def test_reasons_are_written_in_the_callers_language(personas, api_as):
    won = f.LeadFactory(workspace=personas.acme, stage="won")
    body = (
        api_as("rita")
        .post(
            "bulk-jobs",
            {"kind": "leads", "action": "stage", "ids": [won.pk], "args": {"to_stage": "recycled"}},
            headers={"Accept-Language": "en"},
        )
        .json()
    )
    assert body["failures"] == [
        {
            "id": won.pk,
            "code": "not_allowed",
            "params": {"from": "won", "to": "recycled"},
            "reason": "the funnel does not allow Won → Recycled",
        }
    ]
    french = api_as("rita").get(f"bulk-jobs/{body['id']}", headers={"Accept-Language": "fr"})
    assert french.json()["failures"][0]["reason"] == (
        "le tunnel ne permet pas de passer de Gagné à Recyclé"
    )


def test_ids_of_another_workspace_are_a_404(personas, api_as):
    foreign = f.LeadFactory(workspace=personas.globex)
    response = api_as("rita").post(
        "bulk-jobs",
        {"kind": "leads", "action": "delete", "ids": [foreign.pk]},
    )
    assert response.status_code == 404
    assert Lead.objects.filter(pk=foreign.pk).exists()


def test_unknown_kinds_actions_and_fields_are_refused(personas, api_as):
    client = api_as("rita")
    assert client.post("bulk-jobs", {"kind": "pods", "action": "delete"}).status_code == 422
    assert client.post("bulk-jobs", {"kind": "accounts", "action": "stage"}).status_code == 422
    assert (
        client.post(
            "bulk-jobs", {"kind": "leads", "action": "delete", "everything": True}
        ).status_code
        == 422
    )


@override_settings(BULK_INLINE_MAX=2)
def test_a_large_job_answers_at_once_and_its_progress_is_read_later(
    personas, api_as, django_capture_on_commit_callbacks
):
    leads = [f.LeadFactory(workspace=personas.acme) for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=False):
        body = (
            api_as("rita")
            .post(
                "bulk-jobs",
                {
                    "kind": "leads",
                    "action": "pod",
                    "args": {"pod": None},
                    "ids": [x.pk for x in leads],
                },
            )
            .json()
        )
    assert (body["status"], body["done"], body["total"]) == ("queued", 0, 5)
    bulk_job_run(job_id=body["id"])
    later = api_as("rita").get(f"bulk-jobs/{body['id']}").json()
    assert (later["status"], later["done"], later["skipped"][0]["code"]) == (
        "succeeded",
        5,
        "unchanged",
    )


def test_undo_after_the_window_is_a_409(personas, api_as):
    lead = f.LeadFactory(workspace=personas.acme)
    body = (
        api_as("rita")
        .post(
            "bulk-jobs",
            {
                "kind": "leads",
                "action": "reassign",
                "ids": [lead.pk],
                "args": {"to_owner": personas.bob.pk},
            },
        )
        .json()
    )
    BulkJob.objects.filter(pk=body["id"]).update(
        undo_until=timezone.now() - dt.timedelta(minutes=1)
    )
    response = api_as("rita").post(f"bulk-jobs/{body['id']}/undo")
    assert response.status_code == 409
    assert (
        "Too late to undo" in response.json()["error"]["message"]
        or "Trop tard" in (response.json()["error"]["message"])
    )


def test_a_lead_patch_that_changes_the_owner_writes_history(personas, api_as):
    lead = f.LeadFactory(workspace=personas.acme, owner=personas.bob)
    response = api_as("dave").patch(f"leads/{lead.pk}", {"owner": personas.rita.pk})
    assert response.status_code == 200, response.content
    assert response.json()["owner_id"] == personas.rita.pk
    assert list(lead.assignments.values_list("from_owner", "to_owner", "reason_code")) == [
        (personas.bob.pk, personas.rita.pk, "manual")
    ]
