"""Pods pages, the personal profile (language, notification preferences, API tokens) and
the outbox of RevOps admins."""

from __future__ import annotations

from typing import Any

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.web import Column, RecordPage, add_field_errors, user_choices, workspace_view
from cordee.people import records, selectors
from cordee.people.forms import LanguageForm, PodForm, TokenForm
from cordee.people.outbox import outbox_dir
from cordee.people.preferences import Channel, Kind
from cordee.people.selectors import notifications as notifications_of
from cordee.people.services import (
    api_token_create,
    api_token_revoke,
    notification_preferences_set,
    notifications_mark_read,
    pod_save,
)

_NEW_SECRET_KEY = "new_api_token_secret"


def _pod_context(actor: Actor, pod: Any) -> dict[str, Any]:
    sides = selectors.pod_members_by_side(actor=actor, pod=pod)
    return {
        "sides": sides,
        "missing_marketing": not sides["marketing"],
        "missing_sales": not sides["sales"],
        "named_accounts": list(pod.named_accounts.order_by("name")),
    }


def _save_pod(actor: Actor, form: forms.Form, instance: Any) -> Any:
    cleaned = form.cleaned_data
    members = {u.pk for u in cleaned["member_ids"]}
    return pod_save(
        actor=actor,
        data=form.record_data(),  # type: ignore[attr-defined]
        pod=instance,
        member_ids=members | {u.pk for u in cleaned["lead_ids"]},
        lead_ids=[u.pk for u in cleaned["lead_ids"]],
        named_account_ids=[a.pk for a in cleaned["named_account_ids"]],
    )


PODS = RecordPage(
    new_label=gettext_lazy("New pod"),
    spec=records.PODS,
    columns=(
        Column("name", gettext_lazy("Name"), sort="name", link="self"),
        Column("marketing_members", gettext_lazy("Marketing"), kind="number"),
        Column("sales_members", gettext_lazy("Sales"), kind="number"),
        Column("industries", gettext_lazy("Industries"), secondary=True),
        Column("regions", gettext_lazy("Regions"), secondary=True),
    ),
    detail_template="people/pod_detail.html",
    detail_context=_pod_context,
    list_queryset=lambda actor, qs: selectors.pods_with_sides(actor=actor, pods=qs),
    form_class=PodForm,
    save=_save_pod,
    filter_choices={"member": user_choices},
    empty_text=gettext_lazy(
        "Pods are small teams of marketers and salespeople who own a segment together. "
        "Managers can create the first one."
    ),
)


def _profile_url(actor: Actor) -> str:
    return reverse("profile", args=[actor.workspace.slug])


@workspace_view
def profile(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The person's language and API tokens (a form each)."""
    if request.method == "POST":
        if "notification_preferences" in request.POST:
            return _post_preferences(request, actor)
        post = _post_language if "language" in request.POST else _post_token
        return post(request, actor)
    return _profile_page(request, actor)


def _profile_page(
    request: HttpRequest,
    actor: Actor,
    language_form: LanguageForm | None = None,
    token_form: TokenForm | None = None,
) -> HttpResponse:
    language = actor.user.language or request.LANGUAGE_CODE  # type: ignore[attr-defined]
    context = {
        "nav": "profile",
        "language_form": language_form or LanguageForm(initial={"language": language}),
        "token_form": token_form or TokenForm(),
        "tokens": list(selectors.user_tokens(actor=actor)),
        "new_secret": request.session.pop(_NEW_SECRET_KEY, None),
        "membership_role": actor.role,
        "sessions": list(selectors.user_sessions(user=actor.user)),
        "current_session": request.session.session_key,
        "preferences": selectors.notification_preferences(actor=actor),
        "channels": Channel.choices,
    }
    status = 422 if language_form or token_form else 200
    return render(request, "people/profile.html", context, status=status)


def _post_language(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, actor, language_form=form)
    language = form.cleaned_data["language"]
    actor.user.language_keep(language)
    translation.activate(language)
    messages.success(request, _("Your language preference was saved."))
    response = HttpResponseRedirect(_profile_url(actor))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


def _post_token(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, secret = api_token_create(actor=actor, name=form.cleaned_data["name"])
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        else:
            request.session[_NEW_SECRET_KEY] = secret
            return HttpResponseRedirect(_profile_url(actor) + "#tokens")
    return _profile_page(request, actor, token_form=form)


def _post_preferences(request: HttpRequest, actor: Actor) -> HttpResponse:
    choices = {
        kind.value: request.POST[f"kind_{kind.value}"]
        for kind in Kind
        if f"kind_{kind.value}" in request.POST
    }
    notification_preferences_set(actor=actor, choices=choices)  # a bad value: 422 page
    messages.success(request, _("Your notification preferences were saved."))
    return HttpResponseRedirect(_profile_url(actor) + "#notification-preferences")


@require_POST
@workspace_view
def token_revoke(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    token = api_token_revoke(actor=actor, token_id=pk)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return HttpResponseRedirect(_profile_url(actor) + "#tokens")


@workspace_view
def notifications(request: HttpRequest, actor: Actor) -> HttpResponse:
    """What Cordée told you: SLA breaches, answers, wins. Opening the page marks them read."""

    items = list(notifications_of(actor=actor))
    unread = {n.pk for n in items if n.read_at is None}
    notifications_mark_read(actor=actor)
    return render(
        request,
        "people/notifications.html",
        {"nav": "notifications", "items": items, "unread": unread},
    )


@workspace_view
def outbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    """What Cordée would have sent (RevOps admins): the messages the file backend wrote."""
    return render(
        request,
        "people/outbox.html",
        {
            "nav": "outbox",
            "items": selectors.outbox_list(actor=actor),
            "folder": outbox_dir(),
            "backend": settings.EMAIL_BACKEND,
        },
    )


# An e-mail's HTML is styled inline, as mail clients need: it is shown as its own document in a
# sandboxed frame of the message's page, under a policy of its own (no script, no request out,
# framed by this site only), so that the pages keep theirs free of inline styles.
MAIL_PREVIEW_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:"],
    "frame-ancestors": [SELF],
    "sandbox": [""],
}


@xframe_options_sameorigin
@csp(MAIL_PREVIEW_POLICY)
@workspace_view
def outbox_message_html(request: HttpRequest, actor: Actor, *, pk: str) -> HttpResponse:
    """The HTML part of one message, alone: the frame of its page shows it."""
    message = selectors.outbox_get(actor=actor, name=pk)
    if not message.html:
        raise Http404
    return HttpResponse(message.html, content_type="text/html; charset=utf-8")


@workspace_view
def outbox_message(request: HttpRequest, actor: Actor, *, pk: str) -> HttpResponse:
    """One message (``pk``: its file's name): its headers, its text and its HTML (shown in a
    sandboxed frame)."""
    message = selectors.outbox_get(actor=actor, name=pk)
    return render(
        request,
        "people/outbox_message.html",
        {"nav": "outbox", "message": message},
    )
