"""The sales review of a campaign brief and the launch gate: the rules and the services.

**Reviewers.** Each pod has a default reviewer (``PodReviewer``), set by a manager: an active
member of the workspace on the sales side (SDR, sales rep, sales manager) who is a member of the
pod. Marketing sends the brief for review: one round per target pod, its reviewer the pod's
default unless marketing names another sales member of that pod for this campaign.

**Due date.** A round is due ``REVIEW_BUSINESS_DAYS`` (2) business days after it is asked, on the
workspace's business calendar (its working hours, public holidays and added days: the funnel's
SLA clock, ``funnel.sla.workspace_calendar``): N × one usual working day of business time. A
round asked on Thursday at 10:00 with 8-hour days is due on Monday at 10:00. A pending round past
its due time is late; its reviewer is reminded once (``review_reminders_send``, a periodic job).

**Answers.** The round's reviewer, or a sales manager or RevOps admin of the workspace, approves
or asks for changes (a note is then required) on the brief as it is now; the answer is kept with
the version it was given on.

**What asks for approval again** (``MATERIAL``): a saved version that differs from the one before
on the segment, the target pods, the persona, the message, the offer, the call to action, the
channels, the dates, or the expected MQLs or SQLs. The objective, the budget, the expected pipeline
and the success criteria do not (``NOT_MATERIAL``): they are marketing's own. On such a change
(``brief_saved``, called by ``services.brief_save`` in its transaction) every answered round is
closed and a pending one opened for each target pod; a pod removed from the brief has its round
closed; a pod added gets a round (with its default reviewer, when it has one).

**The launch gate** (``launch_guard``, registered with ``crm.launch`` by the app's ``ready()``):
a campaign moves to *active* only when every target pod of its brief has approved the brief as it
now is (its open round approved: a material change closed any earlier approval), or when a
marketing manager overrode the gate on the brief's current version (``launch_override``, a
written reason of at least ``OVERRIDE_REASON_MIN`` characters, kept and shown). A campaign with no
brief, or whose brief names no target pod, cannot be launched without an override.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.codesign import notices
from cordee.codesign.models import (
    BriefComment,
    BriefVersion,
    LaunchOverride,
    PodReviewer,
    Review,
    ReviewState,
)
from cordee.core import audit, records
from cordee.core.actor import Actor
from cordee.core.business_time import BusinessClock
from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.crm.models import Campaign, CampaignStatus
from cordee.crm.records import CAMPAIGNS
from cordee.funnel.sla import business_day_seconds, workspace_calendar
from cordee.people.models import Pod, PodMember
from cordee.people.services import notification_new, notifications_send
from cordee.tenancy.models import Membership, User, Workspace
from cordee.tenancy.roles import Role, Side, roles_of

REVIEW_BUSINESS_DAYS = 2  # a round is due this many business days after it is asked
MATERIAL = (
    "segment",
    "pods",
    "persona",
    "message",
    "offer",
    "call_to_action",
    "channels",
    "start_date",
    "end_date",
    "expected_mqls",
    "expected_sqls",
)
NOT_MATERIAL = ("objective", "budget", "expected_pipeline", "success_criteria")
BRIEF_FIELDS = MATERIAL + NOT_MATERIAL  # every field of the brief (services.FIELDS; a test says so)
OVERRIDE_REASON_MIN = 10
COMMENT_MAX = 10_000
NOTE_MAX = 10_000
SALES_ROLES = roles_of(Side.SALES)
DECIDERS = (Role.SALES_MANAGER.value, Role.REVOPS_ADMIN.value)  # besides the round's reviewer

audit.audit_kind_register("pod-reviewers", PodReviewer._meta.verbose_name, PodReviewer)
audit.audit_kind_register("reviews", Review._meta.verbose_name, Review)
audit.audit_kind_register("brief-comments", BriefComment._meta.verbose_name, BriefComment)
audit.audit_kind_register("launch-overrides", LaunchOverride._meta.verbose_name, LaunchOverride)


# -- rules ----------------------------------------------------------------------------------------


def material_changed(old: BriefVersion | None, new: BriefVersion) -> bool:
    """Whether ``new`` differs from ``old`` on a field that asks for approval again."""
    if old is None:
        return False
    return any(_value(old, n) != _value(new, n) for n in MATERIAL)


def _value(version: BriefVersion, name: str) -> Any:
    value = getattr(version, name)
    if name in ("segment", "pods", "channels"):
        return sorted(value or [])
    return value


def sales_members(workspace: Workspace, pod_ids: Iterable[int]) -> dict[int, list[User]]:
    """Each pod's active members of the sales side, by name: who may review its campaigns."""
    ids = list(pod_ids)
    active = Membership.objects.filter(
        workspace=workspace, is_active=True, role__in=SALES_ROLES
    ).values_list("user_id", flat=True)
    out: dict[int, list[User]] = {pk: [] for pk in ids}
    rows = (
        PodMember.objects.filter(pod__workspace=workspace, pod_id__in=ids, user_id__in=active)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email")
    )
    for row in rows:
        out[row.pod_id].append(row.user)
    return out


def _sales_member(workspace: Workspace, pod: Pod, user_id: int | None) -> User:
    for user in sales_members(workspace, [pod.pk])[pod.pk]:
        if user.pk == user_id:
            return user
    raise ValidationFailed(
        _("Choose an active member of the pod “%(pod)s” on the sales side.") % {"pod": pod.name},
        field_errors={
            "user": [_("Choose an active member of the pod on the sales side.")],
        },
    )


def review_due(workspace: Workspace, asked: dt.datetime) -> dt.datetime:
    """When a round asked at ``asked`` is due: ``REVIEW_BUSINESS_DAYS`` business days later."""
    calendar = workspace_calendar(workspace)
    clock = BusinessClock.around(calendar, asked, asked, margin_days=7 * REVIEW_BUSINESS_DAYS + 60)
    return clock.due_at(asked, REVIEW_BUSINESS_DAYS * business_day_seconds(calendar) / 3600)


def may_decide(actor: Actor, review: Review) -> bool:
    """The round's reviewer, or a sales manager or RevOps admin of the workspace."""
    return actor.can("brief.review") and (
        review.reviewer_id == actor.user.pk or actor.role in DECIDERS
    )


def _current(campaign: Campaign) -> BriefVersion | None:
    return BriefVersion.objects.filter(campaign=campaign).order_by("-number").first()


def _mine(actor: Actor, obj: Any, message: str) -> None:
    if obj.workspace_id != actor.workspace.pk:
        raise NotFound(message)


# -- notifications --------------------------------------------------------------------------------


def _local(workspace: Workspace, at: dt.datetime) -> str:
    return at.astimezone(workspace.zone).isoformat()


def _brief_url(workspace: Workspace, campaign_id: int) -> str:
    return f"/w/{workspace.slug}/campaigns/{campaign_id}/brief/"


def _send(
    workspace: Workspace,
    users: Iterable[User],
    code: str,
    key: str,
    params: Mapping[str, Any],
    campaign_id: int,
) -> None:
    seen: set[int] = set()
    batch = []
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        batch.append(
            notification_new(
                workspace=workspace,
                user=user,
                kind=code,
                key=f"{key}:{user.pk}"[:120],
                code=code,
                params=params,
                url=_brief_url(workspace, campaign_id),
            )
        )
    if batch:
        notifications_send(notifications=batch)


def _tell_asked(workspace: Workspace, campaign: Campaign, rounds: list[Review], code: str) -> None:
    for r in rounds:
        _send(
            workspace,
            [r.reviewer],
            code,
            f"{code}:{r.pk}",
            {"campaign": campaign.name, "pod": r.pod.name, "due": _local(workspace, r.due_at)},
            campaign.pk,
        )


# -- default reviewers ----------------------------------------------------------------------------


def pod_reviewer_set(actor: Actor, pod: Pod, user_id: int | None) -> PodReviewer | None:
    """Name the pod's default reviewer (None: no default any more). Managers only."""
    actor.require("brief.reviewers")
    _mine(actor, pod, _("Pod not found."))
    with transaction.atomic():
        row = PodReviewer.objects.select_for_update().filter(pod=pod).first()
        before: dict[str, int | None] = {"user": row.user_id if row else None}
        if user_id is None:
            if row is not None:
                row.delete()
            result = None
        else:
            user = _sales_member(actor.workspace, pod, user_id)
            if row is None:
                row = PodReviewer.objects.create(workspace=actor.workspace, pod=pod, user=user)
            else:
                row.user = user
                row.save(update_fields=["user"])
            result = row
        after: dict[str, int | None] = {"user": user_id}
        if before != after:
            audit.audit_write(
                actor=actor,
                action="update",
                target="pod-reviewers",
                target_id=pod.pk,
                target_label=pod.name,
                before=before,
                after=after,
            )
    return result


# -- rounds ---------------------------------------------------------------------------------------


def _open(
    workspace: Workspace,
    campaign: Campaign,
    pod: Pod,
    reviewer: User,
    version: int,
    now: dt.datetime,
) -> Review:
    return Review.objects.create(
        workspace=workspace,
        campaign=campaign,
        pod=pod,
        reviewer=reviewer,
        version=version,
        requested_at=now,
        due_at=review_due(workspace, now),
    )


def review_request(
    actor: Actor,
    campaign: Campaign,
    reviewers: Mapping[int, int] | None = None,
    *,
    now: dt.datetime | None = None,
) -> list[Review]:
    """Send the brief for sales review (marketing): a round for each target pod that has none
    open (its reviewer: ``reviewers[pod id]``, else the pod's default); a pending round whose
    reviewer ``reviewers`` changes goes to that person; a round answered with changes asked is
    asked again. An approval of the brief as it is stays. Returns the open rounds."""
    actor.require("brief.write")
    _mine(actor, campaign, _("No such campaign in this workspace."))
    now = now or timezone.now()
    chosen = dict(reviewers or {})
    ws = actor.workspace
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        brief = _current(campaign)
        if brief is None:
            raise ValidationFailed(
                _("Write the brief before sending it for review."),
                field_errors={"pods": [_("Write the brief before sending it for review.")]},
            )
        pods = list(Pod.objects.filter(workspace=ws, pk__in=brief.pods).order_by("name"))
        if not pods:
            raise ValidationFailed(
                _("Choose the target pods in the brief before sending it for review."),
                field_errors={"pods": [_("The brief names no target pod.")]},
            )
        unknown = set(chosen) - {p.pk for p in pods}
        if unknown:
            raise ValidationFailed(
                _("Choose reviewers of the brief's target pods only."),
                field_errors={"reviewers": [_("Choose reviewers of the brief's target pods.")]},
            )
        defaults = dict(PodReviewer.objects.filter(pod__in=pods).values_list("pod_id", "user_id"))
        opened = {r.pod_id: r for r in Review.objects.filter(campaign=campaign, superseded_at=None)}
        settled = {
            pk for pk, r in opened.items() if r.state in (ReviewState.APPROVED, ReviewState.PENDING)
        }
        missing = [
            p.name
            for p in pods
            if p.pk not in chosen and p.pk not in defaults and p.pk not in settled
        ]
        if missing:
            message = _("Choose a reviewer for: %(pods)s (the pod has no default reviewer).") % {
                "pods": ", ".join(missing)
            }
            raise ValidationFailed(message, field_errors={"reviewers": [message]})
        asked: list[Review] = []
        for pod in pods:
            wanted = chosen.get(pod.pk, defaults.get(pod.pk))
            current = opened.pop(pod.pk, None)
            if current is not None and current.state == ReviewState.APPROVED:
                continue  # an open approval is of the brief as it is (see the module)
            if current is not None and current.state == ReviewState.PENDING:
                if pod.pk in chosen and current.reviewer_id != wanted:
                    current.reviewer = _sales_member(ws, pod, wanted)
                    current.reminded_at = None
                    current.save(update_fields=["reviewer", "reminded_at"])
                    asked.append(current)
                continue
            reviewer = _sales_member(ws, pod, wanted)
            if current is not None:  # changes asked: this is the next round
                current.superseded_at = now
                current.save(update_fields=["superseded_at"])
            asked.append(_open(ws, campaign, pod, reviewer, brief.number, now))
        for gone in opened.values():  # a pod no longer in the brief
            gone.superseded_at = now
            gone.save(update_fields=["superseded_at"])
        _asked(actor, campaign, brief.number, asked, notices.REVIEW_ASKED)
    return list(
        Review.objects.filter(campaign=campaign, superseded_at=None)
        .select_related("pod", "reviewer")
        .order_by("pod__name")
    )


def brief_saved(
    actor: Actor,
    campaign: Campaign,
    previous: BriefVersion | None,
    version: BriefVersion,
    *,
    now: dt.datetime | None = None,
) -> list[Review]:
    """The review after a save (``services.brief_save``, in its transaction): on a material
    change (``MATERIAL``) every answered round is closed and asked again, pods removed have their
    round closed, pods added get one. Nothing before the brief is first sent for review. Returns
    the rounds opened."""
    now = now or timezone.now()
    ws = actor.workspace
    rounds = {
        r.pod_id: r
        for r in Review.objects.select_for_update()
        .filter(campaign=campaign, superseded_at=None)
        .select_related("pod", "reviewer")
    }
    if not rounds or not material_changed(previous, version):
        return []
    pods = {p.pk: p for p in Pod.objects.filter(workspace=ws, pk__in=version.pods)}
    defaults = {
        r.pod_id: r.user for r in PodReviewer.objects.filter(pod__in=pods).select_related("user")
    }
    eligible = sales_members(ws, pods)
    opened: list[Review] = []
    for pod_id, current in rounds.items():
        if pod_id not in pods:
            current.superseded_at = now
            current.save(update_fields=["superseded_at"])
        elif current.state != ReviewState.PENDING:
            current.superseded_at = now
            current.save(update_fields=["superseded_at"])
            reviewer = current.reviewer
            if reviewer not in eligible.get(pod_id, []) and pod_id in defaults:
                reviewer = defaults[pod_id]
            opened.append(_open(ws, campaign, pods[pod_id], reviewer, version.number, now))
    for pod_id, pod in pods.items():
        if pod_id not in rounds and pod_id in defaults:
            opened.append(_open(ws, campaign, pod, defaults[pod_id], version.number, now))
    _asked(actor, campaign, version.number, opened, notices.REVIEW_AGAIN)
    return opened


def _asked(
    actor: Actor, campaign: Campaign, number: int, rounds: list[Review], notice: str
) -> None:
    """Audit the rounds just opened on version ``number`` and tell their reviewers."""
    if not rounds:
        return
    audit.audit_write(
        actor=actor,
        action="review_request",
        target="campaigns",
        target_id=campaign.pk,
        target_label=campaign.name,
        after={
            "brief_version": number,
            "reviewers": {r.pod.name: str(r.reviewer) for r in rounds},
        },
    )
    _tell_asked(actor.workspace, campaign, rounds, notice)


DECISIONS = (ReviewState.APPROVED.value, ReviewState.CHANGES.value)


def review_decide(
    actor: Actor, review: Review, decision: str, note: str = "", *, now: dt.datetime | None = None
) -> Review:
    """The reviewer (or a sales manager, or RevOps) approves the brief as it is now, or asks for
    changes saying which (``note`` required). An answer may be changed while the round is open."""
    _mine(actor, review, _("Review not found."))
    if not may_decide(actor, review):
        raise PermissionDenied(
            _("Only the pod's reviewer, a sales manager or RevOps answers this review.")
        )
    note = (note or "").strip()
    if decision not in DECISIONS:
        raise ValidationFailed(
            _("Approve, or ask for changes."),
            field_errors={"decision": [_("Choose: approved or changes.")]},
        )
    if decision == ReviewState.CHANGES and not note:
        raise ValidationFailed(
            _("Say which changes you ask for."),
            field_errors={"note": [_("Say which changes you ask for.")]},
        )
    if len(note) > NOTE_MAX:
        raise ValidationFailed(
            _("The note is too long."),
            field_errors={"note": [_("Enter at most %(n)s characters.") % {"n": NOTE_MAX}]},
        )
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Review.objects.select_for_update().select_related("campaign", "pod").get(pk=review.pk)
        )
        if locked.superseded_at is not None:
            raise Conflict(_("This review round is closed: the brief changed since."))
        brief = _current(locked.campaign)
        before = {"state": locked.state, "note": locked.note}
        locked.state = decision
        locked.note = note
        locked.decided_at = now
        locked.decided_version = brief.number if brief else locked.version
        locked.save(update_fields=["state", "note", "decided_at", "decided_version"])
        audit.audit_write(
            actor=actor,
            action="approve" if decision == ReviewState.APPROVED else "request_changes",
            target="reviews",
            target_id=locked.pk,
            target_label=f"{locked.campaign.name} · {locked.pod.name}",
            before=before,
            after={"state": decision, "note": note, "version": locked.decided_version},
        )
        marketing = [brief.author] if brief and brief.author else []
        _send(
            actor.workspace,
            [u for u in marketing if u.pk != actor.user.pk],
            notices.REVIEW_DECIDED,
            f"{notices.REVIEW_DECIDED}:{locked.pk}:{decision}:{now.isoformat()}",
            {
                "who": str(actor.user),
                "campaign": locked.campaign.name,
                "pod": locked.pod.name,
                "decision": decision,
                "note": note[:300],
            },
            locked.campaign_id,
        )
    return locked


# -- comments -------------------------------------------------------------------------------------


def comment_add(
    actor: Actor,
    campaign: Campaign,
    field: str,
    body: str,
    parent: BriefComment | None = None,
    *,
    now: dt.datetime | None = None,
) -> BriefComment:
    """A comment on a field of the brief, or a reply in a thread (the reply is on the thread's
    field). The other side hears of it: marketing's comment goes to the open rounds' reviewers
    and the thread's sales people, sales' to the brief's author and the thread's marketers."""
    actor.require("brief.comment")
    _mine(actor, campaign, _("No such campaign in this workspace."))
    body = (body or "").strip()
    errors: dict[str, list[str]] = {}
    if parent is not None:
        _mine(actor, parent, _("Comment not found."))
        if parent.campaign_id != campaign.pk:
            raise NotFound(_("Comment not found."))
        while parent.parent_id is not None:  # replies join the thread's first comment
            parent = BriefComment.objects.get(pk=parent.parent_id)
        field = parent.field
    if field not in BRIEF_FIELDS:
        errors["field"] = [_("Choose a field of the brief.")]
    if not body:
        errors["body"] = [_("Write the comment.")]
    elif len(body) > COMMENT_MAX or "\x00" in body:
        errors["body"] = [_("Enter at most %(n)s characters.") % {"n": COMMENT_MAX}]
    if errors:
        raise ValidationFailed(_("The comment is not valid."), field_errors=errors)
    now = now or timezone.now()
    with transaction.atomic():
        brief = _current(campaign)
        if brief is None:
            raise ValidationFailed(
                _("This campaign has no brief yet."),
                field_errors={"field": [_("This campaign has no brief yet.")]},
            )
        comment = BriefComment.objects.create(
            workspace=actor.workspace,
            campaign=campaign,
            field=field,
            version=brief.number,
            parent=parent,
            author=actor.user,
            body=body,
            created_at=now,
        )
        if parent is not None and parent.resolved_at is not None:  # a reply reopens the thread
            BriefComment.objects.filter(pk=parent.pk).update(resolved_at=None, resolved_by=None)
        audit.audit_write(
            actor=actor,
            action="create",
            target="brief-comments",
            target_id=comment.pk,
            target_label=f"{campaign.name} · {notices.field_label(field)}",
            after={"field": field, "body": body, "version": brief.number},
        )
        _send(
            actor.workspace,
            _other_side(actor, campaign, brief, parent),
            notices.COMMENTED,
            f"{notices.COMMENTED}:{comment.pk}",
            {
                "who": str(actor.user),
                "campaign": campaign.name,
                "field": field,
                "excerpt": body[:200],
            },
            campaign.pk,
        )
    return comment


def _other_side(
    actor: Actor, campaign: Campaign, brief: BriefVersion, parent: BriefComment | None
) -> list[User]:
    sales = actor.side == Side.SALES
    people: list[User] = []
    if sales:
        if brief.author is not None:
            people.append(brief.author)
    else:
        people += [
            r.reviewer
            for r in Review.objects.filter(campaign=campaign, superseded_at=None).select_related(
                "reviewer"
            )
        ]
    if parent is not None:
        ids = {parent.author_id} | set(
            BriefComment.objects.filter(parent=parent).values_list("author_id", flat=True)
        )
        roles = roles_of(Side.MARKETING if sales else Side.SALES)
        people += list(
            User.objects.filter(
                pk__in=Membership.objects.filter(
                    workspace=actor.workspace, user_id__in=ids, role__in=roles, is_active=True
                ).values("user_id")
            )
        )
    return [u for u in people if u.pk != actor.user.pk]


def comment_resolve(
    actor: Actor, comment: BriefComment, *, now: dt.datetime | None = None
) -> BriefComment:
    """Mark the thread resolved (either side)."""
    return _thread_state(actor, comment, resolved=True, now=now)


def comment_reopen(actor: Actor, comment: BriefComment) -> BriefComment:
    """Open the thread again (either side)."""
    return _thread_state(actor, comment, resolved=False, now=None)


def _thread_state(
    actor: Actor, comment: BriefComment, *, resolved: bool, now: dt.datetime | None
) -> BriefComment:
    actor.require("brief.comment")
    _mine(actor, comment, _("Comment not found."))
    root_id = comment.parent_id or comment.pk
    with transaction.atomic():
        root = BriefComment.objects.select_for_update().select_related("campaign").get(pk=root_id)
        if resolved == (root.resolved_at is not None):
            return root  # already so
        root.resolved_at = (now or timezone.now()) if resolved else None
        root.resolved_by = actor.user if resolved else None
        root.save(update_fields=["resolved_at", "resolved_by"])
        audit.audit_write(
            actor=actor,
            action="resolve" if resolved else "reopen",
            target="brief-comments",
            target_id=root.pk,
            target_label=f"{root.campaign.name} · {notices.field_label(root.field)}",
        )
    return root


# -- the launch gate ------------------------------------------------------------------------------


def launch_missing(campaign: Campaign) -> tuple[BriefVersion | None, list[Pod]]:
    """The brief as it is, and its target pods without an open approval."""
    brief = _current(campaign)
    if brief is None:
        return None, []
    pods = list(
        Pod.objects.filter(workspace_id=campaign.workspace_id, pk__in=brief.pods).order_by("name")
    )
    approved = set(
        Review.objects.filter(
            campaign=campaign, superseded_at=None, state=ReviewState.APPROVED
        ).values_list("pod_id", flat=True)
    )
    return brief, [p for p in pods if p.pk not in approved]


def launch_refusal(campaign: Campaign) -> str | None:
    """Why the campaign may not be launched now (None: it may), in the active language."""
    brief, missing = launch_missing(campaign) if campaign.pk is not None else (None, [])
    version = brief.number if brief else None
    if (
        campaign.pk is not None
        and LaunchOverride.objects.filter(campaign_id=campaign.pk, version=version).exists()
    ):
        return None
    if brief is None:
        return _(
            "The campaign cannot be launched: it has no brief. Write the brief and have it "
            "approved by the sales side of its target pods."
        )
    if not brief.pods:
        return _(
            "The campaign cannot be launched: its brief names no target pod for sales to approve."
        )
    if missing:
        return _(
            "The campaign cannot be launched: the sales review has not approved the brief for "
            "%(pods)s."
        ) % {"pods": ", ".join(p.name for p in missing)}
    return None


def launch_guard(actor: Actor, campaign: Any) -> None:
    """``crm.launch``'s check: refuses the move to active (422 on the status) with the reason."""
    message = launch_refusal(campaign)  # a new campaign (no pk) has no brief yet
    if message:
        raise ValidationFailed(message, field_errors={"status": [message]})


def _launch(actor: Actor, campaign: Campaign, action: str, after: dict[str, Any]) -> None:
    before = campaign.status
    campaign.status = CampaignStatus.ACTIVE
    campaign.save(update_fields=["status", "updated_at"])
    # the campaign's history tells the launch as any change of its status (the record's timeline,
    # and the launch instant the alignment numbers read)
    records.field_changes_write(
        actor=actor, spec=CAMPAIGNS, instance=campaign, before={"status": before}
    )
    audit.audit_write(
        actor=actor,
        action=action,
        target="campaigns",
        target_id=campaign.pk,
        target_label=campaign.name,
        before={"status": before},
        after={"status": campaign.status, **after},
    )


def _launchable(actor: Actor, campaign: Campaign) -> Campaign:
    _mine(actor, campaign, _("No such campaign in this workspace."))
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status == CampaignStatus.ACTIVE:
        raise Conflict(_("The campaign is already active."))
    return locked


def campaign_launch(actor: Actor, campaign: Campaign) -> Campaign:
    """Move the campaign to active (marketing), once every target pod approved the brief."""
    actor.require("campaign.launch")
    with transaction.atomic():
        locked = _launchable(actor, campaign)
        launch_guard(actor, locked)
        _launch(actor, locked, "launch", {})
    return locked


def launch_override(
    actor: Actor, campaign: Campaign, reason: str, *, now: dt.datetime | None = None
) -> LaunchOverride:
    """Launch without every pod's approval (a marketing manager), writing why: the reason is kept
    with the brief's version and the pods that had not approved, shown on the campaign and in
    the committee agenda (``review_selectors.committee_agenda_overrides``)."""
    actor.require("campaign.launch.override")
    reason = (reason or "").strip()
    if len(reason) < OVERRIDE_REASON_MIN or len(reason) > NOTE_MAX or "\x00" in reason:
        message = _("Write why the campaign launches without approval (%(n)s characters or more).")
        message = message % {"n": OVERRIDE_REASON_MIN}
        raise ValidationFailed(message, field_errors={"reason": [message]})
    with transaction.atomic():
        locked = _launchable(actor, campaign)
        brief, missing = launch_missing(locked)
        override = LaunchOverride.objects.create(
            workspace=actor.workspace,
            campaign=locked,
            by=actor.user,
            reason=reason,
            version=brief.number if brief else None,
            missing_pods=[p.name for p in missing],
            created_at=now or timezone.now(),
        )
        audit.audit_write(
            actor=actor,
            action="launch_override",
            target="launch-overrides",
            target_id=override.pk,
            target_label=locked.name,
            after={
                "reason": reason,
                "version": override.version,
                "missing_pods": override.missing_pods,
            },
        )
        _launch(actor, locked, "launch", {"override": override.pk})
    return override


# -- reminders ------------------------------------------------------------------------------------


def review_reminders_send(*, workspace: Workspace, now: dt.datetime | None = None) -> int:
    """Remind each reviewer of a pending round past its due time (business calendar), once
    (``reminded_at``, and the notification's key). Returns how many were sent."""
    now = now or timezone.now()
    with transaction.atomic():
        late = list(
            Review.objects.select_for_update()
            .filter(
                workspace=workspace,
                state=ReviewState.PENDING,
                superseded_at=None,
                reminded_at=None,
                due_at__lte=now,
            )
            .select_related("campaign", "pod", "reviewer")
        )
        for r in late:
            _send(
                workspace,
                [r.reviewer],
                notices.REVIEW_LATE,
                f"{notices.REVIEW_LATE}:{r.pk}",
                {
                    "campaign": r.campaign.name,
                    "pod": r.pod.name,
                    "due": _local(workspace, r.due_at),
                },
                r.campaign_id,
            )
        Review.objects.filter(pk__in=[r.pk for r in late]).update(reminded_at=now)
    return len(late)
