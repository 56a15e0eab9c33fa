"""The brief's form on the page: it draws the controls; ``services.clean`` judges the values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from cordee.core.actor import Actor
from cordee.core.web import Form
from cordee.crm.models import Channel
from cordee.funnel.planning import workspace_industries
from cordee.people.models import Pod


def _text(label: Any, *, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}))


class BriefForm(Form):
    objective = _text(_("objective"))
    segment = forms.MultipleChoiceField(
        label=_("target segment (account industries)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pods = forms.MultipleChoiceField(
        label=_("target pods"), required=False, widget=forms.CheckboxSelectMultiple
    )
    persona = _text(_("persona"))
    message = _text(_("message"))
    offer = _text(_("offer"))
    call_to_action = forms.CharField(
        label=_("call to action"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"type": "text"}),
    )
    channels = forms.MultipleChoiceField(
        label=_("channels"),
        required=False,
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = forms.CharField(
        label=_("start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.CharField(
        label=_("end date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    budget = forms.CharField(
        label=_("budget"),
        required=False,
        widget=forms.TextInput(attrs={"type": "text", "inputmode": "decimal"}),
    )
    expected_mqls = forms.CharField(
        label=_("expected MQLs"),
        required=False,
        widget=forms.TextInput(attrs={"type": "text", "inputmode": "numeric"}),
    )
    expected_sqls = forms.CharField(
        label=_("expected SQLs"),
        required=False,
        help_text=_("Leave empty: pre-filled from the expected MQLs and the planner's rates."),
        widget=forms.TextInput(attrs={"type": "text", "inputmode": "numeric"}),
    )
    expected_pipeline = forms.CharField(
        label=_("expected pipeline"),
        required=False,
        help_text=_("Leave empty: pre-filled from the expected SQLs and the average deal size."),
        widget=forms.TextInput(attrs={"type": "text", "inputmode": "decimal"}),
    )
    success_criteria = _text(_("success criteria"))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        industries = workspace_industries(actor.workspace)
        self.fields["segment"].choices = [(i, i) for i in industries]  # type: ignore[attr-defined]
        pods = Pod.objects.filter(workspace=actor.workspace).order_by("name")
        self.fields["pods"].choices = [(str(p.pk), p.name) for p in pods]  # type: ignore[attr-defined]

    def full_clean(self) -> None:
        """The service judges the values (``services.clean``); its errors are added after."""
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def values(self) -> dict[str, Any]:
        """The posted values as the service reads them (lists for the choices)."""
        data = self.data
        out: dict[str, Any] = {}
        for name in self.fields:
            if name in ("segment", "pods", "channels"):
                out[name] = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
            else:
                out[name] = data.get(name, "")
        return out
