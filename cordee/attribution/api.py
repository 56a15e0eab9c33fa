"""REST endpoints of attribution: snapshots (list, one with its credits, compute), locks (list,
one, sign, withdraw)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from cordee.attribution import schemas, selectors, services
from cordee.attribution.models import MODELS, AttributionLock, AttributionSnapshot
from cordee.core.api import Pagination, current_actor
from cordee.core.schemas import PathId

router = Router(tags=["Attribution"])


def _detail(s: AttributionSnapshot) -> dict[str, Any]:
    return {
        "id": s.pk,
        "period_start": s.period_start,
        "period_end": s.period_end,
        "dimension": s.dimension,
        "journeys": s.journeys,
        "computed_at": s.computed_at,
        "won_deals": s.conversions,
        "won_revenue": s.value,
        "currency": s.workspace.currency,
        "credits": {
            m: [
                {"name": n, "conversions": c, "value": s.value_credits.get(m, {}).get(n, "0")}
                for n, c in s.credits.get(m, {}).items()
            ]
            for m in MODELS
            if m in s.credits
        },
        "not_signable": {
            m: services.negative_credits(s.credits[m]) for m in MODELS if m in s.credits
        },
        "no_marketing_touch": {
            "won_deals": s.no_touch_conversions,
            "won_revenue": format(s.no_touch_value, "f"),
        },
        "other_currencies": s.other_currencies,
        "unnamed_touches": s.unnamed_touches,
        "shapley_intervals": [
            {
                "name": n,
                **i,
                "not_distinguishable_from_zero": float(i["low"]) <= 0 <= float(i["high"]),
            }
            for n, i in s.intervals.items()
        ],
        "bootstrap_seed": s.bootstrap_seed,
        "bootstrap_resamples": s.bootstrap_resamples,
        "pipeline": _pipeline(s),
    }


def _pipeline(s: AttributionSnapshot) -> dict[str, Any] | None:
    """The SQLs' credits in pipeline created; None for a snapshot computed before they were."""
    if not s.pipeline_credits:
        return None
    return {
        "sqls": s.pipeline_opportunities,
        "pipeline_created": s.pipeline_value,
        "credits": {m: s.pipeline_credits[m] for m in MODELS if m in s.pipeline_credits},
        "no_marketing_touch": {
            "sqls": s.pipeline_no_touch_opportunities,
            "pipeline_created": format(s.pipeline_no_touch_value, "f"),
        },
        "other_currencies": s.pipeline_other_currencies,
    }


def _lock(lock: AttributionLock) -> dict[str, Any]:
    return {
        "id": lock.pk,
        "period_start": lock.period_start,
        "period_end": lock.period_end,
        "dimension": lock.dimension,
        "model": lock.model,
        "model_label": str(lock.get_model_display()),
        "half_life_days": format(lock.half_life_days, "f"),
        "credits": lock.credits,
        "value_credits": lock.value_credits,
        "pipeline_credits": lock.pipeline_credits,
        "marketing_signed_at": lock.marketing_signed_at,
        "sales_signed_at": lock.sales_signed_at,
        "is_signed": lock.is_signed,
    }


@router.get(
    "/attribution/snapshots",
    response=list[schemas.AttributionSnapshotOut],
    operation_id="attribution_snapshot_list",
)
@paginate(Pagination)
def snapshot_list(
    request: HttpRequest, period_start: dt.date | None = None, dimension: str | None = None
) -> Any:
    """The workspace's attribution snapshots, newest first (filter by period start, dimension)."""
    return selectors.snapshot_list(
        actor=current_actor(request), start=period_start, dimension=dimension
    ).select_related("workspace")


@router.get(
    "/attribution/snapshots/{int:pk}",
    response=schemas.AttributionSnapshotDetailOut,
    operation_id="attribution_snapshot_get",
)
def snapshot_get(request: HttpRequest, pk: PathId) -> Any:
    """One snapshot: every model's credits in won deals and won revenue, the deals won without
    marketing touch, Shapley's bootstrap intervals, the models that cannot be signed, and the
    period's SQLs credited in pipeline created (``pipeline``)."""
    return _detail(selectors.snapshot_get(actor=current_actor(request), pk=pk))


@router.post(
    "/attribution/snapshots",
    response={202: None},
    operation_id="attribution_snapshot_compute",
)
def snapshot_compute(request: HttpRequest, payload: schemas.PeriodIn) -> Any:
    """Compute the period's snapshot in the background (RevOps and the managers); list the
    snapshots a moment later."""
    services.snapshot_request(
        actor=current_actor(request),
        start=payload.period_start,
        end=payload.period_end,
        dimension=payload.dimension,
    )
    return 202, None


@router.get(
    "/attribution/locks",
    response=list[schemas.AttributionLockOut],
    operation_id="attribution_lock_list",
)
@paginate(Pagination)
def lock_list(request: HttpRequest) -> Any:
    """The models proposed or signed per period and dimension, with their credits of record."""
    return [_lock(lock) for lock in selectors.lock_list(actor=current_actor(request))]


@router.get(
    "/attribution/locks/{int:pk}",
    response=schemas.AttributionLockOut,
    operation_id="attribution_lock_get",
)
def lock_get(request: HttpRequest, pk: PathId) -> Any:
    return _lock(selectors.lock_get(actor=current_actor(request), pk=pk))


@router.post(
    "/attribution/locks", response=schemas.AttributionLockOut, operation_id="attribution_lock_sign"
)
def lock_sign(request: HttpRequest, payload: schemas.LockSignIn) -> Any:
    """The marketing manager signs marketing's side, the sales manager sales' side, of one model
    for a period (the credits of the latest snapshot become the numbers of record). 409 when the
    other side signed another model or when a credit of the model is below 0."""
    lock = services.lock_sign(
        actor=current_actor(request),
        start=payload.period_start,
        end=payload.period_end,
        dimension=payload.dimension,
        model=payload.model,
    )
    return _lock(lock)


@router.post(
    "/attribution/locks/{int:pk}/withdraw",
    response={204: None},
    operation_id="attribution_lock_withdraw",
)
def lock_withdraw(request: HttpRequest, pk: PathId) -> Any:
    """Withdraw one's side's signature before the other side signs: the lock goes, another
    model may be proposed. 409 once both sides signed."""
    services.lock_withdraw(actor=current_actor(request), lock_id=pk)
    return 204, None
