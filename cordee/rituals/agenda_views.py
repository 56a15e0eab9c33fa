"""The agenda's pages: the pre-read pack (printable, in the reader's language) and the agenda's
edit page (move up or down, remove with a reason, add a line, restore, write it from the data).
Each action calls its service (``agenda.py``) and answers the edit list to htmx, or goes back
to the page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, ValidationFailed
from cordee.core.web import htmx_render, workspace_view
from cordee.rituals import agenda as services
from cordee.rituals import agenda_preread
from cordee.rituals.models import Meeting
from cordee.rituals.selectors import meeting_get


@workspace_view
def meeting_preread(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The meeting's pre-read: agenda, numbers, charts, members by side, open action items."""
    meeting = meeting_get(actor=actor, pk=pk)
    return render(request, "rituals/preread.html", agenda_preread.preread(actor, meeting))


@workspace_view
def meeting_agenda(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The agenda's edit page (read-only for whoever does not run the committee's meetings)."""
    meeting = meeting_get(actor=actor, pk=pk)
    return render(request, "rituals/agenda_edit.html", agenda_preread.editor(actor, meeting))


def _answer(request: HttpRequest, actor: Actor, meeting: Meeting) -> HttpResponse:
    def back() -> HttpResponse:
        return HttpResponseRedirect(
            reverse("meeting_agenda", args=[actor.workspace.slug, meeting.pk])
        )

    return htmx_render(
        request,
        "rituals/agenda_editor.html",
        agenda_preread.editor(actor, meeting),
        page=back,
    )


def _act(
    request: HttpRequest, actor: Actor, meeting: Meeting, action: Callable[[], str]
) -> HttpResponse:
    """Run ``action`` (a service call returning its success message); a refusal is told."""
    try:
        done = action()
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.explained)
    else:
        messages.success(request, done)
    meeting.refresh_from_db()
    return _answer(request, actor, meeting)


@require_POST
@workspace_view
def meeting_agenda_build(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    meeting = meeting_get(actor=actor, pk=pk)

    def build() -> str:
        added = services.agenda_build(meeting, actor=actor)
        if not added:
            return _("Nothing new since the agenda was written.")
        return ngettext(
            "The data added %(n)s item to the agenda.",
            "The data added %(n)s items to the agenda.",
            len(added),
        ) % {"n": len(added)}

    return _act(request, actor, meeting, build)


@require_POST
@workspace_view
def meeting_agenda_add(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    meeting = meeting_get(actor=actor, pk=pk)

    def add() -> str:
        services.agenda_item_add(actor=actor, meeting=meeting, title=request.POST.get("title", ""))
        return _("The line is on the agenda.")

    return _act(request, actor, meeting, add)


def _position(request: HttpRequest, current: int) -> int:
    """Where the item goes: ``position``, or one up / one down (``direction``)."""
    direction = request.POST.get("direction")
    if direction == "up":
        return max(1, current - 1)
    if direction == "down":
        return current + 1
    raw = request.POST.get("position", "")
    if not raw.isdigit() or not 1 <= int(raw) <= 10_000:
        raise ValidationFailed(
            _("A position counts from 1."), field_errors={"position": [_("At least 1.")]}
        )
    return int(raw)


@require_POST
@workspace_view
def agenda_item_move(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    item = services.agenda_item_get(actor=actor, pk=pk)

    def move() -> str:
        moved = services.agenda_item_move(
            actor=actor, item=item, position=_position(request, item.position)
        )
        return _("Item moved to position %(n)s.") % {"n": moved.position}

    return _act(request, actor, item.meeting, move)


@require_POST
@workspace_view
def agenda_item_remove(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    item = services.agenda_item_get(actor=actor, pk=pk)

    def remove() -> str:
        services.agenda_item_remove(actor=actor, item=item, reason=request.POST.get("reason", ""))
        return _("Item removed; the reason is kept.")

    return _act(request, actor, item.meeting, remove)


@require_POST
@workspace_view
def agenda_item_restore(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    item = services.agenda_item_get(actor=actor, pk=pk)

    def restore() -> str:
        services.agenda_item_restore(actor=actor, item=item)
        return _("Item back on the agenda.")

    return _act(request, actor, item.meeting, restore)
