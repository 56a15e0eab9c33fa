"""``POST /api/v1/comp/compute``: the engine on a posted plan, credits and metrics — what
``cordee comp compute`` does with files, with no database read or write. The credits follow
``CREDITS.csv``'s rules and the metrics ``METRICS.csv``'s (``analytics.comp_io``); an error
names the field (``credits[3].share``, ``plan.components[0].weight``, ``metrics[1].target``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from cordee.analytics.comp import MetricMissingError, Payouts
from cordee.analytics.comp_data import Credit, MetricKey
from cordee.analytics.comp_plan import MAX_SHARE_DECIMALS, PlanError, period_parse, plan_parse
from cordee.core.errors import ValidationFailed


def _refused(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(_("Some fields are not valid."), field_errors={name: [message]})


def _places(value: Decimal) -> int:
    return max(0, -int(value.normalize().as_tuple().exponent))  # type: ignore[operator]


def credits_check(rows: Sequence[Any]) -> list[Credit]:
    """The posted credits as the engine's, by the credits file's rules."""
    out: list[Credit] = []
    seen: set[tuple[str, str]] = set()
    sums: dict[str, Decimal] = {}
    first: dict[str, int] = {}
    for i, row in enumerate(rows):
        where = f"credits[{i}]"
        deal, person = row.deal_id.strip(), row.person.strip()
        if not deal or not person:
            raise _refused(
                f"{where}.{'deal_id' if not deal else 'person'}", _("This field is required.")
            )
        if (deal, person) in seen:
            raise _refused(f"{where}.person", _("This person is credited twice on this deal."))
        seen.add((deal, person))
        if row.amount < 0 or _places(row.amount) > 2:
            raise _refused(f"{where}.amount", _("An amount of 0 or more, to the cent."))
        if not 0 < row.share <= 1 or _places(row.share) > MAX_SHARE_DECIMALS:
            raise _refused(
                f"{where}.share",
                _("A share is above 0 and at most 1, with at most %(places)s decimal places.")
                % {"places": MAX_SHARE_DECIMALS},
            )
        cancelled: dt.date | None = row.cancelled_on
        if cancelled is not None and cancelled < row.closed_on:
            raise _refused(f"{where}.cancelled_on", _("A deal is cancelled after it closed."))
        sums[deal] = sums.get(deal, Decimal(0)) + row.share
        first.setdefault(deal, i)
        out.append(
            Credit(deal, person, row.amount, row.share, row.closed_on, cancelled, row.campaign)
        )
    for deal, total in sums.items():
        if total != 1:
            raise _refused(
                f"credits[{first[deal]}].share",
                _("The shares of %(deal)s add up to %(total)s, not 1.")
                % {"deal": deal, "total": total},
            )
    return out


def metrics_check(
    rows: Sequence[Any], first_month: int
) -> dict[MetricKey, tuple[Fraction, Fraction]]:
    out: dict[MetricKey, tuple[Fraction, Fraction]] = {}
    for i, row in enumerate(rows):
        where = f"metrics[{i}]"
        try:
            label = period_parse(row.period.strip().upper(), first_month).label
        except ValueError:
            raise _refused(f"{where}.period", _("Give 2026, 2026-Q2 or 2026-05.")) from None
        if row.target <= 0:
            raise _refused(f"{where}.target", _("A target above 0."))
        key = (row.metric.strip(), row.scope.strip(), label)
        if key in out:
            raise _refused(
                f"{where}.period", _("A second value for this metric, scope and period.")
            )
        out[key] = (Fraction(row.actual), Fraction(row.target))
    return out


def compute_posted(payload: Any, first_month: int) -> dict[str, Any]:
    """The statements of ``payload.period`` as the command line's JSON output."""
    try:
        plan = plan_parse(payload.plan)
    except PlanError as error:
        raise _refused(f"plan.{error.path}" if error.path else "plan", error.problem) from None
    try:
        label = period_parse(payload.period.strip().upper(), first_month).label
    except ValueError:
        raise _refused("period", _("Give 2026, 2026-Q2 or 2026-05.")) from None
    credits = credits_check(payload.credits)
    metrics = metrics_check(payload.metrics, first_month)
    try:
        statements = Payouts(plan, credits, metrics, first_month).statements(label)
    except MetricMissingError as error:
        metric, scope, period = error.key
        raise _refused(
            "metrics",
            _("No value (or no target above 0) of %(metric)s for %(scope)s in %(period)s.")
            % {"metric": metric, "scope": scope, "period": period},
        ) from None
    except ValueError as error:
        raise _refused("period", str(error)) from None
    return {"period": label, "statements": [s.as_dict() for s in statements]}
