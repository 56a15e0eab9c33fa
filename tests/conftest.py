"""Personas shared by the whole suite.

In workspace *Acme* (slug ``acme``): alice (marketer), bob (sales rep), dave (sales
manager), mia (marketing manager), erin (executive), rita (RevOps admin).
In workspace *Globex* (slug ``globex``): carol (RevOps admin). Nobody in Acme can see Globex.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from cordee.core.actor import Actor
from tests import factories as f

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "password"


@dataclass
class Personas:
    acme: object
    globex: object
    alice: object
    bob: object
    dave: object
    mia: object
    erin: object
    rita: object
    carol: object

    def actor(self, name: str) -> Actor:
        user = getattr(self, name)
        membership = user.memberships.select_related("workspace").get()
        return Actor(user=user, workspace=membership.workspace, role=membership.role)


def _member(workspace: object, name: str, role: str) -> object:
    user = f.UserFactory(email=f"{name}@example.fr", first_name=name.capitalize(), last_name="Test")
    f.MembershipFactory(workspace=workspace, user=user, role=role)
    return user


@pytest.fixture
def personas(db: object) -> Personas:
    acme = f.WorkspaceFactory(name="Acme", slug="acme")
    globex = f.WorkspaceFactory(name="Globex", slug="globex")
    return Personas(
        acme=acme,
        globex=globex,
        alice=_member(acme, "alice", "marketer"),
        bob=_member(acme, "bob", "sales_rep"),
        dave=_member(acme, "dave", "sales_manager"),
        mia=_member(acme, "mia", "marketing_manager"),
        erin=_member(acme, "erin", "executive"),
        rita=_member(acme, "rita", "revops_admin"),
        carol=_member(globex, "carol", "revops_admin"),
    )


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Reports and charts are cached by workspace id; ids repeat across rolled-back tests."""
    from django.core.cache import cache

    cache.clear()
