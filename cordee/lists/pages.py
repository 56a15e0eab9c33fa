"""The lists that have saved views and a column chooser: the shared records' pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cordee.core.errors import ValidationFailed
from cordee.core.records import Filter
from cordee.core.web import RecordPage
from cordee.funnel import record_pages

LIST_PAGES: dict[str, RecordPage] = {
    page.key: page
    for page in (
        record_pages.LEADS,
        record_pages.OPPORTUNITIES,
        record_pages.ACCOUNTS,
        record_pages.CONTACTS,
        record_pages.CAMPAIGNS,
    )
}
LIST_KINDS = tuple(LIST_PAGES)


def list_page_of(kind: str) -> RecordPage:
    """The list ``kind`` names, or a field error on ``kind``."""
    try:
        return LIST_PAGES[kind]
    except KeyError:
        raise ValidationFailed(
            _("Unknown list."),
            field_errors={"kind": [_("This list has no saved views.")]},
        ) from None


def offered(flt: Filter) -> set[str] | None:
    """The values a choice filter offers (None when any value is read: text, ids, dates)."""
    if flt.kind != "choice" or callable(flt.choices) or not flt.choices:
        return None
    return {str(value) for value, _label in flt.choices}
