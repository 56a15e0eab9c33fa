"""Variable pay's writes: who is a comp admin (RevOps grants it), the plans and their versions
(RevOps and comp admins), each change audited."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.analytics.comp import Payouts
from cordee.analytics.comp import Statement as EngineStatement
from cordee.analytics.comp_plan import PlanError, plan_parse, plan_periods
from cordee.comp import inputs
from cordee.comp.models import (
    Adjustment,
    CompAdmin,
    Dispute,
    DisputeStatus,
    Plan,
    PlanVersion,
    Statement,
    StatementStatus,
)
from cordee.comp.plan_errors import plan_error_text
from cordee.comp.selectors import (
    dispute_get,
    latest_version,
    may_approve,
    may_edit_plans,
    require_comp_admin,
    statement_get,
)
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.core.templatetags.cordee import format_money
from cordee.tenancy.models import Membership, normalize_email

audit.audit_kind_register("comp-admins", CompAdmin._meta.verbose_name, CompAdmin)


def comp_admin_grant(*, actor: Actor, user_id: int) -> CompAdmin:
    """Lets an active member read and approve everyone's pay and edit the plans (RevOps);
    granting it twice changes nothing."""
    actor.require("comp.grant")
    member = (
        Membership.objects.select_related("user")
        .filter(workspace=actor.workspace, user_id=user_id, is_active=True)
        .first()
    )
    if member is None:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"user": [_("No such member in this workspace.")]},
        )
    with transaction.atomic():
        grant, created = CompAdmin.objects.get_or_create(
            workspace=actor.workspace, user=member.user, defaults={"granted_by": actor.user}
        )
        if created:
            audit.audit_write(
                actor=actor,
                action="create",
                target="comp-admins",
                target_id=grant.pk,
                target_label=str(member.user),
                after={"user": audit.named(member.user)},
            )
    return grant


def comp_admin_revoke(*, actor: Actor, user_id: int) -> None:
    """Ends a member's comp admin grant (RevOps); none to end changes nothing."""
    actor.require("comp.grant")
    with transaction.atomic():
        grant = (
            CompAdmin.objects.select_for_update()
            .select_related("user")
            .filter(workspace=actor.workspace, user_id=user_id)
            .first()
        )
        if grant is None:
            return
        audit.audit_write(
            actor=actor,
            action="delete",
            target="comp-admins",
            target_id=grant.pk,
            target_label=str(grant.user),
            before={"user": audit.named(grant.user)},
        )
        grant.delete()


# -- plans: a document, every version kept -----------------------------------------------------------

audit.audit_kind_register("pay-plans", Plan._meta.verbose_name, Plan)


def _require_plan_editor(actor: Actor) -> None:
    """RevOps and the comp admins edit the plans (``selectors.may_edit_plans``)."""
    if may_edit_plans(actor):
        return
    raise PermissionDenied(_("RevOps and the comp admins edit the pay plans."))


def _document_check(actor: Actor, document: Any) -> dict[str, Any]:
    """The document as the engine reads it (``analytics.comp_plan.plan_parse``: a 422 naming the
    JSON path of the wrong field), its currency the workspace's, each participant an active
    member of the workspace (by e-mail)."""
    try:
        plan = plan_parse(document)
    except PlanError as error:
        raise ValidationFailed(
            _("The plan document is not valid."),
            field_errors={error.path or "document": [plan_error_text(error)]},
        ) from None
    if plan.currency != actor.workspace.currency:
        raise ValidationFailed(
            _("The plan document is not valid."),
            field_errors={
                "currency": [
                    _("Pay is in the workspace currency, %(currency)s.")
                    % {"currency": actor.workspace.currency}
                ]
            },
        )
    members = {
        normalize_email(e)
        for e in Membership.objects.filter(workspace=actor.workspace, is_active=True).values_list(
            "user__email", flat=True
        )
    }
    for i, participant in enumerate(plan.participants):
        if normalize_email(participant.person) not in members:
            raise ValidationFailed(
                _("The plan document is not valid."),
                field_errors={
                    f"participants[{i}].person": [_("No such member in this workspace.")]
                },
            )
    return dict(document)


def plan_create(*, actor: Actor, name: str, document: Any, note: str = "") -> Plan:
    """A new plan and its first version (RevOps, comp admins). A bad document: 422 naming the
    field; a name already taken: 422 naming ``name``."""
    _require_plan_editor(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={"name": [_("This field is required.")]}
        )
    checked = _document_check(actor, document)
    with transaction.atomic():
        if Plan.objects.filter(workspace=actor.workspace, name=name).exists():
            raise ValidationFailed(
                _("Some fields are not valid."),
                field_errors={"name": [_("A plan of that name exists already.")]},
            )
        plan = Plan.objects.create(workspace=actor.workspace, name=name, created_by=actor.user)
        PlanVersion.objects.create(
            workspace=actor.workspace,
            plan=plan,
            number=1,
            document=checked,
            note=note[:200],
            created_by=actor.user,
        )
        audit.audit_write(
            actor=actor,
            action="create",
            target="pay-plans",
            target_id=plan.pk,
            target_label=plan.name,
            after={"version": 1},
        )
    return plan


def plan_version_add(*, actor: Actor, plan_id: int, document: Any, note: str = "") -> PlanVersion:
    """A new version of a plan's document (RevOps, comp admins): the versions before stay as
    they were (a statement keeps the one it used). The same document as the latest version adds
    nothing."""
    _require_plan_editor(actor)
    checked = _document_check(actor, document)
    with transaction.atomic():
        plan = (
            Plan.objects.select_for_update().filter(workspace=actor.workspace, pk=plan_id).first()
        )
        if plan is None:
            raise NotFound(_("No such pay plan."))
        latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
        if latest is not None and latest.document == checked:
            return latest
        number = (latest.number if latest else 0) + 1
        version = PlanVersion.objects.create(
            workspace=actor.workspace,
            plan=plan,
            number=number,
            document=checked,
            note=note[:200],
            created_by=actor.user,
        )
        audit.audit_write(
            actor=actor,
            action="update",
            target="pay-plans",
            target_id=plan.pk,
            target_label=plan.name,
            before={"version": number - 1},
            after={"version": number},
        )
    return version


def plan_participant_set(
    *, actor: Actor, plan_id: int, participant: dict[str, Any], note: str = ""
) -> PlanVersion:
    """Assigns a person to the plan (or changes their assignment): a new version of the
    document with that participant — by e-mail, replacing any earlier entry of theirs. A bad
    field: 422 naming ``participants[i].<field>`` as the document would."""
    _require_plan_editor(actor)
    plan = Plan.objects.filter(workspace=actor.workspace, pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No such pay plan."))
    latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    document = dict(latest.document) if latest else {}
    email = normalize_email(str(participant.get("person") or "")) or ""
    others = [
        p
        for p in document.get("participants", [])
        if normalize_email(str(p.get("person") or "")) != email
    ]
    document["participants"] = [*others, {**participant, "person": email}]
    return plan_version_add(actor=actor, plan_id=plan.pk, document=document, note=note)


def plan_participant_remove(*, actor: Actor, plan_id: int, email: str) -> PlanVersion:
    """Ends a person's assignment to the plan: a new version without them (their statements
    stay, with the version they used)."""
    _require_plan_editor(actor)
    plan = Plan.objects.filter(workspace=actor.workspace, pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No such pay plan."))
    latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    document = dict(latest.document) if latest else {}
    wanted = normalize_email(email)
    document["participants"] = [
        p
        for p in document.get("participants", [])
        if normalize_email(str(p.get("person") or "")) != wanted
    ]
    return plan_version_add(actor=actor, plan_id=plan.pk, document=document)


# -- statements: computed from the data, frozen on approval ------------------------------------------

audit.audit_kind_register("pay-statements", Statement._meta.verbose_name, Statement)
audit.audit_kind_register("pay-disputes", Dispute._meta.verbose_name, Dispute)
audit.audit_kind_register("pay-adjustments", Adjustment._meta.verbose_name, Adjustment)

ADJUSTMENT = "adjustment"  # the kind of a statement line that pays an adjustment


def adjustment_line(adjustment: Adjustment) -> dict[str, Any]:
    return {
        "component": adjustment.component,
        "kind": ADJUSTMENT,
        "payout": f"{adjustment.amount:.2f}",
        "attainment": None,
        "adjustment_id": adjustment.pk,
        "dispute_id": adjustment.dispute_id,
        "reason": adjustment.reason,
    }


def _total(lines: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(line["payout"]) for line in lines), Decimal("0.00"))


@dataclass(frozen=True)
class Refreshed:
    period: str
    statements: list[Statement]  # the period's statements of the plan, drafts and approved
    computed: int  # drafts written
    frozen: int  # approved ones left as they were


@dataclass(frozen=True)
class _Computed:
    """A plan's period computed now from the data, for every participant or one person."""

    version: PlanVersion
    read: inputs.StatementInputs
    label: str
    results: dict[int, EngineStatement]  # person id → the engine's statement
    adjustments: dict[int, list[Adjustment]]  # person id → the period's adjustments
    emails: dict[int, str]  # person id → the plan's e-mail
    # person id → their approved statements of the plan by period (what was paid: a true-up
    # and a clawback weigh those, never today's values of a frozen period)
    frozen: dict[int, dict[str, inputs.FrozenStatement]]


def _compute(
    actor: Actor, plan: Plan, period_label: str, person_id: int | None = None
) -> _Computed:
    """The period's statements with the plan's latest version, as ``statements_refresh`` writes
    them; for ``person_id`` alone when given (the others' credits and lines are not computed:
    a person's lines depend on their own credits and the shared values only). One pass, its
    queries bounded whatever the number of people and deals."""
    version = latest_version(plan)
    read = inputs.statement_inputs(actor.workspace, version, period_label, actor=actor)
    label = read.period.label
    emails = {user.pk: email for email, user in read.people.items()}
    engine_plan, credits = read.plan, read.credits
    if person_id is not None:
        mine = {emails[person_id]} if person_id in emails else set()
        engine_plan = dataclasses.replace(
            read.plan, participants=tuple(p for p in read.plan.participants if p.person in mine)
        )
        credits = [c for c in read.credits if c.person in mine]
    engine: list[EngineStatement] = []
    try:
        if engine_plan.participants:
            payouts = Payouts(
                engine_plan,
                credits,
                read.engine_metrics(),
                read.first_month,
                zero_clawbacks=True,  # weighed against the frozen payouts in ``_draft``
            )
            engine = payouts.statements(label)
    except ValueError as error:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={"period": [str(error)]}
        ) from None
    rows = Adjustment.objects.filter(plan=plan, period=label).order_by("id")
    if person_id is not None:
        rows = rows.filter(person_id=person_id)
    adjustments: dict[int, list[Adjustment]] = {}
    for adj in rows:
        adjustments.setdefault(adj.person_id, []).append(adj)
    results = {read.people[s.person].pk: s for s in engine if s.person in read.people}
    frozen = inputs.frozen_read(plan.pk, results, label) if results else {}
    return _Computed(version, read, label, results, adjustments, emails, frozen)


def _draft(computed: _Computed, person_id: int) -> dict[str, Any]:
    """A person's draft as computed: its lines with their drill-down (and the period's
    adjustments), the input values used, the total, the plan version."""
    read = computed.read
    email = computed.emails.get(person_id)
    result = computed.results.get(person_id)
    frozen = inputs.Frozen(
        computed.frozen.get(person_id, {}),
        tuple(plan_periods(read.plan.year, read.period.kind, read.first_month)),
    )
    lines = [inputs.line_record(x, read.metrics, frozen) for x in result.lines] if result else []
    # a clawback that changes nothing against what was paid is no line
    lines = [x for x in lines if x["kind"] != "clawback" or Decimal(x["payout"]) != 0]
    lines += [adjustment_line(a) for a in computed.adjustments.get(person_id, [])]
    deals = {d["deal_id"] for x in lines for d in x.get("deals", ())}
    used = {key for m in lines for key in inputs.line_metric_keys(m)}
    record = {
        "plan_version": computed.version.number,
        "period": computed.label,
        "first_month": read.first_month,
        "credits": inputs.credits_record(read.credits, email or "", deals),
        "metrics": [read.metrics[k].as_dict() for k in sorted(used)],
        "other_currencies": read.apart.get(email or "", []),
        "missing": [
            read.metrics[k].missing_item() for k in sorted(used) if read.metrics[k].missing
        ],
    }
    return {
        "version": computed.version,
        "lines": lines,
        "inputs": record,
        "total": _total(lines),
        "status": StatementStatus.DRAFT,
    }


def statements_refresh(*, actor: Actor, plan_id: int, period_label: str) -> Refreshed:
    """Computes every participant's statement of the period with the plan's latest version
    and writes it as a draft, with its lines (and their drill-down), the input values used and
    the total; an approved statement is never touched (frozen). Comp admins."""
    require_comp_admin(actor)
    plan = Plan.objects.filter(workspace=actor.workspace, pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No such pay plan."))
    computed = _compute(actor, plan, period_label)
    label = computed.label
    written = frozen = 0
    with transaction.atomic():
        existing = {
            s.person_id: s
            for s in Statement.objects.select_for_update().filter(plan=plan, period=label)
        }
        for person_id in sorted(set(computed.results) | set(computed.adjustments)):
            stored = existing.get(person_id)
            if stored is not None and stored.status == StatementStatus.APPROVED:
                frozen += 1
                continue
            fields = _draft(computed, person_id)
            if stored is None:
                Statement.objects.create(
                    workspace=actor.workspace,
                    plan=plan,
                    person_id=person_id,
                    period=label,
                    **fields,
                )
            else:
                for name, value in fields.items():
                    setattr(stored, name, value)
                stored.save(update_fields=[*fields, "updated_at"])
            written += 1
        # a draft of someone the plan no longer pays in the period goes (one disputed stays)
        gone = [
            s.pk
            for person_id, s in existing.items()
            if person_id not in computed.results
            and person_id not in computed.adjustments
            and s.status == StatementStatus.DRAFT
        ]
        Statement.objects.filter(pk__in=gone, disputes__isnull=True).delete()
    rows = list(
        Statement.objects.filter(plan=plan, period=label).select_related(
            "person", "plan", "version"
        )
    )
    return Refreshed(label, rows, written, frozen)


class StaleStatement(Conflict):
    """A draft whose lines the data no longer gives: refresh it before approving it."""

    def __init__(self, message: str, *, before: Decimal, now: Decimal) -> None:
        super().__init__(message)
        self.before, self.now = before, now


def _stale_check(actor: Actor, statement: Statement) -> None:
    """409 when the draft's lines differ from those computed again now from the data (the
    refresh's path, for this person alone): a deal's amount or split, a goal's target or
    value, a new plan version changed since it was computed."""
    computed = _compute(actor, statement.plan, statement.period, person_id=statement.person_id)
    fresh = _draft(computed, statement.person_id)
    if fresh["lines"] == statement.lines:
        return
    currency = actor.workspace.currency
    before, now = statement.total, fresh["total"]
    raise StaleStatement(
        _(
            "The data changed since this statement was computed: its total was %(before)s, "
            "computed again now it is %(now)s. Refresh it, then approve it."
        )
        % {"before": format_money(before, currency), "now": format_money(now, currency)},
        before=before,
        now=now,
    )


def statement_approve(*, actor: Actor, statement_id: int) -> Statement:
    """Approves a statement, which freezes it (its lines, inputs, total and plan version never
    change again): a manager of the person's team or a comp admin, never the person paid (403).
    Refused (409, naming why) when it is approved already, when the data changed since it was
    computed (its lines computed again now differ: refresh it first; ``StaleStatement``, naming
    both totals) or while an input is missing (the attribution not signed, a goal not set).
    Audited."""
    with transaction.atomic():
        statement = statement_get(actor, statement_id)  # 404 for a statement one may not read
        statement = (
            Statement.objects.select_for_update().select_related("plan").get(pk=statement.pk)
        )
        if statement.person_id == actor.user.pk:
            raise PermissionDenied(_("Someone else approves your own pay."))
        if not may_approve(actor, statement):
            raise PermissionDenied(_("A manager of the person's team or a comp admin approves."))
        if statement.status == StatementStatus.APPROVED:
            raise Conflict(_("This statement is approved already."))
        _stale_check(actor, statement)
        missing = [inputs.missing_text(m) for m in (statement.inputs or {}).get("missing", [])]
        if missing:
            raise Conflict(_("This statement cannot be approved yet.") + " " + " ".join(missing))
        statement.status = StatementStatus.APPROVED
        statement.approved_by = actor.user
        statement.approved_at = timezone.now()
        statement.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit.audit_write(
            actor=actor,
            action="approve",
            target="pay-statements",
            target_id=statement.pk,
            target_label=str(statement),
            before={"status": StatementStatus.DRAFT.value},
            after={"status": StatementStatus.APPROVED.value},
        )
    return statement


def _text(field_name: str, value: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={field_name: [_("This field is required.")]},
        )
    if len(text) > limit:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={field_name: [_("At most %(limit)s characters.") % {"limit": limit}]},
        )
    return text


def dispute_open(*, actor: Actor, statement_id: int, component: str, text: str) -> Dispute:
    """The person paid questions one line (a component) of their statement. Audited."""
    statement = statement_get(actor, statement_id)
    if statement.person_id != actor.user.pk:
        raise PermissionDenied(_("Only the person paid disputes a line of their statement."))
    components = {str(line["component"]) for line in statement.lines}
    if component not in components:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"component": [_("This statement has no such line.")]},
        )
    why = _text("text", text, 4000)
    with transaction.atomic():
        dispute = Dispute.objects.create(
            workspace=actor.workspace,
            statement=statement,
            component=component,
            text=why,
            raised_by=actor.user,
        )
        audit.audit_write(
            actor=actor,
            action="create",
            target="pay-disputes",
            target_id=dispute.pk,
            target_label=str(dispute),
            after={"statement": statement.pk, "component": component},
        )
    return dispute


def dispute_resolve(
    *,
    actor: Actor,
    dispute_id: int,
    resolution: str,
    adjustment_amount: Decimal | None = None,
    adjustment_period: str | None = None,
) -> Dispute:
    """A comp admin resolves a dispute, with an adjustment paid in a LATER period (one starting
    after the disputed statement's period ends) when they agree: the later statement shows it
    as a line (a draft of that period gets it at once; an approved one is frozen: 422). Never
    one's own dispute. Audited."""
    dispute = dispute_get(actor, dispute_id)  # 404 for a statement one may not read
    require_comp_admin(actor)
    statement = dispute.statement
    if statement.person_id == actor.user.pk:
        raise PermissionDenied(_("Someone else resolves a dispute of your own pay."))
    answer = _text("resolution", resolution, 4000)
    if (adjustment_amount is None) != (adjustment_period in (None, "")):
        name = "adjustment_period" if adjustment_amount is not None else "adjustment_amount"
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={name: [_("An adjustment has an amount and a period.")]},
        )
    later = None
    if adjustment_amount is not None:
        amount = Decimal(adjustment_amount)
        if not amount.is_finite() or amount == 0 or amount != amount.quantize(Decimal("0.01")):
            raise ValidationFailed(
                _("Some fields are not valid."),
                field_errors={"adjustment_amount": [_("An amount other than 0, to the cent.")]},
            )
        if abs(amount) >= Decimal("1e12"):
            raise ValidationFailed(
                _("Some fields are not valid."),
                field_errors={"adjustment_amount": [_("This number is too large.")]},
            )
        try:
            later = inputs.period_read(actor.workspace, str(adjustment_period))
        except ValidationFailed as error:
            raise ValidationFailed(
                error.message, field_errors={"adjustment_period": error.field_errors["period"]}
            ) from None
        disputed = inputs.period_read(actor.workspace, statement.period)
        if later.start <= disputed.end:
            raise ValidationFailed(
                _("Some fields are not valid."),
                field_errors={
                    "adjustment_period": [
                        _("Pay an adjustment in a period after %(period)s.")
                        % {"period": statement.period}
                    ]
                },
            )
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if dispute.status == DisputeStatus.RESOLVED:
            raise Conflict(_("This dispute is resolved already."))
        adjustment = None
        if later is not None and adjustment_amount is not None:
            target = (
                Statement.objects.select_for_update()
                .filter(
                    plan_id=statement.plan_id, person_id=statement.person_id, period=later.label
                )
                .first()
            )
            if target is not None and target.status == StatementStatus.APPROVED:
                raise ValidationFailed(
                    _("Some fields are not valid."),
                    field_errors={
                        "adjustment_period": [
                            _(
                                "The statement of %(period)s is approved already: choose a later "
                                "period."
                            )
                            % {"period": later.label}
                        ]
                    },
                )
            adjustment = Adjustment.objects.create(
                workspace=actor.workspace,
                plan_id=statement.plan_id,
                person_id=statement.person_id,
                period=later.label,
                component=dispute.component,
                amount=Decimal(adjustment_amount),
                reason=answer[:300],
                dispute=dispute,
                created_by=actor.user,
            )
            if target is not None:
                target.lines = [*target.lines, adjustment_line(adjustment)]
                target.total = _total(target.lines)
                target.save(update_fields=["lines", "total", "updated_at"])
            audit.audit_write(
                actor=actor,
                action="create",
                target="pay-adjustments",
                target_id=adjustment.pk,
                target_label=str(statement.person),
                after={
                    "dispute": dispute.pk,
                    "period": later.label,
                    "component": dispute.component,
                },
            )
        dispute.status = DisputeStatus.RESOLVED
        dispute.resolution = answer
        dispute.resolved_by = actor.user
        dispute.resolved_at = timezone.now()
        dispute.save(
            update_fields=["status", "resolution", "resolved_by", "resolved_at", "updated_at"]
        )
        audit.audit_write(
            actor=actor,
            action="resolve",
            target="pay-disputes",
            target_id=dispute.pk,
            target_label=str(dispute),
            before={"status": DisputeStatus.OPEN.value},
            after={
                "status": DisputeStatus.RESOLVED.value,
                "adjustment": adjustment.pk if adjustment is not None else None,
            },
        )
    return dispute
