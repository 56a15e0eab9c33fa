"""Pages of bulk actions: the bar on every record list (a list extension), the start (with a
confirmation naming the count before a delete), the job's page with its progress, the undo."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from cordee.bulk import selectors, services
from cordee.bulk.kinds import PAGES, bulk_actions
from cordee.bulk.models import BulkAction
from cordee.core import exports
from cordee.core.actor import Actor
from cordee.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from cordee.core.export_views import list_export_response, rows_export_response
from cordee.core.list_extensions import (
    LeadingCell,
    ListExtension,
    ListFragment,
    ListState,
    list_extension_register,
)
from cordee.core.web import RecordPage, htmx_render, workspace_view
from cordee.funnel.models import Stage
from cordee.people.selectors import pod_choices

ARG_NAMES = ("to_owner", "pod", "to_stage", "campaign")


def _bar_context(actor: Actor, page: RecordPage, state: ListState) -> dict[str, Any] | None:
    """The bulk bar of a list whose kind takes bulk actions; export is open to every reader."""
    kind = page.key
    if kind not in PAGES:
        return None
    allowed = [a for a in bulk_actions(kind) if services.action_allowed(actor, kind, a)]
    labels = dict(BulkAction.choices)
    return {
        "kind": kind,
        "total": state.total or 0,
        "start_url": reverse("bulk_start", args=[actor.workspace.slug, kind]),
        "params": sorted((k, v) for k, v in state.params.items() if v),
        "actions": [(a, labels[a]) for a in allowed],
        # owners and campaigns are typed and picked (thousands of campaigns, never listed)
        "pick_url": reverse("search_pick", args=[actor.workspace.slug]),
        "reassign": "reassign" in allowed,
        "pods": pod_choices(actor) if "pod" in allowed else [],
        "stages": Stage.choices if "stage" in allowed else [],
        "campaign": "campaign" in allowed,
    }


def _bar(
    request: HttpRequest, actor: Actor, page: RecordPage, state: ListState
) -> ListFragment | None:
    bar = _bar_context(actor, page, state)
    return ListFragment("bulk/_bar.html", {"x": bar}, slot="table") if bar else None


def _checkbox(
    request: HttpRequest, actor: Actor, page: RecordPage, state: ListState
) -> LeadingCell | None:
    if page.key not in PAGES:
        return None
    return LeadingCell("bulk/_head.html", "bulk/_cell.html", css_class="bulk-cell")


def register_list_extension() -> None:
    """The selection checkboxes and the bar, on the lists of the kinds that take bulk actions
    (after the saved views: the bar acts on what the open view shows)."""
    list_extension_register(
        ListExtension(
            key="bulk",
            fragment=_bar,
            leading_cell=_checkbox,
            applies=lambda page: page.key in PAGES,
        )
    )


def _posted(request: HttpRequest) -> tuple[list[str] | None, dict[str, str], dict[str, str]]:
    """(ids, or None for every matching row; the list's filters; the action's arguments)."""
    ids = None if request.POST.get("scope") == "all" else request.POST.getlist("ids")
    params = {k[2:]: str(v) for k, v in request.POST.items() if k.startswith("f_") and v}
    args = {k: request.POST[k] for k in ARG_NAMES if k in request.POST}
    return ids, params, args


def _export(
    actor: Actor, kind: str, ids: list[str] | None, params: dict[str, str], fmt: str
) -> Any:
    page = PAGES[kind]
    if ids is None:
        return list_export_response(actor=actor, spec=page.spec, params=params, fmt=fmt, page=page)
    wanted = [int(i) for i in ids if str(i).isdigit()]
    rows = exports.list_rows(
        actor=actor, spec=page.spec, params=params, refine=page.list_queryset
    ).filter(pk__in=wanted[:1000])
    return rows_export_response(
        rows=rows,
        columns=exports.list_columns(page.spec, page.columns),
        title=str(page.spec.verbose_name_plural).capitalize(),
        filename=exports.export_filename(actor, page.spec, fmt),
        fmt=fmt,
        tz=actor.workspace.zone,
    )


@workspace_view
def bulk_start(request: HttpRequest, actor: Actor, *, record: str) -> HttpResponse:
    """POST from a list's bulk bar (``record``: the list's kind): export at once; a delete
    first asks, naming the count; any other action starts a job and shows its page."""
    kind = record
    if kind not in PAGES:
        raise NotFound(_("Unknown kind of records."))
    list_url = reverse(PAGES[kind].url_name("list"), args=[actor.workspace.slug])
    if request.method != "POST":
        return HttpResponseRedirect(list_url)
    ids, params, args = _posted(request)
    action = request.POST.get("action", "")
    if action == "export":
        return _export(actor, kind, ids, params, request.POST.get("file") or "csv")  # type: ignore[no-any-return]
    if ids is not None and not ids:
        messages.error(request, _("Select at least one row first."))
        return HttpResponseRedirect(list_url)
    if action == "delete" and request.POST.get("confirmed") != "1":
        if not services.action_allowed(actor, kind, action):
            raise PermissionDenied(_("Your role in this workspace does not allow this action."))
        count = selectors.bulk_selection_count(actor=actor, kind=kind, ids=ids, params=params)
        return render(
            request,
            "bulk/confirm.html",
            {
                "nav": kind,
                "kind": kind,
                "page": PAGES[kind],
                "count": count,
                "things": PAGES[kind].spec.verbose_name
                if count == 1
                else PAGES[kind].spec.verbose_name_plural,
                "ids": ids or [],
                "scope": "all" if ids is None else "selected",
                "params": sorted(params.items()),
                "list_url": list_url,
                "undo_minutes": settings.BULK_UNDO_MINUTES,
            },
        )
    try:
        job = services.bulk_job_start(
            actor=actor, kind=kind, action=action, ids=ids, params=params, args=args
        )
    except ValidationFailed as exc:
        problems = [str(m) for msgs in exc.field_errors.values() for m in msgs] or [exc.message]
        messages.error(request, " ".join(problems))
        return HttpResponseRedirect(list_url)
    return HttpResponseRedirect(reverse("bulk_job_detail", args=[actor.workspace.slug, job.pk]))


@workspace_view
def bulk_job_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The bulk actions the actor may see (theirs; a manager's: everyone's), newest first, 25 a
    page: where one goes back to a job, or to its undo while there is time."""
    jobs = selectors.bulk_jobs(actor=actor).select_related("actor").order_by("-created_at", "-id")
    page_obj = Paginator(jobs, 25).get_page(request.GET.get("page"))
    context = {"nav": "bulk_jobs", "page_obj": page_obj, "jobs": list(page_obj)}
    return render(request, "bulk/jobs.html", context)


@workspace_view
def bulk_job_detail(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """The job's page; htmx polls its progress part until the job has finished."""
    job = selectors.bulk_job_get(actor=actor, pk=pk)
    context = {
        "nav": job.kind,
        "job": job,
        "page": PAGES[job.kind],
        "list_url": reverse(PAGES[job.kind].url_name("list"), args=[actor.workspace.slug]),
        "undo_minutes": settings.BULK_UNDO_MINUTES,
    }
    return htmx_render(request, "bulk/job.html#job-progress", context, page="bulk/job.html")


@workspace_view
def bulk_job_undo(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    job = selectors.bulk_job_get(actor=actor, pk=pk)
    url = reverse("bulk_job_detail", args=[actor.workspace.slug, job.pk])
    if request.method != "POST":
        return HttpResponseRedirect(url)
    try:
        services.bulk_job_undo(actor=actor, job=job)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The bulk action is being undone."))
    return HttpResponseRedirect(url)
