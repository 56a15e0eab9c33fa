"""The goals screens (``/w/<slug>/goals/``): thin views over ``funnel.goals`` (reads),
``funnel.services`` (writes) and ``funnel.goals_page`` (shaping)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, ValidationFailed
from cordee.core.web import add_field_errors, htmx_render, workspace_view
from cordee.funnel import goals, goals_page, planning_page, services, settings_pages


def _list_url(actor: Actor, period: str) -> str:
    return reverse("goals", args=[actor.workspace.slug]) + f"?period={period}"


@workspace_view
def goal_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The goals of a period as a tree by scope, each with its progress bar, forecast and
    status; every member reads them (a person's goals: those who read that person's KPIs)."""
    context = goals_page.goals_page(actor, request.GET)
    status = 422 if context["errors"] else 200
    response = htmx_render(request, "funnel/goals_body.html", context, page="funnel/goals.html")
    response.status_code = status
    return response


@workspace_view
def goal_detail(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    goal = goals.goal_get(actor=actor, pk=pk)
    return render(request, "funnel/goal_detail.html", goals_page.goal_page(actor, goal))


@workspace_view
def goal_trend(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """A goal's small trend chart (the goals page loads each when it comes into view)."""
    goal = goals.goal_get(actor=actor, pk=pk)
    progress = goals.goals_progress(actor=actor, goals=[goal])[goal.pk]
    svg = goals_page.trend_svgs(actor, goal, progress, ("small",))["small"]
    return render(request, "funnel/goal_trend.html", {"svg": svg, "goal": goal})


@workspace_view
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Set a goal (managers of either side and RevOps)."""
    actor.require("goal.write")
    if request.method != "POST":
        initial = {
            k: request.GET[k] for k in ("period", "scope", "kpi", "parent") if k in request.GET
        }
        form = goals_page.GoalForm(actor=actor, initial=initial)
        return render(request, "funnel/goal_form.html", goals_page.form_page(actor, form))
    form = goals_page.GoalForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            goal = services.goal_create(actor=actor, data=form.data_out())
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, _("The goal is set."))
            return HttpResponseRedirect(
                reverse("goal_detail", args=[actor.workspace.slug, goal.pk])
            )
    return render(request, "funnel/goal_form.html", goals_page.form_page(actor, form), status=422)


@workspace_view
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """Change a goal's target, stretch target, owners, parent or roll-up rule; each change of
    target or owner is kept."""
    actor.require("goal.write")
    goal = goals.goal_get(actor=actor, pk=pk)
    if request.method != "POST":
        form = goals_page.GoalForm(actor=actor, goal=goal, initial=goals_page.goal_initial(goal))
        return render(request, "funnel/goal_form.html", goals_page.form_page(actor, form, goal))
    form = goals_page.GoalForm(request.POST, actor=actor, goal=goal)
    if form.is_valid():
        try:
            services.goal_update(actor=actor, goal_id=goal.pk, data=form.data_out())
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, _("Your changes were saved."))
            return HttpResponseRedirect(reverse("goal_detail", args=[actor.workspace.slug, pk]))
    context = goals_page.form_page(actor, form, goal)
    return render(request, "funnel/goal_form.html", context, status=422)


@workspace_view
@require_POST
def goal_delete(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    goal = goals.goal_get(actor=actor, pk=pk)
    try:
        services.goal_delete(actor=actor, goal_id=goal.pk)
    except Conflict as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("goal_detail", args=[actor.workspace.slug, pk]))
    messages.success(request, _("The goal is deleted."))
    return HttpResponseRedirect(_list_url(actor, goal.period))


@workspace_view
@require_POST
def goal_thresholds(request: HttpRequest, actor: Actor) -> HttpResponse:
    """RevOps sets when a goal is on track and at risk (fractions of the target)."""
    period = str(request.POST.get("period") or "")
    try:
        services.goal_thresholds_set(
            actor=actor,
            on_track=goals_page.percent_as_fraction(request.POST.get("on_track")),
            at_risk=goals_page.percent_as_fraction(request.POST.get("at_risk")),
        )
    except ValidationFailed as exc:
        for field, texts in exc.field_errors.items():
            for text in texts:
                messages.error(
                    request, f"{goals_page.threshold_labels().get(field, field)} : {text}"
                )
    else:
        messages.success(request, _("Your changes were saved."))
    return HttpResponseRedirect(_list_url(actor, period))


@workspace_view
@require_POST
def plan_goals(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Writes the plan computed from the form's inputs as the period's shared goals and
    proposes its MQL volume and acceptance floor in the period's SLA contract; a segment plan
    only proposes the segment's contract, and goes to it."""
    result = planning_page.plan_goals_written(actor, request.POST)
    if result.errors:
        context = planning_page.plan_page(actor, request.POST)
        context["goal_errors"] = result.errors
        return render(request, "funnel/plan.html", context, status=422)
    messages.success(request, result.message)
    if result.segment_plan and result.contract is not None:  # no goal: the contract to sign
        return HttpResponseRedirect(
            reverse(
                settings_pages.SLA_CONTRACTS.url_name("detail"),
                args=[actor.workspace.slug, result.contract],
            )
        )
    return HttpResponseRedirect(_list_url(actor, result.period))
