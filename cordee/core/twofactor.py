"""The rules of two-factor sign-in that every way in checks (pages, the session API).

A person with a confirmed device (an authenticator app, django-otp's TOTP device; its recovery
codes are a static device) who signs in — with a password or through the company's identity
provider — is *pending* until they give a code: ``TwoFactorMiddleware`` sends every page to the
code page and the session API refuses them. The flag is set when the session signs in
(``user_logged_in``), so a request costs no query; giving a code (``django_otp.login``) marks
the session verified. API tokens are not concerned: a token is its own credential.

A workspace may require two-factor sign-in of its RevOps admins
(``Workspace.require_two_factor_for_admins``): an admin without a device is sent to set one up
before any other page of that workspace (``setup_required``).

The pages themselves (setting a device up, the code page) are in ``cordee.access``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.signals import user_logged_in
from django_otp import user_has_device

from cordee.tenancy.roles import Role

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cordee.core.actor import Actor

SESSION_PENDING = "two_factor_pending"
# the URL names of the pages of cordee.access the rules send people to
VERIFY_URL_NAME = "two_factor_verify"
SETUP_URL_NAME = "two_factor"

F = TypeVar("F", bound=Callable[..., Any])


def two_factor_exempt(view: F) -> F:
    """Mark a view a pending session may still reach (sign-in, the code page, sign-out…)."""
    view.two_factor_exempt = True  # type: ignore[attr-defined]
    return view


def two_factor_setup_page(view: F) -> F:
    """Mark the workspace page where a device is set up: an admin who must set one up may."""
    view.two_factor_setup_page = True  # type: ignore[attr-defined]
    return view


def connect() -> None:
    """Listen to sign-ins (``CoreConfig.ready``)."""
    user_logged_in.connect(_mark_pending, dispatch_uid="cordee_two_factor_pending")


def _mark_pending(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Any sign-in of a person with a confirmed device leaves the session waiting for a code."""
    if request is None or not hasattr(request, "session"):
        return
    if user_has_device(user, confirmed=True):
        request.session[SESSION_PENDING] = True
    else:
        request.session.pop(SESSION_PENDING, None)


def is_verified(request: HttpRequest) -> bool:
    """This session gave a code of one of the person's devices (django-otp's middleware)."""
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def pending(request: HttpRequest) -> bool:
    """Signed in, with a confirmed device, and no code given yet in this session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(request.session.get(SESSION_PENDING)) and not is_verified(request)


def verified_now(request: HttpRequest) -> None:
    """A code was given (``django_otp.login`` done): the session is no longer pending."""
    request.session.pop(SESSION_PENDING, None)


def setup_required(request: HttpRequest, actor: Actor) -> bool:
    """A RevOps admin of a workspace that requires two-factor sign-in, with no device yet."""
    if not actor.workspace.require_two_factor_for_admins or actor.role != Role.REVOPS_ADMIN:
        return False
    if is_verified(request):
        return False
    return not user_has_device(actor.user, confirmed=True)
