"""The pages' side of comments: the thread a record page embeds (``{% comment_thread %}``),
its forms, a comment's history and the @mention suggestions. Each answers htmx with the thread
and a plain browser with a redirect back to the record."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cordee.comments import mentions, schemas, selectors, services
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.web import form_input, htmx_render, workspace_view

# the "@prefix" being typed at the end of the text
_TYPING = re.compile(r"(?:^|\s)@([^\s@\[\]()]{0,40})$")


def thread_context(*, actor: Actor, kind: str, record_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "actor": actor,
        "workspace": actor.workspace,
        "kind": kind,
        "record_id": record_id,
        "comments": selectors.comments_on(actor=actor, kind=kind, record_id=record_id),
        "thread_url": reverse(
            f"{selectors.PLURALS[kind]}_comments", args=[actor.workspace.slug, record_id]
        ),
        "can_comment": actor.can("comment.write"),
        **extra,
    }


def _thread(
    request: HttpRequest, actor: Actor, kind: str, record_id: int, **extra: Any
) -> HttpResponse:
    url = selectors.record_url(actor=actor, kind=kind, record_id=record_id)
    return htmx_render(
        request,
        "comments/_thread.html",
        thread_context(actor=actor, kind=kind, record_id=record_id, **extra),
        page=lambda: HttpResponseRedirect(f"{url}#comments"),
    )


@workspace_view
def comment_thread(request: HttpRequest, actor: Actor, kind: str, pk: int) -> HttpResponse:
    """GET: the thread; POST: a new comment, then the thread."""
    if request.method != "POST":
        return render(
            request,
            "comments/_thread.html",
            thread_context(actor=actor, kind=kind, record_id=pk),
        )
    try:
        data = form_input(schemas.CommentIn, request.POST)
        services.comment_post(actor=actor, kind=kind, record_id=pk, body=data.text)
    except ValidationFailed as exc:
        return _thread(
            request, actor, kind, pk, error=exc.explained, draft=request.POST.get("text", "")
        )
    return _thread(request, actor, kind, pk)


@require_POST
@workspace_view
def comment_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    view = selectors.comment_get(actor=actor, pk=pk)
    try:
        data = form_input(schemas.CommentPatch, request.POST)
        services.comment_edit(actor=actor, comment_id=pk, body=data.text)
    except ValidationFailed as exc:
        return _thread(request, actor, view.kind, view.record_id, error=exc.explained)
    return _thread(request, actor, view.kind, view.record_id)


@require_POST
@workspace_view
def comment_delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    view = selectors.comment_get(actor=actor, pk=pk)
    services.comment_delete(actor=actor, comment_id=pk)
    return _thread(request, actor, view.kind, view.record_id)


@require_GET
@workspace_view
def comment_history(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """A comment's earlier texts (a fragment the thread opens in place)."""
    revisions = selectors.comment_history(actor=actor, pk=pk)
    return render(request, "comments/_history.html", {"revisions": revisions, "comment_id": pk})


@require_GET
@workspace_view
def mention_suggestions(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Members matching the ``@prefix`` typed at the end of ``text`` (or ``q``)."""
    typed = request.GET.get("q")
    if typed is None:
        match = _TYPING.search(request.GET.get("text", "")[-200:])
        typed = match.group(1) if match else None
    users = [] if typed is None else selectors.mentionable(actor=actor, prefix=typed)
    suggestions = [
        {"name": str(u), "email": u.email, "token": mentions.mention_token(u.pk, str(u))}
        for u in users
    ]
    return render(
        request, "comments/_mentions.html", {"suggestions": suggestions, "typed": typed or ""}
    )
