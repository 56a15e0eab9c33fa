"""The KPI catalogue's feedback KPIs (``cordee.analytics.kpis``), given to ``funnel.kpis``.

The loop health page's numbers (``selectors.health.loop_health``, ``analytics.feedback_health``)
over the items raised in the fiscal period (from its first day's midnight to the midnight after
its last day, workspace time zone), each duplicate counted once: items raised, those closed with
an answer, their ratio (the closure rate), and the median business days to acknowledge, to two
places (half up). For the workspace or a pod (the items of the pod); a side or a person gets the
state ``not_per_person``. Many (scope, period) pairs at once (``feedback_kpis_many``, what
``funnel.kpis.kpi_reports`` calls): the items of the whole date range read once.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
from django.utils import timezone

from cordee.analytics import feedback_health
from cordee.analytics import kpis as catalogue
from cordee.analytics import planning as maths
from cordee.core.actor import Actor
from cordee.feedback.models import CLOSED_STATUSES
from cordee.feedback.selectors.health import period_items
from cordee.feedback.sla import MOVE_FIELDS, acknowledge_terms, epochs
from cordee.funnel import kpis

KEYS = (
    "feedback_items",
    "feedback_closed_with_answer",
    "feedback_closure_rate",
    "feedback_acknowledgement_latency",
)


def feedback_kpis(
    actor: Actor, scope: kpis.Scope, period: maths.PlanPeriod
) -> dict[str, catalogue.KpiValue]:
    return feedback_kpis_many(actor, [(scope, period)])[(scope.key, period.key)]


def feedback_kpis_many(
    actor: Actor, pairs: list[tuple[kpis.Scope, maths.PlanPeriod]]
) -> dict[tuple[str, str], dict[str, catalogue.KpiValue]]:
    """The values of many (scope, period) pairs: the items of the whole date range read once
    (``period_items``' set), each pair's numbers by ``analytics.feedback_health.loop_health``
    over its items, on one business clock from the first period's start to now."""
    workspace = actor.workspace
    out = {
        (s.key, p.key): {
            k: catalogue.KpiValue(k, None, state=catalogue.NOT_PER_PERSON) for k in KEYS
        }
        for s, p in pairs
        if s.kind not in ("workspace", "pod")
    }
    wanted = [(s, p) for s, p in pairs if s.kind in ("workspace", "pod")]
    if not wanted:
        return out
    tz = workspace.zone

    def bounds(period: maths.PlanPeriod) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(period.start, dt.time(0), tzinfo=tz)
        return start, dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)

    first = min(bounds(p)[0] for _s, p in wanted)
    last = max(bounds(p)[1] for _s, p in wanted)
    now = timezone.now()
    data = list(
        period_items(actor=actor, start=first, end=last)
        .order_by("submitted_at", "pk")
        .values_list("submitted_at", *MOVE_FIELDS, "status", "pod_id")
    )
    # the clock covers the periods asked and now (a period may end after now: the current one)
    terms = acknowledge_terms(workspace, min([first, *(r[0] for r in data)]), max(last, now))
    submitted = epochs([r[0] for r in data])
    moves = [epochs([r[1 + k] for r in data]) for k in range(len(MOVE_FIELDS))]
    closed = np.asarray([r[4] in CLOSED_STATUSES for r in data], dtype=bool)
    pods = np.asarray([r[5] or 0 for r in data], dtype=np.int64)
    for scope, period in wanted:
        start, end = bounds(period)
        i, j = np.searchsorted(submitted, [int(start.timestamp()), int(end.timestamp())])
        rows = np.arange(i, j)
        if scope.pod is not None:
            rows = rows[pods[rows] == scope.pod.pk]
        n = feedback_health.loop_health(
            clock=terms.clock,
            now=int(now.timestamp()),
            business_day=terms.business_day,
            within_days=terms.days,
            months=0.0,  # the items per rep per month: not a KPI
            submitted_at=submitted[rows],
            acknowledged_at=moves[0][rows],
            first_response_at=moves[1][rows],
            closed_at=moves[2][rows],
            closed=closed[rows],
            by_rep=np.zeros(len(rows), dtype=bool),
            reps=0,
        )
        out[(scope.key, period.key)] = _values(n)
    return out


def _values(n: feedback_health.LoopHealth) -> dict[str, catalogue.KpiValue]:
    latency = n.median_business_days_to_acknowledge
    return {
        "feedback_items": catalogue.KpiValue("feedback_items", n.items),
        "feedback_closed_with_answer": catalogue.KpiValue(
            "feedback_closed_with_answer", n.closed_with_answer
        ),
        "feedback_closure_rate": catalogue.KpiValue(
            "feedback_closure_rate",
            Fraction(n.closed_with_answer, n.items) if n.items else None,
            n.closed_with_answer,
            n.items,
        ),
        "feedback_acknowledgement_latency": catalogue.KpiValue(
            "feedback_acknowledgement_latency",
            Decimal(repr(latency)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if latency is not None
            else None,
        ),
    }


def register() -> None:
    kpis.kpi_source_register(feedback_kpis, many=feedback_kpis_many, keys=KEYS)
