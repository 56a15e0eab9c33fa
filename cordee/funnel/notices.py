"""The words of the funnel's notifications (see ``cordee.people.notices``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.funnel.models import BreachKind
from cordee.people.notices import Notice, label_of, notice_register, when

SLA_BREACH = notice_register(
    "sla.breach",
    Notice(
        title=_("SLA breach — %(kind)s: %(subject)s (due %(due)s)"),
        show={"kind": label_of(BreachKind), "due": when},
    ),
)

MQL_UNOWNED = notice_register(
    "funnel.mql_unowned",
    Notice(
        title=_(
            "MQL without an owner: %(lead)s. No routing rule, fallback or available rep could "
            "take it."
        ),
    ),
)

TASK_REMINDER = notice_register(
    "task.reminder",
    Notice(title=_("Reminder: %(title)s (due %(due)s)"), show={"due": when}),
)
