"""The committees' pages under /w/<slug>/committees/: the list, the form (create and edit, with
the recurrence builder), the detail (members by side, recurrence, meetings) and its actions
(add or remove a member, archive). Each action calls a service and goes back to a page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, ValidationFailed
from cordee.core.web import Form, add_field_errors, workspace_view
from cordee.people.models import Pod
from cordee.rituals import committee_selectors as reads
from cordee.rituals import committees as services
from cordee.rituals import recurrence
from cordee.rituals.models import Committee, CommitteeKind, MeetingState
from cordee.rituals.selectors import committee_get


class CommitteeForm(Form):
    """The committee's fields; the recurrence from a frequency (or a raw RRULE) and the first
    meeting's date and time on the workspace's clock. The service judges the whole."""

    name = forms.CharField(label=gettext_lazy("name"), max_length=services.NAME_MAX)
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=CommitteeKind.choices)
    pod = forms.TypedChoiceField(
        label=gettext_lazy("pod"), required=False, coerce=int, empty_value=None
    )
    purpose = forms.CharField(
        label=gettext_lazy("purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    first_date = forms.DateField(
        label=gettext_lazy("first meeting"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    first_time = forms.TimeField(
        label=gettext_lazy("time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("duration (minutes)"),
        min_value=services.DURATION_MIN,
        max_value=services.DURATION_MAX,
    )
    frequency = forms.ChoiceField(label=gettext_lazy("how often"), choices=recurrence.FREQUENCIES)
    interval = forms.IntegerField(
        label=gettext_lazy("number of weeks (every N weeks)"),
        required=False,
        min_value=1,
        max_value=52,
    )
    rrule = forms.CharField(
        label=gettext_lazy("RRULE (custom)"),
        required=False,
        max_length=recurrence.RRULE_MAX,
        help_text=gettext_lazy(
            "For experts: an iCalendar rule such as FREQ=MONTHLY;BYDAY=-1FR (the last Friday)."
        ),
    )
    location = forms.CharField(
        label=gettext_lazy("place or video link"), required=False, max_length=300
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        pods = Pod.objects.filter(workspace=actor.workspace).order_by("name")
        pod_field: Any = self.fields["pod"]
        pod_field.choices = [("", _("— the whole workspace —"))] + [(p.pk, p.name) for p in pods]

    def data_for_service(self) -> dict[str, Any]:
        """What the service takes; ``ValidationFailed`` for a recurrence the builder refuses."""
        c = self.cleaned_data
        first_at = dt.datetime.combine(c["first_date"], c["first_time"])
        rule = recurrence.rrule_build(c["frequency"], first_at, c.get("interval"), c["rrule"])
        return {
            "name": c["name"],
            "kind": c["kind"],
            "pod": c.get("pod"),
            "purpose": c["purpose"],
            "first_at": first_at.replace(tzinfo=self.actor.workspace.zone),
            "duration_minutes": c["duration_minutes"],
            "rrule": rule,
            "location": c["location"],
        }


def _initial(actor: Actor, committee: Committee | None) -> dict[str, Any]:
    if committee is None:
        start = actor.workspace.today() + dt.timedelta(days=7)
        return {
            "kind": CommitteeKind.MONTHLY,
            "first_date": start,
            "first_time": dt.time(10, 0),
            "duration_minutes": 60,
            "frequency": "monthly",
        }
    local = committee.first_at.astimezone(actor.workspace.zone).replace(tzinfo=None)
    frequency, interval = recurrence.frequency_of(committee.rrule, local)
    return {
        "name": committee.name,
        "kind": committee.kind,
        "pod": committee.pod_id,
        "purpose": committee.purpose,
        "first_date": local.date(),
        "first_time": local.time(),
        "duration_minutes": committee.duration_minutes,
        "frequency": frequency,
        "interval": interval,
        "rrule": committee.rrule if frequency == "custom" else "",
        "location": committee.location,
    }


_FORM_FIELD = {"first_at": "first_date"}  # the service's field → the form's


def _form_errors(form: CommitteeForm, exc: ValidationFailed) -> None:
    errors = {_FORM_FIELD.get(k, k): v for k, v in exc.field_errors.items()}
    add_field_errors(form, ValidationFailed(exc.message, field_errors=errors))


def _form_page(
    request: HttpRequest, actor: Actor, committee: Committee | None, status: int = 200
) -> HttpResponse:
    """The form (create or edit): shown, or saved and back to the committee's page."""
    actor.require("committee.write")
    if request.method != "POST":
        form = CommitteeForm(actor=actor, initial=_initial(actor, committee))
        return render(
            request, "rituals/committee_form.html", {"form": form, "committee": committee}
        )
    form = CommitteeForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            data = form.data_for_service()
            if committee is None:
                committee = services.committee_create(actor=actor, data=data)
                messages.success(request, _("The committee is set up: add its members."))
            else:
                committee = services.committee_update(actor=actor, committee=committee, data=data)
                messages.success(request, _("The committee is saved."))
            return HttpResponseRedirect(_detail_url(actor, committee))
        except ValidationFailed as exc:
            _form_errors(form, exc)
    context = {"form": form, "committee": committee}
    return render(request, "rituals/committee_form.html", context, status=422)


def _detail_url(actor: Actor, committee: Committee) -> str:
    return reverse("committee_detail", args=[actor.workspace.slug, committee.pk])


@workspace_view
def committee_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The committees: members by side (a committee missing a side is flagged), the next
    meeting, the recurrence in words; ``?archived=1`` for the archived ones."""
    archived = request.GET.get("archived") == "1"
    rows = reads.committee_list(actor, archived=archived)
    return render(
        request,
        "rituals/committee_list.html",
        {
            "nav": "committees",
            "rows": rows,
            "archived": archived,
            "may_write": actor.can("committee.write"),
        },
    )


@workspace_view
def committee_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _form_page(request, actor, None)


@workspace_view
def committee_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    committee = committee_get(actor=actor, pk=pk)
    if committee.archived_at is not None:
        raise Conflict(_("This committee is archived: it is no longer changed."))
    return _form_page(request, actor, committee)


@workspace_view
def committee_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The committee: its members by side (added and removed here), its recurrence, its
    upcoming meetings and its past ones with their state, each linking to its page."""
    committee = committee_get(actor=actor, pk=pk)
    row = reads.committee_row(actor, committee)
    now = timezone.now()
    upcoming = list(reads.committee_meetings(actor, committee, start=now)[:12])
    past = list(reads.committee_meetings(actor, committee, end=now).reverse()[:12])
    may_write = actor.can("committee.write") and committee.archived_at is None
    return render(
        request,
        "rituals/committee_detail.html",
        {
            "nav": "committees",
            "row": row,
            "committee": committee,
            "upcoming": [(m, reads.meeting_path(actor.workspace.slug, m.pk)) for m in upcoming],
            "past": [(m, reads.meeting_path(actor.workspace.slug, m.pk)) for m in past],
            "states": dict(MeetingState.choices),
            "may_write": may_write,
            "candidates": reads.committee_candidates(actor, row) if may_write else [],
        },
    )


@require_POST
@workspace_view
def committee_archive(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    committee = committee_get(actor=actor, pk=pk)
    services.committee_archive(actor=actor, committee=committee)
    messages.success(request, _("The committee is archived; its past meetings are kept."))
    return HttpResponseRedirect(reverse("committee_list", args=[actor.workspace.slug]))


def _member_action(request: HttpRequest, actor: Actor, pk: int, add: bool) -> HttpResponse:
    committee = committee_get(actor=actor, pk=pk)
    action = services.committee_member_add if add else services.committee_member_remove
    try:
        action(actor=actor, committee=committee, user_id=request.POST.get("user"))
    except ValidationFailed as exc:
        messages.error(request, exc.explained)
    else:
        messages.success(request, _("The member is added.") if add else _("The member is removed."))
    return HttpResponseRedirect(_detail_url(actor, committee) + "#committee-members")


@require_POST
@workspace_view
def committee_member_add(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _member_action(request, actor, pk, add=True)


@require_POST
@workspace_view
def committee_member_remove(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _member_action(request, actor, pk, add=False)
