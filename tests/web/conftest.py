from __future__ import annotations

import pytest

from tests import factories as f


@pytest.fixture(autouse=True)
def english_pages(client):
    """These tests read English strings; the French pages have their own test (tests/i18n)."""
    client.cookies["django_language"] = "en"


@pytest.fixture
def acme_records(personas):
    """One record of each kind in Acme, for the pages that need one."""
    ws = personas.acme
    account = f.AccountFactory(workspace=ws, name="Dassault Systèmes")
    contact = f.ContactFactory(
        workspace=ws, account=account, first_name="Julien", last_name="Fournier"
    )
    campaign = f.CampaignFactory(workspace=ws, name="Webinaire Industrie 4.0")
    lead = f.LeadFactory(workspace=ws, contact=contact, source_campaign=campaign)
    opportunity = f.OpportunityFactory(workspace=ws, account=account, lead=lead)
    pod = f.PodFactory(workspace=ws, name="Pod Grand Est")
    return {
        "accounts": account,
        "contacts": contact,
        "campaigns": campaign,
        "leads": lead,
        "opportunities": opportunity,
        "pods": pod,
    }
