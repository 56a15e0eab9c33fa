"""Telling people about breaches: in the app and through outgoing webhooks.

``BreachAnnouncer`` is the one announcer of every SLA's breaches (the funnel's here, field
feedback's in ``cordee.feedback.sla``): for one workspace, each breach is claimed with a
conditional UPDATE so it is announced exactly once even with two schedulers running; its people
read of it in their own language (a notification keeps the code of its text and its
parameters), the workspace's chat tools in the workspace's. A kind of breach says only which
breaches wait, who hears, and in which words."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from cordee.funnel.models import SlaBreach
from cordee.funnel.notices import MQL_ASSIGNED, SLA_BREACH
from cordee.integrations.models import WebhookEvent
from cordee.integrations.services import webhook_emit, webhook_subscribers
from cordee.people.models import Notification
from cordee.people.notices import notice_render
from cordee.people.services import notification_new, notifications_send, speaking_to
from cordee.tenancy.models import Membership, User, Workspace
from cordee.tenancy.roles import Role, Side

BATCH = 1000  # breaches announced per run at most; the next run takes the rest


class BreachAnnouncer(ABC):
    """Announces one workspace's unannounced breaches of one kind (see the module's doc)."""

    event: str  # the webhook event, also the notifications' kind and key prefix

    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id

    @abstractmethod
    def pending(self) -> QuerySet[Any]:
        """The workspace's breaches waiting to be announced (``notified_at`` still empty), with
        their ``workspace`` joined."""

    @abstractmethod
    def recipients(self, breach: Any) -> list[User]:
        """Who hears of ``breach`` in the app."""

    @abstractmethod
    def notice(self, breach: Any) -> tuple[str, dict[str, Any]]:
        """The code of the words about ``breach`` (``cordee.people.notices``) and their
        parameters (JSON; dates as ISO 8601 in the workspace's time zone)."""

    @abstractmethod
    def url(self, breach: Any) -> str: ...

    @abstractmethod
    def data(self, breach: Any) -> dict[str, Any]:
        """What the webhook's payload carries besides the text."""

    def announce(self, now: dt.datetime | None = None) -> int:
        """Announce every pending breach; returns how many this run announced."""
        now = now or timezone.now()
        pending = list(self.pending().order_by("id")[:BATCH])
        if not pending:
            return 0
        workspace: Workspace = pending[0].workspace
        subscriptions = webhook_subscribers(workspace_id=self.workspace_id, event=self.event)
        notifications: list[Notification] = []
        announced = 0
        for breach in pending:
            claimed = type(breach).objects.filter(pk=breach.pk, notified_at__isnull=True)
            if claimed.update(notified_at=now) != 1:
                continue  # another scheduler claimed it
            url = self.url(breach)
            code, params = self.notice(breach)
            for user in self.recipients(breach):
                notification = notification_new(
                    workspace=workspace,
                    user=user,
                    kind=self.event,
                    key=f"{self.event}:{breach.pk}",
                    code=code,
                    params=params,
                    url=url,
                )
                notification.created_at = now  # kept only when history is replayed (demo)
                notifications.append(notification)
            if subscriptions:
                with speaking_to(workspace):
                    text, _body = notice_render(code, params)
                webhook_emit(
                    workspace=workspace,
                    event=self.event,
                    text=text,
                    url=url,
                    subscriptions=subscriptions,
                    data=self.data(breach),
                    at=now,
                )
            announced += 1
        notifications_send(notifications=notifications)
        return announced


class _Audience:
    """Who hears about a breach in one workspace: the owner, and the owner's team manager or,
    without one, the managers of the breached side. Read once per workspace, not per breach."""

    def __init__(self, workspace_id: int) -> None:
        self.team_manager: dict[int, User] = {}
        self.managers: dict[str, list[User]] = {"sales": [], "marketing": []}
        for m in Membership.objects.select_related("user", "team__manager").filter(
            workspace_id=workspace_id, is_active=True
        ):
            if m.team and m.team.manager:
                self.team_manager[m.user_id] = m.team.manager
            if m.role == Role.SALES_MANAGER:
                self.managers["sales"].append(m.user)
            elif m.role == Role.MARKETING_MANAGER:
                self.managers["marketing"].append(m.user)

    def of(self, breach: SlaBreach) -> list[User]:
        people: dict[int, User] = {}
        if breach.owner:
            people[breach.owner.pk] = breach.owner
            manager = self.team_manager.get(breach.owner.pk)
            if manager:
                people[manager.pk] = manager
                return list(people.values())
        for user in self.managers.get(breach.side, []):
            people[user.pk] = user
        return list(people.values())


def breach_notice(breach: SlaBreach) -> tuple[str, dict[str, Any]]:
    """The words for people and chat tools: its kind, its lead's contact (or its contract) and
    when it was due, in the workspace's time zone."""
    subject = (
        str(breach.lead.contact)
        if breach.lead_id and breach.lead
        else (breach.contract.name if breach.contract else "")
    )
    due = breach.workspace.now_local(breach.due_at).isoformat()
    return SLA_BREACH, {"kind": breach.kind, "subject": subject, "due": due}


def _lead_url(breach: SlaBreach) -> str:
    if not breach.lead_id:
        return ""
    return reverse("leads_detail", kwargs={"slug": breach.workspace.slug, "pk": breach.lead_id})


class SlaBreachAnnouncer(BreachAnnouncer):
    """The funnel's breaches: to the owner and their team manager or, without one, the
    managers of the breached side; silent breaches (imported history) never."""

    event = WebhookEvent.SLA_BREACH

    def pending(self) -> QuerySet[Any]:
        return SlaBreach.objects.filter(
            workspace_id=self.workspace_id, notified_at__isnull=True, silent=False
        ).select_related("workspace", "owner", "lead__contact", "contract")

    @cached_property
    def audience(self) -> _Audience:
        return _Audience(self.workspace_id)

    def recipients(self, breach: SlaBreach) -> list[User]:
        return self.audience.of(breach)

    def notice(self, breach: SlaBreach) -> tuple[str, dict[str, Any]]:
        return breach_notice(breach)

    def url(self, breach: SlaBreach) -> str:
        return _lead_url(breach)

    def data(self, breach: SlaBreach) -> dict[str, Any]:
        return {
            "breach_id": breach.pk,
            "kind": breach.kind,
            "side": breach.side,
            "lead_id": breach.lead_id,
            "owner": breach.owner.email if breach.owner else None,
            "due_at": breach.due_at.isoformat(),
        }


def breaches_notify(*, workspace_id: int, now: dt.datetime | None = None) -> int:
    """Announce the workspace's breaches not yet announced. Returns how many."""
    return SlaBreachAnnouncer(workspace_id).announce(now)


# -- new MQLs assigned, signatures asked ---------------------------------------------------------


def mql_assigned_notify(
    *, workspace: Workspace, user_id: int, leads: list[Any], n: int, at: dt.datetime
) -> None:
    """Tell ``user_id`` that ``n`` MQLs became theirs (``leads``: the first of them, with their
    contact): one notification for one lead, one for many at once (a bulk reassignment)."""
    if n <= 0 or not leads:
        return
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    if n == 1:
        url = reverse("leads_detail", kwargs={"slug": workspace.slug, "pk": leads[0].pk})
        params: dict[str, Any] = {"lead": str(leads[0].contact), "n": 1}
        key = f"funnel.mql_assigned:{leads[0].pk}:{user_id}:{int(at.timestamp())}"
    else:
        url = reverse("mql_queue", kwargs={"slug": workspace.slug})
        params = {"n": n}
        key = f"funnel.mql_assigned:{user_id}:{int(at.timestamp())}:{leads[0].pk}"
    notification = notification_new(
        workspace=workspace,
        user=user,
        kind="mql_assigned",
        key=key,
        code=MQL_ASSIGNED,
        params=params,
        url=url,
    )
    notification.created_at = at  # kept only when history is replayed (demo)
    notifications_send(notifications=[notification])


def signature_ask(
    *, actor: Any, signed_side: str, code: str, params: dict[str, Any], key: str, url: str
) -> None:
    """After ``actor`` signed for ``signed_side``, ask the managers of the other side (who sign
    for it) to sign too: once per thing to sign and person (``key``)."""
    other = Role.SALES_MANAGER if signed_side == Side.MARKETING else Role.MARKETING_MANAGER
    managers = User.objects.filter(
        memberships__workspace=actor.workspace,
        memberships__role=other,
        memberships__is_active=True,
    ).exclude(pk=actor.user.pk)
    notifications_send(
        notifications=[
            notification_new(
                workspace=actor.workspace,
                user=user,
                kind="approval",
                key=f"{key}:{user.pk}",
                code=code,
                params={"who": str(actor.user), **params},
                url=url,
            )
            for user in managers
        ]
    )
