"""The audit log's one writer: who changed what, when, before and after.

Every service that changes configuration (workspace settings, SLA contracts and signatures,
scoring, routing and rejection-reason catalogues, memberships, roles, invitations, API tokens,
webhooks, incoming endpoints) or a record calls ``audit_write`` inside its transaction, so an
entry exists exactly when the change does. ``changed`` gives the before/after pair of the
fields that differ."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from cordee.core.models import AuditEntry

if TYPE_CHECKING:
    from cordee.core.actor import Actor
    from cordee.tenancy.models import User, Workspace


def json_value(value: Any) -> Any:
    """A stored value as JSON: a related row as its id, dates as ISO text, decimals as text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_value(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of ``instance`` as JSON values (a foreign key by its ``attname``)."""
    out: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = json_value(getattr(instance, attname))
    return out


def changed(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields whose value differs, as (before, after) dicts of JSON values."""
    keys = [k for k in {**before, **after} if json_value(before.get(k)) != json_value(after.get(k))]
    return (
        {k: json_value(before.get(k)) for k in keys},
        {k: json_value(after.get(k)) for k in keys},
    )


def audit_write(
    *,
    actor: Actor | None,
    action: str,
    target: str,
    target_id: int | None = None,
    target_label: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    workspace: Workspace | None = None,
    rule: str = "",
    at: dt.datetime | None = None,
    person: User | None = None,
) -> AuditEntry:
    """Append one entry. ``actor`` is the person (and token) acting; ``rule`` names a rule or
    job acting on its own (``actor`` None); neither: the system. ``workspace`` defaults to the
    actor's; None with no actor is an instance-level event, whose ``person`` (an instance
    administrator, who acts in no workspace) may be named."""
    if actor is not None:
        by = AuditEntry.By.TOKEN if actor.token_id else AuditEntry.By.PERSON
        label = actor.user.get_full_name() or actor.user.email
        if actor.token_id:
            label = f"{label} ({actor.token_name})"
    elif person is not None:
        by, label = AuditEntry.By.PERSON, person.get_full_name() or person.email
    elif rule:
        by, label = AuditEntry.By.RULE, rule
    else:
        by, label = AuditEntry.By.SYSTEM, ""
    return AuditEntry.objects.create(
        workspace=workspace if workspace is not None else (actor.workspace if actor else None),
        at=at or timezone.now(),
        by=by,
        user=actor.user if actor is not None else person,
        by_label=label[:200],
        token_id=actor.token_id if actor is not None else None,
        action=action,
        target=target,
        target_id=target_id,
        target_label=str(target_label)[:200],
        before=json_value(dict(before or {})),
        after=json_value(dict(after or {})),
    )
