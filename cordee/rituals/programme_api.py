"""REST endpoints of the vis-ma-vie programmes: the programmes, their participants (sign-up,
changes, withdrawal) and the debriefs (written after a session; → field feedback, → a
committee's agenda). The rules are ``programmes.py`` and ``exchange_debriefs.py``."""

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from cordee.core.actor import Actor
from cordee.core.api import Pagination, current_actor
from cordee.core.errors import NotFound
from cordee.core.schemas import PathId
from cordee.rituals import exchange_debriefs as debriefs
from cordee.rituals import programmes as services
from cordee.rituals.models import ExchangeDebrief, Participant, Programme
from cordee.rituals.programme_schemas import (
    ExchangeDebriefAgendaIn,
    ExchangeDebriefAgendaOut,
    ExchangeDebriefFeedbackIn,
    ExchangeDebriefFeedbackOut,
    ExchangeDebriefIn,
    ExchangeDebriefOut,
    ParticipantIn,
    ParticipantOut,
    ParticipantPatch,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePatch,
)
from cordee.rituals.selectors import participants, programme_get
from cordee.tenancy.roles import Side

router = Router(tags=["Vis-ma-vie programmes"])


def programme_out(actor: Actor, programme: Programme) -> dict[str, Any]:
    counted = getattr(programme, "marketers", None)
    if counted is None:
        live = participants(programme)
        sides = {
            "marketing": live.filter(side=Side.MARKETING).count(),
            "sales": live.filter(side=Side.SALES).count(),
        }
    else:
        sides = {"marketing": programme.marketers, "sales": programme.salespeople}  # type: ignore[attr-defined]
    return {
        "id": programme.pk,
        "name": programme.name,
        "format": programme.format,
        "description": programme.description,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "signup_until": programme.signup_until,
        "signup_last_day": services.signup_last_day(programme),
        "signup_open": services.signup_open(programme, actor.workspace.today()),
        "session_minutes": programme.session_minutes,
        "state": programme.state,
        "participants": sides,
    }


def participant_out(participant: Participant) -> dict[str, Any]:
    user = participant.user
    return {
        "id": participant.pk,
        "programme": participant.programme_id,
        "user": user.pk,
        "name": user.get_full_name() or user.email,
        "side": participant.side,
        "is_host": participant.is_host,
        "capacity": participant.capacity,
        "available_days": participant.available_days,
        "learning_goals": participant.learning_goals,
        "opted_in_at": participant.opted_in_at,
        "withdrawn_at": participant.withdrawn_at,
        "has_debrief": ExchangeDebrief.objects.filter(participant=participant).exists(),
    }


def debrief_out(debrief: ExchangeDebrief) -> dict[str, Any]:
    item = debrief.agenda_item
    return {
        "id": debrief.pk,
        "participant": debrief.participant_id,
        "programme": debrief.participant.programme_id,
        "surprised": debrief.surprised,
        "will_change": debrief.will_change,
        "written_at": debrief.written_at,
        "feedback_item": debrief.feedback_item_id,
        "agenda_item": debrief.agenda_item_id,
        "agenda_meeting": item.meeting_id if item is not None else None,
    }


# -- programmes ----------------------------------------------------------------------------------


@router.get("/programmes", response=list[ProgrammeOut], operation_id="programme_list")
@paginate(Pagination)
def programme_list(request: HttpRequest) -> Any:
    """The workspace's programmes, newest first, with their participants counted by side."""
    actor = current_actor(request)
    return [programme_out(actor, p) for p in services.programme_list(actor)]


@router.post("/programmes", response={201: ProgrammeOut}, operation_id="programme_create")
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Any:
    """Open a programme for sign-up (managers). Sign-up closes before it starts."""
    actor = current_actor(request)
    programme = services.programme_create(actor=actor, data=payload.model_dump())
    return 201, programme_out(actor, programme)


@router.get("/programmes/{pk}", response=ProgrammeOut, operation_id="programme_get")
def programme_read(request: HttpRequest, pk: PathId) -> Any:
    actor = current_actor(request)
    return programme_out(actor, programme_get(actor=actor, pk=pk))


@router.patch("/programmes/{pk}", response=ProgrammeOut, operation_id="programme_update")
def programme_update(request: HttpRequest, pk: PathId, payload: ProgrammePatch) -> Any:
    """Change a programme (managers): the fields given. Its dates and format only while open
    for sign-up (409 after); a closed programme: 409."""
    actor = current_actor(request)
    programme = programme_get(actor=actor, pk=pk)
    data = payload.model_dump(exclude_unset=True)
    programme = services.programme_update(actor=actor, programme=programme, data=data)
    return programme_out(actor, programme)


@router.post("/programmes/{pk}/close", response=ProgrammeOut, operation_id="programme_close")
def programme_close(request: HttpRequest, pk: PathId) -> Any:
    """Close the programme (managers); closed already: 409."""
    actor = current_actor(request)
    programme = services.programme_close(actor=actor, programme=programme_get(actor=actor, pk=pk))
    return programme_out(actor, programme)


# -- participants --------------------------------------------------------------------------------


@router.get(
    "/programmes/{pk}/participants",
    response=list[ParticipantOut],
    operation_id="programme_participant_list",
)
@paginate(Pagination)
def participant_list(request: HttpRequest, pk: PathId) -> Any:
    """The programme's participants still in, by side then name."""
    programme = programme_get(actor=current_actor(request), pk=pk)
    rows = participants(programme).order_by("side", "user__first_name", "user__last_name", "pk")
    return [participant_out(p) for p in rows]


@router.post(
    "/programmes/{pk}/participants",
    response={201: ParticipantOut},
    operation_id="programme_participant_add",
)
def participant_add(request: HttpRequest, pk: PathId, payload: ParticipantIn) -> Any:
    """Sign up while sign-up is open: oneself, or — a manager — the member ``user``. The side is
    the person's now (marketing or sales, else 422); every available day a working day of the
    programme (each refused date named, 422); learning goals required; capacity 1 unless a host
    (1–20). Signed up already, or sign-up closed: 409."""
    actor = current_actor(request)
    programme = programme_get(actor=actor, pk=pk)
    row = services.participant_join(
        actor=actor,
        programme=programme,
        user_id=payload.user,
        is_host=payload.is_host,
        capacity=payload.capacity,
        available_days=payload.available_days,
        learning_goals=payload.learning_goals,
    )
    return 201, participant_out(row)


@router.patch("/participants/{pk}", response=ParticipantOut, operation_id="participant_update")
def participant_update(request: HttpRequest, pk: PathId, payload: ParticipantPatch) -> Any:
    """Change a sign-up (the participant or a manager): goals until the programme starts; days,
    host and capacity while sign-up is open (a manager: until the pairs are confirmed)."""
    actor = current_actor(request)
    participant = services.participant_get(actor=actor, pk=pk)
    row = services.participant_update(
        actor=actor, participant=participant, changes=payload.model_dump(exclude_unset=True)
    )
    return participant_out(row)


@router.delete("/participants/{pk}", response=ParticipantOut, operation_id="participant_withdraw")
def participant_withdraw(request: HttpRequest, pk: PathId) -> Any:
    """Withdraw from the programme: the participant until their pairs are confirmed (then 403),
    a manager at any time before the programme closes."""
    actor = current_actor(request)
    participant = services.participant_get(actor=actor, pk=pk)
    return participant_out(services.participant_withdraw(actor=actor, participant=participant))


# -- debriefs ------------------------------------------------------------------------------------


@router.get(
    "/participants/{pk}/debrief",
    response=ExchangeDebriefOut,
    operation_id="participant_debrief_get",
)
def participant_debrief_get(request: HttpRequest, pk: PathId) -> Any:
    """The participant's debrief (the programme's participants and managers; others 403);
    404 until written."""
    actor = current_actor(request)
    participant = services.participant_get(actor=actor, pk=pk)
    debrief = debriefs.debrief_of(actor, participant)
    if debrief is None:
        raise NotFound(debriefs.not_written_message())
    return debrief_out(debrief)


@router.put(
    "/participants/{pk}/debrief",
    response=ExchangeDebriefOut,
    operation_id="participant_debrief_put",
)
def participant_debrief_put(request: HttpRequest, pk: PathId, payload: ExchangeDebriefIn) -> Any:
    """Write or change one's debrief (the participant only), after a session of theirs ended
    (before: 409)."""
    actor = current_actor(request)
    participant = services.participant_get(actor=actor, pk=pk)
    debrief = debriefs.debrief_write(
        actor=actor,
        participant=participant,
        surprised=payload.surprised,
        will_change=payload.will_change,
    )
    return debrief_out(debrief)


@router.post(
    "/exchange-debriefs/{pk}/to-feedback",
    response={201: ExchangeDebriefFeedbackOut},
    operation_id="exchange_debrief_to_feedback",
)
def to_feedback(request: HttpRequest, pk: PathId, payload: ExchangeDebriefFeedbackIn) -> Any:
    """Raise the debrief as a field-feedback item authored by the participant (the participant
    or a manager); once: 409 after."""
    actor = current_actor(request)
    debrief = debriefs.debrief_get(actor=actor, pk=pk)
    item = debriefs.debrief_to_feedback(actor=actor, debrief=debrief, kind=payload.kind)
    return 201, {"debrief": debrief.pk, "feedback_item": item.pk}


@router.post(
    "/exchange-debriefs/{pk}/to-agenda",
    response={201: ExchangeDebriefAgendaOut},
    operation_id="exchange_debrief_to_agenda",
)
def to_agenda(request: HttpRequest, pk: PathId, payload: ExchangeDebriefAgendaIn) -> Any:
    """Put the debrief on the agenda of ``meeting_id``, a committee's planned meeting still to
    come, which the caller runs (the participant or a manager); once: 409 after."""
    actor = current_actor(request)
    debrief = debriefs.debrief_get(actor=actor, pk=pk)
    debriefs.pass_on_require(actor, debrief)
    meeting = debriefs.meeting_for_agenda(actor, payload.meeting_id)
    item = debriefs.debrief_to_agenda(actor=actor, debrief=debrief, meeting=meeting)
    return 201, {"debrief": debrief.pk, "agenda_item": item.pk, "meeting": meeting.pk}
