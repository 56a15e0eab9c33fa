"""The pay-plan document's errors in the reader's language.

``analytics.comp_plan`` is pure (no Django): its ``PlanError`` carries a stable ``code`` and its
``params`` (the value found, the values allowed…) and an English ``problem`` for the CLI. The app
shows the same sentence through gettext: one message per code, its id the engine's English
sentence (``comp_plan.PROBLEMS``), so the catalogue translates it and a test fails when a code
has no message here."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext, gettext_noop

from cordee.analytics.comp_plan import PlanError

MESSAGES: Mapping[str, str] = {
    # a field's type (``value``: the value found)
    "required": gettext_noop("this field is required."),
    "not_a_string": gettext_noop("expected a string, got %(value)r."),
    "not_a_whole_number": gettext_noop("expected a whole number, got %(value)r."),
    "not_a_list": gettext_noop("expected a list, got %(value)r."),
    "not_an_object": gettext_noop("expected an object, got %(value)r."),
    "not_true_or_false": gettext_noop("expected true or false, got %(value)r."),
    "expected_object": gettext_noop("expected an object."),
    # numbers, dates, choices
    "not_a_number_string": gettext_noop(
        'expected a number as a string such as "0.6", got %(value)r.'
    ),
    "not_a_number": gettext_noop("'%(value)s' is not a number."),
    "below_minimum": gettext_noop("%(value)s is below %(minimum)s."),
    "too_many_decimals": gettext_noop("%(value)s has more than %(places)s decimal places."),
    "not_a_date": gettext_noop("'%(value)s' is not a date (YYYY-MM-DD)."),
    "not_one_of": gettext_noop("'%(value)s' is not one of %(allowed)s."),
    "not_a_side": gettext_noop("'%(value)s' is not a side (%(allowed)s)."),
    "not_a_period": gettext_noop("expected month, quarter, year or an object {side: period}."),
    # the document
    "not_a_plan": gettext_noop("a plan is a JSON object."),
    "not_a_currency": gettext_noop("'%(value)s' is not a currency code such as EUR."),
    "not_a_year": gettext_noop("%(value)s is not a year."),
    "negative_days": gettext_noop("expected 0 or more days."),
    # curves and tiers
    "not_a_curve": gettext_noop("expected an object {points, cap}."),
    "no_point": gettext_noop("a curve needs at least one point."),
    "not_a_point": gettext_noop("expected a pair [attainment, payout fraction]."),
    "attainment_not_increasing": gettext_noop(
        "attainments must increase from one point to the next."
    ),
    "payout_falls": gettext_noop("a payout fraction may not fall as attainment rises."),
    "not_tiers": gettext_noop("expected a list of tiers {up_to, rate}."),
    "not_a_tier": gettext_noop("expected an object {up_to, rate}."),
    "open_tier_not_last": gettext_noop("only the last tier may be open (null)."),
    "last_tier_closed": gettext_noop("the last tier must be open: up_to null."),
    "tier_bounds_not_increasing": gettext_noop("tier bounds must increase."),
    "tier_bound_not_positive": gettext_noop("a tier bound must be above 0."),
    # components
    "empty_id": gettext_noop("an id may not be empty."),
    "duplicate_id": gettext_noop("'%(value)s' is already the id of a component."),
    "commission_scope": gettext_noop(
        "a commission is paid on the person's own deals: scope person."
    ),
    "ramp_too_short": gettext_noop("a ramp lasts at least one month."),
    "not_a_component_id": gettext_noop("expected a component id."),
    "not_a_campaign": gettext_noop("expected a campaign's name."),
    "window_incomplete": gettext_noop("a window needs both from and to."),
    "window_reversed": gettext_noop("the window ends before it starts."),
    "spiff_unbounded": gettext_noop("a spiff needs a campaign, a window (from, to), or both."),
    "not_a_commission": gettext_noop("'%(value)s' is not a commission component."),
    "draw_period": gettext_noop("a draw runs on the period of '%(component)s'."),
    "not_coverable": gettext_noop(
        "'%(value)s' is not an attainment, commission or spiff component."
    ),
    "ramp_period": gettext_noop("'%(value)s' does not run on the ramp's period."),
    "advance_not_yearly": gettext_noop(
        "advances are paid ahead of a yearly payout: the %(side)s side is not paid yearly on "
        "this component."
    ),
    "share_out_of_range": gettext_noop("a share is above 0 and at most 1, got %(value)s."),
    # participants
    "empty_person": gettext_noop("a person may not be empty."),
    "duplicate_participant": gettext_noop("'%(value)s' is already a participant."),
    "end_before_start": gettext_noop("the end comes before the start."),
    "unknown_component": gettext_noop("%(value)r is not a component of the plan."),
    "quota_not_positive": gettext_noop("a quota must be above 0."),
    "no_period_for_side": gettext_noop("'%(value)s' has no period for the %(side)s side."),
    "quota_missing": gettext_noop(
        "'%(component)s' is measured on the person: give its annual quota."
    ),
    "draw_without_commission": gettext_noop(
        "a draw against '%(component)s' needs that component too."
    ),
    "ramp_without_start": gettext_noop("a ramp counts from the start date: give one."),
    "component_twice": gettext_noop("a component is listed twice."),
}


def plan_error_text(error: PlanError) -> str:
    """What is wrong with the document's field ``error.path``, in the active language (a code
    without a message here: the English sentence)."""
    message = MESSAGES.get(error.code)
    if message is None:
        return error.problem
    return gettext(message) % error.params
