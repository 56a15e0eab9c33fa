"""The words of field feedback's notifications (see ``cordee.people.notices``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from cordee.people.notices import Notice, Params, notice_register, when

FEEDBACK_SLA_BREACH = notice_register(
    "feedback.sla_breach",
    Notice(
        title=gettext_lazy("Field feedback not acknowledged in time: %(title)s (due %(due)s)"),
        show={"due": when},
    ),
)

FEEDBACK_ANSWERED = notice_register(
    "feedback.answered",
    Notice(
        title=gettext_lazy("Marketing answered your feedback: %(title)s"),
        body=lambda p: str(p.get("answer", "")),
    ),
)


def _marketing_digest_body(params: Params) -> str:
    lines = [_("New:")] + [f"• {title}" for title in params["new"]]
    if params["hottest"]:
        lines += ["", _("Most +1s this week:")]
        lines += [f"• {title} (+{votes})" for title, votes in params["hottest"]]
    return "\n".join(lines)


# params: n (new items that week), new (their titles, the first 20), hottest ([title, +1s])
DIGEST_MARKETING = notice_register(
    "feedback.digest.marketing",
    Notice(
        title=ngettext_lazy(
            "Field feedback this week: %(n)s new item",
            "Field feedback this week: %(n)s new items",
            "n",
        ),
        body=_marketing_digest_body,
    ),
)


def _sales_digest_body(params: Params) -> str:
    return "\n".join(
        _("You said: %(said)s → we did: %(did)s") % {"said": said, "did": did}
        for said, did in params["answers"]
    )


# params: n (answers), answers ([what they said, what marketing did])
DIGEST_SALES = notice_register(
    "feedback.digest.sales",
    Notice(
        title=ngettext_lazy(
            "Marketing answered %(n)s piece of your feedback this week",
            "Marketing answered %(n)s pieces of your feedback this week",
            "n",
        ),
        body=_sales_digest_body,
    ),
)
