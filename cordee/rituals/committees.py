"""The services of committees: create, change, archive, set the members, generate the meetings.

Every write checks ``committee.write`` (managers of both sides and RevOps), runs in one
transaction and is audited. Meetings are generated from the rule ``HORIZON`` ahead
(``meetings_generate``: one per occurrence, the unique (committee, starts_at) making it
idempotent); when the rule, the first meeting or the duration changes, the future planned
meetings **with no content** are replaced and the others kept (``has_content``: an agenda
line added, removed or minuted by hand, attendance, a decision, an action item, notes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, ValidationFailed
from cordee.core.text import first_control_character
from cordee.people.models import Pod
from cordee.rituals import recurrence
from cordee.rituals.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Committee,
    CommitteeKind,
    CommitteeMember,
    Decision,
    Meeting,
    MeetingState,
)
from cordee.tenancy.models import Membership

audit.audit_kind_register("committee", Committee._meta.verbose_name, Committee)

HORIZON = dt.timedelta(days=90)  # meetings exist this far ahead
NAME_MAX, LOCATION_MAX = 160, 300
DURATION_MIN, DURATION_MAX = 5, 600
FIELDS = ("name", "kind", "pod", "purpose", "rrule", "first_at", "duration_minutes", "location")
# a change of one of these makes the future meetings again
SCHEDULE_FIELDS = ("rrule", "first_at", "duration_minutes")


# -- checking what is written ------------------------------------------------------------------


def _field_error(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={name: [message]})


def _text(values: dict[str, Any], name: str, limit: int, *, multiline: bool = False) -> str:
    value = values.get(name)
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise _field_error(name, _("At most %(limit)s characters.") % {"limit": limit})
    if first_control_character(text, multiline=multiline):
        raise _field_error(name, _("This text holds a character that is not allowed."))
    return text


def _checked(actor: Actor, data: Mapping[str, Any], committee: Committee | None) -> dict[str, Any]:
    """The committee's fields as they will be kept (the current ones where ``data`` has none);
    ``ValidationFailed`` naming the first field refused."""
    nulls = [k for k in FIELDS if k in data and data[k] is None and k != "pod"]
    if nulls:
        raise _field_error(nulls[0], _("This field cannot be null."))
    values: dict[str, Any] = {}
    if committee is not None:
        values = {name: getattr(committee, name) for name in FIELDS}
        values["pod"] = committee.pod_id
    values.update({k: v for k, v in data.items() if k in FIELDS})
    out: dict[str, Any] = {}
    out["name"] = _text(values, "name", NAME_MAX)
    if not out["name"]:
        raise _field_error("name", _("Give the committee a name."))
    taken = Committee.objects.filter(workspace=actor.workspace, name__iexact=out["name"])
    if committee is not None:
        taken = taken.exclude(pk=committee.pk)
    if taken.exists():
        raise _field_error("name", _("Another committee already has this name."))
    kind = values.get("kind") or CommitteeKind.MONTHLY
    if kind not in CommitteeKind.values:
        raise _field_error("kind", _("Choose one of the kinds of committee."))
    out["kind"] = kind
    pod = values.get("pod")
    pod_id: Any = pod.pk if isinstance(pod, Pod) else pod
    if pod_id in (None, ""):
        out["pod"] = None
    else:
        found = Pod.objects.filter(workspace=actor.workspace, pk=pod_id).first()
        if found is None:
            raise _field_error("pod", _("No such pod in this workspace."))
        out["pod"] = found
    out["purpose"] = _text(values, "purpose", 10_000, multiline=True)
    out["location"] = _text(values, "location", LOCATION_MAX)
    duration = values.get("duration_minutes", 60)
    if not isinstance(duration, int) or not DURATION_MIN <= duration <= DURATION_MAX:
        raise _field_error(
            "duration_minutes",
            _("A meeting lasts from %(low)s to %(high)s minutes.")
            % {"low": DURATION_MIN, "high": DURATION_MAX},
        )
    out["duration_minutes"] = duration
    first_at = values.get("first_at")
    if not isinstance(first_at, dt.datetime):
        raise _field_error("first_at", _("Give the date and time of the first meeting."))
    if timezone.is_naive(first_at):  # a wall-clock time: the workspace's
        first_at = first_at.replace(tzinfo=actor.workspace.zone)
    out["first_at"] = first_at.astimezone(dt.UTC).replace(microsecond=0)  # as the database reads it
    out["rrule"] = recurrence.rrule_check(
        str(values.get("rrule") or ""), out["first_at"], actor.workspace.zone
    )
    return out


def _audited(committee: Committee) -> dict[str, Any]:
    return audit.snapshot(committee, FIELDS)


# -- meetings ----------------------------------------------------------------------------------


def has_content(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings people wrote something on: an agenda line added, removed or minuted by hand,
    attendance, a decision, an action item, notes. (What the data wrote on an agenda is not
    content: the agenda writes it again.)"""
    mine = OuterRef("pk")
    by_hand = AgendaItem.objects.filter(meeting=mine).filter(
        Q(added_by__isnull=False) | Q(removed_at__isnull=False) | ~Q(minutes="")
    )
    return meetings.filter(
        Exists(by_hand)
        | Exists(Attendance.objects.filter(meeting=mine))
        | Exists(Decision.objects.filter(meeting=mine))
        | Exists(ActionItem.objects.filter(meeting=mine))
        | ~Q(notes="")
    )


def _replaceable(committee: Committee, now: dt.datetime) -> QuerySet[Meeting]:
    """The committee's future planned meetings with no content."""
    future = committee.meetings.filter(starts_at__gt=now, state=MeetingState.PLANNED)
    return future.exclude(pk__in=has_content(future).values("pk"))


def meetings_generate(
    committee: Committee, *, until: dt.datetime | None = None, now: dt.datetime | None = None
) -> int:
    """Create the committee's planned meetings from now to ``until`` (default: ``HORIZON``
    ahead) that do not exist yet; how many were created. Idempotent: an occurrence that has a
    meeting (whatever its state) gets no second one. An archived committee gets none."""
    if committee.archived_at is not None:
        return 0
    now = now or timezone.now()
    until = until or now + HORIZON
    start = max(now, committee.first_at)
    if until < start:
        return 0
    zone = committee.workspace.zone
    starts = recurrence.occurrences(committee.rrule, committee.first_at, zone, start, until)
    existing = set(
        committee.meetings.filter(starts_at__gte=start, starts_at__lte=until).values_list(
            "starts_at", flat=True
        )
    )
    length = dt.timedelta(minutes=committee.duration_minutes)
    new = [
        Meeting(
            workspace_id=committee.workspace_id,
            committee=committee,
            starts_at=at,
            ends_at=at + length,
        )
        for at in starts
        if at not in existing
    ]
    Meeting.objects.bulk_create(new, ignore_conflicts=True)  # a concurrent run wrote it: fine
    return len(new)


def meetings_generate_all(*, now: dt.datetime | None = None) -> int:
    """Keep every active committee's horizon filled (the daily job); meetings created."""
    active = Committee.objects.filter(archived_at__isnull=True).select_related("workspace")
    return sum(meetings_generate(committee, now=now) for committee in active)


# -- the services --------------------------------------------------------------------------------


def committee_create(*, actor: Actor, data: Mapping[str, Any]) -> Committee:
    """A new committee (``data``: the fields of ``FIELDS``, ``members``: user ids) and its
    meetings ``HORIZON`` ahead."""
    actor.require("committee.write")
    values = _checked(actor, data, None)
    members = _member_ids(actor, data.get("members") or [])
    with transaction.atomic():
        committee = Committee.objects.create(
            workspace=actor.workspace, created_by=actor.user, **values
        )
        CommitteeMember.objects.bulk_create(
            CommitteeMember(workspace=actor.workspace, committee=committee, user_id=pk)
            for pk in members
        )
        after = {**_audited(committee), "members": members}
        audit.audit_write(
            actor=actor,
            action="create",
            target="committee",
            target_id=committee.pk,
            target_label=committee.name,
            after=after,
        )
        meetings_generate(committee)
    return committee


def committee_update(*, actor: Actor, committee: Committee, data: Mapping[str, Any]) -> Committee:
    """Change the fields given in ``data``. A new rule, first meeting or duration replaces the
    future planned meetings with no content (the others are kept as they are)."""
    actor.require("committee.write")
    if committee.archived_at is not None:
        raise Conflict(_("This committee is archived: it is no longer changed."))
    values = _checked(actor, data, committee)
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        before = _audited(committee)
        for name, value in values.items():
            setattr(committee, name, value)
        old, new = audit.changed(before, _audited(committee))
        if not new:
            return committee
        committee.save()
        replaced = 0
        if set(new) & set(SCHEDULE_FIELDS):
            _total, rows = _replaceable(committee, timezone.now()).delete()
            replaced = rows.get(Meeting._meta.label, 0)
            meetings_generate(committee)
        audit.audit_write(
            actor=actor,
            action="update",
            target="committee",
            target_id=committee.pk,
            target_label=committee.name,
            before=old,
            after={**new, **({"meetings_replaced": replaced} if replaced else {})},
        )
    return committee


def committee_archive(*, actor: Actor, committee: Committee) -> Committee:
    """Archive the committee: no meeting is generated any more, its future planned meetings
    with no content are removed (the others, and the past, are kept)."""
    actor.require("committee.write")
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        if committee.archived_at is not None:
            return committee
        now = timezone.now()
        committee.archived_at = now
        committee.save(update_fields=["archived_at", "updated_at"])
        _replaceable(committee, now).delete()
        audit.audit_write(
            actor=actor,
            action="archive",
            target="committee",
            target_id=committee.pk,
            target_label=committee.name,
            before={"archived_at": None},
            after={"archived_at": now},
        )
    return committee


def _member_ids(actor: Actor, user_ids: Iterable[Any]) -> list[int]:
    """The ids, once each, all of active members of the workspace (``ValidationFailed`` on
    ``members`` otherwise)."""
    try:
        wanted = sorted({int(pk) for pk in user_ids})
    except (TypeError, ValueError):
        raise _field_error("members", _("Members are given by their user ids.")) from None
    found = set(
        Membership.objects.filter(
            workspace=actor.workspace, user_id__in=wanted, is_active=True
        ).values_list("user_id", flat=True)
    )
    if set(wanted) - found:
        raise _field_error(
            "members", _("Only active members of the workspace can sit on a committee.")
        )
    return wanted


def committee_members_set(
    *, actor: Actor, committee: Committee, user_ids: Iterable[Any]
) -> list[int]:
    """The committee's members become exactly ``user_ids`` (active members of the workspace);
    the ids kept."""
    actor.require("committee.write")
    wanted = _member_ids(actor, user_ids)
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        current = sorted(committee.memberships.values_list("user_id", flat=True))
        if current == wanted:
            return wanted
        committee.memberships.exclude(user_id__in=wanted).delete()
        CommitteeMember.objects.bulk_create(
            CommitteeMember(workspace=actor.workspace, committee=committee, user_id=pk)
            for pk in sorted(set(wanted) - set(current))
        )
        audit.audit_write(
            actor=actor,
            action="update",
            target="committee",
            target_id=committee.pk,
            target_label=committee.name,
            before={"members": current},
            after={"members": wanted},
        )
    return wanted


def committee_member_add(*, actor: Actor, committee: Committee, user_id: Any) -> list[int]:
    actor.require("committee.write")
    current = list(committee.memberships.values_list("user_id", flat=True))
    return committee_members_set(actor=actor, committee=committee, user_ids=[*current, user_id])


def committee_member_remove(*, actor: Actor, committee: Committee, user_id: Any) -> list[int]:
    actor.require("committee.write")
    current = committee.memberships.values_list("user_id", flat=True)
    try:
        gone = int(user_id)
    except (TypeError, ValueError):
        raise _field_error("members", _("Members are given by their user ids.")) from None
    return committee_members_set(
        actor=actor, committee=committee, user_ids=[pk for pk in current if pk != gone]
    )
