"""The words of the co-design notifications (see ``cordee.people.notices``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.people.notices import Notice, day, notice_register

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
