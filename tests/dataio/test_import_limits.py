"""Files an import must refuse, with one clear message, rather than exhaust the server or import
something silently wrong: an upload past the limit, an XLSX that unpacks into gigabytes or
holds more rows or longer cells than a spreadsheet can, a CSV value past the field limit, a
header naming a column twice, a file mixing two encodings, binary data; and files that must be
read right: UTF-16 and UTF-32 with or without a byte-order mark, plain cp1252.

Every pathological file is built small, by hand (an XLSX is a zip written here, its declared
sizes patched): no test unpacks or allocates more than a few megabytes.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from cordee.core.errors import ValidationFailed
from cordee.dataio.imports import detection, reading
from cordee.dataio.imports.runner import import_job_run
from cordee.dataio.imports.services import import_job_create
from cordee.dataio.imports.words import words
from cordee.dataio.models import ImportJob
from cordee.funnel.models import Lead
from tests.dataio.helpers import detect_uploads


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture(autouse=True)
def _in_english(_language_of_the_settings):
    """The messages are compared in English (the French catalogue translates them)."""
    with override("en"):
        yield


def _create(personas: Any, name: str, content: bytes, kind: str = "leads") -> ImportJob:
    return import_job_create(
        actor=personas.actor("rita"), kind=kind, filename=name, content=io.BytesIO(content)
    )


def _refusal(personas: Any, name: str, content: bytes) -> str:
    with pytest.raises(ValidationFailed) as refused:
        _create(personas, name, content)
    assert ImportJob.objects.count() == 0  # nothing kept of a refused file
    return refused.value.field_errors["file"][0]


def _client(user: Any, **options: Any) -> Client:
    client = Client(**options)
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


NEW = reverse("import_new", args=["acme"])


# -- XLSX written by hand ---------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
        '<sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
SHEET = "xl/worksheets/sheet1.xml"


def _row(number: int, *values: str) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def _xlsx(*rows: str, declared: int | None = None) -> bytes:
    """A workbook of one sheet holding ``rows``; ``declared``: the sheet's uncompressed size
    written in the archive instead of its real one (a bomb's, without its gigabytes)."""
    sheet = f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in {**_PARTS, SHEET: sheet}.items():
            archive.writestr(name, xml)
    data = bytearray(buffer.getvalue())
    if declared is not None:
        name = SHEET.encode()
        # local header: size at offset 22, name at 30; central directory: size at 24, name at 46
        for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
            start = data.find(signature + b"", 0)
            while data[start + name_at : start + name_at + len(name)] != name:
                start = data.find(signature, start + 1)
            struct.pack_into("<I", data, start + size_at, declared)
    return bytes(data)


HEADER = _row(1, "Email", "Last Name")


def test_a_workbook_whose_sheet_unpacks_to_a_gibibyte_is_refused_before_it_is_read(personas):
    # what a 1 MB workbook holding one 1 GiB cell declares; its real content is one small row
    bomb = _xlsx(HEADER, _row(2, "ana@exemple.fr", "Arnaud"), declared=1 << 30)

    message = _refusal(personas, "bomb.xlsx", bomb)

    assert "xl/worksheets/sheet1.xml is 1024 MB, at most 500 MB" in message
    assert "CORDEE_IMPORT_MAX_XLSX_XML_MB" in message


def test_cordee_import_refuses_the_bomb_and_exits_2(personas, tmp_path, capsys):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_xlsx(HEADER, _row(2, "ana@exemple.fr", "Arnaud"), declared=1 << 30))

    with pytest.raises(SystemExit) as exited:
        call_command("import", str(path), kind="leads", workspace="acme", language="en")

    assert exited.value.code == 2
    assert "sheet1.xml is 1024 MB, at most 500 MB" in capsys.readouterr().err
    assert ImportJob.objects.count() == 0


def test_the_unpacking_limit_is_a_setting(personas, settings):
    settings.IMPORT_MAX_XLSX_XML_MB = 1
    sheet_of_2_mb = _xlsx(HEADER, _row(2, "ana@exemple.fr", "Arnaud"), declared=2 << 20)

    assert "is 2 MB, at most 1 MB" in _refusal(personas, "leads.xlsx", sheet_of_2_mb)


def test_a_text_longer_than_any_cell_is_refused_while_the_archive_is_checked(personas):
    # 300,000 characters compress to a few hundred bytes; an XLSX cell holds 32,767
    long_cell = _xlsx(HEADER, _row(2, "ana@exemple.fr", "x" * 300_000))

    message = _refusal(personas, "long.xlsx", long_cell)

    assert "more than 32767 characters" in message


def test_a_cell_longer_than_a_spreadsheet_holds_is_refused_naming_its_line_and_column(personas):
    cell = _xlsx(
        HEADER, _row(2, "ana@exemple.fr", "Arnaud"), _row(3, "ben@exemple.fr", "y" * 40_000)
    )

    message = _refusal(personas, "cell.xlsx", cell)

    assert message == (
        "Line 3, column B holds 40000 characters, more than a spreadsheet cell holds (32767)."
    )


def test_a_row_past_the_last_row_of_a_spreadsheet_is_refused(personas):
    # a few bytes that make a reader walk through a million empty rows (20 million in the
    # reported file): a row numbered past 1,048,576 is no spreadsheet's, refused while the
    # archive is checked, before any row is walked through
    sparse = _xlsx(HEADER, _row(2, "ana@exemple.fr", "Arnaud"), _row(1_048_577, "b@x.fr", "B"))

    message = _refusal(personas, "sparse.xlsx", sparse)

    assert message == "The sheet has more than 1048576 rows, more than a spreadsheet holds."


def test_the_reader_counts_the_rows_itself(personas, monkeypatch):
    # a row number the archive check cannot see (a limit of 3, rows numbered with one digit)
    monkeypatch.setattr(reading, "XLSX_MAX_ROWS", 3)
    rows = [_row(n, f"{n}@x.fr", "N") for n in range(2, 6)]

    assert "more than 3 rows" in _refusal(personas, "four.xlsx", _xlsx(HEADER, *rows))


def test_detection_reads_only_the_first_rows_of_a_workbook(personas, monkeypatch):
    # 5 data rows, detection looks at 2: the count shown is the sheet's own (6 row elements,
    # the header's among them); the run reads and imports all 5
    monkeypatch.setattr(detection, "XLSX_DETECTED_ROWS", 2)
    rows = [_row(n, f"{n}@exemple.fr", f"N{n}") for n in range(2, 7)]

    job = _create(personas, "five.xlsx", _xlsx(HEADER, *rows))

    assert job.rows_total == 5
    job = import_job_run(job_id=job.pk)
    assert job.status == "succeeded", job.report
    assert Lead.objects.count() == 5


def test_a_plain_workbook_is_still_read(personas):
    job = _create(personas, "leads.xlsx", _xlsx(HEADER, _row(2, "ana@exemple.fr", "Arnaud")))

    assert job.detected["format"]["header"] == ["Email", "Last Name"]
    assert job.rows_total == 1
    job = import_job_run(job_id=job.pk)
    assert job.status == "succeeded", job.report
    assert list(Lead.objects.values_list("contact__email", flat=True)) == ["ana@exemple.fr"]


# -- the upload limit ---------------------------------------------------------------------------


def test_an_upload_past_the_limit_is_refused_from_its_length_before_its_body_is_read(personas):
    # the request says 202 MB and sends almost nothing: reading its body would fail, so a page
    # naming the limit proves it was never read
    client = _client(personas.rita)
    body = b"--x\r\n"
    response = client.generic(
        "POST",
        NEW,
        body,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(202 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert "an upload holds at most 50 MB (the CORDEE_IMPORT_MAX_UPLOAD_MB setting)" in (
        response.content.decode().replace("\n", " ")
    )
    assert ImportJob.objects.count() == 0


def test_a_file_past_the_limit_is_refused_by_the_service(personas, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    content = b"Email,Last Name\r\n" + b"ana@exemple.fr,Arnaud\r\n" * 50_000  # 1.2 MB

    message = _refusal(personas, "big.csv", content)

    assert message.startswith("The file is 1.1 MB; an upload holds at most 1 MB")


def test_a_refused_upload_still_needs_its_csrf_token(personas):
    client = _client(personas.rita, enforce_csrf_checks=True)
    upload = SimpleUploadedFile("leads.csv", b"Email,Last Name\r\nana@exemple.fr,Arnaud\r\n")

    response = client.post(NEW, {"kind": "leads", "file": upload})

    assert response.status_code == 403
    assert ImportJob.objects.count() == 0


def test_a_csv_value_past_the_field_limit_is_a_clean_error_in_the_wizard(personas):
    # a quote left open on line 3 makes the rest of the file (11 MB) one value. The request only
    # stores the file; the worker's detection finds the runaway value and says so on step 2
    content = (
        b"Email,Last Name\r\nana@exemple.fr,Arnaud\r\n"
        + b'ben@exemple.fr,"Bonnet\r\n'
        + b"z" * 11_000_000
        + b"\r\n"
    )
    client = _client(personas.rita)

    response = client.post(
        NEW, {"kind": "leads", "file": SimpleUploadedFile("open-quote.csv", content)}
    )

    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "detecting"
    assert detect_uploads()[0].status == "failed"
    page = client.get(reverse("import_mapping", args=["acme", job.pk]))
    assert (
        "Line 3 holds a value longer than 10000000 characters, the most an import reads"
        in page.content.decode().replace("\n", " ")
    )
    job.refresh_from_db()
    assert not job.file  # nothing kept of a refused file


# -- silently wrong files -----------------------------------------------------------------------


def test_a_header_naming_a_column_twice_is_refused_with_the_columns_letters(personas):
    content = "Email,Last Name,Company,Email,Phone,Company\r\na@x.fr,A,ACME,b@x.fr,1,Other\r\n"

    message = _refusal(personas, "twice.csv", content.encode())

    assert "“Email” (A, D); “Company” (C, F)" in message


def test_a_workbook_naming_a_column_twice_is_refused_too(personas):
    twice = _xlsx(_row(1, "Email", "Email"), _row(2, "a@x.fr", "b@x.fr"))

    assert "“Email” (A, B)" in _refusal(personas, "twice.xlsx", twice)


def test_a_file_mixing_utf8_and_cp1252_is_refused_naming_its_first_cp1252_line(personas):
    # lines 2 and 3 in UTF-8, line 4 pasted from a Windows program: "Société" in cp1252
    content = (
        b"Email,Last Name,Company\r\n"
        + "ana@exemple.fr,Arnaud,Société Générale\r\n".encode()
        + "ben@exemple.fr,Bonnet,Crème\r\n".encode()
        + "cle@exemple.fr,Clément,Société Générale\r\n".encode("cp1252")
    )

    message = _refusal(personas, "mixed.csv", content)

    assert "it is UTF-8, but line 4 is not" in message


@pytest.mark.parametrize(
    "encoding",
    ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"],
    ids=["utf16-bom", "utf16le-no-bom", "utf16be-no-bom", "utf32-bom", "utf8-bom"],
)
def test_unicode_files_are_read_right_with_or_without_a_byte_order_mark(personas, encoding):
    content = "Email,Last Name,Company\r\nelo@exemple.fr,Élodie Müller,Société Générale\r\n"

    job = import_job_run(job_id=_create(personas, "u.csv", content.encode(encoding)).pk)

    assert job.status == "succeeded", job.report
    lead = Lead.objects.select_related("contact__account").get()
    assert (lead.contact.last_name, lead.contact.account.name) == (
        "Élodie Müller",
        "Société Générale",
    )


def test_a_cp1252_file_is_still_read(personas):
    content = "Email;Last Name;Company\r\nelo@exemple.fr;Müller;Société Générale\r\n"

    job = _create(personas, "excel.csv", content.encode("cp1252"))

    assert job.detected["format"]["encoding"] == "cp1252"
    assert import_job_run(job_id=job.pk).status == "succeeded"
    assert Lead.objects.get().contact.account.name == "Société Générale"


def test_a_cp1252_file_holding_a_utf8_sequence_by_chance_is_read_as_cp1252(personas):
    # "É" then "–" is C9 96 in cp1252, a valid UTF-8 sequence (U+0256): not a sign of UTF-8
    # pasted in, which writes French letters and signs as "Ã©", "Å“", "â€™"
    content = "Email;Last Name;Company\r\nelo@exemple.fr;Müller;Collection ÉTÉ–HIVER\r\n"

    job = _create(personas, "excel.csv", content.encode("cp1252"))

    assert job.detected["format"]["encoding"] == "cp1252"
    assert import_job_run(job_id=job.pk).status == "succeeded"
    assert Lead.objects.get().contact.account.name == "Collection ÉTÉ–HIVER"


def test_binary_data_is_not_a_csv_file(personas):
    noise = random.Random(15).randbytes(20_000)  # a picture, an archive… renamed .csv

    message = _refusal(personas, "photo.csv", noise)

    assert message == "This is not a CSV or XLSX file (it holds binary data, not text)."


def test_a_file_unreadable_when_it_runs_fails_with_a_message_in_the_readers_language(
    personas, tmp_path: Path
):
    # `cordee import` reads a file in place: changed between detection and the run, its line 3
    # is no longer UTF-8. The job fails (it does not crash the worker) and its report keeps the
    # reason as code and parameters, written in each reader's language.
    path = tmp_path / "leads.csv"
    path.write_bytes(b"Email,Last Name\r\nana@exemple.fr,Arnaud\r\nben@exemple.fr,Bonnet\r\n")
    job = import_job_create(
        actor=None, workspace=personas.acme, kind="leads", filename=path.name, path=str(path)
    )
    path.write_bytes(b"Email,Last Name\r\nana@exemple.fr,Arnaud\r\nben@exemple.fr,Cr\xe8me\r\n")

    job = import_job_run(job_id=job.pk)

    assert job.status == "failed"
    assert job.report["message"]["params"]["error"] == {
        "code": "Line %(line)s cannot be read as %(encoding)s text.",
        "params": {"line": 3, "encoding": "utf-8"},
    }
    with override("en"):
        assert words(job.report["message"]) == (
            "The import failed: Line 3 cannot be read as utf-8 text."
        )
    assert Lead.objects.count() == 0
