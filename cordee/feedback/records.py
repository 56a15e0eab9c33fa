"""The competitor catalogue as a record kind (see ``core.records``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.core.records import Filter, RecordSpec
from cordee.feedback import models as m

COMPETITORS = RecordSpec(
    key="competitors",
    model=m.Competitor,
    capability="competitor.write",
    fields=("name", "website", "notes", "is_active"),
    search=("name",),
    filters=(Filter("is_active", "is_active", kind="bool", label=_("Active")),),
    orderings={"name": ("name", "id")},
)
