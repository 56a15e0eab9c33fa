"""Incoming webhooks: a form tool posts leads and touchpoints, signed, idempotent, validated."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cordee.crm.models import Contact
from cordee.funnel.models import Lead, LeadStageChange, Touchpoint
from cordee.integrations import incoming
from cordee.integrations.models import IncomingEndpoint, IncomingRequest
from tests import factories as f


@pytest.fixture
def endpoint(personas: Any) -> IncomingEndpoint:
    return IncomingEndpoint.objects.create(
        workspace=personas.acme, name="Typeform", source_system="typeform", created_by=personas.rita
    )


@pytest.fixture
def webinar(personas: Any) -> Any:
    return f.CampaignFactory(
        workspace=personas.acme,
        name="Webinaire Industrie 4.0",
        channel="webinar",
        external_id="WEB-26",
    )


FORM = {
    "email": "Julie.Martin@Client.FR",
    "first_name": "Julie",
    "last_name": "Martin",
    "job_title": "Directrice des achats",
    "company": {"name": "Client SA", "domain": "client.fr", "size_band": "50-249"},
    "utm": {"source": "newsletter", "medium": "email", "campaign": "WEB-26"},
    "external_id": "sub-0001",
}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The recipe of docs/webhooks.md, written independently of the app's code."""
    return (
        "sha256="
        + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    )


def post(
    endpoint: IncomingEndpoint,
    payload: Any,
    *,
    path: str = "leads",
    secret: str | None = None,
    timestamp: int | None = None,
    key: str | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    all_headers = {
        "X-Cordee-Timestamp": ts,
        "X-Cordee-Signature": sign(secret or endpoint.secret, ts, body),
        **({"Idempotency-Key": key} if key else {}),
        **(headers or {}),
    }
    return Client().post(
        f"/api/v1/incoming/{endpoint.key}/{path}",
        body,
        content_type="application/json",
        headers=all_headers,
    )


def test_a_signed_form_submission_creates_contact_lead_and_touchpoint(
    personas, endpoint, webinar, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        response = post(endpoint, FORM)
    assert response.status_code == 201, response.content
    answer = response.json()
    lead = Lead.objects.get(pk=answer["lead_id"])
    assert lead.workspace == personas.acme and lead.stage == "inquiry"
    assert lead.contact.email == "julie.martin@client.fr"  # normalised as everywhere
    assert lead.contact.account.name == "Client SA"
    assert lead.source_campaign == webinar and lead.source_channel == "webinar"
    touch = Touchpoint.objects.get(pk=answer["touchpoint_id"])
    assert (touch.kind, touch.lead, touch.campaign, touch.external_id) == (
        "form_submit",
        lead,
        webinar,
        "sub-0001",
    )
    assert answer["lead_created"] is True and answer["campaign_id"] == webinar.pk
    assert LeadStageChange.objects.filter(lead=lead, to_stage="inquiry").count() == 1
    # scoring runs as for any new touch: the lead is queued for rescoring
    rescore = DBTaskResult.objects.get(task_path__endswith=".rescore")
    assert rescore.args_kwargs["args"] == [personas.acme.pk, [lead.pk]]
    log = IncomingRequest.objects.get()
    assert (log.status_code, log.lead, log.kind) == (201, lead, "lead")


def test_a_bad_signature_is_401_and_writes_nothing(endpoint):
    response = post(endpoint, FORM, secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert not Contact.objects.exists() and not Lead.objects.exists()
    assert IncomingRequest.objects.get().status_code == 401  # the admins see the refusal


def test_a_missing_signature_is_401_naming_the_headers(endpoint):
    response = Client().post(
        f"/api/v1/incoming/{endpoint.key}/leads", FORM, content_type="application/json"
    )
    assert response.status_code == 401
    assert "X-Cordee-Signature" in response.json()["error"]["message"]


def test_a_stale_timestamp_is_401_even_when_signed(endpoint):
    response = post(
        endpoint, FORM, timestamp=int(time.time()) - 6 * 60, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 401
    assert "timestamp is more than 5 minutes away" in response.json()["error"]["message"]
    assert not Lead.objects.exists()
    assert post(endpoint, FORM, timestamp=int(time.time()) - 4 * 60).status_code == 201


def test_a_repeated_idempotency_key_answers_the_same_and_writes_once(endpoint, webinar):
    first = post(endpoint, FORM, key="form-42")
    again = post(endpoint, FORM, key="form-42")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert (Contact.objects.count(), Lead.objects.count(), Touchpoint.objects.count()) == (1, 1, 1)
    other = post(endpoint, {**FORM, "first_name": "Juliette"}, key="form-42")
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["error"]["fields"]


def test_a_concurrent_repeat_loses_the_race_on_the_unique_key_and_gets_the_first_answer(
    endpoint, webinar, monkeypatch
):
    first = post(endpoint, FORM, key="race").json()
    # the second request's look-up runs before the first commits: it misses, and its insert
    # of the same key hits the unique constraint
    real_filter = IncomingRequest.objects.filter
    calls = {"n": 0}

    def late_filter(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1 and kwargs.get("idempotency_key") == "race":
            return real_filter(pk=-1)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(IncomingRequest.objects, "filter", late_filter)
    second = post(endpoint, FORM, key="race")
    assert second.status_code == 201 and second.json() == first
    assert (Lead.objects.count(), Touchpoint.objects.count()) == (1, 1)
    assert IncomingRequest.objects.filter(idempotency_key="race").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({k: v for k, v in FORM.items() if k != "email"}, "email"),
        ({**FORM, "email": "pas-un-email"}, "email"),
        ({**FORM, "kind": "fax"}, "kind"),
        ({**FORM, "company": {"name": "X", "size_band": "huge"}}, "company.size_band"),
        ({**FORM, "occurred_at": "2026-05-04T09:30:00"}, "occurred_at"),  # no time zone
        ({**FORM, "favourite_colour": "blue"}, "favourite_colour"),
        (b"{not json", "body"),
    ],
)
def test_a_malformed_payload_is_422_naming_the_field(endpoint, payload, field):
    response = post(endpoint, payload, key="k1")
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not Contact.objects.exists()
    log = IncomingRequest.objects.get()
    assert log.status_code == 422 and field.split(".")[0] in log.error
    assert log.idempotency_key is None  # nothing was written: the key may be used again


def test_a_touchpoint_joins_the_contacts_open_lead(endpoint, webinar):
    lead_id = post(endpoint, FORM).json()["lead_id"]
    response = post(
        endpoint,
        {"email": "julie.martin@client.fr", "kind": "webinar_attended",
         "occurred_at": "2026-05-04T09:30:00+02:00", "campaign_code": "Webinaire Industrie 4.0"},
        path="touchpoints",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["lead_id"], answer["lead_created"]) == (lead_id, False)
    assert Touchpoint.objects.get(pk=answer["touchpoint_id"]).kind == "webinar_attended"
    # a second form from the same person reuses the open lead
    again = post(endpoint, {**FORM, "external_id": "sub-0002"}).json()
    assert (again["lead_id"], again["lead_created"]) == (lead_id, False)
    assert Lead.objects.count() == 1 and Touchpoint.objects.count() == 3


def test_an_unknown_campaign_code_is_a_warning_not_a_lost_lead(endpoint):
    answer = post(endpoint, {**FORM, "utm": {"campaign": "NOPE"}}).json()
    assert answer["campaign_id"] is None and "NOPE" in answer["warnings"][0]
    assert Lead.objects.get().source_channel == ""


def test_another_workspaces_endpoint_cannot_write_into_this_one(personas, endpoint):
    theirs = IncomingEndpoint.objects.create(
        workspace=personas.globex, name="Their form", created_by=personas.carol
    )
    # Acme's address signed with Globex's secret: refused
    body = json.dumps(FORM).encode()
    ts = str(int(time.time()))
    response = Client().post(
        f"/api/v1/incoming/{endpoint.key}/leads",
        body,
        content_type="application/json",
        headers={"X-Cordee-Timestamp": ts, "X-Cordee-Signature": sign(theirs.secret, ts, body)},
    )
    assert response.status_code == 401
    # their own address writes into Globex only
    assert post(theirs, FORM).status_code == 201
    assert Lead.objects.filter(workspace=personas.acme).count() == 0
    assert Lead.objects.get().workspace == personas.globex
    assert IncomingRequest.objects.filter(workspace=personas.acme, status_code=201).count() == 0


def test_a_person_api_token_is_not_an_endpoint_secret(personas, endpoint):
    from cordee.people.services import api_token_create

    _row, secret = api_token_create(actor=personas.actor("rita"), name="x")
    response = Client().post(
        f"/api/v1/incoming/{endpoint.key}/leads",
        FORM,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 401


def test_the_secret_as_bearer_token_only_when_the_endpoint_accepts_it(endpoint):
    def bearer() -> Any:
        return Client().post(
            f"/api/v1/incoming/{endpoint.key}/leads",
            FORM,
            content_type="application/json",
            headers={"Authorization": f"Bearer {endpoint.secret}"},
        )

    assert bearer().status_code == 401
    endpoint.accept_bearer = True
    endpoint.save()
    assert bearer().status_code == 201


def test_a_paused_endpoint_refuses_everything(endpoint):
    endpoint.is_active = False
    endpoint.save()
    assert post(endpoint, FORM).status_code == 401


# -- the settings pages ---------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_admins_create_an_endpoint_and_see_its_secret_and_requests(personas):
    client = _client(personas.rita)
    response = client.post(
        "/w/acme/settings/incoming/new/",
        {"name": "HubSpot forms", "source_system": "hubspot", "is_active": "on"},
    )
    assert response.status_code == 302
    endpoint = IncomingEndpoint.objects.get()
    assert endpoint.created_by == personas.rita and len(endpoint.secret) == 48
    post(endpoint, FORM, secret="wrong")
    page = client.get(f"/w/acme/settings/incoming/{endpoint.pk}/").content.decode()
    assert endpoint.secret in page and f"/api/v1/incoming/{endpoint.key}/leads" in page
    assert "HTTP 401" in page
    # a marketer reads the endpoint, not its secret nor its log
    page = _client(personas.alice).get(f"/w/acme/settings/incoming/{endpoint.pk}/").content.decode()
    assert endpoint.secret not in page and "HTTP 401" not in page


def test_a_leaked_secret_is_replaced_at_once(personas, endpoint):
    old = endpoint.secret
    url = f"/w/acme/settings/incoming/{endpoint.pk}/rotate/"
    assert _client(personas.alice).post(url, {"grace": "0"}).status_code == 403
    response = _client(personas.rita).post(url, {"grace": "0"}, follow=True)
    assert "the old one no longer works" in response.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret_rotated_at is not None
    assert post(endpoint, FORM, secret=old).status_code == 401
    assert post(endpoint, FORM).status_code == 201


def test_a_planned_rotation_accepts_the_old_secret_for_a_day(personas, endpoint):
    old = endpoint.secret
    endpoint.accept_bearer = True
    endpoint.save()
    response = _client(personas.rita).post(
        f"/w/acme/settings/incoming/{endpoint.pk}/rotate/", {"grace": "1"}, follow=True
    )
    page = response.content.decode()
    assert "still accepted for 24 hours" in page and "Old secret accepted until" in page
    endpoint.refresh_from_db()
    new = endpoint.secret
    assert new != old
    # both work during the grace period, signed or as a bearer token
    assert post(endpoint, FORM, secret=old).status_code == 201
    assert post(endpoint, {**FORM, "external_id": "sub-2"}, secret=new).status_code == 201
    bearer = {"Authorization": f"Bearer {old}"}
    assert post(endpoint, b"{}", headers=bearer).status_code != 401  # 422: authenticated
    # a day later only the new one
    later = timezone.now() + incoming.SECRET_GRACE + dt.timedelta(seconds=1)
    for secret, ok in ((old, False), (new, True)):
        body = b'{"email": "x@y.fr"}'
        ts = str(int(later.timestamp()))
        headers = {"X-Cordee-Timestamp": ts, "X-Cordee-Signature": sign(secret, ts, body)}
        if ok:
            assert (
                incoming.incoming_authenticate(
                    key=endpoint.key, headers=headers, body=body, now=later
                )
                == endpoint
            )
        else:
            with pytest.raises(incoming.Unauthorized):
                incoming.incoming_authenticate(
                    key=endpoint.key, headers=headers, body=body, now=later
                )
    # rotating again keeps only the secret just replaced in grace, and a leak ends it at once
    actor = personas.actor("rita")
    incoming.incoming_secret_rotate(actor=actor, endpoint_id=endpoint.pk)
    assert post(endpoint, FORM, secret=old).status_code == 401
    assert post(endpoint, FORM, secret=new).status_code != 401
    incoming.incoming_secret_rotate(actor=actor, endpoint_id=endpoint.pk, grace=False)
    assert post(endpoint, FORM, secret=new).status_code == 401


def test_the_signature_helper_matches_the_documented_recipe(endpoint):
    body = b'{"email": "a@b.fr"}'
    assert incoming.incoming_signature(endpoint.secret, "1700000000", body) == sign(
        endpoint.secret, "1700000000", body
    )
