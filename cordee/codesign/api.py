"""REST endpoints of the campaign brief: read it (or one version), save a new version, list the
versions, compare two of them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from cordee.codesign import selectors, services
from cordee.codesign.diff import compare
from cordee.codesign.models import BriefVersion
from cordee.codesign.schemas import BriefCompareOut, BriefIn, BriefOut, BriefVersionOut
from cordee.core.api import current_actor
from cordee.core.audit import json_value
from cordee.core.errors import NotFound
from cordee.core.schemas import PathId

router = Router(tags=["Campaign briefs"])


def brief_out(version: BriefVersion) -> dict[str, Any]:
    author = version.author
    return {
        "campaign": version.campaign_id,
        "version": version.number,
        "author_id": version.author_id,
        "author_name": (author.get_full_name() or author.email) if author else "",
        "saved_at": version.created_at,
        "currency": version.currency,
        **{name: getattr(version, name) for name in services.FIELDS},
    }


def values_of(version: BriefVersion) -> dict[str, Any]:
    return {name: getattr(version, name) for name in services.FIELDS}


@router.get("/campaigns/{pk}/brief", response=BriefOut, operation_id="brief_get")
def brief_get(request: HttpRequest, pk: PathId, version: int | None = None) -> Any:
    """The campaign's brief as last saved, or the version ``version``; 404 when none."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    if version is not None:
        return brief_out(
            selectors.brief_version_get(actor=actor, campaign=campaign, number=version)
        )
    current = selectors.brief_current(actor=actor, campaign=campaign)
    if current is None:
        raise NotFound(_("This campaign has no brief yet."))
    return brief_out(current)


@router.post("/campaigns/{pk}/brief", response={201: BriefOut}, operation_id="brief_save")
def brief_save(request: HttpRequest, pk: PathId, payload: BriefIn) -> Any:
    """Save the brief as its next version (marketing and RevOps). Expected SQLs and pipeline left
    out are pre-filled from the expected MQLs and the planner's rates (docs/user-guide.md)."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    version = services.brief_save(actor, campaign, payload.model_dump())
    return 201, brief_out(version)


@router.get(
    "/campaigns/{pk}/brief/versions",
    response=list[BriefVersionOut],
    operation_id="brief_version_list",
)
def brief_version_list(request: HttpRequest, pk: PathId) -> Any:
    """Every saved version of the brief, the newest first: who saved it, when."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    return [
        {k: v for k, v in brief_out(v).items() if k in BriefVersionOut.model_fields}
        for v in selectors.brief_versions(actor=actor, campaign=campaign)
    ]


@router.get("/campaigns/{pk}/brief/compare", response=BriefCompareOut, operation_id="brief_compare")
def brief_compare(request: HttpRequest, pk: PathId, old: int, new: int) -> Any:
    """Two versions field by field: unchanged, changed, added or removed; long texts word by
    word (``words``: the new text with <ins> and <del>)."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    a = selectors.brief_version_get(actor=actor, campaign=campaign, number=old)
    b = selectors.brief_version_get(actor=actor, campaign=campaign, number=new)
    rows = compare(values_of(a), values_of(b), services.FIELDS)
    return {
        "campaign": campaign.pk,
        "old": a.number,
        "new": b.number,
        "fields": [
            {
                "field": r.name,
                "mark": r.mark,
                "old": json_value(r.old),
                "new": json_value(r.new),
                "words": str(r.words) if r.words is not None else None,
            }
            for r in rows
        ],
    }
