"""One error shape for every bad request, and the API's own documentation, offline."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cordee.crm.models import Account
from tests import factories as f
from tests.fixtures.api import error_fields


@pytest.mark.parametrize(
    "body",
    ["{bad json", "", "[1, 2]", '"text"', "null", b"\xff\xfe{}"],
)
def test_unreadable_bodies_are_422_not_500(personas, api_as, body):
    response = api_as("alice").post("accounts", body)
    assert response.status_code == 422, response.content
    assert error_fields(response)
    assert not Account.objects.exists()


def test_malformed_json_names_the_body(personas, api_as):
    response = api_as("alice").post("accounts", "{bad json")
    assert response.json()["error"]["code"] == "validation_error"
    assert "body" in error_fields(response)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": 12}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "A", "size_band": "huge"}, "size_band"),
        ({"name": "A", "owner": "abc"}, "owner"),
        ({"name": "A", "owner": 10**30}, "owner"),
        ({"name": "A", "owner": 987654}, "owner"),
        ({"name": "A", "unknown_field": 1}, "unknown_field"),
        ({"name": "A", "workspace": 2}, "workspace"),
        ({"name": "nul\x00char"}, "name"),
    ],
)
def test_bad_fields_are_422_naming_the_field(personas, api_as, payload, field):
    response = api_as("alice").post("accounts", payload)
    assert response.status_code == 422, response.content
    assert field in error_fields(response)
    assert not Account.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"owner": "abc"},
        {"owner": str(10**30)},
        {"limit": "0"},
        {"limit": "x"},
        {"offset": "-1"},
        {"offset": str(10**30)},
        {"sort": "password"},
        {"q": "nul\x00"},
        {"size_band": "huge"},
    ],
)
def test_bad_query_parameters_are_422_naming_them(personas, api_as, params):
    response = api_as("alice").get("accounts", params)
    assert response.status_code == 422, response.content
    assert set(params) <= set(error_fields(response))


@pytest.mark.parametrize("pk", ["0", "99999999", str(2**63), str(10**30)])
def test_missing_ids_are_404(personas, api_as, pk):
    response = api_as("alice").get(f"accounts/{pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_endpoint_is_a_json_404(personas, api_as):
    response = api_as("alice").get("no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_wrong_method_is_a_json_405(personas, api_as):
    account = f.AccountFactory(workspace=personas.acme)
    response = api_as("alice").post(f"accounts/{account.pk}", {"name": "X"})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "PATCH" in response["Allow"]


def test_messages_follow_the_language_asked(personas, api_as):
    response = api_as("erin").post("accounts", {"name": "X"}, headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "Your role in this workspace does not allow this action."
    )


def test_openapi_document_lists_every_resource(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/accounts",
        "/api/v1/contacts/{pk}",
        "/api/v1/campaigns",
        "/api/v1/touchpoints",
        "/api/v1/leads/{pk}/history",
        "/api/v1/opportunities",
        "/api/v1/pods/{pk}",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}/revoke",
        "/api/v1/members",
        "/api/v1/workspace",
    ]:
        assert path in paths, path
    schemas = response.json()["components"]["schemas"]
    assert schemas["OpportunityOut"]["properties"]["amount"]["type"] == "string"
    assert "stage" not in schemas["LeadIn"]["properties"]
    assert "stage" in schemas["LeadOut"]["properties"]


def test_docs_page_works_offline(db):
    client = Client()
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    external = re.findall(r"""(?:src|href)=["'](?:https?:)?//[^"']+""", html)
    assert external == []
    assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)["']""", html)
    assert any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_a_bad_choice_lists_the_choices_in_the_language_asked(personas, api_as):
    """Pydantic names the expected values in English ("'fr' or 'en'"): the answer lists them
    without its words."""
    response = api_as("rita").patch(
        "workspace", {"default_language": "de"}, headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 422
    (message,) = response.json()["error"]["fields"]["default_language"]
    assert message == "Choisissez parmi : 'fr', 'en'."
