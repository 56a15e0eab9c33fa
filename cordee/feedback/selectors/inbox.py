"""Permission-scoped reads of the field-feedback inbox, shared by the API and the pages: the
filtered list and its facet counts, one item and its page, themes, competitors, the SLA terms and
breaches, and the answers someone is waiting for.

Every member reads the workspace's feedback (it is shared by design); the functions below
filter on ``actor.workspace`` and answer 404 for another workspace's item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import NotFound, ValidationFailed
from cordee.feedback.models import (
    CLOSED_STATUSES,
    TRANSITIONS,
    Competitor,
    FeedbackItem,
    FeedbackKind,
    FeedbackResponse,
    FeedbackSettings,
    FeedbackSlaBreach,
    FeedbackStatus,
    FeedbackStatusChange,
    FeedbackTheme,
    FeedbackVote,
)
from cordee.tenancy.models import User

SORTS: dict[str, tuple[str, ...]] = {
    "-submitted": ("-submitted_at", "-id"),
    "submitted": ("submitted_at", "id"),
    "-votes": ("-votes_count", "-submitted_at", "-id"),
    "due": ("due_on", "-submitted_at", "-id"),
    "status": ("status", "-submitted_at", "-id"),
}
FILTERS = (
    "kind",
    "status",
    "competitor",
    "pod",
    "campaign",
    "author",
    "owner",
    "theme",
    "max_age_days",
    "min_age_days",
    "q",
    "merged",
)


def feedback_items(*, actor: Actor) -> QuerySet[FeedbackItem]:
    """The workspace's items with what a list shows: links, ``votes_count``,
    ``responses_count``."""
    return (
        FeedbackItem.objects.filter(workspace=actor.workspace)
        .select_related("author", "owner", "competitor", "pod", "campaign", "theme")
        .annotate(
            votes_count=Count("votes", distinct=True),
            responses_count=Count("responses", distinct=True),
        )
    )


def _int(params: Mapping[str, str], name: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.lstrip("-").isdigit() or abs(int(raw)) > 2**62:
        raise ValidationFailed(
            _("Invalid value for filter “%(name)s”.") % {"name": name},
            field_errors={name: [_("“%(value)s” is not valid here.") % {"value": raw}]},
        )
    return int(raw)


def _choice(params: Mapping[str, str], name: str, allowed: list[str]) -> list[str]:
    raw = (params.get(name) or "").strip()
    if not raw:
        return []
    values = [v for v in raw.split(",") if v]
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValidationFailed(
            _("Invalid value for filter “%(name)s”.") % {"name": name},
            field_errors={name: [_("“%(value)s” is not valid here.") % {"value": bad[0]}]},
        )
    return values


def _filtered(
    actor: Actor, qs: QuerySet[FeedbackItem], params: Mapping[str, str], skip: str = ""
) -> QuerySet[FeedbackItem]:
    """Apply the inbox filters (all but ``skip``, for facet counts)."""
    now = timezone.now()
    if skip != "kind" and (kinds := _choice(params, "kind", FeedbackKind.values)):
        qs = qs.filter(kind__in=kinds)
    if skip != "status" and (statuses := _choice(params, "status", FeedbackStatus.values)):
        qs = qs.filter(status__in=statuses)
    for name in ("competitor", "pod", "campaign", "theme"):
        if skip == name:
            continue
        raw = (params.get(name) or "").strip()
        if raw == "none":
            qs = qs.filter(**{f"{name}__isnull": True})
        elif (value := _int(params, name)) is not None:
            qs = qs.filter(**{f"{name}_id": value})
    for name in ("author", "owner"):
        raw = (params.get(name) or "").strip()
        if raw == "me":
            qs = qs.filter(**{name: actor.user})
        elif raw == "none":
            qs = qs.filter(**{f"{name}__isnull": True})
        elif (value := _int(params, name)) is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if (days := _int(params, "max_age_days")) is not None:
        qs = qs.filter(submitted_at__gte=now - dt.timedelta(days=days))
    if (days := _int(params, "min_age_days")) is not None:
        qs = qs.filter(submitted_at__lt=now - dt.timedelta(days=days))
    if (params.get("merged") or "").strip().lower() not in ("1", "true", "yes", "include"):
        qs = qs.filter(merged_into__isnull=True)
    query = (params.get("q") or "").strip()
    for term in query.split()[:10]:
        qs = qs.filter(Q(title__icontains=term) | Q(text__icontains=term))
    return qs


def feedback_list(
    *, actor: Actor, params: Mapping[str, str] | None = None
) -> QuerySet[FeedbackItem]:
    """The inbox: filters ``kind`` and ``status`` (comma-separated lists), ``competitor``,
    ``pod``, ``campaign``, ``theme`` (an id or ``none``), ``author``/``owner`` (an id, ``me`` or
    ``none``), ``max_age_days``/``min_age_days`` (submitted within / more than N days ago),
    ``q`` (title and text), ``merged=include`` (merged items are hidden otherwise) and ``sort``
    (``-submitted`` (default), ``submitted``, ``-votes``, ``due``, ``status``)."""
    params = params or {}
    qs = _filtered(actor, feedback_items(actor=actor), params)
    sort = (params.get("sort") or "-submitted").strip()
    if sort not in SORTS:
        raise ValidationFailed(
            _("Invalid value for filter “%(name)s”.") % {"name": "sort"},
            field_errors={
                "sort": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(SORTS)}]
            },
        )
    return qs.order_by(*SORTS[sort])


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int


def inbox_counts(
    *, actor: Actor, params: Mapping[str, str] | None = None
) -> dict[str, list[Facet]]:
    """For each filter of the inbox (status, kind, pod, competitor, campaign), its values with
    how many items each would show given the *other* filters (facet counts). One query each."""
    params = params or {}
    base = FeedbackItem.objects.filter(workspace=actor.workspace)
    result: dict[str, list[Facet]] = {}
    for name, choices in (("status", FeedbackStatus.choices), ("kind", FeedbackKind.choices)):
        counts = dict(
            _filtered(actor, base, params, skip=name)
            .values_list(name)
            .annotate(n=Count("id"))
            .values_list(name, "n")
        )
        result[name] = [Facet(str(v), str(label), counts.get(v, 0)) for v, label in choices]
    for name, label_field in (
        ("pod", "pod__name"),
        ("competitor", "competitor__name"),
        ("campaign", "campaign__name"),
    ):
        rows = (
            _filtered(actor, base, params, skip=name)
            .filter(**{f"{name}__isnull": False})
            .values_list(f"{name}_id", label_field)
            .annotate(n=Count("id"))
            .order_by(label_field)
        )
        result[name] = [Facet(str(pk), str(label), n) for pk, label, n in rows]
    return result


def feedback_get(*, actor: Actor, pk: int) -> FeedbackItem:
    """One item of the actor's workspace (with ``votes_count``), or 404."""
    item = feedback_items(actor=actor).filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Feedback item not found."))
    return item


@dataclass
class FeedbackDetail:
    item: FeedbackItem
    status_changes: list[FeedbackStatusChange]
    responses: list[FeedbackResponse]
    voters: list[User]
    authors: list[User]  # the item's author and those of the items merged into it
    merged_items: list[FeedbackItem]
    has_voted: bool
    can_triage: bool
    can_vote: bool
    next_statuses: list[tuple[str, str]] = field(default_factory=list)


def feedback_detail(*, actor: Actor, pk: int) -> FeedbackDetail:
    """Everything an item's page shows: history, answers, voters, authors, merged items, and
    what the actor may do."""
    item = feedback_get(actor=actor, pk=pk)
    merged = list(
        FeedbackItem.objects.filter(merged_into=item).select_related("author").order_by("id")
    )
    authors: dict[int, User] = {}
    for source in [item, *merged]:
        if source.author:
            authors.setdefault(source.author.pk, source.author)
    voters = [v.user for v in FeedbackVote.objects.filter(item=item).select_related("user")]
    can_triage = actor.can("feedback.triage") and item.merged_into_id is None
    return FeedbackDetail(
        item=item,
        status_changes=list(FeedbackStatusChange.objects.filter(item=item).select_related("actor")),
        responses=list(
            FeedbackResponse.objects.filter(item=item).select_related("author", "campaign")
        ),
        voters=voters,
        authors=list(authors.values()),
        merged_items=merged,
        has_voted=any(v.pk == actor.user.pk for v in voters),
        can_triage=can_triage,
        can_vote=actor.can("feedback.vote") and item.author_id != actor.user.pk,
        next_statuses=[
            (s, str(FeedbackStatus(s).label))
            for s in FeedbackStatus.values
            if can_triage and s in TRANSITIONS[item.status]
        ],
    )


def themes(*, actor: Actor, limit: int = 50) -> QuerySet[FeedbackTheme]:
    """The workspace's themes, largest first, with ``open_count`` and ``votes_count``."""
    return FeedbackTheme.objects.filter(workspace=actor.workspace).annotate(
        open_count=Count(
            "items",
            filter=Q(items__merged_into__isnull=True) & ~Q(items__status__in=CLOSED_STATUSES),
            distinct=True,
        ),
        votes_count=Count("items__votes", distinct=True),
    )[:limit]


def competitors(*, actor: Actor, active_only: bool = False) -> QuerySet[Competitor]:
    qs = Competitor.objects.filter(workspace=actor.workspace)
    return qs.filter(is_active=True) if active_only else qs


def feedback_settings(*, actor: Actor) -> FeedbackSettings:
    """The workspace's SLA terms (the defaults when never set)."""
    return FeedbackSettings.objects.filter(workspace=actor.workspace).first() or FeedbackSettings(
        workspace=actor.workspace
    )


def sla_breaches(*, actor: Actor) -> QuerySet[FeedbackSlaBreach]:
    return FeedbackSlaBreach.objects.filter(workspace=actor.workspace).select_related(
        "item", "item__owner"
    )


def answers_for(*, actor: Actor, since: dt.datetime | None = None) -> QuerySet[FeedbackResponse]:
    """Answers to what the actor raised (or backed, or saw merged), newest first."""
    mine = Q(item__author=actor.user) | Q(item__votes__user=actor.user)
    mine |= Q(item__merged_items__author=actor.user)
    qs = FeedbackResponse.objects.filter(Q(workspace=actor.workspace) & mine)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return qs.select_related("item", "author", "campaign").distinct().order_by("-created_at", "-id")
