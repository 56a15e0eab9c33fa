"""Detection in the worker, not in the upload's request: the request stores the file and answers
with a job "detecting"; the ``detect_import`` task (run here as the worker would) moves it to the
mapping step, or fails it with one message, kept as a code and parameters and written in each
reader's language; the page polls meanwhile. A worker that dies while detecting leaves no job
"detecting" for ever; a re-run of an uploaded file needs no detection at all.

The expected formats are those ``cordee import`` finds in the same bytes (one detection function
serves both), and the messages are the catalogue's, in French and in English."""

from __future__ import annotations

import io
import random
import re
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from cordee.core.errors import Conflict
from cordee.dataio.imports import detection, reading, services
from cordee.dataio.imports.runner import import_job_run
from cordee.dataio.imports.tasks import detect_import
from cordee.dataio.models import ImportJob
from tests.dataio.helpers import SAMPLES, detect_uploads


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _client(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _url(name: str, job: ImportJob | None = None) -> str:
    return reverse(name, args=["acme", job.pk] if job else ["acme"])


def _post(client: Client, name: str, content: bytes, kind: str = "leads") -> Any:
    return client.post(
        _url("import_new"), {"kind": kind, "file": SimpleUploadedFile(name, content)}
    )


def _error_shown(client: Client, job: ImportJob) -> str:
    page = client.get(_url("import_mapping", job))
    assert page.status_code == 200
    return page.context["message"]


def _polls(response: Any) -> bool:
    return 'hx-trigger="every 1s"' in response.content.decode()


NOISE = random.Random(15).randbytes(20_000)  # a picture renamed .csv: detection refuses it
NOT_A_TABLE = {
    "en": "This is not a CSV or XLSX file (it holds binary data, not text).",
    "fr": "Ce n’est pas un fichier CSV ni XLSX (il contient des données binaires, pas du texte).",
}


def _no_detection(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the file was detected in the request")


def test_the_upload_request_stores_the_file_and_queues_its_detection_without_reading_it(
    personas, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(detection, "detect", _no_detection)
    client = _client(personas.rita)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "photo.csv", NOISE)  # its detection would fail

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("import_mapping", job)
    assert (job.status, job.phase, job.detected, job.rows_total) == ("detecting", "", {}, 0)
    assert job.file.read() == NOISE
    task = DBTaskResult.objects.get()
    assert task.task_path == "cordee.dataio.imports.tasks.detect_import"
    assert (task.queue_name, task.args_kwargs["args"]) == ("default", [job.pk])
    assert job.task_id == str(task.pk)
    # step 2 says the file is being read, and polls; nothing can be previewed or started yet
    page = client.get(_url("import_mapping", job))
    assert page.status_code == 200 and _polls(page)
    assert "Waiting for the worker to read the file" in page.content.decode()
    partial = client.get(_url("import_progress", job))
    assert _polls(partial) and "<html" not in partial.content.decode()
    assert client.get(_url("import_preview", job))["Location"] == _url("import_mapping", job)
    assert client.post(_url("import_preview", job))["Location"] == _url("import_mapping", job)
    assert client.get(_url("import_detail", job))["Location"] == _url("import_mapping", job)
    with pytest.raises(Conflict):
        services.import_job_start(actor=personas.actor("rita"), job_id=job.pk)
    with pytest.raises(Conflict):
        services.import_job_configure(actor=personas.actor("rita"), job_id=job.pk, dry_run=True)
    job.refresh_from_db()
    assert job.status == "detecting"


def test_the_workers_detection_moves_the_job_to_the_mapping_step(personas, tmp_path: Path):
    # a French Excel file: Windows-1252, semicolons, 4 records
    content = (
        "Adresse e-mail;Prénom;Nom;Date de création\r\n"
        "anne.petit@exemple.fr;Anne;Petit;03/04/2024\r\n"
        "bob.roy@exemple.fr;Bob;Roy;05/04/2024\r\n"
        "chloe.dubois@exemple.fr;Chloé;Dubois;31/03/2024\r\n"
        "denis.morel@exemple.fr;Denis;Morel;07/04/2024\r\n"
    ).encode("cp1252")
    client = _client(personas.rita)
    _post(client, "prospects.csv", content)
    job = ImportJob.objects.get()
    assert job.status == "detecting"

    assert detect_import.call(job.pk) == "draft"

    job.refresh_from_db()
    fmt = job.detected["format"]
    assert (fmt["encoding"], fmt["delimiter"], job.rows_total, job.phase) == ("cp1252", ";", 4, "")
    assert fmt["header"] == ["Adresse e-mail", "Prénom", "Nom", "Date de création"]
    assert job.detected["dates"]["Date de création"]["order"] == "dmy"  # 31/03 proves it
    # what `cordee import` detects in the same bytes, here and now
    path = tmp_path / "prospects.csv"
    path.write_bytes(content)
    inline = services.import_job_create(
        actor=None, workspace=personas.acme, kind="leads", filename=path.name, path=str(path)
    )
    drop = {"seconds"}
    assert {k: v for k, v in job.detected.items() if k not in drop} == {
        k: v for k, v in inline.detected.items() if k not in drop
    }
    assert (job.mapping, job.source_system) == (inline.mapping, inline.source_system)

    # the page's next poll sends it on to the columns, which show
    partial = client.get(_url("import_progress", job))
    assert partial["HX-Redirect"] == _url("import_mapping", job) and not _polls(partial)
    page = client.get(_url("import_mapping", job))
    assert [c["name"] for c in page.context["columns"]] == fmt["header"]
    assert detect_import.call(job.pk) == "draft"  # a second delivery of the task changes nothing


def test_a_failing_detection_says_why_in_french_and_in_english(personas):
    _post(_client(personas.rita), "photo.csv", NOISE)
    job = ImportJob.objects.get()

    assert detect_import.call(job.pk) == "failed"

    job.refresh_from_db()
    assert job.report == {
        "message": {"code": NOT_A_TABLE["en"], "params": {}},
        "detection": True,
    }
    assert not job.file  # nothing kept of a refused file
    for language in ("fr", "en"):
        client = _client(personas.rita, language)
        assert _error_shown(client, job) == NOT_A_TABLE[language]
        partial = client.get(_url("import_progress", job))
        shown = re.search(r'id="detection-error">(.*?)</p>', partial.content.decode())
        assert not _polls(partial) and shown and shown.group(1) == NOT_A_TABLE[language]
        assert client.get(_url("import_detail", job))["Location"] == _url("import_mapping", job)
    with pytest.raises(Conflict):
        services.import_job_rerun(actor=personas.actor("rita"), job_id=job.pk)


def test_a_workbook_past_a_spreadsheets_bounds_is_refused_naming_the_bound(personas, monkeypatch):
    monkeypatch.setattr(reading, "XLSX_MAX_ROWS", 3)  # a sheet of 5 rows is past it
    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Last Name"])
    for n in range(4):
        sheet.append([f"{n}@exemple.fr", f"N{n}"])
    content = io.BytesIO()
    book.save(content)
    _post(_client(personas.rita), "leads.xlsx", content.getvalue())

    (job,) = detect_uploads()

    assert job.status == "failed"
    assert _error_shown(_client(personas.rita, "en"), job) == (
        "The sheet has more than 3 rows, more than a spreadsheet holds."
    )
    assert _error_shown(_client(personas.rita, "fr"), job) == (
        "La feuille a plus de 3 lignes, plus qu’un tableur n’en contient."
    )


def test_a_detection_whose_worker_died_or_whose_task_failed_is_shown_failed(personas):
    from django_tasks_db.models import DBTaskResult

    client = _client(personas.rita)
    _post(client, "a.csv", b"Email\r\na@exemple.fr\r\n")
    _post(client, "b.csv", b"Email\r\nb@exemple.fr\r\n")
    dying, orphan = ImportJob.objects.order_by("pk")
    dead = subprocess.Popen(["true"])
    dead.wait()
    ImportJob.objects.filter(pk=dying.pk).update(
        phase="reading", host=socket.gethostname(), pid=dead.pid
    )
    task = DBTaskResult.objects.create(
        task_path="cordee.dataio.imports.tasks.detect_import",
        queue_name="default",
        backend_name="default",
        priority=0,
        args_kwargs={"args": [orphan.pk], "kwargs": {}},
        status="FAILED",
        run_after=None,
    )
    ImportJob.objects.filter(pk=orphan.pk).update(task_id=str(task.pk))

    assert services.import_jobs_reap() == 2

    for job in (dying, orphan):
        job.refresh_from_db()
        assert (job.status, job.detection_failed) == ("failed", True)
        assert _error_shown(client, job) == (
            "Reading the file stopped before it finished (its process ended): upload it again."
        )
    assert detect_import.call(dying.pk) == "failed"  # a late delivery does not revive it


def test_a_rerun_of_an_uploaded_file_needs_no_detection(personas, monkeypatch):
    client = _client(personas.rita)
    _post(client, "hubspot.csv", (SAMPLES / "hubspot_contacts.csv").read_bytes())
    (job,) = detect_uploads()
    services.import_job_configure(actor=personas.actor("rita"), job_id=job.pk, dry_run=True)
    services.import_job_start(actor=personas.actor("rita"), job_id=job.pk)
    assert import_job_run(job_id=job.pk).status == "succeeded"
    monkeypatch.setattr(detection, "detect", _no_detection)

    again = services.import_job_rerun(actor=personas.actor("rita"), job_id=job.pk)

    assert (again.status, again.dry_run, again.rows_total) == ("queued", False, 6)
    assert (again.detected, again.mapping) == (job.detected, job.mapping)
    assert again.file.read() == (SAMPLES / "hubspot_contacts.csv").read_bytes()


def test_a_rerun_of_a_file_read_in_place_detects_it_again_keeping_the_mapping(
    personas, tmp_path: Path
):
    # `cordee import` read it on the server: it may have changed since (a column added)
    path = tmp_path / "leads.csv"
    path.write_bytes(b"Mail,Nom\r\nana@exemple.fr,Arnaud\r\n")
    job = services.import_job_create(
        actor=None,
        workspace=personas.acme,
        kind="leads",
        filename=path.name,
        path=str(path),
        mapping={"Mail": "email"},
        dry_run=True,
    )
    assert import_job_run(job_id=job.pk).status == "succeeded"
    path.write_bytes(b"Mail,Nom,Phone\r\nana@exemple.fr,Arnaud,0102030405\r\n")

    again = services.import_job_rerun(actor=personas.actor("rita"), job_id=job.pk)

    assert again.status == "detecting" and again.mapping == job.mapping
    assert detect_import.call(again.pk) == "draft"
    again.refresh_from_db()
    assert again.detected["format"]["header"] == ["Mail", "Nom", "Phone"]
    assert again.mapping["Mail"] == "email" and again.mapping.get("Phone") == "phone"
    assert not again.dry_run
