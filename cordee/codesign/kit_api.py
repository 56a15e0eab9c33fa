"""REST endpoints of the readiness kit: read it, save its texts, add and remove its assets (a
file as multipart/form-data, a link as JSON), acknowledge it, and who has and who has not."""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

import pydantic
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router

from cordee.codesign import kit as services
from cordee.codesign import kit_selectors as selectors
from cordee.codesign.kit_schemas import (
    KitAcknowledgementOut,
    KitAssetOut,
    KitIn,
    KitLinkIn,
    KitOut,
    KitReadinessOut,
)
from cordee.codesign.models import Kit, KitAsset
from cordee.codesign.selectors import campaign_get
from cordee.core.api import current_actor
from cordee.core.errors import NotFound, ValidationFailed
from cordee.core.schemas import PathId

router = Router(tags=["Campaign readiness kits"])


def asset_out(asset: KitAsset, slug: str) -> dict[str, Any]:
    return {
        "id": asset.pk,
        "title": asset.title,
        "url": asset.url,
        "file_name": PurePath(asset.file.name).name if asset.file else "",
        "download_url": reverse("kit_asset_file", args=[slug, asset.pk]) if asset.file else "",
        "created_at": asset.created_at,
    }


def kit_out(kit: Kit, slug: str) -> dict[str, Any]:
    return {
        "campaign": kit.campaign_id,
        "version": kit.version,
        "talk_track": kit.talk_track,
        "objections": kit.objections,
        "faq": kit.faq,
        "updated_at": kit.updated_at,
        "updated_by_id": kit.updated_by_id,
        "assets": [asset_out(a, slug) for a in kit.assets.all()],
    }


def _kit(request: HttpRequest, pk: int) -> Kit:
    actor = current_actor(request)
    campaign = campaign_get(actor=actor, pk=pk)
    kit = selectors.kit_get(actor=actor, campaign=campaign)
    if kit is None:
        raise NotFound(_("This campaign has no readiness kit yet."))
    return kit


@router.get("/campaigns/{pk}/kit", response=KitOut, operation_id="kit_get")
def kit_get(request: HttpRequest, pk: PathId) -> Any:
    """The campaign's readiness kit as it is now; 404 when it has none."""
    return kit_out(_kit(request, pk), current_actor(request).workspace.slug)


@router.put("/campaigns/{pk}/kit", response=KitOut, operation_id="kit_save")
def kit_save(request: HttpRequest, pk: PathId, payload: KitIn) -> Any:
    """Save the kit's talk track, objections and FAQ (marketing and RevOps). A save that changes
    something is the kit's next version: the reps of the target pods are told and asked to
    acknowledge it again."""
    actor = current_actor(request)
    campaign = campaign_get(actor=actor, pk=pk)
    services.kit_save(actor, campaign, payload.model_dump())
    return kit_out(_kit(request, pk), actor.workspace.slug)


_ASSET_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string", "maxLength": services.TITLE_MAX},
                        "file": {"type": "string", "format": "binary"},
                    },
                    "required": ["title", "file"],
                }
            },
            "application/json": {"schema": KitLinkIn.model_json_schema()},
        },
        "required": True,
    }
}


@router.post(
    "/campaigns/{pk}/kit/assets",
    response={201: KitAssetOut},
    operation_id="kit_asset_create",
    openapi_extra=_ASSET_BODY,
)
def kit_asset_create(request: HttpRequest, pk: PathId) -> Any:
    """Add an asset to the kit (its next version): a file as multipart/form-data (``title``,
    ``file``: at most 20 MB, pdf, pptx, docx, xlsx, png, jpg, webp, txt or csv, its content
    matching its extension), or a link as JSON (``title``, ``url``: http or https)."""
    actor = current_actor(request)
    campaign = campaign_get(actor=actor, pk=pk)
    if request.content_type == "multipart/form-data":
        title, url, file = (
            request.POST.get("title", ""),
            request.POST.get("url", ""),
            request.FILES.get("file"),
        )
    else:
        try:
            link = KitLinkIn.model_validate(json.loads(request.body or b"{}"))
        except (ValueError, pydantic.ValidationError) as exc:
            raise ValidationFailed(
                _("Send a title and a link as JSON, or a file as multipart.")
            ) from exc
        title, url, file = link.title, link.url, None
    asset = services.asset_add(actor, campaign, title=title, url=url, file=file)
    return 201, asset_out(asset, actor.workspace.slug)


@router.delete("/kit/assets/{pk}", response={204: None}, operation_id="kit_asset_delete")
def kit_asset_delete(request: HttpRequest, pk: PathId) -> Any:
    """Remove an asset from its kit (the kit's next version)."""
    actor = current_actor(request)
    services.asset_delete(actor, selectors.asset_get(actor=actor, pk=pk))
    return 204, None


@router.post(
    "/campaigns/{pk}/kit/acknowledge",
    response=KitAcknowledgementOut,
    operation_id="kit_acknowledge",
)
def kit_acknowledge(request: HttpRequest, pk: PathId) -> Any:
    """ "Read, ready": the caller, a sales rep of a target pod, acknowledges the kit as it is now
    (403 for anyone else, with the reason)."""
    actor = current_actor(request)
    campaign = campaign_get(actor=actor, pk=pk)
    ack = services.kit_acknowledge(actor, campaign)
    return {
        "campaign": campaign.pk,
        "user_id": ack.user_id,
        "version": ack.version,
        "acknowledged_at": ack.acknowledged_at,
    }


def _rep(r: selectors.RepReadiness) -> dict[str, Any]:
    return {
        "user_id": r.user.pk,
        "name": r.name,
        "state": r.state,
        "version": r.version,
        "acknowledged_at": r.at,
    }


@router.get(
    "/campaigns/{pk}/kit/acknowledgements",
    response=KitReadinessOut,
    operation_id="kit_acknowledgement_list",
)
def kit_acknowledgement_list(request: HttpRequest, pk: PathId) -> Any:
    """Each rep of the target pods: acknowledged the current version (ready), an earlier one, or
    never; ``not_ready``: who has not acknowledged the current version."""
    actor = current_actor(request)
    campaign = campaign_get(actor=actor, pk=pk)
    kit = selectors.kit_get(actor=actor, campaign=campaign)
    ready = selectors.readiness(actor=actor, campaign=campaign, kit=kit)
    return {
        "campaign": campaign.pk,
        "version": ready.version,
        "pods": [p.pk for p in ready.pods],
        "total": ready.total,
        "ready": len(ready.ready),
        "reps": [_rep(r) for r in ready.reps],
        "not_ready": [_rep(r) for r in ready.not_ready],
    }
