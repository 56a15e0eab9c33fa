"""The words of the kudos' notifications (see ``cordee.people.notices``).

Parameters: ``sender`` (the sender's name), ``message`` (the kudos' text), ``pod`` (the pod's
name when the kudos went to a pod the reader belongs to, else absent or empty)."""

from __future__ import annotations

from django.utils.translation import gettext

from cordee.people.notices import Notice, Params, notice_register


def _title(params: Params) -> str:
    words = {"sender": params.get("sender", ""), "pod": params.get("pod", "")}
    if params.get("pod"):
        return gettext("Kudos from %(sender)s to your pod %(pod)s") % words
    return gettext("Kudos from %(sender)s") % words


KUDOS_RECEIVED = notice_register(
    "wins.kudos_received",
    Notice(title=_title, body=lambda params: str(params.get("message", ""))),
)
