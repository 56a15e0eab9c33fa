"""Import rows that look like existing records or like each other: warned about in the preview
and kept in the report (as codes and parameters), never refused; the import's own upsert (same
e-mail, same name) is no duplicate."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from cordee.crm.models import Account, Contact
from cordee.dataio.imports.runner import import_job_run
from cordee.dataio.imports.services import import_job_create
from tests import factories as f


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _job(personas, kind: str, content: str):
    return import_job_create(
        actor=personas.actor("rita"),
        kind=kind,
        filename=f"{kind}.csv",
        content=io.BytesIO(content.encode()),
    )


ACCOUNTS = (
    "Name,Website\r\n"
    "Societe Generale,\r\n"  # 2: the existing Société Générale, accents aside
    "SG Paris,https://www.societegenerale.fr/contact\r\n"  # 3: its domain, another name
    "société générale,\r\n"  # 4: the same name as the existing one, case aside: the upsert
    "Alstom,alstom.com\r\n"  # 5: new
    "Alstom Transport,alstom.com\r\n"  # 6: line 5's domain
)


def test_account_import_warns_of_same_domain_or_folded_name_but_not_of_the_upsert(client, personas):
    existing = f.AccountFactory(
        workspace=personas.acme, name="Société Générale", domain="societegenerale.fr"
    )
    job = _job(personas, "accounts", ACCOUNTS)
    client.force_login(personas.rita)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("import_preview", args=["acme", job.pk]))
    warnings = [(e.line, str(e.reason)) for e in page.context["preview"].duplicates]
    # by hand: lines 2 (name) and 3 (domain) look like the existing account; line 4 is the
    # existing one (case aside): the import updates it, and it looks like line 2 only as the
    # existing account does (one warning per pair); line 6 shares line 5's domain
    assert [line for line, _text in warnings] == [2, 3, 6]
    assert f"Looks like the account Société Générale (no. {existing.pk})" in warnings[0][1]
    assert "same name once accents" in warnings[0][1]
    assert "same website domain" in warnings[1][1]
    assert warnings[2][1] == "Looks like line 5 of this file: same website domain, another name."
    html = page.content.decode()
    assert 'id="preview-duplicates"' in html and "3 rows look like records" in html

    job = import_job_run(job_id=job.pk)
    assert job.status == "succeeded"
    # not refused: 4 accounts created (line 4 updated the existing one)
    assert Account.objects.filter(workspace=personas.acme).count() == 5
    stored = [w for w in job.report["warnings"] if w["reason"]["code"].startswith("Looks like")]
    assert [w["line"] for w in stored] == [2, 3, 6]
    assert stored[0]["reason"]["params"] == {"record": "Société Générale", "id": existing.pk}
    # read in French from the stored code
    client.cookies["django_language"] = "fr"
    detail = client.get(reverse("import_detail", args=["acme", job.pk])).content.decode()
    assert "Ressemble à la ligne 5 de ce fichier" in detail


CONTACTS = (
    "Email,First Name,Last Name,Company\r\n"
    "helene@acme.fr,Hélène,Martin,Airbus\r\n"  # 2: the existing contact itself: the upsert
    "h.martin@gmail.com,Helene,MARTIN,airbus\r\n"  # 3: her name at her account, another e-mail
    "jean@acme.fr,Jean,Roy,Thales\r\n"  # 4: new
    "jroy@thales.fr,Jean,Roy,Thales\r\n"  # 5: line 4's name and account, another e-mail
    "anne@acme.fr,Hélène,Martin,Thales\r\n"  # 6: her name, another account: no duplicate
)


def test_contact_import_warns_of_same_name_at_the_same_account(client, personas):
    airbus = f.AccountFactory(workspace=personas.acme, name="Airbus")
    helene = f.ContactFactory(
        workspace=personas.acme,
        account=airbus,
        first_name="Hélène",
        last_name="Martin",
        email="helene@acme.fr",
    )
    job = _job(personas, "contacts", CONTACTS)
    client.force_login(personas.rita)
    client.cookies["django_language"] = "en"
    preview = client.get(reverse("import_preview", args=["acme", job.pk])).context["preview"]
    warnings = [(e.line, e.column, str(e.reason)) for e in preview.duplicates]
    assert [(line, column) for line, column, _t in warnings] == [(3, "Last Name"), (5, "Last Name")]
    assert f"Looks like Hélène Martin (no. {helene.pk})" in warnings[0][2]
    assert "Looks like line 4 of this file" in warnings[1][2]

    job = import_job_run(job_id=job.pk)
    assert job.status == "succeeded"
    assert Contact.objects.filter(workspace=personas.acme).count() == 5  # 4 created, 1 updated
    assert [w["line"] for w in job.report["warnings"]] == [3, 5]


def test_the_duplicate_rule_is_the_one_of_the_create_form(personas):
    """The import and the form ask the same keys of crm.selectors: what one calls a duplicate,
    the other does too."""
    from cordee.crm.selectors import account_keys, duplicate_candidates

    existing = f.AccountFactory(workspace=personas.acme, name="Société Générale")
    typed = {"name": "SOCIETE-GENERALE", "domain": ""}
    assert account_keys(**typed) & account_keys(name=existing.name, domain=existing.domain)
    found = duplicate_candidates(workspace=personas.acme, kind="account", fields=typed)
    assert [d.record for d in found] == [existing]


def test_no_duplicates_section_when_there_are_none(client, personas):
    job = _job(personas, "accounts", "Name,Website\r\nAlstom,alstom.com\r\n")
    client.force_login(personas.rita)
    page = client.get(reverse("import_preview", args=["acme", job.pk]))
    assert page.context["preview"].duplicates == []
    assert 'id="preview-duplicates"' not in page.content.decode()


def test_existing_people_are_matched_by_folded_names_whatever_their_spelling(client, personas):
    """On PostgreSQL the existing contacts are read by the checked rows' folded last names (a
    re-import read every contact of its companies): a name stored with other case, accents or
    punctuation is still found, by SQL for plain ASCII, in Python otherwise."""
    from django.db import connection

    from cordee.dataio.imports.duplicates import _people_at

    airbus = f.AccountFactory(workspace=personas.acme, name="Airbus")
    stored = {
        last: f.ContactFactory(
            workspace=personas.acme, account=airbus, first_name=first, last_name=last
        )
        for first, last in [
            ("Sean", "O'Brien"),  # plain ASCII, punctuation: SQL folds it to obrien
            ("Jörg", "Müller"),  # beyond ASCII: kept whatever its letters
            ("Antoine", "Saint-Exupéry"),
            ("Paul", "Martin"),  # no row's name: not read on PostgreSQL
        ]
    }
    content = (
        "Email,First Name,Last Name,Company\r\n"
        "sean@x.fr,SEAN,OBRIEN,Airbus\r\n"  # 2
        "jorg@x.fr,Jorg,Muller,airbus\r\n"  # 3
        "antoine@x.fr,antoine,saint exupery,Airbus\r\n"  # 4
        "paula@x.fr,Paula,Martine,Airbus\r\n"  # 5: another name
    )
    job = _job(personas, "contacts", content)
    client.force_login(personas.rita)
    client.cookies["django_language"] = "en"
    preview = client.get(reverse("import_preview", args=["acme", job.pk])).context["preview"]
    found = {e.line: str(e.reason) for e in preview.duplicates}
    assert sorted(found) == [2, 3, 4]
    obrien = stored["O'Brien"]
    assert f"Looks like Sean O'Brien (no. {obrien.pk})" in found[2]
    assert f"(no. {stored['Müller'].pk})" in found[3]
    assert f"(no. {stored['Saint-Exupéry'].pk})" in found[4]

    read = {row[2] for row in _people_at(personas.acme, [airbus.pk], {"obrien", "muller"})}
    if connection.vendor == "postgresql":
        assert read == {"O'Brien", "Müller", "Saint-Exupéry"}  # the two beyond ASCII: all kept
    else:
        assert read == {"O'Brien", "Müller", "Saint-Exupéry", "Martin"}
