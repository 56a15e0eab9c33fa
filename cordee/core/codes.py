"""ISO codes, one rule each, whoever writes the value: the API's schemas, the record services
behind the pages and the API, and the imports.

A code is read leniently (spaces around, any case) and stored in capitals; anything else is
refused with one message, the same everywhere.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_CURRENCY = re.compile(r"[A-Z]{3}")
_COUNTRY = re.compile(r"[A-Z]{2}")


def currency_code(value: str) -> str:
    """An ISO 4217 currency code as stored (``" eur"`` → ``"EUR"``); ``ValueError`` otherwise."""
    code = value.strip().upper()
    if not _CURRENCY.fullmatch(code):
        raise ValueError(_("A currency is a three-letter code such as EUR."))
    return code


def country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 country code as stored (``"fr"`` → ``"FR"``); blank stays blank;
    ``ValueError`` otherwise."""
    code = value.strip().upper()
    if code and not _COUNTRY.fullmatch(code):
        raise ValueError(_("A country is a two-letter code such as FR."))
    return code
