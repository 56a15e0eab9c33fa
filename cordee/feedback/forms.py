"""The forms of the feedback pages: they draw the controls; the API's input schemas judge what
comes back (``core.web.SchemaForm``), the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.core.actor import Actor
from cordee.core.web import SchemaForm, SearchPicker
from cordee.crm.models import Campaign
from cordee.feedback import schemas
from cordee.feedback.attachments import ALLOWED
from cordee.feedback.models import FeedbackKind
from cordee.feedback.selectors.pages import competitor_options
from cordee.funnel.selectors import rejection_reasons

LINKS = ("account", "opportunity", "lead")  # prefilled from the page the person came from


def _optional(choices: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    return [("", _("— none —")), *choices]


class FeedbackForm(SchemaForm):
    schema = schemas.FeedbackIn

    kind = forms.ChoiceField(label=gettext_lazy("Kind"))
    title = forms.CharField(
        label=gettext_lazy("Short title"),
        help_text=gettext_lazy("What you heard, in a few words."),
    )
    text = forms.CharField(
        label=gettext_lazy("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Who said it, in which context, what they compared us with."),
    )
    competitor = forms.TypedChoiceField(
        label=gettext_lazy("Competitor"), required=False, coerce=int, empty_value=None
    )
    rejection_reason = forms.TypedChoiceField(
        label=gettext_lazy("Rejection reason"), required=False, coerce=int, empty_value=None
    )
    # typed, then picked (``core.web.SearchPicker``): a workspace has thousands of campaigns
    campaign = forms.IntegerField(label=gettext_lazy("Campaign"), required=False)
    account = forms.IntegerField(required=False, widget=forms.HiddenInput)
    opportunity = forms.IntegerField(required=False, widget=forms.HiddenInput)
    lead = forms.IntegerField(required=False, widget=forms.HiddenInput)
    attachment = forms.FileField(
        label=gettext_lazy("Attachment"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{e}" for e in ALLOWED)}),
    )

    def __init__(self, *, actor: Actor, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        kind: Any = self.fields["kind"]
        kind.choices = [("", _("Choose…")), *FeedbackKind.choices]
        fields: Any = self.fields
        fields["competitor"].choices = _optional(competitor_options(actor=actor))
        fields["campaign"].widget = SearchPicker(
            url=reverse("search_pick", args=[actor.workspace.slug]),
            kind="campaign",
            queryset=Campaign.objects.filter(workspace=actor.workspace),
        )
        fields["rejection_reason"].choices = _optional(
            [(r.pk, r.label) for r in rejection_reasons(actor=actor)]
        )
        self.fields["title"].widget.attrs.update(autocomplete="off")
        self.fields["attachment"].help_text = _("Optional: up to 10 MB (%(kinds)s).") % {
            "kinds": ", ".join(ALLOWED)
        }

    def submit_data(self) -> dict[str, Any]:
        """The cleaned values as ``feedback_submit`` takes them (links as ids, blanks left out)."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "attachment"}
        if data.get("kind") != FeedbackKind.LEAD_QUALITY:
            data.pop("rejection_reason", None)  # the field is hidden for other kinds
        return {k: v for k, v in data.items() if v not in (None, "")}


class SettingsForm(SchemaForm):
    schema = schemas.SettingsIn

    acknowledge_within_days = forms.IntegerField(
        label=gettext_lazy("Acknowledge within (business days)"),
        help_text=gettext_lazy(
            "Counted on the workspace's business calendar (working days and public holidays)."
        ),
    )
