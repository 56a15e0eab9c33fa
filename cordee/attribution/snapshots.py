"""Attribution snapshots: every model's credits for a period's won deals, in won deals and in
won revenue, with Shapley's bootstrap intervals, and for the period's SQLs in pipeline created
(the work of the background task)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cordee.analytics.attribution import Result, attribute, w_shaped
from cordee.analytics.attribution_intervals import ShapleyInterval, shapley_bootstrap
from cordee.attribution.journeys import OUTCOMES, PIPELINE, WON, PeriodJourneys, load_journeys
from cordee.attribution.models import MODELS, AttributionModel, AttributionSnapshot
from cordee.tenancy.models import Workspace

CONVERSIONS, CENTS = Decimal("0.0001"), Decimal("0.01")


def _decimal(x: float, step: Decimal = CONVERSIONS) -> str:
    return str(Decimal(repr(float(x))).quantize(step))


def _run(pj: PeriodJourneys, model: str, use_value: bool, half_life_days: float) -> Result:
    if model == AttributionModel.W_SHAPED:
        return w_shaped(pj.journeys, pj.lead_created, pj.opportunity_created, use_value=use_value)
    return attribute(pj.journeys, model, use_value=use_value, half_life_days=half_life_days)


def _intervals(interval: ShapleyInterval | None) -> dict[str, dict[str, object]]:
    if interval is None:
        return {}
    return {
        name: {
            "low": _decimal(interval.low[k]),
            "high": _decimal(interval.high[k]),
            "low_value": _decimal(interval.low_value[k], CENTS),
            "high_value": _decimal(interval.high_value[k], CENTS),
            "coalition": interval.coalition[k],
            "support": int(interval.support[k]),
        }
        for k, name in enumerate(interval.channels)
    }


def snapshot_compute(
    *,
    workspace: Workspace,
    start: dt.date,
    end: dt.date,
    dimension: str,
    half_life_days: Decimal = Decimal(7),
) -> AttributionSnapshot:
    """Every model's credits for the period's won deals, in conversions and in won revenue (the
    workspace currency), with Shapley's bootstrap intervals, and in pipeline created for the
    period's SQLs (``journeys.PIPELINE``); stored for the pages and the API."""
    period = load_journeys(workspace, start, end, dimension, OUTCOMES)
    pj, pipeline = period[WON], period[PIPELINE]
    credits: dict[str, dict[str, str]] = {}
    value_credits: dict[str, dict[str, str]] = {}
    pipeline_credits: dict[str, dict[str, str]] = {}
    for model in MODELS:
        for journeys, use_value, out, step in (
            (pj, False, credits, CONVERSIONS),
            (pj, True, value_credits, CENTS),
            (pipeline, True, pipeline_credits, CENTS),
        ):
            result = _run(journeys, model, use_value, float(half_life_days))
            out[model] = {
                c: _decimal(v, step) for c, v in zip(result.channels, result.credits, strict=True)
            }
    interval = shapley_bootstrap(pj.journeys) if pj.journeys.converted.any() else None
    return AttributionSnapshot.objects.create(
        workspace=workspace,
        period_start=start,
        period_end=end,
        dimension=dimension,
        half_life_days=half_life_days,
        journeys=pj.journeys.n_journeys,
        conversions=pj.deals.count,
        value=pj.deals.amount,
        credits=credits,
        value_credits=value_credits,
        no_touch_conversions=len(pj.no_touch),
        no_touch_value=pj.no_touch_value,
        other_currencies=_other_currencies(pj),
        unnamed_touches=pj.unnamed_touches,
        intervals=_intervals(interval),
        bootstrap_seed=interval.seed if interval else None,
        bootstrap_resamples=interval.resamples if interval else 0,
        pipeline_opportunities=pipeline.deals.count,
        pipeline_value=pipeline.deals.amount,
        pipeline_credits=pipeline_credits,
        pipeline_no_touch_opportunities=len(pipeline.no_touch),
        pipeline_no_touch_value=pipeline.no_touch_value,
        pipeline_other_currencies=_other_currencies(pipeline),
        computed_at=timezone.now(),
    )


def _other_currencies(pj: PeriodJourneys) -> dict[str, dict[str, object]]:
    return {
        code: {"count": count, "amount": str(amount)}
        for code, (count, amount) in pj.deals.other_currencies.items()
    }
