"""Writes on workspaces, pods and API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.audit import audit_write
from cordee.core.errors import NotFound, ValidationFailed
from cordee.core.records import record_create, record_update
from cordee.core.validation import null_errors
from cordee.crm.models import Account
from cordee.people import tasks
from cordee.people.mail import language_of
from cordee.people.models import (
    Mail,
    Notification,
    NotificationPreference,
    Pod,
    PodMember,
    channels_of,
)
from cordee.people.preferences import DEFAULTS, Channel, Kind, kind_of
from cordee.people.records import PODS
from cordee.people.selectors import unread_forget
from cordee.tenancy import calendar
from cordee.tenancy.models import ApiToken, Membership, User, Workspace


def _set_pod_members(
    actor: Actor, pod: Pod, member_ids: Iterable[int], lead_ids: Iterable[int] = ()
) -> None:
    member_ids = {int(i) for i in member_ids}
    members = set(
        Membership.objects.filter(
            workspace=actor.workspace, is_active=True, user_id__in=member_ids
        ).values_list("user_id", flat=True)
    )
    unknown = member_ids - members
    if unknown:
        raise ValidationFailed(
            _("Some members are not in this workspace."),
            field_errors={
                "member_ids": [
                    _("Not members of this workspace: %(ids)s.") % {"ids": sorted(unknown)}
                ]
            },
        )
    leads = {int(i) for i in lead_ids}
    if leads - member_ids:
        raise ValidationFailed(
            _("A pod lead must be a member of the pod."),
            field_errors={
                "lead_ids": [
                    _("Not members of this pod: %(ids)s.") % {"ids": sorted(leads - member_ids)}
                ]
            },
        )
    PodMember.objects.filter(pod=pod).exclude(user_id__in=members).delete()
    existing = set(PodMember.objects.filter(pod=pod).values_list("user_id", flat=True))
    PodMember.objects.bulk_create([PodMember(pod=pod, user_id=uid) for uid in members - existing])
    PodMember.objects.filter(pod=pod).update(is_lead=False)
    PodMember.objects.filter(pod=pod, user_id__in=leads).update(is_lead=True)


def _set_named_accounts(actor: Actor, pod: Pod, account_ids: Iterable[int]) -> None:
    ids = {int(i) for i in account_ids}
    accounts = list(Account.objects.filter(workspace=actor.workspace, pk__in=ids))
    if len(accounts) != len(ids):
        missing = ids - {a.pk for a in accounts}
        raise ValidationFailed(
            _("Some accounts are not in this workspace."),
            field_errors={
                "named_account_ids": [_("Unknown accounts: %(ids)s.") % {"ids": sorted(missing)}]
            },
        )
    pod.named_accounts.set(accounts)


def pod_save(
    *,
    actor: Actor,
    data: dict[str, Any],
    pod: Pod | None = None,
    member_ids: Iterable[int] | None = None,
    lead_ids: Iterable[int] = (),
    named_account_ids: Iterable[int] | None = None,
) -> Pod:
    """Create or change a pod with its members (from both sides) and its named accounts."""
    with transaction.atomic():
        if pod is None:
            pod = record_create(actor=actor, spec=PODS, data=data)
        else:
            pod = record_update(actor=actor, spec=PODS, instance=pod, data=data)
        assert pod is not None
        if member_ids is not None:
            _set_pod_members(actor, pod, member_ids, lead_ids)
        if named_account_ids is not None:
            _set_named_accounts(actor, pod, named_account_ids)
    return pod


def pod_update(
    *,
    actor: Actor,
    pod: Pod,
    data: dict[str, Any],
    member_ids: Iterable[int] | None = None,
    lead_ids: Iterable[int] | None = None,
    named_account_ids: Iterable[int] | None = None,
) -> Pod:
    """Change some of a pod: members and leads left out keep their current value (new
    members are not leads; leads who stay members stay leads)."""
    if member_ids is None and lead_ids is None:
        return pod_save(actor=actor, data=data, pod=pod, named_account_ids=named_account_ids)
    current = dict(PodMember.objects.filter(pod=pod).values_list("user_id", "is_lead"))
    members = {int(i) for i in member_ids} if member_ids is not None else set(current)
    if lead_ids is None:
        lead_ids = [uid for uid, is_lead in current.items() if is_lead and uid in members]
    return pod_save(
        actor=actor,
        data=data,
        pod=pod,
        member_ids=members,
        lead_ids=lead_ids,
        named_account_ids=named_account_ids,
    )


WORKSPACE_SETTINGS = (
    "name",
    "currency",
    "time_zone",
    "country",
    "subdivision",
    "extra_holidays",
    "worked_holidays",
    "business_hours",
    "fiscal_year_start_month",
    "default_language",
    "allow_cross_pod_queues",
    "require_two_factor_for_admins",
    "log_retention_days",
)


def workspace_update(*, actor: Actor, data: dict[str, Any]) -> Workspace:
    """Change the actor's workspace settings (RevOps admins). Every bad value is refused with
    the field it came from; nothing is stored unless everything is valid."""
    actor.require("workspace.write")
    unknown = sorted(set(data) - set(WORKSPACE_SETTINGS))
    if unknown:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={name: [_("This field cannot be set.")] for name in unknown},
        )
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=actor.workspace.pk)
        before = audit.snapshot(workspace, data)
        for name, value in data.items():
            setattr(workspace, name, value)
        errors = workspace_errors(workspace)
        if errors:
            raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
        workspace.save()
        old, new = audit.changed(before, audit.snapshot(workspace, data))
        if new:
            audit.audit_write(
                actor=actor,
                action="update",
                target="workspace",
                target_id=workspace.pk,
                target_label=workspace.name,
                before=old,
                after=new,
            )
    return workspace


def workspace_errors(workspace: Workspace) -> dict[str, list[str]]:
    """Every field of ``workspace`` (saved or not) whose value is refused, with why: the rules
    ``workspace_update`` applies, for a page that previews settings before they are saved."""
    errors: dict[str, list[str]] = {}
    try:
        workspace.clean_fields(exclude=["slug"])
    except DjangoValidationError as exc:
        errors.update({name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()})
    errors.update(null_errors(workspace, WORKSPACE_SETTINGS))
    if "country" not in errors and "subdivision" not in errors:
        try:
            calendar.validate_country(workspace.country)
            try:
                calendar.validate_country(workspace.country, workspace.subdivision)
            except DjangoValidationError as exc:
                errors["subdivision"] = [str(m) for m in exc.messages]
        except DjangoValidationError as exc:
            errors["country"] = [str(m) for m in exc.messages]
    return errors


def api_token_create(*, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Create a personal token scoped to the actor's workspace. The secret is returned once
    and only its SHA-256 is stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("Give the token a name."), field_errors={"name": [_("This field is required.")]}
        )
    secret = ApiToken.PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            workspace=actor.workspace,
            user=actor.user,
            name=name[:80],
            key_prefix=secret[:10],
            key_hash=ApiToken.hash_secret(secret),
        )
        audit_write(
            actor=actor,
            action="create",
            target="api_token",
            target_id=token.pk,
            target_label=token.name,
            after={"name": token.name, "key_prefix": token.key_prefix},
        )
    return token, secret


def api_token_revoke(*, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (admins may revoke any token of the workspace)."""
    qs = ApiToken.objects.filter(workspace=actor.workspace, pk=token_id)
    if not actor.can("member.write"):
        qs = qs.filter(user=actor.user)
    token = qs.first()
    if token is None:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at", "updated_at"])
            audit_write(
                actor=actor,
                action="revoke",
                target="api_token",
                target_id=token.pk,
                target_label=token.name,
                before={"revoked_at": None},
                after={"revoked_at": token.revoked_at},
            )
    return token


def notifications_mark_read(*, actor: Actor, url: str | None = None) -> int:
    """Mark the actor's unread notifications in this workspace as read — all of them, or only
    those pointing at ``url`` (opening a page reads what announced it); returns how many."""

    unread = Notification.objects.filter(
        user=actor.user, workspace=actor.workspace, read_at__isnull=True
    )
    if url is not None:
        unread = unread.filter(url=url)
    read = unread.update(read_at=timezone.now())
    if read:
        _forget_after_commit([(actor.workspace.pk, actor.user.pk)])
    return read


def notifications_withdraw(*, workspace: Workspace, key: str) -> int:
    """Delete the notifications of an event taken back (``key``); returns how many."""
    told = Notification.objects.filter(workspace=workspace, key=key)
    people = list(told.values_list("workspace_id", "user_id"))
    deleted = told.delete()[0]
    _forget_after_commit(people)
    return deleted


def _forget_after_commit(people: Iterable[tuple[int, int]]) -> None:
    """The bells of these (workspace, user) count again: at once, and once the change is
    committed (in between, a page could have cached the old number)."""
    by_workspace: dict[int, set[int]] = {}
    for workspace_id, user_id in people:
        by_workspace.setdefault(workspace_id, set()).add(user_id)
    for workspace_id, user_ids in sorted(by_workspace.items()):
        unread_forget(workspace_id=workspace_id, user_ids=user_ids)
        transaction.on_commit(
            partial(unread_forget, workspace_id=workspace_id, user_ids=sorted(user_ids))
        )


# -- notifications: the one way every app tells a person something ---------------------------


@contextmanager
def speaking_to(workspace: Workspace, user: User | None = None) -> Iterator[None]:
    """Texts written inside are in ``user``'s language, else the workspace's (chat tools, which
    speak to everyone, get the workspace's): an e-mail or a webhook's text, written when sent."""
    with translation.override(language_of(workspace, user)):
        yield


def notification_new(
    *,
    workspace: Workspace,
    user: User,
    kind: str,
    key: str,
    code: str,
    params: Mapping[str, Any] | None = None,
    url: str = "",
) -> Notification:
    """A notification to send (not saved yet). It says what ``code`` says (a text registered in
    ``cordee.people.notices``) with ``params`` (JSON: dates as ISO 8601), in the language of
    whoever reads it, when they read it."""
    return Notification(
        workspace=workspace,
        user=user,
        kind=kind,
        key=key,
        code=code,
        params=dict(params or {}),
        url=url,
    )


def _as_preferred(notifications: list[Notification]) -> list[Notification]:
    """The notifications their people want (``people.preferences``: none when *off*), each
    marked for its e-mail: at once, in the daily digest, or none (in the app only, or no
    address)."""
    chosen: dict[tuple[int, int, str], Channel] = {}
    by_workspace: dict[int, set[int]] = {}
    for n in notifications:
        by_workspace.setdefault(n.workspace_id, set()).add(n.user_id)
    for workspace_id, user_ids in by_workspace.items():
        for (user_id, kind), channel in channels_of(workspace_id, sorted(user_ids)).items():
            chosen[(workspace_id, user_id, kind)] = channel
    kept = []
    for n in notifications:
        kind = kind_of(n.code)
        channel = chosen.get((n.workspace_id, n.user_id, kind), DEFAULTS[kind])
        if channel == Channel.OFF:
            continue
        if channel == Channel.EMAIL and n.user.email:
            n.mail = Mail.AT_ONCE
        elif channel == Channel.DAILY and n.user.email:
            n.mail = Mail.DAILY
        kept.append(n)
    return kept


def _mail_after_commit(notifications: list[Notification]) -> None:
    for workspace_id in sorted({n.workspace_id for n in notifications if n.mail == Mail.AT_ONCE}):
        transaction.on_commit(partial(tasks.send_notification_mails.enqueue, workspace_id))


def notifications_send(*, notifications: Iterable[Notification]) -> None:
    """Save many at once, as their people chose (``people.preferences``). ``key`` names the
    event: a person hears of it once, even when two runs race (the ``(user, key)`` constraint
    drops the second)."""
    wanted = _as_preferred(list(notifications))
    Notification.objects.bulk_create(wanted, ignore_conflicts=True)
    _mail_after_commit(wanted)
    _forget_after_commit((n.workspace_id, n.user_id) for n in wanted)


def notification_send(*, notification: Notification) -> bool:
    """Save one, as its person chose; False when that person was already told of that event
    or does not want to hear of it."""
    wanted = _as_preferred([notification])
    if not wanted:
        return False
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return False
    _mail_after_commit(wanted)
    _forget_after_commit([(notification.workspace_id, notification.user_id)])
    return True


def notification_preferences_set(*, actor: Actor, choices: Mapping[str, str]) -> dict[str, str]:
    """Choose how the actor hears of each kind of notification in this workspace (kinds left
    out keep their choice). A choice equal to the kind's default is not kept apart, so a later
    change of the default reaches whoever never chose. Returns every kind's channel now."""
    kinds, channels = {k.value for k in Kind}, {c.value for c in Channel}
    errors = {
        name: [_("Unknown kind of notification.")] for name in choices if name not in kinds
    } | {
        name: [_("Choose among: %(choices)s.") % {"choices": ", ".join(sorted(channels))}]
        for name, value in choices.items()
        if name in kinds and value not in channels
    }
    if errors:
        raise ValidationFailed(_("Some choices are not valid."), field_errors=errors)
    mine = NotificationPreference.objects.filter(workspace=actor.workspace, user=actor.user)
    with transaction.atomic():
        before = {k.value: DEFAULTS[k].value for k in Kind} | dict(
            mine.values_list("kind", "channel")
        )
        for kind, channel in choices.items():
            if channel == DEFAULTS[Kind(kind)]:
                mine.filter(kind=kind).delete()
            else:
                NotificationPreference.objects.update_or_create(
                    workspace=actor.workspace,
                    user=actor.user,
                    kind=kind,
                    defaults={"channel": channel},
                )
        after = before | dict(choices)
        old, new = audit.changed(before, after)
        if new:
            audit.audit_write(
                actor=actor,
                action="update",
                target="notification_preferences",
                target_id=actor.user.pk,
                target_label=str(actor.user),
                before=old,
                after=new,
            )
    return after
