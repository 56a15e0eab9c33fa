"""Split credit: who is credited for a deal, and with which share — what variable pay reads.

A deal credits its **owner** with the whole of it (share 1) unless a person allowed to
(``credit.split``: sales managers and RevOps) splits it between several people: shares above 0,
at most 1, four decimal places, summing to exactly 1 (``OpportunityCredit`` rows, replaced
together by ``opportunity_credits_set``, every change audited and told in the record's
timeline). A deal with neither an owner nor a split credits nobody.

``credit_rows`` gives, for a period, one row per (credited deal, person) — the ``CREDITS.csv``
of ``cordee comp compute``: the **credited deals** are ``won.credited_opportunities`` (won in
the period by close date, or closed in it, won and cancelled since: ``cancelled_on``, the date it
was moved out of won). Amounts in the workspace currency only; deals in another currency are
reported apart, never converted, as the KPIs do. Every member reads a split (it is a fact of the
deal, not anyone's pay).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, ValidationFailed
from cordee.core.templatetags.cordee import percent
from cordee.funnel import won
from cordee.funnel.models import Opportunity, OpportunityCredit
from cordee.tenancy.models import User, Workspace

SHARE_PLACES = Decimal("0.0001")  # a share has four decimal places: 33.33 %
CENT = Decimal("0.01")
# the audit log's name of a split (core.audit_log.VALUE_NAMES) and its action
AUDIT_VALUE = "credit_split"
AUDIT_ACTION = "split"


@dataclass(frozen=True)
class Credit:
    """One person's share of a deal's credit."""

    person_id: int
    email: str
    name: str
    share: Decimal


def _name(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email  # as User.__str__


def _splits(opportunities: Any) -> dict[int, list[Credit]]:
    """The split rows of ``opportunities`` (ids, or a query of opportunities) by deal, largest
    share first: one query."""
    rows = (
        OpportunityCredit.objects.filter(opportunity__in=opportunities)
        .order_by("opportunity_id", "-share", "person_id")
        .values_list(
            "opportunity_id",
            "person_id",
            "person__email",
            "person__first_name",
            "person__last_name",
            "share",
        )
    )
    out: dict[int, list[Credit]] = {}
    for deal, person, email, first, last, share in rows:
        out.setdefault(deal, []).append(Credit(person, email, _name(first, last, email), share))
    return out


def _owners(owner_ids: Any) -> dict[int, Credit]:
    """The owners ``owner_ids`` (ids, or a query of ids), each with the whole credit: one query."""
    rows = User.objects.filter(pk__in=owner_ids).values_list(
        "pk", "email", "first_name", "last_name"
    )
    return {
        pk: Credit(pk, email, _name(first, last, email), Decimal(1))
        for pk, email, first, last in rows
    }


def credits_of(opportunities: Iterable[Opportunity]) -> dict[int, tuple[Credit, ...]]:
    """Each deal's credit: its split when it has one, else its owner with share 1, else nobody
    (an empty tuple). Two queries, whatever the number of deals."""
    deals = list(opportunities)
    splits = _splits([d.pk for d in deals])
    owners = _owners({d.owner_id for d in deals if d.owner_id and d.pk not in splits})
    out: dict[int, tuple[Credit, ...]] = {}
    for deal in deals:
        if deal.pk in splits:
            out[deal.pk] = tuple(splits[deal.pk])
        else:
            owner = owners.get(deal.owner_id) if deal.owner_id else None
            out[deal.pk] = (owner,) if owner else ()
    return out


# -- the credited deals of a period ---------------------------------------------------------------


@dataclass(frozen=True)
class CreditRow:
    """One person's credit on one deal (a line of ``CREDITS.csv``)."""

    deal_id: int
    person_id: int
    person: str  # the person's e-mail address: how a comp plan names its participants
    amount: Decimal  # the deal's whole amount, in ``currency``
    currency: str
    share: Decimal
    closed_on: dt.date
    cancelled_on: dt.date | None

    @property
    def credited(self) -> Decimal:
        """amount × share, exact (six decimal places at most)."""
        return self.amount * self.share


@dataclass(frozen=True)
class CreditRows:
    """The credit rows of a period: ``rows`` in the workspace currency; ``apart`` the rows of
    deals in another currency (never converted); ``uncredited`` the credited deals that credit
    nobody (no owner, no split)."""

    currency: str
    rows: tuple[CreditRow, ...]
    apart: tuple[CreditRow, ...]
    uncredited: tuple[int, ...]

    @property
    def other_currencies(self) -> dict[str, tuple[int, Decimal]]:
        """{currency: (deals, Σ amount)} of the deals in another currency, by code."""
        deals: dict[str, dict[int, Decimal]] = {}
        for row in sorted(self.apart, key=lambda r: r.currency):
            deals.setdefault(row.currency, {})[row.deal_id] = row.amount
        return {c: (len(d), sum(d.values(), Decimal(0))) for c, d in deals.items()}


def credit_rows(workspace: Workspace, start: dt.date, end: dt.date) -> CreditRows:
    """One row per (credited deal, person) for the deals credited from ``start`` to ``end``
    (close dates, inclusive: ``won.credited_opportunities``), by deal id then largest share.
    Three queries, whatever the number of deals."""
    deals = won.credited_opportunities(workspace, start, end)
    splits = _splits(deals.values("pk"))
    owners = _owners(deals.filter(owner__isnull=False).values("owner_id"))
    rows: list[CreditRow] = []
    apart: list[CreditRow] = []
    uncredited: list[int] = []
    fields = ("id", "owner_id", "amount", "currency", "close_date", "stage", "cancelled_at")
    read = deals.order_by("id").values_list(*fields)  # cancelled_at: the query's annotation
    for pk, owner, amount, currency, closed, stage, cancelled_at in read:
        currency = currency or workspace.currency
        cancelled = won.cancelled_on(workspace, stage, cancelled_at)
        credits = splits.get(pk) or ([owners[owner]] if owner in owners else [])
        if not credits:
            uncredited.append(pk)
            continue
        kept = rows if currency == workspace.currency else apart
        kept += [
            CreditRow(pk, c.person_id, c.email, amount, currency, c.share, closed, cancelled)
            for c in credits
        ]
    return CreditRows(workspace.currency, tuple(rows), tuple(apart), tuple(uncredited))


# -- one deal's credit, as its page and the API show it --------------------------------------------


@dataclass(frozen=True)
class CreditLine:
    credit: Credit
    credited: Decimal  # amount × share, to the cent (half up)

    @property
    def percent(self) -> str:
        return share_percent(self.credit.share)


@dataclass(frozen=True)
class OpportunityCredits:
    opportunity: Opportunity
    currency: str  # the deal's (the workspace's when blank)
    split: bool  # False: no split, the owner takes the whole (or nobody, without an owner)
    lines: tuple[CreditLine, ...]


def share_percent(share: Decimal) -> str:
    """A share as a localised percentage: whole when it is (60 %), else two places (33,33 %)."""
    whole = (share * 100) == (share * 100).to_integral_value()
    return percent(share, 0 if whole else 2)


def opportunity_credits(*, actor: Actor, opportunity: Opportunity) -> OpportunityCredits:
    """The credit of one opportunity of the actor's workspace (read with ``record_get``)."""
    if opportunity.workspace_id != actor.workspace.pk:
        raise _not_found()
    split = _splits([opportunity.pk]).get(opportunity.pk, [])
    owner = _owners([opportunity.owner_id]) if opportunity.owner_id and not split else {}
    credits = split or list(owner.values())
    lines = tuple(
        CreditLine(c, (opportunity.amount * c.share).quantize(CENT, rounding=ROUND_HALF_UP))
        for c in credits
    )
    currency = opportunity.currency or actor.workspace.currency
    return OpportunityCredits(opportunity, currency, bool(split), lines)


# -- setting a split ------------------------------------------------------------------------------


def _not_found() -> NotFound:
    name = str(Opportunity._meta.verbose_name).capitalize()
    return NotFound(_("%(thing)s not found.") % {"thing": name})  # as core.records says it


def _share(value: Any) -> Decimal | None:
    """A share as given (a Decimal, a number or a text), or None when it is no finite number."""
    if isinstance(value, bool):
        return None
    try:
        share = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return share if share.is_finite() else None


def _person_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Decimal) -> str:
    return number_format(Decimal(format(value.normalize(), "f")), use_l10n=True)


def _shares_check(actor: Actor, shares: Sequence[Mapping[str, Any]]) -> list[tuple[User, Decimal]]:
    """The shares, checked: each names an active member of the workspace once, with a share
    above 0 and at most 1 (four decimal places), and together they sum to exactly 1 (none: no
    split). Errors name the field: ``shares[1].person``, ``shares[0].share``, ``shares``."""
    ids = [_person_id(s.get("person")) for s in shares]
    members = {
        u.pk: u
        for u in User.objects.filter(
            pk__in=[i for i in ids if i is not None],
            is_active=True,
            memberships__workspace=actor.workspace,
            memberships__is_active=True,
        )
    }
    errors: dict[str, list[str]] = {}
    checked: list[tuple[User, Decimal]] = []
    seen: set[int] = set()
    for index, item in enumerate(shares):
        person = ids[index]
        user = members.get(person) if person is not None else None
        share = _share(item.get("share"))
        if user is None:
            errors[f"shares[{index}].person"] = [_("Not an active member of this workspace.")]
        elif user.pk in seen:
            errors[f"shares[{index}].person"] = [_("This person already has a share above.")]
        if share is None or not Decimal(0) < share <= 1:
            errors[f"shares[{index}].share"] = [_("A share is above 0 and at most 1.")]
        elif share != share.quantize(SHARE_PLACES):
            errors[f"shares[{index}].share"] = [_("A share has at most four decimal places.")]
        if user is not None and share is not None:
            seen.add(user.pk)
            checked.append((user, share))
    if errors:
        raise ValidationFailed(_("Some shares are not valid."), field_errors=errors)
    total = sum((share for _user, share in checked), Decimal(0))
    if checked and total != 1:
        message = _("The shares must sum to exactly 1; they sum to %(total)s.") % {
            "total": _number(total)
        }
        raise ValidationFailed(message, field_errors={"shares": [message]})
    return checked


def _audit_value(credits: Iterable[tuple[str, Decimal]]) -> dict[str, str]:
    """A split as the audit log keeps it: {e-mail: share} (the comp plans' names of people)."""
    return {email: format(share.normalize(), "f") for email, share in credits}


def opportunity_credits_set(
    *, actor: Actor, opportunity_id: int, shares: Sequence[Mapping[str, Any]]
) -> OpportunityCredits:
    """Replace an opportunity's split (``shares``: ``{"person": user id, "share": 0.6}`` each);
    none: no split, the owner takes the whole again. Sales managers and RevOps
    (``credit.split``). The change is audited (before, after) in the same transaction."""
    actor.require("credit.split")
    with transaction.atomic():
        opportunity = (
            Opportunity.objects.select_for_update()
            .filter(workspace=actor.workspace, pk=opportunity_id)
            .first()
        )
        if opportunity is None:
            raise _not_found()
        checked = _shares_check(actor, shares)
        stored: QuerySet[OpportunityCredit] = OpportunityCredit.objects.filter(
            opportunity=opportunity
        )
        before = _audit_value(stored.values_list("person__email", "share"))
        after = _audit_value((user.email, share) for user, share in checked)
        if before != after:
            stored.delete()
            OpportunityCredit.objects.bulk_create(
                OpportunityCredit(
                    workspace=actor.workspace, opportunity=opportunity, person=user, share=share
                )
                for user, share in checked
            )
            audit.audit_write(
                actor=actor,
                action=AUDIT_ACTION,
                target="opportunities",
                target_id=opportunity.pk,
                target_label=opportunity.name,
                before={AUDIT_VALUE: before},
                after={AUDIT_VALUE: after},
            )
    return opportunity_credits(actor=actor, opportunity=opportunity)
