"""The pairing's writes (``programme.write``: managers), each checked, atomic and audited:

- ``pairs_propose``: the solver's pairs (``analytics/pairing.py``) replace the previous
  proposal; pairs set by hand stay and count as fixed; while the programme is open.
- ``pair_add``: a pair by hand. Refused when the two were paired before (an earlier programme,
  or dropped here), when they share no available day, or when one of them is at capacity.
- ``pair_drop``: the pair stays, dropped (it is never proposed again); its sessions go.
- ``pairs_confirm``: the proposed pairs are confirmed, their sessions placed on the business
  calendar (``scheduling.py``), both people told; the programme becomes *paired*.
- ``session_move``: a session to another day, under the same rules as the placement.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cordee.analytics.pairing import Proposal
from cordee.analytics.pairing import pairs_propose as solve
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, ValidationFailed
from cordee.funnel.sla import workspace_calendar
from cordee.people.services import notification_new, notifications_send
from cordee.rituals.models import (
    ExchangeSession,
    Pairing,
    PairingState,
    Participant,
    Programme,
    ProgrammeState,
)
from cordee.rituals.pairing_notices import PAIR_CONFIRMED, SESSION_MOVED
from cordee.rituals.pairing_selectors import (
    MARKETING,
    SALES,
    days_of,
    forbidden_of,
    pairings_live,
    people_of,
)
from cordee.rituals.scheduling import (
    PairDays,
    Slot,
    business_windows,
    host_of,
    sessions_place,
    slot_from,
)

audit.audit_kind_register("programmes", Programme._meta.verbose_name, Programme)
audit.audit_kind_register("pairings", Pairing._meta.verbose_name, Pairing)
audit.audit_kind_register("exchange-sessions", ExchangeSession._meta.verbose_name, ExchangeSession)


def _name(participant: Participant) -> str:
    return participant.user.get_full_name() or participant.user.email


def _label(pairing: Pairing) -> str:
    return f"{_name(pairing.marketer)} ↔ {_name(pairing.salesperson)}"


def _open(programme: Programme) -> None:
    if programme.state != ProgrammeState.OPEN:
        raise Conflict(_("The pairs of this programme are confirmed: they change no more."))


def _locked(programme: Programme) -> Programme:
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    programme.state = locked.state
    return locked


# -- proposing -------------------------------------------------------------------------------------


def pairs_propose(*, actor: Actor, programme: Programme) -> Proposal:
    """Replace the proposed pairs the solver wrote with its new answer; pairs set by hand are
    kept and count as fixed."""
    actor.require("programme.write")
    with transaction.atomic():
        _open(_locked(programme))
        programme.pairings.filter(state=PairingState.PROPOSED, manual=False).delete()
        people = people_of(programme)
        kept = [
            (p.marketer_id, p.salesperson_id)
            for p in pairings_live(programme)
            if p.marketer_id in people and p.salesperson_id in people
        ]
        try:
            proposal = solve(
                [person for p, person in people.values() if p.side == MARKETING],
                [person for p, person in people.values() if p.side == SALES],
                forbidden=forbidden_of(programme, people),
                fixed=kept,
            )
        except ValueError as exc:  # pairs by hand beyond a capacity lowered since
            raise Conflict(
                _("The pairs set by hand exceed someone’s capacity: drop one first.")
            ) from exc
        Pairing.objects.bulk_create(
            Pairing(
                workspace=programme.workspace,
                programme=programme,
                marketer_id=pair.marketer,
                salesperson_id=pair.salesperson,
                created_by=actor.user,
            )
            for pair in proposal.pairs
            if not pair.fixed
        )
        audit.audit_write(
            actor=actor,
            action="pairs_propose",
            target="programmes",
            target_id=programme.pk,
            target_label=programme.name,
            after={
                "pairs": [[p.marketer, p.salesperson] for p in proposal.pairs],
                "unpaired": {str(k): str(v) for k, v in proposal.unpaired.items()},
            },
        )
    return proposal


# -- by hand ----------------------------------------------------------------------------------------


def _participant(programme: Programme, pk: Any, side: str) -> Participant:
    found = (
        programme.participants.filter(pk=pk, withdrawn_at__isnull=True, side=side)
        .select_related("user", "programme")
        .first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        field = "marketer" if side == MARKETING else "salesperson"
        raise ValidationFailed(
            _("Choose a participant of this programme on that side."),
            field_errors={field: [_("Not a participant on this side.")]},
        )
    return found


def pair_add(*, actor: Actor, programme: Programme, marketer: Any, salesperson: Any) -> Pairing:
    """A pair set by hand (kept when the solver proposes again)."""
    actor.require("programme.write")
    with transaction.atomic():
        _open(_locked(programme))
        m = _participant(programme, marketer, MARKETING)
        s = _participant(programme, salesperson, SALES)
        people = people_of(programme)
        if (m.pk, s.pk) in forbidden_of(programme, people):
            raise ValidationFailed(_("These two were paired before: a pair is never repeated."))
        existing = programme.pairings.filter(marketer=m, salesperson=s).first()
        if existing is not None:  # the solver's proposal: now kept by hand
            existing.manual = True
            existing.save(update_fields=["manual", "updated_at"])
            return existing
        if not days_of(m) & days_of(s):
            raise ValidationFailed(_("These two have no available day in common."))
        live = pairings_live(programme)
        for who, person in ((m, people[m.pk][1]), (s, people[s.pk][1])):
            used = live.filter(
                **{"marketer" if who.side == MARKETING else "salesperson": who}
            ).count()
            if used >= person.capacity:
                raise ValidationFailed(_("%(name)s is already at capacity.") % {"name": _name(who)})
        pairing = Pairing.objects.create(
            workspace=programme.workspace,
            programme=programme,
            marketer=m,
            salesperson=s,
            manual=True,
            created_by=actor.user,
        )
        audit.audit_write(
            actor=actor,
            action="create",
            target="pairings",
            target_id=pairing.pk,
            target_label=_label(pairing),
            after={"programme": programme.name, "manual": True},
        )
    return pairing


def pair_drop(*, actor: Actor, pairing: Pairing) -> Pairing:
    """Drop a pair (kept as dropped: never proposed again); its sessions are removed."""
    actor.require("programme.write")
    with transaction.atomic():
        programme = _locked(pairing.programme)
        if programme.state == ProgrammeState.CLOSED:
            raise Conflict(_("The programme is closed."))
        if pairing.state == PairingState.DROPPED:
            return pairing
        before = pairing.state
        pairing.state = PairingState.DROPPED
        pairing.save(update_fields=["state", "updated_at"])
        pairing.sessions.all().delete()
        audit.audit_write(
            actor=actor,
            action="pair_drop",
            target="pairings",
            target_id=pairing.pk,
            target_label=_label(pairing),
            before={"state": before},
            after={"state": pairing.state},
        )
    return pairing


# -- confirming and scheduling ------------------------------------------------------------------------


def _first_day(programme: Programme) -> dt.date:
    return max(programme.starts_on, programme.workspace.today())


def _busy(programme: Programme, leaving: int | None = None) -> dict[int, set[dt.date]]:
    """The days each participant already has a session of the programme (``leaving``: a session
    left out, the one being moved)."""
    zone = programme.workspace.zone
    busy: dict[int, set[dt.date]] = {}
    rows = ExchangeSession.objects.filter(pairing__programme=programme).exclude(
        pairing__state=PairingState.DROPPED
    )
    if leaving is not None:
        rows = rows.exclude(pk=leaving)
    for m, s, start, end in rows.values_list(
        "pairing__marketer_id", "pairing__salesperson_id", "starts_at", "ends_at"
    ):
        day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        while day <= last:
            for person in (m, s):
                busy.setdefault(person, set()).add(day)
            day += dt.timedelta(days=1)
    return busy


def _host(pairing: Pairing) -> Participant:
    who = host_of(pairing.marketer.is_host, pairing.salesperson.is_host)
    return pairing.marketer if who == "marketer" else pairing.salesperson


def _local(value: dt.datetime, programme: Programme) -> str:
    return value.astimezone(programme.workspace.zone).isoformat()


def pairs_confirm(*, actor: Actor, programme: Programme) -> dict[int, Slot | None]:
    """Confirm the proposed pairs, place their sessions, tell both people; the programme becomes
    *paired*. Returns each pair's session (None: no usable common business day)."""
    actor.require("programme.write")
    with transaction.atomic():
        _open(_locked(programme))
        pairs = list(pairings_live(programme).filter(state=PairingState.PROPOSED))
        if not pairs:
            raise Conflict(_("There is no proposed pair to confirm."))
        placed = sessions_place(
            workspace_calendar(programme.workspace),
            [
                PairDays(
                    p.pk,
                    (p.marketer_id, p.salesperson_id),
                    days_of(p.marketer) & days_of(p.salesperson),
                )
                for p in pairs
            ],
            minutes=programme.session_minutes,
            first=_first_day(programme),
            last=programme.ends_on,
            busy=_busy(programme),
        )
        for pairing in pairs:
            pairing.state = PairingState.CONFIRMED
        Pairing.objects.bulk_update(pairs, ["state"])
        ExchangeSession.objects.bulk_create(
            ExchangeSession(
                workspace=programme.workspace,
                pairing=pairing,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                host=_host(pairing),
            )
            for pairing in pairs
            if (slot := placed[pairing.pk]) is not None
        )
        programme.state = ProgrammeState.PAIRED
        programme.save(update_fields=["state", "updated_at"])
        audit.audit_write(
            actor=actor,
            action="pairs_confirm",
            target="programmes",
            target_id=programme.pk,
            target_label=programme.name,
            before={"state": ProgrammeState.OPEN},
            after={
                "state": ProgrammeState.PAIRED,
                "pairs": [p.pk for p in pairs],
                "unscheduled": [p.pk for p in pairs if placed[p.pk] is None],
            },
        )
        _tell_confirmed(programme, pairs, placed)
    return placed


def _tell_confirmed(
    programme: Programme, pairs: list[Pairing], placed: dict[int, Slot | None]
) -> None:
    url = reverse("pairing_board", args=[programme.workspace.slug, programme.pk])
    notes = []
    for pairing in pairs:
        slot = placed[pairing.pk]
        host = _host(pairing)
        for me, other in (
            (pairing.marketer, pairing.salesperson),
            (pairing.salesperson, pairing.marketer),
        ):
            params: dict[str, Any] = {"programme": programme.name, "partner": _name(other)}
            if slot is not None:
                params |= {
                    "starts": _local(slot.starts_at, programme),
                    "ends": _local(slot.ends_at, programme),
                    "hosting": me.pk == host.pk,
                }
            notes.append(
                notification_new(
                    workspace=programme.workspace,
                    user=me.user,
                    kind="exchange",
                    key=f"rituals.pair_confirmed:{pairing.pk}",
                    code=PAIR_CONFIRMED,
                    params=params,
                    url=url,
                )
            )
    notifications_send(notifications=notes)


def session_move(*, actor: Actor, session: ExchangeSession, day: Any) -> ExchangeSession:
    """Move a session to ``day`` (ISO date): a common available day of the pair, a business day
    inside the programme, from today on, when neither person has another session then."""
    actor.require("programme.write")
    try:
        target = dt.date.fromisoformat(str(day))
    except ValueError as exc:
        raise ValidationFailed(
            _("Choose a day."), field_errors={"day": [_("Enter a date as YYYY-MM-DD.")]}
        ) from exc
    pairing = session.pairing
    with transaction.atomic():
        programme = _locked(pairing.programme)
        if programme.state == ProgrammeState.CLOSED:
            raise Conflict(_("The programme is closed."))
        common = days_of(pairing.marketer) & days_of(pairing.salesperson)
        if target not in common:
            raise ValidationFailed(_("That day is not an available day of both people."))
        if not (_first_day(programme) <= target <= programme.ends_on):
            raise ValidationFailed(_("That day is not inside the programme, from today on."))
        busy = _busy(programme, leaving=session.pk)
        taken = busy.get(pairing.marketer_id, set()) | busy.get(pairing.salesperson_id, set())
        windows = business_windows(
            workspace_calendar(programme.workspace), target, programme.ends_on
        )
        if target not in windows:
            raise ValidationFailed(_("That day is not a business day of the workspace."))
        slot = slot_from(target, windows, common - taken, programme.session_minutes * 60)
        if slot is None:
            raise ValidationFailed(
                _("One of them already has a session then, or the session does not fit.")
            )
        before = {"starts_at": session.starts_at, "ends_at": session.ends_at}
        session.starts_at, session.ends_at = slot.starts_at, slot.ends_at
        session.save(update_fields=["starts_at", "ends_at", "updated_at"])
        audit.audit_write(
            actor=actor,
            action="session_move",
            target="exchange-sessions",
            target_id=session.pk,
            target_label=_label(pairing),
            before=before,
            after={"starts_at": session.starts_at, "ends_at": session.ends_at},
        )
        url = reverse("pairing_board", args=[programme.workspace.slug, programme.pk])
        notifications_send(
            notifications=[
                notification_new(
                    workspace=programme.workspace,
                    user=me.user,
                    kind="exchange",
                    key=f"rituals.session_moved:{session.pk}:{session.starts_at.isoformat()}",
                    code=SESSION_MOVED,
                    params={
                        "programme": programme.name,
                        "partner": _name(other),
                        "starts": _local(session.starts_at, programme),
                    },
                    url=url,
                )
                for me, other in (
                    (pairing.marketer, pairing.salesperson),
                    (pairing.salesperson, pairing.marketer),
                )
            ]
        )
    return session
