"""What each kind of import can fill, and the column names HubSpot and Salesforce exports use.

A ``FieldSpec`` is one Cordée field a column may map to, with how its cells are read. Known
layouts are recognised from their headers: HubSpot exports ("Record ID", "Lifecycle Stage",
"Became a … Date", "Deal Stage"…), Salesforce reports and Data Loader extracts ("Lead ID",
"Opportunity Name", "Probability (%)", "StageName"…); anything else is a plain CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from cordee.crm.models import Channel
from cordee.dataio.imports.values import Choices, fold
from cordee.funnel.models import OpportunityStage, Stage, TouchKind

# cell types: text, email, decimal, date, datetime, country, choice, int
TEXT, EMAIL, DECIMAL, DATE, DATETIME, COUNTRY, CHOICE, INT = (
    "text",
    "email",
    "decimal",
    "date",
    "datetime",
    "country",
    "choice",
    "int",
)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Any
    type: str = TEXT
    required: bool = False
    max_length: int | None = None
    choices: Choices | None = None
    aliases: tuple[str, ...] = ()

    @property
    def is_date(self) -> bool:
        return self.type in (DATE, DATETIME)

    @property
    def is_number(self) -> bool:
        return self.type in (DECIMAL, INT)


def _choices(mapping: dict[str, tuple[str, ...]], default: str | None = None) -> Choices:
    values: dict[str, str] = {}
    for value, labels in mapping.items():
        values[fold(value)] = value
        for label in labels:
            values[fold(label)] = value
    return Choices(values, default)


LEAD_STAGES = _choices(
    {
        Stage.INQUIRY: ("subscriber", "lead", "other", "open", "new", "prospect", "Inquiry"),
        # HubSpot's "marketing qualified lead"
        Stage.MQL: ("marketingqualifiedlead", "Marketing Qualified Lead", "MQL"),
        # HubSpot's SQL is a lead sales accepted to follow up: Cordée's SAL
        Stage.SAL: ("salesqualifiedlead", "Sales Qualified Lead", "Working - Contacted", "SAL"),
        # an opportunity exists: Cordée's SQL
        Stage.SQL: ("opportunity", "Closed - Converted", "Qualified", "SQL"),
        Stage.WON: ("customer", "evangelist", "Won", "Client"),
        Stage.LOST: ("Lost",),
        Stage.RECYCLED: ("Recycled", "Nurture", "Bad timing"),
        Stage.DISQUALIFIED: ("Unqualified", "Closed - Not Converted", "Disqualified"),
    }
)

# HubSpot "Lead Status" / Salesforce "Lead Status": only the ones that tell a stage
LEAD_STATUSES = _choices(
    {
        "": (
            "New",
            "Open",
            "In Progress",
            "Attempted to Contact",
            "Connected",
            "Open Deal",
            "Open - Not Contacted",
        ),
        Stage.SAL: ("Working - Contacted",),
        Stage.SQL: ("Closed - Converted", "Qualified"),
        Stage.RECYCLED: ("Bad Timing", "Nurturing"),
        Stage.DISQUALIFIED: ("Unqualified", "Closed - Not Converted"),
    },
    default="",
)

CHANNELS = _choices(
    {
        Channel.WEBINAR: ("Webinar", "Seminar - Internal", "Webinaire"),
        Channel.EVENT: ("Trade Show", "Conference", "Event", "Seminar - Partner", "Salon"),
        Channel.SEO: ("Web", "Organic Search", "Website", "SEO"),
        Channel.SEA: ("Paid Search", "Advertisement", "Banner Ads", "SEA", "Paid Social"),
        Channel.LINKEDIN: ("LinkedIn", "Social Media", "Organic Social"),
        Channel.EMAILING: ("Email", "Email Marketing", "E-mail", "Emailing", "Direct Mail"),
        Channel.PARTNER: ("Partner", "Partner Referral", "Partners", "Partenaire"),
        Channel.OUTBOUND: ("Outbound", "Phone Inquiry", "Purchased List", "Telemarketing"),
        Channel.CONTENT: ("Content", "Public Relations", "Offline Sources", "Contenu"),
        Channel.REFERRAL: (
            "Referral",
            "Referrals",
            "Employee Referral",
            "External Referral",
            "Word of mouth",
            "Referral Program",
        ),
    }
)
# lead sources that name no channel: Salesforce's "Other", HubSpot's "Other Campaigns" and
# "Direct Traffic" (someone typed the address or used a bookmark: no search engine, no campaign
# brought them, so it is not SEO, and attribution credits no channel for it)
OPTIONAL_CHANNELS = Choices(
    {
        **CHANNELS.values,
        fold("Other"): "",
        fold("Other Campaigns"): "",
        fold("Direct Traffic"): "",
    }
)

OPPORTUNITY_STAGES = _choices(
    {
        OpportunityStage.DISCOVERY: (
            "Prospecting",
            "appointmentscheduled",
            "Appointment Scheduled",
            "Discovery",
        ),
        OpportunityStage.QUALIFICATION: (
            "Qualification",
            "Needs Analysis",
            "qualifiedtobuy",
            "Qualified to Buy",
            "Id. Decision Makers",
        ),
        OpportunityStage.PROPOSAL: (
            "Value Proposition",
            "Perception Analysis",
            "Proposal/Price Quote",
            "presentationscheduled",
            "Presentation Scheduled",
            "decisionmakerboughtin",
            "Decision Maker Bought-In",
            "Proposal",
        ),
        OpportunityStage.NEGOTIATION: (
            "Negotiation/Review",
            "contractsent",
            "Contract Sent",
            "Negotiation",
        ),
        OpportunityStage.WON: ("Closed Won", "closedwon", "Won", "Gagné"),
        OpportunityStage.LOST: ("Closed Lost", "closedlost", "Lost", "Perdu"),
    }
)

TOUCH_KINDS = _choices(
    {
        TouchKind.EMAIL_OPEN: ("Email Open", "Opened", "Email Opened"),
        TouchKind.EMAIL_CLICK: ("Email Click", "Clicked", "Email Clicked"),
        TouchKind.WEB_VISIT: ("Page View", "Visit", "Web Visit"),
        TouchKind.FORM_SUBMIT: ("Form Submission", "Form", "Form Submitted", "Responded"),
        TouchKind.CONTENT_DOWNLOAD: ("Download", "Content Download"),
        TouchKind.WEBINAR_ATTENDED: ("Webinar", "Attended", "Webinar Attended"),
        TouchKind.EVENT_VISIT: ("Event", "Trade Show", "Event Visit"),
        TouchKind.AD_CLICK: ("Ad Click", "Ad Interaction"),
        TouchKind.CALL: ("Call", "Phone Call", "Appel"),
        TouchKind.SALES_EMAIL: ("Sales Email", "Logged Email", "Email Sent"),
        TouchKind.MEETING: ("Meeting", "Rendez-vous", "RDV"),
        TouchKind.MESSAGE: ("Message", "LinkedIn Message", "InMail"),
    }
)

CAMPAIGN_STATUSES = _choices(
    {
        "planned": ("Planned", "Planifiée"),
        "active": ("In Progress", "Active", "En cours"),
        "completed": ("Completed", "Terminée", "Done"),
        "cancelled": ("Aborted", "Cancelled", "Annulée"),
    }
)

_EXTERNAL_ID = FieldSpec(
    "external_id",
    _("external id"),
    max_length=120,
    aliases=("Record ID", "ID", "Id", "External ID", "Identifiant"),
)
_OWNER = FieldSpec(
    "owner",
    _("owner (e-mail or name)"),
    aliases=(
        "Owner",
        "Contact owner",
        "Company owner",
        "Deal owner",
        "Lead Owner",
        "Account Owner",
        "Opportunity Owner",
        "Propriétaire",
        "OwnerEmail",
    ),
)
_CONTACT_FIELDS = (
    FieldSpec(
        "email", _("e-mail"), EMAIL, aliases=("Email", "E-mail", "Email Address", "Adresse e-mail")
    ),
    FieldSpec(
        "first_name",
        _("first name"),
        max_length=80,
        aliases=("First Name", "FirstName", "Prénom"),
    ),
    FieldSpec("last_name", _("last name"), max_length=80, aliases=("Last Name", "LastName", "Nom")),
    FieldSpec(
        "job_title", _("job title"), max_length=150, aliases=("Job Title", "Title", "Fonction")
    ),
    FieldSpec(
        "phone",
        _("phone"),
        max_length=40,
        aliases=("Phone", "Phone Number", "Mobile Phone Number", "Téléphone"),
    ),
    FieldSpec("country", _("country"), COUNTRY, aliases=("Country/Region", "Country", "Pays")),
    FieldSpec(
        "account",
        _("account (company name)"),
        max_length=200,
        aliases=(
            "Company Name",
            "Company",
            "Company / Account",
            "Associated Company",
            "Account Name",
            "Entreprise",
            "Société",
        ),
    ),
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "contacts": (
        FieldSpec(
            "external_id",
            _("external id"),
            max_length=120,
            aliases=(*_EXTERNAL_ID.aliases, "Contact ID"),
        ),
        *_CONTACT_FIELDS,
        _OWNER,
    ),
    "leads": (
        FieldSpec(
            "external_id",
            _("external id"),
            max_length=120,
            aliases=(*_EXTERNAL_ID.aliases, "Lead ID"),
        ),
        *_CONTACT_FIELDS,
        FieldSpec(
            "stage",
            _("stage"),
            CHOICE,
            choices=LEAD_STAGES,
            aliases=("Lifecycle Stage", "Stage", "Étape"),
        ),
        FieldSpec(
            "lead_status",
            _("lead status"),
            CHOICE,
            choices=LEAD_STATUSES,
            aliases=("Lead Status", "Status", "Statut"),
        ),
        FieldSpec(
            "source_channel",
            _("source channel"),
            CHOICE,
            choices=OPTIONAL_CHANNELS,
            aliases=("Lead Source", "LeadSource", "Original Source", "Source", "Canal"),
        ),
        FieldSpec(
            "source_campaign",
            _("source campaign (name)"),
            aliases=("Campaign", "Campaign Name", "First Conversion", "Campagne"),
        ),
        FieldSpec(
            "created_at",
            _("created (becomes Inquiry)"),
            DATETIME,
            aliases=("Create Date", "Created Date", "CreatedDate", "Date de création"),
        ),
        FieldSpec(
            "inquiry_at",
            _("became a lead (Inquiry)"),
            DATETIME,
            aliases=("Became a Lead Date", "Became a Subscriber Date"),
        ),
        FieldSpec(
            "mql_at",
            _("became MQL"),
            DATETIME,
            aliases=("Became a Marketing Qualified Lead Date", "MQL Date", "Date MQL"),
        ),
        FieldSpec(
            "sal_at",
            _("became SAL"),
            DATETIME,
            aliases=("Became a Sales Qualified Lead Date", "SAL Date", "Date SAL"),
        ),
        FieldSpec(
            "sql_at",
            _("became SQL (opportunity)"),
            DATETIME,
            aliases=("Became an Opportunity Date", "Converted Date", "ConvertedDate", "SQL Date"),
        ),
        FieldSpec(
            "won_at",
            _("became a customer (Won)"),
            DATETIME,
            aliases=("Became a Customer Date", "Won Date"),
        ),
        _OWNER,
    ),
    "accounts": (
        FieldSpec(
            "external_id",
            _("external id"),
            max_length=120,
            aliases=(*_EXTERNAL_ID.aliases, "Account ID", "Company ID"),
        ),
        FieldSpec(
            "name",
            _("name"),
            required=True,
            max_length=200,
            aliases=("Account Name", "Company name", "Name", "Raison sociale", "Nom"),
        ),
        FieldSpec(
            "domain",
            _("website domain"),
            max_length=200,
            aliases=("Company Domain Name", "Website", "Domain", "Site web"),
        ),
        FieldSpec("industry", _("industry"), max_length=80, aliases=("Industry", "Secteur")),
        FieldSpec(
            "employees",
            _("number of employees"),
            INT,
            aliases=("Number of Employees", "Employees", "NumberOfEmployees", "Effectif"),
        ),
        FieldSpec(
            "country",
            _("country"),
            COUNTRY,
            aliases=("Country/Region", "Billing Country", "Country", "Pays"),
        ),
        FieldSpec(
            "region",
            _("region"),
            max_length=80,
            aliases=("State/Region", "Billing State/Province", "Region", "Région"),
        ),
        FieldSpec("city", _("city"), max_length=120, aliases=("City", "Billing City", "Ville")),
        _OWNER,
    ),
    "opportunities": (
        FieldSpec(
            "external_id",
            _("external id"),
            max_length=120,
            aliases=(*_EXTERNAL_ID.aliases, "Opportunity ID", "Deal ID"),
        ),
        FieldSpec(
            "name",
            _("name"),
            required=True,
            max_length=200,
            aliases=("Opportunity Name", "Deal Name", "Name", "Nom"),
        ),
        FieldSpec(
            "account",
            _("account (company name)"),
            required=True,
            max_length=200,
            aliases=("Account Name", "Associated Company", "Company Name", "Company", "Compte"),
        ),
        FieldSpec("amount", _("amount"), DECIMAL, aliases=("Amount", "Montant")),
        # checked by the handler, with the rule every writer follows (``core.codes``)
        FieldSpec(
            "currency",
            _("currency"),
            aliases=("Opportunity Currency", "Currency", "CurrencyIsoCode", "Devise"),
        ),
        FieldSpec(
            "stage",
            _("stage"),
            CHOICE,
            choices=OPPORTUNITY_STAGES,
            aliases=("Stage", "Deal Stage", "StageName", "Étape"),
        ),
        FieldSpec(
            "probability",
            _("probability (%) — checked, not stored"),
            DECIMAL,
            aliases=("Probability (%)", "Probability", "Deal probability"),
        ),
        FieldSpec(
            "created_on",
            _("created on"),
            DATE,
            aliases=("Created Date", "Create Date", "CreatedDate", "Date de création"),
        ),
        FieldSpec(
            "close_date",
            _("close date"),
            DATE,
            aliases=("Close Date", "CloseDate", "Date de clôture"),
        ),
        FieldSpec(
            "loss_reason",
            _("loss reason"),
            max_length=200,
            aliases=("Loss Reason", "Closed Lost Reason", "Motif de perte"),
        ),
        _OWNER,
    ),
    "touchpoints": (
        FieldSpec(
            "external_id",
            _("external id"),
            max_length=120,
            aliases=(*_EXTERNAL_ID.aliases, "Activity ID", "Touchpoint ID"),
        ),
        FieldSpec(
            "contact_email",
            _("contact e-mail"),
            EMAIL,
            required=True,
            aliases=("Email", "Contact Email", "E-mail"),
        ),
        FieldSpec(
            "kind",
            _("kind"),
            CHOICE,
            required=True,
            choices=TOUCH_KINDS,
            aliases=("Type", "Kind", "Activity Type", "Event Type", "Member Status"),
        ),
        FieldSpec(
            "occurred_at",
            _("when"),
            DATETIME,
            required=True,
            aliases=("Date", "Occurred At", "Timestamp", "Activity Date", "First Responded Date"),
        ),
        FieldSpec(
            "campaign",
            _("campaign (name)"),
            aliases=("Campaign", "Campaign Name", "Campagne"),
        ),
        FieldSpec(
            "channel", _("channel"), CHOICE, choices=OPTIONAL_CHANNELS, aliases=("Channel", "Canal")
        ),
        FieldSpec(
            "note", _("note"), max_length=300, aliases=("Note", "Notes", "Subject", "Description")
        ),
    ),
    "campaigns": (
        FieldSpec(
            "external_id",
            _("external id"),
            max_length=120,
            aliases=(*_EXTERNAL_ID.aliases, "Campaign ID"),
        ),
        FieldSpec(
            "name",
            _("name"),
            required=True,
            max_length=200,
            aliases=("Campaign Name", "Name", "Nom"),
        ),
        FieldSpec("channel", _("channel"), CHOICE, choices=CHANNELS, aliases=("Channel", "Canal")),
        FieldSpec("type", _("type"), max_length=80, aliases=("Type", "Campaign Type")),
        FieldSpec(
            "status",
            _("status"),
            CHOICE,
            choices=CAMPAIGN_STATUSES,
            aliases=("Status", "Statut"),
        ),
        FieldSpec("start_date", _("start date"), DATE, aliases=("Start Date", "StartDate")),
        FieldSpec("end_date", _("end date"), DATE, aliases=("End Date", "EndDate")),
        FieldSpec(
            "budget",
            _("budget"),
            DECIMAL,
            aliases=("Budgeted Cost", "Budget", "BudgetedCost", "Budgeted Cost in Campaign"),
        ),
        FieldSpec("currency", _("currency"), aliases=("Currency", "CurrencyIsoCode")),
    ),
}

_HUBSPOT_MARKERS = {
    fold(h)
    for h in (
        "Record ID",
        "Lifecycle Stage",
        "Create Date",
        "Deal Stage",
        "Deal Name",
        "Contact owner",
        "Deal owner",
        "Company owner",
        "Company Domain Name",
        "Associated Company",
        "Pipeline",
        "Country/Region",
    )
}
_SALESFORCE_MARKERS = {
    fold(h)
    for h in (
        "Lead ID",
        "Contact ID",
        "Account ID",
        "Opportunity ID",
        "Campaign ID",
        "Created Date",
        "Lead Source",
        "Probability (%)",
        "Opportunity Name",
        "Lead Owner",
        "Opportunity Owner",
        "Company / Account",
        "StageName",
        "CreatedDate",
        "LeadSource",
        "Budgeted Cost",
        "Billing Country",
    )
}


def detect_source_system(header: list[str]) -> str:
    """ "hubspot", "salesforce" or "csv", from the columns only those exports write."""
    folded = [fold(h) for h in header]
    hubspot = sum(1 for h in folded if h in _HUBSPOT_MARKERS or h.startswith("becamea"))
    salesforce = sum(1 for h in folded if h in _SALESFORCE_MARKERS)
    if hubspot >= 2 and hubspot > salesforce:
        return "hubspot"
    if salesforce >= 2 and salesforce > hubspot:
        return "salesforce"
    return "csv"


def field_specs(kind: str) -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in FIELDS[kind]}


def propose_mapping(kind: str, header: list[str]) -> dict[str, str]:
    """Column → field for every column whose name is a known alias (first column wins)."""
    by_alias: dict[str, str] = {}
    for spec in FIELDS[kind]:
        for alias in (spec.name, *spec.aliases):
            by_alias.setdefault(fold(alias), spec.name)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for column in header:
        name = by_alias.get(fold(column))
        if name and name not in taken:
            mapping[column] = name
            taken.add(name)
    return mapping
