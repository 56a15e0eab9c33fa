"""Vis-ma-vie programmes: their writes (create, change, close; sign up, change one's sign-up,
withdraw) and the reads their pages and API share. Each write is checked, atomic and audited.

The rules, in one place:

- **Who.** Managers (``programme.write``) open, change and close programmes and may sign a
  member up on their behalf; anyone with ``programme.join`` signs themselves up.
- **Side.** A participant's side is their role's side when they sign up (marketing or sales,
  the pairing's two sides), kept on the row; anyone else is refused.
- **When.** Sign-up is open while the programme is open for sign-up and until ``signup_until``
  (inclusive; by default the day before the programme starts). Learning goals are required at
  sign-up and may be changed until the programme starts; the days, the host flag and the
  capacity while sign-up is open (a manager: until the pairs are confirmed).
- **Days.** Available days are dates inside the programme on which the workspace works: a
  weekend, a public holiday of its calendar or one of its added days off is refused, named.
- **Hosts.** A host receives 1–20 visitors; anyone else is one pair (capacity 1).
- **Withdrawing.** The participant withdraws until their pairs are confirmed; after that only a
  manager withdraws them (their confirmed pairs are dropped, their sessions to come removed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.business_time import BusinessCalendar
from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.funnel.sla import workspace_calendar
from cordee.rituals.models import (
    ExchangeSession,
    Pairing,
    PairingState,
    Participant,
    Programme,
    ProgrammeFormat,
    ProgrammeState,
)
from cordee.rituals.selectors import participants, programmes
from cordee.tenancy.models import Membership, User
from cordee.tenancy.roles import Side, side_of

SIDES = (Side.MARKETING, Side.SALES)
CAPACITY_MAX = 20
LONGEST_DAYS = 366  # a programme's length at most, in days
GOALS_MAX = 5000
# a session's length by default, by format (a working day is about seven hours)
SESSION_MINUTES = {
    ProgrammeFormat.SHADOW_HALF_DAY: 210,
    ProgrammeFormat.SHADOW_DAY: 420,
    ProgrammeFormat.SWAP_WEEK: 5 * 420,
}
PROGRAMME_FIELDS = ("name", "format", "description", "signup_until", "session_minutes")
DATE_FIELDS = ("starts_on", "ends_on")
AUDITED = (
    "name",
    "format",
    "description",
    "starts_on",
    "ends_on",
    "signup_until",
    "session_minutes",
    "state",
)
PARTICIPANT_AUDITED = ("side", "is_host", "capacity", "available_days", "learning_goals")

# "exchange programme" in English (the model's name keeps the French words, "vis-ma-vie")
audit.audit_kind_register("programmes", gettext_lazy("exchange programme"), Programme)
audit.audit_kind_register("participants", Participant._meta.verbose_name, Participant)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(_("Some fields are not valid."), field_errors={field: [message]})


# -- reads -------------------------------------------------------------------------------------


def programme_list(actor: Actor) -> QuerySet[Programme]:
    """The workspace's programmes, newest first, with their participants counted by side."""
    live = Q(participants__withdrawn_at__isnull=True)
    return programmes(actor).annotate(
        marketers=Count("participants", filter=live & Q(participants__side=Side.MARKETING)),
        salespeople=Count("participants", filter=live & Q(participants__side=Side.SALES)),
    )


def participant_get(*, actor: Actor, pk: int) -> Participant:
    """A participant of one of the workspace's programmes (another workspace's: 404)."""
    found = (
        Participant.objects.filter(workspace=actor.workspace, pk=pk)
        .select_related("programme", "user")
        .first()
    )
    if found is None:
        raise NotFound(_("Participant not found."))
    return found


def participant_of(actor: Actor, programme: Programme) -> Participant | None:
    """The actor's own row in the programme (withdrawn or not), if any."""
    return programme.participants.filter(user=actor.user).first()


def by_side(programme: Programme) -> dict[str, list[Participant]]:
    """The participants still in, by side (hosts first, then by name)."""
    sides: dict[str, list[Participant]] = {str(side): [] for side in SIDES}
    rows = participants(programme).order_by("-is_host", "user__first_name", "user__last_name")
    for row in rows:
        sides.setdefault(row.side, []).append(row)
    return sides


def signup_last_day(programme: Programme) -> dt.date:
    """The last day of sign-up: ``signup_until``, else the day before the programme starts."""
    return programme.signup_until or programme.starts_on - dt.timedelta(days=1)


def signup_open(programme: Programme, today: dt.date) -> bool:
    return programme.state == ProgrammeState.OPEN and today <= signup_last_day(programme)


def goals_open(programme: Programme, today: dt.date) -> bool:
    """Learning goals are changed until the programme starts."""
    return programme.state != ProgrammeState.CLOSED and today < programme.starts_on


def pairs_confirmed(participant: Participant) -> bool:
    """Whether the participant's pairs are confirmed: the programme's pairs are, or one of
    theirs is."""
    if participant.programme.state != ProgrammeState.OPEN:
        return True
    return _pairs(participant).filter(state=PairingState.CONFIRMED).exists()


def _pairs(participant: Participant) -> QuerySet[Pairing]:
    return Pairing.objects.filter(Q(marketer=participant) | Q(salesperson=participant))


def sessions_of(participant: Participant) -> QuerySet[ExchangeSession]:
    """The sessions of the pairs the participant is in, in time order."""
    return ExchangeSession.objects.filter(
        Q(pairing__marketer=participant) | Q(pairing__salesperson=participant)
    ).order_by("starts_at")


def may_manage(actor: Actor) -> bool:
    return actor.can("programme.write")


# -- the calendar's days -------------------------------------------------------------------------


@dataclass(frozen=True)
class DayOff:
    day: dt.date
    why: str  # "weekend" | "holiday" | "added" | "outside"
    name: str = ""  # the public holiday's name, in the reader's language when known


class ProgrammeDays:
    """The programme's dates on the workspace's calendar: which are working days, and why
    another is not."""

    def __init__(self, programme: Programme, calendar: BusinessCalendar | None = None) -> None:
        self.programme = programme
        self.calendar = calendar or workspace_calendar(programme.workspace)
        years = list(range(programme.starts_on.year, programme.ends_on.year + 1))
        self.public = self.calendar.public_holidays(years)
        self.years = years

    def all(self) -> list[dt.date]:
        span = (self.programme.ends_on - self.programme.starts_on).days
        return [self.programme.starts_on + dt.timedelta(days=n) for n in range(span + 1)]

    def working(self) -> list[dt.date]:
        """The programme's business days, in order."""
        return [d for d in self.all() if self.calendar.is_working_day(d, self.public)]

    def off(self, day: dt.date) -> DayOff | None:
        """Why ``day`` cannot be an available day (None: it can)."""
        if not self.programme.starts_on <= day <= self.programme.ends_on:
            return DayOff(day, "outside")
        if self.calendar.is_working_day(day, self.public):
            return None
        if day in self.calendar.extra_holidays:
            return DayOff(day, "added")
        if day in self.public and day not in self.calendar.worked_holidays:
            names = self.calendar.public_holiday_names(
                self.years, translation.get_language() or "en"
            )
            return DayOff(day, "holiday", names.get(day, ""))
        return DayOff(day, "weekend")


def day_off_message(off: DayOff) -> str:
    """The refusal of a day, naming it (its date in the reader's format, a holiday's name)."""
    date = formats.date_format(off.day, "DATE_FORMAT")
    if off.why == "outside":
        return _("%(date)s is outside the programme’s dates.") % {"date": date}
    if off.why == "holiday":
        if off.name:
            return _("%(date)s is a public holiday (%(name)s).") % {"date": date, "name": off.name}
        return _("%(date)s is a public holiday.") % {"date": date}
    if off.why == "added":
        return _("%(date)s is a day off in the workspace’s calendar.") % {"date": date}
    return _("%(date)s is not a working day (%(weekday)s).") % {
        "date": date,
        "weekday": formats.date_format(off.day, "l"),
    }


def days_check(programme: Programme, values: Iterable[dt.date | str]) -> list[str]:
    """The available days as stored (ISO dates, sorted, once each); a 422 naming every date
    refused (not a date, outside the programme, not a working day)."""
    days: set[dt.date] = set()
    errors: list[str] = []
    calendar = ProgrammeDays(programme)
    for value in values:
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            errors.append(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value})
            continue
        off = calendar.off(day)
        if off is not None:
            errors.append(day_off_message(off))
        else:
            days.add(day)
    if errors:
        raise ValidationFailed(
            _("Some available days cannot be chosen."), field_errors={"available_days": errors}
        )
    if not days:
        raise _invalid("available_days", _("Choose at least one day you are available."))
    return [d.isoformat() for d in sorted(days)]


# -- programmes ----------------------------------------------------------------------------------


def _programme_values(values: Mapping[str, Any], programme: Programme) -> None:
    """Set ``values`` on ``programme`` and check the whole (dates in order, sign-up before the
    start, a name), raising field-named errors."""
    for name, value in values.items():
        setattr(programme, name, value)
    programme.name = " ".join(str(programme.name or "").split())
    programme.description = str(programme.description or "").strip()
    if not programme.name:
        raise _invalid("name", _("This field is required."))
    if programme.format not in ProgrammeFormat.values:
        raise _invalid("format", _("Choose a format."))
    if programme.starts_on is None or programme.ends_on is None:
        raise _invalid("starts_on", _("Give the programme’s first and last days."))
    if programme.ends_on < programme.starts_on:
        raise _invalid("ends_on", _("The programme ends on or after its first day."))
    if (programme.ends_on - programme.starts_on).days >= LONGEST_DAYS:
        raise _invalid("ends_on", _("A programme lasts at most a year."))
    if programme.signup_until is not None and programme.signup_until >= programme.starts_on:
        raise _invalid("signup_until", _("Sign-up closes before the programme starts."))
    if not programme.session_minutes:
        programme.session_minutes = SESSION_MINUTES[ProgrammeFormat(programme.format)]
    if not 30 <= programme.session_minutes <= 2400:
        raise _invalid("session_minutes", _("A session lasts from 30 to 2,400 minutes."))


def _save(programme: Programme) -> None:
    try:
        with transaction.atomic():
            programme.save()
    except IntegrityError:
        raise _invalid("name", _("Another programme has this name.")) from None


def programme_create(*, actor: Actor, data: Mapping[str, Any]) -> Programme:
    """Open a programme for sign-up. ``data``: name, format, description, starts_on, ends_on,
    signup_until (optional), session_minutes (optional: the format's)."""
    actor.require("programme.write")
    # no length given: the format's (``_programme_values``)
    programme = Programme(workspace=actor.workspace, created_by=actor.user, session_minutes=0)
    _programme_values({k: v for k, v in data.items() if k in AUDITED}, programme)
    with transaction.atomic():
        _save(programme)
        audit.audit_write(
            actor=actor,
            action="create",
            target="programmes",
            target_id=programme.pk,
            target_label=programme.name,
            after=audit.snapshot(programme, AUDITED),
        )
    return programme


def programme_update(*, actor: Actor, programme: Programme, data: Mapping[str, Any]) -> Programme:
    """Change a programme (the fields given). A closed one is not changed; its dates and format
    only while it is open for sign-up, and never so that a participant's day falls outside."""
    actor.require("programme.write")
    with transaction.atomic():
        programme = _locked(actor, programme.pk)
        if programme.state == ProgrammeState.CLOSED:
            raise Conflict(_("The programme is closed."))
        values = {k: v for k, v in data.items() if k in PROGRAMME_FIELDS + DATE_FIELDS}
        moved = {k for k in ("starts_on", "ends_on", "format") if k in values}
        moved = {k for k in moved if values[k] != getattr(programme, k)}
        if moved and programme.state != ProgrammeState.OPEN:
            raise Conflict(_("The pairs are confirmed: the dates and the format stay."))
        before = audit.snapshot(programme, AUDITED)
        _programme_values(values, programme)
        outside = [
            p
            for p in participants(programme)
            if any(
                not programme.starts_on <= dt.date.fromisoformat(d) <= programme.ends_on
                for d in p.available_days
            )
        ]
        if outside:
            raise Conflict(
                _(
                    "%(n)s participants have available days outside these dates: they change "
                    "their days first."
                )
                % {"n": len(outside)}
            )
        _save(programme)
        after = audit.snapshot(programme, AUDITED)
        if after != before:
            audit.audit_write(
                actor=actor,
                action="update",
                target="programmes",
                target_id=programme.pk,
                target_label=programme.name,
                before=before,
                after=after,
            )
    return programme


def programme_close(*, actor: Actor, programme: Programme) -> Programme:
    """Close the programme (no sign-up, no change); its debriefs are still written."""
    actor.require("programme.write")
    with transaction.atomic():
        programme = _locked(actor, programme.pk)
        if programme.state == ProgrammeState.CLOSED:
            raise Conflict(_("The programme is closed already."))
        before = {"state": programme.state}
        programme.state = ProgrammeState.CLOSED
        programme.save(update_fields=["state", "updated_at"])
        audit.audit_write(
            actor=actor,
            action="close",
            target="programmes",
            target_id=programme.pk,
            target_label=programme.name,
            before=before,
            after={"state": programme.state},
        )
    return programme


def _locked(actor: Actor, pk: int) -> Programme:
    found = Programme.objects.select_for_update().filter(workspace=actor.workspace, pk=pk).first()
    if found is None:
        raise NotFound(_("Programme not found."))
    return found


# -- sign-up -------------------------------------------------------------------------------------


def _signed_up_user(actor: Actor, user_id: int | None) -> tuple[User, str]:
    """Who is signed up (the actor, or for a manager someone else) and their side now."""
    if user_id is None or user_id == actor.user.pk:
        actor.require("programme.join")
        return actor.user, actor.side
    actor.require("programme.write")
    membership = (
        Membership.objects.filter(workspace=actor.workspace, user_id=user_id, is_active=True)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise _invalid("user", _("No such member in this workspace."))
    return membership.user, side_of(membership.role)


def join_require(actor: Actor, user_id: object = None) -> None:
    """Signing oneself up takes ``programme.join``; someone else, ``programme.write`` (403)."""
    if user_id in (None, "", actor.user.pk, str(actor.user.pk)):
        actor.require("programme.join")
    else:
        actor.require("programme.write")


def _capacity(is_host: bool, capacity: Any) -> int:
    try:
        value = int(capacity if capacity not in (None, "") else 1)
    except (TypeError, ValueError):
        value = 0
    if not is_host and value != 1:
        raise _invalid("capacity", _("Only a host receives more than one visitor."))
    if not 1 <= value <= CAPACITY_MAX:
        raise _invalid(
            "capacity", _("A host receives from 1 to %(n)s visitors.") % {"n": CAPACITY_MAX}
        )
    return value


def _goals(value: Any) -> str:
    goals = str(value or "").strip()
    if not goals:
        raise _invalid("learning_goals", _("Write what you want to learn."))
    if len(goals) > GOALS_MAX:
        raise _invalid("learning_goals", _("Enter at most %(n)s characters.") % {"n": GOALS_MAX})
    return goals


def participant_join(
    *,
    actor: Actor,
    programme: Programme,
    available_days: Iterable[dt.date | str],
    learning_goals: str,
    is_host: bool = False,
    capacity: int | None = None,
    user_id: int | None = None,
) -> Participant:
    """Sign up (oneself, or — a manager — someone else) while sign-up is open: the side is the
    person's now (marketing or sales), the days checked on the calendar, goals required. Signing
    up again after withdrawing takes the same row back."""
    user, side = _signed_up_user(actor, user_id)
    if side not in SIDES:
        raise _invalid(
            "user", _("Only marketers and salespeople take part: the pairs are of both sides.")
        )
    host = bool(is_host)
    values = {
        "side": str(side),
        "is_host": host,
        "capacity": _capacity(host, capacity),
        "available_days": days_check(programme, available_days),
        "learning_goals": _goals(learning_goals),
    }
    with transaction.atomic():
        programme = _locked(actor, programme.pk)
        today = actor.workspace.today()
        if not signup_open(programme, today):
            raise Conflict(
                _("Sign-up closed on %(date)s.")
                % {"date": formats.date_format(signup_last_day(programme), "DATE_FORMAT")}
                if programme.state == ProgrammeState.OPEN
                else _("Sign-up is closed: the pairs are confirmed or the programme is over.")
            )
        row = Participant.objects.filter(programme=programme, user=user).first()
        if row is not None and row.withdrawn_at is None:
            raise Conflict(_("%(name)s is signed up already.") % {"name": _name(user)})
        before = audit.snapshot(row, PARTICIPANT_AUDITED) if row else None
        if row is None:
            row = Participant(workspace=actor.workspace, programme=programme, user=user)
        for name, value in values.items():
            setattr(row, name, value)
        row.opted_in_at, row.withdrawn_at = timezone.now(), None
        row.save()
        audit.audit_write(
            actor=actor,
            action="create" if before is None else "update",
            target="participants",
            target_id=row.pk,
            target_label=_label(row),
            before=before,
            after=audit.snapshot(row, PARTICIPANT_AUDITED),
        )
    return row


def _name(user: User) -> str:
    return user.get_full_name() or user.email


def _label(participant: Participant) -> str:
    return f"{participant.programme.name} · {_name(participant.user)}"


def _own_or_manager(actor: Actor, participant: Participant) -> bool:
    """True for a manager; the participant themselves may act too; anyone else: 403."""
    if actor.can("programme.write"):
        return True
    if participant.user_id == actor.user.pk and actor.can("programme.join"):
        return False
    raise PermissionDenied(_("Only the participant or a manager changes this sign-up."))


def participant_update(
    *, actor: Actor, participant: Participant, changes: Mapping[str, Any]
) -> Participant:
    """Change a sign-up (the fields given): learning goals until the programme starts; available
    days, host flag and capacity while sign-up is open (a manager: until the pairs are
    confirmed)."""
    manager = _own_or_manager(actor, participant)
    with transaction.atomic():
        programme = _locked(actor, participant.programme_id)
        row = Participant.objects.select_for_update().get(pk=participant.pk)
        row.programme = programme
        if row.withdrawn_at is not None:
            raise Conflict(_("This person has withdrawn from the programme."))
        today = actor.workspace.today()
        before = audit.snapshot(row, PARTICIPANT_AUDITED)
        if "learning_goals" in changes and changes["learning_goals"] is not None:
            goals = _goals(changes["learning_goals"])
            if goals != row.learning_goals and not goals_open(programme, today):
                raise Conflict(_("The programme has started: the learning goals stay."))
            row.learning_goals = goals
        pairing_fields = {
            k: v
            for k, v in changes.items()
            if k in ("available_days", "is_host", "capacity") and v is not None
        }
        if pairing_fields:
            may = programme.state == ProgrammeState.OPEN and (
                (manager and not pairs_confirmed(row)) or signup_open(programme, today)
            )
            if not may:
                raise Conflict(
                    _("Sign-up is closed: the days and hosting stay as they are for the pairing.")
                )
            host = bool(pairing_fields.get("is_host", row.is_host))
            if "available_days" in pairing_fields:
                row.available_days = days_check(programme, pairing_fields["available_days"])
            row.is_host = host
            capacity = pairing_fields.get("capacity", row.capacity if host else 1)
            row.capacity = _capacity(host, capacity)
        row.save()
        after = audit.snapshot(row, PARTICIPANT_AUDITED)
        if after != before:
            audit.audit_write(
                actor=actor,
                action="update",
                target="participants",
                target_id=row.pk,
                target_label=_label(row),
                before=before,
                after=after,
            )
    return row


def participant_withdraw(*, actor: Actor, participant: Participant) -> Participant:
    """Withdraw from the programme: the participant, until their pairs are confirmed; after
    that a manager only, whose withdrawal drops their confirmed pairs and removes their
    sessions to come. Proposed pairs with them are removed either way."""
    manager = _own_or_manager(actor, participant)
    with transaction.atomic():
        programme = _locked(actor, participant.programme_id)
        row = Participant.objects.select_for_update().get(pk=participant.pk)
        row.programme = programme
        if row.withdrawn_at is not None:
            raise Conflict(_("This person has withdrawn from the programme already."))
        if programme.state == ProgrammeState.CLOSED:
            raise Conflict(_("The programme is closed."))
        confirmed = pairs_confirmed(row)
        if confirmed and not manager:
            raise PermissionDenied(_("Your pairs are confirmed: ask a manager to withdraw you."))
        pairs = _pairs(row)
        pairs.filter(state=PairingState.PROPOSED).delete()
        dropped = list(pairs.filter(state=PairingState.CONFIRMED).values_list("pk", flat=True))
        Pairing.objects.filter(pk__in=dropped).update(state=PairingState.DROPPED)
        removed, _kinds = ExchangeSession.objects.filter(
            pairing_id__in=dropped, starts_at__gt=timezone.now()
        ).delete()
        row.withdrawn_at = timezone.now()
        row.save(update_fields=["withdrawn_at", "updated_at"])
        audit.audit_write(
            actor=actor,
            action="participant_withdraw",
            target="participants",
            target_id=row.pk,
            target_label=_label(row),
            before={"withdrawn_at": None},
            after={
                "withdrawn_at": row.withdrawn_at,
                "pairs_dropped": len(dropped),
                "sessions_removed": removed,
            },
        )
    return row
