"""What each searchable kind puts in its document, how its rows are read back for a reader,
and where its page is: the one registry of the search (``KINDS``).

A kind's document: ``title`` (its name: what an exact match compares with) and ``body`` (the
other words that find it). A lead's title is its contact's name; an opportunity's body names
its account; a contact's body its e-mail, job title and account.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cordee.core.actor import Actor
from cordee.core.records import RecordSpec, record_queryset
from cordee.crm import records as crm_records
from cordee.crm.models import Account, Campaign, Contact
from cordee.feedback.models import FeedbackItem
from cordee.feedback.selectors.inbox import feedback_items
from cordee.funnel import records as funnel_records
from cordee.funnel.models import Lead, Opportunity

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case, accents removed: ``"Hélène"`` → ``"helene"``, ``"Straße"`` → ``"strasse"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text`` (what both engines index and query)."""
    return _WORD.findall(fold(text))


def key(text: str) -> str:
    return " ".join(words(text))


@dataclass(frozen=True)
class Document:
    object_id: int
    workspace_id: int
    title: str
    body: str


def _join(*parts: Any) -> str:
    return " ".join(str(p) for p in parts if p)


def _contacts(qs: QuerySet[Any]) -> Iterator[Document]:
    for c in qs.select_related("account"):
        title = c.full_name or c.email or ""
        body = _join(c.email, c.job_title, c.phone, c.account.name if c.account else "")
        yield Document(c.pk, c.workspace_id, title, body)


def _accounts(qs: QuerySet[Any]) -> Iterator[Document]:
    for a in qs:
        yield Document(a.pk, a.workspace_id, a.name, _join(a.domain, a.industry, a.city, a.region))


def _campaigns(qs: QuerySet[Any]) -> Iterator[Document]:
    for c in qs:
        yield Document(c.pk, c.workspace_id, c.name, _join(c.type, c.get_channel_display()))


def _leads(qs: QuerySet[Any]) -> Iterator[Document]:
    for lead in qs.select_related("contact__account", "source_campaign"):
        contact = lead.contact
        body = _join(
            contact.email,
            contact.account.name if contact.account else "",
            lead.source_campaign.name if lead.source_campaign else "",
        )
        yield Document(lead.pk, lead.workspace_id, contact.full_name or contact.email or "", body)


def _opportunities(qs: QuerySet[Any]) -> Iterator[Document]:
    for o in qs.select_related("account"):
        yield Document(o.pk, o.workspace_id, o.name, o.account.name)


def _feedback(qs: QuerySet[Any]) -> Iterator[Document]:
    for item in qs:
        yield Document(item.pk, item.workspace_id, item.title, item.text)


def _spec_rows(spec: RecordSpec) -> Callable[[Actor, Iterable[int]], QuerySet[Any]]:
    def rows(actor: Actor, ids: Iterable[int]) -> QuerySet[Any]:
        return record_queryset(actor=actor, spec=spec).filter(pk__in=list(ids))

    return rows


def _feedback_rows(actor: Actor, ids: Iterable[int]) -> QuerySet[Any]:
    return feedback_items(actor=actor).filter(pk__in=list(ids))


@dataclass(frozen=True)
class Kind:
    key: str
    model: type[models.Model]
    label: Any  # plural, for the result groups
    url_name: str  # its detail page, args (slug, pk)
    documents: Callable[[QuerySet[Any]], Iterator[Document]]
    # the rows of these ids the actor may read: the kind's own selector, so that every rule
    # of who reads what stays where it is written
    readable: Callable[[Actor, Iterable[int]], QuerySet[Any]]


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "contact",
            Contact,
            _("Contacts"),
            "contacts_detail",
            _contacts,
            _spec_rows(crm_records.CONTACTS),
        ),
        Kind(
            "account",
            Account,
            _("Accounts"),
            "accounts_detail",
            _accounts,
            _spec_rows(crm_records.ACCOUNTS),
        ),
        Kind("lead", Lead, _("Leads"), "leads_detail", _leads, _spec_rows(funnel_records.LEADS)),
        Kind(
            "opportunity",
            Opportunity,
            _("Opportunities"),
            "opportunities_detail",
            _opportunities,
            _spec_rows(funnel_records.OPPORTUNITIES),
        ),
        Kind(
            "campaign",
            Campaign,
            _("Campaigns"),
            "campaigns_detail",
            _campaigns,
            _spec_rows(crm_records.CAMPAIGNS),
        ),
        Kind(
            "feedback",
            FeedbackItem,
            _("Field feedback"),
            "feedback_detail",
            _feedback,
            _feedback_rows,
        ),
    )
}

KIND_OF_MODEL: dict[type[models.Model], str] = {k.model: k.key for k in KINDS.values()}

# a change to one record changes the documents of others: (model, kind to redo, path to it)
DEPENDENTS: dict[type[models.Model], tuple[tuple[str, str], ...]] = {
    Contact: (("lead", "contact"),),
    Account: (("contact", "account"), ("opportunity", "account"), ("lead", "contact__account")),
    Campaign: (("lead", "source_campaign"),),
}
