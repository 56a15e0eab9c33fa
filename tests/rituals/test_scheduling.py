"""Exchange sessions on the workspace's business calendar: a French public holiday among the
common days is skipped, weekends too, the lunch break is not counted, nobody has two sessions
on one day."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cordee.core.business_time import BusinessCalendar
from cordee.rituals import pairing as services
from cordee.rituals.models import ExchangeSession
from cordee.rituals.scheduling import PairDays, host_of, sessions_place, slot_from
from tests.rituals.pairing_helpers import join, programme, week

PARIS = ZoneInfo("Europe/Paris")
HOURS = {
    day: [["09:00", "12:30"], ["14:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
}
FRANCE = BusinessCalendar.build(time_zone="Europe/Paris", windows=HOURS, country="FR")
# July 2027: Wednesday the 14th is the Fête nationale; the 10th and 11th are a weekend
JULY = [dt.date(2027, 7, d) for d in range(1, 32)]


def at(day: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(2027, 7, day, hh, mm, tzinfo=PARIS)


def place(pairs: list[PairDays], minutes: int = 450, **kwargs: object) -> dict:  # type: ignore[type-arg]
    return sessions_place(
        FRANCE,
        pairs,
        minutes=minutes,
        first=JULY[0],
        last=JULY[-1],
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_public_holiday_among_the_common_days_is_skipped() -> None:
    # both are free on the 14th (a holiday) and the 15th: the session is on the 15th
    pair = PairDays(
        key=1, people=(1, 11), days=frozenset({dt.date(2027, 7, 14), dt.date(2027, 7, 15)})
    )
    slot = place([pair])[1]
    assert slot is not None
    assert slot.days == (dt.date(2027, 7, 15),)
    # a full day: 09:00 → 18:00 local (3 h 30 in the morning + 4 h after lunch = 450 minutes)
    assert (slot.starts_at, slot.ends_at) == (at(15, 9), at(15, 18))


def test_only_a_holiday_and_a_weekend_in_common_means_no_session() -> None:
    pair = PairDays(key=1, people=(1, 11), days=frozenset({JULY[9], JULY[10], JULY[13]}))
    assert place([pair]) == {1: None}


def test_a_half_day_is_the_morning_and_a_longer_session_skips_lunch() -> None:
    day = dt.date(2027, 7, 13)
    half = place([PairDays(1, (1, 11), frozenset({day}))], minutes=210)[1]
    assert half is not None and (half.starts_at, half.ends_at) == (at(13, 9), at(13, 12, 30))
    seven = place([PairDays(1, (1, 11), frozenset({day}))], minutes=420)[1]
    # 3 h 30 before lunch, the other 3 h 30 from 14:00
    assert seven is not None and seven.ends_at == at(13, 17, 30)


def test_a_session_longer_than_a_day_needs_the_next_business_day_too() -> None:
    # two days of 450 minutes from Friday the 9th: the weekend is skipped, Monday the 12th is used
    days = frozenset({dt.date(2027, 7, 9), dt.date(2027, 7, 12)})
    slot = place([PairDays(1, (1, 11), days)], minutes=900)[1]
    assert slot is not None
    assert slot.days == (dt.date(2027, 7, 9), dt.date(2027, 7, 12))
    assert (slot.starts_at, slot.ends_at) == (at(9, 9), at(12, 18))
    # without Monday in common, no two-day session fits
    assert place([PairDays(1, (1, 11), frozenset({dt.date(2027, 7, 9)}))], minutes=900) == {1: None}


def test_a_host_is_never_double_booked_and_the_most_constrained_pair_goes_first() -> None:
    # the host (11) receives two marketers; marketer 1 can only come on the 15th, marketer 2 on
    # the 15th or the 16th: 1 gets the 15th, 2 the 16th, though 2 is the first pair listed
    both = PairDays(key=1, people=(2, 11), days=frozenset({JULY[14], JULY[15]}))
    only = PairDays(key=2, people=(1, 11), days=frozenset({JULY[14]}))
    placed = place([both, only])
    assert placed[2] is not None and placed[2].days == (JULY[14],)
    assert placed[1] is not None and placed[1].days == (JULY[15],)


def test_kept_sessions_make_their_days_busy() -> None:
    pair = PairDays(key=1, people=(1, 11), days=frozenset({JULY[14], JULY[15]}))
    slot = place([pair], busy={11: {JULY[14]}})[1]
    assert slot is not None and slot.days == (JULY[15],)


def test_slot_from_refuses_a_day_that_is_not_usable() -> None:
    assert slot_from(JULY[14], {}, set(), 60) is None


def test_the_host_is_the_one_who_hosts_else_the_salesperson() -> None:
    assert host_of(True, False) == "marketer"
    assert host_of(False, True) == "salesperson"
    assert host_of(False, False) == "salesperson"
    assert host_of(True, True) == "salesperson"


@pytest.mark.django_db
def test_confirming_skips_the_holiday_among_the_pair_s_common_days(personas: Any) -> None:
    """Through the service, on Acme's calendar (France, Europe/Paris): Alice and Bob are both
    free on 14 July and the day after only; the session is on the day after."""
    _mon, _tue, wed, thu, _fri = week()
    prog = programme(personas.acme)
    alice = join(prog, personas.alice, "marketing", [wed, thu])
    join(prog, personas.bob, "sales", [wed, thu], host=2)
    services.pairs_propose(actor=personas.actor("dave"), programme=prog)
    services.pairs_confirm(actor=personas.actor("dave"), programme=prog)
    (session,) = ExchangeSession.objects.filter(pairing__marketer=alice)
    assert wed == dt.date(wed.year, 7, 14)
    assert session.starts_at.astimezone(PARIS) == dt.datetime.combine(thu, dt.time(9), PARIS)
    assert session.ends_at.astimezone(PARIS) == dt.datetime.combine(thu, dt.time(18), PARIS)
