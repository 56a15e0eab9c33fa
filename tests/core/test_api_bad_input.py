"""Bad input is a 4xx in the one error shape, never a 500 (issue 15); a 500 is JSON too."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cordee.feedback.services import feedback_submit
from cordee.funnel.models import ScoringRule
from cordee.people.services import api_token_create
from tests import factories as f
from tests.fixtures.api import error_fields


def _error(response):
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]


def test_multipart_without_a_boundary_is_a_400_naming_the_body(personas):
    item = feedback_submit(
        actor=personas.actor("bob"), data={"kind": "objection", "title": "Trop cher"}
    )
    _token, secret = api_token_create(actor=personas.actor("bob"), name="t")
    response = Client().post(
        f"/api/v1/feedback/{item.pk}/attachment",
        data=b"--x\r\nContent-Disposition: form-data; name=attachment\r\n\r\nabc\r\n--x--",
        content_type="multipart/form-data",  # no boundary
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 400, response.content
    assert "body" in _error(response)["fields"]


def test_a_body_over_the_size_limit_is_a_json_413(personas, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_as("alice").post("accounts", {"name": "A", "city": "x" * 2000})
    assert response.status_code == 413, response.content
    assert _error(response)["code"] == "too_large"


def test_a_null_half_life_is_a_422_naming_it(personas, api_as):
    rule = ScoringRule.objects.create(  # an engagement rule's clean() compares its half-life
        workspace=personas.acme, name="Visits", kind="engagement", touch_kind="web_visit", points=5
    )
    response = api_as("rita").patch(f"scoring-rules/{rule.pk}", {"half_life_days": None})
    assert response.status_code == 422, response.content
    assert "half_life_days" in error_fields(response)
    assert ScoringRule.objects.get().half_life_days == 30


@pytest.mark.parametrize("field", ["worked_holidays", "extra_holidays", "business_hours"])
def test_a_null_calendar_list_on_the_workspace_is_a_422_naming_it(personas, api_as, field):
    response = api_as("rita").patch("workspace", {field: None})
    assert response.status_code == 422, response.content
    assert field in error_fields(response)


@pytest.mark.parametrize(
    "params",
    [
        {"limit": str(10**20)},
        {"offset": str(10**20)},
        {"limit": "501"},
        {"pod": str(10**30)},
        {"kind": "nonsense"},
    ],
)
def test_sla_breaches_bounds_its_parameters(personas, api_as, params):
    response = api_as("rita").get("sla-breaches", params)
    assert response.status_code == 422, response.content
    assert set(params) <= set(error_fields(response))


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("accept", {"comment": "ok", "priority": "high"}),
        ("reject", {"reason": "no_budget", "priority": "high"}),
        ("transition", {"to_stage": "sal", "priority": "high"}),
    ],
)
def test_funnel_decisions_refuse_unknown_fields(personas, api_as, path, body):
    lead = f.LeadFactory(workspace=personas.acme, stage="mql", owner=personas.bob)
    response = api_as("dave").post(f"leads/{lead.pk}/{path}", body)
    assert response.status_code == 422, response.content
    assert set(error_fields(response)) == {"priority"}


def test_every_json_body_refuses_unknown_fields(db):
    """Each request body documented forbids extra fields (derives from core.schemas.InSchema)."""
    from cordee.config.api import api

    doc = api.get_openapi_schema()
    components = doc["components"]["schemas"]
    open_bodies = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref")
            if ref and components[ref.rsplit("/", 1)[1]].get("additionalProperties") is not False:
                open_bodies.append(f"{method.upper()} {path}")
    assert open_bodies == []


def test_a_server_error_answers_the_error_shape_not_a_page(personas, api_as, monkeypatch, caplog):
    from cordee.funnel import selectors

    def broken(**kwargs):
        raise RuntimeError("secret detail of the failure")

    monkeypatch.setattr(selectors, "breaches_list", broken)
    client = api_as("rita")
    client.client.raise_request_exception = False
    response = client.get("sla-breaches")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    error = _error(response)
    assert error["code"] == "server_error"
    assert "secret detail" not in json.dumps(error)
    assert "secret detail of the failure" in caplog.text  # logged with its trace, for operators


def test_no_two_api_schemas_share_a_name(db):
    """The OpenAPI document names a schema by its class name: two classes of one name (say a
    BreachOut in the funnel and one in feedback) would document one with the other's shape."""
    from ninja import Schema

    import cordee.config.api  # noqa: F401  # every app's schemas imported

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    by_name: dict[str, set[str]] = {}
    for cls in subclasses(Schema):
        if cls.__module__.startswith("cordee."):
            by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}


def test_breaches_of_each_kind_are_documented_with_their_own_shape(db):
    from cordee.config.api import api

    doc = api.get_openapi_schema()
    schemas = doc["components"]["schemas"]

    def item_schema(path):
        page = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        ref = schemas[page["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]["items"]["items"]
        return schemas[ref["$ref"].rsplit("/", 1)[1]]

    assert "item_id" in item_schema("/api/v1/feedback/sla-breaches")["properties"]
    assert "lead_id" in item_schema("/api/v1/sla-breaches")["properties"]


def test_every_operation_declares_the_error_shape(db):
    from cordee.config.api import api

    doc = api.get_openapi_schema()
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"403", "404", "422", "500"}
            if operation.get("security", doc.get("security")):
                expected |= {"401", "429"}  # the rate limit counts tokens and people
            if "requestBody" in operation:
                expected |= {"400", "413"}
            if method != "get":
                expected.add("409")
            for status in expected:
                assert responses[status]["content"]["application/json"]["schema"] == error, (
                    method,
                    path,
                    status,
                )
    assert set(doc["components"]["schemas"]["ErrorOut"]["properties"]) == {"error"}


@pytest.mark.parametrize(
    "path", ["members/{pk}", "members/{pk}/handover", "accounts/{pk}", "tokens/{pk}/revoke"]
)
def test_an_id_beyond_what_the_database_holds_is_a_404(personas, api_as, path):
    client = api_as("rita")
    url = path.format(pk=10**25)
    response = client.post(url) if url.endswith("revoke") else client.get(url)
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "not_found"
