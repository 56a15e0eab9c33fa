"""The campaign calendar: the campaigns running in a date range, with their pods, for the month
and quarter pages, the ICS feed and ``GET /api/v1/campaigns/calendar``.

A campaign's pods are its current brief's (the highest version's ``pods``); a campaign without
a brief, or whose brief names no pod, is under "no pod" (``NO_POD``). A campaign without a start
date is on no calendar; one without an end date lasts its start day.

``campaigns_between`` reads in ONE query whatever the number of campaigns: the current brief's
pods come with each campaign through a subquery. The pages lay the rows out (``month_weeks``,
``quarter_rows``): plain Python, no query.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import F, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from cordee.codesign.models import BriefVersion
from cordee.core.actor import Actor
from cordee.crm.models import Campaign, Channel
from cordee.people.models import Pod, PodMember

NO_POD = "none"  # the pod filter's value for campaigns no brief places in a pod
MY_PODS = "mine"  # the pod filter's value for the reader's own pods (the feed's default choice)
MAX_DAYS = 400  # the longest range one read may ask for (a quarter view, a year of the API)

# The first day of the week by country (CLDR's "firstDay"), 0 = Monday … 6 = Sunday: Monday
# unless listed (ISO 8601, most of Europe, France included).
_SUNDAY_FIRST = frozenset(
    [
        "AG",
        "AS",
        "BD",
        "BR",
        "BS",
        "BT",
        "BW",
        "BZ",
        "CA",
        "CO",
        "DM",
        "DO",
        "ET",
        "GT",
        "GU",
        "HK",
        "HN",
        "ID",
        "IL",
        "IN",
        "JM",
        "JP",
        "KE",
        "KH",
        "KR",
        "LA",
        "MH",
        "MM",
        "MO",
        "MT",
        "MX",
        "MZ",
        "NI",
        "NP",
        "PA",
        "PE",
        "PH",
        "PK",
        "PR",
        "PT",
        "PY",
        "SA",
        "SG",
        "SV",
        "TH",
        "TT",
        "TW",
        "UM",
        "US",
        "VE",
        "VI",
        "WS",
        "YE",
        "ZA",
        "ZW",
    ]
)
_SATURDAY_FIRST = frozenset(
    ["AE", "AF", "BH", "DJ", "DZ", "EG", "IQ", "IR", "JO", "KW", "LY", "OM", "QA", "SD", "SY"]
)


def first_weekday(country: str) -> int:
    """The workspace's first day of the week (0 = Monday, 6 = Sunday) from its country."""
    code = (country or "").upper()
    if code in _SUNDAY_FIRST:
        return 6
    if code in _SATURDAY_FIRST:
        return 5
    return 0


@dataclass(frozen=True)
class Filters:
    """The pods (ids, ``NO_POD``) and channels asked for; empty: no filter."""

    pods: frozenset[int | str] = frozenset()
    channels: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        return bool(self.pods or self.channels)


def filters_parse(
    pods: Iterable[str], channels: Iterable[str], *, actor: Actor | None = None
) -> Filters:
    """The filters of a query string (``pod=3&pod=none&channel=webinar``): unknown values are
    dropped, not refused (a stale link still shows the calendar); ``pod=mine`` is the
    ``actor``'s pods (none: the filter asks for nothing it knows, so no campaign)."""
    chosen: set[int | str] = set()
    mine = False
    for value in pods:
        value = str(value).strip()
        if value == NO_POD:
            chosen.add(NO_POD)
        elif value == MY_PODS:
            mine = True
        elif value.isdigit() and len(value) < 12:
            chosen.add(int(value))
    if mine and actor is not None:
        own = set(
            PodMember.objects.filter(user=actor.user, pod__workspace=actor.workspace).values_list(
                "pod_id", flat=True
            )
        )
        chosen |= own or {0}  # no pod of one's own: a filter that matches nothing
    known = set(Channel.values)
    return Filters(
        pods=frozenset(chosen),
        channels=frozenset(c for c in (str(v).strip() for v in channels) if c in known),
    )


@dataclass(frozen=True)
class Entry:
    """A campaign on the calendar: its days (``end`` included) and its current brief's pods."""

    id: int
    name: str
    channel: str
    status: str
    start: dt.date
    end: dt.date
    pods: tuple[int, ...]
    updated_at: dt.datetime | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def campaigns_between(
    *, actor: Actor, start: dt.date, end: dt.date, filters: Filters | None = None
) -> list[Entry]:
    """The actor's workspace's campaigns running on at least one day of ``start``–``end``
    (both included), the earliest first, with their current brief's pods. One query."""
    filters = filters or Filters()
    current_pods = Subquery(
        BriefVersion.objects.filter(campaign=OuterRef("pk")).order_by("-number").values("pods")[:1],
        output_field=JSONField(),
    )
    qs = (
        Campaign.objects.filter(workspace=actor.workspace, start_date__isnull=False)
        .annotate(last_day=Coalesce(F("end_date"), F("start_date")))
        .filter(Q(start_date__lte=end) & Q(last_day__gte=start))
    )
    if filters.channels:
        qs = qs.filter(channel__in=sorted(filters.channels))
    rows = (
        qs.annotate(brief_pods=current_pods)
        .order_by("start_date", "name", "id")
        .values_list(
            "id", "name", "channel", "status", "start_date", "last_day", "brief_pods", "updated_at"
        )
    )
    out: list[Entry] = []
    for pk, name, channel, status, first, last, pods, updated_at in rows:
        pod_ids = tuple(_ids(pods))
        if first is None or (filters.pods and not _pods_match(pod_ids, filters.pods)):
            continue
        out.append(Entry(pk, name, channel, status, first, last, pod_ids, updated_at))
    return out


def _ids(value: object) -> list[int]:
    """The brief's pod ids (a JSON list; SQLite may hand over its text)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if not isinstance(value, list):
        return []
    return [int(v) for v in value if isinstance(v, int | str) and str(v).isdigit()]


def _pods_match(pods: tuple[int, ...], wanted: frozenset[int | str]) -> bool:
    if not pods:
        return NO_POD in wanted
    return any(p in wanted for p in pods)


def pod_names(*, actor: Actor) -> dict[int, str]:
    """The workspace's pods by id (one query)."""
    return dict(
        Pod.objects.filter(workspace=actor.workspace).order_by("name").values_list("pk", "name")
    )


# -- the month: weeks of days, each campaign a bar over its days in each week --------------------


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def add_months(value: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``value``'s."""
    index = value.year * 12 + value.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(value: dt.date) -> dt.date:
    return add_months(value, 1) - dt.timedelta(days=1)


def grid_range(month: dt.date, first_day: int) -> tuple[dt.date, dt.date]:
    """The first and last days of the weeks showing ``month`` (whole weeks)."""
    first = month_start(month)
    start = first - dt.timedelta(days=(first.weekday() - first_day) % 7)
    last = month_end(month)
    end = last + dt.timedelta(days=(first_day + 6 - last.weekday()) % 7)
    return start, end


@dataclass
class Bar:
    """A campaign's days within one week: column 1–7, how many columns, its lane (row)."""

    entry: Entry
    column: int
    span: int
    lane: int
    starts_before: bool  # the campaign began in an earlier week
    ends_after: bool  # and goes on in a later one


@dataclass
class Week:
    days: list[dt.date]
    bars: list[Bar] = field(default_factory=list)  # the lanes shown
    more: list[int] = field(default_factory=list)  # per day: campaigns not shown in a lane
    entries: list[Entry] = field(default_factory=list)  # every campaign of the week

    @property
    def start(self) -> dt.date:
        return self.days[0]


def month_weeks(
    entries: Sequence[Entry], month: dt.date, first_day: int, lanes: int = 6
) -> list[Week]:
    """The weeks of the month's grid, each campaign of a week as a bar over its days there,
    packed into ``lanes`` rows (the earliest first, then the longest); the rest counted per day
    (``more``)."""
    start, end = grid_range(month, first_day)
    weeks: list[Week] = []
    day = start
    while day <= end:
        weeks.append(Week(days=[day + dt.timedelta(days=i) for i in range(7)]))
        day += dt.timedelta(days=7)
    for week in weeks:
        first, last = week.days[0], week.days[-1]
        here = [e for e in entries if e.start <= last and e.end >= first]
        here.sort(key=lambda e: (max(e.start, first), -(min(e.end, last) - e.start).days, e.id))
        week.entries = here
        taken: list[list[bool]] = [[False] * 7 for _ in range(lanes)]
        week.more = [0] * 7
        for e in here:
            column = (max(e.start, first) - first).days
            span = (min(e.end, last) - max(e.start, first)).days + 1
            lane = next(
                (n for n in range(lanes) if not any(taken[n][column : column + span])), None
            )
            if lane is None:
                for i in range(column, column + span):
                    week.more[i] += 1
                continue
            for i in range(column, column + span):
                taken[lane][i] = True
            week.bars.append(Bar(e, column + 1, span, lane + 1, e.start < first, e.end > last))
    return weeks


# -- the quarter: one row per campaign, its bar placed in percent of the quarter's days ---------


@dataclass
class Row:
    entry: Entry
    offset: int  # whole percent of the range before the bar
    width: int  # whole percent of the range the bar covers (at least 1)
    starts_before: bool
    ends_after: bool


def quarter_start(value: dt.date, fiscal_start_month: int) -> dt.date:
    """The first day of the (fiscal) quarter holding ``value``: quarters begin on the fiscal
    year's first month and every third month after it."""
    shift = (value.month - fiscal_start_month) % 3
    return add_months(value.replace(day=1), -shift)


def quarter_rows(entries: Sequence[Entry], start: dt.date, end: dt.date) -> list[Row]:
    total = (end - start).days + 1
    rows = []
    for e in entries:
        first, last = max(e.start, start), min(e.end, end)
        offset = (first - start).days * 100 // total
        width = max(1, -(-((last - first).days + 1) * 100 // total))  # rounded up
        width = min(width, 100 - offset)
        rows.append(Row(e, offset, width, e.start < start, e.end > end))
    return rows


def month_marks(start: dt.date, end: dt.date) -> list[tuple[dt.date, int, int]]:
    """Each month of the range: (its first day, offset and width in whole percent)."""
    total = (end - start).days + 1
    marks = []
    month = month_start(start)
    while month <= end:
        first, last = max(month, start), min(month_end(month), end)
        offset = (first - start).days * 100 // total
        width = ((last - start).days + 1) * 100 // total - offset
        marks.append((month, offset, width))
        month = add_months(month, 1)
    return marks
