"""The home page: what ``home.home_read`` returns, printed (GET /api/v1/me/home answers the same)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cordee.alignment.home import home_read
from cordee.core.actor import Actor
from cordee.core.web import workspace_view


@workspace_view
def workspace_home(request: HttpRequest, actor: Actor) -> HttpResponse:
    """What needs me now for my role, then the wins feed and the alignment index."""
    return render(request, "alignment/home.html", {"nav": "home", "home": home_read(actor)})
