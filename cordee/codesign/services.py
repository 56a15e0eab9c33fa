"""Writes of the campaign brief: each save is a new version (the ones before are kept), checked,
atomic and audited. The expected numbers are pre-filled from the planner's rates (``prefill``).

**The pre-fill rule** (stated on the page and in docs/user-guide.md): the marketer gives the
expected MQLs; expected SQLs = MQLs × MQL→SAL × SAL→SQL, rounded down to a whole SQL; expected
pipeline = SQLs × average deal size, to the cent. The rates and the deal size are the planner's
(``funnel.planning.history_inputs``, its default window) for the brief's segment when it has one,
else for its one target pod, else for the workspace. Any number the marketer gives is kept.

A save that changes a reviewed field (``review.MATERIAL``) after the brief was sent for sales
review asks for approval again, in the save's transaction (``review.brief_saved``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cordee.codesign import review
from cordee.codesign.models import BriefVersion
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.crm.models import Campaign, Channel
from cordee.funnel import planning
from cordee.people.models import Pod

FIELDS = (
    "objective",
    "segment",
    "pods",
    "persona",
    "message",
    "offer",
    "call_to_action",
    "channels",
    "start_date",
    "end_date",
    "budget",
    "expected_mqls",
    "expected_sqls",
    "expected_pipeline",
    "success_criteria",
)
TEXTS = ("objective", "persona", "message", "offer", "call_to_action", "success_criteria")
TEXT_MAX = 10_000
CTA_MAX = 300
CENT = Decimal("0.01")


def may_write(actor: Actor) -> bool:
    return actor.can("brief.write")


# -- the pre-fill ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prefill:
    scope: str  # "segment", "pod" or "workspace"
    mql_to_sal: Fraction | Decimal | None
    sal_to_sql: Fraction | Decimal | None
    deal_size: Decimal | None
    expected_sqls: int | None
    expected_pipeline: Decimal | None


def prefill(
    actor: Actor,
    *,
    segment: list[str],
    pods: list[Pod],
    expected_mqls: int | None,
    today: dt.date | None = None,
) -> Prefill:
    """The expected SQLs and pipeline from ``expected_mqls`` and the planner's rates of the scope
    (the module's rule); None where the history cannot give a rate."""
    workspace = actor.workspace
    pod = pods[0] if len(pods) == 1 and not segment else None
    scope = "segment" if segment else ("pod" if pod else "workspace")
    window = planning.history_window(workspace, planning.DEFAULT_WINDOW_MONTHS, today)
    inputs = planning.history_inputs(workspace, window, pod, segment)
    to_sal, to_sql = inputs["mql_to_sal"].value, inputs["sal_to_sql"].value
    value = inputs["deal_size"].value
    deal = value if isinstance(value, Decimal) else None  # to the cent (maths.to_cents)
    sqls: int | None = None
    pipeline: Decimal | None = None
    if expected_mqls is not None and to_sal is not None and to_sql is not None:
        sqls = math.floor(Fraction(expected_mqls) * Fraction(to_sal) * Fraction(to_sql))
        if deal is not None:
            pipeline = (Decimal(sqls) * deal).quantize(CENT, ROUND_HALF_UP)
    return Prefill(scope, to_sal, to_sql, deal, sqls, pipeline)


# -- reading what the marketer gives -----------------------------------------------------------


def _list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(v).strip() for v in items if str(v).strip()]


def _date(value: Any, name: str, errors: dict[str, list[str]]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors[name] = [_("Enter a date (YYYY-MM-DD).")]
        return None


def _decimal(value: Any, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[name] = [_("Enter a number.")]
        return None
    if not number.is_finite() or number.adjusted() > 11:
        errors[name] = [_("Enter a number.")]
        return None
    if number < 0:
        errors[name] = [_("Enter a number of 0 or more.")]
        return None
    return number.quantize(CENT, ROUND_HALF_UP)


def _count(value: Any, name: str, errors: dict[str, list[str]]) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[name] = [_("Enter a whole number.")]
        return None
    if not 0 <= number <= 10**9:
        errors[name] = [_("Enter a whole number of 0 or more.")]
        return None
    return number


def clean(actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
    """The brief's fields from ``data``, or a 422 naming every field that is not valid."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name in TEXTS:
        text = str(data.get(name) or "").strip()
        limit = CTA_MAX if name == "call_to_action" else TEXT_MAX
        if len(text) > limit or "\x00" in text:
            errors[name] = [_("Enter at most %(n)s characters.") % {"n": limit}]
        out[name] = text
    # the segment: industries of the workspace's accounts, as the planner reads them
    segment_errors: dict[str, list[str]] = {}
    wanted = _list(data.get("segment"))
    out["segment"] = list(planning.segment_clean(actor.workspace, wanted, segment_errors))
    if segment_errors:
        errors["segment"] = segment_errors["segment"]
    pod_ids: list[int] = []
    for raw in _list(data.get("pods")):
        try:
            pod_ids.append(int(raw))
        except ValueError:
            errors["pods"] = [_("Choose pods of this workspace.")]
    pods = list(Pod.objects.filter(workspace=actor.workspace, pk__in=pod_ids).order_by("name"))
    if len(pods) != len(set(pod_ids)):
        errors["pods"] = [_("Choose pods of this workspace.")]
    out["pods"] = [p.pk for p in pods]
    out["_pods"] = pods
    channels = _list(data.get("channels"))
    unknown = [c for c in channels if c not in Channel.values]
    if unknown:
        errors["channels"] = [_("Unknown channel: %(c)s.") % {"c": ", ".join(unknown)}]
    out["channels"] = [c for c in Channel.values if c in channels]
    out["start_date"] = _date(data.get("start_date"), "start_date", errors)
    out["end_date"] = _date(data.get("end_date"), "end_date", errors)
    if out["start_date"] and out["end_date"] and out["end_date"] < out["start_date"]:
        errors["end_date"] = [_("The end date is before the start date.")]
    out["budget"] = _decimal(data.get("budget"), "budget", errors)
    out["expected_mqls"] = _count(data.get("expected_mqls"), "expected_mqls", errors)
    out["expected_sqls"] = _count(data.get("expected_sqls"), "expected_sqls", errors)
    out["expected_pipeline"] = _decimal(data.get("expected_pipeline"), "expected_pipeline", errors)
    if errors:
        raise ValidationFailed(_("Some fields of the brief are not valid."), field_errors=errors)
    return out


audit.audit_kind_register("brief-versions", BriefVersion._meta.verbose_name, BriefVersion)


# -- the write ------------------------------------------------------------------------------------


def brief_save(
    actor: Actor, campaign: Campaign, data: Mapping[str, Any], *, today: dt.date | None = None
) -> BriefVersion:
    """Save the brief as its next version (the ones before are kept). Expected SQLs and pipeline
    left empty are pre-filled by the module's rule."""
    if not may_write(actor):
        raise PermissionDenied(_("Only marketing writes the campaign brief."))
    if campaign.workspace_id != actor.workspace.pk:  # another workspace's: not found, as reads
        raise NotFound(_("No such campaign in this workspace."))
    values = clean(actor, data)
    pods = values.pop("_pods")
    if values["expected_mqls"] is not None and (
        values["expected_sqls"] is None or values["expected_pipeline"] is None
    ):
        filled = prefill(
            actor,
            segment=values["segment"],
            pods=pods,
            expected_mqls=values["expected_mqls"],
            today=today,
        )
        if values["expected_sqls"] is None:
            values["expected_sqls"] = filled.expected_sqls
        if values["expected_pipeline"] is None:
            values["expected_pipeline"] = filled.expected_pipeline
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # one number each
        last = BriefVersion.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"]
        previous = BriefVersion.objects.filter(campaign=campaign, number=last).first()
        version = BriefVersion.objects.create(
            workspace=actor.workspace,
            campaign=campaign,
            number=(last or 0) + 1,
            author=actor.user,
            currency=actor.workspace.currency,
            **values,
        )
        audit.audit_write(
            actor=actor,
            action="create",  # each save is a new version
            target="brief-versions",
            target_id=version.pk,
            target_label=f"{campaign} · v{version.number}",
            after={"version": version.number, **audit.snapshot(version, FIELDS)},
        )
        # a change to a reviewed field asks for the sales review again (review.MATERIAL)
        review.brief_saved(actor, campaign, previous, version)
    return version
