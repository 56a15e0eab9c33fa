"""The instance administrator's workspaces: create one with its first RevOps admin, list them
with their sizes, export one, delete one after typing its name — and nobody else may."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from cordee.core.models import AuditEntry
from cordee.crm.models import Account
from cordee.tenancy.models import Membership, User, Workspace
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english_pages")

LIST = "/instance/workspaces/"
NEW = "/instance/workspaces/new/"


@pytest.fixture
def root(client, personas):
    """The instance administrator: a superuser, in no workspace."""
    admin = f.UserFactory(
        email="root@example.fr", first_name="Root", last_name="Admin", is_superuser=True
    )
    client.force_login(admin)
    return admin


def _new(**changes):
    data = {
        "name": "Initech",
        "slug": "",
        "default_language": "en",
        "country": "de",
        "time_zone": "Europe/Berlin",
        "admin_email": "Lumbergh@Initech.example",
    }
    return {**data, **changes}


def test_a_new_workspace_with_a_new_person_as_its_revops_admin(client, root):
    response = client.post(NEW, _new())
    assert response.status_code == 302 and response["Location"] == LIST
    ws = Workspace.objects.get(slug="initech")
    assert (ws.name, ws.default_language, ws.country, ws.time_zone) == (
        "Initech",
        "en",
        "DE",
        "Europe/Berlin",
    )
    admin = User.objects.get(email="lumbergh@initech.example")
    assert not admin.has_usable_password()  # set through the password reset
    membership = Membership.objects.get(workspace=ws)
    assert (membership.user, membership.role, membership.is_active) == (admin, "revops_admin", True)
    html = client.get(LIST).content.decode()
    assert "has a new account without a password" in html
    created = AuditEntry.objects.get(target="workspace", action="create")
    assert created.workspace_id is None  # an instance-level event
    assert (created.user, created.by, created.by_label) == (root, "person", "Root Admin")
    assert created.after["slug"] == "initech" and created.after["admin_email"] == admin.email
    joined = AuditEntry.objects.get(target="membership")
    assert joined.workspace == ws and joined.after == {"user": admin.email, "role": "revops_admin"}


def test_an_existing_person_gets_the_membership(client, root, personas):
    client.post(NEW, _new(name="Acme Benelux", slug="acme-benelux", admin_email="dave@example.fr"))
    ws = Workspace.objects.get(slug="acme-benelux")
    assert Membership.objects.get(workspace=ws).user == personas.dave
    assert personas.dave.memberships.count() == 2  # still a sales manager at Acme
    personas.dave.refresh_from_db()
    assert personas.dave.has_usable_password()


def test_refused_values_are_named(client, root, personas):
    response = client.post(NEW, _new(slug="acme", country="XX", time_zone="Atlantis/Capital"))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_slug_error">This address is taken by another workspace.' in html
    assert 'id="id_country_error">Public holidays are not known for country “XX”.' in html
    assert 'id="id_time_zone_error">Unknown time zone “Atlantis/Capital”.' in html
    assert Workspace.objects.count() == 2


def test_the_list_shows_members_and_rows(client, root, personas):
    f.AccountFactory(workspace=personas.acme)
    f.AccountFactory(workspace=personas.acme)
    html = client.get(LIST).content.decode()
    acme = html.split("<td>Acme</td>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">6</td>' in acme  # alice, bob, dave, mia, erin, rita
    globex = html.split("<td>Globex</td>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">1</td>' in globex  # carol


def test_the_export_holds_the_whole_workspace(client, root, personas):
    f.AccountFactory(workspace=personas.acme, name="Dassault Systèmes")
    f.AccountFactory(workspace=personas.globex, name="Hooli")
    response = client.post(f"/instance/workspaces/{personas.acme.pk}/export/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="acme-csv-')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["workspace"] == "acme" and manifest["left_out"] == []
    accounts = archive.read("accounts.csv").decode("utf-8-sig")
    assert "Dassault Systèmes" in accounts and "Hooli" not in accounts
    entry = AuditEntry.objects.get(action="export")
    assert (entry.workspace_id, entry.target_id, entry.user) == (None, personas.acme.pk, root)


def test_deleting_needs_the_exact_name_then_takes_everything(client, root, personas):
    f.AccountFactory(workspace=personas.acme)
    url = f"/instance/workspaces/{personas.acme.pk}/delete/"
    assert "Type <strong>Acme</strong> to confirm" in client.get(url).content.decode()
    refused = client.post(url, {"confirm_name": "acme"})
    assert refused.status_code == 422
    assert 'id="id_confirm_name_error">Type the workspace' in refused.content.decode()
    assert Workspace.objects.filter(pk=personas.acme.pk).exists()

    acme_id = personas.acme.pk
    response = client.post(url, {"confirm_name": "Acme"})
    assert response.status_code == 302
    assert not Workspace.objects.filter(pk=acme_id).exists()
    assert not Account.objects.filter(workspace_id=acme_id).exists()
    assert not Membership.objects.filter(workspace_id=acme_id).exists()
    assert User.objects.filter(email="rita@example.fr").exists()  # people stay
    assert Workspace.objects.filter(slug="globex").exists()
    entry = AuditEntry.objects.get(action="delete", target="workspace")
    assert (entry.workspace_id, entry.target_id, entry.target_label, entry.user) == (
        None,
        acme_id,
        "Acme",
        root,
    )
    assert entry.before == {"name": "Acme", "slug": "acme", "members": 6}


@pytest.mark.parametrize("who", ["rita", "staff"])
def test_anyone_but_an_instance_administrator_is_refused(client, personas, who):
    user = personas.rita
    if who == "staff":  # Django's admin site is not enough
        user = f.UserFactory(email="staff@example.fr", is_staff=True)
    client.force_login(user)
    acme = personas.acme.pk
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _new()).status_code == 403
    assert client.post(f"/instance/workspaces/{acme}/export/", {"format": "csv"}).status_code == 403
    assert client.get(f"/instance/workspaces/{acme}/delete/").status_code == 403
    assert (
        client.post(f"/instance/workspaces/{acme}/delete/", {"confirm_name": "Acme"}).status_code
        == 403
    )
    assert Workspace.objects.filter(pk=acme).exists()
    assert not Workspace.objects.filter(slug="initech").exists()
    assert not AuditEntry.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_sidebar_links_instance_administration_for_superusers(client, root, personas):
    Membership.objects.create(workspace=personas.acme, user=root, role="executive")
    assert f'href="{LIST}"' in client.get("/w/acme/").content.decode()
    client.force_login(personas.rita)
    assert f'href="{LIST}"' not in client.get("/w/acme/").content.decode()
