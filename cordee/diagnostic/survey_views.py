"""The diagnostic's pages under /w/<slug>/diagnostic/: the waves (participation, the form
RevOps opens one with), the answer page (the 20 statements on a 1–5 scale), a wave's results
(only once closed: each side's total and type or "not enough answers", the gaps, the trend, the
next moves; a pod filter) and their CSV/XLSX. Each reads through ``selectors``/``results`` and
writes through ``services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.export_views import check_format, rows_export_response
from cordee.core.web import Form, add_field_errors, workspace_view
from cordee.diagnostic import presenters, results, services, survey_export
from cordee.diagnostic import selectors as reads
from cordee.diagnostic.models import Wave
from cordee.diagnostic.statements import STATEMENTS
from cordee.people.models import Pod

SCALE = (
    (1, gettext_lazy("strongly disagree")),
    (2, gettext_lazy("disagree")),
    (3, gettext_lazy("neither agree nor disagree")),
    (4, gettext_lazy("agree")),
    (5, gettext_lazy("strongly agree")),
)


class WaveForm(Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=services.TITLE_MAX)
    period_start = forms.DateField(
        label=gettext_lazy("period from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label=gettext_lazy("period to"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    closes_on = forms.DateField(
        label=gettext_lazy("answers until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    pod = forms.TypedChoiceField(
        label=gettext_lazy("pod"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pods = Pod.objects.filter(workspace=actor.workspace).order_by("name")
        pod_field: Any = self.fields["pod"]
        pod_field.choices = [("", _("— the whole workspace —"))] + [(p.pk, p.name) for p in pods]


def answer_form_class() -> type[Form]:
    """One required 1–5 choice per statement, named ``s1`` … ``s20``."""
    fields: dict[str, Any] = {
        f"s{n}": forms.TypedChoiceField(
            label=text,  # type: ignore[arg-type]
            choices=SCALE,
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": gettext_lazy("Choose an answer from 1 to 5.")},
        )
        for n, (_key, text) in enumerate(STATEMENTS, start=1)
    }
    return type("AnswerForm", (Form,), fields)


def _initial(actor: Actor) -> dict[str, Any]:
    today = actor.workspace.today()
    half = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
    end = dt.date(today.year, 6, 30) if half.month == 1 else dt.date(today.year, 12, 31)
    return {
        "period_start": half,
        "period_end": end,
        "closes_on": today + dt.timedelta(days=14),
    }


def _list_context(actor: Actor, form: WaveForm | None = None) -> dict[str, Any]:
    listed = list(reads.waves(actor))
    participation = results.participations(listed, reads.invited_counts(actor, listed))
    answered = reads.answered_wave_ids(actor, [w.pk for w in listed])
    may_manage = actor.can("diagnostic.manage")
    my_pods = reads.my_pod_ids(actor)
    rows = [
        {
            "wave": w,
            "participation": participation[w.pk],
            "answered": w.pk in answered,
            "may_answer": w.closed_at is None
            and w.pk not in answered
            and actor.can("diagnostic.answer")
            and (w.pod_id is None or w.pod_id in my_pods),
        }
        for w in listed
    ]
    return {
        "nav": "diagnostic",
        "rows": rows,
        "may_manage": may_manage,
        "form": form
        if form is not None
        else (WaveForm(actor=actor, initial=_initial(actor)) if may_manage else None),
        "min_group": presenters.maths.MIN_GROUP,
    }


@workspace_view
def wave_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The waves, latest period first: participation (answered / asked, answers per side),
    whether the reader answered, and RevOps's form to open one."""
    return render(request, "diagnostic/wave_list.html", _list_context(actor))


@workspace_view
def wave_open(request: HttpRequest, actor: Actor) -> HttpResponse:
    """GET: the form alone; POST: open the wave and go to its page."""
    actor.require("diagnostic.manage")
    if request.method != "POST":
        form = WaveForm(actor=actor, initial=_initial(actor))
        return render(request, "diagnostic/wave_open.html", {"nav": "diagnostic", "form": form})
    form = WaveForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            wave = services.wave_open(actor, **form.cleaned_data)
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, _("The wave is open: everyone it asks has been told."))
            return HttpResponseRedirect(_results_url(actor, wave))
    return render(
        request, "diagnostic/wave_open.html", {"nav": "diagnostic", "form": form}, status=422
    )


def _results_url(actor: Actor, wave: Wave) -> str:
    return reverse("diagnostic_wave", args=[actor.workspace.slug, wave.pk])


def _pod_filter(actor: Actor, request: HttpRequest) -> int | None:
    raw = request.GET.get("pod") or ""
    if not raw:
        return None
    pod = Pod.objects.filter(workspace=actor.workspace, pk=int(raw) if raw.isdigit() else 0).first()
    if pod is None:
        raise ValidationFailed(
            _("No such pod in this workspace."), field_errors={"pod": [_("Choose a pod.")]}
        )
    return pod.pk


@workspace_view
def wave_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """A wave: participation; once closed, its results (``?pod=``: the answers of a pod's
    members, under the same anonymity rule)."""
    wave = reads.wave_get(actor=actor, pk=pk)
    pod_id = _pod_filter(actor, request)
    found = results.wave_results(wave, pod_id=pod_id)
    participation = results.participations([wave], reads.invited_counts(actor, [wave]))[wave.pk]
    points = presenters.trend_points(actor.workspace, pod_id) if found.closed else []
    trend_key = f"{actor.workspace.pk}:{pod_id}:{','.join(str(p.wave_id) for p in points)}"
    context = {
        "nav": "diagnostic",
        "wave": wave,
        "found": found,
        "participation": participation,
        "sides": presenters.side_views(found),
        "gaps": presenters.gap_views(found),
        "gaps_chart": presenters.gaps_chart(found),
        "moves": presenters.next_moves(found),
        "points": points,
        "trend_chart": presenters.trend_chart(points, trend_key),
        "pods": list(Pod.objects.filter(workspace=actor.workspace).order_by("name"))
        if wave.pod_id is None
        else [],
        "pod_id": pod_id,
        "may_answer": reads.may_answer(actor, wave),
        "answered": reads.has_answered(actor, wave),
        "may_close": actor.can("diagnostic.manage") and wave.closed_at is None,
        "min_group": presenters.maths.MIN_GROUP,
    }
    return render(request, "diagnostic/wave_detail.html", context)


@workspace_view
def wave_answer(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The 20 statements, 1 to 5 each; answers are anonymous and final."""
    wave = reads.wave_get(actor=actor, pk=pk)
    form_class = answer_form_class()
    context: dict[str, Any] = {
        "nav": "diagnostic",
        "wave": wave,
        "answered": reads.has_answered(actor, wave),
        "may_answer": reads.may_answer(actor, wave),
    }
    if request.method != "POST":
        return render(request, "diagnostic/wave_answer.html", {**context, "form": form_class()})
    if context["answered"]:  # sent twice (a second tab, the back button): answers are final
        return render(request, "diagnostic/wave_answer.html", context, status=409)
    form = form_class(request.POST)
    if form.is_valid():
        answers = [form.cleaned_data[f"s{n}"] for n in range(1, len(STATEMENTS) + 1)]
        try:
            services.wave_answer(actor, wave, answers)
        except ValidationFailed as exc:
            form.add_error(None, exc.explained)
        else:
            messages.success(request, _("Thank you: your answers are recorded, with no name."))
            return HttpResponseRedirect(_results_url(actor, wave))
    return render(request, "diagnostic/wave_answer.html", {**context, "form": form}, status=422)


@require_POST
@workspace_view
def wave_close(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    wave = reads.wave_get(actor=actor, pk=pk)
    services.wave_close(actor, wave)
    messages.success(request, _("The wave is closed: its results are shown."))
    return HttpResponseRedirect(_results_url(actor, wave))


@workspace_view
def wave_export(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The wave's results as CSV or XLSX (``?file=``, ``?pod=``): aggregates only, hidden as on
    the page."""
    wave = reads.wave_get(actor=actor, pk=pk)
    fmt = request.GET.get("file") or "csv"
    check_format(fmt)
    found = results.wave_results(wave, pod_id=_pod_filter(actor, request))
    return rows_export_response(  # type: ignore[return-value]
        rows=survey_export.export_rows(found),
        columns=survey_export.export_columns(),
        title=_("Alignment diagnostic"),
        filename=survey_export.export_filename(actor, found, fmt),
        fmt=fmt,
        tz=actor.workspace.zone,
    )
