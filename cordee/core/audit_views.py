"""The audit log's page and its export (RevOps): thin views over ``core.audit_log``."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cordee.core import audit_log
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.export_views import query_links, rows_export_response
from cordee.core.web import user_choices, workspace_view

PAGE_SIZE = 50


@workspace_view
def audit_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Newest first, 50 a page, filtered by who, kind, action, dates or one record."""
    actor.require("audit.read")
    problems: list[str] = []
    try:
        filters = audit_log.AuditFilters.from_params(request.GET)
    except ValidationFailed as exc:
        problems = [str(m) for msgs in exc.field_errors.values() for m in msgs]
        filters = audit_log.AuditFilters()
    entries = audit_log.audit_entries(actor=actor, filters=filters)
    page_obj = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav": "audit",
        "page_obj": page_obj,
        "rows": audit_log.entry_views(page_obj),
        "filters": filters,
        "problems": problems,
        "query": query.urlencode(),
        "users": user_choices(actor),
        "kinds": audit_log.kind_choices(actor),
        "actions": audit_log.action_choices(actor),
        "by_choices": audit_log.BY_CHOICES,
        "record": (
            (audit_log.kind_label(filters.target), filters.target_id)
            if filters.target and filters.target_id is not None
            else None
        ),
        "export_links": query_links(request, "audit_export"),
    }
    return render(request, "core/audit.html", context)


@workspace_view
def audit_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    """``audit/export/?file=csv|xlsx&<the page's filters>``: every entry the filters keep."""
    filters = audit_log.AuditFilters.from_params(request.GET)
    entries = audit_log.audit_entries(actor=actor, filters=filters)
    fmt = request.GET.get("file") or "csv"
    today = actor.workspace.today()
    return rows_export_response(  # type: ignore[return-value]
        rows=entries,
        columns=audit_log.export_columns(),
        title=_("Audit log"),
        filename=f"{actor.workspace.slug}-audit-{today:%Y-%m-%d}.{fmt}",
        fmt=fmt,
        tz=actor.workspace.zone,
    )
