"""A pod's value log: who writes (the pod's members, managers and RevOps; a rep outside the pod is
refused; another workspace's pod or entry is a 404), what an entry must hold (a title, a kind, a
day not in the future, a web address for a link), the audit, the order and the kind filter, the
page's htmx form and the API.

Pod Nord: alice (marketer) only. bob (a sales rep) is not in it; mia (a marketing manager) is
not in it either but holds ``value_log.write.any``. Clock: Friday 20 March 2026, 12:00 UTC."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cordee.alignment import value_log
from cordee.alignment.models import ValueEntry
from cordee.core.errors import PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.people.models import PodMember
from tests import factories as f
from tests.fixtures.api import error_fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def nord(personas: Any) -> Any:
    pod = f.PodFactory(workspace=personas.acme, name="Nord")
    PodMember.objects.create(pod=pod, user=personas.alice)
    return pod


def _add(personas: Any, who: str, pod: Any, **data: Any) -> ValueEntry:
    return value_log.value_entry_add(
        actor=personas.actor(who), pod=pod, **{"title": "Nouvelle séquence", **data}
    )


def test_a_member_writes_dated_today_and_audited(personas, nord):
    entry = _add(personas, "alice", nord, kind="shipped", link="https://wiki.example.fr/seq")
    assert (entry.author, entry.on, entry.kind) == (personas.alice, TODAY, "shipped")
    audit = AuditEntry.objects.get(target="value-log", target_id=entry.pk)
    assert (audit.action, audit.user) == ("create", personas.alice)


def test_a_rep_outside_the_pod_is_refused_a_manager_is_not(personas, nord):
    with pytest.raises(PermissionDenied):
        _add(personas, "bob", nord)
    assert _add(personas, "mia", nord).author == personas.mia  # value_log.write.any
    assert _add(personas, "rita", nord).author == personas.rita
    entry = _add(personas, "alice", nord)
    with pytest.raises(PermissionDenied):
        value_log.value_entry_update(actor=personas.actor("bob"), entry=entry, title="Non")
    with pytest.raises(PermissionDenied):
        value_log.value_entry_delete(actor=personas.actor("bob"), entry=entry)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "   "}, "title"),
        ({"kind": "celebrated"}, "kind"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"link": "wiki/page"}, "link"),
        ({"on": dt.date(2026, 3, 21)}, "on"),  # tomorrow: the log tells what was done
    ],
)
def test_what_an_entry_must_hold(personas, nord, data, field):
    with pytest.raises(ValidationFailed) as refused:
        _add(personas, "alice", nord, **data)
    assert list(refused.value.field_errors) == [field]


def test_a_change_and_a_removal_are_audited(personas, nord):
    entry = _add(personas, "alice", nord)
    changed = value_log.value_entry_update(
        actor=personas.actor("mia"), entry=entry, title="Séquence ETI", on=dt.date(2026, 3, 2)
    )
    assert (changed.title, changed.on) == ("Séquence ETI", dt.date(2026, 3, 2))
    update = AuditEntry.objects.get(target="value-log", action="update")
    assert update.after == {"title": "Séquence ETI", "on": "2026-03-02"}
    value_log.value_entry_delete(actor=personas.actor("alice"), entry=changed)
    assert not ValueEntry.objects.exists()
    assert AuditEntry.objects.filter(target="value-log", action="delete").count() == 1


def test_the_log_is_newest_first_and_filtered_by_kind(personas, nord):
    a = _add(personas, "alice", nord, title="A", on=dt.date(2026, 1, 5), kind="learned")
    b = _add(personas, "alice", nord, title="B", on=dt.date(2026, 3, 2))
    c = _add(personas, "alice", nord, title="C", on=dt.date(2026, 3, 2), kind="changed")
    actor = personas.actor("erin")
    assert list(value_log.value_entries(actor=actor, pod=nord)) == [c, b, a]
    assert list(value_log.value_entries(actor=actor, pod=nord, kind="learned")) == [a]


# -- the pages ------------------------------------------------------------------------------------


def test_a_member_writes_through_the_pods_page_with_htmx(client, personas, nord):
    client.force_login(personas.alice)
    url = f"/w/acme/pods/{nord.pk}/value-log/"
    response = client.post(
        url,
        {"kind": "changed", "title": "Script d’appel mis à jour", "source": "page"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section class="card pod-log" id="value-log"')
    assert "Script d’appel mis à jour" in html
    assert ValueEntry.objects.get().kind == "changed"
    refused = client.post(url, {"kind": "shipped", "title": ""}, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert "field--error" in refused.content.decode()


def test_the_pages_refuse_a_rep_outside_the_pod(client, personas, nord):
    entry = _add(personas, "alice", nord)
    client.force_login(personas.bob)
    assert client.post(f"/w/acme/pods/{nord.pk}/value-log/", {"title": "X"}).status_code == 403
    assert client.get(f"/w/acme/value-log/{entry.pk}/edit/").status_code == 403
    assert client.post(f"/w/acme/value-log/{entry.pk}/delete/").status_code == 403
    page = client.get(f"/w/acme/pods/{nord.pk}/").content.decode()
    assert 'id="value-form"' not in page  # no form for who may not write
    assert client.get(f"/w/acme/pods/{nord.pk}/value-log/?kind=shipped").status_code == 200


def test_a_manager_edits_and_removes_through_the_pages(client, personas, nord):
    entry = _add(personas, "alice", nord)
    client.force_login(personas.mia)
    edit = f"/w/acme/value-log/{entry.pk}/edit/"
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"kind": "learned", "title": "Appris", "on": "2026-03-10"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.kind, entry.title, entry.on) == ("learned", "Appris", dt.date(2026, 3, 10))
    assert client.post(f"/w/acme/value-log/{entry.pk}/delete/").status_code == 302
    assert not ValueEntry.objects.exists()


def test_another_workspace_is_a_404_on_the_pages(client, personas, nord):
    entry = _add(personas, "alice", nord)
    client.force_login(personas.carol)
    assert client.get(f"/w/acme/pods/{nord.pk}/value-log/").status_code == 404
    theirs = f.PodFactory(workspace=personas.globex)
    PodMember.objects.create(pod=theirs, user=personas.carol)
    client.force_login(personas.rita)
    assert client.post(f"/w/acme/pods/{theirs.pk}/value-log/", {"title": "X"}).status_code == 404
    client.force_login(personas.carol)
    assert client.get(f"/w/globex/value-log/{entry.pk}/edit/").status_code == 404


# -- the API --------------------------------------------------------------------------------------


def test_the_api_writes_reads_changes_and_removes(personas, api_as, nord):
    api = api_as("alice")
    created = api.post(
        f"pods/{nord.pk}/value-log",
        {"title": "Nouvelle séquence d’e-mails", "kind": "shipped", "on": "2026-03-16"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["on"], body["author"]["id"], body["pod"]) == (
        "2026-03-16",
        personas.alice.pk,
        nord.pk,
    )
    api.post(f"pods/{nord.pk}/value-log", {"title": "Retour terrain", "kind": "learned"})
    listed = api_as("erin").get(f"pods/{nord.pk}/value-log").json()
    assert [e["title"] for e in listed["items"]] == [
        "Retour terrain",
        "Nouvelle séquence d’e-mails",
    ]
    learned = api_as("erin").get(f"pods/{nord.pk}/value-log", {"kind": "learned"}).json()
    assert [e["kind"] for e in learned["items"]] == ["learned"]
    patched = api_as("mia").patch(f"value-log/{body['id']}", {"kind": "changed"})
    assert patched.json()["kind"] == "changed"
    assert api.delete(f"value-log/{body['id']}").status_code == 204


def test_the_api_refuses_names_the_field_and_hides_other_workspaces(personas, api_as, nord):
    entry = _add(personas, "alice", nord)
    assert api_as("bob").post(f"pods/{nord.pk}/value-log", {"title": "X"}).status_code == 403
    assert api_as("bob").patch(f"value-log/{entry.pk}", {"title": "X"}).status_code == 403
    bad = api_as("alice").post(f"pods/{nord.pk}/value-log", {"title": "X", "link": "ftp://x"})
    assert bad.status_code == 422 and list(error_fields(bad)) == ["link"]
    null = api_as("alice").patch(f"value-log/{entry.pk}", {"title": None})
    assert null.status_code == 422 and list(error_fields(null)) == ["title"]
    assert api_as("carol").get(f"pods/{nord.pk}/value-log").status_code == 404
    assert api_as("carol").patch(f"value-log/{entry.pk}", {"title": "X"}).status_code == 404
    assert api_as("carol").delete(f"value-log/{entry.pk}").status_code == 404
