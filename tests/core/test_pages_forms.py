"""Create and edit forms: services do the writing, their field errors show next to the fields."""

from __future__ import annotations

import pytest

from cordee.funnel.models import Lead, LeadStageChange
from cordee.people.models import Pod
from tests import factories as f

# these tests read English strings; the French pages have their own test (tests/i18n)
pytestmark = pytest.mark.usefixtures("english_pages")


def test_a_field_error_from_the_service_is_shown_next_to_the_field(client, personas):
    client.force_login(personas.alice)
    response = client.post(
        "/w/acme/campaigns/new/",
        {
            "name": "Webinaire",
            "channel": "webinar",
            "status": "planned",
            "budget": "-5",
            "currency": "EUR",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_budget_error"' in html
    assert "field--error" in html
    assert "Some fields need your attention." in html


def test_a_missing_required_field_is_shown(client, personas):
    client.force_login(personas.alice)
    response = client.post("/w/acme/accounts/new/", {"name": ""})
    assert response.status_code == 422
    assert 'id="id_name_error"' in response.content.decode()


def test_creating_a_lead_opens_its_stage_history(client, personas):
    contact = f.ContactFactory(workspace=personas.acme)
    client.force_login(personas.bob)
    response = client.post("/w/acme/leads/new/", {"contact": contact.pk, "owner": personas.bob.pk})
    lead = Lead.objects.get(contact=contact)
    assert response.status_code == 302
    assert LeadStageChange.objects.filter(lead=lead, to_stage="inquiry").count() == 1


def test_a_form_offers_only_the_workspaces_own_records(client, personas):
    foreign = f.ContactFactory(workspace=personas.globex, first_name="Hors", last_name="Champ")
    client.force_login(personas.bob)
    assert "Hors Champ" not in client.get("/w/acme/leads/new/").content.decode()
    response = client.post("/w/acme/leads/new/", {"contact": foreign.pk})
    assert response.status_code == 422
    assert not Lead.objects.filter(contact=foreign).exists()


def test_editing_an_account_saves_the_change(client, personas, acme_records):
    account = acme_records["accounts"]
    client.force_login(personas.bob)
    response = client.post(
        f"/w/acme/accounts/{account.pk}/edit/", {"name": "Dassault Aviation", "country": "FR"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.name == "Dassault Aviation"


def test_a_manager_creates_a_pod_with_both_sides(client, personas):
    account = f.AccountFactory(workspace=personas.acme)
    client.force_login(personas.mia)
    response = client.post(
        "/w/acme/pods/new/",
        {
            "name": "Pod Santé",
            "industries": "Santé, Pharma",
            "member_ids": [personas.alice.pk, personas.bob.pk],
            "lead_ids": [personas.alice.pk],
            "named_account_ids": [account.pk],
        },
    )
    pod = Pod.objects.get(workspace=personas.acme, name="Pod Santé")
    assert response.status_code == 302
    assert pod.industries == ["Santé", "Pharma"]
    assert set(pod.members.all()) == {personas.alice, personas.bob}
    assert list(pod.named_accounts.all()) == [account]
    page = client.get(f"/w/acme/pods/{pod.pk}/").content.decode()
    assert "alert--warning" not in page


def test_a_pod_missing_a_side_shows_a_warning(client, personas):
    from cordee.people.models import PodMember

    pod = f.PodFactory(workspace=personas.acme, name="Pod Marketing seul")
    PodMember.objects.create(pod=pod, user=personas.alice)
    client.force_login(personas.erin)
    html = client.get(f"/w/acme/pods/{pod.pk}/").content.decode()
    assert "This pod has no one from sales." in html


def test_codes_are_read_and_refused_by_the_same_rule_as_the_api_and_the_imports(client, personas):
    from cordee.crm.models import Campaign, Contact

    client.force_login(personas.alice)
    campaign = {"name": "Webinaire", "channel": "webinar", "status": "planned", "budget": "0"}
    # stored as typed before ("usd"), so the workspace-currency totals left it out
    response = client.post("/w/acme/campaigns/new/", {**campaign, "currency": "usd"})
    assert response.status_code == 302
    assert Campaign.objects.get().currency == "USD"
    response = client.post("/w/acme/campaigns/new/", {**campaign, "currency": "E1"})
    assert response.status_code == 422
    assert "A currency is a three-letter code such as EUR." in response.content.decode()
    response = client.post("/w/acme/contacts/new/", {"last_name": "Durand", "country": "fr"})
    assert response.status_code == 302
    assert Contact.objects.get().country == "FR"
    response = client.post("/w/acme/contacts/new/", {"last_name": "Martin", "country": "F1"})
    assert response.status_code == 422
    assert "A country is a two-letter code such as FR." in response.content.decode()
