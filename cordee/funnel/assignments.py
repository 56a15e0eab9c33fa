"""Set-based changes of leads' owner and pod: one UPDATE of the rows and one INSERT…SELECT of
their assignment history, whatever the number of leads — never a save per row.

``leads_reassign`` is THE path of a lead's owner changed by a person: the lead form, the API's
PATCH and bulk actions all come here, so that every manual change is kept in the history
(``LeadAssignment``); routing keeps its own per-lead path (``routing._assign``), which takes a
pod member's turn. Which rows the actor may change is ``core.records.records_changeable``.
(Owner, pod and stage are not in any search document: these writes leave the index as it is.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from cordee.core.actor import Actor
from cordee.core.records import records_changeable
from cordee.funnel.models import Lead, LeadAssignment, Stage
from cordee.funnel.notify import mql_assigned_notify
from cordee.funnel.version import funnel_changed
from cordee.people.models import Pod
from cordee.tenancy.models import User

# ids per statement when a list of ids is given: SQLite binds at most 32,766 parameters
IDS_PER_STATEMENT = 900 if connection.vendor == "sqlite" else 20_000


@dataclass(frozen=True)
class Reassigned:
    changed: int  # leads whose owner changed (one history row each)
    refused: int  # leads the actor may not reassign (another person's, for a rep)


def _chunks(leads: QuerySet[Lead] | Sequence[int], workspace_id: int) -> list[QuerySet[Lead]]:
    base = Lead.objects.filter(workspace_id=workspace_id)
    if isinstance(leads, QuerySet):
        return [base.filter(pk__in=leads.order_by().values("pk"))]
    ids = sorted(set(leads))
    return [
        base.filter(pk__in=ids[k : k + IDS_PER_STATEMENT])
        for k in range(0, len(ids), IDS_PER_STATEMENT)
    ]


def _param(field: str, value: Any, sql_type: str) -> tuple[str, Any]:
    """A placeholder and its value for the SELECT list of an INSERT…SELECT: PostgreSQL types an
    untyped literal there as text, so it is cast; SQLite takes it as it is."""
    prepared = LeadAssignment._meta.get_field(field).get_db_prep_value(  # type: ignore[union-attr]
        value, connection, prepared=False
    )
    placeholder = "%s" if connection.vendor == "sqlite" else f"CAST(%s AS {sql_type})"
    return placeholder, prepared


def _history_insert(
    changing: QuerySet[Lead],
    *,
    to_owner_id: int | None,
    at: dt.datetime,
    actor: Actor,
    rule: str,
    reason_code: str,
    reason_params: dict[str, Any],
) -> int:
    """One ``LeadAssignment`` per row of ``changing`` (from its current owner), in one statement."""
    select_sql, select_params = (
        changing.order_by().values_list("workspace_id", "pk", "owner_id", "pod_id").query
    ).sql_with_params()
    constants = [
        _param("to_owner", to_owner_id, "integer"),
        _param("at", at, "timestamp with time zone"),
        _param("actor", actor.user.pk, "integer"),
        _param("rule", rule, "varchar"),
        _param("reason", "", "varchar"),
        _param("reason_code", reason_code, "varchar"),
        _param("reason_params", reason_params, "jsonb"),
    ]
    table = LeadAssignment._meta.db_table
    sql = (
        f"INSERT INTO {table} (workspace_id, lead_id, from_owner_id, pod_id, to_owner_id, at, "
        "actor_id, rule, reason, reason_code, reason_params) "
        f"SELECT rows.*, {', '.join(p for p, _v in constants)} FROM ({select_sql}) rows"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(v for _p, v in constants), *select_params])
        return cursor.rowcount


def leads_reassign(
    *,
    actor: Actor,
    leads: QuerySet[Lead] | Sequence[int],
    to_owner: User | None,
    reason_code: str = "manual",
    reason_params: dict[str, Any] | None = None,
    rule: str = "",
    at: dt.datetime | None = None,
    undoing_from: int | None = None,
) -> Reassigned:
    """Give ``leads`` (ids, or a queryset, of the actor's workspace) to ``to_owner`` (an active
    member, checked by the caller; None: nobody). Leads the actor may not reassign are left
    alone and counted in ``refused``; leads already theirs are left alone too. Per batch of
    ids: one INSERT…SELECT of history rows (reason ``reason_code`` of ``ASSIGNMENT_REASONS``,
    with ``reason_params``) and one UPDATE — a queryset is one batch."""
    actor.require("lead.write")
    at = at or timezone.now()
    changed = refused = 0
    target = to_owner.pk if to_owner else None
    # the new owner hears of the MQLs given to them by someone else (not of an undo)
    tell = target is not None and target != actor.user.pk and undoing_from is None
    mqls: list[Lead] = []
    n_mqls = 0
    with transaction.atomic():
        for chunk in _chunks(leads, actor.workspace.pk):
            if undoing_from is not None:
                allowed = chunk.filter(owner_id=undoing_from)
            else:
                allowed = records_changeable(actor=actor, qs=chunk)
                if allowed is not chunk:
                    refused += chunk.count() - allowed.count()
            changing = (
                allowed.exclude(owner_id=target) if target else allowed.exclude(owner__isnull=True)
            )
            if tell:
                waiting = changing.filter(stage=Stage.MQL)
                n = waiting.count()
                if n and not mqls:
                    mqls = list(waiting.select_related("contact").order_by("pk")[:1])
                n_mqls += n
            _history_insert(
                changing,
                to_owner_id=target,
                at=at,
                actor=actor,
                rule=rule,
                reason_code=reason_code,
                reason_params=reason_params or {},
            )
            changed += changing.update(owner_id=target, updated_at=at)
        if changed:
            transaction.on_commit(partial(funnel_changed, actor.workspace.pk))
        if n_mqls and target is not None:
            mql_assigned_notify(
                workspace=actor.workspace, user_id=target, leads=mqls, n=n_mqls, at=at
            )
    return Reassigned(changed=changed, refused=refused)


def leads_pod_move(
    *,
    actor: Actor,
    leads: QuerySet[Lead] | Sequence[int],
    pod: Pod | None,
    undoing_from: int | None = None,
) -> Reassigned:
    """Put ``leads`` in ``pod`` (of the actor's workspace; None: no pod), one UPDATE per batch,
    under the same rule as a reassignment (``records_changeable``); ``undoing_from``: see
    ``leads_reassign`` (only the leads still in that pod)."""
    actor.require("lead.write")
    changed = refused = 0
    target = pod.pk if pod else None
    now = timezone.now()
    with transaction.atomic():
        for chunk in _chunks(leads, actor.workspace.pk):
            if undoing_from is not None:
                allowed = chunk.filter(pod_id=undoing_from)
            else:
                allowed = records_changeable(actor=actor, qs=chunk)
                if allowed is not chunk:
                    refused += chunk.count() - allowed.count()
            changing = (
                allowed.exclude(pod_id=target) if target else allowed.exclude(pod__isnull=True)
            )
            changed += changing.update(pod_id=target, updated_at=now)
        if changed:
            transaction.on_commit(partial(funnel_changed, actor.workspace.pk))
    return Reassigned(changed=changed, refused=refused)
