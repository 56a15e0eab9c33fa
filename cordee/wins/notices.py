"""The words of the wins' notifications: a code and its parameters, written when read.

``wins.credited`` tells a person a post credits them. Parameters: ``kind`` (the post's kind),
``role`` (why they are credited: ``CreditRole``), ``deal`` (a deal's name), ``amount`` and
``currency``, ``goal`` (a goal's KPI label key and period, as ``kpi`` and ``period``), ``pod``
and ``campaign`` (names)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext

from cordee.core.templatetags.cordee import format_money
from cordee.people.notices import Notice, Params, label_of, notice_register
from cordee.wins.models import CreditRole, PostKind


def _title(params: Params) -> str:
    kind = params.get("kind")
    if kind == PostKind.GOAL_REACHED:
        return gettext("A shared goal is reached: %(kpi)s, %(period)s") % {
            "kpi": gettext(str(params.get("kpi_label", ""))),
            "period": params.get("period", ""),
        }
    if kind == PostKind.POD_FIRST_CODESIGNED:
        return gettext("Your pod %(pod)s won its first deal from a co-designed campaign") % {
            "pod": params.get("pod", "")
        }
    return gettext("A win credits you: %(deal)s (%(amount)s)") % {
        "deal": params.get("deal", ""),
        "amount": format_money(
            Decimal(str(params.get("amount", "0"))), params.get("currency") or "EUR", decimals=0
        ),
    }


def _body(params: Params) -> str:
    role = params.get("role")
    if not role:
        return ""
    return gettext("Credited as: %(role)s") % {"role": label_of(CreditRole)(role)}


CREDITED = notice_register("wins.credited", Notice(title=_title, body=_body))
