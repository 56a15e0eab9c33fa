"""Variable pay's writes: who is a comp admin (RevOps grants it), the plans and their versions
(RevOps and comp admins), each change audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cordee.analytics.comp_plan import PlanError, plan_parse
from cordee.comp.models import CompAdmin, Plan, PlanVersion
from cordee.comp.plan_errors import plan_error_text
from cordee.comp.selectors import may_edit_plans
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.tenancy.models import Membership, normalize_email

audit.audit_kind_register("comp-admins", CompAdmin._meta.verbose_name, CompAdmin)


def comp_admin_grant(*, actor: Actor, user_id: int) -> CompAdmin:
    """Lets an active member read and approve everyone's pay and edit the plans (RevOps);
    granting it twice changes nothing."""
    actor.require("comp.grant")
    member = (
        Membership.objects.select_related("user")
        .filter(workspace=actor.workspace, user_id=user_id, is_active=True)
        .first()
    )
    if member is None:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"user": [_("No such member in this workspace.")]},
        )
    with transaction.atomic():
        grant, created = CompAdmin.objects.get_or_create(
            workspace=actor.workspace, user=member.user, defaults={"granted_by": actor.user}
        )
        if created:
            audit.audit_write(
                actor=actor,
                action="create",
                target="comp-admins",
                target_id=grant.pk,
                target_label=str(member.user),
                after={"user": audit.named(member.user)},
            )
    return grant


def comp_admin_revoke(*, actor: Actor, user_id: int) -> None:
    """Ends a member's comp admin grant (RevOps); none to end changes nothing."""
    actor.require("comp.grant")
    with transaction.atomic():
        grant = (
            CompAdmin.objects.select_for_update()
            .select_related("user")
            .filter(workspace=actor.workspace, user_id=user_id)
            .first()
        )
        if grant is None:
            return
        audit.audit_write(
            actor=actor,
            action="delete",
            target="comp-admins",
            target_id=grant.pk,
            target_label=str(grant.user),
            before={"user": audit.named(grant.user)},
        )
        grant.delete()


# -- plans: a document, every version kept -----------------------------------------------------------

audit.audit_kind_register("pay-plans", Plan._meta.verbose_name, Plan)


def _require_plan_editor(actor: Actor) -> None:
    """RevOps and the comp admins edit the plans (``selectors.may_edit_plans``)."""
    if may_edit_plans(actor):
        return
    raise PermissionDenied(_("RevOps and the comp admins edit the pay plans."))


def _document_check(actor: Actor, document: Any) -> dict[str, Any]:
    """The document as the engine reads it (``analytics.comp_plan.plan_parse``: a 422 naming the
    JSON path of the wrong field), its currency the workspace's, each participant an active
    member of the workspace (by e-mail)."""
    try:
        plan = plan_parse(document)
    except PlanError as error:
        raise ValidationFailed(
            _("The plan document is not valid."),
            field_errors={error.path or "document": [plan_error_text(error)]},
        ) from None
    if plan.currency != actor.workspace.currency:
        raise ValidationFailed(
            _("The plan document is not valid."),
            field_errors={
                "currency": [
                    _("Pay is in the workspace currency, %(currency)s.")
                    % {"currency": actor.workspace.currency}
                ]
            },
        )
    members = {
        normalize_email(e)
        for e in Membership.objects.filter(workspace=actor.workspace, is_active=True).values_list(
            "user__email", flat=True
        )
    }
    for i, participant in enumerate(plan.participants):
        if normalize_email(participant.person) not in members:
            raise ValidationFailed(
                _("The plan document is not valid."),
                field_errors={
                    f"participants[{i}].person": [_("No such member in this workspace.")]
                },
            )
    return dict(document)


def plan_create(*, actor: Actor, name: str, document: Any, note: str = "") -> Plan:
    """A new plan and its first version (RevOps, comp admins). A bad document: 422 naming the
    field; a name already taken: 422 naming ``name``."""
    _require_plan_editor(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={"name": [_("This field is required.")]}
        )
    checked = _document_check(actor, document)
    with transaction.atomic():
        if Plan.objects.filter(workspace=actor.workspace, name=name).exists():
            raise ValidationFailed(
                _("Some fields are not valid."),
                field_errors={"name": [_("A plan of that name exists already.")]},
            )
        plan = Plan.objects.create(workspace=actor.workspace, name=name, created_by=actor.user)
        PlanVersion.objects.create(
            workspace=actor.workspace,
            plan=plan,
            number=1,
            document=checked,
            note=note[:200],
            created_by=actor.user,
        )
        audit.audit_write(
            actor=actor,
            action="create",
            target="pay-plans",
            target_id=plan.pk,
            target_label=plan.name,
            after={"version": 1},
        )
    return plan


def plan_version_add(*, actor: Actor, plan_id: int, document: Any, note: str = "") -> PlanVersion:
    """A new version of a plan's document (RevOps, comp admins): the versions before stay as
    they were (a statement keeps the one it used). The same document as the latest version adds
    nothing."""
    _require_plan_editor(actor)
    checked = _document_check(actor, document)
    with transaction.atomic():
        plan = (
            Plan.objects.select_for_update().filter(workspace=actor.workspace, pk=plan_id).first()
        )
        if plan is None:
            raise NotFound(_("No such pay plan."))
        latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
        if latest is not None and latest.document == checked:
            return latest
        number = (latest.number if latest else 0) + 1
        version = PlanVersion.objects.create(
            workspace=actor.workspace,
            plan=plan,
            number=number,
            document=checked,
            note=note[:200],
            created_by=actor.user,
        )
        audit.audit_write(
            actor=actor,
            action="update",
            target="pay-plans",
            target_id=plan.pk,
            target_label=plan.name,
            before={"version": number - 1},
            after={"version": number},
        )
    return version


def plan_participant_set(
    *, actor: Actor, plan_id: int, participant: dict[str, Any], note: str = ""
) -> PlanVersion:
    """Assigns a person to the plan (or changes their assignment): a new version of the
    document with that participant — by e-mail, replacing any earlier entry of theirs. A bad
    field: 422 naming ``participants[i].<field>`` as the document would."""
    _require_plan_editor(actor)
    plan = Plan.objects.filter(workspace=actor.workspace, pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No such pay plan."))
    latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    document = dict(latest.document) if latest else {}
    email = normalize_email(str(participant.get("person") or "")) or ""
    others = [
        p
        for p in document.get("participants", [])
        if normalize_email(str(p.get("person") or "")) != email
    ]
    document["participants"] = [*others, {**participant, "person": email}]
    return plan_version_add(actor=actor, plan_id=plan.pk, document=document, note=note)


def plan_participant_remove(*, actor: Actor, plan_id: int, email: str) -> PlanVersion:
    """Ends a person's assignment to the plan: a new version without them (their statements
    stay, with the version they used)."""
    _require_plan_editor(actor)
    plan = Plan.objects.filter(workspace=actor.workspace, pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No such pay plan."))
    latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    document = dict(latest.document) if latest else {}
    wanted = normalize_email(email)
    document["participants"] = [
        p
        for p in document.get("participants", [])
        if normalize_email(str(p.get("person") or "")) != wanted
    ]
    return plan_version_add(actor=actor, plan_id=plan.pk, document=document)
