"""Writes of the field-feedback loop: submit, vote, triage (status, owner), answer, merge.

Anyone in the workspace but executives raises and +1s items (``feedback.submit`` /
``feedback.vote``); the marketing side triages, answers and merges (``feedback.triage``).
A status move is a conditional UPDATE (``WHERE status = <as loaded>``) plus one history row in
one transaction: of two people moving the same item at once, one wins and the other gets 409.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from typing import Any
from urllib.parse import urlparse

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.crm.models import Account, Campaign
from cordee.feedback.attachments import attachment_store, check_attachment
from cordee.feedback.links import item_url
from cordee.feedback.models import (
    CLOSED_STATUSES,
    TRANSITIONS,
    Competitor,
    FeedbackItem,
    FeedbackKind,
    FeedbackResponse,
    FeedbackSettings,
    FeedbackStatus,
    FeedbackStatusChange,
    FeedbackVote,
)
from cordee.feedback.notices import FEEDBACK_ANSWERED
from cordee.feedback.tasks import embed_items
from cordee.funnel.models import Lead, Opportunity, RejectionReason
from cordee.integrations.models import WebhookEvent
from cordee.integrations.services import webhook_emit
from cordee.people.models import PodMember
from cordee.people.notices import notice_render
from cordee.people.services import notification_new, notifications_send, speaking_to
from cordee.tenancy.models import Membership, User

SUBMIT_FIELDS = (
    "kind",
    "title",
    "text",
    "competitor",
    "account",
    "opportunity",
    "campaign",
    "lead",
    "rejection_reason",
)
TITLE_MAX = 120


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: [message]})


def _item(actor: Actor, item_id: int) -> FeedbackItem:
    item = FeedbackItem.objects.filter(workspace=actor.workspace, pk=item_id).first()
    if item is None:
        raise NotFound(_("Feedback item not found."))
    return item


def _linked(actor: Actor, field: str, value: Any) -> Model | None:
    """The object of a link field, from this workspace only (another's id is a field error)."""

    models: dict[str, type[Model]] = {
        "competitor": Competitor,
        "account": Account,
        "opportunity": Opportunity,
        "campaign": Campaign,
        "lead": Lead,
        "rejection_reason": RejectionReason,
    }
    if value in (None, ""):
        return None
    found = (
        models[field]._default_manager.filter(workspace=actor.workspace, pk=value).first()  # type: ignore[attr-defined]
        if str(value).isdigit()
        else None
    )
    if found is None:
        raise _invalid(field, _("No such record in this workspace: %(value)s.") % {"value": value})
    return found


def _author_pod(actor: Actor, links: Mapping[str, Any]) -> int | None:
    """The author's pod at submission: their only pod, or among several the one the linked
    lead/opportunity belongs to, else the first by name."""
    pods = list(
        PodMember.objects.filter(user=actor.user, pod__workspace=actor.workspace)
        .order_by("pod__name", "pod_id")
        .values_list("pod_id", flat=True)
    )
    if len(pods) <= 1:
        return pods[0] if pods else None
    for name in ("opportunity", "lead"):
        linked = links.get(name)
        pod_id = getattr(linked, "pod_id", None)
        if pod_id in pods:
            return pod_id
    return pods[0]


def feedback_submit(
    *, actor: Actor, data: Mapping[str, Any], attachment: UploadedFile | None = None
) -> FeedbackItem:
    """Raise a piece of field feedback. ``data``: kind, title (≤ 120), text, and optional ids of
    competitor, account, opportunity, campaign, lead and — for lead quality only — a funnel
    rejection reason. The embedding is computed in the background after commit."""
    actor.require("feedback.submit")
    unknown = sorted(set(data) - set(SUBMIT_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={name: [_("This field cannot be set.")] for name in unknown},
        )
    kind = str(data.get("kind") or "")
    if kind not in FeedbackKind.values:
        raise _invalid("kind", _("Choose a kind of feedback."))
    title = " ".join(str(data.get("title") or "").split())
    if not title:
        raise _invalid("title", _("This field is required."))
    if len(title) > TITLE_MAX:
        raise _invalid("title", _("Enter at most %(n)s characters.") % {"n": TITLE_MAX})
    links = {
        name: _linked(actor, name, data.get(name))
        for name in ("competitor", "account", "opportunity", "campaign", "lead", "rejection_reason")
    }
    if links["rejection_reason"] is not None and kind != FeedbackKind.LEAD_QUALITY:
        raise _invalid(
            "rejection_reason", _("Only lead-quality feedback names a rejection reason.")
        )
    if attachment is not None:
        check_attachment(attachment.name or "", attachment.size or 0, attachment)
    item = FeedbackItem(
        workspace=actor.workspace,
        kind=kind,
        title=title,
        text=str(data.get("text") or "").strip(),
        author=actor.user,
        pod_id=_author_pod(actor, links),
        submitted_at=timezone.now(),
        **links,
    )
    if attachment is not None:
        item.attachment_name = (attachment.name or "")[:200]
    with transaction.atomic():
        item.save()
        if attachment is not None:
            attachment_store(item.attachment, attachment.name or "attachment", attachment)
        transaction.on_commit(partial(_enqueue_embedding, actor.workspace.pk, item.pk))
    return item


def _enqueue_embedding(workspace_id: int, item_id: int) -> None:
    embed_items.enqueue(workspace_id, [item_id])


def feedback_attach(*, actor: Actor, item_id: int, attachment: UploadedFile) -> FeedbackItem:
    """Attach (or replace) the item's file: its author or the marketing side."""
    item = _item(actor, item_id)
    if item.author_id != actor.user.pk:
        actor.require("feedback.triage")
    else:
        actor.require("feedback.submit")
    check_attachment(attachment.name or "", attachment.size or 0, attachment)
    with transaction.atomic():
        item.attachment_name = (attachment.name or "")[:200]
        attachment_store(item.attachment, attachment.name or "attachment", attachment)
    return item


# -- votes -----------------------------------------------------------------------------------


def feedback_vote(*, actor: Actor, item_id: int) -> int:
    """+1 an item (once per person; again is harmless). Returns the item's number of votes.
    A merged item's votes go to the item it was merged into."""
    actor.require("feedback.vote")
    item = _item(actor, item_id)
    target = item.merged_into or item
    if target.author_id == actor.user.pk:
        raise _invalid("vote", _("You raised this item; others can +1 it."))
    try:
        with transaction.atomic():
            FeedbackVote.objects.get_or_create(
                item=target,
                user=actor.user,
                defaults={"workspace": actor.workspace, "created_at": timezone.now()},
            )
    except IntegrityError:
        pass  # the same person's other click won
    return FeedbackVote.objects.filter(item=target).count()


def feedback_unvote(*, actor: Actor, item_id: int) -> int:
    """Withdraw one's +1. Returns the item's number of votes."""
    actor.require("feedback.vote")
    item = _item(actor, item_id)
    target = item.merged_into or item
    FeedbackVote.objects.filter(item=target, user=actor.user).delete()
    return FeedbackVote.objects.filter(item=target).count()


# -- triage ----------------------------------------------------------------------------------


def _label(status: str) -> str:
    return str(FeedbackStatus(status).label)


def feedback_status_change(
    *,
    actor: Actor,
    item_id: int,
    to_status: str,
    reason: str = "",
    expected_status: str | None = None,
) -> FeedbackItem:
    """Move an item along a legal transition, keeping who/when/why. Leaving "new" stamps the
    acknowledgement; done / won't do close (won't do needs a reason); reopening clears the close.
    ``expected_status`` (what the person saw) makes a stale screen a 409 rather than a surprise."""
    actor.require("feedback.triage")
    item = _item(actor, item_id)
    if to_status not in FeedbackStatus.values:
        raise _invalid("to_status", _("Unknown status."))
    if item.merged_into_id:
        raise Conflict(_("This item was merged into another; change that one instead."))
    current = item.status
    if expected_status and expected_status != current:
        raise Conflict(
            _("This item has just been changed by someone else (it is now %(status)s).")
            % {"status": _label(current)}
        )
    if to_status not in TRANSITIONS[current]:
        raise _invalid(
            "to_status",
            _("An item cannot move from %(from)s to %(to)s.")
            % {"from": _label(current), "to": _label(to_status)},
        )
    reason = reason.strip()
    if to_status == FeedbackStatus.WONT_DO and not reason:
        raise _invalid("reason", _("Say why this will not be done."))
    now = timezone.now()
    changes: dict[str, Any] = {"status": to_status, "updated_at": now}
    if item.acknowledged_at is None:
        changes["acknowledged_at"] = now
    changes["closed_at"] = now if to_status in CLOSED_STATUSES else None
    with transaction.atomic():
        updated = FeedbackItem.objects.filter(pk=item.pk, status=current).update(**changes)
        if updated != 1:
            raise Conflict(
                _("This item has just been changed by someone else; reload it and try again.")
            )
        FeedbackStatusChange.objects.create(
            workspace=actor.workspace,
            item=item,
            from_status=current,
            to_status=to_status,
            actor=actor.user,
            at=now,
            reason=reason[:500],
        )
        if "acknowledged_at" in changes:  # items merged into it are acknowledged with it
            FeedbackItem.objects.filter(merged_into=item, acknowledged_at__isnull=True).update(
                acknowledged_at=now
            )
    for name, value in changes.items():
        setattr(item, name, value)
    return item


_UNSET: Any = object()


def feedback_assign(
    *, actor: Actor, item_id: int, owner_id: int | None = _UNSET, due_on: dt.date | None = _UNSET
) -> FeedbackItem:
    """Set the owner (an active member of the workspace; None clears) and/or the due date;
    an argument left out is left unchanged."""
    actor.require("feedback.triage")
    item = _item(actor, item_id)
    fields = ["updated_at"]
    if owner_id is not _UNSET:
        if (
            owner_id is not None
            and not Membership.objects.filter(
                workspace=actor.workspace, user_id=owner_id, is_active=True
            ).exists()
        ):
            raise _invalid("owner", _("Choose a member of this workspace."))
        item.owner_id = owner_id
        fields.append("owner")
    if due_on is not _UNSET:
        item.due_on = due_on
        fields.append("due_on")
    item.save(update_fields=fields)
    return item


audit.audit_kind_register(
    "feedback-settings", FeedbackSettings._meta.verbose_name, FeedbackSettings
)


def feedback_settings_update(*, actor: Actor, acknowledge_within_days: int) -> FeedbackSettings:
    """The workspace's feedback-response SLA: acknowledge within N business days (1–30)."""
    actor.require("feedback.configure")
    if not 1 <= int(acknowledge_within_days) <= 30:
        raise _invalid("acknowledge_within_days", _("Enter a number of days from 1 to 30."))
    with transaction.atomic():
        current = FeedbackSettings.objects.filter(workspace=actor.workspace).first()
        # with no row yet, the default was in effect: that is the value before
        old = audit.snapshot(current or FeedbackSettings(), ("acknowledge_within_days",))
        settings, _created = FeedbackSettings.objects.update_or_create(
            workspace=actor.workspace,
            defaults={"acknowledge_within_days": acknowledge_within_days},
        )
        before, after = audit.changed(old, audit.snapshot(settings, ("acknowledge_within_days",)))
        if after:
            audit.audit_write(
                actor=actor,
                action="update",
                target="feedback-settings",
                target_id=settings.pk,
                before=before,
                after=after,
            )
    return settings


# -- answers ---------------------------------------------------------------------------------


def voices(item: FeedbackItem) -> list[User]:
    """Everyone who raised or backed an item: its author, the authors of items merged into it,
    and its voters — each once, in that order."""
    people: dict[int, User] = {}
    if item.author:
        people[item.author.pk] = item.author
    for merged in FeedbackItem.objects.filter(merged_into=item).select_related("author"):
        if merged.author:
            people.setdefault(merged.author.pk, merged.author)
    for vote in FeedbackVote.objects.filter(item=item).select_related("user").order_by("id"):
        people.setdefault(vote.user.pk, vote.user)
    return list(people.values())


def _check_url(url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 500:
        raise _invalid("url", _("Enter a web address starting with http:// or https://."))
    return url


def feedback_respond(
    *,
    actor: Actor,
    item_id: int,
    text: str,
    what_changed: str = "",
    campaign_id: int | None = None,
    url: str = "",
) -> FeedbackResponse:
    """Marketing answers ("you said → we did"): the submitter, the authors of merged items and
    every voter are notified in the app, and the ``feedback.answered`` webhook event is sent."""
    actor.require("feedback.triage")
    item = _item(actor, item_id)
    if item.merged_into_id:
        raise Conflict(_("This item was merged into another; answer that one instead."))
    text = text.strip()
    if not text:
        raise _invalid("text", _("This field is required."))
    campaign = _linked(actor, "campaign", campaign_id)
    url = _check_url(url)
    now = timezone.now()
    with transaction.atomic():
        response = FeedbackResponse.objects.create(
            workspace=actor.workspace,
            item=item,
            author=actor.user,
            text=text,
            what_changed=what_changed.strip(),
            campaign=campaign,  # type: ignore[misc]
            url=url,
            created_at=now,
        )
        if item.first_response_at is None:
            item.first_response_at = now
            item.save(update_fields=["first_response_at", "updated_at"])
        FeedbackItem.objects.filter(merged_into=item, first_response_at__isnull=True).update(
            first_response_at=now
        )
        _announce_response(actor, item, response)
    return response


def _announce_response(actor: Actor, item: FeedbackItem, response: FeedbackResponse) -> None:
    workspace = actor.workspace
    url = item_url(item)
    params = {"title": item.title, "answer": response.what_changed or response.text}
    notifications = [
        notification_new(
            workspace=workspace,
            user=person,
            kind="feedback.answered",
            key=f"feedback.answered:{response.pk}",
            code=FEEDBACK_ANSWERED,
            params=params,
            url=url,
        )
        for person in voices(item)
        if person.pk != actor.user.pk
    ]
    notifications_send(notifications=notifications)
    with speaking_to(workspace):
        text, _body = notice_render(FEEDBACK_ANSWERED, params)
    webhook_emit(
        workspace=workspace,
        event=WebhookEvent.FEEDBACK_ANSWERED,
        text=f"{text} — {response.text}"[:1000],
        url=url,
        data={
            "item_id": item.pk,
            "response_id": response.pk,
            "kind": item.kind,
            "title": item.title,
            "status": item.status,
            "answer": response.text,
            "what_changed": response.what_changed,
            "campaign_id": response.campaign_id,
            "link": response.url,
            "answered_by": actor.user.email,
        },
    )


# -- merge -----------------------------------------------------------------------------------


def feedback_merge(*, actor: Actor, item_id: int, into_id: int) -> FeedbackItem:
    """Merge a duplicate into another item, keeping every voice and author: the duplicate points
    to the target (and so do items merged into the duplicate), its votes move to the target
    without duplicates, its author backs the target with a vote, and it is acknowledged.
    Returns the target."""
    actor.require("feedback.triage")
    source = _item(actor, item_id)
    target = _item(actor, into_id)
    if source.pk == target.pk:
        raise _invalid("into", _("An item cannot be merged into itself."))
    if target.merged_into_id:
        raise _invalid("into", _("That item was itself merged; choose the item it went into."))
    if source.merged_into_id:
        raise Conflict(_("This item has already been merged."))
    now = timezone.now()
    with transaction.atomic():
        updated = FeedbackItem.objects.filter(pk=source.pk, merged_into__isnull=True).update(
            merged_into=target,
            acknowledged_at=source.acknowledged_at or now,
            first_response_at=source.first_response_at or target.first_response_at,
            updated_at=now,
        )
        if updated != 1:
            raise Conflict(_("This item has already been merged."))
        FeedbackItem.objects.filter(merged_into=source).update(merged_into=target, updated_at=now)
        backers = set(FeedbackVote.objects.filter(item=target).values_list("user_id", flat=True))
        moving = list(
            FeedbackVote.objects.filter(item__in=[source.pk], user_id__isnull=False).values_list(
                "user_id", "created_at"
            )
        )
        if source.author_id:
            moving.append((source.author_id, source.submitted_at))
        new_votes = []
        for user_id, at in moving:
            if user_id in backers or user_id == target.author_id:
                continue
            backers.add(user_id)
            new_votes.append(
                FeedbackVote(workspace=actor.workspace, item=target, user_id=user_id, created_at=at)
            )
        FeedbackVote.objects.bulk_create(new_votes, ignore_conflicts=True)
        FeedbackVote.objects.filter(item=source).delete()
        FeedbackStatusChange.objects.create(
            workspace=actor.workspace,
            item=source,
            from_status=source.status,
            to_status=source.status,
            actor=actor.user,
            at=now,
            reason=(_("Merged into #%(id)s: %(title)s") % {"id": target.pk, "title": target.title})[
                :500
            ],
        )
    target.refresh_from_db()
    return target
