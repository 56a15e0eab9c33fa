"""The record timeline: one permission-scoped read that merges, newest first, everything that
happened to a lead, contact, account or opportunity — stage history, deal stages, field changes,
assignments (the changes of owner), marketing touches, activities logged by people, tasks, a
deal's credit splits (read from the audit log, which keeps them) — with a kind filter and pages.

Each kind of entry is a ``TimelineSource``: a function that returns the ``limit`` newest entries
of its kind about a record, in **one** query. The timeline asks every chosen source for
``offset + size`` entries, merges them and cuts the page: the number of queries is the number of
sources, whatever the number of entries.

**Adding a kind** (the comments app does this): in the upper app's ``apps.py`` ``ready()`` (or a
module it imports), call ``timeline_source_register("comment", _("Comments"), fetch)`` where
``fetch(actor, about, limit) -> list[Entry]``. The funnel never imports the app above it; the
upper app fills this registry, as ``people.notices`` is filled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from heapq import merge
from itertools import islice
from typing import Any

from django.db.models import Model, Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.core.actor import Actor
from cordee.core.models import AuditEntry, FieldChange
from cordee.core.records import field_change_values
from cordee.crm.models import Account, Contact
from cordee.funnel import credits
from cordee.funnel.activities import About
from cordee.funnel.models import (
    ACTIVITY_KINDS,
    Lead,
    LeadAssignment,
    LeadStageChange,
    Opportunity,
    OpportunityStageChange,
    Task,
    Touchpoint,
)

PAGE_SIZE = 25


@dataclass(frozen=True)
class Entry:
    kind: str  # the source's key: "stage", "activity", "touch", "task", "assignment"…
    at: Any  # aware datetime
    title: str
    detail: str = ""
    actor: str | None = None
    ref: str = ""  # "<model>:<id>" of the row it comes from
    extra: str = ""  # a short tag the template may show (a call's outcome, "done")
    open_task: int | None = None  # a task not done yet: its id (the page offers "Done")


Fetch = Callable[[Actor, About, int], list[Entry]]


@dataclass(frozen=True)
class TimelineSource:
    kind: str
    label: str | Promise
    fetch: Fetch


SOURCES: dict[str, TimelineSource] = {}


def timeline_source_register(kind: str, label: str | Promise, fetch: Fetch) -> None:
    """Add a kind of timeline entry (see the module's doc)."""
    SOURCES[kind] = TimelineSource(kind, label, fetch)


def _name(user: Any) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


def _lead_filter(about: About) -> Q:
    """The rows of the record's leads: the lead's, the contact's, the account's contacts', the
    opportunity's lead's (stage history and assignments belong to leads)."""
    if about.scope == "lead":
        return Q(lead=about.lead)
    if about.scope == "contact":
        return Q(lead__contact=about.contact)
    if about.scope == "account":
        return Q(lead__contact__account=about.account)
    assert about.opportunity is not None
    return Q(lead=about.opportunity.lead_id) if about.opportunity.lead_id else Q(pk__in=[])


def _stages(actor: Actor, about: About, limit: int) -> list[Entry]:
    rows = (
        LeadStageChange.objects.filter(_lead_filter(about), workspace=actor.workspace)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    return [
        Entry(
            "stage",
            r.at,
            _("%(from)s → %(to)s")
            % {"from": r.get_from_stage_display() or "—", "to": r.get_to_stage_display()},
            " · ".join(part for part in (r.why, r.rule) if part),
            _name(r.actor),
            f"stage:{r.pk}",
        )
        for r in rows
    ]


def _assignments(actor: Actor, about: About, limit: int) -> list[Entry]:
    rows = (
        LeadAssignment.objects.filter(_lead_filter(about), workspace=actor.workspace)
        .select_related("from_owner", "to_owner", "actor")
        .order_by("-at", "-id")[:limit]
    )
    return [
        Entry(
            "assignment",
            r.at,
            _("Owner: %(from)s → %(to)s")
            % {"from": _name(r.from_owner) or "—", "to": _name(r.to_owner) or "—"},
            r.why,
            _name(r.actor),
            f"assignment:{r.pk}",
        )
        for r in rows
    ]


def _deal_filter(about: About) -> Q:
    """The record's opportunities: the lead's, the contact's leads', the account's, itself."""
    if about.scope == "lead":
        return Q(opportunity__lead=about.lead)
    if about.scope == "contact":
        return Q(opportunity__lead__contact=about.contact)
    if about.scope == "account":
        return Q(opportunity__account=about.account)
    return Q(opportunity=about.opportunity)


def _deal_stages(actor: Actor, about: About, limit: int) -> list[Entry]:
    rows = (
        OpportunityStageChange.objects.filter(_deal_filter(about), workspace=actor.workspace)
        .select_related("actor", "opportunity")
        .order_by("-at", "-id")[:limit]
    )
    return [
        Entry(
            "deal_stage",
            r.at,
            _("%(from)s → %(to)s")
            % {"from": r.get_from_stage_display() or "—", "to": r.get_to_stage_display()},
            r.opportunity.name if about.scope != "opportunity" else "",
            _name(r.actor),
            f"deal_stage:{r.pk}",
        )
        for r in rows
    ]


def _deals_of(about: About) -> Q:
    """The record's opportunities, as a filter of opportunities (``_deal_filter``'s rows)."""
    if about.scope == "lead":
        return Q(lead=about.lead)
    if about.scope == "contact":
        return Q(lead__contact=about.contact)
    if about.scope == "account":
        return Q(account=about.account)
    return Q(pk=about.opportunity.pk if about.opportunity else None)


def _credit_splits(actor: Actor, about: About, limit: int) -> list[Entry]:
    """Changes of a deal's credit split, from the audit log (``funnel.credits``)."""
    deals = Opportunity.objects.filter(_deals_of(about), workspace=actor.workspace).values("pk")
    rows = AuditEntry.objects.filter(
        workspace=actor.workspace,
        target="opportunities",
        action=credits.AUDIT_ACTION,
        target_id__in=deals,
    ).order_by("-at", "-id")[:limit]
    entries = []
    for r in rows:
        split = (r.after or {}).get(credits.AUDIT_VALUE) or {}
        shares = ", ".join(
            f"{email} {credits.share_percent(Decimal(share))}" for email, share in split.items()
        )
        title = (
            _("Credit split: %(shares)s") % {"shares": shares}
            if shares
            else _("Credit split removed: the owner is credited with the whole deal")
        )
        detail = r.target_label if about.scope != "opportunity" else ""
        entries.append(Entry("credit", r.at, title, detail, r.by_label or None, f"audit:{r.pk}"))
    return entries


# the record a timeline is about → (its kind's ``RecordSpec.key``, its model)
_RECORD_KINDS: dict[str, tuple[str, type[Model]]] = {
    "lead": ("leads", Lead),
    "contact": ("contacts", Contact),
    "account": ("accounts", Account),
    "opportunity": ("opportunities", Opportunity),
}


def _changes(actor: Actor, about: About, limit: int) -> list[Entry]:
    """Fields of the record itself that a person changed (``core.models.FieldChange``)."""
    key, model = _RECORD_KINDS[about.scope]
    record = getattr(about, about.scope)
    rows = (
        FieldChange.objects.filter(workspace=actor.workspace, record=key, record_id=record.pk)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    entries = []
    for r in rows:
        name, before, after = field_change_values(model, r)
        title = _("%(field)s: %(before)s → %(after)s") % {
            "field": name,
            "before": before,
            "after": after,
        }
        entries.append(Entry("change", r.at, title, "", _name(r.actor), f"change:{r.pk}"))
    return entries


def _touch_filter(about: About) -> Q:
    scope = about.scope
    if scope == "lead":
        return Q(lead=about.lead)
    if scope == "contact":
        return Q(contact=about.contact)
    if scope == "account":
        return Q(contact__account=about.account)
    assert about.opportunity is not None
    mine = Q(opportunity=about.opportunity)
    return mine | Q(lead=about.opportunity.lead_id) if about.opportunity.lead_id else mine


def _touches(actor: Actor, about: About, limit: int, *, activities: bool) -> list[Entry]:
    kinds = Q(kind__in=[str(k) for k in ACTIVITY_KINDS])
    rows = (
        Touchpoint.objects.filter(_touch_filter(about), workspace=actor.workspace)
        .filter(kinds if activities else ~kinds)
        .select_related("actor", "campaign")
        .order_by("-occurred_at", "-id")[:limit]
    )
    return [
        Entry(
            "activity" if activities else "touch",
            t.occurred_at,
            t.get_kind_display(),
            t.note if activities else (t.campaign.name if t.campaign else t.note),
            _name(t.actor),
            f"touch:{t.pk}",
            t.get_outcome_display() if t.outcome else "",
        )
        for t in rows
    ]


def _activities(actor: Actor, about: About, limit: int) -> list[Entry]:
    return _touches(actor, about, limit, activities=True)


def _marketing(actor: Actor, about: About, limit: int) -> list[Entry]:
    return _touches(actor, about, limit, activities=False)


def _task_filter(about: About) -> Q:
    scope = about.scope
    if scope == "lead":
        return Q(lead=about.lead)
    if scope == "contact":
        return Q(contact=about.contact) | Q(lead__contact=about.contact)
    if scope == "account":
        return (
            Q(account=about.account)
            | Q(contact__account=about.account)
            | Q(lead__contact__account=about.account)
            | Q(opportunity__account=about.account)
        )
    return Q(opportunity=about.opportunity)


def _tasks(actor: Actor, about: About, limit: int) -> list[Entry]:
    """A task sits at its due time (planned work ahead is at the top)."""
    rows = (
        Task.objects.filter(_task_filter(about), workspace=actor.workspace)
        .select_related("owner")
        .order_by("-due_at", "-id")[:limit]
    )
    return [
        Entry(
            "task",
            t.due_at,
            t.title,
            "",
            _name(t.owner),
            f"task:{t.pk}",
            _("done") if t.done_at else "",
            None if t.done_at else t.pk,
        )
        for t in rows
    ]


timeline_source_register("activity", gettext_lazy("Activities"), _activities)
timeline_source_register("task", gettext_lazy("Tasks"), _tasks)
timeline_source_register("stage", gettext_lazy("Stages"), _stages)
timeline_source_register("assignment", gettext_lazy("Owner changes"), _assignments)
timeline_source_register("touch", gettext_lazy("Marketing touches"), _marketing)
timeline_source_register("deal_stage", gettext_lazy("Deal stages"), _deal_stages)
timeline_source_register("change", gettext_lazy("Field changes"), _changes)
timeline_source_register("credit", gettext_lazy("Credit splits"), _credit_splits)


@dataclass
class TimelinePage:
    entries: list[Entry]
    kinds: list[str]
    page: int
    has_next: bool


def timeline(
    *,
    actor: Actor,
    about: About,
    kinds: list[str] | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> TimelinePage:
    """The record's entries newest first, of the chosen ``kinds`` (all when none), one page."""
    chosen = [k for k in (kinds or []) if k in SOURCES] or list(SOURCES)
    page = max(page, 1)
    offset = (page - 1) * size
    wanted = offset + size + 1  # one more: is there a next page?
    streams = [SOURCES[k].fetch(actor, about, wanted) for k in chosen]
    merged = list(islice(merge(*streams, key=lambda e: e.at, reverse=True), offset, wanted))
    return TimelinePage(merged[:size], chosen, page, len(merged) > size)
