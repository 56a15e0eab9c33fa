"""Moving every row that points at the merged record to the surviving one.

Every relation to ``Contact`` and ``Account`` (``_meta.related_objects``, so a foreign key added
tomorrow is seen) is moved by one ``UPDATE``; ``RELATIONS`` names the kind of row each one
counts as. ``tests/merges`` fails when a relation is missing from ``RELATIONS``, so that a new one
gets its words. A row of the merged record that would break a unique constraint once moved (the
same contact twice in a list, the same account twice in a pod) is the survivor's already: it is
deleted, and counted apart (``<kind>_dropped``).
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import ngettext

from cordee.funnel.models import ACTIVITY_KINDS

# (model label, field name) -> the kind of row it counts as
RELATIONS: dict[tuple[str, str], str] = {
    # contacts
    ("funnel.Lead", "contact"): "leads",
    ("funnel.Touchpoint", "contact"): "touches",  # split: activities logged by people apart
    ("funnel.Task", "contact"): "tasks",
    ("comments.Comment", "contact"): "comments",
    ("crm.CampaignMember", "contact"): "campaign_members",  # the same campaign twice: dropped
    ("merges.Merge", "survivor_contact"): "merges",
    # accounts
    ("crm.Contact", "account"): "contacts",
    ("funnel.Opportunity", "account"): "opportunities",
    ("funnel.Task", "account"): "tasks",
    ("feedback.FeedbackItem", "account"): "feedback",
    ("comments.Comment", "account"): "comments",
    ("people.Pod", "named_accounts"): "pods",
    ("merges.Merge", "survivor_account"): "merges",
}


def _count_words(key: str, n: int) -> str:
    words = {
        "leads": ngettext("%(n)s lead", "%(n)s leads", n),
        "touches": ngettext("%(n)s marketing touch", "%(n)s marketing touches", n),
        "activities": ngettext("%(n)s activity", "%(n)s activities", n),
        "tasks": ngettext("%(n)s task", "%(n)s tasks", n),
        "comments": ngettext("%(n)s comment", "%(n)s comments", n),
        "merges": ngettext("%(n)s earlier merge", "%(n)s earlier merges", n),
        "contacts": ngettext("%(n)s contact", "%(n)s contacts", n),
        "opportunities": ngettext("%(n)s opportunity", "%(n)s opportunities", n),
        "feedback": ngettext("%(n)s feedback item", "%(n)s feedback items", n),
        "pods": ngettext("%(n)s pod naming it", "%(n)s pods naming it", n),
        "campaign_members": ngettext("%(n)s campaign membership", "%(n)s campaign memberships", n),
        "opportunities_via_leads": ngettext(
            "%(n)s opportunity (with its lead)", "%(n)s opportunities (with their leads)", n
        ),
        "feedback_via_leads": ngettext(
            "%(n)s feedback item (with its lead)", "%(n)s feedback items (with their leads)", n
        ),
    }
    if key.endswith("_dropped"):
        return ngettext(
            "%(n)s link already on the survivor, dropped",
            "%(n)s links already on the survivor, dropped",
            n,
        ) % {"n": n}
    return (words.get(key) or f"%(n)s {key}") % {"n": n}


def moved_words(moved: dict[str, int]) -> list[str]:
    """``{"leads": 3, "touches": 12}`` → ``["3 leads", "12 marketing touches"]``, in the active
    language (what a merge stored, written when read)."""
    order = {key: i for i, key in enumerate(_ORDER)}
    keys = sorted((k for k, n in moved.items() if n), key=lambda k: (order.get(k, len(order)), k))
    return [_count_words(k, moved[k]) for k in keys]


_ORDER = (
    "leads",
    "touches",
    "activities",
    "tasks",
    "opportunities_via_leads",
    "feedback_via_leads",
    "contacts",
    "opportunities",
    "feedback",
    "comments",
    "campaign_members",
    "pods",
    "merges",
)


def relations_of(model: type[models.Model]) -> list[tuple[Any, str, Any]]:
    """(model holding the link, its field name, the relation) for every row kind pointing at
    ``model``: foreign keys, one-to-ones and many-to-manys (by their link table)."""
    return [(rel.related_model, rel.field.name, rel) for rel in model._meta.related_objects]


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[list[str], Q]]:
    """The unique field sets of ``model`` that include ``field_name``, with their condition."""
    sets: list[tuple[list[str], Q]] = []
    for together in model._meta.unique_together:
        if field_name in together:
            sets.append((list(together), Q()))
    for constraint in model._meta.constraints:
        fields = list(getattr(constraint, "fields", ()) or ())
        if isinstance(constraint, models.UniqueConstraint) and field_name in fields:
            sets.append((fields, constraint.condition or Q()))
    if getattr(model._meta.get_field(field_name), "unique", False):
        sets.append(([field_name], Q()))
    return sets


def _move_rows(
    model: type[models.Model], field_name: str, survivor_pk: int, loser_pk: int
) -> tuple[int, int]:
    """Point ``field_name`` of the loser's rows at the survivor: (moved, dropped)."""
    manager = model._base_manager  # every row, soft-deleted ones too
    dropped = 0
    for fields, condition in _unique_sets(model, field_name):
        others = [f for f in fields if f != field_name]
        kept = list(
            manager.filter(condition, **{field_name: survivor_pk}).values_list(*others or ["pk"])
        )
        if not kept:
            continue
        clashing = manager.filter(condition, **{field_name: loser_pk})
        if others:
            clashing = clashing.filter(
                reduce(operator.or_, (Q(**dict(zip(others, row, strict=True))) for row in kept))
            )
        dropped += clashing.delete()[1].get(model._meta.label, 0)
    moved = manager.filter(**{field_name: loser_pk}).update(**{field_name: survivor_pk})
    return moved, dropped


def move_everything(
    model: type[models.Model], survivor: models.Model, loser: models.Model
) -> dict[str, int]:
    """Move every row pointing at ``loser`` to ``survivor``; counts per kind of row."""
    counts: dict[str, int] = {}

    def add(key: str, n: int) -> None:
        if n:
            counts[key] = counts.get(key, 0) + n

    for related, field_name, rel in relations_of(model):
        key = RELATIONS.get((related._meta.label, field_name), related._meta.model_name or "rows")
        if rel.many_to_many:
            through = rel.through
            link = rel.field.m2m_reverse_field_name()  # the link table's column to ``model``
            moved, dropped = _move_rows(through, link, survivor.pk, loser.pk)
        elif related._meta.label == "funnel.Touchpoint":
            activities = related._base_manager.filter(
                **{field_name: loser.pk}, kind__in=[str(k) for k in ACTIVITY_KINDS]
            ).count()
            moved, dropped = _move_rows(related, field_name, survivor.pk, loser.pk)
            add("activities", activities)
            moved -= activities
        else:
            moved, dropped = _move_rows(related, field_name, survivor.pk, loser.pk)
        add(key, moved)
        add(f"{key}_dropped", dropped)
    return counts
