"""The forms of the feedback pages: they parse; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.core.actor import Actor
from cordee.core.selectors import workspace_users
from cordee.crm.models import Campaign
from cordee.feedback.attachments import ALLOWED
from cordee.feedback.models import FeedbackKind, FeedbackStatus
from cordee.feedback.page_selectors import competitor_options
from cordee.funnel.selectors import rejection_reasons

LINKS = ("account", "opportunity", "lead")  # prefilled from the page the person came from


def _campaigns(actor: Actor) -> list[tuple[int, str]]:
    qs = Campaign.objects.filter(workspace=actor.workspace).only("id", "name").order_by("name")
    return [(c.pk, c.name) for c in qs]


def _optional(choices: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    return [("", _("— none —")), *choices]


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"))
    title = forms.CharField(
        label=gettext_lazy("Short title"),
        max_length=120,
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
    campaign = forms.TypedChoiceField(
        label=gettext_lazy("Campaign"), required=False, coerce=int, empty_value=None
    )
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
        fields["campaign"].choices = _optional(_campaigns(actor))
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


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(choices=FeedbackStatus.choices)
    reason = forms.CharField(required=False, max_length=500)
    expected_status = forms.ChoiceField(choices=FeedbackStatus.choices, required=False)


class AssignForm(forms.Form):
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    due_on = forms.DateField(required=False)

    def __init__(self, *, actor: Actor, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        owner: Any = self.fields["owner"]
        owner.choices = [("", "")] + [(u.pk, str(u)) for u in workspace_users(actor=actor)]


class RespondForm(forms.Form):
    text = forms.CharField(max_length=5000)
    what_changed = forms.CharField(required=False, max_length=5000)
    campaign = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    url = forms.CharField(required=False, max_length=500)

    def __init__(self, *, actor: Actor, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        campaign: Any = self.fields["campaign"]
        campaign.choices = _optional(_campaigns(actor))


class SettingsForm(forms.Form):
    acknowledge_within_days = forms.IntegerField(
        label=gettext_lazy("Acknowledge within (business days)"),
        min_value=1,
        max_value=30,
        help_text=gettext_lazy(
            "Counted on the workspace's business calendar (working days and public holidays)."
        ),
    )
