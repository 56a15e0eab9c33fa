"""The alignment index page (/w/<slug>/alignment/), its exports and the weights form. Views
parse, call ``alignment.index`` / ``index_services`` and render what ``index_page`` shapes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordee.alignment import index, index_page
from cordee.alignment.index_services import index_weights_set
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.export_views import check_format, rows_export_response
from cordee.core.web import add_field_errors, workspace_view


@workspace_view
def alignment_index(request: HttpRequest, actor: Actor) -> HttpResponse:
    """``?month=2026-11&pod=<id>``: the month's index, its parts and the 12-month trend."""
    return render(request, "alignment/index.html", index_page.index_page(actor, request.GET))


def _back(actor: Actor, request: HttpRequest) -> str:
    base = reverse("alignment_index", args=[actor.workspace.slug])
    query = {k: request.POST.get(k, "") for k in ("month", "pod") if request.POST.get(k)}
    return f"{base}?{urlencode(query)}" if query else base


@require_POST
@workspace_view
def alignment_index_weights(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Set the weights (or ``reset``: the defaults); an error shows next to its part."""
    actor.require("index.configure")
    if request.POST.get("reset"):
        index_weights_set(actor=actor, reset=True)
        messages.success(request, _("The weights are back to their defaults."))
        return HttpResponseRedirect(_back(actor, request))
    form = index_page.WeightsForm(data=request.POST)
    if form.is_valid():
        try:
            index_weights_set(actor=actor, weights=form.cleaned_data)
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, _("The weights are saved."))
            return HttpResponseRedirect(_back(actor, request))
    context = index_page.index_page(actor, request.POST, form=form)
    return render(request, "alignment/index.html", context, status=422)


def _export(request: HttpRequest, actor: Actor, *, trend: bool) -> HttpResponse:
    fmt = request.GET.get("file") or "csv"
    check_format(fmt)
    workspace = actor.workspace
    month = index.month_read(workspace, request.GET.get("month"))
    pod = index.pod_read(workspace, request.GET.get("pod"))
    scope = f"pod-{pod.pk}" if pod is not None else "workspace"
    if trend:
        results = index.index_trend(workspace, month, months=index_page.TREND_MONTHS, pod=pod)
        columns, rows = index_page.trend_export(results)
        name = f"{workspace.slug}-alignment-index-trend-{scope}-{month:%Y-%m}.{fmt}"
    else:
        columns, rows = index_page.month_export(index.index_month(workspace, month, pod=pod))
        name = f"{workspace.slug}-alignment-index-{scope}-{month:%Y-%m}.{fmt}"
    return rows_export_response(  # type: ignore[return-value]
        rows=rows,
        columns=columns,
        title=_("Alignment index"),
        filename=name,
        fmt=fmt,
        tz=workspace.zone,
    )


@workspace_view
def alignment_index_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    """``alignment/export/?file=csv|xlsx&month=&pod=``: the month's parts and score."""
    return _export(request, actor, trend=False)


@workspace_view
def alignment_index_trend_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    """``alignment/export/trend/?file=csv|xlsx&month=&pod=``: the 12 months up to ``month``."""
    return _export(request, actor, trend=True)
