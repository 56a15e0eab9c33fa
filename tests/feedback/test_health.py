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
from tests.feedback.handmade import handmade
from tests.feedback.handmade import item as _item

UTC = dt.UTC


def _t(day: int, hour: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=UTC)


MONDAY = _t(2, 0)  # Monday 2 March 2026
NOW = _t(16, 12)  # Monday 16 March 2026, 12:00


def test_loop_health_counts_every_share_over_the_same_set(personas):
    handmade(personas, MONDAY, NOW)
    report = loop_health(actor=personas.actor("erin"), start=_t(1, 0), end=NOW, now=NOW)
    n = report.numbers
    assert n.items == 7  # A B C D E F I
    # raised by a rep: all but F (dave) → 6 of 7; 2 reps over 15.5 days of March's 31
    assert (n.by_reps, n.reps) == (6, 2)
    assert n.months == pytest.approx(15.5 / 31)
    assert n.items_per_rep_per_month == pytest.approx(6 / (2 * 15.5 / 31))
    # acknowledged by each kind of first move: A acknowledged, B planned, C done, D won't do,
    # E an answer → 5 of the 7; F and I have not moved
    assert (n.acknowledged, n.share_acknowledged) == (5, pytest.approx(5 / 7))
    # answered: C and E → 2 of 7; closed: C and D, with an answer: C → 1 of 7
    assert (n.answered, n.share_answered) == (2, pytest.approx(2 / 7))
    assert (n.closed, n.closed_with_answer) == (2, 1)
    assert n.share_closed_with_answer == pytest.approx(1 / 7)
    # past the commitment: D (moved late) and F (never); C closed and E answered before their
    # due dates are no breaches; I is not due yet → 2 of 7; still waiting: F only (D is closed)
    assert (n.breached, n.share_breached, n.waiting) == (2, pytest.approx(2 / 7), 1)
    assert [w.item.title for w in report.waiting] == ["F"]
    assert report.waiting[0].due_at == _t(5, 17)  # Wed 9:00 + 16 bh = Thu 17:00


def test_loop_health_durations_are_in_business_days(personas):
    handmade(personas, MONDAY, NOW)
    n = loop_health(actor=personas.actor("erin"), start=_t(1, 0), end=NOW, now=NOW).numbers
    # to acknowledge: C 0.25, A 0.5, E 0.75, B 1.0, D 2.5 → the median, 0.75 business days
    assert n.median_business_days_to_acknowledge == pytest.approx(0.75)
    # to an answer: C 0.25, E 0.75 → (0.25 + 0.75) / 2 = 0.5
    assert n.median_business_days_to_answer == pytest.approx(0.5)


def test_loop_health_of_one_pod_counts_its_own_set(personas):
    handmade(personas, MONDAY, NOW)
    pod = f.PodFactory(workspace=personas.acme, name="PME")
    PodMember.objects.create(pod=pod, user=personas.bob)
    FeedbackItem.objects.filter(title__in=["A", "D", "F", "G"]).update(pod=pod)
    report = loop_health(
        actor=personas.actor("erin"), pod_id=pod.pk, start=_t(1, 0), end=NOW, now=NOW
    )
    n = report.numbers
    # the pod's set: A D F (G merged): by its reps (bob only): A → 1 of 3
    assert (n.items, n.by_reps, n.reps) == (3, 1, 1)
    # acknowledged A (0.5 bd) and D (2.5 bd) → 2 of 3, median (0.5 + 2.5) / 2 = 1.5
    assert (n.acknowledged, n.median_business_days_to_acknowledge) == (2, pytest.approx(1.5))
    # breaches D and F, F still waiting
    assert (n.breached, n.waiting) == (2, 1)


def test_only_late_first_moves_are_breaches_and_only_items_that_never_moved_are_chased(personas):
    handmade(personas, MONDAY, NOW)
    FeedbackSettings.objects.create(workspace=personas.acme, acknowledge_within_days=2)
    # recorded: D (won't do after its due date) and F (nothing); not C (closed before its due
    # date), E (answered in time), B (planned in time), I (not due yet)
    assert feedback_sla_check(workspace=personas.acme, now=NOW) == 2
    breaches = {b.item.title: b for b in FeedbackSlaBreach.objects.select_related("item")}
    assert set(breaches) == {"D", "F"}
    assert breaches["D"].notified_at is not None  # closed: nothing left to chase
    # only F, still waiting, is announced (no owner → the marketing manager, mia)
    assert feedback_breaches_notify(workspace_id=personas.acme.pk) == 1
    assert [n.user.email for n in Notification.objects.all()] == ["mia@example.fr"]


def test_an_empty_window_has_no_medians(personas):
    report = loop_health(actor=personas.actor("bob"), start=_t(1, 0), end=_t(1, 0, month=4))
    assert report.numbers.items == 0
    assert report.numbers.median_business_days_to_acknowledge is None
    assert report.numbers.share_closed_with_answer is None
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
