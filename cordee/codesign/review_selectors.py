"""Reads of the sales review: every member of the workspace reads them; another workspace's rows
are not found (404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.codesign import review as rules
from cordee.codesign.models import (
    BriefComment,
    BriefVersion,
    LaunchOverride,
    PodReviewer,
    Review,
    ReviewState,
)
from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.crm.models import Campaign, CampaignStatus
from cordee.people.models import Pod
from cordee.tenancy.models import User, Workspace


def review_get(*, actor: Actor, pk: int) -> Review:
    found = (
        Review.objects.filter(workspace=actor.workspace, pk=pk)
        .select_related("campaign", "pod", "reviewer")
        .first()
    )
    if found is None:
        raise NotFound(_("Review not found."))
    return found


def comment_get(*, actor: Actor, pk: int) -> BriefComment:
    found = (
        BriefComment.objects.filter(workspace=actor.workspace, pk=pk)
        .select_related("campaign")
        .first()
    )
    if found is None:
        raise NotFound(_("Comment not found."))
    return found


def pod_get(*, actor: Actor, pk: int) -> Pod:
    found = Pod.objects.filter(workspace=actor.workspace, pk=pk).first()
    if found is None:
        raise NotFound(_("Pod not found."))
    return found


@dataclass
class PodReviewerRow:
    pod: Pod
    reviewer: User | None
    candidates: list[User]


def pod_reviewers(*, actor: Actor) -> list[PodReviewerRow]:
    """Every pod of the workspace, its default reviewer and who may be named (its active sales
    members)."""
    pods = list(Pod.objects.filter(workspace=actor.workspace).order_by("name"))
    chosen = {
        r.pod_id: r.user
        for r in PodReviewer.objects.filter(workspace=actor.workspace).select_related("user")
    }
    members = rules.sales_members(actor.workspace, [p.pk for p in pods])
    return [PodReviewerRow(p, chosen.get(p.pk), members[p.pk]) for p in pods]


@dataclass
class PodRound:
    """A target pod's review as it is: its open round (None: not asked yet)."""

    pod: Pod
    round: Review | None
    candidates: list[User]
    default: User | None
    late: bool = False
    may_decide: bool = False  # the reader may answer it (set by the page)

    @property
    def state(self) -> str:
        return self.round.state if self.round else ""


@dataclass
class Thread:
    root: BriefComment
    replies: list[BriefComment] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.root.resolved_at is not None


@dataclass
class ReviewPanel:
    brief: BriefVersion | None
    pods: list[PodRound]
    history: list[Review]
    refusal: str | None  # why a launch is refused now (None: it may launch)
    overrides: list[LaunchOverride]
    threads: dict[str, list[Thread]]
    launched: bool

    @property
    def missing(self) -> list[Pod]:
        return [r.pod for r in self.pods if r.state != ReviewState.APPROVED]


def review_rounds(*, actor: Actor, campaign: Campaign) -> QuerySet[Review]:
    """Every round of the campaign's review, open and closed, the newest first."""
    return (
        Review.objects.filter(workspace=actor.workspace, campaign=campaign)
        .select_related("pod", "reviewer")
        .order_by("pod__name", "-requested_at", "-id")
    )


def comment_threads(*, actor: Actor, campaign: Campaign) -> dict[str, list[Thread]]:
    """The campaign's comment threads by field, each its first comment and its replies in
    order."""
    rows = list(
        BriefComment.objects.filter(workspace=actor.workspace, campaign=campaign)
        .select_related("author", "resolved_by")
        .order_by("created_at", "id")
    )
    threads: dict[int, Thread] = {}
    by_field: dict[str, list[Thread]] = {}
    for row in rows:
        if row.parent_id is None:
            threads[row.pk] = Thread(row)
            by_field.setdefault(row.field, []).append(threads[row.pk])
    for row in rows:
        if row.parent_id is not None and row.parent_id in threads:
            threads[row.parent_id].replies.append(row)
    return by_field


def launch_overrides(*, actor: Actor, campaign: Campaign) -> QuerySet[LaunchOverride]:
    return LaunchOverride.objects.filter(
        workspace=actor.workspace, campaign=campaign
    ).select_related("by")


def review_panel(
    *, actor: Actor, campaign: Campaign, now: dt.datetime | None = None
) -> ReviewPanel:
    """The brief's review as the page shows it: each target pod's open round (reviewer, due,
    late), earlier rounds, why a launch is refused, overrides and the comment threads."""
    now = now or timezone.now()
    rounds = list(review_rounds(actor=actor, campaign=campaign))
    brief = (
        BriefVersion.objects.filter(workspace=actor.workspace, campaign=campaign)
        .select_related("author")
        .order_by("-number")
        .first()
    )
    pod_ids = list(brief.pods) if brief else []
    pods = list(Pod.objects.filter(workspace=actor.workspace, pk__in=pod_ids).order_by("name"))
    members = rules.sales_members(actor.workspace, [p.pk for p in pods])
    defaults = {
        r.pod_id: r.user for r in PodReviewer.objects.filter(pod__in=pods).select_related("user")
    }
    open_rounds = {r.pod_id: r for r in rounds if r.superseded_at is None}
    rows = [
        PodRound(
            pod=p,
            round=open_rounds.get(p.pk),
            candidates=members[p.pk],
            default=defaults.get(p.pk),
            late=bool(
                open_rounds.get(p.pk)
                and open_rounds[p.pk].state == ReviewState.PENDING
                and open_rounds[p.pk].due_at <= now
            ),
        )
        for p in pods
    ]
    return ReviewPanel(
        brief=brief,
        pods=rows,
        history=[r for r in rounds if r.superseded_at is not None],
        refusal=rules.launch_refusal(campaign),
        overrides=list(launch_overrides(actor=actor, campaign=campaign)),
        threads=comment_threads(actor=actor, campaign=campaign),
        launched=campaign.status == CampaignStatus.ACTIVE,
    )


def committee_agenda_overrides(workspace: Workspace) -> QuerySet[LaunchOverride]:
    """Launches without sales approval not yet discussed in committee (the rituals' agenda),
    the oldest first."""
    return (
        LaunchOverride.objects.filter(workspace=workspace, discussed_at__isnull=True)
        .select_related("campaign", "by")
        .order_by("created_at", "id")
    )


def round_out(r: Review, now: dt.datetime | None = None) -> dict[str, Any]:
    """A round as the API gives it."""
    now = now or timezone.now()
    return {
        "id": r.pk,
        "campaign": r.campaign_id,
        "pod": r.pod_id,
        "pod_name": r.pod.name,
        "reviewer_id": r.reviewer_id,
        "reviewer_name": str(r.reviewer),
        "version": r.version,
        "requested_at": r.requested_at,
        "due_at": r.due_at,
        "late": r.state == ReviewState.PENDING and r.superseded_at is None and r.due_at <= now,
        "state": r.state,
        "decided_at": r.decided_at,
        "decided_version": r.decided_version,
        "note": r.note,
        "reminded_at": r.reminded_at,
        "closed_at": r.superseded_at,
    }
