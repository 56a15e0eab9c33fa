"""Page shaping for the funnel's pages: what each template prints, computed from the selectors,
reports and metrics (views stay a few lines: parse, call one of these, render)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cordee.core import exports
from cordee.core.actor import Actor
from cordee.core.charts import cached_svg
from cordee.core.errors import ValidationFailed
from cordee.core.export_views import query_links
from cordee.core.exports import ExportColumn
from cordee.core.spreadsheet import csv_writer
from cordee.crm.models import Channel
from cordee.funnel import metrics, metrics_report, reports, selectors
from cordee.funnel.metrics import FunnelMetrics, MetricsRow, Period
from cordee.funnel.models import CallOutcome, Lead, LeadStageChange, RejectionOutcome, Stage
from cordee.funnel.selectors import LeadSla
from cordee.funnel.version import funnel_version
from cordee.people.selectors import pod_options

QUEUE_SIZE = 50  # the oldest first: the ones whose clocks run out soonest


QueueRow = tuple[Lead, LeadSla | None]  # a lead of the queue's export, with its SLA clocks


def under_threshold_why(entry: LeadStageChange | None, threshold: int) -> str:
    """Why an MQL scoring under the current ``threshold`` is in the queue, from the history row
    by which it entered MQL: promoted under an earlier threshold, moved by hand, imported (or
    promoted by the rule, its engagement having faded since)."""
    if entry is None:
        return _("Its history does not say how it became an MQL.")
    if entry.imported:
        return _("Imported as an MQL from another system.")
    params = entry.reason_params or {}
    if entry.reason_code == "score_threshold" and "threshold" in params:
        values = {"score": params.get("score", "?"), "threshold": params["threshold"]}
        if int(params["threshold"]) < threshold:
            return (
                _("Promoted under an earlier threshold (%(threshold)s), with a score of %(score)s.")
                % values
            )
        return (
            _(
                "Promoted with a score of %(score)s (threshold %(threshold)s); its engagement has "
                "faded since."
            )
            % values
        )
    if entry.actor_id:
        return _("Moved to MQL by hand by %(person)s.") % {"person": entry.actor}
    return _("Became an MQL without the score rule.")


def queue_rows(actor: Actor, leads: list[Lead]) -> dict[str, Any]:
    """Rows prepared in Python (URLs, clocks, why a lead under the threshold is there, no
    owner) so that the template only prints them."""
    sla = selectors.leads_sla(actor=actor, leads=leads)
    base = reverse("leads_list", args=[actor.workspace.slug])
    threshold = actor.workspace.mql_threshold
    under = [lead for lead in leads if lead.score < threshold]
    entries = selectors.mql_entries(actor=actor, leads=under) if under else {}
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
                "unowned": lead.owner_id is None,
                "why": under_threshold_why(entries.get(lead.pk), threshold)
                if lead.score < threshold
                else "",
            }
        )
    return {
        "leads": leads,
        "rows": rows,
        "can_decide": actor.can("lead.decide"),
        "can_log": actor.can("activity.write"),
        "call_outcomes": CallOutcome.choices,
        "labels": {
            "first": _("First touch by"),
            "decision": _("Decision by"),
            "score": _("Score"),
            "attempts": _("Attempts"),
        },
    }


def queue_query(request: HttpRequest, actor: Actor) -> tuple[str, bool, QuerySet[Lead]]:
    """The queue's query (``pod``, ``scope=all``): (pod, everyone, the leads waiting)."""
    pod = request.GET.get("pod") or ""
    scope = request.GET.get("scope")
    everyone = scope == "all"
    waiting = selectors.mql_queue(
        actor=actor,
        pod_id=int(pod) if pod.isdigit() else None,
        everyone=everyone,
        unowned=scope == "unowned",
    )
    return pod, everyone, waiting


def queue_export_rows(actor: Actor, waiting: QuerySet[Lead]) -> Iterator[QueueRow]:
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


def queue_export_columns() -> list[ExportColumn]:
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


def session_token(request: HttpRequest) -> str:
    """A digest of the session's CSRF secret (the masked token changes on every call)."""
    get_token(request)  # makes sure the secret exists
    return hashlib.sha256(str(request.META.get("CSRF_COOKIE", "")).encode()).hexdigest()[:16]


def sla_dashboard(actor: Actor, language: str) -> dict[str, Any]:
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


def queue_page(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    """The MQL queue: filters, and its rows as a lazily computed, cached fragment."""
    pod, everyone, waiting = queue_query(request, actor)

    def rows() -> dict[str, Any]:
        leads = list(waiting[:QUEUE_SIZE])
        total = waiting.count() if len(leads) == QUEUE_SIZE else len(leads)
        return {"total": total, **queue_rows(actor, leads)}

    now = timezone.now()
    return {
        "nav": "queue",
        "pods": list(pod_options(actor=actor)),
        "pod": pod,
        "scope": request.GET.get("scope")
        if request.GET.get("scope") == "unowned"
        else "all"
        if everyone
        else "mine",
        "next": request.get_full_path(),
        # the rows are a cached fragment, computed (lazily) when a lead moved, was reassigned or
        # touched, or a minute passed (late flags); its forms carry this session's CSRF token
        "queue": SimpleLazyObject(rows),
        "funnel_version": funnel_version(actor.workspace.pk),
        "minute": now.strftime("%Y%m%d%H%M"),
        "session_key": session_token(request),
        "export_links": query_links(request, "mql_queue_export"),
    }


def reject_form(request: HttpRequest, actor: Actor, lead: Lead) -> dict[str, Any]:
    """The rejection form the queue fetches when a rep opens it."""
    return {
        "lead": lead,
        "reasons": list(selectors.rejection_reasons(actor=actor)),
        "outcomes": RejectionOutcome.choices,
        "next": request.headers.get("HX-Current-URL", ""),
    }


def board_page(actor: Actor) -> dict[str, Any]:
    """The funnel board: how many leads stand at each stage, the latest of each, conversions."""
    ws = actor.workspace

    def columns() -> list[dict[str, Any]]:
        latest = selectors.latest_by_stage(actor=actor, per_stage=6)
        return [
            {"value": value, "label": label, "count": n, "leads": latest.get(value, [])}
            for value, label, n in selectors.lead_stage_counts(actor=actor)
        ]

    # the board's body is a cached fragment keyed by the funnel's version: computed (lazily,
    # only on a miss) when a lead moved, at most once a minute otherwise
    return {
        "nav": "board",
        "columns": SimpleLazyObject(columns),
        "conversions": SimpleLazyObject(lambda: reports.conversions_snapshot(ws)),
        "funnel_version": funnel_version(ws.pk),
    }


def sla_page(actor: Actor, language: str) -> dict[str, Any]:
    """Both sides of the contract, as a cached fragment (a minute at most, or until a lead moves)."""
    return {
        "nav": "sla",
        "dashboard": SimpleLazyObject(lambda: sla_dashboard(actor, language)),
        "funnel_version": funnel_version(actor.workspace.pk),
    }


def rejections_page(actor: Actor, params: Mapping[str, str], language: str) -> dict[str, Any]:
    """Why sales rejects MQLs (``by`` channel, campaign or pod, over the last ``days``)."""
    by = params.get("by") or "channel"
    if by not in {"channel", "campaign", "pod"}:
        by = "channel"
    days = int(params["days"]) if params.get("days", "").isdigit() else 90
    since = timezone.now() - dt.timedelta(days=days)
    rows = reports.rejections(actor.workspace, since, by)
    summary = reports.rejection_summary(actor.workspace, since, by)
    if by == "channel":
        labels = dict(Channel.choices)
        rows = [{**r, "group": str(labels.get(r["group"], r["group"]))} for r in rows]
        summary = [replace(s, group=str(labels.get(s.group, s.group))) for s in summary]
    titles = {"channel": _("Channel"), "campaign": _("Campaign"), "pod": _("Pod")}
    chart = ""
    if rows:
        chart = cached_svg(
            f"rejections:{actor.workspace.pk}:{by}:{days}:{language}",
            lambda: reports.rejections_chart_spec(rows, str(titles[by])),
        )
    return {
        "nav": "rejections",
        "rows": rows,
        "summary": summary,
        "by": by,
        "days": days,
        "chart": chart,
        "titles": titles,
        "total": sum(r["n"] for r in rows),
    }


def metrics_query(
    actor: Actor, params: Mapping[str, str]
) -> tuple[str, Period, dict[str, list[str]]]:
    """(dimension, period, field errors) asked by the metrics page's query; a bad value falls
    back to the default and is reported by field."""
    ws = actor.workspace
    wanted = params.get("by") or "month"
    try:
        by, period = metrics.metrics_request(
            ws, by=wanted, start=params.get("from"), end=params.get("to")
        )
    except ValidationFailed as exc:
        by = wanted if wanted in metrics.DIMENSIONS else "month"
        return by, metrics.default_period(ws), exc.field_errors
    return by, period, {}


def metrics_csv(result: FunnelMetrics, by: str, period: Period) -> HttpResponse:
    """The metrics table as a CSV file."""
    buffer = io.StringIO()
    csv_writer(buffer).writerows(metrics_report.csv_rows(result))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="funnel-metrics-{by}-{period.start}-{period.end}.csv"'
    )
    return response


def _metrics_charts(
    actor: Actor, result: FunnelMetrics, by: str, period: Period, language: str
) -> dict[str, str]:
    key = f"{actor.workspace.pk}:{by}:{period.start}:{period.end}:{language}"
    titles = metrics.dimension_titles()
    charts = {"conversion": "", "velocity": "", "pipeline": ""}
    if result.rows:
        charts["conversion"] = cached_svg(
            f"funnel-metrics-conversion:{key}",
            lambda: metrics_report.conversion_chart_spec(result, titles[by]),
        )
    if any(v.lvr is not None for v in result.velocity):
        charts["velocity"] = cached_svg(
            f"funnel-metrics-velocity:{key}", lambda: metrics_report.velocity_chart_spec(result)
        )
    if result.pipeline:
        charts["pipeline"] = cached_svg(
            f"funnel-metrics-pipeline:{key}", lambda: metrics_report.pipeline_chart_spec(result)
        )
    return charts


def _metrics_cells(r: MetricsRow) -> dict[str, Any]:
    """The row's rates as text; a rate into a stage the cohort is too young for is not a 0 %:
    its cell says so (``recent``), with the median time it is compared with."""
    pct = metrics.percent_text
    cells = {
        attr: {
            "text": pct(getattr(r, attr), 1 if attr == "mql_to_won" else 0),
            "recent": stage in r.too_recent,
        }
        for attr, stage in metrics.RATE_STAGES
    }
    rates = [cells["mql_to_sal"], cells["sal_to_sql"], cells["sql_to_won"]]
    return {"r": r, "rates": rates, "overall": cells["mql_to_won"]}


def _days_text(days: float | None) -> str:
    return "—" if days is None else formats.number_format(round(days), 0)


def _too_recent_note(result: FunnelMetrics) -> str:
    """What "too recent" means on this page, with the medians it compares with."""
    medians = result.median_days_to
    stages = {"sal": _("SAL"), "sql": _("SQL"), "won": _("Won")}
    known = [
        ngettext("%(stage)s %(days)s day", "%(stage)s %(days)s days", round(days))
        % {"stage": stages[name], "days": _days_text(days)}
        for name, days in medians.items()
        if days is not None
    ]
    if not known:
        return ""
    return _(
        "Too recent: the cohort's middle MQL is younger than the median time from MQL to "
        "that stage (%(medians)s; MQL cycles since %(since)s that reached it), so its rate is "
        "not known yet rather than 0 %%."
    ) % {
        "medians": ", ".join(known),
        "since": formats.date_format(result.history_start, "SHORT_DATE_FORMAT"),
    }


def metrics_page(
    actor: Actor,
    result: FunnelMetrics,
    by: str,
    period: Period,
    errors: dict[str, list[str]],
    language: str,
) -> dict[str, Any]:
    """Conversion and days in stage by cohort, pipeline per source, lead velocity: the page."""
    last_month = result.last_month
    pct = metrics.percent_text
    return {
        "table": [_metrics_cells(r) for r in result.rows],
        "total": _metrics_cells(result.total),
        "too_recent_note": _too_recent_note(result),
        "any_too_recent": any(r.too_recent for r in result.rows),
        "velocity": [{"v": v, "lvr": pct(v.lvr)} for v in reversed(result.velocity)],
        "last_month_lvr": pct(last_month.lvr) if last_month else "—",
        "overall": pct(result.total.mql_to_won, 1),
        "nav": "funnel_metrics",
        "m": result,
        "by": by,
        "period": period,
        "titles": metrics.dimension_titles(),
        "errors": errors,
        "query": f"by={by}&from={period.start.isoformat()}&to={period.end.isoformat()}",
        "charts": _metrics_charts(actor, result, by, period, language),
        "last_month": last_month,
        "pipeline_created": sum((p.created for p in result.pipeline), Decimal(0)),
        "pipeline_won": sum((p.won for p in result.pipeline), Decimal(0)),
        # by close date, the one definition attribution credits (funnel.won)
        "won": selectors.won_deals(actor=actor, start=period.start, end=period.end),
    }


def close_date_ranges(today: dt.date) -> list[dict[str, Any]]:
    """The opportunity board's quick close-date filters: this month, this quarter, next
    quarter (calendar quarters, in the company's calendar)."""

    def month_end(year: int, month: int) -> dt.date:
        first_next = dt.date(year + month // 12, month % 12 + 1, 1)
        return first_next - dt.timedelta(days=1)

    q_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    q_end = month_end(q_start.year, q_start.month + 2)
    n_start = q_end + dt.timedelta(days=1)
    n_end = month_end(n_start.year, n_start.month + 2)
    return [
        {
            "label": _("This month"),
            "after": today.replace(day=1),
            "before": month_end(today.year, today.month),
        },
        {"label": _("This quarter"), "after": q_start, "before": q_end},
        {"label": _("Next quarter"), "after": n_start, "before": n_end},
    ]
