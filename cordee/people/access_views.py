"""People and access pages: the members page (invite, change a role and pods, deactivate,
reactivate), the hand-over of a leaver's open work, the invitation's accept page (no sign-in
needed) and "sign out everywhere else" on the profile. Views parse, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from cordee.core.web import add_field_errors, workspace_view
from cordee.people import access, handover, selectors
from cordee.people.forms import AcceptForm, HandoverForm, InviteForm, MemberForm
from cordee.tenancy.models import User

_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _members_url(actor: Actor) -> str:
    return reverse("members", args=[actor.workspace.slug])


def _member_url(actor: Actor, user_id: int) -> str:
    return reverse("member_edit", args=[actor.workspace.slug, user_id])


def site_url(request: HttpRequest) -> str:
    """Where this Cordée answers (scheme and host): the start of an e-mailed link."""
    return request.build_absolute_uri("/").rstrip("/")


# -- the members page ----------------------------------------------------------------------------


@workspace_view
def members(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Everyone in the workspace (active and deactivated) and the invitations waiting; the
    invitation form posts here."""
    actor.require("member.write")
    form = InviteForm(actor=actor, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access.invitation_create(
                actor=actor,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                pod_ids=[p.pk for p in form.cleaned_data["pod_ids"]],
                site_url=site_url(request),
            )
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return HttpResponseRedirect(_members_url(actor))
    rows = list(selectors.members_overview(actor=actor))
    context = {
        "nav": "members",
        "members": rows,
        "signin_locked": selectors.members_signin_locked(actor=actor, members=rows),
        "invitations": list(selectors.invitations_pending(actor=actor)),
        "invite_form": form,
    }
    return render(request, "people/members.html", context, status=422 if form.errors else 200)


@workspace_view
def member_edit(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """One member: role and pods (a form), deactivate or reactivate, the way to the hand-over."""
    membership = selectors.member_get(actor=actor, user_id=pk)
    pods_here = membership.user.pods_here  # type: ignore[attr-defined]
    initial = {"role": membership.role, "pod_ids": [pm.pod_id for pm in pods_here]}
    form = MemberForm(actor=actor, data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            access.member_update(
                actor=actor,
                user_id=pk,
                role=form.cleaned_data["role"],
                pod_ids=[p.pk for p in form.cleaned_data["pod_ids"]],
            )
        except (ValidationFailed, Conflict) as exc:
            form.add_error("role" if isinstance(exc, Conflict) else None, exc.message)
            if isinstance(exc, ValidationFailed):
                add_field_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return HttpResponseRedirect(_member_url(actor, pk))
    context = {
        "nav": "members",
        "membership": membership,
        "member": membership.user,
        "form": form,
        "counts": _counts(actor, pk),
        "signin_locked": bool(selectors.members_signin_locked(actor=actor, members=[membership])),
    }
    return render(request, "people/member_edit.html", context, status=422 if form.errors else 200)


def _counts(actor: Actor, user_id: int) -> list[tuple[str, Any, int]]:
    numbers = handover.handover_counts(actor=actor, user_id=user_id)
    return [(k.key, k.label, numbers[k.key]) for k in handover.handover_kinds()]


def _refused(request: HttpRequest, actor: Actor, pk: int, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        raise exc
    messages.error(request, exc.message)
    return HttpResponseRedirect(_member_url(actor, pk))


@require_POST
@workspace_view
def member_deactivate(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    try:
        membership = access.member_deactivate(actor=actor, user_id=pk)
    except Conflict as exc:
        return _refused(request, actor, pk, exc)
    messages.success(
        request,
        _("%(name)s was deactivated: their sessions ended and their tokens were revoked.")
        % {"name": membership.user},
    )
    if pk == actor.user.pk:  # one's own sessions just ended
        return redirect("login")
    return HttpResponseRedirect(reverse("member_handover", args=[actor.workspace.slug, pk]))


@require_POST
@workspace_view
def member_reactivate(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    membership = access.member_reactivate(actor=actor, user_id=pk)
    messages.success(request, _("%(name)s was reactivated.") % {"name": membership.user})
    return HttpResponseRedirect(_member_url(actor, pk))


@require_POST
@workspace_view
def member_signin_unlock(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    membership = access.member_signin_unlock(actor=actor, user_id=pk)
    messages.success(request, _("%(name)s may sign in again.") % {"name": membership.user})
    return HttpResponseRedirect(_member_url(actor, pk))


@require_POST
@workspace_view
def invitation_revoke(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    try:
        invitation = access.invitation_revoke(actor=actor, invitation_id=pk)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return HttpResponseRedirect(_members_url(actor))


@workspace_view
def member_handover(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """A member's open work per kind, and to whom each kind goes."""
    membership = selectors.member_get(actor=actor, user_id=pk)
    kinds = [(k.key, k.label) for k in handover.handover_kinds()]
    form = HandoverForm(actor=actor, leaver=membership.user, kinds=kinds, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moved = handover.handover_run(actor=actor, user_id=pk, to=form.targets())
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        else:
            total = sum(moved.values())
            messages.success(
                request,
                _("%(count)s items were handed over.") % {"count": total}
                if moved
                else _("Choose a colleague for at least one kind of work."),
            )
            return HttpResponseRedirect(request.path)
    counts = _counts(actor, pk)
    context = {
        "nav": "members",
        "membership": membership,
        "member": membership.user,
        "form": form,
        "rows": [(form[key], label, n) for key, label, n in counts],
        "total": sum(n for _k, _l, n in counts),
    }
    return render(
        request, "people/member_handover.html", context, status=422 if form.errors else 200
    )


# -- the invitation's accept page (no sign-in needed) --------------------------------------------


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join a workspace from an invitation: a new person sets their name and password; someone
    who has an account signs in first, then joins. A link that expired, was withdrawn or was
    used answers 410 with the reason; a link that is not one of ours, 404."""
    try:
        invitation = access.invitation_find(token=token)
    except DomainError as exc:
        return _gone(request, exc)
    has_account = User.objects.filter(email=invitation.email).exists()
    signed_in = request.user.is_authenticated
    same_person = signed_in and request.user.email == invitation.email  # type: ignore[union-attr]
    form = AcceptForm(data=request.POST or None) if not has_account else None
    if request.method == "POST":
        try:
            if has_account:
                if not same_person:
                    raise Conflict(_("Sign in with %(email)s first.") % {"email": invitation.email})
                membership = access.invitation_accept(token=token, user=request.user)  # type: ignore[arg-type]
            elif form is not None and form.is_valid():
                membership = access.invitation_accept(token=token, **form.cleaned_data)
                login(request, membership.user, backend=_BACKEND)
            else:
                membership = None
        except ValidationFailed as exc:
            assert form is not None
            add_field_errors(form, exc)
            membership = None
        except DomainError as exc:
            return _gone(request, exc)
        if membership is not None:
            messages.success(
                request, _("Welcome to %(workspace)s.") % {"workspace": membership.workspace.name}
            )
            return redirect("workspace_home", slug=membership.workspace.slug)
    context = {
        "invitation": invitation,
        "workspace": None,
        "invited_workspace": invitation.workspace,
        "form": form,
        "has_account": has_account,
        "same_person": same_person,
        "signed_in_as": request.user.email if signed_in else "",  # type: ignore[union-attr]
        "login_url": f"{reverse('login')}?next={request.path}",
    }
    status = 422 if form is not None and form.errors else 200
    return render(request, "people/invitation_accept.html", context, status=status)


def _gone(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "people/invitation_gone.html", {"error": exc}, status=exc.status)


# -- the profile's sessions ----------------------------------------------------------------------


@require_POST
@workspace_view
def sessions_end_others(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Sign out everywhere else: every other session of the person ends; this one stays."""
    ended = access.sessions_end(user=actor.user, keep=request.session.session_key)
    messages.success(request, _("Signed out of %(count)s other sessions.") % {"count": ended})
    return HttpResponseRedirect(reverse("profile", args=[actor.workspace.slug]) + "#sessions")
