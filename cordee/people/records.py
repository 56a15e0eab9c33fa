"""Pods as records (see ``core.records``): listed, searched and filtered like the shared data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.core.records import Filter, RecordSpec
from cordee.people.models import Pod

PODS = RecordSpec(
    key="pods",
    model=Pod,
    capability="pod.write",
    fields=("name", "mission", "industries", "regions"),
    search=("name", "mission"),
    filters=(Filter("member", "members__id", kind="int", label=_("Member")),),
    orderings={"name": ("name", "id")},
)
