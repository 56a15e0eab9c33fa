"""The whole workspace for the data team: a zip of one CSV or Parquet file per table, from the
page (synchronously for a small workspace, by the worker for a large one) and from the CLI."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.test import Client

from cordee.crm import models as crm
from cordee.dataio.exports import workspace as exports
from cordee.dataio.management.commands import export as export_command
from cordee.feedback import models as fb
from cordee.feedback.services import (
    feedback_respond,
    feedback_status_change,
    feedback_submit,
    feedback_vote,
)
from cordee.funnel import models as funnel
from cordee.funnel.models import SlaBreach
from cordee.integrations.models import WebhookSubscription
from cordee.people.models import Notification
from tests import factories as f


@pytest.fixture(autouse=True)
def export_dir(settings: Any, tmp_path: Path) -> Path:
    settings.CORDEE_EXPORT_DIR = tmp_path / "exports"
    return tmp_path


@pytest.fixture
def data(personas: Any) -> dict[str, Any]:
    acme, globex = personas.acme, personas.globex
    account = f.AccountFactory(workspace=acme, name="Aciéries de Lorraine")
    contact = f.ContactFactory(workspace=acme, account=account, email="lea@acieries.fr")
    campaign = f.CampaignFactory(workspace=acme, budget=Decimal("12500.50"))
    lead = f.LeadFactory(workspace=acme, contact=contact, source_campaign=campaign)
    f.TouchpointFactory(workspace=acme, contact=contact, lead=lead, campaign=campaign)
    deals = [
        f.OpportunityFactory(workspace=acme, account=account, amount=Decimal(a))
        for a in ("1200.50", "24000.00", "0.01")
    ]
    WebhookSubscription.objects.create(
        workspace=acme, name="Slack", url="https://hooks.example/x", events=["deal.won"]
    )
    f.OpportunityFactory(workspace=globex, name="Globex secret deal")
    f.AccountFactory(workspace=globex, name="Globex account")
    return {"account": account, "deals": deals}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv_table(zf: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(zf.read(f"{name}.csv").decode("utf-8"))))


def test_the_csv_zip_holds_every_table_of_the_workspace_and_nothing_else(personas, data):
    client = _client(personas.rita)
    response = client.post("/w/acme/settings/export/", {"format": "csv"})
    assert response.status_code == 302
    (ready,) = exports.workspace_exports(actor=personas.actor("rita"))
    assert ready.status == "ready"
    download = client.get(f"/w/acme/settings/export/?download={ready.name}")
    assert download.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    manifest = json.loads(zf.read("manifest.json"))
    # every table holds exactly the workspace's rows (an independent count per model)
    for name, model in {
        "accounts": crm.Account,
        "contacts": crm.Contact,
        "campaigns": crm.Campaign,
        "touchpoints": funnel.Touchpoint,
        "leads": funnel.Lead,
        "lead_stage_changes": funnel.LeadStageChange,
        "opportunities": funnel.Opportunity,
        "sla_breaches": SlaBreach,
        "webhook_subscriptions": WebhookSubscription,
    }.items():
        rows = _csv_table(zf, name)
        expected = sorted(
            model.objects.filter(workspace=personas.acme).values_list("id", flat=True)
        )
        assert sorted(int(r["id"]) for r in rows) == expected, name
        assert manifest["tables"][name]["rows"] == len(expected)
    deals = _csv_table(zf, "opportunities")
    assert sorted(Decimal(r["amount"]) for r in deals) == [
        Decimal("0.01"),
        Decimal("1200.50"),
        Decimal("24000.00"),
    ]
    assert {r["account_id"] for r in deals} == {str(data["account"].pk)}
    raw = b"".join(zf.read(n) for n in zf.namelist())
    assert b"Globex" not in raw


def test_secrets_never_leave_in_the_workspace_export(personas, data, export_dir):
    out = export_dir / "acme.zip"
    exports.workspace_export_write(out, workspace=personas.acme, fmt="csv")
    zf = zipfile.ZipFile(out)
    hooks = _csv_table(zf, "webhook_subscriptions")
    assert "secret" not in hooks[0] and hooks[0]["name"] == "Slack"
    users = _csv_table(zf, "users")
    assert "password" not in users[0]
    assert sorted(u["email"] for u in users) == sorted(
        f"{n}@example.fr" for n in ("alice", "bob", "dave", "mia", "erin", "rita")
    )
    secret = WebhookSubscription.objects.get().secret.encode()
    assert all(secret not in zf.read(n) for n in zf.namelist())


def test_an_old_secret_in_its_grace_period_never_leaves_either(personas, export_dir):
    from cordee.integrations import incoming
    from cordee.integrations.models import IncomingEndpoint

    endpoint = IncomingEndpoint.objects.create(
        workspace=personas.acme, name="Typeform", created_by=personas.rita
    )
    old = endpoint.secret
    endpoint = incoming.incoming_secret_rotate(
        actor=personas.actor("rita"), endpoint_id=endpoint.pk
    )
    assert endpoint.previous_secret == old
    out = export_dir / "acme.zip"
    exports.workspace_export_write(out, workspace=personas.acme, fmt="csv")
    zf = zipfile.ZipFile(out)
    row = _csv_table(zf, "incoming_endpoints")[0]
    assert "previous_secret" not in row and "secret" not in row and row["name"] == "Typeform"
    assert "previous_secret_until" in row  # when it ends is not a secret
    for value in (old.encode(), endpoint.secret.encode()):
        assert all(value not in zf.read(n) for n in zf.namelist())
    client = Client()
    client.force_login(personas.rita)
    listed = b"".join(client.get("/w/acme/settings/incoming/export/").streaming_content)
    assert b"Typeform" in listed and old.encode() not in listed
    assert endpoint.secret.encode() not in listed


def test_the_parquet_zip_has_typed_columns_and_the_right_counts(personas, data, export_dir):
    out = export_dir / "acme-parquet.zip"
    call_command(
        export_command.Command(),
        workspace="acme",
        format="parquet",
        out=str(out),
        stdout=io.StringIO(),
    )
    zf = zipfile.ZipFile(out)
    deals = pq.read_table(io.BytesIO(zf.read("opportunities.parquet")))
    assert deals.num_rows == 3
    schema = deals.schema
    assert schema.field("id").type == pa.int64()
    assert schema.field("amount").type == pa.decimal128(14, 2)
    assert schema.field("created_on").type == pa.date32()
    assert schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("account_id").type == pa.int64()
    assert schema.field("stage").type == pa.string()
    assert sorted(deals.column("amount").to_pylist()) == [
        Decimal("0.01"),
        Decimal("1200.50"),
        Decimal("24000.00"),
    ]
    leads = pq.read_table(io.BytesIO(zf.read("leads.parquet")))
    assert leads.num_rows == funnel.Lead.objects.filter(workspace=personas.acme).count() == 1
    assert leads.schema.field("score_detail").type == pa.string()  # JSON as text
    empty = pq.read_table(io.BytesIO(zf.read("sla_breaches.parquet")))
    assert empty.num_rows == 0 and empty.schema.field("due_at").type == pa.timestamp("us", tz="UTC")


def test_the_cli_names_an_unknown_workspace(personas, export_dir):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nowhere"):
        call_command(
            export_command.Command(),
            workspace="nowhere",
            format="csv",
            out=str(export_dir / "x.zip"),
        )


def test_a_table_behind_a_capability_is_left_out_for_others(personas, data, monkeypatch):
    # as compensation will: a private table registers with the capability that reads it
    tables = dict(exports.TABLES)
    monkeypatch.setattr(exports, "TABLES", tables)
    exports.register_table(
        exports.ExportTable("private_deals", "funnel.Opportunity", capability="sla.sign.sales")
    )
    given, refused = exports.tables_for(personas.actor("erin"))
    # (the webhooks' tables are RevOps's: their URLs are secrets)
    assert [t.name for t in refused] == [
        "private_deals",
        "webhook_deliveries",
        "webhook_subscriptions",
    ]
    assert "private_deals" not in {t.name for t in given}
    given, refused = exports.tables_for(None)  # the operator, from the CLI
    assert "private_deals" in {t.name for t in given} and refused == []
    page = _client(personas.erin).get("/w/acme/settings/export/")
    assert "private_deals" in page.content.decode()  # said to be left out


def test_only_revops_and_executives_export_the_workspace(personas, data):
    for name in ("alice", "bob", "dave", "mia"):
        assert _client(getattr(personas, name)).post("/w/acme/settings/export/").status_code == 403
    assert (
        _client(personas.erin).post("/w/acme/settings/export/", {"format": "csv"}).status_code
        == 302
    )
    assert _client(personas.carol).get("/w/acme/settings/export/").status_code == 404
    (ready,) = exports.workspace_exports(actor=personas.actor("erin"))
    # Globex's admin cannot fetch Acme's file even by its name
    response = _client(personas.carol).get(f"/w/globex/settings/export/?download={ready.name}")
    assert response.status_code == 404
    response = _client(personas.rita).get("/w/acme/settings/export/?download=../../etc/passwd")
    assert response.status_code == 404


def test_an_unknown_format_is_refused_naming_it(personas):
    response = _client(personas.rita).post("/w/acme/settings/export/", {"format": "xls"})
    assert response.status_code == 422


def test_a_large_workspace_is_exported_by_the_worker_then_notified(
    personas, data, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(exports, "SYNC_ROWS", 5)
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(personas.rita).post("/w/acme/settings/export/", {"format": "parquet"})
    assert response.status_code == 302
    (pending,) = exports.workspace_exports(actor=personas.actor("rita"))
    assert pending.status == "pending"
    task = DBTaskResult.objects.get(task_path__endswith="workspace_export_task")
    assert task.queue_name == "imports"
    assert task.args_kwargs["args"] == [personas.acme.pk, personas.rita.pk, "parquet", pending.name]
    exports.workspace_export_run(
        workspace_id=personas.acme.pk, user_id=personas.rita.pk, fmt="parquet", name=pending.name
    )
    (ready,) = exports.workspace_exports(actor=personas.actor("rita"))
    assert (ready.name, ready.status) == (pending.name, "ready")
    note = Notification.objects.get(user=personas.rita, kind="export.ready")
    assert note.url.endswith(f"?download={ready.name}")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_field_feedback_is_in_the_workspace_export_with_its_votes_answers_and_history(
    personas, fmt, tmp_path
):
    bob, mia = personas.actor("bob"), personas.actor("mia")
    raised = feedback_submit(actor=bob, data={"kind": "objection", "title": "Trop cher"})
    other = feedback_submit(actor=mia, data={"kind": "product_gap", "title": "Pas d'API"})
    feedback_vote(actor=personas.actor("dave"), item_id=raised.pk)
    feedback_status_change(actor=mia, item_id=raised.pk, to_status="planned")
    feedback_respond(actor=mia, item_id=raised.pk, text="Nouvelle grille tarifaire")
    globex = feedback_submit(
        actor=personas.actor("carol"), data={"kind": "objection", "title": "Globex only"}
    )

    manifest = exports.workspace_export_write(
        tmp_path / f"out.{fmt}.zip", workspace=personas.acme, fmt=fmt
    )
    zf = zipfile.ZipFile(tmp_path / f"out.{fmt}.zip")

    def ids(name: str) -> list[int]:
        if fmt == "csv":
            return sorted(int(r["id"]) for r in _csv_table(zf, name))
        table = pq.read_table(io.BytesIO(zf.read(f"{name}.parquet")))
        return sorted(table.column("id").to_pylist())

    # two items raised in Acme, one vote, one answer, one triage move (new → planned);
    # Globex's item stays out
    assert ids("feedback_items") == sorted([raised.pk, other.pk])
    assert globex.pk not in ids("feedback_items")
    assert ids("feedback_votes") == [fb.FeedbackVote.objects.get(item=raised).pk]
    assert ids("feedback_responses") == [fb.FeedbackResponse.objects.get(item=raised).pk]
    moves = fb.FeedbackStatusChange.objects.filter(item=raised, to_status="planned")
    assert set(ids("feedback_status_changes")) >= {moves.get().pk}
    assert manifest["tables"]["feedback_items"]["rows"] == 2
    assert manifest["tables"]["feedback_votes"]["rows"] == 1
