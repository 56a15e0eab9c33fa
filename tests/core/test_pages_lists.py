"""The list pages: search, filters, sorting, htmx partials, and a query count that does not
grow with the number of rows."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cordee.crm import models as crm
from cordee.funnel import models as funnel
from cordee.people.models import Pod, PodMember
from tests import factories as f

# these tests read English strings; the French pages have their own test (tests/i18n)
pytestmark = pytest.mark.usefixtures("english_pages")


def _bulk(kind: str, personas, n: int, offset: int) -> None:
    ws = personas.acme
    if kind == "accounts":
        crm.Account.objects.bulk_create(
            crm.Account(workspace=ws, name=f"Compte {offset + i}", owner=personas.bob)
            for i in range(n)
        )
    elif kind == "contacts":
        account = f.AccountFactory(workspace=ws)
        crm.Contact.objects.bulk_create(
            crm.Contact(
                workspace=ws, account=account, last_name=f"Nom {offset + i}", owner=personas.bob
            )
            for i in range(n)
        )
    elif kind == "leads":
        contact = f.ContactFactory(workspace=ws)
        campaign = f.CampaignFactory(workspace=ws)
        pod = f.PodFactory(workspace=ws)
        funnel.Lead.objects.bulk_create(
            funnel.Lead(
                workspace=ws,
                contact=contact,
                source_campaign=campaign,
                pod=pod,
                owner=personas.bob,
                stage_entered_at=timezone.now(),
            )
            for _ in range(n)
        )
    elif kind == "opportunities":
        account = f.AccountFactory(workspace=ws)
        funnel.Opportunity.objects.bulk_create(
            funnel.Opportunity(
                workspace=ws,
                account=account,
                name=f"Affaire {offset + i}",
                amount=Decimal("1000"),
                created_on=dt.date(2026, 1, 1),
                owner=personas.dave,
            )
            for i in range(n)
        )
    elif kind == "campaigns":
        crm.Campaign.objects.bulk_create(
            crm.Campaign(
                workspace=ws, name=f"Campagne {offset + i}", channel="seo", owner=personas.alice
            )
            for i in range(n)
        )
    elif kind == "pods":
        pods = Pod.objects.bulk_create(
            Pod(workspace=ws, name=f"Pod {offset + i}", industries=["Industrie"]) for i in range(n)
        )
        PodMember.objects.bulk_create(PodMember(pod=p, user=personas.alice) for p in pods)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "kind", ["accounts", "contacts", "leads", "opportunities", "campaigns", "pods"]
)
def test_list_query_count_does_not_grow_with_rows(client, personas, kind):
    client.force_login(personas.rita)
    url = f"/w/acme/{kind}/"
    _bulk(kind, personas, 10, 0)
    client.get(url)  # warm the session
    small = _queries(client, url)
    _bulk(kind, personas, 990, 10)
    large = _queries(client, url)
    assert small == large
    assert _queries(client, url + "?page=3") == large


def test_the_home_page_runs_a_few_queries(client, personas, acme_records):
    """What needs a manager now (alignment.home): a fixed number of queries per block."""
    client.force_login(personas.dave)
    client.get("/w/acme/")
    # a manager's home: ten blocks, each a few queries, and the month's alignment index (each
    # of its parts read from the app that owns it); tests/alignment/test_home.py checks that
    # the count does not grow with the data
    assert _queries(client, "/w/acme/") <= 60


def test_search_filters_and_sorting(client, personas):
    ws = personas.acme
    f.LeadFactory(
        workspace=ws,
        contact=f.ContactFactory(workspace=ws, last_name="Fournier"),
        stage="mql",
        score=10,
    )
    f.LeadFactory(
        workspace=ws,
        contact=f.ContactFactory(workspace=ws, last_name="Garnier"),
        stage="sal",
        score=90,
    )
    client.force_login(personas.bob)
    html = client.get("/w/acme/leads/?q=fourn").content.decode()
    assert "Fournier" in html and "Garnier" not in html
    html = client.get("/w/acme/leads/?stage=sal").content.decode()
    assert "Garnier" in html and "Fournier" not in html
    html = client.get("/w/acme/leads/?sort=-score").content.decode()
    assert html.index("Garnier") < html.index("Fournier")
    html = client.get("/w/acme/leads/?q=nobody").content.decode()
    assert "Nothing matches these filters" in html


def test_an_invalid_filter_value_is_explained_not_a_crash(client, personas):
    client.force_login(personas.bob)
    response = client.get("/w/acme/leads/?min_score=lots")
    assert response.status_code == 200
    assert "Invalid value for filter" in response.content.decode()


def test_pagination_shows_25_rows_a_page(client, personas):
    _bulk("accounts", personas, 60, 0)
    client.force_login(personas.bob)
    html = client.get("/w/acme/accounts/?page=3").content.decode()
    assert html.count("<tr>") == 1 + 10  # the header row and the last ten accounts
    assert "Page 3 of 3" in html


def test_an_htmx_request_gets_only_the_table(client, personas, acme_records):
    client.force_login(personas.bob)
    response = client.get("/w/acme/leads/?q=Fournier", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="records"')
    assert "<html" not in html and "Fournier" in html
    assert "HX-Request" in response["Vary"]
    full = client.get("/w/acme/leads/?q=Fournier").content.decode()
    assert "<html" in full and 'id="records"' in full


def test_an_htmx_history_restore_gets_the_whole_page(client, personas):
    client.force_login(personas.bob)
    response = client.get(
        "/w/acme/leads/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_empty_lists_explain_what_goes_there(client, personas):
    client.force_login(personas.alice)
    html = client.get("/w/acme/campaigns/").content.decode()
    assert "Nothing here yet" in html
    assert 'href="/w/acme/campaigns/new/"' in html


def test_owner_and_campaign_filters_are_pickers_not_drop_downs(client, personas):
    """A workspace with a thousand campaigns: the leads list prints no option per campaign or
    per member; a chosen owner or campaign is named in its box (one row read), another
    workspace's id names nothing and lists nothing."""
    ws = personas.acme
    crm.Campaign.objects.bulk_create(
        crm.Campaign(workspace=ws, name=f"Campagne {i}", channel="seo") for i in range(1000)
    )
    campaign = crm.Campaign.objects.get(workspace=ws, name="Campagne 7")
    lead = f.LeadFactory(workspace=ws, owner=personas.bob, source_campaign=campaign)
    f.LeadFactory(workspace=ws, owner=personas.alice)
    foreign = f.CampaignFactory(workspace=personas.globex, name="Campagne de Globex")
    client.force_login(personas.rita)

    html = client.get("/w/acme/leads/").content.decode()
    assert "Campagne 999" not in html and html.count("<option") < 100
    assert not re.search(r'<option value="\d+"[^>]*>(Alice|Bob|Rita) Test', html)
    assert 'id="id_f_owner"' in html and 'id="id_f_campaign"' in html
    assert html.count("data-picker-value") >= 2

    html = client.get(f"/w/acme/leads/?owner={personas.bob.pk}&campaign={campaign.pk}").content
    text = html.decode()
    assert 'value="Bob Test"' in text and 'value="Campagne 7"' in text
    assert f"/w/acme/leads/{lead.pk}/" in text and text.count("<tr>") == 1 + 1  # head + lead

    text = client.get(f"/w/acme/leads/?campaign={foreign.pk}").content.decode()
    assert "Campagne de Globex" not in text
    assert f"/w/acme/leads/{lead.pk}/" not in text


def test_a_list_reads_no_member_unless_filtered_by_owner(client, personas):
    client.force_login(personas.rita)
    client.get("/w/acme/campaigns/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/w/acme/campaigns/").status_code == 200
    users = [q["sql"] for q in ctx.captured_queries if 'JOIN "people_membership"' in q["sql"]]
    assert users == []
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/w/acme/campaigns/?owner={personas.alice.pk}").status_code == 200
    users = [q["sql"] for q in ctx.captured_queries if 'JOIN "people_membership"' in q["sql"]]
    assert len(users) == 1
