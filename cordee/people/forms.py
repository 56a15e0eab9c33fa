"""Forms of the people pages: pods, the profile's language and API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cordee.core.actor import Actor
from cordee.core.selectors import workspace_users
from cordee.crm.models import Account
from cordee.people.models import Pod
from cordee.tenancy.models import User


class CommaListField(forms.CharField):
    """A short list typed as ``Retail, Industry`` and kept as a JSON list."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]


class PodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    mission = forms.CharField(
        label=_("Mission"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    industries = CommaListField(
        label=_("Industries"), required=False, help_text=_("Separate them with commas.")
    )
    regions = CommaListField(
        label=_("Regions"), required=False, help_text=_("Separate them with commas.")
    )
    member_ids = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A pod works best with people from both marketing and sales."),
    )
    lead_ids = forms.ModelMultipleChoiceField(
        label=_("Pod leads"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    named_account_ids = forms.ModelMultipleChoiceField(
        label=_("Named accounts"),
        queryset=Account.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *, actor: Actor, instance: Pod | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            members = list(instance.pod_members.values_list("user_id", "is_lead"))
            kwargs["initial"] = {
                "name": instance.name,
                "mission": instance.mission,
                "industries": instance.industries,
                "regions": instance.regions,
                "member_ids": [uid for uid, _lead in members],
                "lead_ids": [uid for uid, lead in members if lead],
                "named_account_ids": list(instance.named_accounts.values_list("pk", flat=True)),
            }
        super().__init__(**kwargs)
        users = workspace_users(actor=actor)
        self.fields["member_ids"].queryset = users  # type: ignore[attr-defined]
        self.fields["lead_ids"].queryset = users  # type: ignore[attr-defined]
        self.fields["named_account_ids"].queryset = Account.objects.filter(  # type: ignore[attr-defined]
            workspace=actor.workspace
        )

    def record_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("name", "mission", "industries", "regions")}


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the interface"), choices=settings.LANGUAGES)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("Say where it will be used, for example “Nightly import”."),
    )
