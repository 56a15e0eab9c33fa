"""The pages of merges: pick the duplicate, choose the values side by side and confirm; a
merge explained; the duplicates a create form suggests while it is filled in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import DomainError, NotFound
from cordee.core.web import Form, SearchPicker, workspace_view
from cordee.crm.selectors import duplicate_candidates
from cordee.merges import selectors, services
from cordee.merges.moves import moved_words

PLURALS = {"contact": "contacts", "account": "accounts"}


def _may_merge(actor: Actor, kind: str) -> None:
    if kind not in services.MODELS:
        raise NotFound(_("Not found."))
    actor.require(services.CAPABILITIES[kind])
    actor.require("record.merge")


class PickForm(Form):
    other = forms.IntegerField()

    def __init__(self, *, actor: Actor, kind: str, exclude: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        model = services.MODELS[kind]
        queryset = model._default_manager.filter(workspace=actor.workspace).exclude(pk=exclude)
        field = self.fields["other"]
        field.label = _("The duplicate to merge into this record")
        field.widget = SearchPicker(
            url=reverse("search_pick", args=[actor.workspace.slug]), kind=kind, queryset=queryset
        )


@workspace_view
def merge_new(request: HttpRequest, actor: Actor, record: str, pk: int) -> HttpResponse:
    """Step 1 (no ``other``): pick the duplicate. Step 2: the values side by side, what moves,
    confirm (POST)."""
    _may_merge(actor, record)
    survivor = selectors.merge_record(actor=actor, kind=record, pk=pk)
    other = request.POST.get("other") or request.GET.get("other") or ""
    context: dict[str, Any] = {
        "nav": PLURALS[record],
        "kind": record,
        "survivor": survivor,
        "detail_url": reverse(f"{PLURALS[record]}_detail", args=[actor.workspace.slug, pk]),
    }
    if other == str(pk):  # the picker proposes the record itself too
        context["error"] = _("A record cannot be merged into itself.")
        other = ""
    if not other.isdigit():
        context.update(
            form=PickForm(actor=actor, kind=record, exclude=pk),
            suggestions=selectors.duplicates_of(actor=actor, kind=record, pk=pk),
        )
        return render(request, "merges/pick.html", context)
    status = 200
    if request.method == "POST":
        choices = {
            name: request.POST[f"choice_{name}"]
            for name in services.FIELDS[record]
            if f"choice_{name}" in request.POST
        }
        try:
            merge = services.merge_records(
                actor=actor, kind=record, survivor_id=pk, loser_id=int(other), choices=choices
            )
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            status = exc.status
            context["error"] = exc.explained
        else:
            messages.success(
                request,
                _("%(loser)s was merged into %(survivor)s.")
                % {"loser": merge.loser_label, "survivor": merge.survivor_label},
            )
            return HttpResponseRedirect(
                reverse("merge_detail", args=[actor.workspace.slug, merge.pk])
            )
    if "error" in context and status == 409:  # merged away meanwhile: nothing left to compare
        return render(request, "merges/pick.html", {**context, "form": None}, status=status)
    plan = selectors.merge_plan(actor=actor, kind=record, survivor_id=pk, loser_id=other)
    context.update(
        plan=plan,
        swap_url=reverse("merge_new", args=[actor.workspace.slug, record, plan.loser.pk])
        + f"?other={pk}",
        loser_url=reverse(f"{PLURALS[record]}_detail", args=[actor.workspace.slug, plan.loser.pk]),
    )
    return render(request, "merges/confirm.html", context, status=status)


@workspace_view
def merge_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    merge = selectors.merge_get(actor=actor, pk=pk)
    survivor_id = merge.survivor_contact_id or merge.survivor_account_id
    survivor_url = (
        reverse(f"{PLURALS[merge.kind]}_detail", args=[actor.workspace.slug, survivor_id])
        if survivor_id
        else ""
    )
    shown = merge.loser_snapshot.get("shown", {})
    snapshot_fields = [
        (services.field_label(merge.kind, name), shown[name])
        for name in services.FIELDS[merge.kind]
        if shown.get(name)
    ]
    return render(
        request,
        "merges/detail.html",
        {
            "nav": PLURALS[merge.kind],
            "merge": merge,
            "survivor_url": survivor_url,
            "moved": moved_words(merge.moved),
            "kept": selectors.kept_from(merge),
            "snapshot": snapshot_fields,
        },
    )


@workspace_view
def duplicates_hint(request: HttpRequest, actor: Actor, record: str) -> HttpResponse:
    """The existing records a create form's values look like (asked by htmx on change)."""
    if record not in services.MODELS:
        raise NotFound(_("Not found."))
    fields = {name: request.GET.get(name, "") for name in services.FIELDS[record]}
    found = duplicate_candidates(workspace=actor.workspace, kind=record, fields=fields)
    return render(
        request,
        "merges/_duplicates_hint.html",
        {
            "kind": record,
            "plural": PLURALS[record],
            "duplicates": found,
            "can_merge": actor.can("record.merge") and actor.can(services.CAPABILITIES[record]),
        },
    )
