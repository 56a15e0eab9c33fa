"""Reading the audit log: the permission-scoped selector (filters shared by the page, its
export and the API) and each entry in the reader's language.

An entry stores codes and values (``core.audit``); the words are made here, when it is read:
"Rita Martin changed the SLA contract “Contrat 2026”", then field by field
"First touch within (business hours): 4 → 2". Reading a page of entries costs no query per
entry: the person's name, the token's and the target's are kept on the entry itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from cordee.core.actor import Actor
from cordee.core.audit import AUDIT_KINDS, AUDIT_VALUE_CHOICES, HIDDEN
from cordee.core.errors import ValidationFailed
from cordee.core.exports import ExportColumn
from cordee.core.models import AuditEntry

# -- the words of actions ------------------------------------------------------------------------

# action code -> (its name in the filter, the sentence with who, kind and label)
ACTIONS: dict[str, tuple[Any, Any]] = {
    "create": (
        pgettext_lazy("audit action", "created"),
        gettext_lazy("%(who)s created the %(kind)s “%(label)s”"),
    ),
    "update": (
        pgettext_lazy("audit action", "changed"),
        gettext_lazy("%(who)s changed the %(kind)s “%(label)s”"),
    ),
    "delete": (
        pgettext_lazy("audit action", "deleted"),
        gettext_lazy("%(who)s deleted the %(kind)s “%(label)s”"),
    ),
    "sign": (
        pgettext_lazy("audit action", "signed"),
        gettext_lazy("%(who)s signed the %(kind)s “%(label)s”"),
    ),
    "withdraw": (
        pgettext_lazy("audit action", "signature withdrawn"),
        gettext_lazy("%(who)s withdrew the signatures of the %(kind)s “%(label)s”"),
    ),
    "rotate": (
        pgettext_lazy("audit action", "secret changed"),
        gettext_lazy("%(who)s changed the secret of the %(kind)s “%(label)s”"),
    ),
    "reassign": (
        pgettext_lazy("audit action", "reassigned"),
        gettext_lazy("%(who)s reassigned the %(kind)s “%(label)s”"),
    ),
    "route": (
        pgettext_lazy("audit action", "routed"),
        gettext_lazy("%(who)s routed the %(kind)s “%(label)s”"),
    ),
    "stage": (
        pgettext_lazy("audit action", "stage changed"),
        gettext_lazy("%(who)s moved the %(kind)s “%(label)s” to another stage"),
    ),
    "bulk": (
        pgettext_lazy("audit action", "bulk action"),
        gettext_lazy("%(who)s started the %(kind)s “%(label)s”"),
    ),
    "undo": (
        pgettext_lazy("audit action", "undone"),
        gettext_lazy("%(who)s undid the %(kind)s “%(label)s”"),
    ),
    "import": (
        pgettext_lazy("audit action", "imported"),
        gettext_lazy("%(who)s ran the %(kind)s “%(label)s”"),
    ),
    "merge": (
        pgettext_lazy("audit action", "merged"),
        gettext_lazy("%(who)s merged a duplicate into the %(kind)s “%(label)s”"),
    ),
    "invite": (
        pgettext_lazy("audit action", "invited"),
        gettext_lazy("%(who)s invited the %(kind)s “%(label)s”"),
    ),
    "revoke": (
        pgettext_lazy("audit action", "revoked"),
        gettext_lazy("%(who)s revoked the %(kind)s “%(label)s”"),
    ),
    "deactivate": (
        pgettext_lazy("audit action", "deactivated"),
        gettext_lazy("%(who)s deactivated the %(kind)s “%(label)s”"),
    ),
    "reactivate": (
        pgettext_lazy("audit action", "reactivated"),
        gettext_lazy("%(who)s reactivated the %(kind)s “%(label)s”"),
    ),
    "signin_unlock": (
        pgettext_lazy("audit action", "sign-in unlocked"),
        gettext_lazy("%(who)s unlocked the sign-in of the %(kind)s “%(label)s”"),
    ),
    "accept": (
        pgettext_lazy("audit action", "accepted"),
        gettext_lazy("%(who)s accepted the %(kind)s “%(label)s”"),
    ),
    "hand_over": (
        pgettext_lazy("audit action", "work handed over"),
        gettext_lazy("%(who)s handed over the open work of the %(kind)s “%(label)s”"),
    ),
    "export": (
        pgettext_lazy("audit action", "exported"),
        gettext_lazy("%(who)s exported the %(kind)s “%(label)s”"),
    ),
    "enable": (
        pgettext_lazy("audit action", "turned on"),
        gettext_lazy("%(who)s turned on the %(kind)s “%(label)s”"),
    ),
    "disable": (
        pgettext_lazy("audit action", "turned off"),
        gettext_lazy("%(who)s turned off the %(kind)s “%(label)s”"),
    ),
    "split": (
        pgettext_lazy("audit action", "credit split"),
        gettext_lazy("%(who)s split the credit of the %(kind)s “%(label)s”"),
    ),
    "approve": (
        pgettext_lazy("audit action", "approved"),
        gettext_lazy("%(who)s approved the %(kind)s “%(label)s”"),
    ),
    "resolve": (
        pgettext_lazy("audit action", "resolved"),
        gettext_lazy("%(who)s resolved the %(kind)s “%(label)s”"),
    ),
    "reopen": (
        pgettext_lazy("audit action", "reopened"),
        gettext_lazy("%(who)s reopened the %(kind)s “%(label)s”"),
    ),
    "review_request": (
        pgettext_lazy("audit action", "sent for review"),
        gettext_lazy("%(who)s sent the brief of the %(kind)s “%(label)s” for sales review"),
    ),
    "request_changes": (
        pgettext_lazy("audit action", "changes requested"),
        gettext_lazy("%(who)s asked for changes in the %(kind)s “%(label)s”"),
    ),
    "launch": (
        pgettext_lazy("audit action", "launched"),
        gettext_lazy("%(who)s launched the %(kind)s “%(label)s”"),
    ),
    "launch_override": (
        pgettext_lazy("audit action", "launched without approval"),
        gettext_lazy("%(who)s launched without sales approval, writing the %(kind)s “%(label)s”"),
    ),
    # a committee meeting's agenda (rituals/agenda.py)
    "agenda_build": (
        pgettext_lazy("audit action", "agenda written"),
        gettext_lazy("%(who)s wrote the agenda of the %(kind)s “%(label)s” from the data"),
    ),
    "agenda_move": (
        pgettext_lazy("audit action", "moved on the agenda"),
        gettext_lazy("%(who)s moved the %(kind)s “%(label)s”"),
    ),
    "agenda_remove": (
        pgettext_lazy("audit action", "removed from the agenda"),
        gettext_lazy("%(who)s removed the %(kind)s “%(label)s” from the agenda"),
    ),
    "agenda_restore": (
        pgettext_lazy("audit action", "put back on the agenda"),
        gettext_lazy("%(who)s put the %(kind)s “%(label)s” back on the agenda"),
    ),
    "recovery_codes_regenerate": (
        pgettext_lazy("audit action", "new recovery codes"),
        gettext_lazy("%(who)s made new recovery codes for the %(kind)s “%(label)s”"),
    ),
    # vis-ma-vie programmes (rituals/programmes.py, exchange_debriefs.py)
    "participant_withdraw": (
        pgettext_lazy("audit action", "withdrawn from the programme"),
        gettext_lazy("%(who)s withdrew the %(kind)s “%(label)s” from the programme"),
    ),
    "debrief_to_feedback": (
        pgettext_lazy("audit action", "raised as field feedback"),
        gettext_lazy("%(who)s raised the %(kind)s “%(label)s” as field feedback"),
    ),
    "debrief_to_agenda": (
        pgettext_lazy("audit action", "put on a committee's agenda"),
        gettext_lazy("%(who)s put the %(kind)s “%(label)s” on a committee’s agenda"),
    ),
    "archive": (
        pgettext_lazy("audit action", "archived"),
        gettext_lazy("%(who)s archived the %(kind)s “%(label)s”"),
    ),
    # vis-ma-vie pairing (rituals.pairing), logged on the programme, the pair or the session
    "pairs_propose": (
        pgettext_lazy("audit action", "pairs proposed"),
        gettext_lazy("%(who)s had the pairs of the %(kind)s “%(label)s” proposed"),
    ),
    "pairs_confirm": (
        pgettext_lazy("audit action", "pairs confirmed"),
        gettext_lazy("%(who)s confirmed the pairs of the %(kind)s “%(label)s”"),
    ),
    "pair_drop": (
        pgettext_lazy("audit action", "pair dropped"),
        gettext_lazy("%(who)s dropped the %(kind)s “%(label)s”"),
    ),
    "session_move": (
        pgettext_lazy("audit action", "session moved"),
        gettext_lazy("%(who)s moved the %(kind)s “%(label)s”"),
    ),
    "decide": (
        pgettext_lazy("audit action", "decided"),
        gettext_lazy("%(who)s recorded a decision in the %(kind)s “%(label)s”"),
    ),
    "close": (
        pgettext_lazy("audit action", "closed"),
        gettext_lazy("%(who)s closed the %(kind)s “%(label)s”"),
    ),
    "cancel": (
        pgettext_lazy("audit action", "cancelled"),
        gettext_lazy("%(who)s cancelled the %(kind)s “%(label)s”"),
    ),
    "done": (
        pgettext_lazy("audit action", "done"),
        gettext_lazy("%(who)s marked the %(kind)s “%(label)s” done"),
    ),
    # the alignment index's weights (alignment/index_services.py)
    "weights_set": (
        pgettext_lazy("audit action", "weights set"),
        gettext_lazy("%(who)s set the %(kind)s of “%(label)s”"),
    ),
    "weights_reset": (
        pgettext_lazy("audit action", "weights reset"),
        gettext_lazy("%(who)s put the %(kind)s of “%(label)s” back to their defaults"),
    ),
    # the alignment diagnostic (diagnostic/services.py): that someone answered, never what
    "answer": (
        pgettext_lazy("audit action", "answered"),
        gettext_lazy("%(who)s answered the %(kind)s “%(label)s”"),
    ),
}
OTHER_ACTION = gettext_lazy("%(who)s — %(action)s — the %(kind)s “%(label)s”")

# names of the values that are not fields of the target's model
VALUE_NAMES: dict[str, Any] = {
    "count": pgettext_lazy("audit value", "rows"),
    "ids": pgettext_lazy("audit value", "ids"),
    "filters": pgettext_lazy("audit value", "filters"),
    "kind": pgettext_lazy("audit value", "kind"),
    "meeting": pgettext_lazy("audit value", "meeting"),
    "item": pgettext_lazy("audit value", "agenda item"),
    "text": pgettext_lazy("audit value", "text"),
    "present": pgettext_lazy("audit value", "present"),
    "action": pgettext_lazy("audit value", "action"),
    "file": pgettext_lazy("audit value", "file"),
    "created": pgettext_lazy("audit value", "created"),
    "updated": pgettext_lazy("audit value", "updated"),
    "merged": pgettext_lazy("audit value", "merged"),
    "rejected": pgettext_lazy("audit value", "rejected"),
    "from_duplicate": pgettext_lazy("audit value", "values taken from the duplicate"),
    "moved": pgettext_lazy("audit value", "rows moved"),
    "owner": pgettext_lazy("audit value", "owner"),
    "stage": pgettext_lazy("audit value", "stage"),
    "to_owner": pgettext_lazy("audit value", "new owner"),
    "to_stage": pgettext_lazy("audit value", "new stage"),
    "mql_threshold": pgettext_lazy("audit value", "MQL threshold"),
    "signin_locked": pgettext_lazy("audit value", "sign-in locked"),
    "credit_split": pgettext_lazy("audit value", "credit split"),
    # the sales review of a campaign brief (codesign.review), logged on the campaign
    "brief_version": pgettext_lazy("audit value", "brief version"),
    "reviewers": pgettext_lazy("audit value", "reviewers"),
    "override": pgettext_lazy("audit value", "launch override"),
    # a vis-ma-vie programme's withdrawal and debriefs (rituals/programmes.py,
    # exchange_debriefs.py), logged on the participant and the debrief
    "pairs_dropped": pgettext_lazy("audit value", "pairs dropped"),
    "sessions_removed": pgettext_lazy("audit value", "sessions removed"),
    "raised_as_feedback": pgettext_lazy("audit value", "field-feedback item"),
    "agenda_entry": pgettext_lazy("audit value", "committee agenda item"),
    "agenda_meeting": pgettext_lazy("audit value", "committee meeting"),
    # a committee (rituals.committees): the future meetings its new rule replaced
    "meetings_replaced": pgettext_lazy("audit value", "meetings replaced"),
    # the alignment index's weights (alignment/index_services.py), one per part
    "weight_sla_marketing": pgettext_lazy("audit value", "weight: marketing SLA compliance"),
    "weight_sla_sales": pgettext_lazy("audit value", "weight: sales SLA compliance"),
    "weight_acceptance": pgettext_lazy("audit value", "weight: acceptance rate"),
    "weight_feedback_latency": pgettext_lazy("audit value", "weight: feedback acknowledgement"),
    "weight_feedback_closure": pgettext_lazy("audit value", "weight: feedback closure rate"),
    "weight_shared_goals": pgettext_lazy("audit value", "weight: shared-goal attainment"),
    "weight_campaigns_approved": pgettext_lazy("audit value", "weight: campaigns approved"),
    "weight_rituals": pgettext_lazy("audit value", "weight: ritual participation"),
    "weight_kudos": pgettext_lazy("audit value", "weight: cross-side kudos"),
    "weight_diagnostic_gap": pgettext_lazy("audit value", "weight: diagnostic gap"),
}

IDS_SHOWN = 20  # a bulk job's ids on the page (the export and the API give them all)


def kind_label(target: str) -> str:
    kind = AUDIT_KINDS.get(target)
    return str(kind.label) if kind else target.replace("-", " ").replace("_", " ")


def action_label(action: str) -> str:
    known = ACTIONS.get(action)
    return str(known[0]) if known else action.replace("_", " ")


def kind_choices(actor: Actor) -> list[tuple[str, str]]:
    """The kinds of target the workspace's log holds, by name (one query)."""
    used = (
        AuditEntry.objects.filter(workspace=actor.workspace)
        .order_by()
        .values_list("target", flat=True)
        .distinct()
    )
    return sorted(((t, kind_label(t).capitalize()) for t in used), key=lambda c: c[1].lower())


def action_choices(actor: Actor) -> list[tuple[str, str]]:
    used = (
        AuditEntry.objects.filter(workspace=actor.workspace)
        .order_by()
        .values_list("action", flat=True)
        .distinct()
    )
    return sorted(((a, action_label(a).capitalize()) for a in used), key=lambda c: c[1].lower())


BY_CHOICES = AuditEntry.By.choices

# -- the selector ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What the page, its export and ``GET /api/v1/audit`` filter on (all optional)."""

    user: int | None = None  # a person: their own changes and their tokens'
    by: str = ""  # person | token | rule | system
    target: str = ""  # a kind of target ("sla-contracts", "leads"…)
    target_id: int | None = None  # with ``target``: one record's entries
    action: str = ""
    since: dt.date | None = None  # the workspace's days, inclusive
    until: dt.date | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> AuditFilters:
        """From a query string; a value that does not parse is a field error (422 / message)."""
        errors: dict[str, list[str]] = {}

        def number(name: str) -> int | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            if not raw.isdigit() or len(raw) > 18:
                errors[name] = [_("Enter a whole number.")]
                return None
            return int(raw)

        def day(name: str) -> dt.date | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                errors[name] = [_("Enter a date as YYYY-MM-DD.")]
                return None

        by = (params.get("by") or "").strip()
        if by and by not in AuditEntry.By.values:
            errors["by"] = [
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(AuditEntry.By.values)}
            ]
        filters = cls(
            user=number("user"),
            by=by if "by" not in errors else "",
            target=(params.get("target") or "").strip()[:40],
            target_id=number("target_id"),
            action=(params.get("action") or "").strip()[:40],
            since=day("since"),
            until=day("until"),
        )
        if errors:
            raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
        return filters

    def as_params(self) -> dict[str, str]:
        values = {
            "user": self.user,
            "by": self.by,
            "target": self.target,
            "target_id": self.target_id,
            "action": self.action,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def audit_entries(*, actor: Actor, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    """The workspace's entries, newest first, filtered: RevOps only (``audit.read``)."""
    actor.require("audit.read")
    f = filters or AuditFilters()
    qs = AuditEntry.objects.filter(workspace=actor.workspace)
    if f.user is not None:
        qs = qs.filter(user_id=f.user)
    if f.by:
        qs = qs.filter(by=f.by)
    if f.target:
        qs = qs.filter(target=f.target)
    if f.target_id is not None:
        qs = qs.filter(target_id=f.target_id)
    if f.action:
        qs = qs.filter(action=f.action)
    zone = actor.workspace.zone
    if f.since is not None:
        qs = qs.filter(at__gte=dt.datetime.combine(f.since, dt.time(), zone))
    if f.until is not None:
        end = dt.datetime.combine(f.until + dt.timedelta(days=1), dt.time(), zone)
        qs = qs.filter(at__lt=end)
    return qs.order_by("-at", "-id")


def record_has_entries(*, actor: Actor, target: str, target_id: int) -> bool:
    """For a record's page: whether to link to its entries (RevOps only)."""
    if not actor.can("audit.read"):
        return False
    return AuditEntry.objects.filter(
        Q(workspace=actor.workspace) & Q(target=target) & Q(target_id=target_id)
    ).exists()


# -- an entry in the reader's language -----------------------------------------------------------


def who(entry: AuditEntry) -> str:
    if entry.by == AuditEntry.By.RULE:
        return _("the rule “%(name)s”") % {"name": entry.by_label}
    if entry.by == AuditEntry.By.SYSTEM:
        return _("Cordée")
    return entry.by_label or _("a former member")


def label_of(entry: AuditEntry) -> str:
    if entry.target_label:
        return entry.target_label
    return f"#{entry.target_id}" if entry.target_id is not None else "—"


def sentence(entry: AuditEntry) -> str:
    """ "Rita Martin changed the SLA contract “Contrat 2026”", in the active language."""
    values = {"who": who(entry), "kind": kind_label(entry.target), "label": label_of(entry)}
    known = ACTIONS.get(entry.action)
    if known:
        return str(known[1]) % values
    return str(OTHER_ACTION) % {**values, "action": entry.action}


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def value_name(model: type[models.Model] | None, name: str) -> str:
    model_field = _field(model, name)
    if model_field is not None and getattr(model_field, "verbose_name", None):
        return str(model_field.verbose_name).capitalize()
    known = VALUE_NAMES.get(name)
    return str(known).capitalize() if known else name.replace("_", " ").capitalize()


def _number(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return formats.number_format(number, use_l10n=True, force_grouping=True)


def shown(model_field: Any, value: Any) -> str:
    """One stored value as a reader sees it: a choice's label, a related row's name, a localised
    number, date or time (the workspace's time zone is active on the page), "—" for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value == HIDDEN:
        return _("(hidden)")
    if isinstance(value, dict) and "id" in value:
        return str(value.get("name") or f"#{value['id']}")
    if isinstance(value, list):
        return ", ".join(shown(model_field, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {shown(None, v)}" for k, v in value.items())
    if model_field is not None:
        choices = dict(model_field.flatchoices) if getattr(model_field, "choices", None) else {}
        if value in choices:
            return str(choices[value])
        if isinstance(model_field, models.BooleanField):
            return str(_("Yes") if value in (True, "True") else _("No"))
        if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        if isinstance(model_field, models.DateField) and isinstance(value, str):
            try:
                return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
            except ValueError:
                return value
        if isinstance(model_field, models.ForeignKey):
            return f"#{value}"
        if isinstance(model_field, models.DecimalField | models.IntegerField | models.FloatField):
            return _number(value)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, int | float | Decimal):
        return _number(value)
    return str(value)


@dataclass(frozen=True)
class Change:
    name: str
    before: str
    after: str


def changes(entry: AuditEntry, *, ids_shown: int | None = IDS_SHOWN) -> list[Change]:
    """The entry's values field by field, before and after (an entry about many rows shows the
    first ``ids_shown`` ids and how many there are)."""
    kind = AUDIT_KINDS.get(entry.target)
    model = kind.model if kind else None
    before, after = entry.before or {}, entry.after or {}
    out = []
    for name in [*before, *(k for k in after if k not in before)]:
        model_field = _field(model, name)
        old, new = before.get(name), after.get(name)
        if name == "ids" and ids_shown is not None:
            old, new = _some(old, ids_shown), _some(new, ids_shown)
        if name == "from_duplicate":  # field names
            old, new = _names(model, old), _names(model, new)
        if model_field is None and name in AUDIT_VALUE_CHOICES:
            labels = dict(AUDIT_VALUE_CHOICES[name])
            old, new = labels.get(old, old), labels.get(new, new)
        out.append(
            Change(value_name(model, name), shown(model_field, old), shown(model_field, new))
        )
    return out


def _names(model: type[models.Model] | None, names: Any) -> Any:
    if not isinstance(names, list):
        return names
    return [value_name(model, str(n)) for n in names]


def _some(ids: Any, n: int) -> Any:
    if isinstance(ids, list) and len(ids) > n:
        return ", ".join(str(i) for i in ids[:n]) + " " + _("… (%(n)s in all)") % {"n": len(ids)}
    return ids


@dataclass(frozen=True)
class EntryView:
    entry: AuditEntry
    sentence: str
    changes: list[Change]


def entry_views(entries: Iterable[AuditEntry]) -> list[EntryView]:
    return [EntryView(e, sentence(e), changes(e)) for e in entries]


# -- the export ------------------------------------------------------------------------------------


def _text_of_changes(entry: AuditEntry) -> str:
    return "; ".join(f"{c.name}: {c.before} → {c.after}" for c in changes(entry, ids_shown=None))


def export_columns() -> list[ExportColumn]:
    """The file's columns (headers in the reader's language, written while it is active)."""
    column: Callable[[str, Callable[[AuditEntry], Any]], ExportColumn] = ExportColumn
    return [
        column(_("ID"), lambda e: e.pk),
        column(_("When"), lambda e: e.at),
        column(_("Who"), lambda e: who(e)),
        column(_("By"), lambda e: e.get_by_display()),
        column(_("Action"), lambda e: action_label(e.action)),
        column(_("Kind"), lambda e: kind_label(e.target)),
        column(_("Record ID"), lambda e: e.target_id),
        column(_("Record"), lambda e: e.target_label),
        column(_("What happened"), sentence),
        column(_("Changes"), _text_of_changes),
    ]
