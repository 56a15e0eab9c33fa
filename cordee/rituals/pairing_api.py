"""REST endpoints of the pairing: the board (pairs, who is left alone and why), proposing,
adding and dropping pairs, confirming them, the sessions and moving one, and the measured
effect. Writes need ``programme.write``; every member of the workspace reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from cordee.core.api import current_actor
from cordee.core.schemas import Id, InSchema, PathId
from cordee.rituals import pairing as services
from cordee.rituals.effect import Effect, programme_effect
from cordee.rituals.models import ExchangeSession, Pairing, Programme
from cordee.rituals.pairing_selectors import (
    board,
    pair_row,
    pairing_get,
    session_get,
    sessions_of,
)
from cordee.rituals.selectors import programme_get

router = Router(tags=["rituals"])


class PairingOut(Schema):
    id: int
    programme: int
    marketer: int  # participant ids
    salesperson: int
    marketer_name: str
    salesperson_name: str
    state: str
    manual: bool
    days: list[dt.date]
    cross_pod: bool


class PairingUnpairedOut(Schema):
    participant: int
    name: str
    side: str
    reason: str  # no_common_day | earlier_partners | partners_full | partner_free
    reason_text: str


class PairingBoardOut(Schema):
    programme: int
    state: str
    pairs: list[PairingOut]
    unpaired: list[PairingUnpairedOut]


class PairingIn(InSchema):
    marketer: Id
    salesperson: Id


class ExchangeSessionOut(Schema):
    id: int
    pairing: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    host: int


class ExchangeSessionMoveIn(InSchema):
    day: dt.date


class EffectGroupOut(Schema):
    size: int
    enough: bool  # False: fewer than the minimum, no number shown
    before: float | None
    after: float | None
    change: float | None


class EffectLineOut(Schema):
    key: str
    side: str
    kind: str
    participants: EffectGroupOut
    others: EffectGroupOut
    difference: float | None


class ProgrammeEffectOut(Schema):
    programme: int
    minimum_group: int
    before_start: dt.date | None
    before_end: dt.date | None
    after_start: dt.date | None
    after_end: dt.date | None
    lines: list[EffectLineOut]


def _name(p: Any) -> str:
    return str(p.user.get_full_name() or p.user.email)


def _pair(pairing: Pairing, days: Any, cross: bool) -> dict[str, Any]:
    return {
        "id": pairing.pk,
        "programme": pairing.programme_id,
        "marketer": pairing.marketer_id,
        "salesperson": pairing.salesperson_id,
        "marketer_name": _name(pairing.marketer),
        "salesperson_name": _name(pairing.salesperson),
        "state": pairing.state,
        "manual": pairing.manual,
        "days": list(days),
        "cross_pod": cross,
    }


def board_out(programme: Programme) -> dict[str, Any]:
    b = board(programme)
    return {
        "programme": programme.pk,
        "state": programme.state,
        "pairs": [_pair(r.pairing, r.days, r.cross_pod) for r in b.pairs],
        "unpaired": [
            {
                "participant": r.participant.pk,
                "name": _name(r.participant),
                "side": r.participant.side,
                "reason": str(r.reason),
                "reason_text": r.reason_text,
            }
            for r in b.unpaired
        ],
    }


def _session(s: ExchangeSession) -> dict[str, Any]:
    return {
        "id": s.pk,
        "pairing": s.pairing_id,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "host": s.host_id,
    }


def _group(g: Any) -> dict[str, Any]:
    return {
        "size": g.size,
        "enough": g.enough,
        "before": g.before,
        "after": g.after,
        "change": g.change,
    }


def effect_out(programme: Programme, effect: Effect) -> dict[str, Any]:
    w = effect.windows
    return {
        "programme": programme.pk,
        "minimum_group": effect.minimum,
        "before_start": w.before.start if w else None,
        "before_end": w.before.end if w else None,
        "after_start": w.after.start if w else None,
        "after_end": w.after.end if w else None,
        "lines": [
            {
                "key": line.measure.key,
                "side": line.measure.side,
                "kind": line.measure.kind,
                "participants": _group(line.row.participants),
                "others": _group(line.row.others),
                "difference": line.row.difference,
            }
            for line in effect.lines
        ],
    }


@router.get(
    "/programmes/{pk}/pairings", response=PairingBoardOut, operation_id="programme_pairings"
)
def programme_pairings(request: HttpRequest, pk: PathId) -> Any:
    """The programme's pairs (not dropped) with their common days and whether they cross pods,
    and each participant without a pair with the reason."""
    programme = programme_get(actor=current_actor(request), pk=pk)
    return board_out(programme)


@router.post(
    "/programmes/{pk}/pairings/propose",
    response=PairingBoardOut,
    operation_id="programme_pairings_propose",
)
def programme_pairings_propose(request: HttpRequest, pk: PathId) -> Any:
    """The solver's pairs replace the previous proposal (pairs set by hand stay); 409 once the
    pairs are confirmed."""
    actor = current_actor(request)
    programme = programme_get(actor=actor, pk=pk)
    services.pairs_propose(actor=actor, programme=programme)
    return board_out(programme)


@router.post(
    "/programmes/{pk}/pairings",
    response={201: PairingOut},
    operation_id="programme_pairing_add",
)
def programme_pairing_add(request: HttpRequest, pk: PathId, payload: PairingIn) -> Any:
    """A pair by hand (participant ids): 422 when the two were paired before, share no
    available day, or one of them is at capacity."""
    actor = current_actor(request)
    programme = programme_get(actor=actor, pk=pk)
    pairing = services.pair_add(
        actor=actor,
        programme=programme,
        marketer=payload.marketer,
        salesperson=payload.salesperson,
    )
    row = pair_row(pairing)
    return 201, _pair(pairing, row.days, row.cross_pod)


@router.delete("/pairings/{pk}", response=PairingOut, operation_id="pairing_drop")
def pairing_drop(request: HttpRequest, pk: PathId) -> Any:
    """Drop a pair: it stays, dropped, and is never proposed again; its sessions go."""
    actor = current_actor(request)
    pairing = services.pair_drop(actor=actor, pairing=pairing_get(actor=actor, pk=pk))
    row = pair_row(pairing)
    return _pair(pairing, row.days, row.cross_pod)


@router.post(
    "/programmes/{pk}/pairings/confirm",
    response=list[ExchangeSessionOut],
    operation_id="programme_pairings_confirm",
)
def programme_pairings_confirm(request: HttpRequest, pk: PathId) -> Any:
    """Confirm the proposed pairs, place their sessions, tell both people (409 with no proposed
    pair, or once confirmed). Answers the programme's sessions."""
    actor = current_actor(request)
    programme = programme_get(actor=actor, pk=pk)
    services.pairs_confirm(actor=actor, programme=programme)
    return [_session(s) for s in sessions_of(programme)]


@router.get(
    "/programmes/{pk}/sessions",
    response=list[ExchangeSessionOut],
    operation_id="programme_sessions",
)
def programme_sessions(request: HttpRequest, pk: PathId) -> Any:
    """The programme's sessions, in time order."""
    programme = programme_get(actor=current_actor(request), pk=pk)
    return [_session(s) for s in sessions_of(programme)]


@router.patch(
    "/exchange-sessions/{pk}", response=ExchangeSessionOut, operation_id="exchange_session_move"
)
def exchange_session_move(request: HttpRequest, pk: PathId, payload: ExchangeSessionMoveIn) -> Any:
    """Move a session to another day (a common available day, a business day inside the
    programme, from today on, neither person busy then); 422 otherwise."""
    actor = current_actor(request)
    session = services.session_move(
        actor=actor, session=session_get(actor=actor, pk=pk), day=payload.day
    )
    return _session(session)


@router.get("/programmes/{pk}/effect", response=ProgrammeEffectOut, operation_id="programme_effect")
def programme_effect_get(request: HttpRequest, pk: PathId) -> Any:
    """The measured effect: per number, both groups' sizes, before and after values, changes
    and the difference-in-differences (no value for a group under ``minimum_group`` people;
    rates as fractions, times in business hours, feedback raised per person per 30 days)."""
    programme = programme_get(actor=current_actor(request), pk=pk)
    return effect_out(programme, programme_effect(programme))
