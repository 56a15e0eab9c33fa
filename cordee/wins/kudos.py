"""Sending kudos: thanks from one member to another member or to a pod, maybe about a win.

The rules, in one place (the page and the API both call ``kudos_send``):

- whoever holds ``win.react`` sends them (every member, executives included), never to oneself;
- the recipient is an active member of the workspace, or one of its pods; the message is
  required (at most ``MESSAGE_MAX`` characters); a post named must be on the workspace's wall;
- the sides are fixed when sent, from the current roles (``tenancy.roles.side_of``);
- **across the sides** means between the two sides of the rope, marketing and sales: to a
  person, the sender's side and the person's differ and both are marketing or sales; to a pod,
  the sender is on one of the two sides and the pod counts at least one active member of the
  other. A kudos from or to an executive or a RevOps admin (side "other") is never across;
- each recipient (each active member of a pod, the sender aside) is told in the app
  (``wins.kudos_received``), and the workspace's chat hooks get ``kudos.sent`` (its language),
  routed to the pod, or to the recipient's pods; deliveries start after the commit;
- kudos are social, not records: they are not audited. The sender may take one back within
  ``WITHDRAW_MINUTES`` of sending it (its notifications go with it; a chat message already
  delivered stays), and no one can afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.core.schemas import MAX_ID
from cordee.integrations.models import WebhookEvent
from cordee.integrations.services import webhook_emit
from cordee.people.models import Pod, PodMember
from cordee.people.services import (
    notification_new,
    notifications_send,
    notifications_withdraw,
    speaking_to,
)
from cordee.tenancy.models import Membership, User
from cordee.tenancy.roles import Side, side_of
from cordee.wins.kudos_notices import KUDOS_RECEIVED
from cordee.wins.models import Kudos, WinPost

MESSAGE_MAX = 500
WITHDRAW_MINUTES = 10
ROPE = (Side.MARKETING.value, Side.SALES.value)  # the two sides kudos may cross


def is_across(sender_side: str, recipient_sides: set[str]) -> bool:
    """Whether thanks from ``sender_side`` to people of ``recipient_sides`` cross the rope."""
    if sender_side not in ROPE:
        return False
    return any(side in ROPE and side != sender_side for side in recipient_sides)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(_("Some fields are not valid."), field_errors={field: [message]})


def _message_clean(message: Any) -> str:
    text = str(message or "").strip()
    if not text:
        raise _invalid("message", _("Write a few words of thanks."))
    if len(text) > MESSAGE_MAX:
        raise _invalid("message", _("At most %(n)s characters, please.") % {"n": MESSAGE_MAX})
    return text


def _id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1  # not an id: refused as unknown below
    return number if 1 <= number <= MAX_ID else -1  # none has it; never a database overflow


def _person(actor: Actor, user_id: int) -> tuple[User, str]:
    """An active member of the actor's workspace and their side, or a 422 naming ``recipient``."""
    membership = (
        Membership.objects.filter(workspace=actor.workspace, user_id=user_id, is_active=True)
        .select_related("user")
        .first()
    )
    if membership is None or not membership.user.is_active:
        raise _invalid("recipient", _("Choose an active member of this workspace."))
    if membership.user_id == actor.user.pk:
        raise _invalid("recipient", _("Kudos go to someone else."))
    return membership.user, side_of(membership.role)


def pod_sides(pod: Pod) -> dict[int, str]:
    """The active members of ``pod`` in its workspace, each with their side now."""
    members = PodMember.objects.filter(pod=pod).values_list("user_id", flat=True)
    rows = Membership.objects.filter(
        workspace_id=pod.workspace_id, user_id__in=members, is_active=True, user__is_active=True
    ).values_list("user_id", "role")
    return {user_id: side_of(role) for user_id, role in rows}


def kudos_url(actor: Actor) -> str:
    return reverse("kudos_page", args=[actor.workspace.slug])


@transaction.atomic
def kudos_send(
    *,
    actor: Actor,
    recipient_user_id: Any = None,
    pod_id: Any = None,
    message: Any,
    post_id: Any = None,
) -> Kudos:
    """Send kudos to one person (``recipient_user_id``) or one pod (``pod_id``), maybe about a
    post (``post_id``); see the module's rules. Returns the kudos saved."""
    actor.require("win.react")
    user_id, pod_key = _id(recipient_user_id), _id(pod_id)
    if (user_id is None) == (pod_key is None):
        raise _invalid("recipient", _("Choose one person or one pod."))
    text = _message_clean(message)
    post = None
    post_key = _id(post_id)
    if post_key is not None:
        post = WinPost.objects.filter(
            workspace=actor.workspace, pk=post_key, withdrawn_at__isnull=True
        ).first()
        if post is None:
            raise _invalid("post", _("This win is not on this workspace’s wall."))
    sender_side = side_of(actor.role)
    recipient, pod, told = None, None, []
    if user_id is not None:
        recipient, recipient_side = _person(actor, user_id)
        across = is_across(sender_side, {recipient_side})
        told = [recipient.pk]
    else:
        pod = Pod.objects.filter(workspace=actor.workspace, pk=pod_key or -1).first()
        if pod is None:
            raise _invalid("pod", _("Choose a pod of this workspace."))
        sides = pod_sides(pod)
        recipient_side = ""
        across = is_across(sender_side, set(sides.values()))
        told = sorted(uid for uid in sides if uid != actor.user.pk)
    kudos = Kudos.objects.create(
        workspace=actor.workspace,
        sender=actor.user,
        sender_side=sender_side,
        recipient=recipient,
        pod=pod,
        recipient_side=recipient_side,
        cross_side=across,
        message=text,
        post=post,
    )
    _tell(actor, kudos, told)
    return kudos


def _tell(actor: Actor, kudos: Kudos, user_ids: list[int]) -> None:
    """The recipients in the app, the chat hooks of the pods concerned."""
    workspace = actor.workspace
    url = kudos_url(actor)
    params = {"sender": str(actor.user), "message": kudos.message}
    if kudos.pod is not None:
        params["pod"] = kudos.pod.name
    people = User.objects.filter(pk__in=user_ids).order_by("pk")
    notifications_send(
        notifications=[
            notification_new(
                workspace=workspace,
                user=user,
                kind="wins.kudos",
                key=f"wins.kudos:{kudos.pk}",
                code=KUDOS_RECEIVED,
                params=params,
                url=url,
            )
            for user in people
        ]
    )
    if kudos.pod is not None:
        pod_ids = [kudos.pod.pk]
        to_name = kudos.pod.name
    else:
        assert kudos.recipient is not None
        pod_ids = list(
            PodMember.objects.filter(user=kudos.recipient, pod__workspace=workspace).values_list(
                "pod_id", flat=True
            )
        )
        to_name = str(kudos.recipient)
    with speaking_to(workspace):
        text = _("%(sender)s thanks %(recipient)s: “%(message)s”") % {
            "sender": params["sender"],
            "recipient": to_name,
            "message": kudos.message,
        }
    webhook_emit(
        workspace=workspace,
        event=WebhookEvent.KUDOS_SENT,
        text=text[:3000],
        data={
            "kudos": kudos.pk,
            "sender": {"id": actor.user.pk, "name": params["sender"], "side": kudos.sender_side},
            "recipient": (
                {"id": kudos.recipient.pk, "name": to_name, "side": kudos.recipient_side}
                if kudos.recipient is not None
                else None
            ),
            "pod": {"id": kudos.pod.pk, "name": kudos.pod.name} if kudos.pod else None,
            "cross_side": kudos.cross_side,
            "message": kudos.message,
            "post": kudos.post_id,
        },
        url=url,
        pod_ids=pod_ids,
    )


def withdraw_deadline(kudos: Kudos) -> dt.datetime:
    return kudos.created_at + dt.timedelta(minutes=WITHDRAW_MINUTES)


def may_withdraw(actor: Actor, kudos: Kudos, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return kudos.sender_id == actor.user.pk and now < withdraw_deadline(kudos)


@transaction.atomic
def kudos_withdraw(*, actor: Actor, kudos_id: Any) -> None:
    """Take back one's own kudos within ``WITHDRAW_MINUTES`` of sending it (the notifications
    go too); another's kudos is refused (403), a later try is a 409."""
    key = _id(kudos_id)
    kudos = (
        Kudos.objects.select_for_update()
        .filter(workspace=actor.workspace, pk=key if key is not None else -1)
        .first()
    )
    if kudos is None:
        raise NotFound(_("No such kudos in this workspace."))
    if kudos.sender_id != actor.user.pk:
        raise PermissionDenied(_("Only the sender takes kudos back."))
    if not may_withdraw(actor, kudos):
        raise Conflict(
            _("Kudos are taken back within %(n)s minutes of sending; these stay.")
            % {"n": WITHDRAW_MINUTES}
        )
    notifications_withdraw(workspace=actor.workspace, key=f"wins.kudos:{kudos.pk}")
    kudos.delete()
