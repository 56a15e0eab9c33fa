"""The thread at the end of each record page, its forms (htmx and plain) and the @ suggestions."""

from __future__ import annotations

import pytest
from django.test import Client

from cordee.comments import services
from cordee.comments.models import Comment

pytestmark = pytest.mark.usefixtures("english_pages")

PAGES = {
    "lead": "leads",
    "contact": "contacts",
    "account": "accounts",
    "opportunity": "opportunities",
    "campaign": "campaigns",
    "feedback": "feedback",
}


def _as(user, client: Client | None = None) -> Client:
    """``client`` (English pages) signed in as ``user``, or a new English client."""
    if client is None:
        client = Client()
        client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", PAGES)
def test_a_record_page_shows_its_comments_with_mentions_as_names(
    kind, client, personas, acme_records
):
    record = acme_records[kind]
    services.comment_post(
        actor=personas.actor("alice"),
        kind=kind,
        record_id=record.pk,
        body=f"@[x]({personas.bob.pk}) tu as vu ?",
    )
    page = _as(personas.erin, client).get(f"/w/acme/{PAGES[kind]}/{record.pk}/").content.decode()
    assert 'id="comments"' in page
    assert '<span class="mention">@Bob Test</span> tu as vu ?' in page
    assert "Add a comment" in page  # the executive comments too


def test_posting_from_the_page_answers_htmx_with_the_thread(client, personas, acme_records):
    lead = acme_records["lead"].pk
    url = f"/w/acme/leads/{lead}/comments/"
    response = _as(personas.bob, client).post(
        url, {"text": "Appelé, rappeler jeudi"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Appelé, rappeler jeudi" in response.content.decode()
    assert 'id="comments"' in response.content.decode()
    # a plain form goes back to the record's page, at its comments
    response = client.post(url, {"text": "Sans htmx"})
    assert response.status_code == 302
    assert response["Location"] == f"/w/acme/leads/{lead}/#comments"
    assert list(Comment.objects.values_list("body", flat=True)) == [
        "Appelé, rappeler jeudi",
        "Sans htmx",
    ]


def test_an_empty_comment_shows_the_reason_in_the_thread(client, personas, acme_records):
    response = _as(personas.bob, client).post(
        f"/w/acme/leads/{acme_records['lead'].pk}/comments/",
        {"text": "  "},
        headers={"HX-Request": "true"},
    )
    assert "Write something." in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_deleted_comment_shows_who_deleted_it_and_not_its_text(client, personas, acme_records):
    lead = acme_records["lead"].pk
    comment = services.comment_post(
        actor=personas.actor("alice"), kind="lead", record_id=lead, body="remise de 30 %"
    )
    _as(personas.mia, client).post(f"/w/acme/comments/{comment.pk}/delete/")
    page = _as(personas.bob).get(f"/w/acme/leads/{lead}/").content.decode()
    assert "Comment deleted by Mia Test on" in page
    assert "remise de 30 %" not in page


def test_the_author_edits_from_the_page_and_others_see_edited(client, personas, acme_records):
    lead = acme_records["lead"].pk
    comment = services.comment_post(
        actor=personas.actor("alice"), kind="lead", record_id=lead, body="premier jet"
    )
    response = _as(personas.bob).post(f"/w/acme/comments/{comment.pk}/edit/", {"text": "pas à moi"})
    assert response.status_code == 403
    _as(personas.alice, client).post(f"/w/acme/comments/{comment.pk}/edit/", {"text": "au propre"})
    page = _as(personas.bob).get(f"/w/acme/leads/{lead}/").content.decode()
    assert "au propre" in page and "edited" in page
    history = _as(personas.bob).get(f"/w/acme/comments/{comment.pk}/history/")
    assert "premier jet" in history.content.decode()


def test_typing_an_at_sign_suggests_members_by_name_prefix(client, personas):
    response = _as(personas.alice, client).get(
        "/w/acme/comments/mentions/", {"text": "Bonjour @mi"}
    )
    html = response.content.decode()
    assert f'data-token="@[Mia Test]({personas.mia.pk})"' in html
    assert "Dave" not in html
    # no @ being typed: no suggestion
    html = client.get("/w/acme/comments/mentions/", {"text": "Bonjour mi"}).content.decode()
    assert "data-token" not in html
