"""The alignment index's weights, set by a RevOps admin (``index.configure``), audited. The
index reads them through ``index.index_weights``; without a row, the documented defaults
(``analytics.alignment_index.DEFAULT_WEIGHTS``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from cordee.alignment.index import index_weights
from cordee.alignment.models import IndexWeights
from cordee.analytics import alignment_index as maths
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed

audit.audit_kind_register(
    "alignment-index-weights", IndexWeights._meta.verbose_name_plural, IndexWeights
)


def _messages() -> dict[str, str]:
    return {
        "unknown": _("This is not a part of the alignment index."),
        "number": _("Give a whole number."),
        "negative": _("A weight cannot be negative."),
        "too_large": _("Give a weight from 0 to %(max)s.") % {"max": maths.WEIGHT_MAX},
        "all_zero": _("At least one part must weigh more than 0."),
    }


def index_weights_set(
    *, actor: Actor, weights: Mapping[str, object] | None = None, reset: bool = False
) -> dict[str, int]:
    """Each part named in ``weights`` takes the weight given (a whole number from 0 to 100),
    the others keep theirs; ``reset``: back to the documented defaults. Refuses an unknown part,
    a negative or non-whole weight and every part at 0, naming the field. Returns the weights
    now in force."""
    actor.require("index.configure")
    workspace = actor.workspace
    with transaction.atomic():
        current = index_weights(workspace)
        if reset:
            wanted = dict(maths.DEFAULT_WEIGHTS)
        else:
            given = dict(weights or {})
            problems = maths.weights_problems(given, current)
            if problems:
                texts = _messages()
                raise ValidationFailed(
                    _("Some fields are not valid."),
                    field_errors={code: [texts[p]] for code, p in problems.items()},
                )
            wanted = {**current, **{c: int(v) for c, v in given.items()}}  # type: ignore[call-overload]
        before = {f"weight_{c}": v for c, v in current.items() if wanted[c] != v}
        after = {f"weight_{c}": wanted[c] for c in current if wanted[c] != current[c]}
        if reset:
            deleted = IndexWeights.objects.filter(workspace=workspace).first()
            target_id = deleted.pk if deleted is not None else None
            IndexWeights.objects.filter(workspace=workspace).delete()
        else:
            row, _created = IndexWeights.objects.update_or_create(
                workspace=workspace, defaults={"weights": wanted, "updated_by": actor.user}
            )
            target_id = row.pk
        if after or (reset and target_id is not None):
            audit.audit_write(
                actor=actor,
                action="weights_reset" if reset else "weights_set",
                target="alignment-index-weights",
                target_id=target_id,
                target_label=workspace.name,
                before=before,
                after=after,
            )
    return wanted
