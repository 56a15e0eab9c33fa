"""The bulk bar on the lists, the delete confirmation that names the count, the job's page, undo."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from cordee.bulk.models import BulkJob, BulkStatus
from cordee.crm.models import Account, CampaignMember
from cordee.funnel.models import Lead
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english_pages")


def _as(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


@pytest.mark.parametrize("plural", ["leads", "contacts", "accounts", "opportunities"])
def test_every_list_has_a_checkbox_per_row_and_the_bulk_bar(plural, personas, acme_records):
    response = _as(personas.rita).get(f"/w/acme/{plural}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="bulk-form"' in html
    assert html.count('class="bulk-check"') == 1  # acme_records holds one of each kind
    assert 'class="bulk-page"' in html


def test_the_bar_offers_only_what_the_role_may_do(personas, acme_records):
    html = _as(personas.bob).get("/w/acme/leads/").content.decode()
    assert 'value="reassign"' in html and 'value="stage"' in html
    assert 'value="delete"' not in html  # record.delete: managers
    assert 'value="campaign"' not in html  # campaign.write: marketing
    assert 'value="export"' in html
    executive = _as(personas.erin).get("/w/acme/leads/").content.decode()
    assert 'value="reassign"' not in executive and 'value="export"' in executive


def test_the_campaign_list_has_no_bulk_bar(personas, acme_records):
    html = _as(personas.rita).get("/w/acme/campaigns/").content.decode()
    assert 'id="bulk-form"' not in html


def test_deleting_all_matching_asks_first_naming_the_count(personas):
    for n in range(3):
        f.AccountFactory(workspace=personas.acme, name=f"Cible {n}")
    f.AccountFactory(workspace=personas.acme, name="Autre")
    client = _as(personas.rita)
    response = client.post(
        "/w/acme/bulk/accounts/", {"action": "delete", "scope": "all", "f_q": "Cible"}
    )
    assert response.status_code == 200
    assert "Delete 3 accounts?" in response.content.decode()
    assert Account.objects.filter(workspace=personas.acme).count() == 4  # nothing yet

    response = client.post(
        "/w/acme/bulk/accounts/",
        {"action": "delete", "scope": "all", "f_q": "Cible", "confirmed": "1"},
    )
    job = BulkJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/w/acme/bulk-jobs/{job.pk}/"
    assert list(Account.objects.values_list("name", flat=True)) == ["Autre"]

    page = client.get(response["Location"]).content.decode()
    assert "3 rows changed" in page and 'id="bulk-undo"' in page
    client.post(f"/w/acme/bulk-jobs/{job.pk}/undo/")
    assert Account.objects.count() == 4
    assert "Undone on" in client.get(response["Location"]).content.decode()


def test_the_confirmation_counts_only_rows_of_the_workspace(personas):
    f.AccountFactory(workspace=personas.acme)
    html = (
        _as(personas.rita)
        .post(
            "/w/acme/bulk/accounts/",
            {"action": "delete", "ids": [str(f.AccountFactory(workspace=personas.globex).pk)]},
        )
        .content.decode()
    )
    assert "Delete 0 accounts?" in html  # Globex's account is not counted (nor deleted later)


def test_a_selection_reassigned_from_the_list(personas):
    leads = [f.LeadFactory(workspace=personas.acme, owner=personas.bob) for _ in range(3)]
    client = _as(personas.bob)
    response = client.post(
        "/w/acme/bulk/leads/",
        {"action": "reassign", "ids": [leads[0].pk, leads[1].pk], "to_owner": personas.alice.pk},
    )
    assert response.status_code == 302
    assert sorted(Lead.objects.filter(owner=personas.alice).values_list("pk", flat=True)) == [
        leads[0].pk,
        leads[1].pk,
    ]


def test_an_empty_selection_says_so(personas):
    response = _as(personas.bob).post("/w/acme/bulk/leads/", {"action": "reassign"}, follow=True)
    assert "Select at least one row first." in response.content.decode()


def test_export_of_a_selection_holds_those_rows_only(personas):
    a, b = (f.AccountFactory(workspace=personas.acme, name=n) for n in ("Alpha SA", "Beta SA"))
    response = _as(personas.bob).post(
        "/w/acme/bulk/accounts/", {"action": "export", "ids": [a.pk], "file": "csv"}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Alpha SA" in body and "Beta SA" not in body
    assert b.pk != a.pk


def test_the_job_page_polls_while_running_and_stops_when_done(personas):
    job = BulkJob.objects.create(
        workspace=personas.acme,
        actor=personas.rita,
        kind="leads",
        action="reassign",
        total=4000,
        done=1000,
        status=BulkStatus.RUNNING,
    )
    client = _as(personas.rita)
    html = client.get(f"/w/acme/bulk-jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in html and "1,000 of 4,000 rows gone through" in html
    partial = client.get(f"/w/acme/bulk-jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "25" in partial.content.decode()
    BulkJob.objects.filter(pk=job.pk).update(status=BulkStatus.SUCCEEDED, done=4000)
    assert (
        'hx-trigger="every 1s"' not in client.get(f"/w/acme/bulk-jobs/{job.pk}/").content.decode()
    )


def test_a_rep_does_not_see_someone_elses_job(personas):
    job = BulkJob.objects.create(
        workspace=personas.acme, actor=personas.rita, kind="leads", action="reassign"
    )
    assert _as(personas.bob).get(f"/w/acme/bulk-jobs/{job.pk}/").status_code == 404
    assert _as(personas.dave).get(f"/w/acme/bulk-jobs/{job.pk}/").status_code == 200


def test_the_list_of_bulk_actions_shows_a_rep_theirs_and_a_manager_everyones(personas, api_as):
    def job(actor, total):
        return BulkJob.objects.create(
            workspace=personas.acme, actor=actor, kind="leads", action="reassign", total=total
        )

    mine, theirs = job(personas.bob, 1234), job(personas.rita, 56)
    BulkJob.objects.create(
        workspace=personas.globex, actor=personas.carol, kind="leads", action="delete", total=9
    )
    body = _as(personas.bob).get("/w/acme/bulk-jobs/").content.decode()
    assert f"/w/acme/bulk-jobs/{mine.pk}/" in body and "1,234" in body
    assert f"/w/acme/bulk-jobs/{theirs.pk}/" not in body
    body = _as(personas.dave).get("/w/acme/bulk-jobs/").content.decode()
    assert f"/w/acme/bulk-jobs/{mine.pk}/" in body and f"/w/acme/bulk-jobs/{theirs.pk}/" in body
    assert [j["id"] for j in api_as("bob").get("bulk-jobs").json()] == [mine.pk]
    assert [j["id"] for j in api_as("dave").get("bulk-jobs").json()] == [theirs.pk, mine.pk]


def test_the_campaign_page_shows_its_members(personas):
    campaign = f.CampaignFactory(workspace=personas.acme)
    contacts = [
        f.ContactFactory(workspace=personas.acme, last_name=f"Membre{n}") for n in range(12)
    ]
    CampaignMember.objects.bulk_create(
        CampaignMember(
            workspace=personas.acme, campaign=campaign, contact=c, added_at=timezone.now()
        )
        for c in contacts
    )
    html = _as(personas.alice).get(f"/w/acme/campaigns/{campaign.pk}/").content.decode()
    assert 'id="campaign-members"' in html
    assert "The latest 10 of 12 members." in html
    assert html.count("Membre") == 10
