"""Sample exports in each dialect, imported through the real services; every expected value is
read off the sample file by hand (see tests/dataio/samples/make_samples.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cordee.crm.models import Account, Campaign, Contact
from cordee.dataio.imports.services import import_job_create, import_job_preview
from cordee.dataio.imports.words import words
from cordee.funnel.models import Lead, LeadStageChange, Opportunity, Touchpoint
from tests.dataio.helpers import SAMPLES, import_file, report_of

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def history(lead: Lead) -> list[tuple[str, str, dt.datetime]]:
    return [(h.from_stage, h.to_stage, h.at) for h in lead.history.order_by("at", "id")]


def test_hubspot_contacts_export_becomes_leads_with_backdated_history(personas):
    job = import_file(personas, SAMPLES / "hubspot_contacts.csv", "leads")

    assert job.status == "succeeded", job.report
    assert job.source_system == "hubspot"
    assert job.detected["format"]["encoding"] == "utf-8-sig"
    assert job.detected["format"]["delimiter"] == ","
    # six records, Bruno twice (line 8 repeats line 3's e-mail in another case): five leads
    assert (job.report["created"], job.report["merged"]) == (5, 1)
    assert report_of(job)["merges"] == [
        {"line": 8, "into": 3, "key": "e-mail bruno.lefevre@atelier-nord.fr"}
    ]
    assert Lead.objects.filter(workspace=personas.acme).count() == 5
    assert set(Lead.objects.values_list("source_system", flat=True)) == {"hubspot"}

    bruno = Lead.objects.get(external_id="52")
    assert bruno.contact.email == "bruno.lefevre@atelier-nord.fr"
    assert bruno.contact.phone == "+33 3 20 00 00 00"  # filled by the later, merged line
    assert bruno.contact.job_title == "Responsable achats, site de Lille"
    assert bruno.contact.account.name == "Atelier Nord"
    assert bruno.owner == personas.dave
    assert bruno.stage == "won"
    assert bruno.mql_at == paris(2024, 1, 15, 10, 0)
    assert history(bruno) == [
        ("", "inquiry", paris(2024, 1, 9, 8, 0)),
        ("inquiry", "mql", paris(2024, 1, 15, 10, 0)),
        ("mql", "sal", paris(2024, 1, 16, 11, 45)),  # HubSpot's SQL: accepted by sales
        ("sal", "sql", paris(2024, 1, 22, 16, 20)),  # an opportunity exists
        ("sql", "won", paris(2024, 2, 28, 17, 5)),
    ]
    assert all(h.imported for h in bruno.history.all())

    chloe = Lead.objects.get(external_id="53")
    assert chloe.contact.job_title == "Head of Growth\n(intérim)"  # a quoted newline
    assert chloe.contact.country == "BE"
    assert chloe.stage == "inquiry"
    assert Lead.objects.get(external_id="54").owner == personas.mia  # "Mia Test"
    assert Lead.objects.get(external_id="54").stage == "sal"
    amelie = Lead.objects.get(external_id="51")
    assert (amelie.stage, amelie.stage_entered_at) == ("mql", paris(2024, 3, 18, 9, 30))
    # 2 + 5 + 1 + 3 + 1 steps, counted from the file's dates
    assert job.report["history_rows"] == 12 == LeadStageChange.objects.count()
    # two contacts of Lumière SAS share one new account
    assert Account.objects.filter(name="Lumière SAS").count() == 1
    assert job.report["accounts_created"] == 4


def test_salesforce_lead_report_from_french_excel(personas):
    job = import_file(personas, SAMPLES / "salesforce_leads_fr.csv", "leads")

    assert job.status == "succeeded", job.report
    assert job.source_system == "salesforce"
    assert (job.detected["format"]["encoding"], job.detected["format"]["delimiter"]) == (
        "cp1252",
        ";",
    )
    created = job.detected["dates"]["Created Date"]
    assert (created["order"], created["ambiguous"]) == ("dmy", False)
    assert "14/02/2024" in words(created["reason"])  # the day 14 proves day first
    converted = job.detected["dates"]["Converted Date"]  # only 08/01/2024: ambiguous
    assert (converted["order"], converted["ambiguous"]) == ("dmy", True)

    francois = Lead.objects.get(external_id="00Q5g00000A1bCdEAF")
    assert francois.contact.first_name == "François"
    assert francois.contact.account.name == "Société Générale d'Équipement"
    assert francois.source_channel == "event"  # Trade Show
    assert francois.owner == personas.dave
    assert history(francois) == [("", "inquiry", paris(2024, 2, 14))]

    jerome = Lead.objects.get(external_id="00Q5g00000A1bCfEAF")
    assert jerome.stage == "sql"
    assert history(jerome) == [
        ("", "inquiry", paris(2023, 11, 25)),
        ("inquiry", "sql", paris(2024, 1, 8)),  # read day first, as the workspace is French
    ]
    assert jerome.contact.country == "BE"
    zoe = Lead.objects.get(external_id="00Q5g00000A1bCgEAF")
    assert zoe.stage == "disqualified"
    assert zoe.source_channel == ""  # "Other" names no channel
    assert Lead.objects.get(external_id="00Q5g00000A1bCeEAF").stage == "sal"


def test_salesforce_opportunities_with_decimal_commas(personas):
    job = import_file(personas, SAMPLES / "salesforce_opportunities_fr.csv", "opportunities")

    assert job.status == "succeeded", job.report
    assert job.detected["numbers"]["Amount"] == {"decimal": ",", "ambiguous": False}
    rows = {
        o.external_id: (o.name, o.account.name, o.amount, o.stage, o.close_date, o.created_on)
        for o in Opportunity.objects.select_related("account")
    }
    assert rows == {
        "0065g00000XyZ01AAB": (
            "Équipement siège 2024",
            "Société Générale d'Équipement",
            Decimal("12500.50"),  # "12 500,50" with a non-breaking space
            "proposal",
            dt.date(2024, 5, 31),
            dt.date(2024, 2, 14),
        ),
        "0065g00000XyZ02AAB": (
            "Renouvellement licences",
            "Château & Fils",
            Decimal("1250.00"),  # "1.250,00"
            "closed_won",
            dt.date(2024, 3, 15),
            dt.date(2024, 1, 8),
        ),
        "0065g00000XyZ03AAB": (
            "Extension Crèmerie",
            "Crèmerie Bérard",
            Decimal("3000.00"),  # "3 000"
            "closed_lost",
            dt.date(2024, 4, 2),
            dt.date(2024, 1, 10),
        ),
    }
    assert set(Opportunity.objects.values_list("currency", flat=True)) == {"EUR"}
    assert Opportunity.objects.get(external_id="0065g00000XyZ02AAB").owner == personas.dave


def test_hubspot_deals_export(personas):
    job = import_file(personas, SAMPLES / "hubspot_deals.csv", "opportunities")

    assert job.status == "succeeded", job.report
    assert job.source_system == "hubspot"
    amounts = dict(Opportunity.objects.values_list("external_id", "amount"))
    assert amounts == {
        "9001": Decimal("25000.50"),
        "9002": Decimal("1250000.00"),  # "1,250,000.00"
        "9003": Decimal("8000.00"),  # "8 000" with a narrow no-break space
    }
    stages = dict(Opportunity.objects.values_list("external_id", "stage"))
    assert stages == {"9001": "proposal", "9002": "closed_won", "9003": "discovery"}
    assert Opportunity.objects.get(external_id="9002").close_date == dt.date(2024, 2, 28)


def test_imported_deals_get_their_stage_history_and_a_later_move_is_kept(personas, tmp_path):
    """A new deal enters its stage (from nothing) by whoever imported it; re-importing the file
    with one stage changed adds that one move, and the forecast category follows the stage."""
    from cordee.funnel.models import OpportunityStageChange

    import_file(personas, SAMPLES / "hubspot_deals.csv", "opportunities")
    rows = OpportunityStageChange.objects.values_list(
        "opportunity__external_id", "from_stage", "to_stage", "actor"
    )
    assert sorted(rows) == [
        ("9001", "", "proposal", personas.rita.pk),
        ("9002", "", "closed_won", personas.rita.pk),
        ("9003", "", "discovery", personas.rita.pk),
    ]
    text = (SAMPLES / "hubspot_deals.csv").read_bytes().decode("utf-8-sig")
    line = next(row for row in text.splitlines() if row.startswith("9003,"))
    moved = tmp_path / "hubspot_deals.csv"
    moved.write_text(text.replace(line, line.replace("appointmentscheduled", "contractsent")))
    assert moved.read_text() != text, "the sample's stage of 9003 is not where this test looks"
    import_file(personas, moved, "opportunities")
    assert OpportunityStageChange.objects.count() == 4
    move = OpportunityStageChange.objects.get(
        opportunity__external_id="9003", from_stage="discovery"
    )
    deal = Opportunity.objects.get(external_id="9003")
    assert (move.to_stage, deal.stage, deal.forecast_category) == (
        "negotiation",
        "negotiation",
        "commit",
    )


def test_xlsx_lines_are_sheet_rows_and_good_rows_can_be_kept(personas):
    failed = import_file(personas, SAMPLES / "hubspot_companies.xlsx", "accounts")
    assert failed.status == "failed"
    assert Account.objects.count() == 0  # all or nothing by default
    # row 4 of the sheet is empty; rows 5 and 6 are bad
    assert [(e["line"], e["column"]) for e in report_of(failed)["errors"]] == [
        (5, "Number of Employees"),
        (6, "Company name"),
    ]

    kept = import_file(
        personas, SAMPLES / "hubspot_companies.xlsx", "accounts", keep_good_rows=True
    )
    assert kept.status == "succeeded"
    assert kept.errors_count == 2
    assert dict(Account.objects.values_list("name", "size_band")) == {
        "Lumière SAS": "50-249",  # 120 employees
        "Atelier Nord": "1000-4999",  # "1 200"
    }
    assert set(Account.objects.values_list("external_id", flat=True)) == {"3001", "3002"}
    with kept.rejected_file.open("rb") as handle:
        rejected = handle.read().decode("utf-8-sig").splitlines()
    assert rejected[0].startswith("ligne,motifs,Record ID,Company name")  # a French workspace
    assert rejected[1].startswith("5,")
    assert "beaucoup" in rejected[1]
    assert rejected[2].startswith("6,")
    assert len(rejected) == 3


def test_campaigns_then_touchpoints_with_ambiguous_dates(personas):
    campaigns = import_file(personas, SAMPLES / "salesforce_campaigns.csv", "campaigns")
    assert campaigns.status == "succeeded", campaigns.report
    webinar = Campaign.objects.get(external_id="7015g000001AbcDAAS")
    # month first is proved by 03/18/2024 and 09/25/2023
    assert (webinar.start_date, webinar.end_date) == (dt.date(2024, 3, 5), dt.date(2024, 3, 18))
    assert (webinar.channel, webinar.budget, webinar.status) == (
        "webinar",
        Decimal("4500.00"),
        "completed",
    )
    assert Campaign.objects.get(name="Salon Big Data Paris").channel == "event"

    import_file(personas, SAMPLES / "hubspot_contacts.csv", "leads")
    with (SAMPLES / "touchpoints.tsv").open("rb") as handle:
        job = import_job_create(
            actor=personas.actor("rita"), kind="touchpoints", filename="t.tsv", content=handle
        )
    preview = import_job_preview(actor=personas.actor("rita"), job_id=job.pk, rows=2)
    assert preview.delimiter == "\t"
    assert preview.dates["Date"]["order"] == "dmy"
    assert preview.dates["Date"]["ambiguous"] is True  # every day ≤ 12: the workspace's French
    assert preview.rows[0].values["occurred_at"] == "2024-03-05 10:00"
    from cordee.dataio.imports.runner import import_job_run

    job = import_job_run(job_id=job.pk)
    assert job.status == "succeeded", job.report
    touches = Touchpoint.objects.order_by("occurred_at")
    assert [(t.contact.email, t.kind, t.occurred_at) for t in touches] == [
        ("bruno.lefevre@atelier-nord.fr", "meeting", paris(2024, 1, 9, 9, 30)),
        ("amelie.durand@lumiere-sas.fr", "webinar_attended", paris(2024, 3, 5, 10, 0)),
        ("amelie.durand@lumiere-sas.fr", "form_submit", paris(2024, 3, 7, 16, 45)),
        ("chloe.martin@vertbleu.io", "call", paris(2024, 4, 12, 11, 0)),
    ]
    attended = touches[1]
    assert (attended.campaign, attended.channel) == (webinar, "webinar")
    assert attended.lead == Lead.objects.get(external_id="51")
    assert [t.is_sales_activity for t in touches] == [True, False, False, True]


def test_an_english_workspace_reads_ambiguous_dates_month_first(personas):
    personas.acme.default_language = "en"
    personas.acme.save()
    with (SAMPLES / "touchpoints.tsv").open("rb") as handle:
        job = import_job_create(
            actor=personas.actor("rita"), kind="touchpoints", filename="t.tsv", content=handle
        )
    assert job.detected["dates"]["Date"]["order"] == "mdy"
    preview = import_job_preview(actor=personas.actor("rita"), job_id=job.pk, rows=1)
    assert preview.rows[0].values["occurred_at"] == "2024-05-03 10:00"
    assert Contact.objects.count() == 0
