"""The words of the diagnostic's notifications (see ``cordee.people.notices``).

Parameters: ``title`` (the wave's), ``closes_on`` (its last day of answers, ISO)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.people.notices import Notice, day, notice_register

WAVE_OPENED = notice_register(
    "diagnostic.wave_opened",
    Notice(
        title=_(
            "Alignment diagnostic “%(title)s”: your 20 answers are awaited until %(closes_on)s"
        ),
        body=_("Five minutes, anonymous: nobody, RevOps included, can read one person’s answers."),
        show={"closes_on": day},
    ),
)
