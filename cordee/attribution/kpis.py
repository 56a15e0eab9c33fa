"""The KPI catalogue's attribution KPIs (``cordee.analytics.kpis``), given to ``funnel.kpis``.

For a fiscal period, from the period's attribution lock once both sides signed it — the numbers
of record, never a recomputation from today's data:

- **Revenue attributed to marketing** = Σ of its credits in won revenue
  (``AttributionLock.value_credits``, workspace currency);
- **Pipeline attributed to marketing** = Σ of its credits in pipeline created
  (``AttributionLock.pipeline_credits``: the period's SQLs, each credited to its lead's marketing
  touches up to the end of its creation day, workspace currency). A lock signed before Cordée
  kept pipeline credits has none: the state ``not_recorded`` — not 0.

A lock covers the period whose first and last days are the period's; of the two dimensions, the
channel lock is read first (both credit the same deals). Without a signed lock the values are
absent and their state ``not_locked`` — not 0. Attribution is kept for the whole workspace only:
a side, a pod or a person gets the state ``workspace_only``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from cordee.analytics import kpis as catalogue
from cordee.analytics import planning as maths
from cordee.attribution.models import AttributionLock, AttributionSnapshot, Dimension
from cordee.attribution.presenters import DEFAULT_MODEL
from cordee.core.actor import Actor
from cordee.funnel import kpis
from cordee.tenancy.models import Workspace

KEY = "revenue_attributed_marketing"
PIPELINE_KEY = "pipeline_attributed_marketing"
KEYS = (KEY, PIPELINE_KEY)


def signed_lock(
    workspace: Workspace, period: maths.PlanPeriod, dimension: str | None = None
) -> AttributionLock | None:
    """The period's lock signed by both sides, by channel first (of ``dimension`` only when
    given: the campaign debrief reads the campaign lock)."""
    locks = AttributionLock.objects.filter(
        workspace=workspace,
        period_start=period.start,
        period_end=period.end,
        marketing_signed_at__isnull=False,
        sales_signed_at__isnull=False,
    )
    by_dimension = {lock.dimension: lock for lock in locks}
    if dimension is not None:
        return by_dimension.get(dimension)
    return by_dimension.get(Dimension.CHANNEL) or by_dimension.get(Dimension.CAMPAIGN)


def unsigned_campaign_model(
    workspace: Workspace, period: maths.PlanPeriod
) -> tuple[AttributionSnapshot, str] | None:
    """For a period no lock signed by both sides speaks for: the period's latest snapshot by
    campaign and the model one side proposed for it (else the attribution page's default);
    None without a snapshot. What the campaign debrief and the wins wall show, marked as not
    locked."""
    snapshot = (
        AttributionSnapshot.objects.filter(
            workspace=workspace,
            period_start=period.start,
            period_end=period.end,
            dimension=Dimension.CAMPAIGN,
        )
        .order_by("-computed_at", "-id")
        .first()
    )
    if snapshot is None:
        return None
    proposed = AttributionLock.objects.filter(
        workspace=workspace, period_start=period.start, dimension=Dimension.CAMPAIGN
    ).first()
    return snapshot, proposed.model if proposed else DEFAULT_MODEL


def _total(credits: Mapping[str, object]) -> Decimal:
    return sum((Decimal(str(v)) for v in credits.values()), Decimal(0))


def attribution_kpis(
    actor: Actor, scope: kpis.Scope, period: maths.PlanPeriod
) -> dict[str, catalogue.KpiValue]:
    if scope.kind != "workspace":
        return {k: catalogue.KpiValue(k, None, state=catalogue.WORKSPACE_ONLY) for k in KEYS}
    lock = signed_lock(actor.workspace, period)
    if lock is None:
        return {k: catalogue.KpiValue(k, None, state=catalogue.NOT_LOCKED) for k in KEYS}
    pipeline = (
        catalogue.KpiValue(PIPELINE_KEY, None, state=catalogue.NOT_RECORDED)
        if lock.pipeline_credits is None
        else catalogue.KpiValue(PIPELINE_KEY, _total(lock.pipeline_credits))
    )
    return {KEY: catalogue.KpiValue(KEY, _total(lock.value_credits)), PIPELINE_KEY: pipeline}


def register() -> None:
    kpis.kpi_source_register(attribution_kpis)
