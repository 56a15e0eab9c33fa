"""Page shaping for the attribution page: the period, dimension and model asked, the credits'
table and chart, the CSV (the view stays a few lines)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from cordee.attribution import selectors
from cordee.attribution.journeys import NO_CAMPAIGN, credit_labels
from cordee.attribution.models import MODELS, AttributionModel, AttributionSnapshot, Dimension
from cordee.attribution.periods import Period, fiscal_periods
from cordee.attribution.services import negative_credits
from cordee.core.actor import Actor
from cordee.core.charts import BAR, cached_svg, chart_spec, signed_colour
from cordee.core.spreadsheet import csv_writer
from cordee.tenancy.models import Workspace

UNITS = ("conversions", "value", "pipeline")
DEFAULT_MODEL = "markov"  # the model the page shows first (and a debrief reads when not locked)


def _credits(snapshot: AttributionSnapshot, unit: str) -> dict[str, dict[str, str]]:
    by_unit = {"value": snapshot.value_credits, "pipeline": snapshot.pipeline_credits}
    return dict(by_unit.get(unit, snapshot.credits))


def _chart(snapshot: AttributionSnapshot, model: str, dimension: str, unit: str) -> dict[str, Any]:
    labels = credit_labels(dimension)
    values = [
        {"name": labels.get(k, k), "credit": float(v)}
        for k, v in _credits(snapshot, unit).get(model, {}).items()
    ]
    currency = {"currency": snapshot.workspace.currency}
    title = {
        "value": _("Credited won revenue (%(currency)s)") % currency,
        "pipeline": _("Credited pipeline created (%(currency)s)") % currency,
    }.get(unit, _("Credited won deals"))
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
            "x": {"field": "credit", "type": "quantitative", "title": title},
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
    model = params.get("model") if params.get("model") in MODELS else DEFAULT_MODEL
    return periods, period, str(dimension), str(model)


def page_unit(params: Mapping[str, str]) -> str:
    """Credits in won deals (``conversions``), in won revenue (``value``) or in pipeline created
    by the period's SQLs (``pipeline``)."""
    return params.get("unit") if params.get("unit") in UNITS else "conversions"  # type: ignore[return-value]


def credit_rows(
    snapshot: AttributionSnapshot | None, dimension: str, model: str, unit: str = "conversions"
) -> list[dict[str, Any]]:
    """One row per channel or campaign: its credit under every model (in the unit asked),
    sorted by the chosen model's; Shapley's interval and support beside it."""
    if snapshot is None:
        return []
    credits = _credits(snapshot, unit)
    names = sorted({n for by_name in credits.values() for n in by_name})
    labels = credit_labels(dimension)
    rows = []
    for n in names:
        interval = snapshot.intervals.get(n)
        row: dict[str, Any] = {
            "key": n,
            "name": labels.get(n, n),
            "credits": [Decimal(credits.get(m, {}).get(n, "0")) for m in MODELS],
            "shapley": Decimal(snapshot.credits.get("shapley", {}).get(n, "0")),
            "shapley_value": Decimal(snapshot.value_credits.get("shapley", {}).get(n, "0")),
        }
        if interval:
            low, high = Decimal(interval["low"]), Decimal(interval["high"])
            row |= {
                "low": low,
                "high": high,
                "low_value": Decimal(interval["low_value"]),
                "high_value": Decimal(interval["high_value"]),
                "near_zero": low <= 0 <= high,
                "coalition": ", ".join(labels.get(c, c) for c in interval["coalition"]),
                "support": interval["support"],
            }
        rows.append(row)
    rows.sort(key=lambda r: -r["credits"][MODELS.index(model)])
    return rows


def credits_csv(
    snapshot: AttributionSnapshot, rows: list[dict[str, Any]], period: Period, dimension: str
) -> HttpResponse:
    """Every model's credits, in won deals, then in won revenue, then in pipeline created."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(
        [dimension, *MODELS, *(f"{m}_value" for m in MODELS), *(f"{m}_pipeline" for m in MODELS)]
    )
    names = {r["key"]: r["name"] for r in rows}
    every = {n for unit in UNITS for by_name in _credits(snapshot, unit).values() for n in by_name}
    labels = credit_labels(dimension)
    for key in sorted(every - set(names)):  # a name credited in another unit only: last
        names[key] = labels.get(key, key)
    for key, name in names.items():
        writer.writerow(
            [
                name,
                *(snapshot.credits.get(m, {}).get(key, "0") for m in MODELS),
                *(snapshot.value_credits.get(m, {}).get(key, "0") for m in MODELS),
                *(snapshot.pipeline_credits.get(m, {}).get(key, "0") for m in MODELS),
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="attribution-{period.key}-{dimension}.csv"'
    )
    return response


def _signing(
    actor: Actor, snapshot: AttributionSnapshot | None, model: str, dimension: str, lock: Any
) -> dict[str, Any]:
    """Whether the chosen model may be signed (no credit below 0), and whether the actor may
    withdraw its side's signature."""
    labels = credit_labels(dimension)
    negative = negative_credits(snapshot.credits.get(model, {})) if snapshot else []
    side = actor.signs_for
    return {
        "not_signable": [labels.get(n, n) for n in negative],
        "can_sign": side is not None and not negative,
        "can_withdraw": side is not None
        and lock is not None
        and not lock.is_signed
        and getattr(lock, f"{side}_signed_at") is not None,
    }


def attribution_page(
    actor: Actor,
    params: Mapping[str, str],
    snapshot: AttributionSnapshot | None,
    rows: list[dict[str, Any]],
) -> dict[str, Any]:
    periods, period, dimension, model = page_choice(params, actor.workspace)
    unit = page_unit(params)
    lock = selectors.period_lock(actor=actor, start=period.start, dimension=dimension)
    chart = ""
    if snapshot is not None and snapshot.journeys:
        chart = cached_svg(
            f"attribution:{snapshot.pk}:{model}:{unit}",
            lambda: _chart(snapshot, model, dimension, unit),
        )
    credited = Decimal(0)
    if snapshot is not None:
        credited = Decimal(snapshot.conversions - snapshot.no_touch_conversions)
    return {
        "nav": "attribution",
        "periods": periods,
        "period": period,
        "dimension": dimension,
        "model": model,
        "model_label": AttributionModel(model).label,
        "unit": unit,
        "models": AttributionModel.choices,
        "dimensions": Dimension.choices,
        "snapshot": snapshot,
        "credited_conversions": credited,
        "credited_value": snapshot.value - snapshot.no_touch_value if snapshot else Decimal(0),
        "credited_pipeline": (
            snapshot.pipeline_value - snapshot.pipeline_no_touch_value if snapshot else Decimal(0)
        ),
        "credited_sqls": (
            snapshot.pipeline_opportunities - snapshot.pipeline_no_touch_opportunities
            if snapshot
            else 0
        ),
        "unnamed_label": credit_labels(dimension)[NO_CAMPAIGN],
        "rows": rows,
        "chart": chart,
        "lock": lock,
        "differences": {
            credit_labels(dimension).get(name, name): pair
            for name, pair in (selectors.differences(lock, snapshot) if lock else {}).items()
        },
        "can_compute": actor.can("sla.write"),
        **_signing(actor, snapshot, model, dimension, lock),
    }
