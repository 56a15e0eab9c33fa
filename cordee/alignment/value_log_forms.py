"""The value log's form (the pod's page, an entry's edit page): it draws the controls; the API's
input schema judges what comes back (``core.web.SchemaForm``), the service checks and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from cordee.alignment.models import ValueKind
from cordee.alignment.pods_schemas import PodValueIn
from cordee.core.web import SchemaForm

FIELDS = ("kind", "title", "on", "link", "body")


class ValueEntryForm(SchemaForm):
    schema = PodValueIn

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ValueKind.choices)
    title = forms.CharField(
        label=gettext_lazy("What"),
        help_text=gettext_lazy("One line: what the pod shipped, changed or learned."),
    )
    on = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Empty: today."),
    )
    link = forms.CharField(
        label=gettext_lazy("Link"),
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    body = forms.CharField(
        label=gettext_lazy("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, prefix_id: str = "value", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{prefix_id}-%s")
        super().__init__(*args, **kwargs)
