"""Writes of the campaign debrief: opening it after the campaign's end date (the periodic job, or
marketing by hand), the reps' lead-quality ratings, each side's lessons learned, completion and
reopening. Each write is checked, atomic and audited; the numbers are ``debrief_numbers.py``.

- **Opening**: once per campaign (the one-to-one ``Debrief``), the day after the campaign's end
  date (the record's, else its brief's) in the workspace's calendar. The job opens the debriefs
  of campaigns that ended in the last ``JOB_LOOKBACK_DAYS`` (not the years of campaigns a
  workspace had before debriefs existed; marketing opens an older one by hand); cancelled
  campaigns get none from the job. Opening notifies both sides: on marketing the campaign's
  owner and its brief's author; on sales the members of the brief's target pods whose role is
  on the sales side.
- **Ratings**: a rep (``debrief.rate``) rates the leads received 1–5 with a comment; one rating per
  rep, which the rep changes until the debrief is complete.
- **Lessons**: marketing (``debrief.lessons.marketing``) and sales (``debrief.lessons.sales``)
  each write theirs until completion; the debrief is complete when both are written
  (``completed_at`` set in the same transaction). A manager (``debrief.reopen``) reopens it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.codesign.debrief_numbers import end_date
from cordee.codesign.models import BriefVersion, Debrief, LeadRating
from cordee.codesign.notices import DEBRIEF_OPENED
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.crm.models import Campaign, CampaignStatus
from cordee.people.models import PodMember
from cordee.people.services import notification_new, notifications_send
from cordee.tenancy.models import Membership, User, Workspace
from cordee.tenancy.roles import Side, side_of

JOB_LOOKBACK_DAYS = 30
TEXT_MAX = 10_000
SIDES = ("marketing", "sales")

audit.audit_kind_register("debriefs", Debrief._meta.verbose_name, Debrief)
audit.audit_kind_register("lead-ratings", LeadRating._meta.verbose_name, LeadRating)


def _brief(campaign: Campaign) -> BriefVersion | None:
    return BriefVersion.objects.filter(campaign=campaign).order_by("-number").first()


def _mine(actor: Actor, campaign: Campaign) -> None:
    if campaign.workspace_id != actor.workspace.pk:  # another workspace's: not found, as reads
        raise NotFound(_("Campaign not found."))


def has_ended(campaign: Campaign, brief: BriefVersion | None, today: dt.date) -> bool:
    end = end_date(campaign, brief)
    return end is not None and end < today


# -- opening --------------------------------------------------------------------------------------


def _recipients(workspace: Workspace, campaign: Campaign, brief: BriefVersion | None) -> list[User]:
    """Marketing: the campaign's owner and the brief's author; sales: the target pods' members of
    the sales side (active members of the workspace)."""
    active = dict(
        Membership.objects.filter(workspace=workspace, is_active=True).values_list(
            "user_id", "role"
        )
    )
    wanted: set[int] = {
        pk
        for pk in (campaign.owner_id, brief.author_id if brief else None)
        if pk is not None and pk in active
    }
    if brief is not None and brief.pods:
        members = PodMember.objects.filter(
            pod__workspace=workspace, pod_id__in=brief.pods
        ).values_list("user_id", flat=True)
        wanted |= {pk for pk in members if pk in active and side_of(active[pk]) == Side.SALES}
    return list(User.objects.filter(pk__in=wanted).order_by("pk"))


def _notify(workspace: Workspace, campaign: Campaign, debrief: Debrief, end: dt.date) -> None:
    url = reverse("debrief_detail", args=[workspace.slug, campaign.pk])
    notifications_send(
        notifications=[
            notification_new(
                workspace=workspace,
                user=user,
                kind="debrief",
                key=f"codesign.debrief:{debrief.pk}",
                code=DEBRIEF_OPENED,
                params={"campaign": campaign.name, "end": end.isoformat()},
                url=url,
            )
            for user in _recipients(workspace, campaign, _brief(campaign))
        ]
    )


def _open(
    workspace: Workspace, campaign: Campaign, actor: Actor | None, end: dt.date
) -> Debrief | None:
    """Open the campaign's debrief unless it is (one row per campaign, the row locked)."""
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if Debrief.objects.filter(campaign=campaign).exists():
            return None
        debrief = Debrief.objects.create(
            workspace=workspace, campaign=campaign, opened_at=timezone.now()
        )
        audit.audit_write(
            actor=actor,
            workspace=workspace,
            rule="" if actor else "debrief",
            action="create",
            target="debriefs",
            target_id=debrief.pk,
            target_label=campaign.name,
            after={"campaign": campaign.name, "opened_at": debrief.opened_at},
        )
        _notify(workspace, campaign, debrief, end)
    return debrief


def debrief_open(actor: Actor, campaign: Campaign, *, today: dt.date | None = None) -> Debrief:
    """Marketing opens the debrief now (after the campaign's end date); an open one is returned
    as it is."""
    actor.require("debrief.lessons.marketing")
    _mine(actor, campaign)
    existing = Debrief.objects.filter(campaign=campaign).first()
    if existing is not None:
        return existing
    brief = _brief(campaign)
    today = today or actor.workspace.today()
    end = end_date(campaign, brief)
    if end is None or not end < today:
        raise Conflict(_("The debrief opens after the campaign’s end date."))
    return _open(actor.workspace, campaign, actor, end) or Debrief.objects.get(campaign=campaign)


def debriefs_open_due(workspace: Workspace, *, today: dt.date | None = None) -> int:
    """The job: open the debrief of every campaign that ended in the last ``JOB_LOOKBACK_DAYS``
    (before today) and has none; returns how many were opened."""
    today = today or workspace.today()
    since = today - dt.timedelta(days=JOB_LOOKBACK_DAYS)
    candidates = (
        Campaign.objects.filter(workspace=workspace, debrief__isnull=True)
        .exclude(status=CampaignStatus.CANCELLED)
        .filter(end_date__gte=since, end_date__lt=today)
    )
    undated = Campaign.objects.filter(
        workspace=workspace,
        debrief__isnull=True,
        end_date__isnull=True,
        brief_versions__end_date__gte=since,
        brief_versions__end_date__lt=today,
    ).exclude(status=CampaignStatus.CANCELLED)
    opened = 0
    for campaign in _distinct(list(candidates) + list(undated)):
        end = end_date(campaign, _brief(campaign))
        if end is not None and since <= end < today:
            opened += _open(workspace, campaign, None, end) is not None
    return opened


def _distinct(campaigns: Iterable[Campaign]) -> list[Campaign]:
    return list({c.pk: c for c in campaigns}.values())


# -- ratings and lessons --------------------------------------------------------------------------


def _open_debrief(actor: Actor, campaign: Campaign) -> Debrief:
    """The campaign's debrief, locked for the write; 409 when not opened yet or complete."""
    _mine(actor, campaign)
    debrief = Debrief.objects.select_for_update().filter(campaign=campaign).first()
    if debrief is None:
        raise Conflict(_("The debrief of this campaign is not open yet."))
    if debrief.completed_at is not None:
        raise Conflict(_("The debrief is complete: a manager reopens it to change it."))
    return debrief


def _text(value: object, name: str) -> str:
    text = str(value or "").strip()
    if len(text) > TEXT_MAX or "\x00" in text:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={name: [_("Enter at most %(n)s characters.") % {"n": TEXT_MAX}]},
        )
    return text


def _rating(value: object) -> int:
    try:
        rating = int(str(value).strip())
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"rating": [_("Rate from 1 to 5.")]},
        )
    return rating


def rating_set(
    actor: Actor, campaign: Campaign, rating: object, comment: object = ""
) -> LeadRating:
    """The rep's rating of the leads received from the campaign (1–5, a comment): the rep's one
    rating, created or changed, until the debrief is complete."""
    actor.require("debrief.rate")
    value, text = _rating(rating), _text(comment, "comment")
    with transaction.atomic():
        debrief = _open_debrief(actor, campaign)
        row = LeadRating.objects.filter(debrief=debrief, rep=actor.user).first()
        before = audit.snapshot(row, ("rating", "comment")) if row else None
        if row is None:
            row = LeadRating(workspace=actor.workspace, debrief=debrief, rep=actor.user)
        row.rating, row.comment, row.rated_at = value, text, timezone.now()
        row.save()
        audit.audit_write(
            actor=actor,
            action="update" if before else "create",
            target="lead-ratings",
            target_id=row.pk,
            target_label=f"{campaign.name} · {actor.user}",
            before=before,
            after=audit.snapshot(row, ("rating", "comment")),
        )
    return row


def lessons_set(actor: Actor, campaign: Campaign, side: str, text: object) -> Debrief:
    """One side's lessons learned; when both sides' are written the debrief is complete (in the
    same transaction)."""
    if side not in SIDES:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"side": [_("Choose marketing or sales.")]},
        )
    actor.require(f"debrief.lessons.{side}")
    value = _text(text, "text")
    field = f"lessons_{side}"
    with transaction.atomic():
        debrief = _open_debrief(actor, campaign)
        before = audit.snapshot(debrief, (field, "completed_at"))
        setattr(debrief, field, value)
        if debrief.lessons_marketing and debrief.lessons_sales:
            debrief.completed_at = timezone.now()
        debrief.save(update_fields=[field, "completed_at"])
        audit.audit_write(
            actor=actor,
            action="update",
            target="debriefs",
            target_id=debrief.pk,
            target_label=campaign.name,
            before=before,
            after=audit.snapshot(debrief, (field, "completed_at")),
        )
    return debrief


def debrief_reopen(actor: Actor, campaign: Campaign) -> Debrief:
    """A manager opens a complete debrief again (ratings and lessons editable again)."""
    actor.require("debrief.reopen")
    _mine(actor, campaign)
    with transaction.atomic():
        debrief = Debrief.objects.select_for_update().filter(campaign=campaign).first()
        if debrief is None:
            raise Conflict(_("The debrief of this campaign is not open yet."))
        if debrief.completed_at is None:
            raise Conflict(_("The debrief is not complete: it is open already."))
        before = audit.snapshot(debrief, ("completed_at",))
        debrief.completed_at = None
        debrief.save(update_fields=["completed_at"])
        audit.audit_write(
            actor=actor,
            action="update",
            target="debriefs",
            target_id=debrief.pk,
            target_label=campaign.name,
            before=before,
            after={"completed_at": None},
        )
    return debrief
