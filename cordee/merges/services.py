"""Merging two duplicate contacts or accounts into one, in one transaction.

``merge_records`` locks both rows (in id order, so two merges of the same pair queue up instead
of deadlocking), writes the chosen values on the survivor, moves every row pointing at the loser
(``moves.move_everything``), deletes the loser and keeps a ``Merge`` that explains it. The
second of two merges that involve a record already merged away is refused (409) and says into
which record it went.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.core.models import FieldChange
from cordee.crm.models import Account, Contact
from cordee.feedback.models import FeedbackItem
from cordee.funnel.models import Opportunity
from cordee.merges.models import Merge, MergeKind
from cordee.merges.moves import move_everything

MODELS: dict[str, type[models.Model]] = {"contact": Contact, "account": Account}
CAPABILITIES = {"contact": "contact.write", "account": "account.write"}
# the fields a person chooses between, in the order the page shows them
FIELDS: dict[str, tuple[str, ...]] = {
    "contact": (
        "first_name",
        "last_name",
        "email",
        "job_title",
        "phone",
        "account",
        "country",
        "owner",
    ),
    "account": ("name", "domain", "industry", "size_band", "country", "region", "city", "owner"),
}
SURVIVOR, LOSER = "survivor", "loser"


def field_of(model: type[models.Model], name: str) -> Any:
    """A concrete field of ``model`` (the merge's fields are all concrete)."""
    return model._meta.get_field(name)


def field_label(kind: str, name: str) -> str:
    return str(field_of(MODELS[kind], name).verbose_name)


def value_of(obj: Any, name: str) -> Any:
    """The stored value (a related row's id for a foreign key)."""
    return getattr(obj, obj._meta.get_field(name).attname)


def shown(obj: Any, name: str) -> str:
    """The value as a person reads it: a related row's name, a choice's label."""
    field = obj._meta.get_field(name)
    if field.is_relation:
        related = getattr(obj, name)
        return "" if related is None else str(related)
    if field.choices and value_of(obj, name):
        return str(getattr(obj, f"get_{name}_display")())
    value = value_of(obj, name)
    return "" if value is None else str(value)


def default_choices(kind: str, survivor: Any, loser: Any) -> dict[str, str]:
    """The survivor's value where it has one, else the loser's."""
    return {
        name: SURVIVOR if value_of(survivor, name) not in (None, "") else LOSER
        for name in FIELDS[kind]
        if value_of(loser, name) not in (None, "") or value_of(survivor, name) not in (None, "")
    }


def _checked_choices(kind: str, choices: Mapping[str, str] | None) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    for name, side in (choices or {}).items():
        if name not in FIELDS[kind]:
            errors[name] = [_("This field cannot be chosen in a merge.")]
        elif side not in (SURVIVOR, LOSER):
            errors[name] = [_("Choose “survivor” or “loser”.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    return dict(choices or {})


def _snapshot(kind: str, obj: models.Model) -> dict[str, Any]:
    """Every column of the row as stored (``fields``), and the chosen fields as people read
    them (``shown``: the account's name, not its id)."""
    data = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    return {
        "fields": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
        "shown": {name: shown(obj, name) for name in FIELDS[kind]},
    }


def _already_merged(actor: Actor, kind: str, pk: int) -> Merge | None:
    return (
        Merge.objects.filter(workspace=actor.workspace, kind=kind, loser_id=pk)
        .order_by("-at")
        .first()
    )


def _locked_pair(actor: Actor, kind: str, survivor_id: int, loser_id: int) -> tuple[Any, Any]:
    model = MODELS[kind]
    rows = {
        row.pk: row
        for row in model._default_manager.select_for_update()
        .filter(workspace=actor.workspace, pk__in=[survivor_id, loser_id])
        .order_by("pk")
    }
    for pk in (survivor_id, loser_id):
        if pk in rows:
            continue
        earlier = _already_merged(actor, kind, pk)
        if earlier is not None:
            raise Conflict(
                _("%(name)s was already merged into %(survivor)s on %(date)s.")
                % {
                    "name": earlier.loser_label,
                    "survivor": earlier.survivor_label,
                    "date": formats.date_format(
                        timezone.localtime(earlier.at, actor.workspace.zone), "SHORT_DATE_FORMAT"
                    ),
                }
            )
        raise NotFound(
            _("%(thing)s not found.") % {"thing": str(model._meta.verbose_name).capitalize()}
        )
    return rows[survivor_id], rows[loser_id]


def follow_leads(kind: str, loser: Any) -> dict[str, int]:
    """What follows a contact's leads without pointing at the contact (counted before)."""
    if kind != "contact":
        return {}
    counts = {
        "opportunities_via_leads": Opportunity.objects.filter(lead__contact=loser).count(),
        "feedback_via_leads": FeedbackItem.objects.filter(lead__contact=loser).count(),
    }
    return {k: n for k, n in counts.items() if n}


def merge_records(
    *,
    actor: Actor,
    kind: str,
    survivor_id: int,
    loser_id: int,
    choices: Mapping[str, str] | None = None,
) -> Merge:
    """Merge ``loser`` into ``survivor`` (two contacts, or two accounts, of the workspace).

    ``choices``: field → ``"survivor"`` or ``"loser"``, the record whose value is kept; a field
    left out keeps the survivor's value, or the loser's where the survivor has none."""
    if kind not in MODELS:
        raise ValidationFailed(
            _("Only contacts and accounts can be merged."),
            field_errors={"kind": [_("Choose “contact” or “account”.")]},
        )
    actor.require(CAPABILITIES[kind])
    actor.require("record.merge")
    if survivor_id == loser_id:
        raise ValidationFailed(
            _("A record cannot be merged into itself."),
            field_errors={"loser": [_("Choose another record.")]},
        )
    chosen = _checked_choices(kind, choices)
    with transaction.atomic():
        survivor, loser = _locked_pair(actor, kind, survivor_id, loser_id)
        snapshot = _snapshot(kind, loser)
        loser_label = str(loser)
        sides = {**default_choices(kind, survivor, loser), **chosen}
        kept: dict[str, Any] = {}
        differences: dict[str, dict[str, str]] = {}
        for name, side in sides.items():
            if value_of(survivor, name) != value_of(loser, name):
                differences[name] = {
                    "from": side,
                    SURVIVOR: shown(survivor, name),
                    LOSER: shown(loser, name),
                }
            if side == LOSER:
                kept[name] = value_of(loser, name)
        if not survivor.external_id and loser.external_id:  # HubSpot/Salesforce find it again
            kept.update(
                source_system=loser.source_system,
                external_id=loser.external_id,
            )
        moved = follow_leads(kind, loser)
        moved = {**move_everything(MODELS[kind], survivor, loser), **moved}
        # the loser's field history is the survivor's now (FieldChange names its record by id)
        FieldChange.objects.filter(
            workspace=actor.workspace, record=f"{kind}s", record_id=loser.pk
        ).update(record_id=survivor.pk)
        merge = Merge.objects.create(
            workspace=actor.workspace,
            kind=kind,
            survivor_contact=survivor if kind == MergeKind.CONTACT else None,
            survivor_account=survivor if kind == MergeKind.ACCOUNT else None,
            survivor_label="",
            loser_id=loser.pk,
            loser_label=loser_label[:300],
            loser_snapshot=snapshot,
            choices=differences,
            moved=moved,
            actor=actor.user,
            at=timezone.now(),
        )
        loser.delete()  # nothing points at it any more: nothing cascades
        for name, value in kept.items():
            setattr(survivor, survivor._meta.get_field(name).attname, value)
        survivor.save()  # after the loser is gone: its e-mail and external id are free
        merge.survivor_label = str(survivor)[:300]
        merge.save(update_fields=["survivor_label"])
        audit.audit_write(
            actor=actor,
            action="merge",
            target=f"{kind}s",
            target_id=survivor.pk,
            target_label=merge.survivor_label,
            before={"merged": {"id": merge.loser_id, "name": loser_label[:200]}},
            after={
                "from_duplicate": sorted(n for n, d in differences.items() if d["from"] == LOSER),
                "moved": sum(moved.values()),
            },
        )
    return merge
