"""The wins wall's settings page (RevOps: ``wall.configure``): the threshold from which a won
deal is posted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.web import SchemaForm, add_field_errors, workspace_view
from cordee.integrations.models import WebhookEvent
from cordee.wins import posts
from cordee.wins.posts_schemas import WinsSettingsIn
from cordee.wins.posts_selectors import wall_settings_get


class WallSettingsForm(SchemaForm):
    schema = WinsSettingsIn

    threshold = forms.DecimalField(
        label=gettext_lazy("Post won deals from"),
        help_text=gettext_lazy(
            "In the workspace currency; 0 posts every won deal. Deals in another currency are "
            "not posted. Deals already posted stay on the wall."
        ),
    )


def _page(actor: Actor, form: WallSettingsForm | None = None) -> dict[str, Any]:
    threshold = wall_settings_get(actor=actor).threshold
    return {
        "nav": "wins_settings",
        "form": form or WallSettingsForm(initial={"threshold": threshold}),
        "threshold": threshold,
        "currency": actor.workspace.currency,
        "event_label": WebhookEvent.WIN_POSTED.label,
    }


@workspace_view
@require_http_methods(["GET", "POST"])
def wins_settings(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The wall's threshold (RevOps)."""
    actor.require("wall.configure")
    if request.method != "POST":
        return render(request, "wins/posts_settings.html", _page(actor))
    form = WallSettingsForm(request.POST)
    if form.is_valid():
        try:
            posts.wall_settings_set(actor=actor, threshold=form.cleaned_data["threshold"])
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, _("Your changes were saved."))
            return HttpResponseRedirect(reverse("wins_settings", args=[actor.workspace.slug]))
    return render(request, "wins/posts_settings.html", _page(actor, form), status=422)
