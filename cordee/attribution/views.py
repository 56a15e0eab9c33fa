"""The attribution page: every model side by side for a fiscal period, a chart of the chosen one,
CSV export, and the two-sided lock that makes its credits the numbers of record."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordee.attribution import presenters, selectors, services
from cordee.attribution.models import AttributionModel
from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.core.web import workspace_view


@workspace_view
def attribution(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Every model side by side for a fiscal period; ``?format=csv`` gives the table."""
    _periods, period, dimension, model = presenters.page_choice(request.GET, actor.workspace)
    snapshot = selectors.latest_snapshot(
        actor=actor, start=period.start, end=period.end, dimension=dimension
    )
    rows = presenters.credit_rows(snapshot, dimension, model, presenters.page_unit(request.GET))
    if snapshot is not None and request.GET.get("format") == "csv":
        return presenters.credits_csv(snapshot, rows, period, dimension)
    context = presenters.attribution_page(actor, request.GET, snapshot, rows)
    return render(request, "attribution/page.html", context)


@workspace_view
@require_POST
def compute(request: HttpRequest, actor: Actor) -> HttpResponse:
    _periods, period, dimension, _model = presenters.page_choice(request.GET, actor.workspace)
    services.snapshot_request(actor=actor, start=period.start, end=period.end, dimension=dimension)
    messages.success(request, _("The attribution is being computed; reload the page in a moment."))
    return HttpResponseRedirect(request.get_full_path().replace("compute/", ""))


@workspace_view
@require_POST
def sign(request: HttpRequest, actor: Actor) -> HttpResponse:
    _periods, period, dimension, model = presenters.page_choice(request.GET, actor.workspace)
    services.lock_sign(
        actor=actor, start=period.start, end=period.end, dimension=dimension, model=model
    )
    messages.success(
        request,
        _("You signed the %(model)s credits for this period.")
        % {"model": AttributionModel(model).label},
    )
    return HttpResponseRedirect(request.get_full_path().replace("sign/", ""))


@workspace_view
@require_POST
def withdraw(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Withdraw one's side's signature while the other side has not signed."""
    _periods, period, dimension, _model = presenters.page_choice(request.GET, actor.workspace)
    lock = selectors.period_lock(actor=actor, start=period.start, dimension=dimension)
    if lock is None:
        raise NotFound(_("No attribution lock for this period."))
    services.lock_withdraw(actor=actor, lock_id=lock.pk)
    messages.success(request, _("You withdrew your signature; another model may be proposed."))
    return HttpResponseRedirect(request.get_full_path().replace("withdraw/", ""))
