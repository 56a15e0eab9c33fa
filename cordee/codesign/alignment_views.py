"""The alignment page: the co-design numbers of a fiscal period, a row per target pod and one for
the whole workspace (``alignment.campaign_alignment``), each cell a value and what it counts.
Every member of the workspace reads it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cordee.analytics import alignment_campaigns as maths
from cordee.codesign import alignment
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.list_extensions import (
    ListExtension,
    ListFragment,
    ListState,
    list_extension_register,
)
from cordee.core.templatetags.cordee import percent
from cordee.core.web import RecordPage, workspace_view
from cordee.funnel import kpis


def _rate(r: maths.Rate) -> dict[str, str]:
    return {"value": percent(r.value, 0), "detail": f"{r.numerator}/{r.denominator}"}


def _hours(m: maths.Median) -> dict[str, str]:
    if m.value is None:
        value = "—"
    else:
        shown = formats.number_format(round(m.value, 1), 1)
        value = _("%(hours)s h") % {"hours": shown}
    detail = ngettext("%(n)s round", "%(n)s rounds", m.count) % {"n": m.count}
    return {"value": value, "detail": detail}


def _mean(m: maths.Mean) -> dict[str, str]:
    value = "—" if m.value is None else f"{formats.number_format(round(float(m.value), 2), 2)}/5"
    detail = ngettext("%(n)s rating", "%(n)s ratings", m.count) % {"n": m.count}
    return {"value": value, "detail": detail}


def columns() -> list[tuple[str, str, str]]:
    """(key, heading, what it counts) of each number, in the table's order."""
    return [
        (
            "approved",
            _("Approved before launch"),
            _(
                "Campaigns launched in the period with every target pod's approval in force at "
                "the launch (an override counts as not approved) ÷ campaigns launched."
            ),
        ),
        (
            "review",
            _("Median review time (business hours)"),
            _(
                "Median time from asking to answering of the review rounds answered in the "
                "period, in business hours of the workspace calendar."
            ),
        ),
        (
            "kit",
            _("Kit acknowledged"),
            _(
                "Reps of the target pods who acknowledged the kit's current version ÷ reps of "
                "the target pods, over the campaigns launched in the period that have a kit."
            ),
        ),
        (
            "debrief",
            _("Debriefs completed"),
            _("Debriefs completed ÷ debriefs opened, for the campaigns ending in the period."),
        ),
        (
            "quality",
            _("Lead quality"),
            _("Mean rating (1 to 5) of the leads by sales in the debriefs of those campaigns."),
        ),
    ]


def _cells(n: maths.AlignmentNumbers) -> dict[str, dict[str, str]]:
    return {
        "approved": _rate(n.approved_before_launch),
        "review": _hours(n.median_review_hours),
        "kit": _rate(n.kit_acknowledgement),
        "debrief": _rate(n.debrief_completion),
        "quality": _mean(n.lead_quality),
    }


def alignment_page(actor: Actor, params: Mapping[str, Any]) -> dict[str, Any]:
    period_text = str(params.get("period") or "")
    context: dict[str, Any] = {
        "nav": "campaigns",
        "values": {"period": period_text},
        "errors": [],
        "rows": None,
        "columns": columns(),
    }
    try:
        period = kpis.period_read(actor.workspace, period_text)
    except ValidationFailed as exc:
        context["errors"] = [t for texts in exc.field_errors.values() for t in texts]
        return context
    heads = {key: heading for key, heading, _d in context["columns"]}
    rows = []
    for row in alignment.campaign_alignment(actor.workspace, period):
        cells = _cells(row.numbers)
        rows.append(
            {
                "key": row.key,
                "label": row.pod.name if row.pod is not None else _("Whole workspace"),
                "workspace": row.pod is None,
                "cells": [
                    {"key": key, "heading": heads[key], **cells[key]}
                    for key, _h, _d in context["columns"]
                ],
            }
        )
    context["values"]["period"] = period_text or period.key.removeprefix("FY")
    context.update(period=period, rows=rows)
    return context


@workspace_view
def campaign_alignment(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Per fiscal period (``?period=2027-Q1``, default the current quarter) and per target pod:
    approval before launch, median review time, kit acknowledgement, debrief completion and lead
    quality (``codesign.alignment``)."""
    return render(request, "codesign/alignment.html", alignment_page(actor, request.GET))


# -- the link from the campaigns list --------------------------------------------------------------


def _campaigns_link(
    request: HttpRequest, actor: Actor, page: RecordPage, state: ListState
) -> ListFragment:
    return ListFragment("codesign/_alignment_link.html", {}, slot="head")


def register_list_link() -> None:
    """The campaigns list links to the alignment page (above its filters)."""
    list_extension_register(
        ListExtension(
            key="campaign-alignment",
            fragment=_campaigns_link,
            applies=lambda page: page.key == "campaigns",
        )
    )
