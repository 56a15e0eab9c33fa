"""The words of the rituals' notifications: a code and its parameters, written when read.

Parameters: ``committee`` (its name), ``when`` (the meeting's start, ISO in the workspace's local
time), ``title`` (an action item's), ``due`` (its due date, ISO), ``present`` / ``expected``
(members there / members of the committee), ``decisions`` (the decisions' texts), ``actions``
(``[title, owner's name, due ISO]`` of each action item recorded)."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cordee.people.notices import Notice, Params, day, notice_register, when


def _summary_body(params: Params) -> str:
    lines = [
        gettext("Present: %(present)s of %(expected)s members.")
        % {"present": params.get("present", 0), "expected": params.get("expected", 0)}
    ]
    decisions = list(params.get("decisions") or [])
    lines.append(
        ngettext("%(n)s decision", "%(n)s decisions", len(decisions)) % {"n": len(decisions)}
        + (":" if decisions else ".")
    )
    lines += [f"– {text}" for text in decisions]
    actions = list(params.get("actions") or [])
    lines.append(
        ngettext("%(n)s action item", "%(n)s action items", len(actions)) % {"n": len(actions)}
        + (":" if actions else ".")
    )
    for title, owner, due in actions:
        lines.append(
            "– "
            + gettext("%(title)s (%(owner)s, due %(due)s)")
            % {"title": title, "owner": owner, "due": day(due)}
        )
    return "\n".join(lines)


SUMMARY = notice_register(
    "rituals.summary",
    Notice(
        title=_("Summary of %(committee)s (%(when)s)"),
        body=_summary_body,
        show={"when": when},
    ),
)

ACTION_ASSIGNED = notice_register(
    "rituals.action_assigned",
    Notice(
        title=_("Action item for you from %(committee)s: %(title)s (due %(due)s)"),
        show={"due": day},
    ),
)

ACTION_DUE = notice_register(
    "rituals.action_due",
    Notice(
        title=_("Reminder: your action item “%(title)s” (%(committee)s) is due %(due)s"),
        show={"due": day},
    ),
)

ACTION_OVERDUE = notice_register(
    "rituals.action_overdue",
    Notice(
        title=_("Overdue: your action item “%(title)s” (%(committee)s) was due %(due)s"),
        body=_("It stays on the committee’s next agenda until it is done."),
        show={"due": day},
    ),
)
