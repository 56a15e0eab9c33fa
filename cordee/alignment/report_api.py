"""The monthly executive report: REST endpoints under /api/v1/ — the same data as the page
(``report.report_build``) as JSON, and its PDF. Every member reads them; a bad month is a 422
naming ``month``; another workspace's pod, a 404."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from cordee.alignment import report as reads
from cordee.alignment import report_render
from cordee.alignment.report_schemas import ExecutiveReportOut, ExecutiveReportQuery
from cordee.core.api import current_actor

router = Router(tags=["The monthly executive report"])


def _report(request: HttpRequest, month: str, query: ExecutiveReportQuery) -> reads.ExecutiveReport:
    actor = current_actor(request)
    first = reads.month_read(actor.workspace, month)
    return reads.report_build(
        actor.workspace, first, pod=reads.pod_read(actor.workspace, query.pod)
    )


@router.get("/reports/{month}", response=ExecutiveReportOut, operation_id="executive_report_get")
def executive_report_get(
    request: HttpRequest, month: str, query: Query[ExecutiveReportQuery]
) -> Any:
    """The executive report of ``month`` (YYYY-MM, up to the current month) for the workspace
    or ``pod``: the alignment index and its parts, its trend, both sides' SLA compliance, the
    key funnel numbers (the KPI catalogue's), the shared goals, the top feedback themes, the
    wins."""
    return reads.report_payload(_report(request, month, query))


@router.get(
    "/reports/{month}/pdf",
    operation_id="executive_report_pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "The report as a PDF, made on the server",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def executive_report_pdf(
    request: HttpRequest, month: str, query: Query[ExecutiveReportQuery]
) -> HttpResponse:
    """The same report as a PDF."""
    report = _report(request, month, query)
    response = HttpResponse(report_render.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report_render.pdf_filename(report)}"'
    return response
