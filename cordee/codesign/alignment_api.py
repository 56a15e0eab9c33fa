"""GET /api/v1/campaigns/alignment: the co-design alignment numbers of a fiscal period, one row
for the whole workspace and one per pod (``codesign.alignment``; definitions in
``analytics.alignment_campaigns`` and docs/api.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from cordee.analytics import alignment_campaigns as maths
from cordee.analytics.planning import PlanPeriod
from cordee.codesign import alignment
from cordee.core.api import QuerySchema, current_actor
from cordee.funnel import kpis
from cordee.funnel.planning import rate_text

router = Router(tags=["Campaign alignment"])


class AlignmentFilters(QuerySchema):
    period: str | None = Field(
        None,
        max_length=10,
        description="2027 (fiscal year, named after the year it starts in), 2027-Q1 (fiscal "
        "quarter) or 2027-03 (calendar month); default: the current fiscal quarter",
    )


class RateOut(Schema):
    numerator: int
    denominator: int
    value: str | None = Field(description="numerator ÷ denominator to 4 places; null: 0 ÷ 0")


class MedianOut(Schema):
    value: str | None = Field(description="business hours, to 2 places; null: no round")
    count: int


class MeanOut(Schema):
    value: str | None = Field(description="mean rating 1–5, to 2 places; null: no rating")
    total: int
    count: int


class AlignmentRowOut(Schema):
    scope: str = Field(description="workspace or pod:<id>")
    pod_id: int | None
    pod_name: str | None
    approved_before_launch: RateOut
    median_review_hours: MedianOut
    kit_acknowledgement: RateOut
    debrief_completion: RateOut
    lead_quality: MeanOut


class PeriodOut(Schema):
    key: str
    start: dt.date
    end: dt.date


class AlignmentOut(Schema):
    period: PeriodOut
    time_zone: str
    rows: list[AlignmentRowOut]


def _rate(r: maths.Rate) -> dict[str, Any]:
    value = r.value
    return {
        "numerator": r.numerator,
        "denominator": r.denominator,
        "value": rate_text(value) if value is not None else None,
    }


def _two_places(value: Any) -> str | None:
    return rate_text(value, 2) if value is not None else None


def rows_payload(rows: list[alignment.AlignmentRow]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        n = row.numbers
        median = n.median_review_hours
        out.append(
            {
                "scope": row.key,
                "pod_id": row.pod.pk if row.pod is not None else None,
                "pod_name": row.pod.name if row.pod is not None else None,
                "approved_before_launch": _rate(n.approved_before_launch),
                "median_review_hours": {
                    "value": _two_places(
                        None if median.value is None else Decimal(repr(median.value))
                    ),
                    "count": median.count,
                },
                "kit_acknowledgement": _rate(n.kit_acknowledgement),
                "debrief_completion": _rate(n.debrief_completion),
                "lead_quality": {
                    "value": _two_places(n.lead_quality.value),
                    "total": n.lead_quality.total,
                    "count": n.lead_quality.count,
                },
            }
        )
    return out


def payload(time_zone: str, period: PlanPeriod, rows: list[alignment.AlignmentRow]) -> Any:
    return {
        "period": {"key": period.key, "start": period.start, "end": period.end},
        "time_zone": time_zone,
        "rows": rows_payload(rows),
    }


@router.get("/campaigns/alignment", response=AlignmentOut, operation_id="campaign_alignment")
def campaign_alignment(request: HttpRequest, filters: Query[AlignmentFilters]) -> Any:
    """The alignment numbers of a fiscal period (in the workspace time zone): the whole
    workspace's row first, then one per pod — campaigns approved by sales before launch, the
    median review time in business hours, the kit acknowledgement rate, debrief completion and
    the mean lead-quality rating, each rate as numerator, denominator and value. Every member
    reads it; a bad period is a 422 naming ``period``."""
    actor = current_actor(request)
    period = kpis.period_read(actor.workspace, filters.period)
    rows = alignment.campaign_alignment(actor.workspace, period)
    return payload(actor.workspace.time_zone, period, rows)
