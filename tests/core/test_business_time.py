"""Business-hours clocks on a French calendar, hand-worked and asserted as exact UTC instants.

Calendar of every case: Europe/Paris, Monday–Friday 09:00–12:30 and 14:00–18:00 (a lunch
break), French public holidays. Paris is UTC+1 in winter (CET) and UTC+2 from the last
Sunday of March (CEST; 29 March 2026).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from cordee.core.business_time import BusinessCalendar, BusinessClock, local_dates, to_epoch

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC
WINDOWS = {d: [["09:00", "12:30"], ["14:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def clock(**extra: object) -> BusinessClock:
    calendar = BusinessCalendar.build(
        time_zone="Europe/Paris", windows=WINDOWS, country="FR", **extra
    )  # type: ignore[arg-type]
    return BusinessClock(calendar, dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_friday_afternoon_rolls_to_monday():
    # Fri 6 March 16:00 CET: 2 h left on Friday (16–18), then Monday 09:00–11:00 → 11:00 CET = 10:00 UTC.
    assert clock().due_at(paris(2026, 3, 6, 16, 0), 4) == utc(2026, 3, 9, 10, 0)


def test_easter_monday_is_skipped():
    # Easter 2026 is 5 April. Fri 3 April 17:00 CEST: 1 h Friday; Mon 6 April is a holiday;
    # Tue 7 April 09:00–10:00 → 10:00 CEST = 08:00 UTC.
    assert clock().due_at(paris(2026, 4, 3, 17, 0), 2) == utc(2026, 4, 7, 8, 0)


def test_ascension_thursday_is_skipped():
    # Ascension 2026 is Thursday 14 May. Wed 13 May 17:00: 1 h; Fri 15 May 09:00–12:30 (3.5 h)
    # → 4.5 h needs 1 more after lunch: 15:00 CEST = 13:00 UTC.
    assert clock().due_at(paris(2026, 5, 13, 17, 0), 5.5) == utc(2026, 5, 15, 13, 0)


def test_bastille_day_is_skipped():
    # 14 juillet 2026 is a Tuesday. Mon 13 July 18:00 (closing) + 1 h → Wed 15 July 10:00 CEST.
    assert clock().due_at(paris(2026, 7, 13, 18, 0), 1) == utc(2026, 7, 15, 8, 0)


def test_lead_arriving_at_night_starts_its_clock_at_the_next_opening():
    # Tue 10 March 20:30 CET: nothing counts until Wed 09:00; 2 h → Wed 11:00 CET = 10:00 UTC.
    assert clock().due_at(paris(2026, 3, 10, 20, 30), 2) == utc(2026, 3, 11, 10, 0)


def test_weekend_with_the_spring_dst_change():
    # Fri 27 March 17:00 CET (16:00 UTC): 1 h Friday. Clocks go forward Sunday 29 March.
    # Mon 30 March 09:00–11:00 CEST → 11:00 CEST = 09:00 UTC (not 10:00).
    assert clock().due_at(paris(2026, 3, 27, 17, 0), 3) == utc(2026, 3, 30, 9, 0)


def test_weekend_with_the_autumn_dst_change():
    # Clocks go back Sunday 25 October 2026. Fri 23 Oct 17:00 CEST: 1 h; Mon 26 Oct 09:00–10:00 CET
    # → 10:00 CET = 09:00 UTC.
    assert clock().due_at(paris(2026, 10, 23, 17, 0), 2) == utc(2026, 10, 26, 9, 0)


def test_lunch_break_is_not_business_time():
    # Mon 9 March 11:30: 1 h until 12:30, lunch, then 14:00–15:00 → 15:00 CET = 14:00 UTC.
    assert clock().due_at(paris(2026, 3, 9, 11, 30), 2) == utc(2026, 3, 9, 14, 0)


def test_a_deadline_exactly_at_closing_time_is_that_closing_time():
    # Mon 9 March 16:00 + 2 h = 18:00 the same day (17:00 UTC), not Tuesday 09:00.
    assert clock().due_at(paris(2026, 3, 9, 16, 0), 2) == utc(2026, 3, 9, 17, 0)
    # … and the morning window likewise ends at 12:30, not 14:00.
    assert clock().due_at(paris(2026, 3, 9, 9, 0), 3.5) == utc(2026, 3, 9, 11, 30)


def test_a_worked_whit_monday_counts_as_a_working_day():
    # Whit Monday 2026 is 25 May. Fri 22 May 17:00 CEST + 2 h:
    start = paris(2026, 5, 22, 17, 0)
    # public holiday kept → Tue 26 May 10:00 CEST = 08:00 UTC
    assert clock().due_at(start, 2) == utc(2026, 5, 26, 8, 0)
    # worked by the company → Mon 25 May 10:00 CEST = 08:00 UTC
    assert clock(worked_holidays=["2026-05-25"]).due_at(start, 2) == utc(2026, 5, 25, 8, 0)


def test_an_added_company_day_off_is_skipped():
    # The company closes on Friday 13 March. Thu 12 March 17:00 + 2 h → Mon 16 March 10:00 CET.
    assert clock(extra_holidays=["2026-03-13"]).due_at(paris(2026, 3, 12, 17, 0), 2) == utc(
        2026, 3, 16, 9, 0
    )


def test_business_time_between_two_instants():
    # Fri 6 March 16:00 → Mon 9 March 10:00: 2 h + 1 h = 3 h.
    assert clock().business_hours_between(paris(2026, 3, 6, 16, 0), paris(2026, 3, 9, 10, 0)) == 3.0


def test_vectorised_due_times_equal_one_at_a_time():
    c = clock()
    rng = np.random.default_rng(7)
    starts = to_epoch(paris(2026, 1, 5, 0, 0)) + rng.integers(0, 300 * 86400, size=500)
    hours = rng.integers(1, 40, size=500)
    due = c.due(starts, hours * 3600)
    for s, h, d in zip(starts[:50], hours[:50], due[:50], strict=True):
        start = dt.datetime.fromtimestamp(int(s), tz=UTC)
        assert c.due_at(start, int(h)) == dt.datetime.fromtimestamp(int(d), tz=UTC)
    assert np.all(c.between(starts, due) == hours * 3600)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        clock().due_at(dt.datetime(2026, 3, 9, 9, 0), 1)


def _reference_due(start: dt.datetime, minutes: int) -> dt.datetime:
    """Walk minute by minute in local time: slow, obviously right, independent of the engine."""
    import holidays

    fr = holidays.France(years=range(2026, 2028))
    t = start.astimezone(UTC).replace(second=0, microsecond=0)
    used = 0
    while used < minutes:
        local = t.astimezone(PARIS)
        hm = local.strftime("%H:%M")
        working = (
            local.weekday() < 5
            and local.date() not in fr
            and ("09:00" <= hm < "12:30" or "14:00" <= hm < "18:00")
        )
        t += dt.timedelta(minutes=1)
        if working:
            used += 1
    return t


def test_due_times_match_a_minute_by_minute_reference():
    c = clock()
    rng = np.random.default_rng(11)
    for _ in range(40):
        start = paris(2026, 1, 2, 0, 0) + dt.timedelta(minutes=int(rng.integers(0, 330 * 1440)))
        minutes = int(rng.integers(1, 30 * 60))
        assert c.due_at(start, minutes / 60) == _reference_due(start, minutes), (start, minutes)


def test_local_dates_around_both_dst_changes_and_midnight():
    paris = ZoneInfo("Europe/Paris")
    instants = [
        # 2026-03-28 23:30 UTC is 00:30 on Sunday the 29th in Paris (UTC+1 until 01:00 UTC)
        dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC),
        # 22:30 UTC on the 29th is 00:30 on the 30th (UTC+2 from the change on)
        dt.datetime(2026, 3, 29, 22, 30, tzinfo=dt.UTC),
        # 21:59:59 UTC on the 29th is 23:59:59 on the 29th
        dt.datetime(2026, 3, 29, 21, 59, 59, tzinfo=dt.UTC),
        # back to UTC+1 on 2026-10-25 at 01:00 UTC: 22:30 UTC on the 25th is 23:30 that day
        dt.datetime(2026, 10, 25, 22, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 23, 0, tzinfo=dt.UTC),  # 00:00 on the 26th
    ]
    got = local_dates([d.timestamp() for d in instants], paris)
    expected = ["2026-03-29", "2026-03-30", "2026-03-29", "2026-10-25", "2026-10-26"]
    assert [str(d) for d in got] == expected
    assert [str(d.astimezone(paris).date()) for d in instants] == expected  # Python agrees
    assert len(local_dates([], paris)) == 0
