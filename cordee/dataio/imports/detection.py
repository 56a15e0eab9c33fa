"""Detection: one pass over a new file finds its format, the source system, a proposed mapping
and, per column, how dates and numbers are written (or that nothing proves it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cordee.dataio.imports import reading
from cordee.dataio.imports.layouts import (
    detect_source_system,
    field_specs,
    propose_mapping,
)
from cordee.dataio.imports.values import (
    DateEvidence,
    NumberEvidence,
)
from cordee.dataio.imports.words import Text, stored
from cordee.dataio.imports.words import later as _

# Detection runs in the worker once a file is uploaded (``runner.import_job_detect``) and in
# ``cordee import`` before its run; the wizard's page waits on it, so it stays bounded. A CSV is
# read to the end (the upload's size bounds it: about a second for 50 MB here); openpyxl reads
# an XLSX some 5,000 rows a second, so only its first rows are looked at and the sheet's own
# row count is shown until the run counts them.
XLSX_DETECTED_ROWS = 10_000


def detect(path: str, *, kind: str, language: str) -> tuple[dict[str, Any], dict[str, str], str]:
    """(detected format, proposed mapping, source system) after one pass over the file."""
    fmt, records = reading.sniff_records(path)
    if not any(fmt.header):
        raise reading.ReadError(_("The first line must name the columns."))
    mapping = propose_mapping(kind, fmt.header)
    source = detect_source_system(fmt.header)
    dates: dict[int, DateEvidence] = {}
    numbers: dict[int, NumberEvidence] = {}
    iso: dict[int, int] = {}
    native: dict[int, int] = {}
    rows = 0
    sample = 200
    candidates: set[int] | None = None
    all_columns = range(len(fmt.header))
    estimated = 0
    for rows, (_line, cells) in enumerate(records, start=1):
        if fmt.file_type == "xlsx" and rows > XLSX_DETECTED_ROWS:
            rows, estimated = rows - 1, fmt.rows_declared
            records.close()  # the workbook, now
            break
        columns = all_columns if candidates is None else candidates
        for i in columns:
            value = cells[i] if i < len(cells) else ""
            if value == "" or value is None:
                continue
            if isinstance(value, dt.date):
                native[i] = native.get(i, 0) + 1
            elif isinstance(value, str):
                dates.setdefault(i, DateEvidence()).see(value)
                if value[:4].isdigit() and value[4:5] == "-":
                    iso[i] = iso.get(i, 0) + 1
                if any(c.isdigit() for c in value[:3]):
                    numbers.setdefault(i, NumberEvidence()).see(value)
        if rows == sample:
            # only columns that look like dates or numbers, and are not mapped to a text field
            # (an id, a phone number…), are read to the end
            specs = field_specs(kind)
            text_columns = {
                fmt.header.index(c)
                for c, name in mapping.items()
                if c in fmt.header and not (specs[name].is_date or specs[name].is_number)
            }
            candidates = {i for i, ev in dates.items() if ev.seen} | set(numbers) | set(iso)
            candidates -= text_columns
        elif candidates and rows % 1000 == 0:
            # a column whose format is proven needs no more looking at (the wizard waits on
            # detection: only undecided columns are read to the end)
            candidates = {i for i in candidates if not _decided(dates.get(i), numbers.get(i))}
    detected: dict[str, Any] = {
        "format": fmt.as_dict(),
        "rows": max(rows, estimated),
        "dates": {},
        "numbers": {},
    }
    for i, column in enumerate(fmt.header):
        evidence = dates.get(i)
        if evidence and evidence.seen:
            order, ambiguous = evidence.decide(language)
            if ambiguous:
                reason = _(
                    "Every day in this column is 12 or less: read as %(order)s, as the workspace's language."
                ) % {"order": _order_text(order)}
            else:
                reason = _("Read as %(order)s (a value such as %(example)s proves it).") % {
                    "order": _order_text(order),
                    "example": _proof(evidence, order),
                }
            detected["dates"][column] = {
                "order": order,
                "ambiguous": ambiguous,
                "reason": stored(reason),  # written in the reader's language when read
                "example": evidence.example,
            }
        elif iso.get(i) or native.get(i):
            detected["dates"][column] = {
                "order": "iso",
                "ambiguous": False,
                "reason": stored(_("ISO dates (year first).")),
                "example": "",
            }
        number = numbers.get(i)
        if number and column not in detected["dates"]:
            decimal, ambiguous = number.decide(language)
            detected["numbers"][column] = {"decimal": decimal, "ambiguous": ambiguous}
    return detected, mapping, source


def _decided(date: DateEvidence | None, number: NumberEvidence | None) -> bool:
    if date is not None and date.seen:
        return bool(date.day_first or date.month_first)
    return number is not None and bool(number.comma or number.dot)


def _order_text(order: str) -> Text:
    return _("day/month/year") if order == "dmy" else _("month/day/year")


def _proof(evidence: DateEvidence, order: str) -> str:
    return evidence.proof_day_first if order == "dmy" else evidence.proof_month_first
