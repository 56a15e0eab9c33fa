"""Template helpers for the pages: money in the workspace currency, the workspace switcher."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import Any

from django import template
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.formats import number_format
from django.utils.safestring import SafeString

from cordee.core.selectors import user_memberships
from cordee.tenancy.roles import Role

register = template.Library()

_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}
_NBSP = "\u00a0"


def format_money(amount: Any, currency: str = "EUR", *, decimals: int = 2) -> str:
    """``24000`` in EUR → ``24 000,00 €`` in French, ``€24,000.00`` in English (Decimal only)."""
    if amount is None or amount == "":
        return ""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    number = number_format(value, decimals, use_l10n=True, force_grouping=True)
    code = (currency or "EUR").upper()
    symbol = _SYMBOLS.get(code)
    language = (translation.get_language() or "fr").split("-")[0]
    if language == "fr" or symbol is None:
        return f"{number}{_NBSP}{symbol or code}"
    if number.startswith("-"):
        return f"-{symbol}{number[1:]}"
    return f"{symbol}{number}"


@register.filter
def money(amount: Any, currency: str = "EUR") -> str:
    return format_money(amount, currency)


@register.filter
def money_short(amount: Any, currency: str = "EUR") -> str:
    """Whole units, for headline numbers."""
    return format_money(amount, currency, decimals=0)


@register.simple_tag(takes_context=True)
def workspace_memberships(context: Any) -> Any:
    """The workspaces the signed-in person can switch to: those a workspace page read with its
    actor (``request.memberships``), else one query."""
    request = context.get("request")
    user: Any = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return []
    read = getattr(request, "memberships", None)
    return read if read is not None else list(user_memberships(user=user))


@register.simple_tag(takes_context=True)
def main_nav(
    context: Any, nav: str, unread_notifications: int, new_feedback: int, imports_url: str
) -> SafeString:
    """The layout's navigation (includes/nav.html). It reads nothing but its arguments: the
    workspace, whether the reader administers it, the page shown, the two counts and the
    imports link (empty for who may not import). Every page renders it; rendered once per
    such arguments and language, then kept: a page no longer walks its ~300 nodes, each
    link's URL reversed, each label translated, on every request."""
    actor = context.get("actor")  # none on an instance page showing a workspace
    return _nav(
        context["workspace"].slug,
        actor is not None and actor.role == Role.REVOPS_ADMIN,
        str(nav or ""),
        int(unread_notifications or 0),
        int(new_feedback or 0),
        imports_url or "",
        translation.get_language(),
        get_script_prefix(),
    )


@lru_cache(maxsize=2048)
def _nav(
    slug: str,
    is_admin: bool,
    nav: str,
    unread: int,
    new_feedback: int,
    imports_url: str,
    language: str,
    script_prefix: str,  # the URLs reversed depend on it (one per deployment)
) -> SafeString:
    with translation.override(language):
        html = get_template("includes/nav.html").render(
            {
                "slug": slug,
                "is_admin": is_admin,
                "nav": nav,
                "unread": unread,
                "new_feedback": new_feedback,
                "imports_url": imports_url,
            }
        )
    return SafeString(html)  # the engine's output: it escaped what it holds


@register.filter
def percent_of(value: Any, total: Any) -> int:
    """Width of a bar, in whole percent of ``total`` (0 when there is no total)."""
    try:
        return round(100 * float(value) / float(total)) if total else 0
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.filter
def role_label(role: str | None) -> str:
    return str(Role(role).label) if role in Role.values else ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping|get_item:key`` — a dict lookup by a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    """A ratio (0.734, 599/1072, Decimal("0.3")) as a localised percentage (73 %), rounded
    half up from its exact value (2/3 reads 67 %, 0.5585 at one place 55,9 %); an em dash when
    unknown. The one way every page writes a rate."""
    if value is None:
        return "—"
    exact = Fraction(Decimal(repr(value))) if isinstance(value, float) else Fraction(value)
    shown = (Decimal(exact.numerator) * 100 / Decimal(exact.denominator)).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )
    return f"{number_format(shown, digits)} %"


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def hours(seconds: Any) -> str:
    """Seconds as hours with one decimal, localised (5,5 in French)."""
    from django.utils.formats import number_format

    return str(number_format(float(seconds or 0) / 3600, 1))


@register.simple_tag
def sla_clock(clock: Any) -> str:
    """One SLA clock: its state (kept, late) and its due time, counting down in the page."""
    from django.utils import formats
    from django.utils.html import format_html
    from django.utils.translation import gettext

    state, css = "", "clock"
    if clock.met:
        state, css = gettext("Kept"), "clock clock--met"
    elif clock.breached:
        state, css = gettext("Late"), "clock clock--late"
    return format_html(
        '<span class="{}">{}<time datetime="{}"{}>{}</time></span>',
        css,
        format_html('<span class="clock__state">{}</span>', state) if state else "",
        clock.due_at.isoformat(),
        "" if clock.met else format_html(" data-countdown"),
        formats.date_format(clock.due_at, "SHORT_DATETIME_FORMAT"),
    )


@register.filter
def get_item_at(pairs: Any, index: int) -> Any:
    """The key of the ``index``-th (key, label) pair."""
    try:
        return pairs[int(index)][0]
    except (IndexError, TypeError, ValueError):
        return None
