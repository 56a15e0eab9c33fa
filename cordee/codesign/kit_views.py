"""The readiness kit's pages: the kit (and marketing's form), its assets (added, removed, a file
downloaded by members only), a rep's "Read, ready"; the kit's card on the campaign and its panel
on a lead of the campaign. Each parses, calls a selector or the service, and renders."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cordee.codesign import kit as services
from cordee.codesign import kit_selectors as selectors
from cordee.codesign.models import Kit
from cordee.codesign.selectors import campaign_get
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.core.redirects import next_url
from cordee.core.web import Form, add_field_errors, workspace_view
from cordee.crm.models import Campaign
from cordee.tenancy.roles import Side

LISTS = ("objections", "faq")
BLANK_ROWS = 1  # empty rows offered below the written ones


class KitAssetForm(Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=services.TITLE_MAX)
    url = forms.CharField(
        label=gettext_lazy("link (http or https)"),
        required=False,
        max_length=services.URL_MAX,
        widget=forms.TextInput(attrs={"type": "url", "placeholder": "https://"}),
    )
    file = forms.FileField(label=gettext_lazy("or a file"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(max)s MB: %(kinds)s.") % {
            "max": services.FILE_MAX_MB,
            "kinds": ", ".join(services.FILE_KINDS),
        }

    def full_clean(self) -> None:
        """The service judges the values (``kit.asset_add``); its errors are added after."""
        self._errors = ErrorDict()
        self.cleaned_data = {}


def _posted_rows(request: HttpRequest, name: str) -> list[dict[str, Any]]:
    """The rows of a list as the form posted them (``objections-0-q``…), the removed dropped."""
    rows = []
    for i in range(services.ROWS_MAX + 10):
        q = request.POST.get(f"{name}-{i}-q")
        a = request.POST.get(f"{name}-{i}-a")
        if q is None and a is None:
            break
        if request.POST.get(f"{name}-{i}-remove"):
            continue
        rows.append({"q": q or "", "a": a or ""})
    return rows


def _page(
    request: HttpRequest,
    actor: Actor,
    campaign: Campaign,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    asset_form: KitAssetForm | None = None,
    more: str = "",
    status: int = 200,
) -> HttpResponse:
    kit = selectors.kit_get(actor=actor, campaign=campaign)
    ready = selectors.readiness(actor=actor, campaign=campaign, kit=kit)
    may_write = services.may_write(actor)
    form_values: dict[str, Any] = {}
    if may_write:
        if values is None:
            values = {
                "talk_track": kit.talk_track if kit else "",
                "objections": list(kit.objections) if kit else [],
                "faq": list(kit.faq) if kit else [],
            }
        form_values = {"talk_track": values["talk_track"]}
        for name in LISTS:
            rows = [r for r in values[name] if r.get("q") or r.get("a")]
            blank = BLANK_ROWS + (1 if more == name else 0)
            if not rows:
                blank = max(blank, 2)
            form_values[name] = rows + [{"q": "", "a": ""}] * blank
    mine = selectors.my_acknowledgement(actor=actor, kit=kit)
    member_of = selectors.my_pod_ids(actor) if actor.side == Side.SALES else set()
    return render(
        request,
        "codesign/kit.html",
        {
            "campaign": campaign,
            "kit": kit,
            "readiness": ready,
            "may_write": may_write,
            "values": form_values,
            "kit_lists": [
                (name, form_values[name], (errors or {}).get(name, []))
                for name in LISTS
                if name in form_values
            ],
            "errors": errors or {},
            "asset_form": asset_form or (KitAssetForm() if may_write else None),
            "mine": mine,
            "may_acknowledge": kit is not None
            and services.may_acknowledge(actor, [p.pk for p in ready.pods], member_of),
        },
        status=status,
    )


def _kit_page(actor: Actor, campaign: Campaign) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("kit_detail", args=[actor.workspace.slug, campaign.pk]))


@workspace_view
def kit_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The kit as it is now, who has read it and who has not; marketing's form."""
    campaign = campaign_get(actor=actor, pk=pk)
    return _page(request, actor, campaign)


@require_POST
@workspace_view
def kit_save(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    campaign = campaign_get(actor=actor, pk=pk)
    values = {
        "talk_track": request.POST.get("talk_track", ""),
        **{name: _posted_rows(request, name) for name in LISTS},
    }
    more = request.POST.get("more", "")
    if not services.may_write(actor):
        raise PermissionDenied(_("Only marketing writes the readiness kit."))
    if more in LISTS:  # "add a row": the form again, one more empty row, nothing saved
        return _page(request, actor, campaign, values=values, more=more)
    try:
        kit, changed = services.kit_save(actor, campaign, values)
    except ValidationFailed as exc:
        return _page(request, actor, campaign, values=values, errors=exc.field_errors, status=422)
    if changed:
        messages.success(request, _("Kit saved as version %(n)s.") % {"n": kit.version})
    else:
        messages.info(
            request, _("Nothing changed: the kit stays at version %(n)s.") % {"n": kit.version}
        )
    return _kit_page(actor, campaign)


@require_POST
@workspace_view
def kit_asset_add(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    campaign = campaign_get(actor=actor, pk=pk)
    form = KitAssetForm(request.POST)
    try:
        asset = services.asset_add(
            actor,
            campaign,
            title=request.POST.get("title", ""),
            url=request.POST.get("url", ""),
            file=request.FILES.get("file"),
        )
    except ValidationFailed as exc:
        add_field_errors(form, exc)
        return _page(request, actor, campaign, asset_form=form, status=422)
    messages.success(
        request,
        _("“%(title)s” added: the kit is at version %(n)s.")
        % {"title": asset.title, "n": asset.kit.version},
    )
    return _kit_page(actor, campaign)


@require_POST
@workspace_view
def kit_asset_delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    asset = selectors.asset_get(actor=actor, pk=pk)
    kit = services.asset_delete(actor, asset)
    messages.success(
        request,
        _("“%(title)s” removed: the kit is at version %(n)s.")
        % {"title": asset.title, "n": kit.version},
    )
    return _kit_page(actor, kit.campaign)


@workspace_view
def kit_asset_file(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """An asset's file, to members of its workspace only (404 otherwise), always downloaded."""
    asset = selectors.asset_get(actor=actor, pk=pk)
    if not asset.file:
        raise NotFound(_("This asset is a link, not a file."))
    try:
        handle = asset.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound(_("The file is no longer available.")) from exc
    name = PurePath(asset.file.name).name
    return FileResponse(handle, as_attachment=True, filename=name)  # type: ignore[return-value]


@require_POST
@workspace_view
def kit_acknowledge(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """A rep of a target pod: "Read, ready" (back to the page it came from: a lead's)."""
    campaign = campaign_get(actor=actor, pk=pk)
    ack = services.kit_acknowledge(actor, campaign)
    messages.success(
        request, _("Marked as read and ready (version %(n)s of the kit).") % {"n": ack.version}
    )
    return HttpResponseRedirect(
        next_url(request, reverse("kit_detail", args=[actor.workspace.slug, campaign.pk]))
    )


# -- the kit on other pages -----------------------------------------------------------------------


def kit_card_context(actor: Actor, campaign: Campaign) -> dict[str, Any]:
    """The campaign page's card: the kit's version and who is ready."""
    kit: Kit | None = Kit.objects.filter(workspace=actor.workspace, campaign=campaign).first()
    return {
        "campaign": campaign,
        "kit": kit,
        "readiness": selectors.readiness(actor=actor, campaign=campaign, kit=kit),
    }


def lead_kit_panel(actor: Actor, lead: Any) -> dict[str, Any] | None:
    """The lead page's panel (funnel.record_pages.lead_panel_register): the kit of the lead's
    source campaign, in one query (none without a source campaign)."""
    if not lead.source_campaign_id:
        return None
    kit = selectors.lead_kit(actor=actor, campaign_id=lead.source_campaign_id)
    if kit is None:
        return None
    return {
        "template": "codesign/kit_panel.html",
        "kit": kit,
        # a sales-side reader may acknowledge (the service refuses a rep of another pod)
        "may_acknowledge": actor.side == Side.SALES and actor.can("kit.acknowledge"),
    }
