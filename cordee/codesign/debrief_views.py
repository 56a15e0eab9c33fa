"""The debrief's page (results next to expectations, the ratings, the lessons) and its actions:
open it now, rate the leads, write a side's lessons, reopen. Each action calls the service and
goes back to the page with what happened."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordee.codesign import debrief as services
from cordee.codesign import selectors
from cordee.codesign.debrief_numbers import debrief_numbers, end_date, state_label
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, ValidationFailed
from cordee.core.web import workspace_view
from cordee.crm.models import Campaign


def _back(actor: Actor, campaign: Campaign) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("debrief_detail", args=[actor.workspace.slug, campaign.pk]))


def _refused(request: HttpRequest, exc: Conflict | ValidationFailed) -> None:
    messages.error(request, exc.explained)


def debrief_context(actor: Actor, campaign: Campaign) -> dict[str, Any]:
    """What the page shows (the card on the campaign page reads ``debrief`` alone)."""
    brief = selectors.brief_current(actor=actor, campaign=campaign)
    debrief = selectors.debrief_of(actor=actor, campaign=campaign)
    ratings = list(selectors.debrief_ratings(actor=actor, debrief=debrief)) if debrief else []
    numbers = debrief_numbers(actor.workspace, campaign, brief, debrief)
    open_ = debrief is not None and debrief.completed_at is None
    ended = services.has_ended(campaign, brief, actor.workspace.today())
    return {
        "campaign": campaign,
        "brief": brief,
        "debrief": debrief,
        "end_date": end_date(campaign, brief),
        "numbers": numbers,
        "attribution_state": state_label(numbers.attributed.state),
        "ratings": ratings,
        "mine": next((r for r in ratings if r.rep_id == actor.user.pk), None),
        "may_open": debrief is None and ended and actor.can("debrief.lessons.marketing"),
        "may_rate": open_ and actor.can("debrief.rate"),
        "may_marketing": open_ and actor.can("debrief.lessons.marketing"),
        "may_sales": open_ and actor.can("debrief.lessons.sales"),
        "may_reopen": debrief is not None
        and debrief.completed_at is not None
        and actor.can("debrief.reopen"),
        "scores": range(1, 6),
    }


@workspace_view
def debrief_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The campaign's debrief: results next to the brief's expectations, ratings, lessons."""
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    return render(request, "codesign/debrief.html", debrief_context(actor, campaign))


@require_POST
@workspace_view
def debrief_open(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    try:
        services.debrief_open(actor, campaign)
    except Conflict as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The debrief is open; both sides were told."))
    return _back(actor, campaign)


@require_POST
@workspace_view
def debrief_rate(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    try:
        services.rating_set(
            actor, campaign, request.POST.get("rating"), request.POST.get("comment", "")
        )
    except (Conflict, ValidationFailed) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Your rating is saved."))
    return _back(actor, campaign)


@require_POST
@workspace_view
def debrief_lessons(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    try:
        debrief = services.lessons_set(
            actor, campaign, request.POST.get("side", ""), request.POST.get("text", "")
        )
    except (Conflict, ValidationFailed) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("Lessons saved: the debrief is complete.")
            if debrief.completed_at
            else _("Lessons saved."),
        )
    return _back(actor, campaign)


@require_POST
@workspace_view
def debrief_reopen(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    try:
        services.debrief_reopen(actor, campaign)
    except Conflict as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The debrief is open again."))
    return _back(actor, campaign)
