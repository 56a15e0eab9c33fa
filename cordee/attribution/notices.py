"""The words of attribution's notifications (see ``cordee.people.notices``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.attribution.models import AttributionModel
from cordee.people.notices import Notice, day, label_of, notice_register

# params: who (the person who signed), model (a code of AttributionModel), start, end (ISO dates)
SIGNATURE_ASKED = notice_register(
    "approval.attribution",
    Notice(
        title=_(
            "%(who)s signed the %(model)s attribution of %(start)s – %(end)s: your side’s "
            "signature is awaited"
        ),
        show={"start": day, "end": day, "model": label_of(AttributionModel)},
    ),
)
