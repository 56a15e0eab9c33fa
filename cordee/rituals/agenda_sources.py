"""What the data puts on a meeting's agenda: one function per source, each reading its rows in a
query or two (never one per item) and returning the items it proposes (``Proposal``: source, key,
object, and the numbers the line is written with — words come when read, ``agenda_render``).

**The window.** A source reads the data since the previous meeting of the same committee (its
``starts_at``; the latest earlier meeting not cancelled) — or ``FIRST_WINDOW_DAYS`` before this
meeting when there is none — up to this meeting's start. Breaches (detected), feedback activity
(submitted or voted for) and rejections (decided) are read in the window; the flags that carry an
object until the committee deals with it have no lower bound: launch overrides and debriefs not
discussed yet (codesign's selectors), action items not done.

**The pod.** A committee with a pod reads that pod's data only: its breaches, the feedback its
members wrote or that names the pod, its goals (scope ``pod:<id>``), the campaigns whose current
brief targets it (overrides, debriefs), the rejections of its leads. Without a pod: the whole
workspace (goals: the workspace's and each side's, not a pod's nor a person's).

**Breaches** (``SlaBreach.committee_pending``): one item per breach, unless a side and kind has
``BREACH_GROUP_FROM`` or more new breaches: then one item for them, "7 breaches of the sales SLA
(first touch)", keeping their ids (``params["ids"]``). Written again, the agenda does not list a
breach twice: new breaches of a kind whose group is on the agenda join it (its count grows); when
that group was removed, they come one by one.

**Feedback**: open items (not done, not won't do, not merged) submitted or voted for in the
window, by votes (all of them) then oldest first: the first ``FEEDBACK_TOP``.

**Goals**: the goals of the period that holds the meeting's day, at risk or off track
(``funnel.goals.goals_progress``, the goals page's statuses).

**Rejections**: the share of each reason among the MQLs rejected in the window, against the
window of the same length before it. A reason is notable when its share moved by
``REJECTION_SHARE_POINTS`` points or more, with ``REJECTION_MIN_COUNT`` rejections or more in
the window (and at least one in the window before: else nothing compares).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from cordee.analytics import goals as goal_maths
from cordee.codesign.models import BriefVersion
from cordee.codesign.review_selectors import committee_agenda_overrides
from cordee.codesign.selectors import committee_agenda_debriefs
from cordee.core.actor import Actor
from cordee.feedback.models import CLOSED_STATUSES, FeedbackItem, FeedbackVote
from cordee.funnel import goals as funnel_goals
from cordee.funnel.models import DecisionKind, Goal, LeadDecision, SlaBreach
from cordee.people.models import PodMember
from cordee.rituals.models import (
    ActionItem,
    AgendaSource,
    Committee,
    Meeting,
    MeetingState,
)
from cordee.tenancy.models import User, Workspace

FIRST_WINDOW_DAYS = 30  # a committee's first meeting reads this many days back
BREACH_GROUP_FROM = 4  # from this many new breaches of one side and kind: one item for them
FEEDBACK_TOP = 5  # the feedback items an agenda names at most
REJECTION_SHARE_POINTS = 10  # a reason's share moved by this many points (percentage points) …
REJECTION_MIN_COUNT = 5  # … with at least this many rejections in the window
GOAL_STATUSES = (goal_maths.OFF_TRACK, goal_maths.AT_RISK)


@dataclass(frozen=True)
class Window:
    """What a meeting's sources read: from ``start`` (included) to ``end`` (excluded)."""

    meeting: Meeting
    committee: Committee
    workspace: Workspace
    start: dt.datetime
    end: dt.datetime
    previous: Meeting | None
    pod_id: int | None

    @property
    def day(self) -> dt.date:
        """The meeting's day in the workspace's calendar."""
        return self.workspace.today(self.end)

    @property
    def days(self) -> int:
        return max(1, round((self.end - self.start).total_seconds() / 86400))


@dataclass(frozen=True)
class Proposal:
    """An item a source proposes: ``key`` is unique on an agenda (``source:object``)."""

    source: str
    key: str
    object_id: int | None
    params: dict[str, Any] = field(default_factory=dict)


def agenda_window(meeting: Meeting) -> Window:
    """The meeting's window (one query: the previous meeting)."""
    committee = meeting.committee
    previous = (
        Meeting.objects.filter(committee=committee, starts_at__lt=meeting.starts_at)
        .exclude(state=MeetingState.CANCELLED)
        .order_by("-starts_at")
        .first()
    )
    start = (
        previous.starts_at
        if previous is not None
        else meeting.starts_at - dt.timedelta(days=FIRST_WINDOW_DAYS)
    )
    return Window(
        meeting=meeting,
        committee=committee,
        workspace=meeting.workspace,
        start=start,
        end=meeting.starts_at,
        previous=previous,
        pod_id=committee.pod_id,
    )


def _percent(value: Fraction) -> str:
    """A share as whole percent points, half up ("62")."""
    return str(
        (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
    )


def _name(user: User | None) -> str:
    return "" if user is None else (user.get_full_name() or user.email)


# -- open action items carried over --------------------------------------------------------------


def action_items(window: Window) -> list[Proposal]:
    """The committee's action items not done, decided in an earlier meeting, by due date."""
    rows = (
        ActionItem.objects.filter(
            committee=window.committee,
            done_at__isnull=True,
            meeting__starts_at__lt=window.meeting.starts_at,
        )
        .select_related("owner")
        .order_by("due_on", "id")
    )
    return [
        Proposal(
            AgendaSource.ACTION,
            f"{AgendaSource.ACTION}:{a.pk}",
            a.pk,
            {
                "title": a.title,
                "owner": _name(a.owner),
                "due": a.due_on.isoformat(),
                "late": a.due_on < window.day,
                "meeting": a.meeting_id,
            },
        )
        for a in rows
    ]


# -- SLA breaches marked for the committee -------------------------------------------------------


def breaches_pending(window: Window) -> QuerySet[SlaBreach]:
    """The breaches marked for the committee detected in the window (the pod's, with a pod)."""
    qs = SlaBreach.objects.filter(
        workspace=window.workspace,
        committee_pending=True,
        detected_at__gte=window.start,
        detected_at__lt=window.end,
    )
    if window.pod_id is not None:
        qs = qs.filter(pod_id=window.pod_id)
    return qs.order_by("due_at", "id")


@dataclass(frozen=True)
class OnAgenda:
    """An item already on the agenda (removed or not), as the breach source needs it."""

    removed: bool
    object_id: int | None
    params: Mapping[str, Any]


def _group_key(side: str, kind: str) -> str:
    return f"{AgendaSource.BREACH}:{side}:{kind}"


def breaches(window: Window, on_agenda: Mapping[str, OnAgenda] | None = None) -> list[Proposal]:
    """The breaches of both sides marked for the committee, one item each or grouped by side and
    kind (the module's rule); a breach already named on the agenda is not proposed again, and a
    group on the agenda proposes itself again with its new breaches added."""
    on_agenda = on_agenda or {}
    named: set[int] = set()
    for key, item in on_agenda.items():
        if not key.startswith(f"{AgendaSource.BREACH}:"):
            continue
        if item.object_id is not None:
            named.add(item.object_id)
        named.update(int(i) for i in item.params.get("ids", ()))
    rows = list(
        breaches_pending(window)
        .select_related("lead__contact", "contract")
        .only(
            "id",
            "side",
            "kind",
            "due_at",
            "lead_id",
            "contract_id",
            "lead__contact__first_name",
            "lead__contact__last_name",
            "lead__contact__email",
            "contract__name",
        )
    )
    by_kind: dict[tuple[str, str], list[SlaBreach]] = defaultdict(list)
    for breach in rows:
        if breach.pk not in named:
            by_kind[(breach.side, breach.kind)].append(breach)
    out: list[Proposal] = []
    for (side, kind), new in sorted(by_kind.items(), key=lambda kv: (kv[0][0] != "sales", kv[0])):
        key = _group_key(side, kind)
        group = on_agenda.get(key)
        if group is not None and not group.removed:
            ids = [*group.params.get("ids", ()), *(b.pk for b in new)]
            out.append(
                Proposal(
                    AgendaSource.BREACH,
                    key,
                    None,
                    {"side": side, "kind": kind, "count": len(ids), "ids": ids},
                )
            )
        elif group is None and len(new) >= BREACH_GROUP_FROM:
            ids = [b.pk for b in new]
            out.append(
                Proposal(
                    AgendaSource.BREACH,
                    key,
                    None,
                    {"side": side, "kind": kind, "count": len(ids), "ids": ids},
                )
            )
        else:
            out.extend(_one_breach(b) for b in new)
    return out


def _one_breach(breach: SlaBreach) -> Proposal:
    name = ""
    if breach.lead_id is not None:
        contact = breach.lead.contact if breach.lead else None
        name = str(contact) if contact is not None else ""
    elif breach.contract is not None:
        name = breach.contract.name
    return Proposal(
        AgendaSource.BREACH,
        f"{AgendaSource.BREACH}:{breach.pk}",
        breach.pk,
        {
            "side": breach.side,
            "kind": breach.kind,
            "count": 1,
            "lead": breach.lead_id,
            "contract": breach.contract_id,
            "name": name,
            "due": breach.due_at.isoformat(),
        },
    )


# -- goals at risk or off track ------------------------------------------------------------------


def _reader(workspace: Workspace) -> Actor:
    """Who reads the goals for the committee: nobody in particular. Only the workspace's, the
    sides' and the pods' goals are read (never a person's), which need no reader's right."""
    return Actor(user=User(), workspace=workspace, role="")


def goals(window: Window) -> list[Proposal]:
    """The goals of the meeting's period at risk or off track, off track first."""
    day = window.day
    qs = Goal.objects.filter(
        workspace=window.workspace, period_start__lte=day, period_end__gte=day
    ).order_by("period_start", "kpi", "scope", "id")
    if window.pod_id is not None:
        qs = qs.filter(scope=f"pod:{window.pod_id}")
    else:
        qs = qs.filter(Q(scope="workspace") | Q(scope__startswith="side:"))
    found = list(qs)
    if not found:
        return []
    today = min(window.workspace.today(), day)
    progress = funnel_goals.goals_progress(
        actor=_reader(window.workspace), goals=found, today=today
    )
    out: list[Proposal] = []
    for goal in found:
        p = progress[goal.pk]
        if p.status not in GOAL_STATUSES or p.forecast is None:
            continue
        kpi = funnel_goals.KPIS[goal.kpi]
        target, forecast = Fraction(goal.target), Fraction(p.forecast)
        if kpi.lower_is_better:
            ratio = target / forecast if forecast else Fraction(1)
        else:
            ratio = forecast / target if target else Fraction(1)
        out.append(
            Proposal(
                AgendaSource.GOAL,
                f"{AgendaSource.GOAL}:{goal.pk}",
                goal.pk,
                {
                    "kpi": goal.kpi,
                    "scope": goal.scope,
                    "period": goal.period,
                    "status": p.status,
                    "percent": _percent(ratio),
                    "target": format(goal.target.normalize(), "f"),
                    "forecast": format(p.forecast.normalize(), "f"),
                },
            )
        )
    out.sort(key=lambda p: GOAL_STATUSES.index(p.params["status"]))
    return out


# -- top field feedback --------------------------------------------------------------------------


def feedback(window: Window) -> list[Proposal]:
    """The open feedback items active in the window (submitted or voted for), by votes then
    oldest first: the first ``FEEDBACK_TOP`` (one query)."""
    voted = FeedbackVote.objects.filter(
        item=OuterRef("pk"), created_at__gte=window.start, created_at__lt=window.end
    )
    qs = (
        FeedbackItem.objects.filter(
            workspace=window.workspace, merged_into__isnull=True, submitted_at__lt=window.end
        )
        .exclude(status__in=CLOSED_STATUSES)
        .filter(Q(submitted_at__gte=window.start) | Exists(voted))
    )
    if window.pod_id is not None:
        members = PodMember.objects.filter(pod_id=window.pod_id).values("user_id")
        qs = qs.filter(Q(pod_id=window.pod_id) | Q(author_id__in=Subquery(members)))
    rows = (
        qs.annotate(n_votes=Count("votes", distinct=True))
        .order_by("-n_votes", "submitted_at", "id")
        .values_list("id", "title", "n_votes", "submitted_at")[:FEEDBACK_TOP]
    )
    day = window.day
    return [
        Proposal(
            AgendaSource.FEEDBACK,
            f"{AgendaSource.FEEDBACK}:{pk}",
            pk,
            {
                "title": title,
                "votes": votes,
                "days": (day - window.workspace.today(submitted)).days,
            },
        )
        for pk, title, votes, submitted in rows
    ]


# -- campaigns: launches without sales approval, debriefs due ------------------------------------


def _campaigns_of_pod(window: Window, campaign_ids: Iterable[int]) -> set[int]:
    """Of ``campaign_ids``, those whose current brief (its highest version) targets the pod."""
    last = (
        BriefVersion.objects.filter(campaign=OuterRef("campaign"))
        .order_by("-number")
        .values("number")[:1]
    )
    rows = BriefVersion.objects.filter(
        workspace=window.workspace, campaign_id__in=list(campaign_ids), number=Subquery(last)
    ).values_list("campaign_id", "pods")
    return {
        campaign
        for campaign, pods in rows
        if window.pod_id in {int(p) for p in (pods or ()) if str(p).isdigit()}
    }


def overrides(window: Window) -> list[Proposal]:
    """Launches without sales approval not discussed yet, made before the meeting."""
    rows = list(committee_agenda_overrides(window.workspace).filter(created_at__lt=window.end))
    if window.pod_id is not None:
        keep = _campaigns_of_pod(window, {o.campaign_id for o in rows})
        rows = [o for o in rows if o.campaign_id in keep]
    return [
        Proposal(
            AgendaSource.OVERRIDE,
            f"{AgendaSource.OVERRIDE}:{o.pk}",
            o.pk,
            {
                "campaign": o.campaign.name,
                "campaign_id": o.campaign_id,
                "by": _name(o.by),
                "day": window.workspace.today(o.created_at).isoformat(),
                "pods": len(o.missing_pods or ()),
            },
        )
        for o in rows
    ]


def debriefs(window: Window) -> list[Proposal]:
    """Campaign debriefs still open, or complete and not discussed yet, opened before the
    meeting."""
    rows = list(committee_agenda_debriefs(window.workspace).filter(opened_at__lt=window.end))
    if window.pod_id is not None:
        keep = _campaigns_of_pod(window, {d.campaign_id for d in rows})
        rows = [d for d in rows if d.campaign_id in keep]
    return [
        Proposal(
            AgendaSource.DEBRIEF,
            f"{AgendaSource.DEBRIEF}:{d.pk}",
            d.pk,
            {
                "campaign": d.campaign.name,
                "campaign_id": d.campaign_id,
                "complete": d.completed_at is not None,
                "opened": window.workspace.today(d.opened_at).isoformat(),
            },
        )
        for d in rows
    ]


# -- notable changes in rejection reasons --------------------------------------------------------


@dataclass(frozen=True)
class ReasonShare:
    reason_id: int | None
    label: str
    now: int  # rejections with this reason in the window
    before: int  # … in the window before
    total_now: int
    total_before: int

    @property
    def share_now(self) -> Fraction:
        return Fraction(self.now, self.total_now) if self.total_now else Fraction(0)

    @property
    def share_before(self) -> Fraction:
        return Fraction(self.before, self.total_before) if self.total_before else Fraction(0)

    @property
    def change(self) -> Fraction:
        return self.share_now - self.share_before

    @property
    def notable(self) -> bool:
        """The rule (module docstring): ≥ REJECTION_SHARE_POINTS points, ≥ REJECTION_MIN_COUNT
        rejections in the window, some in the window before."""
        return (
            self.total_now >= REJECTION_MIN_COUNT
            and self.total_before > 0
            and abs(self.change) >= Fraction(REJECTION_SHARE_POINTS, 100)
        )


def rejection_shares(window: Window) -> list[ReasonShare]:
    """Each reason's rejections in the window and in the window of the same length before
    (one query), the most frequent now first."""
    before_start = window.start - (window.end - window.start)
    qs = LeadDecision.objects.filter(
        workspace=window.workspace,
        kind=DecisionKind.REJECT,
        decided_at__gte=before_start,
        decided_at__lt=window.end,
    )
    if window.pod_id is not None:
        qs = qs.filter(lead__pod_id=window.pod_id)
    rows = (
        qs.values("reason_id", "reason__label")
        .annotate(
            now=Count("id", filter=Q(decided_at__gte=window.start)),
            before=Count("id", filter=Q(decided_at__lt=window.start)),
        )
        .order_by()
    )
    found = [(r["reason_id"], r["reason__label"] or "—", r["now"], r["before"]) for r in rows]
    total_now = sum(r[2] for r in found)
    total_before = sum(r[3] for r in found)
    shares = [ReasonShare(pk, label, n, b, total_now, total_before) for pk, label, n, b in found]
    return sorted(shares, key=lambda s: (-s.now, -s.before, s.label))


def rejections(window: Window) -> list[Proposal]:
    """The reasons whose share of the rejections moved notably, the largest move first."""
    notable = [s for s in rejection_shares(window) if s.notable]
    notable.sort(key=lambda s: (-abs(s.change), s.label))
    return [
        Proposal(
            AgendaSource.REJECTIONS,
            f"{AgendaSource.REJECTIONS}:{s.reason_id or 0}",
            s.reason_id,
            {
                "reason": s.label,
                "share": _percent(s.share_now),
                "before": _percent(s.share_before),
                "count": s.now,
                "total": s.total_now,
                "days": window.days,
            },
        )
        for s in notable
    ]


# -- all of them, in the agenda's default order --------------------------------------------------


def proposals(window: Window, on_agenda: Mapping[str, OnAgenda] | None = None) -> list[Proposal]:
    """Every source's items in ``AgendaSource``'s order: action items, breaches, goals,
    feedback, overrides, debriefs, rejections."""
    out: list[Proposal] = []
    out += action_items(window)
    out += breaches(window, on_agenda)
    out += goals(window)
    out += feedback(window)
    out += overrides(window)
    out += debriefs(window)
    out += rejections(window)
    return out


def breach_ids(source: str, object_id: int | None, params: Mapping[str, Any]) -> Sequence[int]:
    """The breaches an item names: its object, or a group's ids (a decision on the item closes
    their committee flag)."""
    if source != AgendaSource.BREACH:
        return ()
    if object_id is not None:
        return (object_id,)
    return tuple(int(i) for i in params.get("ids", ()))
