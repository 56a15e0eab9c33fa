"""Writes about people and access: a member's role and pods, invitations, deactivation and
reactivation, and the signed-in sessions a person can end.

Every change of configuration here writes its audit entry (``core.audit.audit_write``) in the
same transaction. One rule holds across them: a workspace keeps at least one active RevOps
admin (``_last_admin_check``), so that someone can always manage its people."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core import signin
from cordee.core.actor import Actor
from cordee.core.audit import audit_kind_register, audit_write, changed
from cordee.core.errors import Conflict, Gone, NotFound, ValidationFailed
from cordee.people.mail import mail_write
from cordee.people.models import Invitation, Pod, PodMember, UserSession
from cordee.people.services import pod_update
from cordee.tenancy.models import ApiToken, Membership, User, normalize_email
from cordee.tenancy.roles import Role

INVITATION_SALT = "cordee.people.invitation"
audit_kind_register("membership", Membership._meta.verbose_name, Membership)
audit_kind_register("invitation", Invitation._meta.verbose_name, Invitation)
audit_kind_register("api_token", ApiToken._meta.verbose_name, ApiToken)
SESSION_TOUCH_SECONDS = 60  # how stale a session's "last seen" may get
_DB_SESSION_ENGINES = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}


# -- the last admin ------------------------------------------------------------------------------


def _last_admin_check(actor: Actor, membership: Membership) -> None:
    """Refuse (409) to demote or deactivate the workspace's last active RevOps admin. The admins'
    rows are locked so that two admins demoting each other at once cannot both succeed."""
    if membership.role != Role.REVOPS_ADMIN or not membership.is_active:
        return
    admins = list(
        Membership.objects.select_for_update()
        .filter(
            workspace=actor.workspace,
            role=Role.REVOPS_ADMIN,
            is_active=True,
            user__is_active=True,
        )
        .values_list("pk", flat=True)
    )
    if set(admins) <= {membership.pk}:
        raise Conflict(
            _(
                "A workspace needs at least one active RevOps admin: make someone else "
                "RevOps admin first."
            )
        )


def _membership(actor: Actor, user_id: int, *, lock: bool = True) -> Membership:
    qs = Membership.objects.select_related("user").filter(
        workspace=actor.workspace, user_id=user_id
    )
    membership = (qs.select_for_update(of=("self",)) if lock else qs).first()
    if membership is None:
        raise NotFound(_("No such member in this workspace."))
    return membership


def _label(user: User) -> str:
    return user.get_full_name() or user.email


# -- role and pods -------------------------------------------------------------------------------


def _pods_of(actor: Actor, user_id: int) -> set[int]:
    return set(
        PodMember.objects.filter(pod__workspace=actor.workspace, user_id=user_id).values_list(
            "pod_id", flat=True
        )
    )


def _workspace_pods(actor: Actor, pod_ids: Iterable[int], field: str = "pod_ids") -> list[Pod]:
    ids = {int(i) for i in pod_ids}
    pods = list(Pod.objects.filter(workspace=actor.workspace, pk__in=ids))
    missing = ids - {p.pk for p in pods}
    if missing:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={field: [_("Unknown pods: %(ids)s.") % {"ids": sorted(missing)}]},
        )
    return pods


def _role_check(role: str) -> str:
    if role not in Role.values:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={"role": [_("Choose a valid role.")]}
        )
    return role


def member_update(
    *,
    actor: Actor,
    user_id: int,
    role: str | None = None,
    pod_ids: Iterable[int] | None = None,
) -> Membership:
    """Change a member's role and/or pods (RevOps admins). Pods go through ``pod_update``, as
    on the pod's own page. The last active RevOps admin keeps the role."""
    actor.require("member.write")
    with transaction.atomic():
        membership = _membership(actor, user_id)
        before: dict[str, Any] = {"role": membership.role, "pods": sorted(_pods_of(actor, user_id))}
        if role is not None and _role_check(role) != membership.role:
            _last_admin_check(actor, membership)
            membership.role = role
            membership.save(update_fields=["role", "updated_at"])
        if pod_ids is not None:
            _member_pods_set(actor, membership, _workspace_pods(actor, pod_ids))
        after = {"role": membership.role, "pods": sorted(_pods_of(actor, user_id))}
        if before != after:
            old, new = changed(before, after)
            audit_write(
                actor=actor,
                action="update",
                target="membership",
                target_id=membership.pk,
                target_label=_label(membership.user),
                before=old,
                after=new,
            )
    return membership


def _member_pods_set(actor: Actor, membership: Membership, pods: list[Pod]) -> None:
    """Put the member in exactly ``pods``: each pod that gains or loses them is changed through
    ``pod_update`` (its other members and leads are kept)."""
    user_id = membership.user_id
    wanted = {p.pk for p in pods}
    current = _pods_of(actor, user_id)
    for pod in Pod.objects.filter(pk__in=wanted ^ current).order_by("pk"):
        members = set(PodMember.objects.filter(pod=pod).values_list("user_id", flat=True))
        members = members | {user_id} if pod.pk in wanted else members - {user_id}
        pod_update(actor=actor, pod=pod, data={}, member_ids=members)


# -- deactivation ------------------------------------------------------------------------------


def _session_store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def sessions_end(*, user: User, keep: str | None = None) -> int:
    """End the person's browser sessions (all, or all but the one keyed ``keep``): their next
    request finds no session and goes to the sign-in page. Returns how many ended."""
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def member_deactivate(*, actor: Actor, user_id: int) -> Membership:
    """Someone leaves: their membership stops (and their account, if they belong to no other
    workspace), their API tokens of this workspace are revoked and their sessions end — all
    before this request returns. Their records stay theirs until the hand-over page moves
    them. The last active RevOps admin cannot be deactivated."""
    actor.require("member.write")
    with transaction.atomic():
        membership = _membership(actor, user_id)
        if not membership.is_active:
            return membership
        _last_admin_check(actor, membership)
        membership.is_active = False
        membership.save(update_fields=["is_active", "updated_at"])
        user = membership.user
        elsewhere = Membership.objects.filter(user=user, is_active=True).exists()
        if not elsewhere and user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        tokens = ApiToken.objects.filter(
            workspace=actor.workspace, user=user, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        ended = sessions_end(user=user)
        audit_write(
            actor=actor,
            action="deactivate",
            target="membership",
            target_id=membership.pk,
            target_label=_label(user),
            before={"is_active": True},
            after={"is_active": False, "tokens_revoked": tokens, "sessions_ended": ended},
        )
    return membership


def member_reactivate(*, actor: Actor, user_id: int) -> Membership:
    """Someone comes back: their membership and account work again (tokens revoked when they
    left stay revoked; they create new ones)."""
    actor.require("member.write")
    with transaction.atomic():
        membership = _membership(actor, user_id)
        if membership.is_active and membership.user.is_active:
            return membership
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
        if not membership.user.is_active:
            membership.user.is_active = True
            membership.user.save(update_fields=["is_active"])
        audit_write(
            actor=actor,
            action="reactivate",
            target="membership",
            target_id=membership.pk,
            target_label=_label(membership.user),
            before={"is_active": False},
            after={"is_active": True},
        )
    return membership


def member_signin_unlock(*, actor: Actor, user_id: int) -> Membership:
    """A member locked out after too many failed sign-ins may sign in again at once, from
    anywhere (their failed attempts are forgotten). Nothing happens, and nothing is logged, if
    they were not locked out."""
    actor.require("member.write")
    with transaction.atomic():
        membership = _membership(actor, user_id, lock=False)
        if signin.locked_out([membership.user.email]):
            signin.unlock(membership.user.email)
            audit_write(
                actor=actor,
                action="signin_unlock",
                target="membership",
                target_id=membership.pk,
                target_label=_label(membership.user),
                before={"signin_locked": True},
                after={"signin_locked": False},
            )
    return membership


# -- invitations -------------------------------------------------------------------------------


def _invitation_days() -> int:
    return int(getattr(settings, "INVITATION_DAYS", 7))


def invitation_url(token: str, site_url: str) -> str:
    return site_url.rstrip("/") + reverse("invitation_accept", args=[token])


def invitation_create(
    *,
    actor: Actor,
    email: str,
    role: str,
    site_url: str,
    pod_ids: Iterable[int] = (),
) -> tuple[Invitation, str]:
    """Invite ``email`` with ``role`` (and pods): an ``Invitation`` and its e-mail, in the
    workspace's language, with a link that works once for ``INVITATION_DAYS`` days. An earlier
    pending invitation of the same address is revoked. Returns the invitation and its link."""
    actor.require("member.write")
    address = normalize_email(email) or ""
    try:
        validate_email(address)
    except DjangoValidationError:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"email": [_("Enter a valid e-mail address.")]},
        ) from None
    _role_check(role)
    with transaction.atomic():
        pods = _workspace_pods(actor, pod_ids)
        existing = Membership.objects.filter(workspace=actor.workspace, user__email=address).first()
        if existing is not None:
            message = (
                _("This person is already a member of the workspace.")
                if existing.is_active
                else _("This person was deactivated: reactivate them instead.")
            )
            raise ValidationFailed(message, field_errors={"email": [message]})
        for earlier in Invitation.objects.select_for_update().filter(
            workspace=actor.workspace,
            email=address,
            revoked_at__isnull=True,
            accepted_at__isnull=True,
        ):
            _revoke(actor, earlier)
        key = secrets.token_urlsafe(24)
        invitation = Invitation.objects.create(
            workspace=actor.workspace,
            email=address,
            role=role,
            key_hash=Invitation.hash_key(key),
            invited_by=actor.user,
            expires_at=timezone.now() + dt.timedelta(days=_invitation_days()),
        )
        invitation.pods.set(pods)
        audit_write(
            actor=actor,
            action="create",
            target="invitation",
            target_id=invitation.pk,
            target_label=address,
            after={"email": address, "role": role, "pods": sorted(p.pk for p in pods)},
        )
        token = signing.TimestampSigner(salt=INVITATION_SALT).sign(key)
        url = invitation_url(token, site_url)
        _invitation_mail(invitation, actor.user, url).send()
    return invitation, url


def _invitation_mail(invitation: Invitation, inviter: User, url: str) -> EmailMultiAlternatives:
    """The invitation e-mail, written in the workspace's language (the invitee has none yet)."""
    workspace = invitation.workspace
    name = _label(inviter)
    return mail_write(
        workspace=workspace,
        to=invitation.email,
        language=workspace.default_language,
        template="invitation",
        subject=lambda: (
            _("%(inviter)s invites you to %(workspace)s on Cordée")
            % {"inviter": name, "workspace": workspace.name}
        ),
        context=lambda: {
            "inviter": name,
            "role": Role(invitation.role).label,
            "url": url,
            "expires_at": timezone.localtime(invitation.expires_at, workspace.zone),
        },
    )


def _revoke(actor: Actor, invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_write(
        actor=actor,
        action="revoke",
        target="invitation",
        target_id=invitation.pk,
        target_label=invitation.email,
        before={"revoked_at": None},
        after={"revoked_at": invitation.revoked_at},
    )


def invitation_revoke(*, actor: Actor, invitation_id: int) -> Invitation:
    """Revoke a pending invitation: its link is refused from now on."""
    actor.require("member.write")
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(workspace=actor.workspace, pk=invitation_id)
            .first()
        )
        if invitation is None:
            raise NotFound(_("No such invitation."))
        if invitation.accepted_at is not None:
            raise Conflict(_("This invitation was accepted already."))
        if invitation.revoked_at is None:
            _revoke(actor, invitation)
    return invitation


def invitation_find(*, token: str) -> Invitation:
    """The pending invitation of a link: 404 when the link is not one of ours, 410 (with the
    reason) when it expired, was revoked or was used already."""
    try:
        key = signing.TimestampSigner(salt=INVITATION_SALT).unsign(
            token, max_age=dt.timedelta(days=_invitation_days())
        )
    except signing.SignatureExpired:
        raise Gone(_("This invitation has expired. Ask for a new one.")) from None
    except signing.BadSignature:
        raise NotFound(_("This invitation link is not valid.")) from None
    invitation = (
        Invitation.objects.select_related("workspace")
        .filter(key_hash=Invitation.hash_key(key))
        .first()
    )
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    if invitation.revoked_at is not None:
        raise Gone(_("This invitation was withdrawn. Ask for a new one."))
    if invitation.accepted_at is not None:
        raise Gone(_("This invitation was used already. Sign in instead."))
    if invitation.expires_at <= timezone.now():
        raise Gone(_("This invitation has expired. Ask for a new one."))
    return invitation


def _new_user(
    invitation: Invitation, first_name: str, last_name: str, password: str, password2: str
) -> User:
    first_name, last_name = first_name.strip()[:80], last_name.strip()[:80]
    errors: dict[str, list[str]] = {}
    if not first_name:
        errors["first_name"] = [_("This field is required.")]
    if password != password2:
        errors["password2"] = [_("The two passwords differ.")]
    user = User(
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        language=invitation.workspace.default_language,
    )
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    user.set_password(password)
    user.save()
    return user


def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
    password2: str = "",
) -> Membership:
    """Accept an invitation: as ``user`` (signed in, same e-mail address), or as a new person
    who sets their name and a password (Django's ``AUTH_PASSWORD_VALIDATORS``). Gives the
    membership with the invitation's role and pods; the link cannot be used again."""
    with transaction.atomic():
        found = invitation_find(token=token)
        invitation = Invitation.objects.select_for_update().get(pk=found.pk)
        invitation.workspace = found.workspace
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            raise Gone(_("This invitation was used already. Sign in instead."))
        if user is None:
            if User.objects.filter(email=invitation.email).exists():
                raise Conflict(_("You already have an account: sign in to accept."))
            user = _new_user(invitation, first_name, last_name, password, password2)
        elif normalize_email(user.email) != invitation.email:
            raise Conflict(
                _("This invitation is for %(email)s: sign in with that address to accept it.")
                % {"email": invitation.email}
            )
        membership, created = Membership.objects.get_or_create(
            workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
        )
        if not created and not membership.is_active:
            raise Conflict(_("Your access to this workspace was removed; ask a RevOps admin."))
        PodMember.objects.bulk_create(
            [PodMember(pod=pod, user=user) for pod in invitation.pods.all()],
            ignore_conflicts=True,
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        audit_write(
            actor=Actor.from_membership(membership),
            action="accept",
            target="invitation",
            target_id=invitation.pk,
            target_label=invitation.email,
            before={"accepted": False},
            after={"accepted": True, "user": user.pk, "role": membership.role},
        )
    return membership


# -- sessions ------------------------------------------------------------------------------------


def session_record(*, user: User, session_key: str, ip: str | None, user_agent: str) -> None:
    """Keep (or refresh) the row of a signed-in session; at sign-in, forget the person's rows
    whose session expired meanwhile (with the database session engines)."""
    if (
        settings.SESSION_ENGINE in _DB_SESSION_ENGINES
        and not UserSession.objects.filter(session_key=session_key).exists()
    ):
        alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        UserSession.objects.filter(user=user).exclude(session_key__in=alive).delete()
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "last_seen": timezone.now(),
            "ip": ip or None,
            "user_agent": user_agent[:300],
        },
    )


def session_forget(*, session_key: str) -> None:
    UserSession.objects.filter(session_key=session_key).delete()
