"""The words of the agenda's notifications (see ``cordee.people.notices``).

Parameters: ``committee`` (its name), ``starts`` (the meeting's start, ISO, the workspace's local
time), ``items`` (how many items the agenda holds)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.people.notices import Notice, notice_register, when

PREREAD_READY = notice_register(
    "rituals.preread_ready",
    Notice(
        title=_("The pre-read of %(committee)s is ready (meeting %(starts)s)"),
        body=_("The agenda the data wrote, its numbers and charts: read it before the meeting."),
        show={"starts": when},
    ),
)
