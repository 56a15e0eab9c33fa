"""The funnel metrics as readers see them: three charts (Vega-Lite, rendered to SVG on the
server by ``core.charts``) and the CSV table."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cordee.core.charts import BAR, LINE, chart_spec, signed_colour
from cordee.funnel.metrics import FunnelMetrics

CHART_COHORTS = 12  # the largest cohorts, when there are more (campaigns, sources)


RECENT_BAND = "#eef0f3"
RECENT_TEXT = "#5d6676"


def conversion_chart_spec(metrics: FunnelMetrics, title: str) -> dict[str, Any]:
    """Each cohort's three stage-to-stage rates: lines over the months, grouped bars otherwise.
    A rate into a stage the cohort is too young for is left out (it is not a 0 %); the cohort
    is shaded and labelled "too recent" with the median times it is younger than."""
    rows = list(metrics.rows if metrics.by == "month" else metrics.rows[:CHART_COHORTS])
    steps = (
        (_("MQL → SAL"), "mql_to_sal", "sal"),
        (_("SAL → SQL"), "sal_to_sql", "sql"),
        (_("SQL → Won"), "sql_to_won", "won"),
    )
    values = [
        {"cohort": r.label, "step": step, "rate": getattr(r, attr)}
        for r in rows
        for step, attr, stage in steps
        if getattr(r, attr) is not None and stage not in r.too_recent
    ]
    order = [r.label for r in rows]
    x: dict[str, Any] = {"field": "cohort", "type": "ordinal", "title": title, "sort": order}
    y = {
        "field": "rate",
        "type": "quantitative",
        "title": _("Conversion rate"),
        "axis": {"format": ".0%"},
        "scale": {"domain": [0, 1]},
    }
    encoding: dict[str, Any] = {
        "x": x,
        "y": y,
        "color": {
            "field": "step",
            "type": "nominal",
            "title": _("Step"),
            "sort": None,
            "scale": {"domain": [step for step, _attr, _stage in steps]},
        },
        "tooltip": [
            {"field": "cohort", "title": title},
            {"field": "step", "title": _("Step")},
            {"field": "rate", "format": ".0%", "title": _("Conversion rate")},
        ],
    }
    if metrics.by == "month":
        mark = LINE
        x["axis"] = {"labelAngle": 0 if len(rows) <= 6 else -45}
    else:
        mark = BAR
        encoding["xOffset"] = {"field": "step", "sort": None}
        x["axis"] = {"labelAngle": -30, "labelLimit": 140}
    spec = chart_spec(values, mark=mark, encoding=encoding, width=560, height=220)
    recent = [
        {"cohort": r.label, "note": [_("too recent"), _recent_stages(metrics, r.too_recent)]}
        for r in rows
        if r.too_recent
    ]
    if recent:
        spec = _with_recent_layers(spec, recent, order)
    return spec


def _recent_stages(metrics: FunnelMetrics, stages: tuple[str, ...]) -> str:
    """ "SQL 20 d · Won 61 d": the stages and the median days the cohort is younger than."""
    names = {"sal": _("SAL"), "sql": _("SQL"), "won": _("Won")}
    return " · ".join(
        _("%(stage)s %(days)s d")
        % {"stage": names[s], "days": round(metrics.median_days_to.get(s) or 0)}
        for s in stages
    )


def _with_recent_layers(
    spec: dict[str, Any], recent: list[dict[str, Any]], order: list[str]
) -> dict[str, Any]:
    """The chart under a shaded band and an upright label over each too recent cohort."""
    x = {"field": "cohort", "type": "ordinal", "sort": order}
    band = {
        "data": {"values": recent},
        "mark": {"type": "bar", "color": RECENT_BAND},
        "encoding": {"x": x, "y": {"datum": 1}, "y2": {"datum": 0}},
    }
    label = {
        "data": {"values": recent},
        "mark": {
            "type": "text",
            "angle": -90,
            "align": "right",
            "baseline": "middle",
            "dx": -6,
            "fontSize": 10,
            "fontStyle": "italic",
            "color": RECENT_TEXT,
        },
        "encoding": {"x": x, "y": {"datum": 1}, "text": {"field": "note"}},
    }
    main = {"mark": spec.pop("mark"), "encoding": spec.pop("encoding"), "data": spec.pop("data")}
    return {**spec, "layer": [band, main, label]}


def velocity_chart_spec(metrics: FunnelMetrics) -> dict[str, Any]:
    """LVR per month: bars above or below zero."""
    values = [
        {"month": v.label, "lvr": v.lvr, "mqls": v.mqls}
        for v in metrics.velocity
        if v.lvr is not None
    ]
    return chart_spec(
        values,
        mark=BAR,
        width=560,
        height=200,
        encoding={
            "x": {
                "field": "month",
                "type": "ordinal",
                "title": _("Month"),
                "sort": [v.label for v in metrics.velocity],
                "axis": {"labelAngle": 0 if len(metrics.velocity) <= 6 else -45},
            },
            "y": {
                "field": "lvr",
                "type": "quantitative",
                "title": _("Lead velocity rate"),
                "axis": {"format": ".0%"},
            },
            "color": signed_colour("lvr", "#0f9d8a"),
            "tooltip": [
                {"field": "month", "title": _("Month")},
                {"field": "lvr", "format": ".0%", "title": _("Lead velocity rate")},
                {"field": "mqls", "title": _("MQLs")},
            ],
        },
    )


def pipeline_chart_spec(metrics: FunnelMetrics) -> dict[str, Any]:
    """Pipeline created next to pipeline won, per source (amounts as floats: display only)."""
    created, won = _("Pipeline created"), _("Pipeline won")
    values = [
        {"source": p.label, "kind": kind, "amount": float(amount)}
        for p in metrics.pipeline
        for kind, amount in ((created, p.created), (won, p.won))
    ]
    title = _("Amount (%(currency)s)") % {"currency": metrics.currency}
    return chart_spec(
        values,
        mark=BAR,
        width=420,
        height=200,
        encoding={
            "x": {
                "field": "source",
                "type": "nominal",
                "title": _("Source"),
                "axis": {"labelAngle": 0 if len(metrics.velocity) <= 6 else -45},
            },
            "xOffset": {"field": "kind", "sort": [created, won]},
            "y": {"field": "amount", "type": "quantitative", "title": title},
            "color": {
                "field": "kind",
                "type": "nominal",
                "title": _("Pipeline"),
                "sort": [created, won],
            },
            "tooltip": [
                {"field": "source", "title": _("Source")},
                {"field": "kind", "title": _("Pipeline")},
                {"field": "amount", "format": ",.2f", "title": title},
            ],
        },
    )


CSV_HEADER = (
    "cohort",
    "key",
    "mqls",
    "sal",
    "sql",
    "won",
    "mql_to_sal",
    "sal_to_sql",
    "sql_to_won",
    "mql_to_won",
    "median_days_mql_to_sal",
    "median_days_sal_to_sql",
    "median_days_sql_to_won",
    "too_recent",
)


def _ratio(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def csv_rows(metrics: FunnelMetrics) -> list[list[str]]:
    """The table as CSV rows (header first): rates as fractions with 4 decimals, medians in days
    with 1 decimal, empty when undefined; ``too_recent`` names the stages (``sql won``) whose
    rates are not final yet, the cohort being younger than the median time to them."""
    out = [list(CSV_HEADER)]
    for r in metrics.rows:
        out.append(
            [
                r.label,
                r.key,
                str(r.mqls),
                str(r.sal),
                str(r.sql),
                str(r.won),
                _ratio(r.mql_to_sal, 4),
                _ratio(r.sal_to_sql, 4),
                _ratio(r.sql_to_won, 4),
                _ratio(r.mql_to_won, 4),
                _ratio(r.median_days_mql_to_sal, 1),
                _ratio(r.median_days_sal_to_sql, 1),
                _ratio(r.median_days_sql_to_won, 1),
                " ".join(r.too_recent),
            ]
        )
    return out
