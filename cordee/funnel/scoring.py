"""Scoring leads with the workspace's rules, promoting them to MQL when they cross the threshold
(the history keeps the score and the threshold in force), routing MQLs still without an owner."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from cordee.analytics.scoring import EngagementRule, FitRule, Score, score_lead
from cordee.funnel.models import Lead, ScoringRule, Stage, Touchpoint
from cordee.funnel.routing import lead_route
from cordee.funnel.stages import stage_move
from cordee.tenancy.models import Workspace

SCORED_STAGES = (Stage.INQUIRY, Stage.RECYCLED, Stage.MQL, Stage.SAL)


def workspace_rules(workspace_id: int) -> tuple[list[FitRule], list[EngagementRule]]:
    fit, engagement = [], []
    for r in ScoringRule.objects.filter(workspace_id=workspace_id, is_active=True):
        if r.kind == ScoringRule.Kind.FIT:
            fit.append(FitRule(r.pk, r.name, r.attribute, tuple(r.values), float(r.points)))
        else:
            engagement.append(
                EngagementRule(r.pk, r.name, r.touch_kind, float(r.points), float(r.half_life_days))
            )
    return fit, engagement


def _attributes(lead: Lead) -> dict[str, str]:
    contact = lead.contact
    account = contact.account
    return {
        "industry": account.industry if account else "",
        "size_band": account.size_band if account else "",
        "country": (account.country if account else "") or contact.country,
        "region": account.region if account else "",
        "job_title": contact.job_title,
    }


def _may_promote(lead: Lead, today: dt.date) -> bool:
    if lead.stage == Stage.INQUIRY:
        return True
    return lead.stage == Stage.RECYCLED and (lead.recycle_on is None or lead.recycle_on <= today)


def leads_rescore(
    *,
    workspace: Workspace,
    lead_ids: list[int] | None = None,
    now: dt.datetime | None = None,
    promote: bool = True,
) -> int:
    """Recompute the scores (with decay as of ``now``) of the given leads, or of every lead in a
    scored stage; unless ``promote`` is off, promote to MQL the Inquiry/due-Recycled ones at or
    above the threshold, then route them, and try again to route the MQLs still without an
    owner (their RevOps admins heard of them once). Returns how many leads were promoted."""

    now = now or timezone.now()
    fit, engagement = workspace_rules(workspace.pk)
    leads = Lead.objects.filter(workspace=workspace, stage__in=SCORED_STAGES).select_related(
        "contact__account"
    )
    if lead_ids is not None:
        leads = leads.filter(pk__in=lead_ids)
    promoted = 0
    batch: list[Lead] = []
    for lead in leads.iterator(chunk_size=2000):
        batch.append(lead)
        if len(batch) == 2000:
            promoted += _score_batch(
                workspace, batch, fit, engagement, now, stage_move if promote else None, lead_route
            )
            batch = []
    if batch:
        promoted += _score_batch(
            workspace, batch, fit, engagement, now, stage_move if promote else None, lead_route
        )
    return promoted


def _touches(
    workspace: Workspace, contact_ids: set[int], kinds: set[str], until: dt.datetime
) -> dict[int, list[tuple[str, dt.datetime]]]:
    touches: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)
    if kinds:
        for contact_id, kind, when in Touchpoint.objects.filter(
            workspace=workspace, contact_id__in=contact_ids, kind__in=kinds, occurred_at__lte=until
        ).values_list("contact_id", "kind", "occurred_at"):
            touches[contact_id].append((kind, when))
    return touches


def scores_at(workspace: Workspace, items: list[tuple[Lead, dt.datetime]]) -> list[int]:
    """The score each lead had at its instant (touches until then, decayed as of then) under the
    workspace's current rules: what a promotion at that instant saw."""
    fit, engagement = workspace_rules(workspace.pk)
    touches = _touches(
        workspace,
        {lead.contact_id for lead, _at in items},
        {r.touch_kind for r in engagement},
        max((at for _lead, at in items), default=timezone.now()),
    )
    return [
        score_lead(
            attributes=_attributes(lead),
            touches=[(kind, when) for kind, when in touches[lead.contact_id] if when <= at],
            fit_rules=fit,
            engagement_rules=engagement,
            now=at,
        ).total
        for lead, at in items
    ]


def _score_batch(workspace, batch, fit, engagement, now, move, route) -> int:  # type: ignore[no-untyped-def]
    touches = _touches(
        workspace, {lead.contact_id for lead in batch}, {r.touch_kind for r in engagement}, now
    )
    today = workspace.today(now)
    promoted = 0
    scores: list[tuple[Lead, Score]] = []
    for lead in batch:
        scored = score_lead(
            attributes=_attributes(lead),
            touches=touches[lead.contact_id],
            fit_rules=fit,
            engagement_rules=engagement,
            now=now,
        )
        lead.score = scored.total
        lead.score_detail = [
            {"rule_id": c.rule_id, "name": c.name, "points": c.points, "count": c.count}
            for c in scored.contributions
        ]
        lead.scored_at = now
        scores.append((lead, scored))
    threshold = workspace.mql_threshold
    with transaction.atomic():
        Lead.objects.bulk_update(batch, ["score", "score_detail", "scored_at"])
        if move is None:
            return 0
        for lead, scored in scores:
            if lead.stage == Stage.MQL and lead.owner_id is None:
                route(lead=lead, at=now)  # the fallback may have been set since
            elif scored.total >= threshold and _may_promote(lead, today):
                move(
                    actor=None,
                    workspace_id=workspace.pk,
                    lead=lead,
                    to_stage=Stage.MQL,
                    at=now,
                    rule="scoring",
                    reason_code="score_threshold",
                    reason_params={"score": scored.total, "threshold": threshold},
                )
                route(lead=lead, at=now)
                promoted += 1
    return promoted
