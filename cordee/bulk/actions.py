"""What each bulk action does to a batch of rows, and how it is undone. Every write goes through
the service that owns it (``leads_reassign``, ``records_owner_set``, ``leads_pod_move``,
``lead_transition``, ``campaign_members_add``); deletions through Django's deletion collector,
whose rows are kept serialized for the undo window."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError

from cordee.core.actor import Actor
from cordee.core.errors import DomainError
from cordee.core.records import RecordSpec, records_owner_set
from cordee.crm.models import Campaign
from cordee.crm.services import campaign_members_add, campaign_members_remove
from cordee.funnel import transitions
from cordee.funnel.models import Lead, Opportunity
from cordee.funnel.services import lead_transition, leads_pod_move, leads_reassign
from cordee.funnel.stages import stage_restore
from cordee.funnel.version import funnel_changed
from cordee.people.models import Pod
from cordee.search.documents import KIND_OF_MODEL
from cordee.search.services import documents_refresh
from cordee.tenancy.models import User


@dataclass
class Outcome:
    """What one batch did: rows changed, rows skipped by reason, failures, undo data to add."""

    changed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    undo: dict[str, Any] = field(default_factory=dict)

    def skip(self, code: str, n: int = 1) -> None:
        if n:
            self.skipped[code] = self.skipped.get(code, 0) + n

    def fail(self, pk: int, code: str, **params: Any) -> None:
        self.failures.append({"id": pk, "code": code, "params": params})


def _grouped(rows: Sequence[tuple[int, Any]]) -> dict[str, list[int]]:
    """{previous value (as text, "" for none): [ids]}: compact undo data."""
    groups: dict[str, list[int]] = defaultdict(list)
    for pk, value in rows:
        groups["" if value is None else str(value)].append(pk)
    return dict(groups)


def _merge_groups(undo: dict[str, Any], key: str, groups: dict[str, list[int]]) -> None:
    into = undo.setdefault(key, {})
    for value, ids in groups.items():
        into.setdefault(value, []).extend(ids)


# -- doing ----------------------------------------------------------------------------------------


def reassign(
    actor: Actor, spec: RecordSpec, ids: list[int], args: dict[str, Any], total: int
) -> Outcome:
    out = Outcome()
    to_owner = User.objects.get(pk=args["to_owner"])
    rows = spec.model._default_manager.filter(workspace=actor.workspace, pk__in=ids)
    before = list(rows.values_list("pk", "owner_id"))
    out.undo["owner"] = _grouped([(pk, owner) for pk, owner in before if owner != to_owner.pk])
    if spec.model is Lead:
        done = leads_reassign(
            actor=actor,
            leads=ids,
            to_owner=to_owner,
            reason_code="bulk",
            reason_params={"count": total},
            rule="bulk",
        )
        changed, refused = done.changed, done.refused
    else:
        changed, refused = records_owner_set(actor=actor, spec=spec, qs=rows, to_owner=to_owner)
        if spec.model is Opportunity and changed:  # the pipeline board reads owners
            transaction.on_commit(partial(funnel_changed, actor.workspace.pk))
    out.changed = changed
    out.skip("not_yours", refused)
    out.skip("gone", len(ids) - len(before))
    out.skip("unchanged", len(before) - changed - refused)
    return out


def move_to_pod(
    actor: Actor, spec: RecordSpec, ids: list[int], args: dict[str, Any], total: int
) -> Outcome:
    out = Outcome()
    pod = Pod.objects.get(pk=args["pod"]) if args.get("pod") else None
    before = list(
        Lead.objects.filter(workspace=actor.workspace, pk__in=ids).values_list("pk", "pod_id")
    )
    target = pod.pk if pod else None
    out.undo["pod"] = _grouped([(pk, p) for pk, p in before if p != target])
    done = leads_pod_move(actor=actor, leads=ids, pod=pod)
    out.changed = done.changed
    out.skip("not_yours", done.refused)
    out.skip("gone", len(ids) - len(before))
    out.skip("unchanged", len(before) - done.changed - done.refused)
    return out


def change_stage(
    actor: Actor, spec: RecordSpec, ids: list[int], args: dict[str, Any], total: int
) -> Outcome:
    """Each lead through ``lead_transition`` (the funnel's rules, history and routing per lead);
    a move the funnel refuses is a failure of that row, with its reason."""
    out = Outcome()
    to_stage = args["to_stage"]
    restore: list[list[Any]] = []
    leads = Lead.objects.filter(workspace=actor.workspace, pk__in=ids).only(
        "pk", "stage", "stage_entered_at", "mql_at"
    )
    found = 0
    for lead in leads:
        found += 1
        labels = {"from": lead.stage, "to": to_stage}  # stage codes: named when read
        if lead.stage == to_stage:
            out.skip("unchanged")
            continue
        if not transitions.is_allowed(lead.stage, to_stage):
            out.fail(lead.pk, "not_allowed", **labels)
            continue
        if (lead.stage, to_stage) in transitions.DECISIONS:
            out.fail(lead.pk, "decision", **labels)
            continue
        previous = [
            lead.pk,
            lead.stage,
            lead.stage_entered_at.isoformat(),
            lead.mql_at.isoformat() if lead.mql_at else None,
        ]
        try:
            with transaction.atomic():
                lead_transition(actor=actor, lead_id=lead.pk, to_stage=to_stage)
        except DomainError:
            out.fail(lead.pk, "moved")
            continue
        restore.append(previous)
        out.changed += 1
    out.skip("gone", len(ids) - found)
    out.undo["stage"] = restore
    return out


def add_to_campaign(
    actor: Actor, spec: RecordSpec, ids: list[int], args: dict[str, Any], total: int
) -> Outcome:
    """Leads add their contacts. Not a touch: attribution does not change."""
    out = Outcome()
    campaign = Campaign.objects.get(pk=args["campaign"], workspace=actor.workspace)
    rows = spec.model._default_manager.filter(workspace=actor.workspace, pk__in=ids)
    if spec.model is Lead:
        pairs = list(rows.values_list("pk", "contact_id"))
    else:
        pairs = [(pk, pk) for pk in rows.values_list("pk", flat=True)]
    added = set(
        campaign_members_add(actor=actor, campaign=campaign, contact_ids=[c for _p, c in pairs])
    )
    out.undo["members"] = sorted(added)
    seen: set[int] = set()
    for _pk, contact_id in pairs:
        if contact_id in added and contact_id not in seen:
            out.changed += 1
        else:
            out.skip("already_member")
        seen.add(contact_id)
    out.skip("gone", len(ids) - len(pairs))
    return out


class _Exact(DjangoJSONEncoder):
    """Django's encoder, but times to the microsecond (its own stops at the millisecond, and a
    restored row must be the row that was deleted)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _protected_ids(model: type[models.Model], ids: list[int]) -> set[int]:
    """Rows of ``ids`` that another record protects from deletion (``on_delete=PROTECT``)."""
    found: set[int] = set()
    for rel in model._meta.related_objects:
        if rel.on_delete is models.PROTECT:
            fk = rel.field
            found.update(
                rel.related_model._default_manager.filter(**{f"{fk.name}__in": ids}).values_list(  # type: ignore[union-attr]
                    fk.attname, flat=True
                )
            )
    return found


def delete(
    actor: Actor, spec: RecordSpec, ids: list[int], args: dict[str, Any], total: int
) -> Outcome:
    """Delete the rows and what cascades from them in one transaction, keeping every deleted row
    (serialized) and every reference set to null (its previous value) for the undo."""
    out = Outcome()
    model = spec.model
    protected = _protected_ids(model, ids)
    for pk in sorted(protected):
        out.fail(pk, "protected")
    qs = model._default_manager.filter(
        workspace=actor.workspace, pk__in=[i for i in ids if i not in protected]
    )
    collector = Collector(using=router.db_for_write(model), origin=qs)
    try:
        collector.collect(qs)  # type: ignore[arg-type]  # a queryset is what Django passes too
    except (ProtectedError, RestrictedError):
        for pk in qs.values_list("pk", flat=True):
            out.fail(pk, "protected")
        return out
    collector.sort()
    kept: list[Any] = []
    for instances in collector.data.values():
        kept.extend(instances)
    for fast in collector.fast_deletes:
        kept.extend(fast)
    nulled = []
    for (fk, _value), groups in collector.field_updates.items():
        for objs in groups:  # a queryset, or a list of instances
            source: Any = objs
            if not isinstance(objs, models.QuerySet):
                source = fk.model._default_manager.filter(pk__in=[o.pk for o in objs])  # type: ignore[attr-defined]
            rows = list(source.values_list("pk", fk.attname))
            if rows:
                nulled.append({"model": fk.model._meta.label, "field": fk.attname, "rows": rows})
    deleted_here = len(collector.data.get(model, ()))
    out.undo["deleted"] = [
        json.loads(json.dumps(serializers.serialize("python", kept), cls=_Exact))
    ]
    out.undo["nulled"] = nulled
    collector.delete()  # search documents go through the models' delete signals
    # leads and deals gone: the funnel's cached pages and snapshots are stale
    transaction.on_commit(partial(funnel_changed, actor.workspace.pk))
    out.changed = deleted_here
    out.skip("gone", len(ids) - len(protected) - deleted_here)
    return out


DO = {
    "reassign": reassign,
    "pod": move_to_pod,
    "stage": change_stage,
    "campaign": add_to_campaign,
    "delete": delete,
}


# -- undoing --------------------------------------------------------------------------------------


def _as_int(value: str) -> int | None:
    return int(value) if value else None


def undo(
    actor: Actor, spec: RecordSpec, action: str, args: dict[str, Any], data: dict[str, Any]
) -> int:
    """Put back what the job changed (only where nobody changed it since); returns rows restored."""
    restored = 0
    if action == "reassign":
        for previous, ids in data.get("owner", {}).items():
            owner = User.objects.filter(pk=int(previous)).first() if previous else None
            if spec.model is Lead:
                restored += leads_reassign(
                    actor=actor,
                    leads=ids,
                    to_owner=owner,
                    reason_code="bulk_undone",
                    undoing_from=args["to_owner"],
                ).changed
            else:
                rows = spec.model._default_manager.filter(pk__in=ids)
                restored += records_owner_set(
                    actor=actor, spec=spec, qs=rows, to_owner=owner, undoing_from=args["to_owner"]
                )[0]
    elif action == "pod":
        for previous, ids in data.get("pod", {}).items():
            pod = Pod.objects.filter(pk=int(previous)).first() if previous else None
            restored += leads_pod_move(
                actor=actor, leads=ids, pod=pod, undoing_from=_as_int(str(args.get("pod") or ""))
            ).changed
    elif action == "stage":
        for pk, stage, entered_at, mql_at in data.get("stage", []):
            restored += stage_restore(
                actor=actor,
                lead_id=pk,
                from_stage=args["to_stage"],
                to_stage=stage,
                stage_entered_at=dt.datetime.fromisoformat(entered_at),
                mql_at=dt.datetime.fromisoformat(mql_at) if mql_at else None,
            )
    elif action == "campaign":
        campaign = Campaign.objects.get(pk=args["campaign"], workspace=actor.workspace)
        restored += campaign_members_remove(
            actor=actor, campaign=campaign, contact_ids=data.get("members", [])
        )
    elif action == "delete":
        restored += _restore_deleted(data)
    if action in ("delete", "reassign"):
        transaction.on_commit(partial(funnel_changed, actor.workspace.pk))
    return restored


def _restore_deleted(data: dict[str, Any]) -> int:
    """Every deleted row back (parents first), then every reference that was set to null, then
    their search documents."""
    restored = 0
    indexed: dict[str, set[int]] = defaultdict(set)
    root_label = ""
    for batch in reversed(data.get("deleted", [])):
        objects = list(serializers.deserialize("python", list(reversed(batch))))
        for obj in objects:
            obj.save()
            kind = KIND_OF_MODEL.get(type(obj.object))
            if kind:
                indexed[kind].add(obj.object.pk)
        root_label = root_label or (batch[0]["model"] if batch else "")
        restored += len(objects)
    for entry in data.get("nulled", []):
        model = apps.get_model(entry["model"])
        for pk, value in entry["rows"]:
            model._default_manager.filter(pk=pk, **{f"{entry['field']}__isnull": True}).update(
                **{entry["field"]: value}
            )
            if KIND_OF_MODEL.get(model):
                indexed[KIND_OF_MODEL[model]].add(pk)
    for kind, ids in indexed.items():
        documents_refresh(kind=kind, ids=ids)
    return restored
