"""Writes of the readiness kit: what a rep needs to call the campaign's leads.

Marketing writes it (``kit.write``): a talk track, the expected objections with their answers,
a FAQ, and assets (a file or an http(s) link). Every change — the texts, an asset added or
removed — raises the kit's version, is audited, and tells the reps of the target pods (the
brief's ``pods``; a rep: a member of such a pod on the sales side). A save that changes nothing
is not a new version.

Each of those reps acknowledges the kit ("read, ready", ``kit.acknowledge``): an acknowledgement
is of the version read; after a new version it shows as "read an earlier version" until the rep
acknowledges again.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import IO, Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.codesign.models import BriefVersion, Kit, KitAcknowledgement, KitAsset
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.core.text import control_character_message, first_control_character
from cordee.core.uploads import upload_check
from cordee.crm.models import Campaign
from cordee.people.models import Pod
from cordee.people.services import notification_new, notifications_send
from cordee.tenancy.models import User
from cordee.tenancy.roles import Role, Side

TEXT_MAX = 10_000  # the talk track, an answer
QUESTION_MAX = 500  # an objection, a question
ROWS_MAX = 50  # objections, questions
TITLE_MAX = 200
URL_MAX = 1000
# an asset's file: at most 20 MB, of a kind a rep opens (a deck, a one-pager, a price list), its
# content matching its extension (a renamed executable or an HTML page called deck.pdf is refused)
FILE_MAX_MB = 20
FILE_MAX_BYTES = FILE_MAX_MB * 1024 * 1024
FILE_KINDS = ("pdf", "pptx", "docx", "xlsx", "png", "jpg", "jpeg", "webp", "txt", "csv")
# who a kit is for, and who the alignment numbers count: the sales reps — AEs and SDRs
# (PRODUCT.md), not the sales managers (who may still read the kit and say so)
REP_ROLES = (Role.SDR.value, Role.SALES_REP.value)

KIT_PUBLISHED = "codesign.kit_published"
KIT_CHANGED = "codesign.kit_changed"


def may_write(actor: Actor) -> bool:
    return actor.can("kit.write")


def _require_write(actor: Actor, campaign: Campaign) -> None:
    if not may_write(actor):
        raise PermissionDenied(_("Only marketing writes the readiness kit."))
    if campaign.workspace_id != actor.workspace.pk:  # another workspace's: not found, as reads
        raise NotFound(_("Campaign not found."))


# -- who the kit is for ---------------------------------------------------------------------------


def target_pod_ids(campaign: Campaign) -> list[int]:
    """The target pods of the campaign's brief as last saved (none without a brief)."""
    pods = (
        BriefVersion.objects.filter(campaign=campaign)
        .order_by("-number")
        .values_list("pods", flat=True)
        .first()
    )
    return [int(p) for p in pods or []]


def target_pods(campaign: Campaign) -> QuerySet[Pod]:
    return Pod.objects.filter(workspace_id=campaign.workspace_id, pk__in=target_pod_ids(campaign))


def target_reps(campaign: Campaign, pod_ids: list[int] | None = None) -> QuerySet[User]:
    """The reps the kit is for: active sales reps (``REP_ROLES``) of the workspace who belong to
    a target pod, by name."""
    if pod_ids is None:
        pod_ids = target_pod_ids(campaign)
    return (
        User.objects.filter(
            is_active=True,
            pod_memberships__pod__in=pod_ids,
            pod_memberships__pod__workspace_id=campaign.workspace_id,
        )
        .filter(
            memberships__workspace_id=campaign.workspace_id,
            memberships__is_active=True,
            memberships__role__in=REP_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def may_acknowledge(actor: Actor, pod_ids: list[int], member_of: set[int]) -> bool:
    """Whether the actor is a rep of a target pod (``member_of``: the actor's pods)."""
    return actor.side == Side.SALES and bool(set(pod_ids) & member_of)


# -- reading what marketing gives --------------------------------------------------------------


def _text(value: Any, name: str, limit: int, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    code = first_control_character(text, multiline=True)
    if code:
        errors.setdefault(name, []).append(control_character_message(code))
    elif len(text) > limit:
        errors.setdefault(name, []).append(_("Enter at most %(n)s characters.") % {"n": limit})
    return text


def _rows(value: Any, name: str, errors: dict[str, list[str]]) -> list[dict[str, str]]:
    """Rows of {"q", "a"}: a row with neither is dropped; a question needs its answer and an
    answer its question (the message names the row)."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        errors[name] = [_("Give a list of questions and answers.")]
        return []
    rows: list[dict[str, str]] = []
    problems: list[str] = []
    for raw in value:
        if not isinstance(raw, Mapping):
            problems.append(_("Give each row a question and an answer."))
            continue
        here: dict[str, list[str]] = {}
        q = _text(raw.get("q"), "q", QUESTION_MAX, here)
        a = _text(raw.get("a"), "a", TEXT_MAX, here)
        if not q and not a:
            continue
        n = len(rows) + 1
        for message in here.get("q", []) + here.get("a", []):
            problems.append(_("Row %(n)s: %(problem)s") % {"n": n, "problem": message})
        if q and not a:
            problems.append(_("Row %(n)s: write the answer to “%(q)s”.") % {"n": n, "q": q[:80]})
        elif a and not q:
            problems.append(_("Row %(n)s: write the question this answers.") % {"n": n})
        rows.append({"q": q, "a": a})
    if len(rows) > ROWS_MAX:
        problems.append(_("At most %(n)s rows.") % {"n": ROWS_MAX})
    if problems:
        errors[name] = problems
    return rows


def clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """The kit's texts from ``data``, or a 422 naming every field that is not valid."""
    errors: dict[str, list[str]] = {}
    out = {
        "talk_track": _text(data.get("talk_track"), "talk_track", TEXT_MAX, errors),
        "objections": _rows(data.get("objections"), "objections", errors),
        "faq": _rows(data.get("faq"), "faq", errors),
    }
    if errors:
        raise ValidationFailed(_("Some fields of the kit are not valid."), field_errors=errors)
    return out


def check_file(name: str, size: int, stream: IO[bytes]) -> None:
    """Raise a ``ValidationFailed`` naming the ``file`` field unless the file is at most
    ``FILE_MAX_MB``, of an accepted kind, and its content matches its extension."""
    upload_check(name, size, stream, field="file", max_mb=FILE_MAX_MB, kinds=FILE_KINDS)


def clean_link(value: Any) -> str:
    """An http(s) link, or a 422 naming the ``url`` field."""
    url = str(value or "").strip()
    parts = urlsplit(url)
    if (
        len(url) > URL_MAX
        or parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or first_control_character(url, multiline=False)
        or " " in url
    ):
        message = _("Enter a link starting with http:// or https://.")
        raise ValidationFailed(message, field_errors={"url": [message]})
    return url


# -- the writes -----------------------------------------------------------------------------------


def kit_url(campaign: Campaign) -> str:
    return reverse("kit_detail", args=[campaign.workspace.slug, campaign.pk])


def _notify(kit: Kit, campaign: Campaign) -> None:
    """Tell the target reps of this version (once each: the key names the version)."""
    code = KIT_PUBLISHED if kit.version == 1 else KIT_CHANGED
    url = kit_url(campaign)
    notifications_send(
        notifications=[
            notification_new(
                workspace=campaign.workspace,
                user=rep,
                kind="codesign.kit",
                key=f"codesign.kit:{kit.pk}:v{kit.version}",
                code=code,
                params={"campaign": campaign.name, "version": kit.version},
                url=url,
            )
            for rep in target_reps(campaign)
        ]
    )


def _locked_kit(campaign: Campaign) -> Kit | None:
    return Kit.objects.select_for_update().filter(campaign=campaign).first()


def _new_version(
    actor: Actor, campaign: Campaign, kit: Kit | None, values: Mapping[str, Any] | None = None
) -> Kit:
    """The kit with its next version (the first: a new kit) and ``values``, saved; the reps are
    told once the transaction commits."""
    if kit is None:
        kit = Kit(workspace=actor.workspace, campaign=campaign, version=1)
    else:
        kit.version += 1
    for name, value in (values or {}).items():
        setattr(kit, name, value)
    kit.updated_at, kit.updated_by = timezone.now(), actor.user
    kit.save()
    saved = kit
    transaction.on_commit(lambda: _notify(saved, campaign))
    return kit


KIT_FIELDS = ("talk_track", "objections", "faq")


def kit_save(actor: Actor, campaign: Campaign, data: Mapping[str, Any]) -> tuple[Kit, bool]:
    """Save the kit's texts; (the kit, whether it changed: then it is a new version)."""
    _require_write(actor, campaign)
    values = clean(data)
    with transaction.atomic():
        kit = _locked_kit(campaign)
        if kit is not None and all(getattr(kit, k) == v for k, v in values.items()):
            return kit, False
        before = audit.snapshot(kit, KIT_FIELDS) if kit is not None else {}
        action = "create" if kit is None else "update"
        kit = _new_version(actor, campaign, kit, values)
        old, new = audit.changed(before, audit.snapshot(kit, KIT_FIELDS))
        audit.audit_write(
            actor=actor,
            action=action,
            target="kits",
            target_id=kit.pk,
            target_label=f"{campaign} · v{kit.version}",
            before=old or None,
            after={"version": kit.version, **new},
        )
    return kit, True


def asset_add(
    actor: Actor,
    campaign: Campaign,
    *,
    title: Any,
    url: Any = "",
    file: Any = None,
) -> KitAsset:
    """Add a file or a link to the kit (a new version; the kit is created if it had none)."""
    _require_write(actor, campaign)
    errors: dict[str, list[str]] = {}
    title_text = str(title or "").strip()
    if not title_text:
        errors["title"] = [_("Give the asset a title.")]
    elif len(title_text) > TITLE_MAX or first_control_character(title_text, multiline=False):
        errors["title"] = [_("Enter at most %(n)s characters on one line.") % {"n": TITLE_MAX}]
    has_url = bool(str(url or "").strip())
    if has_url == (file is not None):
        errors["file" if file is None else "url"] = [_("Give either a file or a link.")]
    if errors:
        raise ValidationFailed(_("The asset is not valid."), field_errors=errors)
    link = clean_link(url) if has_url else ""
    if file is not None:
        check_file(file.name, file.size, file)
    stored = ""
    asset = KitAsset(workspace=actor.workspace, title=title_text, url=link, created_by=actor.user)
    try:
        with transaction.atomic():
            kit = _new_version(actor, campaign, _locked_kit(campaign))
            asset.kit, asset.created_at = kit, kit.updated_at
            if file is not None:
                asset.file.save(PurePath(file.name).name, file, save=False)
                stored = asset.file.name or ""
            asset.save()
            audit.audit_write(
                actor=actor,
                action="create",
                target="kit-assets",
                target_id=asset.pk,
                target_label=f"{campaign} · {asset.title}",
                after={"title": asset.title, "url": asset.url, "file": stored},
            )
    except BaseException:
        if stored:  # no file left behind without its row
            asset.file.storage.delete(stored)
        raise
    return asset


def asset_delete(actor: Actor, asset: KitAsset) -> Kit:
    """Remove an asset from its kit (a new version); its file is deleted once committed."""
    campaign = asset.kit.campaign
    _require_write(actor, campaign)
    with transaction.atomic():
        kit = _new_version(actor, campaign, _locked_kit(campaign))
        stored, storage = asset.file.name, asset.file.storage
        audit.audit_write(
            actor=actor,
            action="delete",
            target="kit-assets",
            target_id=asset.pk,
            target_label=f"{campaign} · {asset.title}",
            before={"title": asset.title, "url": asset.url, "file": stored or ""},
        )
        asset.delete()
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))
    return kit


def kit_acknowledge(actor: Actor, campaign: Campaign) -> KitAcknowledgement:
    """The actor read the kit as it is now and is ready. Only the reps of the target pods."""
    if campaign.workspace_id != actor.workspace.pk:
        raise NotFound(_("Campaign not found."))
    if actor.side != Side.SALES or not actor.can("kit.acknowledge"):
        raise PermissionDenied(
            _("Only the sales reps of the campaign’s target pods acknowledge its kit.")
        )
    pod_ids = target_pod_ids(campaign)
    member_of = set(
        actor.user.pod_memberships.filter(pod__workspace=actor.workspace).values_list(
            "pod_id", flat=True
        )
    )
    if not may_acknowledge(actor, pod_ids, member_of):
        names = ", ".join(
            Pod.objects.filter(workspace=actor.workspace, pk__in=pod_ids).values_list(
                "name", flat=True
            )
        )
        raise PermissionDenied(
            _(
                "You are not a member of a target pod of this campaign (%(pods)s): only their "
                "sales reps acknowledge its kit."
            )
            % {"pods": names or _("none chosen in the brief")}
        )
    with transaction.atomic():
        kit = Kit.objects.select_for_update().filter(campaign=campaign).first()
        if kit is None:
            raise Conflict(_("This campaign has no readiness kit yet."))
        ack, _created = KitAcknowledgement.objects.update_or_create(
            kit=kit,
            user=actor.user,
            defaults={
                "workspace": actor.workspace,
                "version": kit.version,
                "acknowledged_at": timezone.now(),
            },
        )
    return ack


audit.audit_kind_register("kits", Kit._meta.verbose_name, Kit)
audit.audit_kind_register("kit-assets", KitAsset._meta.verbose_name, KitAsset)
