"""Telling people about breaches: in the app (owner and their manager) and through outgoing
webhooks. Each breach is claimed with a conditional UPDATE so it is announced exactly once,
even with two schedulers running."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cordee.core.roles import Role
from cordee.funnel.models import SlaBreach
from cordee.integrations.models import WebhookEvent
from cordee.integrations.services import webhook_emit
from cordee.people.models import Membership, Notification, User


def _recipients(breach: SlaBreach) -> list[User]:
    people: dict[int, User] = {}
    if breach.owner:
        people[breach.owner.pk] = breach.owner
        membership = (
            Membership.objects.select_related("team__manager")
            .filter(workspace=breach.workspace, user=breach.owner)
            .first()
        )
        manager = membership.team.manager if membership and membership.team else None
        if manager:
            people[manager.pk] = manager
            return list(people.values())
    roles = [Role.SALES_MANAGER] if breach.side == "sales" else [Role.MARKETING_MANAGER]
    for m in Membership.objects.select_related("user").filter(
        workspace=breach.workspace, role__in=roles, is_active=True
    ):
        people[m.user.pk] = m.user
    return list(people.values())


def breach_text(breach: SlaBreach) -> str:
    """One line for people and chat tools, in the active language and the workspace's time zone."""
    tz = ZoneInfo(breach.workspace.time_zone)
    due = timezone.localtime(breach.due_at, timezone=tz).strftime("%Y-%m-%d %H:%M")
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
    for breach in pending:
        if (
            SlaBreach.objects.filter(pk=breach.pk, notified_at__isnull=True).update(notified_at=now)
            != 1
        ):
            continue  # another scheduler claimed it
        url = _lead_url(breach)
        for user in _recipients(breach):
            with translation.override(user.language or breach.workspace.default_language):
                title = breach_text(breach)
            try:
                with transaction.atomic():
                    Notification.objects.create(
                        workspace=breach.workspace,
                        user=user,
                        kind="sla.breach",
                        key=f"sla.breach:{breach.pk}",
                        title=title,
                        url=url,
                    )
            except IntegrityError:
                pass
        with translation.override(breach.workspace.default_language):
            text = breach_text(breach)
        webhook_emit(
            workspace=breach.workspace,
            event=WebhookEvent.SLA_BREACH,
            text=text,
            url=url,
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
    return announced
