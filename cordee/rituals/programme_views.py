"""The programmes' pages: the list, the form (managers), the programme's page (participants by
side, my sign-up, the pairs and sessions, my debrief, the debriefs with their one-click
actions). Each action calls its service and goes back to the programme's page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import DomainError, PermissionDenied, ValidationFailed
from cordee.core.selectors import workspace_users
from cordee.core.web import add_field_errors, form_input, workspace_view
from cordee.feedback.models import FeedbackKind
from cordee.rituals import exchange_debriefs as debriefs
from cordee.rituals import programmes as services
from cordee.rituals.models import (
    ExchangeSession,
    Pairing,
    PairingState,
    Programme,
    ProgrammeState,
)
from cordee.rituals.programme_forms import ProgrammeForm
from cordee.rituals.programme_schemas import (
    ExchangeDebriefAgendaIn,
    ExchangeDebriefFeedbackIn,
    ExchangeDebriefIn,
    ParticipantIn,
    ParticipantPatch,
)
from cordee.rituals.selectors import member_sides, programme_get
from cordee.tenancy.roles import Side

PROGRAMME_FORM_FIELDS = (
    "name",
    "format",
    "description",
    "starts_on",
    "ends_on",
    "signup_until",
    "session_minutes",
)


def _back(actor: Actor, programme_id: int, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("programme_detail", args=[actor.workspace.slug, programme_id])
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


# -- the list and the form -----------------------------------------------------------------------


@workspace_view
def programme_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The workspace's programmes: state, dates, format, participants by side."""
    today = actor.workspace.today()
    rows = [
        {"programme": p, "signup_open": services.signup_open(p, today)}
        for p in services.programme_list(actor)
    ]
    return render(
        request,
        "rituals/programme_list.html",
        {"rows": rows, "may_write": services.may_manage(actor), "nav": "programmes"},
    )


def _form_page(
    request: HttpRequest,
    actor: Actor,
    form: ProgrammeForm,
    programme: Programme | None,
    status: int,
) -> HttpResponse:
    return render(
        request,
        "rituals/programme_form.html",
        {"form": form, "programme": programme, "nav": "programmes"},
        status=status,
    )


def _programme_form(
    request: HttpRequest, actor: Actor, programme: Programme | None
) -> HttpResponse:
    actor.require("programme.write")
    if request.method != "POST":
        initial = (
            {name: getattr(programme, name) for name in PROGRAMME_FORM_FIELDS}
            if programme is not None
            else {}
        )
        return _form_page(request, actor, ProgrammeForm(initial=initial), programme, 200)
    form = ProgrammeForm(data=request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in PROGRAMME_FORM_FIELDS}
        try:
            if programme is None:
                programme = services.programme_create(actor=actor, data=data)
                messages.success(request, _("The programme is open for sign-up."))
            else:
                programme = services.programme_update(actor=actor, programme=programme, data=data)
                messages.success(request, _("The programme is saved."))
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            form.add_error(None, exc.explained)
        else:
            return _back(actor, programme.pk)
    return _form_page(request, actor, form, programme, 422)


@workspace_view
def programme_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _programme_form(request, actor, None)


@workspace_view
def programme_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _programme_form(request, actor, programme_get(actor=actor, pk=pk))


@require_POST
@workspace_view
def programme_close(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    programme = programme_get(actor=actor, pk=pk)
    try:
        services.programme_close(actor=actor, programme=programme)
    except (ValidationFailed, DomainError) as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.explained)
    else:
        messages.success(request, _("The programme is closed."))
    return _back(actor, programme.pk)


# -- the programme's page ------------------------------------------------------------------------


def _pairs(programme: Programme) -> list[dict[str, Any]]:
    pairs = list(
        Pairing.objects.filter(programme=programme)
        .exclude(state=PairingState.DROPPED)
        .select_related("marketer__user", "salesperson__user")
        .order_by("pk")
    )
    sessions: dict[int, list[ExchangeSession]] = {}
    for session in ExchangeSession.objects.filter(pairing__in=pairs).select_related("host__user"):
        sessions.setdefault(session.pairing_id, []).append(session)
    return [{"pair": p, "sessions": sessions.get(p.pk, [])} for p in pairs]


def _eligible(actor: Actor, programme: Programme) -> list[tuple[int, str, str]]:
    """Members a manager may sign up: of either side, not in the programme now."""
    users = list(workspace_users(actor=actor))
    sides = member_sides(actor.workspace.pk, [u.pk for u in users])
    taken = set(services.participants(programme).values_list("user_id", flat=True))
    return [
        (u.pk, u.get_full_name() or u.email, str(Side(sides[u.pk]).label))
        for u in users
        if u.pk not in taken and sides.get(u.pk) in services.SIDES
    ]


def detail_context(
    actor: Actor, programme: Programme, *, posted: Mapping[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """What the programme's page shows; ``posted`` (with ``extra``'s errors) refills a form."""
    today = actor.workspace.today()
    mine = services.participant_of(actor, programme)
    live = mine if mine is not None and mine.withdrawn_at is None else None
    days = services.ProgrammeDays(programme)
    weekdays_off = [
        off
        for d in days.all()
        if d.weekday() < 5 and (off := days.off(d)) is not None and off.why != "weekend"
    ]
    manager = services.may_manage(actor)
    reads_debriefs = debriefs.may_read_debriefs(actor, programme)
    debrief_rows: list[dict[str, Any]] = []
    if reads_debriefs:
        for debrief in debriefs.programme_debriefs(programme):
            debrief_rows.append(
                {
                    "debrief": debrief,
                    "may_pass_on": manager or debrief.participant.user_id == actor.user.pk,
                }
            )
    my_debrief = None
    may_debrief = False
    if mine is not None:
        my_debrief = next(
            (r["debrief"] for r in debrief_rows if r["debrief"].participant_id == mine.pk), None
        )
        may_debrief = debriefs.session_over(mine)
    signup_open = services.signup_open(programme, today)
    chosen = set(
        posted.getlist("available_days")  # type: ignore[union-attr]
        if isinstance(posted, QueryDict)
        else (live.available_days if live else [])
    )
    return {
        "nav": "programmes",
        "programme": programme,
        "today": today,
        "sides": services.by_side(programme),
        "mine": live,
        "me": mine,  # withdrawn or not: the debrief's author
        "withdrawn": mine is not None and mine.withdrawn_at is not None,
        "signup_open": signup_open,
        "signup_last_day": services.signup_last_day(programme),
        "goals_open": services.goals_open(programme, today),
        "may_join": signup_open and actor.can("programme.join") and actor.side in services.SIDES,
        "may_change_days": live is not None
        and programme.state == ProgrammeState.OPEN
        and (signup_open or manager),
        "may_withdraw": live is not None
        and programme.state != ProgrammeState.CLOSED
        and (manager or not services.pairs_confirmed(live)),
        "manager": manager,
        "eligible": _eligible(actor, programme) if manager and signup_open else [],
        "working_days": days.working(),
        "weekdays_off": weekdays_off,
        "chosen_days": chosen,
        "posted": posted or {},
        "pairs": _pairs(programme),
        "pairing_url": reverse("programme_detail", args=[actor.workspace.slug, programme.pk])
        + "pairing/",
        "effect_url": reverse("programme_detail", args=[actor.workspace.slug, programme.pk])
        + "effect/",
        "may_debrief": may_debrief,
        "debrief_values": {
            name: (posted or {}).get(name) or (getattr(my_debrief, name) if my_debrief else "")
            for name in ("surprised", "will_change")
        },
        "my_debrief": my_debrief,
        "reads_debriefs": reads_debriefs,
        "debriefs": debrief_rows,
        "feedback_kinds": FeedbackKind.choices,
        "meetings": debriefs.agenda_meetings(actor) if debrief_rows else [],
        "now": timezone.now(),
        **extra,
    }


@workspace_view
def programme_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    programme = programme_get(actor=actor, pk=pk)
    return render(request, "rituals/programme_detail.html", detail_context(actor, programme))


def _refill(
    request: HttpRequest, actor: Actor, programme: Programme, exc: ValidationFailed, form: str
) -> HttpResponse:
    """The page again with what was posted and the errors next to the form's fields."""
    context = detail_context(
        actor,
        programme,
        posted=request.POST,
        **{f"{form}_errors": {"message": exc.message, **exc.field_errors}},
    )
    return render(request, "rituals/programme_detail.html", context, status=422)


def _signup_values(post: QueryDict) -> dict[str, Any]:
    values: dict[str, Any] = {
        "available_days": post.getlist("available_days"),
        "learning_goals": post.get("learning_goals", ""),
        "is_host": post.get("is_host") == "on",
    }
    if values["is_host"] and post.get("capacity"):
        values["capacity"] = post.get("capacity")
    if post.get("user"):
        values["user"] = post.get("user")
    return values


@require_POST
@workspace_view
def programme_join(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Sign up: oneself, or (a manager) the member chosen."""
    programme = programme_get(actor=actor, pk=pk)
    services.join_require(actor, request.POST.get("user") or None)
    try:
        payload = form_input(ParticipantIn, _signup_values(request.POST))
        row = services.participant_join(
            actor=actor,
            programme=programme,
            user_id=payload.user,
            is_host=payload.is_host,
            capacity=payload.capacity,
            available_days=payload.available_days,
            learning_goals=payload.learning_goals,
        )
    except ValidationFailed as exc:
        return _refill(
            request, actor, programme, exc, "someone" if "user" in request.POST else "signup"
        )
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.explained)
        return _back(actor, programme.pk)
    if row.user_id == actor.user.pk:
        messages.success(request, _("You are signed up."))
    else:
        name = row.user.get_full_name() or row.user.email
        messages.success(request, _("%(name)s is signed up.") % {"name": name})
    return _back(actor, programme.pk, "participants")


@require_POST
@workspace_view
def participant_change(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Change one's sign-up (the days, hosting, the goals)."""
    participant = services.participant_get(actor=actor, pk=pk)
    programme = participant.programme
    values = _signup_values(request.POST)
    values.pop("user", None)
    if "days_shown" not in request.POST:  # the form shows the goals only
        values = {"learning_goals": values["learning_goals"]}
    elif "capacity" not in values:
        values["capacity"] = 1 if not values["is_host"] else participant.capacity
    try:
        payload = form_input(ParticipantPatch, values)
        services.participant_update(
            actor=actor, participant=participant, changes=payload.model_dump(exclude_unset=True)
        )
    except ValidationFailed as exc:
        return _refill(request, actor, programme, exc, "signup")
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.explained)
    else:
        messages.success(request, _("Your sign-up is saved."))
    return _back(actor, programme.pk, "my-signup")


@require_POST
@workspace_view
def participant_withdraw(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    participant = services.participant_get(actor=actor, pk=pk)
    try:
        services.participant_withdraw(actor=actor, participant=participant)
    except DomainError as exc:
        mine = participant.user_id == actor.user.pk
        if isinstance(exc, PermissionDenied) and not (mine or services.may_manage(actor)):
            raise
        messages.error(request, exc.explained)
    else:
        if participant.user_id == actor.user.pk:
            messages.success(request, _("You have withdrawn from the programme."))
        else:
            name = participant.user.get_full_name() or participant.user.email
            messages.success(
                request, _("%(name)s has withdrawn from the programme.") % {"name": name}
            )
    return _back(actor, participant.programme_id, "participants")


# -- debriefs ------------------------------------------------------------------------------------


@require_POST
@workspace_view
def debrief_write(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Write or change my debrief."""
    participant = services.participant_get(actor=actor, pk=pk)
    programme = participant.programme
    try:
        payload = form_input(
            ExchangeDebriefIn,
            {k: request.POST.get(k, "") for k in ("surprised", "will_change")},
        )
        debrief = debriefs.debrief_write(
            actor=actor,
            participant=participant,
            surprised=payload.surprised,
            will_change=payload.will_change,
        )
    except ValidationFailed as exc:
        return _refill(request, actor, programme, exc, "debrief")
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.explained)
        return _back(actor, programme.pk)
    messages.success(request, _("Your debrief is saved."))
    return _back(actor, programme.pk, f"debrief-{debrief.pk}")


def _passed_on(request: HttpRequest, actor: Actor, pk: int, action: str) -> HttpResponse:
    debrief = debriefs.debrief_get(actor=actor, pk=pk)
    debriefs.pass_on_require(actor, debrief)
    try:
        if action == "feedback":
            payload = form_input(
                ExchangeDebriefFeedbackIn, {"kind": request.POST.get("kind", "objection")}
            )
            debriefs.debrief_to_feedback(actor=actor, debrief=debrief, kind=payload.kind)
            messages.success(request, _("The debrief is now a field-feedback item."))
        else:
            agenda = form_input(
                ExchangeDebriefAgendaIn, {"meeting_id": request.POST.get("meeting_id", "")}
            )
            meeting = debriefs.meeting_for_agenda(actor, agenda.meeting_id)
            debriefs.debrief_to_agenda(actor=actor, debrief=debrief, meeting=meeting)
            messages.success(
                request,
                _("The debrief is on the agenda of %(committee)s.")
                % {"committee": meeting.committee.name},
            )
    except DomainError as exc:  # a meeting one does not run, passed on already…
        messages.error(request, exc.explained)
    return _back(actor, debrief.participant.programme_id, f"debrief-{debrief.pk}")


@require_POST
@workspace_view
def debrief_to_feedback(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _passed_on(request, actor, pk, "feedback")


@require_POST
@workspace_view
def debrief_to_agenda(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _passed_on(request, actor, pk, "agenda")
