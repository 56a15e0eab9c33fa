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
    if text.isascii():  # nothing to decompose, and ``casefold`` is ``lower`` there: 2× faster
        return text.lower()
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


def _name(first: str, last: str) -> str:
    """``Contact.full_name``, from the two columns."""
    return f"{first} {last}".strip()


# Each kind's document is built from plain rows (``values_list``: its id, its workspace, then
# the columns of ``Kind.columns``), never from model instances: reading a million contacts as
# tuples is several times cheaper than instantiating them with their accounts.


def _contact(row: tuple[Any, ...]) -> tuple[str, str]:
    first, last, email, job_title, phone, account = row
    return _name(first, last) or email or "", _join(email, job_title, phone, account or "")


def _account(row: tuple[Any, ...]) -> tuple[str, str]:
    name, domain, industry, city, region = row
    return name, _join(domain, industry, city, region)


_CHANNELS = dict(Campaign._meta.get_field("channel").flatchoices)


def _campaign(row: tuple[Any, ...]) -> tuple[str, str]:
    name, type_, channel = row
    # what ``get_channel_display()`` shows, in the active language
    return name, _join(type_, str(_CHANNELS.get(channel, channel)))


def _lead(row: tuple[Any, ...]) -> tuple[str, str]:
    first, last, email, account, campaign = row
    return _name(first, last) or email or "", _join(email, account or "", campaign or "")


def _opportunity(row: tuple[Any, ...]) -> tuple[str, str]:
    name, account = row
    return name, account


def _feedback(row: tuple[Any, ...]) -> tuple[str, str]:
    title, text = row
    return title, text


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
    columns: tuple[str, ...]  # what its document is made of, as ``values_list`` paths
    build: Callable[[tuple[Any, ...]], tuple[str, str]]  # those columns → (title, body)
    # the rows of these ids the actor may read: the kind's own selector, so that every rule
    # of who reads what stays where it is written
    readable: Callable[[Actor, Iterable[int]], QuerySet[Any]]

    def documents(self, qs: QuerySet[Any]) -> Iterator[Document]:
        """The documents of these records, read as rows (one query, no instance)."""
        for pk, workspace_id, *columns in qs.values_list("pk", "workspace_id", *self.columns):
            title, body = self.build(tuple(columns))
            yield Document(pk, workspace_id, title, body)


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "contact",
            Contact,
            _("Contacts"),
            "contacts_detail",
            ("first_name", "last_name", "email", "job_title", "phone", "account__name"),
            _contact,
            _spec_rows(crm_records.CONTACTS),
        ),
        Kind(
            "account",
            Account,
            _("Accounts"),
            "accounts_detail",
            ("name", "domain", "industry", "city", "region"),
            _account,
            _spec_rows(crm_records.ACCOUNTS),
        ),
        Kind(
            "lead",
            Lead,
            _("Leads"),
            "leads_detail",
            (
                "contact__first_name",
                "contact__last_name",
                "contact__email",
                "contact__account__name",
                "source_campaign__name",
            ),
            _lead,
            _spec_rows(funnel_records.LEADS),
        ),
        Kind(
            "opportunity",
            Opportunity,
            _("Opportunities"),
            "opportunities_detail",
            ("name", "account__name"),
            _opportunity,
            _spec_rows(funnel_records.OPPORTUNITIES),
        ),
        Kind(
            "campaign",
            Campaign,
            _("Campaigns"),
            "campaigns_detail",
            ("name", "type", "channel"),
            _campaign,
            _spec_rows(crm_records.CAMPAIGNS),
        ),
        Kind(
            "feedback",
            FeedbackItem,
            _("Field feedback"),
            "feedback_detail",
            ("title", "text"),
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
