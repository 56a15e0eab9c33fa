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
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
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


def owner_change_check(*, actor: Actor, instance: Any, new_owner_id: Any) -> None:
    """A single edit that changes a record's owner follows ``records_changeable``: 403 when the
    actor may not reassign this record."""
    if not instance.pk or str(new_owner_id or "") == str(instance.owner_id or ""):
        return
    if not actor.can("record.reassign.any") and instance.owner_id not in (None, actor.user.pk):
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
    changed = spec.model._default_manager.filter(pk__in=changing.values("pk")).update(
        owner_id=target, updated_at=timezone.now()
    )
    return changed, refused


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


def _save(actor: Actor, spec: RecordSpec, instance: models.Model, data: dict[str, Any]) -> Any:
    unknown = sorted(set(data) - set(spec.fields))
    if unknown:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={name: [_("This field cannot be set.")] for name in unknown},
        )
    if "owner" in data and instance.pk:
        owner_change_check(actor=actor, instance=instance, new_owner_id=data["owner"])
    for name, value in _resolve_foreign_keys(actor, spec.model, data).items():
        setattr(instance, name, value)
    if spec.before_save:
        spec.before_save(actor, instance)
    try:
        instance.full_clean(validate_unique=True)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors=_validation_errors(exc)
        ) from exc
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationFailed(
            _("This record conflicts with an existing one."), field_errors={"__all__": [str(exc)]}
        ) from exc
    return instance


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


def record_delete(*, actor: Actor, spec: RecordSpec, instance: Any) -> None:
    actor.require(spec.capability)
    actor.require("record.delete")
    if instance.workspace_id != actor.workspace.pk:
        raise NotFound(_("Not found."))
    try:
        with transaction.atomic():
            instance.delete()
    except models.ProtectedError as exc:
        raise ValidationFailed(
            _("This record is still used by other records and cannot be deleted.")
        ) from exc
