"""The words of the co-design notifications — the sales review's and the debrief's (see
``cordee.people.notices``; the kit's are in ``kit_notices``).

Parameters: ``campaign`` (its name), ``pod`` (the pod's name), ``due`` (ISO, the workspace's local
time), ``who`` (the person acting), ``field`` (a brief field's name), ``excerpt`` (the comment's
first words), ``note`` (the reviewer's note), ``decision`` (approved/changes)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cordee.codesign.models import BriefVersion
from cordee.people.notices import Notice, Params, day, notice_register, when


def field_label(name: Any) -> str:
    """A field of the brief by its name in the active language."""
    try:
        found = BriefVersion._meta.get_field(str(name))
    except Exception:  # a field renamed since: its code
        return str(name)
    return str(getattr(found, "verbose_name", name))


REVIEW_ASKED = notice_register(
    "codesign.review_asked",
    Notice(
        title=_("Sales review asked: the brief of %(campaign)s for %(pod)s (due %(due)s)"),
        show={"due": when},
    ),
)

REVIEW_AGAIN = notice_register(
    "codesign.review_again",
    Notice(
        title=_(
            "The brief of %(campaign)s changed after your answer: your review for %(pod)s is "
            "asked again (due %(due)s)"
        ),
        show={"due": when},
    ),
)

REVIEW_LATE = notice_register(
    "codesign.review_late",
    Notice(
        title=_("Late review: the brief of %(campaign)s for %(pod)s was due %(due)s"),
        show={"due": when},
    ),
)


def _decided_title(params: Params) -> str:
    words = {"who": params.get("who", ""), "campaign": params.get("campaign", "")}
    words["pod"] = params.get("pod", "")
    if params.get("decision") == "approved":
        return gettext("%(who)s approved the brief of %(campaign)s for %(pod)s") % words
    return gettext("%(who)s asks for changes to the brief of %(campaign)s (%(pod)s)") % words


REVIEW_DECIDED = notice_register(
    "codesign.review_decided",
    Notice(title=_decided_title, body=lambda p: str(p.get("note", ""))),
)

COMMENTED = notice_register(
    "codesign.comment",
    Notice(
        title=_("%(who)s commented on “%(field)s” in the brief of %(campaign)s"),
        body=lambda p: str(p.get("excerpt", "")),
        show={"field": field_label},
    ),
)


# params: campaign (its name), end (its end date, ISO)
DEBRIEF_OPENED = notice_register(
    "codesign.debrief_opened",
    Notice(
        title=_("The debrief of “%(campaign)s” is open (the campaign ended on %(end)s)"),
        body=_(
            "Sales rates the leads it received; each side writes its lessons learned. The "
            "results are set next to the brief’s expectations."
        ),
        show={"end": day},
    ),
)
