"""The variable pay pages: RevOps writes a plan (typed or uploaded), assigns a person (a new
version), downloads a version; a bad document is named by its path; nobody else sees plans;
RevOps names comp admins."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cordee.comp.models import CompAdmin, Plan, PlanVersion
from tests.comp.test_plans import _document


def _client(user: Any, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_revops_writes_assigns_and_downloads_a_plan(personas):
    client = _client(personas.rita)
    document = _document(personas)
    made = client.post(
        "/w/acme/pay/plans/new/", {"name": "Plan 2026", "document": json.dumps(document)}
    )
    plan = Plan.objects.get(workspace=personas.acme)
    assert made.status_code == 302 and made["Location"] == f"/w/acme/pay/plans/{plan.pk}/"
    page = client.get(f"/w/acme/pay/plans/{plan.pk}/").content.decode()
    assert "24 000,00 €" in page or "€24,000.00" in page  # Bob's variable target
    assigned = client.post(
        f"/w/acme/pay/plans/{plan.pk}/",
        {
            "action": "participant",
            "person": personas.dave.email,
            "side": "sales",
            "variable_target": "30000",
            "start": "2026-04-01",
            "components": ["quota", "shared"],
            "quota": "900000",
        },
    )
    assert assigned.status_code == 302
    latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    assert latest is not None and latest.number == 2
    dave = next(p for p in latest.document["participants"] if p["person"] == personas.dave.email)
    assert dave == {
        "person": personas.dave.email,
        "side": "sales",
        "variable_target": "30000.00",
        "start": "2026-04-01",
        "end": None,
        "components": ["quota", "shared"],
        "quota": {"quota": "900000.00"},  # the person-measured component only
    }
    download = client.get(f"/w/acme/pay/plans/{plan.pk}/versions/1/document.json")
    assert download.status_code == 200 and json.loads(download.content) == document
    removed = client.post(f"/w/acme/pay/plans/{plan.pk}/remove/", {"person": personas.bob.email})
    assert removed.status_code == 302
    third = PlanVersion.objects.get(plan=plan, number=3)
    assert [p["person"] for p in third.document["participants"]] == [
        personas.alice.email,
        personas.dave.email,
    ]


def test_an_uploaded_document_and_a_bad_one(personas):
    client = _client(personas.rita)
    document = _document(personas)
    document["components"][0]["weight"] = "beaucoup"
    upload = SimpleUploadedFile("plan.json", json.dumps(document).encode(), "application/json")
    refused = client.post("/w/acme/pay/plans/new/", {"name": "P", "file": upload})
    assert refused.status_code == 422
    assert "components[0].weight" in refused.content.decode()
    assert not Plan.objects.filter(workspace=personas.acme).exists()
    broken = client.post("/w/acme/pay/plans/new/", {"name": "P", "document": '{"currency": '})
    assert broken.status_code == 422
    assert "Not JSON" in broken.content.decode() and "line 1" in broken.content.decode()


def test_plans_are_for_revops_and_comp_admins(personas):
    plan_id = (
        _client(personas.rita)
        .post("/w/acme/pay/plans/new/", {"name": "P", "document": json.dumps(_document(personas))})[
            "Location"
        ]
        .split("/")[-2]
    )
    for who in ("bob", "dave", "erin"):
        client = _client(getattr(personas, who))
        assert client.get(f"/w/acme/pay/plans/{plan_id}/").status_code == 404, who
        assert client.get("/w/acme/pay/plans/new/").status_code == 403, who
        assert b"pay-plans" not in client.get("/w/acme/pay/").content
    _client(personas.rita).post("/w/acme/pay/admins/grant/", {"user": personas.erin.pk})
    assert CompAdmin.objects.filter(workspace=personas.acme, user=personas.erin).exists()
    assert _client(personas.erin).get(f"/w/acme/pay/plans/{plan_id}/").status_code == 200
    _client(personas.dave).post("/w/acme/pay/admins/revoke/", {"user": personas.erin.pk})
    assert CompAdmin.objects.filter(workspace=personas.acme, user=personas.erin).exists()
