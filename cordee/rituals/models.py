"""Rituals: mutual-listening committees and "vis-ma-vie" exchange programmes (issue 19).

A **committee** meets on a recurrence (an iCalendar RRULE read with python-dateutil); each
occurrence is a **meeting**, generated ahead from the rule. A meeting's **agenda** is written by
the data since the previous meeting (``agenda.py``): each item is one object of another app
(a breach, a feedback item, a goal, a launch override, a debrief, an action item carried over,
a change in rejection reasons) named by its ``source`` and ``object_id``, or a line added by
hand. During the meeting, **attendance**, **minutes** (on the item), **decisions** and **action
items** are recorded; an action item not done is carried to every next agenda until it is.

A **programme** pairs marketers with salespeople for a day's shadowing or a week's swap:
participants opt in with their available days (hosts with a capacity); the **pairing** is
proposed by a solver (``analytics/pairing.py``) and adjusted by hand; **sessions** are placed
in the pair's common business hours; each participant writes learning goals before and a
**debrief** after.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import User, WorkspaceScoped

# -- committees ----------------------------------------------------------------------------------


class CommitteeKind(models.TextChoices):
    POD_WEEKLY = "pod_weekly", _("Weekly pod meeting")
    MONTHLY = "monthly", _("Monthly marketing–sales committee")
    QBR = "qbr", _("Quarterly business review")
    OTHER = "other", _("Other committee")


class Committee(WorkspaceScoped):
    """A standing meeting of both sides. ``pod`` narrows the data its agenda reads to one pod
    (null: the whole workspace). ``rrule`` is an RFC 5545 RRULE value ("FREQ=WEEKLY;BYDAY=TU"),
    ``first_at`` its DTSTART (an aware instant; the rule is read in the workspace's time zone)."""

    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(
        _("kind"), max_length=12, choices=CommitteeKind.choices, default=CommitteeKind.MONTHLY
    )
    pod = models.ForeignKey(
        "people.Pod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committees",
        verbose_name=_("pod"),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    rrule = models.CharField(_("recurrence (RRULE)"), max_length=300)
    first_at = models.DateTimeField(_("first meeting"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    location = models.CharField(_("place or video link"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    members: models.ManyToManyField[User, CommitteeMember] = models.ManyToManyField(
        User, through="CommitteeMember", related_name="committees", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="committee_unique_name"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=600),
                name="committee_duration_5_to_600",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(WorkspaceScoped):
    """A person on a committee; their side is their role's (read, never stored)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("committee")
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="committee_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.committee_id}: {self.user_id}"


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(WorkspaceScoped):
    """One occurrence of a committee. ``agenda_built_at``: when the data last wrote its agenda
    (items added since then by the data are appended; a held meeting's agenda is frozen).
    ``closed_at``: when it was marked held (the summary goes to members then)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("committee")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    state = models.CharField(
        _("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    agenda_built_at = models.DateTimeField(_("agenda written"), null=True, blank=True)
    closed_at = models.DateTimeField(_("held"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary_sent_at = models.DateTimeField(_("summary sent"), null=True, blank=True)
    notes = models.TextField(_("general notes"), blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "starts_at"], name="meeting_once"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after"
            ),
        ]
        indexes = [models.Index(fields=["workspace", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.starts_at:%Y-%m-%d %H:%M}"


class AgendaSource(models.TextChoices):
    """Where an agenda item comes from; the order is the agenda's default order."""

    ACTION = "action", _("Open action item")
    BREACH = "breach", _("SLA breach")
    GOAL = "goal", _("Goal at risk")
    FEEDBACK = "feedback", _("Field feedback")
    OVERRIDE = "override", _("Launch without sales approval")
    DEBRIEF = "debrief", _("Campaign debrief due")
    REJECTIONS = "rejections", _("Change in rejection reasons")
    EXCHANGE = "exchange", _("Vis-ma-vie debrief")
    MANUAL = "manual", _("Added by hand")


class AgendaItem(WorkspaceScoped):
    """One line of a meeting's agenda. A generated item names its object (``source`` +
    ``object_id``; ``key`` = "source:object_id", unique per meeting, so writing the agenda again
    adds nothing twice) and keeps the numbers it was written with in ``params`` (rendered in the
    reader's language, never stored as a sentence); a hand-added item has a ``title``.
    Removed items stay, with who removed them and why."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    source = models.CharField(_("source"), max_length=12, choices=AgendaSource.choices)
    object_id = models.PositiveBigIntegerField(_("object"), null=True, blank=True)
    key = models.CharField(max_length=40)
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    added_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_reason = models.TextField(_("why removed"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "key"], name="agenda_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}#{self.position} {self.key}"


class Attendance(WorkspaceScoped):
    """Who was there (``present``) — one row per committee member and meeting, once recorded."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.user_id} {self.present}"


class Decision(WorkspaceScoped):
    """What the committee decided on an item. On a breach it closes the breach's committee flag;
    on a feedback item it may move the item to ``feedback_status`` (through feedback's service)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
        verbose_name=_("agenda item"),
    )
    text = models.TextField(_("decision"))
    feedback_status = models.CharField(_("feedback status set"), max_length=14, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.text[:40]}"


class ActionItem(WorkspaceScoped):
    """Someone's to-do from a meeting, due on a date; carried to every next agenda of the
    committee until ``done_at``. ``reminded_on``: the business day its reminder was sent."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="actions", verbose_name=_("committee")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="actions", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("agenda item"),
    )
    decision = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("decision"),
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_on = models.DateField(_("reminded"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["workspace", "done_at", "due_on"]),
            models.Index(fields=["owner", "done_at"]),
        ]

    def __str__(self) -> str:
        return self.title


# -- vis-ma-vie programmes -----------------------------------------------------------------------


class ProgrammeFormat(models.TextChoices):
    SHADOW_HALF_DAY = "shadow_half", _("Shadow for half a day")
    SHADOW_DAY = "shadow_day", _("Shadow for a day")
    SWAP_WEEK = "swap_week", _("Swap for a week")


class ProgrammeState(models.TextChoices):
    OPEN = "open", _("Open for sign-up")
    PAIRED = "paired", _("Pairs confirmed")
    CLOSED = "closed", _("Closed")


class Programme(WorkspaceScoped):
    """A vis-ma-vie exchange: from ``starts_on`` to ``ends_on``, sessions of the format's length
    (``session_minutes``) between a marketer and a salesperson."""

    name = models.CharField(_("name"), max_length=160)
    format = models.CharField(
        _("format"),
        max_length=12,
        choices=ProgrammeFormat.choices,
        default=ProgrammeFormat.SHADOW_DAY,
    )
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    signup_until = models.DateField(_("sign-up until"), null=True, blank=True)
    session_minutes = models.PositiveIntegerField(_("session length (minutes)"), default=420)
    state = models.CharField(
        _("state"), max_length=8, choices=ProgrammeState.choices, default=ProgrammeState.OPEN
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("vis-ma-vie programme")
        verbose_name_plural = _("vis-ma-vie programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="programme_unique_name"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Participant(WorkspaceScoped):
    """A person who opted in. ``side`` is fixed at opt-in (marketing or sales: the pairing's two
    sides); ``available_days``: ISO dates inside the programme; a host receives up to
    ``capacity`` visitors (a non-host: one pair)."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("programme"),
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    side = models.CharField(_("side"), max_length=10)
    is_host = models.BooleanField(_("hosts visitors"), default=False)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    available_days = models.JSONField(_("available days"), default=list, blank=True)
    learning_goals = models.TextField(_("learning goals"), blank=True)
    opted_in_at = models.DateTimeField(_("signed up"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="participant_once"),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1, capacity__lte=20),
                name="participant_capacity_1_to_20",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.user_id}"


class PairingState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DROPPED = "dropped", _("Dropped")


class Pairing(WorkspaceScoped):
    """A marketer and a salesperson of one programme. ``manual``: set or kept by a manager rather
    than the solver. A dropped pair stays (an earlier pair is never proposed again)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="pairings", verbose_name=_("programme")
    )
    marketer = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("marketer")
    )
    salesperson = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("salesperson")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PairingState.choices, default=PairingState.PROPOSED
    )
    manual = models.BooleanField(_("set by hand"), default=False)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "marketer", "salesperson"], name="pairing_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.marketer_id}↔{self.salesperson_id}"


class ExchangeSession(WorkspaceScoped):
    """When a pair meets: inside both people's available days and the workspace's business
    hours, never on a public holiday."""

    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("pair")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    host = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("host")
    )

    class Meta:
        verbose_name = _("exchange session")
        verbose_name_plural = _("exchange sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="exchange_session_ends_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pairing_id} {self.starts_at:%Y-%m-%d}"


class ExchangeDebrief(WorkspaceScoped):
    """What a participant writes after their session(s): what surprised them, one thing they
    will change. It may become a field-feedback item or a committee agenda item in one click
    (the links kept)."""

    participant = models.OneToOneField(
        Participant,
        on_delete=models.CASCADE,
        related_name="debrief",
        verbose_name=_("participant"),
    )
    surprised = models.TextField(_("what surprised me"))
    will_change = models.TextField(_("one thing I will change"))
    written_at = models.DateTimeField(_("written"))
    feedback_item = models.ForeignKey(
        "feedback.FeedbackItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("exchange debrief")
        verbose_name_plural = _("exchange debriefs")

    def __str__(self) -> str:
        return f"debrief {self.participant_id}"
