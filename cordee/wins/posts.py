"""The wins wall's posts of won deals, and its threshold.

**What makes a post.** Every deal won (``funnel.won``: at stage won, with a close date) on or
before today whose amount is at least the workspace's threshold (``WallSettings``; 0 by default:
every won deal) becomes one post (key ``deal:<opportunity id>``). The threshold is in the
workspace currency: a deal in another currency is not posted (Cordée converts no currency, as
the funnel's won revenue). Its instant is the deal's last move to won, else its close date; its
pod the opportunity's, else its lead's (the funnel's pod of a deal).

**Whom it credits** (``WinCredit``), on both sides: the deal's owner (``owner``), the lead's
owner when it was converted (``sdr``: its assignments, ``wins.journey``) when another person, and
the owner of each campaign of the journey (``marketer``) with that campaign's share of the deal
under the period's attribution model (``wins.journey``). The post keeps the journey as it was
told (``params``, told by ``wins.story``).

**Withdrawn.** A posted deal moved out of won since (``funnel.won``: cancelled) is withdrawn at
its last move out of won; won again, it is shown again. A scan is idempotent: a deal is posted
once (its key), and a scan racing another writes nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.crm.models import Campaign
from cordee.funnel.models import Opportunity, OpportunityStage
from cordee.funnel.won import credited_opportunities
from cordee.tenancy.models import User, Workspace
from cordee.wins import journey as journeys
from cordee.wins.milestones import milestones_scan
from cordee.wins.models import CreditRole, PostKind, WallSettings, WinCredit, WinPost
from cordee.wins.publish import Draft, posts_publish, sides_of

BATCH = 200

audit.audit_kind_register("wall-settings", WallSettings._meta.verbose_name, WallSettings)


# -- the threshold -------------------------------------------------------------------------------


def wall_threshold(workspace: Workspace) -> Decimal:
    """The amount from which a won deal is posted (workspace currency; 0: every won deal)."""
    row = WallSettings.objects.filter(workspace=workspace).values_list("threshold", flat=True)
    return next(iter(row), Decimal(0))


def wall_settings_set(*, actor: Actor, threshold: Any) -> WallSettings:
    """Set the workspace's threshold (``wall.configure``): an amount ≥ 0 with 2 decimals at
    most. Deals already posted stay; a lower threshold posts the older deals it now admits at
    the next scan, quietly (``publish.ANNOUNCE_WITHIN``)."""
    actor.require("wall.configure")
    try:
        value = Decimal(str(threshold))
    except ArithmeticError:
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        message = _("Give an amount of 0 or more, with 2 decimals at most.")
        raise ValidationFailed(message, field_errors={"threshold": [message]})
    if value >= Decimal("1e12"):
        message = _("Give an amount below 1,000,000,000,000.")
        raise ValidationFailed(message, field_errors={"threshold": [message]})
    with transaction.atomic():
        settings, _created = WallSettings.objects.select_for_update().get_or_create(
            workspace=actor.workspace
        )
        before = settings.threshold
        if before != value:
            settings.threshold = value
            settings.save()
            audit.audit_write(
                actor=actor,
                action="update",
                target="wall-settings",
                target_id=settings.pk,
                target_label=str(WallSettings._meta.verbose_name),
                before={"threshold": str(before)},
                after={"threshold": str(value)},
            )
    return settings


# -- the scan --------------------------------------------------------------------------------------


def posts_scan(workspace: Workspace, now: dt.datetime | None = None) -> list[WinPost]:
    """Post the deals won since the last scan, the milestones reached, and withdraw the posts
    of deals no longer won (the module's rules); returns the posts written."""
    now = now or timezone.now()
    written: list[WinPost] = []
    for batch in _unposted(workspace, now):
        written += posts_publish(workspace, _drafts(workspace, batch), now)
    written += milestones_scan(workspace, now)
    posts_withdraw(workspace, now)
    return written


def _unposted(workspace: Workspace, now: dt.datetime) -> Iterator[list[Opportunity]]:
    """The won deals to post, by batches of ``BATCH`` in id order (keyset: each batch moves on,
    whatever the previous one wrote)."""
    threshold = wall_threshold(workspace)
    posted = WinPost.objects.filter(opportunity=OuterRef("pk"), kind=PostKind.DEAL_WON)
    rows = (
        Opportunity.objects.filter(
            Q(currency="") | Q(currency=workspace.currency),
            workspace=workspace,
            stage=OpportunityStage.WON,
            close_date__isnull=False,
            close_date__lte=workspace.today(now),
            amount__gte=threshold,
        )
        .exclude(Exists(posted))
        .select_related("lead", "account", "owner")
        .order_by("pk")
    )
    after = 0
    while True:
        batch = list(rows.filter(pk__gt=after)[:BATCH])
        if not batch:
            return
        yield batch
        after = batch[-1].pk


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.email}


def _local(workspace: Workspace, at: dt.datetime) -> str:
    return at.astimezone(workspace.zone).isoformat()


def _drafts(workspace: Workspace, deals: list[Opportunity]) -> list[Draft]:
    read = journeys.journeys_read(workspace, deals)
    models = journeys.Models(workspace)
    campaign_ids = {t.campaign_id for j in read.values() for t in j.touches if t.campaign_id}
    campaigns = {c.pk: c for c in Campaign.objects.filter(workspace=workspace, pk__in=campaign_ids)}
    people_ids = {o.owner_id for o in deals if o.owner_id}
    people_ids |= {j.sdr_id for j in read.values() if j.sdr_id}
    people_ids |= {j.sal_by for j in read.values() if j.sal_by}
    people_ids |= {c.owner_id for c in campaigns.values() if c.owner_id}
    people = User.objects.in_bulk(people_ids)
    sides = sides_of(workspace, set(people))
    drafts = []
    for deal in deals:
        journey = read[deal.pk]
        assert deal.close_date is not None  # the scan's filter
        pm = models.of(deal.close_date)
        shares = journeys.campaign_shares(journey, pm, models)
        post = WinPost(
            workspace=workspace,
            kind=PostKind.DEAL_WON,
            key=f"deal:{deal.pk}",
            at=journey.won_at,
            opportunity=deal,
            pod_id=deal.pod_id or (deal.lead.pod_id if deal.lead else None),
            campaign_id=deal.primary_campaign_id,
            amount=deal.amount,
            currency=deal.currency or workspace.currency,
            params=_story(workspace, journey, pm, shares, campaigns, people),
        )
        drafts.append((post, _credits(deal, journey, shares, campaigns, people, sides)))
    return drafts


def _credits(
    deal: Opportunity,
    journey: journeys.Journey,
    shares: dict[str, Decimal],
    campaigns: dict[int, Campaign],
    people: dict[int, User],
    sides: dict[int, str],
) -> list[WinCredit]:
    def credit(user_id: int, role: str, **more: Any) -> WinCredit:
        return WinCredit(user=people[user_id], side=sides.get(user_id, ""), role=role, **more)

    out = []
    if deal.owner_id and deal.owner_id in people:
        out.append(credit(deal.owner_id, CreditRole.OWNER))
    if journey.sdr_id and journey.sdr_id in people and journey.sdr_id != deal.owner_id:
        out.append(credit(journey.sdr_id, CreditRole.SDR))
    for key, share in shares.items():
        campaign = campaigns.get(int(key[1:])) if key.startswith("c") else None
        if campaign is not None and campaign.owner_id and campaign.owner_id in people:
            out.append(
                credit(campaign.owner_id, CreditRole.MARKETER, campaign=campaign, share=share)
            )
    return out


def _story(
    workspace: Workspace,
    journey: journeys.Journey,
    pm: journeys.PeriodModel,
    shares: dict[str, Decimal],
    campaigns: dict[int, Campaign],
    people: dict[int, User],
) -> dict[str, Any]:
    deal = journey.opportunity
    steps: list[tuple[dt.datetime, int, dict[str, Any]]] = []
    for t in journey.touches:
        step = {
            "code": "touch",
            "at": _local(workspace, t.at),
            "campaign_id": t.campaign_id,
            "campaign": t.campaign if t.campaign_id else "",
            "channel": t.channel,
            "kind": t.kind,
        }
        steps.append((t.at, 0, step))
    if journey.mql_at:
        steps.append((journey.mql_at, 1, {"code": "mql", "at": _local(workspace, journey.mql_at)}))
    if journey.sal_at:
        by = people.get(journey.sal_by) if journey.sal_by else None
        steps.append(
            (
                journey.sal_at,
                2,
                {"code": "sal", "at": _local(workspace, journey.sal_at), "by": _person(by)},
            )
        )
    opened = journey.opened_until - dt.timedelta(microseconds=1)
    steps.append((opened, 3, {"code": "opportunity", "day": deal.created_on.isoformat()}))
    steps.append((journey.won_at, 4, {"code": "won", "at": _local(workspace, journey.won_at)}))
    steps.sort(key=lambda s: (s[0], s[1]))
    order: list[str] = []
    for t in journey.touches:
        key = journeys.NO_CAMPAIGN if t.campaign_id is None else f"c{t.campaign_id}"
        if key not in order:
            order.append(key)
    listed = []
    for key in order:
        campaign = campaigns.get(int(key[1:])) if key.startswith("c") else None
        owner = people.get(campaign.owner_id) if campaign and campaign.owner_id else None
        share = shares.get(key)
        listed.append(
            {
                "id": campaign.pk if campaign else None,
                "name": campaign.name if campaign else "",
                "share": None if share is None else str(share),
                "owner": _person(owner),
            }
        )
    sdr = people.get(journey.sdr_id) if journey.sdr_id else None
    return {
        "deal": {"id": deal.pk, "name": deal.name},
        "account": deal.account.name if deal.account_id else "",
        "amount": str(deal.amount),
        "currency": deal.currency or workspace.currency,
        "owner": _person(people.get(deal.owner_id) if deal.owner_id else None),
        "sdr": _person(sdr) if journey.sdr_id != deal.owner_id else None,
        "model": {
            "code": pm.model,
            "locked": pm.locked,
            "period": pm.period.key,
            "start": pm.period.start.isoformat(),
            "end": pm.period.end.isoformat(),
        },
        "campaigns": listed,
        "steps": [step for _at, _rank, step in steps],
    }


def posts_withdraw(workspace: Workspace, now: dt.datetime | None = None) -> tuple[int, int]:
    """Withdraw the posts of deals moved out of won since (at their last move out of won,
    ``funnel.won``'s cancellation), and show again those won again; (withdrawn, shown again)."""
    live = WinPost.objects.filter(
        workspace=workspace, kind=PostKind.DEAL_WON, withdrawn_at__isnull=True
    )
    cancelled = (
        credited_opportunities(workspace, dt.date.min, dt.date.max)
        .filter(pk__in=live.values("opportunity_id"))
        .exclude(stage=OpportunityStage.WON)
        .values_list("pk", "cancelled_at")  # type: ignore[misc]
    )
    withdrawn = 0
    for opportunity_id, cancelled_at in cancelled:
        withdrawn += live.filter(opportunity_id=opportunity_id).update(
            withdrawn_at=cancelled_at or now or timezone.now()
        )
    again = WinPost.objects.filter(
        workspace=workspace,
        kind=PostKind.DEAL_WON,
        withdrawn_at__isnull=False,
        opportunity__stage=OpportunityStage.WON,
    ).update(withdrawn_at=None)
    return withdrawn, again
