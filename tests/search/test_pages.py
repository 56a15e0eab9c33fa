"""The search page, the layout's box and its preview, the API, and the search-as-you-type
foreign-key fields of the record forms."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cordee.crm.models import Contact
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english_pages")


def _client(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def found(personas):
    account = f.AccountFactory(workspace=personas.acme, name="Hélios Énergie")
    contact = f.ContactFactory(
        workspace=personas.acme, account=account, first_name="Hélène", last_name="Dupré"
    )
    f.LeadFactory(workspace=personas.acme, contact=contact)
    f.ContactFactory(workspace=personas.acme, first_name="Paul", last_name="Martin")
    return contact


def test_the_search_page_groups_results_by_kind_with_links(personas, found):
    response = _client(personas.bob).get("/w/acme/search/", {"q": "hel"})
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Contacts", "Leads", "Accounts"):
        assert f"{heading} <span" in html
    assert f'href="/w/acme/contacts/{found.pk}/"' in html
    assert f'href="/w/acme/accounts/{found.account_id}/"' in html
    assert "Paul Martin" not in html


def test_a_result_line_shows_its_name_and_detail_escaped(personas):
    account = f.AccountFactory(workspace=personas.acme, name="Acme <b>")
    contact = f.ContactFactory(
        workspace=personas.acme,
        account=account,
        first_name="Zoé",
        last_name="<script>alert(1)</script>",
        email="zoe@x.fr",
        job_title="DAF & co",
    )
    html = _client(personas.bob).get("/w/acme/search/", {"q": "zoe"}).content.decode()
    line = re.search(rf'<li><a href="/w/acme/contacts/{contact.pk}/">(.*?)</li>', html)
    assert line, html
    assert line.group(1) == (
        "Zoé &lt;script&gt;alert(1)&lt;/script&gt;</a> "
        '<span class="muted">zoe@x.fr DAF &amp; co Acme &lt;b&gt;</span>'
    )
    assert "<script>alert" not in html


def test_the_layout_box_previews_top_results_as_you_type(personas, found):
    client = _client(personas.alice)
    home = client.get("/w/acme/").content.decode()
    assert 'action="/w/acme/search/"' in home  # the box on every page submits to the search page
    preview = client.get("/w/acme/search/", {"q": "dupre", "preview": "1"}, HTTP_HX_REQUEST="true")
    html = preview.content.decode()
    assert "<html" not in html  # a fragment for htmx
    assert html.count('role="option"') == 2  # the contact and the lead
    assert f'href="/w/acme/contacts/{found.pk}/"' in html


def test_the_search_page_of_another_workspace_is_404(personas, found):
    assert _client(personas.carol).get("/w/acme/search/", {"q": "hel"}).status_code == 404


def test_the_api_searches_the_tokens_workspace(personas, found, api_as):
    f.ContactFactory(workspace=personas.globex, first_name="Hélène", last_name="Globex")
    response = api_as("erin").get("/search", {"q": "helene", "kind": "contact"})
    assert response.status_code == 200, response.content
    assert response.json() == [
        {
            "kind": "contact",
            "id": found.pk,
            "title": "Hélène Dupré",
            "detail": f"{found.email} Hélios Énergie",  # e-mail, then the account's name
            "url": f"/w/acme/contacts/{found.pk}/",
        }
    ]
    both = api_as("erin").get("/search", {"q": "hel", "kind": ["contact", "account"]})
    assert sorted(h["kind"] for h in both.json()) == ["account", "contact"]
    assert api_as("erin").get("/search", {"q": "hel", "kind": "user"}).status_code == 422


def test_the_contact_picker_proposes_matches_as_you_type(personas, found):
    client = _client(personas.alice)
    html = client.get("/w/acme/search/pick/", {"kind": "contact", "q": "hél"}).content.decode()
    assert re.findall(r'data-pick-id="(\d+)"', html) == [str(found.pk)]
    assert 'data-pick-label="Hélène Dupré"' in html
    owners = client.get("/w/acme/search/pick/", {"kind": "user", "q": "bo"}).content.decode()
    assert re.findall(r'data-pick-label="([^"]+)"', owners) == ["Bob Test"]


def test_the_lead_form_picks_its_contact_by_typing_and_saves_it(personas, found):
    client = _client(personas.alice)
    html = client.get("/w/acme/leads/new/").content.decode()
    form = html[html.index("<form method") :]
    assert "Hélène Dupré" not in form and "Paul Martin" not in form  # no list of contacts
    assert 'hx-get="/w/acme/search/pick/"' in form
    assert 'name="contact" value=""' in form  # the hidden input the choice fills
    response = client.post("/w/acme/leads/new/", {"contact": found.pk, "stage": "inquiry"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    lead_url = response["Location"]
    edit = client.get(lead_url + "edit/").content.decode()
    # the edit form shows the chosen contact's name in the box, its id in the hidden input
    assert f'name="contact" value="{found.pk}"' in edit
    assert 'value="Hélène Dupré" class="picker__input"' in edit


def test_the_lead_form_does_not_grow_with_the_contacts(personas):
    client = _client(personas.alice)

    def size() -> int:
        return len(client.get("/w/acme/leads/new/").content)

    Contact.objects.bulk_create(
        Contact(workspace=personas.acme, first_name="C", last_name=f"N{i}", email=f"c{i}@x.fr")
        for i in range(10)
    )
    client.get("/w/acme/leads/new/")  # the first visit writes the session
    few = size()
    Contact.objects.bulk_create(
        Contact(workspace=personas.acme, first_name="C", last_name=f"M{i}", email=f"m{i}@x.fr")
        for i in range(10, 1000)
    )
    # a drop-down would add one <option> of ≥ 30 bytes per contact: ≥ 29,700 bytes here
    assert size() == few
