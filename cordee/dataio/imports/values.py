"""Reading one cell: numbers with a decimal comma and thousands separators, dates in the formats
CRMs and French Excel write, e-mails, countries and labelled choices.

Column-wide decisions (is ``03/04/2024`` the 3rd of April or the 4th of March? is ``1,250`` one
and a quarter or twelve hundred and fifty?) are taken once per column from every value of the
file (``DateEvidence``, ``NumberEvidence``); a column that gives no evidence follows the
workspace's language (French: day first, decimal comma) and the preview says so.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from cordee.core.codes import country_code
from cordee.core.spreadsheet import unneutralise
from cordee.dataio.imports.words import Text
from cordee.dataio.imports.words import later as _
from cordee.tenancy.models import normalize_email


class CellError(ValueError):
    """A value that cannot be read; the message is the reason shown to the user."""

    @property
    def reason(self) -> Text:
        """The reason as given (words written when read, see ``words``)."""
        return self.args[0] if self.args else ""


def text(value: Any) -> str:
    """The cell as trimmed text ('' for empty); Excel numbers lose a useless '.0'; the ``'``
    an export put before a would-be formula is dropped (``core.spreadsheet``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    value = unneutralise(str(value).strip())
    return value.replace("\r\n", "\n") if "\r" in value else value


def fold(value: str) -> str:
    """Accents, case, spaces and punctuation removed: how labels and headers are compared."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if c.isalnum()).casefold()


# -- numbers ---------------------------------------------------------------------------------

_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")
_CURRENCY = re.compile(r"(?i)^(?:eur|usd|gbp|chf|[€$£])\s*|\s*(?:eur|usd|gbp|chf|[€$£%])$")
_GROUPED = re.compile(r"^\d{1,3}([.,])\d{3}(?:\1\d{3})*$")


@dataclass
class NumberEvidence:
    """Which character separates decimals in a column, from the values that tell."""

    comma: int = 0
    dot: int = 0

    def see(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        raw = _CURRENCY.sub("", value.strip()).translate(_SPACES).lstrip("+-")
        if "," in raw and "." in raw:
            if raw.rfind(",") > raw.rfind("."):
                self.comma += 1
            else:
                self.dot += 1
        elif "," in raw:
            if raw.count(",") == 1 and not _GROUPED.match(raw):
                self.comma += 1
        elif "." in raw and raw.count(".") == 1 and not _GROUPED.match(raw):
            self.dot += 1

    def decide(self, language: str) -> tuple[str, bool]:
        """(decimal separator, ambiguous?)."""
        if self.comma and not self.dot:
            return ",", False
        if self.dot and not self.comma:
            return ".", False
        if self.comma and self.dot:
            return ("," if self.comma >= self.dot else "."), False
        return ("," if language == "fr" else "."), True


def parse_decimal(value: Any, decimal_sep: str = ",") -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("'%(value)s' is not a number.") % {"value": value})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raw = _CURRENCY.sub("", str(value).strip()).translate(_SPACES)
    thousands = "." if decimal_sep == "," else ","
    if "," in raw and "." in raw:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
    elif raw.count(thousands) == 1 and not _GROUPED.match(raw.lstrip("+-")):
        # "12.5" in a decimal-comma column: a lone separator not grouping thousands is decimal
        decimal_sep, thousands = thousands, decimal_sep
    normalised = raw.replace(thousands, "").replace(decimal_sep, ".")
    try:
        number = Decimal(normalised)
    except InvalidOperation:
        raise CellError(_("'%(value)s' is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise CellError(_("'%(value)s' is not a number.") % {"value": value})
    return number


# -- dates -----------------------------------------------------------------------------------

_ISO = re.compile(
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_DMY = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})"
    r"(?:[T ,]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)


@dataclass
class DateEvidence:
    """Day-first or month-first: a first part above 12 proves day first, a second above 12
    proves month first; a column where every day is ≤ 12 proves nothing."""

    day_first: int = 0
    month_first: int = 0
    seen: int = 0
    example: str = ""
    proof_day_first: str = ""
    proof_month_first: str = ""

    def see(self, value: Any) -> None:
        if not isinstance(value, str) or not value:
            return
        match = _DMY.match(value.strip())
        if not match:
            return
        self.seen += 1
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 >= second:
            self.day_first += 1
            self.proof_day_first = self.proof_day_first or value.strip()
        elif second > 12 >= first:
            self.month_first += 1
            self.proof_month_first = self.proof_month_first or value.strip()
        if not self.example:
            self.example = value.strip()

    def decide(self, language: str) -> tuple[str, bool]:
        """("dmy" or "mdy", ambiguous?)."""
        if self.day_first and not self.month_first:
            return "dmy", False
        if self.month_first and not self.day_first:
            return "mdy", False
        if self.day_first or self.month_first:  # contradictory: the majority, errors for others
            return ("dmy" if self.day_first >= self.month_first else "mdy"), False
        return ("dmy" if language == "fr" else "mdy"), True


def _year(raw: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 2000 if year < 70 else 1900
    return year


def parse_datetime(value: Any, order: str, tz: ZoneInfo, *, date_only: bool = False) -> Any:
    """A ``date`` (``date_only``) or an aware ``datetime``; naive times are the workspace's."""
    if isinstance(value, dt.datetime):
        parsed = value if value.tzinfo else value.replace(tzinfo=tz)
        return parsed.date() if date_only else parsed
    if isinstance(value, dt.date):
        return value if date_only else dt.datetime.combine(value, dt.time(), tzinfo=tz)
    raw = str(value).strip()
    offset: dt.tzinfo = tz
    match = _ISO.match(raw)
    try:
        if match:
            year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
            hour, minute, second = (int(match.group(i) or 0) for i in (4, 5, 6))
            zone = match.group(7)
            if zone:
                offset = dt.UTC if zone == "Z" else _offset(zone)
        else:
            match = _DMY.match(raw)
            if not match:
                raise CellError(_("'%(value)s' is not a date.") % {"value": raw})
            first, second_part = int(match.group(1)), int(match.group(2))
            day, month = (first, second_part) if order == "dmy" else (second_part, first)
            year = _year(match.group(3))
            hour, minute, second = (int(match.group(i) or 0) for i in (4, 5, 6))
            meridiem = (match.group(7) or "").lower()
            if meridiem == "pm" and hour < 12:
                hour += 12
            elif meridiem == "am" and hour == 12:
                hour = 0
        if date_only:
            return dt.date(year, month, day)
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=offset)
    except ValueError as exc:
        if isinstance(exc, CellError):
            raise
        raise CellError(
            _("'%(value)s' is not a valid date (read as %(order)s).")
            % {"value": raw, "order": _order_label(order)}
        ) from None


def _offset(zone: str) -> dt.tzinfo:
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _order_label(order: str) -> Text:
    return _("day/month/year") if order == "dmy" else _("month/day/year")


# -- other kinds -----------------------------------------------------------------------------


def parse_email(value: Any) -> str:
    email = normalize_email(text(value))
    if not email:
        raise CellError(_("The e-mail is empty."))
    try:
        validate_email(email)
    except ValidationError:
        raise CellError(
            _("'%(value)s' is not a valid e-mail address.") % {"value": value}
        ) from None
    return email


_COUNTRIES = {
    fold(name): code
    for code, names in {
        "FR": ("France", "Frankreich", "Francia"),
        "BE": ("Belgique", "Belgium", "Belgien", "België"),
        "CH": ("Suisse", "Switzerland", "Schweiz"),
        "LU": ("Luxembourg",),
        "DE": ("Allemagne", "Germany", "Deutschland"),
        "ES": ("Espagne", "Spain", "España"),
        "IT": ("Italie", "Italy", "Italia"),
        "PT": ("Portugal",),
        "NL": ("Pays-Bas", "Netherlands", "Nederland", "The Netherlands"),
        "GB": ("Royaume-Uni", "United Kingdom", "UK", "Great Britain", "England"),
        "IE": ("Irlande", "Ireland"),
        "US": ("États-Unis", "Etats-Unis", "United States", "USA", "United States of America"),
        "CA": ("Canada",),
        "MA": ("Maroc", "Morocco"),
        "TN": ("Tunisie", "Tunisia"),
        "SN": ("Sénégal", "Senegal"),
        "CI": ("Côte d'Ivoire", "Ivory Coast"),
        "PL": ("Pologne", "Poland"),
        "SE": ("Suède", "Sweden"),
        "DK": ("Danemark", "Denmark"),
        "AT": ("Autriche", "Austria"),
    }.items()
    for name in names
}


def parse_country(value: Any) -> str:
    raw = text(value)
    if len(raw) == 2:
        try:
            return country_code(raw)  # the rule every writer follows
        except ValueError:
            pass  # perhaps a name ("UK" is a code first)
    code = _COUNTRIES.get(fold(raw))
    if code is None:
        raise CellError(
            _("Unknown country '%(value)s': use a two-letter code such as FR.") % {"value": raw}
        )
    return code


@dataclass
class Choices:
    """A closed list of values; each file label (folded) points to one value."""

    values: dict[str, str] = field(default_factory=dict)
    default: str | None = None  # for labels not in the list; None: the cell is rejected

    def parse(self, value: Any) -> str:
        raw = text(value)
        found = self.values.get(fold(raw))
        if found is not None:
            return found
        if self.default is not None:
            return self.default
        allowed = ", ".join(sorted(set(self.values.values())))
        raise CellError(
            _("Unknown value '%(value)s' (expected one of: %(allowed)s).")
            % {"value": raw, "allowed": allowed}
        )
