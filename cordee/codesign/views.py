"""The brief's pages: the brief (and its form for marketing), its versions, two versions side by
side. Each parses, calls a selector or the service, and renders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordee.codesign import review, review_selectors, selectors, services
from cordee.codesign.diff import compare
from cordee.codesign.forms import BriefForm
from cordee.codesign.models import BriefVersion
from cordee.core.actor import Actor
from cordee.core.errors import PermissionDenied, ValidationFailed
from cordee.core.web import add_field_errors, workspace_view
from cordee.crm.models import Campaign, Channel
from cordee.people.models import Pod


def _initial(version: BriefVersion | None, prefill: services.Prefill | None) -> dict[str, Any]:
    """The form of the next version. An expected number equal to the pre-fill is left empty, so
    that the next save pre-fills it again from the MQLs then given (a number typed otherwise is
    kept): changing the expected MQLs then moves the SQLs and the pipeline with them."""
    if version is None:
        return {}
    out: dict[str, Any] = {name: getattr(version, name) for name in services.FIELDS}
    out["pods"] = [str(p) for p in version.pods]
    for name in ("start_date", "end_date"):
        out[name] = out[name].isoformat() if out[name] else ""
    if prefill is not None:
        for name in ("expected_sqls", "expected_pipeline"):
            if out[name] is not None and out[name] == getattr(prefill, name):
                out[name] = None
    for name in ("budget", "expected_mqls", "expected_sqls", "expected_pipeline"):
        out[name] = "" if out[name] is None else str(out[name])
    return out


def _shown(actor: Actor, version: BriefVersion | None) -> dict[str, Any]:
    """The version's lists by name: pods, channels."""
    if version is None:
        return {}
    pods = dict(Pod.objects.filter(workspace=actor.workspace).values_list("pk", "name"))
    labels = dict(Channel.choices)
    return {
        "pods": [pods.get(p, f"#{p}") for p in version.pods],
        "channels": [labels.get(c, c) for c in version.channels],
    }


def _prefill(actor: Actor, version: BriefVersion | None) -> services.Prefill | None:
    if version is None or version.expected_mqls is None:
        return None
    pods = list(Pod.objects.filter(workspace=actor.workspace, pk__in=version.pods))
    return services.prefill(
        actor, segment=version.segment, pods=pods, expected_mqls=version.expected_mqls
    )


def _scope_label(scope: str) -> str:
    """Whose rates the pre-fill read."""
    return {
        "segment": _("the segment"),
        "pod": _("the target pod"),
        "workspace": _("the whole workspace"),
    }[scope]


def page(
    request: HttpRequest,
    actor: Actor,
    campaign: Campaign,
    form: BriefForm | None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The brief page: the brief with its comment threads, the sales review panel, the launch,
    and marketing's form (``extra``: a refusal to show, from ``review_views``)."""
    current = selectors.brief_current(actor=actor, campaign=campaign)
    prefill = _prefill(actor, current)
    may_write = services.may_write(actor)
    if may_write and form is None:
        form = BriefForm(initial=_initial(current, prefill), actor=actor)
    return render(
        request,
        "codesign/brief.html",
        {
            "campaign": campaign,
            "brief": current,
            "shown": _shown(actor, current),
            "prefill": prefill,
            "prefill_scope": _scope_label(prefill.scope) if prefill else "",
            "form": form if may_write else None,
            **_review_context(actor, campaign),
            **(extra or {}),
        },
        status=status,
    )


def _review_context(actor: Actor, campaign: Campaign) -> dict[str, Any]:
    panel = review_selectors.review_panel(actor=actor, campaign=campaign)
    for row in panel.pods:
        row.may_decide = bool(row.round and review.may_decide(actor, row.round))
    labels = {
        n: getattr(BriefVersion._meta.get_field(n), "verbose_name", n) for n in services.FIELDS
    }
    return {
        "panel": panel,
        "field_labels": labels,
        "fields": [(n, labels[n]) for n in services.FIELDS],
        "may_comment": actor.can("brief.comment"),
        "may_request": actor.can("brief.write"),
        "may_launch": actor.can("campaign.launch"),
        "may_override": actor.can("campaign.launch.override"),
        "review_days": review.REVIEW_BUSINESS_DAYS,
        "override_min": review.OVERRIDE_REASON_MIN,
        "material_labels": [labels[n] for n in review.MATERIAL],
    }


@workspace_view
def brief_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The campaign's brief as last saved; marketing's form to save the next version."""
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    return page(request, actor, campaign, None)


@require_POST
@workspace_view
def brief_save(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    if not services.may_write(actor):
        raise PermissionDenied(_("Only marketing writes the campaign brief."))
    form = BriefForm(request.POST, actor=actor)
    try:
        version = services.brief_save(actor, campaign, form.values())
    except ValidationFailed as exc:
        add_field_errors(form, exc)
        return page(request, actor, campaign, form, status=422)
    messages.success(request, _("Brief saved as version %(n)s.") % {"n": version.number})
    return HttpResponseRedirect(reverse("brief_detail", args=[actor.workspace.slug, campaign.pk]))


@workspace_view
def brief_versions(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Every saved version (who, when), and two of them to compare."""
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    versions = list(selectors.brief_versions(actor=actor, campaign=campaign))
    return render(request, "codesign/versions.html", {"campaign": campaign, "versions": versions})


def _text(value: Any) -> str:
    """A value as the comparison shows it ("—": empty)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (Decimal, int)):  # "18 000,00" in French, as every amount is shown
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _number(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


@workspace_view
def brief_compare(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Two versions side by side, each field marked (by default the one before the last and the
    last)."""
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    versions = list(selectors.brief_versions(actor=actor, campaign=campaign))
    rows: list[Any] = []
    old = new = None
    if versions:
        new_n = _number(request.GET.get("new")) or versions[0].number
        old_n = _number(request.GET.get("old")) or max(new_n - 1, 1)
        old = selectors.brief_version_get(actor=actor, campaign=campaign, number=old_n)
        new = selectors.brief_version_get(actor=actor, campaign=campaign, number=new_n)
        a = {**{n: getattr(old, n) for n in services.FIELDS}, **_shown(actor, old)}
        b = {**{n: getattr(new, n) for n in services.FIELDS}, **_shown(actor, new)}
        labels = {
            n: getattr(BriefVersion._meta.get_field(n), "verbose_name", n) for n in services.FIELDS
        }
        rows = [
            {
                "label": labels[r.name],
                "name": r.name,
                "mark": r.mark,
                "old": _text(r.old),
                "new": _text(r.new),
                "words": r.words,
            }
            for r in compare(a, b, services.FIELDS)
        ]
    return render(
        request,
        "codesign/compare.html",
        {"campaign": campaign, "versions": versions, "old": old, "new": new, "rows": rows},
    )
