"""The merges API: merge, read a merge, a record's duplicates."""

from __future__ import annotations

from cordee.crm.models import Contact
from tests import factories as f
from tests.fixtures.api import error_fields


def test_post_merge_then_read_it(api_as, duplicates):
    keep, gone = duplicates["keep"]["contact"], duplicates["gone"]["contact"]
    response = api_as("rita").post(
        "merges",
        {"kind": "contact", "survivor": keep.pk, "loser": gone.pk, "choices": {"phone": "loser"}},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["survivor_id"] == keep.pk and body["loser_id"] == gone.pk
    assert body["moved"]["leads"] == 1 and body["moved"]["activities"] == 1
    assert body["choices"]["phone"] == {
        "kept_from": "loser",
        "survivor": "",
        "loser": "+33 6 12 34 56 78",
    }
    assert body["loser_snapshot"]["fields"]["email"] == "h.martin@gmail.com"
    read = api_as("erin").get(f"merges/{body['id']}")  # an executive reads it
    assert read.status_code == 200 and read.json()["moved"] == body["moved"]
    assert not Contact.objects.filter(pk=gone.pk).exists()


def test_merge_refusals(api_as, personas, duplicates):
    keep, gone = duplicates["keep"]["contact"], duplicates["gone"]["contact"]
    body = {"kind": "contact", "survivor": keep.pk, "loser": gone.pk}
    assert api_as("bob").post("merges", body).status_code == 403
    bad = api_as("rita").post("merges", {**body, "choices": {"email": "both"}})
    assert bad.status_code == 422 and "choices" in str(error_fields(bad))
    assert api_as("rita").post("merges", {**body, "loser": keep.pk}).status_code == 422
    theirs = f.ContactFactory(workspace=personas.globex)
    assert api_as("rita").post("merges", {**body, "loser": theirs.pk}).status_code == 404
    assert api_as("rita").post("merges", body).status_code == 201
    again = api_as("dave").post("merges", {**body, "survivor": gone.pk, "loser": keep.pk})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_duplicates_of_a_contact_and_an_account(api_as, personas, duplicates):
    ws = personas.acme
    keep = duplicates["keep"]["contact"]
    twin = f.ContactFactory(
        workspace=ws, account=keep.account, first_name="HELENE", last_name="Martin", email=None
    )
    response = api_as("alice").get(f"contacts/{keep.pk}/duplicates")
    assert response.status_code == 200
    assert [(d["id"], d["reasons"]) for d in response.json()] == [(twin.pk, ["person"])]
    account = f.AccountFactory(workspace=ws, name="Airbus", domain="airbus.com")
    same = f.AccountFactory(workspace=ws, name="Airbus SAS", domain="http://www.airbus.com/fr")
    named = f.AccountFactory(workspace=ws, name="AIRBUS")
    found = api_as("bob").get(f"accounts/{account.pk}/duplicates").json()
    assert {(d["id"], tuple(d["reasons"])) for d in found} == {
        (same.pk, ("domain",)),
        (named.pk, ("name",)),
    }
    theirs = f.AccountFactory(workspace=personas.globex)
    assert api_as("bob").get(f"accounts/{theirs.pk}/duplicates").status_code == 404
