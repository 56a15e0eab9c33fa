"""Merges in the survivor's timeline (``funnel.timeline``): one query, whatever their number."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.core.actor import Actor
from cordee.funnel.activities import About
from cordee.funnel.timeline import Entry, timeline_source_register
from cordee.merges.moves import moved_words
from cordee.merges.selectors import merges_about


def _merges(actor: Actor, about: About, limit: int) -> list[Entry]:
    if about.scope not in ("contact", "account"):
        return []
    record = getattr(about, about.scope)
    entries = []
    for m in merges_about(actor=actor, kind=about.scope, record_id=record.pk, limit=limit):
        url = reverse("merge_detail", args=[actor.workspace.slug, m.pk])
        moved = ", ".join(moved_words(m.moved)) or _("nothing else moved")
        entries.append(
            Entry(
                kind="merge",
                at=m.at,
                title=_("%(name)s was merged into this record") % {"name": m.loser_label},
                detail=format_html('{} · <a href="{}">{}</a>', moved, url, _("How it was merged")),
                actor=None if m.actor is None else str(m.actor),
                ref=f"merge:{m.pk}",
            )
        )
    return entries


def register() -> None:
    timeline_source_register("merge", gettext_lazy("Merges"), _merges)
