"""Forms of the people pages: pods, the profile's language and API tokens, members,
invitations and the hand-over."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cordee.core.actor import Actor
from cordee.core.selectors import workspace_users
from cordee.core.web import Form
from cordee.crm.models import Account
from cordee.people.models import Pod
from cordee.tenancy.models import User
from cordee.tenancy.roles import Role


class CommaListField(forms.CharField):
    """A short list typed as ``Retail, Industry`` and kept as a JSON list."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]


class PodForm(Form):
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


class LanguageForm(Form):
    language = forms.ChoiceField(label=_("Language of the interface"), choices=settings.LANGUAGES)


class TokenForm(Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("Say where it will be used, for example “Nightly import”."),
    )


# -- people and access -----------------------------------------------------------------------------


class _PodsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _pods_field() -> _PodsField:
    return _PodsField(
        label=_("Pods"),
        queryset=Pod.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class InviteForm(Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MARKETER)
    pod_ids = _pods_field()

    def __init__(self, *, actor: Actor, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields["pod_ids"].queryset = Pod.objects.filter(  # type: ignore[attr-defined]
            workspace=actor.workspace
        )


class MemberForm(Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    pod_ids = _pods_field()

    def __init__(self, *, actor: Actor, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields["pod_ids"].queryset = Pod.objects.filter(  # type: ignore[attr-defined]
            workspace=actor.workspace
        )


class HandoverForm(Form):
    """One drop-down of colleagues per kind of open work (fields named after the kinds)."""

    def __init__(
        self, *, actor: Actor, leaver: User, kinds: list[tuple[str, Any]], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        colleagues = workspace_users(actor=actor).exclude(pk=leaver.pk)
        for key, label in kinds:
            self.fields[key] = forms.ModelChoiceField(
                label=label,
                queryset=colleagues,
                required=False,
                empty_label=_("— leave with them —"),
            )

    def targets(self) -> dict[str, int]:
        return {k: v.pk for k, v in self.cleaned_data.items() if v is not None}


class AcceptForm(Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
