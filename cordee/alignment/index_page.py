"""What the alignment index page shows, and its exports: the month's score and every part (raw
value, normalised value, weight, effective weight, contribution), the parts left out, the
12-month trend chart, the pod and month selectors, the weights form for a RevOps admin. The
numbers are ``alignment.index``'s (the API's and the exports' too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.alignment import index
from cordee.analytics import alignment_index as maths
from cordee.core.actor import Actor
from cordee.core.charts import cached_svg, chart_spec
from cordee.core.errors import ValidationFailed
from cordee.core.exports import ExportColumn
from cordee.core.templatetags.cordee import percent
from cordee.core.web import Form
from cordee.people.models import Pod

TREND_MONTHS = 12


class WeightsForm(Form):
    """A whole-number weight per part (the service checks the rest)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, (label, _rule) in index.PARTS.items():
            self.fields[code] = forms.IntegerField(
                label=label, required=True, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
            )


def points(value: float | None, places: int = 1) -> str:
    """A 0–100 value in the reader's number format ("58,6"), an em dash when missing."""
    if value is None:
        return "—"
    return formats.number_format(round(value, places), places)


def month_label(month: dt.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def trend_chart(results: list[index.IndexResult], size: str) -> str:
    """The index of each month as a line (a month without a score is a gap), 0–100."""
    title_month, title_score = _("Month"), _("Alignment index")
    rows = [
        {"month": f"{r.month:%Y-%m}", "score": round(r.score, 1) if r.score is not None else None}
        for r in results
    ]
    if not any(r["score"] is not None for r in rows):
        return ""
    pod = results[0].pod
    key = f"alignment-index:{results[0].workspace.pk}:{pod.pk if pod else 'ws'}:{size}"
    return cached_svg(
        key,
        lambda: chart_spec(
            rows,
            mark={"type": "line", "point": True, "strokeWidth": 2},
            width=560 if size == "wide" else 300,
            height=220 if size == "wide" else 180,
            encoding={
                "x": {"field": "month", "type": "ordinal", "title": None, "sort": None},
                "y": {
                    "field": "score",
                    "type": "quantitative",
                    "title": title_score,
                    "scale": {"domain": [0, 100]},
                },
                "tooltip": [
                    {"field": "month", "title": title_month},
                    {"field": "score", "title": title_score},
                ],
            },
        ),
    )


def part_rows(result: index.IndexResult) -> list[dict[str, Any]]:
    return [
        {
            "code": p.code,
            "label": p.label,
            "rule": p.rule,
            "raw": p.raw,
            "missing": p.value is None,
            "value": points(p.value),
            "weight": int(p.weight),
            "effective": percent(p.effective_weight, 1) if p.value is not None else "—",
            "contribution": points(p.contribution, 2),
        }
        for p in result.parts
    ]


def index_page(
    actor: Actor, params: Mapping[str, Any], form: WeightsForm | None = None
) -> dict[str, Any]:
    """The page's context: a bad month or pod shows its error above the selectors (the current
    month, the workspace, in the meantime); another workspace's pod is a 404."""
    workspace = actor.workspace
    errors: list[str] = []
    try:
        month = index.month_read(workspace, params.get("month"))
    except ValidationFailed as exc:
        errors += [t for texts in exc.field_errors.values() for t in texts]
        month = index.month_read(workspace, None)
    pod = index.pod_read(workspace, params.get("pod"))
    trend = index.index_trend(workspace, month, months=TREND_MONTHS, pod=pod)
    result = trend[-1]
    weights = index.index_weights(workspace)
    can_configure = actor.can("index.configure")
    if can_configure and form is None:
        form = WeightsForm(initial=weights)
    missing = [p.label for p in result.parts if p.value is None]
    return {
        "nav": "alignment_index",
        "result": result,
        "score": points(result.score),
        "month": month,
        "month_value": f"{month:%Y-%m}",
        "month_label": month_label(month),
        "pod": pod,
        "pods": list(Pod.objects.filter(workspace=workspace).order_by("name", "pk")),
        "errors": errors,
        "rows": part_rows(result),
        "missing": missing,
        "trend": [
            {"month": month_label(r.month), "key": f"{r.month:%Y-%m}", "score": points(r.score)}
            for r in trend
        ],
        "charts": {size: trend_chart(trend, size) for size in ("wide", "narrow")},
        "can_configure": can_configure,
        "form": form,
        "defaults": [
            (str(label), maths.DEFAULT_WEIGHTS[code]) for code, (label, _r) in index.PARTS.items()
        ],
        "custom": weights != maths.DEFAULT_WEIGHTS,
        "query": {"month": f"{month:%Y-%m}", "pod": pod.pk if pod else ""},
    }


# -- the exports -----------------------------------------------------------------------------------

MONTH_HEADERS = (
    gettext_lazy("Month"),
    gettext_lazy("Scope"),
    gettext_lazy("Part"),
    gettext_lazy("Measured"),
    gettext_lazy("Numerator"),
    gettext_lazy("Denominator"),
    gettext_lazy("Value (0–100)"),
    gettext_lazy("Weight"),
    gettext_lazy("Effective weight"),
    gettext_lazy("Contribution"),
)


def _cell(i: int) -> Callable[[list[Any]], Any]:
    return lambda row: row[i]


def _scope(result: index.IndexResult) -> str:
    return result.pod.name if result.pod is not None else _("Whole workspace")


def _rounded(value: float | None, places: int = 2) -> int | Decimal | None:
    """A number for the file: a whole one as is, else to ``places`` (half up)."""
    if value is None:
        return None
    if float(value).is_integer():
        return int(value)
    step = Decimal(1).scaleb(-places)
    return Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP)


def month_export(result: index.IndexResult) -> tuple[list[ExportColumn], list[list[Any]]]:
    """A row per part, then the index's own row (its score in the value column)."""
    columns = [ExportColumn(str(h), _cell(i)) for i, h in enumerate(MONTH_HEADERS)]
    month, scope = f"{result.month:%Y-%m}", _scope(result)
    rows: list[list[Any]] = [
        [
            month,
            scope,
            p.label,
            p.raw,
            _rounded(p.numerator, 4),
            _rounded(p.denominator, 4),
            _rounded(p.value),
            int(p.weight),
            _rounded(p.effective_weight, 4) if p.value is not None else None,
            _rounded(p.contribution),
        ]
        for p in result.parts
    ]
    rows.append(
        [
            month,
            scope,
            _("Alignment index"),
            "",
            None,
            None,
            _rounded(result.score),
            None,
            None,
            None,
        ]
    )
    return columns, rows


def trend_export(results: list[index.IndexResult]) -> tuple[list[ExportColumn], list[list[Any]]]:
    """A row per month: the score, then each part's normalised value."""
    headers = [_("Month"), _("Scope"), _("Alignment index")] + [
        str(label) for label, _r in index.PARTS.values()
    ]
    columns = [ExportColumn(h, _cell(i)) for i, h in enumerate(headers)]
    rows = [
        [f"{r.month:%Y-%m}", _scope(r), _rounded(r.score)] + [_rounded(p.value) for p in r.parts]
        for r in results
    ]
    return columns, rows
