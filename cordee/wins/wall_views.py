"""The wins wall's pages under /w/<slug>/: the wall (filters by pod, kind and period; a page of
posts at a time), a post's page, the reaction buttons (htmx: the bar is swapped in place), and
the kudos page (received, sent, the workspace's latest, this month's counts) with its form.
Each action calls a service (``reactions``, ``kudos``) and goes back to a page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.redirects import next_url
from cordee.core.web import Form, add_field_errors, htmx_render, user_choices, workspace_view
from cordee.funnel.kpis import period_read
from cordee.people.models import Pod
from cordee.wins import kudos as kudos_services
from cordee.wins import kudos_selectors
from cordee.wins import reactions as reaction_services
from cordee.wins import selectors as reads
from cordee.wins.models import PostKind

PAGE_SIZE = 20
KUDOS_SHOWN = 20


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _period_bounds(actor: Actor, text: str) -> tuple[dt.datetime, dt.datetime]:
    """A fiscal year, quarter or month (``period_read``) as local datetimes [start, end)."""
    period = period_read(actor.workspace, text)
    zone = actor.workspace.zone
    start = dt.datetime.combine(period.start, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def _recent_months(actor: Actor, n: int = 12) -> list[str]:
    first = actor.workspace.today().replace(day=1)
    months = []
    for _i in range(n):
        months.append(first.strftime("%Y-%m"))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return months


@workspace_view
def wins_wall(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The wall: newest first, filtered by ``pod``, ``kind``, ``period`` (2026, 2026-Q4,
    2026-11); a refused period is said above the posts and not applied."""
    pod_id = _int(request.GET.get("pod"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in PostKind.values else ""
    period = request.GET.get("period", "").strip()
    start = end = None
    period_error = ""
    if period:
        try:
            start, end = _period_bounds(actor, period)
        except ValidationFailed as exc:
            period_error = exc.explained
    rows = reads.wall_posts(actor, pod_id=pod_id, start=start, end=end, kind=kind or None)
    page_obj = Paginator(reads.with_credits(rows), PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(
        f"{name}={value}"
        for name, value in (("pod", pod_id or ""), ("kind", kind), ("period", period))
        if value
    )
    return render(
        request,
        "wins/wall.html",
        {
            "nav": "wins",
            "rows": reads.wall_rows(actor, list(page_obj.object_list)),
            "page_obj": page_obj,
            "query": query,
            "pods": Pod.objects.filter(workspace=actor.workspace).order_by("name"),
            "kinds": PostKind.choices,
            "months": _recent_months(actor),
            "chosen": {"pod": pod_id, "kind": kind, "period": period},
            "period_error": period_error,
            "may_react": actor.can("win.react"),
            "next": request.get_full_path(),
        },
    )


@workspace_view
def win_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """One post: its journey, the people credited by side, reactions, the kudos about it."""
    post = reads.post_get(actor, pk)
    (row,) = reads.wall_rows(actor, [post])
    about = list(kudos_selectors.kudos_list(actor).filter(post=post)[:KUDOS_SHOWN])
    return render(
        request,
        "wins/detail.html",
        {
            "nav": "wins",
            "row": row,
            "kudos": about,
            "may_react": actor.can("win.react"),
            "next": request.get_full_path(),
        },
    )


@require_POST
@workspace_view
def win_react(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Toggle the actor's reaction (``emoji``); htmx gets the post's reaction bar back."""
    reaction_services.reaction_toggle(actor=actor, post_id=pk, emoji=request.POST.get("emoji"))
    post = reads.post_get(actor, pk)
    context = {
        "post": post,
        "reactions": reads.reaction_counts(actor, [post.pk])[post.pk],
        "may_react": True,
        "next": request.POST.get("next", ""),
    }
    fallback = reverse("win_detail", args=[actor.workspace.slug, post.pk])
    return htmx_render(
        request,
        "wins/reactions.html",
        context,
        page=lambda: HttpResponseRedirect(next_url(request, fallback)),
    )


# -- kudos --------------------------------------------------------------------------------------


class KudosForm(Form):
    """To one person or one pod; the service judges the whole."""

    recipient = forms.TypedChoiceField(
        label=gettext_lazy("to a person"), required=False, coerce=int, empty_value=None
    )
    pod = forms.TypedChoiceField(
        label=gettext_lazy("or to a pod"), required=False, coerce=int, empty_value=None
    )
    message = forms.CharField(
        label=gettext_lazy("message"),
        max_length=kudos_services.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    post = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people: Any = self.fields["recipient"]
        people.choices = [("", _("— choose —"))] + [
            (pk, name) for pk, name in user_choices(actor) if pk != actor.user.pk
        ]
        pods: Any = self.fields["pod"]
        pods.choices = [("", _("— none —"))] + [
            (p.pk, p.name) for p in Pod.objects.filter(workspace=actor.workspace).order_by("name")
        ]


def _kudos_page(
    request: HttpRequest, actor: Actor, form: KudosForm, status: int = 200
) -> HttpResponse:
    first, last = kudos_selectors.month_of(actor.workspace)
    counts = kudos_selectors.kudos_counts(actor.workspace, first, last)
    post_id = _int(form["post"].value())
    sent = list(kudos_selectors.kudos_list(actor, box="sent")[:KUDOS_SHOWN])
    return render(
        request,
        "wins/kudos.html",
        {
            "nav": "kudos",
            "form": form,
            "about": reads.wall_posts(actor).filter(pk=post_id).first() if post_id else None,
            "received": list(kudos_selectors.kudos_list(actor, box="received")[:KUDOS_SHOWN]),
            "sent": sent,
            "latest": list(kudos_selectors.kudos_list(actor)[:KUDOS_SHOWN]),
            "counts": counts,
            "month": first,
            "may_send": actor.can("win.react"),
            "withdrawable": {k.pk for k in sent if kudos_services.may_withdraw(actor, k)},
            "withdraw_minutes": kudos_services.WITHDRAW_MINUTES,
        },
        status=status,
    )


@workspace_view
def kudos_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Kudos: the form (``?to=<user>`` or ``?pod=<pod>``, ``&post=<win>`` fill it; a POST
    sends), what the actor received and sent, the workspace's latest, this month's counts."""
    if request.method != "POST":
        initial = {
            "recipient": _int(request.GET.get("to")),
            "pod": _int(request.GET.get("pod")),
            "post": _int(request.GET.get("post")),
        }
        return _kudos_page(request, actor, KudosForm(actor=actor, initial=initial))
    form = KudosForm(request.POST, actor=actor)
    if form.is_valid():
        c = form.cleaned_data
        try:
            kudos_services.kudos_send(
                actor=actor,
                recipient_user_id=c.get("recipient"),
                pod_id=c.get("pod"),
                message=c["message"],
                post_id=c.get("post"),
            )
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, _("Your kudos are sent."))
            return HttpResponseRedirect(reverse("kudos_page", args=[actor.workspace.slug]))
    return _kudos_page(request, actor, form, status=422)


@require_POST
@workspace_view
def kudos_withdraw(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    kudos_services.kudos_withdraw(actor=actor, kudos_id=pk)
    messages.success(request, _("Your kudos are taken back."))
    return HttpResponseRedirect(reverse("kudos_page", args=[actor.workspace.slug]))
