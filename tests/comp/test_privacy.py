"""Variable pay is private (comp.selectors): each persona of Acme against each statement, by
hand — a person reads their own, a manager their team's, a comp admin everyone's, an executive
only as a comp admin, RevOps nobody's by role; another's statement is a 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cordee.comp import selectors, services
from cordee.comp.models import CompAdmin, Plan, PlanVersion, Statement
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.tenancy.models import Membership, Team


def _statement(ws: Any, person: Any, plan: Plan, version: PlanVersion) -> Statement:
    return Statement.objects.create(
        workspace=ws, plan=plan, version=version, person=person, period="2026-Q1", total=Decimal(1)
    )


@pytest.fixture
def pay(personas: Any) -> dict[str, Statement]:
    ws = personas.acme
    sales = Team.objects.create(workspace=ws, name="Ventes", side="sales", manager=personas.dave)
    Membership.objects.filter(workspace=ws, user__in=[personas.bob, personas.dave]).update(
        team=sales
    )
    plan = Plan.objects.create(workspace=ws, name="Plan 2026")
    version = PlanVersion.objects.create(workspace=ws, plan=plan, number=1, document={})
    return {
        name: _statement(ws, getattr(personas, name), plan, version)
        for name in ("alice", "bob", "dave", "mia")
    }


# who reads whose statement (by hand): bob is in dave's sales team; nobody is in mia's
READS = {
    "alice": {"alice"},
    "bob": {"bob"},
    "dave": {"bob", "dave"},
    "mia": {"mia"},
    "erin": set(),  # an executive: only as a comp admin
    "rita": set(),  # RevOps grants comp admins; reads nobody's pay by role
}


@pytest.mark.parametrize("who", sorted(READS))
def test_who_reads_whose_pay(personas, pay, who):
    actor = personas.actor(who)
    read = {s.person.email.split("@")[0] for s in selectors.statements(actor)}
    assert read == READS[who]
    for name, statement in pay.items():
        if name in READS[who]:
            assert selectors.statement_get(actor, statement.pk) == statement
        else:
            with pytest.raises(NotFound):  # not found, not forbidden: its existence is private
                selectors.statement_get(actor, statement.pk)


def test_a_comp_admin_reads_everyones_pay(personas, pay):
    services.comp_admin_grant(actor=personas.actor("rita"), user_id=personas.erin.pk)
    erin = personas.actor("erin")
    assert {s.pk for s in selectors.statements(erin)} == {s.pk for s in pay.values()}
    services.comp_admin_revoke(actor=personas.actor("rita"), user_id=personas.erin.pk)
    assert not selectors.statements(erin).exists()
    entries = AuditEntry.objects.filter(workspace=personas.acme, target="comp-admins")
    actions = [e.action for e in entries]
    assert sorted(actions) == ["create", "delete"]


def test_only_revops_grants_and_only_to_a_member(personas):
    with pytest.raises(PermissionDenied):
        services.comp_admin_grant(actor=personas.actor("dave"), user_id=personas.bob.pk)
    with pytest.raises(ValidationFailed) as error:
        services.comp_admin_grant(actor=personas.actor("rita"), user_id=personas.carol.pk)
    assert set(error.value.field_errors) == {"user"}  # Globex's RevOps is no member of Acme
    services.comp_admin_grant(actor=personas.actor("rita"), user_id=personas.mia.pk)
    services.comp_admin_grant(actor=personas.actor("rita"), user_id=personas.mia.pk)  # again
    assert CompAdmin.objects.filter(workspace=personas.acme).count() == 1


def test_another_workspaces_pay_is_not_found(personas, pay):
    services.comp_admin_grant(actor=personas.actor("rita"), user_id=personas.rita.pk)
    carol = personas.actor("carol")  # Globex's RevOps, a comp admin nowhere
    assert not selectors.statements(carol).exists()
    with pytest.raises(NotFound):
        selectors.statement_get(carol, pay["bob"].pk)
