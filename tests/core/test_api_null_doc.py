"""The OpenAPI document says which PATCH fields refuse ``null`` (issue 15).

Each PATCH body types its fields ``X | None = None`` so that a field may be left out, and the
services refuse ``null`` for a field that cannot hold it (``core.validation.null_errors``, a
422 naming the field). This test asks the API itself: it creates one row of every kind through
the API, sends ``{field: null}`` for each documented field of its PATCH body, and compares what
the API did (422 naming the field, or not) with what the document says (``null`` allowed or not).
"""

from __future__ import annotations

from typing import Any

from tests.fixtures.api import ApiClient, error_fields

# a body the API accepts for a new row of each kind; "{account}" etc. name rows made earlier
NEW: dict[str, dict[str, Any]] = {
    "accounts": {"name": "Acme Industries"},
    "contacts": {"first_name": "Chloé", "email": "chloe@example.com"},
    "campaigns": {"name": "Webinar", "channel": "webinar"},
    "competitors": {"name": "Rival"},
    "sla-contracts": {"name": "SLA", "period_start": "2026-01-01", "period_end": "2026-12-31"},
    "scoring-rules": {
        "name": "Visits",
        "kind": "engagement",
        "touch_kind": "web_visit",
        "points": 5,
    },
    "rejection-reasons": {"code": "budget", "label": "Pas de budget"},
    "pods": {"name": "Nord"},
    "routing-rules": {"name": "Nord", "pod": "{pods}"},
    "touchpoints": {
        "contact": "{contacts}",
        "kind": "web_visit",
        "occurred_at": "2026-05-04T09:30:00+02:00",
    },
    "leads": {"contact": "{contacts}"},
    "opportunities": {"name": "Deal", "account": "{accounts}"},
    "webhooks": {"name": "Slack", "url": "https://hooks.example.com/x", "events": "{event}"},
    "views": {"kind": "accounts", "name": "Mine"},
}


def _allows_null(prop: dict[str, Any]) -> bool:
    types = prop.get("type")
    return (
        types == "null"
        or (isinstance(types, list) and "null" in types)
        or prop.get("nullable") is True
        or any(_allows_null(v) for v in [*prop.get("anyOf", ()), *prop.get("oneOf", ())])
    )


def _patch_bodies(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Path of each PATCH operation -> the properties of its JSON body."""
    components = doc["components"]["schemas"]
    bodies = {}
    for path, operations in doc["paths"].items():
        if "patch" not in operations:
            continue
        schema = operations["patch"]["requestBody"]["content"]["application/json"]["schema"]
        bodies[path] = components[schema["$ref"].rsplit("/", 1)[1]]["properties"]
    return bodies


def test_every_patch_field_refused_as_null_is_documented_not_nullable(personas, api_as):
    from cordee.config.api import api

    doc = api.get_openapi_schema()
    bodies = _patch_bodies(doc)
    event = doc["components"]["schemas"]["WebhookIn"]["properties"]["events"]["items"]
    client: ApiClient = api_as("rita")
    made: dict[str, Any] = {"event": [(event.get("enum") or ["lead.created"])[0]]}
    targets: dict[str, str] = {"/api/v1/workspace": "workspace"}
    for kind, body in NEW.items():
        body = {k: made[v[1:-1]] if str(v).startswith("{") else v for k, v in body.items()}
        response = client.post(kind, body)
        assert response.status_code == 201, (kind, response.content)
        made[kind] = response.json()["id"]
        targets[f"/api/v1/{kind}/{{pk}}"] = f"{kind}/{made[kind]}"
    covered = set(targets) & set(bodies)
    assert {p for p in bodies if p.endswith("/{pk}") or p == "/api/v1/workspace"} >= covered
    assert len(covered) == len(targets), sorted(set(targets) - covered)

    wrong, refused = [], []
    for path in sorted(covered):
        for field, prop in bodies[path].items():
            response = client.patch(targets[path], {field: None})
            assert response.status_code < 500, (path, field, response.content)
            is_refused = response.status_code == 422 and field in error_fields(response)
            if is_refused:
                refused.append(f"{path} {field}")
            if is_refused == _allows_null(prop):
                wrong.append(f"{path} {field}: refused={is_refused}, documented {prop}")
    assert wrong == [], "\n".join(wrong)
    # the two of the attack pass, and the fields refused for every kind: many of them
    assert "/api/v1/scoring-rules/{pk} half_life_days" in refused
    assert "/api/v1/workspace worked_holidays" in refused
    assert len(refused) > 60, refused
