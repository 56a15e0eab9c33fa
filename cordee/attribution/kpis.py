"""The KPI catalogue's attribution KPIs (``cordee.analytics.kpis``), given to ``funnel.kpis``.

**Revenue attributed to marketing** for a fiscal period = Σ of the credits in value of the
period's attribution lock once both sides signed it (``AttributionLock.value_credits``: the
numbers of record, in the workspace currency — never a recomputation from today's data). A lock
covers the period whose first and last days are the period's; of the two dimensions, the
channel lock is read first (both credit the same deals). Without a signed lock the value is
absent and its state ``not_locked`` — not 0. Attribution is kept for the whole workspace only: a
side, a pod or a person gets the state ``workspace_only``.
"""

from __future__ import annotations

from decimal import Decimal

from cordee.analytics import kpis as catalogue
from cordee.analytics import planning as maths
from cordee.attribution.models import AttributionLock, Dimension
from cordee.core.actor import Actor
from cordee.funnel import kpis
from cordee.tenancy.models import Workspace

KEY = "revenue_attributed_marketing"


def signed_lock(workspace: Workspace, period: maths.PlanPeriod) -> AttributionLock | None:
    """The period's lock signed by both sides, by channel first."""
    locks = AttributionLock.objects.filter(
        workspace=workspace,
        period_start=period.start,
        period_end=period.end,
        marketing_signed_at__isnull=False,
        sales_signed_at__isnull=False,
    )
    by_dimension = {lock.dimension: lock for lock in locks}
    return by_dimension.get(Dimension.CHANNEL) or by_dimension.get(Dimension.CAMPAIGN)


def attribution_kpis(
    actor: Actor, scope: kpis.Scope, period: maths.PlanPeriod
) -> dict[str, catalogue.KpiValue]:
    if scope.kind != "workspace":
        return {KEY: catalogue.KpiValue(KEY, None, state=catalogue.WORKSPACE_ONLY)}
    lock = signed_lock(actor.workspace, period)
    if lock is None:
        return {KEY: catalogue.KpiValue(KEY, None, state=catalogue.NOT_LOCKED)}
    total = sum((Decimal(str(v)) for v in lock.value_credits.values()), Decimal(0))
    return {KEY: catalogue.KpiValue(KEY, total)}


def register() -> None:
    kpis.kpi_source_register(attribution_kpis)
