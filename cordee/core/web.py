"""Workspace pages: resolving ``request.actor``, turning domain errors into status pages, and
the generic list / detail / form views every kind of record shares.

A ``RecordPage`` adds to a ``RecordSpec`` what only the pages need: the table columns, the
detail template and its related data, and how a form is saved. Views stay a few lines:
parse, call a selector or service, render.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import wraps
from typing import Any, ClassVar, TypeVar

import annotated_types
import pydantic
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.core.actor import Actor, actor_for
from cordee.core.api import schema_errors
from cordee.core.errors import DomainError, ValidationFailed
from cordee.core.records import RecordSpec, record_create, record_get, record_list, record_update
from cordee.core.templatetags.cordee import format_money

PAGE_SIZE = 25
SESSION_WORKSPACE_KEY = "workspace_slug"  # read by the API's session authentication too

_ERROR_TITLES = {
    400: gettext_lazy("This request cannot be honoured"),
    403: gettext_lazy("You do not have access to this action"),
    404: gettext_lazy("Page not found"),
    409: gettext_lazy("This conflicts with the current state"),
    422: gettext_lazy("Some information is not valid"),
}

View = Callable[..., HttpResponse]
S = TypeVar("S", bound=pydantic.BaseModel)


# -- resolving the actor -----------------------------------------------------------------------


def domain_error_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A calm status page for a refused request (403, 404, 409, 422…)."""
    status = exc.status
    return render(
        request,
        "errors/domain_error.html",
        {"status": status, "title": _ERROR_TITLES.get(status, _ERROR_TITLES[400]), "error": exc},
        status=status,
    )


def workspace_view(view: View) -> View:
    """Sign-in required; resolves ``slug`` into ``request.actor`` (404 for non-members) and calls
    ``view(request, actor, **kwargs)``; a ``DomainError`` becomes its status page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
        try:
            actor = actor_for(request.user, slug)  # type: ignore[arg-type]
            request.actor = actor  # type: ignore[attr-defined]
            # every date and time on the page in the company's time zone
            timezone.activate(actor.workspace.zone)
            if request.session.get(SESSION_WORKSPACE_KEY) != slug:
                request.session[SESSION_WORKSPACE_KEY] = slug
            return view(request, actor, **kwargs)
        except DomainError as exc:
            return domain_error_response(request, exc)
        finally:
            timezone.deactivate()  # the thread serves other requests next

    return wrapper


def is_partial_request(request: HttpRequest) -> bool:
    """An htmx swap wants only the fragment; a history restore wants the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def htmx_render(
    request: HttpRequest,
    partial: str,
    context: Mapping[str, Any],
    *,
    page: str | Callable[[], HttpResponse],
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The one way a view answers both htmx and the plain browser. An htmx swap gets
    ``partial`` (a template, or ``template#partial``) with ``headers``; anything else gets
    ``page``: the whole page's template with the same context, or a function answering (the
    redirect after a form, an error page). Both carry ``Vary: HX-Request`` so that no cache
    (the browser's back button included) serves one for the other."""
    if is_partial_request(request):
        response = render(request, partial, context)
        for name, value in (headers or {}).items():
            response[name] = value
    elif callable(page):
        response = page()
    else:
        response = render(request, page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# -- record pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A table column: ``path`` is an attribute path (``contact.account``); ``sort`` is a key of
    ``spec.orderings``; ``link`` names the kind whose detail page the cell links to (``self``
    for the row itself)."""

    path: str
    label: Any
    sort: str = ""
    kind: str = "text"  # text | money | date | datetime | number | badge
    link: str = ""
    secondary: bool = False  # hidden on narrow screens
    tertiary: bool = False  # hidden below wide screens as well


Saver = Callable[[Actor, forms.Form, Any], Any]


@dataclass(frozen=True)
class RecordPage:
    spec: RecordSpec
    columns: tuple[Column, ...]
    detail_template: str
    form_fields: tuple[str, ...] = ()
    detail_context: Callable[[Actor, Any], dict[str, Any]] | None = None
    list_queryset: Callable[[Actor, QuerySet[Any]], QuerySet[Any]] | None = None
    form_class: Callable[..., forms.Form] | None = None
    save: Saver | None = None
    filter_choices: Mapping[str, Callable[[Actor], list[tuple[Any, str]]]] = field(
        default_factory=dict
    )
    empty_text: Any = ""
    new_label: Any = ""  # "New account": a whole phrase per kind, for the translators

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def url_name_list(self) -> str:
        return self.url_name("list")

    @property
    def url_name_create(self) -> str:
        return self.url_name("create")

    @property
    def url_name_detail(self) -> str:
        return self.url_name("detail")

    @property
    def url_name_edit(self) -> str:
        return self.url_name("edit")

    def url_name(self, action: str) -> str:
        return f"{self.key}_{action}"

    def form(self, actor: Actor, *, data: Any = None, instance: Any = None) -> forms.Form:
        if self.form_class is not None:
            return self.form_class(actor=actor, data=data, instance=instance)
        return record_form_class(self.spec, self.form_fields)(
            actor=actor, data=data, instance=instance
        )


def record_urls(page: RecordPage, prefix: str) -> list[URLPattern]:
    """The pages of a kind: list, its export (CSV/XLSX), create, detail, edit (named
    ``<key>_<action>``)."""
    from cordee.dataio.export_views import record_export_view

    kw = {"page": page}
    return [
        path(f"{prefix}/", record_list_view, kw, name=page.url_name("list")),
        path(f"{prefix}/export/", record_export_view, kw, name=page.url_name("export")),
        path(f"{prefix}/new/", record_create_view, kw, name=page.url_name("create")),
        path(f"{prefix}/<int:pk>/", record_detail_view, kw, name=page.url_name("detail")),
        path(f"{prefix}/<int:pk>/edit/", record_edit_view, kw, name=page.url_name("edit")),
    ]


def _resolve(obj: Any, path_: str) -> tuple[Any, Any]:
    """(parent, value) at the end of a dotted attribute path; ``None`` past a missing link."""
    parent, value = None, obj
    for part in path_.split("."):
        if value is None:
            return parent, None
        parent, value = value, getattr(value, part, None)
    return parent, value


def _cell(actor: Actor, page: RecordPage, obj: Any, column: Column) -> dict[str, Any]:
    parent, value = _resolve(obj, column.path)
    last = column.path.rsplit(".", 1)[-1]
    display = getattr(parent, f"get_{last}_display", None)
    if column.kind == "money":
        currency = getattr(parent, "currency", "") or actor.workspace.currency
        text = format_money(value, currency)
    elif display is not None and value not in (None, ""):
        text = str(display())
    elif isinstance(value, dt.datetime):
        text = formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")
    elif isinstance(value, dt.date):
        text = formats.date_format(value, "SHORT_DATE_FORMAT")
    elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        text = formats.number_format(value, use_l10n=True, force_grouping=True)
    elif isinstance(value, bool):
        text = str(_("Yes") if value else _("No"))
    elif isinstance(value, list):
        text = ", ".join(str(v) for v in value)
    else:
        text = "" if value is None else str(value)
    url = ""
    if column.link == "self":
        url = reverse(page.url_name("detail"), args=[actor.workspace.slug, obj.pk])
    elif column.link and value is not None:
        url = reverse(f"{column.link}_detail", args=[actor.workspace.slug, value.pk])
    return {"text": text, "url": url, "kind": column.kind, "value": value, "column": column}


def _filter_widgets(
    actor: Actor, page: RecordPage, params: Mapping[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(visible filter controls, hidden filters kept from links such as ``?account=12``)."""
    shown: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    for flt in page.spec.filters:
        value = params.get(flt.name, "")
        widget: dict[str, Any] = {"name": flt.name, "label": flt.label, "value": value}
        if flt.kind == "choice":
            choices = flt.choices(actor) if callable(flt.choices) else flt.choices
            widget.update(type="select", choices=[(str(v), str(lbl)) for v, lbl in choices])
        elif flt.kind == "bool":
            widget.update(type="select", choices=[("true", _("Yes")), ("false", _("No"))])
        elif flt.kind == "date":
            widget.update(type="date")
        elif flt.kind == "int" and flt.name in page.filter_choices:
            choices = page.filter_choices[flt.name](actor)
            widget.update(type="select", choices=[(str(v), str(lbl)) for v, lbl in choices])
        elif flt.kind == "int":
            if value:
                kept.append(widget)
            continue
        else:
            widget.update(type="text")
        shown.append(widget)
    return shown, kept


@workspace_view
def record_list_view(request: HttpRequest, actor: Actor, *, page: RecordPage) -> HttpResponse:
    from cordee.dataio.export_views import export_links

    params: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "page"}
    filter_error = ""
    try:
        qs = record_list(actor=actor, spec=page.spec, params=params)
    except ValidationFailed as exc:
        filter_error = exc.message
        qs = record_list(actor=actor, spec=page.spec, params={"q": params.get("q", ""), "sort": ""})
    if page.list_queryset is not None:
        qs = page.list_queryset(actor, qs)
    if not qs.ordered:  # aggregates drop Meta.ordering; pages must stay stable
        qs = qs.order_by(*(page.spec.model._meta.ordering or ()), "pk")
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(obj, [_cell(actor, page, obj, c) for c in page.columns]) for obj in page_obj]
    shown, kept = _filter_widgets(actor, page, params)
    filtered = any(params.get(f.name) for f in page.spec.filters) or bool(params.get("q"))
    context = {
        "page": page,
        "spec": page.spec,
        "nav": page.key,
        "rows": rows,
        "page_obj": page_obj,
        "columns": page.columns,
        "filters": shown,
        "kept_filters": kept,
        "filtered": filtered,
        "filter_error": filter_error,
        "q": params.get("q", ""),
        "sort": params.get("sort", ""),
        "orderings": list(page.spec.orderings),
        "can_write": actor.can(page.spec.capability),
        "export_links": export_links(request, page),
        "can_export_workspace": actor.can("data.export"),
    }
    return htmx_render(
        request, "records/list.html#records-table", context, page="records/list.html"
    )


@workspace_view
def record_detail_view(
    request: HttpRequest, actor: Actor, *, page: RecordPage, pk: int
) -> HttpResponse:
    obj = record_get(actor=actor, spec=page.spec, pk=pk)
    context: dict[str, Any] = {
        "page": page,
        "spec": page.spec,
        "nav": page.key,
        "object": obj,
        "can_write": actor.can(page.spec.capability),
    }
    if page.detail_context is not None:
        context.update(page.detail_context(actor, obj))
    return render(request, page.detail_template, context)


def _form_view(
    request: HttpRequest, actor: Actor, page: RecordPage, instance: Any = None
) -> HttpResponse:
    actor.require(page.spec.capability)
    status = 200
    if request.method == "POST":
        form = page.form(actor, data=request.POST, instance=instance)
        if form.is_valid():
            try:
                saver = page.save or save_record(page.spec)
                obj = saver(actor, form, instance)
            except ValidationFailed as exc:
                add_field_errors(form, exc)
            else:
                if instance is None:
                    messages.success(request, _("“%(name)s” was created.") % {"name": obj})
                else:
                    messages.success(request, _("Your changes were saved."))
                return HttpResponseRedirect(
                    reverse(page.url_name("detail"), args=[actor.workspace.slug, obj.pk])
                )
        status = 422
    else:
        form = page.form(actor, instance=instance)
    context = {
        "page": page,
        "spec": page.spec,
        "nav": page.key,
        "form": form,
        "object": instance,
    }
    return render(request, "records/form.html", context, status=status)


@workspace_view
def record_create_view(request: HttpRequest, actor: Actor, *, page: RecordPage) -> HttpResponse:
    return _form_view(request, actor, page)


@workspace_view
def record_edit_view(
    request: HttpRequest, actor: Actor, *, page: RecordPage, pk: int
) -> HttpResponse:
    actor.require(page.spec.capability)
    instance = record_get(actor=actor, spec=page.spec, pk=pk)
    return _form_view(request, actor, page, instance)


# -- forms ---------------------------------------------------------------------------------------


class RecordForm(forms.Form):
    """Parses a record's fields for the page; validation of the record itself is the service's.

    Foreign keys list only the actor's workspace (users: its active members).
    """

    def __init__(self, *, actor: Actor, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = forms.model_to_dict(instance, fields=list(self.base_fields))
        super().__init__(**kwargs)
        self.actor = actor
        for name, form_field in self.fields.items():
            if isinstance(form_field, forms.ModelChoiceField):
                model = form_field.queryset.model  # type: ignore[union-attr]
                form_field.queryset = scoped_choices(actor, model)
                form_field.empty_label = _("— none —") if not form_field.required else _("Choose…")
            elif isinstance(form_field, forms.TypedChoiceField) and not form_field.required:
                choices: list[Any] = list(form_field.choices)  # type: ignore[arg-type]
                form_field.choices = [("", _("— none —")), *[c for c in choices if c[0] != ""]]
            elif isinstance(form_field, forms.DateField):
                form_field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            elif isinstance(form_field, forms.DecimalField):
                form_field.widget.attrs.update(step="0.01", inputmode="decimal")
            if name.endswith("country"):
                form_field.widget.attrs.update(size="2", autocapitalize="characters")

    def record_data(self) -> dict[str, Any]:
        """Cleaned values as the services take them: related records as their ids."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            data[name] = value.pk if isinstance(value, models.Model) else value
        return data


def scoped_choices(actor: Actor, model: type[models.Model]) -> QuerySet[Any]:
    from cordee.people.models import User
    from cordee.people.selectors import workspace_users

    if model is User:
        return workspace_users(actor=actor)
    return model._default_manager.filter(workspace=actor.workspace)


def record_form_class(spec: RecordSpec, field_names: tuple[str, ...]) -> type[RecordForm]:
    fields = forms.fields_for_model(spec.model, fields=list(field_names))
    return type(f"{spec.model.__name__}Form", (RecordForm,), dict(fields))


def save_record(spec: RecordSpec) -> Saver:
    def save(actor: Actor, form: forms.Form, instance: Any) -> Any:
        data = form.record_data()  # type: ignore[attr-defined]
        if instance is None:
            return record_create(actor=actor, spec=spec, data=data)
        return record_update(actor=actor, spec=spec, instance=instance, data=data)

    return save


# -- forms judged by the API's input schemas -------------------------------------------------------


def form_input(schema: type[S], data: Mapping[str, Any], *, message: Any = None) -> S:
    """What a page's form sent, read by the API's input schema for the same action: the same
    rules and the same messages as the API. A blank control is an absent optional field (as a
    JSON client leaves it out); controls the schema does not know (CSRF token, ``next``) are
    ignored. ``ValidationFailed`` (headed ``message``) carries the schema's field errors."""
    values: dict[str, Any] = {}
    for name, spec in schema.model_fields.items():
        if name not in data:
            continue
        value = data[name]
        if value == "" and not spec.is_required() and spec.default is None:
            continue
        values[name] = value
    try:
        return schema.model_validate(values)
    except pydantic.ValidationError as exc:
        raise ValidationFailed(
            message or _("Some fields are not valid."), field_errors=schema_errors(exc.errors())
        ) from None


class SchemaForm(forms.Form):
    """A form whose input the API's schema judges (``form_input``): its own fields draw the
    controls, read files and take their limits (length, range) from the schema."""

    schema: ClassVar[type[pydantic.BaseModel]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, spec in self.schema.model_fields.items():
            if name in self.fields:
                self.fields[name].widget.attrs.update(_limits(spec.metadata))

    def full_clean(self) -> None:
        self._errors = ErrorDict()
        self.cleaned_data = {}
        if not self.is_bound:
            return
        for name in self.fields:  # what the schema does not read: files
            if name in self.schema.model_fields:
                continue
            bound = self[name]
            try:
                if isinstance(bound.field, forms.FileField):
                    self.cleaned_data[name] = bound.field.clean(bound.data, bound.initial)
                else:
                    self.cleaned_data[name] = bound.field.clean(bound.data)
            except DjangoValidationError as exc:
                self.add_error(name, exc)
        try:
            payload = form_input(self.schema, self.data)
        except ValidationFailed as exc:
            add_field_errors(self, exc)
        else:
            self.cleaned_data.update(payload.model_dump())


def _limits(metadata: list[Any]) -> dict[str, Any]:
    """The browser's own checks, from the schema's constraints (the schema still judges)."""
    attrs: dict[str, Any] = {}
    for constraint in metadata:
        if isinstance(constraint, annotated_types.MaxLen):
            attrs["maxlength"] = constraint.max_length
        elif isinstance(constraint, annotated_types.Ge):
            attrs["min"] = constraint.ge
        elif isinstance(constraint, annotated_types.Le):
            attrs["max"] = constraint.le
    return attrs


def add_field_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Show a service's ``field_errors`` next to the fields (others above the form)."""
    if not exc.field_errors:
        form.add_error(None, exc.message)
    for name, errors in exc.field_errors.items():
        target = name if name in form.fields else None
        for error in errors:
            form.add_error(target, error)
