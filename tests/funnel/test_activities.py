"""Activities logged by people and the SLA clocks; tasks and their business-time reminders.

The hand-worked calendar is Acme's (Europe/Paris, 09:00–12:30 / 14:00–18:00, Monday–Friday).
The lead became MQL on Friday 6 March 2026 at 16:00 CET (15:00 UTC); the contract asks a first
touch within 4 business hours: 2 h on Friday (16:00–18:00) + 2 h on Monday (09:00–11:00), so it
is due Monday 9 March 11:00 CET = 10:00 UTC (as in test_sla_check.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override

from cordee.core.errors import PermissionDenied, ValidationFailed
from cordee.funnel.activities import activity_log, task_create, task_done, task_reminders_send
from cordee.funnel.activity_schemas import ActivityIn, TaskIn
from cordee.funnel.models import SlaContract, Stage, Task, TouchKind
from cordee.funnel.selectors import lead_sla
from cordee.funnel.services import touchpoint_create
from cordee.funnel.tasks import send_task_reminders
from cordee.people.models import Notification
from cordee.people.notices import notice_render
from cordee.tenancy.models import Team
from tests import factories as f

UTC = dt.UTC
MQL = dt.datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
CALL_AT = dt.datetime(2026, 3, 9, 9, 30, tzinfo=UTC)  # Monday 10:30 CET, before the 11:00 due
LOOK_AT = dt.datetime(2026, 3, 9, 10, 30, tzinfo=UTC)  # half an hour after the due time


@pytest.fixture
def contract(personas):
    return SlaContract.objects.create(
        workspace=personas.acme,
        name="T1 2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        first_touch_hours=Decimal(4),
        decision_hours=Decimal(8),
        attempts_required=3,
        attempts_within_days=2,
        marketing_signed_by=personas.mia,
        marketing_signed_at=timezone.now(),
        sales_signed_by=personas.dave,
        sales_signed_at=timezone.now(),
    )


@pytest.fixture
def lead(personas):
    return f.LeadFactory(
        workspace=personas.acme,
        stage=Stage.MQL,
        stage_entered_at=MQL,
        mql_at=MQL,
        owner=personas.bob,
    )


def first_touch(personas, lead):
    sla = lead_sla(actor=personas.actor("bob"), lead=lead, at=LOOK_AT)
    clock = next(c for c in sla.clocks if c.name == "first_touch")
    assert clock.due_at == dt.datetime(2026, 3, 9, 10, 0, tzinfo=UTC)  # hand-worked above
    return clock, sla.attempts_made


def log(personas, name, lead, kind="call", **extra):
    data = ActivityIn(record="lead", record_id=lead.pk, kind=kind, occurred_at=CALL_AT, **extra)
    return activity_log(actor=personas.actor(name), data=data)


def test_the_owner_logging_a_call_turns_the_first_touch_kept(personas, contract, lead):
    clock, attempts = first_touch(personas, lead)
    assert (clock.met, clock.breached, attempts) == (False, True, 0)

    touch = log(personas, "bob", lead, outcome="voicemail", note="Rappeler mardi")

    assert (touch.kind, touch.outcome, touch.actor, touch.lead) == (
        "call",
        "voicemail",
        personas.bob,
        lead,
    )
    assert touch.counts_for_sla is True
    clock, attempts = first_touch(personas, lead)
    assert (clock.met, clock.breached, attempts) == (True, False, 1)


def test_a_call_by_someone_outside_the_owners_team_does_not_count(personas, contract, lead):
    sales, other = (
        Team.objects.create(workspace=personas.acme, name=n, side="sales") for n in ("V", "W")
    )
    personas.bob.memberships.update(team=sales)
    personas.dave.memberships.update(team=other)

    touch = log(personas, "dave", lead, outcome="reached")

    assert touch.counts_for_sla is False
    clock, attempts = first_touch(personas, lead)
    assert (clock.met, attempts) == (False, 0)


def test_a_call_by_a_teammate_counts(personas, contract, lead):
    team = Team.objects.create(workspace=personas.acme, name="Ventes", side="sales")
    personas.bob.memberships.update(team=team)
    personas.dave.memberships.update(team=team)

    assert log(personas, "dave", lead, outcome="reached").counts_for_sla is True
    assert first_touch(personas, lead)[0].met is True


def test_marketing_touches_and_notes_never_count(personas, contract, lead):
    # the owner's own marketing touch (an e-mail click) and the owner's note: neither is a touch
    touchpoint_create(
        actor=personas.actor("bob"),
        data={
            "contact": lead.contact_id,
            "lead": lead.pk,
            "kind": TouchKind.EMAIL_CLICK,
            "occurred_at": CALL_AT,
            "actor": personas.bob.pk,
        },
    )
    note = log(personas, "bob", lead, kind="note", note="Budget validé en avril")
    assert (note.is_sales_activity, note.counts_for_sla) == (False, False)
    clock, attempts = first_touch(personas, lead)
    assert (clock.met, attempts) == (False, 0)
    # a marketing kind cannot be logged as an activity at all
    with pytest.raises(ValueError):
        ActivityIn(record="lead", record_id=lead.pk, kind="email_click")


def test_only_a_call_has_an_outcome_and_an_activity_is_not_in_the_future(personas, lead):
    with pytest.raises(ValidationFailed) as exc:
        activity_log(
            actor=personas.actor("bob"),
            data=ActivityIn(record="lead", record_id=lead.pk, kind="meeting", outcome="reached"),
        )
    assert set(exc.value.field_errors) == {"outcome"}
    later = timezone.now() + dt.timedelta(hours=1)
    with pytest.raises(ValidationFailed) as exc:
        activity_log(
            actor=personas.actor("bob"),
            data=ActivityIn(record="lead", record_id=lead.pk, kind="call", occurred_at=later),
        )
    assert set(exc.value.field_errors) == {"occurred_at"}


def test_an_executive_logs_nothing(personas, lead):
    with pytest.raises(PermissionDenied):
        activity_log(
            actor=personas.actor("erin"),
            data=ActivityIn(record="lead", record_id=lead.pk, kind="call", outcome="reached"),
        )


def test_an_activity_on_an_account_is_with_its_latest_contact(personas):
    account = f.AccountFactory(workspace=personas.acme)
    empty = f.AccountFactory(workspace=personas.acme)
    f.ContactFactory(workspace=personas.acme, account=account)
    newest = f.ContactFactory(workspace=personas.acme, account=account)
    touch = activity_log(
        actor=personas.actor("bob"),
        data=ActivityIn(record="account", record_id=account.pk, kind="meeting"),
    )
    assert (touch.contact, touch.lead, touch.counts_for_sla) == (newest, None, False)
    with pytest.raises(ValidationFailed):
        activity_log(
            actor=personas.actor("bob"),
            data=ActivityIn(record="account", record_id=empty.pk, kind="meeting"),
        )


def test_an_activity_on_an_account_is_with_the_contact_chosen_and_serves_its_open_lead(
    personas, client
):
    account = f.AccountFactory(workspace=personas.acme)
    chosen = f.ContactFactory(workspace=personas.acme, account=account, last_name="Choisie")
    f.ContactFactory(workspace=personas.acme, account=account)  # the most recent one
    closed = f.LeadFactory(workspace=personas.acme, contact=chosen, stage=Stage.LOST)
    open_lead = f.LeadFactory(workspace=personas.acme, contact=chosen, stage=Stage.MQL)
    assert closed.pk < open_lead.pk
    touch = activity_log(
        actor=personas.actor("bob"),
        data=ActivityIn(
            record="account",
            record_id=account.pk,
            kind="call",
            outcome="reached",
            contact=chosen.pk,
        ),
    )
    assert (touch.contact, touch.lead) == (chosen, open_lead)
    stranger = f.ContactFactory(workspace=personas.acme)  # another account's
    for record, record_id in (("account", account.pk), ("lead", open_lead.pk)):
        with pytest.raises(ValidationFailed) as exc:
            activity_log(
                actor=personas.actor("bob"),
                data=ActivityIn(
                    record=record, record_id=record_id, kind="meeting", contact=stranger.pk
                ),
            )
        assert set(exc.value.field_errors) == {"contact"}
    # the account's page offers its contacts to choose from
    client.force_login(personas.bob)
    html = client.get(f"/w/acme/accounts/{account.pk}/").content.decode()
    assert f'<option value="{chosen.pk}">' in html and 'name="contact"' in html


# -- tasks --------------------------------------------------------------------------------------


def plan(personas, lead, due, hours, owner=None):
    data = TaskIn(
        record="lead",
        record_id=lead.pk,
        title="Rappeler Hélène",
        due_at=due,
        remind_hours_before=hours,
        owner=owner,
    )
    return task_create(actor=personas.actor("bob"), data=data)


@pytest.mark.parametrize(
    ("due", "hours", "remind"),
    [
        # due Tuesday 10 March 10:00 CET; 2 business hours before: 1 h on Tuesday (09:00–10:00)
        # + 1 h on Monday (17:00–18:00) → Monday 17:00 CET = 16:00 UTC
        ((2026, 3, 10, 9, 0), "2", (2026, 3, 9, 16, 0)),
        # 4.5 h before: 1 h Tuesday + 3.5 h Monday afternoon (18:00 − 3.5 h = 14:30 CET) → 13:30 UTC
        ((2026, 3, 10, 9, 0), "4.5", (2026, 3, 9, 13, 30)),
        # due Monday 9 March 09:30 CET; 1 h before: 0.5 h Monday + 0.5 h Friday (17:30 CET) over
        # the weekend → Friday 6 March 16:30 UTC
        ((2026, 3, 9, 8, 30), "1", (2026, 3, 6, 16, 30)),
    ],
)
def test_a_reminder_falls_on_the_business_calendar(personas, lead, due, hours, remind):
    task = plan(personas, lead, dt.datetime(*due, tzinfo=UTC), Decimal(hours))
    assert task.remind_at == dt.datetime(*remind, tzinfo=UTC)


def test_the_reminder_notifies_the_owner_once_when_due(personas, lead):
    due = dt.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    task = plan(personas, lead, due, Decimal(2), owner=personas.dave.pk)
    done = plan(personas, lead, due, Decimal(2))
    task_done(actor=personas.actor("bob"), task_id=done.pk)
    remind = dt.datetime(2026, 3, 9, 16, 0, tzinfo=UTC)  # hand-worked above

    assert task_reminders_send(workspace=personas.acme, at=remind - dt.timedelta(minutes=1)) == 0
    assert task_reminders_send(workspace=personas.acme, at=remind) == 1
    assert task_reminders_send(workspace=personas.acme, at=remind + dt.timedelta(hours=1)) == 0

    notification = Notification.objects.get()
    assert (notification.user, notification.code) == (personas.dave, "task.reminder")
    assert notification.url == f"/w/acme/leads/{lead.pk}/"
    with override("en"):
        title, _body = notice_render(notification.code, notification.params)
    assert title == "Reminder: Rappeler Hélène (due 03/10/2026 10 a.m.)"
    assert Task.objects.get(pk=task.pk).reminded_at == remind


def test_a_task_for_someone_outside_the_workspace_is_refused(personas, lead):
    with pytest.raises(ValidationFailed) as exc:
        plan(personas, lead, timezone.now(), None, owner=personas.carol.pk)
    assert set(exc.value.field_errors) == {"owner"}


def test_the_workers_task_sends_the_reminders_due_now(personas, lead):
    # a reminder already due (1 business hour before a due time that has passed) and one that
    # is not (due in 30 days, reminded 1 business hour before: still weeks away)
    now = timezone.now()
    plan(personas, lead, now - dt.timedelta(days=2), Decimal(1))
    plan(personas, lead, now + dt.timedelta(days=30), Decimal(1))
    assert send_task_reminders.call(personas.acme.pk) == 1
    assert Notification.objects.filter(user=personas.bob, code="task.reminder").count() == 1
