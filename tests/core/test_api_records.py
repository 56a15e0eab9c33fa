"""CRUD round-trips of the shared data through /api/v1/, with filters, search and pagination."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cordee.crm.models import Account, Campaign, Contact
from cordee.funnel.models import Lead, LeadStageChange, Opportunity, Stage, Touchpoint
from tests import factories as f
from tests.fixtures.api import error_fields

# -- accounts ----------------------------------------------------------------------------------


def test_account_round_trip(personas, api_as):
    api = api_as("bob")
    created = api.post(
        "accounts", {"name": "Boulangerie Dupont", "city": "Lyon", "owner": personas.bob.pk}
    )
    assert created.status_code == 201
    account_id = created.json()["id"]
    row = Account.objects.get(pk=account_id)
    assert (row.name, row.city, row.owner, row.workspace) == (
        "Boulangerie Dupont",
        "Lyon",
        personas.bob,
        personas.acme,
    )
    read = api.get(f"accounts/{account_id}").json()
    assert (read["name"], read["owner_id"]) == ("Boulangerie Dupont", personas.bob.pk)
    changed = api.patch(f"accounts/{account_id}", {"city": "Paris"})
    assert changed.status_code == 200 and changed.json()["city"] == "Paris"
    row.refresh_from_db()
    assert (row.name, row.city) == ("Boulangerie Dupont", "Paris")


def test_manager_deletes_an_account(personas, api_as):
    account = f.AccountFactory(workspace=personas.acme)
    assert api_as("dave").delete(f"accounts/{account.pk}").status_code == 204
    assert not Account.objects.filter(pk=account.pk).exists()


def test_sales_rep_cannot_delete(personas, api_as):
    account = f.AccountFactory(workspace=personas.acme)
    response = api_as("bob").delete(f"accounts/{account.pk}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert Account.objects.filter(pk=account.pk).exists()


def test_executive_reads_but_cannot_write(personas, api_as):
    f.AccountFactory(workspace=personas.acme, name="Visible")
    api = api_as("erin")
    assert api.get("accounts").json()["count"] == 1
    response = api.post("accounts", {"name": "Nope"})
    assert response.status_code == 403
    assert not Account.objects.filter(name="Nope").exists()


def test_account_owned_by_another_workspaces_user_is_422_naming_owner(personas, api_as):
    response = api_as("alice").post("accounts", {"name": "X", "owner": personas.carol.pk})
    assert response.status_code == 422
    assert "owner" in error_fields(response)


def test_search_filters_pagination_and_count(personas, api_as):
    for i in range(7):
        f.AccountFactory(workspace=personas.acme, name=f"Boulangerie {i}", industry="Food")
    f.AccountFactory(workspace=personas.acme, name="Garage Martin", industry="Auto")
    api = api_as("alice")
    page = api.get("accounts", {"q": "boulangerie", "limit": 3, "offset": 3, "sort": "name"})
    body = page.json()
    assert body["count"] == 7
    assert [a["name"] for a in body["items"]] == ["Boulangerie 3", "Boulangerie 4", "Boulangerie 5"]
    assert api.get("accounts", {"industry": "Auto"}).json()["count"] == 1
    assert api.get("accounts", {"limit": 501}).status_code == 422


# -- contacts ----------------------------------------------------------------------------------


def test_contact_round_trip_normalises_email(personas, api_as):
    account = f.AccountFactory(workspace=personas.acme)
    api = api_as("alice")
    created = api.post(
        "contacts", {"last_name": "Roy", "email": " Jean.ROY@Client.FR ", "account": account.pk}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["email"], body["account_id"], body["full_name"]) == (
        "jean.roy@client.fr",
        account.pk,
        "Roy",
    )
    assert Contact.objects.get(pk=body["id"]).email == "jean.roy@client.fr"
    assert api.get("contacts", {"account": account.pk}).json()["count"] == 1
    assert api.get("contacts", {"q": "jean.roy"}).json()["count"] == 1


def test_contact_with_another_workspaces_account_is_422(personas, api_as):
    foreign = f.AccountFactory(workspace=personas.globex)
    response = api_as("alice").post("contacts", {"last_name": "Roy", "account": foreign.pk})
    assert response.status_code == 422
    assert "account" in error_fields(response)
    assert not Contact.objects.filter(last_name="Roy").exists()


def test_duplicate_contact_email_is_422(personas, api_as):
    f.ContactFactory(workspace=personas.acme, email="jean@client.fr")
    response = api_as("alice").post("contacts", {"last_name": "Roy", "email": "JEAN@client.fr"})
    assert response.status_code == 422
    assert error_fields(response)


def test_invalid_email_is_422_naming_email(personas, api_as):
    response = api_as("alice").post("contacts", {"last_name": "Roy", "email": "not-an-email"})
    assert response.status_code == 422
    assert "email" in error_fields(response)


# -- campaigns ---------------------------------------------------------------------------------


def test_campaign_round_trip_keeps_budget_exact(personas, api_as):
    api = api_as("alice")
    created = api.post(
        "campaigns",
        {
            "name": "Webinaire IA",
            "channel": "webinar",
            "start_date": "2026-03-01",
            "end_date": "2026-03-31",
            "budget": "12345.67",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["budget"] == "12345.67"
    assert Campaign.objects.get(pk=body["id"]).budget == Decimal("12345.67")
    assert api.get(f"campaigns/{body['id']}").json()["budget"] == "12345.67"
    assert api.get("campaigns", {"channel": "webinar"}).json()["count"] == 1
    assert api.get("campaigns", {"channel": "seo"}).json()["count"] == 0
    assert api.get("campaigns", {"starts_after": "2026-04-01"}).json()["count"] == 0


def test_campaign_unknown_channel_is_422_naming_channel(personas, api_as):
    response = api_as("alice").post("campaigns", {"name": "X", "channel": "tiktok"})
    assert response.status_code == 422
    assert "channel" in error_fields(response)


def test_campaign_filter_with_unknown_choice_is_422(personas, api_as):
    response = api_as("alice").get("campaigns", {"channel": "tiktok"})
    assert response.status_code == 422
    assert "channel" in error_fields(response)


def test_campaign_end_before_start_is_422(personas, api_as):
    response = api_as("alice").post(
        "campaigns",
        {"name": "X", "channel": "seo", "start_date": "2026-05-01", "end_date": "2026-04-01"},
    )
    assert response.status_code == 422
    assert not Campaign.objects.exists()


def test_sales_rep_cannot_create_a_campaign(personas, api_as):
    response = api_as("bob").post("campaigns", {"name": "X", "channel": "seo"})
    assert response.status_code == 403


# -- touchpoints -------------------------------------------------------------------------------


def test_touchpoint_round_trip_takes_the_campaigns_channel(personas, api_as):
    contact = f.ContactFactory(workspace=personas.acme)
    campaign = f.CampaignFactory(workspace=personas.acme, channel="linkedin")
    api = api_as("bob")
    created = api.post(
        "touchpoints",
        {
            "contact": contact.pk,
            "campaign": campaign.pk,
            "kind": "call",
            "occurred_at": "2026-05-04T09:30:00+02:00",
            "actor": personas.bob.pk,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["channel"], body["is_sales_activity"]) == ("linkedin", True)
    row = Touchpoint.objects.get(pk=body["id"])
    assert row.occurred_at == dt.datetime(2026, 5, 4, 7, 30, tzinfo=dt.UTC)
    assert api.get("touchpoints", {"sales_activity": "true"}).json()["count"] == 1
    assert api.get("touchpoints", {"sales_activity": "false"}).json()["count"] == 0
    assert api.get("touchpoints", {"contact": contact.pk}).json()["count"] == 1


def test_touchpoint_needs_a_time_zone(personas, api_as):
    contact = f.ContactFactory(workspace=personas.acme)
    response = api_as("bob").post(
        "touchpoints",
        {"contact": contact.pk, "kind": "call", "occurred_at": "2026-05-04T09:30:00"},
    )
    assert response.status_code == 422
    assert "occurred_at" in error_fields(response)


# -- leads -------------------------------------------------------------------------------------


def test_lead_created_through_the_api_opens_its_history(personas, api_as):
    contact = f.ContactFactory(workspace=personas.acme)
    campaign = f.CampaignFactory(workspace=personas.acme, channel="webinar")
    api = api_as("alice")
    created = api.post("leads", {"contact": contact.pk, "source_campaign": campaign.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["stage"], body["source_channel"], body["contact_id"]) == (
        "inquiry",
        "webinar",
        contact.pk,
    )
    lead = Lead.objects.get(pk=body["id"])
    change = LeadStageChange.objects.get(lead=lead)
    assert (change.from_stage, change.to_stage, change.actor) == ("", "inquiry", personas.alice)
    read = api.get(f"leads/{lead.pk}").json()
    assert read["stage"] == "inquiry"
    entered = dt.datetime.fromisoformat(read["stage_entered_at"])
    assert abs(entered - lead.stage_entered_at) < dt.timedelta(milliseconds=1)


def test_lead_history_is_in_time_order(personas, api_as):
    lead = f.LeadFactory(workspace=personas.acme, stage=Stage.SAL)
    t0 = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
    for stage, from_stage, hours in [("sal", "mql", 5), ("inquiry", "", 0), ("mql", "inquiry", 2)]:
        LeadStageChange.objects.create(
            workspace=personas.acme,
            lead=lead,
            from_stage=from_stage,
            to_stage=stage,
            at=t0 + dt.timedelta(hours=hours),
            actor=personas.bob,
        )
    response = api_as("alice").get(f"leads/{lead.pk}/history")
    assert response.status_code == 200
    steps = response.json()
    assert [(s["from_stage"], s["to_stage"]) for s in steps] == [
        ("", "inquiry"),
        ("inquiry", "mql"),
        ("mql", "sal"),
    ]
    assert steps[0]["actor_name"] == "Bob Test"


def test_another_workspaces_lead_history_is_404(personas, api_as):
    lead = f.LeadFactory(workspace=personas.globex)
    assert api_as("alice").get(f"leads/{lead.pk}/history").status_code == 404


@pytest.mark.parametrize("method", ["post", "patch"])
def test_lead_stage_is_not_writable(personas, api_as, method):
    lead = f.LeadFactory(workspace=personas.acme)
    api = api_as("alice")
    if method == "post":
        response = api.post("leads", {"contact": lead.contact_id, "stage": "won"})
    else:
        response = api.patch(f"leads/{lead.pk}", {"stage": "won"})
    assert response.status_code == 422
    assert "stage" in error_fields(response)
    lead.refresh_from_db()
    assert lead.stage == Stage.INQUIRY
    assert Lead.objects.count() == 1


def test_lead_filters(personas, api_as):
    f.LeadFactory(workspace=personas.acme, stage=Stage.MQL, owner=personas.bob)
    f.LeadFactory(workspace=personas.acme, stage=Stage.SAL)
    api = api_as("alice")
    assert api.get("leads", {"stage": "mql"}).json()["count"] == 1
    assert api.get("leads", {"owner": personas.bob.pk}).json()["count"] == 1
    assert api.get("leads", {"stage": "nonsense"}).status_code == 422


def test_lead_with_another_workspaces_contact_is_422_naming_contact(personas, api_as):
    foreign = f.ContactFactory(workspace=personas.globex)
    response = api_as("alice").post("leads", {"contact": foreign.pk})
    assert response.status_code == 422
    assert "contact" in error_fields(response)
    assert not Lead.objects.exists()
    assert not LeadStageChange.objects.exists()


# -- opportunities -----------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["1234567.89", "0.10", "999999999999.99"])
def test_opportunity_amount_round_trips_exactly(personas, api_as, amount):
    account = f.AccountFactory(workspace=personas.acme)
    api = api_as("bob")
    created = api.post("opportunities", {"name": "Deal", "account": account.pk, "amount": amount})
    assert created.status_code == 201, created.content
    assert created.json()["amount"] == amount
    opportunity = Opportunity.objects.get(pk=created.json()["id"])
    assert opportunity.amount == Decimal(amount)
    assert api.get(f"opportunities/{opportunity.pk}").json()["amount"] == amount
    assert api.get("opportunities").json()["items"][0]["amount"] == amount


def test_opportunity_amount_sent_as_a_json_number_is_not_rounded(personas, api_as):
    account = f.AccountFactory(workspace=personas.acme)
    response = api_as("bob").post(
        "opportunities",
        f'{{"name": "Deal", "account": {account.pk}, "amount": 9999999999.99}}',
    )
    assert response.status_code == 201, response.content
    assert Opportunity.objects.get().amount == Decimal("9999999999.99")


@pytest.mark.parametrize("amount", ["-1", "1.234", "abc", "NaN", "1e20"])
def test_bad_amounts_are_422_naming_amount(personas, api_as, amount):
    account = f.AccountFactory(workspace=personas.acme)
    response = api_as("bob").post(
        "opportunities", {"name": "Deal", "account": account.pk, "amount": amount}
    )
    assert response.status_code == 422
    assert "amount" in error_fields(response)
    assert not Opportunity.objects.exists()


def test_opportunity_round_trip(personas, api_as):
    account = f.AccountFactory(workspace=personas.acme)
    campaign = f.CampaignFactory(workspace=personas.acme)
    api = api_as("dave")
    created = api.post(
        "opportunities",
        {
            "name": "Renouvellement",
            "account": account.pk,
            "primary_campaign": campaign.pk,
            "currency": "USD",
            "close_date": "2026-09-30",
            "owner": personas.bob.pk,
        },
    )
    assert created.status_code == 201, created.content
    opp_id = created.json()["id"]
    changed = api.patch(
        f"opportunities/{opp_id}", {"stage": "closed_won", "amount": "50000.00"}
    ).json()
    assert (changed["stage"], changed["amount"], changed["currency"]) == (
        "closed_won",
        "50000.00",
        "USD",
    )
    row = Opportunity.objects.get(pk=opp_id)
    assert (row.stage, row.amount, row.primary_campaign) == (
        "closed_won",
        Decimal("50000.00"),
        campaign,
    )
    assert api.get("opportunities", {"stage": "closed_won"}).json()["count"] == 1
    assert api.get("opportunities", {"closes_before": "2026-09-01"}).json()["count"] == 0


def test_opportunity_bad_currency_is_422(personas, api_as):
    account = f.AccountFactory(workspace=personas.acme)
    response = api_as("bob").post(
        "opportunities", {"name": "Deal", "account": account.pk, "currency": "euro"}
    )
    assert response.status_code == 422
    assert "currency" in error_fields(response)


def test_account_with_opportunities_cannot_be_deleted(personas, api_as):
    opportunity = f.OpportunityFactory(workspace=personas.acme)
    response = api_as("rita").delete(f"accounts/{opportunity.account_id}")
    assert response.status_code == 422
    assert Account.objects.filter(pk=opportunity.account_id).exists()


def test_an_opportunity_created_late_in_the_evening_is_dated_the_workspaces_day(
    personas, api_as, monkeypatch
):
    # 23:30 UTC on 31 March is 01:30 on 1 April in Paris (Acme's zone): the API has no time
    # zone activated, yet the default date is the workspace's, as on the pages.
    late = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: late)
    account = f.AccountFactory(workspace=personas.acme)
    created = api_as("bob").post(
        "opportunities", {"name": "Deal", "account": account.pk, "amount": "10"}
    )
    assert created.status_code == 201, created.json()
    assert created.json()["created_on"] == "2026-04-01"


def test_codes_are_read_and_refused_by_the_same_rule_as_the_pages_and_the_imports(personas, api_as):
    api = api_as("alice")
    api.headers["Accept-Language"] = "en"
    body = {"name": "Webinaire", "channel": "webinar"}
    created = api.post("campaigns", {**body, "currency": "usd"})
    assert created.status_code == 201 and created.json()["currency"] == "USD"
    refused = api.post("campaigns", {**body, "currency": "E1"})
    assert refused.status_code == 422
    assert error_fields(refused) == {"currency": ["A currency is a three-letter code such as EUR."]}
    contact = api.post("contacts", {"last_name": "Durand", "country": "fr"})
    assert contact.status_code == 201 and contact.json()["country"] == "FR"
    refused = api.post("contacts", {"last_name": "Martin", "country": "F1"})
    assert error_fields(refused) == {"country": ["A country is a two-letter code such as FR."]}


def test_a_created_after_filter_means_the_workspaces_day_as_on_the_pages(personas, api_as, client):
    late = f.LeadFactory(workspace=personas.acme)  # 23:30 UTC on 31 March: 1 April in Paris
    evening = f.LeadFactory(workspace=personas.acme)  # 21:00 UTC: still 31 March in Paris
    Lead.objects.filter(pk=late.pk).update(
        created_at=dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    )
    Lead.objects.filter(pk=evening.pk).update(
        created_at=dt.datetime(2026, 3, 31, 21, tzinfo=dt.UTC)
    )
    found = api_as("bob").get("leads", {"created_after": "2026-04-01"}).json()["items"]
    assert [lead["id"] for lead in found] == [late.pk]  # the API read the day in UTC
    client.force_login(personas.bob)
    page = client.get("/w/acme/leads/", {"created_after": "2026-04-01"}).content.decode()
    assert f"/w/acme/leads/{late.pk}/" in page and f"/w/acme/leads/{evening.pk}/" not in page


def test_a_campaign_ending_before_it_starts_is_refused_in_the_imports_words(
    personas, api_as, client
):
    # the API and the pages answered "Constraint “campaign_dates_in_order” is violated."
    # on no field; the imports "The campaign ends before it starts." on the end date
    api = api_as("alice")
    api.headers["Accept-Language"] = "en"
    dates = {"start_date": "2026-05-02", "end_date": "2026-05-01"}
    refused = api.post("campaigns", {"name": "Salon", "channel": "event", **dates})
    assert error_fields(refused) == {"end_date": ["The campaign ends before it starts."]}
    client.force_login(personas.alice)
    client.cookies["django_language"] = "en"
    form = {"name": "Salon", "channel": "event", "status": "planned", "budget": "0", **dates}
    page = client.post("/w/acme/campaigns/new/", form)
    assert page.status_code == 422
    assert "The campaign ends before it starts." in page.content.decode()
    assert not Campaign.objects.exists()
