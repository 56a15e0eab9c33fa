"""The search page (results grouped by kind), its preview under the layout's box while typing,
and the proposals of the search-as-you-type foreign-key fields."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cordee.core.actor import Actor
from cordee.core.web import htmx_render, workspace_view
from cordee.search import selectors
from cordee.search.documents import KINDS

PREVIEW_LIMIT = 8


@workspace_view
def search_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    kind = request.GET.get("kind", "")
    kinds = [kind] if kind in KINDS else None
    preview = request.GET.get("preview") == "1"
    hits = selectors.search(
        actor, q, kinds, limit=PREVIEW_LIMIT if preview else selectors.PAGE_LIMIT
    )
    context = {
        "nav": "search",
        "q": q,
        "kind": kind if kinds else "",
        "kinds": [(k.key, k.label) for k in KINDS.values()],
        "hits": hits,
        "groups": selectors.grouped(hits),
    }
    partial = "search/preview.html" if preview else "search/page.html#results"
    return htmx_render(request, partial, context, page="search/page.html")


@workspace_view
def search_pick(request: HttpRequest, actor: Actor) -> HttpResponse:
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "")[:200]
    choices = selectors.pick(actor, kind, q) if q.strip() else []
    return render(request, "search/pick.html", {"choices": choices, "q": q})
