"""Attribution in the app: journeys read from the shared data, snapshots of every model, and the
two-sided lock that makes one model's credits the numbers of record for a period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.analytics.attribution import MODELS, Journeys, attribute
from cordee.attribution.models import AttributionLock, AttributionSnapshot, Dimension
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.funnel.models import Lead, Opportunity, OpportunityStage, Stage, Touchpoint
from cordee.tenancy.models import Workspace

NO_CAMPAIGN = "—"


def load_journeys(workspace: Workspace, start: dt.date, end: dt.date, dimension: str) -> Journeys:
    """One journey per lead created in the period: its marketing touches in time order (ties by
    touchpoint id), up to its win for a won lead; converted = won; value = its won amount."""
    tz = workspace.zone
    since = dt.datetime.combine(start, dt.time(0), tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    leads = dict(
        Lead.objects.filter(
            workspace=workspace, created_at__gte=since, created_at__lt=until
        ).values_list("id", "stage")
    )
    won_at = dict(
        Lead.objects.filter(
            workspace=workspace, created_at__gte=since, created_at__lt=until, stage=Stage.WON
        ).values_list("id", "stage_entered_at")
    )
    amounts: dict[int, Decimal] = {}
    for lead_id, amount in Opportunity.objects.filter(
        workspace=workspace, stage=OpportunityStage.WON, lead_id__in=list(won_at)
    ).values_list("lead_id", "amount"):
        amounts[lead_id] = max(amounts.get(lead_id, Decimal(0)), amount)
    field = "channel" if dimension == Dimension.CHANNEL else "campaign__name"
    rows = (
        Touchpoint.objects.filter(
            workspace=workspace,
            is_sales_activity=False,
            lead__created_at__gte=since,
            lead__created_at__lt=until,
        )
        .order_by("lead_id", "occurred_at", "id")
        .values_list("lead_id", "occurred_at", field)
    )
    journey_of: dict[int, int] = {}
    journey, channel_names, ts = [], [], []
    for lead_id, occurred_at, name in rows.iterator(chunk_size=20_000):
        if lead_id not in leads or (lead_id in won_at and occurred_at > won_at[lead_id]):
            continue
        journey.append(journey_of.setdefault(lead_id, len(journey_of)))
        channel_names.append(name or NO_CAMPAIGN)
        ts.append(occurred_at.timestamp())
    channels = sorted(set(channel_names))
    index = {c: i for i, c in enumerate(channels)}
    lead_ids = list(journey_of)
    return Journeys(
        channels=channels,
        journey=np.array(journey, dtype=np.int64),
        channel=np.array([index[c] for c in channel_names], dtype=np.int64),
        converted=np.array([leads[i] == Stage.WON for i in lead_ids], dtype=bool),
        value=np.array([float(amounts.get(i, 0)) for i in lead_ids], dtype=np.float64),
        ts=np.array(ts, dtype=np.float64),
    )


def _decimal(x: float) -> str:
    return str(Decimal(repr(float(x))).quantize(Decimal("0.0001")))


def snapshot_compute(
    *,
    workspace: Workspace,
    start: dt.date,
    end: dt.date,
    dimension: str,
    half_life_days: Decimal = Decimal(7),
) -> AttributionSnapshot:
    """Every model's credits (conversions) for the period, stored for the pages."""
    journeys = load_journeys(workspace, start, end, dimension)
    credits: dict[str, dict[str, str]] = {}
    for model in MODELS:
        result = attribute(journeys, model, half_life_days=float(half_life_days))
        credits[model] = {
            c: _decimal(v) for c, v in zip(result.channels, result.credits, strict=True)
        }
    return AttributionSnapshot.objects.create(
        workspace=workspace,
        period_start=start,
        period_end=end,
        dimension=dimension,
        half_life_days=half_life_days,
        journeys=journeys.n_journeys,
        conversions=int(journeys.converted.sum()),
        value=Decimal(repr(float(journeys.value[journeys.converted].sum()))).quantize(
            Decimal("0.01")
        ),
        credits=credits,
        computed_at=timezone.now(),
    )


def lock_sign(
    *, actor: Actor, start: dt.date, end: dt.date, dimension: str, model: str
) -> AttributionLock:
    """The marketing manager and the sales manager each sign the model for the period. The first
    signature fixes the credits of record from the latest snapshot; the second must sign the
    same model (otherwise 409: the sides disagree)."""
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
                "snapshot": snapshot,
            },
        )
        if not created and lock.model != model:
            raise Conflict(
                _(
                    "The other side signed the %(model)s model for this period: sign the same model, or talk."
                )
                % {"model": lock.model}
            )
        if getattr(lock, f"{side}_signed_at") is not None:
            raise Conflict(_("Your side has already signed this period."))
        setattr(lock, f"{side}_signed_by", actor.user)
        setattr(lock, f"{side}_signed_at", now)
        lock.save()
    return lock
