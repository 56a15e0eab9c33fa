"""The audit log: what the services write (contracts and their signatures, records through the
API and the pages, secrets), the page (filters, export, a constant number of queries), the API
(RevOps only, one workspace) and that no entry can be changed."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cordee.bulk.services import bulk_job_start
from cordee.core import audit
from cordee.core.audit import audit_write
from cordee.core.models import AuditEntry
from cordee.core.records import record_create
from cordee.feedback.services import feedback_settings_update
from cordee.funnel import services as funnel
from cordee.funnel.models import SlaContract, Stage
from cordee.integrations.incoming import incoming_secret_rotate
from cordee.integrations.models import IncomingEndpoint
from cordee.integrations.records import INCOMING
from cordee.merges.services import merge_records
from cordee.tenancy.models import ApiToken
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


def _entries(workspace, **filters):
    return list(AuditEntry.objects.filter(workspace=workspace, **filters).order_by("id"))


def _page(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("audit_log", args=["acme"]) + query)


# -- what the services write ------------------------------------------------------------------


def test_an_sla_contract_created_signed_and_changed(personas, client) -> None:
    mia, rita = personas.actor("mia"), personas.actor("rita")
    contract = funnel.sla_contract_save(
        actor=mia,
        data={
            "name": "Contrat 2026",
            "period_start": dt.date(2026, 1, 1),
            "period_end": dt.date(2026, 12, 31),
            "first_touch_hours": Decimal("4"),
        },
    )
    funnel.sla_contract_sign(actor=mia, contract_id=contract.pk)
    funnel.sla_contract_save(
        actor=rita,
        contract=SlaContract.objects.get(pk=contract.pk),
        data={"first_touch_hours": Decimal("2"), "attempts_required": 3, "name": "Contrat 2026"},
    )
    created, signed, changed, withdrawn = _entries(personas.acme, target="sla-contracts")
    assert (created.action, created.by, created.user_id) == ("create", "person", personas.mia.pk)
    assert created.after["name"] == "Contrat 2026"
    assert created.after["first_touch_hours"] == "4.00"
    assert created.before == {}
    assert (signed.action, signed.target_id, signed.by_label) == ("sign", contract.pk, "Mia Test")
    assert signed.after["marketing_signed_by"] == {"id": personas.mia.pk, "name": "Mia Test"}
    # only what changed (attempts stayed 3, the name stayed), before and after
    assert (changed.action, changed.by_label) == ("update", "Rita Test")
    assert changed.before == {"first_touch_hours": "4.00"}
    assert changed.after == {"first_touch_hours": "2.00"}
    assert changed.target_label == "Contrat 2026"
    # the change of terms withdrew marketing's signature
    assert withdrawn.action == "withdraw"
    assert set(withdrawn.before) == {"marketing_signed_by", "marketing_signed_at"}
    assert withdrawn.before["marketing_signed_by"] == {"id": personas.mia.pk, "name": "Mia Test"}
    assert withdrawn.after == {"marketing_signed_by": None, "marketing_signed_at": None}

    html = _page(client, personas.rita, "?target=sla-contracts").content.decode()
    assert "Rita Test changed the SLA contract “Contrat 2026”" in html
    assert "<dt>First touch within (business hours)</dt>" in html
    assert '<span class="audit-before">4</span> → <span class="audit-after">2</span>' in html
    assert "Mia Test signed the SLA contract “Contrat 2026”" in html
    assert "Mia Test withdrew the signatures of the SLA contract “Contrat 2026”" not in html
    assert "Rita Test withdrew the signatures of the SLA contract “Contrat 2026”" in html


def test_a_record_changed_through_the_api_names_the_token(personas, api_as) -> None:
    account = f.AccountFactory(workspace=personas.acme, name="Dassault", industry="Logiciel")
    response = api_as("alice").patch(f"/accounts/{account.pk}", {"name": "Dassault Systèmes"})
    assert response.status_code == 200, response.content
    (entry,) = _entries(personas.acme, target="accounts")
    token = ApiToken.objects.get(user=personas.alice, name="tests")
    assert (entry.by, entry.by_label, entry.user_id, entry.token_id) == (
        "token",
        "Alice Test (tests)",
        personas.alice.pk,
        token.pk,
    )
    assert (entry.action, entry.target_id) == ("update", account.pk)
    assert (entry.before, entry.after) == ({"name": "Dassault"}, {"name": "Dassault Systèmes"})


def test_a_record_deleted_through_its_page(personas, client) -> None:
    account = f.AccountFactory(workspace=personas.acme, name="Vieux compte", owner=personas.bob)
    client.force_login(personas.rita)
    url = reverse("accounts_delete", args=["acme", account.pk])
    assert client.post(url).status_code == 302
    (entry,) = _entries(personas.acme, target="accounts")
    assert (entry.action, entry.target_id, entry.target_label) == (
        "delete",
        account.pk,
        "Vieux compte",
    )
    assert entry.before["name"] == "Vieux compte"
    assert entry.before["owner"] == {"id": personas.bob.pk, "name": "Bob Test"}
    assert entry.after == {}
    html = _page(client, personas.rita).content.decode()
    assert "Rita Test deleted the account “Vieux compte”" in html


def test_rotating_a_secret_logs_when_never_what(personas, client) -> None:
    rita = personas.actor("rita")
    endpoint = record_create(actor=rita, spec=INCOMING, data={"name": "Formulaire"})
    old = endpoint.secret
    now = timezone.now()
    incoming_secret_rotate(actor=rita, endpoint_id=endpoint.pk, grace=True, now=now)
    new = IncomingEndpoint.objects.get(pk=endpoint.pk).secret
    assert old != new
    created, rotated = _entries(personas.acme, target="incoming")
    assert (created.action, rotated.action) == ("create", "rotate")
    assert rotated.before == {"secret_rotated_at": None, "previous_secret_until": None}
    assert set(rotated.after) == {"secret_rotated_at", "previous_secret_until"}
    stored = json.dumps(
        [e.before for e in (created, rotated)] + [e.after for e in (created, rotated)]
    )
    assert old not in stored and new not in stored
    # a secret handed to the writer by mistake is hidden too
    hidden = audit_write(actor=rita, action="update", target="webhooks", after={"secret": new})
    assert hidden.after == {"secret": audit.HIDDEN}
    client.force_login(personas.rita)
    export = client.get(reverse("audit_export", args=["acme"]) + "?file=csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert old not in text and new not in text
    assert "Rita Test changed the secret of the incoming endpoint “Formulaire”" in text


def test_a_person_moving_a_lead_and_a_bulk_job(personas) -> None:
    rep = personas.actor("bob")
    lead = f.LeadFactory(workspace=personas.acme, stage=Stage.INQUIRY, owner=personas.bob)
    funnel.lead_transition(actor=rep, lead_id=lead.pk, to_stage=Stage.MQL)
    (moved,) = _entries(personas.acme, target="leads")
    assert (moved.action, moved.before, moved.after) == (
        "stage",
        {"stage": "inquiry"},
        {"stage": "mql"},
    )
    accounts = [f.AccountFactory(workspace=personas.acme, owner=personas.bob) for _ in range(3)]
    job = bulk_job_start(
        actor=personas.actor("dave"),
        kind="accounts",
        action="reassign",
        ids=[a.pk for a in accounts],
        args={"to_owner": personas.dave.pk},
    )
    # one entry for the job, none per row
    assert _entries(personas.acme, target="accounts") == []
    (entry,) = _entries(personas.acme, target="bulk-jobs")
    assert (entry.action, entry.target_id) == ("bulk", job.pk)
    assert entry.after["count"] == 3
    assert entry.after["ids"] == sorted(a.pk for a in accounts)
    assert entry.after["to_owner"] == {"id": personas.dave.pk, "name": "Dave Test"}


def test_a_merge_is_one_entry_on_the_survivor(personas) -> None:
    survivor = f.AccountFactory(workspace=personas.acme, name="Acme SA")
    loser = f.AccountFactory(workspace=personas.acme, name="ACME S.A.")
    merge_records(
        actor=personas.actor("rita"), kind="account", survivor_id=survivor.pk, loser_id=loser.pk
    )
    (entry,) = _entries(personas.acme, action="merge")
    assert (entry.target, entry.target_id) == ("accounts", survivor.pk)
    assert entry.before == {"merged": {"id": loser.pk, "name": "ACME S.A."}}
    assert entry.after == {"from_duplicate": [], "moved": 0}


# -- append-only ------------------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted(personas) -> None:
    entry = audit_write(actor=personas.actor("rita"), action="update", target="workspace")
    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(action="delete")
    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "update"
    # a person's removal keeps their entries (by name); a workspace's deletion takes its own
    audit_write(actor=personas.actor("carol"), action="update", target="workspace")
    personas.rita.delete()
    assert AuditEntry.objects.get(pk=entry.pk).user_id is None
    assert AuditEntry.objects.get(pk=entry.pk).by_label == "Rita Test"
    personas.globex.delete()
    assert list(AuditEntry.objects.values_list("workspace__slug", flat=True)) == ["acme"]


# -- the page: filters, export, queries ------------------------------------------------------------


@pytest.fixture
def _log(personas):
    """Four entries of Acme on three days, by two people and a rule; one of Globex."""
    rita, alice = personas.actor("rita"), personas.actor("alice")
    day = dt.datetime(2026, 3, 10, 9, 0, tzinfo=personas.acme.zone)
    rows = [
        audit_write(
            actor=rita,
            action="update",
            target="scoring-rules",
            target_id=11,
            target_label="Visite tarifs",
            before={"points": 10},
            after={"points": 15},
            at=day,
        ),
        audit_write(
            actor=alice,
            action="create",
            target="contacts",
            target_id=21,
            target_label="Julien Fournier",
            after={"last_name": "Fournier"},
            at=day + dt.timedelta(days=1),
        ),
        audit_write(
            actor=None,
            workspace=personas.acme,
            rule="Île-de-France",
            action="route",
            target="leads",
            target_id=31,
            target_label="Julien Fournier",
            after={"owner": {"id": personas.bob.pk, "name": "Bob Test"}},
            at=day + dt.timedelta(days=2),
        ),
        audit_write(
            actor=rita,
            action="delete",
            target="scoring-rules",
            target_id=12,
            target_label="Ancienne règle",
            before={"points": 5},
            at=day + dt.timedelta(days=2, hours=1),
        ),
    ]
    audit_write(actor=personas.actor("carol"), action="update", target="scoring-rules", at=day)
    return rows


def _ids(response):
    """The entries' ids, but for the API tokens the test's clients made (logged too)."""
    return [e["id"] for e in response.json()["items"] if e["target"] != "api_token"]


def test_filters_on_the_page_and_the_api(personas, client, api_as, _log) -> None:
    route, deleted = _log[2], _log[3]
    api = api_as("rita")
    api.headers["Accept-Language"] = "en"
    assert _ids(api.get("/audit")) == [e.pk for e in reversed(_log)]  # newest first
    assert _ids(api.get("/audit", {"user": personas.rita.pk})) == [deleted.pk, _log[0].pk]
    assert _ids(api.get("/audit", {"target": "scoring-rules", "action": "delete"})) == [deleted.pk]
    assert _ids(api.get("/audit", {"by": "rule"})) == [route.pk]
    assert _ids(api.get("/audit", {"since": "2026-03-11", "until": "2026-03-11"})) == [_log[1].pk]
    assert _ids(api.get("/audit", {"target": "leads", "target_id": 31})) == [route.pk]
    assert api.get("/audit", {"limit": 1}).json()["count"] == 4 + 1  # and the client's token
    body = api.get("/audit", {"limit": 1, "target": "scoring-rules"}).json()
    assert body["items"][0]["text"] == "Rita Test deleted the scoring rule “Ancienne règle”"
    assert body["items"][0]["changes"] == [{"name": "Points", "before": "5", "after": "—"}]
    assert api.get("/audit", {"by": "robot"}).status_code == 422
    french = api.get(
        "/audit", {"limit": 1, "target": "scoring-rules"}, headers={"Accept-Language": "fr"}
    ).json()
    assert french["items"][0]["text"] == (
        "Rita Test a supprimé : règle de scoring « Ancienne règle »"
    )

    html = _page(client, personas.rita, "?by=rule").content.decode()
    assert "the rule “Île-de-France” routed the lead “Julien Fournier”" in html
    assert "Visite tarifs" not in html
    html = _page(client, personas.rita, "?since=2026-03-10&until=2026-03-10").content.decode()
    assert "Rita Test changed the scoring rule “Visite tarifs”" in html
    assert "Julien Fournier" not in html
    bad = _page(client, personas.rita, "?since=hier").content.decode()
    assert "Enter a date as YYYY-MM-DD." in bad


def test_the_export_holds_the_filtered_entries(personas, client, _log) -> None:
    client.force_login(personas.rita)
    url = reverse("audit_export", args=["acme"])
    response = client.get(url + "?file=csv&target=scoring-rules")
    assert response["Content-Disposition"].startswith('attachment; filename="acme-audit-')
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "ID,When,Who,By,Action,Kind,Record ID,Record,What happened,Changes"
    deleted, changed = _log[3], _log[0]
    assert lines[1:] == [
        f"{deleted.pk},2026-03-12 10:00:00,Rita Test,person,deleted,scoring rule,12,"
        "Ancienne règle,Rita Test deleted the scoring rule “Ancienne règle”,Points: 5 → —",
        f"{changed.pk},2026-03-10 09:00:00,Rita Test,person,changed,scoring rule,11,"
        "Visite tarifs,Rita Test changed the scoring rule “Visite tarifs”,Points: 10 → 15",
    ]
    xlsx = client.get(url + "?file=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_only_revops_reads_the_log_of_their_own_workspace(personas, client, api_as, _log) -> None:
    assert api_as("bob").get("/audit").status_code == 403
    assert api_as("erin").get("/audit").status_code == 403
    globex = api_as("carol").get("/audit").json()
    assert globex["count"] == 1 + 1  # and the creation of the client's token
    assert all(e["target_label"] != "Visite tarifs" for e in globex["items"])
    assert _page(client, personas.bob).status_code == 403
    assert _page(client, personas.carol).status_code == 404  # Acme's log: not even confirmed
    client.force_login(personas.bob)
    assert client.get(reverse("audit_export", args=["acme"]) + "?file=csv").status_code == 403


def test_the_page_reads_in_a_constant_number_of_queries(personas, client) -> None:
    rita = personas.actor("rita")

    def add(n: int) -> None:
        for k in range(n):
            audit_write(
                actor=rita,
                action="update",
                target="sla-contracts",
                target_id=k,
                target_label=f"Contrat {k}",
                before={"first_touch_hours": "4.00", "pod": {"id": 1, "name": "Pod"}},
                after={"first_touch_hours": "2.00", "pod": None},
            )

    client.force_login(personas.rita)
    client.get(reverse("audit_log", args=["acme"]))  # the session learns the workspace once

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("audit_log", args=["acme"])).status_code == 200
        return len(queries)

    add(10)
    few = count()
    add(190)
    many = count()
    assert many == few


def test_a_record_page_links_to_its_entries(personas, client) -> None:
    account = f.AccountFactory(workspace=personas.acme)
    link = f"?target=accounts&amp;target_id={account.pk}"
    client.force_login(personas.rita)
    assert (
        link in client.get(reverse("accounts_detail", args=["acme", account.pk])).content.decode()
    )
    client.force_login(personas.bob)
    assert (
        link
        not in client.get(reverse("accounts_detail", args=["acme", account.pk])).content.decode()
    )


def test_configuration_services_log_before_and_after(personas, api_as) -> None:
    rita = personas.actor("rita")
    personas.acme.mql_threshold = 60
    personas.acme.save()
    funnel.mql_threshold_set(actor=rita, threshold=70)
    funnel.mql_threshold_set(actor=rita, threshold=70)  # unchanged: no second entry
    (threshold,) = _entries(personas.acme, target="workspace")
    assert (threshold.before, threshold.after) == ({"mql_threshold": 60}, {"mql_threshold": 70})

    feedback_settings_update(actor=rita, acknowledge_within_days=5)
    feedback_settings_update(actor=rita, acknowledge_within_days=3)
    first, second = _entries(personas.acme, target="feedback-settings")
    assert (first.before, first.after) == (
        {"acknowledge_within_days": 2},  # the default in effect before any was chosen
        {"acknowledge_within_days": 5},
    )
    assert (second.before, second.after) == (
        {"acknowledge_within_days": 5},
        {"acknowledge_within_days": 3},
    )

    api = api_as("rita")
    api.headers["Accept-Language"] = "en"
    rule = api.post(
        "/scoring-rules",
        {
            "name": "Visite tarifs",
            "kind": "engagement",
            "touch_kind": "webinar_attended",
            "points": "10",
        },
    ).json()
    assert api.patch(f"/scoring-rules/{rule['id']}", {"points": "15"}).status_code == 200
    assert api.delete(f"/scoring-rules/{rule['id']}").status_code == 204
    created, changed, deleted = _entries(personas.acme, target="scoring-rules")
    assert [e.action for e in (created, changed, deleted)] == ["create", "update", "delete"]
    assert (changed.before, changed.after) == ({"points": "10.00"}, {"points": "15.00"})
    assert deleted.before["points"] == "15.00" and deleted.target_label == "Visite tarifs"
    (text,) = [
        e["text"]
        for e in api.get("/audit", {"action": "update", "target": "scoring-rules"}).json()["items"]
    ]
    assert text == "Rita Test (tests) changed the scoring rule “Visite tarifs”"


def test_an_incoming_request_is_logged_as_its_endpoint(personas) -> None:
    endpoint = IncomingEndpoint.objects.create(
        workspace=personas.acme, name="Typeform", created_by=personas.rita, accept_bearer=True
    )
    response = Client().post(
        f"/api/v1/incoming/{endpoint.key}/leads",
        {"email": "julie.martin@client.fr", "first_name": "Julie", "last_name": "Martin"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {endpoint.secret}"},
    )
    assert response.status_code == 201, response.content
    entries = _entries(personas.acme)
    assert {e.target for e in entries} >= {"contacts", "leads"}
    assert {(e.by, e.by_label, e.user_id) for e in entries} == {("rule", "Typeform", None)}
