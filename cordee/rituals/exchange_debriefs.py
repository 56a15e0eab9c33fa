"""A participant's debrief of a vis-ma-vie exchange, and what it becomes in one click.

- **Writing.** Only the participant writes their debrief (what surprised them, one thing they
  will change), once a session of a pair they are in has ended; they change it afterwards.
- **Reading.** The programme's participants and its managers read every debrief of it.
- **→ field feedback.** The debrief becomes a field-feedback item through feedback's own
  ``feedback_submit``, its author the participant (their words, headed in their language, with
  the way back to the programme), once: ``ExchangeDebrief.feedback_item`` keeps it.
- **→ committee agenda.** It becomes an item of a committee's planned meeting still to come
  through ``agenda.agenda_item_add`` (source ``exchange``, the debrief's id; whoever adds it
  must run that committee's meetings), once: ``ExchangeDebrief.agenda_item`` keeps it.

Both conversions are for the participant or a manager (``programme.write``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.feedback.models import FeedbackItem, FeedbackKind
from cordee.feedback.services import TITLE_MAX, feedback_submit
from cordee.people.mail import absolute_url
from cordee.people.services import speaking_to
from cordee.rituals.agenda import agenda_item_add
from cordee.rituals.models import (
    AgendaItem,
    AgendaSource,
    Committee,
    ExchangeDebrief,
    Meeting,
    MeetingState,
    Participant,
    Programme,
)
from cordee.rituals.programmes import sessions_of
from cordee.rituals.selectors import committees, meeting_runnable
from cordee.tenancy.models import Membership

TEXT_MAX = 5000
EXCERPT = 200  # the agenda item keeps the start of each answer
DEBRIEF_FIELDS = ("surprised", "will_change")

audit.audit_kind_register("exchange-debriefs", ExchangeDebrief._meta.verbose_name, ExchangeDebrief)


# -- reads -------------------------------------------------------------------------------------


def may_read_debriefs(actor: Actor, programme: Programme) -> bool:
    """The programme's participants (still in or not) and its managers read its debriefs."""
    return actor.can("programme.write") or programme.participants.filter(user=actor.user).exists()


def debriefs_read_require(actor: Actor, programme: Programme) -> None:
    if not may_read_debriefs(actor, programme):
        raise PermissionDenied(
            _("Only the programme’s participants and managers read its debriefs.")
        )


def programme_debriefs(programme: Programme) -> QuerySet[ExchangeDebrief]:
    """The programme's debriefs, with their author, feedback item and agenda item's meeting."""
    return (
        ExchangeDebrief.objects.filter(participant__programme=programme)
        .select_related(
            "participant__user",
            "feedback_item",
            "agenda_item__meeting__committee",
        )
        .order_by("written_at", "pk")
    )


def debrief_get(*, actor: Actor, pk: int) -> ExchangeDebrief:
    """A debrief of the workspace (another's: 404) that the actor may read (else 403)."""
    debrief = (
        ExchangeDebrief.objects.filter(workspace=actor.workspace, pk=pk)
        .select_related("participant__programme", "participant__user")
        .first()
    )
    if debrief is None:
        raise NotFound(_("Debrief not found."))
    debriefs_read_require(actor, debrief.participant.programme)
    return debrief


def debrief_of(actor: Actor, participant: Participant) -> ExchangeDebrief | None:
    """The participant's debrief, if written (the reader must be allowed: else 403)."""
    debriefs_read_require(actor, participant.programme)
    return ExchangeDebrief.objects.filter(participant=participant).first()


def session_over(participant: Participant) -> bool:
    """Whether a session of a pair the participant is in has ended."""
    return sessions_of(participant).filter(ends_at__lte=timezone.now()).exists()


def agenda_meetings(actor: Actor) -> list[Meeting]:
    """For each committee whose meetings the actor runs, its next planned meeting (to come)."""
    now = timezone.now()
    found: list[Meeting] = []
    for committee in committees(actor).filter(archived_at__isnull=True):
        if not meeting_runnable(actor, committee):
            continue
        meeting = _next_meeting(committee, now)
        if meeting is not None:
            found.append(meeting)
    return sorted(found, key=lambda m: m.starts_at)


def _next_meeting(committee: Committee, now: Any) -> Meeting | None:
    return (
        committee.meetings.filter(state=MeetingState.PLANNED, starts_at__gt=now)
        .select_related("committee")
        .order_by("starts_at")
        .first()
    )


# -- writing -------------------------------------------------------------------------------------


def _text(value: Any, name: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={name: [_("This field is required.")]}
        )
    if len(text) > TEXT_MAX:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={name: [_("Enter at most %(n)s characters.") % {"n": TEXT_MAX}]},
        )
    return text


def debrief_write(
    *, actor: Actor, participant: Participant, surprised: str, will_change: str
) -> ExchangeDebrief:
    """The participant's debrief, written or changed, after one of their sessions ended."""
    if participant.workspace_id != actor.workspace.pk:
        raise NotFound(_("Participant not found."))
    if participant.user_id != actor.user.pk:
        raise PermissionDenied(_("Only the participant writes their debrief."))
    values = {
        "surprised": _text(surprised, "surprised"),
        "will_change": _text(will_change, "will_change"),
    }
    with transaction.atomic():
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        if not session_over(participant):
            raise Conflict(_("The debrief is written after your session."))
        debrief = ExchangeDebrief.objects.filter(participant=participant).first()
        before = audit.snapshot(debrief, DEBRIEF_FIELDS) if debrief else None
        if debrief is None:
            debrief = ExchangeDebrief(workspace=actor.workspace, participant=participant)
        debrief.surprised, debrief.will_change = values["surprised"], values["will_change"]
        debrief.written_at = timezone.now()
        debrief.save()
        after = audit.snapshot(debrief, DEBRIEF_FIELDS)
        if before != after:
            audit.audit_write(
                actor=actor,
                action="create" if before is None else "update",
                target="exchange-debriefs",
                target_id=debrief.pk,
                target_label=_label(participant),
                before=before,
                after=after,
            )
    return debrief


def _label(participant: Participant) -> str:
    user = participant.user
    return f"{participant.programme.name} · {user.get_full_name() or user.email}"


def pass_on_require(actor: Actor, debrief: ExchangeDebrief) -> None:
    """The participant or a manager passes a debrief on (to feedback, to an agenda)."""
    if debrief.participant.user_id == actor.user.pk or actor.can("programme.write"):
        return
    raise PermissionDenied(_("Only the participant or a manager passes the debrief on."))


def _locked(actor: Actor, debrief: ExchangeDebrief) -> ExchangeDebrief:
    found = (
        ExchangeDebrief.objects.select_for_update()
        .filter(workspace=actor.workspace, pk=debrief.pk)
        .first()
    )
    if found is None:
        raise NotFound(_("Debrief not found."))
    found.participant = debrief.participant
    return found


def _feedback_words(debrief: ExchangeDebrief) -> tuple[str, str]:
    """The item's title and text, headed in the author's language, with the way back."""
    participant = debrief.participant
    programme = participant.programme
    with speaking_to(programme.workspace, participant.user):
        first = " ".join(debrief.surprised.split())
        title = first if len(first) <= TITLE_MAX else first[: TITLE_MAX - 1].rstrip() + "…"
        link = absolute_url(
            reverse("programme_detail", args=[programme.workspace.slug, programme.pk])
            + f"#debrief-{debrief.pk}"
        )
        text = "\n\n".join(
            [
                _("What surprised me: %(text)s") % {"text": debrief.surprised},
                _("One thing I will change: %(text)s") % {"text": debrief.will_change},
                _("From my exchange debrief (%(programme)s): %(link)s")
                % {"programme": programme.name, "link": link},
            ]
        )
    return title, text


def debrief_to_feedback(
    *, actor: Actor, debrief: ExchangeDebrief, kind: str = FeedbackKind.OBJECTION
) -> FeedbackItem:
    """Raise the debrief as a field-feedback item (feedback's own submit service), authored by
    the participant; once (409 after)."""
    pass_on_require(actor, debrief)
    if kind not in FeedbackKind.values:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"kind": [_("Choose a kind of feedback.")]},
        )
    participant = debrief.participant
    membership = Membership.objects.filter(
        workspace=actor.workspace, user_id=participant.user_id, is_active=True
    ).first()
    if membership is None:
        raise Conflict(_("The participant is no longer a member: their debrief stays here."))
    author = Actor(user=participant.user, workspace=actor.workspace, role=membership.role)
    with transaction.atomic():
        row = _locked(actor, debrief)
        if row.feedback_item_id is not None:
            raise Conflict(_("This debrief is field feedback already."))
        title, text = _feedback_words(row)
        item = feedback_submit(actor=author, data={"kind": kind, "title": title, "text": text})
        row.feedback_item = item
        row.save(update_fields=["feedback_item", "updated_at"])
        audit.audit_write(
            actor=actor,
            action="debrief_to_feedback",
            target="exchange-debriefs",
            target_id=row.pk,
            target_label=_label(participant),
            before={"raised_as_feedback": None},
            after={"raised_as_feedback": item.pk},
        )
    return item


def agenda_params(debrief: ExchangeDebrief) -> dict[str, Any]:
    """What the agenda item keeps of the debrief (rendered in the reader's language by the
    agenda): the programme, who wrote it, their side and the start of each answer."""
    participant = debrief.participant
    user = participant.user
    return {
        "programme": participant.programme.name,
        "programme_id": participant.programme_id,
        "participant": user.get_full_name() or user.email,
        "side": participant.side,
        "surprised": debrief.surprised[:EXCERPT],
        "will_change": debrief.will_change[:EXCERPT],
    }


def debrief_to_agenda(*, actor: Actor, debrief: ExchangeDebrief, meeting: Meeting) -> AgendaItem:
    """Put the debrief on a committee's planned meeting still to come (the actor runs that
    committee's meetings); once (409 after)."""
    pass_on_require(actor, debrief)
    if meeting.workspace_id != actor.workspace.pk:
        raise NotFound(_("Meeting not found."))
    if meeting.state != MeetingState.PLANNED or meeting.starts_at <= timezone.now():
        raise Conflict(_("Choose a planned meeting still to come."))
    with transaction.atomic():
        row = _locked(actor, debrief)
        if row.agenda_item_id is not None:
            raise Conflict(_("This debrief is on a committee’s agenda already."))
        item = agenda_item_add(
            actor=actor,
            meeting=meeting,
            source=AgendaSource.EXCHANGE,
            object_id=row.pk,
            params=agenda_params(row),
        )
        row.agenda_item = item
        row.save(update_fields=["agenda_item", "updated_at"])
        audit.audit_write(
            actor=actor,
            action="debrief_to_agenda",
            target="exchange-debriefs",
            target_id=row.pk,
            target_label=_label(row.participant),
            before={"agenda_entry": None, "agenda_meeting": None},
            after={"agenda_entry": item.pk, "agenda_meeting": meeting.pk},
        )
    return item


def meeting_for_agenda(actor: Actor, meeting_id: int) -> Meeting:
    """The meeting a debrief goes to (another workspace's: 404)."""
    meeting = (
        Meeting.objects.filter(workspace=actor.workspace, pk=meeting_id)
        .select_related("committee")
        .first()
    )
    if meeting is None:
        raise NotFound(_("Meeting not found."))
    return meeting


def not_written_message() -> str:
    return _("No debrief written yet.")
