"""What needs a person now, one function per kind of work, each read through the selectors of
the app that owns it (its rules are never written again here). Each returns a ``Found``: how
many there are, the first ``TOP`` as items in the reader's language (with the URL where the
work is done) and the page that lists them all. Each runs a fixed number of queries, whatever
the data's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cordee.attribution.selectors import lock_list
from cordee.codesign import kit as kit_rules
from cordee.codesign.alignment import target_pods
from cordee.codesign.kit_selectors import my_pod_ids
from cordee.codesign.models import (
    Debrief,
    Kit,
    KitAcknowledgement,
    Review,
    ReviewState,
)
from cordee.comp import selectors as comp_selectors
from cordee.comp.models import StatementStatus
from cordee.core.actor import Actor
from cordee.crm.models import CampaignStatus
from cordee.dataio.models import ImportJob, ImportStatus
from cordee.feedback.selectors.inbox import feedback_list
from cordee.feedback.selectors.pages import ANSWERED_KIND
from cordee.funnel import goals, goals_page, selectors
from cordee.funnel.presenters import QUEUE_SIZE
from cordee.people.models import Notification
from cordee.people.notices import notice_render
from cordee.rituals import actions as rituals_actions

TOP = 5  # the items a block shows; "see all" opens the page of the rest
ACTIONS_AHEAD_DAYS = 7  # an action item is "due" from a week before its date
FAILED_IMPORTS_DAYS = 7  # a failed import stays on RevOps' home a week


@dataclass(frozen=True)
class HomeItem:
    kind: str
    title: str  # in the reader's language
    url: str  # where it is done
    detail: str = ""
    due_at: dt.datetime | None = None  # a clock (an MQL's next SLA clock, a review's due time)
    due_on: dt.date | None = None  # a due day (an action item, a feedback item)
    clock: str = ""  # what falls due then, in the reader's language
    late: bool = False


@dataclass(frozen=True)
class Found:
    count: int
    items: list[HomeItem] = field(default_factory=list)
    see_all: str = ""
    value: str = ""  # a headline number (the open pipeline, the index), already written


def url(actor: Actor, name: str, *args: object) -> str:
    return reverse(name, args=[actor.workspace.slug, *args])


def _when(at: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")


# -- the sales side --------------------------------------------------------------------------------


def my_mqls(actor: Actor) -> Found:
    """My MQLs (the queue's selector, mine only), the next SLA clock first: first touch while it
    is not met, then the decision (the clocks are ``funnel.selectors.leads_sla``'s)."""
    waiting = selectors.mql_queue(actor=actor)
    leads = list(waiting[:QUEUE_SIZE])  # oldest first: the clocks that run out soonest
    total = waiting.count() if len(leads) == QUEUE_SIZE else len(leads)
    sla = selectors.leads_sla(actor=actor, leads=leads)
    now = timezone.now()
    labels = {"first_touch": _("First touch by"), "decision": _("Decision by")}
    rows = []
    for lead in leads:
        status = sla.get(lead.pk)
        nxt = None
        if status is not None:
            nxt = next((c for c in status.clocks if c.name in labels and not c.met), None)
        rows.append(
            HomeItem(
                kind="mql",
                title=str(lead.contact),
                detail=str(lead.contact.account or ""),
                url=url(actor, "leads_detail", lead.pk),
                due_at=nxt.due_at if nxt else None,
                clock=labels[nxt.name] if nxt else "",
                late=bool(nxt and nxt.due_at < now),
            )
        )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda r: r.due_at or far)  # stable: no clock, oldest MQL first
    return Found(total, rows[:TOP], url(actor, "mql_queue"))


def unowned_mqls(actor: Actor) -> Found:
    """The MQLs no routing rule, fallback or rep could take (the queue's ``unowned`` view)."""
    waiting = selectors.mql_queue(actor=actor, unowned=True)
    leads = list(waiting[:TOP])
    items = [
        HomeItem(
            kind="unowned_mql",
            title=str(lead.contact),
            detail=str(lead.contact.account or ""),
            url=url(actor, "leads_detail", lead.pk),
        )
        for lead in leads
    ]
    return Found(
        selectors.unowned_mql_count(actor=actor), items, url(actor, "mql_queue") + "?scope=unowned"
    )


def feedback_answers(actor: Actor) -> Found:
    """Answers to my feedback I have not read: feedback keeps no read mark, its answer's
    notification does (``feedback.selectors.pages.unread_answer_ids`` reads the same rows)."""
    unread = Notification.objects.filter(
        workspace=actor.workspace, user=actor.user, kind=ANSWERED_KIND, read_at__isnull=True
    ).order_by("-created_at", "-id")
    items = []
    for n in unread[:TOP]:
        title, _body = notice_render(n.code, n.params)
        items.append(HomeItem(kind="feedback_answer", title=title, url=n.url or ""))
    return Found(unread.count(), items, url(actor, "feedback_mine"))


def reviews_to_give(actor: Actor) -> Found:
    """The open review rounds I am the reviewer of, the soonest due first."""
    pending = (
        Review.objects.filter(
            workspace=actor.workspace,
            reviewer=actor.user,
            state=ReviewState.PENDING,
            superseded_at__isnull=True,
        )
        .select_related("campaign", "pod")
        .order_by("due_at", "id")
    )
    now = timezone.now()
    items = [
        HomeItem(
            kind="review",
            title=r.campaign.name,
            detail=r.pod.name,
            url=url(actor, "brief_detail", r.campaign_id),
            due_at=r.due_at,
            clock=_("Review due"),
            late=r.due_at < now,
        )
        for r in pending[:TOP]
    ]
    return Found(pending.count(), items, url(actor, "campaigns_list") + "?status=planned")


def kits_to_acknowledge(actor: Actor) -> Found:
    """The kits of live campaigns aimed at one of my pods whose current version I have not
    acknowledged. Who a kit is for is codesign's rule (the pods of the latest brief —
    ``codesign.alignment.target_pods``, for all live campaigns at once —; ``kit.REP_ROLES``)."""
    if actor.role not in kit_rules.REP_ROLES:
        return Found(0, [], url(actor, "campaigns_list") + "?status=active")
    kits = list(
        Kit.objects.filter(
            workspace=actor.workspace, campaign__status=CampaignStatus.ACTIVE
        ).select_related("campaign")
    )
    # who a kit is for: the pods of each campaign's brief as last saved (codesign's reading)
    latest = target_pods(actor.workspace, [k.campaign_id for k in kits])
    mine = my_pod_ids(actor)
    acknowledged = dict(
        KitAcknowledgement.objects.filter(kit__in=kits, user=actor.user).values_list(
            "kit_id", "version"
        )
    )
    waiting = sorted(
        (
            k
            for k in kits
            if mine & latest.get(k.campaign_id, frozenset())
            and acknowledged.get(k.pk, 0) < k.version
        ),
        key=lambda k: (k.updated_at, k.pk),
    )
    items = [
        HomeItem(
            kind="kit",
            title=k.campaign.name,
            detail=_("Version %(version)s") % {"version": k.version},
            url=url(actor, "kit_detail", k.campaign_id),
        )
        for k in waiting[:TOP]
    ]
    return Found(len(waiting), items, url(actor, "campaigns_list") + "?status=active")


def actions_due(actor: Actor) -> Found:
    """My open action items due within ``ACTIONS_AHEAD_DAYS`` days or overdue, soonest first."""
    today = actor.workspace.today()
    due = rituals_actions.actions(actor, owner_id=actor.user.pk, open_only=True).filter(
        due_on__lte=today + dt.timedelta(days=ACTIONS_AHEAD_DAYS)
    )
    items = [
        HomeItem(
            kind="action",
            title=a.title,
            detail=a.committee.name if a.committee_id else "",
            url=url(actor, "action_list") + f"#action-{a.pk}",
            due_on=a.due_on,
            clock=_("Due"),
            late=a.due_on < today,
        )
        for a in due[:TOP]
    ]
    return Found(due.count(), items, url(actor, "action_list"))


# -- the marketing side ----------------------------------------------------------------------------


def feedback_to_triage(actor: Actor) -> Found:
    """The new items of the inbox (``feedback.triage``), the oldest first."""
    see_all = url(actor, "feedback_inbox") + "?status=new"
    if not actor.can("feedback.triage"):
        return Found(0, [], see_all)
    new = feedback_list(actor=actor, params={"status": "new", "sort": "submitted"})
    today = actor.workspace.today()
    items = [
        HomeItem(
            kind="feedback",
            title=item.title,
            detail=item.get_kind_display(),
            url=url(actor, "feedback_detail", item.pk),
            due_on=item.due_on,
            clock=_("Due") if item.due_on else "",
            late=bool(item.due_on and item.due_on < today),
        )
        for item in new[:TOP]
    ]
    return Found(new.count(), items, see_all)


def reviews_returned(actor: Actor) -> Found:
    """The answered rounds of my campaigns not acted on yet: still open (a material change to
    the brief closes a round) and the campaign not launched."""
    answered = (
        Review.objects.filter(
            workspace=actor.workspace,
            campaign__owner=actor.user,
            campaign__status=CampaignStatus.PLANNED,
            superseded_at__isnull=True,
        )
        .exclude(state=ReviewState.PENDING)
        .select_related("campaign", "pod")
        .order_by("-decided_at", "-id")
    )
    items = [
        HomeItem(
            kind="review_returned",
            title=r.campaign.name,
            detail=f"{r.pod.name} · {r.get_state_display()}",
            url=url(actor, "brief_detail", r.campaign_id),
        )
        for r in answered[:TOP]
    ]
    return Found(answered.count(), items, url(actor, "campaigns_list") + "?status=planned")


def debriefs_to_write(actor: Actor) -> Found:
    """The open debriefs of my campaigns still without marketing's lessons."""
    open_ = (
        Debrief.objects.filter(
            workspace=actor.workspace,
            campaign__owner=actor.user,
            completed_at__isnull=True,
            lessons_marketing="",
        )
        .select_related("campaign")
        .order_by("opened_at", "id")
    )
    items = [
        HomeItem(
            kind="debrief",
            title=d.campaign.name,
            detail=_("Opened %(at)s") % {"at": _when(d.opened_at)},
            url=url(actor, "debrief_detail", d.campaign_id),
        )
        for d in open_[:TOP]
    ]
    return Found(open_.count(), items, url(actor, "campaigns_list") + "?status=completed")


# -- managers and RevOps ---------------------------------------------------------------------------


def breaches(actor: Actor, sides: tuple[str, ...]) -> Found:
    """The side's SLA breaches still open: notified (not revealed by past history) and not yet
    discussed by a committee (``committee_pending``), the latest first."""
    rows = (
        selectors.breaches_list(actor=actor)
        .filter(side__in=sides, silent=False, committee_pending=True)
        .order_by("-due_at", "-id")
    )
    items = []
    for b in rows[:TOP]:
        about = str(b.lead.contact) if b.lead else (b.contract.name if b.contract else "")
        items.append(
            HomeItem(
                kind="breach",
                title=f"{b.get_kind_display()} · {about}" if about else b.get_kind_display(),
                detail=str(b.owner or ""),
                url=url(actor, "leads_detail", b.lead_id)
                if b.lead_id
                else url(actor, "sla_dashboard"),
                due_at=b.due_at,
                clock=_("Was due"),
                late=True,
            )
        )
    return Found(rows.count(), items, url(actor, "sla_dashboard"))


def goals_at_risk(actor: Actor) -> Found:
    """The goals of the periods under way at risk or off track (``funnel.goals``' status) that
    the actor's side has a stake in: its own KPIs and the shared goals."""
    today = actor.workspace.today()
    current = []
    for g in goals.goal_list(actor=actor):
        kpi = goals.KPIS[g.kpi]
        if g.period_start <= today <= g.period_end and (
            kpi.side == actor.side or goals.is_shared(kpi, g.scope)
        ):
            current.append(g)
    progress = goals.goals_progress(actor=actor, goals=current, today=today) if current else {}
    worrying = [g for g in current if progress[g.pk].status in {"at_risk", "off_track"}]
    worrying.sort(key=lambda g: (progress[g.pk].status != "off_track", g.period_end, g.pk))
    scopes = goals_page.scope_labels(actor)
    labels = goals_page.status_labels()
    items = [
        HomeItem(
            kind="goal",
            title=f"{_(goals.KPIS[g.kpi].label)} · {scopes.get(g.scope, g.scope)} · {g.period}",
            detail=str(labels[progress[g.pk].status]),
            url=url(actor, "goal_detail", g.pk),
            late=progress[g.pk].status == "off_track",
        )
        for g in worrying[:TOP]
    ]
    return Found(len(worrying), items, url(actor, "goals"))


def signatures(actor: Actor) -> Found:
    """What waits for the actor's signature or approval: the SLA contracts (current or to come)
    and attribution locks their side has not signed, the pay statements they may approve
    (``comp.selectors.approver``). RevOps, who signs nothing, sees every contract still
    missing a side, to chase it."""
    today = actor.workspace.today()
    side = actor.signs_for
    items: list[HomeItem] = []
    contracts = selectors.contracts_list(actor=actor).filter(period_end__gte=today)
    locks = None
    if side is not None:
        contracts = contracts.filter(**{f"{side}_signed_at__isnull": True})
        locks = lock_list(actor=actor).filter(**{f"{side}_signed_at__isnull": True})
    elif actor.can("funnel.configure"):
        contracts = contracts.exclude(
            marketing_signed_at__isnull=False, sales_signed_at__isnull=False
        )
    else:
        contracts = contracts.none()
    contract_rows = list(contracts.order_by("period_start", "id"))
    for c in contract_rows:
        items.append(
            HomeItem(
                kind="sla_contract",
                title=c.name,
                detail=_("SLA contract"),
                url=url(actor, "sla-contracts_detail", c.pk),
            )
        )
    lock_rows = list(locks) if locks is not None else []
    for lock in lock_rows:
        items.append(
            HomeItem(
                kind="attribution_lock",
                title=_("Attribution %(start)s – %(end)s")
                % {
                    "start": formats.date_format(lock.period_start, "SHORT_DATE_FORMAT"),
                    "end": formats.date_format(lock.period_end, "SHORT_DATE_FORMAT"),
                },
                detail=lock.get_model_display(),
                url=url(actor, "attribution")
                + f"?start={lock.period_start.isoformat()}&end={lock.period_end.isoformat()}",
            )
        )
    # only an approver (a comp admin, a team's manager) has statements to approve
    may = comp_selectors.approver(actor)
    drafts = comp_selectors.statements(actor).filter(status=StatementStatus.DRAFT)
    statements = [s for s in drafts.order_by("period", "person_id", "id") if may(s)]
    for s in statements[:TOP]:
        items.append(
            HomeItem(
                kind="pay_statement",
                title=f"{s.person.get_full_name() or s.person.email} · {s.period}",
                detail=_("Pay statement to approve"),
                url=url(actor, "pay_statement", s.pk),
            )
        )
    count = len(contract_rows) + len(lock_rows) + len(statements)
    return Found(count, items[:TOP], url(actor, "sla_dashboard"))


def failed_imports(actor: Actor) -> Found:
    """The imports that failed in the last ``FAILED_IMPORTS_DAYS`` days, the latest first."""
    since = timezone.now() - dt.timedelta(days=FAILED_IMPORTS_DAYS)
    see_all = url(actor, "imports_list")
    if not actor.can("data.import"):
        return Found(0, [], see_all)
    failed = ImportJob.objects.filter(
        workspace=actor.workspace, status=ImportStatus.FAILED, created_at__gte=since
    ).order_by("-created_at", "-id")
    items = [
        HomeItem(
            kind="import",
            title=job.original_name,
            detail=_when(job.created_at),
            url=url(actor, "import_detail", job.pk),
        )
        for job in failed[:TOP]
    ]
    return Found(failed.count(), items, see_all)
