"""What a person wants to hear, and how: THE table of kinds of notification.

Every notification code (``cordee.people.notices``, registered by each app's ``notices.py``)
belongs to one kind below (``CODE_KINDS``; tests/people fails on a registered code missing from
it). For each kind a person chooses a channel — in the app, e-mail at once, a daily e-mail
digest, or off — and what they have not chosen is the kind's default (``DEFAULTS``).
``people.services.notifications_send`` honours the choice: nothing is written when *off*; the
in-app notification otherwise, with its e-mail sent after the commit (*at once*) or gathered
into one message a day (*daily digest*, ``people.mail.daily_digests_send``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    MQL = (
        "mql",
        pgettext_lazy("notification kind", "New MQLs assigned to me (or left without an owner)"),
    )
    SLA_BREACH = "sla_breach", pgettext_lazy("notification kind", "SLA breaches")
    MENTION = "mention", pgettext_lazy("notification kind", "Mentions in comments")
    FEEDBACK_ANSWER = (
        "feedback_answer",
        pgettext_lazy("notification kind", "Answers to my field feedback"),
    )
    APPROVAL = (
        "approval",
        pgettext_lazy("notification kind", "Signatures asked of me (SLA contracts, attribution)"),
    )
    TASK_REMINDER = "task_reminder", pgettext_lazy("notification kind", "Task reminders")
    DIGEST = "digest", pgettext_lazy("notification kind", "Weekly field-feedback digests")
    OTHER = "other", pgettext_lazy("notification kind", "Everything else (exports ready…)")


class Channel(models.TextChoices):
    APP = "app", _("In the app")
    EMAIL = "email", _("E-mail at once")
    DAILY = "daily", _("Daily e-mail digest")
    OFF = "off", _("Off")


# notification code → kind: every code any app registers
CODE_KINDS: dict[str, Kind] = {
    "funnel.mql_assigned": Kind.MQL,
    "funnel.mql_unowned": Kind.MQL,
    "sla.breach": Kind.SLA_BREACH,
    "feedback.sla_breach": Kind.SLA_BREACH,
    "comments.mention": Kind.MENTION,
    "feedback.answered": Kind.FEEDBACK_ANSWER,
    "approval.sla_contract": Kind.APPROVAL,
    "approval.attribution": Kind.APPROVAL,
    "task.reminder": Kind.TASK_REMINDER,
    "codesign.review_asked": Kind.APPROVAL,
    "codesign.review_again": Kind.APPROVAL,
    "codesign.review_late": Kind.APPROVAL,
    "codesign.review_decided": Kind.OTHER,
    "codesign.comment": Kind.MENTION,
    "feedback.digest.marketing": Kind.DIGEST,
    "feedback.digest.sales": Kind.DIGEST,
    "codesign.debrief_opened": Kind.OTHER,
    "export.ready": Kind.OTHER,
    "codesign.kit_published": Kind.OTHER,
    "codesign.kit_changed": Kind.OTHER,
    "rituals.pair_confirmed": Kind.OTHER,
    "rituals.session_moved": Kind.OTHER,
    "rituals.summary": Kind.OTHER,
    "rituals.action_assigned": Kind.TASK_REMINDER,
    "rituals.action_due": Kind.TASK_REMINDER,
    "rituals.action_overdue": Kind.TASK_REMINDER,
    "rituals.preread_ready": Kind.OTHER,
    "diagnostic.wave_opened": Kind.TASK_REMINDER,
    "wins.credited": Kind.OTHER,
    "wins.kudos_received": Kind.OTHER,
    "text": Kind.OTHER,
}

# what a person who never chose gets: e-mail at once for what needs acting on soon, the answers
# gathered once a day, the rest in the app
DEFAULTS: dict[Kind, Channel] = {
    Kind.MQL: Channel.EMAIL,
    Kind.SLA_BREACH: Channel.EMAIL,
    Kind.MENTION: Channel.EMAIL,
    Kind.FEEDBACK_ANSWER: Channel.DAILY,
    Kind.APPROVAL: Channel.EMAIL,
    Kind.TASK_REMINDER: Channel.APP,
    Kind.DIGEST: Channel.EMAIL,
    Kind.OTHER: Channel.APP,
}


def kind_of(code: str) -> Kind:
    """The kind of a notification code (a code no table row names: *everything else*)."""
    return CODE_KINDS.get(code, Kind.OTHER)
