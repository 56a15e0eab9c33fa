"""The pairing page (the proposal, changes by hand, confirmation, the sessions) and the effect
page of a programme. Each action calls its service and goes back to the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, ValidationFailed
from cordee.core.web import workspace_view
from cordee.rituals import pairing as services
from cordee.rituals.effect import Effect, programme_effect
from cordee.rituals.models import PairingState, Programme, ProgrammeState
from cordee.rituals.pairing_selectors import MARKETING, SALES, board, pairing_get, session_get
from cordee.rituals.selectors import participants, programme_get


def _back(actor: Actor, programme: Programme) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("pairing_board", args=[actor.workspace.slug, programme.pk]))


def pairing_context(actor: Actor, programme: Programme) -> dict[str, Any]:
    may = actor.can("programme.write")
    people = list(participants(programme).order_by("user__first_name", "user__last_name", "pk"))
    return {
        "programme": programme,
        "board": board(programme),
        "may_change": may and programme.state == ProgrammeState.OPEN,
        "may_move": may and programme.state != ProgrammeState.CLOSED,
        "marketers": [p for p in people if p.side == MARKETING],
        "salespeople": [p for p in people if p.side == SALES],
        "proposed": PairingState.PROPOSED,
    }


@workspace_view
def pairing_board(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The programme's pairs with their common days, who is left alone and why, the sessions."""
    programme = programme_get(actor=actor, pk=pk)
    return render(request, "rituals/pairing_board.html", pairing_context(actor, programme))


@require_POST
@workspace_view
def pairing_propose(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    programme = programme_get(actor=actor, pk=pk)
    try:
        proposal = services.pairs_propose(actor=actor, programme=programme)
    except Conflict as exc:
        messages.error(request, exc.explained)
    else:
        n = len(proposal.pairs)
        messages.success(
            request,
            ngettext("%(n)s pair proposed.", "%(n)s pairs proposed.", n) % {"n": n},
        )
    return _back(actor, programme)


@require_POST
@workspace_view
def pairing_add(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    programme = programme_get(actor=actor, pk=pk)
    try:
        services.pair_add(
            actor=actor,
            programme=programme,
            marketer=request.POST.get("marketer", ""),
            salesperson=request.POST.get("salesperson", ""),
        )
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.explained)
    else:
        messages.success(request, _("The pair is added; proposing again keeps it."))
    return _back(actor, programme)


@require_POST
@workspace_view
def pairing_drop(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    pairing = pairing_get(actor=actor, pk=pk)
    try:
        services.pair_drop(actor=actor, pairing=pairing)
    except Conflict as exc:
        messages.error(request, exc.explained)
    else:
        messages.success(request, _("The pair is dropped; it will not be proposed again."))
    return _back(actor, pairing.programme)


@require_POST
@workspace_view
def pairing_confirm(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    programme = programme_get(actor=actor, pk=pk)
    try:
        placed = services.pairs_confirm(actor=actor, programme=programme)
    except Conflict as exc:
        messages.error(request, exc.explained)
    else:
        missing = sum(1 for slot in placed.values() if slot is None)
        messages.success(request, _("The pairs are confirmed and both people of each were told."))
        if missing:
            messages.warning(
                request,
                ngettext(
                    "%(n)s pair has no session: no common business day is left.",
                    "%(n)s pairs have no session: no common business day is left.",
                    missing,
                )
                % {"n": missing},
            )
    return _back(actor, programme)


@require_POST
@workspace_view
def session_move(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    session = session_get(actor=actor, pk=pk)
    try:
        services.session_move(actor=actor, session=session, day=request.POST.get("day", ""))
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.explained)
    else:
        messages.success(request, _("The session is moved; both people were told."))
    return _back(actor, session.pairing.programme)


def _shown(kind: str, value: float | None) -> float | None:
    """A value as the page writes it: a rate in percent (its changes in points)."""
    if value is None:
        return None
    return value * 100 if kind == "rate" else value


def effect_rows(effect: Effect) -> list[dict[str, Any]]:
    rows = []
    for line in effect.lines:
        kind = line.measure.kind
        groups = []
        for name, numbers in (
            (_("Participants"), line.row.participants),
            (_("Non-participants"), line.row.others),
        ):
            groups.append(
                {
                    "name": name,
                    "size": numbers.size,
                    "enough": numbers.enough,
                    "before": _shown(kind, numbers.before),
                    "after": _shown(kind, numbers.after),
                    "change": _shown(kind, numbers.change),
                }
            )
        rows.append(
            {
                "key": line.measure.key,
                "side": line.measure.side,
                "label": line.measure.label,
                "unit": line.measure.unit,
                "groups": groups,
                "difference": _shown(kind, line.row.difference),
            }
        )
    return rows


@workspace_view
def programme_effect_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The programme's measured effect: each number per side, both groups, before and after."""
    programme = programme_get(actor=actor, pk=pk)
    effect = programme_effect(programme)
    return render(
        request,
        "rituals/effect_table.html",
        {"programme": programme, "effect": effect, "rows": effect_rows(effect)},
    )
