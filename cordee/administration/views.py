"""The administration pages: the workspace's settings (RevOps) with their live preview, and the
instance administrator's workspaces (create, export, delete). Views parse, call, render."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.administration import forms, selectors, services
from cordee.core.actor import Actor
from cordee.core.errors import DomainError, ValidationFailed
from cordee.core.web import add_field_errors, domain_error_response, workspace_view
from cordee.dataio.exports.workspace import workspace_export_write
from cordee.feedback.sla import acknowledge_within_days
from cordee.people.services import workspace_errors
from cordee.tenancy.models import Workspace

# the fields the calendar is made of: while one of them is refused, nothing can be previewed
CALENDAR_FIELDS = (
    "time_zone",
    "country",
    "subdivision",
    "business_hours",
    "extra_holidays",
    "worked_holidays",
)


def _unsaved(actor: Actor, values: dict[str, Any]) -> Workspace:
    """The actor's workspace with ``values`` set, not saved: what the settings would be."""
    workspace = Workspace.objects.get(pk=actor.workspace.pk)
    for name, value in values.items():
        setattr(workspace, name, value)
    return workspace


def _judged(actor: Actor, data: Any, slots: int) -> tuple[Any, Workspace, dict[str, list[str]]]:
    """The change the form asks for, the workspace it would give, and every refused field: the
    schemas' errors, then the service's rules (``workspace_errors``) for the other fields."""
    change, errors = forms.read_settings(data, slots)
    unsaved = _unsaved(actor, change.workspace)
    for name, messages_ in workspace_errors(unsaved).items():
        errors.setdefault(name, messages_)
    return change, unsaved, errors


def _preview_context(
    actor: Actor, unsaved: Workspace, errors: dict[str, list[str]], form: forms.SettingsForm
) -> dict[str, Any]:
    blocked = [(form.fields[n].label, msg) for n in CALENDAR_FIELDS for msg in errors.get(n, [])]
    preview = None
    if not blocked:
        preview = selectors.settings_preview(actor=actor, workspace=unsaved, at=timezone.now())
    return {"preview": preview, "preview_blocked": blocked, "preview_zone": unsaved.time_zone}


def _page(
    request: HttpRequest,
    actor: Actor,
    form: forms.SettingsForm,
    unsaved: Workspace,
    errors: dict[str, list[str]],
    status: int = 200,
) -> HttpResponse:
    countries = forms.holiday_countries()
    context = {
        "nav": "workspace_settings",
        "form": form,
        "time_zones": forms.time_zones(),
        "countries": list(countries),
        "subdivisions": countries.get(unsaved.country, []),
        **_preview_context(actor, unsaved, errors, form),
    }
    return render(request, "administration/settings.html", context, status=status)


@workspace_view
def workspace_settings(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The workspace's settings (RevOps admins): saved through the services of the API, each
    refused value shown beside its field with the API's message."""
    actor.require("workspace.write")
    slots = forms.window_slots(actor.workspace)
    if request.method != "POST":
        initial = forms.initial_values(actor.workspace, acknowledge_within_days(actor.workspace))
        form = forms.SettingsForm(initial=initial, window_slots=slots)
        return _page(request, actor, form, actor.workspace, {})
    form = forms.SettingsForm(request.POST, window_slots=slots)
    form.full_clean()  # every control is optional text: no error of its own
    change, unsaved, errors = _judged(actor, request.POST, slots)
    if not errors:
        try:
            services.workspace_settings_save(actor=actor, change=change)
        except ValidationFailed as exc:
            errors = exc.field_errors
        else:
            messages.success(request, _("Your changes were saved."))
            return HttpResponseRedirect(reverse("workspace_settings", args=[actor.workspace.slug]))
    add_field_errors(form, ValidationFailed(_("Some fields are not valid."), field_errors=errors))
    return _page(request, actor, form, unsaved, errors, status=422)


@workspace_view
def workspace_settings_preview(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The preview beside the form (htmx, on every change): the next days off and the due time
    of an MQL arriving now, with the settings as typed — nothing is saved."""
    actor.require("workspace.write")
    slots = forms.window_slots(actor.workspace)
    form = forms.SettingsForm(window_slots=slots)
    if request.method == "POST":
        _change, unsaved, errors = _judged(actor, request.POST, slots)
    else:
        unsaved, errors = actor.workspace, {}
    context = _preview_context(actor, unsaved, errors, form)
    return render(request, "administration/_preview.html", context)


# -- the instance administrator's workspaces ------------------------------------------------------

View = Callable[..., HttpResponse]


def instance_view(view: View) -> View:
    """Sign-in required, then instance administrators only (403 for anyone else)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            services.instance_admin_require(request.user)
            return view(request, **kwargs)
        except DomainError as exc:
            return domain_error_response(request, exc)

    return wrapper


def _lists() -> dict[str, Any]:
    return {"time_zones": forms.time_zones(), "countries": list(forms.holiday_countries())}


@instance_view
def instance_workspaces(request: HttpRequest) -> HttpResponse:
    """Every workspace of the instance, its members and rows; create, export or delete one."""
    rows = selectors.instance_workspaces(user=request.user)
    return render(request, "administration/instance_list.html", {"rows": rows})


@instance_view
def instance_workspace_new(request: HttpRequest) -> HttpResponse:
    form = forms.WorkspaceCreateForm(request.POST or None, initial={"default_language": "fr"})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.workspace_create(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        else:
            if created.new_user:
                note = _(
                    "Workspace “%(name)s” created. %(email)s has a new account without a "
                    "password: they set one through the password reset, then sign in as its "
                    "RevOps admin."
                )
            else:
                note = _("Workspace “%(name)s” created; %(email)s is its RevOps admin.")
            messages.success(
                request, note % {"name": created.workspace.name, "email": created.admin.email}
            )
            return HttpResponseRedirect(reverse("instance_workspaces"))
    status = 422 if request.method == "POST" else 200
    context = {"form": form, **_lists()}
    return render(request, "administration/instance_new.html", context, status=status)


@instance_view
def instance_workspace_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole workspace as a zip (every table: the instance operator's export, as
    ``cordee export``), written now and sent."""
    workspace = selectors.instance_workspace(user=request.user, workspace_id=pk)
    if request.method != "POST":
        return HttpResponseRedirect(reverse("instance_workspaces"))
    fmt = request.POST.get("format", "csv")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "export.zip"
        workspace_export_write(out, workspace=workspace, fmt=fmt, actor=None)
        services.workspace_export_noted(user=request.user, workspace=workspace, fmt=fmt)  # type: ignore[arg-type]
        handle = out.open("rb")  # still readable once the folder is gone (POSIX)
    stamp = timezone.now().astimezone(dt.UTC)
    return FileResponse(  # type: ignore[return-value]
        handle,
        as_attachment=True,
        filename=f"{workspace.slug}-{fmt}-{stamp:%Y-%m-%d-%H%M}.zip",
        content_type="application/zip",
    )


@instance_view
def instance_workspace_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a workspace once its name has been typed."""
    workspace = selectors.instance_workspace(user=request.user, workspace_id=pk)
    form = forms.WorkspaceDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            name = services.workspace_delete(
                user=request.user,  # type: ignore[arg-type]
                workspace_id=workspace.pk,
                confirm_name=form.cleaned_data["confirm_name"],
            )
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, _("Workspace “%(name)s” deleted.") % {"name": name})
            return HttpResponseRedirect(reverse("instance_workspaces"))
    status = 422 if request.method == "POST" else 200
    row = selectors.instance_workspace_row(user=request.user, workspace=workspace)
    context = {"form": form, "workspace": workspace, "row": row}
    return render(request, "administration/instance_delete.html", context, status=status)
