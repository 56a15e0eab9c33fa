"""The diagnostic's writes: open a wave, close it (by hand or the day after its last day of
answers), answer it. Each runs in one transaction and is audited.

**Answering keeps nobody's answers**: the ``Respondent`` row says that a person answered (to
answer once, to count participation), the ``Response`` row holds the side (the person's current
role's), their pods and the 20 answers — no person, no time, a random key; nothing links the
two rows, and the audit entry names the wave only (never the response)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.analytics import diagnostic as maths
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, PermissionDenied, ValidationFailed
from cordee.core.text import first_control_character
from cordee.diagnostic import selectors as reads
from cordee.diagnostic.models import Respondent, Response, Wave
from cordee.diagnostic.notices import WAVE_OPENED
from cordee.diagnostic.statements import STATEMENTS
from cordee.people.models import Pod
from cordee.people.services import notification_new, notifications_send
from cordee.tenancy.models import User
from cordee.tenancy.roles import side_of

audit.audit_kind_register("diagnostic_wave", Wave._meta.verbose_name, Wave)

TITLE_MAX = 160
FIELDS = ("title", "period_start", "period_end", "closes_on", "pod")


def _field_error(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={name: [message]})


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise _field_error(name, _("Give a date (YYYY-MM-DD).")) from None
    if not isinstance(value, dt.date):
        raise _field_error(name, _("Give a date (YYYY-MM-DD)."))
    return value


def _checked(actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
    """The wave's fields as they will be kept; ``ValidationFailed`` naming the first refused."""
    title = str(data.get("title") or "").strip()
    if not title:
        raise _field_error("title", _("Give the wave a title."))
    if len(title) > TITLE_MAX:
        raise _field_error("title", _("At most %(limit)s characters.") % {"limit": TITLE_MAX})
    if first_control_character(title, multiline=False):
        raise _field_error("title", _("This text holds a character that is not allowed."))
    start = _date(data.get("period_start"), "period_start")
    end = _date(data.get("period_end"), "period_end")
    if end < start:
        raise _field_error("period_end", _("The period ends on or after the day it starts."))
    closes_on = _date(data.get("closes_on"), "closes_on")
    if closes_on < actor.workspace.today():
        raise _field_error("closes_on", _("The last day of answers is today or later."))
    pod: Pod | None = None
    pod_value: Any = data.get("pod")
    if isinstance(pod_value, Pod):
        pod_value = pod_value.pk
    if pod_value not in (None, ""):
        try:
            pod_pk = int(pod_value)
        except (TypeError, ValueError):
            raise _field_error("pod", _("No such pod in this workspace.")) from None
        pod = Pod.objects.filter(workspace=actor.workspace, pk=pod_pk).first()
        if pod is None:
            raise _field_error("pod", _("No such pod in this workspace."))
    return {
        "title": title,
        "period_start": start,
        "period_end": end,
        "closes_on": closes_on,
        "pod": pod,
    }


def _answer_url(wave: Wave) -> str:
    return reverse("diagnostic_wave_answer", args=[wave.workspace.slug, wave.pk])


def _tell_opened(wave: Wave) -> int:
    """Tell every person the wave asks that it is open (once each); how many were told."""
    people = User.objects.filter(pk__in=reads.scope_user_ids(wave), is_active=True)
    notifications = [
        notification_new(
            workspace=wave.workspace,
            user=user,
            kind="diagnostic",
            key=f"diagnostic.wave_opened:{wave.pk}",
            code=WAVE_OPENED,
            params={"title": wave.title, "closes_on": wave.closes_on.isoformat()},
            url=_answer_url(wave),
        )
        for user in people
    ]
    notifications_send(notifications=notifications)
    return len(notifications)


def wave_open(
    actor: Actor,
    title: str,
    period_start: Any,
    period_end: Any,
    closes_on: Any,
    pod: Any = None,
) -> Wave:
    """Open a wave (``diagnostic.manage``) for the workspace or one pod — one open wave at a
    time for each — and tell everyone it asks."""
    actor.require("diagnostic.manage")
    values = _checked(
        actor,
        {
            "title": title,
            "period_start": period_start,
            "period_end": period_end,
            "closes_on": closes_on,
            "pod": pod,
        },
    )
    pod_id = values["pod"].pk if values["pod"] else None
    with transaction.atomic():
        # one at a time: the workspace's row is the lock two openings queue on
        type(actor.workspace).objects.select_for_update().filter(pk=actor.workspace.pk).first()
        if reads.open_wave(actor, pod_id) is not None:
            raise _field_error(
                "pod",
                _("A wave is already open for the pod: close it first.")
                if pod_id
                else _("A wave is already open for the workspace: close it first."),
            )
        wave = Wave.objects.create(workspace=actor.workspace, opened_by=actor.user, **values)
        audit.audit_write(
            actor=actor,
            action="create",
            target="diagnostic_wave",
            target_id=wave.pk,
            target_label=wave.title,
            after=audit.snapshot(wave, FIELDS),
        )
        _tell_opened(wave)
    return wave


def _close(wave: Wave, *, actor: Actor | None, now: dt.datetime) -> Wave:
    with transaction.atomic():
        wave = Wave.objects.select_for_update().select_related("workspace").get(pk=wave.pk)
        if wave.closed_at is not None:
            return wave
        wave.closed_at = now
        wave.save(update_fields=["closed_at", "updated_at"])
        audit.audit_write(
            actor=actor,
            action="close",
            target="diagnostic_wave",
            target_id=wave.pk,
            target_label=wave.title,
            workspace=wave.workspace,
            rule="" if actor else _("Last day of answers passed"),
            before={"closed_at": None},
            after={"closed_at": now},
        )
    return wave


def wave_close(actor: Actor, wave: Wave) -> Wave:
    """Close the wave (``diagnostic.manage``): no more answers; its results are shown."""
    actor.require("diagnostic.manage")
    return _close(wave, actor=actor, now=timezone.now())


def waves_close_due(*, now: dt.datetime | None = None) -> int:
    """Close every open wave whose last day of answers has passed in its workspace's calendar
    (the daily job; idempotent); how many were closed."""
    now = now or timezone.now()
    closed = 0
    for wave in Wave.objects.filter(closed_at__isnull=True).select_related("workspace"):
        if wave.closes_on < wave.workspace.today(now):
            _close(wave, actor=None, now=now)
            closed += 1
    return closed


def _answers_checked(answers: Any) -> list[int]:
    """The 20 answers, each a whole number from 1 to 5; ``ValidationFailed`` naming the wrong
    statements by their number (1 to 20)."""
    if isinstance(answers, Mapping):  # {statement key or number: answer}
        keys = [key for key, _text in STATEMENTS]
        answers = [
            answers.get(key, answers.get(str(n), answers.get(n)))  # type: ignore[call-overload]
            for n, key in enumerate(keys, start=1)
        ]
    if not isinstance(answers, Sequence) or isinstance(answers, str | bytes):
        raise _field_error("answers", _("Answer each of the 20 statements from 1 to 5."))
    wrong = maths.answers_check(list(answers))
    if wrong:
        numbers = ", ".join(str(i + 1) for i in wrong)
        raise _field_error(
            "answers",
            _("Answer each statement from 1 to 5; these are missing or wrong: %(numbers)s.")
            % {"numbers": numbers},
        )
    return [int(a) for a in answers]


def wave_answer(actor: Actor, wave: Wave, answers: Any) -> None:
    """Answer the wave, once (``diagnostic.answer``; a person it asks): the answers are kept
    with the side and the pods of whoever answered, and nothing that names them."""
    actor.require("diagnostic.answer")
    if not reads.in_scope(actor, wave):
        raise PermissionDenied(_("This wave asks the members of its pod only."))
    values = _answers_checked(answers)
    pod_ids = sorted(reads.my_pod_ids(actor))
    try:
        with transaction.atomic():
            locked = Wave.objects.select_for_update().get(pk=wave.pk)
            if locked.closed_at is not None:
                raise Conflict(_("This wave is closed: it takes no more answers."))
            Respondent.objects.create(wave=locked, user=actor.user)  # once: the unique pair
            Response.objects.create(
                wave=locked, side=side_of(actor.role).value, pod_ids=pod_ids, answers=values
            )
            audit.audit_write(
                actor=actor,
                action="answer",
                target="diagnostic_wave",
                target_id=locked.pk,
                target_label=locked.title,
            )
    except IntegrityError:
        raise Conflict(_("You have answered this wave already: answers are final.")) from None
