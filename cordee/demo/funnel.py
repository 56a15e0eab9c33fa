"""The demo's funnel configuration, derived from its history: the rejection-reason catalogue,
sales decisions on every MQL cycle, quarterly SLA contracts signed by both managers, scoring
and routing rules — and the breaches those contracts reveal (recorded silently: past history)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.demo import data as D
from cordee.demo.common import (
    EARLIER_THRESHOLD,
    SCORED_KINDS,
    SCORING_ENGAGEMENT,
    SCORING_FIT,
    THRESHOLD,
    WorkHours,
    as_datetime,
    threshold_raised_at,
)
from cordee.funnel.models import (
    Lead,
    LeadAssignment,
    LeadDecision,
    LeadStageChange,
    RejectionReason,
    RoutingRule,
    ScoringRule,
    SlaContract,
    Stage,
    TouchKind,
    Touchpoint,
)
from cordee.funnel.routing import UNOWNED
from cordee.funnel.scoring import leads_rescore, scores_at
from cordee.funnel.services import mql_threshold_set, routing_fallback_set
from cordee.funnel.sla import sla_check_marketing, sla_check_workspace, workspace_calendar
from cordee.people.models import Notification, Pod
from cordee.tenancy.models import Membership, Workspace
from cordee.tenancy.roles import Role

# code, label, default outcome, days before re-evaluation, the history reasons it covers
CATALOGUE = [
    ("bad_timing", "Mauvais timing", "recycled", 90, [D.RECYCLE_REASONS[0], D.RECYCLE_REASONS[3]]),
    ("no_budget", "Pas de budget", "recycled", 180, [D.RECYCLE_REASONS[1]]),
    ("wrong_contact", "Mauvais interlocuteur", "recycled", 30, [D.RECYCLE_REASONS[2]]),
    ("not_reachable", "Injoignable", "recycled", 60, [D.RECYCLE_REASONS[4]]),
    (
        "bad_fit",
        "Hors cible",
        "disqualified",
        0,
        [D.DISQUALIFY_REASONS[0], D.DISQUALIFY_REASONS[5]],
    ),
    (
        "not_a_buyer",
        "Concurrent, partenaire ou étudiant",
        "disqualified",
        0,
        D.DISQUALIFY_REASONS[1:3],
    ),
    ("bad_data", "Coordonnées invalides", "disqualified", 0, [D.DISQUALIFY_REASONS[3]]),
    ("duplicate", "Doublon", "disqualified", 0, [D.DISQUALIFY_REASONS[4]]),
]


def _quarters(today: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    first_month = (today.month - 1) // 3 * 3 + 1
    start = dt.date(today.year, first_month, 1)
    quarters = []
    for _ in range(count):
        end_month = start.month + 2
        end = (
            dt.date(start.year + (end_month > 12), (end_month - 1) % 12 + 1, 28)
            + dt.timedelta(days=4)
        ).replace(day=1) - dt.timedelta(days=1)
        quarters.append((start, end))
        prev_month = start.month - 3
        start = dt.date(start.year - (prev_month < 1), (prev_month - 1) % 12 + 1, 1)
    return list(reversed(quarters))


def add_funnel_config(workspace: Workspace, *, now: dt.datetime, seed: int = 1) -> None:
    managers = {
        m.role: m.user
        for m in Membership.objects.filter(
            workspace=workspace, role__in=[Role.MARKETING_MANAGER, Role.SALES_MANAGER]
        ).select_related("user")
    }
    with transaction.atomic():
        reasons = {}
        by_label = {}
        for code, label, outcome, days, covers in CATALOGUE:
            reason = RejectionReason.objects.create(
                workspace=workspace,
                code=code,
                label=label,
                default_outcome=outcome,
                recycle_after_days=days,
            )
            reasons[code] = reason
            for text in covers:
                by_label[text] = reason
        _decisions(workspace, by_label, reasons)
        _contracts(workspace, now, managers)
        _rules(workspace)
        _configuration_logged(workspace, now, managers)
        _fresh_mqls(workspace, now, seed)
    # the history is replayed: each breach is dated when it fell due, not when the demo loads
    sla_check_workspace(workspace, now, lookback=dt.timedelta(days=200), replay=True)
    sla_check_marketing(workspace, now, replay=True)


def _decisions(
    workspace: Workspace, by_label: dict[str, RejectionReason], reasons: dict[str, RejectionReason]
) -> None:
    """One decision per MQL cycle that sales closed: MQL→SAL accepts, MQL→Recycled/Disqualified rejects."""
    decisions: list[LeadDecision] = []
    last_mql: dict[int, dt.datetime] = {}
    rows = (
        LeadStageChange.objects.filter(workspace=workspace)
        .order_by("lead_id", "at", "id")
        .values_list("lead_id", "from_stage", "to_stage", "at", "actor_id", "reason")
    )
    for lead_id, from_stage, to_stage, at, actor_id, why in rows.iterator(chunk_size=20_000):
        if to_stage == Stage.MQL:
            last_mql[lead_id] = at
            continue
        if from_stage != Stage.MQL or lead_id not in last_mql:
            continue
        mql_at = last_mql.pop(lead_id)
        if to_stage == Stage.SAL:
            decisions.append(
                LeadDecision(
                    workspace=workspace,
                    lead_id=lead_id,
                    mql_at=mql_at,
                    kind="accept",
                    decided_by_id=actor_id,
                    decided_at=at,
                )
            )
        elif to_stage in (Stage.RECYCLED, Stage.DISQUALIFIED):
            reason = (
                by_label.get(why)
                or reasons["bad_timing" if to_stage == Stage.RECYCLED else "bad_fit"]
            )
            decisions.append(
                LeadDecision(
                    workspace=workspace,
                    lead_id=lead_id,
                    mql_at=mql_at,
                    kind="reject",
                    reason=reason,
                    outcome=to_stage,
                    decided_by_id=actor_id,
                    decided_at=at,
                )
            )
        if len(decisions) >= 20_000:
            LeadDecision.objects.bulk_create(decisions)
            decisions = []
    LeadDecision.objects.bulk_create(decisions)


def _contracts(workspace: Workspace, now: dt.datetime, managers: dict[str, Any]) -> None:
    """A workspace-wide contract per quarter for the past year and this quarter, and a tighter one
    for the key-accounts pod this quarter; each signed by both managers when the quarter began."""
    tz = workspace.zone
    today = workspace.today(now)
    mql_per_quarter = {}
    for start, end in _quarters(today, 5):
        n = LeadStageChange.objects.filter(
            workspace=workspace, to_stage=Stage.MQL, at__date__gte=start, at__date__lte=end
        ).count()
        mql_per_quarter[start] = n
    for start, end in _quarters(today, 5):
        signed = dt.datetime.combine(start, dt.time(10), tzinfo=tz)
        is_current = start <= today <= end
        # a stretch target: 5 % above the pace of the quarter before (some quarters miss it)
        previous = [n for s, n in mql_per_quarter.items() if s < start]
        target = round((previous[-1] if previous else mql_per_quarter[start]) * 1.05)
        SlaContract.objects.create(
            workspace=workspace,
            name=f"SLA T{(start.month - 1) // 3 + 1} {start.year}",
            period_start=start,
            period_end=end,
            mql_volume=target,
            acceptance_floor=Decimal("55"),
            first_touch_hours=Decimal(4),
            attempts_required=3,
            attempts_within_days=5,
            decision_hours=Decimal(16),
            reassign_on_breach=is_current,
            marketing_signed_by=managers.get(Role.MARKETING_MANAGER),
            marketing_signed_at=signed,
            sales_signed_by=managers.get(Role.SALES_MANAGER),
            sales_signed_at=signed,
        )
        if is_current:
            key_accounts = Pod.objects.filter(workspace=workspace, name="Grands comptes").first()
            if key_accounts:
                SlaContract.objects.create(
                    workspace=workspace,
                    name=f"SLA Grands comptes T{(start.month - 1) // 3 + 1} {start.year}",
                    pod=key_accounts,
                    period_start=start,
                    period_end=end,
                    mql_volume=0,
                    acceptance_floor=Decimal("60"),
                    first_touch_hours=Decimal(2),
                    attempts_required=4,
                    attempts_within_days=5,
                    decision_hours=Decimal(8),
                    marketing_signed_by=managers.get(Role.MARKETING_MANAGER),
                    marketing_signed_at=signed,
                    sales_signed_by=managers.get(Role.SALES_MANAGER),
                    sales_signed_at=signed,
                )


def _rules(workspace: Workspace) -> None:
    for name, attribute, values, points in SCORING_FIT:
        ScoringRule.objects.create(
            workspace=workspace,
            name=name,
            kind="fit",
            attribute=attribute,
            values=values,
            points=Decimal(points),
        )
    for name, kind, points, half_life in SCORING_ENGAGEMENT:
        ScoringRule.objects.create(
            workspace=workspace,
            name=name,
            kind="engagement",
            touch_kind=kind,
            points=Decimal(points),
            half_life_days=Decimal(half_life),
        )
    for order, pod in enumerate(Pod.objects.filter(workspace=workspace).order_by("name"), start=1):
        RoutingRule.objects.create(
            workspace=workspace,
            name=f"{pod.name} → pod",
            order=order * 10,
            pod=pod,
            industries=pod.industries,
            regions=pod.regions,
            capacity=40,
        )


# RevOps set a fallback pod for the MQLs no routing rule places when it raised the threshold
# (``common.threshold_raised_at``) from EARLIER_THRESHOLD to THRESHOLD.
FALLBACK_POD = "Industrie Grand Est"


def _promotion_history(workspace: Workspace, raised_at: dt.datetime, rng: Any) -> None:
    """The year's history says which MQLs the score rule promoted: the lifecycle made each an MQL
    at the instant its score (touches until then, decayed as of then) reached the threshold in
    force then; each gets the rule's code with that score and that threshold. (Were one short —
    the rules changed — it would read as qualified by hand by a marketer.)"""
    marketers = list(
        Membership.objects.filter(
            workspace=workspace, role__in=[Role.MARKETER, Role.MARKETING_MANAGER], is_active=True
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    rows = list(
        LeadStageChange.objects.filter(
            workspace=workspace, to_stage=Stage.MQL, actor__isnull=True, imported=False
        )
        .exclude(rule="")
        .select_related("lead__contact__account")
        .order_by("at", "id")
    )
    scores = scores_at(workspace, [(row.lead, row.at) for row in rows])
    for row, score in zip(rows, scores, strict=True):
        threshold = EARLIER_THRESHOLD if row.at < raised_at else THRESHOLD
        if score >= threshold:
            row.rule, row.reason, row.reason_code = "scoring", "", "score_threshold"
            row.reason_params = {"score": score, "threshold": threshold}
        else:
            row.rule, row.reason_code, row.reason_params = "", "", {}
            row.actor_id = rng.choice(marketers) if marketers else None
            row.reason = "Qualifié à la main : demande explicite"
    LeadStageChange.objects.bulk_update(
        rows, ["rule", "reason", "reason_code", "reason_params", "actor"], batch_size=500
    )


def _fresh_mqls(workspace: Workspace, now: dt.datetime, seed: int) -> None:
    """Write the year's promotions as the score rule saw them (``_promotion_history``), record
    RevOps raising the threshold to 70 and setting the fallback pod, then let the score rule
    itself promote, since then, each lead at the first of its touches whose instant sees its
    score reach 70 (the lifecycle stopped there), routed to the pods' reps (or the fallback
    pod); some were already called. Every open lead is then scored as of the load."""
    import random

    rng = random.Random(f"cordee-demo:{seed}:fresh")
    raised_at = as_datetime(threshold_raised_at(int(now.timestamp()), workspace.zone))
    _promotion_history(workspace, raised_at, rng)
    revops = (
        Membership.objects.filter(workspace=workspace, role=Role.REVOPS_ADMIN, is_active=True)
        .select_related("user")
        .first()
    )
    if revops is not None:
        actor = Actor(user=revops.user, workspace=workspace, role=revops.role)
        Workspace.objects.filter(pk=workspace.pk).update(mql_threshold=EARLIER_THRESHOLD)
        workspace.mql_threshold = EARLIER_THRESHOLD
        mql_threshold_set(actor=actor, threshold=THRESHOLD, at=raised_at)
        fallback = Pod.objects.filter(workspace=workspace, name=FALLBACK_POD).first()
        if fallback is not None:
            routing_fallback_set(actor=actor, pod_id=fallback.pk, user_id=None, at=raised_at)
    else:
        Workspace.objects.filter(pk=workspace.pk).update(mql_threshold=THRESHOLD)
    workspace.refresh_from_db()
    # each open lead's touches since the raise, the instants the score rule may promote it at
    touched = (
        Touchpoint.objects.filter(
            workspace=workspace,
            kind__in=SCORED_KINDS,
            occurred_at__gte=raised_at,
            occurred_at__lte=now,
            lead__stage__in=[Stage.INQUIRY, Stage.RECYCLED],
        )
        .filter(occurred_at__gte=F("lead__created_at"))  # not before the lead exists
        .values_list("lead_id", "occurred_at")
        .distinct()
    )
    instants: dict[int, list[dt.datetime]] = {}
    for lead_id, at in touched:
        instants.setdefault(lead_id, []).append(at)
    leads = Lead.objects.filter(pk__in=instants).select_related("contact__account").order_by("pk")
    items = [(lead, at) for lead in leads for at in sorted(set(instants[lead.pk]))]
    moments: dict[int, tuple[dt.datetime, Lead]] = {}
    for (lead, at), score in zip(items, scores_at(workspace, items), strict=True):
        if score >= workspace.mql_threshold and lead.pk not in moments:
            moments[lead.pk] = (at, lead)
    for at, lead in sorted(moments.values(), key=lambda m: (m[0], m[1].pk)):
        # the score rule decides, as of that instant (a recycled lead not yet due stays)
        if not leads_rescore(workspace=workspace, lead_ids=[lead.pk], now=at):
            continue
        assignment = LeadAssignment.objects.filter(lead=lead).order_by("-at", "-id").first()
        called = None
        if assignment is not None and rng.random() < 0.8:  # a call at work, if before `now`
            called = _at_work(workspace, at + dt.timedelta(minutes=rng.randint(10, 150)), now)
        if assignment is not None and called is not None:
            Touchpoint.objects.create(
                workspace=workspace,
                contact=lead.contact,
                lead=lead,
                kind=TouchKind.CALL,
                occurred_at=called,
                actor_id=assignment.to_owner_id,
                note="Premier appel : message laissé",
            )
    _unowned_told_when_they_happened(workspace)
    leads_rescore(workspace=workspace, now=now, promote=False)  # every score as of now


def _unowned_told_when_they_happened(workspace: Workspace) -> None:
    """The RevOps admins were told of each MQL that no rule placed when it became an MQL (the
    notification's key holds that instant), not when the demo was loaded: on the large demo,
    1,672 notifications were dated at the load, at night."""
    told = list(Notification.objects.filter(workspace=workspace, kind=UNOWNED))
    for notification in told:
        _kind, _lead, mql_at = notification.key.split(":")
        if int(mql_at):
            notification.created_at = dt.datetime.fromtimestamp(int(mql_at), tz=dt.UTC)
    Notification.objects.bulk_update(told, ["created_at"], batch_size=1000)


def _configuration_logged(workspace: Workspace, now: dt.datetime, managers: dict[str, Any]) -> None:
    """The audit log's year: RevOps set up the scoring and routing rules and the rejection
    reasons on the first working morning of the year covered, then drafted each quarter's
    contract, which the two managers signed that afternoon — each entry when it happened, on a
    working day (the rows above were written directly, as an import would)."""
    revops = (
        Membership.objects.filter(workspace=workspace, role=Role.REVOPS_ADMIN, is_active=True)
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    if revops is None:
        return
    calendar = workspace_calendar(workspace)
    tz = workspace.zone

    def working(day: dt.date, hour: int, minute: int) -> dt.datetime:
        public = calendar.public_holidays({day.year, day.year + 1})
        while not calendar.is_working_day(day, public):
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)

    roles = dict(Membership.objects.filter(workspace=workspace).values_list("user_id", "role"))

    def actor(user: Any) -> Actor:
        return Actor(user=user, workspace=workspace, role=roles[user.pk])

    admin = actor(revops.user)
    first_day = _quarters(workspace.today(now), 5)[0][0]
    set_up = working(first_day, 9, 40)
    fields = {
        "scoring-rules": ("name", "kind", "attribute", "touch_kind", "points"),
        "routing-rules": ("name", "order", "pod", "capacity"),
        "rejection-reasons": ("code", "label", "default_outcome", "recycle_after_days"),
    }
    configured = [
        *(("scoring-rules", r) for r in ScoringRule.objects.filter(workspace=workspace)),
        *(("routing-rules", r) for r in RoutingRule.objects.filter(workspace=workspace)),
        *(("rejection-reasons", r) for r in RejectionReason.objects.filter(workspace=workspace)),
    ]
    for minute, (kind, row) in enumerate(sorted(configured, key=lambda kr: (kr[0], kr[1].pk))):
        audit.audit_write(
            actor=admin,
            action="create",
            target=kind,
            target_id=row.pk,
            target_label=str(row),
            after=audit.snapshot(row, fields[kind]),
            at=set_up + dt.timedelta(minutes=2 * minute),
        )
    terms = (
        "period_start",
        "period_end",
        "pod",
        "mql_volume",
        "acceptance_floor",
        "first_touch_hours",
        "attempts_required",
        "attempts_within_days",
        "decision_hours",
        "reassign_on_breach",
    )
    for contract in SlaContract.objects.filter(workspace=workspace).order_by("period_start", "id"):
        day = working(contract.period_start, 9, 15).date()
        drafted = working(day, 9, 15)
        audit.audit_write(
            actor=admin,
            action="create",
            target="sla-contracts",
            target_id=contract.pk,
            target_label=contract.name,
            after=audit.snapshot(contract, terms),
            at=drafted,
        )
        for minutes, side in ((150, "marketing"), (290, "sales")):
            signer = getattr(contract, f"{side}_signed_by")
            if signer is None:
                continue
            audit.audit_write(
                actor=actor(signer),
                action="sign",
                target="sla-contracts",
                target_id=contract.pk,
                target_label=contract.name,
                after={f"{side}_signed_by": audit.named(signer)},
                at=drafted + dt.timedelta(minutes=minutes),
            )


def _at_work(workspace: Workspace, at: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """``at``, or the next moment someone is at work (``WorkHours``); None if after ``now``."""
    today = workspace.today(now)
    work = WorkHours(workspace_calendar(workspace), today - dt.timedelta(days=10), today)
    moved = work.by(int(at.timestamp()), int(now.timestamp()))
    return as_datetime(moved) if moved is not None else None
