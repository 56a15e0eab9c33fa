"""Funnel pages: the sales MQL queue, the funnel board, the SLA dashboard, rejection reasons for
marketing, and the RevOps settings (contracts, scoring, reasons, routing)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, DomainError, ValidationFailed
from cordee.core.export_views import check_format, rows_export_response
from cordee.core.records import record_get
from cordee.core.redirects import next_url
from cordee.core.web import (
    domain_error_response,
    form_input,
    htmx_render,
    is_partial_request,
    workspace_view,
)
from cordee.funnel import (
    activities,
    activity_pages,
    activity_schemas,
    kpis_page,
    metrics,
    planning_page,
    presenters,
    schemas,
    selectors,
    services,
    settings_pages,
)
from cordee.funnel.models import ForecastCategory, Lead, OpportunityStage
from cordee.funnel.records import LEADS, OPPORTUNITIES


@workspace_view
def queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    """My MQL queue: one click to accept, two to reject, with the SLA due times counting down."""
    return render(request, "funnel/queue.html", presenters.queue_page(request, actor))


@workspace_view
def queue_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    """``queue/export/?file=csv|xlsx&<the queue's query>``: every lead the queue holds."""
    fmt = request.GET.get("file") or "csv"
    check_format(fmt)
    _pod, _everyone, waiting = presenters.queue_query(request, actor)
    today = actor.workspace.today()
    return rows_export_response(  # type: ignore[return-value]
        rows=presenters.queue_export_rows(actor, waiting),
        size=waiting,
        columns=presenters.queue_export_columns(),
        title=_("MQL queue"),
        filename=f"{actor.workspace.slug}-mql-queue-{today:%Y-%m-%d}.{fmt}",
        fmt=fmt,
        tz=actor.workspace.zone,
    )


def _decided(request: HttpRequest, actor: Actor, lead: Lead, message: str) -> HttpResponse:
    def back() -> HttpResponse:
        messages.success(request, message)
        return HttpResponseRedirect(
            next_url(request, reverse("leads_detail", args=[actor.workspace.slug, lead.pk]))
        )

    context = {"lead": lead, "message": message}
    return htmx_render(request, "funnel/queue_row_done.html", context, page=back)


def _decision_error(request: HttpRequest, lead_id: int, exc: DomainError) -> HttpResponse:
    return htmx_render(
        request,
        "funnel/queue_row_error.html",
        {"message": exc.explained, "lead_id": lead_id},
        page=lambda: domain_error_response(request, exc),
        headers={"HX-Retarget": f"#decision-error-{lead_id}", "HX-Reswap": "innerHTML"},
    )


@workspace_view
@require_POST
def lead_accept(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    lead = record_get(actor=actor, spec=LEADS, pk=pk)
    try:
        payload = form_input(schemas.AcceptIn, request.POST)
        lead = services.lead_accept(actor=actor, lead_id=lead.pk, comment=payload.comment)
    except DomainError as exc:
        return _decision_error(request, pk, exc)
    return _decided(
        request,
        actor,
        lead,
        _("%(lead)s accepted: now a sales-accepted lead.") % {"lead": lead.contact},
    )


@workspace_view
@require_http_methods(["GET", "POST"])
def lead_reject(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """GET: the rejection form (fetched by the queue when a rep opens it); POST: reject."""
    lead = record_get(actor=actor, spec=LEADS, pk=pk)
    if request.method == "GET":
        actor.require("lead.decide")
        return render(
            request, "funnel/reject_form.html", presenters.reject_form(request, actor, lead)
        )
    try:
        payload = form_input(schemas.RejectIn, request.POST)
        lead = services.lead_reject(actor=actor, lead_id=lead.pk, **_rejection(payload))
    except DomainError as exc:
        return _decision_error(request, pk, exc)
    outcome = {"lead": lead.contact, "outcome": lead.get_stage_display()}
    return _decided(request, actor, lead, _("%(lead)s rejected (%(outcome)s).") % outcome)


def _rejection(payload: schemas.RejectIn) -> dict[str, Any]:
    return {
        "reason_code": payload.reason,
        "comment": payload.comment,
        "outcome": payload.outcome,
        "recycle_on": payload.recycle_on,
    }


@workspace_view
@require_POST
def lead_convert(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """SAL → SQL with a new opportunity (name, amount, close date from the small form)."""
    lead = record_get(actor=actor, spec=LEADS, pk=pk)
    form = {**request.POST.dict(), "amount": request.POST.get("amount") or "0"}  # none yet: 0
    try:
        payload = form_input(schemas.ConvertIn, form)
        data = payload.model_dump(exclude_unset=True)
        opportunity = services.lead_convert(actor=actor, lead_id=lead.pk, data=data)
    except (ValidationFailed, Conflict) as exc:  # shown on the lead; 403/404 keep their pages
        messages.error(request, exc.explained)
        return HttpResponseRedirect(reverse("leads_detail", args=[actor.workspace.slug, lead.pk]))
    messages.success(
        request, _("The lead is now an opportunity: %(name)s.") % {"name": opportunity.name}
    )
    return HttpResponseRedirect(
        reverse("opportunities_detail", args=[actor.workspace.slug, opportunity.pk])
    )


@workspace_view
def board(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The funnel board: how many leads stand at each stage, the latest of each, conversions."""
    return render(request, "funnel/board.html", presenters.board_page(actor))


@workspace_view
def sla_dashboard(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Both sides of the contract: marketing's volume and quality, sales' speed and persistence.
    The body is a cached fragment (a minute at most, or until a lead moves)."""
    language = request.LANGUAGE_CODE  # type: ignore[attr-defined]
    return render(request, "funnel/sla.html", presenters.sla_page(actor, language))


@workspace_view
def rejections(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Why sales rejects MQLs, by channel, campaign or pod, so marketing can act on it."""
    language = request.LANGUAGE_CODE  # type: ignore[attr-defined]
    context = presenters.rejections_page(actor, request.GET, language)
    return render(request, "funnel/rejections.html", context)


@workspace_view
@require_POST
def contract_sign(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    contract = services.sla_contract_sign(actor=actor, contract_id=pk)
    messages.success(
        request, _("You signed the contract “%(name)s” for your side.") % {"name": contract.name}
    )
    return HttpResponseRedirect(reverse("sla-contracts_detail", args=[actor.workspace.slug, pk]))


@workspace_view
def plan(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The planning calculator: a revenue goal → each stage's volume, each input given or read
    from the history (funnel/planning.py). Every member may use it: it writes nothing."""
    context = planning_page.plan_page(actor, request.GET)
    return htmx_render(request, "funnel/plan_body.html", context, page="funnel/plan.html")


@workspace_view
def kpis_catalogue(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The KPI catalogue: each KPI's definition and its value for a scope (the workspace, a
    side, a pod, a person) and a fiscal period (funnel/kpis.py). Every member reads the
    workspace, a side and a pod; a person's values, the rule of ``kpis.may_read_person``."""
    context = kpis_page.kpis_page(actor, request.GET)
    return htmx_render(request, "funnel/kpis_body.html", context, page="funnel/kpis.html")


@workspace_view
def funnel_metrics(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Stage-to-stage conversion and median days in stage by month of MQL, source, campaign or
    pod; pipeline created and won per source; lead velocity rate. Read from the cached snapshot;
    ``?format=csv`` exports the table. Every member of the workspace may read it."""
    by, period, errors = presenters.metrics_query(actor, request.GET)
    result = metrics.funnel_metrics(actor=actor, by=by, period=period)
    if request.GET.get("format") == "csv":
        return presenters.metrics_csv(result, by, period)
    language = request.LANGUAGE_CODE  # type: ignore[attr-defined]
    context = presenters.metrics_page(actor, result, by, period, errors, language)
    return htmx_render(request, "funnel/metrics_body.html", context, page="funnel/metrics.html")


@workspace_view
@require_http_methods(["GET", "POST"])
def scoring_settings(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The MQL threshold (RevOps) and who changed it when."""
    actor.require("funnel.configure")
    if request.method != "POST":
        return render(request, "funnel/threshold.html", settings_pages.threshold_page(actor))
    form = settings_pages.ThresholdForm(request.POST)
    if settings_pages.threshold_saved(actor, form):
        messages.success(request, _("Your changes were saved."))
        return HttpResponseRedirect(reverse("scoring_settings", args=[actor.workspace.slug]))
    context = settings_pages.threshold_page(actor, form)
    return render(request, "funnel/threshold.html", context, status=422)


@workspace_view
@require_http_methods(["GET", "POST"])
def routing_settings(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The routing fallback (RevOps): who takes the MQLs no routing rule places."""
    actor.require("funnel.configure")
    if request.method != "POST":
        return render(request, "funnel/fallback.html", settings_pages.fallback_page(actor))
    form = settings_pages.FallbackForm(request.POST, actor=actor)
    if settings_pages.fallback_saved(actor, form):
        messages.success(request, _("Your changes were saved."))
        return HttpResponseRedirect(reverse("routing_settings", args=[actor.workspace.slug]))
    context = settings_pages.fallback_page(actor, form)
    return render(request, "funnel/fallback.html", context, status=422)


# the opportunity board's filters, kept by its moves ("forecast": a card sends its own
# forecast_category)
BOARD_FILTERS = ("closes_after", "closes_before", "forecast", "owner")


def _board_context(actor: Actor, params: Any, **extra: Any) -> dict[str, Any]:
    filters = {name: params.get(name, "") for name in BOARD_FILTERS}
    listed = {**filters, "forecast_category": filters["forecast"]}
    return {
        "nav": "opportunity_board",
        "board": selectors.opportunity_board(actor=actor, params=listed),
        "filters": filters,
        "kept": {k: v for k, v in filters.items() if v},
        "list_query": urlencode({k: v for k, v in listed.items() if v and k != "forecast"}),
        "ranges": presenters.close_date_ranges(actor.workspace.today()),
        "stages": OpportunityStage.choices,
        "forecasts": ForecastCategory.choices,
        "can_move": actor.can("opportunity.write"),
        **extra,
    }


@workspace_view
def opportunity_board(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The pipeline by stage: drag a card (or choose its stage) to move it; each column sums its
    amounts and weighted amounts; filtered by close date and forecast category."""
    context = _board_context(actor, request.GET)
    return htmx_render(
        request,
        "funnel/opportunity_board.html#board",
        context,
        page="funnel/opportunity_board.html",
    )


@workspace_view
@require_POST
def opportunity_move(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """A card moved on the board, or its forecast category chosen: saved by the service the
    form and the API use (``opportunity_save``: same rules, same history). Refused, the board
    comes back as it was with the reason."""
    opportunity = record_get(actor=actor, spec=OPPORTUNITIES, pk=pk)
    try:
        payload = form_input(schemas.OpportunityMoveIn, request.POST)
        opportunity = services.opportunity_save(
            actor=actor, data=payload.model_dump(exclude_none=True), opportunity=opportunity
        )
        notice, level = (
            _("%(name)s: %(stage)s, forecast %(forecast)s.")
            % {
                "name": opportunity.name,
                "stage": opportunity.get_stage_display(),
                "forecast": opportunity.get_forecast_category_display(),
            },
            "success",
        )
    except DomainError as exc:
        if not is_partial_request(request) and not isinstance(exc, ValidationFailed | Conflict):
            raise  # a plain request gets its status page (403…)
        notice, level = exc.explained, "error"

    def back() -> HttpResponse:  # without htmx: the board again, its filters kept
        messages.add_message(
            request, messages.SUCCESS if level == "success" else messages.ERROR, notice
        )
        query = urlencode({k: v for k in BOARD_FILTERS if (v := request.POST.get(k))})
        url = reverse("opportunity_board", args=[actor.workspace.slug])
        return HttpResponseRedirect(f"{url}?{query}" if query else url)

    if not is_partial_request(request):
        return back()
    context = _board_context(actor, request.POST, notice=notice, notice_level=level)
    return htmx_render(request, "funnel/opportunity_board.html#board", context, page=back)


# -- activities, tasks, the record timeline ---------------------------------------------------

RECORD_PAGES = {
    "lead": "leads_detail",
    "contact": "contacts_detail",
    "account": "accounts_detail",
    "opportunity": "opportunities_detail",
}


def _record_kind(record: str) -> str:
    if record not in RECORD_PAGES:
        raise Http404
    return record


def _back_to_record(request: HttpRequest, actor: Actor, record: str, pk: int) -> HttpResponse:
    return HttpResponseRedirect(
        next_url(request, reverse(RECORD_PAGES[record], args=[actor.workspace.slug, pk]))
    )


def _panel_answer(
    request: HttpRequest, actor: Actor, record: str, pk: int, *, error: str = "", done: str = ""
) -> HttpResponse:
    """htmx: the record's activity panel again (with the error, if any: htmx swaps a 200 only);
    a plain form: back to the record's page with a message."""

    def back() -> HttpResponse:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return _back_to_record(request, actor, record, pk)

    panel = activity_pages.timeline_panel(actor, record, pk, next_url=next_url(request, ""))
    context = {"panel": panel, "error": error}
    return htmx_render(request, "funnel/activity_panel.html", context, page=back)


@workspace_view
@require_POST
def activity_log(request: HttpRequest, actor: Actor, *, record: str, pk: int) -> HttpResponse:
    """Log an activity from a record's page or a queue row (one tap: the call's outcome is the
    button). From the queue (``from=queue``), htmx gets the row again with its clocks: a kept
    first touch shows at once."""
    record = _record_kind(record)
    activities.record_about(actor=actor, record=record, record_id=pk)  # 404 before the form
    form = {**request.POST.dict(), "record": record, "record_id": pk}
    try:
        payload = form_input(activity_schemas.ActivityIn, form)
        touch = activities.activity_log(actor=actor, data=payload)
    except ValidationFailed as exc:
        if request.POST.get("from") == "queue":
            return _decision_error(request, pk, exc)
        return _panel_answer(request, actor, record, pk, error=exc.explained)
    if request.POST.get("from") == "queue" and touch.lead_id:
        context = activity_pages.queue_row(request, actor, touch.lead_id)
        return htmx_render(
            request,
            "funnel/queue_row.html",
            context,
            page=lambda: _back_to_record(request, actor, record, pk),
        )
    done = _("Logged: %(kind)s.") % {"kind": touch.get_kind_display()}
    return _panel_answer(request, actor, record, pk, done=done)


@workspace_view
@require_POST
def task_plan(request: HttpRequest, actor: Actor, *, record: str, pk: int) -> HttpResponse:
    """Plan a task on a record (its due time in the workspace's time zone)."""
    record = _record_kind(record)
    activities.record_about(actor=actor, record=record, record_id=pk)  # 404 before the form
    form = {**request.POST.dict(), "record": record, "record_id": pk}
    if form.get("due_at"):
        form["due_at"] = activity_pages.local_input_datetime(actor, str(form["due_at"]))
    try:
        payload = form_input(activity_schemas.TaskIn, form)
        activities.task_create(actor=actor, data=payload)
    except ValidationFailed as exc:
        return _panel_answer(request, actor, record, pk, error=exc.explained)
    return _panel_answer(request, actor, record, pk, done=_("Task planned."))


@workspace_view
@require_POST
def task_done(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    task = activities.task_done(actor=actor, task_id=pk, done=request.POST.get("done") != "0")
    messages.success(request, _("Task done: %(title)s.") % {"title": task.title})
    return HttpResponseRedirect(next_url(request, activities.task_url(actor.workspace, task)))


@workspace_view
def record_timeline(request: HttpRequest, actor: Actor, *, record: str, pk: int) -> HttpResponse:
    """A record's timeline (``?kind=…&page=…``): the htmx filter and pages of the panel."""
    record = _record_kind(record)
    kinds, page_number = activity_pages.timeline_query(request)
    panel = activity_pages.timeline_panel(actor, record, pk, kinds=kinds, page_number=page_number)
    return htmx_render(
        request, "funnel/timeline.html", {"panel": panel}, page="funnel/timeline_page.html"
    )
