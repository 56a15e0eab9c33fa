"""Writes of the administration pages: a workspace's settings saved at once (through the
services the API calls for each of them), and the instance administrator's workspaces —
created with a first RevOps admin, deleted after confirmation.

An **instance administrator** is an active Django superuser (``is_superuser``): the person who
runs the Cordée instance, above every workspace (``cordee createsuperuser``). ``is_staff`` alone
is not enough: it only opens Django's admin site, with the permissions given there."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.dataio.exports.workspace import export_dir
from cordee.feedback import services as feedback_services
from cordee.funnel import services as funnel_services
from cordee.people import services as people_services
from cordee.tenancy import calendar
from cordee.tenancy.models import Membership, User, Workspace, normalize_email
from cordee.tenancy.roles import Role

# -- the workspace's settings page ----------------------------------------------------------------


@dataclass(frozen=True)
class SettingsChange:
    """What the settings page saves: the workspace's own fields (``PATCH /workspace``), the MQL
    threshold (``PUT /scoring/threshold``) and the feedback acknowledgement SLA
    (``PUT /feedback/settings``); None: left as it is."""

    workspace: dict[str, Any]
    mql_threshold: int | None = None
    acknowledge_within_days: int | None = None


def workspace_settings_save(*, actor: Actor, change: SettingsChange) -> Workspace:
    """Save the settings page in one transaction, each part through the service its API
    endpoint calls (same rules, same messages, same audit entries). Every refused field is
    reported at once, by the page's field name; nothing is stored unless everything is valid."""
    actor.require("workspace.write")
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        workspace = actor.workspace
        try:
            workspace = people_services.workspace_update(actor=actor, data=change.workspace)
        except ValidationFailed as exc:
            errors.update(exc.field_errors or {"__all__": [exc.message]})
        if change.mql_threshold is not None:
            try:
                funnel_services.mql_threshold_set(actor=actor, threshold=change.mql_threshold)
            except ValidationFailed as exc:
                errors["mql_threshold"] = exc.field_errors.get("threshold", [exc.message])
        if change.acknowledge_within_days is not None:
            try:
                feedback_services.feedback_settings_update(
                    actor=actor, acknowledge_within_days=change.acknowledge_within_days
                )
            except ValidationFailed as exc:
                errors["acknowledge_within_days"] = exc.field_errors.get(
                    "acknowledge_within_days", [exc.message]
                )
        if errors:  # raised inside the block: whatever was written is rolled back
            raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    workspace.refresh_from_db()
    return workspace


# -- the instance administrator's workspaces ------------------------------------------------------


def instance_admin_require(user: Any) -> None:
    """403 unless ``user`` administers the instance (an active superuser)."""
    if not (user.is_authenticated and user.is_active and user.is_superuser):
        raise PermissionDenied(_("Only an administrator of this Cordée instance may do this."))


@dataclass(frozen=True)
class WorkspaceCreated:
    workspace: Workspace
    admin: User
    new_user: bool  # the admin's account was created (no password yet: a reset link sets it)


def workspace_create(
    *,
    user: User,
    name: str,
    slug: str = "",
    default_language: str = "fr",
    country: str = "FR",
    time_zone: str = "Europe/Paris",
    admin_email: str,
) -> WorkspaceCreated:
    """A new workspace (a client company) and its first RevOps admin: an existing person gets
    the membership; someone new gets an account without a usable password, who sets one
    through the password reset. Every bad value is refused with its field."""
    instance_admin_require(user)
    name = (name or "").strip()
    slug = slugify(slug or name)[:60]
    email = normalize_email(admin_email) or ""
    workspace = Workspace(
        name=name,
        slug=slug,
        default_language=default_language,
        country=(country or "").strip().upper(),
        time_zone=(time_zone or "").strip(),
    )
    errors: dict[str, list[str]] = {}
    try:
        workspace.clean_fields()
    except DjangoValidationError as exc:
        errors.update({f: [str(m) for m in ms] for f, ms in exc.message_dict.items()})
    if "slug" not in errors and Workspace.objects.filter(slug=slug).exists():
        errors["slug"] = [_("This address is taken by another workspace.")]
    if "country" not in errors:
        try:
            calendar.validate_country(workspace.country)
        except DjangoValidationError as exc:
            errors["country"] = [str(m) for m in exc.messages]
    try:
        User._meta.get_field("email").clean(email, None)
    except DjangoValidationError as exc:
        errors["admin_email"] = [str(m) for m in exc.messages]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    with transaction.atomic():
        workspace.save()
        admin = User.objects.filter(email=email).first()
        new_user = admin is None
        if admin is None:
            admin = User.objects.create_user(email=email, password=None)  # unusable password
        Membership.objects.create(workspace=workspace, user=admin, role=Role.REVOPS_ADMIN)
        audit.audit_write(
            actor=None,
            person=user,
            workspace=None,  # an instance-level event
            action="create",
            target="workspace",
            target_id=workspace.pk,
            target_label=workspace.name,
            after={
                **audit.snapshot(
                    workspace, ["name", "slug", "default_language", "country", "time_zone"]
                ),
                "admin_email": admin.email,
            },
        )
        audit.audit_write(
            actor=None,
            person=user,
            workspace=workspace,
            action="create",
            target="membership",
            target_id=admin.pk,
            target_label=admin.email,
            after={"user": admin.email, "role": Role.REVOPS_ADMIN.value},
        )
    return WorkspaceCreated(workspace, admin, new_user)


def workspace_delete(*, user: User, workspace_id: int, confirm_name: str) -> str:
    """Delete a workspace and everything in it, in one transaction, once its name has been
    typed to confirm; the people stay (they may belong to other workspaces). An instance-level
    audit entry keeps who did it. Returns the deleted workspace's name."""
    instance_admin_require(user)
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().filter(pk=workspace_id).first()
        if workspace is None:
            raise NotFound(_("No such workspace."))
        if (confirm_name or "").strip() != workspace.name:
            message = _("Type the workspace's name exactly as shown to confirm.")
            raise ValidationFailed(message, field_errors={"confirm_name": [message]})
        summary = {
            **audit.snapshot(workspace, ["name", "slug"]),
            "members": Membership.objects.filter(workspace=workspace).count(),
        }
        _delete_rows_of(workspace)
        workspace.delete()
        audit.audit_write(
            actor=None,
            person=user,
            workspace=None,
            action="delete",
            target="workspace",
            target_id=workspace_id,
            target_label=summary["name"],
            before=summary,
        )
        folder = export_dir(workspace_id)  # its export files go with it, once it is gone
        transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))
    return str(summary["name"])


def _workspace_models() -> list[type[models.Model]]:
    """The models whose rows belong to a workspace (a ``workspace`` key), those that point at
    others first: an opportunity before the account it protects, a decision before its reason."""
    owned = [
        m
        for m in apps.get_models()
        if m is not Workspace
        and any(
            f.name == "workspace" and f.is_relation and f.related_model is Workspace
            for f in m._meta.concrete_fields
        )
    ]
    pointed_at = {
        m: {
            f.related_model
            for f in m._meta.concrete_fields
            if f.is_relation and f.related_model in owned and f.related_model is not m
        }
        for m in owned
    }
    ordered: list[type[models.Model]] = []
    left = set(owned)
    while left:  # those no remaining model points at go last: take the others first
        ready = sorted(
            (m for m in left if not any(m in pointed_at[o] for o in left if o is not m)),
            key=lambda m: m._meta.label,
        )
        if not ready:  # a cycle: the retries below settle it
            ready = sorted(left, key=lambda m: m._meta.label)
        ordered += ready
        left -= set(ready)
    return ordered


def _delete_rows_of(workspace: Workspace) -> None:
    """Delete every row of ``workspace``, kind by kind, so that a protecting row (an
    opportunity protecting its account, a decision its rejection reason) goes before what it
    protects — Django's cascade from the workspace alone would stop at the first one."""
    pending = _workspace_models()
    while pending:
        refused: list[type[models.Model]] = []
        blocking: set[str] = set()
        for model in pending:
            try:
                with transaction.atomic():  # a savepoint: a refused kind leaves nothing half-done
                    # the base manager: every row, and no manager's refusal (the audit log's
                    # entries go with their workspace, as a cascade would take them)
                    model._base_manager.filter(workspace=workspace).delete()
            except (ProtectedError, RestrictedError) as exc:
                refused.append(model)
                blocking |= {str(o._meta.verbose_name) for o in exc.args[1]}
        if len(refused) == len(pending):
            raise Conflict(
                _("This workspace still holds rows that prevent its deletion: %(rows)s.")
                % {"rows": ", ".join(sorted(blocking))}
            )
        pending = refused


def workspace_export_noted(*, user: User, workspace: Workspace, fmt: str) -> None:
    """Keep in the audit log that the instance administrator exported a whole workspace."""
    instance_admin_require(user)
    audit.audit_write(
        actor=None,
        person=user,
        workspace=None,
        action="export",
        target="workspace",
        target_id=workspace.pk,
        target_label=workspace.name,
        after={"format": fmt},
    )
