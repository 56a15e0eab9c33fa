"""Action items: recorded with an owner and a due date, done or reopened by their owner or the
committee's runners, open until done; reminded on the workspace's business calendar.

Acme works Monday to Friday in France (Europe/Paris). By hand, December 2026 – January 2027:
Friday 25 December and Friday 1 January are public holidays.

| due on            | reminded "due soon" on          | reminded "overdue" on               |
|-------------------|---------------------------------|-------------------------------------|
| Mon 14 Dec        | Fri 11 Dec (the weekend skipped) | Tue 15 Dec                          |
| Mon 28 Dec        | Thu 24 Dec (Christmas skipped)   | Tue 29 Dec                          |
| Fri 25 Dec (holiday) | Thu 24 Dec                    | Mon 28 Dec                          |
| Sun 27 Dec        | Thu 24 Dec                       | Mon 28 Dec                          |
| Thu 31 Dec        | Wed 30 Dec                       | Mon 4 Jan (1 Jan and the weekend)   |
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from cordee.core.errors import PermissionDenied, ValidationFailed
from cordee.funnel.sla import workspace_calendar
from cordee.people.models import Notification
from cordee.rituals import actions as services
from cordee.rituals.models import ActionItem
from tests.rituals.test_meetings import PARIS, make_committee, make_meeting

D = dt.date


@pytest.fixture
def meeting(personas):
    return make_meeting(make_committee(personas))


def _action(personas, meeting, due_on, owner="bob", title="Réserver les stands"):
    return services.action_create(
        actor=personas.actor("alice"),
        meeting=meeting,
        title=title,
        owner_id=getattr(personas, owner).pk,
        due_on=due_on,
    )


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


@pytest.mark.parametrize(
    ("due", "before", "after"),
    [
        (D(2026, 12, 14), D(2026, 12, 11), D(2026, 12, 15)),
        (D(2026, 12, 28), D(2026, 12, 24), D(2026, 12, 29)),
        (D(2026, 12, 25), D(2026, 12, 24), D(2026, 12, 28)),
        (D(2026, 12, 27), D(2026, 12, 24), D(2026, 12, 28)),
        (D(2026, 12, 31), D(2026, 12, 30), D(2027, 1, 4)),
    ],
)
def test_reminder_days_follow_the_business_calendar(personas, due, before, after):
    days = services.reminder_days(workspace_calendar(personas.acme), due)
    assert (days.before, days.after) == (before, after)


def _sent(personas):
    return list(
        Notification.objects.filter(user=personas.bob, kind="rituals.action")
        .order_by("id")
        .values_list("code", flat=True)
    )


def test_the_owner_is_reminded_once_before_and_once_after_across_christmas(personas, meeting):
    action = _action(personas, meeting, D(2026, 12, 28))
    send = services.action_reminders_send
    assert send(workspace=personas.acme, now=_at(D(2026, 12, 23))) == 0
    assert send(workspace=personas.acme, now=_at(D(2026, 12, 24), 9)) == 1
    assert send(workspace=personas.acme, now=_at(D(2026, 12, 24), 15)) == 0
    assert send(workspace=personas.acme, now=_at(D(2026, 12, 26))) == 0  # Saturday
    assert send(workspace=personas.acme, now=_at(D(2026, 12, 28))) == 0  # due today
    assert send(workspace=personas.acme, now=_at(D(2026, 12, 29))) == 1
    assert send(workspace=personas.acme, now=_at(D(2026, 12, 30))) == 0
    assert _sent(personas) == ["rituals.action_due", "rituals.action_overdue"]
    action.refresh_from_db()
    assert action.reminded_on == D(2026, 12, 29)


def test_a_new_due_date_makes_its_reminders_due_again_and_done_ones_are_quiet(personas, meeting):
    action = _action(personas, meeting, D(2026, 12, 14))
    done = _action(personas, meeting, D(2026, 12, 14), title="Déjà fait")
    services.action_update(actor=personas.actor("bob"), action=done, done=True)
    send = services.action_reminders_send
    assert send(workspace=personas.acme, now=_at(D(2026, 12, 11))) == 1  # Friday before Monday
    services.action_update(actor=personas.actor("alice"), action=action, due_on=D(2026, 12, 31))
    assert send(workspace=personas.acme, now=_at(D(2026, 12, 14))) == 0
    assert send(workspace=personas.acme, now=_at(D(2026, 12, 30))) == 1
    assert send(workspace=personas.acme, now=_at(D(2027, 1, 4))) == 1  # after 1 Jan + weekend
    keys = Notification.objects.filter(user=personas.bob, kind="rituals.action").values_list(
        "key", flat=True
    )
    assert sorted(keys) == sorted(
        [
            f"rituals.action_due:{action.pk}:2026-12-14",
            f"rituals.action_due:{action.pk}:2026-12-31",
            f"rituals.action_overdue:{action.pk}:2026-12-31",
        ]
    )


def test_an_action_stays_open_until_done_and_may_be_reopened(personas, meeting):
    action = _action(personas, meeting, D(2026, 12, 14))
    assert list(services.actions(personas.actor("erin"), open_only=True)) == [action]
    services.action_update(actor=personas.actor("bob"), action=action, done=True)  # its owner
    assert list(services.actions(personas.actor("erin"), open_only=True)) == []
    action.refresh_from_db()
    assert action.done_at is not None and action.done_by == personas.bob
    services.action_update(actor=personas.actor("dave"), action=action, done=False)  # a member
    action.refresh_from_db()
    assert action.done_at is None and action.done_by is None
    assert list(services.actions(personas.actor("erin"), open_only=True)) == [action]


def test_who_ticks_and_who_replans(personas, meeting):
    action = _action(personas, meeting, D(2026, 12, 14), owner="erin")  # not on the committee
    other = make_committee(personas, members=("alice", "dave"), name="Comité ventes")
    theirs = _action(personas, make_meeting(other), D(2026, 12, 14), owner="erin")
    other.memberships.filter(user=personas.alice).delete()
    with pytest.raises(PermissionDenied):  # a marketer who is neither its owner nor a runner
        services.action_update(actor=personas.actor("alice"), action=theirs, done=True)
    services.action_update(actor=personas.actor("erin"), action=action, done=True)  # its owner
    with pytest.raises(PermissionDenied):  # the owner does not replan: the committee does
        services.action_update(actor=personas.actor("erin"), action=action, due_on=D(2027, 1, 8))
    services.action_update(
        actor=personas.actor("mia"), action=action, owner_id=personas.bob.pk, due_on=D(2027, 1, 8)
    )
    action.refresh_from_db()
    assert (action.owner, action.due_on) == (personas.bob, D(2027, 1, 8))


def test_the_owner_is_an_active_member_of_the_workspace(personas, meeting):
    with pytest.raises(ValidationFailed) as refused:
        _action(personas, meeting, D(2026, 12, 14), owner="carol")  # Globex
    assert "owner" in refused.value.field_errors
    assert not ActionItem.objects.exists()


def test_the_reminder_job_is_registered_and_enqueues_one_task_per_workspace(personas, monkeypatch):
    from cordee.core.scheduler import jobs as registered
    from cordee.rituals import jobs, tasks

    assert "cordee.rituals.jobs.send_action_reminders" in [j.name for j in registered()]
    queued: list[int] = []
    monkeypatch.setattr(tasks, "send_action_reminders", SimpleNamespace(enqueue=queued.append))
    jobs.send_action_reminders()
    assert sorted(queued) == sorted([personas.acme.pk, personas.globex.pk])
