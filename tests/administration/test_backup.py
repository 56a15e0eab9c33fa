"""`cordee backup` and `cordee restore`: a workspace of many kinds of rows and uploaded files
goes through a backup, is changed, and comes back row for row (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cordee.administration.backup import table_checksums
from cordee.crm.models import Account, Contact
from cordee.funnel.models import Lead, Opportunity
from tests import factories as f
from tests.conftest import make_personas


@pytest.fixture
def var_dir(tmp_path: Path, settings) -> Path:
    var = tmp_path / "var"
    settings.VAR_DIR = var
    settings.MEDIA_ROOT = var / "media"
    (var / "imports" / "uploads" / "2026" / "12").mkdir(parents=True)
    (var / "imports" / "uploads" / "2026" / "12" / "leads.csv").write_text("email\nx@y.fr\n")
    (var / "media").mkdir()
    (var / "media" / "logo.txt").write_text("logo")
    (var / "secret_key").write_text("the-generated-key")
    return var


def _sums() -> dict[str, dict[str, object]]:
    with connection.cursor() as cursor:
        return table_checksums(cursor, connection.vendor)


def _seed() -> dict[str, object]:
    people = make_personas()
    acme = people.acme
    campaign = f.CampaignFactory(workspace=acme, budget=Decimal("1234.50"))
    accounts = [f.AccountFactory(workspace=acme, name=f"Client {i}") for i in range(3)]
    contacts = [f.ContactFactory(workspace=acme, account=a) for a in accounts]
    leads = [f.LeadFactory(workspace=acme, contact=c, owner=people.bob) for c in contacts]
    for contact in contacts:
        f.TouchpointFactory(workspace=acme, contact=contact, campaign=campaign)
    opportunity = f.OpportunityFactory(
        workspace=acme, account=accounts[0], amount=Decimal("24000.00")
    )
    pod = f.PodFactory(workspace=acme)
    pod.members.add(people.bob)
    pod.named_accounts.add(accounts[0])
    return {"accounts": accounts, "leads": leads, "opportunity": opportunity}


# The round trip must commit its rows (pg_dump and the backup API read committed data), so it is
# a transactional test. Measured on a machine under a load of 12: 0.7 s on SQLite; 11 s on
# PostgreSQL, 8.6 s of it the restore, which drops and recreates the whole schema (~1,500
# statements: 80 tables, their indexes and foreign keys) as a real restore does.
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_file_as_it_was(var_dir, tmp_path):
    rows = _seed()
    before = _sums()
    assert before["crm_account"]["rows"] == 3 and before["people_podmember"]["rows"] == 1
    assert before["people_pod_named_accounts"]["rows"] == 1
    backup = tmp_path / "out" / "cordee.tar.gz"
    call_command("backup", str(backup), "--include-secret-key", stdout=io.StringIO())
    with tarfile.open(backup) as archive:
        assert "secret_key" in archive.getnames()

    # without --include-secret-key: no key; the files as they were (in the same test: a
    # transactional test's flush costs ~6 s on PostgreSQL)
    out = io.StringIO()
    call_command("backup", str(tmp_path / "no-key.tar.gz"), stdout=out)
    with tarfile.open(tmp_path / "no-key.tar.gz") as archive:
        names = archive.getnames()
        manifest = json.loads(archive.extractfile("manifest.json").read())
    assert "secret_key" not in names and manifest["secret_key"] is False
    assert "conservez-la à part" in out.getvalue()  # the instance speaks French
    assert sorted(n for n in names if n.startswith("files/")) == [
        "files/imports/uploads/2026/12/leads.csv",
        "files/media/logo.txt",
    ]
    assert manifest["files"] == {
        "media": {"files": 1, "bytes": 4},
        "imports": {"files": 1, "bytes": 13},
    }

    # after the backup: a row changed, rows deleted (with what goes with them), a row added,
    # a file changed, one deleted and one added
    Account.objects.filter(pk=rows["accounts"][1].pk).update(name="Renamed")
    Lead.objects.filter(pk=rows["leads"][2].pk).delete()
    Opportunity.objects.all().delete()
    f.ContactFactory(workspace=rows["accounts"][0].workspace, account=rows["accounts"][0])
    with connection.cursor() as cursor:  # a table of a newer schema, pointing at old ones
        cursor.execute(
            "CREATE TABLE zz_newer (id integer PRIMARY KEY, "
            "account_id bigint REFERENCES crm_account (id))"
        )
        cursor.execute("INSERT INTO zz_newer VALUES (1, %s)", [rows["accounts"][0].pk])
    (var_dir / "media" / "logo.txt").write_text("changed")
    (var_dir / "imports" / "uploads" / "2026" / "12" / "leads.csv").unlink()
    (var_dir / "media" / "new.txt").write_text("new")
    (var_dir / "secret_key").write_text("another-key")
    changed = _sums()
    assert changed["crm_account"]["checksum"] != before["crm_account"]["checksum"]
    assert changed["crm_contact"]["rows"] == 4 and changed["zz_newer"]["rows"] == 1

    out = io.StringIO()
    call_command("restore", str(backup), "--yes", stdout=out)

    assert _sums() == before  # zz_newer is gone too
    assert "tables et" in out.getvalue()  # "… tables et … lignes vérifiées"
    assert Account.objects.get(pk=rows["accounts"][1].pk).name == "Client 1"
    assert Lead.objects.filter(pk=rows["leads"][2].pk).exists()
    assert Opportunity.objects.get().amount == Decimal("24000.00")
    assert Contact.objects.count() == 3
    assert (var_dir / "media" / "logo.txt").read_text() == "logo"
    assert not (var_dir / "media" / "new.txt").exists()
    assert (var_dir / "secret_key").read_text() == "the-generated-key"
    assert (var_dir / "imports" / "uploads" / "2026" / "12" / "leads.csv").read_text() == (
        "email\nx@y.fr\n"
    )
    # the instance still works on the restored database: a new row takes a new id
    assert f.AccountFactory(workspace=rows["accounts"][0].workspace).pk > rows["accounts"][2].pk


def _fake_backup(path: Path, **manifest: object) -> Path:
    content = json.dumps({"format": 1, "cordee": "9.9", "created_at": "2030-01-01", **manifest})
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(content.encode())
        archive.addfile(info, io.BytesIO(content.encode()))
    return path


def test_a_backup_of_another_database_vendor_is_refused(tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    path = _fake_backup(tmp_path / "b.tar.gz", vendor=other, migrations=[], tables={})
    with pytest.raises(CommandError, match=f"celle d’une base {other}"):
        call_command("restore", str(path), "--yes")


def test_a_backup_of_a_newer_schema_is_refused(tmp_path):
    migrations = [["crm", "0001_initial"], ["crm", "9999_from_the_future"]]
    path = _fake_backup(
        tmp_path / "b.tar.gz", vendor=connection.vendor, migrations=migrations, tables={}
    )
    with pytest.raises(
        CommandError, match=r"plus récente de Cordée \(9\.9\).*1 migrations.*crm\.9999"
    ):
        call_command("restore", str(path), "--yes")


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(CommandError, match="n’est pas une sauvegarde Cordée"):
        call_command("restore", str(path), "--yes")


def test_without_yes_nothing_is_restored_unless_confirmed(tmp_path, monkeypatch):
    path = _fake_backup(tmp_path / "b.tar.gz", vendor=connection.vendor, migrations=[], tables={})
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Rien n’a été restauré"):
        call_command("restore", str(path), stdout=io.StringIO())


def test_the_checksum_reads_values_canonically():
    from cordee.administration.backup import _canonical

    assert _canonical(True) is True and _canonical(1) == 1
    assert _canonical(Decimal("24000.00")) == _canonical(Decimal("24000")) == "24000"
    assert _canonical(dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)) == "2026-01-02T03:04:00+00:00"
    assert _canonical(memoryview(b"\x01\xff")) == "01ff"
    assert _canonical({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'
