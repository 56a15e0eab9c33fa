"""The programme's form (create, edit): it draws the controls; the API's input schema judges what
comes back (``core.web.SchemaForm``), the service checks the whole and writes. The sign-up and
the debrief are small hand-drawn forms on the programme's page, read by their schemas too."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from cordee.core.web import SchemaForm
from cordee.rituals.models import ProgrammeFormat
from cordee.rituals.programme_schemas import ProgrammeIn


class ProgrammeForm(SchemaForm):
    schema = ProgrammeIn

    name = forms.CharField(label=gettext_lazy("Name"))
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ProgrammeFormat.choices)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What the participants will do, and why."),
    )
    starts_on = forms.DateField(
        label=gettext_lazy("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Last day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    signup_until = forms.DateField(
        label=gettext_lazy("Sign-up until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Before the first day; empty: the day before it."),
    )
    session_minutes = forms.IntegerField(
        label=gettext_lazy("Session length (minutes)"),
        required=False,
        help_text=gettext_lazy("Empty: the format’s (210 for half a day, 420 for a day)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on", "signup_until"):
            widget: Any = self.fields[name].widget
            widget.format = "%Y-%m-%d"
