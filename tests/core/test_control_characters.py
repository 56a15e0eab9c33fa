"""Control characters are refused where text comes in — by the API's schemas and by the pages'
forms, with the same message naming the field — and a page's query loses them, so NUL never
reaches PostgreSQL (which refuses it) nor an export."""

from __future__ import annotations

import pydantic
import pytest
from django.test import Client

from cordee.crm.models import Account
from cordee.feedback.schemas import RespondIn
from tests.fixtures.api import error_fields


@pytest.mark.parametrize("name", ["a\x01b", "a\x00b", "a\x1bb", "two\nlines", "a\tb"])
def test_the_api_refuses_a_control_character_in_a_single_line_text(personas, api_as, name):
    response = api_as("alice").post("accounts", {"name": name})
    assert response.status_code == 422, response.content
    (message,) = error_fields(response)["name"]
    assert "caractère de contrôle (U+00" in message  # the instance speaks French
    assert not Account.objects.exists()


def test_a_multi_line_text_keeps_its_line_breaks_and_tabs_but_no_other_control():
    assert RespondIn.model_validate({"text": "Merci\n\tà vous"}).text == "Merci\n\tà vous"
    with pytest.raises(pydantic.ValidationError) as caught:
        RespondIn.model_validate({"text": "Merci\x07"})
    ((error),) = caught.value.errors()
    assert (error["type"], error["loc"], error["ctx"]) == (
        "control_character",
        ("text",),
        {"code": "U+0007"},
    )


def test_a_form_refuses_a_control_character_naming_the_field(personas):
    client = Client()
    client.force_login(personas.alice)
    client.cookies["django_language"] = "en"
    response = client.post("/w/acme/accounts/new/", {"name": "a\x01b"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_name_error"' in html
    assert "This text contains a control character (U+0001)" in html
    assert not Account.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/w/acme/search/",
        "/w/acme/accounts/",
        "/w/acme/accounts/export/",
        "/w/acme/feedback/",
        "/w/acme/feedback/export/",
    ],
)
def test_a_nul_in_a_pages_search_is_dropped(personas, url):
    Account.objects.create(workspace=personas.acme, name="Aciéries")
    client = Client()
    client.force_login(personas.bob)
    response = client.get(url + "?q=Aci%00%01")
    assert response.status_code == 200
    if response.streaming:  # a CSV export reads its rows while it is sent
        assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")


def test_a_nul_in_the_apis_search_is_a_422_naming_it(personas, api_as):
    response = api_as("alice").get("accounts", {"q": "Aci\x00"})
    assert response.status_code == 422
    assert "q" in error_fields(response)
