"""A post told in the reader's language: its title and its journey's lines, from the codes and
parameters stored on the post (``WinPost.params``, written by ``wins.posts`` and
``wins.milestones``). Every page, notification and chat message showing a post reads it here.

A deal's params: ``deal`` ({id, name}), ``account``, ``amount`` and ``currency``, ``owner`` and
``sdr`` ({id, name} or None), ``model`` ({code, locked, period, start, end}), ``campaigns`` (in
the order of their first touch: {id, name, share, owner}; ``id`` None for the touches without a
campaign) and ``steps`` in time order, each a ``code`` and its values: ``touch`` (at, campaign_id,
campaign, channel, kind), ``mql`` (at), ``sal`` (at, by), ``opportunity`` (day), ``won`` (at).
Instants are ISO 8601 in the workspace's local time; names are kept as they were when posted.
A goal's: ``goal`` ({id, kpi, scope, period, target, actual}), ``scope_name``. A pod's first
co-designed deal: ``pod`` ({id, name}), ``campaign`` ({id, name}), ``deal`` ({id, name}),
``amount``, ``currency``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cordee.analytics import kpis as catalogue
from cordee.attribution.models import AttributionModel
from cordee.core.templatetags.cordee import format_money, percent
from cordee.funnel.models import TouchKind
from cordee.tenancy.roles import Side
from cordee.wins.models import PostKind, WinPost


def _who(person: dict[str, Any] | None) -> str:
    return str(person.get("name", "")) if person else _("someone")


def _money(params: dict[str, Any]) -> str:
    amount = params.get("amount")
    return format_money(Decimal(str(amount)), params.get("currency") or "EUR", decimals=0)


def _kpi_label(key: str) -> str:
    for kpi in catalogue.CATALOGUE:
        if kpi.key == key:
            return _(kpi.label)  # an English message id of the catalogue
    return key


def _scope(scope: str, name: str) -> str:
    if name:
        return name
    if scope.startswith("side:") and scope[5:] in Side.values:
        return str(Side(scope[5:]).label)
    return _("the workspace")


def post_title(post: WinPost) -> str:
    """One line: what was won or reached, and by whom."""
    p = post.params or {}
    if post.kind == PostKind.DEAL_WON and "deal" in p:
        return _("%(owner)s won %(deal)s: %(amount)s") % {
            "owner": _who(p.get("owner")),
            "deal": p["deal"].get("name", ""),
            "amount": _money(p),
        }
    if post.kind == PostKind.GOAL_REACHED and "goal" in p:
        goal = p["goal"]
        return _("Shared goal reached: %(kpi)s for %(scope)s, %(period)s") % {
            "kpi": _kpi_label(goal.get("kpi", "")),
            "scope": _scope(goal.get("scope", ""), p.get("scope_name", "")),
            "period": goal.get("period", ""),
        }
    if post.kind == PostKind.POD_FIRST_CODESIGNED and "pod" in p:
        return _("%(pod)s won its first deal from a co-designed campaign: %(campaign)s") % {
            "pod": p["pod"].get("name", ""),
            "campaign": (p.get("campaign") or {}).get("name", ""),
        }
    return str(post.get_kind_display())


def model_text(post: WinPost) -> str:
    """Which model the shares follow, and whether both sides signed it for the period."""
    model = (post.params or {}).get("model") or {}
    code = model.get("code", "")
    label = AttributionModel(code).label if code in AttributionModel.values else code
    if model.get("locked"):
        return _("Shares under the %(model)s model, signed by both sides for %(period)s.") % {
            "model": label,
            "period": model.get("period", ""),
        }
    return _("Shares under the %(model)s model (not locked for %(period)s).") % {
        "model": label,
        "period": model.get("period", ""),
    }


def _at(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _url(name: str, slug: str, pk: Any) -> str:
    return reverse(name, args=[slug, pk]) if pk else ""


def campaign_shares(post: WinPost) -> list[dict[str, Any]]:
    """The campaigns of a deal's journey with their share (a Decimal of 1, None: unknown) and
    their owner's name ("" without one); the touches without a campaign as ``name`` "—"."""
    return [
        {
            "id": c.get("id"),
            "name": c.get("name") or _("No campaign"),
            "share": Decimal(c["share"]) if c.get("share") is not None else None,
            "owner": (c.get("owner") or {}).get("name", ""),
        }
        for c in (post.params or {}).get("campaigns", [])
    ]


def journey_lines(post: WinPost, *, slug: str | None = None) -> list[dict[str, Any]]:
    """The journey in order, each ``{"at": datetime | date | None, "text": str, "url": str}``
    (the opportunity's line has its creation date); ``slug``: the workspace's (read from the post
    when not given)."""
    p = post.params or {}
    if post.kind != PostKind.DEAL_WON:
        return []
    slug = slug or post.workspace.slug
    shares = {c.get("id"): c.get("share") for c in p.get("campaigns", [])}
    kinds = dict(TouchKind.choices)
    shown: set[Any] = set()
    lines: list[dict[str, Any]] = []
    for step in p.get("steps", []):
        code = step.get("code")
        if code == "touch":
            cid = step.get("campaign_id")
            text = _("%(touch)s — campaign %(campaign)s") % {
                "touch": kinds.get(step.get("kind"), step.get("kind", "")),
                "campaign": step.get("campaign") if cid else _("none"),
            }
            if cid not in shown and shares.get(cid) is not None:
                text += " · " + _("%(share)s of the deal") % {
                    "share": percent(Decimal(shares[cid]))
                }
                shown.add(cid)
            lines.append(
                {
                    "at": _at(step.get("at")),
                    "text": text,
                    "url": _url("campaigns_detail", slug, cid),
                }
            )
        elif code == "mql":
            lines.append({"at": _at(step.get("at")), "text": _("Became an MQL"), "url": ""})
        elif code == "sal":
            text = (
                _("Accepted by %(who)s (SAL)") % {"who": _who(step.get("by"))}
                if step.get("by")
                else _("Accepted by sales (SAL)")
            )
            lines.append({"at": _at(step.get("at")), "text": text, "url": ""})
        elif code == "opportunity":
            day = dt.date.fromisoformat(step["day"]) if step.get("day") else None
            lines.append(
                {
                    "at": day,
                    "text": _("Opportunity %(name)s created") % {"name": p["deal"].get("name")},
                    "url": _url("opportunities_detail", slug, p["deal"].get("id")),
                }
            )
        elif code == "won":
            lines.append(
                {
                    "at": _at(step.get("at")),
                    "text": _("Won by %(owner)s: %(amount)s")
                    % {"owner": _who(p.get("owner")), "amount": _money(p)},
                    "url": _url("opportunities_detail", slug, p["deal"].get("id")),
                }
            )
    return lines
