"""The pages: delete from a record page with what goes with it; merge two contacts by picking,
choosing side by side and confirming; the merge explained; duplicates on the create forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cordee.crm.models import Account, Contact
from cordee.funnel.models import Lead, Task, Touchpoint
from cordee.merges.models import Merge
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english_pages")


def _url(name, *args):
    return reverse(name, args=["acme", *args])


# -- delete --------------------------------------------------------------------------------------


def test_the_delete_button_shows_only_to_those_who_may(client, personas, duplicates):
    contact = duplicates["keep"]["contact"]
    delete_url = _url("contacts_delete", contact.pk)
    client.force_login(personas.mia)  # marketing manager: contact.write + record.delete
    assert delete_url in client.get(_url("contacts_detail", contact.pk)).content.decode()
    client.force_login(personas.alice)  # marketer: writes contacts, deletes nothing
    page = client.get(_url("contacts_detail", contact.pk)).content.decode()
    assert delete_url not in page
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_delete_confirmation_counts_what_goes_with_it_then_deletes(client, personas, duplicates):
    rows = duplicates["keep"]
    contact = rows["contact"]
    client.force_login(personas.rita)
    page = client.get(_url("contacts_delete", contact.pk)).content.decode()
    # by hand: the fixture gave her 1 lead, 2 touchpoints (a click and a call), 1 task,
    # 1 comment; the feedback item and the opportunity stay, without their lead
    assert "Leads</span> <strong>1</strong>" in page
    assert "Touchpoints</span> <strong>2</strong>" in page
    assert "Tasks</span> <strong>1</strong>" in page
    assert "Comments</span> <strong>1</strong>" in page
    assert 'data-effects="unlinked"' in page
    assert "Opportunities</span> <strong>1</strong>" in page
    response = client.post(_url("contacts_delete", contact.pk), follow=True)
    assert response.redirect_chain[-1][0] == _url("contacts_list")
    assert "“Hélène Martin” was deleted." in response.content.decode()
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not Lead.objects.filter(pk=rows["lead"].pk).exists()
    assert not Task.objects.filter(pk=rows["task"].pk).exists()
    rows["opportunity"].refresh_from_db()
    assert rows["opportunity"].lead_id is None


def test_an_account_with_opportunities_says_which_block_its_deletion(client, personas):
    account = f.AccountFactory(workspace=personas.acme, name="Alstom")
    f.OpportunityFactory(workspace=personas.acme, account=account)
    f.OpportunityFactory(workspace=personas.acme, account=account)
    client.force_login(personas.rita)
    url = _url("accounts_delete", account.pk)
    page = client.get(url).content.decode()
    assert 'data-effects="blocking"' in page
    assert "Opportunities</span> <strong>2</strong>" in page
    assert "Delete for good" not in page
    assert client.post(url).status_code == 409
    assert Account.objects.filter(pk=account.pk).exists()


# -- merge ---------------------------------------------------------------------------------------


def test_merge_page_suggests_duplicates_compares_and_merges(client, personas, duplicates):
    keep, gone = duplicates["keep"], duplicates["gone"]
    gone["contact"].account = keep["account"]  # same name at the same account: a duplicate
    gone["contact"].save()
    client.force_login(personas.rita)
    start = _url("merge_new", "contact", keep["contact"].pk)

    picking = client.get(start).content.decode()
    assert f"?other={gone['contact'].pk}" in picking
    assert "same name at the same account" in picking

    comparing = client.get(start, {"other": gone["contact"].pk}).content.decode()
    assert 'name="choice_email" value="loser"' in comparing
    assert "h.martin@gmail.com" in comparing and "helene@acme.fr" in comparing
    assert "1 lead" in comparing and "1 activity" in comparing

    response = client.post(
        start, {"other": gone["contact"].pk, "choice_email": "loser", "choice_phone": "loser"}
    )
    merge = Merge.objects.get()
    assert response["Location"] == _url("merge_detail", merge.pk)
    survivor = Contact.objects.get(pk=keep["contact"].pk)
    assert survivor.email == "h.martin@gmail.com"
    assert not Contact.objects.filter(pk=gone["contact"].pk).exists()
    assert Touchpoint.objects.filter(contact=survivor).count() == 4

    explained = client.get(response["Location"]).content.decode()
    assert "Helene MARTIN was merged into Hélène Martin by Rita Test on" in explained
    assert "1 lead" in explained and "1 marketing touch" in explained
    assert "E-mail kept from Helene MARTIN: h.martin@gmail.com" in explained
    # and the survivor's page shows it in its timeline, linking to the explanation
    detail = client.get(_url("contacts_detail", survivor.pk)).content.decode()
    assert "Helene MARTIN was merged into this record" in detail
    assert _url("merge_detail", merge.pk) in detail


def test_a_merge_of_a_record_merged_away_meanwhile_is_refused_clearly(client, personas, duplicates):
    a, b = duplicates["keep"]["contact"], duplicates["gone"]["contact"]
    client.force_login(personas.rita)
    client.post(_url("merge_new", "contact", b.pk), {"other": a.pk})
    response = client.post(_url("merge_new", "contact", a.pk), {"other": b.pk})
    assert response.status_code == 404  # a is gone: its merge page is gone too
    response = client.post(_url("merge_new", "contact", b.pk), {"other": a.pk})
    assert response.status_code == 409
    assert "Hélène Martin was already merged into Helene MARTIN" in response.content.decode()


def test_a_rep_cannot_open_the_merge_page(client, personas, duplicates):
    a, b = duplicates["keep"]["contact"], duplicates["gone"]["contact"]
    client.force_login(personas.bob)
    assert client.get(_url("merge_new", "contact", a.pk)).status_code == 403
    assert client.post(_url("merge_new", "contact", a.pk), {"other": b.pk}).status_code == 403
    detail = client.get(_url("contacts_detail", a.pk)).content.decode()
    assert _url("merge_new", "contact", a.pk) not in detail


def test_another_workspace_merge_is_not_found(client, personas, duplicates):
    theirs = f.ContactFactory(workspace=personas.globex)
    client.force_login(personas.rita)
    mine = duplicates["keep"]["contact"]
    response = client.post(_url("merge_new", "contact", mine.pk), {"other": theirs.pk})
    assert response.status_code == 404
    assert Contact.objects.filter(pk=theirs.pk).exists()


# -- duplicates on the create forms ----------------------------------------------------------------


def test_the_contact_form_asks_for_duplicates_and_shows_them(client, personas, duplicates):
    client.force_login(personas.alice)
    form = client.get(_url("contacts_create")).content.decode()
    hint_url = _url("merge_duplicates", "contact")
    assert f'hx-get="{hint_url}"' in form
    keep = duplicates["keep"]["contact"]
    hint = client.get(
        hint_url,
        {"first_name": "helene", "last_name": "martín", "account": keep.account_id, "email": ""},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert _url("contacts_detail", keep.pk) in hint
    assert "same name at the same account" in hint
    assert "You can still create it." in hint
    # alice may not merge: no link to it
    assert _url("merge_new", "contact", keep.pk) not in hint
    by_email = client.get(hint_url, {"email": " Helene@ACME.fr "}).content.decode()
    assert "same e-mail" in by_email
    assert client.get(hint_url, {"email": "autre@acme.fr"}).content.decode().strip() == ""


def test_the_account_form_finds_the_same_domain_or_name(client, personas):
    existing = f.AccountFactory(
        workspace=personas.acme, name="Société Générale", domain="https://www.societegenerale.fr/"
    )
    client.force_login(personas.rita)
    hint_url = _url("merge_duplicates", "account")
    assert f'hx-get="{hint_url}"' in client.get(_url("accounts_create")).content.decode()
    by_domain = client.get(hint_url, {"name": "SG", "domain": "societegenerale.fr"})
    assert "same website domain" in by_domain.content.decode()
    by_name = client.get(hint_url, {"name": "societe  generale", "domain": ""}).content.decode()
    assert "same name" in by_name and _url("accounts_detail", existing.pk) in by_name
    assert _url("merge_new", "account", existing.pk) in by_name  # rita may merge
    assert client.get(hint_url, {"name": "Générale Optique"}).content.decode().strip() == ""


def test_picking_the_record_itself_asks_for_another(client, personas, duplicates):
    keep = duplicates["keep"]["contact"]
    client.force_login(personas.rita)
    page = client.get(_url("merge_new", "contact", keep.pk), {"other": keep.pk}).content.decode()
    assert "A record cannot be merged into itself." in page
    assert 'name="other"' in page  # the picker again
