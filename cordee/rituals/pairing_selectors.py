"""The pairing's reads: the solver's view of a programme's participants (sides, pods, capacity,
days), the earlier pairs it must not repeat, and the board the page and the API show (pairs with
their common days, unpaired people with the reason, sessions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cordee.analytics.pairing import Person, Unpaired, cross_pod, why_unpaired
from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.people.models import PodMember
from cordee.rituals.models import (
    ExchangeSession,
    Pairing,
    PairingState,
    Participant,
    Programme,
)
from cordee.rituals.selectors import participants

MARKETING, SALES = "marketing", "sales"


def reason_label(reason: Unpaired) -> str:
    return {
        Unpaired.NO_COMMON_DAY: _("No available day in common with anyone on the other side."),
        Unpaired.EARLIER_PARTNERS: _("Only people they were paired with before share a day."),
        Unpaired.PARTNERS_FULL: _("Everyone they could pair with is already at capacity."),
        Unpaired.PARTNER_FREE: _("Someone they could pair with still has room."),
    }[reason]


def days_of(participant: Participant) -> frozenset[dt.date]:
    """The participant's available days inside the programme (ISO strings stored; bad ones
    ignored)."""
    programme = participant.programme
    out = set()
    for value in participant.available_days or []:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            continue
        if programme.starts_on <= day <= programme.ends_on:
            out.add(day)
    return frozenset(out)


def capacity_of(participant: Participant) -> int:
    """A host receives up to its capacity; anyone else takes part in one pair."""
    return participant.capacity if participant.is_host else 1


def people_of(programme: Programme) -> dict[int, tuple[Participant, Person]]:
    """Each active participant of either side, with the solver's view of them."""
    rows = [
        p
        for p in participants(programme).select_related("programme")
        if p.side in (MARKETING, SALES)
    ]
    pods: dict[int, set[int]] = {}
    for user_id, pod_id in PodMember.objects.filter(
        pod__workspace_id=programme.workspace_id, user_id__in=[p.user_id for p in rows]
    ).values_list("user_id", "pod_id"):
        pods.setdefault(user_id, set()).add(pod_id)
    return {
        p.pk: (
            p,
            Person(
                id=p.pk,
                pods=frozenset(pods.get(p.user_id, ())),
                capacity=capacity_of(p),
                days=days_of(p),
            ),
        )
        for p in rows
    }


def forbidden_of(
    programme: Programme, people: dict[int, tuple[Participant, Person]]
) -> set[tuple[int, int]]:
    """(marketer, salesperson) participant ids of this programme that must not be paired: the
    same two people were paired in an earlier programme (any pair of a programme starting
    before this one), or their pair was dropped in this one."""
    earlier = Pairing.objects.filter(
        Q(programme__starts_on__lt=programme.starts_on) & ~Q(programme=programme),
        workspace_id=programme.workspace_id,
    ).values_list("marketer__user_id", "salesperson__user_id")
    user_pairs = set(earlier)
    dropped = set(
        programme.pairings.filter(state=PairingState.DROPPED).values_list(
            "marketer_id", "salesperson_id"
        )
    )
    by_user = {p.user_id: pk for pk, (p, _person) in people.items()}
    out = {(by_user[m], by_user[s]) for m, s in user_pairs if m in by_user and s in by_user}
    return out | dropped


def pairings_live(programme: Programme) -> QuerySet[Pairing]:
    """The programme's pairs that are not dropped."""
    return (
        programme.pairings.exclude(state=PairingState.DROPPED)
        .select_related("marketer__user", "salesperson__user")
        .order_by("id")
    )


def pairing_get(*, actor: Actor, pk: int) -> Pairing:
    pairing = (
        Pairing.objects.filter(workspace=actor.workspace, pk=pk)
        .select_related("programme", "marketer__user", "salesperson__user")
        .first()
    )
    if pairing is None:
        raise NotFound(_("Pair not found."))
    return pairing


def session_get(*, actor: Actor, pk: int) -> ExchangeSession:
    session = (
        ExchangeSession.objects.filter(workspace=actor.workspace, pk=pk)
        .select_related(
            "pairing__programme", "pairing__marketer__user", "pairing__salesperson__user", "host"
        )
        .first()
    )
    if session is None:
        raise NotFound(_("Session not found."))
    return session


def sessions_of(programme: Programme) -> QuerySet[ExchangeSession]:
    return (
        ExchangeSession.objects.filter(pairing__programme=programme)
        .exclude(pairing__state=PairingState.DROPPED)
        .select_related("pairing__marketer__user", "pairing__salesperson__user", "host__user")
        .order_by("starts_at", "id")
    )


@dataclass(frozen=True)
class PairRow:
    pairing: Pairing
    days: tuple[dt.date, ...]
    cross_pod: bool


@dataclass(frozen=True)
class UnpairedRow:
    participant: Participant
    reason: Unpaired

    @property
    def reason_text(self) -> str:
        return reason_label(self.reason)


@dataclass(frozen=True)
class Board:
    pairs: list[PairRow]
    unpaired: list[UnpairedRow]
    sessions: list[ExchangeSession]


def pair_row(pairing: Pairing) -> PairRow:
    """One pair with its common days and whether it crosses pods."""
    m, s = pairing.marketer, pairing.salesperson
    pods: dict[int, set[int]] = {m.user_id: set(), s.user_id: set()}
    for user_id, pod_id in PodMember.objects.filter(
        pod__workspace_id=pairing.workspace_id, user_id__in=list(pods)
    ).values_list("user_id", "pod_id"):
        pods[user_id].add(pod_id)
    return PairRow(
        pairing, tuple(sorted(days_of(m) & days_of(s))), not (pods[m.user_id] & pods[s.user_id])
    )


def board(programme: Programme) -> Board:
    """What the pairing page and the API show: the pairs not dropped, with their common days and
    whether they cross pods; each active participant without one, and why; the sessions."""
    people = people_of(programme)
    live = list(pairings_live(programme))
    load: dict[int, int] = {}
    rows = []
    for pairing in live:
        for pk in (pairing.marketer_id, pairing.salesperson_id):
            load[pk] = load.get(pk, 0) + 1
        m = people.get(pairing.marketer_id)
        s = people.get(pairing.salesperson_id)
        if m is None or s is None:  # someone withdrew since: shown without days
            rows.append(PairRow(pairing, (), True))
            continue
        rows.append(PairRow(pairing, tuple(sorted(m[1].days & s[1].days)), cross_pod(m[1], s[1])))
    why = why_unpaired(
        [person for p, person in people.values() if p.side == MARKETING],
        [person for p, person in people.values() if p.side == SALES],
        forbidden=forbidden_of(programme, people),
        load=load,
    )
    unpaired = [
        UnpairedRow(people[pk][0], reason)
        for pk, reason in sorted(why.items(), key=lambda kv: (people[kv[0]][0].side, kv[0]))
    ]
    return Board(rows, unpaired, list(sessions_of(programme)))
