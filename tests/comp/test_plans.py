"""Pay plans (comp.services.plan_*): RevOps and comp admins write them, every version is kept,
a bad document is refused naming the JSON path of the wrong field, participants are members."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cordee.comp import services
from cordee.comp.models import Plan, PlanVersion
from cordee.core.errors import PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from tests.comp.workspace import document


def _document(personas: Any) -> dict[str, Any]:
    """Acme's plan of tests/comp/workspace.py: a quota and a shared component, Bob and Alice."""
    return document(personas)


def test_revops_creates_a_plan_and_each_change_is_a_new_version(personas):
    rita = personas.actor("rita")
    document = _document(personas)
    plan = services.plan_create(actor=rita, name="Plan 2026", document=document)
    changed = copy.deepcopy(document)
    changed["components"][0]["weight"] = "0.5"
    changed["components"][1]["weight"] = "0.5"
    second = services.plan_version_add(actor=rita, plan_id=plan.pk, document=changed, note="50/50")
    again = services.plan_version_add(actor=rita, plan_id=plan.pk, document=changed)
    assert (second.number, again.pk) == (2, second.pk)  # the same document adds nothing
    versions = PlanVersion.objects.filter(plan=plan).order_by("number")
    assert [v.document["components"][0]["weight"] for v in versions] == ["0.6", "0.5"]
    entries = AuditEntry.objects.filter(workspace=personas.acme, target="pay-plans")
    assert sorted(e.action for e in entries) == ["create", "update"]


def test_a_comp_admin_edits_plans_a_manager_does_not(personas):
    services.comp_admin_grant(actor=personas.actor("rita"), user_id=personas.erin.pk)
    services.plan_create(actor=personas.actor("erin"), name="P", document=_document(personas))
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=personas.actor("dave"), name="Q", document=_document(personas))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["components"][0]["curve"]["points"].__setitem__(2, ["x", "2"]),
         "components[0].curve.points[2][0]"),
        (lambda d: d.__setitem__("currency", "USD"), "currency"),  # not the workspace's
        (lambda d: d["participants"][1].__setitem__("person", "nobody@example.fr"),
         "participants[1].person"),
    ],
)  # fmt: skip
def test_a_bad_document_is_refused_naming_the_field(personas, change, field):
    document = _document(personas)
    change(document)
    with pytest.raises(ValidationFailed) as error:
        services.plan_create(actor=personas.actor("rita"), name="P", document=document)
    assert field in error.value.field_errors
    assert not Plan.objects.filter(workspace=personas.acme).exists()  # nothing written
