"""Two-factor sign-in (a TOTP authenticator app and single-use recovery codes, django-otp's
devices) and the accounts single sign-on creates: the writes, each audited.

A person manages only their own two-factor sign-in; no capability is needed beyond being a
member. A code is checked in a transaction of its own before the change it allows, so that a
wrong code counts toward the device's throttle (1 s, 2 s, 4 s… before the next check) even
though the change is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cordee.access import oidc
from cordee.core.actor import Actor
from cordee.core.audit import audit_kind_register, audit_write
from cordee.core.errors import Conflict, DomainError, ValidationFailed
from cordee.tenancy.models import Membership, User, Workspace, normalize_email
from cordee.tenancy.roles import Role

RECOVERY_CODES = 10
TOTP_NAME = "authenticator"
STATIC_NAME = "recovery codes"
SSO_RULE = "sso"  # how the audit log names single sign-on acting on its own
audit_kind_register("two_factor", gettext_lazy("two-factor sign-in"))


class WrongCode(ValidationFailed):
    code = "wrong_code"

    def __init__(self) -> None:
        message = _("This code is not valid. Check your app's clock, or use a recovery code.")
        super().__init__(message, field_errors={"code": [message]})


class TooManyAttempts(DomainError):
    """Wrong codes in a row: the device waits before it checks another."""

    status = 429
    code = "throttled"

    def __init__(self, wait: dt.timedelta) -> None:
        seconds = max(1, int(wait.total_seconds() + 0.999))
        message = _("Too many wrong codes. Wait %(seconds)s seconds, then try again.") % {
            "seconds": seconds
        }
        super().__init__(message, field_errors={"code": [message]})
        self.seconds = seconds


class SsoRefused(DomainError):
    """A sign-in through the identity provider that grants nothing: ``reason`` is a code of
    ``oidc.Refusal``."""

    status = 403
    code = "sso_refused"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- two-factor sign-in ------------------------------------------------------------------------


def _clean(code: str) -> str:
    return "".join(str(code or "").split()).lower()


def code_check(*, user: User, code: str, devices: Iterable[Device] | None = None) -> Device:
    """The confirmed device of ``user`` (or among ``devices``) that accepts ``code``: a TOTP
    code of six digits, else a recovery code (used up). Raises ``WrongCode``, or
    ``TooManyAttempts`` while the devices wait after wrong codes."""
    code = _clean(code)
    locked_until: dt.datetime | None = None
    with transaction.atomic():
        candidates = (
            list(devices) if devices is not None else devices_for_user(user, for_verify=True)
        )
        for device in candidates:
            six_digits = code.isdigit() and len(code) == 6
            if isinstance(device, TOTPDevice) != six_digits:
                continue  # an app's code goes to the app, anything else is a recovery code
            allowed, info = device.verify_is_allowed()
            if not allowed:
                until = (info or {}).get("locked_until")
                if until is not None:
                    locked_until = until if locked_until is None else min(locked_until, until)
                continue
            if device.verify_token(code):
                return device
    if locked_until is not None:
        raise TooManyAttempts(locked_until - timezone.now())
    raise WrongCode()


def two_factor_enabled(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def _recovery_codes_new(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=STATIC_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    device.throttle_reset()
    return codes


def _audit(actor: Actor, action: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    audit_write(
        actor=actor,
        action=action,
        target="two_factor",
        target_id=actor.user.pk,
        target_label=actor.user.get_full_name() or actor.user.email,
        before=before,
        after=after,
    )


@transaction.atomic
def two_factor_begin(*, actor: Actor) -> TOTPDevice:
    """A new, unconfirmed authenticator device for the actor (any unconfirmed one replaced): its
    secret is shown, and it counts only once a code from it is given (``two_factor_confirm``)."""
    if two_factor_enabled(actor.user):
        raise Conflict(_("Two-factor sign-in is already on."))
    TOTPDevice.objects.filter(user=actor.user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor.user, name=TOTP_NAME, confirmed=False)


def two_factor_confirm(*, actor: Actor, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor sign-in on with a code from the new device; returns the device and the
    recovery codes (shown once)."""
    device = TOTPDevice.objects.filter(user=actor.user, confirmed=False).first()
    if device is None:
        raise Conflict(_("Start again: scan a new code with your app."))
    checked = code_check(user=actor.user, code=code, devices=[device])
    with transaction.atomic():
        TOTPDevice.objects.filter(pk=checked.pk).update(confirmed=True)
        checked.confirmed = True
        codes = _recovery_codes_new(actor.user)
        _audit(actor, "enable", {"two_factor": False}, {"two_factor": True})
    return checked, codes  # type: ignore[return-value]


@transaction.atomic
def recovery_codes_regenerate(*, actor: Actor) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=actor.user, confirmed=True).exists():
        raise Conflict(_("Turn two-factor sign-in on first."))
    codes = _recovery_codes_new(actor.user)
    _audit(actor, "recovery_codes_regenerate", {}, {"recovery_codes": RECOVERY_CODES})
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_disable(*, actor: Actor, code: str) -> None:
    """Turn two-factor sign-in off, confirmed by a code (from the app, or a recovery code). A
    RevOps admin of a workspace that requires it cannot."""
    if actor.workspace.require_two_factor_for_admins and actor.role == Role.REVOPS_ADMIN:
        raise Conflict(
            _("%(workspace)s requires RevOps admins to use two-factor sign-in.")
            % {"workspace": actor.workspace.name}
        )
    if not two_factor_enabled(actor.user):
        raise Conflict(_("Two-factor sign-in is already off."))
    code_check(user=actor.user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor.user).delete()
        StaticDevice.objects.filter(user=actor.user).delete()
        _audit(actor, "disable", {"two_factor": True}, {"two_factor": False})


# -- single sign-on ----------------------------------------------------------------------------


def _email_verified(claims: dict[str, Any]) -> bool:
    value = claims.get("email_verified")
    if isinstance(value, str):  # some providers send "true"
        value = value.strip().lower() == "true"
    if value is None:
        return bool(settings.OIDC_TRUST_EMAIL)
    return bool(value)


@transaction.atomic
def sso_sign_in(*, claims: dict[str, Any]) -> User:
    """The person the identity provider vouches for, with their role in ``OIDC_WORKSPACE`` set
    from their groups (``oidc.role_for``): created on first sign-in (matched on the verified
    e-mail address, normalized), their role changed when their groups changed. Refused
    (``SsoRefused``, nothing written) when the address is missing or unverified, when no group
    of theirs maps to a role, or when their account or membership was deactivated."""
    email = normalize_email(claims.get("email"))
    if not email:
        raise SsoRefused("no_email")
    if not _email_verified(claims):
        raise SsoRefused("email_unverified")
    workspace = Workspace.objects.filter(slug=settings.OIDC_WORKSPACE).first()
    if workspace is None:
        raise SsoRefused("no_workspace")
    user = User.objects.select_for_update().filter(email=email).first()
    membership = (
        Membership.objects.select_for_update().filter(workspace=workspace, user=user).first()
        if user is not None
        else None
    )
    if (user is not None and not user.is_active) or (
        membership is not None and not membership.is_active
    ):
        raise SsoRefused("inactive")
    role = oidc.role_for(oidc.groups_of(claims))
    if role is None:
        raise SsoRefused("no_role")
    names = {
        "first_name": str(claims.get("given_name") or "")[:80],
        "last_name": str(claims.get("family_name") or "")[:80],
    }
    if user is None:
        user = User.objects.create_user(email, password=None, **names)  # no usable password
    else:
        given = {k: v for k, v in names.items() if v and getattr(user, k) != v}
        if given:
            for name, value in given.items():
                setattr(user, name, value)
            user.save(update_fields=list(given))
    label = user.get_full_name() or user.email
    if membership is None:
        membership = Membership.objects.create(workspace=workspace, user=user, role=role)
        audit_write(
            actor=None,
            rule=SSO_RULE,
            workspace=workspace,
            action="create",
            target="membership",
            target_id=membership.pk,
            target_label=label,
            after={"user": user.pk, "role": role, "is_active": True},
        )
    elif membership.role != role:
        before = {"role": membership.role}
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        audit_write(
            actor=None,
            rule=SSO_RULE,
            workspace=workspace,
            action="update",
            target="membership",
            target_id=membership.pk,
            target_label=label,
            before=before,
            after={"role": role},
        )
    return user
