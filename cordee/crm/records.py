"""How each kind of shared record is written, searched and filtered (see ``core.records``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from cordee.core.actor import Actor
from cordee.core.codes import country_code, currency_code
from cordee.core.errors import ValidationFailed
from cordee.core.models import SYNCED_FIELDS
from cordee.core.records import Filter, RecordSpec
from cordee.crm import models as m
from cordee.crm.launch import launch_check, launching
from cordee.tenancy.models import Workspace, normalize_email


def set_code(record: Any, name: str, rule: Callable[[str], str]) -> None:
    """``record.<name>`` as ``rule`` stores it (``core.codes``); a bad value is that field's error."""
    value = getattr(record, name)
    if not value:
        return
    try:
        setattr(record, name, rule(value))
    except ValueError as exc:
        raise ValidationFailed(
            gettext("Some fields are not valid."), field_errors={name: [str(exc)]}
        ) from exc


def _account_normalise(actor: Actor, account: Any) -> None:
    set_code(account, "country", country_code)


def _contact_normalise(actor: Actor, contact: Any) -> None:
    contact.email = normalize_email(contact.email)
    set_code(contact, "country", country_code)


# Defaults of a new record, wherever it comes from: the record services below (pages and API)
# and the imports (``dataio.imports.kinds``), which check the same codes row by row.


ENDS_BEFORE_IT_STARTS = gettext_noop("The campaign ends before it starts.")


def campaign_dates_error(start: Any, end: Any, translate: Callable[[str], Any] = gettext) -> Any:
    """Why a campaign's dates are refused, if they are (the table's check says the same), in
    the active language — or through ``translate`` (an import keeps the code, read later)."""
    if start and end and end < start:
        return translate(ENDS_BEFORE_IT_STARTS)
    return None


def campaign_defaults(workspace: Workspace, campaign: Any) -> None:
    if not campaign.currency:
        campaign.currency = workspace.currency


def _campaign_defaults(actor: Actor, campaign: Any) -> None:
    set_code(campaign, "currency", currency_code)
    error = campaign_dates_error(campaign.start_date, campaign.end_date)
    if error:
        raise ValidationFailed(
            gettext("Some fields are not valid."), field_errors={"end_date": [error]}
        )
    campaign_defaults(actor.workspace, campaign)
    if launching(campaign):
        launch_check(actor, campaign)


ACCOUNTS = RecordSpec(
    key="accounts",
    model=m.Account,
    capability="account.write",
    fields=(
        "name",
        "domain",
        "industry",
        "size_band",
        "country",
        "region",
        "city",
        "owner",
        *SYNCED_FIELDS,
    ),
    search=("name", "domain", "city"),
    filters=(
        Filter("industry", "industry", label=_("Industry")),
        Filter(
            "size_band", "size_band", kind="choice", label=_("Size"), choices=m.SizeBand.choices
        ),
        Filter("region", "region", label=_("Region")),
        Filter("owner", "owner_id", kind="int", label=_("Owner")),
    ),
    select_related=("owner",),
    orderings={"name": ("name", "id"), "-created": ("-created_at", "-id")},
    before_save=_account_normalise,
)

CONTACTS = RecordSpec(
    key="contacts",
    model=m.Contact,
    capability="contact.write",
    fields=(
        "account",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "phone",
        "country",
        "owner",
        *SYNCED_FIELDS,
    ),
    search=("first_name", "last_name", "email", "job_title", "account__name"),
    filters=(
        Filter("account", "account_id", kind="int", label=_("Account")),
        Filter("owner", "owner_id", kind="int", label=_("Owner")),
    ),
    select_related=("account", "owner"),
    orderings={"name": ("last_name", "first_name", "id"), "-created": ("-created_at", "-id")},
    before_save=_contact_normalise,
)

CAMPAIGNS = RecordSpec(
    key="campaigns",
    model=m.Campaign,
    capability="campaign.write",
    fields=(
        "name",
        "channel",
        "type",
        "start_date",
        "end_date",
        "budget",
        "currency",
        "owner",
        "status",
        *SYNCED_FIELDS,
    ),
    search=("name", "type"),
    filters=(
        Filter("channel", "channel", kind="choice", label=_("Channel"), choices=m.Channel.choices),
        Filter(
            "status", "status", kind="choice", label=_("Status"), choices=m.CampaignStatus.choices
        ),
        Filter("starts_after", "start_date__gte", kind="date", label=_("Starts after")),
        Filter("starts_before", "start_date__lte", kind="date", label=_("Starts before")),
        Filter("owner", "owner_id", kind="int", label=_("Owner")),
    ),
    select_related=("owner",),
    orderings={
        "-start": ("-start_date", "-id"),
        "name": ("name", "id"),
        "-budget": ("-budget", "-id"),
    },
    before_save=_campaign_defaults,
    null_fills=("currency",),
)


SPECS = {spec.key: spec for spec in (ACCOUNTS, CONTACTS, CAMPAIGNS)}
