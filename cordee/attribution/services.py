"""Writes of attribution: the two-sided lock that makes one model's credits the numbers of
record for a period, its withdrawal, and asking for a snapshot (computed by the background task,
``snapshots.snapshot_compute``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.attribution.journeys import credit_labels
from cordee.attribution.models import MODELS, AttributionLock, AttributionModel, AttributionSnapshot
from cordee.attribution.notices import SIGNATURE_ASKED
from cordee.attribution.periods import fiscal_periods
from cordee.attribution.snapshots import snapshot_compute as snapshot_compute  # the demo's
from cordee.attribution.tasks import compute_snapshot
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.funnel.notify import signature_ask


def snapshot_request(*, actor: Actor, start: dt.date, end: dt.date, dimension: str) -> None:
    """Ask for the period's snapshot to be computed in the background (RevOps, managers)."""
    actor.require("sla.write")
    compute_snapshot.enqueue(actor.workspace.pk, start.isoformat(), end.isoformat(), dimension)


def negative_credits(credits: dict[str, str]) -> list[str]:
    """The names whose credit is below 0: a model with any cannot be signed."""
    return sorted(name for name, credit in credits.items() if Decimal(credit) < 0)


def _not_signable(model: str, names: list[str], dimension: str) -> Conflict:
    return Conflict(
        _(
            "The %(model)s model cannot be signed for this period: %(names)s get a negative "
            "credit, and a negative credit cannot pay anyone."
        )
        % {
            "model": AttributionModel(model).label,
            "names": ", ".join(credit_labels(dimension).get(name, name) for name in names),
        }
    )


def lock_sign(
    *, actor: Actor, start: dt.date, end: dt.date, dimension: str, model: str
) -> AttributionLock:
    """The marketing manager and the sales manager each sign the model for the period. The first
    signature fixes the credits of record (won deals, won revenue and pipeline created) from the
    latest snapshot; the second must sign the same model (otherwise 409: the sides disagree). A
    model with a credit below 0 cannot be signed (409)."""
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
                # None when the snapshot predates pipeline credits: not recorded
                "pipeline_credits": snapshot.pipeline_credits.get(model),
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
            raise _not_signable(
                model, negative, dimension
            )  # the atomic block rolls the new lock back
        if getattr(lock, f"{side}_signed_at") is not None:
            raise Conflict(_("Your side has already signed this period."))
        setattr(lock, f"{side}_signed_by", actor.user)
        setattr(lock, f"{side}_signed_at", now)
        lock.save()
        audit.audit_write(
            actor=actor,
            action="sign",
            target="attribution-locks",
            target_id=lock.pk,
            target_label=_lock_label(lock),
            after={
                "model": lock.model,
                f"{side}_signed_by": audit.named(actor.user),
                f"{side}_signed_at": now,
            },
        )
        if not lock.is_signed:
            signature_ask(
                actor=actor,
                signed_side=side,
                code=SIGNATURE_ASKED,
                params={"model": model, "start": start.isoformat(), "end": end.isoformat()},
                key=f"approval.attribution:{lock.pk}:{now.timestamp():.0f}",
                url=_page_of(actor, start, end, dimension, model),
            )
    return lock


audit.audit_kind_register("attribution-locks", AttributionLock._meta.verbose_name, AttributionLock)


def _lock_label(lock: AttributionLock) -> str:
    """A lock as the log names it: its period and dimension (language-neutral codes)."""
    return f"{lock.period_start:%Y-%m-%d} – {lock.period_end:%Y-%m-%d} · {lock.dimension}"


def _page_of(actor: Actor, start: dt.date, end: dt.date, dimension: str, model: str) -> str:
    """The attribution page showing that period, dimension and model."""
    workspace = actor.workspace
    periods = fiscal_periods(workspace.fiscal_year_start_month, workspace.today())
    key = next((p.key for p in periods if (p.start, p.end) == (start, end)), "")
    query = urlencode({"period": key, "by": dimension, "model": model})
    return f"{reverse('attribution', args=[workspace.slug])}?{query}"


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
        audit.audit_write(
            actor=actor,
            action="withdraw",
            target="attribution-locks",
            target_id=lock.pk,
            target_label=_lock_label(lock),
            before={
                "model": lock.model,
                f"{side}_signed_by": audit.named(getattr(lock, f"{side}_signed_by")),
                f"{side}_signed_at": getattr(lock, f"{side}_signed_at"),
            },
        )
        lock.delete()
