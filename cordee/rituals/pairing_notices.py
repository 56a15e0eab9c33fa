"""The words of the pairing's notifications (see ``cordee.people.notices``).

Parameters: ``programme`` (its name), ``partner`` (the other person's name), ``starts`` and
``ends`` (ISO, the workspace's local time; absent while the session has no day), ``hosting``
(true when the reader hosts the session)."""

from __future__ import annotations

from django.utils.translation import gettext

from cordee.people.notices import Notice, Params, notice_register, when


def _confirmed(params: Params) -> str:
    words = {"programme": params.get("programme", ""), "partner": params.get("partner", "")}
    if not params.get("starts"):
        return (
            gettext(
                "Vis-ma-vie %(programme)s: you are paired with %(partner)s; the day of your "
                "session is still to be set"
            )
            % words
        )
    words["starts"] = when(str(params["starts"]))
    if params.get("hosting"):
        return gettext("Vis-ma-vie %(programme)s: you receive %(partner)s on %(starts)s") % words
    return gettext("Vis-ma-vie %(programme)s: you join %(partner)s on %(starts)s") % words


def _moved(params: Params) -> str:
    words = {
        "programme": params.get("programme", ""),
        "partner": params.get("partner", ""),
        "starts": when(str(params.get("starts", ""))),
    }
    return (
        gettext("Vis-ma-vie %(programme)s: your session with %(partner)s moves to %(starts)s")
        % words
    )


PAIR_CONFIRMED = notice_register("rituals.pair_confirmed", Notice(title=_confirmed))
SESSION_MOVED = notice_register("rituals.session_moved", Notice(title=_moved))
