"""Reads of the committees for their pages, the API and the ICS feed, scoped to the actor's
workspace: each committee with its members by side (``missing_sides``: marketing or sales with
nobody on it), its next meeting and its recurrence in the reader's language; a committee's
meetings in a window; the meetings a person's feed carries."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from cordee.core.actor import Actor
from cordee.rituals import recurrence
from cordee.rituals.models import Committee, CommitteeMember, Meeting, MeetingState
from cordee.rituals.selectors import committees, member_sides
from cordee.tenancy.models import User
from cordee.tenancy.roles import Side

SIDES_NEEDED = (Side.MARKETING, Side.SALES)  # a committee of both cultures has both
FEED_PAST_DAYS = 90


def meeting_path(slug: str, pk: int) -> str:
    """The meeting's page (``meeting_detail``, the meetings part's: written out here so the
    committees do not depend on it)."""
    return f"/w/{slug}/meetings/{pk}/"


@dataclass
class CommitteeRow:
    committee: Committee
    members: dict[str, list[User]] = field(default_factory=dict)  # side → people, by name
    missing_sides: list[str] = field(default_factory=list)  # "marketing" and/or "sales"
    next_meeting: Meeting | None = None
    recurrence_text: str = ""

    @property
    def member_ids(self) -> list[int]:
        return sorted(u.pk for people in self.members.values() for u in people)

    @property
    def member_count(self) -> int:
        return sum(len(people) for people in self.members.values())

    def side_label(self, side: str) -> str:
        return str(Side(side).label)

    @property
    def missing_labels(self) -> list[str]:
        return [self.side_label(s) for s in self.missing_sides]

    @property
    def sides(self) -> list[tuple[str, str, list[User]]]:
        """(side, its name, its people) in the order marketing, sales, other."""
        return [(s.value, str(s.label), self.members.get(s.value, [])) for s in Side]


def recurrence_text(committee: Committee) -> str:
    return recurrence.describe(committee.rrule, committee.first_at, committee.workspace.zone)


def committee_rows(
    actor: Actor, items: Sequence[Committee], *, now: dt.datetime | None = None
) -> list[CommitteeRow]:
    """Each committee with its members by side and its next planned meeting (three queries
    whatever the number of committees)."""
    now = now or timezone.now()
    ids = [c.pk for c in items]
    memberships = (
        CommitteeMember.objects.filter(committee_id__in=ids)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    people: dict[int, list[User]] = defaultdict(list)
    for m in memberships:
        people[m.committee_id].append(m.user)
    sides = member_sides(actor.workspace.pk, [u.pk for us in people.values() for u in us])
    upcoming: dict[int, Meeting] = {}
    for meeting in Meeting.objects.filter(
        committee_id__in=ids, starts_at__gte=now, state=MeetingState.PLANNED
    ).order_by("committee_id", "starts_at"):
        upcoming.setdefault(meeting.committee_id, meeting)
    rows = []
    for committee in items:
        committee.workspace = actor.workspace  # the zone, without a query per committee
        by_side: dict[str, list[User]] = defaultdict(list)
        for user in people[committee.pk]:
            by_side[sides.get(user.pk, Side.OTHER).value].append(user)
        rows.append(
            CommitteeRow(
                committee=committee,
                members=dict(by_side),
                missing_sides=[s.value for s in SIDES_NEEDED if not by_side.get(s.value)],
                next_meeting=upcoming.get(committee.pk),
                recurrence_text=recurrence_text(committee),
            )
        )
    return rows


def committee_list(actor: Actor, *, archived: bool = False) -> list[CommitteeRow]:
    """The workspace's committees (active ones; ``archived``: the archived ones), by name."""
    items = list(committees(actor).filter(archived_at__isnull=not archived))
    return committee_rows(actor, items)


def committee_row(actor: Actor, committee: Committee) -> CommitteeRow:
    return committee_rows(actor, [committee])[0]


def committee_meetings(
    actor: Actor,
    committee: Committee,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[Meeting]:
    """The committee's meetings starting from ``start`` to ``end`` (either open), in order."""
    meetings = Meeting.objects.filter(workspace=actor.workspace, committee=committee)
    if start is not None:
        meetings = meetings.filter(starts_at__gte=start)
    if end is not None:
        meetings = meetings.filter(starts_at__lte=end)
    return meetings.order_by("starts_at")


def committee_candidates(actor: Actor, row: CommitteeRow) -> list[tuple[User, str]]:
    """The workspace's active members not on the committee, with their side's name."""
    users = list(
        User.objects.filter(memberships__workspace=actor.workspace, memberships__is_active=True)
        .exclude(pk__in=row.member_ids)
        .order_by("last_name", "first_name")
    )
    sides = member_sides(actor.workspace.pk, [u.pk for u in users])
    return [(u, str(sides.get(u.pk, Side.OTHER).label)) for u in users]


# -- the person's ICS feed ------------------------------------------------------------------------


def feed_meetings(actor: Actor, *, today: dt.date | None = None) -> list[Meeting]:
    """The meetings of the committees the actor sits on, from ``FEED_PAST_DAYS`` ago on (the
    future ones are generated ``committees.HORIZON`` ahead)."""
    today = today or actor.workspace.today()
    since = dt.datetime.combine(
        today - dt.timedelta(days=FEED_PAST_DAYS), dt.time(), tzinfo=actor.workspace.zone
    )
    return list(
        Meeting.objects.filter(
            workspace=actor.workspace,
            committee__memberships__user=actor.user,
            starts_at__gte=since,
        )
        .select_related("committee")
        .order_by("starts_at")
    )


def feed_events(actor: Actor, query: Mapping[str, list[str]]) -> list[Event]:
    """The actor's committee meetings as iCalendar events, for ``codesign.feeds``' registry
    (called in the reader's language). UID stable per meeting; STATUS:CANCELLED for a
    cancelled one; the URL is the meeting's page."""
    host = _host()
    kinds = dict(Committee._meta.get_field("kind").choices or [])
    events: list[Event] = []
    for meeting in feed_meetings(actor):
        committee = meeting.committee
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", meeting.updated_at)
        event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
        event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
        event.add("summary", committee.name)
        if committee.location:
            event.add("location", committee.location)
        lines = [str(kinds.get(committee.kind, committee.kind))]
        if committee.purpose:
            lines.append(committee.purpose)
        event.add("description", "\n".join(lines))
        event.add("url", settings.CORDEE_BASE_URL + meeting_path(actor.workspace.slug, meeting.pk))
        event.add("categories", [_("Committee")])
        if meeting.state == MeetingState.CANCELLED:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        events.append(event)
    return events


def _host() -> str:
    return urllib.parse.urlsplit(settings.CORDEE_BASE_URL).hostname or "cordee"
