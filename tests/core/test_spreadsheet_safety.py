"""Every file Cordée writes for a spreadsheet goes through ``core.spreadsheet``: a text that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) is
neutralised, numbers stay numbers, and a stored control character never breaks an XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl
from django.test import Client

from cordee.attribution.presenters import credits_csv
from cordee.cli.management.commands.attribution import render
from cordee.core.exports import Dialect, ExportColumn, csv_lines, xlsx_write
from cordee.crm.models import Account
from cordee.dataio.exports.workspace import workspace_export_write
from cordee.dataio.imports.engine import _write_rejected
from cordee.dataio.imports.reading import SourceFormat
from cordee.dataio.imports.rows import RowError
from cordee.dataio.imports.values import text
from cordee.dataio.models import import_storage
from cordee.funnel.metrics import MetricsRow
from cordee.funnel.presenters import metrics_csv
from tests import factories as f

# (what is stored, what a CSV cell must hold): hand-written, after OWASP's CSV-injection advice
TEXTS = [
    ("=1+1", "'=1+1"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-x", "'-x"),
    ("-1+2", "'-1+2"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\tTAB", "'\tTAB"),
    ("\rCR", "'\rCR"),
    ("-12.5", "-12.5"),  # a number written as text: read as that number, calls nothing
    ("Aciéries", "Aciéries"),
]
UTC = ZoneInfo("UTC")


def _parse(data: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.lstrip("\ufeff"), newline=""), delimiter=delimiter))


# -- the list exports (every page's "Export CSV / XLSX", the audit log, the queue, the inbox) -----


COLUMNS = [ExportColumn("Name", lambda r: r.name), ExportColumn("Amount", lambda r: r.amount)]
ROWS = [SimpleNamespace(name=stored, amount=Decimal("-12.50")) for stored, _ in TEXTS]


def test_the_list_csv_neutralises_formulas_and_keeps_numbers():
    lines = csv_lines(ROWS, COLUMNS, dialect=Dialect(",", "."), tz=UTC)
    _header, *rows = _parse("".join(lines))
    assert [r[0] for r in rows] == [safe for _, safe in TEXTS]
    assert {r[1] for r in rows} == {"-12.50"}


def test_the_list_xlsx_keeps_formulas_as_quoted_text_and_numbers_as_numbers():
    out = io.BytesIO()
    xlsx_write(out, ROWS, COLUMNS, title="Accounts", tz=UTC)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    names = [row[0] for row in sheet.iter_rows(min_row=2)]
    # verbatim (XML reads a carriage return back as a line feed)
    assert [c.value for c in names] == [stored.replace("\r", "\n") for stored, _ in TEXTS]
    assert {c.data_type for c in names} == {"s"}  # text, never a formula
    # Excel's own "typed with a leading '": the cell stays text when edited
    assert [c.quotePrefix for c in names] == [
        s.startswith(("=", "+", "-", "@", "\t", "\r")) for s, _ in TEXTS
    ]
    amounts = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert {(c.data_type, c.value) for c in amounts} == {("n", -12.5)}


def test_the_xlsx_writer_replaces_control_characters_it_cannot_hold():
    out = io.BytesIO()
    rows = [SimpleNamespace(name="a\x01b\x00c", amount=1)]
    xlsx_write(out, rows, COLUMNS, title="Accounts", tz=UTC)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet["A2"].value == "a\ufffdb\ufffdc"
    assert sheet["B2"].value == 1


def test_an_account_already_storing_a_control_character_exports_as_xlsx(personas):
    f.AccountFactory(workspace=personas.acme, name="a\x01b")  # stored before input refused it
    client = Client()
    client.force_login(personas.bob)
    response = client.get("/w/acme/accounts/export/", {"file": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active["B2"].value == "a\ufffdb"


# -- reports ---------------------------------------------------------------------------------------


def test_the_funnel_metrics_csv_neutralises_a_campaign_name():
    row = MetricsRow(
        key="7",
        label='=HYPERLINK("http://x")',
        mqls=4,
        sal=2,
        sql=1,
        won=1,
        median_days_mql_to_sal=1.5,
        median_days_sal_to_sql=None,
        median_days_sql_to_won=None,
    )
    period = SimpleNamespace(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    response = metrics_csv(SimpleNamespace(rows=(row,)), "campaign", period)
    _header, line = _parse(response.content.decode())
    assert line[:7] == ['\'=HYPERLINK("http://x")', "7", "4", "2", "1", "1", "0.5000"]
    assert line[10] == "1.5"


def test_the_attribution_csv_neutralises_a_campaign_name_and_keeps_negative_credits():
    snapshot = SimpleNamespace(
        credits={"shapley": {"9": "-0.2500"}},
        value_credits={"shapley": {"9": "-120.00"}},
        pipeline_credits={"shapley": {"9": "-80.00"}},
    )
    rows = [{"key": "9", "name": "@SUM(A1)"}]
    response = credits_csv(snapshot, rows, SimpleNamespace(key="2026-q1"), "campaign")
    header, line = _parse(response.content.decode())
    assert line[0] == "'@SUM(A1)"
    assert line[header.index("shapley")] == "-0.2500"
    assert line[header.index("shapley_value")] == "-120.00"
    assert line[header.index("shapley_pipeline")] == "-80.00"


def test_the_attribution_command_csv_neutralises_a_channel():
    result = SimpleNamespace(
        channels=["=cmd", "email"], credits=np.array([1.5, -0.5]), removal_effects=None
    )
    assert _parse(render(result, "csv")) == [
        ["channel", "credit"],
        ["'=cmd", "1.5"],
        ["email", "-0.5"],
    ]


# -- the whole workspace and an import's rejected rows ------------------------------------------


def test_the_workspace_zip_neutralises_texts_and_keeps_numbers(personas, tmp_path):
    account = f.AccountFactory(workspace=personas.acme, name="=1+1", city="-x")
    f.OpportunityFactory(
        workspace=personas.acme, account=account, name="+33 6 12", amount=Decimal("12.50")
    )
    out = tmp_path / "acme.zip"
    workspace_export_write(out, workspace=personas.acme, fmt="csv")
    with zipfile.ZipFile(out) as zf:
        accounts = list(csv.DictReader(io.StringIO(zf.read("accounts.csv").decode())))
        deals = list(csv.DictReader(io.StringIO(zf.read("opportunities.csv").decode())))
    assert [(a["name"], a["city"]) for a in accounts] == [("'=1+1", "'-x")]
    assert [(d["name"], d["amount"]) for d in deals] == [("'+33 6 12", "12.50")]


def test_the_rejected_rows_file_neutralises_cells_and_reads_back_as_stored(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    source = tmp_path / "source.csv"
    source.write_text("name;amount\n=1+1;-12.5\n@x;3\n", encoding="utf-8")
    fmt = SourceFormat("csv", "utf-8", ";", ["name", "amount"], "")
    job = SimpleNamespace(pk=1, source_file_path=lambda: str(source))
    errors = [RowError(2, "name", "bad"), RowError(3, "amount", "bad")]
    name = _write_rejected(job, fmt, errors)  # type: ignore[arg-type]
    with import_storage().open(name) as handle:
        rows = _parse(handle.read().decode("utf-8"), ";")
    assert [r[2:] for r in rows[1:]] == [["'=1+1", "-12.5"], ["'@x", "3"]]
    # corrected and imported again, a cell is what it was (the quote the export added is dropped)
    assert [text(r[2]) for r in rows[1:]] == ["=1+1", "@x"]
    assert text("'plain") == "'plain"


def test_an_import_reads_back_a_neutralised_cell_and_refuses_a_control_character(
    personas, tmp_path
):
    from tests.dataio.helpers import import_file, report_of

    path = tmp_path / "accounts.csv"
    path.write_text("Name,City\n'=1+1,'-x\nBad\x01Name,Lyon\n", encoding="utf-8")
    job = import_file(
        personas, path, "accounts", mapping={"Name": "name", "City": "city"}, keep_good_rows=True
    )
    assert list(Account.objects.filter(workspace=personas.acme).values_list("name", "city")) == [
        ("=1+1", "-x")
    ]
    (error,) = report_of(job, "en")["errors"]
    assert (error["line"], error["column"]) == (3, "Name")
    assert "control character (U+0001)" in error["reason"]
