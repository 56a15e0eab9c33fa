"""The import wizard's pages through Django's test client: upload → columns → preview → start →
(the worker's task, run here) → result; field errors, other workspaces, roles, and the progress
partial the page polls. Expected numbers are counted by hand from the files."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cordee.dataio.imports.runner import import_job_run
from cordee.dataio.imports.services import import_job_create
from cordee.dataio.models import ImportJob
from cordee.funnel.models import Lead, LeadStageChange
from tests.dataio.helpers import SAMPLES, detect_uploads


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _client(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _url(name: str, job: ImportJob | None = None, slug: str = "acme") -> str:
    return reverse(name, args=[slug, job.pk] if job else [slug])


def _upload(client: Client, name: str, content: bytes, kind: str = "leads") -> Any:
    """Upload (the request only stores the file), then detect it as the worker would."""
    response = client.post(
        _url("import_new"), {"kind": kind, "file": SimpleUploadedFile(name, content)}
    )
    detect_uploads()
    return response


def _mapping_post(job: ImportJob, **changes: Any) -> dict[str, str]:
    """The mapping form as shown (the proposed mapping), with ``changes`` by column name;
    ``_options`` holds extra fields (switches, date orders)."""
    header = job.detected["format"]["header"]
    options = changes.pop("_options", {})
    data = {f"map-{i}": job.mapping.get(column, "") for i, column in enumerate(header)}
    for column, field in changes.items():
        data[f"map-{header.index(column)}"] = field
    data.update(options)
    return data


def _text(response: Any, element_id: str) -> str:
    html = response.content.decode()
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, f"no #{element_id}"
    return " ".join(match.group(1).split())


def _percent(response: Any) -> str:
    match = re.search(r'role="progressbar"[^>]*aria-valuenow="(\d+)"', response.content.decode())
    assert match
    return match.group(1)


def _polls(response: Any) -> bool:
    return 'hx-trigger="every 1s"' in response.content.decode()


def test_the_whole_wizard_on_a_hubspot_export(personas):
    client = _client(personas.rita)
    assert client.get(_url("imports_list")).status_code == 200
    assert client.get(_url("import_new") + "?kind=leads").context["form"]["kind"].value() == "leads"

    # step 1: the request stores the file; the worker detects it while the page polls
    content = (SAMPLES / "hubspot_contacts.csv").read_bytes()
    response = client.post(
        _url("import_new"),
        {"kind": "leads", "file": SimpleUploadedFile("hubspot_contacts.csv", content)},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("import_mapping", job)
    assert job.status == "detecting" and job.created_by == personas.rita
    assert job.detected == {} and job.file.read() == content
    page = client.get(_url("import_mapping", job))
    assert "Waiting for the worker to read the file" in _text(page, "detecting-state")
    assert _polls(page)
    assert detect_uploads() == [job]
    job.refresh_from_db()
    assert job.status == "draft"
    partial = client.get(_url("import_progress", job))  # the page's next poll
    assert partial["HX-Redirect"] == _url("import_mapping", job) and not _polls(partial)

    # step 2: detection. The file: UTF-8 with a BOM, commas, 6 records (Chloé's job title is
    # quoted over two lines, so 7 physical lines follow the header)
    page = client.get(_url("import_mapping", job))
    assert page.status_code == 200
    assert "HubSpot export recognised" in _text(page, "source-system")
    facts = dict(page.context["format_facts"])
    assert (facts["Encoding"], facts["Separator"], facts["Rows"]) == (
        "UTF-8 with BOM",
        "comma",
        "6",
    )
    columns = {c["name"]: c for c in page.context["columns"]}
    assert columns["Create Date"]["date_note"] == "ISO dates (year first)."
    assert columns["Email"]["selected"] == "email"
    assert columns["Email"]["samples"][:2] == [
        "amelie.durand@lumiere-sas.fr",
        "Bruno.Lefevre@Atelier-Nord.fr",
    ]
    assert page.context["missing_required"] == []  # leads need no particular column

    # one change: the phone numbers stay out; keep the good rows
    data = _mapping_post(job, **{"Phone Number": "", "_options": {"keep_good_rows": "on"}})
    response = client.post(_url("import_mapping", job), data)
    assert response.status_code == 302 and response["Location"] == _url("import_preview", job)
    job.refresh_from_db()
    assert "Phone Number" not in job.mapping and job.mapping["Email"] == "email"
    assert (job.dry_run, job.keep_good_rows) == (False, True)

    # step 3: the rows as stored: line numbers of the file, e-mails lower-cased, dates typed
    page = client.get(_url("import_preview", job))
    rows = page.context["rows"]
    assert [r["line"] for r in rows] == [2, 3, 4, 6, 7, 8]
    assert not any(r["errors"] for r in rows)
    shown = [spec.name for _column, spec in page.context["shown"]]
    assert "phone" not in shown
    bruno = dict(zip(shown, [c["value"] for c in rows[1]["cells"]], strict=True))
    assert bruno["email"] == "bruno.lefevre@atelier-nord.fr"
    assert bruno["created_at"] == "2024-01-09 08:00"
    assert bruno["stage"] == "won"  # HubSpot's "customer"

    # step 4: start (the task is queued), run it as the worker would, read the result
    response = client.post(_url("import_preview", job))
    assert response.status_code == 302 and response["Location"] == _url("import_detail", job)
    page = client.get(_url("import_detail", job))
    assert (_percent(page), _polls(page)) == ("0", True)
    assert import_job_run(job_id=job.pk).status == "succeeded"

    page = client.get(_url("import_detail", job))
    assert (_percent(page), _polls(page)) == ("100", False)
    # 6 records, line 8 repeats line 3's e-mail: 5 leads, 1 merge; history rows per lead:
    # Amélie inquiry+MQL (2), Bruno inquiry…won (5), Chloé inquiry (1), David inquiry+MQL+SAL
    # (3), Emma inquiry (1) = 12
    assert [_text(page, f"result-{k}") for k in ("created", "merged", "rejected", "history")] == [
        "5",
        "1",
        "0",
        "12",
    ]
    assert "Line 8 merged into line 3" in " ".join(page.content.decode().split())
    assert Lead.objects.filter(workspace=personas.acme).count() == 5
    assert LeadStageChange.objects.filter(workspace=personas.acme).count() == 12
    # the phone of line 8 was not imported, as chosen
    assert Lead.objects.get(external_id="52").contact.phone == ""
    assert "hubspot_contacts.csv" in client.get(_url("imports_list")).content.decode()


# A French Excel file: semicolons, Windows-1252; line 3 has no valid e-mail, line 4 an
# impossible date (31/02 — and 31 proves the column is day-first).
FRENCH_CSV = (
    "Adresse e-mail;Prénom;Nom;Date de création\r\n"
    "anne.petit@exemple.fr;Anne;Petit;03/04/2024\r\n"
    "pas-un-email;Bob;Roy;05/04/2024\r\n"
    "chloe.dubois@exemple.fr;Chloé;Dubois;31/02/2024\r\n"
    "denis.morel@exemple.fr;Denis;Morel;07/04/2024\r\n"
).encode("cp1252")


def test_a_dry_run_writes_nothing_names_the_bad_lines_and_runs_for_real_after(personas):
    client = _client(personas.rita)
    _upload(client, "prospects.csv", FRENCH_CSV)
    job = ImportJob.objects.get()
    page = client.get(_url("import_mapping", job))
    facts = dict(page.context["format_facts"])
    assert (facts["Encoding"], facts["Separator"]) == (
        "Windows-1252 (Excel in French)",
        "semicolon",
    )
    assert "No HubSpot or Salesforce layout" in _text(page, "source-system")
    client.post(_url("import_mapping", job), _mapping_post(job, _options={"dry_run": "on"}))

    preview = client.get(_url("import_preview", job))
    errors = {r["line"]: r["errors"] for r in preview.context["rows"] if r["errors"]}
    assert {line: [e.column for e in errs] for line, errs in errors.items()} == {
        3: ["Adresse e-mail"],
        4: ["Date de création"],
    }
    assert "Start the dry run" in preview.content.decode()
    client.post(_url("import_preview", job))
    import_job_run(job_id=job.pk)

    page = client.get(_url("import_detail", job))
    assert Lead.objects.count() == 0  # a dry run
    html = page.content.decode()
    assert "Nothing was written." in html
    assert [(e["line"], e["column"]) for e in page.context["errors"]] == [
        (3, "Adresse e-mail"),
        (4, "Date de création"),
    ]
    assert [_text(page, f"result-{k}") for k in ("created", "rejected")] == ["2", "2"]
    assert "Run it for real" in html and "Run it for real, keeping the good rows" in html

    # the rejected rows, as in the file, with their line and reasons first
    download = client.get(_url("import_rejected", job))
    assert download.status_code == 200
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [r[0] for r in records[1:]] == ["3", "4"]
    assert records[1][2:] == ["pas-un-email", "Bob", "Roy", "05/04/2024"]
    assert records[2][2:] == ["chloe.dubois@exemple.fr", "Chloé", "Dubois", "31/02/2024"]

    # run for real, keeping the good rows: a new import of the same file and mapping
    response = client.post(_url("import_rerun", job), {"keep_good_rows": "1"})
    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == _url("import_detail", again)
    assert (again.status, again.dry_run, again.keep_good_rows) == ("queued", False, True)
    assert again.mapping == job.mapping
    import_job_run(job_id=again.pk)
    page = client.get(_url("import_detail", again))
    assert [_text(page, f"result-{k}") for k in ("created", "rejected")] == ["2", "2"]
    assert set(Lead.objects.values_list("contact__email", flat=True)) == {
        "anne.petit@exemple.fr",
        "denis.morel@exemple.fr",
    }


def test_an_ambiguous_date_column_follows_the_language_and_can_be_switched(personas):
    assert personas.acme.default_language == "fr"
    client = _client(personas.rita)
    csv_bytes = b"Email,Create Date\r\nanne@exemple.fr,03/04/2024\r\nbob@exemple.fr,11/12/2023\r\n"
    _upload(client, "dates.csv", csv_bytes)
    job = ImportJob.objects.get()
    page = client.get(_url("import_mapping", job))
    column = next(c for c in page.context["columns"] if c["name"] == "Create Date")
    assert column["can_reorder"] and column["order"] == "dmy"
    assert "every day in this column is 12 or less, so day-first" in column["date_note"]

    def created() -> list[str]:
        rows = client.get(_url("import_preview", job)).context["rows"]
        return [r["cells"][1]["value"] for r in rows]

    assert created() == ["2024-04-03 00:00", "2023-12-11 00:00"]  # day first
    data = _mapping_post(job, _options={"order-1": "mdy"})
    assert client.post(_url("import_mapping", job), data).status_code == 302
    assert created() == ["2024-03-04 00:00", "2023-11-12 00:00"]  # month first, as chosen
    column = next(
        c
        for c in client.get(_url("import_mapping", job)).context["columns"]
        if c["name"] == "Create Date"
    )
    assert column["order"] == "mdy" and "as you chose" in column["date_note"]


def test_an_unmapped_required_field_is_flagged_and_refused(personas):
    client = _client(personas.rita)
    _upload(
        client, "campagnes.csv", (SAMPLES / "salesforce_campaigns.csv").read_bytes(), "campaigns"
    )
    job = ImportJob.objects.get()
    assert job.mapping["Campaign Name"] == "name"
    response = client.post(_url("import_mapping", job), _mapping_post(job, **{"Campaign Name": ""}))
    assert response.status_code == 422
    assert response.context["missing_required"] == ["name"]
    assert response.context["general_errors"] == ["Map a column to the required field 'name'."]
    job.refresh_from_db()
    assert job.mapping["Campaign Name"] == "name"  # nothing saved


def test_a_file_that_cannot_be_read_shows_why_in_place_of_its_columns(personas):
    client = _client(personas.rita, "fr")
    response = _upload(client, "vide.csv", b"\r\n\r\n")  # blank lines: no header
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("import_mapping", job)
    assert job.status == "failed" and not job.file
    page = client.get(_url("import_mapping", job))
    assert _text(page, "detection-error") == "Le fichier est vide."
    job.delete()
    response = _upload(client, "rapport.pdf", b"%PDF-1.4")
    assert response.status_code == 422
    assert response.context["form"].errors["file"] == [
        "« rapport.pdf » n'est pas un fichier CSV ou XLSX."
    ]
    assert ImportJob.objects.count() == 0


def _job_of(personas: Any, who: str) -> ImportJob:
    with (SAMPLES / "hubspot_contacts.csv").open("rb") as handle:
        return import_job_create(
            actor=personas.actor(who), kind="leads", filename="hubspot.csv", content=handle
        )


PAGES_OF_A_JOB = (
    "import_detail",
    "import_mapping",
    "import_preview",
    "import_progress",
    "import_rejected",
)


def test_another_workspaces_import_is_404(personas):
    theirs = _job_of(personas, "carol")
    client = _client(personas.rita)
    for name in PAGES_OF_A_JOB:
        assert client.get(_url(name, theirs)).status_code == 404, name
    assert client.post(_url("import_rerun", theirs)).status_code == 404
    assert client.post(_url("import_preview", theirs)).status_code == 404
    assert ImportJob.objects.get(pk=theirs.pk).status == "draft"


def test_a_sales_rep_cannot_import(personas):
    job = _job_of(personas, "rita")
    bob = _client(personas.bob)
    assert bob.get(_url("imports_list")).status_code == 403
    assert bob.get(_url("import_new")).status_code == 403
    for name in PAGES_OF_A_JOB:
        assert bob.get(_url(name, job)).status_code == 403, name
    assert _upload(bob, "x.csv", b"Email\r\na@b.fr\r\n").status_code == 403
    assert bob.post(_url("import_preview", job)).status_code == 403
    assert ImportJob.objects.get().status == "draft"
    # and the lists and the navigation offer no import to him; they do to a manager
    assert "/imports/" not in bob.get(reverse("leads_list", args=["acme"])).content.decode()
    leads = _client(personas.dave).get(reverse("leads_list", args=["acme"])).content.decode()
    assert _url("import_new") + "?kind=leads" in leads and _url("imports_list") in leads


def test_the_progress_partial_shows_the_job_rows_numbers(personas):
    job = _job_of(personas, "rita")
    client = _client(personas.rita)
    url = _url("import_progress", job)
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", phase="validating", rows_total=8, rows_done=6, errors_count=2
    )
    partial = client.get(url)
    assert "<html" not in partial.content.decode()
    assert _percent(partial) == "75"  # 6 of 8
    assert _text(partial, "progress-rows") == "6 of 8 rows read"
    assert _text(partial, "progress-errors") == "2 rejected rows so far"
    assert _polls(partial)
    ImportJob.objects.filter(pk=job.pk).update(rows_done=7)
    assert _percent(client.get(url)) == "87"  # 7 × 100 / 8 = 87.5, whole percent below

    ImportJob.objects.filter(pk=job.pk).update(
        status="succeeded",
        phase="done",
        rows_done=8,
        report={"message": "", "rows": 8, "rejected": 2, "created": 6, "updated": 0, "merged": 0},
    )
    partial = client.get(url)
    assert (_percent(partial), _polls(partial)) == ("100", False)
    assert _text(partial, "progress-errors") == "2 rejected rows"
    assert _text(partial, "result-created") == "6"
