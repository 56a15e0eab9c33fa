"""The import wizard: upload a file, check what was detected and map its columns, preview the
rows as they will be stored, run it in the background with a progress bar, read the result.

Every page is for holders of ``data.import`` (403 for the others, the list included: an
import's report shows the rows of the file, personal data included). Views stay thin: they
parse the request, call ``cordee.dataio.imports.services`` / ``selectors`` and render.
"""

from __future__ import annotations

import os
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.core.web import add_field_errors, workspace_view
from cordee.dataio.imports import reading
from cordee.dataio.imports.selectors import (
    ImportProgress,
    import_fields,
    import_job_get,
    import_job_progress,
    import_jobs_list,
    import_progress_of,
)
from cordee.dataio.imports.services import (
    import_job_configure,
    import_job_create,
    import_job_preview,
    import_job_start,
)
from cordee.dataio.models import ImportJob, ImportKind, ImportPhase, ImportStatus, SourceSystem

CAPABILITY = "data.import"
ACCEPTED = (".csv", ".tsv", ".txt", ".xlsx")
SAMPLES = 3  # values shown under each column of the mapping step
PREVIEW_ROWS = 10
ERRORS_SHOWN = 200  # the rest is in the rejected-rows file

_KIND_HELP = gettext_lazy(
    "A HubSpot or Salesforce contacts export is best imported as leads: their lifecycle dates "
    "become the funnel history."
)


def _url(name: str, actor: Actor, job: ImportJob | None = None) -> str:
    args: list[Any] = [actor.workspace.slug]
    if job is not None:
        args.append(job.pk)
    return reverse(name, args=args)


# -- the list --------------------------------------------------------------------------------------


@workspace_view
def imports_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    actor.require(CAPABILITY)
    jobs = import_jobs_list(actor=actor, limit=30)
    return render(request, "dataio/import_list.html", {"nav": "imports", "jobs": jobs})


# -- step 1: upload --------------------------------------------------------------------------------


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"), choices=ImportKind.choices, help_text=_KIND_HELP
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (comma, semicolon or tab; UTF-8 or Windows/Excel encoding) or XLSX, the first "
            "line naming the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ACCEPTED):
            raise forms.ValidationError(
                _("“%(name)s” is not a CSV or XLSX file.") % {"name": upload.name}
            )
        return upload


@workspace_view
def import_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    actor.require(CAPABILITY)
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_job_create(
                    actor=actor,
                    kind=form.cleaned_data["kind"],
                    filename=upload.name,
                    content=upload,
                )
            except ValidationFailed as exc:
                add_field_errors(form, exc)
            else:
                return HttpResponseRedirect(_url("import_mapping", actor, job))
        status = 422
    else:
        kind = request.GET.get("kind", "")
        form = UploadForm(initial={"kind": kind if kind in ImportKind.values else "leads"})
    context = {"nav": "imports", "form": form, "step": 1}
    return render(request, "dataio/import_new.html", context, status=status)


# -- step 2: detection and mapping -----------------------------------------------------------------


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


@workspace_view
def import_mapping(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    actor.require(CAPABILITY)
    job = import_job_get(actor=actor, job_id=pk)
    if job.status != ImportStatus.DRAFT:
        return HttpResponseRedirect(_url("import_detail", actor, job))
    header: list[str] = job.detected["format"]["header"]
    selected: dict[str, str] = dict(job.mapping)
    orders: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    message = ""
    status = 200
    dry_run, keep_good_rows = job.dry_run, job.keep_good_rows
    if request.method == "POST":
        selected = {c: request.POST.get(f"map-{i}", "") for i, c in enumerate(header)}
        dates = job.detected.get("dates", {})
        for i, column in enumerate(header):
            order = request.POST.get(f"order-{i}", "")
            if order in ("dmy", "mdy") and order != dates.get(column, {}).get("order"):
                orders[column] = order
        dry_run = request.POST.get("dry_run") == "on"
        keep_good_rows = request.POST.get("keep_good_rows") == "on"
        try:
            import_job_configure(
                actor=actor,
                job_id=job.pk,
                mapping={c: v or None for c, v in selected.items()},
                date_orders=orders or None,
                dry_run=dry_run,
                keep_good_rows=keep_good_rows,
            )
        except ValidationFailed as exc:
            errors, message, status = exc.field_errors, exc.message, 422
        else:
            return HttpResponseRedirect(_url("import_preview", actor, job))
    context = _mapping_context(job, selected=selected, orders=orders, errors=errors)
    context.update(
        nav="imports",
        step=2,
        error_message=message,
        dry_run=dry_run,
        keep_good_rows=keep_good_rows,
    )
    return render(request, "dataio/import_mapping.html", context, status=status)


# -- step 3: preview, and start --------------------------------------------------------------------


@workspace_view
def import_preview(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    actor.require(CAPABILITY)
    job = import_job_get(actor=actor, job_id=pk)
    if request.method == "POST":
        try:
            import_job_start(actor=actor, job_id=job.pk)
        except ValidationFailed as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(_url("import_mapping", actor, job))
        return HttpResponseRedirect(_url("import_detail", actor, job))
    preview = import_job_preview(actor=actor, job_id=job.pk, rows=PREVIEW_ROWS)
    raw = _raw_rows(job, {row.line for row in preview.rows if row.errors})
    index = {column: i for i, column in enumerate(preview.header)}
    specs = {spec.name: spec for spec in preview.fields}
    # the mapped columns, in the file's order
    shown = [(c, specs[preview.mapping[c]]) for c in preview.header if c in preview.mapping]
    rows = []
    for row in preview.rows:
        by_column: dict[str, list[str]] = {}
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
    context = {
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
    return render(request, "dataio/import_preview.html", context)


# -- step 4: progress and result -------------------------------------------------------------------


def _progress_context(progress: ImportProgress) -> dict[str, Any]:
    phase = ImportPhase(progress.phase).label if progress.phase in ImportPhase.values else ""
    status = ImportStatus(progress.status).label if progress.status in ImportStatus.values else ""
    return {
        "progress": progress,
        "job_id": progress.job_id,
        "phase_label": phase,
        "status_label": status,
    }


def _status_context(job: ImportJob) -> dict[str, Any]:
    report = job.report or {}
    errors = list(report.get("errors", []))
    rejected = int(report.get("rejected", job.errors_count) or 0)
    return {
        **_progress_context(import_progress_of(job)),
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


@workspace_view
def import_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    actor.require(CAPABILITY)
    job = import_job_get(actor=actor, job_id=pk)
    if job.status == ImportStatus.DRAFT:
        return HttpResponseRedirect(_url("import_mapping", actor, job))
    context = _status_context(job)
    context.update(nav="imports", step=4)
    return render(request, "dataio/import_detail.html", context)


@workspace_view
def import_progress(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The progress bar and, once finished, the result: polled every second by the page."""
    actor.require(CAPABILITY)
    progress = import_job_progress(actor=actor, job_id=pk)  # 404: another workspace's
    if progress.finished:  # the last swap brings the result and stops the polling
        context = _status_context(import_job_get(actor=actor, job_id=pk))
    else:
        context = _progress_context(progress)
    return render(request, "dataio/import_detail.html#status", context)


@workspace_view
def import_rejected(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The rejected rows as they were in the file, each with its line and reasons (CSV)."""
    actor.require(CAPABILITY)
    job = import_job_get(actor=actor, job_id=pk)
    if not job.rejected_file:
        raise NotFound(_("This import has no rejected rows."))
    stem = os.path.splitext(job.original_name)[0] or "import"
    return FileResponse(  # type: ignore[return-value]
        job.rejected_file.open("rb"),
        as_attachment=True,
        filename=_("%(name)s-rejected-rows.csv") % {"name": stem},
        content_type="text/csv; charset=utf-8",
    )


@workspace_view
@require_POST
def import_rerun(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Run a finished import's file again for real, with the same mapping and date choices
    (after a dry run, or keeping the good rows after a refused file)."""
    actor.require(CAPABILITY)
    source = import_job_get(actor=actor, job_id=pk)
    if not source.is_finished:
        raise Conflict(_("This import has not finished yet."))
    keep = request.POST.get("keep_good_rows")
    keep_good_rows = source.keep_good_rows if keep is None else keep == "1"
    try:
        handle = open(source.source_file_path(), "rb")  # noqa: SIM115 -- closed below
    except (OSError, ValueError):
        raise NotFound(_("The file of this import is no longer kept: upload it again.")) from None
    with handle, transaction.atomic():
        job = import_job_create(
            actor=actor,
            kind=source.kind,
            filename=source.original_name,
            content=handle,
            keep_good_rows=keep_good_rows,
        )
        header: list[str] = job.detected["format"]["header"]
        chosen = {
            column: info["order"]
            for column, info in source.detected.get("dates", {}).items()
            if info.get("chosen") and column in header
        }
        import_job_configure(
            actor=actor,
            job_id=job.pk,
            mapping={column: source.mapping.get(column) for column in header},
            date_orders=chosen or None,
        )
        import_job_start(actor=actor, job_id=job.pk)
    return HttpResponseRedirect(_url("import_detail", actor, job))
