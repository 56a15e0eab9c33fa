"""Attribution in the app: snapshots of every model for a period (journeys from
``journeys.load_journeys``), and the two-sided lock that makes one model's credits the numbers of
record for a period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.analytics.attribution import Result, attribute, w_shaped
from cordee.analytics.attribution_intervals import ShapleyInterval, shapley_bootstrap
from cordee.attribution.journeys import PeriodJourneys, load_journeys
from cordee.attribution.models import AttributionLock, AttributionModel, AttributionSnapshot
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.tenancy.models import Workspace

MODELS: tuple[str, ...] = tuple(AttributionModel.values)
CONVERSIONS, CENTS = Decimal("0.0001"), Decimal("0.01")


def _decimal(x: float, step: Decimal = CONVERSIONS) -> str:
    return str(Decimal(repr(float(x))).quantize(step))


def _run(pj: PeriodJourneys, model: str, use_value: bool, half_life_days: float) -> Result:
    if model == AttributionModel.W_SHAPED:
        return w_shaped(
            pj.journeys, pj.lead_created, pj.opportunity_created, use_value=use_value
        )
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
    workspace currency), with Shapley's bootstrap intervals; stored for the pages and the API."""
    pj = load_journeys(workspace, start, end, dimension)
    credits: dict[str, dict[str, str]] = {}
    value_credits: dict[str, dict[str, str]] = {}
    for model in MODELS:
        for use_value, out, step in ((False, credits, CONVERSIONS), (True, value_credits, CENTS)):
            result = _run(pj, model, use_value, float(half_life_days))
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
        conversions=pj.won.count,
        value=pj.won.revenue,
        credits=credits,
        value_credits=value_credits,
        no_touch_conversions=len(pj.no_touch),
        no_touch_value=pj.no_touch_value,
        other_currencies={
            code: {"count": count, "amount": str(amount)}
            for code, (count, amount) in pj.won.other_currencies.items()
        },
        unnamed_touches=pj.unnamed_touches,
        intervals=_intervals(interval),
        bootstrap_seed=interval.seed if interval else None,
        bootstrap_resamples=interval.resamples if interval else 0,
        computed_at=timezone.now(),
    )


def negative_credits(credits: dict[str, str]) -> list[str]:
    """The names whose credit is below 0: a model with any cannot be signed."""
    return sorted(name for name, credit in credits.items() if Decimal(credit) < 0)


def _not_signable(model: str, names: list[str]) -> Conflict:
    return Conflict(
        _(
            "The %(model)s model cannot be signed for this period: %(names)s get a negative "
            "credit, and a negative credit cannot pay anyone."
        )
        % {"model": AttributionModel(model).label, "names": ", ".join(names)}
    )


def lock_sign(
    *, actor: Actor, start: dt.date, end: dt.date, dimension: str, model: str
) -> AttributionLock:
    """The marketing manager and the sales manager each sign the model for the period. The first
    signature fixes the credits of record (conversions and value) from the latest snapshot; the
    second must sign the same model (otherwise 409: the sides disagree). A model with a credit
    below 0 cannot be signed (409)."""
    if model not in MODELS:
        raise ValidationFailed(_("Unknown model."), field_errors={"model": [_("Unknown model.")]})
    side = actor.signing_side()
    snapshot = (
        AttributionSnapshot.objects.filter(
            workspace=actor.workspace, period_start=start, period_end=end, dimension=dimension
        )
        .order_by("-computed_at")
        .first()
    )
    if snapshot is None:
        raise NotFound(_("No attribution has been computed for this period yet."))
    now = timezone.now()
    with transaction.atomic():
        lock, created = AttributionLock.objects.select_for_update().get_or_create(
            workspace=actor.workspace,
            period_start=start,
            dimension=dimension,
            defaults={
                "period_end": end,
                "model": model,
                "half_life_days": snapshot.half_life_days,
                "credits": snapshot.credits.get(model, {}),
                "value_credits": snapshot.value_credits.get(model, {}),
                "snapshot": snapshot,
            },
        )
        if not created and lock.model != model:
            raise Conflict(
                _(
                    "The other side signed the %(model)s model for this period: sign the same model, or talk."
                )
                % {"model": lock.get_model_display()}
            )
        if negative := negative_credits(lock.credits):
            raise _not_signable(model, negative)  # the atomic block rolls the new lock back
        if getattr(lock, f"{side}_signed_at") is not None:
            raise Conflict(_("Your side has already signed this period."))
        setattr(lock, f"{side}_signed_by", actor.user)
        setattr(lock, f"{side}_signed_at", now)
        lock.save()
    return lock


def lock_withdraw(*, actor: Actor, lock_id: int) -> None:
    """A side withdraws its signature while the other side has not signed: nobody has signed
    any more, so the lock goes and another model may be proposed. Once both signed, 409."""
    side = actor.signing_side()
    with transaction.atomic():
        lock = (
            AttributionLock.objects.select_for_update()
            .filter(workspace=actor.workspace, pk=lock_id)
            .first()
        )
        if lock is None:
            raise NotFound(_("No such attribution lock."))
        if lock.is_signed:
            raise Conflict(
                _("Both sides signed these credits: they are the numbers of record now.")
            )
        if getattr(lock, f"{side}_signed_at") is None:
            raise Conflict(_("Your side has not signed this period."))
        lock.delete()
