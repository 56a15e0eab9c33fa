"""The kinds of records bulk actions apply to, and which actions each takes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cordee.bulk.models import BulkKind
from cordee.core.errors import ValidationFailed
from cordee.core.records import RecordSpec
from cordee.core.web import RecordPage
from cordee.funnel import record_pages

PAGES: dict[str, RecordPage] = {
    BulkKind.LEADS: record_pages.LEADS,
    BulkKind.CONTACTS: record_pages.CONTACTS,
    BulkKind.ACCOUNTS: record_pages.ACCOUNTS,
    BulkKind.OPPORTUNITIES: record_pages.OPPORTUNITIES,
}
ACTIONS: dict[str, tuple[str, ...]] = {
    BulkKind.LEADS: ("reassign", "pod", "stage", "campaign", "delete"),
    BulkKind.CONTACTS: ("reassign", "campaign", "delete"),
    BulkKind.ACCOUNTS: ("reassign", "delete"),
    BulkKind.OPPORTUNITIES: ("reassign", "delete"),
}
# actions that change a record itself: only the rows ``records_changeable`` lets the actor change
ROW_SCOPED = frozenset({"reassign", "pod", "stage"})
BATCH = 1000
ID_BATCH = 900  # SQLite's bound on query parameters


def bulk_actions(kind: str) -> tuple[str, ...]:
    return ACTIONS.get(kind, ())


def kind_spec(kind: str) -> RecordSpec:
    if kind not in PAGES:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={"kind": [_("Unknown kind of records.")]}
        )
    return PAGES[kind].spec
