"""A pod as a living unit (issue 20, part 2): what its page, its API overview and the pods list
read. Every number is read from the app that owns it — never computed again here:

- members by side (``people.selectors.pod_members_by_side``) and the sides missing (the
  committees' rule: ``rituals.committee_selectors.SIDES_NEEDED``);
- its funnel: its leads by stage now, and the KPI catalogue's values for the pod scope
  (``funnel.kpis.kpi_reports``) for the current month and fiscal quarter — MQLs, SALs, the
  acceptance rate, SQLs, deals and revenue won, both sides' SLA compliance, the feedback loop;
- its goals under way (``funnel.goals.goal_list`` with the pod's scope, ``goals_progress``);
- its wins (``wins.selectors.wall_feed(actor, pod_id=…)``), its field feedback (raised for the
  pod or by its members), the campaigns whose current brief targets it (``codesign.calendar``),
  its committees with their next meeting (``rituals.committee_selectors.committee_rows``), its
  alignment index of the month (``alignment.index.index_month``) and its value log.

The queries do not grow with the pod's members, leads or entries (a test holds it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext

from cordee.alignment.index import IndexResult, index_month
from cordee.alignment.models import ValueEntry
from cordee.alignment.value_log import may_write
from cordee.analytics import kpis as catalogue
from cordee.analytics import planning as maths
from cordee.codesign import calendar as campaign_calendar
from cordee.core.actor import Actor
from cordee.feedback.models import CLOSED_STATUSES, FeedbackItem
from cordee.funnel import goals, goals_page, kpis
from cordee.funnel.kpis_page import shown
from cordee.funnel.models import Lead, Stage
from cordee.people.models import Pod, PodMember
from cordee.people.selectors import pod_members_by_side
from cordee.rituals import committee_selectors
from cordee.rituals.selectors import committees
from cordee.tenancy.models import Membership
from cordee.tenancy.roles import Side, side_of
from cordee.wins.selectors import wall_feed
from cordee.wins.story import post_title

# the KPIs the page shows for each period, in order (the catalogue defines them)
PERIOD_KPIS = (
    "mqls_created",
    "sals",
    "acceptance_rate",
    "sqls",
    "deals_won",
    "revenue_won",
    "sales_sla_compliance",
    "marketing_sla_compliance",
    "feedback_closure_rate",
    "feedback_acknowledgement_latency",
)
SLA_KPIS = ("sales_sla_compliance", "marketing_sla_compliance")
CAMPAIGN_WINDOW = dt.timedelta(days=90)  # the campaigns running from 90 days ago to 90 ahead
SHOWN = 5  # wins, feedback items, value log entries on the page


def missing_sides(sides: dict[str, list[Any]]) -> list[str]:
    """The sides a pod of both cultures needs and has nobody on (the committees' rule)."""
    return [s.value for s in committee_selectors.SIDES_NEEDED if not sides.get(s.value)]


def index_path(slug: str, pod_id: int) -> str:
    """The alignment index's page for a pod (the index's part: written out here so the pods do
    not depend on it)."""
    return f"/w/{slug}/alignment/?pod={pod_id}"


def current_periods(actor: Actor) -> tuple[maths.PlanPeriod, maths.PlanPeriod]:
    """The fiscal calendar's current month and quarter of the workspace."""
    workspace = actor.workspace
    today = workspace.today()
    month = kpis.period_read(workspace, f"{today.year}-{today.month:02d}")
    return month, kpis.current_period(workspace, today)


@dataclass
class KpiCell:
    key: str
    label: str
    unit: str
    text: str  # in the reader's language
    value: Any  # the catalogue's exact value (None: nothing to divide by, or not kept)
    numerator: int | None
    denominator: int | None
    state: str
    url: str


@dataclass
class PeriodNumbers:
    key: str  # "2026-03", "2026-Q1"
    label: str
    cells: list[KpiCell]

    def cell(self, key: str) -> KpiCell:
        return next(c for c in self.cells if c.key == key)


@dataclass
class PodOverview:
    pod: Pod
    sides: dict[str, list[dict[str, Any]]]
    missing_sides: list[str]
    stages: list[dict[str, Any]]  # the pod's leads by stage now
    periods: list[PeriodNumbers]  # the month, the quarter
    goals: list[dict[str, Any]]
    wins: list[dict[str, Any]]
    feedback: list[FeedbackItem]
    feedback_open: int
    campaigns: list[campaign_calendar.Entry]
    committees: list[committee_selectors.CommitteeRow]
    index: IndexResult
    index_url: str
    value_log: list[ValueEntry]
    value_log_count: int
    may_write: bool
    links: dict[str, str] = field(default_factory=dict)

    @property
    def member_ids(self) -> list[int]:
        return sorted(m["user"].pk for people in self.sides.values() for m in people)

    @property
    def stage_max(self) -> int:
        return max((s["count"] for s in self.stages), default=0)

    @property
    def missing_labels(self) -> list[str]:
        return [str(Side(s).label) for s in self.missing_sides]


def _stages(actor: Actor, pod: Pod) -> list[dict[str, Any]]:
    counts = dict(
        Lead.objects.filter(workspace=actor.workspace, pod=pod)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    leads = reverse("leads_list", args=[actor.workspace.slug])
    return [
        {
            "stage": value,
            "label": str(label),
            "count": counts.get(value, 0),
            "url": f"{leads}?pod={pod.pk}&stage={value}",
        }
        for value, label in Stage.choices
    ]


def _periods(actor: Actor, pod: Pod) -> list[PeriodNumbers]:
    scope = kpis.Scope("pod", f"pod:{pod.pk}", pod=pod)
    month, quarter = current_periods(actor)
    values = kpis.kpi_reports(
        actor=actor, pairs=[(scope, month), (scope, quarter)], keys=PERIOD_KPIS
    )
    by_key = {k.key: k for k in catalogue.CATALOGUE}
    page = reverse("kpis", args=[actor.workspace.slug])
    out = []
    for period in (month, quarter):
        key = period.key.removeprefix("FY")
        cells = []
        for code in PERIOD_KPIS:
            kpi = by_key[code]
            v = values[(scope.key, period.key)][code]
            cells.append(
                KpiCell(
                    key=code,
                    label=_label(kpi),
                    unit=kpi.unit,
                    text=shown(kpi.unit, v.value, actor.workspace.currency),
                    value=v.value,
                    numerator=v.numerator,
                    denominator=v.denominator,
                    state=v.state,
                    url=f"{page}?scope=pod:{pod.pk}&period={key}",
                )
            )
        out.append(PeriodNumbers(key=key, label=key, cells=cells))
    return out


def _label(kpi: catalogue.Kpi) -> str:
    return gettext(kpi.label)


def _goals(actor: Actor, pod: Pod) -> list[dict[str, Any]]:
    today = actor.workspace.today()
    scope = f"pod:{pod.pk}"
    current = [
        g
        for g in goals.goal_list(actor=actor, scope=scope)
        if g.period_start <= today <= g.period_end
    ]
    if not current:
        return []
    progress = goals.goals_progress(actor=actor, goals=current, today=today)
    currency = actor.workspace.currency
    return [
        {
            **goals_page.row(g, progress[g.pk], currency=currency, scopes={scope: pod.name}),
            "url": reverse("goal_detail", args=[actor.workspace.slug, g.pk]),
            "actual_value": kpis.value_text(goals.KPIS[g.kpi].unit, progress[g.pk].actual),
        }
        for g in current
    ]


def _wins(actor: Actor, pod: Pod) -> list[dict[str, Any]]:
    return [
        {"post": post, "title": post_title(post), "at": post.at, "amount": post.amount}
        for post in wall_feed(actor, pod_id=pod.pk, limit=SHOWN)
    ]


def _feedback_rows(actor: Actor, pod: Pod, member_ids: list[int]) -> Any:
    """The field feedback raised for the pod or by one of its members (merged items left out:
    their survivor speaks for them)."""
    return FeedbackItem.objects.filter(
        Q(pod=pod) | Q(author_id__in=member_ids),
        workspace=actor.workspace,
        merged_into__isnull=True,
    )


def _committees(actor: Actor, pod: Pod) -> list[committee_selectors.CommitteeRow]:
    items = list(committees(actor).filter(pod=pod, archived_at__isnull=True).order_by("name"))
    return committee_selectors.committee_rows(actor, items) if items else []


def pod_overview(actor: Actor, pod: Pod) -> PodOverview:
    """Everything the pod's page shows (the pod is the actor's workspace's: ``pod_get``)."""
    slug = actor.workspace.slug
    sides = cast(dict[str, list[dict[str, Any]]], pod_members_by_side(actor=actor, pod=pod))
    member_ids = [m["user"].pk for people in sides.values() for m in people]
    today = actor.workspace.today()
    feedback = _feedback_rows(actor, pod, member_ids)
    log = ValueEntry.objects.filter(workspace=actor.workspace, pod=pod).select_related("author")
    return PodOverview(
        pod=pod,
        sides=sides,
        missing_sides=missing_sides(sides),
        stages=_stages(actor, pod),
        periods=_periods(actor, pod),
        goals=_goals(actor, pod),
        wins=_wins(actor, pod),
        feedback=list(feedback.select_related("author").order_by("-submitted_at", "-id")[:SHOWN]),
        feedback_open=feedback.exclude(status__in=CLOSED_STATUSES).count(),
        campaigns=campaign_calendar.campaigns_between(
            actor=actor,
            start=today - CAMPAIGN_WINDOW,
            end=today + CAMPAIGN_WINDOW,
            filters=campaign_calendar.Filters(pods=frozenset({pod.pk})),
        ),
        committees=_committees(actor, pod),
        index=index_month(actor.workspace, today, pod=pod),
        index_url=index_path(slug, pod.pk),
        value_log=list(log.order_by("-on", "-id")[:SHOWN]),
        value_log_count=log.count(),
        may_write=may_write(actor, pod, member_ids=set(member_ids)),
        links={
            "leads": f"{reverse('leads_list', args=[slug])}?pod={pod.pk}",
            "sla": reverse("sla_dashboard", args=[slug]),
            "goals": reverse("goals", args=[slug]),
            "goal_new": reverse("goal_new", args=[slug]),
            "wins": reverse("wins_wall", args=[slug]),
            "feedback": f"{reverse('feedback_inbox', args=[slug])}?pod={pod.pk}",
            "feedback_new": reverse("feedback_create", args=[slug]),
            "calendar": f"{reverse('campaign_calendar', args=[slug])}?pod={pod.pk}",
            "committees": reverse("committee_list", args=[slug]),
            "index": index_path(slug, pod.pk),
        },
    )


# -- the pods list ----------------------------------------------------------------------------


@dataclass
class PodRow:
    pod: Pod
    sides: dict[str, list[tuple[Any, bool]]]  # side → (user, is lead), leads first, by name
    missing_sides: list[str]

    @property
    def member_count(self) -> int:
        return sum(len(people) for people in self.sides.values())

    def side(self, side: str) -> list[tuple[Any, bool]]:
        return self.sides.get(side, [])

    @property
    def side_rows(self) -> list[tuple[str, str, list[tuple[Any, bool]]]]:
        return [(s.value, str(s.label), self.sides.get(s.value, [])) for s in Side]


def pod_rows(actor: Actor) -> list[PodRow]:
    """The workspace's pods by name, each with its active members by side and the sides it
    misses (three queries whatever the number of pods and members)."""
    pods = list(Pod.objects.filter(workspace=actor.workspace).order_by("name", "id"))
    roles = dict(
        Membership.objects.filter(workspace=actor.workspace, is_active=True).values_list(
            "user_id", "role"
        )
    )
    people: dict[int, dict[str, list[tuple[Any, bool]]]] = defaultdict(lambda: defaultdict(list))
    for pm in (
        PodMember.objects.filter(pod__in=[p.pk for p in pods])
        .select_related("user")
        .order_by("-is_lead", "user__last_name", "user__first_name", "user_id")
    ):
        role = roles.get(pm.user_id)
        if role is None:  # not an active member of the workspace
            continue
        people[pm.pod_id][str(side_of(role))].append((pm.user, pm.is_lead))
    return [
        PodRow(pod=p, sides=dict(people[p.pk]), missing_sides=missing_sides(people[p.pk]))
        for p in pods
    ]
