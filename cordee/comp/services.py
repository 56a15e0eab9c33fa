"""Variable pay's writes: who is a comp admin (RevOps grants it), each change audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from cordee.comp.models import CompAdmin
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.tenancy.models import Membership

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
