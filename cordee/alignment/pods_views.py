"""The pods' pages under /w/<slug>/pods/: the list (members by side, the sides missing), a pod's
living page (``pods.pod_overview``) and its value log (the whole log with its kind filter, the
form that writes in it — htmx on the pod's page —, an entry's edit page and its removal).

The pod's create, edit and delete pages stay people's record pages (``people/views.PODS``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordee.alignment import pods as reads
from cordee.alignment import value_log as services
from cordee.alignment.models import ValueEntry, ValueKind
from cordee.alignment.value_log_forms import FIELDS, ValueEntryForm
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.web import add_field_errors, htmx_render, workspace_view
from cordee.crm.models import CampaignStatus
from cordee.people.models import Pod


def _pod_url(actor: Actor, pod_id: int, anchor: str = "") -> str:
    url = reverse("pod_page", args=[actor.workspace.slug, pod_id])
    return f"{url}#{anchor}" if anchor else url


def _log_url(actor: Actor, pod_id: int) -> str:
    return reverse("pod_value_log", args=[actor.workspace.slug, pod_id])


@workspace_view
def pod_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Every pod with its members by side; a pod missing a side says so."""
    return render(
        request,
        "alignment/pod_list.html",
        {"nav": "pods", "rows": reads.pod_rows(actor), "may_create": actor.can("pod.write")},
    )


@workspace_view
def pod_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The pod as a living unit: its people, numbers, goals, wins, feedback, campaigns,
    committees, alignment index and value log."""
    pod = services.pod_get(actor=actor, pk=pk)
    return render(request, "alignment/pod_page.html", _page_context(actor, pod))


def _page_context(actor: Actor, pod: Pod, form: ValueEntryForm | None = None) -> dict[str, Any]:
    overview = reads.pod_overview(actor, pod)
    return {
        "nav": "pods",
        "pod": pod,
        "o": overview,
        # the value log's section (pod_value_log_section.html): its latest entries
        "entries": overview.value_log,
        "total": overview.value_log_count,
        "kind": "",
        "may_write": overview.may_write,
        "source": "page",
        "pod_url": _pod_url(actor, pod.pk),
        "form": form or ValueEntryForm(),
        "kinds": ValueKind.choices,
        "log_url": _log_url(actor, pod.pk),
        "campaign_statuses": dict(CampaignStatus.choices),
        "may_edit_pod": actor.can("pod.write"),
        "may_delete_pod": actor.can("record.delete"),
        "can_audit": actor.can("audit.read"),
    }


def _log_context(
    actor: Actor,
    pod: Pod,
    kind: str,
    *,
    source: str = "log",
    form: ValueEntryForm | None = None,
) -> dict[str, Any]:
    """The log's section: the whole log (``source`` "log", its page) or its latest entries
    (``source`` "page", the pod's page)."""
    rows = services.value_entries(actor=actor, pod=pod, kind=kind or None)
    entries = list(rows[: reads.SHOWN] if source == "page" else rows)
    return {
        "nav": "pods",
        "pod": pod,
        "entries": entries,
        "total": rows.count() if source == "page" else len(entries),
        "kind": kind,
        "kinds": ValueKind.choices,
        "form": form or ValueEntryForm(),
        "may_write": services.may_write(actor, pod),
        "log_url": _log_url(actor, pod.pk),
        "pod_url": _pod_url(actor, pod.pk),
        "source": source,
    }


SECTION = "alignment/pod_value_log_section.html"


@workspace_view
def pod_value_log(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """GET: the whole log, newest first (``kind`` filter); POST: a new entry, then the log."""
    pod = services.pod_get(actor=actor, pk=pk)
    kind = str(request.GET.get("kind") or "")
    kind = kind if kind in ValueKind.values else ""
    source = "page" if request.POST.get("source") == "page" else "log"
    if request.method != "POST":
        context = _log_context(actor, pod, kind)
        return htmx_render(request, SECTION, context, page="alignment/pod_value_log.html")
    services.write_require(actor, pod)
    form = ValueEntryForm(data=request.POST)
    if form.is_valid():
        try:
            data: dict[str, Any] = {k: form.cleaned_data.get(k) for k in FIELDS}
            services.value_entry_add(actor=actor, pod=pod, **data)
        except ValidationFailed as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, _("Written in the pod’s value log."))
            back = (
                _pod_url(actor, pod.pk, "value-log")
                if source == "page"
                else _log_url(actor, pod.pk)
            )
            return htmx_render(
                request,
                SECTION,
                _log_context(actor, pod, "", source=source),
                page=lambda: HttpResponseRedirect(back),
            )
    if source == "page":
        page: Any = lambda: render(  # noqa: E731
            request, "alignment/pod_page.html", _page_context(actor, pod, form), status=422
        )
    else:
        page = "alignment/pod_value_log.html"
    response = htmx_render(
        request, SECTION, _log_context(actor, pod, "", source=source, form=form), page=page
    )
    response.status_code = 422
    return response


def _entry(actor: Actor, pk: int) -> ValueEntry:
    return services.value_entry_get(actor=actor, pk=pk)


@workspace_view
def pod_value_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """An entry's form: its pod's members, managers and RevOps change it."""
    entry = _entry(actor, pk)
    services.write_require(actor, entry.pod)
    status = 200
    if request.method == "POST":
        form = ValueEntryForm(data=request.POST)
        if form.is_valid():
            data = {k: form.cleaned_data.get(k) for k in FIELDS}
            data = {k: ("" if v is None and k in ("body", "link") else v) for k, v in data.items()}
            try:
                services.value_entry_update(actor=actor, entry=entry, **data)
            except ValidationFailed as exc:
                add_field_errors(form, exc)
            else:
                messages.success(request, _("Your changes were saved."))
                return HttpResponseRedirect(_pod_url(actor, entry.pod_id, "value-log"))
        status = 422
    else:
        form = ValueEntryForm(initial={k: getattr(entry, k) for k in FIELDS})
    return render(
        request,
        "alignment/pod_value_edit.html",
        {"nav": "pods", "entry": entry, "pod": entry.pod, "form": form},
        status=status,
    )


@require_POST
@workspace_view
def pod_value_delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entry = _entry(actor, pk)
    pod = entry.pod
    services.value_entry_delete(actor=actor, entry=entry)
    messages.success(request, _("The entry was removed from the value log."))
    source = "page" if request.POST.get("source") == "page" else "log"
    back = _pod_url(actor, pod.pk, "value-log") if source == "page" else _log_url(actor, pod.pk)
    return htmx_render(
        request,
        SECTION,
        _log_context(actor, pod, "", source=source),
        page=lambda: HttpResponseRedirect(back),
    )
