"""The attribution page: every model side by side for a fiscal period, a chart of the chosen one,
CSV export, and the two-sided lock that makes its credits the numbers of record."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cordee.analytics.attribution import MODELS
from cordee.attribution import selectors, services
from cordee.attribution.models import Dimension
from cordee.attribution.periods import Period, fiscal_periods
from cordee.attribution.services import NO_CAMPAIGN
from cordee.attribution.tasks import compute_snapshot
from cordee.core.actor import Actor
from cordee.core.charts import BAR, cached_svg, chart_spec, signed_colour
from cordee.core.web import workspace_view
from cordee.crm.models import Channel

MODEL_LABELS = {
    "first": gettext_lazy("First touch"),
    "last": gettext_lazy("Last touch"),
    "linear": gettext_lazy("Linear"),
    "position": gettext_lazy("Position (U)"),
    "time_decay": gettext_lazy("Time decay"),
    "markov": gettext_lazy("Markov"),
    "shapley": gettext_lazy("Shapley"),
}


def _choice(request: HttpRequest, actor: Actor) -> tuple[list[Period], Period, str, str]:
    periods = fiscal_periods(actor.workspace.fiscal_year_start_month, actor.workspace.today())
    # the fiscal year by default: a quarter rarely has enough won leads to compare models
    period = next((p for p in periods if p.key == request.GET.get("period")), periods[0])
    dimension = (
        request.GET.get("by") if request.GET.get("by") in Dimension.values else Dimension.CHANNEL
    )
    model = request.GET.get("model") if request.GET.get("model") in MODELS else "markov"
    return periods, period, str(dimension), str(model)


def _labels(dimension: str) -> dict[str, str]:
    """Display names: channel codes as their labels; touches without one say so."""

    labels = {NO_CAMPAIGN: _("No channel") if dimension == Dimension.CHANNEL else _("No campaign")}
    if dimension == Dimension.CHANNEL:
        labels.update({value: str(label) for value, label in Channel.choices})
    return labels


def _chart(snapshot: Any, model: str, dimension: str) -> dict[str, Any]:
    labels = _labels(dimension)
    values = [
        {"name": labels.get(k, k), "credit": float(v)}
        for k, v in snapshot.credits.get(model, {}).items()
    ]
    return chart_spec(
        values,
        mark=BAR,
        width=640,
        height={"step": 22},
        encoding={
            "y": {
                "field": "name",
                "type": "nominal",
                "sort": "-x",
                "title": str(Dimension(dimension).label),
            },
            "x": {"field": "credit", "type": "quantitative", "title": _("Credited conversions")},
            "color": signed_colour("credit", "#4f46e5"),
        },
    )


@workspace_view
def attribution(request: HttpRequest, actor: Actor) -> HttpResponse:
    periods, period, dimension, model = _choice(request, actor)
    snapshot = selectors.latest_snapshot(
        actor=actor, start=period.start, end=period.end, dimension=dimension
    )
    lock = selectors.period_lock(actor=actor, start=period.start, dimension=dimension)
    rows: list[dict[str, Any]] = []
    if snapshot is not None:
        names = sorted({n for credits in snapshot.credits.values() for n in credits})
        labels = _labels(dimension)
        rows = [
            {
                "name": labels.get(n, n),
                "credits": [Decimal(snapshot.credits.get(m, {}).get(n, "0")) for m in MODELS],
            }
            for n in names
        ]
        rows.sort(key=lambda r: -r["credits"][MODELS.index(model)])
        if request.GET.get("format") == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow([dimension, *MODELS])
            for r in rows:
                writer.writerow([r["name"], *r["credits"]])
            response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="attribution-{period.key}-{dimension}.csv"'
            )
            return response
    chart = ""
    if snapshot is not None and snapshot.conversions:
        chart = cached_svg(
            f"attribution:{snapshot.pk}:{model}", lambda: _chart(snapshot, model, dimension)
        )
    return render(
        request,
        "attribution/page.html",
        {
            "nav": "attribution",
            "periods": periods,
            "period": period,
            "dimension": dimension,
            "model": model,
            "models": [(m, MODEL_LABELS[m]) for m in MODELS],
            "dimensions": Dimension.choices,
            "snapshot": snapshot,
            "rows": rows,
            "chart": chart,
            "lock": lock,
            "differences": selectors.differences(lock, snapshot) if lock else {},
            "can_sign": actor.signs_for is not None,
            "can_compute": actor.can("sla.write"),
        },
    )


@workspace_view
@require_POST
def compute(request: HttpRequest, actor: Actor) -> HttpResponse:
    actor.require("sla.write")
    _periods, period, dimension, _model = _choice(request, actor)
    compute_snapshot.enqueue(
        actor.workspace.pk, period.start.isoformat(), period.end.isoformat(), dimension
    )
    messages.success(request, _("The attribution is being computed; reload the page in a moment."))
    return HttpResponseRedirect(request.get_full_path().replace("compute/", ""))


@workspace_view
@require_POST
def sign(request: HttpRequest, actor: Actor) -> HttpResponse:
    _periods, period, dimension, model = _choice(request, actor)
    services.lock_sign(
        actor=actor, start=period.start, end=period.end, dimension=dimension, model=model
    )
    messages.success(
        request,
        _("You signed the %(model)s credits for this period.") % {"model": MODEL_LABELS[model]},
    )
    return HttpResponseRedirect(request.get_full_path().replace("sign/", ""))
