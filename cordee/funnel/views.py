"""Funnel pages: the sales MQL queue, the funnel board, the SLA dashboard, rejection reasons for
marketing, and the RevOps settings (contracts, scoring, reasons, routing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cordee.core import exports
from cordee.core.actor import Actor
from cordee.core.charts import cached_svg
from cordee.core.errors import Conflict, DomainError, ValidationFailed
from cordee.core.export_views import check_format, query_links, rows_export_response
from cordee.core.exports import ExportColumn
from cordee.core.records import record_get
from cordee.core.web import (
    Column,
    RecordPage,
    domain_error_response,
    form_input,
    htmx_render,
    record_form_class,
    workspace_view,
)
from cordee.crm import selectors as crm_selectors
from cordee.crm.models import Channel
from cordee.funnel import metrics, records, reports, schemas, selectors, services
from cordee.funnel.models import Lead, RejectionOutcome, Stage
from cordee.funnel.records import LEADS
from cordee.funnel.selectors import LeadSla
from cordee.funnel.sla import marketing_status
from cordee.funnel.version import funnel_version
from cordee.people.forms import CommaListField
from cordee.people.selectors import pod_choices, pod_options

QUEUE_SIZE = 50  # the oldest first: the ones whose clocks run out soonest
QueueRow = tuple[Lead, LeadSla | None]  # a lead of the queue's export, with its SLA clocks


def _queue_context(actor: Actor, leads: list[Lead]) -> dict[str, Any]:
    """Rows prepared in Python (URLs, clocks) so that the template only prints them."""
    sla = selectors.leads_sla(actor=actor, leads=leads)
    base = reverse("leads_list", args=[actor.workspace.slug])
    rows = []
    for lead in leads:
        status = sla.get(lead.pk)
        clocks = {c.name: c for c in status.clocks} if status else {}
        rows.append(
            {
                "lead": lead,
                "sla": status,
                "url": f"{base}{lead.pk}/",
                "first": clocks.get("first_touch"),
                "decision": clocks.get("decision"),
            }
        )
    return {
        "leads": leads,
        "rows": rows,
        "can_decide": actor.can("lead.decide"),
        "labels": {
            "first": _("First touch by"),
            "decision": _("Decision by"),
            "score": _("Score"),
            "attempts": _("Attempts"),
        },
    }


def _queue_filter(request: HttpRequest, actor: Actor) -> tuple[str, bool, QuerySet[Lead]]:
    """The queue's query (``pod``, ``scope=all``): (pod, everyone, the leads waiting)."""
    pod = request.GET.get("pod") or ""
    everyone = request.GET.get("scope") == "all"
    waiting = selectors.mql_queue(
        actor=actor, pod_id=int(pod) if pod.isdigit() else None, everyone=everyone
    )
    return pod, everyone, waiting


@workspace_view
def queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    """My MQL queue: one click to accept, two to reject, with the SLA due times counting down."""
    pod, everyone, waiting = _queue_filter(request, actor)

    def rows() -> dict[str, Any]:
        leads = list(waiting[:QUEUE_SIZE])
        total = waiting.count() if len(leads) == QUEUE_SIZE else len(leads)
        return {"total": total, **_queue_context(actor, leads)}

    now = timezone.now()
    context = {
        "nav": "queue",
        "pods": list(pod_options(actor=actor)),
        "pod": pod,
        "scope": "all" if everyone else "mine",
        "next": request.get_full_path(),
        # the rows are a cached fragment, computed (lazily) when a lead moved, was reassigned or
        # touched, or a minute passed (late flags); its forms carry this session's CSRF token
        "queue": SimpleLazyObject(rows),
        "funnel_version": funnel_version(actor.workspace.pk),
        "minute": now.strftime("%Y%m%d%H%M"),
        "session_key": _session_token(request),
        "export_links": query_links(request, "mql_queue_export"),
    }
    return render(request, "funnel/queue.html", context)


def _queue_export_rows(actor: Actor, waiting: QuerySet[Lead]) -> Iterator[QueueRow]:
    """Each lead waiting with its SLA clocks, evaluated a chunk of leads at a time."""
    batch: list[Lead] = []

    def flush() -> Iterator[QueueRow]:
        sla = selectors.leads_sla(actor=actor, leads=batch)
        for lead in batch:
            yield lead, sla.get(lead.pk)

    for lead in waiting.iterator(chunk_size=exports.CHUNK):
        batch.append(lead)
        if len(batch) == exports.CHUNK:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def _queue_export_columns() -> list[ExportColumn]:
    """The queue's columns, headers and labels translated now (the file is written later)."""
    stages = {value: str(label) for value, label in Stage.choices}
    states = {"met": _("Kept"), "late": _("Late"), "running": _("Running")}

    def field(name: str) -> str:
        return capfirst(str(cast(Any, Lead._meta.get_field(name)).verbose_name))

    def clock(row: QueueRow, name: str) -> Any:
        sla = row[1]
        return next((c for c in sla.clocks if c.name == name), None) if sla else None

    def due(name: str) -> Callable[[QueueRow], Any]:
        return lambda row: (lambda c: c.due_at if c else None)(clock(row, name))

    def state(name: str) -> Callable[[QueueRow], Any]:
        def value(row: QueueRow) -> str | None:
            c = clock(row, name)
            if c is None:
                return None
            return states["met" if c.met else "late" if c.breached else "running"]

        return value

    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return [
        ExportColumn("ID", lambda row: row[0].pk),
        ExportColumn(_("Lead"), lambda row: text(row[0].contact)),
        ExportColumn(_("Account"), lambda row: text(row[0].contact.account)),
        ExportColumn(_("Score"), lambda row: row[0].score),
        ExportColumn(_("Stage"), lambda row: stages.get(row[0].stage, row[0].stage)),
        ExportColumn(field("mql_at"), lambda row: row[0].mql_at),
        ExportColumn(field("owner"), lambda row: text(row[0].owner)),
        ExportColumn(field("pod"), lambda row: text(row[0].pod)),
        ExportColumn(_("First touch by"), due("first_touch")),
        ExportColumn(_("First touch state"), state("first_touch")),
        ExportColumn(_("Decision by"), due("decision")),
        ExportColumn(_("Decision state"), state("decision")),
        ExportColumn(_("Attempts made"), lambda row: row[1].attempts_made if row[1] else None),
        ExportColumn(
            _("Attempts required"), lambda row: row[1].attempts_required if row[1] else None
        ),
    ]


@workspace_view
def queue_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    """``queue/export/?file=csv|xlsx&<the queue's query>``: every lead the queue holds."""
    fmt = request.GET.get("file") or "csv"
    check_format(fmt)
    _pod, _everyone, waiting = _queue_filter(request, actor)
    today = actor.workspace.today()
    return rows_export_response(  # type: ignore[return-value]
        rows=_queue_export_rows(actor, waiting),
        size=waiting,
        columns=_queue_export_columns(),
        title=_("MQL queue"),
        filename=f"{actor.workspace.slug}-mql-queue-{today:%Y-%m-%d}.{fmt}",
        fmt=fmt,
        tz=actor.workspace.zone,
    )


def _session_token(request: HttpRequest) -> str:
    """A digest of the session's CSRF secret (the masked token changes on every call)."""
    import hashlib

    from django.middleware.csrf import get_token

    get_token(request)  # makes sure the secret exists
    return hashlib.sha256(str(request.META.get("CSRF_COOKIE", "")).encode()).hexdigest()[:16]


def _decided(request: HttpRequest, actor: Actor, lead: Lead, message: str) -> HttpResponse:
    def back() -> HttpResponse:
        messages.success(request, message)
        return HttpResponseRedirect(
            request.POST.get("next")
            or reverse("leads_detail", args=[actor.workspace.slug, lead.pk])
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
            request,
            "funnel/reject_form.html",
            {
                "lead": lead,
                "reasons": list(selectors.rejection_reasons(actor=actor)),
                "outcomes": RejectionOutcome.choices,
                "next": request.headers.get("HX-Current-URL", ""),
            },
        )
    try:
        payload = form_input(schemas.RejectIn, request.POST)
        lead = services.lead_reject(
            actor=actor,
            lead_id=lead.pk,
            reason_code=payload.reason,
            comment=payload.comment,
            outcome=payload.outcome,
            recycle_on=payload.recycle_on,
        )
    except DomainError as exc:
        return _decision_error(request, pk, exc)
    return _decided(
        request,
        actor,
        lead,
        _("%(lead)s rejected (%(outcome)s).")
        % {"lead": lead.contact, "outcome": lead.get_stage_display()},
    )


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
    ws = actor.workspace

    def columns() -> list[dict[str, Any]]:
        counts = reports.stage_counts(ws)
        latest = selectors.latest_by_stage(actor=actor, per_stage=6)
        return [
            {"value": value, "label": label, "count": counts[value], "leads": latest.get(value, [])}
            for value, label in Stage.choices
        ]

    # the board's body is a cached fragment keyed by the funnel's version: computed (lazily,
    # only on a miss) when a lead moved, at most once a minute otherwise
    return render(
        request,
        "funnel/board.html",
        {
            "nav": "board",
            "columns": SimpleLazyObject(columns),
            "conversions": SimpleLazyObject(lambda: reports.conversions_snapshot(ws)),
            "funnel_version": funnel_version(ws.pk),
        },
    )


@workspace_view
def sla_dashboard(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Both sides of the contract: marketing's volume and quality, sales' speed and persistence.
    The body is a cached fragment (a minute at most, or until a lead moves)."""
    ws = actor.workspace
    language = request.LANGUAGE_CODE  # type: ignore[attr-defined]
    return render(
        request,
        "funnel/sla.html",
        {
            "nav": "sla",
            "dashboard": SimpleLazyObject(lambda: _sla_dashboard(actor, language)),
            "funnel_version": funnel_version(ws.pk),
        },
    )


def _sla_dashboard(actor: Actor, language: str) -> dict[str, Any]:
    ws = actor.workspace
    today = ws.today()
    contracts = list(
        selectors.contracts_list(actor=actor).filter(period_end__gte=today - dt.timedelta(days=92))
    )
    by_id = reports.marketing_snapshot(ws)
    compliance = reports.compliance_snapshot(ws)
    by_pod: dict[tuple[str, str], list[int]] = {}
    for row in compliance:
        due_kept = by_pod.setdefault((row.pod, row.clock), [0, 0])
        due_kept[0] += row.due
        due_kept[1] += row.kept
    table = [
        {
            "pod": pod or _("No pod"),
            "cells": [
                due_kept[1] / due_kept[0]
                if (due_kept := by_pod.get((pod, clock), [0, 0]))[0]
                else None
                for clock in ("first_touch", "decision", "attempts")
            ],
        }
        for pod in sorted({pod for pod, _clock in by_pod})
    ]
    chart = ""
    if compliance:
        chart = cached_svg(
            f"sla-compliance:{ws.pk}:{language}", lambda: reports.compliance_chart_spec(compliance)
        )
    return {
        "statuses": [(c, by_id[c.pk]) for c in contracts if c.is_signed and c.pk in by_id],
        "unsigned": [c for c in contracts if not c.is_signed],
        "table": table,
        "chart": chart,
        "breaches": list(selectors.breaches_list(actor=actor)[:25]),
    }


@workspace_view
def rejections(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Why sales rejects MQLs, by channel, campaign or pod, so marketing can act on it."""
    by = request.GET.get("by") or "channel"
    if by not in {"channel", "campaign", "pod"}:
        by = "channel"
    days = int(request.GET["days"]) if request.GET.get("days", "").isdigit() else 90
    since = timezone.now() - dt.timedelta(days=days)
    rows = reports.rejections(actor.workspace, since, by)
    summary = reports.rejection_summary(actor.workspace, since, by)
    if by == "channel":
        from dataclasses import replace

        labels = dict(Channel.choices)
        rows = [{**r, "group": str(labels.get(r["group"], r["group"]))} for r in rows]
        summary = [replace(s, group=str(labels.get(s.group, s.group))) for s in summary]
    titles = {"channel": _("Channel"), "campaign": _("Campaign"), "pod": _("Pod")}
    chart = ""
    if rows:
        chart = cached_svg(
            f"rejections:{actor.workspace.pk}:{by}:{days}:{request.LANGUAGE_CODE}",  # type: ignore[attr-defined]
            lambda: reports.rejections_chart_spec(rows, str(titles[by])),
        )
    return render(
        request,
        "funnel/rejections.html",
        {
            "nav": "rejections",
            "rows": rows,
            "summary": summary,
            "by": by,
            "days": days,
            "chart": chart,
            "titles": titles,
            "total": sum(r["n"] for r in rows),
        },
    )


@workspace_view
@require_POST
def contract_sign(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    contract = services.sla_contract_sign(actor=actor, contract_id=pk)
    messages.success(
        request, _("You signed the contract “%(name)s” for your side.") % {"name": contract.name}
    )
    return HttpResponseRedirect(reverse("sla-contracts_detail", args=[actor.workspace.slug, pk]))


# -- settings pages (generic record pages) --------------------------------------------------------


def _form_with_lists(spec: Any, fields: tuple[str, ...], lists: tuple[str, ...]) -> Any:
    base = record_form_class(spec, fields)
    extra = {
        name: CommaListField(
            label=base.base_fields[name].label,
            required=False,
            help_text=gettext_lazy("Separate them with commas."),
        )
        for name in lists
    }
    return type(f"{base.__name__}WithLists", (base,), extra)


def _save_contract(actor: Actor, form: forms.Form, instance: Any) -> Any:
    data = form.record_data()  # type: ignore[attr-defined]
    return services.sla_contract_save(actor=actor, data=data, contract=instance)


def _contract_context(actor: Actor, contract: Any) -> dict[str, Any]:
    return {
        "status": marketing_status(contract, timezone.now()) if contract.is_signed else None,
        "can_sign": actor.signs_for is not None
        and getattr(contract, f"{actor.signs_for}_signed_at") is None,
        "breaches": list(
            contract.breaches.select_related("lead__contact").order_by("-due_at")[:10]
        ),
    }


def _facts(actor: Actor, obj: Any) -> dict[str, Any]:
    """Label and shown value of each field of a settings record, for its detail page."""
    rows = []
    for field in obj._meta.concrete_fields:
        if field.name in {"id", "workspace", "created_at", "updated_at"}:
            continue
        display = getattr(obj, f"get_{field.name}_display", None)
        value = display() if display else getattr(obj, field.name)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value) or "—"
        elif isinstance(value, bool):
            value = _("Yes") if value else _("No")
        rows.append({"label": str(field.verbose_name).capitalize(), "value": value})
    return {"fields": rows}


SLA_CONTRACTS = RecordPage(
    new_label=gettext_lazy("New SLA contract"),
    spec=records.SLA_CONTRACTS,
    columns=(
        Column("name", gettext_lazy("Name"), link="self"),
        Column("pod", gettext_lazy("Pod")),
        Column("period_start", gettext_lazy("From"), sort="-start", kind="date"),
        Column("period_end", gettext_lazy("To"), kind="date", secondary=True),
        Column("is_signed", gettext_lazy("Signed by both sides")),
    ),
    form_fields=records.SLA_TERMS,
    form_class=_form_with_lists(records.SLA_CONTRACTS, records.SLA_TERMS, ("industries",)),
    detail_template="funnel/contract_detail.html",
    detail_context=_contract_context,
    save=_save_contract,
    filter_choices={"pod": pod_choices},
    empty_text=gettext_lazy(
        "An SLA contract is what marketing and sales promise each other for a period: MQL volume "
        "and quality on one side, speed, persistence and decisions on the other."
    ),
)

SCORING_RULES = RecordPage(
    new_label=gettext_lazy("New scoring rule"),
    spec=records.SCORING_RULES,
    columns=(
        Column("name", gettext_lazy("Name"), sort="name", link="self"),
        Column("kind", gettext_lazy("Kind"), kind="badge"),
        Column("points", gettext_lazy("Points"), kind="number"),
        Column("half_life_days", gettext_lazy("Half-life (days)"), kind="number", secondary=True),
        Column("is_active", gettext_lazy("Active"), secondary=True),
    ),
    form_fields=(
        "name",
        "kind",
        "attribute",
        "values",
        "touch_kind",
        "points",
        "half_life_days",
        "is_active",
    ),
    form_class=_form_with_lists(
        records.SCORING_RULES,
        (
            "name",
            "kind",
            "attribute",
            "values",
            "touch_kind",
            "points",
            "half_life_days",
            "is_active",
        ),
        ("values",),
    ),
    detail_template="funnel/rule_detail.html",
    detail_context=_facts,
    empty_text=gettext_lazy(
        "Scoring rules say which leads are worth sales' time: fit (who they are) and engagement "
        "(what they did, fading with time). Crossing the threshold makes a lead an MQL."
    ),
)

REJECTION_REASONS = RecordPage(
    new_label=gettext_lazy("New rejection reason"),
    spec=records.REJECTION_REASONS,
    columns=(
        Column("label", gettext_lazy("Reason"), sort="label", link="self"),
        Column("code", gettext_lazy("Code"), secondary=True),
        Column("default_outcome", gettext_lazy("Default outcome"), kind="badge"),
        Column("recycle_after_days", gettext_lazy("Re-evaluate after (days)"), kind="number"),
    ),
    form_fields=("code", "label", "default_outcome", "recycle_after_days", "is_active"),
    detail_template="funnel/rule_detail.html",
    detail_context=_facts,
    empty_text=gettext_lazy(
        "The reasons sales may give when rejecting an MQL, each with its default outcome."
    ),
)

ROUTING_RULES = RecordPage(
    new_label=gettext_lazy("New routing rule"),
    spec=records.ROUTING_RULES,
    columns=(
        Column("name", gettext_lazy("Name"), link="self"),
        Column("order", gettext_lazy("Order"), sort="order", kind="number"),
        Column("pod", gettext_lazy("Pod")),
        Column("capacity", gettext_lazy("Capacity"), kind="number", secondary=True),
    ),
    form_fields=(
        "name",
        "order",
        "pod",
        "industries",
        "regions",
        "countries",
        "capacity",
        "is_active",
    ),
    form_class=_form_with_lists(
        records.ROUTING_RULES,
        ("name", "order", "pod", "industries", "regions", "countries", "capacity", "is_active"),
        ("industries", "regions", "countries"),
    ),
    detail_template="funnel/rule_detail.html",
    detail_context=_facts,
    empty_text=gettext_lazy(
        "Routing rules send new MQLs to a pod by industry, region or country; inside the pod, "
        "leads go round-robin to available reps under their capacity."
    ),
)

SETTINGS_PAGES = (SLA_CONTRACTS, SCORING_RULES, REJECTION_REASONS, ROUTING_RULES)


# -- funnel metrics: conversion and time in stage by cohort, pipeline, lead velocity -------------


@workspace_view
def funnel_metrics(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Stage-to-stage conversion and median days in stage by month of MQL, source, campaign or
    pod; pipeline created and won per source; lead velocity rate. Read from the cached snapshot;
    ``?format=csv`` exports the table. Every member of the workspace may read it."""
    import csv
    import io
    from decimal import Decimal

    ws = actor.workspace
    wanted = request.GET.get("by") or "month"
    errors: dict[str, list[str]] = {}
    try:
        by, period = metrics.metrics_request(
            ws, by=wanted, start=request.GET.get("from"), end=request.GET.get("to")
        )
    except ValidationFailed as exc:
        errors = exc.field_errors
        by = wanted if wanted in metrics.DIMENSIONS else "month"
        period = metrics.default_period(ws)
    result = metrics.funnel_metrics(actor=actor, by=by, period=period)
    titles = metrics.dimension_titles()
    query = f"by={by}&from={period.start.isoformat()}&to={period.end.isoformat()}"
    if request.GET.get("format") == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(metrics.csv_rows(result))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="funnel-metrics-{by}-{period.start}-{period.end}.csv"'
        )
        return response
    language = request.LANGUAGE_CODE  # type: ignore[attr-defined]
    key = f"{ws.pk}:{by}:{period.start}:{period.end}:{language}"
    charts = {"conversion": "", "velocity": "", "pipeline": ""}
    if result.rows:
        charts["conversion"] = cached_svg(
            f"funnel-metrics-conversion:{key}",
            lambda: metrics.conversion_chart_spec(result, titles[by]),
        )
    if any(v.lvr is not None for v in result.velocity):
        charts["velocity"] = cached_svg(
            f"funnel-metrics-velocity:{key}", lambda: metrics.velocity_chart_spec(result)
        )
    if result.pipeline:
        charts["pipeline"] = cached_svg(
            f"funnel-metrics-pipeline:{key}", lambda: metrics.pipeline_chart_spec(result)
        )
    this_month = result.this_month
    pct = metrics.percent_text

    def cells(r: metrics.MetricsRow) -> dict[str, Any]:
        rates = (r.mql_to_sal, r.sal_to_sql, r.sql_to_won)
        return {"r": r, "rates": [pct(v) for v in rates], "overall": pct(r.mql_to_won, 1)}

    context = {
        "table": [cells(r) for r in result.rows],
        "total": cells(result.total),
        "velocity": [{"v": v, "lvr": pct(v.lvr)} for v in reversed(result.velocity)],
        "this_month_lvr": pct(this_month.lvr) if this_month else "—",
        "overall": pct(result.total.mql_to_won, 1),
        "nav": "funnel_metrics",
        "m": result,
        "by": by,
        "period": period,
        "titles": titles,
        "errors": errors,
        "query": query,
        "charts": charts,
        "this_month": this_month,
        "month_to_date": this_month is not None
        and this_month.month == metrics.local_today(ws).strftime("%Y-%m"),
        "pipeline_created": sum((p.created for p in result.pipeline), Decimal(0)),
        "pipeline_won": sum((p.won for p in result.pipeline), Decimal(0)),
    }
    return htmx_render(request, "funnel/metrics_body.html", context, page="funnel/metrics.html")


@workspace_view
def workspace_home(request: HttpRequest, actor: Actor) -> HttpResponse:
    """What a manager wants first: the waterfall, open pipeline, recent leads, live campaigns."""
    stages = selectors.lead_stage_counts(actor=actor)
    context = {
        "nav": "home",
        "stages": stages,
        "max_stage": max((n for _s, _l, n in stages), default=0),
        "total_leads": sum(n for _s, _l, n in stages),
        "pipeline": selectors.open_pipeline(actor=actor),
        "recent_leads": list(selectors.recent_leads(actor=actor)),
        "campaigns": list(crm_selectors.active_campaigns(actor=actor)),
        "can_create_lead": actor.can("lead.write"),
    }
    return render(request, "core/home.html", context)
