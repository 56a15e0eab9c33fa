"""Activities and tasks: the writes of a rep's and a marketer's daily work on a record.

An activity is a ``Touchpoint`` logged by a person (``actor``): a call (with its outcome), a
sales e-mail, a meeting, a message — the sales activities the SLA clocks count, when the
lead's owner or their team made them (``funnel.sla.touches_count``, the one rule) — or a
note, which touches no one. A task is planned work with a due time and a reminder placed on
the workspace's business calendar; ``task_reminders_send`` (a periodic job) tells its owner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.business_time import BusinessClock, from_epoch, to_epoch
from cordee.core.errors import NotFound, ValidationFailed
from cordee.core.records import record_get, records_changeable
from cordee.core.selectors import workspace_users
from cordee.crm import records as crm_records
from cordee.crm.models import Account, Contact
from cordee.funnel import records
from cordee.funnel.activity_schemas import ActivityIn, TaskIn
from cordee.funnel.models import (
    CLOSED_STAGES,
    Lead,
    Opportunity,
    Task,
    TouchKind,
    Touchpoint,
)
from cordee.funnel.notices import TASK_REMINDER
from cordee.funnel.sla import activity_counts, workspace_calendar
from cordee.funnel.version import funnel_changed
from cordee.people.services import notification_new, notifications_send
from cordee.tenancy.models import User, Workspace

FUTURE_SLACK = dt.timedelta(minutes=5)  # clocks of phones and servers differ a little


@dataclass
class About:
    """The record an activity or a task is about, and the records that follow from it."""

    scope: str  # the record's kind: "lead", "contact", "account" or "opportunity"
    lead: Lead | None = None
    contact: Contact | None = None
    account: Account | None = None
    opportunity: Opportunity | None = None


def record_about(*, actor: Actor, record: str, record_id: int) -> About:
    """The record (404 outside the workspace) and what follows from it: a contact's open lead
    (its SLA clocks are what a call on the contact serves), a lead's or an opportunity's
    contact and account."""
    if record == "lead":
        lead = record_get(actor=actor, spec=records.LEADS, pk=record_id)
        return About("lead", lead=lead, contact=lead.contact, account=lead.contact.account)
    if record == "contact":
        contact = record_get(actor=actor, spec=crm_records.CONTACTS, pk=record_id)
        return About(
            "contact", lead=_open_lead(actor, contact), contact=contact, account=contact.account
        )
    if record == "account":
        return About(
            "account", account=record_get(actor=actor, spec=crm_records.ACCOUNTS, pk=record_id)
        )
    opportunity = record_get(actor=actor, spec=records.OPPORTUNITIES, pk=record_id)
    lead = opportunity.lead
    return About(
        "opportunity",
        lead=lead,
        contact=lead.contact if lead else None,
        account=opportunity.account,
        opportunity=opportunity,
    )


def _open_lead(actor: Actor, contact: Contact) -> Lead | None:
    """The contact's newest lead still in the funnel: the one whose clocks a touch serves."""
    return (
        Lead.objects.filter(workspace=actor.workspace, contact=contact)
        .exclude(stage__in=CLOSED_STAGES)
        .order_by("-created_at", "-id")
        .first()
    )


def account_contacts(*, actor: Actor, account_id: int, limit: int = 100) -> list[Contact]:
    """Whom an activity on an account can be with: its contacts, most recent first."""
    return list(
        Contact.objects.filter(workspace=actor.workspace, account_id=account_id).order_by(
            "-created_at", "-id"
        )[:limit]
    )


def _activity_contact(actor: Actor, about: About, chosen: int | None) -> Contact:
    """A touch is of a person: the record's contact, or on an account the contact chosen (by
    default its most recent one); an account's contact brings its open lead along."""
    if about.contact is not None:
        if chosen is not None and chosen != about.contact.pk:
            message = _("This activity is with the record's own contact.")
            raise ValidationFailed(message, field_errors={"contact": [message]})
        return about.contact
    contacts = Contact.objects.filter(workspace=actor.workspace, account=about.account)
    if chosen is not None:
        contact = contacts.filter(pk=chosen).first()
        if contact is None:
            message = _("Choose one of this account's contacts.")
            raise ValidationFailed(message, field_errors={"contact": [message]})
    else:
        contact = contacts.order_by("-created_at", "-id").first()
    if contact is None:
        message = _("Add a contact to this account first: an activity is with a person.")
        raise ValidationFailed(message, field_errors={"record_id": [message]})
    about.lead = _open_lead(actor, contact)
    return contact


def activity_log(*, actor: Actor, data: ActivityIn) -> Touchpoint:
    """Log a call, an e-mail, a meeting, a message or a note on a record, by the actor. A sales
    activity on a lead changes the funnel's version: the queue shows its clocks at once."""
    actor.require("activity.write")
    about = record_about(actor=actor, record=data.record, record_id=data.record_id)
    if data.outcome and data.kind != TouchKind.CALL:
        message = _("Only a call has an outcome.")
        raise ValidationFailed(message, field_errors={"outcome": [message]})
    now = timezone.now()
    occurred_at = data.occurred_at or now
    if occurred_at > now + FUTURE_SLACK:
        message = _("An activity is logged once done: its time cannot be in the future.")
        raise ValidationFailed(message, field_errors={"occurred_at": [message]})
    contact = _activity_contact(actor, about, data.contact)
    with transaction.atomic():
        touch = Touchpoint(
            workspace=actor.workspace,
            contact=contact,
            lead=about.lead,
            opportunity=about.opportunity,
            kind=data.kind,
            outcome=data.outcome,
            note=data.note,
            occurred_at=occurred_at,
            actor=actor.user,
        )
        touch.save()
        if touch.is_sales_activity and touch.lead_id:
            transaction.on_commit(partial(funnel_changed, actor.workspace.pk))
    touch.counts_for_sla = activity_counts_for_sla(touch)  # type: ignore[attr-defined]
    return touch


def activity_counts_for_sla(touch: Touchpoint) -> bool:
    """Whether this touch counts for its lead's SLA clocks (a sales activity on a lead, by the
    owner or their team)."""
    if not touch.is_sales_activity or touch.lead is None:
        return False
    return activity_counts(
        touch.lead.workspace, actor_id=touch.actor_id, owner_id=touch.lead.owner_id
    )


def reminder_at(workspace: Workspace, due_at: dt.datetime, hours: Decimal) -> dt.datetime:
    """The instant ``hours`` business hours (workspace calendar) before ``due_at``: a reminder
    two business hours before Tuesday 10:00 (09:00–12:30, 14:00–18:00) is Monday 17:00."""
    calendar = workspace_calendar(workspace)
    local = due_at.astimezone(calendar.tz).date()
    clock = BusinessClock(calendar, local - dt.timedelta(days=150), local + dt.timedelta(days=1))
    target = int(clock.elapsed([to_epoch(due_at)])[0]) - round(hours * 3600)
    return from_epoch(int(clock.at_elapsed([max(target, 0)])[0]))


def task_create(*, actor: Actor, data: TaskIn) -> Task:
    """Plan a task on a record for its owner (the actor unless another member is named)."""
    actor.require("activity.write")
    about = record_about(actor=actor, record=data.record, record_id=data.record_id)
    owner = actor.user
    if data.owner is not None:
        named = workspace_users(actor=actor).filter(pk=data.owner).first()
        if named is None:
            message = _("Choose a member of the workspace.")
            raise ValidationFailed(message, field_errors={"owner": [message]})
        owner = named
    remind = (
        reminder_at(actor.workspace, data.due_at, data.remind_hours_before)
        if data.remind_hours_before is not None
        else None
    )
    return Task.objects.create(
        workspace=actor.workspace,
        lead=about.lead if data.record == "lead" else None,
        contact=about.contact if data.record == "contact" else None,
        account=about.account if data.record == "account" else None,
        opportunity=about.opportunity,
        owner=owner,
        created_by=actor.user,
        title=data.title,
        due_at=data.due_at,
        remind_at=remind,
    )


def task_done(*, actor: Actor, task_id: int, done: bool = True) -> Task:
    """Mark a task done (or not done again)."""
    actor.require("activity.write")
    task = Task.objects.filter(workspace=actor.workspace, pk=task_id).first()
    if task is None:
        raise NotFound(_("Task not found."))
    task.done_at = timezone.now() if done else None
    task.save(update_fields=["done_at", "updated_at"])
    return task


def tasks_reassign(*, actor: Actor, task_ids: list[int], to_owner: User) -> int:
    """Give open tasks to another member (``to_owner``, an active member checked by the caller),
    in one UPDATE, under the rule of every reassignment (``core.records.records_changeable``:
    a manager any, anyone else their own). A reminder not sent yet goes to the new owner.
    Returns how many changed."""
    actor.require("activity.write")
    tasks = Task.objects.filter(
        workspace=actor.workspace, pk__in=task_ids, done_at__isnull=True
    ).exclude(owner=to_owner)
    return records_changeable(actor=actor, qs=tasks).update(
        owner=to_owner, updated_at=timezone.now()
    )


def task_reminders_send(*, workspace: Workspace, at: dt.datetime | None = None) -> int:
    """Tell each owner of an open task whose reminder is due (once: ``reminded_at``, and the
    notification's key). Returns how many were sent."""
    at = at or timezone.now()
    with transaction.atomic():
        due = list(
            Task.objects.select_for_update()
            .filter(
                workspace=workspace,
                remind_at__lte=at,
                reminded_at__isnull=True,
                done_at__isnull=True,
            )
            .select_related("owner")
        )
        if not due:
            return 0
        local = workspace.zone
        notifications_send(
            notifications=[
                notification_new(
                    workspace=workspace,
                    user=task.owner,
                    kind=TASK_REMINDER,
                    key=f"{TASK_REMINDER}:{task.pk}",
                    code=TASK_REMINDER,
                    params={"title": task.title, "due": task.due_at.astimezone(local).isoformat()},
                    url=task_url(workspace, task),
                )
                for task in due
            ]
        )
        Task.objects.filter(pk__in=[t.pk for t in due]).update(reminded_at=at)
    return len(due)


def task_url(workspace: Workspace, task: Task) -> str:
    """The page of the record a task is about."""
    for name, pk in (
        ("leads", task.lead_id),
        ("contacts", task.contact_id),
        ("accounts", task.account_id),
        ("opportunities", task.opportunity_id),
    ):
        if pk:
            return f"/w/{workspace.slug}/{name}/{pk}/"
    return ""
