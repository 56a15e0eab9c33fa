"""Page shaping for the attribution page: the period, dimension and model asked, the credits'
table and chart, the CSV (the view stays a few lines)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.analytics.attribution import MODELS
from cordee.attribution import selectors
from cordee.attribution.models import Dimension
from cordee.attribution.periods import Period, fiscal_periods
from cordee.attribution.services import NO_CAMPAIGN
from cordee.core.actor import Actor
from cordee.core.charts import BAR, cached_svg, chart_spec, signed_colour
from cordee.crm.models import Channel
from cordee.tenancy.models import Workspace

MODEL_LABELS = {
    "first": gettext_lazy("First touch"),
    "last": gettext_lazy("Last touch"),
    "linear": gettext_lazy("Linear"),
    "position": gettext_lazy("Position (U)"),
    "time_decay": gettext_lazy("Time decay"),
    "markov": gettext_lazy("Markov"),
    "shapley": gettext_lazy("Shapley"),
}


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


def page_choice(
    params: Mapping[str, str], workspace: Workspace
) -> tuple[list[Period], Period, str, str]:
    """(periods offered, period, dimension, model) asked by the page's query, with defaults."""
    periods = fiscal_periods(workspace.fiscal_year_start_month, workspace.today())
    # the fiscal year by default: a quarter rarely has enough won leads to compare models
    period = next((p for p in periods if p.key == params.get("period")), periods[0])
    dimension = params.get("by") if params.get("by") in Dimension.values else Dimension.CHANNEL
    model = params.get("model") if params.get("model") in MODELS else "markov"
    return periods, period, str(dimension), str(model)


def credit_rows(snapshot: Any, dimension: str, model: str) -> list[dict[str, Any]]:
    """One row per channel or campaign: its credit under every model, the chosen one first."""
    if snapshot is None:
        return []
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
    return rows


def credits_csv(rows: list[dict[str, Any]], period: Period, dimension: str) -> HttpResponse:
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


def attribution_page(
    actor: Actor, params: Mapping[str, str], snapshot: Any, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    periods, period, dimension, model = page_choice(params, actor.workspace)
    lock = selectors.period_lock(actor=actor, start=period.start, dimension=dimension)
    chart = ""
    if snapshot is not None and snapshot.conversions:
        chart = cached_svg(
            f"attribution:{snapshot.pk}:{model}", lambda: _chart(snapshot, model, dimension)
        )
    return {
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
    }
