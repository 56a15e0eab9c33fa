"""The executive report's pages: the months (and the picker's landing), a month's printable
page and its PDF. Every member of the workspace reads them (the report holds no pay nor any
person's numbers); another workspace's pod is a 404, and so is a month that is not one."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from cordee.alignment import report as reads
from cordee.alignment import report_render
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, ValidationFailed
from cordee.core.web import workspace_view
from cordee.people.models import Pod


def _pod(actor: Actor, text: str | None) -> Pod | None:
    if not text:
        return None
    if not text.isdigit() or len(text) > 12:
        raise NotFound(_("No such pod in this workspace."))
    return reads.pod_read(actor.workspace, int(text))


def _report(actor: Actor, request: HttpRequest, month: str) -> reads.ExecutiveReport:
    try:
        first = reads.month_read(actor.workspace, month)
    except ValidationFailed as refused:
        raise NotFound(refused.message) from None
    return reads.report_build(actor.workspace, first, pod=_pod(actor, request.GET.get("pod")))


def _pickers(actor: Actor, report: reads.ExecutiveReport | None) -> dict[str, object]:
    return {
        "nav": "reports",
        "months": [
            (f"{m:%Y-%m}", report_render.month_label(m))
            for m in reads.months_available(actor.workspace)
        ],
        "pods": list(Pod.objects.filter(workspace=actor.workspace).order_by("name", "id")),
        "chosen_month": report.key if report else "",
        "chosen_pod": report.pod.pk if report and report.pod else None,
    }


@workspace_view
def report_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The months a report exists for; with ``?month=`` (the picker), that month's report."""
    month = request.GET.get("month")
    if month:
        reads.month_read(actor.workspace, month)  # a month that is not one: 422, named
        pod = _pod(actor, request.GET.get("pod"))
        url = reverse("report_month", args=[actor.workspace.slug, month])
        return HttpResponseRedirect(url + (f"?pod={pod.pk}" if pod else ""))
    return render(request, "alignment/report_list.html", _pickers(actor, None))


@workspace_view
def report_month(request: HttpRequest, actor: Actor, month: str) -> HttpResponse:
    """A month's report, printable (``?pod=``: the pod's)."""
    report = _report(actor, request, month)
    return render(
        request,
        "alignment/report.html",
        {**report_render.context(report), **_pickers(actor, report)},
    )


@workspace_view
def report_pdf(request: HttpRequest, actor: Actor, month: str) -> HttpResponse:
    """The same report as a PDF, made on the server."""
    report = _report(actor, request, month)
    response = HttpResponse(
        report_render.report_pdf(report, request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{report_render.pdf_filename(report)}"'
    return response
