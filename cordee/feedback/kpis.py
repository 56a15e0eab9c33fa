"""The KPI catalogue's feedback KPIs (``cordee.analytics.kpis``), given to ``funnel.kpis``.

The loop health page's numbers (``selectors.health.loop_health``, ``analytics.feedback_health``)
over the items raised in the fiscal period (from its first day's midnight to the midnight after
its last day, workspace time zone), each duplicate counted once: items raised, those closed with
an answer, their ratio (the closure rate), and the median business days to acknowledge, to two
places (half up). For the workspace or a pod (the items of the pod); a side or a person gets the
state ``not_per_person``.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone

from cordee.analytics import kpis as catalogue
from cordee.analytics import planning as maths
from cordee.core.actor import Actor
from cordee.feedback.selectors.health import loop_health
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
    if scope.kind not in ("workspace", "pod"):
        return {k: catalogue.KpiValue(k, None, state=catalogue.NOT_PER_PERSON) for k in KEYS}
    tz = actor.workspace.zone
    start = dt.datetime.combine(period.start, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    n = loop_health(
        actor=actor,
        pod_id=scope.pod.pk if scope.pod is not None else None,
        start=start,
        end=end,
        now=timezone.now(),
    ).numbers
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
    kpis.kpi_source_register(feedback_kpis)
