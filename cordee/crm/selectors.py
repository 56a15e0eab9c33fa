"""Permission-scoped reads of the shared data beyond the generic list and get."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from cordee.core.actor import Actor
from cordee.crm.models import Account, CampaignMember, Contact
from cordee.tenancy.models import Workspace, normalize_email


def account_contacts(*, actor: Actor, account_id: int, limit: int = 50) -> QuerySet[Contact]:
    return Contact.objects.filter(workspace=actor.workspace, account_id=account_id)[:limit]


def campaign_members(*, actor: Actor, campaign_id: int, limit: int = 10) -> QuerySet[Any]:
    """The campaign's latest members, with their contact and account (one query)."""
    return (
        CampaignMember.objects.filter(workspace=actor.workspace, campaign_id=campaign_id)
        .select_related("contact__account")
        .order_by("-added_at", "-id")[:limit]
    )


def campaign_members_count(*, actor: Actor, campaign_id: int) -> int:
    return CampaignMember.objects.filter(workspace=actor.workspace, campaign_id=campaign_id).count()


# -- duplicates: THE rule of what looks like the same contact or account ------------------------
#
# Two contacts look alike when they share an e-mail (normalised as stored), or the same first and
# last name (accents, case and punctuation ignored) at the same account. Two accounts look alike
# when they share a website domain ("https://www.Acme.fr/" is "acme.fr") or a name (accents, case,
# spaces and punctuation ignored). Each record gives *keys*; records sharing a key are suggested.
# The create forms ask ``duplicate_candidates``; the imports compare the file's rows by the same
# keys (``contact_keys`` / ``account_keys``), so both say the same thing.

DuplicateKey = tuple[str, str]  # (reason, value): ("email", "a@b.fr"), ("domain", "acme.fr")…


def name_key(value: str | None) -> str:
    """Accents, case, spaces and punctuation removed: ``"Société  Générale"`` → ``"societegenerale"``."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(c for c in decomposed if c.isalnum()).casefold()


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


def domain_key(value: str | None) -> str:
    """A website as its bare host: scheme, ``www.``, port, path and case dropped."""
    host = _SCHEME.sub("", (value or "").strip().lower())
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    host = host.split(":", 1)[0].strip(".")
    return host.removeprefix("www.")


def contact_keys(
    *, email: str | None, first_name: str | None, last_name: str | None, account: Any
) -> set[DuplicateKey]:
    """``account``: the account's id (or, between rows of a file, its name key)."""
    keys: set[DuplicateKey] = set()
    if address := normalize_email(email):
        keys.add(("email", address))
    first, last = name_key(first_name), name_key(last_name)
    if first and last and account not in (None, ""):
        keys.add(("person", f"{account}|{first}|{last}"))
    return keys


def account_keys(*, name: str | None, domain: str | None) -> set[DuplicateKey]:
    keys: set[DuplicateKey] = set()
    if host := domain_key(domain):
        keys.add(("domain", host))
    if folded := name_key(name):
        keys.add(("name", folded))
    return keys


def record_keys(record: Contact | Account) -> set[DuplicateKey]:
    """The keys of a stored contact or account."""
    if isinstance(record, Contact):
        return contact_keys(
            email=record.email,
            first_name=record.first_name,
            last_name=record.last_name,
            account=record.account_id,
        )
    return account_keys(name=record.name, domain=record.domain)


DUPLICATE_REASONS = {
    "email": _("same e-mail"),
    "person": _("same name at the same account"),
    "domain": _("same website domain"),
    "name": _("same name"),
}


@dataclass(frozen=True)
class Duplicate:
    """An existing record that looks like the one being written, and why (keys of
    ``DUPLICATE_REASONS``)."""

    record: Any
    reasons: tuple[str, ...]

    @property
    def why(self) -> str:
        return ", ".join(str(DUPLICATE_REASONS[r]) for r in self.reasons)


def _contact_candidates(workspace: Workspace, keys: set[DuplicateKey]) -> QuerySet[Contact]:
    condition = Q(pk__in=[])
    for reason, value in keys:
        if reason == "email":
            condition |= Q(email=value)
        else:  # the account's contacts, compared in memory by folded name
            condition |= Q(account_id=int(value.split("|", 1)[0]))
    return Contact.objects.filter(condition, workspace=workspace).select_related("account")


def _account_candidates(workspace: Workspace, keys: set[DuplicateKey]) -> QuerySet[Account]:
    condition = Q(pk__in=[])
    for reason, value in keys:
        if reason == "domain":
            condition |= Q(domain__icontains=value)
        else:
            # accents cannot be ignored by both databases' LIKE: names of a length the folded
            # name could come from (folding only drops accents, spaces and punctuation), compared
            # in memory
            condition |= Q(name_length__gte=len(value), name_length__lte=len(value) + 20)
    return Account.objects.annotate(name_length=Length("name")).filter(
        condition, workspace=workspace
    )


def duplicate_candidates(
    *,
    workspace: Workspace,
    kind: str,
    fields: dict[str, Any],
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[Duplicate]:
    """Existing contacts (``kind="contact"``: ``email``, ``first_name``, ``last_name``,
    ``account`` id) or accounts (``kind="account"``: ``name``, ``domain``) of the workspace that
    look like ``fields``, the most reasons first, then the oldest."""
    if kind == "contact":
        account = fields.get("account")
        keys = contact_keys(
            email=fields.get("email"),
            first_name=fields.get("first_name"),
            last_name=fields.get("last_name"),
            account=int(str(account)) if str(account or "").isdigit() else None,
        )
        rows: Any = _contact_candidates(workspace, keys) if keys else []
    elif kind == "account":
        keys = account_keys(name=fields.get("name"), domain=fields.get("domain"))
        rows = _account_candidates(workspace, keys) if keys else []
    else:
        raise ValueError(kind)
    found = []
    for row in rows:
        if row.pk == exclude_id:
            continue
        shared = sorted(reason for reason, _value in keys & record_keys(row))
        if shared:
            found.append(Duplicate(row, tuple(shared)))
    found.sort(key=lambda d: (-len(d.reasons), d.record.pk))
    return found[:limit]
