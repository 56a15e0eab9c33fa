"""REST endpoints of the campaign debrief: read it (numbers, ratings, lessons), open it now, rate
the leads, write a side's lessons, reopen it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from cordee.codesign import debrief as services
from cordee.codesign import selectors
from cordee.codesign.debrief_numbers import DebriefNumbers, debrief_numbers
from cordee.codesign.models import Debrief
from cordee.codesign.schemas import DebriefOut, LessonsIn, RatingIn, RatingOut
from cordee.core.actor import Actor
from cordee.core.api import current_actor
from cordee.core.errors import NotFound
from cordee.core.schemas import PathId
from cordee.crm.models import Campaign

router = Router(tags=["Campaign debriefs"])


def _ratio(numerator: int, denominator: int) -> dict[str, Any]:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "value": numerator / denominator if denominator else None,
    }


def numbers_out(n: DebriefNumbers) -> dict[str, Any]:
    a = n.attributed
    return {
        "currency": n.currency,
        "window_start": n.start,
        "window_end": n.end,
        "expected_mqls": n.expected_mqls,
        "expected_sqls": n.expected_sqls,
        "expected_pipeline": n.expected_pipeline,
        "mqls": n.mqls,
        "sals": n.sals,
        "mqls_decided": n.decided,
        "acceptance_rate": _ratio(n.acceptance.numerator, n.acceptance.denominator),
        "rejected": n.rejected,
        "rejection_reasons": [{"reason": r, "count": c} for r, c in n.reasons],
        "sqls": n.sqls,
        "pipeline_sourced": n.pipeline_sourced,
        "attributed": {
            "state": a.state,
            "model": a.model,
            "period": a.period_key,
            "period_start": a.period_start,
            "period_end": a.period_end,
            "pipeline": a.pipeline,
            "revenue": a.revenue,
        },
        "cost_per_mql": {
            "budget": n.budget,
            "count": n.cost_per_mql.count,
            "value": n.cost_per_mql.value,
        },
        "cost_per_sql": {
            "budget": n.budget,
            "count": n.cost_per_sql.count,
            "value": n.cost_per_sql.value,
        },
        "rating": _ratio(n.rating_total, n.ratings),
    }


def _debrief(actor: Actor, campaign: Campaign) -> Debrief:
    debrief = selectors.debrief_of(actor=actor, campaign=campaign)
    if debrief is None:
        raise NotFound(_("The debrief of this campaign is not open yet."))
    return debrief


def debrief_out(actor: Actor, campaign: Campaign) -> dict[str, Any]:
    debrief = _debrief(actor, campaign)
    brief = selectors.brief_current(actor=actor, campaign=campaign)
    ratings = list(selectors.debrief_ratings(actor=actor, debrief=debrief))
    return {
        "campaign": campaign.pk,
        "opened_at": debrief.opened_at,
        "completed_at": debrief.completed_at,
        "discussed_at": debrief.discussed_at,
        "lessons_marketing": debrief.lessons_marketing,
        "lessons_sales": debrief.lessons_sales,
        "ratings": [_rating(r) for r in ratings],
        "numbers": numbers_out(debrief_numbers(actor.workspace, campaign, brief, debrief)),
    }


def _rating(r: Any) -> dict[str, Any]:
    return {
        "rep_id": r.rep_id,
        "rep_name": r.rep.get_full_name() or r.rep.email,
        "rating": r.rating,
        "comment": r.comment,
        "rated_at": r.rated_at,
    }


@router.get("/campaigns/{pk}/debrief", response=DebriefOut, operation_id="debrief_get")
def debrief_get(request: HttpRequest, pk: PathId) -> Any:
    """The campaign's debrief: its numbers next to the brief's expectations (every ratio with its
    numerator and denominator), the reps' ratings and both sides' lessons; 404 until opened."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    return debrief_out(actor, campaign)


@router.post("/campaigns/{pk}/debrief/open", response=DebriefOut, operation_id="debrief_open")
def debrief_open(request: HttpRequest, pk: PathId) -> Any:
    """Open the debrief now (marketing; after the campaign's end date, else 409); an open one is
    answered as it is. Both sides are notified."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    services.debrief_open(actor, campaign)
    return debrief_out(actor, campaign)


@router.put("/campaigns/{pk}/debrief/rating", response=RatingOut, operation_id="debrief_rate")
def debrief_rate(request: HttpRequest, pk: PathId, payload: RatingIn) -> Any:
    """The calling rep's rating of the campaign's leads (1–5, a comment), created or replaced;
    409 once the debrief is complete."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    row = services.rating_set(actor, campaign, payload.rating, payload.comment)
    return _rating(row)


@router.put("/campaigns/{pk}/debrief/lessons", response=DebriefOut, operation_id="debrief_lessons")
def debrief_lessons(request: HttpRequest, pk: PathId, payload: LessonsIn) -> Any:
    """One side's lessons learned (``side``: marketing or sales, the caller's); the debrief is
    complete when both are written. 409 once complete."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    services.lessons_set(actor, campaign, payload.side, payload.text)
    return debrief_out(actor, campaign)


@router.post("/campaigns/{pk}/debrief/reopen", response=DebriefOut, operation_id="debrief_reopen")
def debrief_reopen(request: HttpRequest, pk: PathId) -> Any:
    """A manager reopens a complete debrief (409 when it is not complete)."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    services.debrief_reopen(actor, campaign)
    return debrief_out(actor, campaign)
