"""The forms of the administration pages. The settings form only draws the controls and holds
what was typed: its values are judged by the API's own input schemas (``WorkspacePatch``,
``MqlThresholdIn``, the feedback ``SettingsIn``) and then by the services, so a page and an API
client meet the same rules and read the same messages."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from functools import cache
from typing import Any

import holidays as holidays_lib
import pydantic
from django import forms
from django.conf import settings
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cordee.administration.services import SettingsChange
from cordee.core.api import schema_errors
from cordee.core.web import Form
from cordee.feedback.schemas import SettingsIn
from cordee.funnel.schemas import MqlThresholdIn
from cordee.people.schemas import WorkspacePatch
from cordee.tenancy.calendar import WEEKDAYS as DAY_CODES
from cordee.tenancy.models import Workspace

_DATES = re.compile(r"[\s,;]+")


@cache
def time_zones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


@cache
def holiday_countries() -> dict[str, list[str]]:
    return {c: list(s) for c, s in sorted(holidays_lib.list_supported_countries().items())}


def _number(**attrs: Any) -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "numeric", **attrs})


class SettingsForm(Form):
    """The controls of the settings page; ``window_slots`` windows per weekday (two: a morning
    and an afternoon, the lunch break between them — more when the workspace has more)."""

    name = forms.CharField(label=_("Name"), required=False)
    default_language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("What people read until they choose their own, and the digests' language."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        help_text=_("ISO code of the amounts of the reports, e.g. EUR."),
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )
    fiscal_year_start_month = forms.ChoiceField(
        label=_("Fiscal year starts in"), choices=list(MONTHS.items()), required=False
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        required=False,
        help_text=_("IANA name, e.g. Europe/Paris: the clock of every SLA and report."),
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    country = forms.CharField(
        label=_("Country of the public holidays"),
        required=False,
        help_text=_("ISO code, e.g. FR."),
        widget=forms.TextInput(attrs={"list": "countries", "size": 4, "autocomplete": "off"}),
    )
    subdivision = forms.CharField(
        label=_("Region of the public holidays"),
        required=False,
        help_text=_("Optional: a subdivision with holidays of its own (e.g. 57 for Moselle)."),
        widget=forms.TextInput(attrs={"list": "subdivisions", "size": 8, "autocomplete": "off"}),
    )
    extra_holidays = forms.CharField(
        label=_("Added days off"),
        required=False,
        help_text=_(
            "Days the company does not work besides public holidays: YYYY-MM-DD, one a line."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    worked_holidays = forms.CharField(
        label=_("Public holidays worked"),
        required=False,
        help_text=_("Public holidays the company works all the same: YYYY-MM-DD, one a line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    mql_threshold = forms.CharField(
        label=_("MQL threshold"),
        required=False,
        help_text=_("A lead whose score reaches it becomes an MQL (1–1000)."),
        widget=_number(min=1, max=1000),
    )
    acknowledge_within_days = forms.CharField(
        label=_("Feedback acknowledged within (business days)"),
        required=False,
        help_text=_("Marketing's commitment to acknowledge each field feedback item (1–30)."),
        widget=_number(min=1, max=30),
    )
    log_retention_days = forms.CharField(
        label=_("Days to keep request and delivery logs"),
        required=False,
        help_text=_(
            "Incoming webhook requests and finished webhook deliveries older than this are "
            "deleted every night (1–3650). Empty: the instance's default, %(days)s days."
        ),
        widget=_number(min=1, max=3650),
    )
    allow_cross_pod_queues = forms.BooleanField(
        label=_("Reps may see other pods' queues"), required=False
    )
    require_two_factor_for_admins = forms.BooleanField(
        label=_("RevOps admins must use two-factor sign-in"),
        required=False,
        help_text=_("An admin without it is sent to set it up before anything else."),
    )
    # drawn as the week's table (``week``); here so that its errors have a field to go to
    business_hours = forms.CharField(
        label=_("Business hours"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, window_slots: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window_slots = window_slots
        self.fields["log_retention_days"].help_text = self.fields[
            "log_retention_days"
        ].help_text % {"days": settings.LOG_RETENTION_DAYS}
        for i, day in enumerate(DAY_CODES):
            for slot in range(window_slots):
                for end, words in (
                    ("start", gettext("%(day)s, window %(n)s, from")),
                    ("end", gettext("%(day)s, window %(n)s, to")),
                ):
                    label = words % {"day": WEEKDAYS[i], "n": slot + 1}
                    self.fields[window_field(day, slot, end)] = forms.CharField(
                        required=False,
                        widget=forms.TimeInput(attrs={"type": "time", "aria-label": label}),
                    )

    def week(self) -> list[dict[str, Any]]:
        """Each weekday's name and its windows' bound fields, for the template's table."""
        return [
            {
                "code": day,
                "name": WEEKDAYS[i],
                "windows": [
                    (self[window_field(day, s, "start")], self[window_field(day, s, "end")])
                    for s in range(self.window_slots)
                ],
            }
            for i, day in enumerate(DAY_CODES)
        ]


def window_field(day: str, slot: int, end: str) -> str:
    return f"hours_{day}_{slot}_{end}"


def window_slots(workspace: Workspace) -> int:
    return max(2, *(len(w) for w in (workspace.business_hours or {}).values()), 2)


def initial_values(workspace: Workspace, acknowledge_within_days: int) -> dict[str, Any]:
    """The form's values from the stored settings."""
    values: dict[str, Any] = {
        "name": workspace.name,
        "default_language": workspace.default_language,
        "currency": workspace.currency,
        "fiscal_year_start_month": workspace.fiscal_year_start_month,
        "time_zone": workspace.time_zone,
        "country": workspace.country,
        "subdivision": workspace.subdivision,
        "extra_holidays": "\n".join(str(d) for d in workspace.extra_holidays),
        "worked_holidays": "\n".join(str(d) for d in workspace.worked_holidays),
        "mql_threshold": workspace.mql_threshold,
        "acknowledge_within_days": acknowledge_within_days,
        "log_retention_days": workspace.log_retention_days or "",
        "allow_cross_pod_queues": workspace.allow_cross_pod_queues,
        "require_two_factor_for_admins": workspace.require_two_factor_for_admins,
    }
    for day, windows in (workspace.business_hours or {}).items():
        for slot, (start, end) in enumerate(windows):
            values[window_field(day, slot, "start")] = start
            values[window_field(day, slot, "end")] = end
    return values


def _field(key: str) -> str:
    """A schema's error location (``business_hours.mon``, ``extra_holidays[2]``) → the page's
    field."""
    return key.split(".")[0].split("[")[0]


def read_settings(
    data: Mapping[str, Any], slots: int
) -> tuple[SettingsChange, dict[str, list[str]]]:
    """What the form sent, as the change the service takes and the errors of the values the
    schemas refuse (those values are left out of the change). A control not sent leaves its
    setting as it is, as a field left out of ``PATCH /workspace`` does."""
    errors: dict[str, list[str]] = {}
    hours: dict[str, list[list[str]]] = {}
    for day in DAY_CODES:
        windows = []
        for slot in range(slots):
            start = str(data.get(window_field(day, slot, "start"), "")).strip()
            end = str(data.get(window_field(day, slot, "end"), "")).strip()
            if start or end:
                windows.append([start, end])  # a missing end is refused by the calendar rules
        if windows:
            hours[day] = windows
    values: dict[str, Any] = {}
    for name in ("name", "default_language", "fiscal_year_start_month", "time_zone", "subdivision"):
        if name in data:
            values[name] = str(data[name]).strip()
    for name in ("currency", "country"):
        if name in data:
            values[name] = str(data[name]).strip().upper()
    for name in ("extra_holidays", "worked_holidays"):
        if name in data:
            values[name] = [d for d in _DATES.split(str(data[name])) if d]
    if any(str(key).startswith("hours_") for key in data):
        values["business_hours"] = hours
    for name in ("allow_cross_pod_queues", "require_two_factor_for_admins"):
        if name in data:  # a hidden "" before the checkbox's "on"
            values[name] = data.get(name) in ("on", "true")
    if "log_retention_days" in data:
        values["log_retention_days"] = str(data["log_retention_days"]).strip() or None
    workspace: dict[str, Any] = {}
    try:
        workspace = WorkspacePatch.model_validate(values).model_dump(exclude_unset=True)
    except pydantic.ValidationError as exc:
        for key, messages in schema_errors(exc.errors()).items():
            errors.setdefault(_field(key), []).extend(messages)
        good = {k: v for k, v in values.items() if k not in errors}
        workspace = WorkspacePatch.model_validate(good).model_dump(exclude_unset=True)
    threshold = days = None
    if "mql_threshold" in data:
        threshold = _one(
            MqlThresholdIn, "threshold", data["mql_threshold"], errors, "mql_threshold"
        )
    if "acknowledge_within_days" in data:
        days = _one(SettingsIn, "acknowledge_within_days", data["acknowledge_within_days"], errors)
    return SettingsChange(workspace, threshold, days), errors


def _one(
    schema: type[pydantic.BaseModel],
    name: str,
    raw: Any,
    errors: dict[str, list[str]],
    field: str = "",
) -> Any:
    """One value read by its API schema; an error is kept under the page's ``field``."""
    raw = str(raw if raw is not None else "").strip()
    try:
        return getattr(schema.model_validate({name: raw}), name)
    except pydantic.ValidationError as exc:
        errors.setdefault(field or name, []).extend(
            m for ms in schema_errors(exc.errors()).values() for m in ms
        )
        return None


class WorkspaceCreateForm(Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=60,
        required=False,
        help_text=_(
            "The workspace's part of its pages' address, /w/<address>/. Empty: from the name."
        ),
    )
    default_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        initial="FR",
        help_text=_("ISO code, e.g. FR: its public holidays."),
        widget=forms.TextInput(attrs={"list": "countries", "size": 4, "autocomplete": "off"}),
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial="Europe/Paris",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    admin_email = forms.EmailField(
        label=_("First RevOps admin's e-mail"),
        help_text=_(
            "Someone who already has an account becomes RevOps admin of the new workspace; "
            "someone new gets an account without a password, to set through the password reset."
        ),
    )


class WorkspaceDeleteForm(Form):
    confirm_name = forms.CharField(label=_("Type the workspace's name to confirm"))
