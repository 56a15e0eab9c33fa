"""Personal API tokens, authentication and workspace isolation."""

from __future__ import annotations

from django.test import Client

from cordee.crm.models import Account
from cordee.people.services import api_token_create, api_token_revoke
from cordee.tenancy.models import ApiToken
from tests import factories as f
from tests.fixtures.api import ApiClient, error_fields


def _bearer(secret: str) -> ApiClient:
    return ApiClient({"Authorization": f"Bearer {secret}"})


def test_no_credentials_is_401_in_the_error_shape(personas):
    response = ApiClient().get("accounts")
    assert response.status_code == 401
    error_fields(response)
    assert response.json()["error"]["code"] == "unauthorized"


def test_unknown_token_is_401(personas):
    assert _bearer("cdt_not-a-real-token").get("me").status_code == 401


def test_creating_a_token_shows_the_secret_once_and_stores_only_its_hash(personas, api_as):
    response = api_as("alice").post("tokens", {"name": "Zapier"})
    assert response.status_code == 201
    body = response.json()
    secret = body["secret"]
    assert secret.startswith("cdt_") and body["prefix"] == secret[:10]
    row = ApiToken.objects.get(pk=body["id"])
    assert (row.name, row.user, row.workspace) == ("Zapier", personas.alice, personas.acme)
    assert row.key_hash == ApiToken.hash_secret(secret)
    stored = [str(v) for v in ApiToken.objects.filter(pk=row.pk).values().get().values()]
    assert not any(secret in value for value in stored)
    assert _bearer(secret).get("me").json()["email"] == "alice@example.fr"


def test_token_list_shows_only_my_tokens_and_never_a_secret_or_hash(personas, api_as):
    api_token_create(actor=personas.actor("bob"), name="Bob's")
    mine, secret = api_token_create(actor=personas.actor("alice"), name="Mine")
    response = _bearer(secret).get("tokens")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [t["name"] for t in items] == ["Mine"]
    assert set(items[0]) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
        "is_active",
    }
    assert secret not in response.content.decode()
    assert mine.key_hash not in response.content.decode()


def test_token_name_is_required(personas, api_as):
    response = api_as("alice").post("tokens", {"name": ""})
    assert response.status_code == 422
    assert "name" in error_fields(response)


def test_revoked_token_is_401(personas):
    token, secret = api_token_create(actor=personas.actor("alice"), name="Old")
    _other, other_secret = api_token_create(actor=personas.actor("alice"), name="Current")
    response = _bearer(other_secret).delete(f"tokens/{token.pk}")
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _bearer(secret).get("me").status_code == 401
    assert _bearer(other_secret).get("me").status_code == 200


def test_revoke_by_post_answers_the_revoked_token(personas):
    token, secret = api_token_create(actor=personas.actor("bob"), name="CI")
    response = _bearer(secret).post(f"tokens/{token.pk}/revoke")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert _bearer(secret).get("me").status_code == 401


def test_cannot_revoke_someone_elses_token(personas, api_as):
    token, secret = api_token_create(actor=personas.actor("bob"), name="Bob's")
    response = api_as("alice").delete(f"tokens/{token.pk}")
    assert response.status_code == 404
    assert _bearer(secret).get("me").status_code == 200


def test_revops_admin_may_revoke_a_members_token(personas, api_as):
    token, secret = api_token_create(actor=personas.actor("bob"), name="Leaked")
    assert api_as("rita").delete(f"tokens/{token.pk}").status_code == 204
    assert _bearer(secret).get("me").status_code == 401


def test_a_token_of_a_deactivated_member_is_refused(personas):
    _token, secret = api_token_create(actor=personas.actor("bob"), name="CI")
    personas.bob.memberships.update(is_active=False)
    assert _bearer(secret).get("me").status_code == 401


def test_a_token_only_sees_its_own_workspace(personas, api_as):
    ours = f.AccountFactory(workspace=personas.acme, name="Ours")
    theirs = f.AccountFactory(workspace=personas.globex, name="Theirs")
    api = api_as("carol")
    assert [a["name"] for a in api.get("accounts").json()["items"]] == ["Theirs"]
    assert api.get(f"accounts/{theirs.pk}").status_code == 200
    response = api.get(f"accounts/{ours.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert api.patch(f"accounts/{ours.pk}", {"name": "Hacked"}).status_code == 404
    assert api.delete(f"accounts/{ours.pk}").status_code == 404
    ours.refresh_from_db()
    assert ours.name == "Ours"


def test_a_token_ignores_the_workspace_header(personas, api_as):
    f.AccountFactory(workspace=personas.globex, name="Theirs")
    response = api_as("alice").get("accounts", headers={"X-Cordee-Workspace": "globex"})
    assert response.json()["count"] == 0


def test_session_with_workspace_header_is_accepted(personas):
    client = Client()
    client.force_login(personas.alice)
    api = ApiClient({"X-Cordee-Workspace": "acme"}, client=client)
    assert api.get("me").json()["workspace"] == "acme"


def test_session_for_a_workspace_i_am_not_in_is_401(personas):
    client = Client()
    client.force_login(personas.alice)
    assert ApiClient({"X-Cordee-Workspace": "globex"}, client=client).get("me").status_code == 401


def test_session_writes_are_csrf_checked(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.alice)
    response = ApiClient({"X-Cordee-Workspace": "acme"}, client=client).post(
        "accounts", {"name": "No CSRF"}
    )
    assert response.status_code in (401, 403)
    error_fields(response)
    assert not Account.objects.filter(name="No CSRF").exists()


def test_revoke_service_is_idempotent(personas):
    token, _secret = api_token_create(actor=personas.actor("alice"), name="Twice")
    first = api_token_revoke(actor=personas.actor("alice"), token_id=token.pk).revoked_at
    second = api_token_revoke(actor=personas.actor("alice"), token_id=token.pk).revoked_at
    assert first == second
