"""Pages of the shared data: which columns each list shows and what each detail page adds.

The list, detail and form views themselves are the generic ones of ``core.web``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cordee.core.actor import Actor
from cordee.core.web import Column, FilterPicker, RecordPage, record_form_class, user_label
from cordee.crm import records as crm_records
from cordee.crm import selectors as crm_selectors
from cordee.crm.models import Campaign
from cordee.funnel import activity_pages, credits, records, selectors
from cordee.funnel.models import ForecastCategory, RejectionOutcome
from cordee.funnel.services import lead_create, lead_update, opportunity_save
from cordee.people.selectors import pod_choices


def campaign_choices(actor: Actor) -> list[tuple[Any, str]]:
    qs = Campaign.objects.filter(workspace=actor.workspace).only("id", "name").order_by("name")
    return [(c.pk, c.name) for c in qs]


def campaign_label(actor: Actor, pk: int) -> str:
    """One campaign of the workspace by its name ("" for another workspace's)."""
    names = Campaign.objects.filter(workspace=actor.workspace, pk=pk).values_list("name", flat=True)
    return next(iter(names), "")


_CHOICES = {"pod": pod_choices}
# owners and campaigns are typed and picked: a workspace has thousands of campaigns
_PICKERS = {
    "owner": FilterPicker("user", user_label),
    "campaign": FilterPicker("campaign", campaign_label),
}


def _account_context(actor: Actor, account: Any) -> dict[str, Any]:
    return {
        "panel": activity_pages.timeline_panel(actor, "account", account.pk),
        "contacts": list(crm_selectors.account_contacts(actor=actor, account_id=account.pk)),
        "opportunities": list(selectors.account_opportunities(actor=actor, account_id=account.pk)),
        "can_merge": actor.can("account.write") and actor.can("record.merge"),
    }


def _contact_context(actor: Actor, contact: Any) -> dict[str, Any]:
    return {
        "panel": activity_pages.timeline_panel(actor, "contact", contact.pk),
        "leads": list(selectors.contact_leads(actor=actor, contact_id=contact.pk)),
        "can_merge": actor.can("contact.write") and actor.can("record.merge"),
    }


# panels an upper app adds to a lead's page, beside its SLA clocks (codesign: the readiness kit
# of the lead's source campaign): each gets the reader and the lead and answers None (nothing to
# show) or its context, with "template": the template the page includes with it as ``panel``
# (in the page's context: its forms have their CSRF token); each costs the page one query at most
LeadPanel = Callable[[Actor, Any], dict[str, Any] | None]
_LEAD_PANELS: list[LeadPanel] = []


def lead_panel_register(panel: LeadPanel) -> None:
    """Call it from the upper app's ``ready()``."""
    if panel not in _LEAD_PANELS:
        _LEAD_PANELS.append(panel)


def _lead_context(actor: Actor, lead: Any) -> dict[str, Any]:
    return {
        "lead_panels": [shown for panel in _LEAD_PANELS if (shown := panel(actor, lead))],
        "panel": activity_pages.timeline_panel(actor, "lead", lead.pk),
        "opportunities": list(lead.opportunities.select_related("account")),
        "sla": selectors.lead_sla(actor=actor, lead=lead),
        "reasons": list(selectors.rejection_reasons(actor=actor)),
        "outcomes": RejectionOutcome.choices,
        "can_decide": actor.can("lead.decide") and lead.stage == "mql",
        "can_convert": actor.can("opportunity.write") and lead.stage == "sal",
    }


def _opportunity_context(actor: Actor, opportunity: Any) -> dict[str, Any]:
    return {
        "panel": activity_pages.timeline_panel(actor, "opportunity", opportunity.pk),
        "credit": credits.opportunity_credits(actor=actor, opportunity=opportunity),
        "can_split": actor.can("credit.split"),
    }


def _campaign_context(actor: Actor, campaign: Any) -> dict[str, Any]:
    return {
        "leads": list(selectors.campaign_leads(actor=actor, campaign_id=campaign.pk)),
        "opportunities": list(
            selectors.campaign_opportunities(actor=actor, campaign_id=campaign.pk)
        ),
        "results": selectors.campaign_results(actor=actor, campaign_id=campaign.pk),
        "members": list(crm_selectors.campaign_members(actor=actor, campaign_id=campaign.pk)),
        "members_count": crm_selectors.campaign_members_count(actor=actor, campaign_id=campaign.pk),
    }


_OPPORTUNITY_FIELDS = (
    "name",
    "account",
    "lead",
    "owner",
    "amount",
    "currency",
    "stage",
    "forecast_category",
    "close_date",
    "loss_reason",
    "source",
    "primary_campaign",
    "pod",
)


class _OpportunityForm(record_form_class(records.OPPORTUNITIES, _OPPORTUNITY_FIELDS)):  # type: ignore[misc]
    """The forecast category follows the stage unless a person chooses one: the blank choice
    says so, and is what an opportunity nobody chose a category for shows."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        category = self.fields["forecast_category"]
        category.required = False
        category.choices = [("", _("Follows the stage")), *ForecastCategory.choices]
        instance = kwargs.get("instance")
        if instance is None or not instance.forecast_chosen:
            self.initial["forecast_category"] = ""


def _save_opportunity(actor: Actor, form: forms.Form, instance: Any) -> Any:
    return opportunity_save(actor=actor, data=form.record_data(), opportunity=instance)  # type: ignore[attr-defined]


def _save_lead(actor: Actor, form: forms.Form, instance: Any) -> Any:
    data = form.record_data()  # type: ignore[attr-defined]
    if instance is None:
        return lead_create(actor=actor, data=data)
    return lead_update(actor=actor, instance=instance, data=data)


ACCOUNTS = RecordPage(
    new_label=_("New account"),
    spec=crm_records.ACCOUNTS,
    columns=(
        Column("name", _("Name"), sort="name", link="self"),
        Column("industry", _("Industry")),
        Column("size_band", _("Size"), secondary=True),
        Column("city", _("City"), secondary=True),
        Column("owner", _("Owner"), secondary=True),
    ),
    optional_columns=(
        Column("domain", _("Website domain"), secondary=True),
        Column("country", _("Country"), secondary=True),
        Column("region", _("Region"), secondary=True),
        Column("created_at", _("Created"), sort="-created", kind="date", secondary=True),
    ),
    form_fields=("name", "domain", "industry", "size_band", "country", "region", "city", "owner"),
    detail_template="crm/account_detail.html",
    detail_context=_account_context,
    duplicates_of="account",
    filter_choices=_CHOICES,
    filter_pickers=_PICKERS,
    empty_text=_(
        "Accounts are the companies you market and sell to. Add the first one, or import them."
    ),
)

CONTACTS = RecordPage(
    new_label=_("New contact"),
    spec=crm_records.CONTACTS,
    columns=(
        Column("full_name", _("Name"), sort="name", link="self"),
        Column("email", _("E-mail")),
        Column("job_title", _("Job title"), secondary=True),
        Column("account", _("Account"), link="accounts"),
        Column("owner", _("Owner"), secondary=True),
    ),
    optional_columns=(
        Column("phone", _("Phone"), secondary=True),
        Column("country", _("Country"), secondary=True),
        Column("account.industry", _("Industry"), secondary=True),
        Column("created_at", _("Created"), sort="-created", kind="date", secondary=True),
    ),
    form_fields=(
        "first_name",
        "last_name",
        "email",
        "job_title",
        "phone",
        "account",
        "country",
        "owner",
    ),
    detail_template="crm/contact_detail.html",
    detail_context=_contact_context,
    duplicates_of="contact",
    filter_choices=_CHOICES,
    filter_pickers=_PICKERS,
    empty_text=_("Contacts are the people at your accounts. Add one to start following leads."),
)

LEADS = RecordPage(
    new_label=_("New lead"),
    spec=records.LEADS,
    columns=(
        Column("contact", _("Lead"), link="self"),
        Column("contact.account", _("Account"), link="accounts"),
        Column("stage", _("Stage"), sort="stage", kind="badge"),
        Column("score", _("Score"), sort="-score", kind="number"),
        Column("source_campaign", _("Source campaign"), link="campaigns", secondary=True),
        Column("owner", _("Owner"), secondary=True),
        Column(
            "created_at", _("Created"), sort="-created", kind="date", secondary=True, tertiary=True
        ),
    ),
    optional_columns=(
        Column("pod", _("Pod"), secondary=True),
        Column("source_channel", _("Source channel"), secondary=True),
        Column("mql_at", _("Became MQL"), kind="date", secondary=True),
        Column("contact.email", _("E-mail"), secondary=True),
        Column("contact.account.industry", _("Industry"), secondary=True),
    ),
    form_fields=("contact", "source_campaign", "source_channel", "owner", "pod"),
    detail_template="crm/lead_detail.html",
    detail_context=_lead_context,
    save=_save_lead,
    filter_choices=_CHOICES,
    filter_pickers=_PICKERS,
    empty_text=_(
        "Leads are contacts moving through the funnel, from inquiry to won. "
        "Create one from a contact, or let your forms and imports bring them in."
    ),
)

OPPORTUNITIES = RecordPage(
    new_label=_("New opportunity"),
    spec=records.OPPORTUNITIES,
    columns=(
        Column("name", _("Name"), link="self"),
        Column("account", _("Account"), link="accounts"),
        Column("stage", _("Stage"), kind="badge"),
        Column("amount", _("Amount"), sort="-amount", kind="money"),
        Column("close_date", _("Close date"), sort="close", kind="date", secondary=True),
        Column("owner", _("Owner"), secondary=True, tertiary=True),
    ),
    optional_columns=(
        Column("forecast_category", _("Forecast category"), secondary=True),
        Column("probability", _("Probability (%)"), kind="number", secondary=True),
        Column("weighted_amount", _("Weighted amount"), kind="money", secondary=True),
        Column("source", _("Source"), secondary=True),
        Column("primary_campaign", _("Campaign"), link="campaigns", secondary=True),
        Column("pod", _("Pod"), secondary=True),
    ),
    form_fields=_OPPORTUNITY_FIELDS,
    form_class=_OpportunityForm,
    detail_template="crm/opportunity_detail.html",
    detail_context=_opportunity_context,
    save=_save_opportunity,
    filter_choices=_CHOICES,
    filter_pickers=_PICKERS,
    empty_text=_(
        "Opportunities are deals with an expected amount and close date. "
        "Sales creates them when a lead is qualified."
    ),
)

CAMPAIGNS = RecordPage(
    new_label=_("New campaign"),
    spec=crm_records.CAMPAIGNS,
    columns=(
        Column("name", _("Name"), sort="name", link="self"),
        Column("channel", _("Channel")),
        Column("status", _("Status"), kind="badge"),
        Column("start_date", _("Start"), sort="-start", kind="date", secondary=True),
        Column("budget", _("Budget"), sort="-budget", kind="money"),
        Column("owner", _("Owner"), secondary=True),
    ),
    optional_columns=(
        Column("type", _("Type"), secondary=True),
        Column("end_date", _("End"), kind="date", secondary=True),
    ),
    form_fields=(
        "name",
        "channel",
        "type",
        "status",
        "start_date",
        "end_date",
        "budget",
        "currency",
        "owner",
    ),
    detail_template="crm/campaign_detail.html",
    detail_context=_campaign_context,
    filter_choices=_CHOICES,
    filter_pickers=_PICKERS,
    empty_text=_(
        "Campaigns are how marketing brings in demand: webinars, events, ads, e-mailings. "
        "Plan the next one here, with sales."
    ),
)
