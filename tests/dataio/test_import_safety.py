"""What an import guarantees: line numbers, dry runs, all or nothing, kept good rows and their
rejected-rows file, idempotent re-imports, conflicts named, permissions, the queue and reaping."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.crm.models import Account, Contact
from cordee.dataio.imports import selectors, services
from cordee.dataio.imports.values import CellError, parse_datetime, parse_decimal
from cordee.dataio.models import ImportJob
from cordee.funnel.models import Lead, LeadStageChange
from tests.dataio.helpers import SAMPLES, import_file, report_of


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def english(personas):
    """Reasons are written in the workspace's language: these tests read the English ones."""
    personas.acme.default_language = "en"
    personas.acme.save()


def write(tmp_path: Path, text: str, name: str = "file.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def counts() -> tuple[int, int, int, int]:
    return (
        Contact.objects.count(),
        Lead.objects.count(),
        Account.objects.count(),
        LeadStageChange.objects.count(),
    )


MULTILINE = (
    "Email,First Name,Job Title\n"  # line 1
    'a@example.fr,Anne,"Acheteuse\nsite de Lyon"\n'  # lines 2-3
    'b@example.fr,Bob,"Trois\nlignes\nici"\n'  # lines 4-6
    "not-an-email,Carl,Chef\n"  # line 7
    "\n"  # line 8: blank
    'd@example.fr,"Dan","x"\n'  # line 9
    "e@@example.fr,Eve,Cheffe\n"  # line 10
)


def test_rejections_name_the_physical_line_where_the_record_starts(personas, tmp_path):
    job = import_file(personas, write(tmp_path, MULTILINE), "contacts")
    assert job.status == "failed"
    assert [(e["line"], e["column"]) for e in report_of(job)["errors"]] == [
        (7, "Email"),
        (10, "Email"),
    ]
    assert "not-an-email" in report_of(job)["errors"][0]["reason"]
    assert Contact.objects.count() == 0  # all or nothing


def test_a_dry_run_reports_everything_and_writes_nothing(personas, tmp_path):
    import_file(personas, SAMPLES / "hubspot_contacts.csv", "leads")
    before = counts()
    job = import_file(personas, write(tmp_path, MULTILINE), "contacts", dry_run=True)
    assert counts() == before
    assert job.status == "failed" and job.errors_count == 2
    clean = import_file(personas, SAMPLES / "salesforce_leads_fr.csv", "leads", dry_run=True)
    assert clean.status == "succeeded"
    assert (clean.report["created"], clean.report["updated"]) == (4, 0)
    assert (
        "Nothing was written" in report_of(clean)["message"]
        or "Rien" in report_of(clean)["message"]
    )
    assert counts() == before


def test_keeping_good_rows_writes_them_together_and_returns_the_rejected_ones(personas, tmp_path):
    job = import_file(personas, write(tmp_path, MULTILINE), "contacts", keep_good_rows=True)
    assert job.status == "succeeded"
    assert sorted(Contact.objects.values_list("email", flat=True)) == [
        "a@example.fr",
        "b@example.fr",
        "d@example.fr",
    ]
    assert Contact.objects.get(email="b@example.fr").job_title == "Trois\nlignes\nici"
    with job.rejected_file.open("rb") as handle:
        rows = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig"))))
    assert rows[0][2:] == ["Email", "First Name", "Job Title"]
    assert [(r[0], r[2:]) for r in rows[1:]] == [
        ("7", ["not-an-email", "Carl", "Chef"]),
        ("10", ["e@@example.fr", "Eve", "Cheffe"]),
    ]
    assert all("Email" in r[1] for r in rows[1:])


def test_reimporting_the_same_file_updates_instead_of_duplicating(personas):
    first = import_file(personas, SAMPLES / "hubspot_contacts.csv", "leads")
    before = counts()
    again = import_file(personas, SAMPLES / "hubspot_contacts.csv", "leads")
    assert again.status == "succeeded"
    assert (again.report["created"], again.report["updated"]) == (0, 5)
    assert again.report["history_rows"] == 0  # the history is not imported twice
    assert counts() == before
    assert first.report["created"] == 5


def test_a_contact_matched_by_email_adopts_the_files_id_and_is_found_by_it_next_time(
    personas, tmp_path
):
    existing = Contact.objects.create(workspace=personas.acme, email="x@example.fr")
    path = write(
        tmp_path,
        "Record ID,Email,Last Name,Lifecycle Stage,Create Date\n77,X@Example.fr,Xavier,lead,2024-01-01\n",
    )
    job = import_file(personas, path, "contacts")
    assert (job.report["created"], job.report["updated"]) == (0, 1)
    existing.refresh_from_db()
    assert (existing.source_system, existing.external_id, existing.last_name) == (
        "hubspot",
        "77",
        "Xavier",
    )
    renamed = write(
        tmp_path,
        "Record ID,Email,Last Name,Lifecycle Stage,Create Date\n77,new@example.fr,Xavier,lead,2024-01-01\n",
        "b.csv",
    )
    import_file(personas, renamed, "contacts")
    existing.refresh_from_db()
    assert existing.email == "new@example.fr"
    assert Contact.objects.count() == 1


def test_a_row_whose_id_and_email_match_two_records_is_rejected_naming_both(
    personas, tmp_path, english
):
    by_id = Contact.objects.create(
        workspace=personas.acme,
        email="jean@example.fr",
        first_name="Jean",
        last_name="Dupont",
        source_system="hubspot",
        external_id="51",
    )
    by_email = Contact.objects.create(
        workspace=personas.acme, email="marie@example.fr", first_name="Marie", last_name="Curie"
    )
    path = write(
        tmp_path,
        "Record ID,Email,First Name,Lifecycle Stage,Create Date\n"
        "51,marie@example.fr,Marie,lead,2024-01-01\n"
        "60,paul@example.fr,Paul,lead,2024-01-01\n",
    )
    job = import_file(personas, path, "contacts", keep_good_rows=True)
    [error] = report_of(job)["errors"]
    assert error["line"] == 2
    assert f"#{by_id.pk}" in error["reason"] and f"#{by_email.pk}" in error["reason"]
    assert "Jean Dupont <jean@example.fr>" in error["reason"]
    assert "Marie Curie <marie@example.fr>" in error["reason"]
    by_id.refresh_from_db()
    assert by_id.email == "jean@example.fr"  # untouched
    assert Contact.objects.filter(email="paul@example.fr").exists()


def test_same_conflict_for_leads_names_the_lead_and_the_contact(personas, english):
    import_file(personas, SAMPLES / "hubspot_contacts.csv", "leads")
    other = Contact.objects.get(email="chloe.martin@vertbleu.io")
    amelie = Lead.objects.get(external_id="51")
    path = SAMPLES.parent / "samples" / "hubspot_contacts.csv"
    text = (
        path.read_bytes()
        .decode("utf-8-sig")
        .replace(
            "51,Amélie,Durand,amelie.durand@lumiere-sas.fr",
            "51,Amélie,Durand,chloe.martin@vertbleu.io",
        )
    )
    conflicting = Path(os.environ.get("TMPDIR", "/tmp")) / f"conflict-{os.getpid()}.csv"
    conflicting.write_text(text, encoding="utf-8")
    try:
        job = import_file(personas, conflicting, "leads")
    finally:
        conflicting.unlink()
    assert job.status == "failed"
    reasons = [e for e in report_of(job)["errors"] if e["line"] == 2]
    assert reasons and f"lead #{amelie.pk}" in reasons[0]["reason"]
    assert f"#{other.pk}" in reasons[0]["reason"]


def test_repeated_keys_in_one_file_are_merged_in_file_order_and_reported(
    personas, tmp_path, english
):
    path = write(
        tmp_path,
        "ID,Email,First Name,Last Name,Job Title\n"
        "c1,anne@example.fr,Anne,Martin,Acheteuse\n"  # 2
        "c2,bob@example.fr,Bob,Durand,\n"  # 3
        "c1,,,Martin-Leroy,\n"  # 4: same id as line 2, later value wins
        ",ANNE@example.fr,,,Directrice achats\n"  # 5: same e-mail as line 2
        "c2,anne@example.fr,,,\n",  # 6: id of line 3, e-mail of line 2: rejected
    )
    job = import_file(personas, path, "contacts", keep_good_rows=True)
    assert [(m["line"], m["into"]) for m in report_of(job)["merges"]] == [(4, 2), (5, 2)]
    assert [(e["line"]) for e in report_of(job)["errors"]] == [6]
    assert (
        "line 2" in report_of(job)["errors"][0]["reason"]
        and "line 3" in report_of(job)["errors"][0]["reason"]
    )
    anne = Contact.objects.get(external_id="c1")
    assert (anne.first_name, anne.last_name, anne.job_title) == (
        "Anne",
        "Martin-Leroy",
        "Directrice achats",
    )
    assert Contact.objects.count() == 2


def test_reasons_are_in_the_workspaces_language(personas, tmp_path):
    Contact.objects.create(
        workspace=personas.acme, email="jean@example.fr", source_system="csv", external_id="1"
    )
    other = Contact.objects.create(workspace=personas.acme, email="marie@example.fr")
    job = import_file(personas, write(tmp_path, "ID,Email\n1,marie@example.fr\n"), "contacts")
    [error] = report_of(job)["errors"]
    assert error["reason"].startswith("Son identifiant externe 1 correspond à contact n° ")
    assert f"contact n° {other.pk} (<marie@example.fr>)" in error["reason"] or (
        f"contact n° {other.pk} (marie@example.fr)" in error["reason"]
    )
    assert report_of(job)["message"].startswith("1 lignes sur 1 ont été rejetées")


def test_only_managers_and_revops_import(personas):
    for who in ("alice", "bob", "erin"):
        with pytest.raises(PermissionDenied), (SAMPLES / "hubspot_deals.csv").open("rb") as handle:
            services.import_job_create(
                actor=personas.actor(who), kind="opportunities", filename="d.csv", content=handle
            )
    for who in ("dave", "mia", "rita"):
        assert (
            import_file(personas, SAMPLES / "hubspot_deals.csv", "opportunities", who=who).status
            == "succeeded"
        )
    job = ImportJob.objects.first()
    with pytest.raises(NotFound):
        selectors.import_job_get(actor=personas.actor("carol"), job_id=job.pk)


def test_bad_files_and_mappings_are_clear_errors(personas, tmp_path):
    rita = personas.actor("rita")
    with pytest.raises(ValidationFailed) as empty:
        services.import_job_create(
            actor=rita, kind="contacts", filename="e.csv", content=io.BytesIO(b"")
        )
    assert "file" in empty.value.field_errors
    with pytest.raises(ValidationFailed):
        services.import_job_create(
            actor=rita, kind="deals", filename="e.csv", content=io.BytesIO(b"a,b\n")
        )
    with (SAMPLES / "hubspot_deals.csv").open("rb") as handle:
        job = services.import_job_create(
            actor=rita, kind="opportunities", filename="d.csv", content=handle
        )
    assert job.mapping["Deal Name"] == "name" and job.mapping["Associated Company"] == "account"
    with pytest.raises(ValidationFailed) as bad:
        services.import_job_configure(
            actor=rita, job_id=job.pk, mapping={"Deal Name": "name", "Pipeline": "wingspan"}
        )
    assert set(bad.value.field_errors) == {"Pipeline", "account"}  # unknown field; required one
    job = services.import_job_configure(
        actor=rita, job_id=job.pk, mapping={**job.mapping, "Deal owner": None}, dry_run=True
    )
    assert "Deal owner" not in job.mapping and job.dry_run


def test_starting_queues_the_task_on_the_imports_queue(
    personas, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from cordee.dataio.imports.tasks import run_import

    rita = personas.actor("rita")
    with (SAMPLES / "hubspot_deals.csv").open("rb") as handle:
        job = services.import_job_create(
            actor=rita, kind="opportunities", filename="d.csv", content=handle
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_start(actor=rita, job_id=job.pk)
    with pytest.raises(Conflict):
        services.import_job_start(actor=rita, job_id=job.pk)
    task = DBTaskResult.objects.get()
    assert (task.queue_name, task.args_kwargs["args"]) == ("imports", [job.pk])
    job.refresh_from_db()
    assert job.task_id == str(task.pk)
    progress = selectors.import_job_progress(actor=rita, job_id=job.pk)
    assert (progress.status, progress.rows_total, progress.percent) == ("queued", 3, 0)
    assert run_import.call(job.pk) == "succeeded"
    progress = selectors.import_job_progress(actor=rita, job_id=job.pk)
    assert (progress.status, progress.rows_done, progress.percent, progress.finished) == (
        "succeeded",
        3,
        100,
        True,
    )


def test_a_job_whose_process_died_or_whose_task_failed_shows_failed(personas):
    from django_tasks_db.models import DBTaskResult

    rita = personas.actor("rita")
    with (SAMPLES / "hubspot_deals.csv").open("rb") as handle:
        job = services.import_job_create(
            actor=rita, kind="opportunities", filename="d.csv", content=handle
        )
    dead = subprocess.Popen(["true"])
    dead.wait()
    import socket

    ImportJob.objects.filter(pk=job.pk).update(
        status="running", host=socket.gethostname(), pid=dead.pid
    )
    assert selectors.import_job_get(actor=rita, job_id=job.pk).status == "failed"

    with (SAMPLES / "hubspot_deals.csv").open("rb") as handle:
        queued = services.import_job_create(
            actor=rita, kind="opportunities", filename="d.csv", content=handle
        )
    task = DBTaskResult.objects.create(
        task_path="cordee.dataio.tasks.run_import",  # a task queued before the move
        queue_name="imports",
        backend_name="default",
        priority=0,
        args_kwargs={"args": [queued.pk], "kwargs": {}},
        status="FAILED",
        run_after=None,
    )
    ImportJob.objects.filter(pk=queued.pk).update(status="queued", task_id=str(task.pk))
    assert [j.status for j in selectors.import_jobs_list(actor=rita)][:2] == ["failed", "failed"]


def test_the_cli_imports_prints_progress_and_fails_on_rejections(personas, tmp_path, capsys):
    mapping = write(tmp_path, json.dumps({"Job Title": ""}), "mapping.json")
    out = tmp_path / "rejected.csv"
    with pytest.raises(SystemExit) as exit_code:
        call_command(
            "import",
            str(write(tmp_path, MULTILINE)),
            kind="contacts",
            workspace="acme",
            mapping=str(mapping),
            keep_good_rows=True,
            rejected_out=str(out),
            language="en",
        )
    assert exit_code.value.code == 1
    printed = capsys.readouterr().out
    assert "Checking the rows: 0/5 rows" in printed
    assert "line 7 [Email]" in printed
    assert Contact.objects.count() == 3
    assert set(Contact.objects.values_list("job_title", flat=True)) == {""}  # unmapped by the file
    assert out.read_bytes().decode("utf-8-sig").count("\n") == 3
    call_command(
        "import",
        str(SAMPLES / "hubspot_deals.csv"),
        kind="opportunities",
        workspace="acme",
        language="en",
    )
    assert "Succeeded" in capsys.readouterr().out
    call_command("import", workspace="acme", list=True)
    assert "\tsucceeded\topportunities\t3/3" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("1\u00a0234,56", ",", "1234.56"),
        ("1\u202f234,56", ",", "1234.56"),
        ("1 234 567", ",", "1234567"),
        ("1.234,5", ",", "1234.5"),
        ("1,234.5", ".", "1234.5"),
        ("12,5", ",", "12.5"),
        ("12.5", ",", "12.5"),
        ("1.250", ",", "1250"),
        ("1,250", ".", "1250"),
        ("-3,75 €", ",", "-3.75"),
        ("EUR 2 000", ",", "2000"),
    ],
)
def test_numbers_in_french_and_english_notations(text, decimal, expected):
    from decimal import Decimal

    assert parse_decimal(text, decimal) == Decimal(expected)


def test_dates_in_the_formats_crms_write():
    import datetime as dt
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    assert parse_datetime("05/03/2024", "dmy", paris) == dt.datetime(2024, 3, 5, tzinfo=paris)
    assert parse_datetime("05/03/2024", "mdy", paris) == dt.datetime(2024, 5, 3, tzinfo=paris)
    assert parse_datetime("2024-03-05 14:12", "mdy", paris) == dt.datetime(
        2024, 3, 5, 14, 12, tzinfo=paris
    )
    assert parse_datetime("2024-03-05T14:12:09Z", "dmy", paris) == dt.datetime(
        2024, 3, 5, 14, 12, 9, tzinfo=dt.UTC
    )
    assert parse_datetime("3/5/2024 2:12 PM", "mdy", paris) == dt.datetime(
        2024, 3, 5, 14, 12, tzinfo=paris
    )
    assert parse_datetime("05.03.24", "dmy", paris, date_only=True) == dt.date(2024, 3, 5)
    with pytest.raises(CellError, match="13/13/2024"):
        parse_datetime("13/13/2024", "dmy", paris)


def test_an_update_sets_what_the_file_says_and_keeps_what_it_leaves_empty(personas, tmp_path):
    import_file(personas, SAMPLES / "hubspot_contacts.csv", "contacts")
    amelie = Contact.objects.get(external_id="51")
    assert (amelie.job_title, amelie.phone) == ("Directrice marketing", "+33 1 42 68 53 00")
    path = write(
        tmp_path,
        "Record ID,Email,Job Title,Phone Number,Company Name\n"
        "51,amelie.durand@lumiere-sas.fr,,+33 6 00 00 00 01,Atelier Nord\n",
    )
    job = import_file(personas, path, "contacts")
    assert (job.report["created"], job.report["updated"]) == (0, 1)
    amelie.refresh_from_db()
    assert amelie.job_title == "Directrice marketing"  # empty cell: kept
    assert amelie.phone == "+33 6 00 00 00 01"
    assert amelie.account.name == "Atelier Nord"
    assert (amelie.first_name, amelie.last_name) == ("Amélie", "Durand")  # not in the file
    assert Contact.objects.count() == 5


def test_an_opportunity_imported_late_in_the_evening_is_dated_the_workspaces_day(
    personas, tmp_path, monkeypatch
):
    import datetime as dt

    from cordee.funnel.models import Opportunity

    # 23:30 UTC on 31 March is already 1 April in Paris, Acme's time zone
    late = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: late)
    path = write(tmp_path, "Opportunity Name,Account Name,Amount\nDeal,Crèmerie Bérard,100\n")
    job = import_file(personas, path, "opportunities")
    assert job.status == "succeeded", job.report
    assert Opportunity.objects.get().created_on == dt.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("kind", "header"),
    [("campaigns", "Name,Channel,Currency"), ("opportunities", "Name,Account,Currency")],
)
def test_both_kinds_with_a_currency_read_it_by_the_same_rule(
    personas, english, tmp_path, kind, header
):
    # campaigns kept "E1" and "12" (upper-cased, cut to 3) where opportunities refused them
    second = "Webinar" if kind == "campaigns" else "Crèmerie Bérard"
    path = write(
        tmp_path,
        f"{header}\nA,{second},usd\nB,{second},E1\nC,{second},12\nD,{second},EURO\n",
    )
    job = import_file(personas, path, kind, keep_good_rows=True)
    from cordee.crm.models import Campaign
    from cordee.funnel.models import Opportunity

    reasons = {e["line"]: e["reason"] for e in report_of(job)["errors"]}
    assert reasons == dict.fromkeys((3, 4, 5), "A currency is a three-letter code such as EUR.")
    model = Campaign if kind == "campaigns" else Opportunity
    assert list(model.objects.values_list("name", "currency")) == [("A", "USD")]


def test_a_campaign_ending_before_it_starts_is_refused_as_by_the_api(personas, english, tmp_path):
    path = write(tmp_path, "Name,Channel,Start Date,End Date\nSalon,Event,2026-05-02,2026-05-01\n")
    job = import_file(personas, path, "campaigns")
    [error] = report_of(job, "en")["errors"]
    assert (error["column"], error["reason"]) == ("End Date", "The campaign ends before it starts.")
    # stored as a code, read in the reader's language
    [error] = report_of(job, "fr")["errors"]
    assert error["reason"] == "La campagne se termine avant de commencer."


def test_an_imported_lead_takes_its_source_campaigns_channel_as_on_the_pages(
    personas, tmp_path, english
):
    """The pages and the API give a lead without a source channel its campaign's; so do imports
    (funnel.stages.lead_source_channel), unless the file names a channel."""
    from tests import factories as f

    f.CampaignFactory(workspace=personas.acme, name="Webinaire Industrie 4.0", channel="webinar")
    path = write(
        tmp_path,
        "Email,First Name,Last Name,Source campaign,Source channel\n"
        "ines@usine.fr,Inès,Garnier,Webinaire Industrie 4.0,\n"
        "paul@usine.fr,Paul,Roux,Webinaire Industrie 4.0,event\n",
    )
    job = import_file(personas, path, "leads", mapping=None)
    assert job.status == "succeeded", job.report
    channels = dict(Lead.objects.values_list("contact__email", "source_channel"))
    assert channels == {"ines@usine.fr": "webinar", "paul@usine.fr": "event"}
