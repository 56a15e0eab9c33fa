from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.web import (
    Column,
    Form,
    RecordPage,
    SchemaForm,
    add_field_errors,
    record_form_class,
)
from cordee.funnel import records, schemas, selectors, services
from cordee.funnel.sla import marketing_status
from cordee.people.forms import CommaListField
from cordee.people.selectors import pod_choices
from cordee.tenancy.models import Membership


def _form_with_lists(spec: Any, lists: tuple[str, ...]) -> Any:
    """The form of every field the spec lets a person set, ``lists`` typed as comma lists."""
    base = record_form_class(spec, spec.fields)
    extra = {
        name: CommaListField(
            label=base.base_fields[name].label,
            required=False,
            help_text=gettext_lazy("Separate them with commas."),
        )
        for name in lists
    }
    return type(f"{base.__name__}WithLists", (base,), extra)


def _save_contract(actor: Actor, form: forms.Form, instance: Any) -> Any:
    data = form.record_data()  # type: ignore[attr-defined]
    return services.sla_contract_save(actor=actor, data=data, contract=instance)


def _contract_context(actor: Actor, contract: Any) -> dict[str, Any]:
    return {
        "status": marketing_status(contract, timezone.now()) if contract.is_signed else None,
        "can_sign": actor.signs_for is not None
        and getattr(contract, f"{actor.signs_for}_signed_at") is None,
        "breaches": list(
            contract.breaches.select_related("lead__contact").order_by("-due_at")[:10]
        ),
    }


def _facts(actor: Actor, obj: Any) -> dict[str, Any]:
    """Label and shown value of each field of a settings record, for its detail page."""
    rows = []
    for field in obj._meta.concrete_fields:
        if field.name in {"id", "workspace", "created_at", "updated_at"}:
            continue
        display = getattr(obj, f"get_{field.name}_display", None)
        value = display() if display else getattr(obj, field.name)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value) or "—"
        elif isinstance(value, bool):
            value = _("Yes") if value else _("No")
        rows.append({"label": str(field.verbose_name).capitalize(), "value": value})
    return {"fields": rows}


SLA_CONTRACTS = RecordPage(
    new_label=gettext_lazy("New SLA contract"),
    spec=records.SLA_CONTRACTS,
    columns=(
        Column("name", gettext_lazy("Name"), link="self"),
        Column("pod", gettext_lazy("Pod")),
        Column("period_start", gettext_lazy("From"), sort="-start", kind="date"),
        Column("period_end", gettext_lazy("To"), kind="date", secondary=True),
        Column("is_signed", gettext_lazy("Signed by both sides")),
    ),
    form_fields=records.SLA_CONTRACTS.fields,
    form_class=_form_with_lists(records.SLA_CONTRACTS, ("industries",)),
    detail_template="funnel/contract_detail.html",
    detail_context=_contract_context,
    save=_save_contract,
    filter_choices={"pod": pod_choices},
    empty_text=gettext_lazy(
        "An SLA contract is what marketing and sales promise each other for a period: MQL volume "
        "and quality on one side, speed, persistence and decisions on the other."
    ),
)


SCORING_RULES = RecordPage(
    new_label=gettext_lazy("New scoring rule"),
    spec=records.SCORING_RULES,
    columns=(
        Column("name", gettext_lazy("Name"), sort="name", link="self"),
        Column("kind", gettext_lazy("Kind"), kind="badge"),
        Column("points", gettext_lazy("Points"), kind="number"),
        Column("half_life_days", gettext_lazy("Half-life (days)"), kind="number", secondary=True),
        Column("is_active", gettext_lazy("Active"), secondary=True),
    ),
    form_fields=records.SCORING_RULES.fields,
    form_class=_form_with_lists(records.SCORING_RULES, ("values",)),
    detail_template="funnel/rule_detail.html",
    detail_context=_facts,
    empty_text=gettext_lazy(
        "Scoring rules say which leads are worth sales' time: fit (who they are) and engagement "
        "(what they did, fading with time). Crossing the threshold makes a lead an MQL."
    ),
)


REJECTION_REASONS = RecordPage(
    new_label=gettext_lazy("New rejection reason"),
    spec=records.REJECTION_REASONS,
    columns=(
        Column("label", gettext_lazy("Reason"), sort="label", link="self"),
        Column("code", gettext_lazy("Code"), secondary=True),
        Column("default_outcome", gettext_lazy("Default outcome"), kind="badge"),
        Column("recycle_after_days", gettext_lazy("Re-evaluate after (days)"), kind="number"),
    ),
    form_fields=records.REJECTION_REASONS.fields,
    detail_template="funnel/rule_detail.html",
    detail_context=_facts,
    empty_text=gettext_lazy(
        "The reasons sales may give when rejecting an MQL, each with its default outcome."
    ),
)


ROUTING_RULES = RecordPage(
    new_label=gettext_lazy("New routing rule"),
    spec=records.ROUTING_RULES,
    columns=(
        Column("name", gettext_lazy("Name"), link="self"),
        Column("order", gettext_lazy("Order"), sort="order", kind="number"),
        Column("pod", gettext_lazy("Pod")),
        Column("capacity", gettext_lazy("Capacity"), kind="number", secondary=True),
    ),
    form_fields=records.ROUTING_RULES.fields,
    form_class=_form_with_lists(records.ROUTING_RULES, ("industries", "regions", "countries")),
    detail_template="funnel/rule_detail.html",
    detail_context=_facts,
    empty_text=gettext_lazy(
        "Routing rules send new MQLs to a pod by industry, region or country; inside the pod, "
        "leads go round-robin to available reps under their capacity."
    ),
)


SETTINGS_PAGES = (SLA_CONTRACTS, SCORING_RULES, REJECTION_REASONS, ROUTING_RULES)


# -- the MQL threshold and the routing fallback: one setting each, with its page ----------------


class ThresholdForm(SchemaForm):
    schema = schemas.MqlThresholdIn

    threshold = forms.IntegerField(
        label=gettext_lazy("MQL threshold"),
        help_text=gettext_lazy(
            "A lead whose score reaches it becomes an MQL. Leads already in the queue stay there; "
            "the queue says why those under the new threshold are in it."
        ),
    )


def threshold_page(actor: Actor, form: forms.Form | None = None) -> dict[str, Any]:
    """The threshold's form and the history of its changes."""
    return {
        "nav": "scoring-threshold",
        "form": form or ThresholdForm(initial={"threshold": actor.workspace.mql_threshold}),
        "threshold": actor.workspace.mql_threshold,
        "changes": list(selectors.mql_threshold_changes(actor=actor)[:50]),
    }


def threshold_saved(actor: Actor, form: ThresholdForm) -> bool:
    if not form.is_valid():
        return False
    try:
        services.mql_threshold_set(actor=actor, threshold=form.cleaned_data["threshold"])
    except ValidationFailed as exc:
        add_field_errors(form, exc)
        return False
    return True


class FallbackForm(Form):
    pod = forms.TypedChoiceField(
        label=gettext_lazy("Fallback pod"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("Round-robin among its available reps, under their capacity."),
    )
    user = forms.TypedChoiceField(
        label=gettext_lazy("Or a fallback person"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("One member of the sales team takes them all."),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        none = [("", "—")]
        cast(forms.ChoiceField, self.fields["pod"]).choices = none + pod_choices(actor)
        people = (
            Membership.objects.filter(
                workspace=actor.workspace, is_active=True, role__in=services.FALLBACK_ROLES
            )
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )
        cast(forms.ChoiceField, self.fields["user"]).choices = none + [
            (m.user_id, str(m.user)) for m in people
        ]


def fallback_page(actor: Actor, form: forms.Form | None = None) -> dict[str, Any]:
    """The fallback's form, and how many MQLs have no owner now."""
    fallback = selectors.routing_fallback(actor=actor)
    initial = {"pod": fallback.pod_id, "user": fallback.user_id} if fallback else {}
    return {
        "nav": "routing-fallback",
        "form": form or FallbackForm(actor=actor, initial=initial),
        "fallback": fallback,
        "unowned": selectors.unowned_mql_count(actor=actor),
    }


def fallback_saved(actor: Actor, form: FallbackForm) -> bool:
    if not form.is_valid():
        return False
    try:
        services.routing_fallback_set(
            actor=actor, pod_id=form.cleaned_data["pod"], user_id=form.cleaned_data["user"]
        )
    except ValidationFailed as exc:
        add_field_errors(form, exc)
        return False
    return True
