"""Reads of merges: a merge and its explanation, the plan of a merge before it is made (the
values side by side, what would move), and the duplicates of a record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.core.records import record_get
from cordee.crm import records as crm_records
from cordee.crm.selectors import Duplicate, duplicate_candidates
from cordee.funnel.models import ACTIVITY_KINDS
from cordee.merges.models import Merge
from cordee.merges.moves import RELATIONS, moved_words, relations_of
from cordee.merges.services import (
    FIELDS,
    MODELS,
    default_choices,
    field_label,
    follow_leads,
    shown,
    value_of,
)

SPECS = {"contact": crm_records.CONTACTS, "account": crm_records.ACCOUNTS}


def merge_record(*, actor: Actor, kind: str, pk: Any) -> Any:
    """A contact or an account of the workspace (404 otherwise, and for another kind)."""
    if kind not in SPECS:
        raise NotFound(_("Not found."))
    return record_get(actor=actor, spec=SPECS[kind], pk=pk)


def merge_get(*, actor: Actor, pk: int) -> Merge:
    try:
        return Merge.objects.select_related("actor").get(workspace=actor.workspace, pk=pk)
    except Merge.DoesNotExist as exc:
        raise NotFound(_("Merge not found.")) from exc


def merges_about(*, actor: Actor, kind: str, record_id: int, limit: int) -> list[Merge]:
    """The merges a record absorbed, newest first."""
    return list(
        Merge.objects.filter(workspace=actor.workspace, **{f"survivor_{kind}_id": record_id})
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


@dataclass(frozen=True)
class FieldChoice:
    name: str
    label: str
    survivor: str
    loser: str
    default: str  # "survivor" | "loser"

    @property
    def differs(self) -> bool:
        return self.survivor != self.loser


def pending_moves(kind: str, loser: Any) -> dict[str, int]:
    """What a merge of ``loser`` would move, per kind of row (read only, as ``merge_records``
    counts it)."""
    counts: dict[str, int] = {}
    for related, field_name, rel in relations_of(MODELS[kind]):
        key = RELATIONS.get((related._meta.label, field_name), related._meta.model_name or "")
        if rel.many_to_many:
            n = rel.through._base_manager.filter(
                **{rel.field.m2m_reverse_field_name(): loser.pk}
            ).count()
        else:
            rows = related._base_manager.filter(**{field_name: loser.pk})
            if related._meta.label == "funnel.Touchpoint":
                activities = rows.filter(kind__in=[str(k) for k in ACTIVITY_KINDS]).count()
                if activities:
                    counts["activities"] = activities
                n = rows.count() - activities
            else:
                n = rows.count()
        if n:
            counts[key] = counts.get(key, 0) + n
    return {**counts, **follow_leads(kind, loser)}


@dataclass(frozen=True)
class MergePlan:
    kind: str
    survivor: Any
    loser: Any
    fields: list[FieldChoice]
    moves: list[str]  # "3 leads", "12 marketing touches"…


def merge_plan(*, actor: Actor, kind: str, survivor_id: Any, loser_id: Any) -> MergePlan:
    """Both records' values side by side with the default choice, and what would move."""
    survivor = merge_record(actor=actor, kind=kind, pk=survivor_id)
    loser = merge_record(actor=actor, kind=kind, pk=loser_id)
    defaults = default_choices(kind, survivor, loser)
    fields = [
        FieldChoice(
            name,
            field_label(kind, name).capitalize(),
            shown(survivor, name),
            shown(loser, name),
            defaults.get(name, "survivor"),
        )
        for name in FIELDS[kind]
        if value_of(survivor, name) not in (None, "") or value_of(loser, name) not in (None, "")
    ]
    moves = moved_words(pending_moves(kind, loser))
    return MergePlan(kind, survivor, loser, fields, moves)


def duplicates_of(*, actor: Actor, kind: str, pk: Any) -> list[Duplicate]:
    """Other records of the workspace that look like this one (``crm.selectors``' rule)."""
    record = merge_record(actor=actor, kind=kind, pk=pk)
    fields = {name: value_of(record, name) for name in FIELDS[kind]}
    return duplicate_candidates(
        workspace=actor.workspace, kind=kind, fields=fields, exclude_id=record.pk, limit=20
    )


def kept_from(merge: Merge) -> list[tuple[str, str, str]]:
    """(field label, value kept, "survivor"/"loser") of each field where the two differed."""
    rows = []
    for name, choice in merge.choices.items():
        label = field_label(merge.kind, name)
        side = choice.get("from", "survivor")
        rows.append((label, choice.get(side, ""), side))
    return rows
