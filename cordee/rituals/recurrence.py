"""A committee's recurrence: an iCalendar RRULE value (RFC 5545, "FREQ=WEEKLY;BYDAY=TU") read
by python-dateutil, never by hand.

- ``rrule_check`` refuses what a person could not mean (no FREQ, meetings more often than
  daily, a time of day in the rule — the first meeting gives it —, a COUNT or UNTIL that leaves
  no meeting, text dateutil cannot read): a ``ValidationFailed`` naming the field ``rrule``.
- ``occurrences`` expands the rule on the workspace's wall clock: the rule runs on the local
  date and time of the first meeting (a naive DTSTART), and each occurrence gets the zone
  back, so a 10:00 Tuesday meeting stays at 10:00 local in summer and in winter (its UTC
  instant moves by an hour at each DST change).
- ``describe`` says the common forms in the reader's language ("Every 2 weeks on Tuesday at
  10:00"); any other rule is shown as written.
- ``rrule_build`` is the form's builder (weekly, every N weeks, monthly on the Nth weekday,
  quarterly, or a raw RRULE for experts) and ``frequency_of`` its way back.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr  # type: ignore[import-untyped]  # no stubs in the lock
from django.utils import dateformat
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from cordee.core.errors import ValidationFailed

RRULE_MAX = 300  # the model's column
PROBE_YEARS = 5  # a rule with no meeting within this many years is refused
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RFC 5545's weekday codes, Monday first
# parts a person sets in a committee's rule; the time of day comes from the first meeting
_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", "BYMONTHDAY", "BYMONTH"}
_PARTS |= {"BYSETPOS"}
_TIME_PARTS = {"BYHOUR", "BYMINUTE", "BYSECOND"}
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 29 February: leap years
_FREQS = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_UNTIL = re.compile(r"UNTIL=(\d{8})(T\d{6})?(Z?)")
_NTH_DAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={"rrule": [message]})


def rrule_parts(value: str) -> dict[str, str]:
    """``"FREQ=WEEKLY;BYDAY=TU"`` → ``{"FREQ": "WEEKLY", "BYDAY": "TU"}`` (upper-cased, an
    ``RRULE:`` prefix dropped); ``ValueError`` for a part without ``=`` or named twice."""
    text = value.strip().upper()
    text = text.removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for piece in filter(None, text.split(";")):
        name, sep, part = piece.partition("=")
        if not sep or not name or name in parts:
            raise ValueError(piece)
        parts[name.strip()] = part.strip()
    return parts


def _local(at: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The wall-clock time of ``at`` in ``zone``, naive (what the rule runs on)."""
    return at.astimezone(zone).replace(tzinfo=None, microsecond=0)


def _rule_text(parts: dict[str, str], zone: ZoneInfo) -> str:
    """The parts as dateutil reads them on a naive local DTSTART: a UTC UNTIL ("…Z") is moved
    to the workspace's wall clock."""
    out = []
    for name, value in parts.items():
        if name == "UNTIL":
            match = _UNTIL.fullmatch(f"UNTIL={value}")
            if match and match.group(3):
                at = dt.datetime.strptime(match.group(1) + match.group(2), "%Y%m%dT%H%M%S")
                local = _local(at.replace(tzinfo=dt.UTC), zone)
                value = local.strftime("%Y%m%dT%H%M%S")
        out.append(f"{name}={value}")
    return ";".join(out)


def _rule(value: str, first_at: dt.datetime, zone: ZoneInfo) -> rrule:
    """The checked rule on the first meeting's wall clock (``ValidationFailed`` on ``rrule``)."""
    if not value or not value.strip():
        raise _refuse(_("Give the recurrence (an RRULE such as FREQ=WEEKLY;BYDAY=TU)."))
    if len(value) > RRULE_MAX or "\n" in value or "\r" in value:
        raise _refuse(_("A recurrence is one line of at most 300 characters."))
    try:
        parts = rrule_parts(value)
    except ValueError:
        raise _refuse(
            _("This recurrence cannot be read: write it as NAME=VALUE;NAME=VALUE.")
        ) from None
    if "FREQ" not in parts:
        raise _refuse(_("The recurrence needs a frequency (FREQ=WEEKLY, FREQ=MONTHLY…)."))
    if parts["FREQ"] not in _FREQS:
        raise _refuse(
            _("A committee meets at most once a day: use DAILY, WEEKLY, MONTHLY or YEARLY.")
        )
    if set(parts) & _TIME_PARTS:
        raise _refuse(
            _(
                "The time of day comes from the first meeting: leave out BYHOUR, BYMINUTE and BYSECOND."
            )
        )
    unknown = sorted(set(parts) - _PARTS - _TIME_PARTS)
    if unknown:
        raise _refuse(
            _("This recurrence holds parts Cordée does not read: %(parts)s.")
            % {"parts": ", ".join(unknown)}
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise _refuse(_("Give COUNT or UNTIL, not both."))
    _numbers_check(parts)
    try:
        rule = rrulestr(_rule_text(parts, zone), dtstart=_local(first_at, zone))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise _refuse(_("This recurrence cannot be read as an iCalendar RRULE.")) from None
    if not isinstance(rule, rrule):
        raise _refuse(_("This recurrence cannot be read as an iCalendar RRULE."))
    return rule


def _number(text: str, low: int, high: int) -> bool:
    return bool(re.fullmatch(r"[+-]?\d{1,4}", text)) and low <= int(text) <= high


def _numbers_check(parts: dict[str, str]) -> None:
    """What dateutil accepts but a person could not mean, refused before any search (a rule
    that can never match makes dateutil walk to the year 9999)."""
    if "COUNT" in parts and not _number(parts["COUNT"], 1, 1000):
        raise _refuse(_("COUNT is a number of meetings, from 1 to 1,000."))
    if "INTERVAL" in parts and not _number(parts["INTERVAL"], 1, 99):
        raise _refuse(_("INTERVAL is a number from 1 to 99."))
    if "BYSETPOS" in parts and parts["FREQ"] not in ("MONTHLY", "YEARLY"):
        raise _refuse(_("BYSETPOS is read with a monthly or yearly recurrence only."))
    months = parts.get("BYMONTH", "").split(",") if "BYMONTH" in parts else []
    days = parts.get("BYMONTHDAY", "").split(",") if "BYMONTHDAY" in parts else []
    if months and days and all(_number(m, 1, 12) for m in months):
        longest = max(_MONTH_DAYS[int(m) - 1] for m in months)
        if all(_number(d, 1, 31) and int(d) > longest for d in days):
            raise _refuse(_("These months have no such day: the recurrence gives no meeting."))


def _first(rule: rrule, start: dt.datetime) -> dt.datetime | None:
    """The rule's first occurrence within ``PROBE_YEARS`` (a bounded search: a rule that never
    matches, such as 30 February, would otherwise run to the year 9999)."""
    bound = start.replace(year=start.year + PROBE_YEARS, day=min(start.day, 28))
    until = getattr(rule, "_until", None)
    probe = rule.replace(count=None, until=min(until, bound) if until else bound)
    found = probe.after(start, inc=True)
    return found if isinstance(found, dt.datetime) else None


def rrule_check(value: str, first_at: dt.datetime, zone: ZoneInfo) -> str:
    """The rule as kept (upper-case, no ``RRULE:`` prefix) once it gives at least one meeting
    from ``first_at``; ``ValidationFailed`` naming ``rrule`` otherwise."""
    rule = _rule(value, first_at, zone)
    if _first(rule, _local(first_at, zone)) is None:
        parts = rrule_parts(value)
        if "COUNT" in parts or "UNTIL" in parts:
            raise _refuse(_("With this COUNT or UNTIL, the recurrence gives no meeting."))
        raise _refuse(
            _("This recurrence gives no meeting in the next %(years)s years.")
            % {"years": PROBE_YEARS}
        )
    return ";".join(f"{k}={v}" for k, v in rrule_parts(value).items())


def occurrences(
    value: str, first_at: dt.datetime, zone: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[dt.datetime]:
    """The meetings' starts from ``start`` to ``end`` (both included, aware), on the wall clock
    of ``zone``: each the rule's local date and time with the zone attached."""
    rule = _rule(value, first_at, zone)
    local_start, local_end = _local(start, zone), _local(end, zone)
    found = rule.between(local_start, local_end, inc=True)
    return [at.replace(tzinfo=zone) for at in found if isinstance(at, dt.datetime)]


# -- in the reader's language -----------------------------------------------------------------


def _weekday(code: str) -> str:
    return str(WEEKDAYS[DAYS.index(code)])  # Django's own names, already in French


def _days(codes: list[str]) -> str:
    names = [_weekday(c) for c in codes]
    if len(names) == 1:
        return names[0]
    return _("%(days)s and %(last)s") % {"days": ", ".join(names[:-1]), "last": names[-1]}


def _nth(n: int) -> str | None:
    return {
        1: pgettext("weekday of the month", "first"),
        2: pgettext("weekday of the month", "second"),
        3: pgettext("weekday of the month", "third"),
        4: pgettext("weekday of the month", "fourth"),
        -1: pgettext("weekday of the month", "last"),
    }.get(n)


def _interval(parts: dict[str, str]) -> int | None:
    text = parts.get("INTERVAL", "1")
    return int(text) if text.isdigit() and int(text) >= 1 else None


def _sentence(parts: dict[str, str], local: dt.datetime) -> str | None:
    """The common forms; None for any other."""
    n = _interval(parts)
    freq = parts.get("FREQ")
    by = set(parts) - {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"}
    time = f"{local:%H:%M}"
    if n is None:
        return None
    if freq == "DAILY" and not by:
        return ngettext("Every day at %(time)s", "Every %(n)s days at %(time)s", n) % {
            "n": n,
            "time": time,
        }
    if freq == "WEEKLY" and by <= {"BYDAY"}:
        codes = parts["BYDAY"].split(",") if "BYDAY" in parts else [DAYS[local.weekday()]]
        if not all(c in DAYS for c in codes):
            return None
        return ngettext(
            "Every week on %(days)s at %(time)s", "Every %(n)s weeks on %(days)s at %(time)s", n
        ) % {"n": n, "days": _days(codes), "time": time}
    if freq == "MONTHLY" and by <= {"BYDAY", "BYSETPOS"} and "BYDAY" in parts:
        match = _NTH_DAY.fullmatch(parts["BYDAY"])
        nth_text = match.group(1) if match else None
        if "BYSETPOS" in parts:
            nth_text = None if nth_text else parts["BYSETPOS"]
        try:
            nth = _nth(int(nth_text)) if match and nth_text else None
        except ValueError:
            return None
        if match is None or nth is None:
            return None
        values = {"n": n, "nth": nth, "weekday": _weekday(match.group(2)), "time": time}
        if n == 3:
            return _("Every quarter on the %(nth)s %(weekday)s at %(time)s") % values
        return (
            ngettext(
                "Every month on the %(nth)s %(weekday)s at %(time)s",
                "Every %(n)s months on the %(nth)s %(weekday)s at %(time)s",
                n,
            )
            % values
        )
    if freq == "MONTHLY" and by <= {"BYMONTHDAY"}:
        day = parts.get("BYMONTHDAY", str(local.day))
        if not day.isdigit() or not 1 <= int(day) <= 31:
            return None
        return ngettext(
            "Every month on day %(day)s at %(time)s",
            "Every %(n)s months on day %(day)s at %(time)s",
            n,
        ) % {"n": n, "day": int(day), "time": time}
    if freq == "YEARLY" and not by:
        return ngettext(
            "Every year on %(date)s at %(time)s", "Every %(n)s years on %(date)s at %(time)s", n
        ) % {"n": n, "date": dateformat.format(local.date(), "j F"), "time": time}
    return None


def describe(value: str, first_at: dt.datetime, zone: ZoneInfo) -> str:
    """The rule in the active language: "Every 2 weeks on Tuesday at 10:00", "Toutes les 2
    semaines le mardi à 10:00", with ", 6 times" or ", until 30 June 2027"; a rule of another
    form (or one that cannot be read) as written."""
    try:
        parts = rrule_parts(value)
    except ValueError:
        parts = {}
    local = _local(first_at, zone)
    sentence = _sentence(parts, local) if parts else None
    if sentence is None:
        return _("Custom recurrence (%(rule)s)") % {"rule": value}
    count = parts.get("COUNT", "")
    if count.isdigit():
        return ngettext("%(rule)s, once", "%(rule)s, %(count)s times", int(count)) % {
            "rule": sentence,
            "count": int(count),
        }
    until = _UNTIL.fullmatch(f"UNTIL={parts.get('UNTIL', '')}")
    if until:
        day = dt.datetime.strptime(until.group(1), "%Y%m%d").date()
        if until.group(3) and until.group(2):  # a UTC instant: its local day
            at = dt.datetime.strptime(until.group(1) + until.group(2), "%Y%m%dT%H%M%S")
            day = at.replace(tzinfo=dt.UTC).astimezone(zone).date()
        return _("%(rule)s, until %(date)s") % {
            "rule": sentence,
            "date": dateformat.format(day, "j F Y"),
        }
    return sentence


# -- the form's builder -------------------------------------------------------------------------

FREQUENCIES = (
    ("weekly", gettext_lazy("Every week")),
    ("weeks", gettext_lazy("Every N weeks")),
    ("monthly", gettext_lazy("Every month, on the same weekday of the month")),
    ("quarterly", gettext_lazy("Every quarter, on the same weekday of the month")),
    ("custom", gettext_lazy("Custom (an iCalendar RRULE)")),
)


def nth_weekday(day: dt.date) -> int:
    """Which of its month's weekdays ``day`` is: 1 to 4, or -1 for a fifth (the last)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


def rrule_build(frequency: str, first_local: dt.datetime, interval: int | None, raw: str) -> str:
    """The form's choice as an RRULE, on the first meeting's weekday (and its rank in the
    month); ``custom`` keeps ``raw``. ``ValidationFailed`` on ``rrule`` for an unknown choice."""
    day = DAYS[first_local.weekday()]
    nth = nth_weekday(first_local.date())
    if frequency == "weekly":
        return f"FREQ=WEEKLY;BYDAY={day}"
    if frequency == "weeks":
        if interval is None or not 1 <= interval <= 52:
            message = _("Give the number of weeks between meetings (1 to 52).")
            raise ValidationFailed(message, field_errors={"interval": [message]})
        if interval == 1:
            return f"FREQ=WEEKLY;BYDAY={day}"
        return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={day}"
    if frequency == "monthly":
        return f"FREQ=MONTHLY;BYDAY={nth}{day}"
    if frequency == "quarterly":
        return f"FREQ=MONTHLY;INTERVAL=3;BYDAY={nth}{day}"
    if frequency == "custom":
        return raw.strip()
    raise _refuse(_("Choose how often the committee meets."))


def frequency_of(value: str, first_local: dt.datetime) -> tuple[str, int | None]:
    """The form's choice that builds ``value`` from this first meeting (``custom`` if none)."""
    try:
        parts = rrule_parts(value)
    except ValueError:
        return "custom", None
    kept = ";".join(f"{k}={v}" for k, v in parts.items())
    for frequency in ("weekly", "monthly", "quarterly"):
        if rrule_build(frequency, first_local, None, "") == kept:
            return frequency, None
    n = _interval(parts)
    if n and n > 1 and rrule_build("weeks", first_local, n, "") == kept:
        return "weeks", n
    return "custom", None
