"""Variable pay pages (``/w/<slug>/pay/…``): thin views over ``comp.selectors`` (who reads
what), ``comp.services`` (writes) and ``comp.pages`` (shaping)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cordee.comp import pages, selectors, services
from cordee.comp.payroll import payroll_csv, payroll_filename
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from cordee.core.redirects import next_url
from cordee.core.web import workspace_view


def _plan_url(actor: Actor, pk: int) -> str:
    return reverse("pay_plan_detail", args=[actor.workspace.slug, pk])


def _refused(request: HttpRequest, exc: DomainError) -> None:
    """A refused action told above the page, each named field's problem with it."""
    details = []
    if isinstance(exc, ValidationFailed):
        details = [f"{name} : {text}" for name, texts in exc.field_errors.items() for text in texts]
    messages.error(request, " ".join([exc.message, *details]))


def _editor(actor: Actor) -> None:
    if not selectors.may_edit_plans(actor):
        raise PermissionDenied(_("RevOps and the comp admins edit the pay plans."))


@workspace_view
def pay(request: HttpRequest, actor: Actor) -> HttpResponse:
    """One's own statements; the plans and the comp admins for who manages them."""
    return render(request, "comp/pay.html", pages.pay_page(actor))


@workspace_view
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    _editor(actor)
    form = pages.PlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = form.plan_document()
        if not form.errors:
            try:
                plan = services.plan_create(
                    actor=actor, name=form.cleaned_data["name"], document=document
                )
            except ValidationFailed as exc:
                pages.document_errors(form, exc)
            else:
                messages.success(request, _("The plan is saved (version 1)."))
                return HttpResponseRedirect(_plan_url(actor, plan.pk))
    status = 422 if request.method == "POST" else 200
    context = {"nav": "pay", "form": form}
    return render(request, "comp/plan_form.html", context, status=status)


@workspace_view
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """A plan: its document in words, its participants, its versions; a new version (the
    document edited or uploaded) and a person assigned, each a new version."""
    plan = selectors.plan_get(actor, pk)
    context = pages.plan_page(actor, plan)
    latest = context["latest"]
    version_form = pages.VersionForm(
        initial={"document": pages.document_text(latest.document) if latest else ""}
    )
    participant_form = pages.ParticipantForm(actor=actor, version=latest)
    status = 200
    if request.method == "POST":
        status = 422
        if request.POST.get("action") == "participant":
            participant_form = pages.ParticipantForm(request.POST, actor=actor, version=latest)
            if participant_form.is_valid():
                try:
                    services.plan_participant_set(
                        actor=actor, plan_id=plan.pk, participant=participant_form.participant()
                    )
                except ValidationFailed as exc:
                    pages.document_errors(participant_form, exc)
                else:
                    messages.success(request, _("The assignment is saved in a new version."))
                    return HttpResponseRedirect(_plan_url(actor, plan.pk))
        else:
            version_form = pages.VersionForm(request.POST, request.FILES)
            if version_form.is_valid():
                document = version_form.plan_document()
                if not version_form.errors:
                    try:
                        version = services.plan_version_add(
                            actor=actor,
                            plan_id=plan.pk,
                            document=document,
                            note=version_form.cleaned_data.get("note") or "",
                        )
                    except ValidationFailed as exc:
                        pages.document_errors(version_form, exc)
                    else:
                        messages.success(
                            request,
                            _("The plan is saved (version %(n)s).") % {"n": version.number},
                        )
                        return HttpResponseRedirect(_plan_url(actor, plan.pk))
    context.update(version_form=version_form, participant_form=participant_form)
    return render(request, "comp/plan_detail.html", context, status=status)


@workspace_view
@require_POST
def plan_participant_remove(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    plan = selectors.plan_get(actor, pk)
    try:
        services.plan_participant_remove(
            actor=actor, plan_id=plan.pk, email=str(request.POST.get("person") or "")
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The assignment is ended in a new version."))
    return HttpResponseRedirect(_plan_url(actor, plan.pk))


@workspace_view
def plan_download(request: HttpRequest, actor: Actor, *, pk: int, number: int) -> HttpResponse:
    """A version's document, as the file to upload again or run ``cordee comp compute`` on."""
    plan = selectors.plan_get(actor, pk)
    version = plan.versions.filter(number=number).first()
    if version is None:
        raise NotFound(_("No such version."))
    response = JsonResponse(version.document, json_dumps_params={"indent": 2})
    name = f"plan-{plan.pk}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@workspace_view
def plan_cost(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """What the plan's year costs at last year's distribution and at chosen attainments
    (comp admins; anyone else: not found). Reads only: the form is a GET."""
    return render(request, "comp/plan_cost.html", pages.cost_page(actor, pk, request.GET))


@workspace_view
@require_POST
def comp_admin_grant(request: HttpRequest, actor: Actor) -> HttpResponse:
    try:
        user_id = int(str(request.POST.get("user") or "0"))
        services.comp_admin_grant(actor=actor, user_id=user_id)
    except (ValueError, ValidationFailed):
        messages.error(request, _("No such member in this workspace."))
    else:
        messages.success(request, _("Your changes were saved."))
    return HttpResponseRedirect(reverse("pay", args=[actor.workspace.slug]))


@workspace_view
@require_POST
def comp_admin_revoke(request: HttpRequest, actor: Actor) -> HttpResponse:
    try:
        user_id = int(str(request.POST.get("user") or "0"))
    except ValueError:
        user_id = 0
    services.comp_admin_revoke(actor=actor, user_id=user_id)
    messages.success(request, _("Your changes were saved."))
    return HttpResponseRedirect(reverse("pay", args=[actor.workspace.slug]))


@workspace_view
@require_http_methods(["GET", "POST"])
def statement_detail(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """A statement (another person's is not found): its lines and what each used; the
    approval (a manager of the person's team or a comp admin), a dispute of one's own line, a
    dispute's resolution (a comp admin)."""
    statement = selectors.statement_get(actor, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.statement_approve(actor=actor, statement_id=statement.pk)
                messages.success(request, _("The statement is approved: it is frozen."))
            elif action == "dispute":
                services.dispute_open(
                    actor=actor,
                    statement_id=statement.pk,
                    component=str(request.POST.get("component") or ""),
                    text=str(request.POST.get("text") or ""),
                )
                messages.success(request, _("Your question is sent to the comp admins."))
            elif action == "resolve":
                amount = str(request.POST.get("amount") or "").strip().replace(",", ".")
                services.dispute_resolve(
                    actor=actor,
                    dispute_id=int(str(request.POST.get("dispute") or "0")),
                    resolution=str(request.POST.get("resolution") or ""),
                    adjustment_amount=Decimal(amount) if amount else None,
                    adjustment_period=str(request.POST.get("period") or "").strip() or None,
                )
                messages.success(request, _("The dispute is resolved."))
        except (ValidationFailed, Conflict) as exc:  # refused: 403 and 404 stay theirs
            _refused(request, exc)
        except (ArithmeticError, ValueError):
            messages.error(request, _("Give an amount (a number)."))
        return HttpResponseRedirect(reverse("pay_statement", args=[actor.workspace.slug, pk]))
    context = pages.statement_page(actor, statement)
    context.update(pages.what_if_context(actor, statement, request.GET))
    return render(request, "comp/statement.html", context)


@workspace_view
@require_POST
def statements_refresh(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A comp admin computes a plan's statements of a period (drafts; approved ones stay), then
    goes back to the page they came from (a statement's) or to the pay page."""
    try:
        done = services.statements_refresh(
            actor=actor,
            plan_id=int(str(request.POST.get("plan") or "0")),
            period_label=str(request.POST.get("period") or "").strip(),
        )
    except (ValidationFailed, Conflict, NotFound) as exc:  # a 403 stays one
        _refused(request, exc)
    except ValueError:
        messages.error(request, _("No such pay plan."))
    else:
        messages.success(
            request,
            _(
                "%(period)s: %(computed)s statements computed, %(frozen)s approved left as they were."
            )
            % {"period": done.period, "computed": done.computed, "frozen": done.frozen},
        )
    return HttpResponseRedirect(next_url(request, reverse("pay", args=[actor.workspace.slug])))


@workspace_view
def payroll(request: HttpRequest, actor: Actor, *, pk: int, period: str) -> HttpResponse:
    """The payroll file of a plan's approved period (comp admins)."""
    plan_id = pk
    lines = payroll_csv(actor, plan_id, period)
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{payroll_filename(actor, plan_id, period)}"'
    )
    return response
