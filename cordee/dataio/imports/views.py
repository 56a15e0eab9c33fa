"""The import wizard: upload a file, check what was detected and map its columns, preview the
rows as they will be stored, run it in the background with a progress bar, read the result.

The upload request only stores the file: the worker detects its format (the job is
"detecting"), and step 2 polls until the columns can be shown, or says why the file cannot be
read.

Every page is for holders of ``data.import`` (403 for the others, the list included: an
import's report shows the rows of the file, personal data included). Views stay thin: they
parse the request (``forms``), call ``services`` / ``selectors`` and render what ``presenters``
shapes.
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import NotFound, ValidationFailed
from cordee.core.web import workspace_view
from cordee.dataio.imports import presenters
from cordee.dataio.imports.forms import MappingChoices, UploadForm
from cordee.dataio.imports.selectors import import_job_get, import_jobs_list, import_progress_of
from cordee.dataio.imports.services import (
    import_job_preview,
    import_job_rerun,
    import_job_start,
    import_upload_check,
)
from cordee.dataio.models import ImportJob, ImportStatus

CAPABILITY = "data.import"
PREVIEW_ROWS = 10
UPLOAD_FRAMING = 64 * 1024


def _url(name: str, actor: Actor, job: ImportJob | None = None) -> str:
    args: list[Any] = [actor.workspace.slug]
    if job is not None:
        args.append(job.pk)
    return reverse(name, args=args)


@workspace_view
def imports_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    actor.require(CAPABILITY)
    jobs = import_jobs_list(actor=actor, limit=30)
    return render(request, "dataio/import_list.html", {"nav": "imports", "jobs": jobs})


@csrf_exempt  # checked by _import_upload, once the request's size is known to be acceptable
@workspace_view
def import_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Step 1: upload the file and say what it holds. A request larger than the upload limit is
    refused from its Content-Length, before its body is read (the CSRF check would read it)."""
    actor.require(CAPABILITY)
    if request.method != "POST":
        form = UploadForm.blank(request.GET.get("kind", ""))
        return render(request, "dataio/import_new.html", presenters.upload_page(form))
    length = request.META.get("CONTENT_LENGTH") or ""
    try:  # less the form's other fields and the multipart framing (a few hundred bytes)
        import_upload_check(size=(int(length) if length.isdigit() else 0) - UPLOAD_FRAMING)
    except ValidationFailed as exc:
        form = UploadForm.refused(exc)
        return render(request, "dataio/import_new.html", presenters.upload_page(form), status=413)
    return _import_upload(request, actor)


@csrf_protect
def _import_upload(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    job = form.save(actor)
    if job is None:
        return render(request, "dataio/import_new.html", presenters.upload_page(form), status=422)
    return HttpResponseRedirect(_url("import_mapping", actor, job))


@workspace_view
def import_mapping(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Step 2: what was detected, and which field each column fills (while the worker reads the
    file: that it does, polled; once it could not: why)."""
    actor.require(CAPABILITY)
    job = import_job_get(actor=actor, job_id=pk)
    if _undetected(job):
        return render(request, "dataio/import_detecting.html", presenters.detecting_page(job))
    if job.status != ImportStatus.DRAFT:
        return HttpResponseRedirect(_url("import_detail", actor, job))
    if request.method != "POST":
        choices = MappingChoices.of(job)
    elif (choices := MappingChoices.posted(job, request.POST)).save(actor, job):
        return HttpResponseRedirect(_url("import_preview", actor, job))
    context = presenters.mapping_page(job, choices)
    return render(request, "dataio/import_mapping.html", context, status=choices.status)


@workspace_view
def import_preview(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Step 3: the first rows as they will be stored; POST starts the import."""
    actor.require(CAPABILITY)
    job = import_job_get(actor=actor, job_id=pk)
    if _undetected(job):
        return HttpResponseRedirect(_url("import_mapping", actor, job))
    if request.method == "POST":
        try:
            import_job_start(actor=actor, job_id=job.pk)
        except ValidationFailed as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(_url("import_mapping", actor, job))
        return HttpResponseRedirect(_url("import_detail", actor, job))
    preview = import_job_preview(actor=actor, job_id=job.pk, rows=PREVIEW_ROWS)
    return render(request, "dataio/import_preview.html", presenters.preview_page(job, preview))


@workspace_view
def import_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Step 4: the progress, then the result."""
    actor.require(CAPABILITY)
    job = import_job_get(actor=actor, job_id=pk)
    if job.status == ImportStatus.DRAFT or _undetected(job):
        return HttpResponseRedirect(_url("import_mapping", actor, job))
    return render(request, "dataio/import_detail.html", presenters.detail_page(job))


@workspace_view
def import_progress(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The progress bar and, once finished, the result: polled every second by the page. While
    the file is being read: that it is, then the way to its columns (htmx follows
    ``HX-Redirect``) or why it cannot be read."""
    actor.require(CAPABILITY)
    job = import_job_get(actor=actor, job_id=pk)  # 404: another workspace's
    if _undetected(job):
        context = presenters.detecting_context(job)
        return render(request, "dataio/import_detecting.html#detecting", context)
    if job.status == ImportStatus.DRAFT:  # read: on to the mapping step
        url = _url("import_mapping", actor, job)
        context = {**presenters.detecting_context(job), "mapping_url": url}
        response = render(request, "dataio/import_detecting.html#detecting", context)
        response["HX-Redirect"] = url
        return response
    progress = import_progress_of(job)
    if progress.finished:  # the last swap brings the result and stops the polling
        context = presenters.status_context(job)
    else:
        context = presenters.progress_context(progress)
    return render(request, "dataio/import_detail.html#status", context)


def _undetected(job: ImportJob) -> bool:
    """The worker has not read the file yet, or could not: there is nothing to map."""
    return job.status == ImportStatus.DETECTING or job.detection_failed


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
    """Run a finished import's file again for real (``services.import_job_rerun``)."""
    actor.require(CAPABILITY)
    source = import_job_get(actor=actor, job_id=pk)  # a job whose runner died is shown failed
    keep = request.POST.get("keep_good_rows")
    keep_good_rows = None if keep is None else keep == "1"
    job = import_job_rerun(actor=actor, job_id=source.pk, keep_good_rows=keep_good_rows)
    return HttpResponseRedirect(_url("import_detail", actor, job))
