"""The alignment index: REST endpoints under /api/v1/ — the month's index with its parts, the
trend, and the weights (read by every member; set by a RevOps admin). The numbers are
``alignment.index``'s, the page's and the exports'."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from cordee.alignment import index
from cordee.alignment.index_services import index_weights_set
from cordee.analytics import alignment_index as maths
from cordee.core.api import QuerySchema, current_actor
from cordee.core.schemas import InSchema

router = Router(tags=["The alignment index"])


class AlignmentIndexFilters(QuerySchema):
    month: str | None = Field(
        None, max_length=7, description="2026-11 (a calendar month); default: the current month"
    )
    pod: str | None = Field(
        None, max_length=20, description="a pod's id; default: the whole workspace"
    )


class AlignmentIndexTrendFilters(AlignmentIndexFilters):
    months: str | None = Field(
        None, max_length=3, description="how many months up to ``month``: 1 to 24, default 12"
    )


class AlignmentIndexPartOut(Schema):
    code: str
    label: str
    rule: str = Field(description="how the raw value becomes 0–100")
    raw: str = Field(description="the measured value, with its numerator and denominator")
    numerator: str | None
    denominator: str | None
    value: str | None = Field(description="normalised 0–100, 2 places; null: missing")
    weight: int
    effective_weight: str = Field(description="weight ÷ Σ weights of the present parts (0–1)")
    contribution: str | None = Field(description="value × effective weight: points of the index")
    missing: bool


class AlignmentIndexOut(Schema):
    month: str
    scope: str = Field(description="workspace or pod:<id>")
    pod_id: int | None
    pod_name: str | None
    score: str | None = Field(description="0–100, 2 places; null: no part could be measured")
    missing: list[str] = Field(description="the parts left out (weights renormalised)")
    parts: list[AlignmentIndexPartOut]


class AlignmentIndexMonthOut(Schema):
    month: str
    score: str | None
    missing: list[str]
    values: dict[str, str | None] = Field(description="each part's normalised value")


class AlignmentIndexTrendOut(Schema):
    scope: str
    pod_id: int | None
    pod_name: str | None
    months: list[AlignmentIndexMonthOut]


class AlignmentIndexWeightsOut(Schema):
    weights: dict[str, int]
    defaults: dict[str, int]


class AlignmentIndexWeightsIn(InSchema):
    weights: dict[str, Any] | None = Field(
        None, description="part → whole number 0–100; the parts left out keep their weight"
    )
    reset: bool = Field(False, description="true: back to the documented defaults")


def decimal_text(value: float | None, places: int = 2) -> str | None:
    if value is None:
        return None
    step = Decimal(1).scaleb(-places)
    return format(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP), "f")


def result_payload(result: index.IndexResult) -> dict[str, Any]:
    """One month's index as plain JSON (numbers as decimal strings)."""
    pod = result.pod
    return {
        "month": f"{result.month:%Y-%m}",
        "scope": f"pod:{pod.pk}" if pod is not None else "workspace",
        "pod_id": pod.pk if pod is not None else None,
        "pod_name": pod.name if pod is not None else None,
        "score": decimal_text(result.score),
        "missing": result.missing,
        "parts": [
            {
                "code": p.code,
                "label": p.label,
                "rule": p.rule,
                "raw": p.raw,
                "numerator": decimal_text(p.numerator, 4),
                "denominator": decimal_text(p.denominator, 4),
                "value": decimal_text(p.value),
                "weight": int(p.weight),
                "effective_weight": decimal_text(p.effective_weight, 4),
                "contribution": decimal_text(p.contribution),
                "missing": p.value is None,
            }
            for p in result.parts
        ],
    }


def trend_payload(results: list[index.IndexResult]) -> dict[str, Any]:
    pod = results[0].pod if results else None
    return {
        "scope": f"pod:{pod.pk}" if pod is not None else "workspace",
        "pod_id": pod.pk if pod is not None else None,
        "pod_name": pod.name if pod is not None else None,
        "months": [
            {
                "month": f"{r.month:%Y-%m}",
                "score": decimal_text(r.score),
                "missing": r.missing,
                "values": {p.code: decimal_text(p.value) for p in r.parts},
            }
            for r in results
        ],
    }


@router.get("/alignment/index", response=AlignmentIndexOut, operation_id="alignment_index")
def alignment_index(request: HttpRequest, filters: Query[AlignmentIndexFilters]) -> Any:
    """The alignment index of a calendar month (default: the current one) for the workspace or a
    pod: the score and every part — raw value with its numerator and denominator, normalised
    value, weight, effective weight, contribution; missing parts are left out and the weights
    renormalised. Every member reads it; a bad month is a 422 naming ``month``, another
    workspace's pod a 404."""
    actor = current_actor(request)
    workspace = actor.workspace
    month = index.month_read(workspace, filters.month)
    pod = index.pod_read(workspace, filters.pod)
    return result_payload(index.index_month(workspace, month, pod=pod))


@router.get(
    "/alignment/index/trend", response=AlignmentIndexTrendOut, operation_id="alignment_index_trend"
)
def alignment_index_trend(request: HttpRequest, filters: Query[AlignmentIndexTrendFilters]) -> Any:
    """The index of each of ``months`` months (default 12) up to ``month``, oldest first."""
    actor = current_actor(request)
    workspace = actor.workspace
    month = index.month_read(workspace, filters.month)
    months = index.months_read(filters.months)
    pod = index.pod_read(workspace, filters.pod)
    return trend_payload(index.index_trend(workspace, month, months=months, pod=pod))


def _weights(actor_weights: dict[str, int]) -> dict[str, Any]:
    return {"weights": actor_weights, "defaults": dict(maths.DEFAULT_WEIGHTS)}


@router.get(
    "/alignment/index/weights",
    response=AlignmentIndexWeightsOut,
    operation_id="alignment_index_weights_get",
)
def alignment_index_weights_get(request: HttpRequest) -> Any:
    """The weights in force (a RevOps admin's, or the defaults) and the documented defaults."""
    return _weights(index.index_weights(current_actor(request).workspace))


@router.put(
    "/alignment/index/weights",
    response=AlignmentIndexWeightsOut,
    operation_id="alignment_index_weights_set",
)
def alignment_index_weights_set(request: HttpRequest, payload: AlignmentIndexWeightsIn) -> Any:
    """Set the weights (RevOps admin): each part named takes its whole-number weight 0–100, the
    others keep theirs; ``reset: true`` goes back to the defaults. An unknown part, a negative
    weight or every part at 0 is a 422 naming the field."""
    weights = index_weights_set(
        actor=current_actor(request), weights=payload.weights, reset=payload.reset
    )
    return _weights(weights)
