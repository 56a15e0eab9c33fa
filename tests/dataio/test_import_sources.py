"""A HubSpot contacts export read twice: as a dry run, then for real. The expected numbers are
counted by hand from the file below."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from cordee.dataio.imports.runner import import_job_run
from cordee.dataio.imports.services import import_job_create
from cordee.funnel.models import Lead, LeadStageChange

# Ana: created = became a lead (one Inquiry step) + became an MQL → 2 history rows
# Ben: created = became a lead (one Inquiry step), lifecycle "lead" is that step → 1 row
# total: 2 + 1 = 3 history rows
HUBSPOT_CONTACTS = (
    "Record ID,First Name,Last Name,Email,Original Source,Lifecycle Stage,Create Date,"
    "Became a Lead Date,Became a Marketing Qualified Lead Date\r\n"
    "71,Ana,Arnaud,ana@exemple.fr,Direct Traffic,marketingqualifiedlead,"
    "2024-03-05 14:12,2024-03-05 14:12,2024-03-18 09:30\r\n"
    "72,Ben,Bonnet,ben@exemple.fr,Organic Search,lead,2024-04-02 11:00,2024-04-02 11:00,\r\n"
)


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _import(personas, *, dry_run: bool):
    job = import_job_create(
        actor=personas.actor("rita"),
        kind="leads",
        filename="hubspot-contacts.csv",
        content=io.BytesIO(HUBSPOT_CONTACTS.encode("utf-8")),
        dry_run=dry_run,
    )
    return import_job_run(job_id=job.pk)


def test_direct_traffic_is_no_channel_and_organic_search_is_seo(personas):
    job = _import(personas, dry_run=False)

    assert job.status == "succeeded", job.report
    channels = dict(Lead.objects.values_list("external_id", "source_channel"))
    # a typed address or a bookmark: nobody's campaign, and no search engine either
    assert channels == {"71": "", "72": "seo"}


def test_the_dry_run_counts_the_history_rows_the_real_run_writes(personas):
    dry = _import(personas, dry_run=True)

    assert dry.status == "succeeded", dry.report
    assert LeadStageChange.objects.count() == 0  # nothing written
    assert dry.report["history_rows"] == 3  # 2 for Ana + 1 for Ben

    real = _import(personas, dry_run=False)
    assert real.report["history_rows"] == 3 == LeadStageChange.objects.count()


def test_an_import_report_is_read_in_the_readers_language(personas):
    # a French workspace imports a file whose line 3 has a bad e-mail: 1 of 2 rows rejected
    personas.acme.default_language = "fr"
    personas.acme.save()
    content = "Email,First Name,Last Name\r\nana@exemple.fr,Ana,Arnaud\r\npas-une-adresse,Ben,B\r\n"
    job = import_job_create(
        actor=personas.actor("rita"),
        kind="contacts",
        filename="contacts.csv",
        content=io.BytesIO(content.encode("utf-8")),
    )
    job = import_job_run(job_id=job.pk)

    # stored: codes and parameters, the line and the file's column as they are
    [error] = job.report["errors"]
    assert (error["line"], error["column"]) == (3, "Email")
    assert error["reason"]["params"] == {"value": "pas-une-adresse"}
    assert job.report["message"]["params"] == {"rejected": 1, "rows": 2}

    client = Client()
    client.force_login(personas.rita)
    pages = {}
    for language in ("en", "fr"):
        client.cookies["django_language"] = language
        pages[language] = client.get(f"/w/acme/imports/{job.pk}/").content.decode()
    assert "1 of 2 rows were rejected, so nothing was written." in pages["en"]
    assert "&#x27;pas-une-adresse&#x27; is not a valid e-mail address." in pages["en"]
    assert "1 lignes sur 2 ont été rejetées : rien n’a été enregistré." in pages["fr"]
    assert "« pas-une-adresse » n’est pas une adresse e-mail valide." in pages["fr"]
