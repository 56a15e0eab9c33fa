"""What-if: a person's statement as it would be if an open deal they are credited on closed in
the period (its split, or its owner), or if the shared goals ended at a given attainment — the
engine on the statement's inputs read again from the data, with the supposed values; nothing is
written. The same reader as the statement's (``selectors.statement_get``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cordee.analytics.comp import statements_compute
from cordee.analytics.comp_data import Credit
from cordee.comp.inputs import statement_inputs
from cordee.comp.selectors import latest_version, statement_get
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.funnel.credits import credits_of
from cordee.funnel.models import Opportunity, OpportunityStage
from cordee.tenancy.models import normalize_email

CLOSED = (OpportunityStage.WON, OpportunityStage.LOST)


@dataclass(frozen=True)
class WhatIf:
    now: Decimal  # the statement's total as computed today from the data
    supposed: Decimal  # with the supposed deal or attainment
    lines: dict[str, tuple[Decimal, Decimal]]  # component → (now, supposed)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(_("Some fields are not valid."), field_errors={field: [message]})


def open_deals(actor: Actor, person_id: int) -> list[Opportunity]:
    """The open deals of the workspace the person is credited on (their split, or owned)."""
    return list(
        Opportunity.objects.filter(workspace=actor.workspace)
        .exclude(stage__in=CLOSED)
        .filter(Q(owner_id=person_id) | Q(credits__person_id=person_id))
        .distinct()
        .order_by(Coalesce("close_date", "created_on"), "pk")
    )


def what_if(
    *, actor: Actor, statement_id: int, deal_id: int | None = None, goal_at: Decimal | None = None
) -> WhatIf:
    """The statement's person and period, now and supposing ``deal_id`` (an open deal they are
    credited on, in the workspace currency) closed on the period's last day, and/or every
    shared goal ending at ``goal_at`` × its target (1.10 for 110 %)."""
    statement = statement_get(actor, statement_id)
    inputs = statement_inputs(
        actor.workspace, latest_version(statement.plan), statement.period, actor=actor
    )
    person = next(
        (e for e, u in inputs.people.items() if u.pk == statement.person_id),
        normalize_email(statement.person.email) or "",
    )
    credits = list(inputs.credits)
    metrics = inputs.engine_metrics()
    if deal_id is not None:
        deal = next((d for d in open_deals(actor, statement.person_id) if d.pk == deal_id), None)
        if deal is None:
            raise _invalid("deal", _("Choose an open deal this person is credited on."))
        if (deal.currency or actor.workspace.currency) != actor.workspace.currency:
            raise _invalid("deal", _("A deal in another currency is never paid on."))
        for credit in credits_of([deal]).get(deal.pk, ()):
            credits.append(
                Credit(
                    deal_id=f"{deal.pk}?",
                    person=credit.email,
                    amount=deal.amount or Decimal(0),
                    share=credit.share,
                    closed_on=inputs.period.end,
                )
            )
    if goal_at is not None:
        if not Decimal(0) <= goal_at <= Decimal(10):
            raise _invalid("goal_at", _("Give an attainment from 0 to 10 (1.10 for 110 %)."))
        metrics = {
            key: (target * Fraction(goal_at), target) for key, (_a, target) in metrics.items()
        }

    def compute(with_credits: list[Credit], with_metrics: dict) -> dict[str, Decimal]:
        found = [
            s
            for s in statements_compute(
                inputs.plan, with_credits, with_metrics, statement.period, inputs.first_month
            )
            if normalize_email(s.person) == normalize_email(person)
        ]
        out: dict[str, Decimal] = {}
        for line in found[0].lines if found else ():
            out[line.component] = out.get(line.component, Decimal(0)) + line.payout
        return out

    now = compute(list(inputs.credits), inputs.engine_metrics())
    supposed = compute(credits, metrics)
    components = sorted(set(now) | set(supposed))
    return WhatIf(
        now=sum(now.values(), Decimal("0.00")),
        supposed=sum(supposed.values(), Decimal("0.00")),
        lines={c: (now.get(c, Decimal(0)), supposed.get(c, Decimal(0))) for c in components},
    )
