"""A committee's recurrence: RRULE values read by python-dateutil, refused when no person could
mean them, expanded on the workspace's wall clock across the DST changes, said in words.

Hand-worked calendar (Europe/Paris, 2026): summer time starts on Sunday 29 March (UTC+1 →
UTC+2) and ends on Sunday 25 October (UTC+2 → UTC+1). A meeting at 10:00 local is therefore at
09:00 UTC in winter and 08:00 UTC in summer.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.translation import ngettext

from cordee.core.errors import ValidationFailed
from cordee.rituals import recurrence as r

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def at(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=PARIS)


def utc_hours(starts: list[dt.datetime]) -> list[tuple[str, str]]:
    return [(f"{s:%Y-%m-%d %H:%M}", f"{s.astimezone(UTC):%H:%M}") for s in starts]


# -- across DST ---------------------------------------------------------------------------------


def test_a_tuesday_at_ten_stays_at_ten_local_when_summer_time_starts():
    first = at(2026, 3, 17)  # a Tuesday, winter time
    starts = r.occurrences(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", first, PARIS, first, at(2026, 4, 30, 23)
    )
    # every other Tuesday: 17 and 31 March, 14 and 28 April; 10:00 local each time
    assert utc_hours(starts) == [
        ("2026-03-17 10:00", "09:00"),
        ("2026-03-31 10:00", "08:00"),  # two days after the change: an hour earlier in UTC
        ("2026-04-14 10:00", "08:00"),
        ("2026-04-28 10:00", "08:00"),
    ]


def test_a_tuesday_at_ten_stays_at_ten_local_when_summer_time_ends():
    first = at(2026, 10, 20)  # summer time
    starts = r.occurrences("FREQ=WEEKLY;BYDAY=TU", first, PARIS, first, at(2026, 11, 3, 23))
    assert utc_hours(starts) == [
        ("2026-10-20 10:00", "08:00"),
        ("2026-10-27 10:00", "09:00"),  # winter time since Sunday 25 October
        ("2026-11-03 10:00", "09:00"),
    ]


def test_a_window_gives_only_its_meetings_and_the_zone_is_kept():
    first = at(2026, 1, 6)  # the first Tuesday of 2026
    starts = r.occurrences("FREQ=MONTHLY;BYDAY=1TU", first, PARIS, at(2026, 2, 1), at(2026, 4, 30))
    # the first Tuesdays of February, March and April: 3 Feb, 3 Mar, 7 Apr
    assert [s.date() for s in starts] == [
        dt.date(2026, 2, 3),
        dt.date(2026, 3, 3),
        dt.date(2026, 4, 7),
    ]
    assert all(s.tzinfo == PARIS and s.hour == 10 for s in starts)


def test_a_utc_until_is_read_on_the_workspaces_clock():
    first = at(2026, 6, 2)
    # 23 June 08:00 UTC = 10:00 Paris: the meeting of that day is the last
    starts = r.occurrences(
        "FREQ=WEEKLY;UNTIL=20260623T080000Z", first, PARIS, first, at(2026, 12, 31)
    )
    assert [s.day for s in starts] == [2, 9, 16, 23]


# -- what no person could mean --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("", "Give the recurrence"),
        ("BYDAY=TU", "needs a frequency"),
        ("FREQ=HOURLY", "at most once a day"),
        ("FREQ=MINUTELY;INTERVAL=30", "at most once a day"),
        ("FREQ=WEEKLY;BYHOUR=9,14", "time of day comes from the first meeting"),
        ("FREQ=WEEKLY;COUNT=0", "COUNT is a number"),
        ("FREQ=WEEKLY;UNTIL=20250101T000000Z", "gives no meeting"),  # before the first one
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no such day"),
        ("FREQ=DAILY;BYMONTH=4,6;BYMONTHDAY=31", "no such day"),
        ("FREQ=WEEKLY;BYDAY=XX", "cannot be read"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20270101T000000Z", "not both"),
        ("every tuesday", "cannot be read"),
        ("FREQ=WEEKLY;X-NAME=1", "does not read"),
        ("FREQ=WEEKLY\nRRULE:FREQ=DAILY", "one line"),
    ],
)
def test_a_rule_no_person_could_mean_is_refused_on_the_rrule_field(value, says):
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        r.rrule_check(value, at(2026, 3, 17), PARIS)
    assert list(refused.value.field_errors) == ["rrule"]
    assert says in refused.value.field_errors["rrule"][0]


def test_a_readable_rule_is_kept_upper_case_without_its_prefix():
    kept = r.rrule_check("RRULE:freq=weekly;interval=2;byday=tu", at(2026, 3, 17), PARIS)
    assert kept == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"


def test_a_rule_with_a_count_that_leaves_meetings_is_accepted():
    assert r.rrule_check("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", at(2026, 3, 17), PARIS)


# -- in words -------------------------------------------------------------------------------------

ENGLISH = [
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "Every 2 weeks on Tuesday at 10:00"),
    ("FREQ=WEEKLY;BYDAY=TU", "Every week on Tuesday at 10:00"),
    ("FREQ=WEEKLY", "Every week on Tuesday at 10:00"),  # the first meeting's weekday
    ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "Every week on Monday, Wednesday and Friday at 10:00"),
    ("FREQ=MONTHLY;BYDAY=3TU", "Every month on the third Tuesday at 10:00"),
    ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1", "Every month on the last Tuesday at 10:00"),
    ("FREQ=MONTHLY;INTERVAL=3;BYDAY=3TU", "Every quarter on the third Tuesday at 10:00"),
    ("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=5", "Every 2 months on day 5 at 10:00"),
    ("FREQ=DAILY", "Every day at 10:00"),
    ("FREQ=WEEKLY;BYDAY=TU;COUNT=6", "Every week on Tuesday at 10:00, 6 times"),
    ("FREQ=YEARLY", "Every year on 17 March at 10:00"),
    ("FREQ=WEEKLY;UNTIL=20260630T220000Z", "Every week on Tuesday at 10:00, until 1 July 2026"),
    ("FREQ=WEEKLY;BYDAY=2TU", "Custom recurrence (FREQ=WEEKLY;BYDAY=2TU)"),
]


@pytest.mark.parametrize(("value", "words"), ENGLISH)
def test_the_common_forms_in_english(value, words):
    with translation.override("en"):
        assert r.describe(value, at(2026, 3, 17), PARIS) == words


FRENCH = [
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "Toutes les 2 semaines le mardi à 10:00"),
    ("FREQ=WEEKLY;BYDAY=TU", "Toutes les semaines le mardi à 10:00"),
    ("FREQ=MONTHLY;BYDAY=3TU", "Tous les mois le troisième mardi à 10:00"),
    ("FREQ=MONTHLY;INTERVAL=3;BYDAY=-1TU", "Chaque trimestre le dernier mardi à 10:00"),
]


@pytest.mark.parametrize(("value", "words"), FRENCH)
def test_the_common_forms_in_french(value, words):
    with translation.override("fr"):
        plural = "Every %(n)s weeks on %(days)s at %(time)s"
        if ngettext("Every week on %(days)s at %(time)s", plural, 2) == plural:
            pytest.skip("fr-committees.json is not merged into the French catalogue yet")
        assert r.describe(value, at(2026, 3, 17), PARIS) == words


def test_the_local_time_is_the_workspaces_even_for_a_first_meeting_given_in_utc():
    first = dt.datetime(2026, 7, 7, 8, 0, tzinfo=UTC)  # 10:00 in Paris (summer)
    with translation.override("en"):
        assert r.describe("FREQ=WEEKLY", first, PARIS) == "Every week on Tuesday at 10:00"


# -- the form's builder -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "interval", "day", "rule"),
    [
        ("weekly", None, dt.datetime(2026, 3, 17, 10), "FREQ=WEEKLY;BYDAY=TU"),
        ("weeks", 2, dt.datetime(2026, 3, 17, 10), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        # 17 March 2026 is the third Tuesday of March
        ("monthly", None, dt.datetime(2026, 3, 17, 10), "FREQ=MONTHLY;BYDAY=3TU"),
        ("quarterly", None, dt.datetime(2026, 3, 17, 10), "FREQ=MONTHLY;INTERVAL=3;BYDAY=3TU"),
        # 31 March 2026 is the fifth Tuesday: "the last"
        ("monthly", None, dt.datetime(2026, 3, 31, 10), "FREQ=MONTHLY;BYDAY=-1TU"),
    ],
)
def test_the_builder_writes_the_rule_and_reads_it_back(frequency, interval, day, rule):
    assert r.rrule_build(frequency, day, interval, "") == rule
    assert r.frequency_of(rule, day) == (frequency, interval)


def test_the_builder_keeps_an_experts_rule_and_asks_for_the_weeks():
    day = dt.datetime(2026, 3, 17, 10)
    assert (
        r.rrule_build("custom", day, None, " FREQ=MONTHLY;BYDAY=-1FR ") == "FREQ=MONTHLY;BYDAY=-1FR"
    )
    assert r.frequency_of("FREQ=MONTHLY;BYDAY=-1FR", day) == ("custom", None)
    with pytest.raises(ValidationFailed) as refused:
        r.rrule_build("weeks", day, None, "")
    assert list(refused.value.field_errors) == ["interval"]
