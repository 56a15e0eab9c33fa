"""The words of the funnel's notifications (see ``cordee.people.notices``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cordee.funnel.models import BreachKind
from cordee.people.notices import Notice, Params, label_of, notice_register, when

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


def _mql_assigned_title(params: Params) -> str:
    n = int(params.get("n", 1))
    if n == 1:
        return str(_("New MQL assigned to you: %(lead)s") % {"lead": params.get("lead", "")})
    return ngettext("%(n)s new MQL assigned to you", "%(n)s new MQLs assigned to you", n) % {"n": n}


# params: lead (its contact, when one), n (how many MQLs at once), score (when one)
MQL_ASSIGNED = notice_register(
    "funnel.mql_assigned",
    Notice(
        title=_mql_assigned_title,
        body=lambda p: (
            str(_("Its first touch is due within the SLA: reach out soon."))
            if int(p.get("n", 1)) == 1
            else ""
        ),
    ),
)

# params: who (the person who signed), side (theirs: marketing/sales), contract (its name)
SIGNATURE_ASKED_SLA = notice_register(
    "approval.sla_contract",
    Notice(
        title=_("%(who)s signed the SLA contract “%(contract)s”: your side’s signature is awaited"),
    ),
)
