"""The columnar path (``columnar`` reading, and on PostgreSQL the staged set-based writes) against
the row path on the same files: the same rejected lines, columns and reasons, the same warnings
and counts, the same rows written. Each file is imported twice from the same database state —
once with the row path, rolled back, once with the columnar path."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from django.db import connection, transaction

from cordee.crm.models import Account, Contact
from cordee.dataio.imports import columnar, engine
from cordee.dataio.imports.kinds import staged
from cordee.dataio.imports.services import import_job_create
from cordee.dataio.imports.validation import RowReader
from tests.dataio.helpers import import_file, report_of

HEADER = "Record ID,First Name,Last Name,Email,Job Title,Phone Number,Country/Region,Company Name,Contact owner\n"


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


class Rollback(Exception):
    pass


def _snapshot(job: Any) -> dict[str, Any]:
    report = report_of(job)
    report.pop("seconds", None)
    contacts = sorted(
        Contact.objects.filter(workspace=job.workspace).values_list(
            "source_system",
            "external_id",
            "email",
            "first_name",
            "last_name",
            "job_title",
            "phone",
            "country",
            "account__name",
            "owner_id",
        ),
        key=repr,
    )
    accounts = sorted(
        Account.objects.filter(workspace=job.workspace).values_list("name", flat=True)
    )
    rejected = ""
    if job.rejected_file:
        with job.rejected_file.open("rb") as handle:
            rejected = handle.read().decode("utf-8")
    return {
        "status": job.status,
        "report": report,
        "contacts": contacts,
        "accounts": accounts,
        "rejected": rejected,
    }


def both(personas, path: Path, monkeypatch, **options: Any) -> tuple[dict, dict, dict]:
    """(row path's outcome, columnar path's outcome, what the columnar path did)."""
    used: dict[str, Any] = {}
    monkeypatch.setattr(engine, "COLUMNAR", False)
    with pytest.raises(Rollback), transaction.atomic():
        rows = _snapshot(import_file(personas, path, "contacts", **options))
        raise Rollback
    monkeypatch.setattr(engine, "COLUMNAR", True)
    read, applies = columnar.read, staged.applies

    def spy_read(*args: Any, **kwargs: Any) -> Any:
        used["columnar"] = read(*args, **kwargs)
        return used["columnar"]

    def spy_applies(*args: Any) -> bool:
        used["staged"] = applies(*args)
        return used["staged"]

    monkeypatch.setattr(columnar, "read", spy_read)
    monkeypatch.setattr(staged, "applies", spy_applies)
    columns = _snapshot(import_file(personas, path, "contacts", **options))
    return rows, columns, used


def write(tmp_path: Path, text: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


TRICKY = (
    HEADER
    + "1,Amélie,Durand,amelie@Example.FR,CTO,+33 1 23 45 67 89,France,Acme SAS,rita@example.fr\n"
    + "2, Jérôme ,Martin,  jerome@example.fr ,DAF,,fr,acme sas,Nobody Here\n"
    + "3,Zoë,Ça\u00a0,zoe@exemple.fr,,,UK,Globex,\n"
    + "4,Bad,Email,not-an-email,,,Narnia,,\n"
    + '5,"Dupont, Jean",Dupont,jean@example.fr,"Chef ""projets""",,,Acme SAS,Rita Test\n'
    + "6,'=SUM(A1),Formula,f@example.fr,,,,,\n"
    + "7,Ctl\x01char,X,c@example.fr,,,,,\n"
    + "8,"
    + "L" * 81
    + ",Long,long@example.fr,,,,,\n"
    + ",,,,,,,,\n"
    + ",Nobody,Keys,,,,,,\n"
    + "11,Tab\there,T,tab@example.fr,,,,,\n"
    + "12,Amélie,Durand,amelie2@example.fr,CTO,,BE,Acme SAS,\n"
    + "13,Ünï,Cödé,UPPER.CASE+tag@SUB.Example.COM,,,DE,,\n"
    + "14,A,B,a@b,,,,,\n"
    + "15,A,B,a..b@example.fr,,,,,\n"
    + "16,A,B,-a@ex-ample.fr,,,,,\n"
    + "17,A,B,a@-example.fr,,,,,\n"
    + "18,\u2028x,B,x@example.fr,,,,,\n"
    + "19,x\u0085,B,y@example.fr,,,,,\n"
    + "20,,,,,,,,\n"
)


def test_a_file_of_tricky_values_reads_the_same_both_ways(personas, tmp_path, monkeypatch):
    rows, columns, used = both(personas, write(tmp_path, TRICKY), monkeypatch, keep_good_rows=True)
    assert used["columnar"] is not None  # the columnar path read it
    assert columns == rows
    # an independent look at what was refused and why
    lines = sorted({e["line"] for e in rows["report"]["errors"]})
    assert lines == [5, 8, 9, 11, 15, 16, 18]
    assert rows["report"]["rows"] == 19  # the blank record is no record
    assert rows["status"] == "succeeded"


def test_all_or_nothing_and_dry_run_the_same_both_ways(personas, tmp_path, monkeypatch):
    path = write(tmp_path, TRICKY)
    rows, columns, _used = both(personas, path, monkeypatch)
    assert columns == rows and rows["status"] == "failed" and rows["contacts"] == []
    rows, columns, _used = both(personas, path, monkeypatch, dry_run=True)
    assert columns == rows and rows["contacts"] == []


def _existing(workspace: Any) -> dict[str, Contact]:
    make = Contact.objects.create
    return {
        "by_id": make(
            workspace=workspace,
            email="jean@example.fr",
            first_name="Jean",
            last_name="Dupont",
            source_system="hubspot",
            external_id="51",
            phone="01 02",
        ),
        "by_email": make(
            workspace=workspace, email="marie@example.fr", first_name="Marie", last_name="Curie"
        ),
        "other_id": make(
            workspace=workspace,
            email="other@example.fr",
            source_system="hubspot",
            external_id="99",
        ),
        "foreign_id": make(
            workspace=workspace,
            email="sf@example.fr",
            source_system="salesforce",
            external_id="003",
            job_title="Boss",
        ),
        "no_id": make(workspace=workspace, email="noid@example.fr"),
        "twice": make(
            workspace=workspace,
            email="twice@example.fr",
            source_system="hubspot",
            external_id="70",
        ),
        "same_name": make(
            workspace=workspace,
            email="homonym@example.fr",
            first_name="Paul",
            last_name="Homonyme",
            account=Account.objects.create(workspace=workspace, name="Homonymes SA"),
        ),
    }


REIMPORT = (
    HEADER
    + "51,Marie,,marie@example.fr,,,,,\n"  # id → Jean, e-mail → Marie: refused
    + "52,,,other@example.fr,,,,,\n"  # e-mail → a contact with id 99 of the same system
    + "53,Adopt,,noid@example.fr,,,,,\n"  # e-mail → a contact without id: adopts 53
    + "54,,New,sf@example.fr,,,,,\n"  # e-mail → an id of another system: updated
    + "70,,,,,,,,\n"  # id → twice
    + ",,,twice@example.fr,,,,,\n"  # e-mail → the same contact: refused
    + "51,,Dupont-Renamed,jean.new@example.fr,CEO,,FR,New Co,rita@example.fr\n"
    + "55,Paul,Homonyme,paul2@example.fr,,,,homonymes sa,\n"  # looks like an existing one
    + "56,Paul,Homonyme,paul3@example.fr,,,,Homonymes SA,\n"
)


@pytest.mark.parametrize("keep", [True, False])
def test_a_reimport_matches_refuses_and_updates_the_same_both_ways(
    personas, tmp_path, monkeypatch, keep
):
    existing = _existing(personas.acme)
    # 51 twice in the file: two records with the same id are merged, the row path's job
    path = write(tmp_path, REIMPORT)
    rows, columns, used = both(personas, path, monkeypatch, keep_good_rows=keep)
    assert used["columnar"] is not None and used["staged"] is False
    assert columns == rows
    if keep:  # the two new Paul Homonyme look like the existing one
        warned = {w["line"] for w in rows["report"]["warnings"]}
        assert warned == {9, 10}, "the homonyms are warned about"
    # without the repeated id: every row is its own record, staged on PostgreSQL
    lines = REIMPORT.splitlines(keepends=True)
    path = write(tmp_path, "".join(lines[:7] + lines[8:]), "unique.csv")
    rows, columns, used = both(personas, path, monkeypatch, keep_good_rows=keep)
    assert used["staged"] is (connection.vendor == "postgresql")
    assert columns == rows
    errors = {(e["line"], e["column"]) for e in rows["report"]["errors"]}
    assert errors == {(2, ""), (3, ""), (7, "")}
    if keep:
        assert ("hubspot", "53", "noid@example.fr") in [c[:3] for c in rows["contacts"]]
        foreign = [c for c in rows["contacts"] if c[2] == "sf@example.fr"]
        assert foreign == [
            ("salesforce", "003", "sf@example.fr", "", "New", "Boss", "", "", None, None)
        ]
        # the homonyms written by the first import are found again by their e-mails: updated,
        # no duplicates
        assert rows["report"]["warnings"] == []
    else:
        assert rows["status"] == "failed"
    assert existing["by_id"].pk


@pytest.mark.parametrize(
    "text",
    [
        HEADER + '1,"Multi\nline",X,m@example.fr,,,,,\n2,A,B,b@example.fr,,,,,\n',
        HEADER + "1,A,B,a@example.fr,,,,,\n\n2,A,B,b@example.fr,,,,,\n",
        HEADER + '1,A "quoted" B,B,a@example.fr,,,,,\n',
        HEADER + "1,A,B,a@example.fr\n2,A,B,b@example.fr,,,,,,,extra\n",
        HEADER + "1,A,B,a@example.fr,,,,,\r2,A,B,b@example.fr,,,,,\r",
    ],
    ids=["multiline", "blank-line", "stray-quote", "widths", "cr"],
)
def test_files_whose_lines_are_not_records_go_the_row_path(personas, tmp_path, monkeypatch, text):
    rows, columns, used = both(personas, write(tmp_path, text), monkeypatch, keep_good_rows=True)
    assert used["columnar"] is None
    assert columns == rows


def test_other_encodings_and_separators_read_the_same(personas, tmp_path, monkeypatch):
    text = TRICKY.replace(",", ";").replace('"Dupont; Jean"', '"Dupont, Jean"')
    path = tmp_path / "excel.csv"
    path.write_bytes(text.replace("\u2028", "").replace("\u0085", "").encode("cp1252"))
    rows, columns, used = both(personas, path, monkeypatch, keep_good_rows=True)
    assert used["columnar"] is not None
    assert columns == rows
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + TRICKY.replace("\n", "\r\n").encode("utf-8"))
    rows, columns, used = both(personas, path, monkeypatch, keep_good_rows=True)
    assert used["columnar"] is not None
    assert columns == rows


ALPHABET = [*list("aZé0.@-_+' ,\t\"="), "\x01", "\x7f", "\xa0", "\u2028", "\x85", "\x1c", "ß", "İ"]


def test_random_cells_get_the_row_paths_values_and_reasons(personas, tmp_path):
    """Thousands of random cells through both readers, cell by cell (no file, no database)."""
    path = write(tmp_path, HEADER + "1,A,B,a@example.fr,,,,,\n")
    with path.open("rb") as handle:
        job = import_job_create(
            actor=personas.actor("rita"), kind="contacts", filename="f.csv", content=handle
        )
    reader = RowReader(job)
    rng = random.Random(7)

    header = job.detected["format"]["header"]

    def cell(column: str) -> str:
        if rng.random() < 0.25:
            return rng.choice(["", " ", "\u00a0"])
        if column == "Country/Region":
            return rng.choice(["FR", "fr", "France", " uk ", "Narnia", "xx", "Belgique"])
        if column == "Email" and rng.random() < 0.8:
            user = "".join(rng.choice("abcXYZ09._+-") for _ in range(rng.randint(0, 6)))
            host = "".join(rng.choice("abcXYZ09.-") for _ in range(rng.randint(0, 8)))
            return f"{user}@{host}" + rng.choice(["", ".fr", ".COM", "  "])
        letters = ALPHABET if rng.random() < 0.3 else list("abcdefXYZ é-")
        return "".join(rng.choice(letters) for _ in range(rng.randint(0, 8)))

    n, width = 3000, len(header)
    cells = [[cell(header[c]) for _ in range(n)] for c in range(width)]
    table = pa.table({f"c{i}": pa.array(column, pa.string()) for i, column in enumerate(cells)})
    got = columnar._check(table, reader, None)
    expected_errors, expected_good = [], []
    rows = 0
    for i in range(n):
        record = [cells[c][i] for c in range(width)]
        if not any(c.strip() for c in record):
            continue
        rows += 1
        values, errors = reader.read(i + 2, record)
        expected_errors.extend(errors)
        if not errors:
            expected_good.append((i + 2, values))
    assert got.rows == rows
    assert got.errors == expected_errors
    assert [(r.line, r.values) for r in got.rows_list()] == expected_good
    assert len(expected_good) > 100 and len(expected_errors) > 100  # both kinds were tried


def test_the_remembered_name_keys_are_the_selectors_name_keys():
    from cordee.crm.selectors import name_key
    from cordee.dataio.imports.duplicates import _name_keys

    rng = random.Random(3)
    keys = _name_keys()
    values = [None, "", " ", "Jean-Pierre", "O'Neil 3", "Société Générale", "ÉCOLE", "ß", "İ"]
    values += ["".join(rng.choice(ALPHABET + list("AbC")) for _ in range(6)) for _ in range(2000)]
    for value in values * 2:  # the second time from the cache
        assert keys(value) == name_key(value), value
