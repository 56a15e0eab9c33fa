"""Sign-in throttling (django-axes): a locked-out address, the page it gets, a RevOps admin's
unlock (with its audit entry) and the command line's."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, override_settings

from cordee.core.models import AuditEntry

pytestmark = pytest.mark.django_db

LIMIT = 3


def _sign_in(client: Client, email: str, password: str, ip: str = "203.0.113.7") -> object:
    return client.post(
        "/login/", {"username": email, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def _lock_out(client: Client, email: str, ip: str = "203.0.113.7") -> None:
    for _ in range(LIMIT):
        _sign_in(client, email, "wrong", ip)


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_the_limit_of_failures_locks_the_address_out_even_with_the_right_password(personas):
    client = Client()
    for attempt in range(LIMIT - 1):
        response = _sign_in(client, "bob@example.fr", "wrong")
        assert response.status_code == 200, attempt  # the form again, with its error
    response = _sign_in(client, "BOB@example.fr ", "wrong")  # one address, however typed
    assert response.status_code == 429
    assert _sign_in(client, "bob@example.fr", "password").status_code == 429
    assert "_auth_user_id" not in client.session
    # the page says why, in the visitor's language (its French is the integrator's to add)
    client.cookies["django_language"] = "en"
    page = _sign_in(client, "bob@example.fr", "password").content.decode()
    assert '<html lang="en">' in page
    assert "After 3 failed attempts" in page and "Try again in 30 minutes" in page


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_a_lock_out_holds_for_one_address_from_one_place(personas):
    _lock_out(Client(), "bob@example.fr")
    # another person from the same place, and the same person from elsewhere, still sign in
    assert _sign_in(Client(), "alice@example.fr", "password").status_code == 302
    assert _sign_in(Client(), "bob@example.fr", "password", ip="198.51.100.2").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_a_success_before_the_limit_starts_the_count_again(personas):
    client = Client()
    for _ in range(LIMIT - 1):
        _sign_in(client, "bob@example.fr", "wrong")
    assert _sign_in(client, "bob@example.fr", "password").status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        assert _sign_in(client, "bob@example.fr", "wrong").status_code == 200
    assert _sign_in(client, "bob@example.fr", "password").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_a_revops_admin_sees_the_lock_and_unlocks_it_with_an_audit_entry(personas):
    _lock_out(Client(), "bob@example.fr")
    admin = Client()
    admin.force_login(personas.rita)
    members = admin.get("/w/acme/members/").content.decode()
    assert members.count("data-signin-locked") == 1  # bob's row only
    page = admin.get(f"/w/acme/members/{personas.bob.pk}/").content.decode()
    assert f'action="/w/acme/members/{personas.bob.pk}/unlock/"' in page
    alice_page = admin.get(f"/w/acme/members/{personas.alice.pk}/").content.decode()
    assert "/unlock/" not in alice_page

    response = admin.post(f"/w/acme/members/{personas.bob.pk}/unlock/")
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="bob@example.fr").exists()
    entry = AuditEntry.objects.get(action="signin_unlock")
    assert (entry.user_id, entry.workspace_id, entry.target) == (
        personas.rita.pk,
        personas.acme.pk,
        "membership",
    )
    assert (entry.before, entry.after) == ({"signin_locked": True}, {"signin_locked": False})
    assert (
        "data-signin-locked"
        not in admin.get(f"/w/acme/members/{personas.bob.pk}/").content.decode()
    )
    assert _sign_in(Client(), "bob@example.fr", "password").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_unlocking_someone_not_locked_changes_nothing_and_logs_nothing(personas):
    admin = Client()
    admin.force_login(personas.rita)
    assert admin.post(f"/w/acme/members/{personas.bob.pk}/unlock/").status_code == 302
    assert not AuditEntry.objects.filter(action="signin_unlock").exists()


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_only_revops_admins_of_the_workspace_unlock(personas):
    _lock_out(Client(), "bob@example.fr")
    manager = Client()
    manager.force_login(personas.dave)
    assert manager.post(f"/w/acme/members/{personas.bob.pk}/unlock/").status_code == 403
    other = Client()
    other.force_login(personas.carol)  # Globex's admin: bob is no member of hers
    assert other.post(f"/w/globex/members/{personas.bob.pk}/unlock/").status_code == 404
    assert AccessAttempt.objects.filter(username="bob@example.fr").exists()


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_the_command_line_unlocks_an_address(personas):
    _lock_out(Client(), "bob@example.fr")
    call_command("axes_reset_username", "bob@example.fr", verbosity=0)
    assert _sign_in(Client(), "bob@example.fr", "password").status_code == 302
