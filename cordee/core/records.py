"""One description per kind of record, shared by selectors, services, the API and the pages.

A ``RecordSpec`` says which model, which capability writes it, which fields a person may
set, how it is searched and filtered, and what to join when listing. The generic
selectors and services below are the *only* place where workspace scoping, foreign-key
ownership and validation of a record happen; the API routers and the HTML views both
call them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models import Q, QuerySet
from django.db.models.deletion import Collector
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.core.models import SYNCED_FIELDS, FieldChange
from cordee.core.validation import null_errors
from cordee.tenancy.models import Membership, User


@dataclass(frozen=True)
class Filter:
    """A list filter: query parameter ``name`` applied as ``lookup``; ``kind`` drives parsing."""

    name: str
    lookup: str
    kind: str = "str"  # str | int | date | bool | choice
    label: Any = ""
    choices: Any = None  # callable(actor) -> [(value, label)] or a list


@dataclass(frozen=True)
class RecordSpec:
    key: str
    model: type[models.Model]
    capability: str
    fields: tuple[str, ...]
    search: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    select_related: tuple[str, ...] = ()
    orderings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    before_save: Callable[[Actor, models.Model], None] | None = None
    # fields whose changes another history keeps (a lead's owner: its assignments); the others
    # are kept as ``FieldChange`` rows when a record is changed through ``record_update``
    history_elsewhere: tuple[str, ...] = ()
    # fields that cannot be null but whose ``None`` ``before_save`` replaces by a default (a
    # campaign's currency: the workspace's): accepted as null, where the others are refused
    null_fills: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # the audit page names this kind, and its fields, from the model
        audit.audit_kind_register(self.key, self.model._meta.verbose_name, self.model)

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)


# -- selectors -------------------------------------------------------------------------------


def record_queryset(*, actor: Actor, spec: RecordSpec) -> QuerySet[Any]:
    """Every row of ``spec.model`` the actor may read: exactly the actor's workspace."""
    qs = spec.model._default_manager.filter(workspace=actor.workspace)
    if spec.select_related:
        qs = qs.select_related(*spec.select_related)
    return qs


def _parse(value: str, kind: str, name: str) -> Any:
    try:
        if kind == "int":
            return int(value)
        if kind == "date":
            return dt.date.fromisoformat(value)
        if kind == "bool":
            if value.lower() in {"1", "true", "yes", "on"}:
                return True
            if value.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(value)
    except ValueError as exc:
        raise ValidationFailed(
            _("Invalid value for filter “%(name)s”.") % {"name": name},
            field_errors={name: [_("“%(value)s” is not valid here.") % {"value": value}]},
        ) from exc
    return value


_DAY_BOUNDS = {"gte": ("gte", 0), "gt": ("gte", 1), "lte": ("lt", 1), "lt": ("lt", 0)}


def _workspace_day(actor: Actor, lookup: str, day: Any) -> Q | None:
    """``<date-time>__date__<op>``: the day is the workspace's, whatever time zone is active
    (Django reads ``__date`` in the active one: the pages', not the API's or a job's)."""
    field_name, sep, op = lookup.partition("__date__")
    if not sep or op not in _DAY_BOUNDS:
        return None
    bound, shift = _DAY_BOUNDS[op]
    midnight = dt.datetime.combine(day + dt.timedelta(days=shift), dt.time(), actor.workspace.zone)
    return Q(**{f"{field_name}__{bound}": midnight})


def record_list(
    *, actor: Actor, spec: RecordSpec, params: Mapping[str, str] | None = None
) -> QuerySet[Any]:
    """The actor's rows, searched (``q``), filtered (``spec.filters``) and ordered (``sort``)."""
    params = params or {}
    qs = record_queryset(actor=actor, spec=spec)
    query = (params.get("q") or "").strip()
    if query and spec.search:
        condition = Q()
        for term in query.split():
            term_q = Q()
            for name in spec.search:
                term_q |= Q(**{f"{name}__icontains": term})
            condition &= term_q
        qs = qs.filter(condition)
    for flt in spec.filters:
        raw = params.get(flt.name)
        if raw in (None, ""):
            continue
        value = _parse(str(raw), flt.kind, flt.name)
        qs = qs.filter(_workspace_day(actor, flt.lookup, value) or Q(**{flt.lookup: value}))
    sort = params.get("sort") or ""
    if sort in spec.orderings:
        qs = qs.order_by(*spec.orderings[sort])
    return qs


def record_get(*, actor: Actor, spec: RecordSpec, pk: Any) -> Any:
    """One row of the actor's workspace, or ``NotFound`` (also for another workspace's row)."""
    try:
        return record_queryset(actor=actor, spec=spec).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(
            _("%(thing)s not found.") % {"thing": str(spec.model._meta.verbose_name).capitalize()}
        ) from exc


def records_changeable(*, actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    """THE rule of which records of ``qs`` an actor may reassign (or move, or restage, alone or
    in bulk): a manager or RevOps admin (``record.reassign.any``) any; anyone else only those
    they own and those nobody owns. ``qs`` must be of a model with an ``owner``."""
    if actor.can("record.reassign.any"):
        return qs
    return qs.filter(Q(owner_id=actor.user.pk) | Q(owner__isnull=True))


def record_changeable(*, actor: Actor, owner_id: Any) -> bool:
    """``records_changeable`` for one record already read (its ``owner_id``)."""
    return actor.can("record.reassign.any") or owner_id in (None, actor.user.pk)


def owner_change_check(*, actor: Actor, instance: Any, new_owner_id: Any) -> None:
    """A single edit that changes a record's owner follows ``records_changeable``: 403 when the
    actor may not reassign this record."""
    if not instance.pk or str(new_owner_id or "") == str(instance.owner_id or ""):
        return
    if not record_changeable(actor=actor, owner_id=instance.owner_id):
        raise PermissionDenied(_("Only a manager may reassign a record that someone else owns."))


def member_user(*, actor: Actor, user_id: Any) -> User:
    """An active member of the actor's workspace, or a field error on ``to_owner``."""
    member_ids = Membership.objects.filter(workspace=actor.workspace, is_active=True).values(
        "user_id"
    )
    user = (
        User.objects.filter(pk=user_id, pk__in=member_ids).first()
        if str(user_id).isdigit()
        else None
    )
    if user is None:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={
                "to_owner": [_("No such member in this workspace: %(value)s.") % {"value": user_id}]
            },
        )
    return user


def records_owner_set(
    *,
    actor: Actor,
    spec: RecordSpec,
    qs: QuerySet[Any],
    to_owner: User | None,
    undoing_from: int | None = None,
) -> tuple[int, int]:
    """Give the rows of ``qs`` (of ``spec``'s kind, in the actor's workspace) to ``to_owner`` in
    one UPDATE, for kinds that keep no assignment history (leads do:
    ``funnel.services.leads_reassign``). Only the rows the actor may change are written
    (``records_changeable``); ``undoing_from``: the undo of a bulk reassignment to that user,
    which changes only the rows still theirs. Returns (rows changed, rows refused)."""
    actor.require(spec.capability)
    scoped = qs.filter(workspace=actor.workspace)
    if undoing_from is not None:
        allowed, refused = scoped.filter(owner_id=undoing_from), 0
    else:
        allowed = records_changeable(actor=actor, qs=scoped)
        refused = 0 if allowed is scoped else scoped.count() - allowed.count()
    target = to_owner.pk if to_owner else None
    changing = allowed.exclude(owner_id=target) if target else allowed.exclude(owner__isnull=True)
    previous = list(changing.values_list("pk", "owner_id"))
    changed = spec.model._default_manager.filter(pk__in=[pk for pk, _owner in previous]).update(
        owner_id=target, updated_at=timezone.now()
    )
    _owner_changes_write(actor, spec, previous, to_owner)
    if previous and audit.records_audited():
        _owners_audit(actor, spec, previous, to_owner, undoing=undoing_from is not None)
    return changed, refused


AUDIT_IDS_KEPT = 1000  # the ids an entry about many rows names (the count says how many in all)


def _owners_audit(
    actor: Actor,
    spec: RecordSpec,
    previous: list[tuple[int, int | None]],
    to_owner: User | None,
    *,
    undoing: bool,
) -> None:
    """One entry for the rows ``records_owner_set`` gave to ``to_owner``: the count, the ids
    and how many each former owner had."""
    ids = sorted(pk for pk, _owner in previous)
    single = len(ids) == 1
    label = (
        str(spec.model._default_manager.filter(pk=ids[0]).first() or "")
        if single
        else f"{len(ids)} {spec.verbose_name_plural}"
    )
    audit.audit_write(
        actor=actor,
        action="undo" if undoing else "reassign",
        target=spec.key,
        target_id=ids[0] if single else None,
        target_label=label,
        before={
            "owner": [
                {"id": u.pk, "name": str(u)}
                for u in User.objects.filter(pk__in={o for _pk, o in previous if o}).order_by("pk")
            ]
        },
        after={
            "owner": {"id": to_owner.pk, "name": str(to_owner)} if to_owner else None,
            "count": len(ids),
            "ids": ids[:AUDIT_IDS_KEPT],
        },
    )


def _owner_changes_write(
    actor: Actor, spec: RecordSpec, previous: list[tuple[int, int | None]], to_owner: User | None
) -> None:
    """The ``FieldChange`` of each row whose owner ``records_owner_set`` changed, in batches,
    as a single edit keeps it (``field_changes_write``)."""
    if "owner" in spec.history_elsewhere or not previous:
        return
    names = {
        u.pk: str(u)[:200]
        for u in User.objects.filter(pk__in={owner for _pk, owner in previous if owner})
    }
    now = timezone.now()
    rows = [
        FieldChange(
            workspace_id=actor.workspace.pk,
            record=spec.key,
            record_id=pk,
            field="owner",
            before=str(owner or ""),
            after=str(to_owner.pk) if to_owner else "",
            before_label=names.get(owner, "") if owner else "",
            after_label=str(to_owner)[:200] if to_owner else "",
            actor=actor.user,
            at=now,
        )
        for pk, owner in previous
    ]
    FieldChange.objects.bulk_create(rows, batch_size=5000)


# -- services --------------------------------------------------------------------------------


def _resolve_foreign_keys(
    actor: Actor, model: type[models.Model], data: dict[str, Any]
) -> dict[str, Any]:
    """Turn ``<fk>`` ids into objects of the *same workspace*; a foreign id is a field error.

    Users are accepted when they are active members of the workspace.
    """

    resolved: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            errors[name] = [_("Unknown field.")]
            continue
        if not isinstance(model_field, models.ForeignKey):
            resolved[name] = value
            continue
        if value in (None, ""):
            resolved[name] = None
            continue
        related = model_field.related_model
        obj: Any
        if related is User:
            member_ids = Membership.objects.filter(
                workspace=actor.workspace, is_active=True
            ).values("user_id")
            obj = (
                User.objects.filter(pk=value, pk__in=member_ids).first()
                if str(value).isdigit()
                else None
            )
        else:
            obj = (
                related._default_manager.filter(workspace=actor.workspace, pk=value).first()  # type: ignore[union-attr]
                if str(value).isdigit()
                else None
            )
        if obj is None:
            errors[name] = [_("No such record in this workspace: %(value)s.") % {"value": value}]
        else:
            resolved[name] = obj
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    return resolved


def _validation_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            name: [str(m) for e in errs for m in e.messages]
            for name, errs in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


# -- what changed --------------------------------------------------------------------------------


def _stored(instance: models.Model, name: str) -> str:
    """The stored value of one field of ``instance`` as text (a related row: its id)."""
    model_field: Any = instance._meta.get_field(name)
    value = getattr(instance, model_field.attname)
    if value is None or value == "":
        return ""
    if isinstance(model_field, models.DecimalField):  # "10000" typed is "10000.00" stored
        return str(Decimal(value).quantize(Decimal(1).scaleb(-model_field.decimal_places)))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _label(model_field: Any, value: str) -> str:
    """A related row's name (for the history to read right once it is renamed or gone)."""
    if not value or not isinstance(model_field, models.ForeignKey):
        return ""
    related = model_field.related_model._default_manager.filter(pk=value).first()  # type: ignore[union-attr]
    return str(related)[:200] if related is not None else ""


@dataclass(frozen=True)
class Difference:
    """One field that a save changed: stored texts (``_stored``) and related rows' names."""

    name: str
    before: str
    after: str
    before_label: str
    after_label: str


def differences(instance: models.Model, before: Mapping[str, str]) -> list[Difference]:
    """Each field of ``before`` (as ``_stored`` read it) that ``instance`` no longer has."""
    out = []
    for name, old in before.items():
        new = _stored(instance, name)
        if new != old:
            model_field = instance._meta.get_field(name)
            out.append(
                Difference(name, old, new, _label(model_field, old), _label(model_field, new))
            )
    return out


def field_changes_write(
    *,
    actor: Actor,
    spec: RecordSpec,
    instance: models.Model,
    before: Mapping[str, str],
    changes: list[Difference] | None = None,
) -> int:
    """Keep each field of ``before`` (as ``_stored`` read it) that ``instance`` no longer has,
    except those another history tells (``spec.history_elsewhere``) and the sync keys.
    ``changes``: the ``differences`` already computed."""
    skipped = {*spec.history_elsewhere, *SYNCED_FIELDS}
    now = timezone.now()
    rows = [
        FieldChange(
            workspace_id=actor.workspace.pk,
            record=spec.key,
            record_id=instance.pk,
            field=d.name,
            before=d.before,
            after=d.after,
            before_label=d.before_label,
            after_label=d.after_label,
            actor=actor.user,
            at=now,
        )
        for d in (differences(instance, before) if changes is None else changes)
        if d.name not in skipped
    ]
    FieldChange.objects.bulk_create(rows)
    return len(rows)


# -- the audit log of records ------------------------------------------------------------------


def _audit_value(instance: models.Model, name: str, label: str | None = None) -> Any:
    """A field's value for the audit log: a related row as ``{"id", "name"}`` (its name at the
    time), anything else as JSON (``audit.json_value``)."""
    model_field: Any = instance._meta.get_field(name)
    value = getattr(instance, model_field.attname)
    if value in (None, ""):
        return None
    if isinstance(model_field, models.ForeignKey):
        if label is None:
            label = str(getattr(instance, name, "") or "")
        return {"id": value, "name": label[:200]}
    return _plain(model_field, value)


def _raw(instance: models.Model, name: str) -> Any:
    """A field's value as the audit log keeps it (a related row: its id)."""
    model_field: Any = instance._meta.get_field(name)
    return _plain(model_field, getattr(instance, model_field.attname))


def _plain(model_field: Any, value: Any) -> Any:
    """A value as JSON, a decimal as stored ("4" typed is "4.00")."""
    if isinstance(model_field, models.DecimalField) and value not in (None, ""):
        return _stored_decimal(model_field, value)
    return audit.json_value(value)


def _stored_decimal(model_field: Any, value: Any) -> str:
    return str(Decimal(value).quantize(Decimal(1).scaleb(-model_field.decimal_places)))


def _filled(instance: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    values = {name: _audit_value(instance, name) for name in names}
    return {k: v for k, v in values.items() if v not in (None, "", [], {})}


def record_audit(
    *,
    actor: Actor,
    spec: RecordSpec,
    instance: models.Model,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """The audit entry of one record written through these services (none inside
    ``audit.records_muted``: the job writing many rows logs itself)."""
    if not audit.records_audited():
        return
    audit.audit_write(
        actor=actor,
        action=action,
        target=spec.key,
        target_id=instance.pk,
        target_label=str(instance),
        before=before,
        after=after,
    )


def field_change_values(model: type[models.Model], change: FieldChange) -> tuple[str, str, str]:
    """(the field's name, before, after) as a reader sees them, in the active language: a
    choice's label, a related row's name, a localised number or date; "—" for nothing."""
    try:
        model_field: Any = model._meta.get_field(change.field)
    except FieldDoesNotExist:
        return change.field, change.before or "—", change.after or "—"
    choices = dict(model_field.flatchoices) if model_field.choices else {}

    def shown(value: str, label: str) -> str:
        if not value:
            return "—"
        if isinstance(model_field, models.ForeignKey):
            return label or f"#{value}"
        if value in choices:
            return str(choices[value])
        if isinstance(model_field, models.DecimalField):
            return formats.number_format(Decimal(value), use_l10n=True, force_grouping=True)
        if isinstance(model_field, models.DateField) and not isinstance(
            model_field, models.DateTimeField
        ):
            return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        if isinstance(model_field, models.BooleanField):
            return str(_("Yes") if value == "True" else _("No"))
        return value

    return (
        str(model_field.verbose_name).capitalize(),
        shown(change.before, change.before_label),
        shown(change.after, change.after_label),
    )


def _save(actor: Actor, spec: RecordSpec, instance: models.Model, data: dict[str, Any]) -> Any:
    unknown = sorted(set(data) - set(spec.fields))
    if unknown:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={name: [_("This field cannot be set.")] for name in unknown},
        )
    if "owner" in data and instance.pk:
        owner_change_check(actor=actor, instance=instance, new_owner_id=data["owner"])
    before = {name: _stored(instance, name) for name in spec.fields} if instance.pk else {}
    raw_before = {name: _raw(instance, name) for name in before}  # for the audit log
    for name, value in _resolve_foreign_keys(actor, spec.model, data).items():
        setattr(instance, name, value)
    # a null the field cannot hold is refused before ``before_save`` reads the values (an
    # opportunity's stage picks its forecast); a null ``before_save`` fills is checked after
    nulls = null_errors(instance, (n for n in data if n not in spec.null_fills))
    if nulls:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=nulls)
    if spec.before_save:
        spec.before_save(actor, instance)
    nulls = null_errors(instance, (n for n in data if n in spec.null_fills))
    if nulls:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=nulls)
    try:
        instance.full_clean(validate_unique=True)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors=_validation_errors(exc)
        ) from exc
    try:
        with transaction.atomic():
            instance.save()
            if before:
                changes = differences(instance, before)
                field_changes_write(
                    actor=actor, spec=spec, instance=instance, before=before, changes=changes
                )
                if changes:
                    _update_audit(actor, spec, instance, raw_before, changes)
            else:
                record_audit(
                    actor=actor,
                    spec=spec,
                    instance=instance,
                    action="create",
                    after=_filled(instance, spec.fields),
                )
    except IntegrityError as exc:
        raise ValidationFailed(
            _("This record conflicts with an existing one."), field_errors={"__all__": [str(exc)]}
        ) from exc
    return instance


def _update_audit(
    actor: Actor,
    spec: RecordSpec,
    instance: models.Model,
    raw_before: Mapping[str, Any],
    changes: list[Difference],
) -> None:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for d in changes:
        if isinstance(instance._meta.get_field(d.name), models.ForeignKey):
            before[d.name] = (
                {"id": raw_before[d.name], "name": d.before_label} if d.before else None
            )
            after[d.name] = _audit_value(instance, d.name, d.after_label)
        else:
            before[d.name] = raw_before[d.name]
            after[d.name] = _audit_value(instance, d.name)
    record_audit(
        actor=actor, spec=spec, instance=instance, action="update", before=before, after=after
    )


def record_create(*, actor: Actor, spec: RecordSpec, data: dict[str, Any]) -> Any:
    """Create a row in the actor's workspace after checking the role and every field."""
    actor.require(spec.capability)
    instance = spec.model(workspace=actor.workspace)  # type: ignore[misc]
    return _save(actor, spec, instance, dict(data))


def record_update(*, actor: Actor, spec: RecordSpec, instance: Any, data: dict[str, Any]) -> Any:
    """Change some fields of a row (already fetched through ``record_get``)."""
    actor.require(spec.capability)
    if instance.workspace_id != actor.workspace.pk:  # defence in depth: callers use record_get
        raise NotFound(_("Not found."))
    return _save(actor, spec, instance, dict(data))


@dataclass(frozen=True)
class Consequence:
    """Rows of one kind that a deletion touches: ``count`` of ``label`` (plural noun)."""

    label: str
    count: int


@dataclass(frozen=True)
class DeleteEffects:
    """What deleting a record does to the rows that point at it, as Django's ``Collector``
    computes it (the same walk ``delete()`` makes): rows deleted with it, rows that keep
    existing but lose their link, and rows that forbid the deletion (``PROTECT``)."""

    deleted: tuple[Consequence, ...]
    unlinked: tuple[Consequence, ...]
    blocking: tuple[Consequence, ...]

    @property
    def allowed(self) -> bool:
        return not self.blocking


def _plural(model: type[models.Model]) -> str:
    """The model's name as people read it; a table that was never named for them (a pod's
    members, a many-to-many link) is "other linked rows", in their language too."""
    if "verbose_name_plural" in model._meta.original_attrs:
        return str(model._meta.verbose_name_plural)
    if "verbose_name" in model._meta.original_attrs:
        return str(model._meta.verbose_name_plural)  # Django's "<name>s", from a named model
    return _("other linked rows")


def _tally(rows: dict[type[models.Model], int]) -> tuple[Consequence, ...]:
    counted: dict[str, int] = {}
    for model, n in rows.items():
        if n:
            counted[_plural(model)] = counted.get(_plural(model), 0) + n
    return tuple(Consequence(label, n) for label, n in sorted(counted.items()))


def _checked_for_delete(actor: Actor, spec: RecordSpec, instance: Any) -> None:
    actor.require(spec.capability)
    actor.require("record.delete")
    if instance.workspace_id != actor.workspace.pk:  # defence in depth: callers use record_get
        raise NotFound(_("Not found."))


def _pks(batch: Any) -> set[Any]:
    if isinstance(batch, QuerySet):
        return set(batch.values_list("pk", flat=True))
    return {obj.pk for obj in batch}


def record_delete_effects(*, actor: Actor, spec: RecordSpec, instance: Any) -> DeleteEffects:
    """What ``record_delete`` would do to other rows (read only), for the confirmation page."""
    _checked_for_delete(actor, spec, instance)
    collector = Collector(using=router.db_for_write(spec.model))
    try:
        collector.collect([instance])
    except (models.ProtectedError, models.RestrictedError) as exc:
        objs = (
            exc.protected_objects
            if isinstance(exc, models.ProtectedError)
            else exc.restricted_objects
        )
        blocking: dict[type[models.Model], int] = {}
        for obj in objs:
            blocking[type(obj)] = blocking.get(type(obj), 0) + 1
        return DeleteEffects((), (), _tally(blocking))
    deleted: dict[type[models.Model], set[Any]] = {}
    for model, instances in collector.data.items():
        deleted.setdefault(model, set()).update(obj.pk for obj in instances)
    for qs in collector.fast_deletes:
        deleted.setdefault(qs.model, set()).update(qs.values_list("pk", flat=True))
    deleted[type(instance)].discard(instance.pk)  # the record itself
    unlinked: dict[type[models.Model], set[Any]] = {}
    for (model_field, _value), batches in collector.field_updates.items():
        model = model_field.model
        for batch in batches:
            pks = _pks(batch) - deleted.get(model, set())  # deleted anyway: not "unlinked"
            unlinked.setdefault(model, set()).update(pks)
    return DeleteEffects(
        _tally({m: len(p) for m, p in deleted.items()}),
        _tally({m: len(p) for m, p in unlinked.items()}),
        (),
    )


def record_delete(*, actor: Actor, spec: RecordSpec, instance: Any) -> None:
    """Delete a row with what cascades from it; refused (409) while rows protect it."""
    _checked_for_delete(actor, spec, instance)
    try:
        with transaction.atomic():
            record_audit(
                actor=actor,
                spec=spec,
                instance=instance,
                action="delete",
                before=_filled(instance, spec.fields),
            )
            instance.delete()
    except models.ProtectedError as exc:
        raise ValidationFailed(
            _("This record is still used by other records and cannot be deleted.")
        ) from exc
