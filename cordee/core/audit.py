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
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from cordee.core.models import AuditEntry
from cordee.tenancy.models import Workspace

if TYPE_CHECKING:
    from cordee.core.actor import Actor
    from cordee.tenancy.models import User


# -- kinds and actions as people read them ------------------------------------------------------


@dataclass(frozen=True)
class AuditKind:
    """A kind of target: its code (``AuditEntry.target``), its name for people and, for a model,
    the model whose fields name the before/after values."""

    key: str
    label: Any
    model: type[models.Model] | None = None


AUDIT_KINDS: dict[str, AuditKind] = {}


def audit_kind_register(key: str, label: Any, model: type[models.Model] | None = None) -> None:
    """Name a kind of target for the audit page (every ``RecordSpec`` registers its own)."""
    AUDIT_KINDS.setdefault(key, AuditKind(key, label, model))


audit_kind_register("workspace", Workspace._meta.verbose_name, Workspace)

# value name -> its choices, for values that are no field of the target's model (a bulk job's
# ``to_stage``): the page shows their labels
AUDIT_VALUE_CHOICES: dict[str, Any] = {}


def audit_values_register(name: str, choices: Any) -> None:
    AUDIT_VALUE_CHOICES.setdefault(name, choices)


# -- who acts: a job's record writes, a rule acting for a person ---------------------------------

_records_muted: ContextVar[bool] = ContextVar("audit_records_muted", default=False)
_acting_rule: ContextVar[str] = ContextVar("audit_acting_rule", default="")


@contextmanager
def records_muted() -> Iterator[None]:
    """Record writes made inside are not logged one by one: the job running them (a bulk action,
    an import) writes one entry naming itself, the count and the ids. Configuration changes
    are still logged."""
    token = _records_muted.set(True)
    try:
        yield
    finally:
        _records_muted.reset(token)


def records_audited() -> bool:
    """False inside ``records_muted``: the record services then write no entry per row."""
    return not _records_muted.get()


@contextmanager
def acting_rule(label: str) -> Iterator[None]:
    """Entries written inside name ``label`` (an incoming endpoint, a routing rule) as who acted,
    even when the service is given an actor (whose workspace it still is)."""
    token = _acting_rule.set(label)
    try:
        yield
    finally:
        _acting_rule.reset(token)


_as_of: ContextVar[dt.datetime | None] = ContextVar("audit_as_of", default=None)


@contextmanager
def as_of(at: dt.datetime) -> Iterator[None]:
    """Entries written inside, with no time of their own, carry ``at``: a replay of history
    (the demo building its year) logs each change when it happened, not when it was replayed."""
    token = _as_of.set(at)
    try:
        yield
    finally:
        _as_of.reset(token)


# -- secrets never enter the log ------------------------------------------------------------------

_SECRET_NAMES = frozenset({"secret", "key_hash", "password", "token", "previous_secret"})
_SECRET_ENDINGS = ("_secret", "_password", "_token", "_key_hash")
HIDDEN = "••••"


def is_secret(name: str) -> bool:
    """A field whose value signs or authenticates: only "changed" is logged, never the value."""
    return name in _SECRET_NAMES or name.endswith(_SECRET_ENDINGS)


def _redacted(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: (HIDDEN if is_secret(str(k)) and v not in (None, "") else v) for k, v in values.items()
    }


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


def named(row: models.Model | None) -> dict[str, Any] | None:
    """A related row as the log keeps it: its id and its name at the time (None: none)."""
    return None if row is None else {"id": row.pk, "name": str(row)[:200]}


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
    actor's; None with no actor is an instance-level event. Values of secret fields (``secret``,
    ``*_token``…) are replaced by ``HIDDEN``: the log says they changed, never what they are. An
    instance-level event's ``person`` (an instance administrator, who acts in no workspace) may
    be named."""
    acting = _acting_rule.get()
    if acting and not rule:
        workspace = workspace if workspace is not None else (actor.workspace if actor else None)
        actor, rule = None, acting
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
        at=at or _as_of.get() or timezone.now(),
        by=by,
        user=actor.user if actor is not None else person,
        by_label=label[:200],
        token_id=actor.token_id if actor is not None else None,
        action=action,
        target=target,
        target_id=target_id,
        target_label=str(target_label)[:200],
        before=json_value(_redacted(before or {})),
        after=json_value(_redacted(after or {})),
    )
