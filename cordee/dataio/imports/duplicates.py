"""Rows of an import that look like records already in Cordée, or like other rows of the file,
by the rule of ``crm.selectors`` (the create forms' rule) — reported as warnings, never refused.

They complement the import's own matching rather than repeat it: a contact found again by its
e-mail or external id, an account by its name (case ignored) or external id, is *updated* by the
import, so it is no duplicate. What is left is what the import would create beside an existing
record: a contact with another e-mail but the same first and last name at the same account; an
account under another name but with the same website domain, or the same name once accents and
punctuation are ignored ("Societe Generale" beside "Société Générale"). The engine hands a
contacts import's rows that create contacts only (a re-import of known contacts compares none).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import connection
from django.db.models.functions import Lower

from cordee.crm import models as crm
from cordee.crm.selectors import DuplicateKey, account_keys, name_key
from cordee.dataio.imports.kinds.bulk import chunks
from cordee.dataio.imports.rows import Row, RowError
from cordee.dataio.imports.words import Text
from cordee.dataio.imports.words import later as _
from cordee.tenancy.models import Workspace, normalize_email

CHECKED_ROWS = 50_000  # the rows compared, from the top of the file (a bound on memory and time)
CONTACT_KINDS = ("contacts", "leads")  # a lead import writes its contacts


def _existing(reason: str, record: str, pk: int) -> Text:
    params = {"record": record, "id": pk}
    if reason == "person":
        return (
            _(
                "Looks like %(record)s (no. %(id)s), already in Cordée with another e-mail: "
                "same first and last name at the same account."
            )
            % params
        )
    if reason == "domain":
        return (
            _(
                "Looks like the account %(record)s (no. %(id)s), already in Cordée under another "
                "name: same website domain."
            )
            % params
        )
    return (
        _(
            "Looks like the account %(record)s (no. %(id)s), already in Cordée: the same name "
            "once accents, case and punctuation are ignored."
        )
        % params
    )


def _in_file(reason: str, line: int) -> Text:
    params = {"line": line}
    if reason == "person":
        return (
            _(
                "Looks like line %(line)s of this file: same first and last name at the same "
                "account, another e-mail."
            )
            % params
        )
    if reason == "domain":
        return _("Looks like line %(line)s of this file: same website domain, another name.") % (
            params
        )
    return (
        _(
            "Looks like line %(line)s of this file: the same name once accents, case and "
            "punctuation are ignored."
        )
        % params
    )


def _column(reason: str, column_of: Mapping[str, str]) -> str:
    field = {"person": "last_name", "domain": "domain", "name": "name"}[reason]
    return column_of.get(field, "")


def duplicate_warnings(
    workspace: Workspace, kind: str, rows: Iterable[Row], column_of: Mapping[str, str]
) -> list[RowError]:
    """One warning per row that looks like an existing record or an earlier row of the file
    (``column_of``: field → the file's column, to name it)."""
    checked = [row for _i, row in zip(range(CHECKED_ROWS), rows, strict=False)]
    if kind in CONTACT_KINDS:
        return _contacts(workspace, checked, column_of)
    if kind == "accounts":
        return _accounts(workspace, checked, column_of)
    return []


def _fold(name: Any) -> str:
    return str(name or "").strip().casefold()  # how the import matches an account's name


_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


def _name_keys() -> Callable[[str | None], str]:
    """``name_key`` remembered per value (a file repeats its first names and companies), and
    without Unicode decomposition for plain ASCII, where it changes nothing."""
    cache: dict[str | None, str] = {}

    def key(value: str | None) -> str:
        found = cache.get(value)
        if found is None:
            if value is not None and value.isascii():
                found = _NOT_ALNUM.sub("", value).lower()
            else:
                found = name_key(value)
            cache[value] = found
        return found

    return key


def _contacts(
    workspace: Workspace, rows: list[Row], column_of: Mapping[str, str]
) -> list[RowError]:
    folded = {_fold(r.values.get("account")) for r in rows if r.values.get("account")}
    account_ids: dict[str, int] = {}
    for folded_names in chunks(folded):
        for pk, name in (
            crm.Account.objects.filter(workspace=workspace)
            .annotate(folded=Lower("name"))
            .filter(folded__in=folded_names)
            .order_by("-id")
            .values_list("id", "folded")
        ):
            account_ids[name] = pk  # the oldest wins, as in the import
    names = _name_keys()

    def person_keys(first: str | None, last: str | None, account: Any) -> tuple[DuplicateKey, ...]:
        """``contact_keys(email=None, …)``, each name folded once."""
        first_key, last_key = names(first), names(last)
        if first_key and last_key and account not in (None, ""):
            return (("person", f"{account}|{first_key}|{last_key}"),)
        return ()

    known: dict[DuplicateKey, tuple[int, str, str | None, str]] = {}
    # the last names (folded) of the rows whose account is known: no other can share a key
    last_names = {names(r.values.get("last_name")) for r in rows} - {""}
    for pk, first, last, account_id, email, external_id in _people_at(
        workspace, sorted(set(account_ids.values())), last_names
    ):
        for key in person_keys(first, last, account_id):
            label = f"{first} {last}".strip() or (email or "")  # as ``str(contact)``
            known.setdefault(key, (pk, label, email, external_id or ""))
    warnings: list[RowError] = []
    seen: dict[DuplicateKey, tuple[int, str | None]] = {}
    for row in rows:
        values = row.values
        email = normalize_email(values.get("email"))
        account = _fold(values.get("account"))
        row_first, row_last = values.get("first_name"), values.get("last_name")
        matched = False  # an existing record is the pair's reference: no second warning
        for key in person_keys(row_first, row_last, account_ids.get(account)):
            match = known.get(key)
            matched = matched or match is not None
            same_record = match and (
                match[2] == email
                or (values.get("external_id") and match[3] == values.get("external_id"))
            )
            if match and not same_record:
                warnings.append(
                    RowError(
                        row.line,
                        _column("person", column_of),
                        _existing("person", match[1], match[0]),
                    )
                )
        for key in person_keys(row_first, row_last, names(account) or None):
            earlier = seen.setdefault(key, (row.line, email))
            if not matched and earlier[0] != row.line and earlier[1] != email:
                warnings.append(
                    RowError(row.line, _column("person", column_of), _in_file("person", earlier[0]))
                )
    return warnings


def _people_at(
    workspace: Workspace, account_ids: list[int], last_names: set[str]
) -> Iterable[tuple[int, str, str, int, str | None, str | None]]:
    """(id, first name, last name, account, e-mail, external id) of the contacts of these
    accounts that may share a row's person key, by id. On PostgreSQL, in one query, only those
    whose last name folds to one of ``last_names`` (``name_key``'s: for a name in plain ASCII,
    its letters and digits in lower case, which SQL computes alike) or is not plain ASCII (its
    octets outnumber its characters: kept whatever its letters, folded in Python) — a re-import
    of a million contacts read the million of its companies (17 s), now those of the checked
    rows' names. Elsewhere, every contact of the accounts. Plain tuples, not model instances."""
    if connection.vendor == "postgresql":
        if not account_ids or not last_names:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, first_name, last_name, account_id, email, external_id "
                f"FROM {crm.Contact._meta.db_table} "
                "WHERE workspace_id = %s AND account_id = ANY(%s) AND ("
                "octet_length(last_name) <> char_length(last_name) OR "
                "lower(regexp_replace(last_name, '[^A-Za-z0-9]+', '', 'g')) = ANY(%s::text[])"
                ") ORDER BY id",
                [workspace.pk, account_ids, sorted(last_names)],
            )
            return cursor.fetchall()
    return (
        row
        for ids in chunks(account_ids)
        for row in crm.Contact.objects.filter(workspace=workspace, account_id__in=ids)
        .order_by("pk")
        .values_list("pk", "first_name", "last_name", "account_id", "email", "external_id")
    )


def _accounts(
    workspace: Workspace, rows: list[Row], column_of: Mapping[str, str]
) -> list[RowError]:
    known: dict[DuplicateKey, tuple[int, str, str]] = {}
    for pk, name, domain, external_id in (
        crm.Account.objects.filter(workspace=workspace)
        .order_by("id")
        .values_list("id", "name", "domain", "external_id")
        .iterator(chunk_size=5000)
    ):
        for key in account_keys(name=name, domain=domain):
            known.setdefault(key, (pk, name, external_id or ""))
    warnings: list[RowError] = []
    seen: dict[DuplicateKey, tuple[int, str]] = {}
    for row in rows:
        values = row.values
        folded = _fold(values.get("name"))
        for reason, value in sorted(
            account_keys(name=values.get("name"), domain=values.get("domain"))
        ):
            match = known.get((reason, value))
            same_record = match and (
                _fold(match[1]) == folded
                or (values.get("external_id") and match[2] == values.get("external_id"))
            )
            if match and not same_record:
                warnings.append(
                    RowError(
                        row.line, _column(reason, column_of), _existing(reason, match[1], match[0])
                    )
                )
            earlier = seen.setdefault((reason, value), (row.line, folded))
            if match is None and earlier[0] != row.line and earlier[1] != folded:
                warnings.append(
                    RowError(row.line, _column(reason, column_of), _in_file(reason, earlier[0]))
                )
    return warnings
