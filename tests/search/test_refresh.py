"""The bulk refresh of the search documents (services.documents_refresh): rows read with
``values_list`` and, on PostgreSQL, sent by COPY then one ``INSERT … ON CONFLICT`` skipping the
documents that did not change. It must write exactly the documents that the former code, which
built them from model instances, wrote: ``legacy_documents`` below is that code, kept here as the
independent reference."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from cordee.crm.models import Account, Campaign, Contact
from cordee.feedback.models import FeedbackItem
from cordee.funnel.models import Lead, Opportunity
from cordee.search import services
from cordee.search.documents import KINDS
from cordee.search.models import SearchDocument
from tests import factories as f


def key(text: str) -> str:
    """``documents.key`` as it was written before its ASCII shortcut: NFKD, combining marks
    dropped, ``casefold``, words."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"\w+", folded))


def _join(*parts: Any) -> str:
    return " ".join(str(p) for p in parts if p)


def legacy_documents(kind: str, ids: list[int]) -> set[tuple]:
    """The documents as the code before the COPY path built them: from model instances and
    their ``select_related`` dependents (``documents.py`` at branch ``fastimport``)."""
    model = KINDS[kind].model
    qs = model._default_manager.filter(pk__in=ids)
    out: list[tuple[int, int, str, str]] = []
    if kind == "contact":
        for c in qs.select_related("account"):
            body = _join(c.email, c.job_title, c.phone, c.account.name if c.account else "")
            out.append((c.pk, c.workspace_id, c.full_name or c.email or "", body))
    elif kind == "account":
        for a in qs:
            out.append(
                (a.pk, a.workspace_id, a.name, _join(a.domain, a.industry, a.city, a.region))
            )
    elif kind == "campaign":
        for c in qs:
            out.append((c.pk, c.workspace_id, c.name, _join(c.type, c.get_channel_display())))
    elif kind == "lead":
        for lead in qs.select_related("contact__account", "source_campaign"):
            contact = lead.contact
            body = _join(
                contact.email,
                contact.account.name if contact.account else "",
                lead.source_campaign.name if lead.source_campaign else "",
            )
            title = contact.full_name or contact.email or ""
            out.append((lead.pk, lead.workspace_id, title, body))
    elif kind == "opportunity":
        for o in qs.select_related("account"):
            out.append((o.pk, o.workspace_id, o.name, o.account.name))
    else:
        for item in qs:
            out.append((item.pk, item.workspace_id, item.title, item.text))
    return {
        (kind, pk, ws, title[:300], body, key(title)[:300], key(body))
        for pk, ws, title, body in out
    }


def _stored() -> set[tuple]:
    return set(
        SearchDocument.objects.values_list(
            "kind", "object_id", "workspace_id", "title", "body", "title_key", "body_key"
        )
    )


@pytest.fixture
def records(personas):
    """Accents, empty fields, every dependent: a contact with and without account or e-mail, a
    lead with and without campaign, an account with only a name…"""
    ws = personas.acme
    lefevre = f.AccountFactory(
        workspace=ws, name="Brasserie Lefèvre", domain="lefevre.fr", city="Besançon", region=""
    )
    bare = Account.objects.create(workspace=ws, name="Œuvres Straße")
    helene = f.ContactFactory(
        workspace=ws,
        account=lefevre,
        first_name="Hélène",
        last_name="Dupré",
        email="h.dupre@lefevre.fr",
        job_title="Directrice générale",
        phone="+33 3 81 00 00 00",
    )
    nameless = Contact.objects.create(workspace=ws, email="anonyme@exemple.fr")
    no_email = Contact.objects.create(
        workspace=ws, first_name="Zoé", account=bare, job_title="VP Sales EMEA"
    )
    empty = Contact.objects.create(workspace=ws)
    webinar = f.CampaignFactory(workspace=ws, name="Webinaire d'été", type="Événement")
    f.LeadFactory(workspace=ws, contact=helene, source_campaign=webinar)
    f.LeadFactory(workspace=ws, contact=nameless)
    f.LeadFactory(workspace=ws, contact=no_email)
    f.LeadFactory(workspace=ws, contact=empty)
    f.OpportunityFactory(workspace=ws, account=lefevre, name="Fûts de chêne")
    FeedbackItem.objects.create(
        workspace=ws,
        kind="objection",
        title="Prix trop élevé",
        text="",
        author=personas.bob,
        submitted_at=timezone.now(),
    )
    return ws


def _all_ids() -> dict[str, list[int]]:
    return {
        k: list(s.model._default_manager.values_list("pk", flat=True)) for k, s in KINDS.items()
    }


@pytest.mark.parametrize("copy_from", [10**9, 1], ids=["orm", "copy"])
def test_the_refresh_writes_the_documents_the_former_code_wrote(records, settings, copy_from):
    services.COPY_FROM, saved = copy_from, services.COPY_FROM
    try:
        ids = _all_ids()
        expected = set().union(*(legacy_documents(k, v) for k, v in ids.items()))
        assert len(expected) == sum(len(v) for v in ids.values()) == 13
        SearchDocument.objects.all().delete()

        written = sum(services.documents_refresh(kind=k, ids=v) for k, v in ids.items())
        assert written == len(expected)
        assert _stored() == expected

        # dependents changed behind the signals' back (a bulk UPDATE), then refreshed
        Account.objects.filter(name="Brasserie Lefèvre").update(name="Brasserie Fèvre")
        Campaign.objects.update(name="Salon de l'Été")
        Contact.objects.filter(first_name="Hélène").update(last_name="", email=None)
        ids = _all_ids()
        for kind, pks in ids.items():
            services.documents_refresh(kind=kind, ids=pks)
        expected = set().union(*(legacy_documents(k, v) for k, v in ids.items()))
        assert _stored() == expected
        assert ("lead", "Hélène", "Brasserie Fèvre Salon de l'Été") in {
            (k, t, b) for k, _o, _w, t, b, _tk, _bk in expected
        }

        # records gone: their documents go
        gone = list(Opportunity.objects.values_list("pk", flat=True))
        Opportunity.objects.all()._raw_delete(Opportunity.objects.db)
        services.documents_refresh(kind="opportunity", ids=gone)
        assert not SearchDocument.objects.filter(kind="opportunity").exists()
    finally:
        services.COPY_FROM = saved


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row versions are PostgreSQL's")
def test_documents_that_did_not_change_are_not_rewritten(records):
    services.COPY_FROM, saved = 1, services.COPY_FROM
    try:
        ids = list(Lead.objects.values_list("pk", flat=True))
        services.documents_refresh(kind="lead", ids=ids)

        def versions() -> dict[int, str]:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT object_id, xmin::text FROM search_searchdocument WHERE kind = 'lead'"
                )
                return dict(cursor.fetchall())

        before = versions()
        changed = Lead.objects.get(contact__first_name="Zoé")
        Contact.objects.filter(pk=changed.contact_id).update(email="zoe@exemple.fr")
        assert services.documents_refresh(kind="lead", ids=ids) == len(ids)
        after = versions()
        assert {pk for pk in ids if after[pk] != before[pk]} == {changed.pk}
    finally:
        services.COPY_FROM = saved
