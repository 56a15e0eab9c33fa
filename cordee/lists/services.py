"""Writes of saved views and list preferences: each checks the rules of ``rules.py`` and the
state it keeps (filters that parse, columns the list has, a page size it offers)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import PermissionDenied, ValidationFailed
from cordee.core.list_extensions import PAGE_SIZES
from cordee.core.records import record_list
from cordee.core.web import RecordPage
from cordee.lists import rules
from cordee.lists.models import ListPreference, SavedView, Visibility
from cordee.lists.pages import list_page_of, offered
from cordee.lists.selectors import my_pod_ids, saved_view_get
from cordee.people.models import Pod

NAME_MAX = 80
VALUE_MAX = 200


def _refused(message: str, field: str, error: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: [error]})


def _clean_name(name: Any) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise _refused(_("Give the view a name."), "name", _("This field is required."))
    if len(text) > NAME_MAX:
        raise _refused(
            _("Give the view a shorter name."),
            "name",
            _("Enter at most %(n)s characters.") % {"n": NAME_MAX},
        )
    return text


def clean_params(actor: Actor, page: RecordPage, params: Mapping[str, Any]) -> dict[str, str]:
    """The list's query a view keeps: search, sort and the list's own filters, each value one the
    list reads; empty values dropped. Anything else is a field error named ``params.<name>``."""
    spec = page.spec
    known = {"q", "sort"} | {f.name for f in spec.filters}
    errors: dict[str, list[str]] = {}
    kept: dict[str, str] = {}
    for name, raw in params.items():
        value = "" if raw is None else str(raw)
        if name not in known:
            errors[f"params.{name}"] = [_("This list has no such filter.")]
        elif len(value) > VALUE_MAX or "\x00" in value:
            errors[f"params.{name}"] = [_("This value is not valid here.")]
        elif value.strip():
            kept[name] = value.strip()
    if kept.get("sort") and kept["sort"] not in spec.orderings:
        errors["params.sort"] = [_("This list cannot be sorted this way.")]
    for flt in spec.filters:
        choice = kept.get(flt.name, "")
        values = offered(flt)
        if choice and values is not None and choice not in values:
            errors[f"params.{flt.name}"] = [_("“%(value)s” is not valid here.") % {"value": choice}]
    if not errors:
        try:
            record_list(actor=actor, spec=spec, params=kept)  # parses every value, lazily
        except ValidationFailed as exc:
            errors.update({f"params.{k}": list(v) for k, v in exc.field_errors.items()})
    if errors:
        raise ValidationFailed(_("Some filters of this view are not valid."), field_errors=errors)
    return kept


def clean_columns(page: RecordPage, columns: Iterable[Any]) -> list[str]:
    """Column keys of the list, in order, each once; [] keeps the list's default columns."""
    available = {c.key for c in page.available_columns}
    keys: list[str] = []
    for key in columns:
        key = str(key)
        if key not in available:
            raise _refused(
                _("Some columns are not valid."),
                "columns",
                _("This list has no column “%(key)s”.") % {"key": key},
            )
        if key not in keys:
            keys.append(key)
    return keys


def _clean_page_size(value: Any) -> int:
    if value not in PAGE_SIZES:
        raise _refused(
            _("Some fields are not valid."),
            "page_size",
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(map(str, PAGE_SIZES))},
        )
    return int(value)


def _sharing(actor: Actor, visibility: Any, pod_id: Any) -> tuple[str, Pod | None]:
    if visibility not in Visibility.values:
        raise _refused(
            _("Some fields are not valid."),
            "visibility",
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Visibility.values)},
        )
    if visibility != Visibility.POD:
        return visibility, None
    pod = (
        Pod.objects.filter(workspace=actor.workspace, pk=pod_id).first()
        if str(pod_id or "").isdigit()
        else None
    )
    if pod is None:
        raise _refused(_("Choose the pod to share with."), "pod", _("Choose a pod."))
    mine = set(my_pod_ids(actor).values_list("pod_id", flat=True))
    if not rules.may_share_with_pod(actor, pod.pk, mine):
        raise _refused(
            _("You can share a view only with a pod you belong to."),
            "pod",
            _("You are not a member of this pod."),
        )
    return visibility, pod


def _save(view: SavedView) -> SavedView:
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError as exc:
        raise _refused(
            _("You already have a view with this name on this list."),
            "name",
            _("Choose another name."),
        ) from exc
    return view


def saved_view_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    params: Mapping[str, Any] | None = None,
    columns: Iterable[Any] = (),
    page_size: int = 25,
    visibility: str = Visibility.PRIVATE,
    pod_id: int | None = None,
) -> SavedView:
    """Save a list's state under a name, for oneself or shared with a pod or the workspace."""
    page = list_page_of(kind)
    shared_with, pod = _sharing(actor, visibility, pod_id)
    view = SavedView(
        workspace=actor.workspace,
        kind=kind,
        owner=actor.user,
        name=_clean_name(name),
        params=clean_params(actor, page, params or {}),
        columns=clean_columns(page, columns),
        page_size=_clean_page_size(page_size),
        visibility=shared_with,
        pod=pod,
    )
    return _save(view)


def _editable(actor: Actor, view_id: int) -> SavedView:
    view = saved_view_get(actor=actor, pk=view_id)
    if not rules.may_edit(actor, view):
        raise PermissionDenied(_("Only the owner of this view, or a manager, may change it."))
    return view


def saved_view_update(*, actor: Actor, view_id: int, changes: Mapping[str, Any]) -> SavedView:
    """Change a view (any of ``name``, ``params``, ``columns``, ``page_size``, ``visibility``,
    ``pod``): its owner, or a manager for a view shared with a pod or the workspace."""
    view = _editable(actor, view_id)
    page = list_page_of(view.kind)
    if "name" in changes:
        view.name = _clean_name(changes["name"])
    if "params" in changes:
        view.params = clean_params(actor, page, changes["params"] or {})
    if "columns" in changes:
        view.columns = clean_columns(page, changes["columns"] or ())
    if "page_size" in changes:
        view.page_size = _clean_page_size(changes["page_size"])
    if "visibility" in changes or "pod" in changes:
        visibility = changes.get("visibility", view.visibility)
        pod_id = changes.get("pod", view.pod_id)
        if visibility != Visibility.POD:
            pod_id = None
        if visibility == Visibility.PRIVATE and view.owner_id != actor.user.pk:
            raise PermissionDenied(_("Only its owner may make a view private."))
        view.visibility, view.pod = _sharing(actor, visibility, pod_id)
    return _save(view)


def saved_view_delete(*, actor: Actor, view_id: int) -> None:
    """Delete a view (whoever may change it); it is nobody's default any more."""
    _editable(actor, view_id).delete()


def _preference(actor: Actor, kind: str) -> ListPreference:
    preference, _created = ListPreference.objects.get_or_create(
        workspace=actor.workspace, user=actor.user, kind=kind
    )
    return preference


@transaction.atomic
def list_default_set(*, actor: Actor, kind: str, view_id: int | None) -> ListPreference:
    """The view that opens when the actor opens the list (None: every row, "All")."""
    list_page_of(kind)
    view = None
    if view_id is not None:
        view = saved_view_get(actor=actor, pk=view_id)
        if view.kind != kind:
            raise _refused(
                _("This view belongs to another list."), "view", _("Choose a view of this list.")
            )
    preference = _preference(actor, kind)
    preference.default_view = view
    preference.save(update_fields=["default_view"])
    return preference


@transaction.atomic
def list_columns_set(
    *, actor: Actor, kind: str, columns: Iterable[Any], page_size: int | None = None
) -> ListPreference:
    """The actor's own columns (and page size) for the list, when no view is open."""
    page = list_page_of(kind)
    preference = _preference(actor, kind)
    preference.columns = clean_columns(page, columns)
    if page_size is not None:
        preference.page_size = _clean_page_size(page_size)
    preference.save(update_fields=["columns", "page_size"])
    return preference
