"""Deleting a whole, lived-in workspace: the demo company (a year of leads, deals, contracts,
feedback, comments, imports…) goes in one transaction, every row of it, and nothing else."""

from __future__ import annotations

import pytest
from django.apps import apps

from cordee.administration import services
from cordee.demo.builder import build_demo
from cordee.tenancy.models import Workspace
from tests import factories as f


def _rows_of(workspace_id: int) -> dict[str, int]:
    """Rows pointing at the workspace, per model (every model with a ``workspace`` key)."""
    counts = {}
    for model in apps.get_models():
        names = {fld.name for fld in model._meta.concrete_fields}
        if "workspace" in names and model is not Workspace:
            n = model._default_manager.filter(workspace_id=workspace_id).count()
            if n:
                counts[model._meta.label] = n
    return counts


@pytest.mark.slow  # a demo of its own; test_instance.py deletes a workspace on both engines
@pytest.mark.django_db
def test_the_demo_workspace_is_deleted_whole(personas):
    build_demo(size="small", seed=1)
    demo = Workspace.objects.get(slug="demo")
    before = _rows_of(demo.pk)
    assert {"funnel.Lead", "funnel.Opportunity", "crm.Account", "tenancy.Membership"} <= set(before)
    acme_before = _rows_of(personas.acme.pk)
    root = f.UserFactory(email="root@example.fr", is_superuser=True)

    services.workspace_delete(user=root, workspace_id=demo.pk, confirm_name=demo.name)

    assert not Workspace.objects.filter(pk=demo.pk).exists()
    assert _rows_of(demo.pk) == {}
    assert _rows_of(personas.acme.pk) == acme_before
