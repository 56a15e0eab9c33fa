"""Workspace pages: resolving ``request.actor``, turning domain errors into status pages, and
the generic list / detail / form views every kind of record shares.

A ``RecordPage`` adds to a ``RecordSpec`` what only the pages need: the table columns, the
detail template and its related data, and how a form is saved. Views stay a few lines:
parse, call a selector or service, render.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, ClassVar, TypeVar

import annotated_types
import pydantic
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.core import twofactor
from cordee.core.actor import Actor, actor_for
from cordee.core.api import schema_errors
from cordee.core.errors import DomainError, ValidationFailed
from cordee.core.records import RecordSpec, record_create, record_update
from cordee.core.selectors import user_memberships, workspace_users
from cordee.core.text import ControlCharacterValidator
from cordee.tenancy.models import User

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
            # the user's workspaces, read once: the actor's membership among them, and the
            # layout's workspace switcher (request.memberships)
            memberships = list(user_memberships(user=request.user))  # type: ignore[arg-type]
            actor = actor_for(request.user, slug, among=memberships)  # type: ignore[arg-type]
            request.actor = actor  # type: ignore[attr-defined]
            request.memberships = memberships  # type: ignore[attr-defined]
            if not getattr(view, "two_factor_setup_page", False) and twofactor.setup_required(
                request, actor
            ):
                # the workspace requires two-factor sign-in of its admins: set it up first
                return redirect(twofactor.SETUP_URL_NAME, slug=slug)
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

    @property
    def key(self) -> str:
        """How a list's ``columns`` parameter and a saved view name the column: its path."""
        return self.path


Saver = Callable[[Actor, forms.Form, Any], Any]


@dataclass(frozen=True)
class FilterPicker:
    """A list filter on a foreign key to a table that grows (owner, campaign): typed, picked
    from the search's proposals (``kind``, as ``search_pick`` takes it), never a drop-down of
    every row; ``label`` names the chosen record (one row read, only when a value is set;
    "" when it is not the workspace's)."""

    kind: str
    label: Callable[[Actor, int], str]


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
    filter_pickers: Mapping[str, FilterPicker] = field(default_factory=dict)
    empty_text: Any = ""
    new_label: Any = ""  # "New account": a whole phrase per kind, for the translators
    # the create form asks (htmx, on change) for existing records that look like the new one:
    # the ``record`` of the ``merge_duplicates`` page ("contact", "account")
    duplicates_of: str = ""
    # columns a person may add to the list with the column chooser (``columns`` are the default)
    optional_columns: tuple[Column, ...] = ()

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def available_columns(self) -> tuple[Column, ...]:
        """Every column the list can show: the default ones, then the optional ones."""
        return self.columns + self.optional_columns

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

    @property
    def url_name_delete(self) -> str:
        return self.url_name("delete")

    def url_name(self, action: str) -> str:
        return f"{self.key}_{action}"

    def form(self, actor: Actor, *, data: Any = None, instance: Any = None) -> forms.Form:
        if self.form_class is not None:
            return self.form_class(actor=actor, data=data, instance=instance)
        return record_form_class(self.spec, self.form_fields)(
            actor=actor, data=data, instance=instance
        )


# -- forms ---------------------------------------------------------------------------------------


# Foreign keys to tables that grow without bound are picked by typing, never from a drop-down
# of every row: model label → the ``kind`` the search's ``pick`` proposes (search/selectors.py).
PICKED_BY_SEARCH = {
    "crm.contact": "contact",
    "crm.account": "account",
    "funnel.lead": "lead",
    "funnel.opportunity": "opportunity",
    "tenancy.user": "user",
}


class SearchPicker(forms.Widget):
    """A search-as-you-type field: a hidden input holds the id, a text box shows the chosen
    record and asks ``url`` for proposals as you type. Only the chosen row is read (its
    label), never the whole table."""

    template_name = "search/picker_widget.html"

    def __init__(self, *, url: str, kind: str, queryset: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url, self.kind, self.queryset = url, kind, queryset

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = None
        if value not in (None, "") and str(value).isdigit():
            chosen = self.queryset.filter(pk=value).first()
        context["widget"].update(
            url=self.url, kind=self.kind, label="" if chosen is None else str(chosen)
        )
        return context


class Form(forms.Form):
    """Base of every form of the pages: each text field refuses control characters
    (``core.text``; tab and line breaks only in a ``<textarea>``), with the API's message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            if isinstance(form_field, forms.CharField):
                multiline = isinstance(form_field.widget, forms.Textarea)
                form_field.validators.append(ControlCharacterValidator(multiline=multiline))


class RecordForm(Form):
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
                picked = PICKED_BY_SEARCH.get(model._meta.label_lower)
                if picked and not isinstance(form_field, forms.ModelMultipleChoiceField):
                    form_field.widget = SearchPicker(
                        url=reverse("search_pick", args=[actor.workspace.slug]),
                        kind=picked,
                        queryset=form_field.queryset,
                    )
                    form_field.widget.is_required = form_field.required
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


def user_choices(actor: Actor) -> list[tuple[Any, str]]:
    """The workspace's active members, for a form's or a filter's drop-down."""
    return [(u.pk, str(u)) for u in workspace_users(actor=actor)]


def user_label(actor: Actor, pk: int) -> str:
    """One active member of the workspace, named as in ``user_choices`` ("" for anyone else)."""
    user = workspace_users(actor=actor).filter(pk=pk).first()
    return "" if user is None else str(user)


def scoped_choices(actor: Actor, model: type[models.Model]) -> QuerySet[Any]:
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


class SchemaForm(Form):
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
