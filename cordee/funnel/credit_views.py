"""The page that splits a deal's credit (``/w/<slug>/opportunities/<pk>/credits/``): a thin
form over ``funnel.credits`` — shares in percent here, fractions in the service and the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.records import record_get
from cordee.core.web import Form, user_choices, workspace_view
from cordee.funnel import credits
from cordee.funnel.records import OPPORTUNITIES

MAX_ROWS = 50  # as the API's list of shares
BLANK_ROWS = 3  # rows offered beyond the split's


class CreditSplitForm(Form):
    """One row per person: a member and a share in percent (two places: 33,33). Blank rows are
    left out; the service checks the rest and names ``shares[i]``, mapped back to the row."""

    def __init__(
        self,
        *args: Any,
        actor: Actor,
        current: credits.OpportunityCredits,
        rows: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        people = user_choices(actor)
        known = {pk for pk, _name in people}
        people += [
            (line.credit.person_id, line.credit.name)
            for line in current.lines
            if line.credit.person_id not in known
        ]
        for i in range(rows):
            self.fields[f"person_{i}"] = forms.TypedChoiceField(
                label=gettext_lazy("Person"),
                choices=[("", "—"), *people],
                coerce=int,
                required=False,
            )
            self.fields[f"share_{i}"] = forms.DecimalField(
                label=gettext_lazy("Share, in percent"),
                max_digits=5,
                decimal_places=2,
                required=False,
                localize=True,
            )
        self.rows = rows
        self._sent: list[int] = []  # the form's row of each share sent to the service

    def row_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"person_{i}"], self[f"share_{i}"]) for i in range(self.rows)]

    def shares(self) -> list[dict[str, Any]]:
        """The filled rows as the service takes them (a share in percent → a fraction)."""
        out = []
        self._sent = []
        for i in range(self.rows):
            person = self.cleaned_data.get(f"person_{i}")
            percent = self.cleaned_data.get(f"share_{i}")
            if person in (None, "") and percent is None:
                continue
            share = percent / 100 if isinstance(percent, Decimal) else None
            out.append({"person": person if person != "" else None, "share": share})
            self._sent.append(i)
        return out

    def add_service_errors(self, exc: ValidationFailed) -> None:
        """``shares[k].person`` → the row's person field; ``shares`` and others → above."""
        for name, errors in exc.field_errors.items():
            target = None
            if name.startswith("shares[") and "]." in name:
                index, _sep, part = name[len("shares[") :].partition("].")
                if index.isdigit() and int(index) < len(self._sent):
                    field = f"{'person' if part == 'person' else 'share'}_{self._sent[int(index)]}"
                    target = field if field in self.fields else None
            for error in errors:
                self.add_error(target, error)
        if not exc.field_errors:
            self.add_error(None, exc.message)


def _initial(current: credits.OpportunityCredits) -> dict[str, Any]:
    if not current.split:
        return {}
    initial: dict[str, Any] = {}
    for i, line in enumerate(current.lines):
        initial[f"person_{i}"] = line.credit.person_id
        initial[f"share_{i}"] = (line.credit.share * 100).quantize(Decimal("0.01")).normalize()
    return initial


def _rows(request: HttpRequest, current: credits.OpportunityCredits) -> int:
    try:
        sent = int(request.POST.get("rows", 0))
    except ValueError:
        sent = 0
    wanted = sent or (len(current.lines) if current.split else 0) + BLANK_ROWS
    return max(1, min(wanted, MAX_ROWS))


@workspace_view
@require_http_methods(["GET", "POST"])
def opportunity_credits(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """Split a deal's credit between several people (sales managers and RevOps); "Credit the
    owner" removes the split."""
    opportunity = record_get(actor=actor, spec=OPPORTUNITIES, pk=pk)
    actor.require("credit.split")
    current = credits.opportunity_credits(actor=actor, opportunity=opportunity)
    rows = _rows(request, current)
    if request.method != "POST":
        form = CreditSplitForm(actor=actor, current=current, rows=rows, initial=_initial(current))
        return render(request, "funnel/opportunity_credits.html", _page(form, current))
    form = CreditSplitForm(request.POST, actor=actor, current=current, rows=rows)
    if form.is_valid():
        shares = [] if request.POST.get("clear") else form.shares()
        try:
            credits.opportunity_credits_set(
                actor=actor, opportunity_id=opportunity.pk, shares=shares
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("The credit is split.")
                if shares
                else _("No split: the owner is credited with the whole deal."),
            )
            return HttpResponseRedirect(
                reverse("opportunities_detail", args=[actor.workspace.slug, opportunity.pk])
            )
    return render(request, "funnel/opportunity_credits.html", _page(form, current), status=422)


def _page(form: CreditSplitForm, current: credits.OpportunityCredits) -> dict[str, Any]:
    return {"nav": "opportunities", "form": form, "credit": current, "object": current.opportunity}
