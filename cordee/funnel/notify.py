"""Telling people about breaches: in the app (owner and their manager) and through outgoing
webhooks. Each breach is claimed with a conditional UPDATE so it is announced exactly once,
even with two schedulers running."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cordee.core.roles import Role
from cordee.funnel.models import SlaBreach
from cordee.integrations.models import WebhookEvent, WebhookSubscription
from cordee.integrations.services import webhook_emit, webhook_subscribers
from cordee.people.models import Membership, Notification, User


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


def breach_text(breach: SlaBreach) -> str:
    """One line for people and chat tools, in the active language and the workspace's time zone."""
    due = breach.workspace.now_local(breach.due_at).strftime("%Y-%m-%d %H:%M")
    subject = (
        str(breach.lead.contact)
        if breach.lead_id and breach.lead
        else (breach.contract.name if breach.contract else "")
    )
    return _("SLA breach — %(kind)s: %(subject)s (due %(due)s)") % {
        "kind": breach.get_kind_display(),
        "subject": subject,
        "due": due,
    }


def _lead_url(breach: SlaBreach) -> str:
    if not breach.lead_id:
        return ""
    return reverse("leads_detail", kwargs={"slug": breach.workspace.slug, "pk": breach.lead_id})


def breaches_notify(*, now: dt.datetime | None = None) -> int:
    """Announce every breach not yet announced (silent ones never are). Returns how many."""
    now = now or timezone.now()
    pending = (
        SlaBreach.objects.filter(notified_at__isnull=True, silent=False)
        .select_related("workspace", "owner", "lead__contact", "contract")
        .order_by("id")[:1000]
    )
    announced = 0
    audiences: dict[int, _Audience] = {}
    subscribers: dict[int, list[WebhookSubscription]] = {}
    notifications: list[Notification] = []
    for breach in pending:
        if (
            SlaBreach.objects.filter(pk=breach.pk, notified_at__isnull=True).update(notified_at=now)
            != 1
        ):
            continue  # another scheduler claimed it
        ws = breach.workspace
        if ws.pk not in audiences:
            audiences[ws.pk] = _Audience(ws.pk)
            subscribers[ws.pk] = webhook_subscribers(
                workspace_id=ws.pk, event=WebhookEvent.SLA_BREACH
            )
        url = _lead_url(breach)
        for user in audiences[ws.pk].of(breach):
            with translation.override(user.language or ws.default_language):
                title = breach_text(breach)
            notifications.append(
                Notification(
                    workspace=ws,
                    user=user,
                    kind="sla.breach",
                    key=f"sla.breach:{breach.pk}",
                    title=title,
                    url=url,
                )
            )
        with translation.override(ws.default_language):
            text = breach_text(breach)
        webhook_emit(
            workspace=ws,
            event=WebhookEvent.SLA_BREACH,
            text=text,
            url=url,
            subscriptions=subscribers[ws.pk],
            data={
                "breach_id": breach.pk,
                "kind": breach.kind,
                "side": breach.side,
                "lead_id": breach.lead_id,
                "owner": breach.owner.email if breach.owner else None,
                "due_at": breach.due_at.isoformat(),
            },
        )
        announced += 1
    # the (user, key) constraint keeps a notification single even if a claim raced
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    return announced
