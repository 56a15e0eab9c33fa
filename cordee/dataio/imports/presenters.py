"""The import wizard's pages as their templates read them: what was detected and how, the
samples of each column, the preview's cells, the progress and the result.

The views (``views.py``) parse, call ``services`` / ``selectors`` and render what this module
shapes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cordee.dataio.imports import reading
from cordee.dataio.imports.forms import MappingChoices, UploadForm
from cordee.dataio.imports.rows import Preview
from cordee.dataio.imports.selectors import ImportProgress, import_fields, import_progress_of
from cordee.dataio.imports.words import Text, report_words, words
from cordee.dataio.models import ImportJob, ImportPhase, ImportStatus, SourceSystem

SAMPLES = 3  # values shown under each column of the mapping step
ERRORS_SHOWN = 200  # the rest is in the rejected-rows file


def upload_page(form: UploadForm) -> dict[str, Any]:
    return {"nav": "imports", "form": form, "step": 1}


# -- step 2: detection and mapping -----------------------------------------------------------------


def detecting_page(job: ImportJob) -> dict[str, Any]:
    """Step 2 while the worker reads the file, or once it could not (why, in the reader's
    language)."""
    context = detecting_context(job)
    context.update(nav="imports", step=2)
    return context


def detecting_context(job: ImportJob) -> dict[str, Any]:
    """The part of the page polled while the file is being read (``import_progress``)."""
    waiting = job.status == ImportStatus.DETECTING and job.phase == ImportPhase.READY
    return {
        "job": job,
        "job_id": job.pk,
        "detecting": job.status == ImportStatus.DETECTING,
        "waiting": waiting,  # the worker has not picked it up yet
        "failed": job.detection_failed,
        "message": words((job.report or {}).get("message", "")),
    }


def mapping_page(job: ImportJob, choices: MappingChoices) -> dict[str, Any]:
    context = _mapping_context(
        job, selected=choices.selected, orders=choices.orders, errors=choices.errors
    )
    context.update(
        nav="imports",
        step=2,
        error_message=choices.message,
        dry_run=choices.dry_run,
        keep_good_rows=choices.keep_good_rows,
    )
    return context


def _samples(job: ImportJob) -> list[list[str]]:
    """The first non-empty values of each column, as written in the file."""
    fmt = reading.SourceFormat.from_dict(job.detected["format"])
    found: list[list[str]] = [[] for _column in fmt.header]
    for seen, (_line, cells) in enumerate(reading.records(job.source_file_path(), fmt)):
        for i, cell in enumerate(cells[: len(found)]):
            value = str(cell).strip() if cell is not None else ""
            if value and len(found[i]) < SAMPLES and value not in found[i]:
                found[i].append(value[:80])
        if seen >= 50 or all(len(v) >= SAMPLES for v in found):
            break
    return found


def _raw_rows(job: ImportJob, lines: set[int]) -> dict[int, list[str]]:
    """The cells of the given lines as written in the file (to show a value that is wrong)."""
    if not lines:
        return {}
    fmt = reading.SourceFormat.from_dict(job.detected["format"])
    found: dict[int, list[str]] = {}
    for line, cells in reading.records(job.source_file_path(), fmt):
        if line in lines:
            found[line] = ["" if c is None else str(c) for c in cells]
        if line >= max(lines):
            break
    return found


def _order_label(order: str) -> str:
    return {
        "dmy": _("day/month/year"),
        "mdy": _("month/day/year"),
        "iso": _("ISO (year first)"),
    }.get(order, order)


def _date_note(info: dict[str, Any], language: str) -> str:
    order = _order_label(info.get("order", ""))
    if info.get("chosen"):
        return _("Read as %(order)s, as you chose.") % {"order": order}
    if info.get("ambiguous"):
        if language == "fr":
            return _(
                "Read as %(order)s: every day in this column is 12 or less, so day-first was "
                "chosen from the workspace's language (French)."
            ) % {"order": order}
        return _(
            "Read as %(order)s: every day in this column is 12 or less, so month-first was "
            "chosen from the workspace's language (English)."
        ) % {"order": order}
    if info.get("order") == "iso":
        return _("ISO dates (year first).")
    return _("Read as %(order)s: the values prove it.") % {"order": order}


def _number_note(info: dict[str, Any]) -> str:
    if info.get("decimal") == ",":
        note = _("Decimal comma (1 250,50); spaces and dots group the thousands.")
    else:
        note = _("Decimal point (1,250.50); commas group the thousands.")
    if info.get("ambiguous"):
        note += " " + _("No value proves it: chosen from the workspace's language.")
    return note


def _format_facts(job: ImportJob) -> list[tuple[str, str]]:
    fmt = job.detected.get("format", {})
    encodings = {
        "utf-8-sig": _("UTF-8 with BOM"),
        "utf-8": _("UTF-8"),
        "cp1252": _("Windows-1252 (Excel in French)"),
        "latin-1": _("Latin-1"),
    }
    separators = {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}
    facts = []
    if fmt.get("file_type") == "xlsx":
        facts.append((_("File type"), _("Excel workbook (XLSX)")))
        if fmt.get("sheet"):
            facts.append((_("Sheet"), fmt["sheet"]))
    else:
        facts.append((_("File type"), _("CSV text file")))
        encoding = fmt.get("encoding", "")
        facts.append((_("Encoding"), encodings.get(encoding, encoding)))
        delimiter = fmt.get("delimiter", ",")
        facts.append((_("Separator"), separators.get(delimiter, delimiter)))
    facts.append((_("Rows"), str(job.rows_total)))
    return facts


def _source_note(source: str) -> str:
    if source == SourceSystem.HUBSPOT:
        return _("HubSpot export recognised: its columns were matched to Cordée's fields.")
    if source == SourceSystem.SALESFORCE:
        return _("Salesforce export recognised: its columns were matched to Cordée's fields.")
    return _(
        "No HubSpot or Salesforce layout recognised: columns named like Cordée's fields were "
        "matched; check the others."
    )


def _mapping_context(
    job: ImportJob,
    *,
    selected: dict[str, str],
    orders: dict[str, str],
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    header: list[str] = job.detected["format"]["header"]
    fields = import_fields(job.kind)
    labels = {spec.name: str(spec.label) for spec in fields}
    dates = job.detected.get("dates", {})
    numbers = job.detected.get("numbers", {})
    language = job.workspace.default_language
    samples = _samples(job)
    numeric = {spec.name for spec in fields if spec.is_number}
    columns = []
    for i, column in enumerate(header):
        date = dates.get(column)
        number = numbers.get(column)
        columns.append(
            {
                "index": i,
                "name": column,
                "samples": samples[i] if i < len(samples) else [],
                "selected": selected.get(column, ""),
                "date": date,
                "date_note": _date_note(date, language) if date else "",
                "order": orders.get(column) or (date or {}).get("order", ""),
                # a column whose dates prove nothing (or whose order someone chose) can be switched
                "can_reorder": bool(date)
                and date.get("order") in ("dmy", "mdy")
                and bool(date.get("ambiguous") or date.get("chosen")),
                # an identifier or a phone number looks like a number too: say how amounts
                # are read only where it matters
                "number_note": _number_note(number)
                if number and (not number.get("ambiguous") or selected.get(column) in numeric)
                else "",
                "errors": errors.get(column, []),
            }
        )
    mapped = {v for v in selected.values() if v}
    missing = [labels[s.name] for s in fields if s.required and s.name not in mapped]
    general = [e for name, errs in errors.items() if name not in header for e in errs]
    return {
        "job": job,
        "columns": columns,
        "fields": fields,
        "missing_required": missing,
        "general_errors": general,
        "format_facts": _format_facts(job),
        "source_note": _source_note(job.source_system),
        "source_known": job.source_system != SourceSystem.CSV,
    }


# -- step 3: preview -------------------------------------------------------------------------------


def preview_page(job: ImportJob, preview: Preview) -> dict[str, Any]:
    raw = _raw_rows(job, {row.line for row in preview.rows if row.errors})
    index = {column: i for i, column in enumerate(preview.header)}
    specs = {spec.name: spec for spec in preview.fields}
    # the mapped columns, in the file's order
    shown = [(c, specs[preview.mapping[c]]) for c in preview.header if c in preview.mapping]
    rows = []
    for row in preview.rows:
        by_column: dict[str, list[Text]] = {}
        for error in row.errors:
            by_column.setdefault(error.column, []).append(error.reason)
        cells = []
        for column, spec in shown:
            errors = by_column.get(column, [])
            value = row.values.get(spec.name, "")
            if errors:  # what the file says, since it cannot be stored
                cells_of_line = raw.get(row.line, [])
                value = cells_of_line[index[column]] if index[column] < len(cells_of_line) else ""
            cells.append({"value": value, "errors": errors})
        rows.append({"line": row.line, "cells": cells, "errors": row.errors})
    labels = {spec.name: str(spec.label) for spec in preview.fields}
    return {
        "nav": "imports",
        "step": 3,
        "job": job,
        "preview": preview,
        "shown": shown,
        "rows": rows,
        "rows_with_errors": sum(1 for r in rows if r["errors"]),
        "missing_required": [labels[n] for n in preview.missing_required],
        "is_draft": job.status == ImportStatus.DRAFT,
    }


# -- step 4: progress and result -------------------------------------------------------------------


def detail_page(job: ImportJob) -> dict[str, Any]:
    context = status_context(job)
    context.update(nav="imports", step=4)
    return context


def progress_context(progress: ImportProgress) -> dict[str, Any]:
    phase = ImportPhase(progress.phase).label if progress.phase in ImportPhase.values else ""
    status = ImportStatus(progress.status).label if progress.status in ImportStatus.values else ""
    return {
        "progress": progress,
        "job_id": progress.job_id,
        "phase_label": phase,
        "status_label": status,
    }


def status_context(job: ImportJob) -> dict[str, Any]:
    report = report_words(job.report or {})
    errors = list(report.get("errors", []))
    rejected = int(report.get("rejected", job.errors_count) or 0)
    return {
        **progress_context(import_progress_of(job)),
        "job": job,
        "report": report,
        "errors": errors[:ERRORS_SHOWN],
        "errors_hidden": max(int(report.get("errors_total", len(errors)) or 0) - ERRORS_SHOWN, 0),
        "merges": list(report.get("merges", []))[:ERRORS_SHOWN],
        "warnings": list(report.get("warnings", []))[:ERRORS_SHOWN],
        "rejected": rejected,
        "nothing_written": job.is_finished and (job.dry_run or job.status == ImportStatus.FAILED),
        "stopped": bool(report.get("stopped")) or (job.is_finished and "rows" not in report),
        "can_keep_good_rows": job.is_finished and rejected > 0 and not job.keep_good_rows,
    }
