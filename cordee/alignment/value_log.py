"""A pod's value log: what the pod shipped, changed or learned, dated, written by anyone in it.

**Who writes**: the pod's members (any entry of their pod: the log is the pod's, not one
person's) and the holders of ``value_log.write.any`` (the managers and RevOps); every member of
the workspace reads it. Another workspace's pod or entry is a 404.

**What an entry holds**: a kind (shipped / changed / learned), a title (required), details, a
link (optional: an ``http(s)`` address) and the day it happened on the workspace's calendar
(default: today; never in the future — the log tells what was done). Every write is audited
in its transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cordee.alignment.models import ValueEntry, ValueKind
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.people.models import Pod, PodMember

TITLE_MAX = 200
BODY_MAX = 5000
LINK_MAX = 500
TARGET = "value-log"

audit.audit_kind_register(TARGET, ValueEntry._meta.verbose_name, ValueEntry)

_url_check = URLValidator(schemes=["http", "https"])
_UNSET: Any = object()


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: [message]})


# -- reads ----------------------------------------------------------------------------------------


def pod_get(*, actor: Actor, pk: int) -> Pod:
    """A pod of the actor's workspace (404 otherwise)."""
    pod = Pod.objects.filter(workspace=actor.workspace, pk=pk).first()
    if pod is None:
        raise NotFound(_("No such pod in this workspace."))
    return pod


def value_entries(*, actor: Actor, pod: Pod, kind: str | None = None) -> QuerySet[ValueEntry]:
    """The pod's log, newest first (``kind``: one kind only; an unknown kind is a 422)."""
    rows = ValueEntry.objects.filter(workspace=actor.workspace, pod=pod).select_related("author")
    if kind:
        if kind not in ValueKind.values:
            raise _invalid("kind", _("Choose shipped, changed or learned."))
        rows = rows.filter(kind=kind)
    return rows.order_by("-on", "-id")


def value_entry_get(*, actor: Actor, pk: int) -> ValueEntry:
    entry = (
        ValueEntry.objects.filter(workspace=actor.workspace, pk=pk)
        .select_related("author", "pod")
        .first()
    )
    if entry is None:
        raise NotFound(_("No such value log entry in this workspace."))
    return entry


def may_write(actor: Actor, pod: Pod, *, member_ids: set[int] | None = None) -> bool:
    """The pod's members and the holders of ``value_log.write.any`` (``member_ids``: the pod's
    members when the caller read them already)."""
    if actor.can("value_log.write.any"):
        return True
    if member_ids is not None:
        return actor.user.pk in member_ids
    return PodMember.objects.filter(pod=pod, user=actor.user).exists()


def write_require(actor: Actor, pod: Pod) -> None:
    if not may_write(actor, pod):
        raise PermissionDenied(
            _("Only the pod’s members, its managers and RevOps write in its value log.")
        )


# -- checks ---------------------------------------------------------------------------------------


def _title(value: object) -> str:
    title = " ".join(str(value or "").split())
    if not title:
        raise _invalid("title", _("Say what the pod shipped, changed or learned."))
    if len(title) > TITLE_MAX:
        raise _invalid("title", _("At most %(n)s characters.") % {"n": TITLE_MAX})
    return title


def _kind(value: object) -> str:
    if value not in ValueKind.values:
        raise _invalid("kind", _("Choose shipped, changed or learned."))
    return str(value)


def _body(value: object) -> str:
    body = str(value or "").strip()
    if len(body) > BODY_MAX:
        raise _invalid("body", _("At most %(n)s characters.") % {"n": BODY_MAX})
    return body


def _link(value: object) -> str:
    link = str(value or "").strip()
    if not link:
        return ""
    if len(link) > LINK_MAX:
        raise _invalid("link", _("At most %(n)s characters.") % {"n": LINK_MAX})
    try:
        _url_check(link)
    except DjangoValidationError:
        raise _invalid(
            "link", _("Give a full web address, starting with https:// or http://.")
        ) from None
    return link


def _day(actor: Actor, value: object) -> dt.date:
    today = actor.workspace.today()
    if value in (None, ""):
        return today
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise _invalid("on", _("Give a date (YYYY-MM-DD).")) from None
    if value > today:
        raise _invalid("on", _("The log tells what was done: give today or an earlier day."))
    return value


def entry_values(entry: ValueEntry) -> dict[str, Any]:
    """What an entry says (its audit entries' values; the API's, with its id and author)."""
    return {
        "pod": entry.pod_id,
        "on": entry.on,
        "kind": entry.kind,
        "title": entry.title,
        "body": entry.body,
        "link": entry.link,
    }


def _audit(
    actor: Actor, entry: ValueEntry, verb: str, before: dict[str, Any], after: dict[str, Any]
) -> None:
    audit.audit_write(
        actor=actor,
        action=verb,
        target=TARGET,
        target_id=entry.pk,
        target_label=entry.title,
        before=before,
        after=after,
    )


# -- writes ---------------------------------------------------------------------------------------


@transaction.atomic
def value_entry_add(
    *,
    actor: Actor,
    pod: Pod,
    title: str,
    kind: str = ValueKind.SHIPPED,
    on: dt.date | str | None = None,
    body: str = "",
    link: str = "",
) -> ValueEntry:
    """Write an entry in the pod's log, by the actor, dated ``on`` (default: today)."""
    write_require(actor, pod)
    entry = ValueEntry.objects.create(
        workspace=actor.workspace,
        pod=pod,
        author=actor.user,
        on=_day(actor, on),
        kind=_kind(kind),
        title=_title(title),
        body=_body(body),
        link=_link(link),
    )
    _audit(actor, entry, "create", {}, entry_values(entry))
    return entry


@transaction.atomic
def value_entry_update(
    *,
    actor: Actor,
    entry: ValueEntry,
    title: str | None = None,
    kind: str | None = None,
    on: dt.date | str | None = _UNSET,
    body: str | None = None,
    link: str | None = None,
) -> ValueEntry:
    """Change the fields given (``None``: unchanged; ``on`` None: today)."""
    write_require(actor, entry.pod)
    locked = ValueEntry.objects.select_for_update().get(pk=entry.pk)
    wanted: dict[str, Any] = {}
    if title is not None:
        wanted["title"] = _title(title)
    if kind is not None:
        wanted["kind"] = _kind(kind)
    if on is not _UNSET:
        wanted["on"] = _day(actor, on)
    if body is not None:
        wanted["body"] = _body(body)
    if link is not None:
        wanted["link"] = _link(link)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in wanted.items():
        if getattr(locked, name) != value:
            before[name], after[name] = getattr(locked, name), value
            setattr(locked, name, value)
    if after:
        locked.save(update_fields=[*after, "updated_at"])
        _audit(actor, locked, "update", before, after)
    locked.pod = entry.pod
    locked.author = entry.author
    return locked


@transaction.atomic
def value_entry_delete(*, actor: Actor, entry: ValueEntry) -> None:
    """Remove an entry from the log (audited with what it said)."""
    write_require(actor, entry.pod)
    _audit(actor, entry, "delete", entry_values(entry), {})
    entry.delete()
