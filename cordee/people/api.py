"""REST endpoints about the caller, their workspace, its members, pods and API tokens."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from cordee.core import selectors as members
from cordee.core.api import Pagination, current_actor, register_crud
from cordee.core.schemas import PathId, document_refused_nulls
from cordee.core.validation import refuses_null
from cordee.people import access, handover, records, schemas, selectors, services
from cordee.people.models import Pod
from cordee.people.services import WORKSPACE_SETTINGS
from cordee.tenancy.models import ApiToken, Workspace

router = Router()

_POD_LINKS = ("member_ids", "lead_ids", "named_account_ids")


def _split_pod_links(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    links = {name: data.pop(name) for name in _POD_LINKS if name in data}
    return data, links


def _pod_create(*, actor: Any, data: dict[str, Any]) -> Pod:
    fields, links = _split_pod_links(data)
    return services.pod_save(actor=actor, data=fields, **links)


def _pod_update(*, actor: Any, instance: Pod, data: dict[str, Any]) -> Pod:
    fields, links = _split_pod_links(data)
    return services.pod_update(actor=actor, pod=instance, data=fields, **links)


register_crud(
    router,
    records.PODS,
    out=schemas.PodOut,
    create_in=schemas.PodIn,
    update_in=schemas.PodPatch,
    create=_pod_create,
    update=_pod_update,
    list_selector=selectors.pod_list,
    get_selector=selectors.pod_get,
)


# -- me, members, workspace --------------------------------------------------------------------


@router.get(
    "/me",
    response=schemas.MeOut,
    tags=["Me"],
    operation_id="me_get",
    summary="Who am I, in which workspace",
)
def me(request: HttpRequest) -> schemas.MeOut:
    actor = current_actor(request)
    return schemas.MeOut(
        id=actor.user.pk,
        email=actor.user.email,
        name=str(actor.user),
        workspace=actor.workspace.slug,
        role=actor.role,
        side=str(actor.side),
    )


@router.get(
    "/members",
    response=list[schemas.MemberOut],
    tags=["Workspace"],
    operation_id="member_list",
    summary="The workspace's active members, with role and side",
)
@paginate(Pagination)
def member_list(request: HttpRequest) -> Any:
    return members.workspace_members(actor=current_actor(request))


@router.get(
    "/workspace",
    response=schemas.WorkspaceOut,
    tags=["Workspace"],
    operation_id="workspace_get",
    summary="The caller's workspace settings",
)
def workspace_get(request: HttpRequest) -> Any:
    return current_actor(request).workspace


# ``workspace_update`` refuses null for a setting that cannot hold it (``null_errors``)
document_refused_nulls(
    schemas.WorkspacePatch, (n for n in WORKSPACE_SETTINGS if refuses_null(Workspace, n))
)


@router.patch(
    "/workspace",
    response=schemas.WorkspaceOut,
    tags=["Workspace"],
    operation_id="workspace_update",
    summary="Change the workspace settings (RevOps admins)",
)
def workspace_update(request: HttpRequest, payload: schemas.WorkspacePatch) -> Any:
    return services.workspace_update(
        actor=current_actor(request), data=payload.model_dump(exclude_unset=True)
    )


# -- personal API tokens -----------------------------------------------------------------------


@router.get(
    "/tokens",
    response=list[schemas.TokenOut],
    tags=["Tokens"],
    operation_id="token_list",
    summary="My API tokens in this workspace (never their secrets)",
)
@paginate(Pagination)
def token_list(request: HttpRequest) -> Any:
    return selectors.user_tokens(actor=current_actor(request))


@router.post(
    "/tokens",
    response={201: schemas.TokenCreatedOut},
    tags=["Tokens"],
    operation_id="token_create",
    summary="Create an API token: its secret is shown in this answer only",
)
def token_create(request: HttpRequest, payload: schemas.TokenIn) -> Any:
    token, secret = services.api_token_create(actor=current_actor(request), name=payload.name)
    return 201, _token_created(token, secret)


def _token_created(token: ApiToken, secret: str) -> schemas.TokenCreatedOut:
    out = schemas.TokenOut.from_orm(token)
    return schemas.TokenCreatedOut(**out.model_dump(), secret=secret)


@router.delete(
    "/tokens/{int:token_id}",
    response={204: None},
    tags=["Tokens"],
    operation_id="token_delete",
    summary="Revoke an API token",
)
def token_delete(request: HttpRequest, token_id: PathId) -> Any:
    services.api_token_revoke(actor=current_actor(request), token_id=token_id)
    return 204, None


@router.post(
    "/tokens/{int:token_id}/revoke",
    response=schemas.TokenOut,
    tags=["Tokens"],
    operation_id="token_revoke",
    summary="Revoke an API token (and read it back)",
)
def token_revoke(request: HttpRequest, token_id: PathId) -> Any:
    return services.api_token_revoke(actor=current_actor(request), token_id=token_id)


# -- people and access (RevOps admins) -----------------------------------------------------------


@router.get(
    "/members/all",
    response=list[schemas.MemberAdminOut],
    tags=["People and access"],
    operation_id="member_admin_list",
    summary="Every member, active or deactivated, with pods and last sign-in (RevOps admins)",
)
@paginate(Pagination)
def member_admin_list(request: HttpRequest) -> Any:
    return selectors.members_overview(actor=current_actor(request))


@router.get(
    "/members/{int:pk}",
    response=schemas.MemberAdminOut,
    tags=["People and access"],
    operation_id="member_get",
    summary="One member (RevOps admins)",
)
def member_get(request: HttpRequest, pk: PathId) -> Any:
    return selectors.member_get(actor=current_actor(request), user_id=pk)


@router.patch(
    "/members/{int:pk}",
    response=schemas.MemberAdminOut,
    tags=["People and access"],
    operation_id="member_update",
    summary="Change a member's role and/or pods (the last RevOps admin keeps the role: 409)",
)
def member_update(request: HttpRequest, pk: PathId, payload: schemas.MemberPatch) -> Any:
    actor = current_actor(request)
    access.member_update(actor=actor, user_id=pk, **payload.model_dump(exclude_unset=True))
    return selectors.member_get(actor=actor, user_id=pk)


@router.post(
    "/members/{int:pk}/deactivate",
    response=schemas.MemberAdminOut,
    tags=["People and access"],
    operation_id="member_deactivate",
    summary="Deactivate a member: their sessions end and their tokens stop at once",
)
def member_deactivate(request: HttpRequest, pk: PathId) -> Any:
    actor = current_actor(request)
    access.member_deactivate(actor=actor, user_id=pk)
    return selectors.member_get(actor=actor, user_id=pk)


@router.post(
    "/members/{int:pk}/reactivate",
    response=schemas.MemberAdminOut,
    tags=["People and access"],
    operation_id="member_reactivate",
    summary="Reactivate a deactivated member",
)
def member_reactivate(request: HttpRequest, pk: PathId) -> Any:
    actor = current_actor(request)
    access.member_reactivate(actor=actor, user_id=pk)
    return selectors.member_get(actor=actor, user_id=pk)


@router.get(
    "/members/{int:pk}/handover",
    response=schemas.HandoverOut,
    tags=["People and access"],
    operation_id="member_handover_get",
    summary="A member's open work, per kind",
)
def member_handover_get(request: HttpRequest, pk: PathId) -> Any:
    return {"open": handover.handover_counts(actor=current_actor(request), user_id=pk)}


@router.post(
    "/members/{int:pk}/handover",
    response=schemas.HandoverOut,
    tags=["People and access"],
    operation_id="member_handover",
    summary="Hand a member's open work over to colleagues, kind by kind",
)
def member_handover(request: HttpRequest, pk: PathId, payload: schemas.HandoverIn) -> Any:
    actor = current_actor(request)
    moved = handover.handover_run(actor=actor, user_id=pk, to=payload.to)
    return {"open": handover.handover_counts(actor=actor, user_id=pk), "moved": moved}


@router.get(
    "/invitations",
    response=list[schemas.InvitationOut],
    tags=["People and access"],
    operation_id="invitation_list",
    summary="Invitations, newest first (RevOps admins)",
)
@paginate(Pagination)
def invitation_list(request: HttpRequest) -> Any:
    return selectors.invitation_list(actor=current_actor(request))


@router.post(
    "/invitations",
    response={201: schemas.InvitationCreatedOut},
    tags=["People and access"],
    operation_id="invitation_create",
    summary="Invite someone by e-mail with a role (and pods): the link is in this answer only",
)
def invitation_create(request: HttpRequest, payload: schemas.InvitationIn) -> Any:
    invitation, url = access.invitation_create(
        actor=current_actor(request),
        email=payload.email,
        role=payload.role,
        pod_ids=payload.pod_ids,
        site_url=request.build_absolute_uri("/").rstrip("/"),
    )
    out = schemas.InvitationOut.from_orm(invitation)
    return 201, schemas.InvitationCreatedOut(**out.model_dump(), url=url)


@router.post(
    "/invitations/{int:pk}/revoke",
    response=schemas.InvitationOut,
    tags=["People and access"],
    operation_id="invitation_revoke",
    summary="Withdraw a pending invitation: its link is refused from now on",
)
def invitation_revoke(request: HttpRequest, pk: PathId) -> Any:
    return access.invitation_revoke(actor=current_actor(request), invitation_id=pk)


# -- notification preferences -------------------------------------------------------------------


@router.get(
    "/me/notification-preferences",
    response=list[schemas.NotificationPreferenceOut],
    tags=["Me"],
    operation_id="notification_preferences_get",
    summary="How I hear of each kind of notification in this workspace",
)
def notification_preferences_get(request: HttpRequest) -> Any:
    return selectors.notification_preferences(actor=current_actor(request))


@router.patch(
    "/me/notification-preferences",
    response=list[schemas.NotificationPreferenceOut],
    tags=["Me"],
    operation_id="notification_preferences_update",
    summary="Choose, per kind: in the app, e-mail at once, daily digest, or off",
)
def notification_preferences_update(
    request: HttpRequest, payload: schemas.NotificationPreferencesIn
) -> Any:
    actor = current_actor(request)
    choices = {str(kind): str(channel) for kind, channel in payload.preferences.items()}
    services.notification_preferences_set(actor=actor, choices=choices)
    return selectors.notification_preferences(actor=actor)
