"""REST endpoints about the caller, their workspace and pods."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from cordee.core.api import current_actor

router = Router(tags=["Me"])


class MeOut(Schema):
    id: int
    email: str
    name: str
    workspace: str
    role: str


@router.get("/me", response=MeOut, operation_id="me_get", summary="Who am I, in which workspace")
def me(request: HttpRequest) -> MeOut:
    actor = current_actor(request)
    return MeOut(
        id=actor.user.pk,
        email=actor.user.email,
        name=str(actor.user),
        workspace=actor.workspace.slug,
        role=actor.role,
    )
