"""Loop-health numbers and the acknowledgement SLA on hand-worked examples."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.utils import translation

from cordee.analytics import feedback_health as health
from cordee.feedback.models import FeedbackItem, FeedbackSettings, FeedbackSlaBreach, FeedbackTheme
from cordee.feedback.selectors.health import calendar_months, loop_health, top_over_time
from cordee.feedback.sla import acknowledge_due, feedback_breaches_notify, feedback_sla_check
from cordee.people.models import Notification, PodMember
from tests import factories as f

UTC = dt.UTC


def _t(day: int, hour: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=UTC)


def _item(
    personas, author, submitted, *, ack=None, resp=None, status="new", merged=None, pod=None, **kw
):
    return FeedbackItem.objects.create(
        workspace=personas.acme,
        kind="objection",
        title=kw.pop("title", "x"),
        author=author,
        pod=pod,
        submitted_at=submitted,
        acknowledged_at=ack,
        first_response_at=resp,
        status=status,
        merged_into=merged,
        **kw,
    )


@pytest.fixture
def march(personas):
    """Six items; worked by hand below. Reps: bob (AE) and sara (SDR); dave is a manager."""
    personas.acme.time_zone = "UTC"
    personas.acme.save()
    sara = f.UserFactory(email="sara@example.fr")
    f.MembershipFactory(workspace=personas.acme, user=sara, role="sdr")
    pod = f.PodFactory(workspace=personas.acme, name="PME")
    PodMember.objects.create(pod=pod, user=personas.bob)
    one = _item(
        personas, personas.bob, _t(2, 9), ack=_t(2, 13), resp=_t(3, 9), status="done", pod=pod
    )
    _item(personas, personas.bob, _t(4, 10), ack=_t(5, 10), status="wont_do", pod=pod)
    _item(personas, sara, _t(10, 8), ack=_t(10, 10), resp=_t(12, 8), status="planned")
    _item(personas, personas.dave, _t(11, 12))
    _item(personas, personas.alice, _t(20, 8), ack=_t(20, 18), status="done", merged=one)
    _item(personas, personas.bob, _t(27, 9, month=2), ack=_t(27, 10, month=2))  # February
    return pod


def test_loop_health_of_the_workspace_by_hand(personas, march):
    report = loop_health(actor=personas.actor("erin"), start=_t(1, 0), end=_t(1, 0, month=4))
    n = report.numbers
    assert n.submitted == 5  # February's item is outside the window
    assert (n.by_reps, n.reps, n.months) == (3, 2, 1.0)
    assert n.items_per_rep_per_month == pytest.approx(3 / (2 * 1))
    # hours to acknowledge: 4, 24, 2, 10 → median (4 + 10) / 2
    assert n.median_hours_to_acknowledge == pytest.approx(7.0)
    # hours to a response: 24 and 48
    assert n.median_hours_to_response == pytest.approx(36.0)
    # closed threads: done with an answer, won't do without (the merged item is no thread)
    assert (n.closed, n.closed_with_response) == (2, 1)
    assert n.share_closed_with_response == pytest.approx(0.5)


def test_loop_health_of_one_pod_by_hand(personas, march):
    report = loop_health(
        actor=personas.actor("erin"), pod_id=march.pk, start=_t(1, 0), end=_t(1, 0, month=4)
    )
    n = report.numbers
    assert (n.submitted, n.by_reps, n.reps) == (2, 2, 1)
    assert n.items_per_rep_per_month == pytest.approx(2.0)
    assert n.median_hours_to_acknowledge == pytest.approx((4 + 24) / 2)
    assert n.median_hours_to_response == pytest.approx(24.0)
    assert n.share_closed_with_response == pytest.approx(0.5)


def test_an_empty_window_has_no_medians(personas):
    report = loop_health(actor=personas.actor("bob"), start=_t(1, 0), end=_t(1, 0, month=4))
    assert report.numbers.submitted == 0
    assert report.numbers.median_hours_to_acknowledge is None
    assert report.numbers.share_closed_with_response is None
    assert report.numbers.items_per_rep_per_month == 0.0  # bob is a rep who raised nothing


def test_calendar_months_count_partial_months_by_their_length():
    assert calendar_months(_t(1, 0), _t(1, 0, month=4), "UTC") == pytest.approx(1.0)
    # January (31 days) whole, February (28 days) whole, 14 of March's 31 days
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert calendar_months(start, _t(15, 0), "UTC") == pytest.approx(2 + 14 / 31)


def test_top_themes_over_time_by_hand(personas):
    personas.acme.time_zone = "UTC"
    personas.acme.save()
    price = FeedbackTheme.objects.create(workspace=personas.acme, label="Prix")
    mobile = FeedbackTheme.objects.create(workspace=personas.acme, label="Mobile")
    for when, theme in [
        (_t(5, 9, 1), price),
        (_t(6, 9, 1), price),
        (_t(7, 9, 2), price),
        (_t(8, 9, 2), mobile),
        (_t(9, 9, 2), mobile),
        (_t(10, 9, 3), mobile),
        (_t(11, 9, 3), mobile),
        (_t(1, 9, 12).replace(year=2025), mobile),  # before the window
    ]:
        _item(personas, personas.bob, when, theme=theme)
    top = top_over_time(actor=personas.actor("erin"), months=3, k=5, now=_t(20, 12))
    assert top.months == ["2026-01", "2026-02", "2026-03"]
    assert top.series == [(mobile.pk, "Mobile", [0, 2, 2]), (price.pk, "Prix", [2, 1, 0])]
    assert top_over_time(actor=personas.actor("erin"), months=3, k=1, now=_t(20, 12)).series == [
        (mobile.pk, "Mobile", [0, 2, 2])
    ]


# -- the acknowledgement SLA on the workspace's business calendar ------------------------------

PARIS = ZoneInfo("Europe/Paris")
WINDOWS = {d: [["09:00", "12:30"], ["14:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def paris(personas):
    ws = personas.acme
    ws.time_zone, ws.country, ws.business_hours = "Europe/Paris", "FR", WINDOWS
    ws.save()
    return ws


def _paris(y, mo, d, h, mi=0):
    return dt.datetime(y, mo, d, h, mi, tzinfo=PARIS)


def test_two_business_days_over_a_weekend_by_hand(paris):
    # Friday 16:00 → Fri 2 h + Mon 7.5 h + Tue 3.5 h (morning) + 2 h = 15 h = 2 × 7.5 h
    (due,) = acknowledge_due(paris, [_paris(2026, 3, 6, 16)], days=2)
    assert due == _paris(2026, 3, 10, 16)


def test_a_public_holiday_is_not_a_business_day(paris):
    # Easter Monday 6 April 2026: Fri 2 h, Tue 7.5 h, Wed 3.5 h + 2 h → Wednesday 16:00
    (due,) = acknowledge_due(paris, [_paris(2026, 4, 3, 16)], days=2)
    assert due == _paris(2026, 4, 8, 16)


def test_breaches_are_recorded_once_and_told_to_the_owner(personas, paris):
    FeedbackSettings.objects.create(workspace=paris, acknowledge_within_days=2)
    late = _item(personas, personas.bob, _paris(2026, 3, 6, 16), owner=personas.alice, title="A")
    on_time = _item(
        personas, personas.bob, _paris(2026, 3, 6, 16), ack=_paris(2026, 3, 10, 15, 59), title="B"
    )
    nobody = _item(personas, personas.bob, _paris(2026, 3, 6, 17), title="C")
    # Tuesday 15:30: nothing is due yet
    assert feedback_sla_check(workspace=paris, now=_paris(2026, 3, 10, 15, 30)) == 0
    # Tuesday 16:30: A is late (no owner acknowledgement); C is due at 17:00; B was on time
    assert feedback_sla_check(workspace=paris, now=_paris(2026, 3, 10, 16, 30)) == 1
    assert feedback_sla_check(workspace=paris, now=_paris(2026, 3, 10, 16, 31)) == 0
    breach = FeedbackSlaBreach.objects.get()
    assert (breach.item_id, breach.due_at) == (late.pk, _paris(2026, 3, 10, 16))
    assert feedback_sla_check(workspace=paris, now=_paris(2026, 3, 10, 17, 30)) == 1
    assert set(FeedbackSlaBreach.objects.values_list("item_id", flat=True)) == {late.pk, nobody.pk}
    assert not FeedbackSlaBreach.objects.filter(item=on_time).exists()

    assert feedback_breaches_notify(workspace_id=paris.pk) == 2
    assert feedback_breaches_notify(workspace_id=paris.pk) == 0
    told = sorted((n.user.email, n.key.split(":")[0]) for n in Notification.objects.all())
    # A's owner (alice); C has no owner → the marketing managers (mia)
    assert told == [
        ("alice@example.fr", "feedback.sla_breach"),
        ("mia@example.fr", "feedback.sla_breach"),
    ]
    # A was due on Tuesday 10 March at 16:00 in Paris: written in each reader's locale
    note = Notification.objects.get(user=personas.alice)
    with translation.override("fr"):
        assert note.title == (
            "Retour terrain non pris en compte à temps : A (échéance 10/03/2026 16:00)"
        )
    with translation.override("en"):
        assert note.title == "Field feedback not acknowledged in time: A (due 03/10/2026 4 p.m.)"


def test_the_pure_clock_matches_a_brute_force_minute_count(paris):
    """Reference: walk minute by minute through the calendar until 15 business hours pass."""
    from cordee.core.business_time import BusinessClock, to_epoch
    from cordee.funnel.sla import workspace_calendar

    start = _paris(2026, 3, 6, 16)
    calendar = workspace_calendar(paris)
    clock = BusinessClock.around(calendar, start, start, margin_days=30)
    result = health.acknowledge_clocks(
        clock=clock,
        now=to_epoch(_paris(2026, 3, 11, 9)),
        submitted_at=np.asarray([to_epoch(start)]),
        acknowledged_at=np.asarray([health.NEVER]),
        business_seconds=2 * int(7.5 * 3600),
    )
    minutes, cursor = 0, start
    while minutes < 15 * 60:
        local = cursor.astimezone(PARIS)
        hhmm = local.strftime("%H:%M")
        if local.weekday() < 5 and ("09:00" <= hhmm < "12:30" or "14:00" <= hhmm < "18:00"):
            minutes += 1
        cursor += dt.timedelta(minutes=1)
    assert int(result.due[0]) == to_epoch(cursor)
    assert bool(result.breached[0]) is True
