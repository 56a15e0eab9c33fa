"""How each kind of shared record is written, searched and filtered (see ``core.records``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cordee.core.actor import Actor
from cordee.core.codes import country_code, currency_code
from cordee.core.errors import ValidationFailed
from cordee.core.records import Filter, RecordSpec
from cordee.crm import models as m
from cordee.people.models import Workspace, normalize_email

_COMMON = ("source_system", "external_id")


def _lead_defaults(actor: Actor, lead: Any) -> None:
    if lead.stage_entered_at is None:
        lead.stage_entered_at = timezone.now()
    if lead.source_campaign_id and not lead.source_channel:
        lead.source_channel = lead.source_campaign.channel


def _code(record: Any, name: str, rule: Callable[[str], str]) -> None:
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
    _code(account, "country", country_code)


def _contact_normalise(actor: Actor, contact: Any) -> None:
    contact.email = normalize_email(contact.email)
    _code(contact, "country", country_code)


# Defaults of a new record, wherever it comes from: the record services below (pages and API)
# and the imports (``dataio.kinds``), which check the same codes row by row.


def campaign_dates_error(start: Any, end: Any) -> str | None:
    """Why a campaign's dates are refused, if they are (the table's check says the same)."""
    if start and end and end < start:
        return gettext("The campaign ends before it starts.")
    return None


def campaign_defaults(workspace: Workspace, campaign: Any) -> None:
    if not campaign.currency:
        campaign.currency = workspace.currency


def opportunity_defaults(workspace: Workspace, opportunity: Any) -> None:
    if opportunity.created_on is None:
        opportunity.created_on = workspace.today()
    if not opportunity.currency:
        opportunity.currency = workspace.currency


def _campaign_defaults(actor: Actor, campaign: Any) -> None:
    _code(campaign, "currency", currency_code)
    error = campaign_dates_error(campaign.start_date, campaign.end_date)
    if error:
        raise ValidationFailed(
            gettext("Some fields are not valid."), field_errors={"end_date": [error]}
        )
    campaign_defaults(actor.workspace, campaign)


def _opportunity_defaults(actor: Actor, opportunity: Any) -> None:
    _code(opportunity, "currency", currency_code)
    opportunity_defaults(actor.workspace, opportunity)


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
        *_COMMON,
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
        *_COMMON,
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
        *_COMMON,
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
)

TOUCHPOINTS = RecordSpec(
    key="touchpoints",
    model=m.Touchpoint,
    capability="touchpoint.write",
    fields=(
        "contact",
        "lead",
        "campaign",
        "channel",
        "kind",
        "occurred_at",
        "actor",
        "note",
        *_COMMON,
    ),
    search=("contact__last_name", "contact__email", "campaign__name", "note"),
    filters=(
        Filter("kind", "kind", kind="choice", label=_("Kind"), choices=m.TouchKind.choices),
        Filter("channel", "channel", kind="choice", label=_("Channel"), choices=m.Channel.choices),
        Filter("campaign", "campaign_id", kind="int", label=_("Campaign")),
        Filter("lead", "lead_id", kind="int", label=_("Lead")),
        Filter("contact", "contact_id", kind="int", label=_("Contact")),
        Filter("sales_activity", "is_sales_activity", kind="bool", label=_("Sales activity")),
    ),
    select_related=("contact", "campaign", "actor"),
    orderings={"-when": ("-occurred_at", "-id"), "when": ("occurred_at", "id")},
)

LEADS = RecordSpec(
    key="leads",
    model=m.Lead,
    capability="lead.write",
    fields=("contact", "source_campaign", "source_channel", "owner", "pod", *_COMMON),
    search=(
        "contact__first_name",
        "contact__last_name",
        "contact__email",
        "contact__account__name",
    ),
    filters=(
        Filter("stage", "stage", kind="choice", label=_("Stage"), choices=m.Stage.choices),
        Filter(
            "source_channel",
            "source_channel",
            kind="choice",
            label=_("Source channel"),
            choices=m.Channel.choices,
        ),
        Filter("campaign", "source_campaign_id", kind="int", label=_("Campaign")),
        Filter("owner", "owner_id", kind="int", label=_("Owner")),
        Filter("pod", "pod_id", kind="int", label=_("Pod")),
        Filter("min_score", "score__gte", kind="int", label=_("Minimum score")),
        Filter("created_after", "created_at__date__gte", kind="date", label=_("Created after")),
    ),
    select_related=("contact", "contact__account", "source_campaign", "owner", "pod"),
    orderings={
        "-created": ("-created_at", "-id"),
        "-score": ("-score", "-id"),
        "stage": ("stage", "-id"),
    },
    before_save=_lead_defaults,
)

OPPORTUNITIES = RecordSpec(
    key="opportunities",
    model=m.Opportunity,
    capability="opportunity.write",
    fields=(
        "name",
        "account",
        "lead",
        "owner",
        "amount",
        "currency",
        "stage",
        "created_on",
        "close_date",
        "loss_reason",
        "source",
        "primary_campaign",
        "pod",
        *_COMMON,
    ),
    search=("name", "account__name"),
    filters=(
        Filter(
            "stage", "stage", kind="choice", label=_("Stage"), choices=m.OpportunityStage.choices
        ),
        Filter(
            "source",
            "source",
            kind="choice",
            label=_("Source"),
            choices=m.OpportunitySource.choices,
        ),
        Filter("owner", "owner_id", kind="int", label=_("Owner")),
        Filter("account", "account_id", kind="int", label=_("Account")),
        Filter("pod", "pod_id", kind="int", label=_("Pod")),
        Filter("campaign", "primary_campaign_id", kind="int", label=_("Campaign")),
        Filter("closes_after", "close_date__gte", kind="date", label=_("Closes after")),
        Filter("closes_before", "close_date__lte", kind="date", label=_("Closes before")),
    ),
    select_related=("account", "owner", "primary_campaign", "pod"),
    orderings={
        "-created": ("-created_on", "-id"),
        "-amount": ("-amount", "-id"),
        "close": ("close_date", "id"),
    },
    before_save=_opportunity_defaults,
)

SPECS = {
    spec.key: spec for spec in (ACCOUNTS, CONTACTS, CAMPAIGNS, TOUCHPOINTS, LEADS, OPPORTUNITIES)
}
