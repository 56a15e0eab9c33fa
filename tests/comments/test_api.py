"""The comments API: a record's thread under the record, one comment under /comments."""

from __future__ import annotations

from cordee.people.models import Notification
from tests.fixtures.api import error_fields


def test_post_read_edit_and_delete_a_comment_through_the_api(api_as, personas, acme_records):
    alice, bob = api_as("alice"), api_as("bob")
    lead = acme_records["lead"].pk
    created = alice.post(
        f"/leads/{lead}/comments", {"text": f"@[Bob Test]({personas.bob.pk}) rappel demain"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["record"], body["record_id"], body["author_name"]) == ("lead", lead, "Alice Test")
    assert body["text_plain"] == "@Bob Test rappel demain"
    assert body["mentioned"] == [{"id": personas.bob.pk, "name": "Bob Test"}]
    assert Notification.objects.filter(user=personas.bob).count() == 1

    pk = body["id"]
    assert bob.patch(f"/comments/{pk}", {"text": "pas à moi"}).status_code == 403
    edited = alice.patch(f"/comments/{pk}", {"text": "rappel lundi"})
    assert (edited.json()["text_plain"], edited.json()["revisions_count"]) == ("rappel lundi", 1)
    history = bob.get(f"/comments/{pk}/revisions").json()
    assert [r["text"] for r in history] == ["@Bob Test rappel demain"]

    assert bob.delete(f"/comments/{pk}").status_code == 403
    deleted = api_as("dave").delete(f"/comments/{pk}")
    assert deleted.status_code == 200
    thread = bob.get(f"/leads/{lead}/comments").json()
    assert [(c["text_plain"], c["deleted_by_name"]) for c in thread] == [("", "Dave Test")]


def test_every_kind_has_its_thread(api_as, acme_records):
    alice = api_as("alice")
    plurals = {
        "lead": "leads",
        "contact": "contacts",
        "account": "accounts",
        "opportunity": "opportunities",
        "campaign": "campaigns",
        "feedback": "feedback",
    }
    for kind, plural in plurals.items():
        pk = acme_records[kind].pk
        assert alice.post(f"/{plural}/{pk}/comments", {"text": kind}).status_code == 201
        assert [c["record"] for c in alice.get(f"/{plural}/{pk}/comments").json()] == [kind]


def test_an_empty_comment_is_refused_naming_the_field(api_as, acme_records):
    response = api_as("alice").post(
        f"/accounts/{acme_records['account'].pk}/comments", {"text": ""}
    )
    assert response.status_code == 422
    assert "text" in error_fields(response)


def test_another_workspaces_thread_is_404(api_as, acme_records):
    carol = api_as("carol")
    pk = acme_records["campaign"].pk
    assert carol.get(f"/campaigns/{pk}/comments").status_code == 404
    assert carol.post(f"/campaigns/{pk}/comments", {"text": "coucou"}).status_code == 404


def test_mentionable_members_come_with_their_token(api_as, personas):
    found = api_as("alice").get("/comments/mentionable", {"q": "da"}).json()
    assert found == [
        {"id": personas.dave.pk, "name": "Dave Test", "token": f"@[Dave Test]({personas.dave.pk})"}
    ]
