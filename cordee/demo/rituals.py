"""The demo's rituals (issue 19): the committees that keep marketing and sales close, and a
vis-ma-vie exchange.

Committees: the monthly marketing–sales committee (first Thursday, 9:30), one weekly meeting per
pod (Tuesday morning, the pod's people of both sides) and the quarterly business review with the
executive. Their occurrences are read from each RRULE with python-dateutil in the workspace's
time zone, from about six months before the load (earlier if the finished programme started
before) to about three months after it. A past occurrence was held, unless it fell on a public
holiday, in the August break or the Christmas week (cancelled, with the reason in its notes);
the coming ones are planned, their agenda left to the agenda builder.

A held meeting has its attendance (people on leave or busy are absent), an agenda of the objects
of the other apps since the previous meeting — the pod's SLA breaches (decided, so their
committee flag is closed), the most backed field feedback (a decision moves an item only where a
status change of the feedback story follows it), the quarter's goals, the launches without sales
approval and the completed campaign debriefs (their ``discussed_at`` set to the meeting that
discussed them), a rejection reason whose share of the rejections moved, and the action items
still open, carried to every meeting until done — the minutes of each item, its decisions and
action items (owners of both sides, due on business days, most done in time, some late, a few
still open).

The vis-ma-vie: the last finished season's programme (spring: March–April; autumn: mid-September
to mid-October), every marketing person and every salesperson signed up, with learning goals and
their available business days; each pair spends a day on each side (the marketer's day in the
field, the salesperson's day at marketing), on business days inside working hours; debriefs
written after the sessions, two of them turned into field-feedback items and one taken to the
next monthly committee. The next season's programme is open for sign-up (a few sign-ups).

Every act of a person falls in the workspace's working hours (business time, as the co-design
story); rows are written with ``bulk_create`` (about a thousand rows whatever the demo's size).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from dateutil.rrule import rrulestr  # type: ignore[import-untyped]
from django.db.models import Count

from cordee.analytics.goals import AT_RISK, OFF_TRACK
from cordee.codesign.models import Debrief, LaunchOverride
from cordee.core.actor import Actor
from cordee.core.business_time import BusinessClock
from cordee.demo import rituals_texts as T
from cordee.demo.common import MONTHS_FR, UTC
from cordee.demo.writers import explicit_timestamps
from cordee.feedback.models import FeedbackItem, FeedbackStatusChange
from cordee.funnel.goals import KPIS, goals_progress
from cordee.funnel.models import Goal, LeadDecision, RejectionReason, SlaBreach
from cordee.funnel.sla import workspace_calendar
from cordee.people.models import Pod, PodMember
from cordee.rituals.models import (
    ActionItem,
    AgendaItem,
    AgendaSource,
    Attendance,
    Committee,
    CommitteeKind,
    CommitteeMember,
    Decision,
    ExchangeDebrief,
    ExchangeSession,
    Meeting,
    MeetingState,
    Pairing,
    PairingState,
    Participant,
    Programme,
    ProgrammeFormat,
    ProgrammeState,
)
from cordee.tenancy.models import Membership, User, Workspace

GOAL_STATUSES = (OFF_TRACK, AT_RISK)  # the goals the agenda lists, in its order
EXCERPT = 200  # an exchange debrief's item keeps the start of each answer
BH = 3_600  # a business hour, in business seconds
BD = 27_000  # a business day of the demo's calendar (9:00–12:30, 14:00–18:00)
PAST_DAYS = 183  # about six months of meetings before the load
AHEAD_DAYS = 92  # about three months planned after it
RITUALS_MODELS = (
    Committee,
    CommitteeMember,
    Meeting,
    AgendaItem,
    Attendance,
    Decision,
    ActionItem,
    Programme,
    Participant,
    Pairing,
    ExchangeSession,
    ExchangeDebrief,
    FeedbackItem,
)
MARKETING_ROLES = ("marketer", "marketing_manager")
SALES_ROLES = ("sdr", "sales_rep", "sales_manager")
# (season, first month, first day, weeks): the programme runs from the Monday on or after it
SEASONS = (("spring", 3, 9, 6), ("autumn", 9, 14, 5))
# the vis-ma-vie pairs of the finished programme: marketing person → salespeople (e-mail locals);
# every pair across two pods, but the two managers'
PAIRS = {
    "hugo.marketing": ["sarah.lambert", "olivier.chevalier"],
    "ines.benali": ["julie.ventes", "theo.marchand"],
    "nicolas.perrin": ["yanis.sdr", "camille.roux"],
    "lea.garnier": ["antoine.girard"],
    "claire.marketing": ["marc.ventes"],
}
# the next programme's first sign-ups
NEXT_SIGNUPS = ["lea.garnier", "hugo.marketing", "theo.marchand", "sarah.lambert", "antoine.girard"]


class _Clock:
    """Business time of the workspace: ``e(moment)`` → working seconds, ``at(e)`` → the moment."""

    def __init__(self, workspace: Workspace, first: dt.date, last: dt.date) -> None:
        self.zone = workspace.zone
        self.calendar = workspace_calendar(workspace)
        self.clock = BusinessClock(self.calendar, first, last)
        self.public = self.calendar.public_holidays(range(first.year, last.year + 1))

    def e(self, moment: dt.datetime) -> int:
        return int(self.clock.elapsed([int(moment.timestamp())])[0])

    def at(self, e: float) -> dt.datetime:
        return dt.datetime.fromtimestamp(int(self.clock.at_elapsed([int(e)])[0]), UTC)

    def day(self, day: dt.date) -> int:
        """The first working second of ``day`` or, if it is not a working day, of the next one."""
        return self.e(dt.datetime.combine(day, dt.time(0), self.zone))

    def working(self, day: dt.date) -> bool:
        return self.calendar.is_working_day(day, self.public)

    def add_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th business day after ``day`` (``n`` ≥ 1)."""
        while n > 0:
            day += dt.timedelta(days=1)
            if self.working(day):
                n -= 1
        return day

    def business_days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        return [d for d in days if self.working(d)]

    def local(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), self.zone).astimezone(UTC)


def _words(day: dt.date) -> str:
    return f"{day.day} {MONTHS_FR[day.month - 1]}"


_Line = tuple[str, int | None, str, dict[str, Any], str, "_Action | None"]


def _line(
    source: str,
    object_id: int | None,
    title: str,
    params: dict[str, Any],
    minutes: str,
    carried: _Action | None = None,
) -> _Line:
    """An agenda line: its source and object, hand-written title, numbers, minutes, and for a
    carried action item the action."""
    return (source, object_id, title, params, minutes, carried)


@dataclass
class _Action:
    row: ActionItem
    item: AgendaItem | None
    decision: Decision | None
    meeting: Meeting


@dataclass
class _Rows:
    meetings: list[Meeting] = field(default_factory=list)
    items: list[tuple[AgendaItem, Meeting]] = field(default_factory=list)
    attendance: list[tuple[Attendance, Meeting]] = field(default_factory=list)
    decisions: list[tuple[Decision, Meeting, AgendaItem]] = field(default_factory=list)
    actions: list[_Action] = field(default_factory=list)


def _season_start(name: str, year: int) -> tuple[dt.date, dt.date]:
    _, month, day, weeks = next(s for s in SEASONS if s[0] == name)
    first = dt.date(year, month, day)
    first += dt.timedelta(days=(7 - first.weekday()) % 7)  # the Monday on or after
    return first, first + dt.timedelta(days=7 * weeks - 3)  # … to a Friday


def _seasons(today: dt.date) -> tuple[tuple[str, int], tuple[str, int]]:
    """The last programme finished at least 40 days before ``today`` and the next one whose
    sign-up is still open (two weeks before it starts)."""
    runs = [
        (name, year)
        for year in (today.year - 1, today.year, today.year + 1)
        for name, *_ in SEASONS
    ]
    runs.sort(key=lambda r: _season_start(*r)[0])
    finished = [r for r in runs if _season_start(*r)[1] + dt.timedelta(days=40) <= today][-1]
    upcoming = next(r for r in runs if _season_start(*r)[0] - dt.timedelta(days=14) > today)
    return finished, upcoming


def add_rituals(workspace: Workspace, *, now: dt.datetime, seed: int = 1) -> int:
    """Write the demo's committees, meetings and vis-ma-vie programmes; returns the rows."""
    rng = random.Random(f"cordee-demo:{seed}:rituals")
    today = workspace.today(now)
    finished, upcoming = _seasons(today)
    done_first, _ = _season_start(*finished)
    first_day = min(today - dt.timedelta(days=PAST_DAYS), done_first - dt.timedelta(days=7))
    last_day = today + dt.timedelta(days=AHEAD_DAYS)
    clock = _Clock(workspace, first_day - dt.timedelta(days=40), last_day + dt.timedelta(days=90))
    story = _Story(workspace, rng, clock, now, first_day, last_day)
    with explicit_timestamps(RITUALS_MODELS):
        story.committees()
        story.programme(*finished)
        story.open_programme(*upcoming)
        story.meetings()
        return story.write()


class _Story:
    def __init__(
        self,
        workspace: Workspace,
        rng: random.Random,
        clock: _Clock,
        now: dt.datetime,
        first_day: dt.date,
        last_day: dt.date,
    ) -> None:
        self.ws = workspace
        self.rng = rng
        self.clock = clock
        self.now = now
        self.now_e = clock.e(now)
        self.first_day = first_day
        self.last_day = last_day
        people = User.objects.filter(memberships__workspace=workspace)
        self.local = {email.split("@")[0]: pk for pk, email in people.values_list("pk", "email")}
        self.names: dict[int, str] = dict(people.values_list("pk", "first_name"))
        self.full = {
            pk: f"{first} {last}".strip() or email
            for pk, first, last, email in people.values_list(
                "pk", "first_name", "last_name", "email"
            )
        }
        self.today = workspace.today(now)
        self.role: dict[int, str] = dict(
            Membership.objects.filter(workspace=workspace).values_list("user_id", "role")
        )
        self.pods = list(Pod.objects.filter(workspace=workspace).order_by("id"))
        self.pod_members: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        self.pod_of: dict[int, int] = {}
        for pod_id, user_id, lead in (
            PodMember.objects.filter(pod__workspace=workspace)
            .order_by("id")
            .values_list("pod_id", "user_id", "is_lead")
        ):
            self.pod_members[pod_id].append((user_id, lead))
            self.pod_of.setdefault(user_id, pod_id)
        self.claire = self.local["claire.marketing"]
        self.marc = self.local["marc.ventes"]
        self.rows = _Rows()
        self.committee_rows: list[Committee] = []
        self.members: dict[int, list[int]] = {}  # committee index → user ids
        self.chair: dict[int, int] = {}
        self.leave = self._leaves()
        self.programme_rows: list[Programme] = []
        self.participant_rows: list[Participant] = []
        self.pairing_rows: list[tuple[Pairing, Participant, Participant]] = []
        self.session_rows: list[tuple[ExchangeSession, Pairing, Participant]] = []
        self.debrief_rows: list[tuple[ExchangeDebrief, Participant]] = []
        self.feedback_rows: list[
            tuple[FeedbackItem, ExchangeDebrief, list[FeedbackStatusChange]]
        ] = []
        self.exchange_for_committee: ExchangeDebrief | None = None
        self.codesign_updates: list[Any] = []
        self.exchange_taken = False
        self.carried: list[tuple[AgendaItem, _Action]] = []
        self.context: dict[str, Any] = {}

    # -- helpers -------------------------------------------------------------------------------

    def side(self, user: int) -> str:
        role = self.role.get(user, "")
        return (
            "marketing" if role in MARKETING_ROLES else "sales" if role in SALES_ROLES else "other"
        )

    def done(self, e: float) -> bool:
        return e <= self.now_e

    def stamp(self, row: Any, at: dt.datetime) -> None:
        row.created_at = row.updated_at = at

    def _leaves(self) -> dict[int, list[tuple[dt.date, dt.date]]]:
        """Each person's leave: two or three summer weeks, a week around Toussaint or February."""
        out: dict[int, list[tuple[dt.date, dt.date]]] = {}
        for user in sorted(self.names):
            spans = []
            for year in range(self.first_day.year, self.last_day.year + 1):
                monday = dt.date(year, 7, 13) + dt.timedelta(weeks=self.rng.randrange(5))
                monday -= dt.timedelta(days=monday.weekday())
                spans.append(
                    (monday, monday + dt.timedelta(weeks=self.rng.choice([2, 3]), days=-3))
                )
                other = self.rng.choice([dt.date(year, 10, 19), dt.date(year, 2, 16)])
                other -= dt.timedelta(days=other.weekday())
                spans.append((other, other + dt.timedelta(days=4)))
            out[user] = spans
        return out

    def on_leave(self, user: int, day: dt.date) -> bool:
        return any(a <= day <= b for a, b in self.leave.get(user, []))

    # -- committees ----------------------------------------------------------------------------

    def committees(self) -> None:
        first = self.clock.at(self.clock.day(self.first_day) + BH)  # a working moment
        local = self.local
        specs: list[tuple[str, str, Pod | None, str, str, dt.time, int, str, list[int], int]] = []
        monthly = [
            local[n]
            for n in (
                "claire.marketing",
                "hugo.marketing",
                "nicolas.perrin",
                "marc.ventes",
                "julie.ventes",
                "sarah.lambert",
                "sophie.revops",
            )
        ]
        specs.append(
            (
                T.MONTHLY_NAME,
                CommitteeKind.MONTHLY,
                None,
                T.MONTHLY_PURPOSE,
                "FREQ=MONTHLY;BYDAY=1TH",
                dt.time(9, 30),
                90,
                T.LOCATIONS["monthly"],
                monthly,
                self.claire,
            )
        )
        for i, team in enumerate(self.pods):
            members = [u for u, _ in self.pod_members[team.pk]]
            lead = next((u for u, is_lead in self.pod_members[team.pk] if is_lead), members[0])
            specs.append(
                (
                    T.POD_NAME.format(pod=team.name),
                    CommitteeKind.POD_WEEKLY,
                    team,
                    T.POD_PURPOSE,
                    "FREQ=WEEKLY;BYDAY=TU",
                    dt.time(9 + i),
                    45,
                    T.LOCATIONS["pod"],
                    members,
                    lead,
                )
            )
        qbr = [
            local[n]
            for n in ("thomas.direction", "claire.marketing", "marc.ventes", "sophie.revops")
        ]
        specs.append(
            (
                T.QBR_NAME,
                CommitteeKind.QBR,
                None,
                T.QBR_PURPOSE,
                "FREQ=YEARLY;BYMONTH=1,4,7,10;BYDAY=2WE",
                dt.time(14),
                180,
                T.LOCATIONS["qbr"],
                qbr,
                self.local["thomas.direction"],
            )
        )
        for index, (
            name,
            kind,
            pod,
            purpose,
            rule,
            time,
            minutes,
            place,
            members,
            chair,
        ) in enumerate(specs):
            start = dt.datetime.combine(self.first_day, time, self.clock.zone)
            occurrence = rrulestr(rule, dtstart=start)[0]
            committee = Committee(
                workspace=self.ws,
                name=name,
                kind=kind,
                pod=pod,
                purpose=purpose,
                rrule=rule,
                first_at=occurrence.astimezone(UTC),
                duration_minutes=minutes,
                location=place,
                created_by_id=self.claire,
            )
            self.stamp(committee, first)
            self.committee_rows.append(committee)
            self.members[index] = members
            self.chair[index] = chair

    # -- meetings ------------------------------------------------------------------------------

    def meetings(self) -> None:
        until = dt.datetime.combine(self.last_day, dt.time(23, 59), self.clock.zone)
        breaches = list(
            SlaBreach.objects.filter(
                workspace=self.ws, due_at__gte=self.clock.local(self.first_day, 0)
            )
            .order_by("due_at", "id")
            .values_list(
                "id",
                "kind",
                "side",
                "pod_id",
                "owner_id",
                "due_at",
                "lead_id",
                "contract_id",
                "contract__name",
                "lead__contact__first_name",
                "lead__contact__last_name",
                "lead__contact__email",
            )
        )
        feedback = list(
            FeedbackItem.objects.filter(workspace=self.ws, merged_into__isnull=True)
            .annotate(votes_n=Count("votes"))
            .order_by("-votes_n", "submitted_at", "id")
            .values_list("id", "title", "pod_id", "submitted_at", "votes_n", "owner_id")
        )
        changes: dict[int, list[tuple[dt.datetime, str]]] = defaultdict(list)
        for item_id, at, to in FeedbackStatusChange.objects.filter(workspace=self.ws).values_list(
            "item_id", "at", "to_status"
        ):
            changes[item_id].append((at, to))
        self.context = {
            "breaches": breaches,
            "feedback": feedback,
            "changes": changes,
            "goals": list(Goal.objects.filter(workspace=self.ws, scope="workspace").order_by("id")),
            "overrides": list(
                LaunchOverride.objects.filter(workspace=self.ws)
                .select_related("campaign")
                .order_by("created_at", "id")
            ),
            "debriefs": list(
                Debrief.objects.filter(workspace=self.ws, completed_at__isnull=False)
                .select_related("campaign")
                .order_by("completed_at", "id")
            ),
            "rejections": list(
                LeadDecision.objects.filter(
                    workspace=self.ws,
                    kind="reject",
                    reason__isnull=False,
                    decided_at__gte=self.clock.local(self.first_day - dt.timedelta(days=60), 0),
                ).values_list("decided_at", "reason_id")
            ),
            "reasons": dict(
                RejectionReason.objects.filter(workspace=self.ws).values_list("id", "label")
            ),
            "breaches_taken": set(),
            "feedback_taken": set(),
        }
        for index, committee in enumerate(self.committee_rows):
            start = committee.first_at.astimezone(self.clock.zone)
            previous: Meeting | None = None
            actions: list[_Action] = []
            for occurrence in rrulestr(committee.rrule, dtstart=start).between(
                start, until, inc=True
            ):
                starts = occurrence.astimezone(UTC)
                ends = starts + dt.timedelta(minutes=committee.duration_minutes)
                meeting = Meeting(
                    workspace=self.ws, committee=committee, starts_at=starts, ends_at=ends
                )
                self.stamp(meeting, committee.created_at)
                self.rows.meetings.append(meeting)
                reason = self._cancelled(index, committee, occurrence.date())
                if reason:
                    meeting.state = MeetingState.CANCELLED
                    meeting.notes = reason
                    continue
                closes = ends + dt.timedelta(minutes=10)
                if closes > self.now:
                    continue  # planned: the agenda builder writes its agenda
                self._held(index, committee, meeting, previous, actions)
                previous = meeting

    def _quorum(self, index: int) -> int:
        return max(2, (len(self.members[index]) + 1) // 2)

    def _cancelled(self, index: int, committee: Committee, day: dt.date) -> str:
        if not self.clock.working(day):
            return T.CANCEL_HOLIDAY
        away = [u for u in self.members[index] if self.on_leave(u, day)]
        if len(self.members[index]) - len(away) < self._quorum(index):
            return T.CANCEL_LEAVE
        if (day.month == 12 and day.day >= 21) or (day.month == 1 and day.day <= 2):
            return T.CANCEL_CHRISTMAS
        if day.month == 8 and (committee.kind == CommitteeKind.MONTHLY or 8 <= day.day <= 25):
            return T.CANCEL_SUMMER
        return ""

    def _held(
        self,
        index: int,
        committee: Committee,
        meeting: Meeting,
        previous: Meeting | None,
        actions: list[_Action],
    ) -> None:
        rng, zone = self.rng, self.clock.zone
        chair = self.chair[index]
        day = meeting.starts_at.astimezone(zone).date()
        back = {"pod_weekly": 7, "qbr": 92}.get(str(committee.kind), 35)
        since = previous.starts_at if previous else meeting.starts_at - dt.timedelta(days=back)
        meeting.state = MeetingState.HELD
        built = self.clock.local(_previous_bday(self.clock, day), 9)
        meeting.agenda_built_at = built
        meeting.closed_at = meeting.summary_sent_at = meeting.ends_at + dt.timedelta(minutes=10)
        meeting.closed_by_id = chair
        meeting.updated_at = meeting.closed_at

        # attendance: everyone but the people on leave, and one time in ten someone busy
        # elsewhere (never below the quorum); the chair's deputy runs it when the chair is away
        here = [u for u in self.members[index] if not self.on_leave(u, day)]
        for user in list(here):
            if len(here) > self._quorum(index) and rng.random() < 0.1:
                here.remove(user)
        for user in self.members[index]:
            presence = Attendance(workspace=self.ws, user_id=user, present=user in here)
            self.stamp(presence, meeting.closed_at)
            self.rows.attendance.append((presence, meeting))
        if chair not in here:
            chair = here[0]
            meeting.closed_by_id = chair

        lines: list[_Line] = []
        decisions: list[tuple[int, str, str]] = []  # (line index, text, feedback status)
        todo: list[tuple[int, str, int, int]] = []  # (line index, title, owner, business days)
        pod = committee.pod_id
        members = self.members[index]
        marketing = [u for u in members if self.side(u) == "marketing"] or [self.claire]
        sales = [u for u in members if self.side(u) == "sales"] or [self.marc]

        # the open action items, carried
        for action in actions:
            row = action.row
            if action.meeting.starts_at >= meeting.starts_at:
                continue
            if row.done_at is not None and row.done_at <= meeting.starts_at:
                continue
            late = row.due_on < day
            pool = T.ACTION_LATE if late else T.ACTION_OPEN
            text = rng.choice(pool).format(owner=self.names[row.owner_id], due=_words(row.due_on))
            lines.append(
                _line(
                    AgendaSource.ACTION,
                    None,
                    "",
                    {
                        "title": row.title,
                        "owner": self.full[row.owner_id],
                        "due": row.due_on.isoformat(),
                        "late": late,
                    },
                    text,
                    action,
                )
            )

        # SLA breaches since the previous meeting: the pod's (its people's), or marketing's
        taken: set[int] = self.context["breaches_taken"]
        found = []
        for pk, kind, side, breach_pod, owner, due, *named in self.context["breaches"]:
            if pk in taken or not (since <= due < meeting.starts_at):
                continue
            if committee.kind == CommitteeKind.POD_WEEKLY:
                if (breach_pod or self.pod_of.get(owner or 0)) == pod and side == "sales":
                    found.append((pk, kind, side, owner, due, named))
            elif committee.kind == CommitteeKind.MONTHLY and side == "marketing":
                found.append((pk, kind, side, owner, due, named))
        limit = 3 if committee.kind == CommitteeKind.POD_WEEKLY else 4
        for pk, kind, side, owner, due, named in rng.sample(found, min(limit, len(found))):
            lead, contract, contract_name, first, last_name, email = named
            name = contract_name or f"{first} {last_name}".strip() or email or ""
            taken.add(pk)
            minutes, decided, to_do = rng.choice(T.BREACH[kind])
            who = self.names.get(owner or 0, "l'équipe")
            lines.append(
                _line(
                    AgendaSource.BREACH,
                    pk,
                    "",
                    {
                        "side": side,
                        "kind": kind,
                        "count": 1,
                        "lead": lead,
                        "contract": contract,
                        "name": name if lead or contract else "",
                        "due": due.isoformat(),
                    },
                    minutes.format(owner=who),
                )
            )
            decisions.append((len(lines) - 1, decided, ""))
            if rng.random() < 0.4:
                owner_id = (
                    owner
                    if owner in members
                    else rng.choice(marketing if side == "marketing" else sales)
                )
                todo.append((len(lines) - 1, to_do, owner_id, rng.randint(3, 8)))

        # the monthly committee: the quarter's goals at risk or off track on the meeting's day
        if committee.kind == CommitteeKind.MONTHLY:
            for pk, params in self._goals_at_risk(day):
                lines.append(_line(AgendaSource.GOAL, pk, "", params, rng.choice(T.GOAL_MINUTES)))
                if rng.random() < 0.6:
                    kpi = params["kpi"]
                    owner_id = rng.choice(marketing if kpi == "acceptance_rate" else sales)
                    todo.append(
                        (len(lines) - 1, rng.choice(T.GOAL_ACTION), owner_id, rng.randint(4, 9))
                    )

        # field feedback: the pod's most backed items, or the workspace's
        count = 0
        for pk, title, item_pod, submitted, votes, item_owner in self.context["feedback"]:
            if committee.kind == CommitteeKind.QBR or count >= (1 if pod else 2):
                break
            if pk in self.context["feedback_taken"] or not (since <= submitted < meeting.starts_at):
                continue
            if pod and item_pod != pod:
                continue
            self.context["feedback_taken"].add(pk)
            count += 1
            votes_text = T.VOTES[min(votes, 2)].format(n=votes)
            lines.append(
                _line(
                    AgendaSource.FEEDBACK,
                    pk,
                    "",
                    {
                        "title": title,
                        "votes": votes,
                        "days": (day - self.ws.today(submitted)).days,
                    },
                    rng.choice(T.FEEDBACK_MINUTES).format(votes_text=votes_text),
                )
            )
            after = [
                (at, to)
                for at, to in sorted(self.context["changes"].get(pk, []))
                if meeting.ends_at < at <= meeting.ends_at + dt.timedelta(days=5)
            ]
            if after:
                decisions.append((len(lines) - 1, T.FEEDBACK_DECISION[after[0][1]], after[0][1]))
            elif rng.random() < 0.5:
                owner_id = item_owner if item_owner in members else rng.choice(marketing)
                todo.append(
                    (
                        len(lines) - 1,
                        rng.choice(T.FEEDBACK_ACTION).format(title=title[:80]),
                        owner_id,
                        rng.randint(3, 8),
                    )
                )

        if committee.kind == CommitteeKind.MONTHLY:
            self._monthly_lines(meeting, since, lines, decisions, todo, marketing, sales)
        if committee.kind == CommitteeKind.QBR:
            for title, minutes in T.QBR_ITEMS:
                lines.append(_line(AgendaSource.MANUAL, None, title, {}, minutes))
            for k, title in enumerate(T.QBR_ACTION):
                todo.append(
                    (len(lines) - 1, title, [self.claire, self.marc][k % 2], rng.randint(5, 10))
                )
        if committee.kind == CommitteeKind.POD_WEEKLY and (len(lines) < 2 or rng.random() < 0.3):
            title, minutes = rng.choice(T.POD_MANUAL)
            lines.append(_line(AgendaSource.MANUAL, None, title, {}, minutes))
            if rng.random() < 0.3:
                todo.append(
                    (
                        len(lines) - 1,
                        rng.choice(T.POD_ACTION),
                        rng.choice(members),
                        rng.randint(2, 6),
                    )
                )

        # the rows: items in the agenda's order, decisions and action items during the meeting
        order = list(AgendaSource.values)
        ranked = sorted(range(len(lines)), key=lambda i: (order.index(lines[i][0]), i))
        items: dict[int, AgendaItem] = {}
        for position, i in enumerate(ranked, start=1):
            source, object_id, title, params, minutes, carried = lines[i]
            if carried is not None:
                item = AgendaItem(
                    workspace=self.ws,
                    source=source,
                    position=position,
                    params=params,
                    minutes=minutes,
                )
                self.carried.append((item, carried))
            else:
                item = AgendaItem(
                    workspace=self.ws,
                    source=source,
                    object_id=object_id,
                    key=f"{source}:{object_id if object_id is not None else position}",
                    position=position,
                    title=title,
                    params=params,
                    minutes=minutes,
                )
                if source == AgendaSource.MANUAL:
                    item.added_by_id = chair
            self.stamp(item, built)
            items[i] = item
            self.rows.items.append((item, meeting))
        span = committee.duration_minutes * 60
        step = span / (len(lines) + 1)

        def moment(i: int) -> dt.datetime:
            return meeting.starts_at + dt.timedelta(seconds=int(step * (ranked.index(i) + 1)))

        made: dict[int, Decision] = {}
        for i, text, status in decisions:
            decision = Decision(
                workspace=self.ws,
                text=text,
                feedback_status=status,
                decided_by_id=chair,
                decided_at=moment(i),
            )
            self.stamp(decision, decision.decided_at)
            made[i] = decision
            self.rows.decisions.append((decision, meeting, items[i]))
        for i, title, owner, days in todo:
            self._action(
                index,
                committee,
                meeting,
                items[i],
                made.get(i),
                title,
                owner,
                days,
                moment(i),
                actions,
            )

    def _goals_at_risk(self, day: dt.date) -> list[tuple[int, dict[str, Any]]]:
        """The workspace's goals of the quarter that holds ``day`` (a month into it) at risk or
        off track that day, off track first, with the numbers the agenda writes them with."""
        goals = [
            g
            for g in self.context["goals"]
            if "-Q" in g.period
            and g.period_start <= day <= g.period_end
            and (day - g.period_start).days > 25
        ]
        if not goals:
            return []
        reader = Actor(user=User(), workspace=self.ws, role="")
        progress = goals_progress(actor=reader, goals=goals, today=min(self.today, day))
        out = []
        for goal in goals:
            p = progress[goal.pk]
            if p.status not in GOAL_STATUSES or p.forecast is None:
                continue
            target, forecast = Fraction(goal.target), Fraction(p.forecast)
            if KPIS[goal.kpi].lower_is_better:
                ratio = target / forecast if forecast else Fraction(1)
            else:
                ratio = forecast / target if target else Fraction(1)
            percent = (Decimal(ratio.numerator) * 100 / Decimal(ratio.denominator)).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
            params = {
                "kpi": goal.kpi,
                "scope": goal.scope,
                "period": goal.period,
                "status": p.status,
                "percent": str(percent),
                "target": format(goal.target.normalize(), "f"),
                "forecast": format(p.forecast.normalize(), "f"),
            }
            out.append((goal.pk, params))
        out.sort(key=lambda row: GOAL_STATUSES.index(row[1]["status"]))
        return out

    def _monthly_lines(
        self,
        meeting: Meeting,
        since: dt.datetime,
        lines: list[_Line],
        decisions: list[tuple[int, str, str]],
        todo: list[tuple[int, str, int, int]],
        marketing: list[int],
        sales: list[int],
    ) -> None:
        rng = self.rng
        discussed = meeting.starts_at + dt.timedelta(minutes=45)
        for override in self.context["overrides"]:
            if since <= override.created_at < meeting.starts_at:
                lines.append(
                    _line(
                        AgendaSource.OVERRIDE,
                        override.pk,
                        "",
                        {
                            "campaign": override.campaign.name,
                            "campaign_id": override.campaign_id,
                            "by": self.full.get(override.by_id or 0, ""),
                            "day": self.ws.today(override.created_at).isoformat(),
                            "pods": len(override.missing_pods or ()),
                        },
                        T.OVERRIDE_MINUTES,
                    )
                )
                decisions.append((len(lines) - 1, T.OVERRIDE_DECISION, ""))
                override.discussed_at = discussed
                self.codesign_updates.append(override)
        for debrief in self.context["debriefs"]:
            if since <= debrief.completed_at < meeting.starts_at:
                lines.append(
                    _line(
                        AgendaSource.DEBRIEF,
                        debrief.pk,
                        "",
                        {
                            "campaign": debrief.campaign.name,
                            "campaign_id": debrief.campaign_id,
                            "complete": True,
                            "opened": self.ws.today(debrief.opened_at).isoformat(),
                        },
                        rng.choice(T.DEBRIEF_MINUTES),
                    )
                )
                debrief.discussed_at = discussed
                self.codesign_updates.append(debrief)
                if rng.random() < 0.35:
                    todo.append(
                        (
                            len(lines) - 1,
                            T.DEBRIEF_ACTION.format(campaign=debrief.campaign.name)[:300],
                            rng.choice(marketing),
                            rng.randint(5, 10),
                        )
                    )
        # a rejection reason whose share moved most over four weeks
        last = meeting.starts_at - dt.timedelta(days=28)
        before_start = last - dt.timedelta(days=28)
        recent: dict[int, int] = defaultdict(int)
        earlier: dict[int, int] = defaultdict(int)
        for at, reason in self.context["rejections"]:
            if last <= at < meeting.starts_at:
                recent[reason] += 1
            elif before_start <= at < last:
                earlier[reason] += 1
        n_recent, n_earlier = sum(recent.values()), sum(earlier.values())
        if n_recent >= 10 and n_earlier >= 10:
            moves = sorted(
                (recent[r] / n_recent - earlier[r] / n_earlier, r)
                for r in set(recent) | set(earlier)
            )
            change, reason = moves[-1]
            if change >= 0.05:
                label = self.context["reasons"][reason]
                before, after = (
                    round(100 * earlier[reason] / n_earlier),
                    round(100 * recent[reason] / n_recent),
                )
                lines.append(
                    _line(
                        AgendaSource.REJECTIONS,
                        reason,
                        "",
                        {
                            "reason": label,
                            "share": str(after),
                            "before": str(before),
                            "count": recent[reason],
                            "total": n_recent,
                            "days": 28,
                        },
                        T.REJECTIONS_MINUTES.format(label=label, before=before, after=after),
                    )
                )
                todo.append(
                    (
                        len(lines) - 1,
                        T.REJECTIONS_ACTION.format(label=label),
                        rng.choice(marketing),
                        rng.randint(5, 10),
                    )
                )
        # the vis-ma-vie debrief taken to the committee
        exchange = self.exchange_for_committee
        if (
            exchange is not None
            and exchange.written_at < meeting.starts_at
            and not self.exchange_taken
        ):
            author = next(p for d, p in self.debrief_rows if d is exchange)
            lines.append(
                _line(
                    AgendaSource.EXCHANGE,
                    None,
                    "",
                    {
                        "programme": author.programme.name,
                        "participant": self.full[author.user_id],
                        "side": author.side,
                        "surprised": exchange.surprised[:EXCERPT],
                        "will_change": exchange.will_change[:EXCERPT],
                    },
                    T.EXCHANGE_MINUTES.format(owner=self.names[author.user_id]),
                )
            )
            decisions.append((len(lines) - 1, T.EXCHANGE_DECISION, ""))
            todo.append((len(lines) - 1, T.EXCHANGE_ACTION, author.user_id, rng.randint(5, 10)))
            self.exchange_taken = True

    def _action(
        self,
        index: int,
        committee: Committee,
        meeting: Meeting,
        item: AgendaItem,
        decision: Decision | None,
        title: str,
        owner: int,
        days: int,
        at: dt.datetime,
        actions: list[_Action],
    ) -> None:
        rng, clock = self.rng, self.clock
        day = meeting.starts_at.astimezone(clock.zone).date()
        due = clock.add_days(day, days)
        row = ActionItem(
            workspace=self.ws,
            committee=committee,
            title=title[:300],
            owner_id=owner,
            due_on=due,
            created_by_id=meeting.closed_by_id,
        )
        self.stamp(row, at)
        e_made = clock.e(meeting.ends_at)
        e_due = clock.day(due) + BD - 10 * 60
        fate = rng.random()
        if fate < 0.74:
            e_done = e_made + rng.uniform(0.05, 1) * (e_due - e_made)
        elif fate < 0.9:
            e_done = e_due + BD * rng.uniform(0.5, 6)
        else:
            e_done = None  # still open
            if e_due + 40 * BD < self.now_e and rng.random() < 0.7:
                e_done = e_due + BD * rng.uniform(8, 20)  # done very late at last
        if e_done is not None and self.done(e_done):
            row.done_at = row.updated_at = clock.at(e_done)
            row.done_by_id = owner
        reminder = _previous_bday(clock, due)
        if (
            reminder > day
            and self.done(clock.day(reminder))
            and (row.done_at is None or row.done_at.astimezone(clock.zone).date() >= reminder)
        ):
            row.reminded_on = reminder
        action = _Action(row, item, decision, meeting)
        actions.append(action)
        self.rows.actions.append(action)

    # -- vis-ma-vie ----------------------------------------------------------------------------

    def programme(self, season: str, year: int) -> None:
        rng, clock = self.rng, self.clock
        starts, ends = _season_start(season, year)
        signup = starts - dt.timedelta(days=14)
        created = clock.at(clock.day(signup - dt.timedelta(days=28)) + BH * 1.5)
        programme = Programme(
            workspace=self.ws,
            name=T.PROGRAMME_NAME.format(season=T.SEASONS[season], year=year),
            format=ProgrammeFormat.SHADOW_DAY,
            description=T.PROGRAMME_DESCRIPTION,
            starts_on=starts,
            ends_on=ends,
            signup_until=signup,
            session_minutes=420,
            state=ProgrammeState.CLOSED,
            created_by_id=self.claire,
        )
        self.stamp(programme, created)
        self.programme_rows.append(programme)
        days = clock.business_days(starts, ends)
        # each pair's two days: the marketer in the field, then the salesperson at marketing
        used: dict[int, set[dt.date]] = defaultdict(set)
        plan: list[tuple[int, int, dt.date, dt.date]] = []
        for marketer, sellers in PAIRS.items():
            for seller in sellers:
                m, s = self.local[marketer], self.local[seller]
                free = [d for d in days if d not in used[m] and d not in used[s]]
                first, second = sorted(rng.sample(free, 2))
                used[m] |= {first, second}
                used[s] |= {first, second}
                plan.append((m, s, first, second))
        people = [self.local[m] for m in PAIRS] + [
            self.local[s] for ss in PAIRS.values() for s in ss
        ]
        parts: dict[int, Participant] = {}
        e_created = clock.e(created)
        for user in people:
            side = self.side(user)
            goals = T.GOALS[self.role[user]]
            available = set(used[user]) | set(rng.sample(days, len(days) // 2))
            capacity = len(PAIRS.get(self._local_of(user), [])) if side == "marketing" else 1
            part = Participant(
                workspace=self.ws,
                programme=programme,
                user_id=user,
                side=side,
                is_host=True,
                capacity=max(1, capacity),
                available_days=sorted(d.isoformat() for d in available),
                learning_goals=rng.choice(goals),
                opted_in_at=clock.at(e_created + BD * rng.uniform(0.5, 18)),
            )
            self.stamp(part, part.opted_in_at)
            parts[user] = part
            self.participant_rows.append(part)
        e_paired = clock.day(signup) + BH * 2
        last_session: dict[int, dt.datetime] = {}
        for m, s, first, second in plan:
            manual = m == self.claire
            pairing = Pairing(
                workspace=self.ws,
                programme=programme,
                state=PairingState.CONFIRMED,
                manual=manual,
                created_by_id=self.claire,
            )
            self.stamp(pairing, clock.at(e_paired))
            self.pairing_rows.append((pairing, parts[m], parts[s]))
            for day, host in ((first, parts[s]), (second, parts[m])):
                session = ExchangeSession(
                    workspace=self.ws,
                    starts_at=clock.local(day, 9),
                    ends_at=clock.local(day, 17, 30),
                )
                self.stamp(session, clock.at(e_paired + BH))
                self.session_rows.append((session, pairing, host))
                for user in (m, s):
                    last_session[user] = max(
                        last_session.get(user, session.ends_at), session.ends_at
                    )
        # debriefs, a few business days after one's last session (two people never wrote)
        skip = set(rng.sample(sorted(people), 2))
        pools = {side: list(T.SURPRISED[side]) for side in T.SURPRISED}
        changes = {side: list(T.WILL_CHANGE[side]) for side in T.WILL_CHANGE}
        for pool in (*pools.values(), *changes.values()):
            rng.shuffle(pool)
        # the surprises that become field feedback go to the first salespeople who write
        told = list(T.EXCHANGE_FEEDBACK)
        pools["sales"] = [s for s in pools["sales"] if s not in told] + told[::-1]
        for user in people:
            if user in skip:
                continue
            side = self.side(user)
            e_written = clock.e(last_session[user]) + BD * rng.uniform(0.3, 5)
            if not self.done(e_written):
                continue
            others = [t for t in T.SURPRISED[side] if t not in T.EXCHANGE_FEEDBACK]
            surprised = pools[side].pop() if pools[side] else rng.choice(others)
            will = changes[side].pop() if changes[side] else rng.choice(T.WILL_CHANGE[side])
            debrief = ExchangeDebrief(
                workspace=self.ws,
                surprised=surprised,
                will_change=will,
                written_at=clock.at(e_written),
            )
            self.stamp(debrief, debrief.written_at)
            self.debrief_rows.append((debrief, parts[user]))
        # two sales debriefs become field feedback; one marketing debrief goes to the committee
        for debrief, part in self.debrief_rows:
            if debrief.surprised not in T.EXCHANGE_FEEDBACK:
                continue
            kind, title = T.EXCHANGE_FEEDBACK[debrief.surprised]
            e_sub = clock.e(debrief.written_at) + BH * rng.uniform(0.2, 2)
            if not self.done(e_sub):
                continue
            submitted = clock.at(e_sub)
            item = FeedbackItem(
                workspace=self.ws,
                kind=kind,
                title=title,
                text=f"{debrief.surprised}\n\n{debrief.will_change}",
                author_id=part.user_id,
                pod_id=self.pod_of.get(part.user_id),
                submitted_at=submitted,
            )
            self.stamp(item, submitted)
            moves: list[FeedbackStatusChange] = []
            e_ack = e_sub + BD * rng.uniform(0.5, 2)
            if self.done(e_ack):
                item.status, item.owner_id = "acknowledged", self.claire
                item.acknowledged_at = item.updated_at = clock.at(e_ack)
                moves.append(
                    FeedbackStatusChange(
                        workspace=self.ws,
                        from_status="new",
                        to_status="acknowledged",
                        actor_id=self.claire,
                        at=item.acknowledged_at,
                    )
                )
            self.feedback_rows.append((item, debrief, moves))
        marketing_debriefs = [d for d, p in self.debrief_rows if p.side == "marketing"]
        if marketing_debriefs:
            self.exchange_for_committee = marketing_debriefs[0]

    def _local_of(self, user: int) -> str:
        return next(name for name, pk in self.local.items() if pk == user)

    def open_programme(self, season: str, year: int) -> None:
        rng, clock = self.rng, self.clock
        starts, ends = _season_start(season, year)
        signup = starts - dt.timedelta(days=14)
        e_created = min(self.now_e - BD * 12, clock.day(signup) - BD * 40)
        programme = Programme(
            workspace=self.ws,
            name=T.PROGRAMME_NAME.format(season=T.SEASONS[season], year=year),
            format=ProgrammeFormat.SHADOW_DAY,
            description=T.PROGRAMME_DESCRIPTION,
            starts_on=starts,
            ends_on=ends,
            signup_until=signup,
            session_minutes=420,
            state=ProgrammeState.OPEN,
            created_by_id=self.claire,
        )
        self.stamp(programme, clock.at(e_created))
        self.programme_rows.append(programme)
        days = clock.business_days(starts, ends)
        for name in NEXT_SIGNUPS:
            user = self.local[name]
            e_in = e_created + (self.now_e - e_created) * rng.uniform(0.1, 0.95)
            part = Participant(
                workspace=self.ws,
                programme=programme,
                user_id=user,
                side=self.side(user),
                is_host=True,
                capacity=2 if self.side(user) == "marketing" else 1,
                available_days=sorted(d.isoformat() for d in rng.sample(days, len(days) // 2)),
                learning_goals=rng.choice(T.GOALS[self.role[user]]) if rng.random() < 0.7 else "",
                opted_in_at=clock.at(e_in),
            )
            self.stamp(part, part.opted_in_at)
            self.participant_rows.append(part)

    # -- writing -------------------------------------------------------------------------------

    def write(self) -> int:
        ws = self.ws
        Committee.objects.bulk_create(self.committee_rows)
        members = []
        for index, committee in enumerate(self.committee_rows):
            for user in self.members[index]:
                row = CommitteeMember(workspace=ws, committee=committee, user_id=user)
                self.stamp(row, committee.created_at)
                members.append(row)
        CommitteeMember.objects.bulk_create(members)
        for meeting in self.rows.meetings:
            meeting.committee_id = meeting.committee.pk
        Meeting.objects.bulk_create(self.rows.meetings, batch_size=500)
        # the programmes before the agenda (a debrief taken to the committee)
        Programme.objects.bulk_create(self.programme_rows)
        for part in self.participant_rows:
            part.programme_id = part.programme.pk
        Participant.objects.bulk_create(self.participant_rows)
        for pairing, marketer, seller in self.pairing_rows:
            pairing.programme_id = pairing.programme.pk
            pairing.marketer_id, pairing.salesperson_id = marketer.pk, seller.pk
        Pairing.objects.bulk_create([p for p, *_ in self.pairing_rows])
        for session, pairing, host in self.session_rows:
            session.pairing_id, session.host_id = pairing.pk, host.pk
        ExchangeSession.objects.bulk_create([s for s, *_ in self.session_rows])
        FeedbackItem.objects.bulk_create([f for f, *_ in self.feedback_rows])
        FeedbackStatusChange.objects.bulk_create(
            [_with(m, item_id=f.pk) for f, _, moves in self.feedback_rows for m in moves]
        )
        exchange_item: AgendaItem | None = None
        for item, meeting in self.rows.items:
            item.meeting_id = meeting.pk
            if item.source == AgendaSource.EXCHANGE:
                exchange_item = item
        for debrief, part in self.debrief_rows:
            debrief.participant_id = part.pk
            for feedback, source, _ in self.feedback_rows:
                if source is debrief:
                    debrief.feedback_item_id = feedback.pk
        ExchangeDebrief.objects.bulk_create([d for d, _ in self.debrief_rows])
        # the agenda: the carried action items need their action's id — written meeting by
        # meeting in the order of the story (an action is created before it is carried)
        actions = [a.row for a in self.rows.actions]
        for item, _meeting in self.rows.items:
            if item.source == AgendaSource.EXCHANGE and self.exchange_for_committee is not None:
                item.object_id = self.exchange_for_committee.pk
                item.key = f"exchange:{item.object_id}"
        carried = {id(i) for i, _ in self.carried}
        plain = [i for i, _ in self.rows.items if id(i) not in carried]
        AgendaItem.objects.bulk_create(plain, batch_size=500)
        for decision, meeting, item in self.rows.decisions:
            decision.meeting_id, decision.agenda_item_id = meeting.pk, item.pk
        Decision.objects.bulk_create([d for d, *_ in self.rows.decisions], batch_size=500)
        for action in self.rows.actions:
            action.row.committee_id = action.meeting.committee.pk
            action.row.meeting_id = action.meeting.pk
            action.row.agenda_item_id = action.item.pk if action.item else None
            action.row.decision_id = action.decision.pk if action.decision else None
        ActionItem.objects.bulk_create(actions, batch_size=500)
        for item, action in self.carried:
            item.object_id = action.row.pk
            item.key = f"action:{item.object_id}"
        AgendaItem.objects.bulk_create([i for i, _ in self.carried], batch_size=500)
        for presence, meeting in self.rows.attendance:
            presence.meeting_id = meeting.pk
        Attendance.objects.bulk_create([a for a, _ in self.rows.attendance], batch_size=1000)
        if exchange_item is not None and self.exchange_for_committee is not None:
            ExchangeDebrief.objects.filter(pk=self.exchange_for_committee.pk).update(
                agenda_item=exchange_item
            )
        # the committee flags of the breaches decided, the campaigns' items discussed
        decided = [
            item.object_id
            for _, _, item in self.rows.decisions
            if item.source == AgendaSource.BREACH
        ]
        SlaBreach.objects.filter(pk__in=decided).update(committee_pending=False)
        self._codesign_discussed()
        return (
            len(self.committee_rows)
            + len(members)
            + len(self.rows.meetings)
            + len(self.rows.items)
            + len(self.rows.decisions)
            + len(actions)
            + len(self.rows.attendance)
            + len(self.programme_rows)
            + len(self.participant_rows)
            + len(self.pairing_rows)
            + len(self.session_rows)
            + len(self.debrief_rows)
            + len(self.feedback_rows)
        )

    def _codesign_discussed(self) -> None:
        """The campaigns' debriefs and launch overrides: discussed at the monthly committee that
        took them; those completed since the first meeting but not taken yet wait for the next."""
        window = self.clock.local(self.first_day, 0)
        touched = {(type(o).__name__, o.pk) for o in self.codesign_updates}
        for obj in self.context["debriefs"]:
            if obj.completed_at >= window and ("Debrief", obj.pk) not in touched:
                obj.discussed_at = None
                self.codesign_updates.append(obj)
        for obj in self.context["overrides"]:
            if obj.created_at >= window and ("LaunchOverride", obj.pk) not in touched:
                obj.discussed_at = None
                self.codesign_updates.append(obj)
        debriefs = [o for o in self.codesign_updates if isinstance(o, Debrief)]
        overrides = [o for o in self.codesign_updates if isinstance(o, LaunchOverride)]
        Debrief.objects.bulk_update(debriefs, ["discussed_at"])
        LaunchOverride.objects.bulk_update(overrides, ["discussed_at"])


def _with(row: Any, **values: Any) -> Any:
    for name, value in values.items():
        setattr(row, name, value)
    return row


def _previous_bday(clock: _Clock, day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not clock.working(day):
        day -= dt.timedelta(days=1)
    return day
