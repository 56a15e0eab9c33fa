"""The pages of two-factor sign-in: setting it up on one's profile, and the code asked after
the password (or the identity provider) at sign-in."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cordee.access import services
from cordee.core import twofactor
from cordee.core.actor import Actor
from cordee.core.errors import DomainError
from cordee.core.redirects import next_url
from cordee.core.web import Form, add_field_errors, workspace_view
from cordee.tenancy.roles import Role

_NEW_CODES_KEY = "two_factor_new_recovery_codes"


class CodeForm(Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}
        ),
    )


def _qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no image file, no script)."""
    qr = segno.make(device.config_url, error="m")
    return mark_safe(qr.svg_inline(scale=4, border=2, dark="#1d2733", light="#ffffff"))


def _secret_text(device: TOTPDevice) -> str:
    """The secret in base 32, by groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _page_url(actor: Actor) -> str:
    return reverse(twofactor.SETUP_URL_NAME, args=[actor.workspace.slug])


@workspace_view
@twofactor.two_factor_setup_page
def two_factor(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Turn two-factor sign-in on (scan, confirm with a code, keep the recovery codes) or off;
    regenerate the recovery codes."""
    form: CodeForm | None = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        form = CodeForm(request.POST) if action in {"confirm", "disable"} else None
        try:
            if action == "begin":
                services.two_factor_begin(actor=actor)
                return HttpResponseRedirect(_page_url(actor) + "#set-up")
            if action == "regenerate":
                request.session[_NEW_CODES_KEY] = services.recovery_codes_regenerate(actor=actor)
                messages.success(
                    request, _("New recovery codes were made; the old ones no longer work.")
                )
                return HttpResponseRedirect(_page_url(actor) + "#recovery")
            if form is not None and form.is_valid():
                code = form.cleaned_data["code"]
                if action == "confirm":
                    device, codes = services.two_factor_confirm(actor=actor, code=code)
                    otp_login(request, device)  # this session gave the code
                    twofactor.verified_now(request)
                    request.session[_NEW_CODES_KEY] = codes
                    messages.success(request, _("Two-factor sign-in is on."))
                    return HttpResponseRedirect(_page_url(actor) + "#recovery")
                services.two_factor_disable(actor=actor, code=code)
                messages.success(request, _("Two-factor sign-in is off."))
                return HttpResponseRedirect(_page_url(actor))
        except DomainError as exc:
            if form is None or not exc.field_errors:
                messages.error(request, exc.message)
                return HttpResponseRedirect(_page_url(actor))
            add_field_errors(form, exc)  # type: ignore[arg-type]
            status = exc.status
        if form is not None and form.errors and status == 200:
            status = 422
    return _page(request, actor, form, status)


def _page(request: HttpRequest, actor: Actor, form: CodeForm | None, status: int) -> HttpResponse:
    user = actor.user
    enabled = services.two_factor_enabled(user)
    pending_device = (
        None if enabled else TOTPDevice.objects.filter(user=user, confirmed=False).first()
    )
    context: dict[str, Any] = {
        "nav": "profile",
        "enabled": enabled,
        "pending_device": pending_device,
        "qr_svg": _qr_svg(pending_device) if pending_device else "",
        "secret": _secret_text(pending_device) if pending_device else "",
        "issuer": settings.OTP_TOTP_ISSUER,
        "form": form or CodeForm(),
        "new_codes": request.session.pop(_NEW_CODES_KEY, None),
        "codes_left": services.recovery_codes_left(user) if enabled else 0,
        "required": (
            actor.workspace.require_two_factor_for_admins and actor.role == Role.REVOPS_ADMIN
        ),
        "must_set_up": twofactor.setup_required(request, actor),
    }
    return render(request, "access/two_factor.html", context, status=status)


def _next_url(request: HttpRequest) -> str:
    return next_url(request, reverse("home"))


@twofactor.two_factor_exempt
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """After the password (or the identity provider): a code from the app or a recovery code."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not twofactor.pending(request):
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = services.code_check(user=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except DomainError as exc:
            add_field_errors(form, exc)  # type: ignore[arg-type]
            status = exc.status
        else:
            otp_login(request, device)
            twofactor.verified_now(request)
            if not isinstance(device, TOTPDevice):
                left = services.recovery_codes_left(request.user)  # type: ignore[arg-type]
                messages.warning(
                    request,
                    _("You used a recovery code: %(left)s left. Make new ones on your profile.")
                    % {"left": left},
                )
            return HttpResponseRedirect(_next_url(request))
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "access/verify.html",
        {"form": form, "next": next_url(request, "")},
        status=status,
    )
